r"""Continuous attractor neural networks (CANNs) with divisive normalisation, in 1-D and 2-D.

The model of Wu, Hamaguchi & Amari (2008) and Fung, Wong & Wu (2010): a
population of units with preferred stimuli :math:`x` covering a periodic
feature space (the ring :math:`(-\pi, \pi]`, or the torus
:math:`(-\pi, \pi]^2`) with density :math:`\rho`,

.. math::

    \tau \frac{\partial u(x, t)}{\partial t} = -u(x, t)
        + \rho \int J(x, x')\, r(x', t)\, dx' + I^{ext}(x, t), \qquad
    r(x, t) = \frac{u_+(x, t)^2}{1 + k \rho \int u_+(x', t)^2\, dx'},

with Gaussian connectivity
:math:`J(x, x') = J_0 (2\pi a^2)^{-D/2} \exp(-|x - x'|^2 / (2a^2))`, wrapped on
the ring or torus (summed over periodic images, so that it is smooth there), and
:math:`u_+ = \max(u, 0)`.  For
:math:`k < k_c` it holds a continuous family of stationary bumps

.. math::

    u(x) = u_0\, e^{-|x - z|^2 / (4a^2)}, \qquad r(x) = r_0\, e^{-|x - z|^2 / (2a^2)},

(:func:`~attractors.analysis.cann_bump_theory`), and a Gaussian stimulus
:math:`I^{ext} = A\, e^{-|x - z_0(t)|^2 / (4a^2)}` moves the bump, which
follows a moving stimulus with a lag (:func:`~attractors.analysis.cann_tracking_lag`).

The recurrent input is a circular convolution.  It is computed from the
kernel's Fourier modes above round-off (``method="modes"``, exact to round-off
and cheapest for smooth kernels), the dense matrix (``"dense"``) or the FFT
(``"fft"``); ``"auto"`` picks the cheapest.  With numba installed, the 1-D
field is one compiled pass per step (``backend="numba"``); the numpy backend
gives the same numbers to round-off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._bump import BUMP_ATTRS, wrap_angle
from .._cann_closed_form import (  # noqa: F401  (re-exported for convenience)
    CANNBump,
    cann_bump_theory,
    cann_driven_height,
    cann_tracking_lag,
)
from .._system import ContinuousSystem
from .._validate import ParameterError, check_choice, check_integer, check_positive, describe
from ._cann_kernels import (
    BLAS_TRIALS,
    fourier_modes,
    half_tables,
    numba_kernels,
    ring_distance,
    ring_kernel,
    wrapped_gaussian,
)
from ._ring_common import check_allocation, fields_state, frozen_tables, restore_fields

__all__ = ["CANN1D", "CANN2D"]


# --------------------------------------------------------------------------- models


def _population_vector(activity, angles):
    r"""Bump position :math:`\arg \sum_i a_i e^{i\theta_i}` in :math:`(-\pi, \pi]`; NaN when flat.

    The same estimate as :func:`attractors.analysis.bump_position`, computed
    with one real matrix product (a whole record of 10,000 states in ~2 ms
    rather than ~100 ms for the complex product).
    """
    projection = activity @ np.stack([np.cos(angles), np.sin(angles)], axis=1)
    length = np.hypot(projection[..., 0], projection[..., 1])
    flat = length <= 1e-12 * np.maximum(np.abs(activity).sum(axis=-1), 1e-300)
    return np.where(flat, np.nan, wrap_angle(np.arctan2(projection[..., 1], projection[..., 0])))


def _auto_method(n, n_modes, compiled):
    """The fastest recurrent method for one trial, from measurements (see CANN1D)."""
    if compiled:  # the fused kernel costs ~K N / 2; the FFT ~N log N plus ~20 us of calls
        return "modes" if n_modes * n <= 250_000 else "fft"
    if 4 * n_modes <= n and n_modes * n <= 150_000:
        return "modes"
    return "dense" if n <= 256 else "fft"


def _check_model(model, shape_name, shape_value, minimum):
    check_integer(shape_name, shape_value, minimum=minimum)
    for name in ("tau", "k", "a", "J0"):
        object.__setattr__(model, name, check_positive(name, getattr(model, name)))
    check_choice("method", model.method, model._METHODS)
    check_choice("backend", model.backend, model._BACKENDS)
    if model.a > math.pi:
        raise ParameterError(
            f"a must be at most pi (the half-circumference of the feature space), got {model.a!r}")


class _CANN(ContinuousSystem):
    """What CANN1D and CANN2D share: theory, stimuli, rates, leak."""

    time_unit = "tau"
    dim: int

    @property
    def rho(self) -> float:
        r"""Density of units in feature space, :math:`\rho = N / (2\pi)^D`."""
        return self.n_units / (2.0 * math.pi) ** self.dim

    def theory(self) -> CANNBump:
        """The analytic stationary bump at this model's parameters (:func:`~attractors.analysis.cann_bump_theory`)."""
        return cann_bump_theory(self.k, a=self.a, J0=self.J0, rho=self.rho, dim=self.dim)

    @property
    def critical_inhibition(self) -> float:
        r"""The critical inhibition :math:`k_c` above which no bump exists."""
        return self.theory().k_c

    def bump_profile(self, position):
        r"""The analytic stationary bump centred at ``position``, on this model's grid.

        :math:`u_0 \sum_{\mathbf n} e^{-|\mathbf x - \mathbf z + 2\pi\mathbf n|^2/(4a^2)}`:
        the closed form of :func:`~attractors.analysis.cann_bump_theory` wrapped on the ring or torus.
        On the finite grid it is the exact stationary state up to the overlap
        of neighbouring images in the normalisation and the rates, relative
        :math:`2 e^{-\pi^2/(2a^2)}` (5e-9 at a = 0.5).  Zero where no bump exists.
        """
        position = np.asarray(position, dtype=np.float64)
        offsets = self._offsets(position)
        profile = np.ones(offsets[0].shape)
        for d in offsets:
            profile = profile * wrapped_gaussian(d, math.sqrt(2.0) * self.a)
        return self.theory().u0 * profile

    def firing_rate(self, u):
        r"""Firing rates :math:`r = u_+^2 / (1 + k\rho\int u_+^2 dx)`, same shape as ``u``."""
        u = np.asarray(u, dtype=np.float64)
        squared = np.square(np.maximum(u, 0.0))
        # k rho * integral of u_+^2 is k * sum over units, since rho dx = 1 on the grid.
        return squared / (1.0 + self.k * np.sum(squared, axis=-1, keepdims=True))

    def leak_rate(self):
        return 1.0 / self.tau

    def __getstate__(self):
        # The fields only: derived arrays are rebuilt, read-only, on unpickling.
        return fields_state(self)

    def __setstate__(self, state):
        restore_fields(self, state)

    @property
    def observable_attrs(self):
        """CF attributes (``units``, ``long_name``) of ``bump_position`` and ``bump_height``."""
        return {name: BUMP_ATTRS[name] for name in ("bump_position", "bump_height")}

    def jacobian(self, t, x, inputs=None):
        r"""Analytic Jacobian of the field, shape ``(..., N, N)``.

        With :math:`u_+ = \max(u, 0)`, :math:`B = 1 + k \sum_j u_{+j}^2` and
        :math:`r = u_+^2 / B`,

        .. math::

            \frac{\partial r_j}{\partial u_l} = \frac{2 u_{+j}}{B}\,\delta_{jl}
                - \frac{2k}{B^2}\, u_{+j}^2\, u_{+l}, \qquad
            \frac{\partial \dot u_i}{\partial u_l} = \frac{1}{\tau}\Big(
                J_{il}\,\frac{2u_{+l}}{B} - \frac{2k}{B^2} (J u_+^2)_i\, u_{+l}
                - \delta_{il}\Big).

        The input does not enter.  (At :math:`u_l = 0` exactly, the one-sided
        derivatives agree: both are 0.)
        """
        u = np.asarray(x, dtype=np.float64)
        positive = np.maximum(u, 0.0)
        squared = positive * positive
        b = 1.0 + self.k * squared.sum(axis=-1, keepdims=True)
        # J itself (symmetric), from the field's own product; built per call (an
        # N x N matrix, like the result) rather than kept: the model never changes.
        matrix = self.recurrent_input(np.eye(self.n_units))
        jac = matrix * (2.0 * positive / b)[..., None, :]
        jac -= ((2.0 * self.k / b**2) * self.recurrent_input(squared))[..., :, None] * positive[..., None, :]
        diagonal = np.arange(self.n_units)
        jac[..., diagonal, diagonal] -= 1.0
        return jac / self.tau

    def energy(self, x, inputs=None):
        raise NotImplementedError(
            f"{self.name} has no known Lyapunov function: the global divisive normalisation "
            "takes the rates out of the Cohen-Grossberg (Hopfield) form, so no energy is recorded")

    def initial_state(self, rng, n_trials=None):
        """Independent uniform noise on [0, u0) per unit (u0: the stable bump's height)."""
        height = self.theory().u0 or 1.0
        return height * rng.uniform(0.0, 1.0, self._batch_shape(n_trials))


