"""Checks of what users read: public import paths only, and a site that works offline.

* Gallery scripts, hand-written docs pages and every docstring example name only
  public paths (``attractors.models.HopfieldNetwork``, never
  ``attractors.models._hopfield``): private modules move between releases.
* The Sphinx build (marked slow: it runs the gallery) loads no script, stylesheet
  or font from the network, so equations render in a site built and read offline;
  where Chromium is installed, the landing page, a theory page and a gallery page
  are screenshotted headless for a person to look at.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: ``attractors.<public...>._private``: a dotted path through a private module or name.
PRIVATE = re.compile(r"\battractors(?:\.[A-Za-z]\w*)*\._[A-Za-z]\w*")
GENERATED = ("_build", "auto_gallery", "generated")


def _docstrings(tree: ast.AST):
    """(line, docstring) of the module, every class and every function in a parsed file."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            text = ast.get_docstring(node, clean=False)
            if text:
                yield getattr(node, "lineno", 1), text


def _private_references(text: str) -> list[str]:
    return sorted(set(PRIVATE.findall(text)))


def test_the_pattern_finds_private_paths():
    # The check must be able to fail: these are the forms issue 14 found.
    assert _private_references("from attractors.models._hopfield import HopfieldNetwork")
    assert _private_references(":func:`~attractors.models._dense.predicted_capacity`")
    assert _private_references("import attractors._simulate")
    assert not _private_references("from attractors.models import HopfieldNetwork")
    assert not _private_references("attractors.plot.plot_state(run); attractors.__version__")


def test_gallery_scripts_use_public_paths_only():
    offenders = {
        path.name: found
        for path in sorted((ROOT / "gallery").glob("*.py"))
        if (found := _private_references(path.read_text(encoding="utf-8")))
    }
    assert not offenders, offenders


def test_docs_pages_use_public_paths_only():
    offenders = {}
    for path in sorted((ROOT / "docs").rglob("*")):
        if path.suffix not in {".rst", ".py"} or path.name == "conf.py":
            continue
        if any(part in GENERATED for part in path.relative_to(ROOT / "docs").parts):
            continue
        if found := _private_references(path.read_text(encoding="utf-8")):
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, offenders


def test_docstring_examples_use_public_paths_only():
    # Every doctest line (>>> or ...) of every docstring in the package, private
    # modules included: a public class documented in a private module shows its
    # example on the public API page.
    offenders = []
    for path in sorted((ROOT / "attractors").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, text in _docstrings(tree):
            for example in text.splitlines():
                stripped = example.strip()
                if stripped.startswith((">>>", "...")) and _private_references(stripped):
                    offenders.append(f"{path.relative_to(ROOT)}:{line}: {stripped}")
    assert not offenders, "\n".join(offenders)


def test_the_top_level_namespace_holds_no_stray_names():
    import attractors

    stray = [name for name in ("annotations", "np", "numpy", "os", "sys") if name in dir(attractors)]
    assert not stray


# -- the built site: offline, equations typeset (slow: the build runs the gallery) --------

#: A reference that makes the browser fetch something: src=/href= on script, link, img,
#: iframe, source, or url()/@import in CSS, to an absolute or protocol-relative address.
REMOTE_TAG = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed)\b[^>]*?\b(src|href)\s*=\s*[\"']?"
    r"(https?:)?//", re.IGNORECASE)
REMOTE_CSS = re.compile(r"(url\(\s*[\"']?|@import\s+[\"']?)(https?:)?//", re.IGNORECASE)
#: The pages screenshotted: the landing page, a theory page, a gallery page.
PAGES = ("index.html", "theory/ring.html", "auto_gallery/plot_animate_ring_bump.html")


class _Loads(HTMLParser):
    """Every script and stylesheet a page loads, as written in the page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.stylesheets = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.stylesheets.append(attrs.get("href"))


def _remote_references(site: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".css", ".js"} or "mathjax" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        pattern = REMOTE_CSS if path.suffix == ".css" else REMOTE_TAG
        if path.suffix == ".js":  # only a script that injects a remote tag counts
            pattern = re.compile(r"[\"'](https?:)?//[^\"']*\.(js|css)[\"']")
        hits = [match.group(0) for match in pattern.finditer(text)]
        if hits:
            found[str(path.relative_to(site))] = hits
    return found


def test_the_remote_reference_check_can_fail(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example.org/mathjax/tex-chtml.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/x.css">'
        '<a href="https://example.org/paper.pdf">a link is fine</a>')
    (tmp_path / "b.css").write_text("@import url(https://fonts.example.org/y.css);")
    found = _remote_references(tmp_path)
    assert len(found["a.html"]) == 2 and len(found["b.css"]) == 1


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium_command(*arguments, user_data: Path):
    return [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            f"--user-data-dir={user_data}", "--virtual-time-budget=10000", *arguments]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The documentation built offline, warnings as errors, gallery at its quick size."""
    out = tmp_path_factory.mktemp("docs")
    env = {**os.environ, "ATTRACTORS_DOCS_OFFLINE": "1", "ATTRACTORS_GALLERY_QUICK": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(out / "doctrees"), str(ROOT / "docs"), str(out / "html")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    return out / "html"


@pytest.mark.slow
def test_the_built_site_loads_nothing_from_the_network(site):
    assert not _remote_references(site)
    # MathJax is bundled and every page with math loads it from _static.
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()
    loads = _Loads()
    loads.feed((site / "theory" / "ring.html").read_text(encoding="utf-8"))
    assert any(src.endswith("_static/mathjax/tex-chtml.js") for src in loads.scripts)
    assert all(not re.match(r"(https?:)?//", src) for src in loads.scripts + loads.stylesheets)


@pytest.mark.slow
def test_the_cann_pages_list_inherited_methods(site):
    for model in ("CANN1D", "CANN2D"):
        page = (site / "generated" / f"attractors.models.{model}.html").read_text(encoding="utf-8")
        for method in ("theory", "bump_profile", "critical_inhibition"):
            assert f'id="attractors.models.{model}.{method}"' in page, (model, method)


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed")
def test_equations_typeset_offline_and_pages_screenshot(site, tmp_path):
    # MathJax runs in headless Chromium with no network: the theory page's equations
    # become MathJax containers and no TeX delimiter is left as text.
    dom = subprocess.run(
        _chromium_command("--dump-dom", (site / "theory" / "ring.html").as_uri(),
                          user_data=tmp_path / "profile-dom"),
        capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<mjx-container") > 20
    assert "\\(" not in dom and "\\[" not in dom
    # Screenshots for a person to look at (kept under docs/_build/screenshots).
    shots = ROOT / "docs" / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for index, page in enumerate(PAGES):
        target = shots / (Path(page).stem + ".png")
        target.unlink(missing_ok=True)
        subprocess.run(
            _chromium_command(f"--screenshot={target}", "--window-size=1280,1600",
                              (site / page).as_uri(), user_data=tmp_path / f"profile-{index}"),
            capture_output=True, timeout=120)
        assert target.is_file() and target.stat().st_size > 20_000, page
