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
its displacement integrates the path.  :func:`~attractors.analysis.grid_spacing` measures the
pattern's period from the power spectrum, :func:`pattern_displacement` its
motion by phase correlation, and :func:`velocity_gain` the flow per unit
velocity (all in :mod:`attractors.analysis`).

References
----------
Burak & Fiete (2009), PLoS Comput. Biol. 5, e1000291.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._system import ContinuousSystem
from .._validate import ParameterError, check_integer, check_positive, describe
from ._ring_common import check_allocation, fields_state, frozen_tables, restore_fields

__all__ = ["GridCellSheet"]

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
        once the shifts are included, the largest linear gain of the uniform
        state is 0.98 (:meth:`uniform_instability`): below 1, so the uniform
        state is linearly *stable* and no pattern forms from small noise
        (measured on the 64-unit sheet: the noise's relative spread falls from
        0.58 to 2e-6 in 2 s).  The default 1.1, the value re-implementations of the model commonly use,
        has gain 1.9 and forms a clear pattern within a few hundred ms.

    Notes
    -----
    No observables are recorded per step (the state is the pattern); measure it with
    :func:`~attractors.analysis.grid_spacing`,
    :func:`~attractors.analysis.pattern_displacement` and
    :func:`~attractors.analysis.velocity_gain`.

    References
    ----------
    Burak & Fiete (2009), PLoS Comput. Biol. 5, e1000291 (Methods).

    Examples
    --------
    A hexagonal pattern forms from noise, near the predicted wavelength:

    >>> import attractors
    >>> from attractors.analysis import grid_spacing
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
        # Per unit: x, y, unit vector (2), direction letter (4 bytes); the four combined
        # spectra (complex, n (n/2 + 1) each) and the FFT temporaries (~4 n^2 complex):
        # ~18 doubles per unit, sized before anything is allocated.
        check_allocation("n_side", n, 8.0 * 18 * n * n, "the sheet's coordinates and kernels")
        rows, cols = np.divmod(np.arange(n * n), n)
        block = 2 * (rows % 2) + cols % 2  # (0, 0) N, (0, 1) E, (1, 0) W, (1, 1) S
        letters = np.array([_BLOCK[(p, q)] for p in (0, 1) for q in (0, 1)])
        direction = letters[block]
        unit_vectors = np.array([_UNIT_VECTORS[d] for d in letters])[block]
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
        # Set once, read-only: the model never changes after construction.
        object.__setattr__(self, "_fast", frozen_tables({
            "x": cols.astype(np.float64), "y": rows.astype(np.float64), "direction": direction,
            "unit_vectors": unit_vectors, "combined": np.ascontiguousarray(combined[..., :half]),
            "row_shift": (np.arange(n) + n // 2) % n, "col_shift": (np.arange(half) + n // 2) % n}))

    def __getstate__(self):
        # The fields only: derived arrays are rebuilt, read-only, on unpickling.
        return fields_state(self)

    def __setstate__(self, state):
        restore_fields(self, state)

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
        r"""Unshifted kernel :math:`W_0(\mathbf x) = a e^{-\gamma|\mathbf x|^2} - e^{-\beta|\mathbf x|^2}`
        (Burak & Fiete 2009, eq. 3).

        ``dx`` and ``dy`` in neurons; any broadcastable shapes.
        """
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
        r"""The drive :math:`B_i = A(1 + \alpha\,\hat e_{\theta_i}\cdot\mathbf v)`.

        Shape ``(..., n_units)`` for velocities of shape ``(..., 2)``.
        """
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
