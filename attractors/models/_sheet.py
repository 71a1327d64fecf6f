r"""A continuous-attractor sheet of grid cells (Burak & Fiete 2009), and measures of its pattern.

A periodic ``n x n`` sheet of rate units.  Each unit has a preferred direction
:math:`\hat e_{\theta_i} \in \{N, E, W, S\}`, tiled in 2 x 2 blocks, and its
outgoing weights are the centre-surround kernel shifted by :math:`l` along that
direction (Burak & Fiete 2009, eqs. 1-3):

.. math::

    \tau \frac{ds_i}{dt} = -s_i + f\Big(\sum_j W_{ij} s_j + B_i\Big), \qquad
    W_{ij} = W_0(\mathbf x_i - \mathbf x_j - l\,\hat e_{\theta_j}), \qquad
    B_i = A\,(1 + \alpha\, \hat e_{\theta_i} \cdot \mathbf v),

    W_0(\mathbf x) = a\, e^{-\gamma |\mathbf x|^2} - e^{-\beta |\mathbf x|^2},

with :math:`f(x) = \max(x, 0)`, distances taken on the torus, and the animal's
velocity :math:`\mathbf v` (m/s) as the input.  From noise the sheet forms a
hexagonal pattern with a period set by :math:`\lambda_{net}`
(:math:`\beta = 3/\lambda_{net}^2`, :math:`\gamma = 1.05\beta` in the paper; see
``gamma_ratio``), near the fastest-growing wavelength of the uniform state
(:meth:`GridCellSheet.uniform_instability`, 1.25-1.3 :math:`\lambda_{net}`); a velocity
input makes the pattern flow at a speed proportional to :math:`|\mathbf v|`, so
its displacement integrates the path.  :func:`grid_spacing` measures the
pattern's period from the power spectrum, :func:`pattern_displacement` its
motion by phase correlation, and :func:`velocity_gain` the flow per unit
velocity.

References
----------
Burak & Fiete (2009), PLoS Comput. Biol. 5, e1000291.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._system import ContinuousSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe

__all__ = ["GridCellSheet", "GridSpacing", "grid_spacing", "pattern_displacement",
           "velocity_gain"]

#: Preferred directions of the 2 x 2 block, indexed by (row % 2, column % 2).
_BLOCK = {(0, 0): "N", (0, 1): "E", (1, 0): "W", (1, 1): "S"}
_UNIT_VECTORS = {"N": (0.0, 1.0), "E": (1.0, 0.0), "W": (-1.0, 0.0), "S": (0.0, -1.0)}


@dataclass(frozen=True, repr=False, eq=False)
class GridCellSheet(ContinuousSystem):
    r"""The periodic grid-cell network of Burak & Fiete (2009).

    .. math::

        \tau \frac{ds_i}{dt} = -s_i + \Big[\sum_j W_0(\mathbf x_i - \mathbf x_j
            - l\,\hat e_{\theta_j})\, s_j + A\,(1 + \alpha\,\hat e_{\theta_i}\cdot\mathbf v)\Big]_+ ,
        \qquad W_0(\mathbf x) = a\,e^{-\gamma|\mathbf x|^2} - e^{-\beta|\mathbf x|^2}.

    Units sit on an ``n_side x n_side`` torus, numbered row-major: unit
    ``i * n_side + j`` is at :math:`(x, y) = (j, i)` (in units of the
    neuron spacing), with preferred direction N, E, W or S by its place in its
    2 x 2 block.  The recurrent input is four FFT convolutions on the torus
    (one per direction population, all four from one transform of the sheet),
    :math:`O(n^2 \log n)` per step.  The input
    is the velocity :math:`\mathbf v = (v_x, v_y)` in m/s, shape ``(2,)`` (or
    one per trial); time is in ms.

    Parameters
    ----------
    n_side : int
        Units per side (even, >= 8); Burak & Fiete use 128.
    tau : float
        Time constant in ms (10).
    wavelength : float
        :math:`\lambda_{net}`, setting :math:`\beta = 3/\lambda_{net}^2` (13 neurons).
    a : float
        Amplitude of the narrow Gaussian (1: purely inhibitory coupling).
    shift : float
        :math:`l`, the shift of each unit's outgoing weights along its
        preferred direction, in neurons (2).
    alpha : float
        Velocity gain of the drive, s/m (0.10315).
    drive : float
        :math:`A`, the uniform feed-forward drive (1).
    gamma_ratio : float
        :math:`\gamma / \beta` (> 1).  Burak & Fiete's Methods give 1.05; there,
        once the shifts are included, the uniform state is only marginally
        unstable (largest linear gain 0.98-1.0, :meth:`uniform_instability`)
        and the pattern forms slowly and weakly.  The default 1.1, the value
        re-implementations of the model commonly use, has gain 1.9 and forms a
        clear pattern within a few hundred ms.

    Observables
    -----------
    None recorded per step (the state is the pattern); measure it with
    :func:`grid_spacing`, :func:`pattern_displacement` and :func:`velocity_gain`.

    References
    ----------
    Burak & Fiete (2009), PLoS Comput. Biol. 5, e1000291 (Methods).

    Examples
    --------
    A hexagonal pattern forms from noise, near the predicted wavelength:

    >>> import attractors
    >>> sheet = GridCellSheet(n_side=48)
    >>> run = attractors.simulate(sheet, t_span=400.0, dt=0.5, solver="euler", seed=1,
    ...                           record_every=800)
    >>> round(sheet.uniform_instability()[0], 1)
    16.6
    >>> round(grid_spacing(run.state[-1].values, 48).wavelength, 1)
    15.8
    """

    n_side: int = 128
    tau: float = 10.0
    wavelength: float = 13.0
    a: float = 1.0
    shift: float = 2.0
    alpha: float = 0.10315
    drive: float = 1.0
    gamma_ratio: float = 1.1

    time_unit = "ms"

    def __post_init__(self):
        n = check_integer("n_side", self.n_side, minimum=8)
        if n % 2:
            raise ParameterError(
                f"n_side must be even (the four directions tile 2 x 2 blocks), got {n}")
        object.__setattr__(self, "n_side", n)
        if not (isinstance(self.gamma_ratio, (int, float)) and self.gamma_ratio > 1
                and math.isfinite(self.gamma_ratio)):
            raise ParameterError(f"gamma_ratio must be a finite number > 1, got {describe(self.gamma_ratio)}")
        for name in ("tau", "wavelength", "a", "drive", "gamma_ratio"):
            object.__setattr__(self, name, check_positive(name, getattr(self, name)))
        for name in ("shift", "alpha"):
            object.__setattr__(self, name, check_positive(name, getattr(self, name), allow_zero=True))
        if self.wavelength > n / 2:
            raise ParameterError(
                f"wavelength must be at most n_side / 2 = {n / 2:g} neurons for a pattern to fit "
                f"on the sheet, got {self.wavelength!r}")
        if self.shift >= n / 4:
            raise ParameterError(f"shift must be below n_side / 4 = {n / 4:g}, got {self.shift!r}")
        rows, cols = np.divmod(np.arange(n * n), n)
        direction = np.array([_BLOCK[(r % 2, c % 2)] for r, c in zip(rows, cols)])
        unit_vectors = np.array([_UNIT_VECTORS[d] for d in direction])
        masks = np.stack([(direction == d).reshape(n, n) for d in "NEWS"]).astype(np.float64)
        offsets = np.arange(n)
        offsets = np.where(offsets > n // 2, offsets - n, offsets).astype(np.float64)
        dy, dx = np.meshgrid(offsets, offsets, indexing="ij")
        # The four populations sit on the four sub-lattices (row % 2, col % 2) = (p, q),
        # whose masks are (1 + (-1)^p (-1)^row)(1 + (-1)^q (-1)^col) / 4.  Multiplying by
        # (-1)^row shifts the spectrum by n/2 rows, so one FFT of the whole sheet gives
        # the four masked spectra, and the recurrent input is
        #   F^-1[ G0 S + Gr S(ky + n/2) + Gc S(kx + n/2) + Grc S(ky + n/2, kx + n/2) ]
        # with G the sign-weighted sums of the four shifted kernels' spectra / 4.
        combined = np.zeros((4, n, n), dtype=np.complex128)
        for (p, q), d in _BLOCK.items():
            ex, ey = _UNIT_VECTORS[d]
            spectrum = np.fft.fft2(self.kernel(dx - self.shift * ex, dy - self.shift * ey)) / 4
            for index, sign in enumerate((1, (-1) ** p, (-1) ** q, (-1) ** (p + q))):
                combined[index] += sign * spectrum
        half = n // 2 + 1
        object.__setattr__(self, "_fast", {
            "x": cols.astype(np.float64), "y": rows.astype(np.float64), "direction": direction,
            "unit_vectors": unit_vectors, "combined": np.ascontiguousarray(combined[..., :half]),
            "row_shift": (np.arange(n) + n // 2) % n, "col_shift": (np.arange(half) + n // 2) % n})

    @property
    def n_units(self) -> int:
        return self.n_side**2

    @property
    def beta(self) -> float:
        r""":math:`\beta = 3 / \lambda_{net}^2`."""
        return 3.0 / self.wavelength**2

    @property
    def gamma(self) -> float:
        r""":math:`\gamma = (\gamma/\beta)\,\beta` (``gamma_ratio`` times beta)."""
        return self.gamma_ratio * self.beta

    def uniform_instability(self):
        r"""Wavelength and linear gain of the fastest-growing pattern of the uniform state.

        Linearising about the uniform active state, a plane wave of
        wavevector :math:`\mathbf k` grows when its gain

        .. math::

            G(\mathbf k) = \hat W_0(k)\, \tfrac14 \sum_\theta
                \cos(l\,\mathbf k\cdot\hat e_\theta), \qquad
            \hat W_0(k) = \frac{\pi a}{\gamma} e^{-k^2/(4\gamma)} - \frac{\pi}{\beta} e^{-k^2/(4\beta)},

        exceeds 1 (the shifted kernels of the four populations average to the
        cosine factor; continuum approximation of the lattice sums).  The
        pattern that forms from noise has a wavelength near
        :math:`2\pi/k^*` of the maximum (averaged over the axis and diagonal
        directions, which differ by a few per cent).

        Returns
        -------
        (float, float)
            The wavelength :math:`2\pi/k^*` in neurons and the gain :math:`G(k^*)`.
        """
        k = np.linspace(1e-3, 4.0 * math.sqrt(self.gamma), 20001)
        w0 = (math.pi * self.a / self.gamma * np.exp(-k**2 / (4 * self.gamma))
              - math.pi / self.beta * np.exp(-k**2 / (4 * self.beta)))
        wavelengths, gains = [], []
        for angle in (0.0, math.pi / 4):
            kx, ky = k * math.cos(angle), k * math.sin(angle)
            gain = w0 * (np.cos(self.shift * kx) + np.cos(self.shift * ky)) / 2
            best = int(np.argmax(gain))
            wavelengths.append(2 * math.pi / k[best])
            gains.append(gain[best])
        return float(np.mean(wavelengths)), float(np.max(gains))

    def kernel(self, dx, dy):
        r"""The unshifted kernel :math:`W_0(\mathbf x) = a e^{-\gamma|\mathbf x|^2} - e^{-\beta|\mathbf x|^2}`."""
        distance2 = np.asarray(dx, dtype=np.float64) ** 2 + np.asarray(dy, dtype=np.float64) ** 2
        return self.a * np.exp(-self.gamma * distance2) - np.exp(-self.beta * distance2)

    @property
    def preferred_direction(self) -> np.ndarray:
        """Each unit's preferred direction, ``"N"``, ``"E"``, ``"W"`` or ``"S"``, shape (n_units,)."""
        return self._fast["direction"]

    @property
    def coords(self):
        fast = self._fast
        return {"x": ("unit", fast["x"]), "y": ("unit", fast["y"]),
                "direction": ("unit", fast["direction"])}

    @property
    def input_shape(self):
        return (2,)

    @property
    def input_dims(self):
        return ("velocity_component",)

    def feedforward(self, velocity=None):
        r"""The drive :math:`B_i = A(1 + \alpha\,\hat e_{\theta_i}\cdot\mathbf v)`, shape ``(..., n_units)``."""
        if velocity is None:
            return np.full(self.n_units, self.drive)
        velocity = np.asarray(velocity, dtype=np.float64)
        return self.drive * (1.0 + self.alpha * (velocity @ self._fast["unit_vectors"].T))

    def recurrent_input(self, s):
        r""":math:`\sum_j W_{ij} s_j`, by FFT on the torus (one forward, one inverse transform)."""
        s = np.asarray(s, dtype=np.float64)
        fast = self._fast
        n = self.n_side
        half = n // 2 + 1
        spectrum = np.fft.fft2(s.reshape(s.shape[:-1] + (n, n)))
        rows, cols = fast["row_shift"], fast["col_shift"]
        shifted_rows = spectrum[..., rows, :]
        g0, g_row, g_col, g_both = fast["combined"]
        total = g0 * spectrum[..., :half]
        total += g_row * shifted_rows[..., :half]
        total += g_col * spectrum[..., cols]
        total += g_both * shifted_rows[..., cols]
        return np.fft.irfft2(total, s=(n, n)).reshape(s.shape)

    def vector_field(self, t, x, inputs=None):
        total = self.recurrent_input(x) + self.feedforward(inputs)
        return (np.maximum(total, 0.0) - x) / self.tau

    def leak_rate(self):
        return 1.0 / self.tau

    def energy(self, x, inputs=None):
        raise NotImplementedError(
            "GridCellSheet has no Lyapunov function: its shifted weights are asymmetric")

    def initial_state(self, rng, n_trials=None):
        """Small independent uniform noise, s in [0, 0.01): the pattern forms from it."""
        return 0.01 * rng.uniform(0.0, 1.0, self._batch_shape(n_trials))


