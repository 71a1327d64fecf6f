r"""Measures of a grid-cell sheet's pattern: its period, its motion, its velocity gain.

For the continuous-attractor sheet of Burak & Fiete (2009),
:class:`attractors.GridCellSheet`, or any periodic ``n x n`` sheet of rates
(units row-major): :func:`grid_spacing` reads the period and orientation of a
hexagonal pattern off its power spectrum, :func:`pattern_displacement` tracks
its motion by phase correlation, and :func:`velocity_gain` measures how fast
the pattern flows per unit of velocity input.

References
----------
Burak & Fiete (2009), PLoS Comput. Biol. 5, e1000291.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._validate import ParameterError, check_finite_array, check_integer, describe

__all__ = ["GridSpacing", "grid_spacing", "pattern_displacement", "velocity_gain"]


class GridSpacing(NamedTuple):
    """The period of a sheet's pattern (:func:`grid_spacing`)."""

    #: Period of the strongest plane wave, :math:`2\pi/|k|`, in neurons.
    wavelength: float
    #: Distance between neighbouring fields of the hexagonal lattice, :math:`(2/\sqrt3)\,2\pi/|k|`.
    spacing: float
    #: The six strongest wavevectors (integer indices m, with k = 2 pi m / n), shape (6, 2).
    peaks: np.ndarray
    #: Orientation of the peaks modulo 180 degrees, sorted (degrees), shape (3,).
    orientations: np.ndarray
    #: Fraction of the pattern's power (mean removed) in the six peaks.
    power_fraction: float


def _frames(activity, n_side):
    activity = check_finite_array("activity", activity, dtype=np.float64)
    n = check_integer("n_side", n_side, minimum=2)
    if activity.shape[-1:] != (n * n,):
        raise ParameterError(
            f"activity must have n_side**2 = {n * n} units on its last axis, got shape {activity.shape}")
    return activity.reshape(activity.shape[:-1] + (n, n)), n


def _power(grid):
    centred = grid - grid.mean(axis=(-2, -1), keepdims=True)
    return np.abs(np.fft.fft2(centred)) ** 2


def grid_spacing(activity, n_side) -> GridSpacing:
    r"""Period and orientation of a sheet's pattern from the peaks of its power spectrum.

    The spectrum :math:`|\hat s(\mathbf k)|^2` of the activity (mean removed)
    has, for a hexagonal pattern, six peaks at :math:`\pm\mathbf k_{1,2,3}`,
    60 degrees apart and of equal length.  Wavevectors with both components
    at or beyond half the Nyquist frequency are ignored (there sits the
    2 x 2 tiling of the direction populations).  On an ``n x n`` torus the
    wavevectors are integer vectors :math:`\mathbf m` with
    :math:`\mathbf k = 2\pi\mathbf m / n`, so the resolution is one index:
    :math:`\lambda = n / |\mathbf m|` and the lattice spacing
    :math:`(2/\sqrt3)\lambda`, averaged over the six peaks.

    Parameters
    ----------
    activity : array_like, shape (n_side**2,)
        One frame of the sheet (a state), units row-major.
    n_side : int

    Returns
    -------
    GridSpacing
        ``wavelength``, ``spacing``, ``peaks``, ``orientations``, ``power_fraction``.

    Examples
    --------
    Three plane waves with the integer wavevectors closest to a hexagon at
    this size, :math:`\mathbf m = (6, 0), (3, 5), (-3, 5)`:

    >>> n = 48
    >>> y, x = np.divmod(np.arange(n * n), n)
    >>> waves = sum(np.cos(2 * np.pi * (mx * x + my * y) / n) for mx, my in [(6, 0), (3, 5), (-3, 5)])
    >>> found = grid_spacing(waves, n)
    >>> round(found.wavelength, 2), np.round(found.orientations, 1).tolist()
    (8.15, [0.0, 59.0, 121.0])
    """
    grid, n = _frames(activity, n_side)
    if grid.ndim != 2:
        raise ParameterError(f"grid_spacing takes one frame of shape ({n * n},), got {activity.shape}")
    power = _power(grid)
    index = np.fft.fftfreq(n, 1.0 / n)
    my, mx = np.meshgrid(index, index, indexing="ij")
    usable = (np.abs(mx) < n / 4) | (np.abs(my) < n / 4)
    usable[0, 0] = False
    order = np.argsort(np.where(usable, power, -1.0), axis=None)[::-1][:6]
    peaks = np.stack([mx.ravel()[order], my.ravel()[order]], axis=1)
    lengths = np.hypot(peaks[:, 0], peaks[:, 1])
    wavelength = float(np.mean(n / lengths))
    orientations = np.sort(np.rad2deg(np.arctan2(peaks[:, 1], peaks[:, 0])) % 180.0)
    orientations = np.unique(np.round(orientations, 9))
    total = power.sum()
    fraction = float(power.ravel()[order].sum() / total) if total > 0 else 0.0
    return GridSpacing(wavelength, 2.0 / math.sqrt(3.0) * wavelength, peaks, orientations, fraction)


