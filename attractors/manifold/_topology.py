r"""Persistent homology of point clouds through ripser, and Betti numbers against seeded shuffles.

The Vietoris-Rips filtration and its barcodes come from ripser (Bauer 2021, through
scikit-tda's Python package; the optional extra ``topology``); this module prepares
the cloud, runs ripser on the data and on shuffled copies, and returns every bar as a
labelled :class:`xarray.Dataset`.  :func:`betti_numbers` counts the bars that are
longer than any bar of the same dimension in the shuffled clouds.
"""

from __future__ import annotations

import time

import numpy as np

from .._validate import ParameterError, check_integer, check_positive, describe
from ._preprocess import MIN_TIME_POINTS, as_activity, point_cloud

__all__ = ["betti_numbers", "persistent_homology", "require"]

#: Distance quantile used as the largest filtration scale when ``max_scale`` is None,
#: by the highest homology dimension computed (see :func:`persistent_homology`).
SCALE_QUANTILE = {0: 1.0, 1: 0.3, 2: 0.1}


def require(module: str, extra: str = "topology"):
    """Import an optional dependency, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{module} is needed for this function but is not installed; install it with "
            f"`pip install 'attractor-networks[{extra}]'` (or `pip install {module}`)"
        ) from error


def _points(data):
    values = np.asarray(getattr(data, "values", data), dtype=np.float64) \
        if not isinstance(data, np.ndarray) else np.asarray(data, dtype=np.float64)
    if values.ndim != 2:
        raise ParameterError(
            f"points must be 2-D (n_points x n_dims), got shape {values.shape}; "
            f"pass preprocess={{}} to treat data as activity (time x units)")
    if values.shape[0] < MIN_TIME_POINTS:
        raise ParameterError(f"points must hold at least {MIN_TIME_POINTS} points, "
                             f"got {values.shape[0]}")
    if not np.all(np.isfinite(values)):
        raise ParameterError("points contains non-finite values; drop them first")
    return values


def _components(points):
    """H0 exactly, at every scale: single linkage, i.e. the minimum spanning tree's edges."""
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial.distance import pdist, squareform

    # +1 on every edge keeps zero distances (repeated points) as edges for csgraph,
    # and leaves the tree unchanged (it depends only on the order of the edges).
    tree = minimum_spanning_tree(squareform(pdist(points) + 1.0)).data - 1.0
    deaths = np.append(np.sort(tree), np.inf)
    return np.zeros(deaths.size), deaths


def _scale(points, max_dim, max_scale, resolution):
    if max_scale is not None:
        return float(max_scale)
    if SCALE_QUANTILE[max_dim] >= 1.0:
        return np.inf
    from scipy.spatial.distance import pdist

    # At least 4 resolutions: a void born at 2-3 times the spacing of the sample
    # (measured 2.0 on the grid sheet's torus) must outlive the resolution floor of
    # betti_numbers before the cut.
    return max(float(np.quantile(pdist(points), SCALE_QUANTILE[max_dim])), 4.0 * resolution)


def _bars(points, max_dim, scale, coeff):
    """Bars as (dimension, birth, death) arrays, and ripser's time.

    H0 comes from the minimum spanning tree (exact and uncut, so clusters further
    apart than ``scale`` still count); H1 and H2 from ripser up to ``scale``.
    """
    births, deaths = _components(points)
    dims = [np.zeros(births.size, dtype=int)]
    births, deaths = [births], [deaths]
    elapsed = 0.0
    if max_dim >= 1:
        ripser = require("ripser").ripser
        start = time.perf_counter()
        diagrams = ripser(points, maxdim=max_dim, thresh=scale, coeff=coeff)["dgms"]
        elapsed = time.perf_counter() - start
        for dim in range(1, max_dim + 1):
            dims.append(np.full(len(diagrams[dim]), dim))
            births.append(diagrams[dim][:, 0])
            deaths.append(diagrams[dim][:, 1])
    return np.concatenate(dims), np.concatenate(births), np.concatenate(deaths), elapsed


