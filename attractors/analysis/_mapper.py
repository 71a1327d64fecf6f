r"""A trajectory classifier for :func:`~attractors.analysis.basins`: attractors of every type.

:class:`AttractorType` maps starts to attractors the way Attractors.jl's
recurrence mapper does (Datseris & Wagemakers 2022): it follows every start
(one vectorised batch), decides what the trajectory has settled on, and gives
one label per *attractor*, not per type.  Two limit cycles are two attractors;
two starts on the same chaotic set are one.

1. Every start runs for ``transient``, then a record of ``t_search`` is judged
   by :func:`~attractors.analysis.classify_attractor`'s tests (divergent, fixed
   point, periodic with its period, quasi-periodic or chaotic by the largest
   Lyapunov exponent).
2. Fixed points are told apart by their states (:class:`UniqueStates`).
3. A cycle, torus or chaotic set is the set of points its record visits.  The
   first unlabelled record of a type becomes a new attractor; every other record
   of that type whose points lie, for at least ``match_fraction`` of them, within
   :math:`\varepsilon` of the new attractor's points is the same attractor
   (a k-d tree query; Attractors.jl matches grid cells, which needs a grid of
   the whole state space).  :math:`\varepsilon` is ``match_distance`` times the
   attractor's extent, and never below its largest step between records, so
   that two records of one cycle, sampled at different phases, always match.
"""

from __future__ import annotations

import numpy as np

from .._system import DiscreteSystem
from .._validate import ParameterError, check_integer, check_positive, plain
from ._basin_classifiers import UniqueStates
from ._classify import ATTRACTOR_TYPES, _classify_records
from ._periodic import _fixed_step

__all__ = ["AttractorType"]

#: Points of a record kept for matching (a longer record is thinned evenly).
_MAX_POINTS = 2000

#: Label of a divergent start in :func:`basins` with :class:`AttractorType`.
DIVERGENT = -1


