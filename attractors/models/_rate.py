r"""Firing-rate networks: :math:`\tau\,\dot u = -u + W \phi(u) + b + I(t)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._simulate import _resolve_rng
from .._system import ContinuousSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe
from ..transfer import get_transfer

__all__ = ["RateNetwork"]


def square_weights(value, name: str = "weights") -> np.ndarray:
    """Validate a finite square float64 weight matrix (a copy, read-only).

    Complex weights are refused (not cast to their real part), and so are
    integers beyond 2**53, which float64 cannot hold exactly.
    """
    raw = np.asarray(value)
    if raw.dtype.kind in "iu" and raw.size:
        largest = max(abs(int(raw.min())), abs(int(raw.max())))
        if largest > 2**53:
            raise ParameterError(f"{name} has integer entries up to {largest}, beyond 2**53: "
                                 "float64 weights cannot hold them exactly")
    matrix = np.array(check_finite_array(name, value, dtype=np.float64), dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 1:
        raise ParameterError(f"{name} must be a square (N, N) matrix with N >= 1, got shape {matrix.shape}")
    matrix.setflags(write=False)
    return matrix


def per_unit(name: str, value, n_units: int, *, positive: bool):
    """A scalar or one value per unit: returned as float or read-only (n_units,) array."""
    array = check_finite_array(name, value, dtype=np.float64)
    if array.ndim == 0:
        if positive and not array > 0:
            raise ParameterError(f"{name} must be > 0, got {float(array)!r}")
        return float(array)
    if array.shape != (n_units,):
        raise ParameterError(
            f"{name} must be a number or have shape ({n_units},), one value per unit, "
            f"got shape {array.shape}")
    if positive and np.any(array <= 0):
        raise ParameterError(f"{name} must be > 0 for every unit, got {describe(array)}")
    array = array.copy()
    array.setflags(write=False)
    return array


def is_symmetric(matrix: np.ndarray) -> bool:
    """Symmetric to round-off: |W - W^T| <= 1e-12 max|W| (weights summed in another order)."""
    scale = float(np.max(np.abs(matrix), initial=0.0))
    return bool(np.all(np.abs(matrix - matrix.T) <= 1e-12 * scale))


@dataclass(frozen=True, repr=False, eq=False)
class RateNetwork(ContinuousSystem):
    r"""A recurrent network of rate units with any weights and transfer function.

    .. math::

        \tau_i \frac{du_i}{dt} = -u_i + \sum_j W_{ij}\,\phi(u_j) + b_i + I_i(t),
        \qquad r_i = \phi(u_i) ,

    with :math:`u` the input (state, recorded as ``state``) and :math:`r` the
    rate (recorded as the observable ``rate``).

    **Energy.**  For symmetric :math:`W` and a non-decreasing :math:`\phi`, and
    constant input, the function (Cohen & Grossberg 1983; Hopfield 1984, in
    terms of :math:`u`)

    .. math::

        E(u) = -\tfrac12\, \phi(u)^\top W \phi(u) - (b + I)^\top \phi(u)
               + \sum_i \Big( u_i\,\phi(u_i) - \int_0^{u_i} \phi(s)\,ds \Big)

    is a Lyapunov function: since
    :math:`\partial E / \partial u_i = -\phi'(u_i)\,\tau_i \dot u_i`,

    .. math:: \frac{dE}{dt} = -\sum_i \tau_i\, \phi'(u_i)\, \dot u_i^{\,2} \le 0 ,

    for per-unit :math:`\tau_i` too.  (The last sum is
    :math:`\int_{\phi(0)}^{\phi(u_i)} \phi^{-1}`, Hopfield's integral term.)
    :meth:`energy` returns it exactly when both conditions hold and otherwise
    raises :class:`NotImplementedError` saying which fails: with asymmetric
    weights or a non-monotone :math:`\phi` a network can oscillate or be
    chaotic (Sompolinsky, Crisanti & Sommers 1988), and no energy exists.

    Parameters
    ----------
    weights : array_like, shape (N, N)
        :math:`W`, the weight from unit j to unit i in ``weights[i, j]``.
    transfer : str, dict or TransferFunction
        :math:`\phi`: ``"tanh"`` (default), ``"logistic"``,
        ``"threshold_linear"``, ``"power_law"``, ``"zhang"``, an instance from
        :mod:`attractors.transfer`, or ``{"name": ..., **params}``.
    tau : float or array_like, shape (N,)
        Time constant(s) :math:`\tau_i > 0` (in the unit of the time axis).
    bias : float or array_like, shape (N,)
        Constant drive :math:`b`.
    record_rate : bool
        Record the rates :math:`\phi(u)` as the observable ``rate`` (default
        True; False halves the memory of a run and skips one evaluation of
        :math:`\phi` over the whole record).

    References
    ----------
    M. A. Cohen and S. Grossberg, IEEE Trans. Syst. Man Cybern. 13, 815 (1983).
    J. J. Hopfield, PNAS 81, 3088 (1984).
    H. Sompolinsky, A. Crisanti and H.-J. Sommers, PRL 61, 259 (1988).

    Examples
    --------
    >>> import numpy as np
    >>> import attractors
    >>> from attractors.models import RateNetwork
    >>> net = RateNetwork([[0.0, -2.0], [-2.0, 0.0]], transfer="tanh", bias=0.1)
    >>> run = attractors.simulate(net, [0.5, -0.2], t_span=20.0, dt=0.05, solver="rk4")
    >>> bool(attractors.check_energy(run).sizes["violation"] == 0)
    True
    >>> np.round(run.rate.isel(time=-1).values, 3)  # mutual inhibition: unit 0 wins
    array([ 0.964, -0.95 ])
    """

    weights: Any
    transfer: Any = "tanh"
    tau: Any = 1.0
    bias: Any = 0.0
    record_rate: bool = True

    def __post_init__(self):
        weights = square_weights(self.weights)
        n = weights.shape[0]
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "transfer", get_transfer(self.transfer))
        object.__setattr__(self, "tau", per_unit("tau", self.tau, n, positive=True))
        object.__setattr__(self, "bias", per_unit("bias", self.bias, n, positive=False))
        if not isinstance(self.record_rate, (bool, np.bool_)):
            raise ParameterError(f"record_rate must be True or False, got {describe(self.record_rate)}")
        object.__setattr__(self, "record_rate", bool(self.record_rate))
        object.__setattr__(self, "_weights_t", weights.T)
        object.__setattr__(self, "_has_bias", bool(np.any(np.asarray(self.bias) != 0)))
        object.__setattr__(self, "_symmetric", is_symmetric(weights))

    @classmethod
    def random(cls, n_units: int, gain: float = 1.5, *, symmetric: bool = False,
               self_coupling: bool = True, rng=None, seed=None, **kwargs) -> RateNetwork:
        r"""A network with Gaussian random weights, :math:`W_{ij} \sim \mathcal N(0, g^2/N)`.

        With ``transfer="tanh"`` and asymmetric weights this is the network of
        Sompolinsky, Crisanti & Sommers (1988): the eigenvalues of :math:`W`
        fill the disc of radius :math:`g` (the circular law), the origin loses
        stability at :math:`g = 1` and the activity is chaotic above it.  With
        ``symmetric=True``, :math:`W = (A + A^\top)/\sqrt 2` has the same
        off-diagonal variance, eigenvalues on :math:`[-2g, 2g]` (Wigner's
        semicircle) and an energy.

        Parameters
        ----------
        n_units : int
            N.
        gain : float
            :math:`g \ge 0`.
        symmetric : bool
            Symmetrise the weights.
        self_coupling : bool
            Keep the diagonal :math:`W_{ii}`.  ``False`` sets it to zero, as in
            Sompolinsky, Crisanti & Sommers (1988), :math:`J_{ii} = 0`; the
            off-diagonal weights are the same draw either way.
        rng, seed : numpy.random.Generator or int, optional
            Where the weights come from (the same seed gives the same network).
        **kwargs
            ``transfer``, ``tau``, ``bias``.

        Examples
        --------
        >>> net = RateNetwork.random(200, gain=1.5, seed=0)
        >>> net.n_units, net.transfer
        (200, Tanh(gain=1.0))
        """
        n_units = check_integer("n_units", n_units, minimum=1)
        gain = check_positive("gain", gain, allow_zero=True)
        rng, _ = _resolve_rng(rng, seed)  # the library's one rule for rng / seed
        weights = rng.standard_normal((n_units, n_units)) * (gain / np.sqrt(n_units))
        if symmetric:
            weights = (weights + weights.T) / np.sqrt(2.0)
        if not self_coupling:
            np.fill_diagonal(weights, 0.0)
        return cls(weights, **kwargs)

    @property
    def n_units(self) -> int:
        return self.weights.shape[0]

    @property
    def params(self) -> dict:
        return {"weights": self.weights, "transfer": self.transfer.params,
                "tau": self.tau, "bias": self.bias, "record_rate": self.record_rate}

    def vector_field(self, t, x, inputs=None):
        drive = self.transfer(x) @ self._weights_t
        drive -= x
        if self._has_bias:
            drive += self.bias
        if inputs is not None:
            drive = drive + inputs
        drive /= self.tau  # in place: drive is a fresh array (the matmul result)
        return drive

    def jacobian(self, t, x, inputs=None):
        r""":math:`J_{ij} = (-\delta_{ij} + W_{ij}\,\phi'(u_j)) / \tau_i`."""
        slope = np.asarray(self.transfer.derivative(x), dtype=np.float64)
        jac = self.weights * slope[..., None, :]
        diagonal = np.einsum("...ii->...i", jac)
        diagonal -= 1.0
        return jac / np.reshape(self.tau, (-1, 1)) if np.ndim(self.tau) else jac / self.tau

    def leak_rate(self):
        r"""The leak :math:`1/\tau_i` (for :class:`~attractors.solvers.ExponentialEuler`)."""
        return 1.0 / np.asarray(self.tau, dtype=np.float64)

    def lyapunov_conditions(self) -> list[str]:
        """The conditions for an energy that fail (empty when :meth:`energy` is defined)."""
        failed = []
        if not self._symmetric:
            asymmetry = float(np.max(np.abs(self.weights - self.weights.T)))
            failed.append(f"the weights are not symmetric (max |W - W^T| = {asymmetry:.3g})")
        if not self.transfer.monotone:
            failed.append(f"the transfer function {self.transfer!r} is not monotone increasing")
        else:
            try:
                self.transfer.integral(np.zeros(1))
            except NotImplementedError:
                failed.append(f"the transfer function {self.transfer!r} gives no integral")
        return failed

    def energy(self, x, inputs=None):
        failed = self.lyapunov_conditions()
        if failed:
            raise NotImplementedError(
                f"{self.name} has an energy (Lyapunov function) only for symmetric weights and a "
                f"monotone increasing transfer function; here {' and '.join(failed)}")
        x = np.asarray(x, dtype=np.float64)
        rate = self.transfer(x)
        drive = self.bias if inputs is None else self.bias + inputs
        recurrent = 0.5 * np.sum((rate @ self._weights_t) * rate, axis=-1)
        integral_term = np.sum(x * rate - self.transfer.integral(x), axis=-1)
        return -recurrent - np.sum(drive * rate, axis=-1) + integral_term

    def observables(self, x):
        if not self.record_rate:
            return {}
        return {"rate": (("unit",), self.transfer(np.asarray(x)))}
