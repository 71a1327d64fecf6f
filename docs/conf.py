"""Sphinx configuration for the attractors documentation."""

import os
import re
import sys

# Document the checkout, not whatever version happens to be installed.
sys.path.insert(0, os.path.abspath(".."))

import attractors  # noqa: E402

project = "attractors"
author = "The attractors developers"
copyright = "The attractors developers"
release = attractors.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # MathJax 3 bundled into _static/mathjax: equations render in a site built
    # and read offline (sphinx.ext.mathjax alone loads MathJax from a CDN).
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "conftest.py",
                    # Left by older builds; no longer written (see sphinx_gallery_conf).
                    "sg_execution_times.rst", "auto_gallery/sg_execution_times.rst"]
templates_path = ["_templates"]

# -- autodoc / autosummary / numpydoc ------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True}
# Class pages (docs/_templates/autosummary/class.rst) list the members a class
# inherits (CANN1D and CANN2D get theory, bump_profile and critical_inhibition
# from their private base), except those of the documented interface classes
# and of Python's own types.  Not a default option: with it, every automodule
# would document all members even under :no-members:; and no default for it
# either (Sphinx 9 lets a default "inherited-members" override the directive's).
autodoc_typehints = "none"  # numpydoc's Parameters sections already give the types
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

# -- intersphinx ---------------------------------------------------------------
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "scipy": ("https://docs.scipy.org/doc/scipy", None),
    "xarray": ("https://docs.xarray.dev/en/stable", None),
    "matplotlib": ("https://matplotlib.org/stable", None),
}
intersphinx_timeout = 5
# Offline builds (no network): ATTRACTORS_DOCS_OFFLINE=1 skips the inventories,
# and links to these projects are then plain text instead of warnings.
if os.environ.get("ATTRACTORS_DOCS_OFFLINE") == "1":
    intersphinx_mapping = {}

# -- sphinx-gallery ------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../gallery",
    "gallery_dirs": "auto_gallery",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    # The timing pages load jQuery and DataTables from CDNs: the site must work offline.
    "write_computation_times": False,
    # Animations left in a script's namespace (attractors.plot.animate) are
    # embedded as JavaScript players with their frames inline (no network).
    "matplotlib_animations": (True, "jshtml"),
}

# matplotlib's JavaScript animation player (to_jshtml) links Font Awesome from a
# CDN for its button icons; the theme bundles Font Awesome, so drop the link and
# keep the site offline.
import matplotlib  # noqa: E402
import matplotlib.animation as _animation  # noqa: E402

_animation.JS_INCLUDE = re.sub(r"<link[^>]*font-awesome[^>]*>", "", _animation.JS_INCLUDE)
# sphinx-gallery saves each animation's thumbnail with the default writer: Pillow
# (no ffmpeg needed, and no "ffmpeg unavailable" warning).
matplotlib.rcParams["animation.writer"] = "pillow"

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"attractors {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
