r"""Periodic orbits: detection from a trajectory, Newton shooting, Floquet multipliers.

A flow's trajectory is cut by the Poincare section through one of its states,
normal to the vector field there; when the crossing points repeat (every m
crossings, to a tolerance) the trajectory has reached a cycle, and the time
between repeats is its period.  Newton shooting then solves
:math:`\Phi_T(x) = x` with the phase condition :math:`F(x_0)^\top (x - x_0) = 0`
for the state and the period together, and the monodromy matrix
:math:`M = D\Phi_T(x)` (the tangent dynamics over one period) gives the Floquet
multipliers.  For a map, a cycle of period k is found by recurrence,
:math:`x_{n+k} = x_n`, and its multipliers are the eigenvalues of
:math:`D(F^k)`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._simulate import _resolve_rng
from .._system import ContinuousSystem, DiscreteSystem
from .._validate import (
    ParameterError,
    check_finite_array,
    check_integer,
    check_positive,
    describe,
)
from ..solvers import Adaptive, EulerMaruyama, MapStepper, get_solver
from ._lyapunov import _central, _Tangent
from ._stability import _time_units

__all__ = ["periodic_orbit"]


def _fixed_step(solver):
    solver = get_solver(solver)
    if isinstance(solver, (Adaptive, MapStepper)) or (
            isinstance(solver, EulerMaruyama) and np.any(solver.noise != 0)):
        raise ParameterError(f"solver must be a deterministic fixed-step solver (euler, heun, "
                             f"rk4, exponential_euler), got {solver!r}")
    return solver


def _tangent_kind(system):
    try:
        system.jacobian(0.0, np.zeros(system.n_units), None)
        return "jacobian"
    except NotImplementedError:
        return "finite_difference"


def record_flow(system, x0, *, dt, n_transient, n_record, solver="rk4", rng=None):
    """States of a flow every ``dt`` after a transient: shape (n_record, ..., n_units)."""
    step = _fixed_step(solver).make_stepper(system, dt, None, rng)
    x, t = np.asarray(x0, dtype=np.float64), 0.0
    with np.errstate(all="ignore"):  # a diverging run becomes inf / NaN, judged by the caller
        for _ in range(n_transient):
            x = step(t, x)
            t += dt
        states = np.empty((n_record,) + x.shape)
        for i in range(n_record):
            states[i] = x
            x = step(t, x)
            t += dt
    return states


def section_crossings(states, normal, dt):
    """Times and points where ``states`` (time, unit) cross the plane through states[0]."""
    side = (states - states[0]) @ normal
    i = np.flatnonzero((side[:-1] < 0) & (side[1:] >= 0))
    fraction = -side[i] / (side[i + 1] - side[i])
    times = (i + fraction) * dt
    points = states[i] + fraction[:, None] * (states[i + 1] - states[i])
    return times, points


def recurrence(points, tolerance, max_period):
    """Smallest m with ``points[n + m]`` within ``tolerance`` of ``points[n]`` for the last m n."""
    for m in range(1, max_period + 1):
        if len(points) < 2 * m + 1:
            return None
        gap = np.linalg.norm(points[-m:] - points[-2 * m:-m], axis=-1)
        if np.all(gap <= tolerance):
            return m
    return None


def _monodromy_flow(system, solver, x, period, n_steps, tangent, rng):
    """Integrate state and identity tangent over ``period``: (x(T), M, orbit states)."""
    n = system.n_units
    step = solver.make_stepper(_Tangent(system, tangent, n), period / n_steps, None, rng)
    y = np.concatenate([x[None], np.eye(n)])[None]
    orbit = np.empty((n_steps, n))
    for i in range(n_steps):
        orbit[i] = y[0, 0]
        y = step(i * period / n_steps, y)
    return y[0, 0], y[0, 1:].T, orbit


def _shoot_flow(system, solver, x, period, n_steps, tolerance, max_iterations, rng):
    """Newton shooting on (x, T): Phi_T(x) = x with the phase condition F(x)^T dx = 0."""
    n, tangent = system.n_units, _tangent_kind(system)
    for iteration in range(max_iterations + 1):
        end, monodromy, orbit = _monodromy_flow(system, solver, x, period, n_steps, tangent, rng)
        residual = end - x
        if np.linalg.norm(residual) <= tolerance * (1.0 + np.linalg.norm(x)):
            return x, period, monodromy, orbit, float(np.linalg.norm(residual)), iteration
        bordered = np.zeros((n + 1, n + 1))
        bordered[:n, :n] = monodromy - np.eye(n)
        bordered[:n, n] = system.vector_field(period, end)
        bordered[n, :n] = system.vector_field(0.0, x)
        change = np.linalg.lstsq(bordered, np.concatenate([-residual, [0.0]]), rcond=None)[0]
        x, period = x + change[:n], period + change[n]
        if not (np.isfinite(period) and period > 0):
            break
    return x, period, monodromy, orbit, float(np.linalg.norm(residual)), -1


def _map_power(system, x, k, rng):
    """(F^k(x), D(F^k)(x), the k states of the cycle) by central differences."""
    n = system.n_units
    y = np.concatenate([x[None], np.eye(n)])[None]
    orbit = np.empty((k, n))
    for i in range(k):
        orbit[i] = y[0, 0]
        y = _central(lambda z: system.update(z, rng, None), y, n)
    return y[0, 0], y[0, 1:].T, orbit


def _exact_cycle(system, x, k, rng):
    """A cycle of a map with discrete states: no derivative, so NaN multipliers."""
    orbit = np.empty((k, system.n_units))
    for i in range(k):
        orbit[i] = x
        x = system.update(x, rng, None)
    residual = float(np.linalg.norm(x - orbit[0]))
    nan = np.full((system.n_units, system.n_units), np.nan)
    return orbit[0], float(k), nan, orbit, residual, 0 if residual == 0 else -1


def _shoot_map(system, x, k, tolerance, max_iterations, rng):
    """Newton on F^k(x) = x (a no-op for maps whose cycle repeats exactly)."""
    for iteration in range(max_iterations + 1):
        end, jacobian, orbit = _map_power(system, x, k, rng)
        residual = end - x
        if np.linalg.norm(residual) <= tolerance * (1.0 + np.linalg.norm(x)):
            return x, float(k), jacobian, orbit, float(np.linalg.norm(residual)), iteration
        x = x + np.linalg.lstsq(jacobian - np.eye(system.n_units), -residual, rcond=None)[0]
    return x, float(k), jacobian, orbit, float(np.linalg.norm(residual)), -1


def periodic_orbit(system, x0, *, dt=0.01, transient=100.0, t_search=100.0, solver="rk4",
                   tolerance=1e-3, max_period=16, shooting_tolerance=1e-10, max_iterations=20,
                   rng=None, seed=None):
    r"""Find the periodic orbit a trajectory reaches, polish it by shooting, give its Floquet multipliers.

    **Flows.**  After ``transient``, a record of length ``t_search`` is cut by
    the Poincare section through its first state, normal to the vector field; the
    first m for which the last m crossing points each return within ``tolerance``
    (relative to the attractor's extent) of the crossing m before gives the
    period :math:`T` (m > 1 for a period-doubled cycle).  Newton shooting then
    solves, for :math:`(x, T)`,

    .. math:: \Phi_T(x) - x = 0, \qquad F(x_0)^\top (x - x_0) = 0,

    with :math:`\Phi_T` the solver's flow map (steps of :math:`T/n`, :math:`n`
    the number of steps of ``dt`` in a period) and the monodromy matrix
    :math:`M = D\Phi_T(x)` from the tangent dynamics :math:`\dot Q = J Q`,
    :math:`Q(0) = I`.  Its eigenvalues are the Floquet multipliers: one equals 1
    (along the orbit); the cycle is stable when the others lie inside the unit
    circle (e.g. Kuznetsov 2004, sec. 1.5; Seydel 2010, ch. 7).

    **Maps.**  After ``transient`` steps, the smallest k <= ``max_period`` with
    :math:`x_{n+k} = x_n` (within ``tolerance``) for the last k points; Newton
    on :math:`F^k(x) = x` polishes a smooth map's cycle, and the multipliers
    are the eigenvalues of :math:`D(F^k)`, all inside the unit circle for a
    stable cycle.  A map with discrete states (binary units, which refuse the
    perturbed states of the differences) has an exact cycle: NaN multipliers,
    and ``is_stable`` True when the cycle repeats exactly.

    Parameters
    ----------
    system : ContinuousSystem or DiscreteSystem
        The model (deterministic; a smooth map for its multipliers).
    x0 : array_like, shape (n_units,)
        Initial state.
    dt : float
        Step of the flow's record (ignored for a map).
    transient, t_search : float
        Time run first, and length of the record searched for a recurrence
        (steps for a map; ``t_search`` then at least ``2 * max_period + 1``).
    solver : str or Solver
        Deterministic fixed-step solver for a flow.
    tolerance : float
        Recurrence tolerance, relative to the largest range of a unit over the record.
    max_period : int
        Largest number of section crossings (flow) or steps (map) per period.
    shooting_tolerance : float
        Newton stops when :math:`|\Phi_T(x) - x| \le` this times :math:`1 + |x|`.
    max_iterations : int
        Newton iterations at most.
    rng, seed : numpy.random.Generator or int, optional
        Passed to the model's update (maps) and the solver.

    Returns
    -------
    xarray.Dataset
        ``found``, ``period``, ``orbit`` (phase, unit: one period of states),
        ``amplitude`` (unit: half the range over the orbit),
        ``floquet_multiplier_real`` / ``_imag`` (mode, by decreasing modulus; join
        them with :func:`attractors.analysis.as_complex`), ``is_stable`` and the
        shooting ``residual``; attrs ``message``, ``iterations``,
        ``crossings_per_period``.

    References
    ----------
    Yu. A. Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed. (Springer, 2004).
    R. Seydel, Practical Bifurcation and Stability Analysis, 3rd ed. (Springer, 2010).

    Examples
    --------
    The logistic map at r = 3.2 has a stable 2-cycle with multiplier
    :math:`4 + 2r - r^2 = 0.16`:

    >>> import numpy as np
    >>> import attractors
    >>> from attractors.analysis import periodic_orbit
    >>> class Logistic(attractors.DiscreteSystem):
    ...     n_units = 1
    ...     def update(self, x, rng=None, inputs=None):
    ...         return 3.2 * x * (1 - x)
    ...     def initial_state(self, rng, n_trials=None):
    ...         return rng.uniform(size=self._batch_shape(n_trials))
    >>> cycle = periodic_orbit(Logistic(), [0.3], transient=200, t_search=50)
    >>> float(cycle.period), round(float(cycle.floquet_multiplier_real[0]), 8)
    (2.0, 0.16)
    """
    x0, is_map = _check_orbit(system, x0, tolerance, shooting_tolerance)
    dt = 1.0 if is_map else check_positive("dt", dt)
    n_transient = int(round(check_positive("transient", transient, allow_zero=True) / dt))
    max_period = check_integer("max_period", max_period, minimum=1)
    n_record = int(round(check_positive("t_search", t_search) / dt))
    if is_map and n_record < 2 * max_period + 1:
        raise ParameterError(f"t_search must be at least 2 * max_period + 1 = "
                             f"{2 * max_period + 1} steps, got {t_search!r}")
    max_iterations = check_integer("max_iterations", max_iterations, minimum=0)
    rng, _ = _resolve_rng(rng, seed)
    if is_map:
        states = _record_map(system, x0, n_transient, n_record, rng)
    else:
        solver = _fixed_step(solver)
        states = record_flow(system, x0, dt=dt, n_transient=n_transient, n_record=n_record,
                             solver=solver, rng=rng)
    if not np.all(np.isfinite(states)):
        return _not_found(system, "the trajectory diverged (non-finite state)")
    extent = float(np.max(np.ptp(states, axis=0)))
    if extent <= tolerance * (1.0 + float(np.max(np.abs(states)))):
        return _not_found(system, "the trajectory settles at a fixed point")
    if is_map:
        m = recurrence(states, tolerance * extent, max_period)
        if m is None:
            return _not_found(system, f"no recurrence within {max_period} steps")
        try:
            polished = _shoot_map(system, states[-1], m, shooting_tolerance, max_iterations,
                                  rng)
        except ParameterError:  # the model refuses states off its lattice (binary units)
            polished = _exact_cycle(system, states[-1], m, rng)
    else:
        field = system.vector_field(0.0, states[0])
        times, points = section_crossings(states, field / np.linalg.norm(field), dt)
        m = recurrence(points, tolerance * extent, max_period)
        if m is None:
            return _not_found(system, f"no recurrence of the section crossings within "
                                      f"{max_period} crossings over t_search")
        estimate = times[-1] - times[-1 - m]
        polished = _shoot_flow(system, solver, points[-1], estimate,
                               max(16, int(round(estimate / dt))), shooting_tolerance,
                               max_iterations, rng)
    return _orbit_dataset(system, is_map, m, *polished)


def _check_orbit(system, x0, tolerance, shooting_tolerance):
    if not isinstance(system, (ContinuousSystem, DiscreteSystem)):
        raise ParameterError(f"system must be a ContinuousSystem or DiscreteSystem, got "
                             f"{describe(system)}")
    x0 = check_finite_array("x0", x0, dtype=np.float64)
    if x0.shape != (system.n_units,):
        raise ParameterError(f"x0 must have shape ({system.n_units},) for {system.name}, got "
                             f"shape {x0.shape}")
    check_positive("tolerance", tolerance)
    check_positive("shooting_tolerance", shooting_tolerance)
    return x0, isinstance(system, DiscreteSystem)


def _record_map(system, x, n_transient, n_record, rng):
    for _ in range(n_transient):
        x = system.update(x, rng, None)
    states = np.empty((n_record, system.n_units))
    for i in range(n_record):
        states[i] = x
        x = system.update(x, rng, None)
    return states


def _not_found(system, message):
    data = _orbit_dataset(system, False, 0, np.full(system.n_units, np.nan), np.nan,
                          np.full((system.n_units, system.n_units), np.nan),
                          np.empty((0, system.n_units)), np.nan, -1)
    data["found"] = False
    data.attrs["message"] = message
    return data


def _orbit_dataset(system, is_map, m, x, period, monodromy, orbit, residual, iterations):
    multipliers = np.linalg.eigvals(monodromy) if np.all(np.isfinite(monodromy)) else (
        np.full(system.n_units, np.nan + 0j))
    multipliers = multipliers[np.argsort(-np.abs(multipliers), kind="stable")]
    moduli = np.abs(multipliers)
    if is_map and not np.all(np.isfinite(moduli)):
        stable = bool(residual == 0)  # discrete states: an exact cycle, reached and repeated
    elif is_map:
        stable = bool(np.all(moduli < 1))
    else:  # drop the trivial multiplier (the one nearest 1, along the orbit)
        stable = bool(np.all(np.delete(moduli, np.argmin(np.abs(multipliers - 1))) < 1))
    unit = _time_units(system)
    phase = np.arange(len(orbit)) * (period / max(len(orbit), 1))
    amplitude = np.ptp(orbit, axis=0) / 2 if len(orbit) else np.full(system.n_units, np.nan)
    converged = iterations >= 0
    state = "model state units"
    return xr.Dataset(
        {"found": ((), converged, {"units": "1",
                                   "long_name": "a periodic orbit was found and polished"}),
         "period": ((), period, {"units": unit, "long_name": "period of the orbit"}),
         "orbit": (("phase", "unit"), orbit, {"units": state,
                                              "long_name": "states over one period"}),
         "amplitude": (("unit",), amplitude, {"units": state,
                                              "long_name": "half the range over the orbit"}),
         "floquet_multiplier_real": (("mode",), multipliers.real,
                                     {"units": "1", "long_name": "Floquet multiplier (real part)"}),
         "floquet_multiplier_imag": (("mode",), multipliers.imag,
                                     {"units": "1",
                                      "long_name": "Floquet multiplier (imaginary part)"}),
         "is_stable": ((), stable, {"units": "1",
                                    "long_name": "all non-trivial multipliers inside |mu| = 1"}),
         "residual": ((), residual, {"units": state,
                                     "long_name": "shooting residual |Phi_T(x) - x|"})},
        coords={"phase": ("phase", phase, {"units": unit, "long_name": "time within the period"}),
                "mode": np.arange(system.n_units)},
        attrs={"model": system.name, "message": "converged" if converged else
               "Newton shooting did not converge within max_iterations",
               "iterations": iterations, "crossings_per_period": m,
               "method": "recurrence of a return map, then Newton shooting"})
