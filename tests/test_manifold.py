"""attractors.manifold on point clouds of known shape: Betti numbers, dimension, coordinates, bad input."""

import sys

import numpy as np
import pytest

from attractors import ParameterError
from attractors.manifold import (
    align_circular,
    betti_numbers,
    bin_spikes,
    circular_coordinates,
    circular_correlation,
    furthest_point_sample,
    intrinsic_dimension,
    participation_ratio,
    persistent_homology,
    plot_barcode,
    plot_diagram,
    point_cloud,
    toroidal_coordinates,
)

pytest.importorskip("ripser")


def circle(n, noise, rng, dims=3):
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.zeros((n, dims))
    points[:, 0], points[:, 1] = np.cos(angle), np.sin(angle)
    return points + rng.normal(0, noise, points.shape), angle


def torus(n, noise, rng):
    """The flat (Clifford) torus in R^4, two more coordinates of pure noise: 6-D."""
    u, v = rng.uniform(0, 2 * np.pi, (2, n))
    points = np.c_[np.cos(u), np.sin(u), np.cos(v), np.sin(v), np.zeros((n, 2))]
    return points + rng.normal(0, noise, points.shape), u, v


def even(points, n):
    """An even subsample (furthest-point), as the pipeline makes before topology."""
    return points[furthest_point_sample(points, n)[0]]


# Noise: 10 % of the radius for the circle, 5 % for the torus (whose two circles
# have radius 1 and whose holes need an even sample to show; 300 furthest points
# of 3000 leave ~0.36 between neighbours, the loops are 2 pi long).  Five or ten
# shuffles: a bar of noise beats all of them with chance <= 1/6 or 1/11, and the
# measured margins are 2-3x (circle H1 ~1.5 vs shuffles ~0.4).


def test_noisy_circle_has_betti_1_1_0():
    points, _ = circle(1000, 0.1, np.random.default_rng(0))
    result = persistent_homology(even(points, 200), max_dim=2, n_shuffles=5, seed=1)
    assert betti_numbers(result) == (1, 1, 0)


def test_noisy_torus_has_betti_1_2_1():
    points, _, _ = torus(3000, 0.05, np.random.default_rng(0))
    # The void of the flat torus is born at ~0.7 at this density (spacing ~0.36) and
    # the torus is 2 sqrt(2) across: a filtration to 1.5 shows it whole.  (The
    # default cut, the 0.1 distance quantile, is 1.11 here: too close to the birth.)
    result = persistent_homology(even(points, 300), max_dim=2, max_scale=1.5, n_shuffles=3,
                                 seed=1)
    assert betti_numbers(result) == (1, 2, 1)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_separated_clusters_give_k_components_and_no_holes(k):
    rng = np.random.default_rng(k)
    # Centres on a simplex, rotated at random: pairwise 5.7 apart, clusters of std
    # 0.15 per axis (~0.35 across in 5-D).  The rotation matters for the shuffle
    # null: centres on the axes would shuffle into the 2^5 corners of a cube,
    # isolated points whose H0 bars are as long as the clusters'.
    rotation = np.linalg.qr(rng.normal(size=(5, 5)))[0]
    centres = 4.0 * np.eye(5)[:k] @ rotation
    points = centres[rng.integers(0, k, 150)] + rng.normal(0, 0.15, (150, 5))
    points[:k] = centres + rng.normal(0, 0.15, (k, 5))  # every cluster present
    result = persistent_homology(points, max_dim=2, n_shuffles=5, seed=0)
    assert betti_numbers(result) == (k, 0, 0)


def test_shuffled_circle_has_no_significant_loop():
    rng = np.random.default_rng(3)
    points, _ = circle(600, 0.1, rng, dims=2)
    shuffled = np.column_stack([rng.permutation(column) for column in points.T])
    result = persistent_homology(even(shuffled, 200), max_dim=1, n_shuffles=10, seed=4)
    assert betti_numbers(result)[1] == 0