@dataclass(frozen=True, repr=False, eq=False)
class CANN1D(_CANN):
    r"""A continuous attractor neural network on a ring (Wu, Hamaguchi & Amari 2008).

    .. math::

        \tau \frac{du_i}{dt} = -u_i + \sum_j J(x_i - x_j)\, r_j + I^{ext}_i, \qquad
        r_i = \frac{u_{i+}^2}{1 + k \sum_j u_{j+}^2}, \qquad
        J(d) = \frac{J_0}{\sqrt{2\pi}\, a} \sum_{n} e^{-(d + 2\pi n)^2/(2a^2)},

    the discretisation of the continuum model (module docstring) on the grid
    :math:`x_i = -\pi + 2\pi i / N` with density :math:`\rho = N/(2\pi)`, so
    that :math:`\rho\,dx = 1` (the convention of brainpy's and canns's
    ``CANN1D``; :math:`k_c` grows with N).  The kernel is the Gaussian wrapped on
    the ring (a sum over periodic images); brainpy and canns take the Gaussian
    of the shortest distance, which differs by less than
    :math:`e^{-\pi^2/(2a^2)}` of the peak (3e-9 at a = 0.5) but has a kink at
    the antipode.  The state is :math:`u`; firing
    rates are :meth:`firing_rate`.  The analytic bump is :meth:`theory`.

    Parameters
    ----------
    n_units : int
        Number of units on the ring (>= 8).
    tau : float
        Time constant; time is measured in units of ``tau`` only if tau = 1.
    k : float
        Global inhibition (> 0); a bump exists for ``k < critical_inhibition``.
    a : float
        Range of the excitatory connections, in radians (0 < a <= pi).
    J0 : float
        Connection strength.
    method : {"auto", "modes", "dense", "fft"}
        How the recurrent input is computed: from the kernel's Fourier modes
        above round-off (exact to round-off), by the dense matrix product, or
        by the FFT; ``"auto"`` takes the fastest as measured for one trial
        (``benchmarks/bench_cann.py --crossover``): compiled, the K modes
        when K N <= 250,000, else the FFT; with numpy, the modes when
        4 K <= N and K N <= 150,000, else the dense product up to 256 units,
        else the FFT.
    backend : {"auto", "numba", "numpy"}
        ``"numba"`` runs the field as one compiled pass (numba required);
        ``"auto"`` uses it when numba is installed and the method is not FFT.

    Notes
    -----
    Recorded with every state: ``bump_position`` (population vector of
    :math:`u_+` on the ring, radians) and ``bump_height`` (:math:`\max_i u_i`).

    References
    ----------
    Wu, Hamaguchi & Amari (2008), Neural Comput. 20, 994-1025.
    Fung, Wong & Wu (2010), Neural Comput. 22, 752-792.

    Examples
    --------
    A bump held by a stimulus, then released, keeps the analytic height:

    >>> import attractors
    >>> cann = CANN1D(n_units=128)
    >>> run = attractors.simulate(cann, cann.theory().u0 * cann.stimulus(0.0) * 0.8,
    ...                           t_span=40.0, dt=0.1, seed=0)
    >>> round(float(run.bump_height[-1]) / cann.theory().u0, 6)
    1.0
    """

    n_units: int = 256
    tau: float = 1.0
    k: float = 8.1
    a: float = 0.5
    J0: float = 4.0
    method: str = "auto"
    backend: str = "auto"

    dim = 1
    _METHODS = ("auto", "modes", "dense", "fft")
    _BACKENDS = ("auto", "numba", "numpy")

    def __post_init__(self):
        _check_model(self, "n_units", self.n_units, 8)
        object.__setattr__(self, "n_units", int(self.n_units))
        n = self.n_units
        # The kernel, its spectrum and grids (~12 N), the three mode tables
        # (<= 3 x 2 K N, K <= 64 modes for a >= 2 pi / N), and the dense N x N
        # matrix twice when it is used: sized before anything is allocated.
        modes = min(n, 2 * 64 + 1)
        dense = 2 * n * n if self.method == "dense" or (self.method == "auto" and n <= 256) else 0
        check_allocation("n_units", n, 8.0 * (12 * n + 3 * modes * n + dense), "the CANN's kernels")
        kernel = ring_kernel(n, self.a, self.J0)
        basis, weights, modes_kept = fourier_modes(kernel)
        method = check_choice("method", self.method, self._METHODS)
        backend = check_choice("backend", self.backend, self._BACKENDS)
        if method == "auto":
            method = _auto_method(n, basis.shape[0], backend != "numpy" and numba_kernels())
        kernels = None
        if backend == "numba" and method == "fft":
            raise ParameterError(
                "backend='numba' has no FFT kernel; use method='modes' or 'dense' with it, "
                "or backend='auto'")
        if backend != "numpy" and method != "fft":
            kernels = numba_kernels()
            if kernels is None and backend == "numba":
                raise ParameterError("backend='numba' needs numba installed (pip install numba)")
        index = np.arange(n)
        # The dense matrix only where it is used (it is N^2: 128 MB at N = 4096).
        matrix = kernel[(index[:, None] - index[None, :]) % n] if method == "dense" else None
        fast = {
            "kernel": kernel, "matrix": matrix, "method": method,
            "basis": basis, "basis_t": np.ascontiguousarray(basis.T), "weights": weights,
            "basis_w": np.ascontiguousarray(weights[:, None] * basis),
            "half_tables": half_tables(kernel, modes_kept),
            "matrix_t": None if matrix is None else np.ascontiguousarray(matrix.T),
            "kernel_fft": np.fft.rfft(kernel), "kernels": kernels,
            "k_norm": self.k, "inv_tau": 1.0 / self.tau, "no_drive": np.zeros((1, n)),
            "x": -np.pi + 2.0 * np.pi * index / n,
        }
        fast["cos_sin"] = (np.cos(fast["x"]), np.sin(fast["x"]))
        object.__setattr__(self, "_fast", frozen_tables(fast))

    # -- structure -------------------------------------------------------------

    @property
    def x(self) -> np.ndarray:
        r"""Preferred stimuli :math:`x_i = -\pi + 2\pi i/N` (radians)."""
        return self._fast["x"]

    @property
    def weights(self) -> np.ndarray:
        r"""The dense connection matrix :math:`J_{ij} = J(x_i - x_j)` (times :math:`\rho\,dx = 1`)."""
        if self._fast["matrix"] is not None:
            return self._fast["matrix"]
        # Built per call where the dense product is not used (N^2; never kept).
        index = np.arange(self.n_units)
        return self._fast["kernel"][(index[:, None] - index[None, :]) % self.n_units]

    @property
    def recurrent_method(self) -> str:
        """The method ``"auto"`` resolved to (``"modes"``, ``"dense"`` or ``"fft"``)."""
        return self._fast["method"]

    @property
    def coords(self):
        return {"x": ("unit", self.x)}

    def _offsets(self, position):
        return (ring_distance(self.x - position[..., None]),)

    def stimulus(self, position, amplitude=1.0):
        r"""A Gaussian stimulus :math:`I_i = A e^{-d(x_i, z)^2/(4a^2)}` centred at ``position``.

        The shape of the stationary bump (Wu, Hamaguchi & Amari 2008; the
        stimulus of brainpy's and canns's examples), :math:`d` the distance
        around the ring.

        Parameters
        ----------
        position : float or array_like
            Centre :math:`z` (radians); an array gives one stimulus per entry.
        amplitude : float or array_like
            :math:`A`.

        Returns
        -------
        ndarray, shape ``broadcast(position, amplitude).shape + (n_units,)``

        Examples
        --------
        >>> cann = CANN1D(n_units=8, a=0.5)
        >>> float(cann.stimulus(0.0, 2.0)[4])  # the unit at x = 0
        2.0
        """
        position = np.asarray(position, dtype=np.float64)[..., None]
        amplitude = np.asarray(amplitude, dtype=np.float64)[..., None]
        if not (np.all(np.isfinite(position)) and np.all(np.isfinite(amplitude))):
            raise ParameterError("stimulus position and amplitude must be finite")
        distance = ring_distance(self.x - position)
        return amplitude * np.exp(-0.25 * (distance / self.a) ** 2)

    def moving_stimulus(self, amplitude, speed, start=0.0):
        r"""A stimulus moving at constant speed, :math:`z_0(t) = z_{start} + v t`, to pass as ``inputs=``.

        Parameters
        ----------
        amplitude : float
            :math:`A` (>= 0).
        speed : float or array_like, shape (n_trials,)
            :math:`v` in radians per unit of time; an array gives one stimulus
            per trial.
        start : float or array_like
            :math:`z_{start}`.

        Returns
        -------
        callable
            ``u(t)``: :meth:`stimulus` at :math:`z_0(t)`, shape ``(n_units,)``
            or ``(n_trials, n_units)``.  Its attribute ``position(t)`` gives
            :math:`z_0(t)`, unwrapped (broadcasting ``t`` against ``speed``).

        Examples
        --------
        >>> cann = CANN1D(n_units=64)
        >>> moving = cann.moving_stimulus(0.1, [0.01, -0.02])
        >>> moving(10.0).shape, moving.position(10.0).tolist()
        ((2, 64), [0.1, -0.2])
        """
        amplitude = check_positive("amplitude", amplitude, allow_zero=True)
        speed = np.asarray(speed, dtype=np.float64)
        start = np.asarray(start, dtype=np.float64)
        if not (np.all(np.isfinite(speed)) and np.all(np.isfinite(start))):
            raise ParameterError(f"speed and start must be finite, got {describe(speed)}, {describe(start)}")
        stimulus = self.stimulus

        def moving(t):
            return stimulus(start + speed * t, amplitude)

        moving.position = lambda t: start + speed * np.asarray(t, dtype=np.float64)
        moving.__name__ = f"moving_stimulus(amplitude={amplitude:g}, speed={speed.tolist()})"
        return moving

    # -- dynamics --------------------------------------------------------------

    def recurrent_input(self, rates):
        r"""The recurrent input :math:`\sum_j J(x_i - x_j) r_j`, shape of ``rates``."""
        fast = self._fast
        rates = np.asarray(rates, dtype=np.float64)
        method = fast["method"]
        if method == "modes":
            return (rates @ fast["basis_t"]) @ fast["basis_w"]
        if method == "dense":
            return rates @ fast["matrix_t"]
        return np.fft.irfft(np.fft.rfft(rates, axis=-1) * fast["kernel_fft"], n=self.n_units, axis=-1)

    def vector_field(self, t, x, inputs=None):
        fast = self._fast
        kernels = fast["kernels"]
        if kernels is not None:
            if x.ndim == 1 and fast["method"] == "modes" and (
                    inputs is None or inputs.shape == x.shape):
                return kernels[3](x, fast["no_drive"][0] if inputs is None else inputs,
                                  *fast["half_tables"], fast["k_norm"], fast["inv_tau"])
            u = x if x.ndim == 2 else x.reshape(-1, self.n_units)
            if inputs is None:
                drive = fast["no_drive"]
            elif inputs.shape == (self.n_units,):
                drive = inputs.reshape(1, self.n_units)
            else:  # per-trial or other broadcastable inputs: give the kernel full rows
                drive = np.ascontiguousarray(np.broadcast_to(
                    np.asarray(inputs, dtype=np.float64), x.shape).reshape(u.shape))
            if fast["method"] == "dense":
                out = kernels[2](u, drive, fast["matrix_t"], fast["k_norm"], fast["inv_tau"])
            elif u.shape[0] < BLAS_TRIALS:  # few trials: one fused pass each
                out = kernels[0](u, drive, *fast["half_tables"], fast["k_norm"], fast["inv_tau"])
            else:  # many: two BLAS products
                out = kernels[1](u, drive, fast["basis_t"], fast["basis_w"], fast["k_norm"],
                                 fast["inv_tau"])
            return out.reshape(x.shape)
        rates = self.firing_rate(x)
        du = self.recurrent_input(rates) - x
        if inputs is not None:
            du = du + inputs
        return du / self.tau

    def observables(self, x):
        kernels = self._fast["kernels"]
        if kernels is not None:  # one compiled pass over the record
            flat = np.ascontiguousarray(x, dtype=np.float64).reshape(-1, self.n_units)
            position, height = kernels[4](flat, *self._fast["cos_sin"])
            return {"bump_position": ((), position.reshape(x.shape[:-1])),
                    "bump_height": ((), height.reshape(x.shape[:-1]))}
        return {
            "bump_position": ((), _population_vector(np.maximum(x, 0.0), self.x)),
            "bump_height": ((), np.max(x, axis=-1)),
        }


