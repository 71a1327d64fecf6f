r"""The Dataset of a Lyapunov spectrum, and the Kaplan-Yorke dimension of a spectrum.

:func:`kaplan_yorke_dimension` works on any array of exponents;
``_spectrum_dataset`` labels the result of
:func:`~attractors.analysis.lyapunov_spectrum` (``exponent``, its running
estimate, ``settled``, the dimension and the final state, each with
``long_name`` and ``units``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._validate import ParameterError, check_finite_array, describe
from ._stability import _time_units

__all__ = ["kaplan_yorke_dimension"]


def kaplan_yorke_dimension(exponents):
    r"""The Kaplan-Yorke (Lyapunov) dimension of a spectrum, along its last axis.

    .. math:: D_{KY} = j + \frac{\sum_{i=1}^{j} \lambda_i}{|\lambda_{j+1}|},

    with the exponents sorted largest first and :math:`j` the largest index with
    :math:`\sum_{i \le j} \lambda_i \ge 0` (Kaplan & Yorke 1979).  0 when
    :math:`\lambda_1 < 0`; the number of exponents when all partial sums are
    >= 0 (NaN would need the missing ones: pass the full spectrum then).

    Parameters
    ----------
    exponents : array_like, shape (..., k)
        Lyapunov exponents, largest first.

    Returns
    -------
    ndarray, shape (...)

    References
    ----------
    J. L. Kaplan and J. A. Yorke, Lecture Notes in Mathematics 730, 204 (1979).

    Examples
    --------
    >>> round(float(kaplan_yorke_dimension([0.9056, 0.0, -14.5723])), 4)
    2.0621
    """
    lam = check_finite_array("exponents", exponents, dtype=np.float64)
    if lam.ndim == 0 or lam.shape[-1] == 0:
        raise ParameterError(f"exponents must have at least one entry, got {describe(lam)}")
    partial = np.cumsum(lam, axis=-1)
    j = np.sum(partial >= 0, axis=-1)  # partial sums decrease once the exponents turn negative
    k = lam.shape[-1]
    inside = np.minimum(j, k - 1)
    following = np.take_along_axis(lam, inside[..., None], axis=-1)[..., 0]
    before = np.where(j > 0, np.take_along_axis(partial, np.maximum(j - 1, 0)[..., None],
                                                axis=-1)[..., 0], 0.0)
    return np.where(j >= k, float(k), j + before / np.abs(np.where(j < k, following, 1.0)))


def _spectrum_dataset(system, final, running, times, settled, last, batched, attrs,
                      lead_dim="trial"):
    time = _time_units(system)
    unit = f"1/{system.time_unit}" if system.time_unit else "1/time unit"
    lead = (lead_dim,) if batched else ()
    pick = (lambda a: a) if batched else (lambda a: a[0])
    index = np.arange(final.shape[-1])
    data = xr.Dataset(
        {"exponent": (lead + ("exponent_index",), pick(final),
                      {"units": unit, "long_name": "Lyapunov exponent"}),
         "running_exponent": (lead + ("time", "exponent_index"),
                              pick(np.moveaxis(running, 0, 1)),
                              {"units": unit, "long_name": "running estimate of the exponent"}),
         "settled": (lead, pick(settled),
                     {"units": "1", "long_name": "running estimate within settle_tolerance "
                                                 "of the final one"}),
         "kaplan_yorke_dimension": (lead, pick(_ky_or_nan(final, system.n_units)),
                                    {"units": "1", "long_name": "Kaplan-Yorke dimension"}),
         "final_state": (lead + ("unit",), pick(last),
                         {"units": "model state units", "long_name": "state at the end"})},
        coords={"exponent_index": ("exponent_index", index,
                                   {"units": "1", "long_name": "exponent, largest first"}),
                "time": ("time", times, {"units": time, "long_name": "measurement time"})},
        attrs=attrs)
    if batched:
        data = data.assign_coords({lead_dim: np.arange(final.shape[0])})
    return data


def _ky_or_nan(final, n_units):
    """Kaplan-Yorke dimension; NaN where it needs exponents beyond the k computed."""
    out = np.full(final.shape[0], np.nan)
    finite = np.all(np.isfinite(final), axis=-1)
    if np.any(finite):
        dimension = kaplan_yorke_dimension(final[finite])
        known = (dimension < final.shape[-1]) | (final.shape[-1] == n_units)
        out[np.flatnonzero(finite)[known]] = dimension[known]
    return out
