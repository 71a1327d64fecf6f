r"""Dense associative memory: binary units with higher-order (polynomial or exponential) interactions.

Krotov & Hopfield (2016) replaced the quadratic energy of the Hopfield network by

.. math:: E(\sigma) = -\sum_{\mu=1}^{P} F\big(m^\mu(\sigma)\big), \qquad
          m^\mu(\sigma) = \sum_{i=1}^{N} \xi^\mu_i \sigma_i ,

with :math:`F(x) = x^n` (or the rectified :math:`\max(x, 0)^n`); Demircigil et al.
(2017) took :math:`F(x) = e^x`.  The capacity grows like :math:`N^{n-1}` for the
polynomials and exponentially in :math:`N` for the exponential.  This module holds
the model, :class:`DenseAssociativeMemory`, and the capacity measurement
(:func:`stable_fraction`, :func:`recall_fraction`, :func:`measure_capacity`) with the
signal-to-noise predictions it is compared to (:func:`predicted_stable_fraction`,
:func:`predicted_capacity`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .._system import DiscreteSystem
from .._validate import ParameterError, check_choice, check_finite_array, check_integer, describe

__all__ = [
    "DenseAssociativeMemory",
    "measure_capacity",
    "predicted_capacity",
    "predicted_stable_fraction",
    "recall_fraction",
    "stable_fraction",
]

_INTERACTIONS = ("polynomial", "rectified", "exponential")
_MODES = ("asynchronous", "synchronous")
_INT64_MAX = 2**63 - 1


# -- helpers -------------------------------------------------------------------------

def _spin_patterns(patterns) -> np.ndarray:
    array = check_finite_array("patterns", patterns)
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
            raise ParameterError(f"record_overlaps must be True or False, got {describe(self.record_overlaps)}")
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
        n_units = check_integer("n_units", n_units, minimum=1)
        n_patterns = check_integer("n_patterns", n_patterns, minimum=1)
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


# -- capacity --------------------------------------------------------------------------

def stable_fraction(memory: DenseAssociativeMemory) -> float:
    """Fraction of the stored patterns that are fixed points of ``memory``.

    A pattern is a fixed point when no single unit flip lowers the energy, i.e.
    one synchronous evaluation of the update rule leaves it unchanged (ties keep
    the unit).  Exact for the polynomials.

    Examples
    --------
    >>> import numpy as np
    >>> patterns = np.random.default_rng(0).choice([-1, 1], size=(20, 50))
    >>> stable_fraction(DenseAssociativeMemory(patterns, degree=3))
    1.0
    """
    if not isinstance(memory, DenseAssociativeMemory):
        raise ParameterError(f"memory must be a DenseAssociativeMemory, got {describe(memory)}")
    sync = DenseAssociativeMemory(memory.patterns, memory.interaction, memory.degree,
                                  mode="synchronous", record_overlaps=False)
    rng = np.random.default_rng(0)  # unused by synchronous updates
    stable = 0
    for start in range(0, memory.n_patterns, 1024):  # bounds the (chunk, P) overlap matrix
        chunk = memory.patterns[start:start + 1024]
        stable += int(np.sum(np.all(sync.update(chunk, rng) == chunk, axis=1)))
    return stable / memory.n_patterns


def _rng(rng, seed):
    from .._simulate import _resolve_rng

    return _resolve_rng(rng, seed)[0]


def recall_fraction(n_units, n_patterns, *, interaction="polynomial", degree=3, noise=0.0,
                    n_repeats=1, max_sweeps=30, rng=None, seed=None) -> float:
    r"""Fraction of random stored patterns recalled exactly, by simulation.

    ``n_repeats`` independent sets of ``n_patterns`` random ±1 patterns of
    ``n_units`` units are stored.  With ``noise = 0`` the result is the fraction
    of patterns that are fixed points (:func:`stable_fraction`); with
    ``noise = rho > 0`` each pattern is cued with exactly :math:`\mathrm{round}(\rho N)`
    bits flipped, the network runs asynchronously (at most ``max_sweeps``
    sweeps) and a recall counts when it ends exactly on the pattern.

    Returns
    -------
    float
        The fraction over all ``n_repeats * n_patterns`` patterns.
    """
    n_units = check_integer("n_units", n_units, minimum=2)
    n_patterns = check_integer("n_patterns", n_patterns, minimum=1)
    n_repeats = check_integer("n_repeats", n_repeats, minimum=1)
    max_sweeps = check_integer("max_sweeps", max_sweeps, minimum=1)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise < 0.5:
        raise ParameterError(f"noise must be a fraction of flipped bits in [0, 0.5), got {describe(noise)}")
    check_choice("interaction", interaction, _INTERACTIONS)
    generator = _rng(rng, seed)
    recalled = 0
    for _ in range(n_repeats):
        patterns = _draw_patterns(generator, n_patterns, n_units)
        memory = DenseAssociativeMemory(patterns, interaction, degree, record_overlaps=False)
        if noise == 0:
            recalled += round(stable_fraction(memory) * n_patterns)
            continue
        n_flip = int(round(noise * n_units))
        flips = np.argsort(generator.random((n_patterns, n_units)), axis=1)[:, :n_flip]
        state = patterns.copy()
        np.put_along_axis(state, flips, -np.take_along_axis(state, flips, axis=1), axis=1)
        for _sweep in range(max_sweeps):
            following = memory.update(state, generator)
            if np.array_equal(following, state):
                break
            state = following
        recalled += int(np.sum(np.all(state == patterns, axis=1)))
    return recalled / (n_repeats * n_patterns)


def _signal_to_noise(n_units, interaction, degree):
    """S**2 / v of :func:`predicted_stable_fraction`, from exact binomial moments."""
    from scipy.special import comb

    rectified = interaction == "rectified"
    n = n_units - 1
    k = np.arange(n + 1)
    r = (2 * k - n).astype(object)  # exact integers: the moments below need no rounding
    weights = np.array([comb(n, int(j), exact=True) for j in k], dtype=object)
    gain = _polynomial(r + 1, degree, rectified) - _polynomial(r - 1, degree, rectified)
    variance = float(sum(weights * gain * gain)) / 2.0**n
    ends = _polynomial(np.array([n_units, n_units - 2], dtype=object), degree, rectified)
    return float(ends[0] - ends[1]) ** 2 / variance


def _check_polynomial_args(n_units, interaction, degree):
    n_units = check_integer("n_units", n_units, minimum=3)
    interaction = check_choice("interaction", interaction, _INTERACTIONS)
    if interaction == "exponential":
        raise ParameterError("the signal-to-noise prediction is for interaction='polynomial' or "
                             "'rectified'; for 'exponential' use predicted_capacity")
    return n_units, interaction, check_integer("degree", degree, minimum=2)


def predicted_stable_fraction(n_units, n_patterns, *, interaction="polynomial", degree=3) -> float:
    r"""Signal-to-noise prediction of the fraction of random stored patterns that are fixed points.

    At :math:`\sigma = \xi^1` the update of unit :math:`i` (the signal-to-noise argument of
    Krotov & Hopfield 2016) has the signal :math:`S = F(N) - F(N-2)` and, from each of the other
    :math:`P - 1` patterns, an independent zero-mean crosstalk term
    :math:`\xi^\mu_i [F(r+1) - F(r-1)]`, with :math:`r` a sum of :math:`N - 1` random
    ±1, of variance :math:`v` (computed exactly from the binomial distribution).
    Treating the crosstalk as Gaussian and the N bits as independent,

    .. math:: f = \Big(1 - \Phi\big(-S / \sqrt{(P-1)\, v}\big)\Big)^N .

    For :math:`F = x^n`, :math:`S^2 / v \to N^{n-1} / (2n-3)!!`.

    Examples
    --------
    >>> round(predicted_stable_fraction(100, 362, degree=3), 3)
    0.879
    """
    from scipy.stats import norm

    n_units, interaction, degree = _check_polynomial_args(n_units, interaction, degree)
    n_patterns = check_integer("n_patterns", n_patterns, minimum=1)
    if n_patterns == 1:
        return 1.0
    snr = math.sqrt(_signal_to_noise(n_units, interaction, degree) / (n_patterns - 1))
    return float(norm.cdf(snr) ** n_units)


def predicted_capacity(n_units, *, interaction="polynomial", degree=3, criterion=0.5,
                       asymptotic=False) -> float:
    r"""The number of random patterns at which a fraction ``criterion`` of them are fixed points.

    Inverts :func:`predicted_stable_fraction`:

    .. math:: P_c = 1 + \frac{S^2}{v\, z^2}, \qquad z = \Phi^{-1}(c^{1/N}) ,

    which grows like :math:`N^{n-1}` for :math:`F = x^n`.  With ``asymptotic=True``
    it returns Krotov & Hopfield's (2016) no-error capacity
    :math:`N^{n-1} / (2 (2n-3)!! \ln N)` instead (the large-N form, proved by
    Demircigil et al. 2017; ``criterion`` ignored).  For :math:`F = e^x` it returns
    Demircigil et al.'s :math:`e^{N \ln 2 / 2}`, below which (asymptotically) all
    patterns are fixed points with high probability.

    Examples
    --------
    >>> round(predicted_capacity(100, degree=3, asymptotic=True))
    362
    """
    from scipy.stats import norm

    if check_choice("interaction", interaction, _INTERACTIONS) == "exponential":
        return math.exp(check_integer("n_units", n_units, minimum=3) * math.log(2) / 2)
    n_units, interaction, degree = _check_polynomial_args(n_units, interaction, degree)
    if isinstance(criterion, bool) or not isinstance(criterion, numbers.Real) or not 0 < criterion < 1:
        raise ParameterError(f"criterion must be a fraction in (0, 1), got {describe(criterion)}")
    if asymptotic:
        double_factorial = math.prod(range(2 * degree - 3, 0, -2))
        return n_units ** (degree - 1) / (2 * double_factorial * math.log(n_units))
    z = norm.ppf(math.exp(math.log(criterion) / n_units))
    return 1.0 + _signal_to_noise(n_units, interaction, degree) / z**2


def measure_capacity(n_units, *, interaction="polynomial", degree=3, criterion=0.5, noise=0.0,
                     n_repeats=3, max_patterns=200_000, rng=None, seed=None) -> int:
    """The largest number of random patterns whose recall fraction stays >= ``criterion``.

    Bisection on P of :func:`recall_fraction` (fixed points for ``noise=0``,
    recall from a cue with ``noise`` flipped bits otherwise), each evaluation with
    ``n_repeats`` fresh pattern sets from one generator.  The recall fraction
    falls with P on average; its sampling noise (about
    :math:`\\sqrt{c(1-c)/(n_\\text{repeats} P)}`) blurs the answer by a few percent.

    Examples
    --------
    >>> measure_capacity(30, degree=3, seed=0) > 30  # far above the Hopfield network's 0.14 N
    True
    """
    n_units = check_integer("n_units", n_units, minimum=3)
    max_patterns = check_integer("max_patterns", max_patterns, minimum=2)
    if isinstance(criterion, bool) or not isinstance(criterion, numbers.Real) or not 0 < criterion < 1:
        raise ParameterError(f"criterion must be a fraction in (0, 1), got {describe(criterion)}")
    generator = _rng(rng, seed)

    def good(p):
        return recall_fraction(n_units, p, interaction=interaction, degree=degree, noise=noise,
                               n_repeats=n_repeats, rng=generator) >= criterion

    low, high = 1, 2
    while high <= max_patterns and good(high):
        low, high = high, 2 * high
    if high > max_patterns:
        raise ParameterError(
            f"the capacity exceeds max_patterns={max_patterns} for n_units={n_units}; "
            "raise max_patterns")
    while high - low > max(1, low // 50):  # 2 % resolution, below the sampling noise
        middle = (low + high) // 2
        if good(middle):
            low = middle
        else:
            high = middle
    return low
