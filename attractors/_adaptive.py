"""The adaptive path of simulate(): scipy.integrate.solve_ivp on the requested grid."""

from __future__ import annotations

import numpy as np

from ._stopping import RunResult

__all__ = ["run_adaptive"]


def _block_jacobian(system, shape, source):
    """A Jacobian callable for the flattened batch, or None if the model has none."""
    from scipy import sparse

    u0 = None if source is None else source(0.0)
    try:
        system.jacobian(0.0, np.zeros(shape), u0)
    except NotImplementedError:
        return None

    def jacobian(t, y):
        blocks = np.asarray(system.jacobian(t, y.reshape(shape), None if source is None else source(t)))
        if len(shape) == 1:
            return blocks
        return sparse.block_diag(list(blocks), format="csc")

    return jacobian


def run_adaptive(system, solver, x0, t0, dt, record_steps, source, stop, tol, bar):
    """Integrate with solve_ivp and report the states at ``t0 + record_steps * dt``."""
    from scipy import sparse
    from scipy.integrate import solve_ivp

    shape = x0.shape
    field = system.vector_field
    u = source if source is not None else (lambda t: None)

    def fun(t, y):
        # Progress in grid steps reached; solve_ivp may probe past them and back.
        done = int((t - t0) / dt)
        if done > bar.n:
            bar.update(min(done, bar.total) - bar.n)
        return field(t, y.reshape(shape), u(t)).reshape(-1)

    t_eval = t0 + record_steps * dt
    options = {"rtol": solver.rtol, "atol": solver.atol, "max_step": solver.max_step}
    if solver.implicit:
        jacobian = _block_jacobian(system, shape, source)
        if jacobian is not None:
            options["jac"] = jacobian
        elif len(shape) == 2 and solver.method != "LSODA":
            n = shape[-1]
            options["jac_sparsity"] = sparse.block_diag([np.ones((n, n))] * shape[0], format="csc")

    events = None
    if stop:
        def at_fixed_point(t, y):
            return np.max(np.abs(fun(t, y))) - tol
        at_fixed_point.terminal = True
        at_fixed_point.direction = -1
        events = [at_fixed_point]

    solution = solve_ivp(fun, (t0, t_eval[-1]), x0.reshape(-1), method=solver.method,
                         t_eval=t_eval, events=events, **options)
    states = solution.y.T.reshape((solution.t.size,) + shape)
    times = solution.t
    if solution.status == 1 and solution.t_events[0].size:
        t_stop = solution.t_events[0][0]
        states = np.concatenate([states, solution.y_events[0][:1].reshape((1,) + shape)])
        times = np.append(times, t_stop)
    finite = np.isfinite(states).all(axis=tuple(range(1, states.ndim)))
    if not finite.all():
        first = int(np.argmin(finite))
        states, times = states[:first], times[:first]

    converged = t_converged = None
    if stop:
        speed = np.stack([np.max(np.abs(field(t, x, u(t))), axis=-1) for t, x in zip(times, states)])
        at_rest = speed <= tol
        if solution.status == 1:
            # The last record is the event's root, located only to solve_ivp's root
            # tolerance: it may sit a few ulps above ``tol``.  It is at rest by definition.
            at_rest[-1] |= speed[-1] <= tol * (1 + 1e-9)
        # The time from which every later record stays at rest.
        settled = np.flip(np.logical_and.accumulate(np.flip(at_rest, axis=0), axis=0), axis=0)
        converged = at_rest[-1]
        first = np.argmax(settled, axis=0)
        t_converged = np.where(converged, times[first], np.nan)

    if solution.status == 1:
        status = "converged"
        message = f"every trial reached a fixed point (tol={tol:g}) by t={times[-1]:g}"
    elif solution.status == 0 and finite.all():
        status, message = "completed", f"solve_ivp ({solver.method}): {solution.message}"
    else:
        last = times[-1] if times.size else t0
        trials = ""
        if len(shape) == 2 and solution.y.size:
            bad = ~np.isfinite(solution.y.T.reshape((-1,) + shape)).all(axis=-1).any(axis=0)
            trials = f" (non-finite in trial(s) {np.argwhere(bad).ravel().tolist()})" if bad.any() else ""
        status = "blew_up" if not finite.all() or "step size" in solution.message else "failed"
        message = (
            f"solve_ivp ({solver.method}) stopped after t={last:g}{trials}: {solution.message}; "
            f"the states recorded up to t={last:g} are kept"
        )
    steps = round((times[-1] - t0) / dt) if times.size else 0
    return RunResult(states, times, status, message, steps, converged, t_converged)
