r"""Attractor classification: fixed point, periodic, quasi-periodic, chaotic or divergent.

A batch of starts runs as one vectorised record (the solver's stepper on shape
``(n_trials, n_units)``); each trial's record is then judged in this order, the
evidence kept as data:

1. **divergent**: a non-finite state, or one beyond ``bound``;
2. **fixed point**: the record's extent (largest range of a unit) below
   ``tolerance`` times the state's size;
3. **periodic**: the crossings of a Poincare section (a flow) or the states
   themselves (a map) recur within ``tolerance`` of the extent, with the period;
4. otherwise bounded and aperiodic: the largest Lyapunov exponent (tangent
   dynamics, batched over those trials) above ``chaos_threshold`` is
   **chaotic**, else **quasi-periodic** (a torus: exponent zero, no recurrence).

This follows the recurrence idea of Attractors.jl's mappers (Datseris, Luiz &
Parlitz 2023) with the cheaper tests tried first.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._simulate import _resolve_rng
from .._system import ContinuousSystem, DiscreteSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe
from ._basins import wilson_interval
from ._lyapunov import largest_lyapunov_exponent
from ._periodic import _fixed_step, record_flow, recurrence, section_crossings
from ._stability import _time_units

__all__ = ["ATTRACTOR_TYPES", "classify_attractor"]

#: The labels, in the order of the ``attractor_type`` coordinate of the fractions.
ATTRACTOR_TYPES = ("fixed_point", "periodic", "quasi_periodic", "chaotic", "divergent")


def _record(system, x0, is_map, dt, n_transient, n_record, solver, rng):
    if not is_map:
        return record_flow(system, x0, dt=dt, n_transient=n_transient, n_record=n_record,
                           solver=solver, rng=rng)
    x = x0
    states = np.empty((n_record,) + x0.shape)
    with np.errstate(all="ignore"):
        for _ in range(n_transient):
            x = system.update(x, rng, None)
        for i in range(n_record):
            states[i] = x
            x = system.update(x, rng, None)
    return states


def _period_of(system, record, is_map, dt, gap, max_period):
    """(period, returns per period) of one trial's record (time, unit), or (NaN, 0)."""
    if is_map:
        m = recurrence(record, gap, max_period)
        return (float(m), m) if m else (np.nan, 0)
    field = system.vector_field(0.0, record[0])
    norm = np.linalg.norm(field)
    if norm == 0:
        return np.nan, 0
    times, points = section_crossings(record, field / norm, dt)
    m = recurrence(points, gap, max_period)
    if not m:
        return np.nan, 0
    return float(np.mean(times[m:] - times[:-m])), m


