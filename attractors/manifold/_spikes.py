r"""Spike times to population activity: binning and Gaussian smoothing into rates."""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, check_finite_array, check_integer, check_positive
from ._preprocess import smooth

__all__ = ["bin_spikes"]


def bin_spikes(spike_times, spike_units, n_units: int, *, bin_width: float,
               t_span=None, smooth_sigma: float = 0.0):
    r"""Count spikes in time bins per unit and optionally smooth them into rates.

    .. math:: r_i(t_k) = \frac{1}{\Delta}\sum_s g_\sigma(k - s)\, N_i(s),

    with :math:`N_i(s)` the count of unit :math:`i` in bin :math:`s` of width
    :math:`\Delta` and :math:`g_\sigma` a normalised Gaussian of ``smooth_sigma`` bins
    (the usual kernel rate estimate, e.g. Chaudhuri et al. 2019 before their
    manifold analysis).

    Parameters
    ----------
    spike_times : array_like, shape (n_spikes,)
        Times (same unit as ``bin_width``, ms in this library).
    spike_units : array_like of int, shape (n_spikes,)
        Which unit fired each spike, ``0 <= unit < n_units``.
    n_units : int
    bin_width : float
    t_span : (float, float), optional
        Start and end of the binned interval (default: 0 to the last spike).
    smooth_sigma : float
        Gaussian width in bins (0: raw counts over the bin width).

    Returns
    -------
    xarray.DataArray, dims ``(time, unit)``
        Rates in spikes per time unit (per ms: multiply by 1000 for Hz), ``time``
        at bin centres; attrs ``bin_width`` and ``smooth_sigma``.

    Examples
    --------
    >>> rates = bin_spikes([0.5, 1.5, 1.7, 3.2], [0, 1, 1, 0], 2, bin_width=1.0, t_span=(0, 4))
    >>> rates.values.T.tolist()
    [[1.0, 0.0, 0.0, 1.0], [0.0, 2.0, 0.0, 0.0]]
    """
    import xarray as xr

    times = check_finite_array("spike_times", spike_times, dtype=np.float64)
    units = np.asarray(spike_units)
    n_units = check_integer("n_units", n_units, minimum=1)
    bin_width = check_positive("bin_width", bin_width)
    if times.ndim != 1 or units.shape != times.shape:
        raise ParameterError(f"spike_times and spike_units must be 1-D of equal length, got "
                             f"shapes {times.shape} and {units.shape}")
    if units.size and (units.dtype.kind not in "iu" or units.min() < 0 or units.max() >= n_units):
        raise ParameterError(f"spike_units must be integers in [0, {n_units}), got values from "
                             f"{units.min()} to {units.max()} (dtype {units.dtype})")
    start, stop = (0.0, float(times.max()) if times.size else bin_width) if t_span is None \
        else map(float, t_span)
    if not stop > start:
        raise ParameterError(f"t_span must have end > start, got ({start:g}, {stop:g})")
    n_bins = int(np.ceil((stop - start) / bin_width - 1e-9))
    index = np.floor((times - start) / bin_width).astype(np.int64)
    inside = (index >= 0) & (index < n_bins)
    counts = np.zeros((n_bins, n_units))
    np.add.at(counts, (index[inside], units[inside]), 1.0)
    rates = smooth(counts, smooth_sigma) / bin_width
    centres = start + bin_width * (np.arange(n_bins) + 0.5)
    return xr.DataArray(rates, dims=("time", "unit"),
                        coords={"time": centres, "unit": np.arange(n_units)},
                        attrs={"bin_width": bin_width, "smooth_sigma": float(smooth_sigma)},
                        name="rate")
