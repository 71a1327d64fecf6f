"""Every gallery script runs at its quick size, so the gallery never drifts from the library.

Also the renderer itself: what scripts print goes to captions and gallery.log, not the
terminal; captions are rendered from reStructuredText with math as inline SVG; animations
become GIFs shown on index.html.
"""

import hashlib
import re
import textwrap

import numpy as np
import pytest
from PIL import Image

from attractors._render import GalleryScriptError, gallery_scripts, render_gallery
from attractors._rst_html import rst_to_html, to_mathtext

SCRIPTS = sorted(gallery_scripts())


def _not_blank(path):
    """A picture with content: more than one colour in some frame."""
    with Image.open(path) as image:
        for frame in range(getattr(image, "n_frames", 1)):
            image.seek(frame)
            if len(np.unique(np.asarray(image.convert("L")))) > 1:
                return True
    return False


def test_the_gallery_has_the_stories_the_library_promises():
    # One script per story of the gallery issue (issue 7), by the name it is rendered under,
    # the animated stories of issue 15 item 7, and the stories of issues 11 (continuation),
    # 12 (attractors beyond fixed points) and 13 (attractor manifolds).
    expected = {
        "hopfield_image_recall", "hopfield_update_order", "hopfield_state_space",
        "hopfield_capacity", "hopfield_basins", "correlated_patterns", "max_clique",
        "graded_hopfield", "dense_capacity", "modern_hopfield", "ring_weights",
        "ring_bump_from_noise", "ring_head_direction", "ring_velocity", "cann_tracking",
        "grid_sheet", "compare_attractors", "rate_phase_portrait",
        "animate_pattern_completion", "animate_ring_bump",
        "cann_fold", "pitchfork", "wilson_cowan_hopf", "hopfield_retrieval_branch",
        "ags_phase_diagram",
        "lorenz_spectrum", "wilson_cowan_cycle", "rate_chaos", "basins_by_type", "hopfield_sequence",
        "manifold_shapes", "manifold_heading", "manifold_grid_torus",
    }
    assert expected <= set(SCRIPTS), sorted(expected - set(SCRIPTS))


@pytest.mark.parametrize("name", SCRIPTS)
def test_gallery_script_renders_at_quick_size(name, tmp_path, capsys):
    written = render_gallery(tmp_path, only=name, quick=True)
    assert written and all(path.stat().st_size > 2_000 and _not_blank(path) for path in written)
    page = (tmp_path / "index.html").read_text()
    assert name in page
    # No raw reStructuredText or TeX left on the page.
    assert ":math:`" not in page and ":func:`" not in page and ":class:`" not in page
    # Every formula typeset: matplotlib's mathtext refuses some TeX (\sqrt\alpha without
    # braces), and the page then shows it as code.
    assert '<code class="tex">' not in page
    for path in written:
        assert f'src="{path.name}"' in page
    # The terminal stays quiet (no progress bar asked for): findings went to the log.
    assert capsys.readouterr().out == ""
    assert (tmp_path / "gallery.log").read_text().startswith(f"== {name} ")


def test_animated_stories_write_gifs(tmp_path):
    written = render_gallery(tmp_path, only="animate_pattern_completion", quick=True)
    gifs = [path for path in written if path.suffix == ".gif"]
    assert len(gifs) == 1
    with Image.open(gifs[0]) as image:
        assert image.n_frames > 5
    assert gifs[0].stat().st_size < 1_000_000  # small enough for a web page


def test_same_seed_gives_the_same_pictures(tmp_path):
    digests = []
    for run in ("a", "b"):
        written = render_gallery(tmp_path / run, only="hopfield_image_recall", quick=True)
        digests.append([hashlib.sha256(path.read_bytes()).hexdigest() for path in written])
    assert digests[0] == digests[1]


def _toy_gallery(folder, body):
    folder.mkdir()
    (folder / "plot_toy.py").write_text(textwrap.dedent(body))
    return folder