def _longest(dims, births, deaths, scale, max_dim):
    """Longest bar per dimension (bars alive at the scale cut there; H0's eternal bar left out)."""
    lengths = np.where(dims == 0, deaths, np.minimum(deaths, scale)) - births
    longest = np.zeros(max_dim + 1)
    for dim in range(max_dim + 1):
        mine = np.sort(lengths[dims == dim])
        if dim == 0:  # the component that never dies is there in any data
            mine = mine[:-1]
        mine = mine[np.isfinite(mine)]
        longest[dim] = mine.max() if mine.size else 0.0
    return longest


def persistent_homology(data, *, max_dim: int = 1, max_scale: float | None = None,
                        coeff: int = 2, n_shuffles: int = 0, seed=0,
                        preprocess: dict | None = None):
    r"""Barcodes of the Vietoris-Rips filtration of a point cloud (or of activity), by ripser.

    For a scale :math:`\varepsilon` the Vietoris-Rips complex holds every simplex
    whose points are pairwise within :math:`\varepsilon`; as :math:`\varepsilon`
    grows, :math:`k`-dimensional holes (components, loops, voids for
    :math:`k = 0, 1, 2`) appear at a birth scale and fill at a death scale, each a bar
    :math:`[b, d)` (Edelsbrunner & Harer 2010; Carlsson 2009).  Long bars are the
    shape; short ones are noise.  The bars are computed by ripser (Bauer 2021) with
    coefficients in :math:`\mathbb Z/p`, ``p = coeff``.

    Significance (used by :func:`betti_numbers`): the same computation runs on
    ``n_shuffles`` shuffled copies of the data, made with the generator seeded by
    ``seed``.  For activity (``preprocess`` given) each unit's time series is rotated
    by an independent random lag before the same preprocessing, which keeps every
    unit's rate distribution and autocorrelation but breaks the joint structure
    (Gardner et al. 2022).  For a point cloud, each coordinate column is permuted
    independently.  The longest bar of each dimension over the shuffles is recorded
    as ``shuffle_longest``.

    Parameters
    ----------
    data : array_like or DataArray
        Points, shape ``(n_points, n_dims)`` (e.g. from :func:`point_cloud`), or,
        with ``preprocess``, activity (time x units) or a trajectory.
    max_dim : {0, 1, 2}
        Highest homology dimension.
    max_scale : float, optional
        Largest :math:`\varepsilon` of the filtration for H1 and H2; bars still
        alive there are reported with ``death = inf`` and counted as ending at
        ``max_scale``.  By default the quantile :data:`SCALE_QUANTILE` ``[max_dim]``
        of the cloud's pairwise distances (0.3 for H1, 0.1 for H2), and at least
        four times the cloud's resolution (see :func:`betti_numbers`): the holes of a
        ring or torus sampled evenly (furthest-point sampling) are born well below
        those scales, and the cut keeps H2 on 1000 points to seconds.  The shuffled
        copies use the same scale.  H0 is always exact and uncut (single linkage,
        the minimum spanning tree), so clusters further apart than the scale count.
    coeff : int
        Prime field of coefficients.
    n_shuffles : int
        Number of shuffled copies (0: none; :func:`betti_numbers` then needs a
        ``threshold``).
    seed : int or numpy.random.Generator
        Seeds the shuffles (same seed, same result).
    preprocess : dict, optional
        If given, ``data`` is activity and ``point_cloud(data, **preprocess)`` makes
        the cloud (and the shuffled clouds).

    Returns
    -------
    xarray.Dataset
        Dims ``bar`` and ``dimension``: ``birth``, ``death`` and ``homology_dimension``
        per bar, ``persistence`` (death minus birth, cut at ``max_scale``), and
        ``shuffle_longest`` per dimension; attrs: ``max_scale``, ``coeff``,
        ``n_points``, ``n_shuffles``, ``seed``, ``ripser_seconds`` (ripser's own time
        on the data), ``total_seconds`` (this call without the shuffles) and the
        preprocessing steps when there were any.

    References
    ----------
    H. Edelsbrunner & J. Harer (2010), Computational Topology: An Introduction, AMS.
    G. Carlsson (2009), Topology and data, Bull. AMS 46, 255-308.
    U. Bauer (2021), Ripser: efficient computation of Vietoris-Rips persistence
    barcodes, J. Appl. Comput. Topol. 5, 391-423.
    R. J. Gardner et al. (2022), Nature 602, 123-128.

    Examples
    --------
    >>> import numpy as np
    >>> angle = np.random.default_rng(0).uniform(0, 2 * np.pi, 200)
    >>> circle = np.c_[np.cos(angle), np.sin(angle)]
    >>> result = persistent_homology(circle, max_dim=1, n_shuffles=3)
    >>> betti_numbers(result)
    (1, 1)
    """
    started = time.perf_counter()
    max_dim = check_integer("max_dim", max_dim, minimum=0)
    if max_dim > 2:
        raise ParameterError(f"max_dim must be 0, 1 or 2, got {max_dim}")
    if max_scale is not None:
        max_scale = check_positive("max_scale", max_scale)
    coeff = check_integer("coeff", coeff, minimum=2)
    if any(coeff % k == 0 for k in range(2, int(coeff**0.5) + 1)):
        raise ParameterError(f"coeff must be a prime, got {coeff}")
    n_shuffles = check_integer("n_shuffles", n_shuffles, minimum=0)
    if preprocess is not None and not isinstance(preprocess, dict):
        raise ParameterError(f"preprocess must be a dict of point_cloud arguments or None, "
                             f"got {describe(preprocess)}")
    rng = np.random.default_rng(seed)
    if max_dim >= 1:
        require("ripser")  # before any work
    if preprocess is not None:
        activity, times = as_activity(data)
        cloud = point_cloud(data, **preprocess)
        activity = activity[times >= times[0] + cloud.attrs["transient"]]
        points, steps = cloud.values, dict(cloud.attrs)
    else:
        points, steps = _points(data), dict(getattr(data, "attrs", {}))
    tree = _components(points)[1]
    resolution = float(np.median(tree[np.isfinite(tree)])) if tree.size > 1 else 0.0
    scale = _scale(points, max_dim, max_scale, resolution)
    dims, births, deaths, ripser_seconds = _bars(points, max_dim, scale, coeff)
    total = time.perf_counter() - started

    shuffle_longest = np.zeros(max_dim + 1)
    for _ in range(n_shuffles):
        if preprocess is not None:
            lags = rng.integers(0, activity.shape[0], activity.shape[1])
            rows = (np.arange(activity.shape[0])[:, None] - lags) % activity.shape[0]
            shuffled = point_cloud(np.take_along_axis(activity, rows, axis=0),
                                   **{**preprocess, "transient": 0.0}).values
        else:
            shuffled = np.column_stack([rng.permutation(column) for column in points.T])
        # The same filtration range as the data, so bar lengths compare like with like.
        bars = _bars(shuffled, max_dim, scale, coeff)
        shuffle_longest = np.maximum(shuffle_longest, _longest(*bars[:3], scale, max_dim))
    return _dataset(dims, births, deaths, scale, shuffle_longest, {
        **{key: value for key, value in steps.items() if np.isscalar(value)},
        "max_dim": max_dim, "max_scale": scale, "coeff": coeff, "n_points": int(points.shape[0]),
        "n_shuffles": n_shuffles, "seed": seed if isinstance(seed, int) else str(seed),
        "resolution": resolution,
        "ripser_seconds": ripser_seconds, "total_seconds": total,
        "significance": "a bar counts if it is longer than every bar of its dimension in "
                        "the shuffled copies and than the resolution (twice it for H0; betti_numbers)",
    })