def classify_attractor(system, x0, *, dt=0.01, transient=100.0, t_search=100.0, solver="rk4",
                       tolerance=1e-3, max_period=16, bound=1e6, chaos_threshold=0.02,
                       t_lyapunov=None, confidence=0.95, rng=None, seed=None):
    r"""Label the attractor each start reaches: fixed point, periodic, quasi-periodic, chaotic, divergent.

    After ``transient``, each trial's record of length ``t_search`` is tested
    in turn: divergent (non-finite or :math:`\max|x| >` ``bound``), fixed point
    (every unit's range :math:`\le` ``tolerance`` :math:`(1 + \max|x|)`),
    periodic (section crossings of a flow, or states of a map, recurring within
    ``tolerance`` times the record's extent after m <= ``max_period`` returns),
    and otherwise by the largest Lyapunov exponent :math:`\lambda_1` over
    ``t_lyapunov``: chaotic when :math:`\lambda_1 >` ``chaos_threshold``,
    quasi-periodic otherwise.  A zero exponent's finite-time estimate is
    :math:`O(1/T)`, which sets the threshold's scale.

    Parameters
    ----------
    system : ContinuousSystem or DiscreteSystem
        A deterministic model.
    x0 : array_like, shape (n_trials, n_units) or (n_units,)
        Starts, run as one vectorised batch.
    dt : float
        Step of a flow's record (ignored for a map).
    transient, t_search : float
        Time run first, and length of the record judged (steps for a map).
    solver : str or Solver
        Deterministic fixed-step solver for a flow.
    tolerance : float
        Relative tolerance of the fixed-point and recurrence tests.
    max_period : int
        Most section crossings (flow) or steps (map) per period.
    bound : float
        Largest :math:`\max|x|` of a bounded trajectory.
    chaos_threshold : float
        Smallest largest-exponent called chaotic (per unit of time).
    t_lyapunov : float, optional
        Length of the exponent's measurement (default ``t_search``).
    confidence : float
        Level of the Wilson intervals on the fractions.
    rng, seed : numpy.random.Generator or int, optional
        For the tangent vectors and any randomness of the solver.

    Returns
    -------
    xarray.Dataset
        Per ``trial``: ``label`` (a string of :data:`ATTRACTOR_TYPES`),
        ``period`` (NaN unless periodic), ``returns_per_period``,
        ``largest_exponent`` (NaN where not needed), ``extent``,
        ``final_state``.  Per ``attractor_type``: ``count``, ``fraction``,
        ``fraction_low`` and ``fraction_high`` (Wilson interval): the basin
        fractions over attractors of every type.

    References
    ----------
    G. Datseris, K. L. Rossi and A. Wagemakers, Chaos 33, 073151 (2023) (Attractors.jl).
    G. Benettin et al., Meccanica 15, 9 (1980).

    Examples
    --------
    >>> import numpy as np
    >>> import attractors
    >>> from attractors.analysis import classify_attractor
    >>> class Logistic(attractors.DiscreteSystem):
    ...     n_units = 1
    ...     def update(self, x, rng=None, inputs=None):
    ...         return 3.2 * x * (1 - x)
    ...     def initial_state(self, rng, n_trials=None):
    ...         return rng.uniform(size=self._batch_shape(n_trials))
    >>> result = classify_attractor(Logistic(), [[0.3], [1.5]], transient=200, t_search=50)
    >>> result.label.values.tolist(), result.period.values.tolist()
    (['periodic', 'divergent'], [2.0, nan])
    """
    if not isinstance(system, (ContinuousSystem, DiscreteSystem)):
        raise ParameterError(f"system must be a ContinuousSystem or DiscreteSystem, got "
                             f"{describe(system)}")
    x0 = check_finite_array("x0", x0, dtype=np.float64)
    batched = x0.ndim == 2
    if x0.ndim not in (1, 2) or x0.shape[-1] != system.n_units:
        raise ParameterError(f"x0 must have shape ({system.n_units},) or (n_trials, "
                             f"{system.n_units}) for {system.name}, got shape {x0.shape}")
    x0 = x0 if batched else x0[None]
    is_map = isinstance(system, DiscreteSystem)
    dt = 1.0 if is_map else check_positive("dt", dt)
    n_transient = int(round(check_positive("transient", transient, allow_zero=True) / dt))
    n_record = int(round(check_positive("t_search", t_search) / dt))
    tolerance = check_positive("tolerance", tolerance)
    max_period = check_integer("max_period", max_period, minimum=1)
    bound = check_positive("bound", bound)
    chaos_threshold = check_positive("chaos_threshold", chaos_threshold)
    t_lyapunov = t_search if t_lyapunov is None else check_positive("t_lyapunov", t_lyapunov)
    solver = None if is_map else _fixed_step(solver)
    rng, seed = _resolve_rng(rng, seed)

    label, period, returns, exponent, extent, records = _classify_records(
        system, x0, is_map, dt, n_transient, n_record, solver, tolerance, max_period, bound,
        chaos_threshold, t_lyapunov, rng)
    return _classification_dataset(system, batched, label, period, returns, exponent, extent,
                                   records[-1], confidence, {
                                       "model": system.name, "tolerance": tolerance,
                                       "chaos_threshold": chaos_threshold, "t_search": t_search,
                                       "transient": transient, "dt": dt,
                                       "seed": -1 if seed is None else seed})


