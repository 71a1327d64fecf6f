r"""The discrete Hopfield network: binary units, symmetric weights, an energy that never rises.

State :math:`s \in \{-1, +1\}^N` (``units="spin"``) or :math:`\{0, 1\}^N`
(``units="binary"``, Hopfield 1982).  Unit :math:`i` sees the local field

.. math:: h_i = \sum_j W_{ij} s_j + u_i - \theta_i

(weights :math:`W`, external input :math:`u`, threshold :math:`\theta`) and
becomes active (+1 or 1) when :math:`h_i > 0`, inactive (-1 or 0) when
:math:`h_i < 0`, and keeps its state when :math:`h_i = 0` (the tie rule).  With
symmetric :math:`W` and :math:`W_{ii} \ge 0`, every asynchronous change lowers

.. math:: E(s) = -\tfrac12 s^\top W s + (\theta - u)^\top s

(Hopfield 1982), so asynchronous runs end at fixed points; synchronous runs
end in a fixed point or a 2-cycle (Goles, Fogelman-Soulie & Pellegrin 1985),
with the two-step Lyapunov function :meth:`HopfieldNetwork.sync_lyapunov`.

Costs (``N`` units, ``P`` patterns, ``B`` trials).  Memory: the weights take
:math:`8N^2` bytes in float64, :math:`4N^2` in float32 (``from_patterns(...,
dtype="float32")``), and :math:`N^2` or :math:`2N^2` as exact Hebb couplings
(int8 for P < 128, else int16); a recall adds about :math:`40BN` bytes.  For
N = 20,000 that is 3.2 GB, 1.6 GB and 0.4/0.8 GB: measured peak resident
memory of a process storing P = 2,000 patterns and recalling 10 cues, 1.95 GB
in float32 and 1.18 GB exact, of which about 0.3 GB is the Python, numpy,
numba and xarray runtime (``benchmarks/bench_hopfield.py``).  Time: Hebb
storage is one :math:`N \times P \times N` product (25-60 s for N = 20,000,
P = 2,000 on one core); an asynchronous sweep costs :math:`O(N)`
plus :math:`O(N)` per unit that changes (incremental local fields, so a
recall from a cue with a fraction :math:`\rho` of wrong bits costs about
:math:`\rho N^2` after the initial field :math:`W s`, one matrix product);
a synchronous step is one :math:`B \times N \times N` matrix product.
Exact couplings are also the fastest: fewer bytes per changed unit.
"""

from __future__ import annotations

import numbers
import weakref
from dataclasses import dataclass, field

import numpy as np

from .._system import DiscreteSystem
from .._validate import ParameterError, check_choice, check_finite_array, check_integer, \
    check_positive, describe

__all__ = ["HopfieldNetwork", "doubled_network"]

_UNITS = ("spin", "binary")
_DYNAMICS = ("async", "sync", "glauber")
_INT_TYPES = (np.int8, np.int16, np.int32, np.int64)
#: Bytes of the row blocks in which N x N matrices are converted or checked (16 MB).
_BLOCK_BYTES = 1 << 24
#: Unit updates (trials x units x sweeps) above which a call runs trials on threads.
_PARALLEL_WORK = 100_000
#: Largest batch of states (trials x units) whose local field is kept for reuse (~40 MB).
_CACHE_ELEMENTS = 1 << 22
#: Largest float copy of integer couplings kept for matrix products (256 MB).
_COPY_BYTES = 1 << 28


def _kernels():
    from . import _hopfield_kernels  # numba compiles (or loads its cache) on first use

    return _hopfield_kernels


