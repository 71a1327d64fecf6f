"""Layers run one way (issue 15 item 1): core < models < analysis < plot / cli, and no cycles.

Every module of the package is parsed (``ast``), and every import it makes is
collected, those inside functions included: a lazy import still ties two
modules together, and a cycle hidden in a function body breaks the day it is
moved to the top of the file.  Package ``__init__`` modules are facades that
re-export their subpackage; importing from one counts as importing the package.
"""

import ast
from pathlib import Path

import pytest

import attractors

ROOT = Path(attractors.__file__).parent

#: Layers from the bottom; a module may import from its own layer and those below.
#: Everything not named here is core (``_system``, ``_simulate``, solvers, ...).
LAYERS = {
    "models": 1,
    # Above models: the analyses, the experiment protocols (which build models),
    # the sweeps (which run named protocols), manifolds and data sets made by models.
    "analysis": 2, "protocols": 2, "manifold": 2, "datasets": 2, "_sweep": 2,
    # The top: figures, animations, the gallery renderer and the command line.
    "plot": 3, "_animate": 3, "_render": 3, "cli": 3,
}
LAYER_NAMES = {0: "core", 1: "models", 2: "analysis", 3: "plot / cli"}


def module_name(path: Path) -> str:
    parts = ("attractors", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)


def is_package(name: str) -> bool:
    return (ROOT.joinpath(*name.split(".")[1:]) / "__init__.py").exists()


def exists(name: str) -> bool:
    relative = ROOT.joinpath(*name.split(".")[1:])
    return name == "attractors" or relative.with_suffix(".py").exists() or is_package(name)


MODULES = {module_name(path): path for path in sorted(ROOT.rglob("*.py"))
           if "_gallery" not in path.parts}


def targets_of(node, name: str) -> list[str]:
    """The modules an ``import`` / ``from ... import`` statement in module ``name`` names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    origin = node.module or ""
    if node.level:
        package = (name if is_package(name) else name.rpartition(".")[0]).split(".")
        origin = ".".join(package[:len(package) - (node.level - 1)] + ([node.module] if node.module else []))
    # `from . import x` imports the submodule x when there is one.
    return [f"{origin}.{alias.name}" if exists(f"{origin}.{alias.name}") else origin
            for alias in node.names]


def imports_of(name: str) -> set[str]:
    """The attractors modules ``name`` imports, anywhere in its body."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text(), filename=str(MODULES[name]))):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for target in targets_of(node, name):
            if target == "attractors" or target.startswith("attractors."):
                while not exists(target):  # `import attractors.x.y` where y is not a module
                    target = target.rpartition(".")[0]
                found.add(target)
    found.discard(name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}
# The facade loads analysis, plot and manifold on first use (importlib, not an
# import statement): those are edges too, so a module that imports `attractors`
# while the facade reaches it closes a cycle.
GRAPH["attractors"] |= {"attractors" + module for module, _ in attractors._ON_FIRST_USE.values()}


def layer(name: str) -> int:
    parts = name.split(".")
    if len(parts) < 2:
        return 4  # the top-level facade `attractors` re-exports everything
    head = parts[1]
    for prefix, level in LAYERS.items():
        if head == prefix or (prefix.startswith("_") and head.startswith(prefix)):
            return level
    return 0


def test_the_parser_sees_every_kind_of_import():
    # A check that cannot fail is no check: the graph must hold imports we know exist.
    assert "attractors._system" in GRAPH["attractors._simulate"]
    assert {"attractors.models", "attractors.analysis", "attractors.plot"} <= GRAPH["attractors"]
    assert all(name.startswith("attractors") for targets in GRAPH.values() for name in targets)
    source = ("def f():\n    from ..analysis import compare\n    from . import _toy\n"
              "    import attractors.plot\n")
    tree = ast.parse(source)
    assert sum(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree)) == 3
    assert layer("attractors.models._ring") == 1 and layer("attractors.analysis._bump") == 2
    assert layer("attractors.cli") == 3 and layer("attractors._simulate") == 0
    assert layer("attractors._sweep_store") == 2


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != "attractors"))
def test_imports_run_down_the_layers(name):
    upward = sorted(target for target in GRAPH[name]
                    if target != "attractors" and layer(target) > layer(name))
    assert not upward, (
        f"{name} ({LAYER_NAMES[layer(name)]}) imports from a higher layer: "
        + ", ".join(f"{t} ({LAYER_NAMES[layer(t)]})" for t in upward)
        + "; move what it needs down (for example to a core module) instead")


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_two_modules_import_each_other():
    # A package's __init__ may import its own submodules (it is their facade); a
    # submodule importing its package's __init__ back is then a cycle, reported,
    # and so is `import attractors` in any module the top-level facade reaches.
    found = cycles(GRAPH)
    assert not found, "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


# -- one numba convention ------------------------------------------------------------


def top_level_imports(name: str) -> set[str]:
    """Modules ``name`` imports when it is itself imported (not inside functions or classes)."""
    found = set()
    body = list(ast.parse(MODULES[name].read_text()).body)
    while body:
        node = body.pop()
        if isinstance(node, (ast.If, ast.Try)):  # module-level blocks still run at import
            body += node.body + node.orelse + getattr(node, "finalbody", [])
            body += [n for handler in getattr(node, "handlers", []) for n in handler.body]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= set(targets_of(node, name))
    return found


TOP_LEVEL = {name: top_level_imports(name) for name in MODULES}
COMPILED = sorted(name for name, targets in TOP_LEVEL.items()
                  if any(t == "numba" or t.startswith("numba.") for t in targets))


def test_numba_loads_only_with_the_first_kernel():
    # Modules that import numba at their top hold the compiled kernels; no module
    # may import one of them at its own top, or `import attractors` loads numba.
    assert "attractors.models._hopfield_kernels" in COMPILED
    eager = sorted(f"{name} imports {target}" for name, targets in TOP_LEVEL.items()
                   for target in targets if target in COMPILED)
    assert not eager, "compiled-kernel modules imported at module level: " + "; ".join(eager)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_numba_is_imported_without_a_fallback(name):
    # numba is a required dependency: a try/except ImportError around it would
    # hide a broken install behind a silently slower numpy path.
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Try) and any(
                isinstance(inner, (ast.Import, ast.ImportFrom))
                and "numba" in ([a.name for a in inner.names] if isinstance(inner, ast.Import)
                                else [inner.module or ""])
                for statement in node.body for inner in ast.walk(statement)):
            pytest.fail(f"{name} imports numba inside try: numba is required, no fallback")
