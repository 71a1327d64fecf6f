r"""Solving the continuation's bordered system when the Jacobian is a multiple of I plus low rank.

Private to :mod:`attractors.analysis._arclength`.  A model whose Jacobian is
:math:`F_x = cI + UV^\top` with K columns (a CANN: :math:`-I/\tau` plus its K
kernel Fourier modes) makes the bordered matrix of a continuation step

.. math::

    A = \begin{pmatrix} sF_x & B \\ C & D \end{pmatrix}
      = \underbrace{\begin{pmatrix} csI & B \\ C & D \end{pmatrix}}_{A_0}
        + \begin{pmatrix} U \\ 0 \end{pmatrix}
          \begin{pmatrix} sV^\top & 0 \end{pmatrix},

with :math:`s` the state scale, B the one or two border columns (the parameter
column and the phase condition's unfolding column), C the border rows (the
phase condition, the arclength row) and D their small corner.  :math:`A_0` is
solved through its m x m Schur complement :math:`D - CB/(cs)` (m <= 2), and
:math:`A` by the Sherman-Morrison-Woodbury formula
:math:`A^{-1} = A_0^{-1} - W (I_K + sV^\top W_x)^{-1} sV^\top A_0^{-1}`,
:math:`W = A_0^{-1} (U; 0)`: O(N K^2) work instead of the O(N^3) of an LU.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.lapack import dgetrf, dgetrs

__all__: list[str] = []


class LowRankBordered:
    """The factorised bordered matrix (see the module docstring); ``solve(rhs)`` gives A^-1 rhs."""

    def __init__(self, alpha, u, vt_scaled, columns, rows, corner):
        n = u.shape[0]
        self.n, self.alpha, self.vt = n, float(alpha), vt_scaled
        self.columns, self.rows = columns, rows  # B (n, m) and C (m, n)
        self.schur = _factor(corner - rows @ columns / self.alpha)
        # W = A0^-1 (U; 0), then the K x K capacitance matrix I + s V^T W_x.
        self.w = self._solve0(np.vstack([u, np.zeros((columns.shape[1], u.shape[1]))]))
        capacitance = np.eye(u.shape[1]) + vt_scaled @ self.w[:n]
        self.capacitance = _factor(capacitance)
        pivots = np.abs(np.concatenate([np.diag(self.schur[0]), np.diag(self.capacitance[0])]))
        self.regular = bool(np.all(np.isfinite(pivots)) and pivots.min() > 1e-12 * max(pivots.max(), 1.0))

    def _solve0(self, rhs):
        """A0^-1 rhs (rhs of shape (n + m,) or (n + m, r)) through the Schur complement."""
        top, bottom = rhs[: self.n], rhs[self.n:]
        tail = _solve(self.schur, bottom - self.rows @ top / self.alpha)
        return np.concatenate([(top - self.columns @ tail) / self.alpha, tail])

    def solve(self, rhs):
        """A^-1 rhs by the Woodbury formula."""
        y = self._solve0(rhs)
        correction = _solve(self.capacitance, self.vt @ y[: self.n])
        return y - self.w @ correction


def _factor(matrix):
    """LAPACK's getrf directly (the small matrices here cost less than scipy's wrapper)."""
    lu, piv, _ = dgetrf(matrix)
    return lu, piv


def _solve(factors, rhs):
    return dgetrs(factors[0], factors[1], rhs)[0]
