r"""Dense associative memory: binary units with higher-order (polynomial or exponential) interactions.

Krotov & Hopfield (2016) replaced the quadratic energy of the Hopfield network by

.. math:: E(\sigma) = -\sum_{\mu=1}^{P} F\big(m^\mu(\sigma)\big), \qquad
          m^\mu(\sigma) = \sum_{i=1}^{N} \xi^\mu_i \sigma_i ,

with :math:`F(x) = x^n` (or the rectified :math:`\max(x, 0)^n`); Demircigil et al.
(2017) took :math:`F(x) = e^x`.  The capacity grows like :math:`N^{n-1}` for the
polynomials and exponentially in :math:`N` for the exponential.  This module holds
the model, :class:`DenseAssociativeMemory`; its compiled sweeps are in
``_dense_kernels`` and the capacity measurement with its signal-to-noise predictions
in ``_dense_capacity``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._system import DiscreteSystem
from .._validate import ParameterError, check_choice, check_finite_array, check_integer, describe

__all__ = ["DenseAssociativeMemory"]

_INTERACTIONS = ("polynomial", "rectified", "exponential")
_MODES = ("asynchronous", "synchronous")
_INT64_MAX = 2**63 - 1


# -- helpers -------------------------------------------------------------------------

def _spin_patterns(patterns) -> np.ndarray:
    array = check_finite_array("patterns", patterns)
    if array.dtype.kind not in "biuf":  # np.abs(1j) == 1: complex would pass the check below
        raise ParameterError(f"patterns must be real (-1 and +1), got dtype {array.dtype}")
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise ParameterError(
            f"patterns must be a 2-D array of shape (n_patterns, n_units), got shape {array.shape}")
    if not np.all(np.abs(array) == 1):
        bad = np.argwhere(np.abs(array) != 1)[0]
        raise ParameterError(
            f"patterns must contain only -1 and +1, but patterns[{bad[0]}, {bad[1]}] = "
            f"{array[tuple(bad)]!r}")
    return array.astype(np.int8)


def _polynomial(x, degree, rectified):
    """F(x) elementwise for integer arrays (int64 or Python-int objects), exactly."""
    if rectified:
        x = np.where(x > 0, x, 0 * x)
    return x**degree


def _rng(rng, seed):
    from .._simulate import _resolve_rng

    return _resolve_rng(rng, seed)[0]


def _draw_patterns(rng, n_patterns, n_units):
    return (rng.integers(0, 2, size=(n_patterns, n_units), dtype=np.int8) * 2 - 1).astype(np.int8)


@dataclass(frozen=True, repr=False, eq=False)
class DenseAssociativeMemory(DiscreteSystem):
    r"""Dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017) on ±1 units.

    .. math::

        E(\sigma) = -\sum_{\mu=1}^{P} F\Big(\sum_{j=1}^{N} \xi^\mu_j \sigma_j\Big), \qquad
        F(x) = x^n \ (\text{polynomial}),\ \max(x, 0)^n \ (\text{rectified}),\ e^x
        \ (\text{exponential}).

    A unit is updated to whichever of its two values has the lower energy, the
    others held fixed (Krotov & Hopfield 2016):

    .. math::

        \sigma_i \leftarrow \operatorname{sign} \sum_{\mu} \Big[
        F\big(\xi^\mu_i + \textstyle\sum_{j \ne i} \xi^\mu_j \sigma_j\big) -
        F\big(-\xi^\mu_i + \textstyle\sum_{j \ne i} \xi^\mu_j \sigma_j\big) \Big] ,

    and a tie (sum exactly 0) leaves the unit as it is.  ``mode="asynchronous"``
    updates the units one at a time in a random order (a fresh permutation per
    sweep and per trial), so the energy never increases; one call of
    :meth:`update` is one sweep of all N units and time is counted in sweeps.
    ``mode="synchronous"`` updates all units at once from the same state; it can
    enter 2-cycles and its energy is not guaranteed to fall.

    Arithmetic is exact for the polynomials: overlaps are sums of ±1 (exact in
    float64 BLAS, :math:`|m| \le N < 2^{53}`), and :math:`F` and its sums are
    evaluated in int64 when :math:`P N^n \le 2^{63} - 1` (which bounds every sum
    formed), otherwise in Python integers (exact, much slower; ``exact_dtype``
    says which).  The energies recorded by :func:`attractors.simulate` are these
    integers converted to float64: exact below :math:`2^{53}`, and rounding is
    monotone, so a recorded energy still never rises.  For :math:`F = e^x` the
    update takes the sign of :math:`\sum_\mu \xi^\mu_i e^{r_\mu}`
    (:math:`r_\mu` the overlap without unit i), scaled by :math:`e^{-N}` (a table,
    for :math:`N \le 350`) or by :math:`e^{-\max r}` (per term, above), so
    nothing overflows for any N; the energy is :math:`-\exp(\mathrm{lse}(m))`,
    finite in float64 for :math:`\max_\mu m^\mu + \ln P < 709`.

    Parameters
    ----------
    patterns : array_like, shape (n_patterns, n_units)
        The stored memories :math:`\xi^\mu`, entries ±1.
    interaction : {"polynomial", "rectified", "exponential"}
        :math:`F`.
    degree : int
        :math:`n \ge 2` for the polynomials (ignored for the exponential); n = 2 is
        the Hopfield network with Hebbian weights and self-couplings kept.
    mode : {"asynchronous", "synchronous"}
        Update schedule.
    record_overlaps : bool
        Record the overlaps :math:`m^\mu / N` as the observable ``overlap``
        (dims pattern); turn off for very many patterns.

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern
    recognition. NeurIPS 29.  Demircigil, M., Heusel, J., Löwe, M., Upgang, S. &
    Vermet, F. (2017). On a model of associative memory with huge storage capacity.
    J. Stat. Phys. 168, 288-299.

    Examples
    --------
    >>> import numpy as np
    >>> import attractors
    >>> rng = np.random.default_rng(0)
    >>> patterns = rng.choice([-1, 1], size=(60, 30))  # twice as many patterns as units
    >>> memory = DenseAssociativeMemory(patterns, degree=3)
    >>> cue = patterns[0].copy(); cue[:3] *= -1         # three bits flipped
    >>> run = attractors.simulate(memory, cue, n_steps=10, stop_at_fixed_point=True, seed=1)
    >>> bool((run.state.isel(time=-1).values == patterns[0]).all())
    True
    """

    patterns: np.ndarray
    interaction: str = "polynomial"
    degree: int = 3
    mode: str = "asynchronous"
    record_overlaps: bool = True
    time_unit = "sweep"

    def __post_init__(self):
        patterns = _spin_patterns(self.patterns)
        interaction = check_choice("interaction", self.interaction, _INTERACTIONS)
        degree = check_integer("degree", self.degree, minimum=2 if interaction != "exponential" else 1)
        mode = check_choice("mode", self.mode, _MODES)
        if not isinstance(self.record_overlaps, (bool, np.bool_)):
            raise ParameterError(
                f"record_overlaps must be True or False, got {describe(self.record_overlaps)}")
        patterns.setflags(write=False)
        object.__setattr__(self, "patterns", patterns)
        object.__setattr__(self, "interaction", interaction)
        object.__setattr__(self, "degree", degree)
        object.__setattr__(self, "mode", mode)
        object.__setattr__(self, "record_overlaps", bool(self.record_overlaps))
        transposed = np.ascontiguousarray(patterns.T)
        object.__setattr__(self, "_patterns_t", transposed)
        object.__setattr__(self, "_patterns_f", patterns.astype(np.float64))
        object.__setattr__(self, "_field_table", self._make_field_table())
        for cache in (self._patterns_t, self._patterns_f, self._field_table):
            if cache is not None:  # read-only like every array a model holds (issue 15 item 21)
                cache.setflags(write=False)

    def _make_field_table(self):
        """F(r+1) - F(r-1) (or e^(r - N) for F = exp) at index r + N, |r| <= N; see the kernels."""
        n = self.n_units
        if self.interaction == "exponential":
            return np.exp(np.arange(-n, n + 1) - float(n)) if n <= 350 else None
        if self.exact_dtype == np.dtype(object):
            return None  # the Python-integer path computes F directly
        r = np.arange(-n, n + 1).astype(object)
        rectified = self.interaction == "rectified"
        gain = _polynomial(r + 1, self.degree, rectified) - _polynomial(r - 1, self.degree, rectified)
        gain[np.abs(r) > n - 1] = 0  # never read: r is a sum over N - 1 other units
        return gain.astype(np.int64)

    @classmethod
    def random(cls, n_units: int, n_patterns: int, *, rng=None, seed=None,
               **kwargs) -> DenseAssociativeMemory:
        """A memory of ``n_patterns`` uniformly random ±1 patterns of ``n_units`` units.

        Parameters
        ----------
        n_units, n_patterns : int
            N and P.
        rng, seed : numpy.random.Generator or int, optional
            Where the patterns come from (the same seed gives the same memory).
        **kwargs
            ``interaction``, ``degree``, ``mode``, ``record_overlaps``.

        Examples
        --------
        >>> memory = DenseAssociativeMemory.random(100, 500, degree=3, seed=0)
        >>> memory.load
        5.0
        """
        from .._allocation import check_allocation

        n_units = check_integer("n_units", n_units, minimum=1)
        n_patterns = check_integer("n_patterns", n_patterns, minimum=1)
        # The int8 patterns, their transposed copy and float64 copy: 10 bytes a bit.
        check_allocation("n_patterns", n_patterns, (n_patterns, n_units, 10), np.int8,
                         f"{n_patterns:,} patterns of {n_units:,} units and their copies")
        return cls(_draw_patterns(_rng(rng, seed), n_patterns, n_units), **kwargs)

    # -- shape and labels ----------------------------------------------------------

    @property
    def n_units(self) -> int:
        return self.patterns.shape[1]

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns P."""
        return self.patterns.shape[0]

    @property
    def load(self) -> float:
        r"""The load :math:`\alpha = P / N`."""
        return self.n_patterns / self.n_units

    @property
    def coords(self):
        return {"pattern": ("pattern", np.arange(self.n_patterns))} if self.record_overlaps else {}

    @property
    def state_dtype(self) -> np.dtype:
        return np.dtype(np.int8)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return (self.n_units,)

    @property
    def exact_dtype(self):
        """Where the energy of a polynomial F is summed: ``int64`` or ``object`` (Python ints).

        int64 holds every sum formed exactly when :math:`P N^n \\le 2^{63} - 1`;
        beyond that the model falls back to Python integers.  None for F = exp.
        """
        if self.interaction == "exponential":
            return None
        bound = self.n_patterns * self.n_units**self.degree
        return np.dtype(np.int64) if bound <= _INT64_MAX else np.dtype(object)

    def initial_state(self, rng, n_trials=None):
        """Uniformly random ±1 states (int8)."""
        return (rng.integers(0, 2, size=self._batch_shape(n_trials), dtype=np.int8) * 2 - 1
                ).astype(np.int8)

    # -- dynamics ----------------------------------------------------------------------

    def _check_state(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.shape[-1:] != (self.n_units,):
            raise ParameterError(
                f"states must have shape (..., {self.n_units}) for {self.name} with "
                f"{self.n_units} units, got shape {x.shape}")
        if not np.all(np.abs(x) == 1):
            raise ParameterError(f"{self.name} states must contain only -1 and +1")
        return x

    def overlaps(self, x) -> np.ndarray:
        r"""The overlaps :math:`m^\mu = \sum_i \xi^\mu_i \sigma_i`, int64, shape ``(..., P)`` (exact)."""
        x = self._check_state(x)
        # Sums of +-1 terms are exact in float64 BLAS (|m| <= N < 2**53).
        return np.rint(x.astype(np.float64) @ self._patterns_f.T).astype(np.int64)

    def update(self, x, rng, inputs=None):
        """One sweep: every unit updated once (asynchronously in a random order, or all at once)."""
        if inputs is not None:
            raise ParameterError(f"{self.name} takes no external input (inputs must be None)")
        x = self._check_state(x)
        flat = np.ascontiguousarray(x.reshape(-1, self.n_units), dtype=np.int8)
        overlaps = self.overlaps(flat)
        exact_object = self.exact_dtype == np.dtype(object)
        table = self._field_table
        from . import _dense_kernels as kernels  # numba loads (or reads its cache) on first use

        if self.mode == "asynchronous":
            orders = rng.permuted(np.broadcast_to(np.arange(self.n_units, dtype=np.int64),
                                                  flat.shape), axis=1)
            states = flat.copy()
            if exact_object:
                self._sweep_object(states, overlaps.astype(object), orders)
            elif table is None:
                kernels.sweep_exp(states, self._patterns_t, overlaps, orders)
            else:
                kernels.sweep_table(states, self._patterns_t, overlaps, orders, table, self.n_units)
        elif exact_object:
            states = self._sync_object(flat, overlaps.astype(object))
        else:
            states = np.empty_like(flat)
            if table is None:
                kernels.sync_exp(flat, self._patterns_t, overlaps, states)
            else:
                kernels.sync_table(flat, self._patterns_t, overlaps, states, table, self.n_units)
        return states.reshape(x.shape).astype(x.dtype, copy=False)

    def _local_fields_object(self, overlaps, s, rows):
        """sum_mu xi [F(r+1) - F(r-1)] in Python integers; rows: (T, P) pattern bits of the unit."""
        rectified = self.interaction == "rectified"
        r = overlaps - rows * s[:, None]
        gain = _polynomial(r + 1, self.degree, rectified) - _polynomial(r - 1, self.degree, rectified)
        return np.sum(rows * gain, axis=1)

    def _sweep_object(self, states, overlaps, orders):
        patterns_t = self._patterns_t.astype(object)
        trials = np.arange(states.shape[0])
        for k in range(self.n_units):  # exact fallback: slow by design, see exact_dtype
            i = orders[:, k]
            s = states[trials, i].astype(object)
            rows = patterns_t[i]
            d = self._local_fields_object(overlaps, s, rows)
            new = np.where(d > 0, 1, np.where(d < 0, -1, s)).astype(np.int64)
            changed = new != s.astype(np.int64)
            states[trials, i] = new
            overlaps += (2 * new * changed)[:, None].astype(object) * rows

    def _sync_object(self, states, overlaps):
        patterns_t = self._patterns_t.astype(object)
        out = np.empty_like(states)
        for i in range(self.n_units):
            s = states[:, i].astype(object)
            rows = np.broadcast_to(patterns_t[i], overlaps.shape)
            d = self._local_fields_object(overlaps, s, rows)
            out[:, i] = np.where(d > 0, 1, np.where(d < 0, -1, s)).astype(np.int8)
        return out

    # -- energy and observables ----------------------------------------------------------

    def energy(self, x, inputs=None):
        r"""The energy :math:`E = -\sum_\mu F(m^\mu)`, shape ``x.shape[:-1]``.

        Exact integers for the polynomials (int64, or Python integers in an object
        array when :math:`P N^n > 2^{63} - 1`); float64 :math:`-\exp(\mathrm{lse}(m))`
        for the exponential.
        """
        overlaps = self.overlaps(x)
        if self.interaction == "exponential":
            m = overlaps.astype(np.float64)
            top = m.max(axis=-1, keepdims=True)
            lse = top[..., 0] + np.log(np.sum(np.exp(m - top), axis=-1))
            return -np.exp(lse)
        if self.exact_dtype == np.dtype(object):
            overlaps = overlaps.astype(object)
        return -np.sum(_polynomial(overlaps, self.degree, self.interaction == "rectified"), axis=-1)

    def observables(self, x):
        if not self.record_overlaps:
            return {}
        return {"overlap": (("pattern",), self.overlaps(x) / self.n_units)}

    @property
    def observable_attrs(self):
        if not self.record_overlaps:
            return {}
        return {"overlap": {"units": "1", "long_name": "overlap m / N with the pattern"}}
