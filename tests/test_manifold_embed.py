"""Views of manifolds: embed() by PCA / Isomap / UMAP, and plot_embedding()."""

import builtins

import matplotlib
import numpy as np
import pytest

from attractors import ParameterError
from attractors.manifold import circular_correlation, embed, plot_embedding

matplotlib.use("Agg")


def ring_in_5d(n=200, seed=0):
    """A circle of radius 1 in 5-D, a rotated copy of (cos, sin, 0, 0, 0), with small noise.

    Evenly spaced angles, so the sample mean is the centre (PCA centres on it).
    """
    rng = np.random.default_rng(seed)
    angle = np.linspace(0, 2 * np.pi, n, endpoint=False)
    basis = np.linalg.qr(rng.normal(size=(5, 5)))[0][:, :2]
    return angle, np.c_[np.cos(angle), np.sin(angle)] @ basis.T + 0.01 * rng.normal(size=(n, 5))


def test_pca_view_of_a_ring_is_the_circle():
    angle, points = ring_in_5d()
    view = embed(points, method="pca", n_components=2)
    assert view.dims == ("point", "component") and view.attrs["method"] == "pca"
    # The plane of the circle is recovered: radii 1 within the noise (0.01 per
    # coordinate, 5 coordinates: radial spread ~0.01), and the polar angle of the view
    # is the true angle up to rotation and reflection.
    radius = np.hypot(view[:, 0], view[:, 1])
    assert np.allclose(radius, 1.0, atol=0.05)
    assert abs(circular_correlation(np.arctan2(view[:, 1], view[:, 0]), angle)) > 0.999


def test_isomap_view_keeps_the_ring_order():
    pytest.importorskip("sklearn")
    angle, points = ring_in_5d()
    view = embed(points, method="isomap", n_components=2, n_neighbors=10)
    # Geodesic distances of a circle, embedded by MDS, give a circle again.
    centred = view.values - view.values.mean(axis=0)
    assert abs(circular_correlation(np.arctan2(centred[:, 1], centred[:, 0]), angle)) > 0.99


def test_embed_is_deterministic_and_labelled():
    _, points = ring_in_5d()
    first = embed(points, method="pca", n_components=3)
    np.testing.assert_array_equal(first.values, embed(points, method="pca", n_components=3).values)
    assert list(first["time"].values[:3]) == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("kwargs, match", [
    (dict(method="tsne"), "method"),
    (dict(n_components=4), "n_components"),
    (dict(n_components=1), "n_components"),
    (dict(seed=-1), "seed"),
    (dict(method="isomap", n_neighbors=500), "n_neighbors"),
])
def test_bad_arguments_are_named(kwargs, match):
    _, points = ring_in_5d()
    with pytest.raises(ParameterError, match=match):
        embed(points, **kwargs)


def test_missing_umap_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_umap(name, *args, **kwargs):
        if name == "umap" or name.startswith("umap."):
            raise ImportError("No module named 'umap'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_umap)
    monkeypatch.delitem(__import__("sys").modules, "umap", raising=False)
    with pytest.raises(ImportError, match=r"attractor-networks\[views\]"):
        embed(ring_in_5d()[1], method="umap")


@pytest.mark.slow
def test_umap_view_of_a_ring_is_seeded():
    pytest.importorskip("umap")
    angle, points = ring_in_5d(300)
    first = embed(points, method="umap", n_components=2, seed=3)
    again = embed(points, method="umap", n_components=2, seed=3)
    np.testing.assert_allclose(first.values, again.values)
    centred = first.values - first.values.mean(axis=0)
    # UMAP lays a sampled circle out as a closed loop: its polar angle follows the
    # true angle (up to rotation/reflection) if the loop is not torn.
    assert abs(circular_correlation(np.arctan2(centred[:, 1], centred[:, 0]), angle)) > 0.9


def test_plot_embedding_draws_3d_and_2d():
    angle, points = ring_in_5d(60)
    ax = plot_embedding(embed(points, n_components=3), color=angle, label="angle (rad)")
    assert ax.name == "3d" and ax.get_xlabel() == "PCA 1"
    ax = plot_embedding(embed(points, n_components=2))
    assert ax.name == "rectilinear"
    with pytest.raises(ParameterError, match="color"):
        plot_embedding(embed(points, n_components=2), color=angle[:10])
