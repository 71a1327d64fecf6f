r"""Fixed points, slow points and their stability, for any DynamicalSystem.

Continuous systems: the fixed points are the zeros of the vector field
:math:`F`, found as the minima of the speed

.. math:: q(x) = \tfrac12 \lVert F(x) \rVert^2

(Sussillo & Barak 2013; Golub & Sussillo 2018) from many starting states at
once.  Every start takes batched Levenberg-Marquardt steps (More 1978) on the
residual :math:`F`,

.. math:: \delta = -\big(J^\top J + \lambda\,\bar d\, I\big)^{-1} J^\top F ,
    \qquad J = \partial F / \partial x,

with its own damping :math:`\lambda` (divided by 3 after a step that lowers
:math:`q`, multiplied by 4 after one that does not; :math:`\bar d` is the mean
diagonal of :math:`J^\top J`).  As :math:`\lambda \to 0` this is Newton's
method, so a start converges quadratically to whichever zero is near: saddles
and unstable points are found as readily as attractors (a gradient descent on
:math:`q` finds them too, but only linearly).  Where :math:`J` is singular
(a line of fixed points) the damped step is the minimum-norm one and stays on
the line.  Where :math:`F` has no zero nearby the iteration stops at a local
minimum of :math:`q > 0`: a *slow point*, reported as such.

The starts are all advanced together (one batched ``solve`` of shape
``(n_starts, n_units, n_units)`` per iteration), with no Python loop over
starts; scipy's optimisers take one start at a time, so 100 starts would be
100 sequential calls with 100 small BLAS problems each.

Discrete systems (maps): fixed points and short cycles, found by iterating the
map from every state (all :math:`2^N` for a small binary network) or from
sampled ones, and detecting :math:`x_{k} = x_{k-p}` for :math:`p \le`
``max_period``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._system import ContinuousSystem, DiscreteSystem, DynamicalSystem
from .._trajectory import encode_json_attr
from .._validate import ParameterError, check_choice, check_finite_array, check_integer, \
    check_positive, describe

__all__ = ["classify_stability", "find_fixed_points", "jacobian_matrix", "states_from_trajectory"]

#: Relative step of the central differences: h = eps**(1/3) * max(1, |x_j|) balances
#: the truncation error (h**2 |F'''|/6) against round-off (eps |F| / h), both ~ eps**(2/3)
#: ~ 4e-11 relative.
_FD_STEP = np.finfo(np.float64).eps ** (1.0 / 3.0)
#: Damping limits of Levenberg-Marquardt (relative to the mean diagonal of J^T J).
_LAMBDA_MIN, _LAMBDA_MAX = 1e-15, 1e12
#: Perturbed states per call of the vector field in finite differences, and matrix
#: elements per batch of starts in the Levenberg-Marquardt iteration (~ 8 bytes each).
_FD_CHUNK = 1 << 22
_LM_CHUNK = 1 << 24


# --------------------------------------------------------------------------- helpers


def _check_system(system, kind=None) -> None:
    if not isinstance(system, DynamicalSystem):
        raise ParameterError(f"system must be an attractors.DynamicalSystem, got {describe(system)}")
    if kind is not None and not isinstance(system, kind):
        raise ParameterError(f"{system.name} must be a {kind.__name__} here, got a "
                             f"{type(system).__mro__[1].__name__}")


def _field(system, x, t, inputs):
    return np.asarray(system.vector_field(t, x, inputs), dtype=np.float64)


def _finite_difference_jacobian(system, x, t, inputs):
    """Central differences, all columns of many states in one call of the vector field.

    States are taken in chunks of at most ``_FD_CHUNK`` perturbed states per call,
    so memory stays bounded for large networks.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[-1]
    batch = x.shape[:-1]
    flat = x.reshape(-1, n)
    u = None if inputs is None else np.broadcast_to(np.asarray(inputs, dtype=np.float64),
                                                    batch + np.shape(inputs)[-1:])
    u_flat = None if u is None else u.reshape(-1, u.shape[-1])
    out = np.empty((flat.shape[0], n, n))
    eye = np.eye(n)
    per_call = max(1, _FD_CHUNK // (n * n))
    for start in range(0, flat.shape[0], per_call):
        xs = flat[start:start + per_call]
        h = _FD_STEP * np.maximum(1.0, np.abs(xs))  # (b, n)
        shifts = eye * h[:, None, :]  # (b, j, n): column j perturbed
        us = None if u_flat is None else u_flat[start:start + per_call, None, :]
        plus = _field(system, xs[:, None, :] + shifts, t, us)
        minus = _field(system, xs[:, None, :] - shifts, t, us)
        # plus[b, j, i] = F_i(x + h_j e_j): transpose to J[b, i, j].
        out[start:start + per_call] = np.swapaxes((plus - minus) / (2.0 * h[:, :, None]), -1, -2)
    return out.reshape(batch + (n, n))


def _jacobian_function(system, method):
    if callable(method):
        return (lambda x, t, u: np.asarray(method(t, x, u), dtype=np.float64)), "user"
    method = check_choice("jacobian", method, ("auto", "analytic", "finite_differences"))
    if method != "finite_differences":
        try:
            system.jacobian(0.0, np.zeros(system.n_units))
            return (lambda x, t, u: np.asarray(system.jacobian(t, x, u), dtype=np.float64)), \
                "analytic"
        except NotImplementedError:
            if method == "analytic":
                raise ParameterError(f"jacobian='analytic', but {system.name} gives no analytic "
                                     "Jacobian; use jacobian='auto' or 'finite_differences'") from None
    return (lambda x, t, u: _finite_difference_jacobian(system, x, t, u)), "finite_differences"


def jacobian_matrix(system, x, *, t: float = 0.0, inputs=None, method: str = "auto"):
    r"""The Jacobian :math:`J_{ij} = \partial F_i / \partial x_j` of a continuous system.

    Analytic where the model gives :meth:`~attractors.ContinuousSystem.jacobian`,
    otherwise central finite differences with step
    :math:`h_j = \epsilon^{1/3} \max(1, |x_j|)` (error about
    :math:`\epsilon^{2/3} \approx 4\times10^{-11}` relative), all columns of all
    states evaluated in one call of the vector field.

    Parameters
    ----------
    system : ContinuousSystem
    x : array_like, shape (..., n_units)
    t : float
    inputs : array_like, optional
        Constant input, broadcastable to ``x.shape[:-1] + input_shape``.
    method : {"auto", "analytic", "finite_differences"}

    Returns
    -------
    ndarray, shape (..., n_units, n_units)

    Examples
    --------
    >>> from attractors.models import LinearSystem
    >>> jacobian_matrix(LinearSystem([[-1.0, 2.0], [0.0, -3.0]]), [0.5, 0.5],
    ...                 method="finite_differences").round(8)
    array([[-1.,  2.],
           [ 0., -3.]])
    """
    _check_system(system, ContinuousSystem)
    x = check_finite_array("x", x, dtype=np.float64)
    function, _ = _jacobian_function(system, method)
    return function(x, float(t), inputs)


def classify_stability(eigenvalues, tol: float = 1e-6, *, discrete: bool = False):
    r"""Label fixed points by the real parts of their Jacobian's eigenvalues.

    With :math:`\sigma_k = \mathrm{Re}\,\lambda_k` (for a map,
    :math:`\sigma_k = |\lambda_k| - 1`): ``"stable"`` if every
    :math:`\sigma_k < -\mathrm{tol}`; ``"unstable"`` if every
    :math:`\sigma_k > \mathrm{tol}`; ``"saddle"`` if some are above tol and
    some below -tol; otherwise (some :math:`|\sigma_k| \le` tol and none above)
    ``"marginal"``, as on a line of fixed points.  A point with growing modes
    and zero modes but no decaying ones is ``"unstable"``.

    Parameters
    ----------
    eigenvalues : array_like, shape (..., n_modes)
    tol : float
        Eigenvalues within tol of the imaginary axis count as zero.

    Returns
    -------
    ndarray of str, shape (...)

    Examples
    --------
    >>> classify_stability([[-1.0, -2.0], [1.0, -2.0], [0.0, -1.0], [1.0, 2.0]])
    array(['stable', 'saddle', 'marginal', 'unstable'], dtype='<U8')
    """
    tol = check_positive("tol", tol, allow_zero=True)
    values = np.asarray(eigenvalues)
    sigma = np.abs(values) - 1.0 if discrete else values.real
    growing = np.any(sigma > tol, axis=-1)
    decaying = np.any(sigma < -tol, axis=-1)
    all_decaying = np.all(sigma < -tol, axis=-1)
    return np.where(all_decaying, "stable",
                    np.where(growing & decaying, "saddle",
                             np.where(growing, "unstable", "marginal"))).astype("<U8")


def states_from_trajectory(trajectory, n_states: int | None = None, *, transient: float = 0.0,
                           rng=None, seed=None) -> np.ndarray:
    """Starting states for :func:`find_fixed_points` drawn from a simulated trajectory.

    States visited by the dynamics lie where the flow is slow and near the
    manifolds that connect fixed points, the places worth searching (Sussillo &
    Barak 2013).

    Parameters
    ----------
    trajectory : xarray.Dataset
        Output of :func:`attractors.simulate` (variable ``state``).
    n_states : int, optional
        Number of states drawn uniformly, without replacement, from all
        (time, trial) records after ``transient``; all of them when None.
    transient : float
        Records with ``time < transient`` are left out.
    rng, seed : optional
        Random generator or seed for the draw.

    Returns
    -------
    ndarray, shape (n_states, n_units)
    """
    if not isinstance(trajectory, xr.Dataset) or "state" not in trajectory:
        raise ParameterError(f"trajectory must be a Dataset from simulate() with a 'state' "
                             f"variable, got {describe(trajectory)}")
    state = trajectory["state"]
    if "time" in state.dims:
        state = state.sel(time=state.time >= transient)
    batch = [d for d in state.dims if d != "unit"]
    flat = state.transpose(*batch, "unit").values.reshape(-1, state.sizes["unit"])
    flat = flat[np.all(np.isfinite(flat), axis=-1)]
    if flat.shape[0] == 0:
        raise ParameterError(f"the trajectory has no finite state at time >= {transient!r}")
    if n_states is None:
        return flat.copy()
    n_states = check_integer("n_states", n_states, minimum=1)
    if rng is not None and seed is not None:
        raise ParameterError("give rng or seed, not both")
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
        seed if rng is None else rng)
    pick = generator.choice(flat.shape[0], size=min(n_states, flat.shape[0]), replace=False)
    return flat[np.sort(pick)]


