r"""The ring's stationary bump and head-direction tracking, as functions of a ring model.

:func:`stationary_bump` finds the stationary bump of a ring (Zhang's or the
two-population one) once per set of dynamics and keeps it, read-only, in a
process-wide table keyed by the parameters (the models themselves hold no
caches and never change after construction, so threads can share them).
:func:`track_heading` runs :meth:`RingAttractor.track
<attractors.models.RingAttractor.track>`; it checks that the bump it starts
from is settled and says so in the result.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np

from .._bump import TrackingError, tracking_error
from .._settle import relative_rate
from .._validate import ParameterError, check_finite_array, check_positive
from ._ring_common import frozen

__all__ = ["SETTLED_TOLERANCE", "stationary_bump", "track_heading"]

#: A state counts as settled when :func:`attractors._settle.relative_rate`
#: (the fraction of its size it changes per time constant) is below this.  The
#: stationary bumps are relaxed to ~1e-10 of their size; 1e-6 leaves room for
#: round-off in the shift to another position and is far below any drift
#: measured on the ring (a drift of 1e-6 of the bump per tau is 1e-7 rad/ms).
SETTLED_TOLERANCE = 1e-6

_BUMPS: dict = {}
_LOCK = threading.Lock()


def _key(model):
    """What determines the stationary bump: every field except how inputs are read."""
    items = []
    for field in dataclasses.fields(model):
        if field.name == "drive":
            continue
        value = getattr(model, field.name)
        if isinstance(value, np.ndarray):
            value = (value.shape, value.tobytes())
        elif dataclasses.is_dataclass(value):
            value = _key(value)
        try:
            hash(value)
        except TypeError:
            value = ("id", id(value))
        items.append((field.name, value))
    return (type(model).__qualname__, tuple(items))


def stationary_bump(model, find):
    """The read-only stationary bump of ``model`` at position 0, from ``find(model)`` once.

    ``find`` relaxes the dynamics; its result is kept per set of parameters
    (at most 64 different rings: the oldest is forgotten first).
    """
    key = _key(model)
    with _LOCK:
        entry = _BUMPS.get(key)
    if entry is not None:
        return entry[1]
    state = frozen(find(model))
    with _LOCK:
        if len(_BUMPS) >= 64:
            _BUMPS.pop(next(iter(_BUMPS)))
        # The model is kept with its bump so that an id() in the key is never reused.
        _BUMPS[key] = (model, state)
    return state


def track_heading(ring, angular_velocity, *, dt, initial_heading, solver, record_every, seed):
    """The body of :meth:`RingAttractor.track` (see there)."""
    from .._simulate import simulate
    from ..inputs import Sampled

    dt = check_positive("dt", dt)
    omega = check_finite_array("angular_velocity", angular_velocity, dtype=np.float64)
    if omega.ndim != 1 or omega.size < 2:
        raise ParameterError(
            f"angular_velocity must be a 1-D series of >= 2 samples, got shape {omega.shape}")
    initial_heading = float(initial_heading)
    if not np.isfinite(initial_heading):
        raise ParameterError(f"initial_heading must be finite, got {initial_heading!r}")
    model = dataclasses.replace(ring, drive="velocity")
    start = ring.stationary_state(initial_heading)
    # The moving bump is an exact solution only from the settled bump: check it.
    rate = float(relative_rate(lambda x: ring.vector_field(0.0, x), start, ring.tau))
    if not rate < SETTLED_TOLERANCE:
        raise ParameterError(
            f"the ring's stationary bump is not settled (it changes by {rate:.3g} of its size "
            f"per tau, above {SETTLED_TOLERANCE:g}), so tracking would measure a transient")
    times = dt * np.arange(omega.size)
    run = simulate(model, start, n_steps=omega.size - 1, dt=dt, solver=solver,
                   inputs=Sampled(times, omega), record_every=record_every, seed=seed)
    true_all = initial_heading + np.concatenate(
        ([0.0], np.cumsum(0.5 * dt * (omega[1:] + omega[:-1]))))
    index = np.rint(run["time"].values / dt).astype(int)
    true = true_all[index]
    result: TrackingError = tracking_error(run["heading"].values, true, run["time"].values)
    run["true_heading"] = ("time", true, {"long_name": "true heading", "units": "rad"})
    run["heading_error"] = ("time", result.error,
                            {"long_name": "decoded minus true heading", "units": "rad"})
    run.attrs["drift"] = float(result.drift)
    run.attrs["rms_error"] = float(result.rms)
    run.attrs["settled"] = 1
    run.attrs["settle_time"] = 0.0
    run.attrs["settle_rate"] = rate
    run.attrs["settle_tolerance"] = SETTLED_TOLERANCE
    return run