def pattern_displacement(activity, n_side, *, n_peaks: int = 3):
    r"""Cumulative displacement of a sheet's pattern along a sequence of frames, by phase correlation.

    Between consecutive frames the pattern's shift :math:`\mathbf d` turns the
    phase of each Fourier component by :math:`-\mathbf k\cdot\mathbf d`
    (:math:`\hat s_{t+1}(\mathbf k) = \hat s_t(\mathbf k) e^{-i\mathbf k\cdot\mathbf d}`).
    The phase of the cross-power :math:`\hat s_{t+1}\hat s_t^*` at the
    ``n_peaks`` strongest wavevectors of the first frame gives
    :math:`\mathbf d` by least squares (sub-neuron resolution, exact for a
    rigid translation).  Frames must be close enough that
    :math:`|\mathbf k\cdot\mathbf d| < \pi`, i.e. the pattern moves less than
    half its period between them.  The wavevectors are chosen once, from the
    first frame (summed over trials), so the trials of a batch must share the
    pattern's orientation and period (as when they start from the same
    formed pattern).

    Parameters
    ----------
    activity : array_like, shape (n_frames, ..., n_side**2)
        The sheet's states over time (time first), e.g. ``run.state.values``.
    n_side : int
    n_peaks : int
        How many wavevectors (up to sign) to use; 3 for a hexagonal pattern.

    Returns
    -------
    ndarray, shape (n_frames, ..., 2)
        Displacement :math:`(d_x, d_y)` in neurons from the first frame.

    Examples
    --------
    >>> n = 32
    >>> y, x = np.divmod(np.arange(n * n), n)
    >>> frames = [np.cos(2 * np.pi * 4 * (x - 0.3 * t) / n) + np.cos(2 * np.pi * 4 * (y - 0.1 * t) / n)
    ...           for t in range(5)]
    >>> np.round(pattern_displacement(frames, n, n_peaks=2)[-1], 9).tolist()
    [1.2, 0.4]
    """
    grid, n = _frames(activity, n_side)
    if grid.ndim < 3 or grid.shape[0] < 1:
        raise ParameterError(
            f"activity must be a sequence of frames (time first), got shape {np.shape(activity)}")
    n_peaks = check_integer("n_peaks", n_peaks, minimum=2)
    spectra = np.fft.fft2(grid - grid.mean(axis=(-2, -1), keepdims=True))
    index = np.fft.fftfreq(n, 1.0 / n)
    my, mx = np.meshgrid(index, index, indexing="ij")
    # Half plane (one of each +-k pair), away from the 2 x 2 tiling frequencies.
    half = ((my > 0) | ((my == 0) & (mx > 0))) & ((np.abs(mx) < n / 4) | (np.abs(my) < n / 4))
    power = np.abs(spectra[0]) ** 2
    power = power.reshape((-1, n, n)).sum(axis=0) if power.ndim > 2 else power
    chosen = np.argsort(np.where(half, power, -1.0), axis=None)[::-1][:n_peaks]
    k = 2.0 * np.pi / n * np.stack([mx.ravel()[chosen], my.ravel()[chosen]], axis=1)  # (P, 2)
    flat = spectra.reshape(spectra.shape[:-2] + (n * n,))[..., chosen]  # (T, ..., P)
    turn = np.angle(flat[1:] * np.conj(flat[:-1]))  # -k . d per step
    solve = np.linalg.pinv(k)  # (2, P): least squares d = -pinv(k) turn
    steps = -turn @ solve.T
    zero = np.zeros((1,) + steps.shape[1:])
    return np.concatenate([zero, np.cumsum(steps, axis=0)], axis=0)


#: Relative rate of change (per time constant, :func:`attractors._settle.relative_rate`)
#: below which a sheet's pattern counts as formed and at rest.  A pattern of
#: wavelength :math:`\lambda` drifting at :math:`c` neurons/ms changes at about
#: :math:`2\pi\tau c/\lambda` of its size per :math:`\tau`; for the default sheet
#: (:math:`\lambda \approx 16`, :math:`\tau = 10` ms) 2e-4 bounds the drift left by
#: 5e-5 neurons/ms, 1 % of the flow at 0.1 m/s (0.0044 neurons/ms).  Measured on
#: the default sheets (seed 0): 3e-2 at 300 ms, below 2e-4 after ~1.1 s (n_side 64)
#: and ~2.4 s (n_side 128).
SETTLE_TOLERANCE = 2e-4