def _classify_records(system, x0, is_map, dt, n_transient, n_record, solver, tolerance,
                      max_period, bound, chaos_threshold, t_lyapunov, rng):
    """Validated settings -> (label, period, returns, exponent, extent, records).

    ``records`` has shape (n_record, n_trials, n_units): the trajectories judged.
    """
    records = _record(system, x0, is_map, dt, n_transient, n_record, solver, rng)
    n = x0.shape[0]
    label = np.full(n, "", dtype=object)
    period, returns = np.full(n, np.nan), np.zeros(n, dtype=np.int64)
    exponent = np.full(n, np.nan)
    with np.errstate(all="ignore"):
        size = np.max(np.abs(records), axis=(0, 2))
        extent = np.max(np.ptp(records, axis=0), axis=-1)
    divergent = ~np.isfinite(size) | (size > bound)
    label[divergent] = "divergent"
    fixed = ~divergent & (extent <= tolerance * (1.0 + size))
    label[fixed] = "fixed_point"
    for trial in np.flatnonzero(label == ""):  # analysis of recorded data, not stepping
        period[trial], returns[trial] = _period_of(system, records[:, trial], is_map, dt,
                                                   tolerance * extent[trial], max_period)
        if returns[trial]:
            label[trial] = "periodic"
    rest = np.flatnonzero(label == "")
    if rest.size:
        measured = largest_lyapunov_exponent(
            system, records[-1, rest], dt=dt, solver=solver if solver else "rk4",
            **({"n_steps": max(int(round(t_lyapunov)), 1)} if is_map else {"t_span": t_lyapunov}),
            transient=t_lyapunov / 10, rng=rng)  # lets the tangent vector align first
        exponent[rest] = measured.exponent.values
        label[rest] = np.where(exponent[rest] > chaos_threshold, "chaotic", "quasi_periodic")
    return label, period, returns, exponent, extent, records


def _classification_dataset(system, batched, label, period, returns, exponent, extent, final,
                            confidence, attrs):
    counts = np.array([np.sum(label == kind) for kind in ATTRACTOR_TYPES])
    low, high = wilson_interval(counts, np.full(counts.shape, label.size), confidence)
    unit = _time_units(system)
    state = "model state units"
    per_trial = {
        "label": (label.astype(str), {"units": "1", "long_name": "type of attractor reached"}),
        "period": (period, {"units": unit, "long_name": "period (NaN unless periodic)"}),
        "returns_per_period": (returns, {"units": "1",
                                         "long_name": "section crossings (flow) or steps "
                                                      "(map) per period"}),
        "largest_exponent": (exponent, {"units": f"1/{system.time_unit}" if system.time_unit
                                        else "1/time unit",
                                        "long_name": "largest Lyapunov exponent"}),
        "extent": (extent, {"units": state,
                            "long_name": "largest range of a unit over the record"}),
    }
    lead = ("trial",) if batched else ()
    pick = (lambda a: a) if batched else (lambda a: a[0])
    fractions = {"units": "1"}
    data = xr.Dataset(
        {name: (lead, pick(values), meta) for name, (values, meta) in per_trial.items()}
        | {"final_state": (lead + ("unit",), pick(final),
                           {"units": state, "long_name": "state at the end"}),
           "count": (("attractor_type",), counts,
                     fractions | {"long_name": "starts that reached this type"}),
           "fraction": (("attractor_type",), counts / label.size,
                        fractions | {"long_name": "fraction of starts reaching this type"}),
           "fraction_low": (("attractor_type",), low, fractions | {
               "long_name": "lower end of the Wilson interval of the fraction"}),
           "fraction_high": (("attractor_type",), high, fractions | {
               "long_name": "upper end of the Wilson interval of the fraction"})},
        coords={"attractor_type": list(ATTRACTOR_TYPES)}, attrs=attrs)
    if batched:
        data = data.assign_coords(trial=np.arange(label.size))
    return data