def test_barcode_dataset_is_labelled_and_seeded():
    points, _ = circle(300, 0.1, np.random.default_rng(0))
    first = persistent_homology(points, max_dim=1, n_shuffles=3, seed=7)
    again = persistent_homology(points, max_dim=1, n_shuffles=3, seed=7)
    other = persistent_homology(points, max_dim=1, n_shuffles=3, seed=8)
    assert set(first.data_vars) == {"birth", "death", "persistence", "shuffle_longest"}
    assert first["homology_dimension"].dims == ("bar",)
    assert np.array_equal(first["shuffle_longest"], again["shuffle_longest"])
    assert not np.array_equal(first["shuffle_longest"], other["shuffle_longest"])
    # H0 from the spanning tree: one eternal bar and n - 1 finite ones.
    h0 = first["death"].values[first["homology_dimension"].values == 0]
    assert np.isinf(h0).sum() == 1 and h0.size == 300
    assert first.attrs["ripser_seconds"] <= first.attrs["total_seconds"]


def test_preprocessing_is_deterministic_and_recorded():
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, 2 * np.pi, 400)
    tuning = np.exp(3 * np.cos(angle[:, None] - np.linspace(0, 2 * np.pi, 30, endpoint=False)))
    activity = tuning + rng.normal(0, 0.1, tuning.shape)
    kwargs = dict(n_components=4, n_points=100, smooth_sigma=1.0, transient=5.0)
    first, second = point_cloud(activity, **kwargs), point_cloud(activity, **kwargs)
    assert np.array_equal(first.values, second.values)
    assert first.shape == (100, 4)
    assert first.attrs["n_time"] == 395 and first.attrs["smooth_sigma"] == 1.0
    assert first.attrs["cover_radius"] > 0
    assert np.all(first["time"].values >= 5.0)


def test_furthest_point_sample_covers_within_its_radius():
    points = np.random.default_rng(0).normal(size=(500, 3))
    index, radius = furthest_point_sample(points, 40)
    assert np.unique(index).size == 40 and index[0] == 0
    nearest = np.min(np.linalg.norm(points[:, None] - points[index][None], axis=-1), axis=1)
    assert radius == pytest.approx(nearest.max(), rel=1e-12)
    # Max-min property: chosen points are at least the cover radius apart.
    chosen = np.linalg.norm(points[index][:, None] - points[index][None], axis=-1)
    assert chosen[np.triu_indices(40, 1)].min() >= radius - 1e-12


def test_participation_ratio_of_isotropic_gaussians():
    # Equal variance in k directions: PR = k exactly in expectation; with 20000
    # samples the eigenvalues scatter by ~sqrt(2/20000) = 1 %, PR by less.
    rng = np.random.default_rng(0)
    for k in (1, 3, 6):
        activity = np.zeros((20000, 10))
        activity[:, :k] = rng.normal(size=(20000, k))
        assert participation_ratio(activity) == pytest.approx(k, rel=0.03)


def test_two_nn_dimension_of_circle_and_torus():
    # TWO-NN's MLE has relative standard error 1/sqrt(n) (Facco et al. 2017):
    # 2 % at 2700 kept ratios; curvature and 1 % noise add a few %, hence 10 %.
    rng = np.random.default_rng(0)
    ring, _ = circle(3000, 0.0, rng, dims=8)
    flat, _, _ = torus(3000, 0.0, rng)
    assert intrinsic_dimension(ring) == pytest.approx(1.0, rel=0.1)
    assert intrinsic_dimension(flat) == pytest.approx(2.0, rel=0.1)


def test_circular_correlation_closed_forms():
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 2 * np.pi, 2000)
    assert circular_correlation(a, a + 1.3) == pytest.approx(1.0, abs=1e-12)
    assert circular_correlation(a, 0.4 - a) == pytest.approx(-1.0, abs=1e-12)
    # Independent uniform angles: rho_T is ~ 0 with std ~ 1/sqrt(n) ~ 0.02.
    assert abs(circular_correlation(a, rng.uniform(0, 2 * np.pi, 2000))) < 0.1
    aligned, sign, shift, resultant = align_circular(0.4 - a, a)
    assert sign == -1 and resultant == pytest.approx(1.0)
    assert np.allclose(np.angle(np.exp(1j * (aligned - a))), 0, atol=1e-9)