# --------------------------------------------------------------------------- continuous


def _levenberg_marquardt(field, jac, x, *, max_iter, xtol, ftol):
    """Batched LM on F(x) = 0; returns x, q, |F|_inf, iterations.

    The Jacobian (and J^T J, J^T F) of a start is recomputed only after an accepted
    step: a rejected step changes only the damping.
    """
    n_starts, n = x.shape
    eye = np.eye(n)
    F = field(x)
    q = 0.5 * np.sum(F * F, axis=-1)
    damping = np.full(n_starts, 1e-3)
    active = np.isfinite(q)
    stale = np.ones(n_starts, dtype=bool)
    A = np.zeros((n_starts, n, n))
    g = np.zeros((n_starts, n))
    iterations = np.zeros(n_starts, dtype=np.int64)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        update = idx[stale[idx]]
        if update.size:
            J = jac(x[update])
            A[update] = np.swapaxes(J, -1, -2) @ J
            g[update] = np.einsum("bji,bj->bi", J, F[update])
            stale[update] = False
        scale = np.einsum("bii->b", A[idx]) / n + np.finfo(float).tiny
        A_damped = A[idx] + (damping[idx] * scale)[:, None, None] * eye
        step = -np.linalg.solve(A_damped, g[idx][..., None])[..., 0]
        trial = x[idx] + step
        F_trial = field(trial)
        q_trial = 0.5 * np.sum(F_trial * F_trial, axis=-1)
        better = np.isfinite(q_trial) & (q_trial <= q[idx])
        good = idx[better]
        x[good], F[good], q[good] = trial[better], F_trial[better], q_trial[better]
        stale[good] = True
        damping[good] = np.maximum(damping[good] / 3.0, _LAMBDA_MIN)
        damping[idx[~better]] *= 4.0
        iterations[idx] += 1
        small_step = np.max(np.abs(step), axis=-1) <= xtol * (1.0 + np.max(np.abs(x[idx]), axis=-1))
        at_zero = np.max(np.abs(F[idx]), axis=-1) <= ftol
        stalled = damping[idx] > _LAMBDA_MAX
        active[idx[(better & small_step) | at_zero | stalled]] = False
    return x, q, np.max(np.abs(F), axis=-1), iterations


