"""What ends a run and what it reports: the typed run result and the fixed-point tests.

A fixed-point test is a small per-run object with two hooks that the stepping
loop of :func:`attractors.simulate` calls: ``after_step`` after every step (only
where ``per_step`` is set: a map is tested step by step) and ``at_record``
after every recorded state (a flow is tested at the records).  Each returns
True when the run may stop.  The test keeps ``converged`` and ``t_converged``
per trial, which the run result carries into the trajectory.
"""

from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["FlowFixedPoint", "MapFixedPoint", "NoStop", "RunResult", "stop_criterion"]


@dataclasses.dataclass(frozen=True)
class RunResult:
    """What a stepping loop (fixed-step or adaptive) hands to the trajectory builder.

    Attributes
    ----------
    states : ndarray, shape (n_records, ..., n_units)
        The recorded states.
    times : ndarray, shape (n_records,)
        Their times.
    status : {"completed", "converged", "blew_up", "failed"}
        How the run ended.
    message : str
        A sentence saying how and when.
    steps_taken : int
        Steps (grid steps for the adaptive solver) up to where the run ended.
    converged, t_converged : ndarray or None
        Per trial: at a fixed point at the end, and since when (NaN if not);
        None when no fixed-point test ran.
    energy : ndarray, shape (n_records, ...), or None
        The energies of the records where the stepper read them from its run
        state (``DiscreteSystem.energy_of_run``); None: evaluated from the
        records afterwards.
    """

    states: np.ndarray
    times: np.ndarray
    status: str
    message: str
    steps_taken: int
    converged: np.ndarray | None = None
    t_converged: np.ndarray | None = None
    energy: np.ndarray | None = None


class NoStop:
    """No fixed-point test: the run goes to its end; nothing is reported per trial."""

    per_step = False
    converged = t_converged = None

    def at_record(self, t, x) -> bool:
        return False


class FlowFixedPoint:
    r"""A flow is at a fixed point where :math:`\max_i |F_i(t, x)| \le` ``tol``, tested at records.

    A trial's ``t_converged`` is the first record from which every later record
    is at rest (NaN when the last is not).
    """

    per_step = False

    def __init__(self, system, source, tol, t0, x0):
        self.field, self.source, self.tol = system.vector_field, source, tol
        self.converged = self._at_rest(t0, x0)
        self.t_converged = np.where(self.converged, t0, np.nan)

    def _at_rest(self, t, x):
        u = None if self.source is None else self.source(t)
        return np.max(np.abs(self.field(t, x, u)), axis=-1) <= self.tol

    def at_record(self, t, x) -> bool:
        now = self._at_rest(t, x)
        self.t_converged[now & ~self.converged] = t
        self.t_converged[~now] = np.nan
        self.converged = now
        return bool(now.all())


class MapFixedPoint:
    """A map is at a fixed point where a whole time unit of updates leaves the state unchanged.

    The change is tested exactly (``tol = 0``) or as ``max |x' - x| <= tol``.
    For a map whose update advances 1/k of its time unit (a Hopfield sweep
    split into k parts) the test runs at unit boundaries, against the state at
    the start of the unit, and ``t_converged`` is the time of that state.  The
    test always runs for maps (the trajectory always reports convergence);
    ``stop`` says whether reaching it ends the run.
    """

    per_step = True

    def __init__(self, tol, t0, dt, x0, stop):
        per_unit = round(1.0 / dt) if dt < 1 else 1
        if abs(per_unit * dt - 1.0) > 1e-9:  # the update is no whole fraction of the time unit
            per_unit = 1
        self.per_unit, self.tol, self.t0, self.dt, self.stop = per_unit, tol, t0, dt, stop
        self.unit_start = x0
        self.converged = np.zeros(x0.shape[:-1], dtype=bool)
        self.t_converged = np.full(x0.shape[:-1], np.nan)

    def after_step(self, k, x) -> bool:
        """Test after step ``k`` (counted from 1) produced ``x``."""
        if self.per_unit == 1 or k % self.per_unit == 0:
            if self.tol:
                now = np.abs(x - self.unit_start).max(axis=-1) <= self.tol
            else:
                now = ~(x != self.unit_start).any(axis=-1)
            # unit_start is a fixed point (reached at t_start) if the time unit
            # from it left it unchanged.
            t_start = self.t0 + (k - self.per_unit) * self.dt
            self.t_converged[now & ~self.converged] = t_start
            self.t_converged[~now] = np.nan
            self.converged = now
            self.unit_start = x
        return self.stop and bool(self.converged.all())

    def at_record(self, t, x) -> bool:
        return self.stop and bool(self.converged.all())


def stop_criterion(system, discrete, stop, tol, t0, dt, x0, source):
    """The fixed-point test of one run (maps are always tested; flows when asked)."""
    if discrete:
        return MapFixedPoint(tol, t0, dt, x0, stop)
    if stop:
        return FlowFixedPoint(system, source, tol, t0, x0)
    return NoStop()
