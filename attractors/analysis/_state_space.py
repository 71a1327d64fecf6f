r"""Exhaustive state space of a small binary network: every state, where it goes, where it ends.

For :math:`N \lesssim 20` units all :math:`2^N` states fit in memory, and the
whole dynamics of a discrete Hopfield network can be laid out as data: each
state's successor(s), its energy, the attractor it ends in and the size of
every basin.  Everything is vectorised over the states (no Python loop over
states); the loops that remain run over at most :math:`\log_2 2^N` pointer
jumps or over the length of the longest descent.

State ``k`` is the configuration whose unit ``i`` is active (+1, or 1 for 0/1
units) exactly when bit ``i`` of ``k`` is set: ``k = sum_i active_i 2**i``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._validate import ParameterError, check_choice, check_finite_array, describe
from ._stability import _labelled

__all__ = ["state_space", "transition_graph"]

#: Above this many units the tables stop fitting comfortably in memory.
MAX_UNITS = 22
_CHUNK = 1 << 15


def _network_arrays(network, thresholds, units, dynamics):
    """Weights (possibly integer), scale, thresholds, units and dynamics from a network or arrays."""
    if hasattr(network, "weights"):
        weights = np.asarray(network.weights)
        scale = getattr(network, "weight_scale", None)
        thresholds = getattr(network, "thresholds", None) if thresholds is None else thresholds
        units = getattr(network, "units", "spin") if units is None else units
        if dynamics is None:
            dynamics = getattr(network, "dynamics", "async")
            if dynamics == "glauber":
                raise ParameterError(
                    f"dynamics of {type(network).__name__} is 'glauber' (stochastic); the state "
                    "space is tabulated for the deterministic rules: pass dynamics='async' for "
                    "its zero-temperature limit, or dynamics='sync'"
                )
        patterns = getattr(network, "patterns", None)
    else:
        weights = check_finite_array("weights", network)
        scale, patterns = None, None
    units = check_choice("units", "spin" if units is None else units, ("spin", "binary"))
    dynamics = check_choice("dynamics", "async" if dynamics is None else dynamics,
                            ("async", "sync"))
    if weights.ndim != 2 or weights.shape[0] != weights.shape[1] or weights.shape[0] < 1:
        raise ParameterError(f"weights must be a square (N, N) array, got shape {weights.shape}")
    n_units = weights.shape[0]
    if n_units > MAX_UNITS:
        raise ParameterError(
            f"the exhaustive state space needs 2**N states; n_units = {n_units} is above the "
            f"limit of {MAX_UNITS} (2**{MAX_UNITS} states already take about "
            f"{(2**MAX_UNITS * MAX_UNITS * 5) >> 20} MiB)"
        )
    if weights.dtype.kind in "iu":
        scale = 1.0 if scale is None else float(scale)
    else:
        weights = weights.astype(np.float64) * (1.0 if scale is None else float(scale))
        scale = None
    if thresholds is None:
        thresholds = np.zeros(n_units)
    thresholds = check_finite_array("thresholds", thresholds, dtype=np.float64)
    thresholds = np.broadcast_to(thresholds, (n_units,)).copy()
    if dynamics == "async":
        effective = weights * (1.0 if scale is None else scale)
        if not np.array_equal(effective, effective.T) or np.any(np.diag(effective) < 0):
            raise ParameterError(
                "dynamics='async' is tabulated for symmetric weights with a non-negative "
                "diagonal (then every flip lowers the energy and every run ends in a fixed "
                "point); these weights are not: use dynamics='sync'"
            )
    return weights, scale, thresholds, units, dynamics, patterns


def _configurations(indices, n_units, units) -> np.ndarray:
    active = ((indices[:, None] >> np.arange(n_units)) & 1).astype(np.int8)
    return 2 * active - 1 if units == "spin" else active


def _tabulate(weights, scale, thresholds, units, dynamics):
    """Configurations, energies and successors of all states, in chunks of states."""
    n_units = weights.shape[0]
    n_states = 1 << n_units
    index_dtype = np.int32 if n_units < 31 else np.int64
    config = np.empty((n_states, n_units), dtype=np.int8)
    energy = np.empty(n_states)
    shape = (n_states,) if dynamics == "sync" else (n_states, n_units)
    successor = np.empty(shape, dtype=index_dtype)
    powers = (1 << np.arange(n_units)).astype(index_dtype)
    for start in range(0, n_states, _CHUNK):
        idx = np.arange(start, min(start + _CHUNK, n_states), dtype=np.int64)
        s = _configurations(idx, n_units, units)
        config[idx] = s
        if scale is None:
            coupling = s.astype(np.float64) @ weights.T
            quadratic = np.einsum("si,si->s", coupling, s)
        else:
            # Integer weights: the products are exact and scaled once, so a tie (a
            # zero field) is decided without round-off and equal energies are equal.
            exact = s.astype(np.int64) @ weights.T.astype(np.int64)
            quadratic = np.einsum("si,si->s", exact, s) * scale
            coupling = exact * scale
        field = coupling - thresholds
        energy[idx] = -0.5 * quadratic + s @ thresholds
        on = s == 1
        # Zero field keeps the state (the documented tie rule).
        changes = (on & (field < 0)) | (~on & (field > 0))
        if dynamics == "sync":
            successor[idx] = (idx ^ (changes.astype(index_dtype) @ powers)).astype(index_dtype)
        else:
            successor[idx] = (idx[:, None] ^ (changes * powers)).astype(index_dtype)
    return config, energy, successor


def _sync_attractors(successor):
    """Cycle label (smallest state on the cycle) of every state, and which states lie on cycles."""
    n_states = successor.size
    jump = successor.astype(np.int64)
    smallest = np.arange(n_states, dtype=np.int64)
    length = 1
    # Pointer jumping: after k rounds, jump = f^(2^k) and smallest = the minimum over the
    # 2^k states x, f(x), ..., f^(2^k - 1)(x).  Once 2^k >= n_states every path has
    # entered its cycle and covered it.
    while length < n_states + 1:
        smallest = np.minimum(smallest, smallest[jump])
        jump = jump[jump]
        length *= 2
    on_cycle = np.zeros(n_states, dtype=bool)
    on_cycle[jump] = True
    return smallest[jump], on_cycle


def _steps_to_cycle(successor, on_cycle):
    steps = np.where(on_cycle, 0, -1)
    while np.any(steps < 0):
        ahead = steps[successor]
        steps = np.where((steps < 0) & (ahead >= 0), ahead + 1, steps)
    return steps


def _async_reach(successor, fixed):
    """Bitsets of the fixed points reachable from every state, and the longest descent."""
    n_states, n_units = successor.shape
    n_fixed = fixed.size
    n_words = max(1, -(-n_fixed // 64))
    reach = np.zeros((n_states, n_words), dtype=np.uint64)
    reach[fixed, np.arange(n_fixed) // 64] = np.uint64(1) << (np.arange(n_fixed) % 64).astype(
        np.uint64)
    # Every flip lowers the energy, so the graph of flips has no cycle.  First the
    # height of each state (flips along its longest descent), settled for the states
    # still pending in each round; then the reach sets, level by level, each state
    # combining the sets of its successors, which all lie on lower levels.
    height = np.full(n_states, -1, dtype=np.int64)
    height[fixed] = 0
    pending = np.flatnonzero(height < 0)
    while pending.size:
        next_states = successor[pending]
        ahead = height[next_states]
        moves = next_states != pending[:, None]
        ready = np.all(~moves | (ahead >= 0), axis=1)
        if not ready.any():  # pragma: no cover - impossible for an energy-lowering graph
            raise RuntimeError("the asynchronous transition graph has a cycle")
        height[pending[ready]] = np.where(moves[ready], ahead[ready], 0).max(axis=1) + 1
        pending = pending[~ready]
    by_level = np.argsort(height, kind="stable")
    bounds = np.searchsorted(height[by_level], np.arange(1, height.max() + 2))
    by_unit = np.ascontiguousarray(successor.T)
    for start, stop in zip(bounds[:-1], bounds[1:]):
        level = by_level[start:stop]
        combined = np.zeros((level.size, n_words), dtype=np.uint64)
        for unit in range(n_units):
            np.bitwise_or(combined, reach[by_unit[unit, level]], out=combined)
        reach[level] = combined
    return reach, height


_BYTE_COUNTS = np.array([bin(byte).count("1") for byte in range(256)], dtype=np.int64)


def _popcount(words) -> np.ndarray:
    """Number of set bits in each row of a (n, n_words) uint64 array."""
    return _BYTE_COUNTS[words.view(np.uint8)].sum(axis=-1)


def _bit_columns(words, n_bits):
    """Count of states with each bit set, and the index of the lowest set bit per state."""
    counts = np.zeros(n_bits, dtype=np.int64)
    lowest = np.full(words.shape[0], -1, dtype=np.int64)
    for bit in range(n_bits):
        column = ((words[:, bit // 64] >> np.uint64(bit % 64)) & np.uint64(1)).astype(bool)
        counts[bit] = np.count_nonzero(column)
        lowest[column & (lowest < 0)] = bit
    return counts, lowest


def state_space(network, *, thresholds=None, units=None, dynamics=None) -> xr.Dataset:
    r"""All :math:`2^N` states of a small binary network, with successors, energies and basins.

    The network is :math:`s_i \to \operatorname{sgn}(h_i)` with the local field
    :math:`h_i = \sum_j W_{ij} s_j - \theta_i` (a zero field keeps the state),
    and energy :math:`E(s) = -\tfrac12 s^T W s + \theta^T s` (Hopfield 1982).

    * ``dynamics="sync"``: every state has one successor, all units updated at
      once.  Attractors are the cycles of this map; with symmetric weights
      they are fixed points or 2-cycles (Goles, Fogelman-Soulié & Pellegrin
      1985).  Every state ends in exactly one attractor.
    * ``dynamics="async"``: every state has :math:`N` successors, one per
      single-unit update (``successor[k, i]`` is state ``k`` after unit ``i``
      is updated; itself when unit ``i`` is stable).  With symmetric weights
      and a non-negative diagonal each flip strictly lowers :math:`E`, so the
      attractors are the fixed points, but which one a run reaches may depend
      on the update order: ``n_reachable`` counts the fixed points reachable
      from each state, ``basin`` names the one when it is unique (-1 when
      the order decides), ``basin_size`` counts the states that can only end
      there and ``reach_size`` those that can end there.

    Parameters
    ----------
    network : HopfieldNetwork or array_like, shape (N, N)
        A network (its ``weights``, ``thresholds``, ``units``, ``dynamics`` and
        stored ``patterns`` are used), or a weight matrix.
    thresholds : array_like, shape (N,), optional
        Thresholds :math:`\theta` (default: the network's, or zero).
    units : {"spin", "binary"}, optional
        :math:`\{-1, +1\}` or :math:`\{0, 1\}` units (default: the network's, or "spin").
    dynamics : {"async", "sync"}, optional
        Default: the network's dynamics (a Glauber network must choose), or "async".

    Returns
    -------
    xarray.Dataset
        Dims ``state`` (:math:`2^N`, state ``k`` has unit ``i`` active iff bit
        ``i`` of ``k`` is set), ``unit``, ``attractor`` (sorted by energy, then
        by state) and ``position`` (along a cycle).  Variables: ``configuration``
        (state, unit), ``energy``, ``successor`` (state[, unit]),
        ``is_fixed_point``, ``basin`` (the index of the attractor the state ends
        in), ``steps`` (sync: steps to reach the
        attractor; async: flips along the longest descent), ``n_reachable``
        (async); per attractor ``attractor_state`` (its smallest state),
        ``period``, ``cycle`` (attractor, position; -1 padded),
        ``attractor_energy``, ``basin_size``, ``reach_size`` (async) and, when
        the network stores patterns, ``attractor_overlap`` (attractor, pattern).

    References
    ----------
    Hopfield, J. J. (1982). Neural networks and physical systems with emergent
    collective computational abilities. PNAS 79, 2554-2558.

    Goles, E., Fogelman-Soulié, F. & Pellegrin, D. (1985). Decreasing energy
    functions as a tool for studying threshold networks. Discrete Appl. Math.
    12, 261-277.

    Examples
    --------
    Two units that want to agree: two fixed points under asynchronous updates,
    while synchronous updates also have the 2-cycle (+-) <-> (-+).

    >>> import numpy as np
    >>> from attractors.analysis import state_space
    >>> w = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> state_space(w).basin_size.values.tolist()
    [1, 1]
    >>> sync = state_space(w, dynamics="sync")
    >>> sync.period.values.tolist(), sync.basin_size.values.tolist()
    ([1, 1, 2], [1, 1, 2])
    """
    weights, scale, thresholds, units, dynamics, patterns = _network_arrays(
        network, thresholds, units, dynamics)
    n_units = weights.shape[0]
    n_states = 1 << n_units
    config, energy, successor = _tabulate(weights, scale, thresholds, units, dynamics)
    states = np.arange(n_states)
    if dynamics == "sync":
        label, on_cycle = _sync_attractors(successor)
        fixed_point = successor == states
        representatives = np.unique(label)
        steps = _steps_to_cycle(successor, on_cycle)
        n_reachable = None
    else:
        fixed_point = np.all(successor == states[:, None], axis=1)
        representatives = np.flatnonzero(fixed_point)
        reach, steps = _async_reach(successor, representatives)
        n_reachable = _popcount(reach)
    order = np.lexsort((representatives, energy[representatives]))
    representatives = representatives[order]
    rank = np.full(n_states, -1, dtype=np.int64)
    rank[representatives] = np.arange(representatives.size)
    if dynamics == "sync":
        attractor = rank[label]
        basin_size = np.bincount(attractor, minlength=representatives.size)
        cycle_members = np.flatnonzero(on_cycle)
        period = np.bincount(attractor[cycle_members], minlength=representatives.size)
        cycle = np.full((representatives.size, int(period.max())), -1, dtype=np.int64)
        # Walk each cycle from its smallest state, all cycles at once.
        current = representatives.copy()
        for position in range(cycle.shape[1]):
            cycle[:, position] = np.where(position < period, current, -1)
            current = successor[current]
    else:
        # Bit k of a state's reach set is fixed point number k in found order; map to rank.
        found = np.argsort(order)
        unique = n_reachable == 1
        counts, lowest = _bit_columns(reach, found.size)
        attractor = np.where(unique, found[np.maximum(lowest, 0)], -1)
        basin_size = np.bincount(attractor[unique], minlength=representatives.size)
        reach_size = counts[order]
        period = np.ones(representatives.size, dtype=np.int64)
        cycle = representatives[:, None].astype(np.int64)
    data = {
        "configuration": (("state", "unit"), config),
        "energy": ("state", energy),
        "successor": (("state",) if dynamics == "sync" else ("state", "unit"), successor),
        "is_fixed_point": ("state", fixed_point),
        "basin": ("state", attractor),
        "steps": ("state", steps),
        "attractor_state": ("attractor", representatives),
        "period": ("attractor", period),
        "cycle": (("attractor", "position"), cycle),
        "attractor_energy": ("attractor", energy[representatives]),
        "basin_size": ("attractor", basin_size),
    }
    if n_reachable is not None:
        data["n_reachable"] = ("state", n_reachable)
        data["reach_size"] = ("attractor", reach_size)
    coords = {"state": states, "unit": np.arange(n_units),
              "attractor": np.arange(representatives.size)}
    if patterns is not None:
        xi = np.asarray(patterns, dtype=np.float64)
        spins = config[representatives].astype(np.float64)
        if units == "binary":
            spins = 2 * spins - 1
            if np.all((xi == 0) | (xi == 1)):  # patterns given as 0/1 rather than spins
                xi = 2 * xi - 1
        data["attractor_overlap"] = (("attractor", "pattern"), spins @ xi.T / n_units)
        coords["pattern"] = np.arange(xi.shape[0])
    space = _labelled(xr.Dataset(data, coords=coords), {
        "configuration": ("state of each unit", "1"),
        "energy": ("energy of the state", "model energy units"),
        "successor": ("state after one update (async: of each unit)", "1"),
        "is_fixed_point": ("no update changes the state", "1"),
        "basin": ("attractor every descent reaches (-1: more than one)", "1"),
        "steps": ("updates to the attractor", "updates"),
        "attractor_state": ("a state on the attractor (index)", "1"),
        "period": ("period of the attractor (1: a fixed point)", "updates"),
        "cycle": ("states along the cycle (-1 padded)", "1"),
        "attractor_energy": ("energy of the attractor state", "model energy units"),
        "basin_size": ("states whose every descent ends at the attractor", "1"),
        "n_reachable": ("attractors reachable from the state", "1"),
        "reach_size": ("states from which the attractor can be reached", "1"),
        "attractor_overlap": ("overlap of the attractor with each pattern", "1"),
        "state": ("state index (bit i: unit i active)", "1"),
    })
    space.attrs.update(
        dynamics=dynamics, units=units, n_units=n_units,
        state_encoding="state k has unit i active iff bit i of k is set",
        model=type(network).__name__ if hasattr(network, "weights") else "weights",
    )
    return space


_EDGE_LABELS = {
    "source": ("state the edge leaves (index)", "1"),
    "target": ("state the edge enters (index)", "1"),
    "unit": ("unit whose update makes the move", "1"),
}


def transition_graph(space: xr.Dataset, *, include_self_loops=False) -> xr.Dataset:
    """The transition graph of a :func:`state_space` as an edge list.

    Parameters
    ----------
    space : xarray.Dataset
        The result of :func:`state_space`.
    include_self_loops : bool
        Keep the edges from a state to itself (a stable unit, or a fixed point).

    Returns
    -------
    xarray.Dataset
        Over dim ``edge``: ``source`` and ``target`` states, and for asynchronous
        dynamics ``unit`` (the unit whose update makes the move).  Edges are
        sorted by source (then unit).

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.analysis import state_space, transition_graph
    >>> edges = transition_graph(state_space(np.array([[0.0, 1.0], [1.0, 0.0]])))
    >>> list(zip(edges.source.values.tolist(), edges.target.values.tolist()))
    [(1, 0), (1, 3), (2, 3), (2, 0)]
    """
    if not isinstance(space, xr.Dataset) or "successor" not in space:
        raise ParameterError(f"space must be a Dataset from state_space(), got {describe(space)}")
    successor = space.successor.values
    if successor.ndim == 1:
        source = np.arange(successor.size)
        keep = include_self_loops | (successor != source)
        return _labelled(xr.Dataset({"source": ("edge", source[keep]),
                                     "target": ("edge", successor[keep])}), _EDGE_LABELS)
    n_states, n_units = successor.shape
    source = np.repeat(np.arange(n_states), n_units)
    unit = np.tile(np.arange(n_units), n_states)
    target = successor.ravel()
    keep = include_self_loops | (target != source)
    return _labelled(xr.Dataset({"source": ("edge", source[keep]),
                                 "target": ("edge", target[keep]),
                                 "unit": ("edge", unit[keep])}), _EDGE_LABELS)