@dataclass(frozen=True, repr=False, eq=False)
class CANN2D(_CANN):
    r"""A continuous attractor neural network on a torus (Wu, Hamaguchi & Amari 2008, in 2-D).

    .. math::

        \tau \frac{du_{\mathbf i}}{dt} = -u_{\mathbf i}
            + \sum_{\mathbf j} J(\mathbf x_{\mathbf i} - \mathbf x_{\mathbf j})\, r_{\mathbf j}
            + I^{ext}_{\mathbf i}, \qquad
        r_{\mathbf i} = \frac{u_{\mathbf i+}^2}{1 + k \sum_{\mathbf j} u_{\mathbf j+}^2}, \qquad
        J(\mathbf d) = \frac{J_0}{2\pi a^2} \sum_{\mathbf n}
            e^{-|\mathbf d + 2\pi \mathbf n|^2/(2a^2)},

    on the ``n_side x n_side`` grid :math:`x, y \in \{-\pi + 2\pi i/n\}` of the
    torus (the Gaussian wrapped on the torus), with :math:`\rho = n^2/(2\pi)^2` and
    :math:`\rho\,dx\,dy = 1`.  Units are numbered row-major: unit
    ``i * n_side + j`` sits at ``(x_j, y_i)``.  The stationary bump is
    :math:`u_0 e^{-|\mathbf x - \mathbf z|^2/(4a^2)}` with
    :math:`k_c = \rho J_0^2/(32\pi a^2)` (:func:`~attractors.analysis.cann_bump_theory` with ``dim=2``).
    The recurrent input is a 2-D circular convolution by the FFT.

    Parameters
    ----------
    n_side : int
        Units per side (n_units = n_side**2), >= 8.
    tau, k, a, J0 : float
        As in :class:`CANN1D`.
    method : {"fft"}
        The recurrent input is a 2-D FFT convolution (the only method).
    backend : {"numpy"}
        numpy only.

    Notes
    -----
    Recorded with every state: ``bump_position`` with dimension ``axis``
    (x, y), the population vector of :math:`u_+` along each axis of the torus.

    Examples
    --------
    >>> import attractors
    >>> cann = CANN2D(n_side=16, k=2.0)
    >>> run = attractors.simulate(cann, 0.5 * cann.stimulus((0.3, -1.0)), t_span=30.0, dt=0.2,
    ...                           seed=0)
    >>> np.round(run.bump_position[-1].values, 6).tolist()
    [0.3, -1.0]
    """

    n_side: int = 32
    tau: float = 1.0
    k: float = 8.1
    a: float = 0.5
    J0: float = 4.0
    method: str = "fft"
    backend: str = "numpy"

    dim = 2
    _METHODS = ("fft",)
    _BACKENDS = ("numpy",)

    def __post_init__(self):
        _check_model(self, "n_side", self.n_side, 8)
        object.__setattr__(self, "n_side", int(self.n_side))
        n = self.n_side
        # The kernel and its spectrum (n^2 each, complex) and the x, y grids.
        check_allocation("n_side", n, 8.0 * 8 * n * n, "the CANN's kernel on the torus")
        line = -np.pi + 2.0 * np.pi * np.arange(n) / n
        d = ring_distance(line - line[0])
        g = wrapped_gaussian(d, self.a)
        kernel = self.J0 / (2.0 * math.pi * self.a**2) * np.outer(g, g)
        grid_y, grid_x = np.meshgrid(line, line, indexing="ij")
        object.__setattr__(self, "_fast", frozen_tables({
            "line": line, "kernel_fft": np.fft.rfft2(kernel),
            "x": grid_x.ravel(), "y": grid_y.ravel()}))

    @property
    def n_units(self) -> int:
        return self.n_side**2

    @property
    def coords(self):
        return {"x": ("unit", self._fast["x"]), "y": ("unit", self._fast["y"]),
                "axis": ("axis", np.array(["x", "y"]))}

    def _offsets(self, position):
        if position.shape[-1:] != (2,):
            raise ParameterError(f"position must be (x, y) pairs, shape (..., 2), got {describe(position)}")
        return (ring_distance(self._fast["x"] - position[..., 0:1]),
                ring_distance(self._fast["y"] - position[..., 1:2]))

    def stimulus(self, position, amplitude=1.0):
        r"""A Gaussian stimulus :math:`A e^{-|\mathbf d|^2/(4a^2)}` centred at ``position = (x, y)``.

        ``position`` has shape ``(..., 2)``; the result ``(..., n_units)``.
        """
        position = np.asarray(position, dtype=np.float64)
        if position.shape[-1:] != (2,) or not np.all(np.isfinite(position)):
            raise ParameterError(f"position must be finite (x, y) pairs, shape (..., 2), got {describe(position)}")
        amplitude = np.asarray(amplitude, dtype=np.float64)[..., None]
        dx = ring_distance(self._fast["x"] - position[..., 0:1])
        dy = ring_distance(self._fast["y"] - position[..., 1:2])
        return amplitude * np.exp(-0.25 * (dx**2 + dy**2) / self.a**2)

    def recurrent_input(self, rates):
        r"""The recurrent input :math:`\sum_{\mathbf j} J(\mathbf x_{\mathbf i} - \mathbf x_{\mathbf j}) r_{\mathbf j}`."""
        rates = np.asarray(rates, dtype=np.float64)
        n = self.n_side
        grid = rates.reshape(rates.shape[:-1] + (n, n))
        out = np.fft.irfft2(np.fft.rfft2(grid) * self._fast["kernel_fft"], s=(n, n))
        return out.reshape(rates.shape)

    def vector_field(self, t, x, inputs=None):
        du = self.recurrent_input(self.firing_rate(x)) - x
        if inputs is not None:
            du = du + inputs
        return du / self.tau

    def observables(self, x):
        n = self.n_side
        grid = np.maximum(x, 0.0).reshape(x.shape[:-1] + (n, n))
        line = self._fast["line"]
        along_x = _population_vector(grid.sum(axis=-2), line)
        along_y = _population_vector(grid.sum(axis=-1), line)
        return {"bump_position": (("axis",), np.stack([along_x, along_y], axis=-1))}
