"""Every gallery script runs at its quick size, so the gallery never drifts from the library."""

import hashlib

import pytest

from attractors._render import gallery_scripts, render_gallery

SCRIPTS = sorted(gallery_scripts())


def test_the_gallery_has_the_stories_the_library_promises():
    # One script per story of the gallery issue (issue 7), by the name it is rendered under.
    expected = {
        "hopfield_image_recall", "hopfield_update_order", "hopfield_state_space",
        "hopfield_capacity", "hopfield_basins", "correlated_patterns", "max_clique",
        "graded_hopfield", "dense_capacity", "modern_hopfield", "ring_weights",
        "ring_bump_from_noise", "ring_head_direction", "ring_velocity", "cann_tracking",
        "grid_sheet", "compare_attractors", "rate_phase_portrait",
    }
    assert expected <= set(SCRIPTS), sorted(expected - set(SCRIPTS))


@pytest.mark.parametrize("name", SCRIPTS)
def test_gallery_script_renders_at_quick_size(name, tmp_path):
    written = render_gallery(tmp_path, only=name, quick=True)
    assert written and all(path.stat().st_size > 10_000 for path in written)
    assert name in (tmp_path / "index.html").read_text()


def test_same_seed_gives_the_same_pictures(tmp_path):
    digests = []
    for run in ("a", "b"):
        written = render_gallery(tmp_path / run, only="hopfield_image_recall", quick=True)
        digests.append([hashlib.sha256(path.read_bytes()).hexdigest() for path in written])
    assert digests[0] == digests[1]
