r"""The steps of :func:`~attractors.analysis.compare`: models and time scales, attractors, runs.

``_named`` checks the models; ``_time_scales`` puts models with different
``time_unit`` on one time axis (each in its own time constant, or as the user
says); ``_own_stationary_state`` finds a model's own attractor state (a
``stationary_state()`` method or a ``bump_profile`` closed form);
``_run_to_rest`` runs from a random state and refuses one that is not at rest;
``_cue_and_run`` runs the cued trials until at rest within a bound.
"""

from __future__ import annotations

import numpy as np

from .._simulate import simulate
from .._system import DiscreteSystem
from .._validate import ParameterError, check_positive, describe
from ._stability import _check_system

__all__: list[str] = []


def _named(models):
    if isinstance(models, dict):
        items = list(models.items())
    else:
        try:
            items = [(m.name, m) for m in models]
        except (TypeError, AttributeError):
            raise ParameterError(f"models must be a dict name -> system or a list of systems, got "
                                 f"{describe(models)}") from None
    names = [str(name) for name, _ in items]
    if len(set(names)) != len(names):
        names = [f"{name} {k}" for k, name in enumerate(names)]
    for _, system in items:
        _check_system(system)
    if not items:
        raise ParameterError("models is empty")
    return names, [system for _, system in items]


def _time_scales(names, systems, time_scales):
    """Model time units per common time unit, the common unit's name, and how it was chosen."""
    units = [getattr(s, "time_unit", "") or "model time units" for s in systems]
    if time_scales is not None:
        if not isinstance(time_scales, dict) or set(time_scales) != set(names):
            raise ParameterError(f"time_scales must be a dict naming every model ({names}), got "
                                 f"{describe(time_scales)}")
        scales = [check_positive(f"time_scales[{name!r}]", time_scales[name]) for name in names]
        return scales, "common time units", ("given by time_scales: one common time unit is "
                                             + ", ".join(f"{s:g} {u} of {n}" for n, s, u in
                                                         zip(names, scales, units)))
    if len(set(units)) == 1:
        return [1.0] * len(systems), units[0], f"every model's time is in {units[0]}"
    scales = []
    for name, system in zip(names, systems):
        if isinstance(system, DiscreteSystem):
            scales.append(1.0)  # one sweep of updates: a unit's response time
            continue
        try:
            rate = float(np.mean(system.leak_rate()))
        except NotImplementedError:
            raise ParameterError(
                f"the models' time units differ ({dict(zip(names, units))}) and {name} declares "
                "no leak_rate() to scale its time by; give time_scales={name: model time units "
                "per common time unit, ...}") from None
        if not np.isfinite(rate) or rate <= 0:
            raise ParameterError(f"{name}'s leak rate {rate:g} gives no time constant; give "
                                 "time_scales")
        scales.append(1.0 / rate)
    how = ("time units differ, so each model's time is counted in its own time constant "
           "(tau = 1/leak_rate() for a flow, one sweep of updates for a map): "
           + ", ".join(f"1 tau = {s:g} {u} of {n}" for n, s, u in zip(names, scales, units)))
    return scales, "tau", how


def _own_stationary_state(system):
    """The model's own attractor state, and where it came from; (None, None) if it has none."""
    method = getattr(system, "stationary_state", None)
    if callable(method):
        return np.asarray(method(), dtype=np.float64), "stationary_state()"
    profile = getattr(system, "bump_profile", None)
    if callable(profile):
        dim = int(getattr(system, "dim", 1))
        return (np.asarray(profile(0.0 if dim == 1 else np.zeros(dim)), dtype=np.float64),
                "bump_profile(0) (closed form)")
    return None, None