def _newton_polish(field, jac, x, n_steps):
    """Plain Newton steps (the LM step as damping -> 0), kept only where |F| falls."""
    n = x.shape[-1]
    eye = np.eye(n)
    for _ in range(n_steps):
        F = field(x)
        J = jac(x)
        JT = np.swapaxes(J, -1, -2)
        A = JT @ J
        scale = np.einsum("bii->b", A) / n + np.finfo(float).tiny
        # The smallest damping keeps a singular J (a line of fixed points) solvable and
        # gives the minimum-norm step there; for a regular J it is Newton's step.
        step = -np.linalg.solve(A + (_LAMBDA_MIN * scale)[:, None, None] * eye,
                                np.einsum("bji,bj->bi", J, F)[..., None])[..., 0]
        trial = x + step
        F_trial = field(trial)
        better = np.sum(F_trial**2, axis=-1) < np.sum(F**2, axis=-1)
        x = np.where(better[:, None], trial, x)
    return x


def _merge(points, order_key, merge_tol):
    """Indices of representatives (first in order_key order) and each point's representative."""
    order = np.argsort(order_key, kind="stable")
    sorted_points = points[order]
    k, n = sorted_points.shape
    scale = 1.0 + np.max(np.abs(sorted_points), axis=-1)
    # Max-norm distance relative to the size of the state, in blocks of rows so that
    # memory stays ~ block * k * n.
    close = np.empty((k, k), dtype=bool)
    block = max(1, _FD_CHUNK // max(1, k * n))
    for start in range(0, k, block):
        rows = sorted_points[start:start + block]
        distance = np.max(np.abs(rows[:, None, :] - sorted_points[None, :, :]), axis=-1)
        close[start:start + block] = distance <= merge_tol * np.maximum(
            scale[start:start + block, None], scale[None, :])
    first = np.argmax(close, axis=1)
    keep = np.flatnonzero(first == np.arange(k))
    representative = np.argmax(close[:, keep], axis=1)
    mapping = np.empty(k, dtype=np.int64)
    mapping[order] = representative
    return order[keep], mapping


def _initial_array(system, initial_states, n_samples, rng):
    if isinstance(initial_states, xr.Dataset):
        return states_from_trajectory(initial_states, 100 if n_samples is None else n_samples,
                                      rng=rng)
    if initial_states is None:
        count = 100 if n_samples is None else check_integer("n_samples", n_samples, minimum=1)
        return np.asarray(system.initial_state(rng, count), dtype=np.float64)
    x = check_finite_array("initial_states", initial_states, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[-1] != system.n_units:
        raise ParameterError(f"initial_states must have shape (n_starts, {system.n_units}) "
                             f"for {system.name}, got shape {x.shape}")
    return x.copy()


def _continuous_fixed_points(system, x0, *, t, inputs, tol, max_q, max_iter, n_newton,
                             merge_tol, stability_tol, jacobian, eigenvectors):
    jac_function, jac_method = _jacobian_function(system, jacobian)
    u = None if inputs is None else np.asarray(inputs, dtype=np.float64)

    def field(x):
        return _field(system, x, t, u)

    def jac(x):
        return jac_function(x, t, u)

    n_starts, n = x0.shape
    per_batch = max(1, _LM_CHUNK // (n * n))
    with np.errstate(over="ignore", invalid="ignore"):
        parts = [_levenberg_marquardt(field, jac, x0[start:start + per_batch].copy(),
                                      max_iter=max_iter, xtol=1e-15, ftol=1e-3 * tol)
                 for start in range(0, n_starts, per_batch)]
        x, q, speed, iterations = (np.concatenate([part[k] for part in parts]) for k in range(4))
        ok = np.isfinite(q) & np.all(np.isfinite(x), axis=-1)
        x, q, iterations = x[ok], q[ok], iterations[ok]
        # Points the iteration already took to 1e-3 tol need no polishing.
        rough = speed[ok] > 1e-3 * tol
        if n_newton and np.any(rough):
            x[rough] = _newton_polish(field, jac, x[rough], n_newton)
    F = field(x)
    q = 0.5 * np.sum(F * F, axis=-1)
    speed = np.max(np.abs(F), axis=-1)
    is_fixed = speed <= tol
    kept = is_fixed | (q <= max_q)
    x, q, speed, is_fixed = x[kept], q[kept], speed[kept], is_fixed[kept]
    if x.shape[0] == 0:
        representatives, mapping = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    else:
        representatives, mapping = _merge(x, q, merge_tol)
        # Report in lexicographic order of the states: independent of the order of the starts.
        by_state = np.lexsort(x[representatives].T[::-1])
        rank = np.empty_like(by_state)
        rank[by_state] = np.arange(by_state.size)
        representatives, mapping = representatives[by_state], rank[mapping]
    counts = np.bincount(mapping, minlength=representatives.size)
    points = x[representatives]
    J = jac(points) if points.shape[0] else np.zeros((0, system.n_units, system.n_units))
    if eigenvectors:
        values, vectors = np.linalg.eig(J)
    else:
        values, vectors = np.linalg.eigvals(J), None
    order = np.argsort(-values.real, axis=-1, kind="stable")
    values = np.take_along_axis(values, order, axis=-1)
    stability = classify_stability(values, stability_tol)
    data = {
        "state": (("fixed_point", "unit"), points),
        "q": ("fixed_point", q[representatives]),
        "speed": ("fixed_point", speed[representatives]),
        "is_fixed_point": ("fixed_point", is_fixed[representatives]),
        "kind": ("fixed_point", np.where(is_fixed[representatives], "fixed point", "slow point")),
        "stability": ("fixed_point", stability),
        "is_stable": ("fixed_point", stability == "stable"),
        "n_unstable_modes": ("fixed_point", np.sum(values.real > stability_tol, axis=-1)),
        "n_zero_modes": ("fixed_point", np.sum(np.abs(values.real) <= stability_tol, axis=-1)),
        "n_found": ("fixed_point", counts),
        "jacobian": (("fixed_point", "unit", "wrt_unit"), J),
        "eigenvalues": (("fixed_point", "mode"), values),
    }
    if vectors is not None:
        vectors = np.take_along_axis(vectors, order[:, None, :], axis=-1)
        data["eigenvectors"] = (("fixed_point", "unit", "mode"), vectors)
    try:
        data["energy"] = ("fixed_point", np.asarray(system.energy(points, u), dtype=np.float64))
    except NotImplementedError:
        pass
    attrs = {"jacobian_method": jac_method, "n_starts": n_starts,
             "n_converged": int(np.sum(is_fixed)), "tol": tol, "max_q": max_q,
             "merge_tol": merge_tol, "stability_tol": stability_tol,
             "max_iter": max_iter, "n_newton": n_newton,
             "mean_iterations": float(np.mean(iterations)) if iterations.size else 0.0}
    return data, attrs


# --------------------------------------------------------------------------- discrete


def _alphabet(system):
    return (0.0, 1.0) if getattr(system, "units", "spin") == "binary" else (-1.0, 1.0)


def _all_states(system):
    n = system.n_units
    low, high = _alphabet(system)
    index = np.arange(1 << n, dtype=np.int64)
    bits = (index[:, None] >> np.arange(n)) & 1
    return np.where(bits == 1, high, low).astype(system.state_dtype)


def _discrete_fixed_points(system, x0, *, inputs, max_steps, max_period, rng):
    n_starts, n = x0.shape
    history = np.empty((max_period + 1, n_starts, n), dtype=x0.dtype)
    history[0] = x0
    period = np.zeros(n_starts, dtype=np.int64)  # 0: not yet on a cycle
    found_at = np.full(n_starts, -1, dtype=np.int64)
    final = np.empty((max_period, n_starts, n), dtype=x0.dtype)
    x = x0
    for step in range(1, max_steps + 1):
        x = np.asarray(system.update(x, rng, inputs))
        history[step % (max_period + 1)] = x
        open_ = period == 0
        for p in range(1, min(step, max_period) + 1):
            match = open_ & np.all(history[(step - p) % (max_period + 1)] == x, axis=-1)
            if np.any(match):
                period[match] = p
                found_at[match] = step
                for k in range(p):
                    final[k, match] = history[(step - k) % (max_period + 1)][match]
                open_ &= ~match
        if np.all(period > 0):
            break
    done = period > 0
    # Canonical representative of a cycle: its lexicographically smallest state.
    cycles = np.full((n_starts, max_period, n), np.nan)
    reps = np.full((n_starts, n), np.nan)
    for p in np.unique(period[done]):
        sel = np.flatnonzero(period == p)
        members = np.moveaxis(final[:p, sel], 0, 1).astype(np.float64)  # (s, p, n)
        smallest = np.zeros(sel.size, dtype=np.int64)
        for k in range(1, p):
            diff = members[:, k] - members[np.arange(sel.size), smallest]
            first = np.argmax(diff != 0, axis=-1)
            lower = np.take_along_axis(diff, first[:, None], axis=-1)[:, 0] < 0
            smallest = np.where(lower, k, smallest)
        # Cycle listed from its smallest state on, in the order the map visits them.
        steps_forward = (smallest[:, None] - np.arange(p)[None, :]) % p
        cycles[sel, :p] = members[np.arange(sel.size)[:, None], steps_forward]
        reps[sel] = cycles[sel, 0]
    keys = np.concatenate([period[:, None].astype(np.float64), reps], axis=1)[done]
    unique, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    first_index = np.flatnonzero(done)[np.unique(inverse.ravel(), return_index=True)[1]]
    periods = unique[:, 0].astype(np.int64)
    order = np.lexsort((np.arange(len(periods)), periods))
    points = unique[order, 1:]
    data = {
        "state": (("fixed_point", "unit"), points.astype(system.state_dtype)),
        "period": ("fixed_point", periods[order]),
        "kind": ("fixed_point", np.where(periods[order] == 1, "fixed point", "cycle")),
        "cycle": (("fixed_point", "phase", "unit"), cycles[first_index[order]]),
        "n_found": ("fixed_point", counts[order]),
    }
    try:
        data["energy"] = ("fixed_point", np.asarray(system.energy(points, inputs), dtype=np.float64))
    except NotImplementedError:
        pass
    attrs = {"n_starts": n_starts, "n_converged": int(np.sum(done)),
             "n_unresolved": int(np.sum(~done)), "max_steps": max_steps, "max_period": max_period,
             "method": "iterated map"}
    return data, attrs


def _from_state_space(system, max_period):
    """The exhaustive answer from :func:`state_space` for a deterministic HopfieldNetwork.

    Returns None where the state space does not apply (another model, Glauber
    dynamics, async updates with weights the tabulation refuses), so the caller
    iterates the map instead.
    """
    from ..models._hopfield import HopfieldNetwork
    from ._state_space import state_space

    if type(system) is not HopfieldNetwork:
        return None
    try:
        space = state_space(system)
    except ParameterError:
        return None
    config = space.configuration.values.astype(np.float64)
    periods = space.period.values.astype(np.int64)
    width = max(max_period, int(periods.max()))
    cycles = np.full((periods.size, width, system.n_units), np.nan)
    for a, (p, members) in enumerate(zip(periods, space.cycle.values)):
        states = config[members[:p]]
        smallest = min(range(p), key=lambda k: tuple(states[k]))
        cycles[a, :p] = states[(smallest + np.arange(p)) % p]
    keep = periods <= max_period
    order = np.lexsort(tuple(cycles[keep, 0].T[::-1]) + (periods[keep],))
    index = np.flatnonzero(keep)[order]
    points = cycles[index, 0]
    data = {
        "state": (("fixed_point", "unit"), points.astype(system.state_dtype)),
        "period": ("fixed_point", periods[index]),
        "kind": ("fixed_point", np.where(periods[index] == 1, "fixed point", "cycle")),
        "cycle": (("fixed_point", "phase", "unit"), cycles[index, :max_period]),
        "n_found": ("fixed_point", space.basin_size.values[index].astype(np.int64)),
        "energy": ("fixed_point", space.attractor_energy.values[index]),
    }
    unresolved = int(np.sum(~keep))
    attrs = {"n_starts": int(space.sizes["state"]),
             "n_converged": int(np.sum(space.basin_size.values[keep])),
             "n_unresolved": int(np.sum(space.basin_size.values[~keep])) if unresolved else 0,
             "max_steps": 0, "max_period": max_period, "method": "state_space"}
    return data, attrs


# --------------------------------------------------------------------------- public


def find_fixed_points(system, initial_states=None, *, t: float = 0.0, inputs=None,
                      n_samples: int | None = None, tol: float = 1e-10, max_q: float = 1e-6,
                      max_iter: int = 200, n_newton: int = 3, merge_tol: float = 1e-6,
                      stability_tol: float = 1e-6, jacobian: str = "auto",
                      eigenvectors: bool = True, exhaustive: bool | None = None,
                      max_steps: int = 100, max_period: int = 2, rng=None,
                      seed=None) -> xr.Dataset:
    r"""Find the fixed points (and slow points, or short cycles) of a dynamical system.

    **Continuous systems.**  From every starting state, minimise
    :math:`q(x) = \frac12 \lVert F(t, x, u) \rVert^2` by batched
    Levenberg-Marquardt steps on :math:`F` (see the module notes), polish the
    results with ``n_newton`` Newton steps, merge duplicates, and analyse each
    point: Jacobian :math:`J = \partial F/\partial x` (analytic where the model
    gives it, central differences otherwise), eigenvalues sorted by decreasing
    real part, eigenvectors, and a stability label (:func:`classify_stability`).
    Saddles and unstable points are found as well as attractors.  Points with
    :math:`\max_i |F_i| \le` ``tol`` are fixed points; local minima of
    :math:`q` above that with :math:`q \le` ``max_q`` are kept as *slow
    points* (``kind == "slow point"``), where the flow is slow without stopping
    (Sussillo & Barak 2013).

    **Discrete systems.**  Iterate the map from every start for up to
    ``max_steps`` steps and detect fixed points and cycles of period up to
    ``max_period`` (:math:`x_k = x_{k-p}`).  With ``exhaustive`` (default: for
    networks of at most 16 units when ``initial_states`` is None) the starts
    are all :math:`2^N` binary states, so every attractor is found (for a
    deterministic :class:`~attractors.HopfieldNetwork` the answer is read from
    :func:`~attractors.analysis.state_space`, which tabulates every state's
    successor at once: ``n_found`` is then the exact basin size, for
    asynchronous updates the states all of whose descents end there);
    otherwise ``n_samples`` random states (``system.initial_state``).  For a
    random asynchronous order, a state that one sweep leaves unchanged is a
    fixed point of every order.

    Parameters
    ----------
    system : DynamicalSystem
    initial_states : array_like, shape (n_starts, n_units), or Dataset, optional
        Starting states, or a trajectory from :func:`attractors.simulate` to
        draw them from (:func:`states_from_trajectory`).  Default:
        ``n_samples`` (100) states from ``system.initial_state``.
    t : float
        Time at which the (autonomous part of the) vector field is taken.
    inputs : array_like, optional
        A constant input held during the search.
    n_samples : int, optional
        Number of starts drawn when ``initial_states`` is None or a Dataset
        (default 100).
    tol : float
        A point is a fixed point when :math:`\max_i |F_i| \le` tol.  After
        Newton polishing a regular zero reaches round-off,
        :math:`|F| \sim \epsilon\,\lVert W\rVert\,\lVert x\rVert \sim 10^{-14}`
        for states of order one; 1e-10 leaves a margin for ill-conditioned
        Jacobians.
    max_q : float
        Largest :math:`q` of a slow point worth reporting.
    max_iter, n_newton : int
        Levenberg-Marquardt iterations (at most) and Newton polishing steps.
    merge_tol : float
        Two points are one when they differ by at most
        :math:`\text{merge\_tol}\,(1 + \max_i |x_i|)` in every unit.  The
        polished points are accurate to about :math:`\text{tol}/\sigma_{min}(J)`;
        1e-6 merges copies of one regular zero while keeping apart points a
        finite distance apart, such as neighbours on a line of fixed points.
    stability_tol : float
        Eigenvalues with :math:`|\mathrm{Re}\,\lambda| \le` stability_tol count
        as zero (marginal).
    jacobian : {"auto", "analytic", "finite_differences"} or callable
        Where the Jacobian comes from; a callable ``jacobian(t, x, inputs)``
        returning shape ``(..., n_units, n_units)`` supplies one for a model
        that gives none.
    eigenvectors : bool
        Also compute eigenvectors (``eigenvectors[fixed_point, unit, mode]``).
    exhaustive : bool, optional
        Discrete systems: start from all :math:`2^N` binary states.
    max_steps, max_period : int
        Discrete systems: iterations, and the longest cycle detected.
    rng, seed : optional
        Random generator or seed (initial states, random update orders).

    Returns
    -------
    xarray.Dataset
        Continuous: dims ``fixed_point``, ``unit``, ``wrt_unit``, ``mode``;
        variables ``state``, ``q``, ``speed`` (:math:`\max_i|F_i|`),
        ``is_fixed_point``, ``kind`` ("fixed point" / "slow point"),
        ``stability``, ``is_stable``, ``n_unstable_modes``, ``n_zero_modes``, ``n_found``
        (starts that ended there), ``jacobian``, ``eigenvalues`` (complex),
        ``eigenvectors`` (complex, unit norm, columns over ``mode``) and
        ``energy`` where defined.  Discrete: ``state`` (a cycle's smallest
        state), ``period``, ``kind``, ``cycle`` (fixed_point, phase, unit;
        NaN-padded), ``n_found``, ``energy``; attrs ``method`` ("state_space"
        or "iterated map").  The eigenvalues and eigenvectors are complex:
        save with ``to_netcdf(path, auto_complex=True)`` (netCDF4 >= 1.7) and
        read back with ``xarray.open_dataset(path, auto_complex=True)``.

    References
    ----------
    D. Sussillo and O. Barak, Neural Computation 25, 626 (2013).
    M. D. Golub and D. Sussillo, J. Open Source Software 3, 1003 (2018).
    J. J. More, in Numerical Analysis, Lecture Notes in Math. 630, 105 (1978).

    Examples
    --------
    The double well :math:`\dot x = x - x^3` has two stable points at
    :math:`\pm1` (eigenvalue :math:`1 - 3x^2 = -2`) and an unstable one at 0
    (eigenvalue 1):

    >>> import numpy as np
    >>> import attractors
    >>> class DoubleWell(attractors.ContinuousSystem):
    ...     n_units = 1
    ...     def vector_field(self, t, x, inputs=None):
    ...         return x - x**3
    >>> fp = find_fixed_points(DoubleWell(), np.linspace(-2, 2, 9)[:, None])
    >>> fp.state.values.ravel().round(12).tolist(), fp.stability.values.tolist()
    ([-1.0, 0.0, 1.0], ['stable', 'unstable', 'stable'])
    >>> fp.eigenvalues.values.real.ravel().round(8).tolist()
    [-2.0, 1.0, -2.0]
    """
    _check_system(system)
    for name, value in (("tol", tol), ("merge_tol", merge_tol), ("stability_tol", stability_tol),
                        ("max_q", max_q)):
        check_positive(name, value, allow_zero=True)
    max_iter = check_integer("max_iter", max_iter, minimum=0)
    n_newton = check_integer("n_newton", n_newton, minimum=0)
    if rng is not None and seed is not None:
        raise ParameterError("give rng or seed, not both")
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
        seed if rng is None else rng)
    if isinstance(system, DiscreteSystem):
        max_steps = check_integer("max_steps", max_steps, minimum=1)
        max_period = check_integer("max_period", max_period, minimum=1)
        if exhaustive is None:
            exhaustive = initial_states is None and system.n_units <= 16
        delegated = None
        if exhaustive:
            if initial_states is not None:
                raise ParameterError("give initial_states or exhaustive=True, not both")
            if system.n_units > 22:
                raise ParameterError(f"exhaustive=True needs 2**n_units starts; n_units = "
                                     f"{system.n_units} is above the limit of 22")
            if inputs is None:
                delegated = _from_state_space(system, max_period)
            x0 = _all_states(system)
        else:
            x0 = _initial_array(system, initial_states, n_samples, generator).astype(
                system.state_dtype)
        if delegated is not None:
            data, attrs = delegated
        else:
            data, attrs = _discrete_fixed_points(system, x0, inputs=inputs, max_steps=max_steps,
                                                 max_period=max_period, rng=generator)
        attrs["exhaustive"] = int(bool(exhaustive))
    else:
        if exhaustive:
            raise ParameterError("exhaustive=True is for discrete systems (a finite state space); "
                                 f"{system.name} is continuous")
        x0 = _initial_array(system, initial_states, n_samples, generator)
        data, attrs = _continuous_fixed_points(
            system, x0, t=float(t), inputs=inputs, tol=tol, max_q=max_q, max_iter=max_iter,
            n_newton=n_newton, merge_tol=merge_tol, stability_tol=stability_tol,
            jacobian=jacobian, eigenvectors=eigenvectors)
    coords = {"unit": np.arange(system.n_units)}
    for name, (dim, values) in system.coords.items():
        if dim == "unit":
            coords[name] = ("unit", np.asarray(values))
    result = xr.Dataset(data, coords=coords)
    result = result.assign_coords(fixed_point=np.arange(result.sizes["fixed_point"]))
    if "mode" in result.dims:
        result = result.assign_coords(mode=np.arange(result.sizes["mode"]))
    try:
        parameters = encode_json_attr(system.params)
    except (TypeError, ValueError):
        parameters = "{}"
    result.attrs.update({"model": system.name, "parameters": parameters, **attrs,
                         "message": _message(system, result)})
    return result


def _message(system, result) -> str:
    if "stability" in result:
        labels, counts = np.unique(result.stability.values, return_counts=True)
        summary = ", ".join(f"{c} {s}" for s, c in zip(labels, counts))
        slow = int(np.sum(~result.is_fixed_point.values))
        return (f"{result.sizes['fixed_point']} points of {system.name}: {summary or 'none'}"
                + (f" ({slow} slow points)" if slow else ""))
    periods, counts = np.unique(result.period.values, return_counts=True)
    return f"{system.name}: " + (", ".join(f"{c} of period {p}" for p, c in zip(periods, counts))
                                 or "no attractor reached")
