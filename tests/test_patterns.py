"""Tests for attractors.patterns: exact counts and hand-checkable overlaps, statistics
with tolerances argued from the number of random bits, and clear errors."""

import numpy as np
import pytest
import xarray as xr

from attractors._validate import ParameterError
from attractors.patterns import (
    GLYPH_SHAPE,
    correlated_patterns,
    flip,
    glyph_labels,
    glyphs,
    mask,
    overlap,
    random_patterns,
)


def test_random_patterns_values_shape_and_seed():
    xi = random_patterns(5, 40, seed=3)
    assert xi.shape == (5, 40) and xi.dtype == np.float64
    assert set(np.unique(xi)) == {-1.0, 1.0}
    np.testing.assert_array_equal(xi, random_patterns(5, 40, seed=3))
    np.testing.assert_array_equal(xi, random_patterns(5, 40, rng=np.random.default_rng(3)))
    assert not np.array_equal(xi, random_patterns(5, 40, seed=4))
    binary = random_patterns(5, 40, units="binary", dtype=np.int8, seed=3)
    assert binary.dtype == np.int8 and set(np.unique(binary)) == {0, 1}
    assert random_patterns(0, 7, seed=0).shape == (0, 7)


def test_random_patterns_activity_statistics():
    # 200 x 500 = 1e5 independent bits with P(active) = f: the standard deviation of the
    # measured fraction is sqrt(f (1 - f) / 1e5) < 0.0016, so 0.01 is over 6 sigma.
    for f in (0.5, 0.1, 0.8):
        xi = random_patterns(200, 500, activity=f, units="binary", seed=11)
        assert abs(xi.mean() - f) < 0.01
        spins = random_patterns(200, 500, activity=f, seed=12)
        assert abs(spins.mean() - (2 * f - 1)) < 0.02  # spin mean 2f - 1, twice the spread
    exact = random_patterns(50, 101, activity=0.2, exact_activity=True, units="binary", seed=1)
    np.testing.assert_array_equal(exact.sum(axis=1), np.full(50, 20))
    # Positions are uniform: every unit is active in some pattern of a large sample.
    many = random_patterns(2000, 101, activity=0.2, exact_activity=True, seed=2)
    assert np.all((many > 0).any(axis=0))


