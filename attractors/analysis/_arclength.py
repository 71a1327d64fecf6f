r"""The continuation problem in scaled coordinates (:class:`_Branch`) and its linear algebra.

Private to :mod:`attractors.analysis._continuation` (and branch switching):
the unknowns, residual and bordered Jacobian of Keller's pseudo-arclength
method with an optional phase condition, the tangent, the Newton and chord
correctors, the phase update at accepted points, and the LU, eigenvalue and
singular-value helpers they use (an LU of the bordered matrix at each point
serves the tangent, the zero mode and the next chord corrector; a model with a
low-rank Jacobian gets its eigenvalues from a K x K problem).
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import scipy.linalg
import scipy.linalg.lapack

from .._validate import ParameterError
from ._low_rank import LowRankBordered
from ._stability import _jacobian_function, jacobian_matrix

__all__: list[str] = []


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

    def jacobian(self, z, dfdp=None, row=None):
        """dG/dz, shape (size - 1, size); the parameter column by central differences.

        ``dfdp`` reuses a parameter column computed nearby (the Newton corrector
        keeps its first one: each column costs two rebuilds of the model).  With
        ``row``, the bordered square matrix ``[dG/dz; row]`` is returned instead
        (built in place: no copy of the N x N block).
        """
        x, p = self.x(z), self.p(z)
        if dfdp is None:
            h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(p))
            dfdp = (self.field(x, p + h) - self.field(x, p - h)) / (2 * h)
        # Fortran order for the square one: LAPACK factorises it where it lies.
        rows = np.empty((self.size - (row is None), self.size), order="C" if row is None else "F")
        if row is not None:
            rows[-1] = row
        np.multiply(self.state_jacobian(x, p), self.scale, out=rows[: self.n, : self.n])
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
        rhs = np.zeros(self.size)
        rhs[-1] = 1.0
        lu = self.factorise(z, row)
        if lu is None:
            return self.tangent(self.jacobian(z), row), None
        tangent = _lu_solve(lu, rhs)
        tangent /= np.linalg.norm(tangent)
        return (tangent if tangent @ row >= 0 else -tangent), lu

    def factorise(self, z, row):
        """The factorised ``[G_z(z); row]``: an LU, or the low-rank solver of
        :mod:`~attractors.analysis._low_rank` for a model with ``_jacobian_low_rank``
        (no N x N matrix is formed); None where it is singular."""
        low = self._low_rank(z, row)
        if low is not None:
            return low if low.regular else None
        lu = _lu(self.jacobian(z, row=row), overwrite=True)
        pivots = np.abs(np.diag(lu[0]))
        if not np.all(np.isfinite(pivots)) or pivots.min() <= 1e-14 * max(pivots.max(), 1e-300):
            return None
        return lu

    def _low_rank(self, z, row):
        if self._analytic is None:
            self._analytic = _jacobian_function(self.system, self.jacobian_method)[1] == "analytic"
        x, p = self.x(z), self.p(z)
        hook = getattr(self.model(p), "_jacobian_low_rank", None) if self._analytic else None
        if hook is None:
            return None
        c, u, v = hook(x)
        if 4 * u.shape[1] > self.n:  # not low enough: the dense LU is as cheap
            return None
        n = self.n
        h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(p))
        dfdp = (self.field(x, p + h) - self.field(x, p - h)) / (2 * h)
        if self.phase is None:
            columns, rows = (dfdp * self.span)[:, None], row[None, :n]
            corner = np.array([[row[n]]])
        else:
            columns = np.stack([dfdp * self.span, self.phase], axis=1)
            rows = np.stack([self.phase * self.scale, row[:n]])
            corner = np.array([[0.0, 0.0], [row[n], row[n + 1]]])
        return LowRankBordered(c * self.scale, u, self.scale * v.T, columns, rows, corner)

    def chord(self, guess, row, anchor, target, lu, *, tol, max_iter, reach):
        """The corrector with the factorised matrix of the last point (chord Newton).

        Each iteration costs one field evaluation and one back-substitution, no
        Jacobian; the contraction is linear, about the step length.  When it is
        slow (a step more than half the last) the matrix is factorised again at
        the iterate; slow after that too, the step fails (and is halved).
        Returns (z, converged, fast): ``fast`` when the chord converged on the
        first factorisation (then the step length may grow).  An iterate
        farther than ``reach`` from ``guess`` fails at once (the step is refused
        anyway).
        """
        if lu is None:
            z, ok, iterations = self.correct(guess, row, anchor, target, tol=tol, max_iter=max_iter)
            return z, ok, iterations <= 3
        z, previous, fast, history = guess.copy(), math.inf, True, []
        for _ in range(4 * max_iter):
            residual = np.append(self.residual(z), row @ (z - anchor) - target)
            if not np.all(np.isfinite(residual)):
                return z, False, False
            if np.max(np.abs(residual)) <= 1e-3 * tol:
                return z, True, fast
            step = _broyden(_lu_solve(lu, -residual), history)
            size = float(np.max(np.abs(step)))
            if not size <= 0.5 * previous:
                if not fast:  # slow after a fresh factorisation too: a failed step (halved)
                    return z, False, False
                # Slow contraction: factorise again at the current iterate and go on.
                lu, fast, previous = self.factorise(z, row), False, math.inf
                if lu is None:
                    return z, False, False
                history = []
                step = _broyden(_lu_solve(lu, -residual), history)
                size = float(np.max(np.abs(step)))
            rate, previous = size / previous, size
            z = z + step
            if not np.all(np.isfinite(z)) or np.linalg.norm(z - guess) > reach:
                return z, False, False
            # At least linear contraction at the measured rate: the error left is at
            # most about rate / (1 - rate) times the last step (the step itself at first).
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


def _broyden(direction, history):
    r"""The next step of Broyden's ("good") method on top of a fixed LU, in place of the chord step.

    ``direction`` is :math:`-B_0^{-1} F(z_{n})` and ``history`` the steps so far
    (updated here).  Kelley (2003, sec. 4.3, ``brsola``): with the earlier steps
    :math:`s_0 \dots s_{n-1}`, :math:`d \leftarrow d + s_{j+1} (s_j^	op d) / |s_j|^2`
    for j < n - 1, then :math:`s_n = d / (1 - s_{n-1}^	op d / |s_{n-1}|^2)`: the
    secant updates of the chord matrix, applied as vectors, make the chord
    iteration superlinear at one back-substitution an iteration.
    """
    if history:
        for before, after in zip(history[:-1], history[1:]):
            direction = direction + after * (before @ direction) / (before @ before)
        last = history[-1]
        denominator = 1.0 - (last @ direction) / (last @ last)
        if abs(denominator) > 1e-3:
            direction = direction / denominator
    history.append(direction)
    return direction


def _lu(matrix, overwrite=False):
    """scipy's LU factorisation, without its warning on an exactly singular matrix (checked by the caller)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        return scipy.linalg.lu_factor(matrix, overwrite_a=overwrite, check_finite=False)


def _lu_solve(lu, rhs, trans=0):
    """Solve with an LU from :func:`_lu` by LAPACK's getrs directly (scipy's lu_solve
    wrapper costs more than the back-substitution of a few hundred unknowns), or
    with a :class:`~attractors.analysis._low_rank.LowRankBordered`."""
    if isinstance(lu, LowRankBordered):
        return lu.solve(rhs)
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
