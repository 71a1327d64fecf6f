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
in float32 and 1.13 GB exact (int16), of which about 0.3 GB is the Python, numpy,
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

from dataclasses import dataclass, field

import numpy as np

from .._system import DiscreteSystem
from .._validate import ParameterError, check_integer
from . import _hopfield_dynamics as dynamics
from . import _hopfield_recall as recall_module
from ._hopfield_validate import (
    check_patterns,
    check_states,
    frozen,
    initialise,
)

__all__ = ["HopfieldNetwork"]


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

    .. math:: P(s_i = s_\mathrm{on}) = \frac{1}{1 + e^{-g h_i / T}}, \quad
              g = 2 \text{ (spins)},\ 1 \text{ (binary)},

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
    symmetric : bool
        ``False`` accepts asymmetric weights (sequence memories
        :math:`W = \frac1N\sum_\mu \xi^{\mu+1}\xi^{\mu\top}`, Sompolinsky & Kanter
        1986, Kleinfeld 1986; diluted or antisymmetric couplings).  There is then
        no energy (:meth:`energy` raises ``NotImplementedError`` with the reason),
        and synchronous orbits end in cycles of any length (antisymmetric
        :math:`W`: lengths dividing 4, Bruck 1990), which :meth:`period` and
        :meth:`recall` report.  Default True: asymmetric weights are refused.

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
    pattern_labels: tuple | None = field(default=None, kw_only=True)
    symmetric: bool = field(default=True, kw_only=True)

    time_unit = "sweep"

    def __post_init__(self):
        initialise(self)

    def __setstate__(self, state):
        # Unpickled arrays are writable copies: freeze them again.
        self.__dict__.update({k: frozen(v) if isinstance(v, np.ndarray) else v
                              for k, v in state.items()})

    # -- validation helpers ------------------------------------------------------

    def _check_patterns(self, patterns):
        return check_patterns(patterns, self.n_units, self.units)

    def _states(self, name, x):
        """States as a (B, N) int8 array (and the batch shape), after checking their values."""
        return check_states(name, x, self.n_units, self._low, self.units, self.name)

    # -- interface -----------------------------------------------------------

    @property
    def n_units(self) -> int:
        return self.weights.shape[0]

    @property
    def time_step(self) -> float:
        return 1.0 / self.steps_per_sweep

    def _pattern_values(self, count=None):
        """The ``pattern`` coordinate: the labels of the stored patterns (glyph letters),
        or indices (also for ``count`` patterns other than the stored ones)."""
        if count is None and self._pattern_names is not None:
            return np.array(self._pattern_names)
        return np.arange(self.patterns.shape[0] if count is None else count)

    @property
    def coords(self):
        if self.patterns is None:
            return {}
        return {"pattern": ("pattern", self._pattern_values())}

    def initial_state(self, rng, n_trials=None):
        """Independent units, active with probability 1/2."""
        on = rng.integers(0, 2, size=self._batch_shape(n_trials))
        return np.where(on == 1, 1.0, float(self._low))

    def observables(self, x):
        if self.patterns is None:
            return {}
        return {"overlap": (("pattern",), self._overlaps(x, self.patterns))}

    @property
    def observable_attrs(self):
        return {"overlap": {"units": "1", "long_name": "overlap m with the pattern"}}

    def _overlaps(self, x, xi):
        return dynamics.overlaps(self, x, xi)

    def _theta(self, batch: int, inputs) -> np.ndarray:
        return dynamics.thresholds(self, batch, inputs)

    def _theta_for(self, s, shape, inputs):
        return self._theta(s.shape[0], None if inputs is None else np.broadcast_to(
            inputs, shape + (self.n_units,)).reshape(-1, self.n_units))

    def local_field(self, x) -> np.ndarray:
        r"""The recurrent field :math:`\sum_j W_{ij} s_j`, shape ``x.shape`` (float64)."""
        s, shape = self._states("x", x)
        return (dynamics.field(self, s) * self._scale).reshape(shape + (self.n_units,))

    def energy(self, x, inputs=None):
        r"""The energy :math:`E = -\tfrac12 s^\top W s + (\theta - u)^\top s`, shape ``x.shape[:-1]``.

        Along the leading axis of ``x`` (time, for a recorded trajectory), when
        consecutive states differ in few units, the quadratic part is carried: one matrix
        product for the first state, then :math:`O(N)` per unit that changed
        (exact for integer couplings; for float weights the same to round-off).
        """
        self._require_symmetric("energy")
        s, shape = self._states("x", x)
        return dynamics.energy(self, s, shape, self._theta_for(s, shape, inputs))

    def _require_symmetric(self, what):
        if not self.symmetric:
            raise NotImplementedError(
                f"{self.name} with asymmetric weights (symmetric=False) has no {what}: "
                f"the energy decreases only when W = W^T (Hopfield 1982), and asymmetric "
                f"networks can cycle")

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
        self._require_symmetric("two-step Lyapunov function")
        a, shape = self._states("s_prev", s_prev)
        b, shape_b = self._states("s_next", s_next)
        if shape != shape_b:
            raise ParameterError(
                f"s_prev and s_next must have the same shape, got {shape} and {shape_b}")
        return dynamics.sync_lyapunov(self, a, b, self._theta_for(a, shape, inputs)).reshape(shape)

    def period(self, x, inputs=None, *, max_period=None) -> np.ndarray:
        r"""The length of the cycle a state is on: 1 a fixed point, k a synchronous k-cycle, 0 neither.

        A state is a fixed point when no unit would change (whatever the update
        order); with ``dynamics="sync"`` it is on a k-cycle when k synchronous
        steps, and no fewer, bring it back.  With symmetric weights only k = 1, 2
        occur (Goles et al. 1985); with ``symmetric=False`` longer cycles are
        looked for up to ``max_period`` steps (default 2 for symmetric weights,
        else 100).  Applied to the last state of a run (``run.state.isel(time=-1)``),
        this says how the run ended.

        Parameters
        ----------
        x : array_like, shape (..., N)
            States.
        max_period : int, optional
            Longest cycle looked for (synchronous dynamics).

        Returns
        -------
        ndarray of int, shape (...)
        """
        s, shape = self._states("x", x)
        theta = self._theta_for(s, shape, inputs)
        longest = 1 if self.dynamics != "sync" else (
            (2 if self.symmetric else 100) if max_period is None
            else check_integer("max_period", max_period, minimum=1))
        return dynamics.cycle_length(self, s, theta, longest).reshape(shape)

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
        """One sweep (or one ``steps_per_sweep``-th of a sweep, begun afresh) of the dynamics."""
        return self.advance(x, rng, inputs, None)[0]

    def init_run(self, x0, rng):
        """The run state of asynchronous dynamics: the local fields of ``x0``, no sweep begun."""
        return dynamics.init_run(self, x0)

    def advance(self, x, rng, inputs, run_state):
        """One step carrying the run's local fields and the sweep in progress."""
        return dynamics.advance(self, x, rng, inputs, run_state)

    def energy_of_run(self, x, inputs, run_state):
        r"""The energy of ``x`` from the run's local fields (None if ``run_state`` holds another state).

        .. math:: E = -\tfrac12 s^\top h + (\theta - u)^\top s, \qquad h = W s

        with the fields :math:`h` that asynchronous runs carry: :math:`O(N)` per
        trial instead of the matrix product of :meth:`energy` (the same value,
        exactly for integer couplings); :func:`~attractors.simulate` reads it at
        every record.

        Examples
        --------
        >>> import numpy as np
        >>> from attractors.models import HopfieldNetwork
        >>> net = HopfieldNetwork.from_patterns([[1, -1, 1, -1], [1, 1, -1, -1]], exact=True)
        >>> x, rng = np.array([1.0, -1.0, 1.0, 1.0]), np.random.default_rng(0)
        >>> y, run_state = net.advance(x, rng, None, net.init_run(x, rng))
        >>> bool(net.energy_of_run(y, None, run_state) == net.energy(y))
        True
        """
        self._require_symmetric("energy")
        return dynamics.energy_of_run(self, x, inputs, run_state)

    # -- construction and recall ---------------------------------------------

    @classmethod
    def from_patterns(cls, patterns, rule: str = "hebb", *, exact: bool = False,
                      dtype="float64", pattern_labels=None, **network_options):
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
        return recall_module.from_patterns(cls, patterns, rule, exact, dtype, pattern_labels,
                                           network_options)

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
            Dims ``cue``, ``unit``, ``pattern`` (labelled with the glyph letters
            or ``pattern_labels`` where there are any).  ``state`` (final states),
            ``overlap`` (cue, pattern), ``cue_overlap`` (overlaps of the cues),
            ``retrieved`` (pattern index, -1 for none), ``kind``, ``sweeps``
            (sweeps that changed the state before it settled), ``converged``,
            ``energy`` (final; NaN with ``symmetric=False``), for synchronous
            dynamics ``period`` (1 fixed point, k a k-cycle, 0 neither; k <= 2
            for symmetric weights); attrs ``seed``, ``dynamics``, ...  Overlaps
            and energies carry ``units`` and ``long_name``.
        """
        return recall_module.recall(
            self, cues, max_sweeps=max_sweeps, threshold=threshold, patterns=patterns,
            inputs=inputs, record_energy=record_energy, rng=rng, seed=seed)