def _check_finite_symmetric(matrix: np.ndarray) -> float:
    """Raise unless ``matrix`` is finite and symmetric (exactly for integers, to round-off
    for floats), a block of rows at a time so that no N x N temporary is made.

    Returns the largest magnitude of an entry."""
    n = matrix.shape[0]
    block = max(1, _BLOCK_BYTES // (8 * n))
    floating = matrix.dtype.kind == "f"
    scale = 0.0
    for lo in range(0, n, block):
        rows = matrix[lo:lo + block]
        if floating and not np.all(np.isfinite(rows)):
            i, j = np.argwhere(~np.isfinite(rows))[0]
            raise ParameterError(f"weights must be finite, but W[{lo + i}, {j}] = {rows[i, j]!r}")
        scale = max(scale, abs(float(rows.max())), abs(float(rows.min())))
    tol = 1e-12 * scale if floating else 0.0
    for lo in range(0, n, block):
        rows = matrix[lo:lo + block]
        gap = np.abs(rows.astype(np.float64) - matrix[:, lo:lo + block].T)
        if gap.max(initial=0.0) > tol:
            i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
            raise ParameterError(
                f"weights must be symmetric (W = W^T), but W[{lo + i}, {j}] = "
                f"{matrix[lo + i, j]!r} and W[{j}, {lo + i}] = {matrix[j, lo + i]!r}")
    return scale


@dataclass(frozen=True, repr=False, eq=False)
class HopfieldNetwork(DiscreteSystem):
    r"""A discrete Hopfield network (Hopfield 1982) with asynchronous, synchronous or Glauber dynamics.

    Unit :math:`i` sees the field :math:`h_i = \sum_j W_{ij} s_j + u_i - \theta_i`
    and is updated by

    .. math::

        s_i \leftarrow \begin{cases} s_\mathrm{on} & h_i > 0 \\
            s_i & h_i = 0 \text{ (tie: the state is kept)} \\
            s_\mathrm{off} & h_i < 0 \end{cases}

    with :math:`(s_\mathrm{on}, s_\mathrm{off}) = (+1, -1)` for spins and
    :math:`(1, 0)` for binary units.  One call of :meth:`update` is one *sweep*
    (time is counted in sweeps): ``"async"`` updates the N units one after the
    other, in a fresh uniformly random order each sweep (``order="random"``) or
    in a fixed order, each unit seeing the changes made before it;
    ``"sync"`` updates all units at once from the same state; ``"glauber"`` is
    the asynchronous sweep with the stochastic rule

    .. math:: P(s_i = s_\mathrm{on}) = \frac{1}{1 + e^{-g h_i / T}}, \quad g = 2 \text{ (spins)},\ 1 \text{ (binary)},

    the heat-bath rule that samples :math:`e^{-E/T}` (Glauber 1963); at
    ``temperature=0`` it is the deterministic rule.  The energy

    .. math:: E(s) = -\tfrac12 s^\top W s + (\theta - u)^\top s

    never increases under asynchronous deterministic updates when :math:`W` is
    symmetric with :math:`W_{ii} \ge 0` (Hopfield 1982, Eq. 7): a change
    :math:`\Delta s_i` changes it by
    :math:`-\Delta s_i (h_i - W_{ii} s_i) - \tfrac12 W_{ii} \Delta s_i^2 \le 0`.

    Parameters
    ----------
    weights : array_like, shape (N, N)
        Symmetric weights :math:`W`, float64 or float32 (kept in that precision),
        or integers :math:`J` with ``weight_scale`` (:math:`W = c J`), such as the
        exact Hebb matrix of ``learning.hebb(..., exact=True)`` with
        :math:`c = 1/N`: fields are then integers, held exactly, and ties are
        reproducible on every machine.  Not copied when already of a supported
        dtype and C-contiguous with the right diagonal: do not modify it later.
    thresholds : array_like, shape (N,), optional
        :math:`\theta` (default 0): the weight from a "bias unit that is always
        on", with the sign convention that a positive threshold makes a unit
        harder to switch on.
    units : {"spin", "binary"}
        :math:`\{-1, +1\}` or :math:`\{0, 1\}` (Hopfield 1982's :math:`V_i`).
    dynamics : {"async", "sync", "glauber"}
        The update rule of a sweep.
    order : {"random", "fixed"} or array_like of int, shape (N,)
        Order of asynchronous updates: a fresh random permutation each sweep,
        units ``0, 1, ..., N-1``, or the given permutation.
    temperature : float
        :math:`T \ge 0` of Glauber dynamics (0 for the others).
    patterns : array_like, shape (P, N), optional
        Stored patterns (:math:`\pm 1`; 0/1 is accepted for binary units and
        converted with :math:`2v - 1`).  When given, the overlaps
        :math:`m^\mu = \frac1N \sum_i \xi_i^\mu \sigma_i` are recorded as the
        observable ``overlap`` over ``(pattern,)``, with :math:`\sigma = s` for
        spins and :math:`\sigma = 2s - 1` for binary units.
    keep_diagonal : bool
        Keep the self-couplings :math:`W_{ii}` (default: they are set to zero).
    weight_scale : float, optional
        :math:`c` for integer weights (default 1).
    steps_per_sweep : int
        ``k``: each :meth:`update` performs one k-th of a sweep (about N/k unit
        updates; the random order is drawn once per sweep), so
        :func:`~attractors.simulate` records the state k times per sweep, at
        times ``1/k, 2/k, ...`` sweeps.  Default 1 (one record per sweep).

    References
    ----------
    J. J. Hopfield (1982), Neural networks and physical systems with emergent
    collective computational abilities, PNAS 79:2554.
    R. J. Glauber (1963), Time-dependent statistics of the Ising model, J. Math.
    Phys. 4:294.
    E. Goles, F. Fogelman-Soulie & D. Pellegrin (1985), Decreasing energy
    functions as a tool for studying threshold networks, Discrete Appl. Math. 12:261.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.models import HopfieldNetwork
    >>> xi = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]])
    >>> net = HopfieldNetwork.from_patterns(xi, exact=True)
    >>> cue = np.array([1, -1, 1, -1, 1, 1])          # pattern 0, last bit flipped
    >>> result = net.recall(cue, seed=0)
    >>> result.state.values.astype(int).tolist(), str(result.kind.values), int(result.retrieved)
    ([1, -1, 1, -1, 1, -1], 'pattern', 0)
    """

    weights: np.ndarray
    thresholds: np.ndarray | None = None
    units: str = field(default="spin", kw_only=True)
    dynamics: str = field(default="async", kw_only=True)
    order: object = field(default="random", kw_only=True)
    temperature: float = field(default=0.0, kw_only=True)
    patterns: np.ndarray | None = field(default=None, kw_only=True)
    keep_diagonal: bool = field(default=False, kw_only=True)
    weight_scale: float | None = field(default=None, kw_only=True)
    steps_per_sweep: int = field(default=1, kw_only=True)

    time_unit = "sweep"

    def __post_init__(self):
        setattr_ = object.__setattr__.__get__(self)
        units = check_choice("units", self.units, _UNITS)
        dynamics = check_choice("dynamics", self.dynamics, _DYNAMICS)
        setattr_("units", units)
        setattr_("dynamics", dynamics)
        weights, bound = self._check_weights(self.weights)
        n = weights.shape[0]
        integer = weights.dtype.kind in "iu"
        if self.weight_scale is None:
            scale = 1.0
        else:
            if not integer:
                raise ParameterError(
                    f"weight_scale applies to integer weights (W = weight_scale * J); got it "
                    f"({self.weight_scale!r}) with {weights.dtype} weights: scale them instead")
            scale = check_positive("weight_scale", self.weight_scale)
            setattr_("weight_scale", scale)
        if self.thresholds is None:
            theta = np.zeros(n)
        else:
            theta = check_finite_array("thresholds", self.thresholds, dtype=np.float64)
            if theta.shape != (n,):
                raise ParameterError(f"thresholds must have shape ({n},) to match {n} units, "
                                     f"got shape {theta.shape}")
            setattr_("thresholds", theta)
        setattr_("order", self._check_order(self.order, n))
        temperature = check_positive("temperature", self.temperature, allow_zero=True)
        if temperature and dynamics != "glauber":
            raise ParameterError(f"temperature={temperature!r} needs dynamics='glauber' "
                                 f"(got dynamics={dynamics!r}, which is deterministic)")
        setattr_("temperature", temperature)
        if not isinstance(self.keep_diagonal, (bool, np.bool_)):
            raise ParameterError(
                f"keep_diagonal must be True or False, got {describe(self.keep_diagonal)}")
        k = check_integer("steps_per_sweep", self.steps_per_sweep, minimum=1)
        if k > n:
            raise ParameterError(f"steps_per_sweep must be at most n_units = {n} (one unit "
                                 f"update per step), got {k}")
        if k > 1 and dynamics == "sync":
            raise ParameterError("steps_per_sweep > 1 splits an asynchronous sweep; synchronous "
                                 f"dynamics update all units at once (got steps_per_sweep={k})")
        setattr_("steps_per_sweep", k)
        if self.patterns is not None:
            setattr_("patterns", self._check_patterns(self.patterns, n))

        diag = np.diagonal(weights)
        if not self.keep_diagonal and diag.any():
            weights = np.array(weights, order="C")  # a copy, so the caller's array is untouched
            np.fill_diagonal(weights, 0)
        setattr_("weights", weights)
        # Coupling units: W = scale * C; thresholds and temperature divided by scale.
        setattr_("_scale", scale)
        setattr_("_diag", np.ascontiguousarray(np.diagonal(weights), dtype=np.float64))
        setattr_("_theta_c", theta / scale)
        setattr_("_low", -1 if units == "spin" else 0)
        setattr_("_gain", 2.0 if units == "spin" else 1.0)
        setattr_("_cursor", {})
        setattr_("_float_copies", {})
        setattr_("_bound", bound)

    def __getstate__(self):
        # The caches (kept fields, the sweep in progress, float copies) are not part
        # of the model, and hold weak references that cannot be pickled.
        state = dict(self.__dict__)
        state.update(_cursor={}, _float_copies={})
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    # -- validation ----------------------------------------------------------

    @staticmethod
    def _check_weights(weights) -> np.ndarray:
        try:
            array = np.asarray(weights)
        except (TypeError, ValueError) as error:
            raise ParameterError(f"weights must be numeric, got {describe(weights)}") from error
        if array.dtype.kind not in "biuf":
            raise ParameterError(f"weights must be real numbers, got dtype {array.dtype}")
        if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] < 1:
            raise ParameterError(f"weights must be a square (N, N) matrix, got shape {array.shape}")
        if array.dtype.kind == "b":
            array = array.astype(np.int8)
        elif array.dtype.kind == "u":
            array = array.astype(np.int64)
        elif array.dtype.kind == "f" and array.dtype not in (np.float32, np.float64):
            array = array.astype(np.float64)
        array = np.ascontiguousarray(array)
        return array, _check_finite_symmetric(array)

    @staticmethod
    def _check_order(order, n):
        if isinstance(order, str):
            return check_choice("order", order, ("random", "fixed"))
        perm = check_finite_array("order", order)
        if perm.shape != (n,) or perm.dtype.kind not in "iu" or not np.array_equal(
                np.sort(perm), np.arange(n)):
            raise ParameterError(f"order must be 'random', 'fixed' or a permutation of "
                                 f"0..{n - 1} (shape ({n},), integers), got {describe(order)}")
        return perm.astype(np.int64)

    def _check_patterns(self, patterns, n):
        xi = check_finite_array("patterns", patterns)
        if xi.ndim == 1:
            xi = xi[None, :]
        if xi.ndim != 2 or xi.shape[1] != n or xi.shape[0] < 1:
            raise ParameterError(f"patterns must have shape (P, {n}) to match {n} units, "
                                 f"got shape {xi.shape}")
        if self.units == "binary" and np.all((xi == 0) | (xi == 1)):
            xi = 2 * xi - 1
        if not np.all((xi == 1) | (xi == -1)):
            allowed = "+1/-1 (or 0/1 for binary units)" if self.units == "binary" else "+1/-1"
            raise ParameterError(f"patterns must contain only {allowed}")
        return xi.astype(np.int8)

    def _states(self, name, x):
        """States as a (B, N) int8 array (and the batch shape), after checking their values."""
        x = np.asarray(x)
        n = self.n_units
        if x.ndim < 1 or x.shape[-1] != n:
            raise ParameterError(f"{name} must have shape (..., {n}) ({self.name} has {n} units), "
                                 f"got shape {x.shape}")
        flat = x.reshape(-1, n)
        s = flat.astype(np.int8)
        if not np.array_equal(s, flat) or not np.all((s == 1) | (s == self._low)):
            allowed = "+1/-1" if self.units == "spin" else "0/1"
            raise ParameterError(f"{name} must contain only {allowed} ({self.units} units)")
        return s, x.shape[:-1]

    # -- interface -----------------------------------------------------------

    @property
    def n_units(self) -> int:
        return self.weights.shape[0]

    @property
    def time_step(self) -> float:
        return 1.0 / self.steps_per_sweep

    @property
    def coords(self):
        if self.patterns is None:
            return {}
        return {"pattern": ("pattern", np.arange(self.patterns.shape[0]))}

    def initial_state(self, rng, n_trials=None):
        """Independent units, active with probability 1/2."""
        on = rng.integers(0, 2, size=self._batch_shape(n_trials))
        return np.where(on == 1, 1.0, float(self._low))

    def observables(self, x):
        if self.patterns is None:
            return {}
        return {"overlap": (("pattern",), self._overlaps(x, self.patterns))}

    def _overlaps(self, x, xi):
        """m = sigma xi^T / N; the integer dot products are exact in float32 for N < 2**24."""
        x = np.asarray(x)
        sigma = x.astype(np.float32) if self.units == "spin" else 2 * x.astype(np.float32) - 1
        sigma = sigma.reshape(-1, self.n_units)
        dots = np.empty((sigma.shape[0], xi.shape[0]), dtype=np.float32)
        chunk = max(1, _BLOCK_BYTES // (4 * self.n_units))  # patterns converted at a time
        for lo in range(0, xi.shape[0], chunk):
            dots[:, lo:lo + chunk] = sigma @ xi[lo:lo + chunk].astype(np.float32).T
        return (dots.astype(np.float64) / self.n_units).reshape(x.shape[:-1] + (xi.shape[0],))

    def _theta(self, batch: int, inputs) -> np.ndarray:
        """Thresholds minus inputs, in coupling units, shape (batch, N)."""
        theta = np.broadcast_to(self._theta_c, (batch, self.n_units))
        if inputs is not None:
            u = np.asarray(inputs, dtype=np.float64)
            theta = theta - np.broadcast_to(u, np.broadcast_shapes(u.shape, (1, self.n_units))
                                            ).reshape(-1, self.n_units) / self._scale
            theta = np.broadcast_to(theta, (batch, self.n_units))
        return np.ascontiguousarray(theta, dtype=np.float64)

    def local_field(self, x) -> np.ndarray:
        r"""The recurrent field :math:`\sum_j W_{ij} s_j`, shape ``x.shape`` (float64)."""
        s, shape = self._states("x", x)
        return (self._field(s) * self._scale).reshape(shape + (self.n_units,))

    def _field(self, s) -> np.ndarray:
        """C s for (B, N) states, float64, in coupling units (exact for integer couplings).

        The last result is kept: :func:`~attractors.simulate` asks for the field of
        the initial states three times (energy probe, first sweep, energies of the
        records), and an O(BN) comparison is cheaper than an O(BN^2) product.
        """
        cached = self._cursor.get("field")
        if cached is not None and cached[0].shape == s.shape and np.array_equal(cached[0], s):
            return cached[1].copy()
        c = self.weights
        if c.dtype == np.float64:
            h = s.astype(np.float64) @ c
        else:
            dtype = np.float32 if c.dtype == np.float32 else self._product_dtype()
            h = self._product(s.astype(dtype)).astype(np.float64)
        if s.size <= _CACHE_ELEMENTS:
            self._cursor["field"] = (np.array(s, dtype=np.int8), h.copy())
        return h

    def _product_dtype(self):
        """float32 where products of integer couplings are exact in it, else float64."""
        c = self.weights
        if c.dtype.kind == "f":
            return c.dtype.type
        # A float32 sum of integers is exact while every partial sum stays below 2**24.
        return np.float32 if self._bound * self.n_units < 2**24 else np.float64

    def _product(self, x) -> np.ndarray:
        """x @ C in the dtype of ``x`` (BLAS).  Integer couplings are used through a
        cached float copy up to _COPY_BYTES, beyond that converted a block of rows
        at a time, so no large N x N temporary is made."""
        c = self.weights
        if c.dtype.kind == "f":
            return x @ c
        n = self.n_units
        dtype = x.dtype
        if n * n * dtype.itemsize <= _COPY_BYTES:
            cached = self._float_copies.get(dtype.str)
            if cached is None:
                cached = self._float_copies[dtype.str] = c.astype(dtype)
            return x @ cached
        out = np.empty((x.shape[0], n), dtype=dtype)
        block = max(1, _BLOCK_BYTES // (dtype.itemsize * n))
        for lo in range(0, n, block):
            out[:, lo:lo + block] = x @ c[lo:lo + block].astype(dtype).T  # C is symmetric
        return out

    def energy(self, x, inputs=None):
        r"""The energy :math:`E = -\tfrac12 s^\top W s + (\theta - u)^\top s`, shape ``x.shape[:-1]``.

        Along the leading axis of ``x`` (time, for a recorded trajectory), when
        consecutive states differ in few units, the quadratic part is carried: one matrix
        product for the first state, then :math:`O(N)` per unit that changed
        (exact for integer couplings; for float weights the same to round-off).
        """
        s, shape = self._states("x", x)
        theta = self._theta(s.shape[0], None if inputs is None else np.broadcast_to(
            inputs, shape + (self.n_units,)).reshape(-1, self.n_units))
        sf = s.astype(np.float64)
        drive = np.einsum("bi,bi->b", theta, sf)
        if len(shape) >= 1 and shape[0] > 2:
            stack = s.reshape(shape[0], -1, self.n_units)
            changes = np.count_nonzero(stack[1:] != stack[:-1])
            # Carrying costs N per change against N^2 per state for products.
            if changes < 0.25 * (shape[0] - 1) * stack.shape[1] * self.n_units:
                h = self._field(stack[0])
                quadratic = np.empty(stack.shape[:2])
                quadratic[0] = -0.5 * np.einsum("bi,bi->b", stack[0].astype(np.float64), h)
                _kernels().carry_quadratic(self.weights, self._diag, stack, h, quadratic)
                return ((quadratic.ravel() + drive) * self._scale).reshape(shape)
        quadratic = -0.5 * np.einsum("bi,bi->b", sf, self._field(s))
        return ((quadratic + drive) * self._scale).reshape(shape)

    def sync_lyapunov(self, s_prev, s_next, inputs=None):
        r"""The two-step Lyapunov function of synchronous dynamics.

        .. math:: L(t) = -s(t+1)^\top W s(t) + (\theta - u)^\top \big(s(t+1) + s(t)\big)

        For symmetric :math:`W` it never increases along a synchronous orbit,
        :math:`L(t) - L(t-1) = -\big(s(t+1) - s(t-1)\big)^\top (W s(t) + u - \theta) \le 0`,
        and it is constant exactly on fixed points and 2-cycles (Goles,
        Fogelman-Soulie & Pellegrin 1985; Bruck 1990, J. Complexity 6:129).

        Parameters
        ----------
        s_prev, s_next : array_like, shape (..., N)
            :math:`s(t)` and :math:`s(t+1)`.

        Returns
        -------
        ndarray, shape (...)
        """
        a, shape = self._states("s_prev", s_prev)
        b, shape_b = self._states("s_next", s_next)
        if shape != shape_b:
            raise ParameterError(
                f"s_prev and s_next must have the same shape, got {shape} and {shape_b}")
        cross = -np.einsum("bi,bi->b", b.astype(np.float64), self._field(a))
        theta = self._theta(a.shape[0], None if inputs is None else np.broadcast_to(
            inputs, shape + (self.n_units,)).reshape(-1, self.n_units))
        drive = np.einsum("bi,bi->b", theta, (a + b).astype(np.float64))
        return ((cross + drive) * self._scale).reshape(shape)

    def period(self, x, inputs=None) -> np.ndarray:
        r"""Whether states are fixed points (1), on a synchronous 2-cycle (2), or neither (0).

        A state is a fixed point when no unit would change (whatever the update
        order); with ``dynamics="sync"`` it is on a 2-cycle when two synchronous
        steps bring it back.  Applied to the last state of a run
        (``run.state.isel(time=-1)``), this says how the run ended.

        Parameters
        ----------
        x : array_like, shape (..., N)
            States.

        Returns
        -------
        ndarray of int, shape (...)
        """
        s, shape = self._states("x", x)
        theta = self._theta(s.shape[0], None if inputs is None else np.broadcast_to(
            inputs, shape + (self.n_units,)).reshape(-1, self.n_units))
        once = self._sync_step(s, theta)
        result = np.where(np.all(once == s, axis=1), 1, 0)
        if self.dynamics == "sync":
            twice = self._sync_step(once, theta)
            result[(result == 0) & np.all(twice == s, axis=1)] = 2
        return result.reshape(shape)

    # -- dynamics ------------------------------------------------------------

    def _base_order(self):
        if isinstance(self.order, np.ndarray):
            return self.order
        return np.arange(self.n_units, dtype=np.int64)

    @property
    def _random_order(self) -> bool:
        return isinstance(self.order, str) and self.order == "random"

    def _needs_random(self) -> bool:
        return self.dynamics != "sync" and (self._random_order or self.temperature > 0)

    def update(self, x, rng, inputs=None):
        """One sweep (or one ``steps_per_sweep``-th of a sweep) of the dynamics; a new array."""
        s, shape = self._states("x", x)
        theta = self._theta(s.shape[0], inputs)
        if self.dynamics == "sync":
            return self._sync_step(s, theta).astype(np.float64).reshape(shape + (self.n_units,))
        if self._needs_random() and not isinstance(rng, np.random.Generator):
            raise ParameterError(
                f"rng must be a numpy Generator for random update orders or Glauber noise "
                f"(order={self.order!r}, temperature={self.temperature!r}), got {describe(rng)}")
        new = self._async_chunk(x, s, theta, rng)
        out = new.astype(np.float64).reshape(shape + (self.n_units,))
        self._cursor["ref"] = weakref.ref(out)
        return out

    def _sync_step(self, s, theta):
        f = self._field(s)
        g = f - theta
        return np.where(g > 0, 1, np.where(g < 0, self._low, s)).astype(np.int8)

    def _async_sweeps(self, s, theta, rng, *, max_sweeps, stop, trace=False):
        """Whole sweeps in the compiled kernel; returns (s, energy, sweeps, converged, trace)."""
        k = _kernels()
        s = np.ascontiguousarray(s, dtype=np.int8).copy()
        h = self._field(s)
        n_trials = s.shape[0]
        # One 64-bit key per sweep, whatever the batch size (each trial's stream is
        # derived from it), so a trial's result does not depend on the batch and
        # recall() matches simulate() sweep for sweep with the same generator.
        if self._needs_random():
            seeds = rng.bit_generator.random_raw(max_sweeps).astype(np.uint64)
        else:
            seeds = np.zeros(0, dtype=np.uint64)
        sf = s.astype(np.float64)
        energy = -0.5 * np.einsum("bi,bi->b", sf, h) + np.einsum("bi,bi->b", theta, sf)
        energy_trace = np.zeros((n_trials, max_sweeps + 1 if trace else 0))
        if trace:
            energy_trace[:, 0] = energy
        sweeps = np.zeros(n_trials, dtype=np.int64)
        converged = np.zeros(n_trials, dtype=np.bool_)
        # Threads pay off only for batches with enough work (measured: starting them
        # costs ~0.1-0.5 ms a call on a loaded machine, a sweep of 1000 units ~5 us).
        # A recall typically settles in a few sweeps, hence min(max_sweeps, 3).
        work = n_trials * self.n_units * min(max_sweeps, 3)
        run = k.run_sweeps if n_trials > 1 and work >= _PARALLEL_WORK else k.run_sweeps_serial
        run(self.weights, self._diag, s, h, theta, self._base_order(), seeds,
            self._random_order, self._low, self._gain, self.temperature / self._scale,
            max_sweeps, stop, energy, energy_trace, sweeps, converged)
        return s, energy * self._scale, sweeps, converged, energy_trace * self._scale

    def _async_chunk(self, x, s, theta, rng):
        """One k-th of a sweep (k = ``steps_per_sweep``, often 1).

        When ``x`` is this network's own last output (as in
        :func:`~attractors.simulate`, which feeds each state back), the call
        continues from the kept local fields and the sweep's update order, so
        a sweep costs O(N) per trial plus O(N) per change, not a matrix
        product.  Any other ``x`` starts afresh.
        """
        k = _kernels()
        n, parts = self.n_units, self.steps_per_sweep
        cursor = self._cursor
        ref = cursor.get("ref")
        source = rng if self._needs_random() else None  # deterministic sweeps use no rng
        continuing = (ref is not None and ref() is x and cursor.get("rng") is source
                      and cursor["s"].shape == s.shape and np.array_equal(cursor["s"], s)
                      and cursor["phase"] < parts)
        if continuing:
            h, perms = cursor["h"], cursor["perms"]
            states, phase = cursor["states"], cursor["phase"]
        else:
            h, phase = self._field(s), 0
            perms = np.empty(s.shape, dtype=np.int64)
        s = s.copy()
        if phase == 0:
            key = np.uint64(rng.bit_generator.random_raw() if self._needs_random() else 0)
            states = k.shuffle_orders(perms, self._base_order(), key, self._random_order)
        bounds = np.linspace(0, n, parts + 1).round().astype(np.int64)
        lo, hi = bounds[phase], bounds[phase + 1]
        threads = s.shape[0] > 1 and s.shape[0] * (hi - lo) >= _PARALLEL_WORK
        run = k.run_chunk_parallel if threads else k.run_chunk
        run(self.weights, self._diag, s, h, theta, perms, lo, hi, states, self._low, self._gain,
            self.temperature / self._scale)
        phase = (phase + 1) % parts
        cursor.update(rng=source, s=s.copy(), h=h, perms=perms, states=states, phase=phase)
        return s

    # -- construction and recall ---------------------------------------------

    @classmethod
    def from_patterns(cls, patterns, rule: str = "hebb", *, exact: bool = False,
                      dtype="float64", **network_options):
        r"""A network storing ``patterns`` with a rule of :mod:`attractors.learning`.

        Parameters
        ----------
        patterns : array_like, shape (P, N)
            Patterns :math:`\pm 1` (0/1 with ``units="binary"``, stored as
            :math:`2v - 1`, as in Hopfield 1982).
        rule : {"hebb", "storkey", "pseudo-inverse"}
            Storage rule (:func:`attractors.learning.store`).
        exact : bool
            Hebb only: keep the integer matrix :math:`J = N W` (in the smallest
            integer type that holds it, with ``weight_scale = 1/N``), so fields
            and ties are exact.
        dtype : {"float64", "float32"}
            Precision of non-exact weights; float32 halves the memory (N =
            20,000: 1.6 GB) and the bytes moved per update.
        **network_options
            Passed to :class:`HopfieldNetwork` (``units``, ``dynamics``,
            ``keep_diagonal``, ``thresholds``, ...).

        Returns
        -------
        HopfieldNetwork
            With ``patterns`` set, so overlaps are recorded.
        """
        from .. import learning

        dtype = check_choice("dtype", str(np.dtype(dtype)) if not isinstance(dtype, str)
                             else dtype, ("float64", "float32"))
        xi = check_finite_array("patterns", patterns)
        if xi.ndim == 1:
            xi = xi[None, :]
        units = network_options.get("units", "spin")
        if isinstance(units, str) and units.lower() == "binary" and xi.size and np.all(
                (xi == 0) | (xi == 1)):
            xi = 2 * xi - 1
        keep = network_options.get("keep_diagonal", False)
        key = rule.lower().replace("_", "-") if isinstance(rule, str) else rule
        if exact and key != "hebb":
            raise ParameterError(
                f"exact=True is available for the Hebb rule only, got rule={rule!r}")
        if key == "hebb" and (exact or dtype == "float32"):
            if not np.all((xi == 1) | (xi == -1)):
                raise ParameterError(
                    "patterns must contain only +1 and -1 (0/1 with units='binary')")
            weights = _hebb_blockwise(xi, exact=exact, dtype=dtype, keep_diagonal=keep)
            if exact:
                network_options.setdefault("weight_scale", 1.0 / xi.shape[1])
        else:
            options = {"keep_diagonal": keep} if key in ("hebb", "pseudo-inverse") else {}
            weights = learning.store(xi, rule=rule, **options)
            if dtype == "float32":
                weights = weights.astype(np.float32)
        return cls(weights, patterns=xi, **network_options)

    def recall(self, cues, *, max_sweeps: int = 100, threshold: float = 0.9, patterns=None,
               inputs=None, record_energy: bool = False, rng=None, seed=None):
        r"""Run a batch of cues to convergence and say what each one retrieved.

        Asynchronous (and Glauber) recall runs in the compiled kernel with
        incremental fields; synchronous recall is one matrix product per step
        for the whole batch.  Deterministic runs stop, per cue, after the first
        sweep that changes nothing (asynchronous) or when the orbit closes into
        a fixed point or a 2-cycle (synchronous); Glauber runs do ``max_sweeps``
        sweeps.

        Parameters
        ----------
        cues : array_like, shape (n_cues, N) or (N,)
            Initial states.
        max_sweeps : int
            Most sweeps (synchronous steps) per cue.
        threshold : float
            A final state with overlap :math:`m^\mu \ge` ``threshold`` retrieved
            pattern :math:`\mu` (kind ``"pattern"``); :math:`m^\mu \le
            -`\ ``threshold``, its reversal (``"reversal"``).  Otherwise it is
            ``"spurious"`` (a mixture or spin-glass state) when the run
            converged, ``"none"`` when it did not.
        patterns : array_like, shape (P, N), optional
            Patterns to compare with (default: the stored ``patterns``).
        inputs : array_like, optional
            Constant external input :math:`u`, shape ``(N,)`` or ``(n_cues, N)``.
        record_energy : bool
            Also return the energy after every sweep (``energy_trace`` over
            ``(cue, sweep)``; asynchronous dynamics), updated incrementally.
        rng, seed : optional
            Random generator or seed (random orders, Glauber noise).

        Returns
        -------
        xarray.Dataset
            Dims ``cue``, ``unit``, ``pattern``.  ``state`` (final states),
            ``overlap`` (cue, pattern), ``cue_overlap`` (overlaps of the cues),
            ``retrieved`` (pattern index, -1 for none), ``kind``, ``sweeps``
            (sweeps that changed the state before it settled), ``converged``,
            ``energy`` (final), for synchronous dynamics ``period`` (1 fixed
            point, 2 two-cycle, 0 neither); attrs ``seed``, ``dynamics``, ...
        """
        import xarray as xr

        from .._simulate import _resolve_rng

        max_sweeps = check_integer("max_sweeps", max_sweeps, minimum=1)
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not \
                0 < threshold <= 1:
            raise ParameterError(f"threshold must be a number in (0, 1], got {describe(threshold)}")
        xi = self.patterns if patterns is None else self._check_patterns(patterns, self.n_units)
        s, shape = self._states("cues", cues)
        if len(shape) > 1:
            raise ParameterError(f"cues must have shape (N,) or (n_cues, N), got {np.shape(cues)}")
        if inputs is not None:
            inputs = check_finite_array("inputs", inputs, dtype=np.float64)
            if inputs.shape not in ((self.n_units,), s.shape):
                raise ParameterError(f"inputs must have shape ({self.n_units},) or {s.shape}, "
                                     f"got {inputs.shape}")
        if self._needs_random() or rng is not None or seed is not None:
            rng, used_seed = _resolve_rng(rng, seed)
        else:  # deterministic and no seed given: no need to draw one from the OS
            used_seed = None
        theta = self._theta(s.shape[0], inputs)
        period = None
        trace = None
        if self.dynamics == "sync":
            final, energy, sweeps, converged, period = self._sync_recall(s, theta, max_sweeps)
        else:
            final, energy, sweeps, converged, trace = self._async_sweeps(
                s, theta, rng, max_sweeps=max_sweeps, stop=self.temperature == 0,
                trace=record_energy)
            if self.temperature > 0:
                converged[:] = False
        data = {"state": (("cue", "unit"), final.astype(np.float64)),
                "sweeps": (("cue",), sweeps), "converged": (("cue",), converged),
                "energy": (("cue",), energy)}
        if period is not None:
            data["period"] = (("cue",), period)
        if trace is not None and record_energy:
            data["energy_trace"] = (("cue", "sweep"), trace)
        if xi is not None:
            overlap = self._overlaps(final, xi)
            best = np.argmax(np.abs(overlap), axis=1)
            m_best = overlap[np.arange(len(best)), best]
            kind = np.where(m_best >= threshold, "pattern", np.where(
                m_best <= -threshold, "reversal", np.where(converged, "spurious", "none")))
            data.update(overlap=(("cue", "pattern"), overlap),
                        cue_overlap=(("cue", "pattern"), self._overlaps(s, xi)),
                        retrieved=(("cue",), np.where(np.abs(m_best) >= threshold, best, -1)),
                        kind=(("cue",), kind.astype(str)))
        coords = {"cue": np.arange(s.shape[0]), "unit": np.arange(self.n_units)}
        if xi is not None:
            coords["pattern"] = np.arange(xi.shape[0])
        result = xr.Dataset(data, coords=coords,
                            attrs={"model": self.name, "dynamics": self.dynamics,
                                   "units": self.units, "max_sweeps": max_sweeps,
                                   "threshold": float(threshold),
                                   **({"seed": used_seed} if used_seed is not None else {})})
        if not shape:
            result = result.isel(cue=0)
        return result

    def _sync_recall(self, s, theta, max_sweeps):
        """Synchronous recall: one BLAS product per step for the batch, then one fused pass
        (threshold, fixed-point and 2-cycle tests, bookkeeping, energy) in the kernel."""
        k = _kernels()
        dtype = np.dtype(np.float32 if self.weights.dtype == np.float32 else self._product_dtype())
        # Compare fields in the products' precision only where the thresholds are
        # exactly representable in it (always true for zero thresholds).
        if dtype == np.float32 and np.array_equal(theta.astype(np.float32), theta):
            theta = theta.astype(np.float32)
        n_trials = s.shape[0]
        current = s.astype(dtype)
        previous, new = np.empty_like(current), np.empty_like(current)
        g_previous = np.empty_like(current)
        final = np.empty((n_trials, self.n_units), dtype=np.int8)
        energy = np.zeros(n_trials)
        sweeps = np.full(n_trials, max_sweeps, dtype=np.int64)
        period = np.zeros(n_trials, dtype=np.int64)
        active = np.ones(n_trials, dtype=bool)
        for t in range(max_sweeps):
            g = self._product(current)
            remaining = k.sync_step(g, g_previous, theta, current, previous, t,
                                    dtype.type(self._low), new, active, final, energy, sweeps,
                                    period)
            if remaining == 0:
                break
            previous, current, new = current, new, previous
            g_previous = g
        if active.any():  # not settled: report the last state, with its field
            final[active] = current[active]
            field = self._product(current[active]).astype(np.float64)
            sf = current[active].astype(np.float64)
            energy[active] = (-0.5 * np.einsum("bi,bi->b", sf, field)
                              + np.einsum("bi,bi->b", theta[active].astype(np.float64), sf))
        return final, energy * self._scale, sweeps, period > 0, period

    def _energy_theta(self, s, theta):
        """Energy of (B, N) states with thresholds-minus-inputs ``theta`` in coupling units."""
        sf = s.astype(np.float64)
        return (-0.5 * np.einsum("bi,bi->b", sf, self._field(s))
                + np.einsum("bi,bi->b", theta.astype(np.float64), sf)) * self._scale

def _hebb_blockwise(xi, *, exact, dtype, keep_diagonal):
    """Hebb weights built in blocks, with no N x N temporary beyond the result.

    The same matrix as :func:`attractors.learning.hebb`: :math:`J = \\xi^T \\xi`
    has integer entries of magnitude at most P, exact in float32 for P < 2**24.
    Exact couplings are written a block of rows at a time into the smallest
    integer type that holds P; float weights accumulate :math:`J` over chunks
    of patterns in place (exact integers) and are divided by N at the end, so
    the only extra memory is one chunk of patterns and one block of rows.
    """
    p, n = xi.shape
    work = np.float32 if p < 2**24 else np.float64
    if exact:
        weights = np.empty((n, n), dtype=next(t for t in _INT_TYPES if np.iinfo(t).max >= p))
        xw = xi.astype(work)
        block = max(1, _BLOCK_BYTES // (4 * n))
        for lo in range(0, n, block):
            weights[lo:lo + block] = np.rint(xw[:, lo:lo + block].T @ xw)
    else:
        weights = np.zeros((n, n), dtype=np.dtype(dtype))
        chunk = max(1, _BLOCK_BYTES // (4 * n))
        block = max(1, _BLOCK_BYTES // (weights.itemsize * n))
        for first in range(0, p, chunk):
            xw = xi[first:first + chunk].astype(weights.dtype)
            for lo in range(0, n, block):
                weights[lo:lo + block] += xw[:, lo:lo + block].T @ xw
        for lo in range(0, n, block):
            weights[lo:lo + block] /= n
    if not keep_diagonal:
        np.fill_diagonal(weights, 0)
    return weights


def doubled_network(network: HopfieldNetwork, *,
                    tie_coupling: float | None = None) -> HopfieldNetwork:
    r"""The bipartite network of 2N units whose asynchronous dynamics reproduce synchronous ones.

    Two copies :math:`x, y` of the units, coupled only across,

    .. math:: W_2 = \begin{pmatrix} 0 & W + \epsilon I \\ W + \epsilon I & 0 \end{pmatrix},
        \qquad \theta_2 = (\theta, \theta),

    updated asynchronously in the fixed order "all of x, then all of y"
    (units within a copy do not interact, so their order does not matter).
    Started from :math:`(s(0), s(0))`, sweep :math:`k` ends in
    :math:`(x, y) = (s(2k-1), s(2k))`, the synchronous orbit, and the energy of
    the doubled network is the two-step Lyapunov function of the synchronous
    one (Bruck 1990, J. Complexity 6:129; Goles et al. 1985).

    The small coupling :math:`\epsilon > 0` between a unit and its copy
    implements the synchronous tie rule: a unit whose field is zero keeps its
    state, which in the doubled network is its copy's latest value.  It must be
    smaller than every non-zero :math:`|h_i - \theta_i|`: by default 1/2 in
    coupling units for integer couplings and integer thresholds (where non-zero
    fields are at least 1, so the orbit is reproduced exactly), otherwise
    :math:`10^{-9} \max|W|`.  (For binary units, the copy's state enters as
    :math:`\epsilon(2y_i - 1)`, i.e. coupling :math:`2\epsilon` and threshold
    :math:`+\epsilon`.)

    Parameters
    ----------
    network : HopfieldNetwork
        Any network (its dynamics and order are replaced).
    tie_coupling : float, optional
        :math:`\epsilon` in units of :math:`W`.

    Returns
    -------
    HopfieldNetwork
        ``dynamics="async"``, ``order="fixed"``, 2N units.
    """
    if not isinstance(network, HopfieldNetwork):
        raise ParameterError(f"network must be a HopfieldNetwork, got {describe(network)}")
    c = network.weights
    n = network.n_units
    theta_c = network._theta_c
    binary = network.units == "binary"
    integral = (c.dtype.kind in "iu" or np.array_equal(c, np.rint(c))) and np.array_equal(
        theta_c, np.rint(theta_c))
    if tie_coupling is None and integral:
        # Integer fields: non-zero ones are at least 1, so eps = 1/2 (spins) or 1/4
        # (binary) is safe; scale everything by m so the doubled couplings stay integers.
        m = 4 if binary else 2
        block = m * c.astype(np.int64)
        block[np.diag_indices(n)] += 2 if binary else 1
        theta2 = m * np.concatenate([theta_c, theta_c]) + (1.0 if binary else 0.0)
        big = np.zeros((2 * n, 2 * n), dtype=np.int64)
        scale = network._scale / m
    else:  # in units of W
        block = c.astype(np.float64) * network._scale
        if tie_coupling is None:
            eps = 1e-9 * (float(np.max(np.abs(block), initial=0.0)) or 1.0)
        else:
            eps = check_positive("tie_coupling", tie_coupling)
        block[np.diag_indices(n)] += 2 * eps if binary else eps
        theta = np.zeros(n) if network.thresholds is None else network.thresholds
        theta2 = np.concatenate([theta, theta]) + (eps if binary else 0.0)
        big = np.zeros((2 * n, 2 * n))
        scale = 1.0
    big[:n, n:] = block
    big[n:, :n] = block
    doubled = HopfieldNetwork(big, theta2 * scale, units=network.units, dynamics="async",
                              order="fixed", weight_scale=scale if big.dtype.kind == "i" else None)
    # The thresholds in coupling units exactly as computed (no round trip through the scale).
    object.__setattr__(doubled, "_theta_c", theta2)
    return doubled
