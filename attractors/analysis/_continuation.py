r"""Pseudo-arclength continuation of equilibria in one model parameter (:func:`continuation`).

The branch of equilibria :math:`F(x, p) = 0` of a
:class:`~attractors.ContinuousSystem` is followed as a curve in
:math:`(x, p)` space by Keller's predictor-corrector: an Euler step along the
unit tangent, then Newton's method on :math:`F = 0` together with the
pseudo-arclength condition, so folds (where :math:`p` turns back) are passed
like any other point.  Models are rebuilt at each parameter value with
:func:`dataclasses.replace`.  Equivariant models (rings, CANNs), whose
equilibria come in continuous families, get a phase condition appended.

The eigenvalues along the branch, the test functions and the location of
folds, Hopf and branch points are in :mod:`attractors.analysis._bifurcation`;
branch switching is in :mod:`attractors.analysis._branch_switch`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import warnings

import numpy as np
import scipy.linalg
import scipy.linalg.lapack

from .._system import ContinuousSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe
from ._bifurcation import follow
from ._stability import _jacobian_function, jacobian_matrix

__all__ = ["ContinuationError", "continuation"]


class ContinuationError(ParameterError):
    """Newton's method found no equilibrium where one was needed; the message gives the residual."""


def _check_parameter(system, parameter, start, stop, name="parameter"):
    if not isinstance(system, ContinuousSystem):
        raise ParameterError(
            f"system must be a ContinuousSystem (continuation follows equilibria of flows), "
            f"got {describe(system)}")
    if not dataclasses.is_dataclass(system):
        raise ParameterError(
            f"system must be a dataclass model (it is rebuilt with dataclasses.replace), "
            f"got {type(system).__name__}")
    names = [field.name for field in dataclasses.fields(system) if field.init]
    if not isinstance(parameter, str) or parameter not in names:
        raise ParameterError(
            f"{name} must name a field of {type(system).__name__} ({', '.join(names)}), "
            f"got {describe(parameter)}")
    value = getattr(system, parameter)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(
            f"{name} {parameter!r} of {type(system).__name__} is not a real number "
            f"(it is {describe(value)}), so it cannot be continued")
    for name, bound in (("start", start), ("stop", stop)):
        if isinstance(bound, bool) or not isinstance(bound, numbers.Real) or not math.isfinite(bound):
            raise ParameterError(f"{name} must be a finite real number, got {describe(bound)}")
    if start == stop:
        raise ParameterError(f"stop must differ from start, got start = stop = {describe(start)}")
    return float(start), float(stop)


