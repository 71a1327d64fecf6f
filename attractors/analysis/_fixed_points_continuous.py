r"""Fixed points and slow points of a flow: batched Levenberg-Marquardt on the vector field.

The fixed points are the zeros of the vector field :math:`F`, found as the
minima of the speed

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
100 sequential calls with 100 small BLAS problems each.  The public entry
point is :func:`attractors.analysis.find_fixed_points`.
"""

from __future__ import annotations

import numpy as np

from ._stability import (
    _field,
    _jacobian_function,
    classify_fixed_point,
    classify_stability,
)

#: Damping limits of Levenberg-Marquardt (relative to the mean diagonal of J^T J).
_LAMBDA_MIN, _LAMBDA_MAX = 1e-15, 1e12
#: Matrix elements per batch of starts in the Levenberg-Marquardt iteration, and
#: pairwise distances per block when merging (~ 8 bytes each).
_LM_CHUNK = 1 << 24
_MERGE_CHUNK = 1 << 22


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
    block = max(1, _MERGE_CHUNK // max(1, k * n))
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
        # Two real variables, never one that is complex only for some spectra: the
        # schema does not change with the numbers and saves with a plain to_netcdf.
        "eigenvalue_real": (("fixed_point", "mode"), values.real.astype(np.float64)),
        "eigenvalue_imag": (("fixed_point", "mode"), values.imag.astype(np.float64)),
        "point_type": ("fixed_point", classify_fixed_point(values, stability_tol)),
    }
    if vectors is not None:
        vectors = np.take_along_axis(vectors, order[:, None, :], axis=-1)
        data["eigenvector_real"] = (("fixed_point", "unit", "mode"), vectors.real.astype(np.float64))
        data["eigenvector_imag"] = (("fixed_point", "unit", "mode"), vectors.imag.astype(np.float64))
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
