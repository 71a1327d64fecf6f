"""One explicit public namespace (issue 15 item 15).

Each public package and module says what it exports in one ``__all__``: every
name listed resolves, every public name a package holds is listed, star
imports work, and ``import attractors`` loads none of the heavy libraries
(numba, xarray, scipy, matplotlib) that only some uses need.  Checks that must
see a fresh interpreter (what importing one module drags in) run in a
subprocess, since the test session has long since imported everything.
"""

import importlib
import inspect
import json
import subprocess
import sys
from collections.abc import Mapping

import pytest

import attractors

#: Packages whose namespace is curated: every public name they hold is in __all__.
PACKAGES = ["attractors", "attractors.models", "attractors.analysis", "attractors.plot",
            "attractors.manifold", "attractors.datasets"]
#: Public modules: every public class or function defined in them is in __all__.
MODULES = ["attractors.inputs", "attractors.learning", "attractors.paths", "attractors.patterns",
           "attractors.protocols", "attractors.solvers", "attractors.testing", "attractors.transfer"]


def fresh(code: str):
    """Run ``code`` in a new interpreter; it prints one JSON value, returned here."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", PACKAGES + MODULES)
def test_every_listed_name_resolves(name):
    module = importlib.import_module(name)
    assert isinstance(module.__all__, list) and module.__all__, f"{name} has no __all__"
    assert len(set(module.__all__)) == len(module.__all__), f"{name}.__all__ lists a name twice"
    missing = [item for item in module.__all__ if not hasattr(module, item)]
    assert not missing, f"{name}.__all__ lists names it does not have: {missing}"


@pytest.mark.parametrize("name", PACKAGES)
def test_every_public_name_of_a_package_is_listed(name):
    # A fresh interpreter: in this session other tests import submodules (cli, ...)
    # that then sit on the package as attributes.
    unlisted = fresh(
        f"import importlib, json; m = importlib.import_module({name!r}); "
        "print(json.dumps(sorted(k for k in vars(m) if not k.startswith('_') "
        "and k not in m.__all__)))")
    assert unlisted == [], f"public names of {name} missing from its __all__: {unlisted}"


@pytest.mark.parametrize("name", MODULES)
def test_every_public_definition_of_a_module_is_listed(name):
    module = importlib.import_module(name)
    defined = [key for key, value in vars(module).items()
               if not key.startswith("_") and (inspect.isclass(value) or inspect.isfunction(value))
               and getattr(value, "__module__", None) == name]
    unlisted = sorted(set(defined) - set(module.__all__))
    assert not unlisted, f"{name} defines public names missing from its __all__: {unlisted}"


@pytest.mark.parametrize("name", PACKAGES)
def test_star_import(name):
    namespace = {}
    exec(f"from {name} import *", namespace)  # noqa: S102 - the point of the test
    module = importlib.import_module(name)
    assert set(module.__all__) <= set(namespace)


def test_registry_is_a_real_mapping():
    from attractors.models import REGISTRY, DoubleWell, _cli

    # The old registry was a dict subclass with empty storage: get() gave None and
    # values() nothing, while [] and iteration worked.
    assert isinstance(REGISTRY, Mapping)
    assert REGISTRY.get("hopfield") is _cli.hopfield
    assert REGISTRY["double-well"] is DoubleWell
    assert len(list(REGISTRY.values())) == len(REGISTRY) == len(list(REGISTRY)) >= 12
    assert dict(REGISTRY.items()) == {name: REGISTRY[name] for name in REGISTRY}
    assert all(callable(value) for value in REGISTRY.values())
    model = REGISTRY["double-well"]()
    assert isinstance(model, attractors.DynamicalSystem)


def test_models_are_in_both_namespaces():
    from attractors import models

    for name in ("HopfieldNetwork", "RateNetwork", "ContinuousHopfield", "DenseAssociativeMemory",
                 "ModernHopfield", "RingAttractor", "TwoPopulationRing", "CANN1D", "CANN2D",
                 "GridCellSheet"):
        assert getattr(attractors, name) is getattr(models, name)
        assert issubclass(getattr(models, name), attractors.DynamicalSystem)


def test_top_level_names_that_load_on_first_use():
    from attractors import analysis

    assert attractors.find_fixed_points is analysis.find_fixed_points
    assert attractors.basins is analysis.basins and attractors.compare is analysis.compare
    assert {"analysis", "plot", "find_fixed_points"} <= set(dir(attractors))
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        attractors.no_such_thing  # noqa: B018


def test_importing_attractors_loads_no_heavy_library():
    # numba (0.35 s with the scipy it pulls in), xarray and matplotlib load when
    # first needed: by the first model that runs a compiled kernel, the first
    # trajectory, the first figure.  Models themselves are imported eagerly.
    loaded = fresh(
        "import json, sys, attractors; "
        "print(json.dumps([m for m in ('numba', 'xarray', 'scipy', 'matplotlib', 'dask') "
        "if m in sys.modules]))")
    assert loaded == [], f"import attractors loaded {loaded}"
    eager = fresh("import json, sys, attractors; print(json.dumps(sorted(m for m in sys.modules "
                  "if m.startswith('attractors.models._'))))")
    assert "attractors.models._hopfield" in eager and "attractors.models._ring" in eager


def test_importing_attractors_leaves_sweeps_and_testing_to_first_use():
    # Start-up: the sweep store (hashlib, file locks), the conformance suite (tempfile,
    # pathlib), the glyph table's importlib.resources and numpy.polynomial (Zhang's
    # quadrature) load when first used; their public names resolve then.
    loaded = fresh(
        "import json, sys, attractors; print(json.dumps([m for m in ('attractors._sweep', "
        "'attractors.testing', 'importlib.resources', 'numpy.polynomial') if m in sys.modules]))")
    assert loaded == [], f"import attractors loaded {loaded}"
    assert fresh("import json, attractors; print(json.dumps([attractors.sweep.__module__, "
                 "attractors.SweepStoreError.__name__, attractors.testing.__name__]))") == [
        "attractors._sweep", "SweepStoreError", "attractors.testing"]
