r"""Population activity to a point cloud: smoothing, z-scoring, PCA and furthest-point subsampling.

Every step is recorded in the attrs of the returned :class:`xarray.DataArray`, so a
point cloud says how it was made.  The steps follow the pipeline of Gardner et al.
(2022) for the grid-cell torus: smooth each unit's activity in time, z-score each
unit, project on the leading principal components, and keep a subset of time points
that covers the cloud evenly (greedy furthest-point sampling, which keeps holes open
where random subsampling would fill thin parts of the manifold with gaps).
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, check_integer, check_positive, describe

__all__ = ["as_activity", "furthest_point_sample", "point_cloud", "smooth", "zscore"]

#: Below this many time points no shape can be told from noise.
MIN_TIME_POINTS = 10


def as_activity(activity, *, name: str = "activity"):
    """Validate population activity and return ``(values, times)``.

    Parameters
    ----------
    activity : array_like, xarray.DataArray or xarray.Dataset
        Shape ``(time, unit)``.  A Dataset contributes its ``rate`` variable if it has
        one, else its ``state``; a DataArray with a ``time`` dimension is put first.

    Returns
    -------
    values : ndarray, shape (n_time, n_units), float64
    times : ndarray, shape (n_time,)
        The ``time`` coordinate, or ``0, 1, 2, ...`` for a plain array.
    """
    times = None
    if hasattr(activity, "data_vars"):  # a Dataset: the population variable
        for variable in ("rate", "state"):
            if variable in activity.data_vars:
                activity = activity[variable]
                break
        else:
            raise ParameterError(
                f"{name} is a Dataset without a 'rate' or 'state' variable "
                f"(variables: {list(activity.data_vars)}); pass the DataArray of activity")
    if hasattr(activity, "dims"):
        if "time" in activity.dims:
            activity = activity.transpose("time", ...)
            times = np.asarray(activity["time"].values, dtype=np.float64)
        activity = activity.values
    try:
        values = np.asarray(activity, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ParameterError(f"{name} must be numeric, got {describe(activity)}") from error
    if values.ndim != 2:
        raise ParameterError(
            f"{name} must be 2-D (time x units), got shape {values.shape}; a single unit's "
            f"trace is shape (n_time, 1): use values[:, None]")
    if values.shape[0] < MIN_TIME_POINTS:
        raise ParameterError(
            f"{name} has {values.shape[0]} time points; at least {MIN_TIME_POINTS} are needed "
            f"to tell a manifold from noise (record more, or record_every smaller)")
    if values.shape[1] < 2:
        raise ParameterError(f"{name} must have at least 2 units (columns), got {values.shape[1]}")
    if not np.all(np.isfinite(values)):
        bad = np.argwhere(~np.isfinite(values))[0]
        raise ParameterError(
            f"{name} contains non-finite values (first at time index {bad[0]}, unit {bad[1]}); "
            f"drop or interpolate them before the analysis")
    if times is None:
        times = np.arange(values.shape[0], dtype=np.float64)
    return values, times


def smooth(values, sigma: float):
    r"""Gaussian smoothing of each column along time, ``sigma`` in samples.

    .. math:: \tilde x_t = \sum_s g_\sigma(t - s)\, x_s, \qquad g_\sigma(k) \propto e^{-k^2/2\sigma^2},

    with reflecting ends (:func:`scipy.ndimage.gaussian_filter1d`, truncated at 4 sigma).
    ``sigma = 0`` returns the input unchanged.
    """
    sigma = check_positive("sigma", sigma, allow_zero=True)
    if sigma == 0:
        return np.asarray(values, dtype=np.float64)
    from scipy.ndimage import gaussian_filter1d

    return gaussian_filter1d(np.asarray(values, dtype=np.float64), sigma, axis=0, mode="reflect")


def zscore(values):
    r"""Centre each column and divide by its standard deviation, :math:`(x - \bar x)/s`.

    Silent columns (zero variance) are centred and left at zero rather than divided by 0.
    """
    values = np.asarray(values, dtype=np.float64)
    centred = values - values.mean(axis=0)
    scale = values.std(axis=0)
    return centred / np.where(scale > 0, scale, 1.0)


def _pca(values, n_components: int):
    """Scores on the leading principal components and every component's variance."""
    centred = values - values.mean(axis=0)
    _, singular, right = np.linalg.svd(centred, full_matrices=False)
    variance = singular**2 / max(values.shape[0] - 1, 1)
    # Fix each component's sign (largest loading positive) so the result does not
    # depend on the LAPACK build.
    signs = np.sign(right[np.arange(right.shape[0]), np.argmax(np.abs(right), axis=1)])
    right = right * np.where(signs == 0, 1.0, signs)[:, None]
    return centred @ right[:n_components].T, variance


