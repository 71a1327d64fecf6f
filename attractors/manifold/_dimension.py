r"""Dimension of population activity: the PCA participation ratio and the TWO-NN intrinsic dimension.

The participation ratio counts how many principal components carry the variance
(a linear measure: a ring embedded in many units can have a large one); the TWO-NN
estimate of Facco et al. (2017) measures the dimension of the manifold itself from
the ratio of each point's second to first nearest-neighbour distance, and is 1 for
a ring and 2 for a torus however they are embedded.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, check_positive, describe
from ._preprocess import as_activity

__all__ = ["intrinsic_dimension", "participation_ratio"]


def participation_ratio(activity) -> float:
    r"""The participation ratio of the covariance spectrum of ``activity`` (time x units).

    .. math:: \mathrm{PR} = \frac{\big(\sum_i \lambda_i\big)^2}{\sum_i \lambda_i^2},

    with :math:`\lambda_i` the eigenvalues of the units' covariance matrix.  It is
    ``k`` when the variance is spread evenly over ``k`` components and 1 when one
    component carries it all (Gao et al. 2017; Recanatesi et al. 2022).

    Parameters
    ----------
    activity : array_like (time, unit), DataArray or Dataset
        As in :func:`attractors.manifold.point_cloud`.

    Returns
    -------
    float

    References
    ----------
    P. Gao et al. (2017), A theory of multineuronal dimensionality, dynamics and
    measurement, bioRxiv 214262.

    Examples
    --------
    >>> import numpy as np
    >>> angle = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    >>> round(participation_ratio(np.c_[np.cos(angle), np.sin(angle), 0 * angle]), 6)
    2.0
    """
    values, _ = as_activity(activity)
    centred = values - values.mean(axis=0)
    singular = np.linalg.svd(centred, compute_uv=False)
    variance = singular**2
    if variance.sum() == 0:
        raise ParameterError("activity is constant in time: its participation ratio is undefined")
    return float(variance.sum() ** 2 / np.sum(variance**2))


def intrinsic_dimension(points, *, fraction: float = 0.9) -> float:
    r"""TWO-NN maximum-likelihood estimate of a point cloud's intrinsic dimension.

    For each point let :math:`\mu = r_2/r_1`, the ratio of its second to its first
    nearest-neighbour distance.  On a manifold of dimension :math:`d` with locally
    uniform density, :math:`\mu` is Pareto distributed,
    :math:`P(\mu > m) = m^{-d}` (Facco et al. 2017, eq. 3), whose maximum-likelihood
    estimate from the :math:`n` kept ratios is

    .. math:: \hat d = \frac{n}{\sum_{i=1}^{n} \log \mu_i}.

    As Facco et al. recommend, only the smallest ``fraction`` of the ratios are kept
    (the largest come from points whose neighbours sit across a gap or in noise),
    and the estimate uses the truncated Pareto likelihood for them.

    Parameters
    ----------
    points : array_like, shape (n_points, n_dims)
        Or a :class:`xarray.DataArray` (e.g. from :func:`point_cloud`).
    fraction : float
        Share of the ratios kept, in (0, 1].

    Returns
    -------
    float

    References
    ----------
    E. Facco, M. d'Errico, A. Rodriguez & A. Laio (2017), Estimating the intrinsic
    dimension of datasets by a minimal neighborhood information, Sci. Rep. 7, 12140.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> angle = rng.uniform(0, 2 * np.pi, 2000)
    >>> round(intrinsic_dimension(np.c_[np.cos(angle), np.sin(angle)]), 1)
    1.0
    """
    from scipy.spatial import cKDTree

    values = np.asarray(getattr(points, "values", points), dtype=np.float64)
    if values.ndim != 2:
        raise ParameterError(f"points must be 2-D (n_points x n_dims), got shape {values.shape}")
    if values.shape[0] < 10:
        raise ParameterError(f"points must hold at least 10 points, got {values.shape[0]}")
    if not np.all(np.isfinite(values)):
        raise ParameterError("points contains non-finite values; drop them first")
    fraction = check_positive("fraction", fraction)
    if fraction > 1:
        raise ParameterError(f"fraction must be in (0, 1], got {describe(fraction)}")
    distance, _ = cKDTree(values).query(values, k=3)
    first, second = distance[:, 1], distance[:, 2]
    usable = first > 0  # duplicated points have no defined ratio
    if usable.sum() < 10:
        raise ParameterError("points has fewer than 10 distinct points; the dimension is undefined")
    log_ratio = np.sort(np.log(second[usable] / first[usable]))
    kept = max(int(np.floor(fraction * log_ratio.size)), 2)
    if kept == log_ratio.size:
        return float(kept / log_ratio.sum())
    # Truncated at the kept/n quantile m_c: the likelihood of the kept ratios is
    # d^k m^{-d-1} / (1 - m_c^{-d})^k; solve its score equation by Newton on d.
    cut = log_ratio[kept]
    total = log_ratio[:kept].sum()
    d = kept / total
    for _ in range(50):
        tail = np.exp(-d * cut)
        score = kept / d - total - kept * cut * tail / (1 - tail)
        slope = -kept / d**2 + kept * cut**2 * tail / (1 - tail) ** 2
        step = score / slope
        d = max(d - step, 1e-3)
        if abs(step) < 1e-12 * d:
            break
    return float(d)