def test_printed_findings_go_to_the_caption_and_the_log(tmp_path, capsys):
    gallery = _toy_gallery(tmp_path / "gallery", '''
        r"""
        Toy story
        =========

        The rate :math:`\\tilde u_0` is found by :func:`~attractors.analysis.compare`.

        * a bullet with ``code``
        """
        import warnings
        import matplotlib.pyplot as plt
        import attractors
        from attractors.models import DoubleWell
        print("finding: 42 < 43")
        warnings.warn("a warning the script raised")
        run = attractors.simulate(DoubleWell(), [[0.3, 0.1], [-0.2, 0.4]], t_span=1.0, dt=0.1)
        plt.plot([0, 1], [0, 1])
        anim = attractors.plot.animate(run, max_frames=4)
        ''')
    written = render_gallery(tmp_path / "out", gallery=gallery, progress=False)
    captured = capsys.readouterr()
    assert "finding" not in captured.out + captured.err
    assert sorted(path.name for path in written) == ["toy_1.png", "toy_anim_1.gif"]
    page = (tmp_path / "out" / "index.html").read_text()
    assert "finding: 42 &lt; 43" in page and "a warning the script raised" in page
    assert "<svg" in page and "<code>compare()</code>" in page and "<li>" in page
    assert '<img src="toy_anim_1.gif"' in page
    # Nothing loaded from the network, and the same caption gives the same bytes.
    assert "<script" not in page and not re.search(r"(src|href)=\"https?:", page)
    assert "<metadata>" not in page
    log = (tmp_path / "out" / "gallery.log").read_text()
    assert log.startswith("== toy (plot_toy.py") and "finding: 42 < 43" in log


def test_a_failing_script_names_itself_and_keeps_its_output(tmp_path):
    gallery = _toy_gallery(tmp_path / "gallery", '''
        print("got this far")
        raise ValueError("broken story")
        ''')
    with pytest.raises(GalleryScriptError, match="plot_toy.py failed: ValueError: broken story"):
        render_gallery(tmp_path / "out", gallery=gallery)
    assert "got this far" in (tmp_path / "out" / "gallery.log").read_text()


def test_captions_render_roles_and_math():
    html = rst_to_html(
        "Overlap :math:`m^\\mu = \\frac1N \\sum_i \\xi^\\mu_i s_i`, see "
        ":class:`attractors.models.HopfieldNetwork` and :meth:`~RingAttractor.track`.\n\n"
        "Second *paragraph* with **bold**.\n\n.. math::\n\n   E = -\\tfrac12 s^\\top W s\n")
    assert html.count("<p>") == 2 and html.count("<svg") == 2
    assert "<code>attractors.models.HopfieldNetwork</code>" in html
    assert "<code>track()</code>" in html
    assert "<em>paragraph</em>" in html and "<strong>bold</strong>" in html
    assert 'class="display-math"' in html
    # Sphinx's TeX spellings that mathtext needs spelled its way.
    assert to_mathtext(r"\frac1N \ge \tfrac12") == r"\frac{1}{N} \geq \frac{1}{2}"
    # A matrix (mathtext has none) becomes a table of typeset cells in brackets.
    matrix = rst_to_html(r":math:`W = \begin{pmatrix} 2.5 & -1 \\ -1 & 2.5 \end{pmatrix}`")
    assert matrix.count("<td>") == 4 and matrix.count("<svg") == 5 and "(" in matrix
    # What mathtext cannot typeset is shown as code, not dropped.
    assert '<code class="tex">' in rst_to_html(r":math:`\begin{aligned} x \end{aligned}`")


@pytest.mark.parametrize("name", SCRIPTS)
def test_gallery_titles_are_valid_restructuredtext(name):
    # sphinx-gallery builds each script's docstring as a page title; an underline shorter
    # than the title is a warning, and the docs build treats warnings as errors.
    import ast

    script = gallery_scripts()[name]
    lines = (ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or "").splitlines()
    assert len(lines) >= 2 and lines[1] and set(lines[1]) <= set("=-~^*#"), (
        f"{script.name}: the docstring must open with a title and its underline")
    assert len(lines[1]) >= len(lines[0]), (
        f"{script.name}: the title underline ({len(lines[1])}) is shorter than the title "
        f"({len(lines[0])})")
