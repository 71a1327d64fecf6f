r"""The graded-response (continuous) Hopfield network (Hopfield 1984)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._system import ContinuousSystem
from .._validate import ParameterError, check_choice, check_finite_array, check_positive
from ..transfer import Logistic, Tanh
from ._rate import is_symmetric, per_unit, square_weights

__all__ = ["ContinuousHopfield"]


@dataclass(frozen=True, repr=False, eq=False)
class ContinuousHopfield(ContinuousSystem):
    r"""Hopfield's network of graded-response neurons, with its energy.

    .. math::

        C_i \frac{du_i}{dt} = -\frac{u_i}{R_i} + \sum_j W_{ij} V_j + I_i(t),
        \qquad V_i = g(u_i),

    with :math:`g(u) = \tanh(\lambda u)` (outputs in (-1, 1)) or the logistic
    :math:`g(u) = 1/(1 + e^{-\lambda u})` (outputs in (0, 1)).  For symmetric
    :math:`W` and constant input the energy (Hopfield 1984)

    .. math::

        E = -\tfrac12 V^\top W V + \sum_i \frac{1}{R_i}\int_0^{V_i} g^{-1}(v)\,dv - I^\top V

    obeys :math:`dE/dt = -\sum_i C_i\, g'(u_i)\, \dot u_i^{\,2} \le 0`.  The
    integral is in closed form: :math:`[(1+V)\ln(1+V) + (1-V)\ln(1-V)]/(2\lambda)`
    for tanh and :math:`[V\ln V + (1-V)\ln(1-V)]/\lambda` for the logistic.
    :meth:`energy` evaluates it through the identity
    :math:`\int_0^{g(u)} g^{-1} = u\,g(u) - \int_{u_0}^{u} g` (:math:`g(u_0) = 0`),
    which keeps full precision where :math:`V` saturates;
    :meth:`energy_of_output` takes :math:`V` directly.

    As :math:`\lambda \to \infty` the integral term vanishes, :math:`E` becomes
    the energy of the discrete network and its minima sit at the corners
    :math:`V = \pm 1` that are stable states of the discrete network (Hopfield
    1984): a high-gain network keeps the discrete network's memories.

    Parameters
    ----------
    weights : array_like, shape (N, N)
        :math:`W` (Hopfield's :math:`T_{ij}`).
    gain : float
        :math:`\lambda > 0`.
    output : {"tanh", "logistic"}
        The output function :math:`g`.
    capacitance, resistance : float or array_like, shape (N,)
        :math:`C_i > 0` and :math:`R_i > 0`; the time constant is :math:`R_i C_i`.
    bias : float or array_like, shape (N,)
        Constant input current :math:`I` (time-dependent inputs given to
        :func:`~attractors.simulate` add to it).
    patterns : array_like, shape (P, N), optional
        Stored :math:`\pm 1` patterns, for the ``overlap`` observable (set by
        :meth:`from_patterns`).

    References
    ----------
    J. J. Hopfield, "Neurons with graded response have collective computational
    properties like those of two-state neurons", PNAS 81, 3088-3092 (1984).

    Examples
    --------
    >>> import numpy as np
    >>> import attractors
    >>> from attractors.models import ContinuousHopfield
    >>> xi = np.array([[1, -1, 1, -1, 1, 1], [1, 1, -1, -1, 1, -1]])
    >>> net = ContinuousHopfield.from_patterns(xi, gain=10.0)
    >>> cue = 0.1 * np.array([1, -1, 1, -1, -1, 1])  # pattern 0 with unit 4 flipped
    >>> run = attractors.simulate(net, cue, t_span=10.0, dt=0.01, solver="rk4")
    >>> np.sign(run.output.isel(time=-1).values).astype(int).tolist()
    [1, -1, 1, -1, 1, 1]
    >>> bool(attractors.check_energy(run).sizes["violation"] == 0)
    True
    """

    weights: Any
    gain: float = 1.0
    output: str = "tanh"
    capacitance: Any = 1.0
    resistance: Any = 1.0
    bias: Any = 0.0
    patterns: Any = None

    outputs: ClassVar[tuple[str, ...]] = ("tanh", "logistic")

    def __post_init__(self):
        weights = square_weights(self.weights)
        n = weights.shape[0]
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "gain", check_positive("gain", self.gain))
        object.__setattr__(self, "output", check_choice("output", self.output, self.outputs))
        for name in ("capacitance", "resistance"):
            object.__setattr__(self, name, per_unit(name, getattr(self, name), n, positive=True))
        object.__setattr__(self, "bias", per_unit("bias", self.bias, n, positive=False))
        if self.patterns is not None:
            patterns = np.array(check_finite_array("patterns", self.patterns, dtype=np.float64),
                                ndmin=2)  # a copy: the model owns its arrays
            if patterns.ndim != 2 or patterns.shape[1] != n or not np.all(np.abs(patterns) == 1):
                raise ParameterError(
                    f"patterns must be a (P, {n}) array of +1/-1 to match the weights, got "
                    f"shape {patterns.shape}")
            patterns.setflags(write=False)
            object.__setattr__(self, "patterns", patterns)
        g = Tanh(self.gain) if self.output == "tanh" else Logistic(self.gain)
        object.__setattr__(self, "_g", g)
        object.__setattr__(self, "_weights_t", weights.T)
        object.__setattr__(self, "_has_bias", bool(np.any(np.asarray(self.bias) != 0)))
        object.__setattr__(self, "_symmetric", is_symmetric(weights))
        # int_0^{g(0)} g^{-1}: 0 for tanh, -ln(2)/lambda for the logistic (g(0) = 1/2).
        object.__setattr__(self, "_offset", float(g.integral_of_inverse(g(0.0))))

    @classmethod
    def from_patterns(cls, patterns, rule: str = "hebb", *, gain: float = 1.0,
                      output: str = "tanh", **kwargs) -> ContinuousHopfield:
        r"""A network storing ``patterns`` with a learning rule of :mod:`attractors.learning`.

        For ``output="tanh"`` the weights are those of the discrete network.
        For ``output="logistic"`` (outputs :math:`V = (1 + S)/2` with spins
        :math:`S`), the weights :math:`2W` and bias :math:`-W\mathbf 1` give
        exactly the input :math:`W S` of the spin network, so the memories are
        :math:`V = (1 + \xi)/2` (the 0/1 prescription of Hopfield 1984).

        Parameters
        ----------
        patterns : array_like, shape (P, N)
            :math:`\pm 1` patterns.
        rule : {"hebb", "storkey", "pseudo-inverse"}
            Storage rule (see :func:`attractors.learning.store`).
        gain, output, **kwargs
            Passed to the constructor.
        """
        from ..learning import store

        patterns = np.array(check_finite_array("patterns", patterns, dtype=np.float64), ndmin=2)
        weights = store(patterns, rule=rule)
        if check_choice("output", output, cls.outputs) == "logistic":
            if "bias" in kwargs:
                raise ParameterError("bias is set by from_patterns for output='logistic'")
            kwargs["bias"] = -weights.sum(axis=1)
            weights = 2.0 * weights
        return cls(weights, gain=gain, output=output, patterns=patterns, **kwargs)

    @property
    def n_units(self) -> int:
        return self.weights.shape[0]

    @property
    def output_function(self):
        """The output function :math:`g` as a :class:`~attractors.transfer.TransferFunction`."""
        return self._g

    @property
    def coords(self):
        if self.patterns is None:
            return {}
        return {"pattern": ("pattern", np.arange(self.patterns.shape[0]))}

    def vector_field(self, t, x, inputs=None):
        current = self._g(x) @ self._weights_t
        current -= x / self.resistance
        if self._has_bias:
            current += self.bias
        if inputs is not None:
            current = current + inputs
        current /= self.capacitance  # in place: a fresh array (the matmul result)
        return current

    def jacobian(self, t, x, inputs=None):
        r""":math:`J_{ij} = (W_{ij}\, g'(u_j) - \delta_{ij}/R_i) / C_i`."""
        jac = self.weights * self._g.derivative(x)[..., None, :]
        diagonal = np.einsum("...ii->...i", jac)
        diagonal -= 1.0 / np.asarray(self.resistance)
        return jac / np.reshape(self.capacitance, (-1, 1))

    def leak_rate(self):
        r"""The leak :math:`1/(R_i C_i)` (for :class:`~attractors.solvers.ExponentialEuler`)."""
        return 1.0 / (np.asarray(self.resistance) * np.asarray(self.capacitance))

    def _check_energy(self):
        if not self._symmetric:
            asymmetry = float(np.max(np.abs(self.weights - self.weights.T)))
            raise NotImplementedError(
                f"{self.name} has an energy only for symmetric weights; here max |W - W^T| = "
                f"{asymmetry:.3g}")

    def energy(self, x, inputs=None):
        self._check_energy()
        u = np.asarray(x, dtype=np.float64)
        v = self._g(u)
        # int_0^{V} g^{-1} = u V - int_0^u g + int_0^{g(0)} g^{-1}
        integral = u * v - self._g.integral(u) + self._offset
        return self._energy(v, integral, inputs)

    def energy_of_output(self, v, inputs=None):
        r"""The energy :math:`E(V)` as a function of the outputs :math:`V` (Hopfield's form).

        Parameters
        ----------
        v : array_like, shape (..., N)
            Outputs in (-1, 1) (tanh) or (0, 1) (logistic); the closed form is
            finite on the closed interval.
        """
        self._check_energy()
        v = np.asarray(v, dtype=np.float64)
        low = -1.0 if self.output == "tanh" else 0.0
        if np.any((v < low) | (v > 1.0)):
            raise ParameterError(f"outputs of a {self.output} network must lie in [{low:g}, 1]")
        return self._energy(v, self._g.integral_of_inverse(v), inputs)

    def _energy(self, v, integral, inputs):
        drive = self.bias if inputs is None else self.bias + inputs
        recurrent = 0.5 * np.sum((v @ self._weights_t) * v, axis=-1)
        return (-recurrent + np.sum(integral / self.resistance, axis=-1)
                - np.sum(drive * v, axis=-1))

    def observables(self, x):
        v = self._g(np.asarray(x))
        found = {"output": (("unit",), v)}
        if self.patterns is not None:
            spins = v if self.output == "tanh" else 2.0 * v - 1.0
            found["overlap"] = (("pattern",), spins @ self.patterns.T / self.n_units)
        return found

    def initial_state(self, rng, n_trials=None):
        r"""Small random inputs :math:`u \sim \mathcal N(0, 1/\lambda^2)`: outputs in the linear range."""
        return rng.standard_normal(self._batch_shape(n_trials)) / self.gain