def _run_to_rest(system, name, seed, t_span, dt, tol):
    """The end of a run from a random state, refused if it is not at rest by t_span.

    At rest: max|F| <= tol max|x| at the end.  The stop test inside simulate() needs an
    absolute tolerance, taken from the current state's size; as the state shrinks or
    grows on its way the run resumes with the tolerance of where it is (a few times at
    most), within the same total time.
    """
    x = system.initial_state(np.random.default_rng(seed), None)
    discrete = isinstance(system, DiscreteSystem)
    remaining, at_rest = float(t_span), False
    for _ in range(5):
        size = max(float(np.max(np.abs(x))), 1e-300)
        run = simulate(system, x, t_span=remaining, dt=None if discrete else dt, seed=seed,
                       stop_at_fixed_point=True, tol=None if discrete else tol * size)
        x = run.state.values[-1]
        remaining -= float(run.time.values[-1] - run.time.values[0])
        step = 1.0 if discrete else dt
        remaining = step * round(remaining / step)  # a whole number of steps, no round-off
        if discrete:
            at_rest = bool(run.converged.values)
        else:
            speed = float(np.max(np.abs(system.vector_field(0.0, x, None))))
            at_rest = speed <= tol * max(float(np.max(np.abs(x))), 1e-300)
        if at_rest or remaining < step:
            break
    if not at_rest:
        raise ParameterError(f"{name} ({system.name}) has no stationary_state() and a run from a "
                             f"random state is not at rest after {t_span:g} of its time units; "
                             f"give targets={{{name!r}: <a state on its attractor>}} or a longer "
                             "max_t_span")
    return np.asarray(x, dtype=np.float64)


def _cue_and_run(system, cues, *, t_span, max_t_span, dt, every, tol_abs, seed):
    """Noiseless runs from the cues until at rest: the first t_span recorded densely, the rest
    (up to max_t_span) only until every trial is at rest.  Returns final states, at-rest
    flags, times at rest (NaN if not), and the (time, mean energy) records."""
    discrete = isinstance(system, DiscreteSystem)
    options = dict(stop_at_fixed_point=True, seed=seed)
    if not discrete:
        options.update(dt=dt, tol=tol_abs)
    first = simulate(system, cues, t_span=t_span, record_every=1 if discrete else every,
                     **options)
    runs = [first]
    converged = np.asarray(first.converged.values, dtype=bool)
    if not converged.all() and max_t_span > t_span:
        rest_start = first.state.transpose("trial", "time", "unit").values[:, -1]
        total = (max_t_span - t_span) / (1.0 if discrete else dt)
        runs.append(simulate(system, rest_start, t_span=max_t_span - t_span,
                             record_every=max(1, int(total // 50)), **options))
    final = runs[-1].state.transpose("trial", "time", "unit").values[:, -1]
    t_rest = np.full(cues.shape[0], np.nan)
    offset = 0.0
    times, energies = [], []
    for k, run in enumerate(runs):
        t = run.time.values - run.time.values[0] + offset
        t_conv = np.asarray(run.t_converged.values, dtype=np.float64) - run.time.values[0] + offset
        newly = np.isnan(t_rest) & np.asarray(run.converged.values, dtype=bool)
        t_rest[newly] = t_conv[newly]
        if "energy" in run:
            keep = slice(None) if k == 0 else slice(1, None)
            times.append(t[keep])
            energies.append(run.energy.mean("trial").values[keep])
        offset = t[-1]
    if discrete:
        at_rest = np.asarray(runs[-1].converged.values, dtype=bool)
    else:
        speed = np.max(np.abs(system.vector_field(0.0, final, None)), axis=-1)
        at_rest = speed <= tol_abs
    t_rest[~at_rest] = np.nan
    record = (np.concatenate(times), np.concatenate(energies)) if times else None
    return final, at_rest, t_rest, offset, record


def _overlaps(final, x_star):
    centred = final - final.mean(axis=-1, keepdims=True)
    target = x_star - x_star.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        overlap = centred @ target / (np.linalg.norm(centred, axis=-1) * np.linalg.norm(target))
    return np.nan_to_num(overlap)