def test_circular_coordinate_of_a_noisy_circle_follows_the_angle():
    points, angle = circle(500, 0.05, np.random.default_rng(1))
    theta = circular_coordinates(points, n_landmarks=60)
    # Measured |rho_T| 0.998; 5 % noise blurs the angle by ~0.05 rad.
    assert abs(circular_correlation(theta, angle)) > 0.98
    assert theta.dims == ("point",) and 0 <= theta.min() and theta.max() < 2 * np.pi


def test_toroidal_coordinates_recover_both_angles():
    points, u, v = torus(1500, 0.03, np.random.default_rng(2))
    theta = toroidal_coordinates(points, n_landmarks=120)
    # Each coordinate matches one of the angles (up to rotation and reflection), and
    # not the other; lattice reduction makes them independent.  Measured 0.99 / 0.0.
    table = np.abs([[circular_correlation(theta[:, i], angle) for angle in (u, v)]
                    for i in range(2)])
    assert sorted(table.max(axis=1)) > [0.95, 0.95]
    assert table.min(axis=1).max() < 0.1


def test_bin_spikes_counts_and_smoothing_keeps_the_total():
    rng = np.random.default_rng(0)
    times, units = np.sort(rng.uniform(0, 1000, 500)), rng.integers(0, 4, 500)
    raw = bin_spikes(times, units, 4, bin_width=10.0, t_span=(0, 1000))
    assert raw.shape == (100, 4) and raw.values.sum() * 10.0 == 500
    assert np.array_equal(np.rint(raw.values.sum(axis=0) * 10.0), np.bincount(units, minlength=4))
    smoothed = bin_spikes(times, units, 4, bin_width=10.0, t_span=(0, 1000), smooth_sigma=2.0)
    # Reflecting ends keep the mass (to round-off).
    assert smoothed.values.sum() * 10.0 == pytest.approx(500)


def test_figures_draw_every_dimension():
    import matplotlib.pyplot as plt

    points, _ = circle(150, 0.05, np.random.default_rng(0))
    result = persistent_homology(points, max_dim=1, n_shuffles=2)
    figure, (left, right) = plt.subplots(1, 2)
    plot_diagram(result, ax=left)
    plot_barcode(result, ax=right)
    assert len(left.collections) == 2 and [t.get_text() for t in right.get_yticklabels()] == ["H0", "H1"]
    plt.close(figure)


@pytest.mark.parametrize("bad, message", [
    (np.zeros(50), "must be 2-D"),
    (np.zeros((5, 3)), "at least 10 are needed"),
    (np.where(np.eye(20, 4) == 1, np.nan, 0.0), "non-finite"),
    (np.zeros((50, 1)), "at least 2 units"),
])
def test_bad_activity_is_refused_before_any_work(bad, message):
    with pytest.raises(ParameterError, match=message):
        point_cloud(bad)
    with pytest.raises(ParameterError, match=message):
        persistent_homology(bad, preprocess={})


def test_bad_arguments_name_the_parameter():
    points = np.random.default_rng(0).normal(size=(50, 3))
    with pytest.raises(ParameterError, match="coeff must be a prime, got 4"):
        persistent_homology(points, coeff=4)
    with pytest.raises(ParameterError, match="max_dim must be 0, 1 or 2"):
        persistent_homology(points, max_dim=3)
    with pytest.raises(ParameterError, match="n_shuffles=0"):
        betti_numbers(persistent_homology(points, max_dim=0))
    with pytest.raises(ParameterError, match="n_components must be <="):
        point_cloud(points, n_components=4)
    with pytest.raises(ParameterError, match="points must be 2-D"):
        persistent_homology(np.zeros(40))


def test_missing_ripser_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ripser", None)  # import now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'attractor-networks\[topology\]'"):
        persistent_homology(np.random.default_rng(0).normal(size=(50, 2)))
    monkeypatch.setitem(sys.modules, "dreimac", None)
    with pytest.raises(ImportError, match=r"attractor-networks\[topology\]"):
        circular_coordinates(np.random.default_rng(0).normal(size=(50, 2)))
