r"""The continuous attractor neural network on a ring (:class:`CANN1D`), Wu, Hamaguchi & Amari (2008).

The model and what it shares with the 2-D network are described in
:mod:`attractors.models._cann_base`; :class:`~attractors.models.CANN2D` is in
:mod:`attractors.models._cann2d` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .._cann_closed_form import (  # noqa: F401  (re-exported for convenience)
    CANNBump,
    cann_bump_theory,
    cann_driven_height,
    cann_tracking_lag,
)
from .._validate import ParameterError, check_choice, check_positive, describe
from ._cann2d import CANN2D
from ._cann_base import _CANN, _check_model, _population_vector
from ._cann_kernels import (
    BLAS_TRIALS,
    fourier_modes,
    half_tables,
    numba_kernels,
    ring_distance,
    ring_kernel,
    shared_tables,
)
from ._ring_common import check_allocation, frozen, frozen_tables

__all__ = ["CANN1D", "CANN2D"]


def _auto_method(n, n_modes, compiled):
    """The fastest recurrent method for one trial, from measurements (see CANN1D)."""
    if compiled:  # the fused kernel costs ~K N / 2; the FFT ~N log N plus ~20 us of calls
        return "modes" if n_modes * n <= 250_000 else "fft"
    if 4 * n_modes <= n and n_modes * n <= 150_000:
        return "modes"
    return "dense" if n <= 256 else "fft"


def _ring_tables(n, a, J0, method, backend):
    """The k- and tau-independent tables of a CANN1D, read-only (see CANN1D.__post_init__)."""
    # The kernel, its spectrum and grids (~12 N), the three mode tables
    # (<= 3 x 2 K N, K <= 64 modes for a >= 2 pi / N), and the dense N x N
    # matrix twice when it is used: sized before anything is allocated.
    modes = min(n, 2 * 64 + 1)
    dense = 2 * n * n if method == "dense" or (method == "auto" and n <= 256) else 0
    check_allocation("n_units", n, 8.0 * (12 * n + 3 * modes * n + dense), "the CANN's kernels")
    kernel = ring_kernel(n, a, J0)
    basis, weights, modes_kept = fourier_modes(kernel)
    if method == "auto":
        method = _auto_method(n, basis.shape[0], backend != "numpy" and numba_kernels())
    if backend == "numba" and method == "fft":
        raise ParameterError(
            "backend='numba' has no FFT kernel; use method='modes' or 'dense' with it, "
            "or backend='auto'")
    kernels = None
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
        "kernel_fft": np.fft.rfft(kernel), "kernels": kernels, "no_drive": np.zeros((1, n)),
        "x": -np.pi + 2.0 * np.pi * index / n,
    }
    fast["cos_sin"] = (np.cos(fast["x"]), np.sin(fast["x"]))
    return frozen_tables(fast)


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
    a: float = field(default=0.5, metadata={"units": "rad"})  # units: read by continuation's labels
    J0: float = 4.0
    method: str = "auto"
    backend: str = "auto"

    dim = 1
    _METHODS = ("auto", "modes", "dense", "fft")
    _BACKENDS = ("auto", "numba", "numpy")

    def __post_init__(self):
        _check_model(self, "n_units", self.n_units, 8)
        object.__setattr__(self, "n_units", int(self.n_units))
        method, backend = self.method, self.backend
        if method not in self._METHODS or backend not in self._BACKENDS:
            method = check_choice("method", self.method, self._METHODS)
            backend = check_choice("backend", self.backend, self._BACKENDS)
        if backend == "numba" and method == "fft":
            raise ParameterError(
                "backend='numba' has no FFT kernel; use method='modes' or 'dense' with it, "
                "or backend='auto'")
        # Everything but k and tau is built once per (n, a, J0, method, backend) and
        # shared read-only (continuation rebuilds the model at every k).
        key = ("CANN1D", self.n_units, self.a, self.J0, method, backend)
        tables = shared_tables(key, lambda: _ring_tables(self.n_units, self.a, self.J0, method,
                                                         backend))
        fast = dict(tables)
        fast.update({"k_norm": self.k, "inv_tau": 1.0 / self.tau})
        object.__setattr__(self, "_fast", MappingProxyType(fast))


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

    def _connection_matrix(self):
        # J depends on (n, a, J0) only: up to 1024 units (8 MB) it is built once and
        # shared read-only (continuation asks for the Jacobian at every k).
        if self._fast["matrix"] is not None:
            return self._fast["matrix"]
        if self.n_units > 1024:
            return self.weights
        return shared_tables(("CANN1D weights", self.n_units, self.a, self.J0),
                             lambda: frozen(self.weights))

    def _jacobian_low_rank(self, x):
        r"""The Jacobian at one state ``x`` as :math:`c I + U V^T` (U, V of shape (N, K)).

        The kernel's K Fourier modes above round-off give :math:`J = E^T W E`
        (E the K x N basis, W the weights), so
        :math:`\partial F/\partial u = -I/\tau + E^T\, (W E R / \tau)` with
        :math:`R = \partial r/\partial u` (see :meth:`jacobian`): N - K eigenvalues are
        :math:`-1/\tau` exactly and the others are those of the K x K matrix
        :math:`-I/\tau + V^T U`.  Used by continuation for the eigenvalues along a branch.
        """
        fast = self._fast
        u = np.asarray(x, dtype=np.float64)
        positive = np.maximum(u, 0.0)
        squared = positive * positive
        b = 1.0 + self.k * squared.sum()
        basis = fast["basis"]
        # E R = E diag(2 u+ / B) - (2k / B^2) (E u+^2) u+^T
        er = basis * (2.0 * positive / b) - (2.0 * self.k / b**2) * np.outer(basis @ squared, positive)
        return -1.0 / self.tau, basis.T, (fast["weights"][:, None] * er).T / self.tau

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