def velocity_gain(sheet, speeds, *, duration=200.0, settle=300.0, dt=0.5, direction=(1.0, 0.0),
                  seed=0, record_every=4, settle_tolerance=SETTLE_TOLERANCE, max_settle=6000.0):
    r"""Speed of the pattern's flow per unit of velocity input, by a linear fit.

    A pattern is formed from noise with no velocity input: at least
    ``settle`` ms, then on in steps of 100 ms until it is at rest, i.e. its
    relative rate of change :math:`\tau\max_i|\dot s_i|/\max_i|s_i|` is below
    ``settle_tolerance`` (:data:`SETTLE_TOLERANCE`), for at most
    ``max_settle`` ms (a :class:`RuntimeWarning` says when the bound is hit,
    and ``settled`` is False).  A pattern still forming drifts and changes
    shape, and a fit over it gives a flow per unit velocity that varies with
    the speed: on the default 64-unit sheet after a fixed 300 ms, by 16 %
    across 0.1-0.8 m/s with a drift of 16 % of the flow at 0.1 m/s; once
    settled (1.1 s), 2 % and 0.2 %.

    Then each speed :math:`v` in ``speeds`` is applied along ``direction``
    for ``duration`` ms, all speeds as one batch of trials.  The pattern's
    displacement (:func:`pattern_displacement`) is fitted by a straight line in
    time; its slope, projected on ``direction``, is the flow speed
    :math:`c(v)` (neurons/ms), and :math:`c(v) = g\,v + c_0` is fitted by least
    squares: :math:`g` is the gain, :math:`c_0` the drift without input.

    Returns
    -------
    dict
        ``gain`` (neurons per ms per (m/s)), ``drift`` (neurons/ms), ``speeds``,
        ``flow`` (projected flow speeds), ``flow_perpendicular`` (the components
        across ``direction``), ``residual`` (RMS deviation of ``flow`` from the
        line, relative to max ``|flow|``), ``settled`` (whether the pattern came
        to rest before the fit), ``settle_time`` (ms run before the fit),
        ``settle_rate`` (its relative rate of change then),
        ``settle_tolerance``, and ``pattern`` (the settled state the velocity
        runs started from, shape (n_units,): a start for path integration).

    References
    ----------
    Burak & Fiete (2009), PLoS Comput. Biol. 5, e1000291.
    """
    from .._settle import settle as run_until_settled
    from .._simulate import simulate

    speeds = check_finite_array("speeds", speeds, dtype=np.float64).ravel()
    if speeds.size < 2:
        raise ParameterError(f"speeds must hold at least two values, got {describe(speeds)}")
    direction = check_finite_array("direction", direction, dtype=np.float64)
    if direction.shape != (2,) or not np.hypot(*direction) > 0:
        raise ParameterError(f"direction must be a non-zero 2-vector, got {describe(direction)}")
    direction = direction / np.hypot(*direction)
    x0 = sheet.initial_state(np.random.default_rng(seed))
    formed = run_until_settled(sheet, x0, tolerance=settle_tolerance, min_time=settle,
                               max_time=max(max_settle, settle), check_every=100.0, dt=dt,
                               solver="euler", what="velocity_gain's fit")
    start = np.broadcast_to(formed.state, (speeds.size, sheet.n_units))
    velocity = speeds[:, None] * direction
    run = simulate(sheet, np.array(start), t_span=duration, dt=dt, solver="euler",
                   inputs=velocity, seed=seed, record_every=record_every)
    shift = pattern_displacement(run.state.values, sheet.n_side)  # (T, trials, 2)
    times = run.time.values - run.time.values[0]
    slopes = np.polyfit(times, shift.reshape(len(times), -1), 1)[0].reshape(speeds.size, 2)
    flow = slopes @ direction
    across = slopes @ np.array([-direction[1], direction[0]])
    gain, drift = np.polyfit(speeds, flow, 1)
    residual = float(np.sqrt(np.mean((flow - gain * speeds - drift) ** 2)) / np.max(np.abs(flow)))
    return {"gain": float(gain), "drift": float(drift), "speeds": speeds, "flow": flow,
            "flow_perpendicular": across, "residual": residual, "settled": bool(formed.settled),
            "settle_time": float(formed.settle_time), "settle_rate": float(formed.rate),
            "settle_tolerance": float(settle_tolerance), "pattern": formed.state}