class _Branch:
    """The continuation problem in scaled coordinates.

    Unknowns :math:`z = (x / (\\sqrt{n} s_x), q[, c])` (:math:`s_x` from
    :func:`_state_scale`), with the parameter
    :math:`p = p_0 + q (p_1 - p_0)` (so that q runs from 0 at ``start`` to 1 at
    ``stop``) and, with a phase condition along :math:`v`, an unfolding
    unknown :math:`c`: the equations are
    :math:`F(x, p) + c v = 0,\\ \\langle x - x_{ref}, v\\rangle = 0` (at a
    solution :math:`c = 0`).
    """

    def __init__(self, system, parameter, start, stop, *, jacobian, phase, state_scale=1.0):
        self.system, self.parameter = system, parameter
        self.start, self.span = start, stop - start
        self.n = system.n_units
        self.scale = math.sqrt(self.n) * state_scale
        self.jacobian_method = jacobian
        self.phase = None if phase is None else phase / np.linalg.norm(phase)
        self.x_ref = None
        self.size = self.n + 1 + (self.phase is not None)
        self._models, self._jacobians, self._analytic = {}, {}, None

    def p(self, z):
        return self.start + z[self.n] * self.span

    def x(self, z):
        return z[: self.n] * self.scale

    def model(self, p):
        model = self._models.get(p)
        if model is None:
            if len(self._models) > 8:
                self._models.clear()
            model = dataclasses.replace(self.system, **{self.parameter: p})
            self._models[p] = model
        return model

    def field(self, x, p):
        try:
            model = self.model(p)
        except ParameterError:  # a corrector iterate outside the model's domain (k < 0): a failed step
            return np.full(self.n, np.nan)
        return np.asarray(model.vector_field(0.0, x), dtype=np.float64)

    def state_jacobian(self, x, p):
        # The same point's Jacobian is asked for by the tangent, the eigenvalues and
        # the phase update: the last few are kept (one N x N evaluation each saved).
        key = (p, x.tobytes())
        jac = self._jacobians.get(key)
        if jac is None:
            if len(self._jacobians) > 4:
                self._jacobians.pop(next(iter(self._jacobians)))
            jac = self._jacobian_of(self.model(p), x)
            self._jacobians[key] = jac
        return jac

    def _jacobian_of(self, model, x):
        # Whether the model class has an analytic Jacobian is decided once (with the
        # one probe jacobian_matrix would make on every call), then called directly.
        if self._analytic is None:
            self._analytic = _jacobian_function(self.system, self.jacobian_method)[1] == "analytic"
        if self._analytic:
            return np.asarray(model.jacobian(0.0, x), dtype=np.float64)
        return jacobian_matrix(model, x, method="finite_differences")

    def eigenvalues(self, x, p):
        """Eigenvalues of dF/dx at (x, p); from the model's low-rank form where it has one.

        A model whose Jacobian is :math:`c I + U V^T` with K < N columns
        (``_jacobian_low_rank``, e.g. a CANN's K kernel modes) has N - K
        eigenvalues c and the K of :math:`c I + V^T U`: a K x K problem.
        """
        if self._analytic is None:
            self._analytic = _jacobian_function(self.system, self.jacobian_method)[1] == "analytic"
        low_rank = getattr(self.model(p), "_jacobian_low_rank", None) if self._analytic else None
        if low_rank is not None:
            c, u, v = low_rank(x)
            if u.shape[1] < self.n:
                small = np.linalg.eigvals(v.T @ u)
                return np.concatenate([c + small, np.full(self.n - u.shape[1], c, dtype=small.dtype)])
        return np.linalg.eigvals(self.state_jacobian(x, p))

    def residual(self, z):
        x, p = self.x(z), self.p(z)
        value = self.field(x, p)
        if self.phase is None:
            return value
        return np.concatenate([value + z[-1] * self.phase, [(x - self.x_ref) @ self.phase]])

    def jacobian(self, z, dfdp=None):
        """dG/dz, shape (size - 1, size); the parameter column by central differences.

        ``dfdp`` reuses a parameter column computed nearby (the Newton corrector
        keeps its first one: each column costs two rebuilds of the model).
        """
        x, p = self.x(z), self.p(z)
        if dfdp is None:
            h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(p))
            dfdp = (self.field(x, p + h) - self.field(x, p - h)) / (2 * h)
        rows = np.empty((self.size - 1, self.size))
        rows[: self.n, : self.n] = self.state_jacobian(x, p) * self.scale
        rows[: self.n, self.n] = dfdp * self.span
        if self.phase is not None:
            rows[: self.n, -1] = self.phase
            rows[self.n, : self.n] = self.phase * self.scale
            rows[self.n, self.n:] = 0.0
        return rows

    def tangent(self, jac, previous):
        """Unit null vector of ``jac`` oriented along ``previous``."""
        bordered = np.vstack([jac, previous])
        rhs = np.zeros(self.size)
        rhs[-1] = 1.0
        try:
            tangent = np.linalg.solve(bordered, rhs)
        except np.linalg.LinAlgError:  # exactly at a branch point: previous, projected on the null plane
            tangent = np.linalg.lstsq(bordered, rhs, rcond=None)[0]
        tangent /= np.linalg.norm(tangent)
        return tangent if tangent @ previous >= 0 else -tangent

    def factor(self, z, row):
        """The unit tangent at z (oriented along ``row``) and the LU of ``[G_z(z); row]``.

        The same factorisation is the chord corrector's matrix for the next step
        (:meth:`chord`); None where the bordered matrix is singular (then the
        tangent comes from least squares).
        """
        bordered = np.vstack([self.jacobian(z), row])
        rhs = np.zeros(self.size)
        rhs[-1] = 1.0
        lu = _lu(bordered)
        pivots = np.abs(np.diag(lu[0]))
        if not np.all(np.isfinite(pivots)) or pivots.min() <= 1e-14 * max(pivots.max(), 1e-300):
            return self.tangent(bordered[:-1], row), None
        tangent = _lu_solve(lu, rhs)
        tangent /= np.linalg.norm(tangent)
        return (tangent if tangent @ row >= 0 else -tangent), lu

    def chord(self, guess, row, anchor, target, lu, *, tol, max_iter, reach):
        """The corrector with the factorised matrix of the last point (chord Newton).

        Each iteration costs one field evaluation and one back-substitution, no
        Jacobian; the contraction is linear, about the step length.  When it is
        slow (a step more than half the last) the full Newton corrector
        (:meth:`correct`) takes over.  Returns (z, converged, fast): ``fast`` when
        the chord converged by itself (then the step length may grow).  An iterate
        farther than ``reach`` from ``guess`` fails at once (the step is refused
        anyway).
        """
        if lu is None:
            z, ok, iterations = self.correct(guess, row, anchor, target, tol=tol, max_iter=max_iter)
            return z, ok, iterations <= 3
        z, previous, fast = guess.copy(), math.inf, True
        for _ in range(4 * max_iter):
            residual = np.append(self.residual(z), row @ (z - anchor) - target)
            if not np.all(np.isfinite(residual)):
                return z, False, False
            if np.max(np.abs(residual)) <= 1e-3 * tol:
                return z, True, fast
            step = _lu_solve(lu, -residual)
            size = float(np.max(np.abs(step)))
            if not size <= 0.5 * previous:
                if not fast:  # slow after a fresh factorisation too: full Newton
                    z, ok, _ = self.correct(z, row, anchor, target, tol=tol, max_iter=max_iter)
                    return z, ok, False
                # Slow contraction: factorise again at the current iterate and go on.
                lu, fast, previous = _lu(np.vstack([self.jacobian(z), row])), False, math.inf
                step = _lu_solve(lu, -residual)
                size = float(np.max(np.abs(step)))
            rate, previous = size / previous, size
            z = z + step
            if not np.all(np.isfinite(z)) or np.linalg.norm(z - guess) > reach:
                return z, False, False
            # Linear contraction at the measured rate: the error left is about
            # rate / (1 - rate) times the last step (the step itself on the first one).
            left = size * (rate / (1.0 - rate) if rate > 0.0 else 1.0)
            if np.max(np.abs(residual)) <= tol and left <= tol * max(1.0, float(np.max(np.abs(z)))):
                return z, True, fast
        return z, np.max(np.abs(self.residual(z))) <= tol, False

    def correct(self, guess, direction, anchor, target, *, tol, max_iter):
        """Newton on G(z) = 0 and <direction, z - anchor> = target; (z, converged, iterations)."""
        z, dfdp = guess.copy(), None
        for iteration in range(1, max_iter + 1):
            residual = np.append(self.residual(z), direction @ (z - anchor) - target)
            if not np.all(np.isfinite(residual)):
                return z, False, iteration
            if np.max(np.abs(residual)) <= 1e-3 * tol:  # already there (a trivial branch)
                return z, True, iteration
            jac = self.jacobian(z, dfdp)
            dfdp = jac[: self.n, self.n] / self.span
            bordered = np.vstack([jac, direction])
            try:
                step = np.linalg.solve(bordered, -residual)
            except np.linalg.LinAlgError:  # exactly at a branch point: the least-squares step
                step = np.linalg.lstsq(bordered, -residual, rcond=None)[0]
            z = z + step
            if not np.all(np.isfinite(z)):
                return z, False, iteration
            if np.max(np.abs(step)) <= 1e-3 * tol * max(1.0, np.max(np.abs(z))) or (
                    np.max(np.abs(self.residual(z))) <= tol and np.max(np.abs(step)) <= math.sqrt(tol)):
                return z, True, iteration
        return z, np.max(np.abs(self.residual(z))) <= tol, max_iter

    def accept(self, z, lu=None, tangent=None):
        r"""Move the phase condition to the accepted point: x_ref = x, v = the zero mode there.

        With the factorisation of :meth:`factor` at z (and its tangent t), one
        back-substitution gives w with G_z w = 0 and <v, w_x> = 1; the null space
        of G_z is spanned by t and (zero mode, 0, 0), so the zero mode is
        :math:`w_x - (w_q / t_q)\, t_x` (kept unchanged near a fold, where
        :math:`t_q \to 0` and the null space of F_x holds the fold mode too).
        """
        if self.phase is None:
            return
        x = self.x(z)
        if lu is not None:
            rhs = np.zeros(self.size)
            rhs[self.n] = 1.0  # the phase row: <v, x> (scaled) = 1
            w = _lu_solve(lu, rhs)
            if abs(tangent[self.n]) > 1e-3 and np.all(np.isfinite(w)):
                null = w[: self.n] - (w[self.n] / tangent[self.n]) * tangent[: self.n]
                if np.linalg.norm(null) > 0:
                    self.phase = null / np.linalg.norm(null)
            self.x_ref = x
            return
        jac = self.state_jacobian(x, self.p(z))
        bordered = np.block([[jac, self.phase[:, None]], [self.phase[None, :], np.zeros((1, 1))]])
        rhs = np.zeros(self.n + 1)
        rhs[-1] = 1.0
        try:
            null = np.linalg.solve(bordered, rhs)[: self.n]
            if np.all(np.isfinite(null)) and np.linalg.norm(null) > 0:
                self.phase = null / np.linalg.norm(null)
        except np.linalg.LinAlgError:
            pass
        self.x_ref = x