def furthest_point_sample(points, n_points: int, *, start: int = 0):
    r"""Greedy furthest-point (max-min) subsample of a point cloud.

    Starting from ``points[start]``, repeatedly add the point furthest from those
    chosen so far.  The chosen set is a :math:`2\varepsilon`-approximation of the
    optimal covering, where :math:`\varepsilon` (returned) is the largest distance of
    any point to its nearest chosen point (Gonzalez 1985; de Silva & Carlsson 2004,
    who call the chosen points maxmin landmarks).

    Parameters
    ----------
    points : ndarray, shape (n, d)
    n_points : int
        How many to keep (all if ``n_points >= n``).
    start : int
        Index of the first point (deterministic; no randomness is involved).

    Returns
    -------
    index : ndarray of int, shape (n_points,)
        Chosen rows, in the order chosen.
    cover_radius : float
        :math:`\max_x \min_{l} |x - l|` over all points and chosen points.

    Examples
    --------
    >>> import numpy as np
    >>> angle = np.linspace(0, 2 * np.pi, 100, endpoint=False)
    >>> index, radius = furthest_point_sample(np.c_[np.cos(angle), np.sin(angle)], 4)
    >>> sorted(index.tolist())
    [0, 25, 50, 75]
    """
    points = np.asarray(points, dtype=np.float64)
    n_points = check_integer("n_points", n_points, minimum=1)
    total = points.shape[0]
    start = check_integer("start", start, minimum=0)
    if start >= total:
        raise ParameterError(f"start must be < the number of points ({total}), got {start}")
    if n_points >= total:
        index = np.arange(total)
        return index, 0.0
    index = np.empty(n_points, dtype=np.intp)
    index[0] = start
    nearest = np.sum((points - points[start]) ** 2, axis=1)
    for k in range(1, n_points):  # each step is one vectorised pass over the cloud
        index[k] = int(np.argmax(nearest))
        np.minimum(nearest, np.sum((points - points[index[k]]) ** 2, axis=1), out=nearest)
    return index, float(np.sqrt(nearest.max()))


def point_cloud(activity, *, n_components: int | None = 6, n_points: int | None = 1000,
                smooth_sigma: float = 0.0, standardize: bool = True, transient: float = 0.0):
    r"""Turn population activity (time x units) into a point cloud for topology.

    The steps, in order, each recorded in the result's attrs:

    1. drop the first ``transient`` time units (the bump forming from its
       initial state is not on the manifold);
    2. smooth each unit in time with a Gaussian of ``smooth_sigma`` samples
       (:func:`smooth`);
    3. z-score each unit (:func:`zscore`) so loud units do not dominate distances;
    4. project on the ``n_components`` leading principal components;
       the participation ratio :math:`(\sum\lambda)^2/\sum\lambda^2` of the
       spectrum is recorded too;
    5. keep ``n_points`` time points by furthest-point sampling
       (:func:`furthest_point_sample`), starting from the first time point.

    Every step is deterministic: the same activity gives the same cloud, bit for bit.

    Parameters
    ----------
    activity : array_like (time, unit), DataArray or Dataset
        See :func:`as_activity`.  A trajectory from :func:`attractors.simulate`
        contributes its ``state`` (or ``rate``).
    n_components : int or None
        PCA dimension (Gardner et al. 2022 use 6 for the grid torus); None keeps all units.
    n_points : int or None
        Points kept; None keeps every time point.
    smooth_sigma : float
        Gaussian width in samples (0: no smoothing).
    standardize : bool
        z-score each unit before PCA.
    transient : float
        Time (in the units of the ``time`` coordinate) dropped from the start.

    Returns
    -------
    xarray.DataArray, dims ``(point, component)``
        With coordinate ``time`` (the time of each point) and attrs listing the steps.

    References
    ----------
    R. J. Gardner et al. (2022), Toroidal topology of population activity in grid
    cells, Nature 602, 123-128 (Methods: preprocessing for persistent cohomology).

    Examples
    --------
    >>> import numpy as np
    >>> angle = np.linspace(0, 2 * np.pi, 300, endpoint=False)
    >>> tuning = np.exp(2 * np.cos(angle[:, None] - np.linspace(0, 2 * np.pi, 20)))
    >>> cloud = point_cloud(tuning, n_components=3, n_points=100)
    >>> cloud.shape, cloud.attrs["n_points"]
    ((100, 3), 100)
    """
    import xarray as xr

    values, times = as_activity(activity)
    if standardize not in (True, False):
        raise ParameterError(f"standardize must be True or False, got {describe(standardize)}")
    transient = check_positive("transient", transient, allow_zero=True)
    keep = times >= times[0] + transient
    if keep.sum() < values.shape[0]:
        values, times = values[keep], times[keep]
        if values.shape[0] < MIN_TIME_POINTS:
            raise ParameterError(
                f"transient={transient:g} leaves {values.shape[0]} time points; at least "
                f"{MIN_TIME_POINTS} are needed")
    n_units = values.shape[1]
    if n_components is not None:
        n_components = check_integer("n_components", n_components, minimum=1)
        if n_components > min(values.shape):
            raise ParameterError(
                f"n_components must be <= min(n_time, n_units) = {min(values.shape)}, "
                f"got {n_components}")
    if n_points is not None:
        n_points = check_integer("n_points", n_points, minimum=MIN_TIME_POINTS)
    values = smooth(values, smooth_sigma)
    if standardize:
        values = zscore(values)
    scores, variance = _pca(values, n_components or n_units)
    explained = variance / variance.sum() if variance.sum() > 0 else variance
    ratio = float(variance.sum() ** 2 / np.sum(variance**2)) if variance.sum() > 0 else 0.0
    cover_radius = 0.0
    index = np.arange(scores.shape[0])
    if n_points is not None:
        index, cover_radius = furthest_point_sample(scores, n_points)
        index = np.sort(index)  # time order; the set is what matters
    attrs = {
        "steps": "transient, smooth, zscore, pca, furthest_point_sample",
        "n_time": int(values.shape[0]),
        "n_units": int(n_units),
        "transient": transient,
        "smooth_sigma": float(smooth_sigma),
        "standardize": int(standardize),
        "n_components": int(scores.shape[1]),
        "explained_variance": float(np.sum(explained[: scores.shape[1]])),
        "participation_ratio": ratio,
        "n_points": int(index.size),
        "cover_radius": cover_radius,
    }
    return xr.DataArray(scores[index], dims=("point", "component"),
                        coords={"time": ("point", times[index])}, attrs=attrs,
                        name="point_cloud")
