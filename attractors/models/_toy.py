r"""Small systems with closed-form behaviour, used to test the framework.

They are real models, not mocks: each has an exact solution or an exact
stationary statistic that the tests compare against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._system import ContinuousSystem, DiscreteSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe

__all__ = ["ContractionMap", "DoubleWell", "LinearSystem", "OrnsteinUhlenbeck"]


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only copy: the model owns its arrays, so later writes to the caller's
    array cannot change it, and writes to the model's raise."""
    array = np.array(array, dtype=np.float64)
    array.setflags(write=False)
    return array


def _square_matrix(name, value):
    matrix = check_finite_array(name, value, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 1:
        raise ParameterError(f"{name} must be a square 2-D matrix, got shape {matrix.shape}")
    return _frozen(matrix)


def _real(name, value) -> float:
    """A finite real number (complex and non-numbers refused, not cast)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(f"{name} must be a real number, got {describe(value)}")
    if not np.isfinite(value):
        raise ParameterError(f"{name} must be finite, got {describe(value)}")
    return float(value)


@dataclass(frozen=True, repr=False, eq=False)
class LinearSystem(ContinuousSystem):
    r"""A linear flow :math:`\dot x = A x + b`, with the exact solution.

    .. math:: x(t) = e^{A t}(x_0 + A^{-1} b) - A^{-1} b

    For symmetric :math:`A` it is the gradient flow of
    :math:`E(x) = -\tfrac12 x^\top A x - b^\top x`, a Lyapunov function when
    :math:`A` is negative definite; for non-symmetric :math:`A` no energy is
    defined.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        :math:`A`.
    offset : array_like, shape (n,), optional
        :math:`b` (default 0).
    """

    matrix: np.ndarray
    offset: np.ndarray | None = None

    def __post_init__(self):
        matrix = _square_matrix("matrix", self.matrix)
        offset = _frozen(np.zeros(matrix.shape[0]) if self.offset is None else check_finite_array(
            "offset", self.offset, dtype=np.float64))
        if offset.shape != (matrix.shape[0],):
            raise ParameterError(
                f"offset must have shape ({matrix.shape[0]},) to match matrix, got {offset.shape}"
            )
        object.__setattr__(self, "matrix", matrix)
        object.__setattr__(self, "offset", offset)

    @property
    def n_units(self) -> int:
        return self.matrix.shape[0]

    def vector_field(self, t, x, inputs=None):
        dx = x @ self.matrix.T + self.offset
        return dx if inputs is None else dx + inputs

    def jacobian(self, t, x, inputs=None):
        return np.broadcast_to(self.matrix, np.shape(x)[:-1] + self.matrix.shape)

    def leak_rate(self):
        """The decay on the diagonal of A, :math:`\\lambda_i = \\max(-A_{ii}, 0)`, for exponential Euler."""
        return np.maximum(-np.diag(self.matrix), 0.0)

    def energy(self, x, inputs=None):
        if not np.allclose(self.matrix, self.matrix.T, rtol=0, atol=1e-12):
            raise NotImplementedError(
                "LinearSystem has an energy only for a symmetric matrix (a gradient flow)"
            )
        drive = self.offset if inputs is None else self.offset + inputs
        return -0.5 * np.einsum("...i,ij,...j->...", x, self.matrix, x) - np.sum(drive * x, axis=-1)

    def exact_solution(self, x0, times):
        """The exact state at ``times`` from ``x0``, shape ``(len(times), *x0.shape)``."""
        from scipy.linalg import expm, solve

        x0 = np.asarray(x0, dtype=np.float64)
        shift = solve(self.matrix, self.offset) if np.any(self.offset) else np.zeros(self.n_units)
        return np.stack([(x0 + shift) @ expm(self.matrix * t).T - shift for t in np.asarray(times)])


@dataclass(frozen=True, repr=False, eq=False)
class DoubleWell(ContinuousSystem):
    r"""Independent double wells with symmetric coupling: a gradient flow with two minima per unit.

    .. math::

        \dot x_i = x_i - x_i^3 - c \sum_{j \ne i} x_j , \qquad
        E(x) = \sum_i \Big(\frac{x_i^4}{4} - \frac{x_i^2}{2}\Big) + c \sum_{i<j} x_i x_j ,

    so :math:`\dot x = -\nabla E` and :math:`dE/dt = -|\nabla E|^2 \le 0`.

    Parameters
    ----------
    n_units : int
        Number of units.
    coupling : float
        :math:`c`; a positive value couples the units antagonistically.
    """

    n_units: int = 2
    coupling: float = 0.5

    def __post_init__(self):
        object.__setattr__(self, "n_units", check_integer("n_units", self.n_units, minimum=1))
        object.__setattr__(self, "coupling", _real("coupling", self.coupling))

    def vector_field(self, t, x, inputs=None):
        others = np.sum(x, axis=-1, keepdims=True) - x
        dx = x - x**3 - self.coupling * others
        return dx if inputs is None else dx + inputs

    def jacobian(self, t, x, inputs=None):
        x = np.asarray(x)
        jac = np.full(x.shape + (self.n_units,), -self.coupling)
        diagonal = np.einsum("...ii->...i", jac)
        diagonal[...] = 1 - 3 * x**2
        return jac

    def energy(self, x, inputs=None):
        total = np.sum(x, axis=-1)
        pairs = 0.5 * (total**2 - np.sum(x**2, axis=-1))
        energy = np.sum(x**4 / 4 - x**2 / 2, axis=-1) + self.coupling * pairs
        return energy if inputs is None else energy - np.sum(inputs * x, axis=-1)


@dataclass(frozen=True, repr=False, eq=False)
class OrnsteinUhlenbeck(ContinuousSystem):
    r"""The Ornstein-Uhlenbeck process, :math:`dx = -x/\tau\,dt + \sigma\,dW` (drift part).

    Run it with :class:`~attractors.solvers.EulerMaruyama` to add the noise.  Its
    stationary variance is :math:`\sigma^2 \tau / 2`; the Euler-Maruyama chain
    with step :math:`h` has the exact stationary variance
    :math:`\sigma^2 h / (1 - (1 - h/\tau)^2)` (:meth:`stationary_variance`).

    Parameters
    ----------
    n_units : int
        Number of independent units.
    tau : float
        Relaxation time constant (> 0).
    """

    n_units: int = 1
    tau: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "n_units", check_integer("n_units", self.n_units, minimum=1))
        object.__setattr__(self, "tau", check_positive("tau", self.tau))

    def vector_field(self, t, x, inputs=None):
        dx = -x / self.tau
        return dx if inputs is None else dx + inputs

    def jacobian(self, t, x, inputs=None):
        return np.broadcast_to(-np.eye(self.n_units) / self.tau, np.shape(x)[:-1] + (self.n_units,) * 2)

    def leak_rate(self):
        return 1.0 / self.tau

    def energy(self, x, inputs=None):
        return 0.5 * np.sum(x**2, axis=-1) / self.tau

    def stationary_variance(self, noise: float, dt: float | None = None) -> float:
        """Stationary variance of the process, or of its Euler-Maruyama chain with step ``dt``."""
        if dt is None:
            return noise**2 * self.tau / 2
        a = 1 - dt / self.tau
        return noise**2 * dt / (1 - a**2)


@dataclass(frozen=True, repr=False, eq=False)
class ContractionMap(DiscreteSystem):
    r"""A linear contraction :math:`x_{k+1} = a\,x_k` (optionally plus noise), with :math:`E = |x|^2/2`.

    The simplest map with a Lyapunov function: for :math:`|a| < 1` and no
    noise the energy falls by the factor :math:`a^2` each step and the state
    reaches the fixed point 0 (exactly, in floating point, after enough steps).

    Parameters
    ----------
    n_units : int
        Number of units.
    factor : float
        :math:`a`.
    noise : float
        Standard deviation of Gaussian noise added each step (draws from the
        run's generator, to test seeding).
    """

    n_units: int = 3
    factor: float = 0.5
    noise: float = 0.0
    time_unit = "step"

    def __post_init__(self):
        object.__setattr__(self, "n_units", check_integer("n_units", self.n_units, minimum=1))
        object.__setattr__(self, "factor", _real("factor", self.factor))
        object.__setattr__(self, "noise", check_positive("noise", self.noise, allow_zero=True))

    def update(self, x, rng, inputs=None):
        nxt = self.factor * x
        if self.noise:
            nxt = nxt + self.noise * rng.standard_normal(x.shape)
        return nxt if inputs is None else nxt + inputs

    def energy(self, x, inputs=None):
        return 0.5 * np.sum(np.asarray(x, dtype=np.float64) ** 2, axis=-1)

    def initial_state(self, rng, n_trials=None):
        return rng.standard_normal(self._batch_shape(n_trials))