class AttractorType:
    r"""Label starts by the attractor their trajectories reach, of any type.

    A *trajectory* classifier for :func:`~attractors.analysis.basins`
    (``basins(system, starts, classifier=AttractorType(), dt=...)``): instead of
    running to rest, every start runs for ``transient`` and its record of
    length ``t_search`` is classified as in
    :func:`~attractors.analysis.classify_attractor`; then records are grouped
    into distinct attractors, fixed points by state and the others by the
    overlap of the points they visit: record :math:`b` lies on attractor
    :math:`a` when a fraction at least ``match_fraction`` of its points are
    within

    .. math:: \varepsilon_a = \max\big(\text{match\_distance} \cdot
              \max_i \operatorname{range}_i(x_a),\ \max_n |x_a(t_{n+1}) - x_a(t_n)|\big)

    of the points of :math:`a`'s first record (the second term: consecutive
    records of a cycle are at most that far apart, so every phase is covered).
    Divergent starts are labelled -1.  After a call, ``names`` (``"periodic
    1"``, ...), ``states`` (a point of each attractor), ``types`` and
    ``periods`` describe the attractors.

    Parameters
    ----------
    transient, t_search : float
        Time run before the record, and the record's length (steps for a map).
    tolerance, max_period, bound, chaos_threshold, t_lyapunov
        As for :func:`~attractors.analysis.classify_attractor`.
    match_distance : float
        :math:`\varepsilon` relative to the attractor's extent.
    match_fraction : float in (0, 1]
        Share of a record's points that must lie near an attractor's.

    References
    ----------
    G. Datseris and A. Wagemakers, Chaos 32, 023104 (2022) (recurrence mapper).
    G. Datseris, K. L. Rossi and A. Wagemakers, Chaos 33, 073151 (2023) (Attractors.jl).

    Examples
    --------
    Two stable cycles of :math:`\dot r = -r(r-1)(r-2)(r-3)`, :math:`\dot\theta = 1`,
    at r = 1 and r = 3, split by the unstable one at r = 2:

    >>> import numpy as np
    >>> import attractors
    >>> from attractors.analysis import AttractorType, basins
    >>> class TwoCycles(attractors.ContinuousSystem):
    ...     n_units = 2
    ...     def vector_field(self, t, x, inputs=None):
    ...         r = np.linalg.norm(x, axis=-1)
    ...         g = -(r - 1) * (r - 2) * (r - 3)
    ...         return np.stack([g * x[..., 0] - x[..., 1], g * x[..., 1] + x[..., 0]], -1)
    >>> starts = [[0.5, 0.0], [1.5, 0.0], [0.0, 2.5], [-3.5, 0.0]]
    >>> result = basins(TwoCycles(), starts, classifier=AttractorType(transient=20,
    ...                 t_search=30), dt=0.02)
    >>> result.label.values.tolist(), result.name.values.tolist()
    ([0, 0, 1, 1], ['periodic 0', 'periodic 1'])
    >>> np.round(result.period.values, 4)  # 2 pi
    array([6.2832, 6.2832])
    """

    #: :func:`basins` hands this classifier the starts, not final states.
    from_trajectories = True

    def __init__(self, *, transient: float = 100.0, t_search: float = 100.0,
                 tolerance: float = 1e-3, max_period: int = 16, bound: float = 1e6,
                 chaos_threshold: float = 0.02, t_lyapunov: float | None = None,
                 match_distance: float = 0.05, match_fraction: float = 0.5):
        self.transient = check_positive("transient", transient, allow_zero=True)
        self.t_search = check_positive("t_search", t_search)
        self.tolerance = check_positive("tolerance", tolerance)
        self.max_period = check_integer("max_period", max_period, minimum=1)
        self.bound = check_positive("bound", bound)
        self.chaos_threshold = check_positive("chaos_threshold", chaos_threshold)
        self.t_lyapunov = None if t_lyapunov is None else check_positive("t_lyapunov",
                                                                          t_lyapunov)
        self.match_distance = check_positive("match_distance", match_distance)
        if not 0 < match_fraction <= 1:
            raise ParameterError(f"match_fraction must be in (0, 1], got {plain(match_fraction)}")
        self.match_fraction = float(match_fraction)
        self.names, self.states, self.types, self.periods = None, None, None, None

    def map_starts(self, system, x0, *, dt=None, solver=None, rng=None):
        """Labels (one per start, -1 divergent) and the final states, shape (n, n_units)."""
        is_map = isinstance(system, DiscreteSystem)
        if is_map:
            dt = 1.0
        elif dt is None:
            raise ParameterError(f"dt is required for the continuous-time {system.name}")
        else:
            dt = check_positive("dt", dt)
        solver = None if is_map else _fixed_step("rk4" if solver is None else solver)
        n_transient = int(round(self.transient / dt))
        n_record = max(int(round(self.t_search / dt)), 2)
        t_lyapunov = self.t_search if self.t_lyapunov is None else self.t_lyapunov
        kind, period, _, _, extent, records = _classify_records(
            system, np.asarray(x0, dtype=np.float64), is_map, dt, n_transient, n_record, solver,
            self.tolerance, self.max_period, self.bound, self.chaos_threshold, t_lyapunov, rng)
        labels = np.full(kind.size, DIVERGENT, dtype=np.int64)
        names, states, types, periods = [], [], [], []

        def new(kind_name, state, cycle_period):
            names.append(f"{kind_name} {len(names)}")
            states.append(state)
            types.append(kind_name)
            periods.append(cycle_period)
            return len(names) - 1

        fixed = np.flatnonzero(kind == "fixed_point")
        if fixed.size:
            unique = UniqueStates(tol=max(10 * self.tolerance, 1e-4))
            local = unique(records[-1, fixed])
            offset = len(names)
            for state in unique.states:
                new("fixed_point", state, np.nan)
            labels[fixed] = offset + local
        for kind_name in ATTRACTOR_TYPES[1:4]:
            self._group(np.flatnonzero(kind == kind_name), kind_name, records, extent, period,
                        labels, new)
        self.names, self.types = names, types
        self.states = np.array(states).reshape(len(states), system.n_units)
        self.periods = np.array(periods, dtype=np.float64)
        return labels, records[-1]

    def __call__(self, final_states, system=None):
        raise ParameterError("AttractorType classifies trajectories, not final states: pass it "
                             "to basins(system, starts, classifier=AttractorType(), dt=...)")

    def _group(self, members, kind_name, records, extent, period, labels, new):
        """Greedy grouping of the records of one type by the points they visit."""
        from scipy.spatial import cKDTree

        # At most _MAX_POINTS points per record: the radius grows with the stride (it is never
        # below the largest step between kept points), so matching stays consistent.
        records = records[::-(-records.shape[0] // _MAX_POINTS)]
        left = members
        while left.size:
            first = left[0]
            points = records[:, first]
            step = np.max(np.linalg.norm(np.diff(points, axis=0), axis=-1))
            radius = max(self.match_distance * extent[first], step)
            tree = cKDTree(points)
            others = records[:, left].reshape(-1, points.shape[-1])
            distance, _ = tree.query(others, distance_upper_bound=radius * (1 + 1e-12))
            near = np.mean(np.isfinite(distance).reshape(records.shape[0], left.size), axis=0)
            same = near >= self.match_fraction
            same[0] = True
            periods = period[left[same]]
            label = new(kind_name, records[-1, first],
                        float(np.nanmedian(periods)) if np.any(np.isfinite(periods))
                        else np.nan)
            labels[left[same]] = label
            left = left[~same]

    def __repr__(self):
        return (f"AttractorType(transient={self.transient:g}, t_search={self.t_search:g}, "
                f"tolerance={self.tolerance:g}, match_distance={self.match_distance:g}, "
                f"match_fraction={self.match_fraction:g})")
