r"""What the ring models share: velocity and shift strength, size checks, frozen arrays, relaxation.

Used by :mod:`attractors.models._ring` (Zhang's ring) and
:mod:`attractors.models._ring_double` (the two-population ring), and by the
CANN and sheet models for :func:`frozen` and :func:`check_allocation`, so that
no two model modules import each other.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import numpy as np

from .._allocation import check_bytes
from .._validate import ParameterError, check_positive, describe

__all__ = ["gamma_for_velocity", "velocity_for_gamma"]


def gamma_for_velocity(angular_velocity, tau: float):
    r"""The shift strength :math:`\gamma` that moves the bump at angular velocity :math:`\omega`.

    In the continuum model with weights :math:`w + \gamma w'`, a stationary
    bump :math:`u^*` gives the travelling wave :math:`u^*(\theta - \theta_0(t))`
    with :math:`d\theta_0/dt = -\gamma/\tau`, exactly and for any
    :math:`\gamma` (Zhang 1996): the extra input :math:`\gamma\, w' * f(u^*) =
    \gamma\, \partial_\theta u^*` is what the moving profile needs.  Hence

    .. math:: \gamma = -\tau\,\omega .

    References
    ----------
    K. Zhang, J. Neurosci. 16, 2112-2126 (1996).

    Examples
    --------
    >>> gamma_for_velocity(0.01, tau=10.0)   # 0.01 rad/ms = 573 deg/s
    -0.1
    """
    tau = check_positive("tau", tau)
    return -tau * np.asarray(angular_velocity, dtype=np.float64) if np.ndim(angular_velocity) \
        else -tau * float(angular_velocity)


def velocity_for_gamma(gamma, tau: float):
    r"""The bump's angular velocity :math:`\omega = -\gamma/\tau` (inverse of :func:`gamma_for_velocity`).

    Examples
    --------
    >>> velocity_for_gamma(-0.1, tau=10.0)
    0.01
    """
    tau = check_positive("tau", tau)
    return -np.asarray(gamma, dtype=np.float64) / tau if np.ndim(gamma) else -float(gamma) / tau


def check_n_units(n_units, *, minimum: int = 4):
    """n_units as a Python int >= ``minimum``, or a ParameterError naming it."""
    if isinstance(n_units, bool) or not isinstance(n_units, (int, np.integer)) or n_units < minimum:
        raise ParameterError(f"n_units must be an integer >= {minimum}, got {describe(n_units)}")
    return int(n_units)


def frozen(array, dtype=np.float64):
    """A read-only copy of ``array`` (models never share or expose writable arrays)."""
    out = np.array(array, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


def frozen_tables(tables):
    """A model's derived arrays, read-only, in a mapping that cannot be changed."""

    def freeze(value):
        if isinstance(value, np.ndarray):
            return frozen(value, dtype=value.dtype)
        if isinstance(value, tuple):
            return tuple(freeze(v) for v in value)
        return value

    return MappingProxyType({name: freeze(value) for name, value in tables.items()})


def check_allocation(name: str, value, n_bytes: float, what: str):
    """Refuse a model whose construction would allocate more than the available memory.

    Called before the arrays are made, with their total size ``n_bytes``, so a
    huge ``n_units`` or ``n_side`` fails with the size named instead of in
    numpy's allocator (or the out-of-memory killer).
    """
    check_bytes(name, value, n_bytes, what, estimate=True)


def relax(field, x, tau, *, tol=1e-10, max_steps=200_000):
    """Integrate dx/dt = field(x) by Euler steps of 0.2 tau until max|dx/dt| * tau < tol."""
    h = 0.2 * tau
    for _ in range(max_steps):
        slope = field(x)
        if np.max(np.abs(slope)) * tau < tol:
            return x, True
        x = x + h * slope
        if not np.all(np.isfinite(x)):
            break
    return x, False


def fields_state(model) -> dict:
    """What a model pickles: its dataclass fields only (the derived arrays are rebuilt)."""
    return {field.name: getattr(model, field.name) for field in dataclasses.fields(model)}


def restore_fields(model, state: dict) -> None:
    """Unpickle a model: set its fields and rebuild (and re-freeze) what it derives from them."""
    for name, value in state.items():
        object.__setattr__(model, name, value)
    model.__post_init__()
