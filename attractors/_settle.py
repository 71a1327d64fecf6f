r"""Has an attractor settled?  The rate-of-change test and a run that goes on until it passes.

Measurements that assume a state at rest on its attractor (the velocity gain
of a grid-cell sheet, a ring's drift and diffusion, head-direction tracking)
use :func:`settle` instead of a fixed transient: it runs the model until the
state changes by less than ``tolerance`` of its size per time constant
(:func:`relative_rate`), within a bound, and says whether it got there.  A
core module: models and analysis both use it.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from ._validate import ParameterError, check_positive

__all__ = ["Settled", "relative_rate", "settle"]


def relative_rate(field, x, time_constant: float) -> np.ndarray:
    r"""How fast a state still changes, per trial: :math:`\tau \max_i |\dot x_i| / \max_i |x_i|`.

    Dimensionless: the fraction of the state's size that changes in one time
    constant :math:`\tau`.  At a fixed point, or a pattern at rest, it is 0
    (round-off: ~1e-15); while a pattern forms or a transient decays it is
    of order :math:`e^{-t/t_{relax}}`.  Meant for attractor states away from
    zero (bumps, patterns): for a state decaying to the origin the ratio
    does not fall (both the slope and the size decay).

    Parameters
    ----------
    field : callable
        ``field(x) -> dx/dt``, shape of ``x``.
    x : ndarray, shape (..., n_units)
    time_constant : float
        :math:`\tau` (for a model, ``1 / model.leak_rate()``).

    Examples
    --------
    >>> x = np.array([1.0, -2.0])
    >>> float(relative_rate(lambda u: -0.01 * u, x, 10.0))   # 10 * 0.02 / 2
    0.1
    """
    slope = np.abs(np.asarray(field(x), dtype=np.float64)).max(axis=-1)
    size = np.abs(np.asarray(x, dtype=np.float64)).max(axis=-1)
    return time_constant * slope / np.maximum(size, 1e-300)


class Settled(NamedTuple):
    """The result of :func:`settle`."""

    #: The last state, shape of ``x0``.
    state: np.ndarray
    #: Whether :func:`relative_rate` fell below the tolerance (every trial).
    settled: bool
    #: The time run (model time units) when the test passed, or when the bound stopped it.
    settle_time: float
    #: The largest relative rate over trials at that time.
    rate: float


def settle(system, x0, *, tolerance: float, min_time: float, max_time: float, check_every: float,
           dt: float, solver="euler", inputs=None, what: str = "the measurement") -> Settled:
    r"""Run ``system`` from ``x0`` until its state has settled, within a bound.

    Runs ``min_time``, then in steps of ``check_every`` until
    :func:`relative_rate` (with :math:`\tau = 1/` ``system.leak_rate()``) is
    below ``tolerance`` for every trial, or ``max_time`` is reached; then a
    :class:`RuntimeWarning` says that ``what`` will see a state that is still
    moving.  Runs are deterministic continuations (the solver takes no noise),
    so the result is the same as one run of the length reached.

    Returns
    -------
    Settled
        ``(state, settled, settle_time, rate)``.
    """
    from ._simulate import simulate

    tolerance = check_positive("tolerance", tolerance)
    min_time = check_positive("min_time", min_time, allow_zero=True)
    max_time = check_positive("max_time", max_time)
    check_every = check_positive("check_every", check_every)
    if max_time < min_time:
        raise ParameterError(f"max_time must be at least min_time = {min_time:g}, got {max_time:g}")
    tau = 1.0 / system.leak_rate()
    x = np.asarray(x0, dtype=np.float64)

    def rate_of(state):
        return float(np.max(relative_rate(lambda u: system.vector_field(0.0, u, inputs), state, tau)))

    elapsed = 0.0
    chunk = min_time
    while True:
        if chunk > 0:
            run = simulate(system, x, t_span=chunk, dt=dt, solver=solver, inputs=inputs,
                           record_every=max(1, int(round(chunk / dt))), record_energy=False)
            x = run.state.values[-1]
            elapsed += chunk
        rate = rate_of(x)
        if rate < tolerance:
            return Settled(x, True, elapsed, rate)
        if elapsed >= max_time - 1e-9 * max_time:
            warnings.warn(
                f"{system.name} has not settled after {elapsed:g} {system.time_unit or 'time units'}"
                f" (its state still changes by {rate:.2g} of its size per time constant, above "
                f"{tolerance:g}): {what} sees a moving state; raise the bound or the tolerance",
                RuntimeWarning, stacklevel=3)
            return Settled(x, False, elapsed, rate)
        chunk = min(check_every, max_time - elapsed)