# --------------------------------------------------------------------------- measures


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
    half its period between them.

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
        raise ParameterError(f"activity must be a sequence of frames (time first), got shape {np.shape(activity)}")
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


def velocity_gain(sheet, speeds, *, duration=200.0, settle=300.0, dt=0.5, direction=(1.0, 0.0),
                  seed=0, record_every=4):
    r"""Speed of the pattern's flow per unit of velocity input, by a linear fit.

    A pattern is formed from noise (``settle`` ms with no velocity input),
    then each speed :math:`v` in ``speeds`` is applied along ``direction`` for
    ``duration`` ms, all speeds as one batch of trials.  The pattern's
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
        line, relative to max ``|flow|``).
    """
    import attractors

    speeds = check_finite_array("speeds", speeds, dtype=np.float64).ravel()
    if speeds.size < 2:
        raise ParameterError(f"speeds must hold at least two values, got {describe(speeds)}")
    direction = check_finite_array("direction", direction, dtype=np.float64)
    if direction.shape != (2,) or not np.hypot(*direction) > 0:
        raise ParameterError(f"direction must be a non-zero 2-vector, got {describe(direction)}")
    direction = direction / np.hypot(*direction)
    formed = attractors.simulate(sheet, t_span=settle, dt=dt, solver="euler", seed=seed,
                                 record_every=max(1, int(round(settle / dt))))
    start = np.broadcast_to(formed.state.values[-1], (speeds.size, sheet.n_units))
    velocity = speeds[:, None] * direction
    run = attractors.simulate(sheet, np.array(start), t_span=duration, dt=dt, solver="euler",
                              inputs=velocity, seed=seed, record_every=record_every)
    shift = pattern_displacement(run.state.values, sheet.n_side)  # (T, trials, 2)
    times = run.time.values - run.time.values[0]
    slopes = np.polyfit(times, shift.reshape(len(times), -1), 1)[0].reshape(speeds.size, 2)
    flow = slopes @ direction
    across = slopes @ np.array([-direction[1], direction[0]])
    gain, drift = np.polyfit(speeds, flow, 1)
    residual = float(np.sqrt(np.mean((flow - gain * speeds - drift) ** 2)) / np.max(np.abs(flow)))
    return {"gain": float(gain), "drift": float(drift), "speeds": speeds, "flow": flow,
            "flow_perpendicular": across, "residual": residual}