def test_correlated_patterns_exact_and_statistics():
    parents = random_patterns(4, 600, seed=0)
    children = correlated_patterns(parents, 5, 0.4, exact=True, seed=1)
    assert children.shape == (20, 600)
    m = overlap(children, parents)
    # 600 * (1 - 0.4) / 2 = 180 flips exactly: overlap 1 - 2 * 180 / 600 = 0.4.
    np.testing.assert_allclose(m[np.arange(20), np.arange(20) // 5], 0.4, atol=1e-12)
    # Bitwise model: child-parent overlap c, child-child (same parent) c^2, other
    # parents' children 0.  Each overlap averages 600 bits; pooling 20 (children) or
    # 40 (pairs) estimates gives a standard deviation below 1 / sqrt(20 * 600) = 0.009,
    # so 0.04 is over 4 sigma.
    c = 0.5
    children = correlated_patterns(parents, 5, c, seed=2)
    m = overlap(children, parents)
    own = m[np.arange(20), np.arange(20) // 5]
    assert abs(own.mean() - c) < 0.04
    among = overlap(children, children)
    same = np.array([among[i, j] for i in range(20) for j in range(20)
                     if i != j and i // 5 == j // 5])
    assert abs(same.mean() - c**2) < 0.04
    other = m[np.arange(20)[:, None] // 5 != np.arange(4)[None, :]]
    assert abs(other.mean()) < 0.04
    # 0/1 units: the overlap convention is that of the spins 2 xi - 1.
    binary = (parents + 1) / 2
    kids = correlated_patterns(binary, 2, 0.4, exact=True, units="binary", seed=3)
    assert set(np.unique(kids)) <= {0.0, 1.0}
    np.testing.assert_allclose(overlap(kids, binary, units="binary")[[0, 1], [0, 0]], 0.4)


def test_glyphs_are_the_documented_images():
    assert glyph_labels() == "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    every = glyphs()
    assert every.shape == (36, 100) and set(np.unique(every)) == {-1.0, 1.0}
    assert len({row.tobytes() for row in every}) == 36  # all different
    images = glyphs("HOTL").reshape(-1, *GLYPH_SHAPE)
    h, o, t, letter_l = images
    np.testing.assert_array_equal(h, h[:, ::-1])  # H is left-right symmetric
    np.testing.assert_array_equal(o, o[::-1, ::-1])  # O is symmetric both ways
    assert np.all(t[0] == 1) and np.all(t[:, 0][2:] == -1)  # T: full top bar
    assert np.all(letter_l[-1, 1:9] == 1) and np.all(letter_l[:, 1] == 1)
    binary = glyphs(["A", "7"], units="binary", dtype=np.int64)
    np.testing.assert_array_equal(binary, (glyphs("A7") + 1) // 2)


def test_flip_exact_count_and_overlap():
    xi = random_patterns(3, 250, seed=5)
    cues = flip(np.repeat(xi, 4, axis=0), 0.1, seed=6)
    assert cues.dtype == xi.dtype
    changed = (cues != np.repeat(xi, 4, axis=0)).sum(axis=1)
    np.testing.assert_array_equal(changed, np.full(12, 25))
    # Exact count: the overlap with the own pattern is exactly 1 - 2 * 25 / 250 = 0.8.
    np.testing.assert_allclose(overlap(cues, xi)[np.arange(12), np.arange(12) // 4], 0.8)
    # The four cues of one pattern differ (fresh positions), and the seed repeats them.
    assert len({row.tobytes() for row in cues}) == 12
    np.testing.assert_array_equal(cues, flip(np.repeat(xi, 4, axis=0), 0.1, seed=6))
    np.testing.assert_array_equal(flip(xi, 0.0, seed=0), xi)
    np.testing.assert_array_equal(flip(xi, 1.0, seed=0), -xi)
    binary = (xi + 1) / 2
    flipped = flip(binary, 0.2, units="binary", seed=1)
    assert set(np.unique(flipped)) == {0.0, 1.0}
    np.testing.assert_array_equal((flipped != binary).sum(axis=1), [50, 50, 50])
    np.testing.assert_array_equal(flip(np.array([True, False]), 1.0, units="binary", seed=0),
                                  [False, True])


def test_flip_independent_bits_statistics():
    # 4e5 bits flipped with probability 0.3: std of the fraction 7e-4, tolerance 0.005.
    xi = np.ones((400, 1000))
    noisy = flip(xi, 0.3, exact=False, seed=0)
    assert abs((noisy < 0).mean() - 0.3) < 0.005
    assert np.ptp((noisy < 0).sum(axis=1)) > 0  # counts vary from pattern to pattern


def test_mask_fraction_boolean_and_fill():
    xi = np.ones((6, 200))
    cue = mask(xi, 0.25, fill=-1, seed=0)
    np.testing.assert_array_equal((cue == -1).sum(axis=1), np.full(6, 50))
    lower_half = np.arange(100).reshape(GLYPH_SHAPE) >= 50
    image = glyphs("E")
    blank = mask(image, lower_half.ravel(), fill=-1)
    np.testing.assert_array_equal(blank[0, :50], image[0, :50])
    assert np.all(blank[0, 50:] == -1)
    # Random fill: 6 x 100 hidden bits each +1 with probability 1/2; the fraction of +1
    # has standard deviation 0.02, so 0.1 is 5 sigma.  Visible bits are untouched.
    noisy = mask(xi, np.arange(200) < 100, fill="random", seed=1)
    assert np.all(noisy[:, 100:] == 1)
    assert abs((noisy[:, :100] == 1).mean() - 0.5) < 0.1
    assert set(np.unique(noisy)) == {-1.0, 1.0}
    binary = mask(np.ones((2, 10)), 0.5, fill=0, units="binary", seed=2)
    np.testing.assert_array_equal(binary.sum(axis=1), [5, 5])


def test_overlap_hand_values_binary_and_dataarray():
    xi = np.array([[1, 1, -1, -1], [1, -1, 1, -1]])
    s = np.array([[1, 1, -1, 1], [-1, -1, 1, 1]])
    np.testing.assert_allclose(overlap(s, xi), [[0.5, -0.5], [-1.0, 0.0]])
    # 0/1 units use the 2s - 1 convention: identical numbers.
    np.testing.assert_allclose(overlap((s + 1) / 2, (xi + 1) / 2, units="binary"),
                               overlap(s, xi))
    states = xr.DataArray(np.stack([s, s]), dims=("time", "trial", "unit"))
    m = overlap(states, xi)
    assert m.dims == ("time", "trial", "pattern") and m.name == "overlap"
    np.testing.assert_allclose(m.sel(time=1).values, overlap(s, xi))
    # Continuous states give the graded overlap.
    assert overlap(np.full(4, 0.5), xi[:1])[0] == 0.0


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: random_patterns(-1, 5), "n_patterns"),
        (lambda: random_patterns(2, 0), "n_units"),
        (lambda: random_patterns(2, 5, activity=1.5), "activity"),
        (lambda: random_patterns(2, 5, units="ising"), "units"),
        (lambda: random_patterns(2, 5, rng=1, seed=2), "rng or seed"),
        (lambda: flip(np.array([1, 0, -1]), 0.1), "patterns"),
        (lambda: flip(np.array([1, 2]), 0.1, units="binary"), "patterns"),
        (lambda: flip(np.ones(4), -0.1), "fraction"),
        (lambda: mask(np.ones(4), 0.5, fill=0), "fill"),
        (lambda: mask(np.ones(4), np.ones(3, bool)), "broadcast"),
        (lambda: mask(np.ones(4), np.ones(4)), "hidden"),
        (lambda: correlated_patterns(np.ones(4), 2, 0.5), "parents"),
        (lambda: correlated_patterns(np.ones((1, 4)), 2, 1.5), "overlap"),
        (lambda: glyphs("A?"), "'?'"),
        (lambda: overlap(np.ones(3), np.ones((2, 4))), "states"),
        (lambda: overlap(np.ones(4), np.array([[1, 0.5, 1, 1]])), "patterns"),
    ],
)
def test_bad_input_raises_parameter_error(call, words):
    with pytest.raises(ParameterError, match=words):
        call()


def test_dtypes_that_cannot_hold_the_values_and_huge_sizes_are_refused():
    import numpy as np

    from attractors import ParameterError
    from attractors.patterns import glyphs, random_patterns

    with pytest.raises(ParameterError, match="uint8"):
        random_patterns(2, 5, dtype=np.uint8, seed=0)  # -1 would become 255
    with pytest.raises(ParameterError, match="complex"):
        glyphs("A", dtype=np.complex128)
    binary = random_patterns(3, 5, dtype=np.uint8, units="binary", seed=0)
    assert binary.dtype == np.uint8 and set(binary.ravel().tolist()) <= {0, 1}
    assert set(random_patterns(3, 5, dtype=np.int8, seed=0).ravel().tolist()) <= {-1, 1}
    # Refused with the size, naming the parameter, before anything is allocated.
    with pytest.raises(ParameterError, match=r"n_patterns=1,000,000 needs 7,450.6 GiB"):
        random_patterns(10**6, 10**6, seed=0)