def _eig(model, x, jacobian_method):
    r"""Eigenvalues and eigenvectors of dF/dx at x; from the low-rank form where the model has one.

    With :math:`F_x = cI + UV^T`, an eigenvector of :math:`V^T U` (eigenvalue
    :math:`\mu`) gives :math:`U y`, an eigenvector of :math:`F_x` with eigenvalue
    :math:`c + \mu`; the N - K others (eigenvalue c) are not needed here and are
    left out.
    """
    low_rank = getattr(model, "_jacobian_low_rank", None)
    if low_rank is not None and jacobian_method != "finite_differences":
        c, u, v = low_rank(x)
        if u.shape[1] < model.n_units:
            values, small = np.linalg.eig(v.T @ u)
            vectors = u @ small
            return c + values, vectors / np.linalg.norm(vectors, axis=0)
    return np.linalg.eig(jacobian_matrix(model, x, method=jacobian_method))


def _zero_mode(system, jacobian_method, x, p, parameter, phase_condition):
    """The phase-condition direction at the start: None, the user's vector, or the zero mode found."""
    if phase_condition is None or (isinstance(phase_condition, str) and phase_condition == "none"):
        return None, "none"
    model = dataclasses.replace(system, **{parameter: p})
    if isinstance(phase_condition, str):
        if phase_condition != "auto":
            raise ParameterError(
                f"phase_condition must be 'auto', 'none', None or a vector of {system.n_units} "
                f"numbers, got {describe(phase_condition)}")
        values, vectors = _eig(model, x, jacobian_method)
        index = int(np.argmin(np.abs(values)))
        if abs(values[index]) > 1e-6 * max(1.0, float(np.max(np.abs(values)))):
            return None, "auto: no zero mode at the start"
        vector = np.real(vectors[:, index])
        return vector, f"auto: zero mode at the start (|lambda| = {abs(values[index]):.2e})"
    vector = check_finite_array("phase_condition", phase_condition, dtype=np.float64)
    if vector.shape != (system.n_units,) or not np.any(vector):
        raise ParameterError(
            f"phase_condition must be a non-zero vector of shape ({system.n_units},), "
            f"got {describe(phase_condition)}")
    return vector, "given"


