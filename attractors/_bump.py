r"""Decoding a bump of activity on a ring: position, amplitude, width, heading, tracking error.

A core module, below both :mod:`attractors.models` (the ring and CANN models
decode their bumps with it) and :mod:`attractors.analysis` (which re-exports
every public name here, so users find them as ``attractors.analysis.bump_position``
and so on).

Every function works on the **last axis** of ``rates`` (the units of a ring,
as in a trajectory's ``state`` or ``rate`` variable) and is vectorised over all
leading axes (time, trial, ...).  Angles are in radians; positions are
returned in :math:`(-\pi, \pi]`.

The preferred directions ``theta`` default to the uniform ring
:math:`\theta_i = 2\pi i / N`, ``i = 0 .. N-1``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import ParameterError, check_choice, describe

__all__ = [
    "BUMP_ATTRS",
    "TrackingError",
    "bump_amplitude",
    "bump_position",
    "bump_width",
    "ring_angles",
    "tracking_error",
    "unwrap_heading",
    "wrap_angle",
]


def ring_angles(n_units: int) -> np.ndarray:
    r"""Preferred directions of a uniform ring, :math:`\theta_i = 2\pi i / N`.

    Examples
    --------
    >>> ring_angles(4)
    array([0.        , 1.57079633, 3.14159265, 4.71238898])
    """
    if isinstance(n_units, bool) or not isinstance(n_units, (int, np.integer)) or n_units < 1:
        raise ParameterError(f"n_units must be an integer >= 1, got {describe(n_units)}")
    return 2.0 * np.pi * np.arange(int(n_units)) / int(n_units)


def wrap_angle(angle):
    r"""Wrap angles to :math:`(-\pi, \pi]`: the circular difference used everywhere here.

    .. math:: \operatorname{wrap}(\phi) = \phi - 2\pi \left\lceil \frac{\phi - \pi}{2\pi} \right\rceil

    Examples
    --------
    >>> float(wrap_angle(3 * np.pi / 2))
    -1.5707963267948966
    >>> float(wrap_angle(np.pi))
    3.141592653589793
    """
    angle = np.asarray(angle, dtype=np.float64)
    return angle - 2.0 * np.pi * np.ceil((angle - np.pi) / (2.0 * np.pi))


def _cos_sin(theta):
    """(n_units, 2): cos and sin of the preferred directions, for one real product."""
    return np.stack([np.cos(theta), np.sin(theta)], axis=-1)


def _rates_and_theta(rates, theta):
    rates = np.asarray(rates, dtype=np.float64)
    if rates.ndim < 1 or rates.shape[-1] < 2:
        raise ParameterError(
            f"rates must have the units (at least 2) on its last axis, got shape {rates.shape}"
        )
    n = rates.shape[-1]
    if theta is None:
        return rates, ring_angles(n)
    theta = np.asarray(theta, dtype=np.float64)
    if theta.shape != (n,):
        raise ParameterError(
            f"theta must hold one angle per unit, shape ({n},) for rates of shape "
            f"{rates.shape}, got shape {theta.shape}"
        )
    if not np.all(np.isfinite(theta)):
        raise ParameterError("theta must be finite")
    return rates, theta


def bump_position(rates, theta=None):
    r"""Position of the bump by the population vector (Georgopoulos et al. 1986).

    .. math:: \hat\theta = \arg \sum_i r_i\, e^{\mathrm{i}\theta_i}
              = \operatorname{atan2}\Big(\sum_i r_i \sin\theta_i,\ \sum_i r_i \cos\theta_i\Big)

    Unbiased for any bump symmetric about its centre on a uniform ring (the
    discrete sum of an even profile against :math:`\sin` vanishes exactly), and
    insensitive to a uniform baseline, which adds a multiple of
    :math:`\sum_i e^{\mathrm{i}\theta_i} = 0`.

    Parameters
    ----------
    rates : array_like, shape (..., n_units)
        Firing rates (or any non-negative activity) of the ring's units.
    theta : array_like, shape (n_units,), optional
        Preferred directions in radians (default: uniform ring).

    Returns
    -------
    ndarray, shape (...)
        Position in :math:`(-\pi, \pi]`; NaN where the population vector is zero
        (a flat profile has no position).

    References
    ----------
    Georgopoulos, Schwartz & Kettner (1986), Science 233, 1416-1419.

    Examples
    --------
    >>> theta = ring_angles(64)
    >>> rates = np.exp(4 * np.cos(theta - 1.0))
    >>> round(float(bump_position(rates, theta)), 12)
    1.0
    """
    rates, theta = _rates_and_theta(rates, theta)
    cosine, sine = np.moveaxis(rates @ _cos_sin(theta), -1, 0)  # real products: no complex copy
    position = np.arctan2(sine, cosine)
    flat = np.hypot(cosine, sine) <= 1e-12 * np.maximum(np.abs(rates).sum(axis=-1), 1e-300)
    return np.where(flat, np.nan, position)


def bump_amplitude(rates):
    r"""Height of the bump above its baseline, :math:`\max_i r_i - \min_i r_i`.

    Parameters
    ----------
    rates : array_like, shape (..., n_units)

    Returns
    -------
    ndarray, shape (...)
        Zero for a flat (no-bump) profile.

    Examples
    --------
    >>> float(bump_amplitude([1.0, 3.0, 5.0, 3.0]))
    4.0
    """
    rates = np.asarray(rates, dtype=np.float64)
    if rates.ndim < 1 or rates.shape[-1] < 1:
        raise ParameterError(f"rates must have the units on its last axis, got shape {rates.shape}")
    return rates.max(axis=-1) - rates.min(axis=-1)


def bump_width(rates, theta=None, *, method: str = "circular_std"):
    r"""Width of the bump, as a circular standard deviation or a full width at half maximum.

    ``method="circular_std"`` (default): the baseline is removed,
    :math:`p_i = (r_i - \min_j r_j) / \sum_k (r_k - \min_j r_j)`, and

    .. math:: \sigma = \sqrt{-2 \ln R}, \qquad R = \Big|\sum_i p_i e^{\mathrm{i}\theta_i}\Big| ,

    the circular standard deviation (Mardia & Jupp 2000, eq. 2.3.11), which
    equals the standard deviation :math:`\sigma` for a narrow Gaussian bump
    (for a wrapped Gaussian of any width, :math:`R = e^{-\sigma^2/2}` exactly).

    ``method="fwhm"``: the angular extent over which the profile, linearly
    interpolated between neighbouring units around the ring, exceeds half its
    height above baseline, :math:`\min r + (\max r - \min r)/2`.  For a
    Gaussian bump this is :math:`2\sqrt{2\ln 2}\,\sigma \approx 2.355\,\sigma`.
    ``theta`` must then be sorted around the ring.

    Parameters
    ----------
    rates : array_like, shape (..., n_units)
    theta : array_like, shape (n_units,), optional
        Preferred directions in radians (default: uniform ring).
    method : {"circular_std", "fwhm"}

    Returns
    -------
    ndarray, shape (...)
        Width in radians; NaN for a flat profile.

    References
    ----------
    Mardia, K. V. & Jupp, P. E. (2000), Directional Statistics, Wiley.

    Examples
    --------
    >>> theta = ring_angles(360)
    >>> bump = np.exp(-0.5 * (wrap_angle(theta - 2.0) / 0.3) ** 2)
    >>> round(float(bump_width(bump, theta)), 3)
    0.3
    >>> round(float(bump_width(bump, theta, method="fwhm") / 0.3), 3)
    2.355
    """
    method = check_choice("method", method, ["circular_std", "fwhm"])
    rates, theta = _rates_and_theta(rates, theta)
    low = rates.min(axis=-1, keepdims=True)
    excess = rates - low
    height = excess.max(axis=-1)
    flat = height <= 0
    if method == "circular_std":
        total = np.where(flat, 1.0, excess.sum(axis=-1))
        cosine, sine = np.moveaxis(excess @ _cos_sin(theta), -1, 0)
        resultant = np.hypot(cosine, sine) / total
        with np.errstate(divide="ignore"):
            width = np.sqrt(np.maximum(-2.0 * np.log(resultant), 0.0))
        return np.where(flat, np.nan, width)
    # FWHM: each segment (i, i+1) of the interpolated ring profile contributes the
    # fraction of its length above half height.
    half = 0.5 * height[..., None]
    a = excess
    b = np.roll(excess, -1, axis=-1)
    segment = np.mod(np.roll(theta, -1) - theta, 2.0 * np.pi)
    segment[segment == 0] = 2.0 * np.pi  # a one-unit ring: the whole circle
    above_a, above_b = a > half, b > half
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = (np.maximum(a, b) - half) / np.abs(a - b)
    fraction = np.where(above_a & above_b, 1.0, np.where(above_a ^ above_b, crossing, 0.0))
    width = fraction @ segment
    return np.where(flat, np.nan, width)


def unwrap_heading(positions, *, axis: int = 0):
    r"""Unwrap decoded positions over time into a continuous heading.

    Jumps of more than :math:`\pi` between consecutive samples are taken as
    crossings of :math:`\pm\pi` and removed by adding multiples of
    :math:`2\pi` (:func:`numpy.unwrap`); correct as long as the bump moves less
    than half a turn between samples.  NaNs (samples without a bump) stay NaN
    and do not break the unwrapping of the samples around them.

    Parameters
    ----------
    positions : array_like
        Positions in radians, with time along ``axis``.
    axis : int
        The time axis (default 0, the first dimension of a trajectory).

    Returns
    -------
    ndarray
        Same shape as ``positions``.

    Examples
    --------
    >>> unwrap_heading([3.0, -3.0, -2.5]).round(4)
    array([3.    , 3.2832, 3.7832])
    """
    positions = np.asarray(positions, dtype=np.float64)
    if positions.ndim == 0:
        return positions.copy()
    moved = np.moveaxis(positions, axis, 0)
    missing = np.isnan(moved)
    if not missing.any():
        return np.moveaxis(np.unwrap(moved, axis=0), 0, axis)
    # Carry the last valid sample forward through the gaps, unwrap, and put the NaNs back.
    index = np.where(~missing, np.arange(moved.shape[0]).reshape((-1,) + (1,) * (moved.ndim - 1)), 0)
    np.maximum.accumulate(index, axis=0, out=index)
    filled = np.take_along_axis(moved, index, axis=0)
    filled = np.where(np.isnan(filled), 0.0, filled)
    out = np.where(missing, np.nan, np.unwrap(filled, axis=0))
    return np.moveaxis(out, 0, axis)


class TrackingError(NamedTuple):
    """How well a decoded heading follows the true one (see :func:`tracking_error`)."""

    #: Slope of the unwrapped error against time, radians per time unit.
    drift: np.ndarray
    #: Root-mean-square of the wrapped error, radians.
    rms: np.ndarray
    #: Largest absolute wrapped error, radians.
    max_abs: np.ndarray
    #: The error itself, unwrapped over time (decoded minus true), radians.
    error: np.ndarray


def tracking_error(decoded, true, times=None, *, axis: int = 0) -> TrackingError:
    r"""Drift and RMS error of a decoded heading against the true heading.

    The error is the circular difference :math:`e_k = \operatorname{wrap}(\hat\theta_k
    - \theta_k)` (see :func:`wrap_angle`), unwrapped over time so that an error
    that grows past :math:`\pi` keeps growing.  Then

    .. math::
        \text{drift} = \frac{\sum_k (t_k - \bar t)(e_k - \bar e)}{\sum_k (t_k - \bar t)^2},
        \qquad
        \text{rms} = \sqrt{\frac{1}{K} \sum_k \operatorname{wrap}(e_k)^2} ,

    the least-squares slope of the error (a systematic rotation of the decoded
    heading, radians per time unit) and its root mean square.

    Parameters
    ----------
    decoded, true : array_like
        Headings in radians (wrapped or unwrapped), time along ``axis``;
        broadcast against each other.
    times : array_like, shape (n_times,), optional
        Sample times; default ``0, 1, 2, ...`` (drift per sample).
    axis : int
        The time axis (default 0).

    Returns
    -------
    TrackingError
        ``(drift, rms, max_abs, error)``; the first three have the time axis
        removed.  NaN samples are ignored.

    Examples
    --------
    >>> t = np.linspace(0.0, 10.0, 101)
    >>> result = tracking_error(t + 0.01 * t, t, t)   # decoded runs 1 % fast: rms = 0.01 sqrt(mean t^2)
    >>> round(float(result.drift), 10), round(float(result.rms), 4)
    (0.01, 0.0579)
    """
    decoded = np.asarray(decoded, dtype=np.float64)
    true = np.asarray(true, dtype=np.float64)
    try:
        decoded, true = np.broadcast_arrays(decoded, true)
    except ValueError:
        raise ParameterError(
            f"decoded and true must broadcast together, got shapes {decoded.shape} and {true.shape}"
        ) from None
    if decoded.ndim == 0:
        raise ParameterError("decoded and true need a time axis")
    error = unwrap_heading(wrap_angle(decoded - true), axis=axis)
    error = np.moveaxis(error, axis, 0)
    n_times = error.shape[0]
    if times is None:
        times = np.arange(n_times, dtype=np.float64)
    times = np.asarray(times, dtype=np.float64)
    if times.shape != (n_times,):
        raise ParameterError(f"times must have shape ({n_times},), one per sample, got {times.shape}")
    t = times.reshape((-1,) + (1,) * (error.ndim - 1))
    valid = ~np.isnan(error)
    count = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = np.where(valid, t, 0.0).sum(axis=0) / count
        e_mean = np.where(valid, error, 0.0).sum(axis=0) / count
        dt = np.where(valid, t - t_mean, 0.0)
        drift = (dt * np.where(valid, error - e_mean, 0.0)).sum(axis=0) / (dt**2).sum(axis=0)
        wrapped = np.where(valid, wrap_angle(np.where(valid, error, 0.0)), 0.0)
        rms = np.sqrt((wrapped**2).sum(axis=0) / count)
        max_abs = np.where(count > 0, np.abs(wrapped).max(axis=0), np.nan)
    return TrackingError(drift=drift, rms=rms, max_abs=max_abs, error=np.moveaxis(error, 0, axis))


#: CF attributes (``units``, ``long_name``; the convention xarray's plots read)
#: of the bump observables that ring models record with every state.
BUMP_ATTRS = {
    "bump_position": {"units": "rad", "long_name": "bump position (population vector)"},
    "bump_amplitude": {"units": "Hz", "long_name": "bump amplitude (max - min rate)"},
    "bump_width": {"units": "rad", "long_name": "bump width (circular standard deviation)"},
    "heading": {"units": "rad", "long_name": "heading (bump position unwrapped over time)"},
    "bump_height": {"units": "1", "long_name": "bump height (peak synaptic input)"},
}
