r"""The modern (continuous-state) Hopfield network of Ramsauer et al. (2021).

A state :math:`\xi \in \mathbb{R}^d` is updated by a softmax-weighted average of
the stored patterns,

.. math:: \xi \leftarrow X^\top \operatorname{softmax}(\beta X \xi),

which never increases the energy
:math:`E = -\mathrm{lse}(\beta, X\xi) + \tfrac12 \xi^\top\xi + \beta^{-1}\ln N + \tfrac12 M^2`.
Its fixed points are of three kinds, set by :math:`\beta`: one global average of
all patterns (small :math:`\beta`), metastable averages over subsets of similar
patterns, and single patterns (large :math:`\beta`, well separated patterns,
retrieved in one update with an exponentially small error).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .._system import DiscreteSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe
from . import _modern_softmax as softmax

__all__ = ["ModernHopfield"]

@dataclass(frozen=True, repr=False, eq=False)
class ModernHopfield(DiscreteSystem):
    r"""Modern Hopfield network with continuous states (Ramsauer et al. 2021).

    Stored patterns are the rows :math:`x_1, \dots, x_N \in \mathbb{R}^d` of
    ``patterns`` (shape ``(n_patterns, dim)``; the paper's :math:`X` is its
    transpose), the state is :math:`\xi \in \mathbb{R}^d` (``n_units = dim``) and one
    :meth:`update` is

    .. math:: \xi^{\mathrm{new}} = \sum_{i=1}^{N} p_i\, x_i, \qquad
              p = \operatorname{softmax}(\beta X \xi) ,

    the minimisation step of the concave-convex procedure for the energy
    (Ramsauer et al. 2021, Theorem 1)

    .. math:: E(\xi) = -\mathrm{lse}(\beta, X\xi) + \tfrac12 \xi^\top \xi
              + \beta^{-1} \ln N + \tfrac12 M^2, \qquad
              \mathrm{lse}(\beta, z) = \beta^{-1} \ln \sum_i e^{\beta z_i},

    with :math:`M = \max_i \|x_i\|`.  The energy never increases, so runs through
    :func:`attractors.simulate` end at fixed points (``stop_at_fixed_point`` with a
    ``tol``).  :meth:`retrieve` runs a batch of queries to convergence.

    The softmax is evaluated stably (the row maximum subtracted before the
    exponential) and in place; its normalisation rides along in the second
    matrix product (a column of ones appended to the patterns).

    Parameters
    ----------
    patterns : array_like, shape (n_patterns, dim)
        The stored patterns, one per row.
    beta : float
        Inverse temperature :math:`\beta > 0`.

    References
    ----------
    Ramsauer, H., Schäfl, B., Lehner, J., Seidl, P., Widrich, M., Adler, T.,
    Gruber, L., Holzleitner, M., Pavlović, M., Sandve, G. K., Greiff, V.,
    Kreil, D., Kopp, M., Klambauer, G., Brandstetter, J. & Hochreiter, S.
    (2021). Hopfield networks is all you need. ICLR.  arXiv:2008.02217.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> patterns = rng.standard_normal((1000, 64))       # far more patterns than dimensions
    >>> memory = ModernHopfield(patterns, beta=1.0)
    >>> queries = patterns[:5] + 0.3 * rng.standard_normal((5, 64))
    >>> result = memory.retrieve(queries)
    >>> result.nearest.values.tolist(), result.steps.values.tolist()
    ([0, 1, 2, 3, 4], [1, 1, 1, 1, 1])
    """

    patterns: np.ndarray
    beta: float = 1.0
    time_unit = "step"

    def __post_init__(self):
        if np.asarray(self.patterns).dtype.kind == "c":
            raise ParameterError(f"patterns must be real, got dtype {np.asarray(self.patterns).dtype}")
        patterns = check_finite_array("patterns", self.patterns, dtype=np.float64)
        if patterns.ndim != 2 or patterns.shape[0] < 1 or patterns.shape[1] < 1:
            raise ParameterError(
                f"patterns must be a 2-D array of shape (n_patterns, dim), got shape {patterns.shape}")
        patterns = np.array(patterns, dtype=np.float64, order="C")
        patterns.setflags(write=False)
        object.__setattr__(self, "patterns", patterns)
        object.__setattr__(self, "beta", check_positive("beta", self.beta))
        norms2 = np.einsum("ij,ij->i", patterns, patterns)
        half = 0.5 * norms2
        half.setflags(write=False)
        object.__setattr__(self, "_half_norms2", half)
        object.__setattr__(self, "_max_norm", float(np.sqrt(norms2.max())))
        # [X | 1] in both precisions, made once (nothing is set on the model later).
        augmented = {}
        for dtype in (np.dtype(np.float64), np.dtype(np.float32)):
            block = np.ascontiguousarray(
                np.hstack([patterns, np.ones((patterns.shape[0], 1))]), dtype=dtype)
            block.setflags(write=False)
            augmented[dtype] = block
        object.__setattr__(self, "_augmented", augmented)

    @classmethod
    def random(cls, n_patterns: int, dim: int, *, beta: float = 1.0, rng=None,
               seed=None) -> ModernHopfield:
        r"""A memory of ``n_patterns`` standard Gaussian patterns in ``dim`` dimensions.

        Their norms are close to :math:`\sqrt{d}`, their overlaps
        :math:`x_i^\top x_j` of order :math:`\sqrt{d}`, so the separation grows
        like :math:`d` and exponentially many patterns (in d) are well separated.

        Parameters
        ----------
        n_patterns, dim : int
            N and d.
        beta : float
            Inverse temperature.
        rng, seed : numpy.random.Generator or int, optional
            Where the patterns come from (the same seed gives the same memory).

        Examples
        --------
        >>> ModernHopfield.random(1000, 32, seed=0).patterns.shape
        (1000, 32)
        """
        from .._allocation import check_allocation
        from .._simulate import _resolve_rng

        n_patterns = check_integer("n_patterns", n_patterns, minimum=1)
        dim = check_integer("dim", dim, minimum=1)
        # The patterns and their two augmented copies (float64 and float32).
        check_allocation("n_patterns", n_patterns, (n_patterns, 2.5 * (dim + 1)), np.float64,
                         f"{n_patterns:,} patterns of dimension {dim:,} and their copies")
        generator = _resolve_rng(rng, seed)[0]
        return cls(generator.standard_normal((n_patterns, dim)), beta=beta)

    # -- shape -----------------------------------------------------------------------

    @property
    def n_units(self) -> int:
        """The dimension d of the state space."""
        return self.patterns.shape[1]

    @property
    def n_patterns(self) -> int:
        """The number N of stored patterns."""
        return self.patterns.shape[0]

    @property
    def max_norm(self) -> float:
        r""":math:`M = \max_i \|x_i\|`."""
        return self._max_norm

    @property
    def coords(self):
        return {"pattern": ("pattern", np.arange(self.n_patterns))}

    def initial_state(self, rng, n_trials=None):
        """A random stored pattern plus Gaussian noise of norm ~M/2, one per trial."""
        shape = self._batch_shape(n_trials)
        which = rng.integers(0, self.n_patterns, size=shape[:-1])
        noise = rng.standard_normal(shape) * (0.5 * self.max_norm / math.sqrt(self.n_units))
        return self.patterns[which] + noise

    # -- the map -----------------------------------------------------------------------

    def _step(self, x, beta, *, nearest=False):
        return softmax.softmax_step(self, x, beta, nearest=nearest)

    def update(self, x, rng=None, inputs=None):
        r"""One update :math:`\xi \leftarrow X^\top \operatorname{softmax}(\beta X \xi)`, same shape as ``x``.

        float32 states are updated in float32 (see :meth:`retrieve`), others in float64.
        """
        if inputs is not None:
            raise ParameterError(f"{self.name} takes no external input (inputs must be None)")
        x = self._check_state(x)
        dtype = x.dtype if x.dtype == np.float32 else np.dtype(np.float64)
        flat = np.ascontiguousarray(x.reshape(-1, self.n_units), dtype=dtype)
        return self._step(flat, self.beta)[0].reshape(x.shape)

    def _check_state(self, x, name="states"):
        x = np.asarray(x)
        if x.dtype.kind not in "fiu" or x.shape[-1:] != (self.n_units,):
            raise ParameterError(
                f"{name} must be a real array of shape (..., {self.n_units}) for {self.name} "
                f"with patterns of dimension {self.n_units}, got {describe(x)}")
        if not np.all(np.isfinite(x)):
            raise ParameterError(f"{name} must be finite")
        return x

    # -- energy ------------------------------------------------------------------------

    def energy(self, x, inputs=None):
        r"""The energy :math:`E(\xi)` of Ramsauer et al. (2021), shape ``x.shape[:-1]``.

        :math:`E \ge \tfrac12 (\|\xi\| - M)^2 \ge 0` everywhere (as
        :math:`\mathrm{lse} \le \max_i x_i^\top \xi + \beta^{-1}\ln N`) and
        :math:`E \le 2M^2` for :math:`\|\xi\| \le M`, where every update lands
        (Jensen: :math:`\mathrm{lse} \ge \bar x^\top \xi + \beta^{-1}\ln N`), as
        the paper states.
        """
        x = self._check_state(x)
        flat = np.asarray(x, dtype=np.float64).reshape(-1, self.n_units)
        chunk = max(1, softmax._CHUNK_ENTRIES // self.n_patterns)
        lse = np.empty(flat.shape[0])
        for start in range(0, flat.shape[0], chunk):
            scores = flat[start:start + chunk] @ self.patterns.T
            top = scores.max(axis=1)
            scores -= top[:, None]
            with np.errstate(over="ignore"):  # differences <= 0: at worst -inf, exp 0
                scores *= self.beta
            np.exp(scores, out=scores)
            lse[start:start + chunk] = top + np.log(scores.sum(axis=1)) / self.beta
        energy = (-lse + 0.5 * np.einsum("ij,ij->i", flat, flat)
                  + math.log(self.n_patterns) / self.beta + 0.5 * self.max_norm**2)
        return energy.reshape(x.shape[:-1])

    # -- retrieval ---------------------------------------------------------------------

    def retrieve(self, queries, *, beta=None, max_steps=100, tol=None, dtype=np.float64):
        r"""Run a batch of queries to fixed points of the update.

        Each query is updated until :math:`\|f(\xi_k) - \xi_k\|_\infty \le` ``tol``;
        the state returned is that :math:`\xi_k`, reached after ``steps = k``
        updates (a query that is already a fixed point has ``steps = 0``; a
        well-separated pattern is retrieved with ``steps = 1``, Ramsauer et al.
        2021, Theorem 4).  Converged queries leave the batch, so later updates
        cost only what still moves.

        Parameters
        ----------
        queries : array_like, shape (n_queries, dim) or (dim,)
            Initial states :math:`\xi_0`.
        beta : float, optional
            Inverse temperature for this retrieval (default: the model's).
        max_steps : int
            Most updates per query; queries still moving then are returned with
            ``converged = False``.
        tol : float, optional
            Convergence tolerance on the largest component change; default
            :math:`10^{-10} M` in float64, :math:`10^{-5} M` in float32 (a few
            hundred times the round-off of one update).
        dtype : float64 or float32
            Arithmetic of the two matrix products and the softmax.  float32 is
            about twice as fast; its scores :math:`\beta x_i^\top \xi` carry an
            absolute error up to about :math:`\beta d\, u\, M \|\xi\|`
            (:math:`u = 6 \cdot 10^{-8}`), which perturbs the softmax weights by
            that relative amount: enough wherever :math:`\beta d M^2 u \ll 1`
            or the weights are dominated by one pattern.

        Returns
        -------
        xarray.Dataset
            Dims ``query``, ``unit``: ``state`` (the retrieved states), ``steps``,
            ``converged``, ``nearest`` (index of the stored pattern nearest to
            the state in Euclidean distance), ``distance`` (to that pattern) and
            ``energy`` (at ``beta``, from the scores of the last update, so in
            ``dtype`` arithmetic); attrs ``beta``, ``tol``, ``max_steps``, ``dtype``.
        """
        import xarray as xr

        beta = self.beta if beta is None else check_positive("beta", beta)
        max_steps = check_integer("max_steps", max_steps, minimum=1)
        dtype = softmax.check_dtype(dtype)
        if tol is None:
            tol = (1e-10 if dtype == np.float64 else 1e-5) * max(self.max_norm, np.finfo(float).tiny)
        tol = check_positive("tol", tol, allow_zero=True)
        queries = self._check_state(check_finite_array("queries", queries), "queries")
        single = queries.ndim == 1
        if queries.ndim > 2:
            raise ParameterError(f"queries must have shape (n_queries, {self.n_units}) or "
                                 f"({self.n_units},), got shape {queries.shape}")
        current = np.array(np.atleast_2d(queries), dtype=dtype, order="C")
        n_queries = current.shape[0]
        states = np.empty_like(current)
        steps = np.full(n_queries, max_steps, dtype=np.int64)
        nearest = np.empty(n_queries, dtype=np.int64)
        lse = np.empty(n_queries)
        active = np.arange(n_queries)
        for k in range(max_steps + 1):
            if k == max_steps:  # out of steps: return xi_max_steps and its nearest pattern
                states[active] = current
                _, nearest[active], lse[active] = self._step(current, beta, nearest=True)
                break
            following, closest, current_lse = self._step(current, beta, nearest=True)
            done = np.max(np.abs(following - current), axis=1) <= tol
            finished = active[done]
            states[finished] = current[done]
            steps[finished] = k
            nearest[finished] = closest[done]
            lse[finished] = current_lse[done]
            active, current = active[~done], following[~done]
            if active.size == 0:
                break
        converged = steps < max_steps
        states64 = states.astype(np.float64)
        distance = np.linalg.norm(states64 - self.patterns[nearest], axis=1)
        # The energy from the lse of the last scores (no further matrix product).
        energy = (-lse + 0.5 * np.einsum("ij,ij->i", states64, states64)
                  + math.log(self.n_patterns) / beta + 0.5 * self.max_norm**2)
        result = xr.Dataset(
            {"state": (("query", "unit"), states64),
             "steps": ("query", steps, {"units": "step", "long_name": "updates until converged"}),
             "converged": ("query", converged),
             "nearest": ("query", nearest, {"long_name": "index of the nearest stored pattern"}),
             "distance": ("query", distance, {"units": "1", "long_name":
                                              "Euclidean distance to the nearest pattern"}),
             "energy": ("query", energy, {"units": "1", "long_name":
                                          "energy E (Ramsauer et al. 2021)"})},
            attrs={"beta": beta, "tol": tol, "max_steps": max_steps, "dtype": dtype.name,
                   "model": self.name})
        return result.isel(query=0) if single else result

    # -- theory: the three kinds of fixed points ------------------------------------------

    def separation(self) -> np.ndarray:
        r"""The separation :math:`\Delta_i = \min_{j \ne i} (x_i^\top x_i - x_i^\top x_j)`, shape (N,).

        The separation of pattern i as defined by Ramsauer et al. (2021); inf for a
        single stored pattern.
        """
        if self.n_patterns == 1:
            return np.array([np.inf])
        out = np.empty(self.n_patterns)
        chunk = max(1, softmax._CHUNK_ENTRIES // self.n_patterns)
        for s in range(0, self.n_patterns, chunk):
            gram = self.patterns[s:s + chunk] @ self.patterns.T
            own = gram[np.arange(gram.shape[0]), np.arange(s, s + gram.shape[0])].copy()
            gram[np.arange(gram.shape[0]), np.arange(s, s + gram.shape[0])] = -np.inf
            out[s:s + chunk] = own - gram.max(axis=1)
        return out

    def is_well_separated(self, beta=None) -> np.ndarray:
        r"""Which patterns satisfy the separation condition at ``beta``, shape (N,).

        .. math:: \Delta_i \ge \frac{2}{\beta N} + \frac{1}{\beta}
                  \ln\big(2 (N-1) N \beta M^2\big) ,

        under which a fixed point lies in the sphere of radius
        :math:`1/(\beta N M)` around :math:`x_i` and every query in that sphere
        converges to it, in one update up to an exponentially small error
        (Ramsauer et al. 2021, Theorems 4 and 5).  Meaningful for
        :math:`\beta \ge 1/\Delta_i` (see :meth:`well_separated_beta`).
        """
        beta = self.beta if beta is None else check_positive("beta", beta)
        n = self.n_patterns
        if n == 1:
            return np.array([True])
        needed = 2 / (beta * n) + math.log(2 * (n - 1) * n * beta * self.max_norm**2) / beta
        return self.separation() >= needed

    def well_separated_beta(self) -> float:
        r"""The :math:`\beta` above which every pattern is well separated (inf if no finite one).

        Above it, every stored pattern has its own fixed point: the single-pattern
        regime.  Solves the condition of :meth:`is_well_separated` for the least
        separated pattern on the branch :math:`\beta \ge 1/\Delta_{\min}`, where
        the condition's margin :math:`\beta\Delta - 2/N - \ln(2(N-1)N\beta M^2)`
        increases.  (For :math:`\beta \to 0` the condition holds again, but only
        because the spheres of radius :math:`1/(\beta N M)` around the patterns
        grow without bound; it says nothing about retrieval there.)
        """
        from scipy.optimize import brentq

        delta = float(self.separation().min())
        n = self.n_patterns
        if n == 1:
            return 0.0
        if delta <= 0:
            return math.inf
        c = 2 * (n - 1) * n * self.max_norm**2

        def margin(beta):
            return beta * delta - 2 / n - math.log(c * beta)

        low = 1.0 / delta  # the margin decreases below 1/delta and increases above
        if margin(low) >= 0:
            return low
        high = 2 * low
        while margin(high) < 0:
            high *= 2
        return brentq(margin, low, high, xtol=1e-12 * high, rtol=1e-12)

    def unique_fixed_point_beta(self) -> float:
        r"""A :math:`\beta` below which the update has a single, global fixed point.

        The Jacobian of the update is :math:`J = \beta\, \mathrm{Cov}_p(x)`, the
        covariance of the patterns under the softmax weights :math:`p`
        (as Ramsauer et al. 2021 derive it); its norm is at most
        :math:`\beta R^2` with :math:`R = \max_i \|x_i - \bar x\|`.  For
        :math:`\beta < 1/R^2` the update is therefore a contraction of
        :math:`\mathbb{R}^d`: one fixed point, near the mean :math:`\bar x`, that
        every query converges to (the global-averaging regime).
        """
        radius2 = float(np.max(np.sum((self.patterns - self.patterns.mean(axis=0)) ** 2, axis=1)))
        return math.inf if radius2 == 0 else 1.0 / radius2

    def retrieval_error_bound(self, queries, pattern, *, beta=None, fixed_point=None) -> np.ndarray:
        r"""Ramsauer et al. (2021), Theorem 5: the error of one update from ``queries`` towards ``pattern``.

        .. math:: \|f(\xi) - x_i\| \le 2 (N-1)\, M
                  \exp\!\Big(-\beta \big(\Delta_i - 2 M \max\{\|\xi - x_i\|,
                  \|x_i^* - x_i\|\}\big)\Big) ,

        where :math:`x_i^*` is the fixed point near :math:`x_i` (``fixed_point``;
        left out, the max is taken over :math:`\|\xi - x_i\|` alone, which the
        same proof also bounds: :math:`f(\xi) - x_i = \sum_{j \ne i} p_j (x_j - x_i)`
        with :math:`p_j \le e^{\beta (x_j - x_i)^\top \xi}`).

        Returns
        -------
        ndarray, shape (n_queries,)
        """
        beta = self.beta if beta is None else check_positive("beta", beta)
        if isinstance(pattern, bool) or not isinstance(pattern, numbers.Integral) \
                or not 0 <= pattern < self.n_patterns:
            raise ParameterError(
                f"pattern must be an index in [0, {self.n_patterns}), got {describe(pattern)}")
        queries = self._check_state(check_finite_array("queries", queries), "queries")
        target = self.patterns[pattern]
        radius = np.linalg.norm(queries - target, axis=-1)
        if fixed_point is not None:
            star = self._check_state(check_finite_array("fixed_point", fixed_point), "fixed_point")
            radius = np.maximum(radius, np.linalg.norm(star - target, axis=-1))
        delta = self.separation()[pattern]
        m = self.max_norm
        return 2 * (self.n_patterns - 1) * m * np.exp(-beta * (delta - 2 * m * radius))