def _dataset(dims, births, deaths, scale, shuffle_longest, attrs):
    import xarray as xr

    persistence = np.where(dims == 0, deaths, np.minimum(deaths, scale)) - births
    order = np.lexsort((-persistence, dims))  # by dimension, longest first
    return xr.Dataset(
        {
            "birth": ("bar", births[order], {"long_name": "birth scale"}),
            "death": ("bar", deaths[order], {"long_name": "death scale (inf: alive at max_scale)"}),
            "persistence": ("bar", persistence[order],
                            {"long_name": "bar length, infinite bars cut at max_scale"}),
            "shuffle_longest": ("dimension", shuffle_longest,
                                {"long_name": "longest bar of the shuffled copies"}),
        },
        coords={"homology_dimension": ("bar", dims[order]),
                "dimension": np.arange(shuffle_longest.size)},
        attrs=attrs,
    )


def betti_numbers(result, *, threshold: float | None = None) -> tuple[int, ...]:
    r"""Betti numbers :math:`(b_0, b_1, \dots)` from the significant bars of a barcode.

    A bar of dimension :math:`k` is significant when its persistence (death minus
    birth, bars alive at the largest scale cut there) exceeds the longest
    :math:`k`-dimensional bar over all shuffled copies (``shuffle_longest``,
    from ``n_shuffles`` in :func:`persistent_homology`), or ``threshold`` when given,
    and also exceeds the cloud's ``resolution`` :math:`\delta`, the median edge of
    its minimum spanning tree (the typical distance between neighbouring points):
    a hole smaller than the spacing of the sample is not resolved by it (loops among
    neighbours in sparse parts of a Gaussian blob were measured at up to
    :math:`0.65\,\delta`).  Without the floor a tiny bar would count whenever the
    shuffles happen to have no bar of that dimension at all.  A component (H0 bar)
    must also be longer than :math:`2\delta`: in a furthest-point sample every edge
    of the spanning tree lies between the cover radius :math:`r` and :math:`2r`.
    :math:`b_0` also counts the one component that never dies.  With :math:`S`
    shuffles the chance that a bar of pure noise beats all of them is at most
    :math:`1/(S+1)` (a rank test; Gardner et al. 2022 use the same rule).

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`persistent_homology`.
    threshold : float, optional
        A fixed length to beat instead of the shuffles (needed when ``n_shuffles`` was 0).

    Returns
    -------
    tuple of int
        One count per homology dimension computed.

    Examples
    --------
    >>> import numpy as np
    >>> points = np.r_[np.zeros((20, 2)), np.ones((20, 2))] + 0.01 * np.arange(40)[:, None] % 0.05
    >>> betti_numbers(persistent_homology(points, max_dim=0), threshold=0.5)
    (2,)
    """
    if not hasattr(result, "data_vars") or "persistence" not in result:
        raise ParameterError(f"result must be a Dataset from persistent_homology, got "
                             f"{describe(result)}")
    if threshold is None:
        if int(result.attrs.get("n_shuffles", 0)) == 0:
            raise ParameterError(
                "result has no shuffled copies to compare with (n_shuffles=0); compute it "
                "with n_shuffles > 0 (e.g. 20) or give a threshold")
        beat = result["shuffle_longest"].values
    else:
        threshold = check_positive("threshold", threshold)
        beat = np.full(result.sizes["dimension"], threshold)
    resolution = float(result.attrs.get("resolution", 0.0))
    beat = np.maximum(beat, resolution)
    # Components: a furthest-point sample has every spanning-tree edge between its
    # cover radius r and 2r, so a gap must exceed twice the spacing to stand apart.
    beat[0] = max(beat[0], 2.0 * resolution)
    dims = result["homology_dimension"].values
    persistence = result["persistence"].values
    counts = []
    for dim in range(result.sizes["dimension"]):
        mine = dims == dim
        significant = mine & (persistence > beat[dim])
        if dim == 0:  # the eternal component always counts, exactly once
            eternal = np.flatnonzero(mine)[np.argmax(persistence[mine])]
            significant[eternal] = False
            counts.append(int(significant.sum()) + 1)
        else:
            counts.append(int(significant.sum()))
    return tuple(counts)
