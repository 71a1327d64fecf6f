r"""Many systems of one class and size as one system on stacked states, for batched analyses.

:func:`~attractors.analysis.lyapunov_spectrum` given a sequence of systems
steps them together: state arrays carry a leading ``system`` axis, shape
``(n_systems, ..., n_units)``, and every call of the vector field evaluates
all systems at once.  For :class:`~attractors.models.RateNetwork` (one transfer
function) this is one batched product with the stacked weights,
:math:`\phi(u) W_s^\top` over :math:`s` (``numpy.matmul`` on
``(n_systems, rows, N) @ (n_systems, N, N)``), with per-network time
constants and biases broadcast; other classes are evaluated system by system
inside the call (correct, but a Python loop over systems per step).  Large
networks run in groups whose stacked weights stay in cache (:func:`cache_groups`):
the weights are read at every step, and 20 networks of 500 units (40 MB) streamed
from memory were slower than 20 separate runs.
"""

from __future__ import annotations

import numpy as np

from .._system import ContinuousSystem, DiscreteSystem
from .._validate import ParameterError, describe


def stack_systems(systems):
    """A :class:`ContinuousSystem` evaluating ``systems`` on stacked states, or a ParameterError."""
    from ..models import RateNetwork

    systems = list(systems)
    if not systems:
        raise ParameterError("system must be a model or a non-empty sequence of models, got an "
                             "empty sequence")
    first = systems[0]
    if not isinstance(first, ContinuousSystem):
        kind = "a map" if isinstance(first, DiscreteSystem) else describe(first)
        raise ParameterError(f"a sequence of systems must hold ContinuousSystem models (maps run "
                             f"one at a time), got {kind}")
    for index, other in enumerate(systems):
        if type(other) is not type(first) or other.n_units != first.n_units:
            raise ParameterError(
                f"a sequence of systems must hold models of one class and size; system {index} "
                f"is a {type(other).__name__} with {other.n_units} units, system 0 a "
                f"{type(first).__name__} with {first.n_units}")
    if type(first) is RateNetwork and all(s.transfer == first.transfer for s in systems):
        return _StackedRate(systems)
    return _StackedLoop(systems)


class _Stacked(ContinuousSystem):
    def __init__(self, systems):
        self.systems = systems
        self.n_units = systems[0].n_units
        self.time_unit = systems[0].time_unit

    @property
    def name(self):
        return f"{len(self.systems)} x {self.systems[0].name}"


class _StackedLoop(_Stacked):
    """Any class: each system evaluated on its slice of the leading axis."""

    def vector_field(self, t, x, inputs=None):
        return np.stack([s.vector_field(t, x[i], inputs) for i, s in enumerate(self.systems)])

    def jacobian(self, t, x, inputs=None):
        x = np.broadcast_to(x, (len(self.systems),) + np.shape(x)[-1:]) if np.ndim(x) == 1 else x
        return np.stack([s.jacobian(t, x[i], inputs) for i, s in enumerate(self.systems)])

    def leak_rate(self):
        rates = [np.broadcast_to(s.leak_rate(), (self.n_units,)) for s in self.systems]
        return np.stack(rates)[:, None, :]


class _StackedRate(_Stacked):
    r"""RateNetworks with one transfer: :math:`\tau_s \dot u = -u + W_s\phi(u) + b_s + I`."""

    def __init__(self, networks):
        super().__init__(networks)
        n = self.n_units
        self.transfer = networks[0].transfer
        self._weights_t = np.stack([net.weights.T for net in networks])
        self._tau = np.stack([np.broadcast_to(net.tau, (n,)) for net in networks])
        self._bias = np.stack([np.broadcast_to(net.bias, (n,)) for net in networks])
        self._has_bias = bool(np.any(self._bias != 0))

    def _per_system(self, values, ndim):
        """(n_systems, N) values shaped to broadcast against a state of ``ndim`` dims."""
        return values.reshape(values.shape[:1] + (1,) * (ndim - 2) + values.shape[1:])

    def vector_field(self, t, x, inputs=None):
        rate = self.transfer(x)
        shape = rate.shape
        rows = rate.reshape(shape[0], -1, shape[-1])  # (n_systems, rows, N): one batched matmul
        drive = (rows @ self._weights_t).reshape(shape)
        drive -= x
        if self._has_bias:
            drive += self._per_system(self._bias, x.ndim)
        if inputs is not None:
            drive = drive + inputs
        drive /= self._per_system(self._tau, x.ndim)
        return drive

    def jacobian(self, t, x, inputs=None):
        slope = np.asarray(self.transfer.derivative(x), dtype=np.float64)  # (n_systems, N)
        jac = np.swapaxes(self._weights_t, -1, -2) * slope[..., None, :]
        diagonal = np.einsum("...ii->...i", jac)
        diagonal -= 1.0
        return jac / self._tau[..., :, None]

    def leak_rate(self):
        return (1.0 / self._tau)[:, None, :]


#: Stacked weights per group of a batch: the weights are read at every step, so a
#: group should stay in the last-level cache.  Measured on this project's 2-core
#: machine (32 MiB L3; 20 networks of 500 units, 10 exponents): groups of 1 / 2 / 4 / 8 /
#: 20 networks took 8.7 / 8.9 / 9.0 / 10.0 / 12.4 s, so 8 MiB (4 such networks)
#: costs what the loop costs while small networks (N <= 200: 20 in one group) keep
#: the gain of one batched product (1.3x at N = 100).
GROUP_BYTES = 8 * 2**20


def cache_groups(stacked):
    """Slices of ``stacked.systems`` whose weights fit in :data:`GROUP_BYTES` together."""
    n_systems = len(stacked.systems)
    weights = getattr(stacked, "_weights_t", None)
    if weights is None or n_systems == 1:
        return [slice(None)]
    size = max(1, GROUP_BYTES // weights[0].nbytes)
    return [slice(start, start + size) for start in range(0, n_systems, size)]


def rate_tangent_field(system):
    r"""For a RateNetwork (or a stack of them): the state's field and J q in ONE product, or None.

    .. math:: \tau \dot u = -u + W\phi(u) + b + I, \qquad
              \tau \dot q_j = -q_j + W\big(\phi'(u) \odot q_j\big),

    the rows :math:`\phi(u)` and :math:`\phi'(u) \odot q_j` stacked and multiplied by
    :math:`W^\top` together: the exact tangent (the model's analytic Jacobian, never
    formed as an N x N matrix) for about the cost of one evaluation on k + 1 rows.
    None for any other model, or a subclass that changes the field or the Jacobian.
    """
    from ..models import RateNetwork

    if isinstance(system, _StackedRate):
        weights_t, transfer = system._weights_t, system.transfer
        tau, bias = system._tau[:, None, :], system._bias[:, None, :]
    elif (isinstance(system, RateNetwork)
          and type(system).vector_field is RateNetwork.vector_field
          and type(system).jacobian is RateNetwork.jacobian):
        weights_t, transfer = system.weights.T, system.transfer
        tau, bias = np.asarray(system.tau), np.asarray(system.bias)
    else:
        return None
    has_bias = bool(np.any(bias != 0))

    def field(t, y, inputs=None):
        x = y[..., :1, :]
        rows = np.concatenate([transfer(x), transfer.derivative(x) * y[..., 1:, :]], axis=-2)
        out = rows @ weights_t
        out -= y
        if has_bias:
            out[..., :1, :] += bias
        if inputs is not None:
            out[..., :1, :] += inputs
        out /= tau
        return out

    return field
