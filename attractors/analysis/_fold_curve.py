r"""Two-parameter continuation of a fold (limit point) found by :func:`attractors.analysis.continuation`.

A fold of equilibria is a codimension-one point: it persists as a curve when a
second parameter varies.  :func:`fold_curve` follows it on the standard
extended system (Moore & Spence 1980; Kuznetsov 2004, sec. 10.2.1),

.. math::

    F(x, p_1, p_2) = 0, \qquad F_x(x, p_1, p_2)\, v = 0, \qquad \langle l, v \rangle = 1,

:math:`2n + 1` equations in :math:`(x, v, p_1, p_2)`, by the same
pseudo-arclength predictor-corrector as the branches.  The second derivative
in its Jacobian comes from one pair of Jacobians, because :math:`F_{xx}` is
symmetric: :math:`\partial_x (F_x v)\, e_j = F_{xx}(v, e_j) \approx
[F_x(x + \epsilon v) - F_x(x - \epsilon v)] / (2\epsilon)`.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import xarray as xr

from .._validate import ParameterError, describe
from ._bifurcation import parameter_units
from ._continuation import ContinuationError, _check_parameter, _check_steps, _state_scale
from ._stability import jacobian_matrix

__all__ = ["fold_curve"]


class _FoldSystem:
    """The extended system in scaled unknowns z = (x / s_x, v, q1, q2)."""

    def __init__(self, system, names, origin, spans, state_scale, left):
        self.system, self.names, self.origin, self.spans = system, names, origin, spans
        self.n, self.sx, self.left = system.n_units, state_scale, left

    def unpack(self, z):
        n = self.n
        return (z[:n] * self.sx, z[n:2 * n], self.origin[0] + z[2 * n] * self.spans[0],
                self.origin[1] + z[2 * n + 1] * self.spans[1])

    def _model(self, p1, p2):
        return dataclasses.replace(self.system, **{self.names[0]: p1, self.names[1]: p2})

    def residual(self, z):
        x, v, p1, p2 = self.unpack(z)
        model = self._model(p1, p2)
        return np.concatenate([model.vector_field(0.0, x), jacobian_matrix(model, x) @ v,
                               [self.left @ v - 1.0]])

    def jacobian(self, z):
        return self._plain_jacobian(*self.unpack(z))

    def _plain_jacobian(self, x, v, p1, p2):
        """The Jacobian of (F, F_x v, <l, v> - 1) in the scaled (x, v, q1, q2)."""
        n = self.n
        model = self._model(p1, p2)
        jac = jacobian_matrix(model, x)
        eps = np.finfo(float).eps ** (1 / 3) * max(1.0, float(np.max(np.abs(x))))
        hessian_v = (jacobian_matrix(model, x + eps * v) - jacobian_matrix(model, x - eps * v)) / (2 * eps)
        rows = np.zeros((2 * n + 1, 2 * n + 2))
        rows[:n, :n] = jac * self.sx
        rows[n:2 * n, :n] = hessian_v * self.sx
        rows[n:2 * n, n:2 * n] = jac
        rows[2 * n, n:2 * n] = self.left
        for column, (p, span) in enumerate(zip((p1, p2), self.spans)):
            h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(p))
            shifted = [(p1 + s * h, p2) if column == 0 else (p1, p2 + s * h) for s in (1, -1)]
            up, down = (self._model(*pair) for pair in shifted)
            rows[:n, 2 * n + column] = (up.vector_field(0.0, x) - down.vector_field(0.0, x)) / (2 * h) * span
            rows[n:2 * n, 2 * n + column] = (jacobian_matrix(up, x) - jacobian_matrix(down, x)) @ v \
                / (2 * h) * span
        return rows

    def correct(self, guess, direction, anchor, target, tol, max_iter):
        z = guess.copy()
        for _ in range(max_iter):
            residual = np.append(self.residual(z), direction @ (z - anchor) - target)
            if np.max(np.abs(residual)) <= tol:
                return z, True
            bordered = np.vstack([self.jacobian(z), direction])
            try:
                z = z + np.linalg.solve(bordered, -residual)
            except np.linalg.LinAlgError:
                return z, False
            if not np.all(np.isfinite(z)):
                return z, False
        residual = np.append(self.residual(z), direction @ (z - anchor) - target)
        return z, bool(np.max(np.abs(residual)) <= tol)

    def tangent(self, z, previous):
        bordered = np.vstack([self.jacobian(z), previous])
        rhs = np.zeros(bordered.shape[0])
        rhs[-1] = 1.0
        try:  # an LU solve (an SVD-based least-squares one cost 30x more at 256 units)
            tangent = np.linalg.solve(bordered, rhs)
        except np.linalg.LinAlgError:
            tangent = np.linalg.lstsq(bordered, rhs, rcond=None)[0]
        if not np.all(np.isfinite(tangent)):
            tangent = np.linalg.lstsq(bordered, rhs, rcond=None)[0]
        tangent /= np.linalg.norm(tangent)
        return tangent if tangent @ previous >= 0 else -tangent


class _EquivariantFold(_FoldSystem):
    r"""The extended system of a model with one continuous symmetry (a ring's rotations).

    The fold's null space holds the symmetry mode :math:`\psi` as well as the
    fold mode, and the equilibrium is one of a continuous family, so the plain
    system is singular.  As on the one-parameter branch, an unfolding unknown
    and a pinning condition are added for each (Kuznetsov 2004, sec. 10.2):
    unknowns z = (x / s_x, v, c_1, c_2, q1, q2) and equations

    .. math::

        F + c_1 \psi = 0,\quad \langle x - x_{ref}, \psi\rangle = 0,\quad
        F_x v + c_2 \psi = 0,\quad \langle v, \psi\rangle = 0,\quad \langle l, v\rangle = 1,

    with :math:`c_1 = c_2 = 0` at solutions (the fields of an equivariant model
    and :math:`F_x v` lie in the range of :math:`F_x`, orthogonal to its left
    zero mode).
    """

    def __init__(self, system, names, origin, spans, state_scale, left, phase, x_ref):
        super().__init__(system, names, origin, spans, state_scale, left)
        self.phase, self.x_ref = phase, x_ref

    def unpack(self, z):
        n = self.n
        return (z[:n] * self.sx, z[n:2 * n], self.origin[0] + z[2 * n + 2] * self.spans[0],
                self.origin[1] + z[2 * n + 3] * self.spans[1])

    def residual(self, z):
        n = self.n
        x, v, p1, p2 = self.unpack(z)
        model = self._model(p1, p2)
        c1, c2, psi = z[2 * n], z[2 * n + 1], self.phase
        return np.concatenate([model.vector_field(0.0, x) + c1 * psi, [(x - self.x_ref) @ psi],
                               jacobian_matrix(model, x) @ v + c2 * psi,
                               [v @ psi, self.left @ v - 1.0]])

    def jacobian(self, z):
        n, psi = self.n, self.phase
        plain = self._plain_jacobian(*self.unpack(z))
        rows = np.zeros((2 * n + 3, 2 * n + 4))
        # Rows: F (n), pin (1), F_x v (n), <v, psi>, <l, v>; columns: x, v, c1, c2, q1, q2.
        for out, source in ((slice(0, n), slice(0, n)), (slice(n + 1, 2 * n + 1), slice(n, 2 * n)),
                            (slice(2 * n + 2, 2 * n + 3), slice(2 * n, 2 * n + 1))):
            rows[out, :2 * n] = plain[source, :2 * n]
            rows[out, 2 * n + 2:] = plain[source, 2 * n:]
        rows[:n, 2 * n] = psi
        rows[n, :n] = psi * self.sx
        rows[n + 1:2 * n + 1, 2 * n + 1] = psi
        rows[2 * n + 1, n:2 * n] = psi
        return rows


def _symmetry_mode(system, branch, parameter, jacobian, fold_parameter):
    """The symmetry mode at the fold and the fold's own null vector (orthogonal to it).

    The symmetry mode is the zero mode at the branch point farthest from the fold
    in the parameter (there the fold mode is far from zero), projected on the
    two-dimensional null space at the fold.
    """
    values = np.asarray(branch["parameter"].values)
    far = int(np.argmax(np.abs(values - fold_parameter)))
    model = dataclasses.replace(system, **{parameter: float(values[far])})
    eigenvalues, vectors = np.linalg.eig(jacobian_matrix(model, branch["state"].values[far]))
    psi = np.real(vectors[:, int(np.argmin(np.abs(eigenvalues)))])
    null = np.linalg.svd(jacobian)[2][-2:].T  # (n, 2): the two smallest singular directions
    psi = null @ (null.T @ psi)
    psi /= np.linalg.norm(psi)
    v = null @ np.array([-(null[:, 1] @ psi), null[:, 0] @ psi])
    return psi, v / np.linalg.norm(v)


def _special_index(branch, kind, label, special):
    """The index of the branch's special point of type ``kind`` to start from (the first one
    when ``special`` is None); a clear error when there is none or ``special`` is not one."""
    types = [str(value) for value in np.asarray(branch["special_type"].values)]
    points = [i for i, value in enumerate(types) if value == kind]
    if not points:
        raise ParameterError(f"branch has no special point of type '{kind}' to follow")
    if special is None:
        return points[0]
    if isinstance(special, bool) or special not in points:
        raise ParameterError(f"special must be the index of {label} of the branch ({points}), "
                             f"got {describe(special)}")
    return special


def _fold_start(branch, special):
    special = _special_index(branch, "fold", "a fold", special)
    equivariant = branch.attrs.get("phase_condition", "none").startswith(("auto: zero", "given"))
    return (np.asarray(branch["special_state"].values[special], dtype=np.float64),
            float(branch["special_parameter"].values[special]), equivariant)


def fold_curve(system, branch, parameter2, stop2, *, special=None, ds=0.01, ds_min=1e-7,
               ds_max=0.05, max_steps=500, tol=1e-10, max_iter=8):
    r"""Follow a fold of ``branch`` in a second parameter: the curve :math:`p_1(p_2)` where the fold sits.

    Starting from the fold located by :func:`~attractors.analysis.continuation`
    (at ``system``'s own value of ``parameter2``), the extended system of the
    module docstring is followed by pseudo-arclength continuation until
    ``parameter2`` reaches ``stop2`` (or ``max_steps``, or the step falls below
    ``ds_min``, e.g. at a cusp where the fold curve ends).

    For an equivariant model (the branch needed a phase condition: a ring or
    CANN), whose fold has the symmetry mode :math:`\psi` in its null space too,
    the system is unfolded and pinned along :math:`\psi`:
    :math:`F + c_1\psi = 0,\ \langle x - x_0, \psi\rangle = 0,\
    F_x v + c_2\psi = 0,\ \langle v, \psi\rangle = 0,\ \langle l, v\rangle = 1`
    (:class:`_EquivariantFold`; ``attrs["phase_condition"]`` says which was used).

    Parameters
    ----------
    system : ContinuousSystem
        The model ``branch`` was computed for.
    branch : xarray.Dataset
        A :func:`~attractors.analysis.continuation` result with a fold.
    parameter2 : str
        The second parameter (a real field of the model).
    stop2 : float
    special : int, optional
        Index along ``special`` of the fold (default: the first).
    ds, ds_min, ds_max, max_steps, tol, max_iter
        As in :func:`~attractors.analysis.continuation` (lengths in
        :math:`(x / (\sqrt{N} s_x), v, q_1, q_2)`).

    Returns
    -------
    xarray.Dataset
        Over ``point``: ``parameter`` (the first), ``parameter2``, ``state``
        (point, unit), ``null_vector`` (point, unit) and ``arclength``, each
        with ``long_name`` and ``units``.

    References
    ----------
    Moore, G. & Spence, A. (1980). The calculation of turning points of
    nonlinear equations. SIAM J. Numer. Anal. 17, 567-576.
    Kuznetsov, Y. A. (2004). Elements of Applied Bifurcation Theory, 3rd ed., sec. 10.2.

    Examples
    --------
    The folds of :math:`\dot x = p + r x - x^3` lie on the cusp curve :math:`27 p^2 = 4 r^3`:

    >>> import dataclasses, attractors
    >>> @dataclasses.dataclass(frozen=True)
    ... class Cusp(attractors.ContinuousSystem):
    ...     p: float = 0.0
    ...     r: float = 1.0
    ...     n_units = 1
    ...     def vector_field(self, t, x, inputs=None):
    ...         return self.p + self.r * x - x**3
    >>> branch = attractors.analysis.continuation(Cusp(), "p", 0.0, 1.0, x0=[-1.0])
    >>> curve = fold_curve(Cusp(), branch, "r", 2.0)
    >>> p, r = float(curve.parameter[-1]), float(curve.parameter2[-1])
    >>> round(r, 12), round(27 * p**2 - 4 * r**3, 8)
    (2.0, 0.0)
    """
    parameter = branch.attrs.get("parameter") if hasattr(branch, "attrs") else None
    _check_parameter(system, parameter, 0.0, 1.0)
    start2 = getattr(system, parameter2, None) if isinstance(parameter2, str) else None
    start2, stop2 = _check_parameter(system, parameter2, start2, stop2, name="parameter2")
    if parameter2 == parameter:
        raise ParameterError(f"parameter2 must differ from the branch's parameter {parameter!r}")
    ds, ds_min, ds_max, max_steps, tol, max_iter = _check_steps(ds, ds_min, ds_max, max_steps, tol,
                                                                max_iter)
    x_star, p_star, equivariant = _fold_start(branch, special)
    model = dataclasses.replace(system, **{parameter: p_star})
    jac = jacobian_matrix(model, x_star)
    rms = float(np.sqrt(np.mean(x_star * x_star)))
    args = (system, (parameter, parameter2), (p_star, start2), (max(abs(p_star), 1.0), stop2 - start2),
            _state_scale(rms) * math.sqrt(x_star.size))
    if equivariant:
        psi, null = _symmetry_mode(system, branch, parameter, jac, p_star)
        fold = _EquivariantFold(*args, null, psi, x_star)
        z = np.concatenate([x_star / fold.sx, null, [0.0, 0.0, 0.0, 0.0]])
    else:
        null = np.linalg.svd(jac)[2][-1]
        fold = _FoldSystem(*args, null)
        z = np.concatenate([x_star / fold.sx, null, [0.0, 0.0]])
    natural = np.zeros(z.size)
    natural[-1] = 1.0
    z, ok = fold.correct(z, natural, np.zeros(z.size), 0.0, tol, 2 * max_iter)
    if not ok:
        raise ContinuationError(
            f"Newton's method did not converge on the fold at {parameter} = {p_star:.10g}: "
            f"residual max = {np.max(np.abs(fold.residual(z))):.3g}")
    points, status = _trace(fold, z, natural, (ds, ds_min, ds_max, max_steps, tol, max_iter))
    result = _curve_dataset(fold, np.array(points), status)
    result.attrs["phase_condition"] = (
        "pinned: <x - x_fold, psi> = 0 and <v, psi> = 0 along the symmetry mode psi"
        if equivariant else "none")
    return result


def _trace(problem, z, natural, steps):
    """Pseudo-arclength steps on ``problem`` from z until the last unknown leaves [0, 1]."""
    ds, ds_min, ds_max, max_steps, tol, max_iter = steps
    size = z.size
    points, status = [z], f"stopped after max_steps = {max_steps} steps"
    tangent = problem.tangent(z, natural)
    for _ in range(max_steps):
        new, ok = problem.correct(z + ds * tangent, tangent, z, ds, tol, max_iter)
        ok = ok and np.linalg.norm(new - z - ds * tangent) <= 0.3 * ds
        if ok:
            new_tangent = problem.tangent(new, tangent)
            ok = new_tangent @ tangent >= 0.8
        if not ok:
            ds /= 2
            if ds < ds_min:
                status = f"step fell below ds_min = {ds_min:g} (a cusp, or no convergence)"
                break
            continue
        if not 0.0 <= new[-1] <= 1.0:
            bound = 1.0 if new[-1] > 1.0 else 0.0
            guess = z + (bound - z[-1]) / (new[-1] - z[-1]) * (new - z)
            new, ok = problem.correct(guess, natural, np.zeros(size), bound, tol, 2 * max_iter)
            if ok:
                points.append(new)
                status = "reached the end of the parameter interval"
            else:
                status = "could not land on the end of the parameter interval"
            break
        points.append(new)
        z, tangent, ds = new, new_tangent, min(1.5 * ds, ds_max)
    return points, status


def _curve_dataset(fold, zs, status):
    unpacked = [fold.unpack(z) for z in zs]
    states = np.array([u[0] for u in unpacked])
    arclength = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(zs, axis=0), axis=1))])
    system, names = fold.system, fold.names
    return xr.Dataset(
        {"parameter": ("point", np.array([u[2] for u in unpacked]),
                       {"long_name": f"{names[0]} at the fold",
                        "units": parameter_units(system, names[0])}),
         "parameter2": ("point", np.array([u[3] for u in unpacked]),
                        {"long_name": names[1], "units": parameter_units(system, names[1])}),
         "state": (("point", "unit"), states,
                   {"long_name": "equilibrium state at the fold", "units": "model state units"}),
         "null_vector": (("point", "unit"), np.array([u[1] for u in unpacked]),
                         {"long_name": "null vector v of dF/dx (<l, v> = 1)", "units": "1"}),
         "arclength": ("point", arclength,
                       {"long_name": "arclength in the scaled unknowns (x / s_x, v, q1, q2)",
                        "units": "1"})},
        coords={"point": np.arange(len(zs))},
        attrs={"model": fold.system.name, "parameter": fold.names[0], "parameter2": fold.names[1],
               "status": status, "special_type": "fold",
               "method": "Moore-Spence extended system, pseudo-arclength continuation"})
