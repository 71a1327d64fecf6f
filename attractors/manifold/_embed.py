r"""Low-dimensional views of a point cloud (PCA, Isomap, UMAP) and their 2-D / 3-D figure.

A view is for the eye, not for topology: Betti numbers come from
:func:`~attractors.manifold.persistent_homology` on the full cloud.  PCA is exact and
linear; Isomap (Tenenbaum et al. 2000, scikit-learn) keeps geodesic distances and opens
a ring or a torus that PCA folds; UMAP (McInnes et al. 2018, umap-learn, the optional
extra ``views``) is what Gardner et al. (2022) show for the grid torus, but it is slow
to start (numba compiles it on the first fit: 14-43 s for 1000 points on the shared
2-core machine, by its load; see ``docs/theory/manifold.rst``).
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, check_choice, check_integer, describe
from ._coordinates import _cloud
from ._preprocess import _pca
from ._topology import require

__all__ = ["embed", "plot_embedding"]

METHODS = ("pca", "isomap", "umap")


def embed(data, *, method: str = "pca", n_components: int = 3, seed: int = 0,
          n_neighbors: int = 15, preprocess: dict | None = None):
    r"""A 2-D or 3-D view of a point cloud (or of activity), as a labelled DataArray.

    * ``"pca"``: scores on the leading principal components (exact, linear);
    * ``"isomap"``: multidimensional scaling of the geodesic distances on the
      ``n_neighbors`` nearest-neighbour graph (Tenenbaum, de Silva & Langford 2000;
      scikit-learn);
    * ``"umap"``: the low-dimensional layout whose fuzzy nearest-neighbour graph best
      matches the data's, by cross-entropy (McInnes, Healy & Melville 2018;
      umap-learn, the optional extra ``views``); seeded, so the same seed gives the
      same view.

    Parameters
    ----------
    data : array_like or DataArray
        Points ``(n_points, n_dims)`` (e.g. from :func:`point_cloud`) or, with
        ``preprocess``, activity (time x units).
    method : {"pca", "isomap", "umap"}
    n_components : {2, 3}
    seed : int
        Seeds UMAP (PCA and Isomap are deterministic).
    n_neighbors : int
        Neighbourhood size of Isomap and UMAP (>= 2).
    preprocess : dict, optional
        Arguments of :func:`point_cloud` when ``data`` is activity.

    Returns
    -------
    xarray.DataArray, dims ``(point, component)``
        Coordinate ``time`` of each point; attrs ``method``, ``n_neighbors``, ``seed``
        and the preprocessing steps.

    References
    ----------
    J. B. Tenenbaum, V. de Silva & J. C. Langford (2000), A global geometric framework
    for nonlinear dimensionality reduction, Science 290, 2319-2323.
    L. McInnes, J. Healy & J. Melville (2018), UMAP: uniform manifold approximation and
    projection for dimension reduction, arXiv:1802.03426.

    Examples
    --------
    >>> import numpy as np
    >>> angle = np.linspace(0, 2 * np.pi, 100, endpoint=False)
    >>> ring = np.c_[np.cos(angle), np.sin(angle), 0.1 * np.cos(3 * angle)]
    >>> view = embed(ring, method="pca", n_components=2)
    >>> view.dims, view.shape
    (('point', 'component'), (100, 2))
    """
    import xarray as xr

    method = check_choice("method", method, list(METHODS))
    n_components = check_integer("n_components", n_components, minimum=2)
    if n_components > 3:
        raise ParameterError(f"n_components must be 2 or 3 (a view), got {n_components}")
    n_neighbors = check_integer("n_neighbors", n_neighbors, minimum=2)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be an integer >= 0, got {describe(seed)}")
    if method == "umap":  # before any work
        umap = require("umap", extra="views")
    elif method == "isomap":
        manifold = require("sklearn.manifold", extra="views")
    points, times, steps = _cloud(data, preprocess)
    if points.shape[1] < n_components:
        raise ParameterError(f"data has {points.shape[1]} dimensions, fewer than "
                             f"n_components={n_components}")
    if method in ("isomap", "umap") and n_neighbors >= points.shape[0]:
        raise ParameterError(f"n_neighbors must be below the number of points "
                             f"({points.shape[0]}), got {n_neighbors}")
    if method == "pca":
        view = _pca(points, n_components)[0]
    elif method == "isomap":
        view = manifold.Isomap(n_neighbors=n_neighbors, n_components=n_components).fit_transform(points)
    else:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "n_jobs overridden by setting random_state"
            view = umap.UMAP(n_components=n_components, n_neighbors=n_neighbors,
                             random_state=int(seed)).fit_transform(points)
    attrs = {**{key: value for key, value in steps.items() if np.isscalar(value)},
             "method": method, "n_neighbors": n_neighbors, "seed": int(seed)}
    return xr.DataArray(np.asarray(view, dtype=np.float64), dims=("point", "component"),
                        coords={"time": ("point", times), "component": np.arange(n_components)},
                        attrs=attrs, name="embedding")


def plot_embedding(view, *, color=None, ax=None, label: str = "", cmap: str = "twilight",
                   size: float = 4.0):
    """Scatter a view from :func:`embed` in 2-D or 3-D, coloured by a variable.

    Parameters
    ----------
    view : DataArray from :func:`embed` (or an array ``(n_points, 2|3)``)
    color : array_like, shape (n_points,), optional
        E.g. the decoded heading at each point's time; a cyclic colour map
        (``"twilight"``) suits angles.
    ax : matplotlib Axes, optional
        A 3-D Axes (``projection="3d"``) for a 3-D view; made if not given.
    label : str
        Colour bar label (no colour bar when empty or ``color`` is None).

    Examples
    --------
    >>> import numpy as np
    >>> angle = np.linspace(0, 2 * np.pi, 80, endpoint=False)
    >>> view = embed(np.c_[np.cos(angle), np.sin(angle), np.sin(2 * angle)])
    >>> ax = plot_embedding(view, color=angle, label="angle (rad)")
    """
    values = np.asarray(getattr(view, "values", view), dtype=np.float64)
    if values.ndim != 2 or values.shape[1] not in (2, 3):
        raise ParameterError(f"view must have shape (n_points, 2 or 3), got {values.shape}")
    if color is not None:
        color = np.asarray(getattr(color, "values", color), dtype=np.float64)
        if color.shape != (values.shape[0],):
            raise ParameterError(f"color must have one value per point ({values.shape[0]}), "
                                 f"got shape {color.shape}")
    import matplotlib.pyplot as plt

    if ax is None:
        fig = plt.figure(figsize=(4.5, 4), layout="constrained")
        ax = fig.add_subplot(projection="3d" if values.shape[1] == 3 else None)
    points = ax.scatter(*values.T, c=color, s=size, cmap=cmap if color is not None else None)
    method = getattr(view, "attrs", {}).get("method", "")
    names = [f"{method.upper()} {k + 1}" if method else f"component {k + 1}"
             for k in range(values.shape[1])]
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if values.shape[1] == 3:
        ax.set_zlabel(names[2])
    if color is not None and label:
        ax.figure.colorbar(points, ax=ax, label=label, shrink=0.7,
                          pad=0.12 if values.shape[1] == 3 else 0.05)  # clear of the z label
    return ax