def _state_scale(rms):
    """Unit of state length in the arclength: the start's RMS, at least 0.1; 1 at the origin."""
    return max(rms, 0.1) if rms > 0 else 1.0


def _check_steps(ds, ds_min, ds_max, max_steps, tol, max_iter):
    ds = check_positive("ds", ds)
    ds_min = check_positive("ds_min", ds_min)
    ds_max = check_positive("ds_max", ds_max)
    if not ds_min <= ds <= ds_max:
        raise ParameterError(f"need ds_min <= ds <= ds_max, got {ds_min}, {ds}, {ds_max}")
    return (ds, ds_min, ds_max, check_integer("max_steps", max_steps, minimum=1),
            check_positive("tol", tol), check_integer("max_iter", max_iter, minimum=1))


def _lu(matrix):
    """scipy's LU factorisation, without its warning on an exactly singular matrix (checked by the caller)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        return scipy.linalg.lu_factor(matrix, check_finite=False)


def _lu_solve(lu, rhs, trans=0):
    """Solve with an LU from :func:`_lu` by LAPACK's getrs directly (scipy's lu_solve
    wrapper costs more than the back-substitution of a few hundred unknowns)."""
    solution, info = scipy.linalg.lapack.dgetrs(lu[0], lu[1], rhs, trans=trans)
    if info != 0:
        raise np.linalg.LinAlgError(f"getrs failed (info = {info})")
    return solution


def _singular_range(square):
    r"""(smallest, largest) singular value of a square matrix, the smallest from its LU.

    Exact below 64 rows (an SVD); above, the largest is bounded by
    :math:`\sqrt{\|A\|_1 \|A\|_\infty}` and the smallest estimated by four
    steps of inverse iteration on :math:`A^T A` (a singular matrix gives a zero
    or huge-ratio pivot, or a vanishing estimate), far cheaper than an SVD of an
    N x N Jacobian.
    """
    if square.shape[0] < 64:
        values = np.linalg.svd(square, compute_uv=False)
        return float(values[-1]), float(values[0])
    largest = math.sqrt(np.abs(square).sum(axis=0).max() * np.abs(square).sum(axis=1).max())
    lu = _lu(square)
    pivots = np.abs(np.diag(lu[0]))
    if not np.all(np.isfinite(pivots)) or pivots.min() == 0.0:
        return 0.0, largest
    y = np.random.default_rng(0).standard_normal(square.shape[0])
    y /= np.linalg.norm(y)
    for _ in range(4):
        y = _lu_solve(lu, _lu_solve(lu, y, trans=1))
        norm = np.linalg.norm(y)
        if not np.isfinite(norm) or norm == 0.0:
            return 0.0, largest
        y /= norm
    return float(1.0 / math.sqrt(norm)), largest


def _first_point(branch, x0, p0, tol, max_iter):
    """Newton at fixed p = start from x0; a ContinuationError with the residual when it fails."""
    z0 = np.concatenate([x0 / branch.scale, [0.0], [0.0] if branch.phase is not None else []])
    branch.x_ref = x0
    fixed = np.zeros(branch.size)
    fixed[branch.n] = 1.0
    z, converged, iterations = branch.correct(z0, fixed, z0, 0.0, tol=tol, max_iter=max_iter)
    residual = float(np.max(np.abs(branch.residual(z)))) if np.all(np.isfinite(z)) else math.inf
    if not converged or residual > tol:
        start_residual = float(np.max(np.abs(branch.residual(z0))))
        raise ContinuationError(
            f"x0 is not near an equilibrium of {branch.system.name} at {branch.parameter} = "
            f"{describe(p0)}: Newton's method stopped after {iterations} iterations at residual "
            f"max|F| = {residual:.3g} (tol = {tol:g}; max|F(x0)| = {start_residual:.3g}); "
            f"start from a state closer to an equilibrium (e.g. a settled simulation)")
    jac = branch.jacobian(z)
    smallest, largest = _singular_range(np.delete(jac, branch.n, axis=1))
    # Rates are measured against 1 / (unit of time): the smallest singular value
    # is compared with max(1, largest), so a 1 x 1 zero Jacobian counts too.
    if smallest <= 1e-8 * max(1.0, largest):
        raise ContinuationError(
            f"the Jacobian of {branch.system.name} is singular at the start ({branch.parameter} = "
            f"{describe(p0)}, smallest singular value {smallest:.2e}): the start is a "
            f"bifurcation point or has a zero mode; start away from it, or pass "
            f"phase_condition='auto' (or the symmetry direction) for an equivariant model")
    return z


def continuation(system, parameter, start, stop, *, x0=None, ds=0.01, ds_min=1e-7, ds_max=0.05,
                 max_steps=500, tol=1e-10, max_iter=8, phase_condition="auto", jacobian="auto",
                 locate_tol=1e-10, stability=True):
    r"""Follow a branch of equilibria of ``system`` as ``parameter`` goes from ``start`` towards ``stop``.

    Pseudo-arclength continuation (Keller 1977): with the unknowns
    :math:`z = (x, p)` and :math:`G(z) = F(x, p)` the vector field, each step
    predicts :math:`z_{i+1}^{(0)} = z_i + \Delta s\, t_i` along the unit tangent
    (:math:`G_z t_i = 0`) and corrects by Newton's method on

    .. math::

        G(z) = 0, \qquad \langle t_i, z - z_i \rangle = \Delta s ,

    which stays regular at folds, where :math:`p` turns back.  The step
    :math:`\Delta s` grows (x 1.5) after fast convergence and halves after a
    failure, or when the corrector lands farther than :math:`0.3\,\Delta s` from the
    prediction (so it cannot jump to another branch).  Lengths are measured in
    :math:`(x / (\sqrt{N} s_x), q)`, :math:`s_x` the RMS of ``x0`` (at least 0.1; 1
    at the origin), with
    :math:`q = (p - \text{start}) / (\text{stop} - \text{start})`, so ``ds``
    is a fraction of the parameter range.  The branch ends where :math:`p`
    leaves the interval between ``start`` and ``stop`` (the last point located
    exactly on the bound), after ``max_steps``, or when the step falls below
    ``ds_min``.  A model with a continuous symmetry (a ring's rotations) has a
    zero mode :math:`v` that makes :math:`G_z` singular; then the equations
    become :math:`F(x, p) + c\,v = 0,\ \langle x - x_i, v\rangle = 0` with one
    more unknown :math:`c` (zero at solutions; Kuznetsov 2004, sec. 10.2),
    and :math:`v` is updated to the zero mode at each accepted point.

    Along the branch the eigenvalues of :math:`\partial F / \partial x` give
    the stability (the symmetry's zero mode excluded), and folds, Hopf points
    and branch points are detected and located (see
    :func:`attractors.analysis.switch_branch` to follow a bifurcating branch).

    Parameters
    ----------
    system : ContinuousSystem
        A dataclass model; ``parameter`` names one of its real-valued fields.
    parameter : str
    start, stop : float
        The branch starts at ``parameter = start`` and is followed towards ``stop``.
    x0 : array_like, shape (n_units,), optional
        A state near an equilibrium at ``start`` (default: the origin).
    ds, ds_min, ds_max : float
        Initial, smallest and largest step, in the scaled arclength.
    max_steps : int
    tol : float
        Newton's tolerance on :math:`\max_i |F_i|`.
    max_iter : int
        Newton iterations per step.
    phase_condition : {"auto", "none"} or array_like, shape (n_units,)
        ``"auto"`` appends a phase condition when the Jacobian at the start has
        an eigenvalue :math:`|\lambda| \le 10^{-6} \max(1, \max|\lambda|)`,
        along its eigenvector; a vector gives the symmetry direction.
    jacobian : {"auto", "analytic", "finite_differences"}
        As in :func:`attractors.analysis.jacobian_matrix`; :math:`\partial F /
        \partial p` is always a central difference.
    locate_tol : float
        Special points are located to this length of the scaled arclength
        (the parameter to about ``locate_tol * |stop - start|``).
    stability : bool
        Compute eigenvalues and find Hopf and branch points (folds are always found).

    Returns
    -------
    xarray.Dataset
        Over ``point``: ``parameter``, ``state`` (point, unit), ``norm``,
        ``arclength``, ``eigenvalue_real``/``eigenvalue_imag`` (point, mode;
        decreasing real part), ``n_unstable``, ``stable`` and the model's
        observables; over ``special``: ``special_type`` ("endpoint", "fold",
        "hopf", "branch_point"), ``special_parameter``, ``special_state``,
        ``special_frequency`` (Hopf) and ``special_point`` (the point before it).

    Raises
    ------
    ParameterError
        Bad arguments, before any work.
    ContinuationError
        ``x0`` is not near an equilibrium (the residual is given), or the
        Jacobian is singular at the start.

    References
    ----------
    Keller, H. B. (1977). Numerical solution of bifurcation and nonlinear
    eigenvalue problems. In Applications of Bifurcation Theory, 359-384.
    Kuznetsov, Y. A. (2004). Elements of Applied Bifurcation Theory, 3rd ed.,
    chapter 10. Springer.

    Examples
    --------
    The fold of a CANN bump at the closed-form critical inhibition:

    >>> import attractors
    >>> cann = attractors.CANN1D(n_units=64, k=2.0)
    >>> branch = continuation(cann, "k", 2.0, 20.0, x0=cann.bump_profile(0.0))
    >>> fold = branch.special_parameter[branch.special_type == "fold"]
    >>> round(float(fold[0]) / cann.critical_inhibition, 6)
    1.0
    """
    start, stop = _check_parameter(system, parameter, start, stop)
    steps = _check_steps(ds, ds_min, ds_max, max_steps, tol, max_iter)
    locate_tol = check_positive("locate_tol", locate_tol)
    if jacobian not in ("auto", "analytic", "finite_differences"):
        raise ParameterError(
            f"jacobian must be 'auto', 'analytic' or 'finite_differences', got {describe(jacobian)}")
    if x0 is None:
        x0 = np.zeros(system.n_units)
    x0 = check_finite_array("x0", x0, dtype=np.float64)
    if x0.shape != (system.n_units,):
        raise ParameterError(f"x0 must have shape ({system.n_units},), got shape {x0.shape}")
    phase, phase_note = _zero_mode(system, jacobian, x0, start, parameter, phase_condition)
    rms = float(np.sqrt(np.mean(x0 * x0)))
    branch = _Branch(system, parameter, start, stop, jacobian=jacobian, phase=phase,
                     state_scale=_state_scale(rms))
    z = _first_point(branch, x0, start, steps[4], steps[5])
    return follow(branch, z, steps, locate_tol=locate_tol, stability=bool(stability),
                  phase_note=phase_note)
