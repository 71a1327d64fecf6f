r"""Fixed points and short cycles of a map (a discrete-time network such as Hopfield's).

Found by iterating the map from every start (all :math:`2^N` binary states for
a small network, or sampled ones) and detecting :math:`x_k = x_{k-p}` for
:math:`p \le` ``max_period``; a cycle is reported once, from its
lexicographically smallest state on.  For a deterministic
:class:`~attractors.HopfieldNetwork` the exhaustive answer is read from
:func:`~attractors.analysis.state_space` instead, which tabulates every state's
successor at once.  The public entry point is
:func:`attractors.analysis.find_fixed_points`.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError


def _alphabet(system):
    return (0.0, 1.0) if getattr(system, "units", "spin") == "binary" else (-1.0, 1.0)


def _all_states(system):
    n = system.n_units
    low, high = _alphabet(system)
    index = np.arange(1 << n, dtype=np.int64)
    bits = (index[:, None] >> np.arange(n)) & 1
    return np.where(bits == 1, high, low).astype(system.state_dtype)


def _discrete_fixed_points(system, x0, *, inputs, max_steps, max_period, rng):
    n_starts, n = x0.shape
    history = np.empty((max_period + 1, n_starts, n), dtype=x0.dtype)
    history[0] = x0
    period = np.zeros(n_starts, dtype=np.int64)  # 0: not yet on a cycle
    found_at = np.full(n_starts, -1, dtype=np.int64)
    final = np.empty((max_period, n_starts, n), dtype=x0.dtype)
    x = x0
    for step in range(1, max_steps + 1):
        x = np.asarray(system.update(x, rng, inputs))
        history[step % (max_period + 1)] = x
        open_ = period == 0
        for p in range(1, min(step, max_period) + 1):
            match = open_ & np.all(history[(step - p) % (max_period + 1)] == x, axis=-1)
            if np.any(match):
                period[match] = p
                found_at[match] = step
                for k in range(p):
                    final[k, match] = history[(step - k) % (max_period + 1)][match]
                open_ &= ~match
        if np.all(period > 0):
            break
    done = period > 0
    # Canonical representative of a cycle: its lexicographically smallest state.
    cycles = np.full((n_starts, max_period, n), np.nan)
    reps = np.full((n_starts, n), np.nan)
    for p in np.unique(period[done]):
        sel = np.flatnonzero(period == p)
        members = np.moveaxis(final[:p, sel], 0, 1).astype(np.float64)  # (s, p, n)
        smallest = np.zeros(sel.size, dtype=np.int64)
        for k in range(1, p):
            diff = members[:, k] - members[np.arange(sel.size), smallest]
            first = np.argmax(diff != 0, axis=-1)
            lower = np.take_along_axis(diff, first[:, None], axis=-1)[:, 0] < 0
            smallest = np.where(lower, k, smallest)
        # Cycle listed from its smallest state on, in the order the map visits them.
        steps_forward = (smallest[:, None] - np.arange(p)[None, :]) % p
        cycles[sel, :p] = members[np.arange(sel.size)[:, None], steps_forward]
        reps[sel] = cycles[sel, 0]
    keys = np.concatenate([period[:, None].astype(np.float64), reps], axis=1)[done]
    unique, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    first_index = np.flatnonzero(done)[np.unique(inverse.ravel(), return_index=True)[1]]
    periods = unique[:, 0].astype(np.int64)
    order = np.lexsort((np.arange(len(periods)), periods))
    points = unique[order, 1:]
    data = {
        "state": (("fixed_point", "unit"), points.astype(system.state_dtype)),
        "period": ("fixed_point", periods[order]),
        "kind": ("fixed_point", np.where(periods[order] == 1, "fixed point", "cycle")),
        "cycle": (("fixed_point", "phase", "unit"), cycles[first_index[order]]),
        "n_found": ("fixed_point", counts[order]),
    }
    try:
        data["energy"] = ("fixed_point", np.asarray(system.energy(points, inputs), dtype=np.float64))
    except NotImplementedError:
        pass
    attrs = {"n_starts": n_starts, "n_converged": int(np.sum(done)),
             "n_unresolved": int(np.sum(~done)), "max_steps": max_steps, "max_period": max_period,
             "method": "iterated map"}
    return data, attrs


def _from_state_space(system, max_period):
    """The exhaustive answer from :func:`state_space` for a deterministic HopfieldNetwork.

    Returns None where the state space does not apply (another model, Glauber
    dynamics, async updates with weights the tabulation refuses), so the caller
    iterates the map instead.
    """
    from ..models import HopfieldNetwork
    from ._state_space import state_space

    if type(system) is not HopfieldNetwork:
        return None
    try:
        space = state_space(system)
    except ParameterError:
        return None
    config = space.configuration.values.astype(np.float64)
    periods = space.period.values.astype(np.int64)
    width = max(max_period, int(periods.max()))
    cycles = np.full((periods.size, width, system.n_units), np.nan)
    for a, (p, members) in enumerate(zip(periods, space.cycle.values)):
        states = config[members[:p]]
        smallest = min(range(p), key=lambda k: tuple(states[k]))
        cycles[a, :p] = states[(smallest + np.arange(p)) % p]
    keep = periods <= max_period
    order = np.lexsort(tuple(cycles[keep, 0].T[::-1]) + (periods[keep],))
    index = np.flatnonzero(keep)[order]
    points = cycles[index, 0]
    data = {
        "state": (("fixed_point", "unit"), points.astype(system.state_dtype)),
        "period": ("fixed_point", periods[index]),
        "kind": ("fixed_point", np.where(periods[index] == 1, "fixed point", "cycle")),
        "cycle": (("fixed_point", "phase", "unit"), cycles[index, :max_period]),
        "n_found": ("fixed_point", space.basin_size.values[index].astype(np.int64)),
        "energy": ("fixed_point", space.attractor_energy.values[index]),
    }
    unresolved = int(np.sum(~keep))
    attrs = {"n_starts": int(space.sizes["state"]),
             "n_converged": int(np.sum(space.basin_size.values[keep])),
             "n_unresolved": int(np.sum(space.basin_size.values[~keep])) if unresolved else 0,
             "max_steps": 0, "max_period": max_period, "method": "state_space"}
    return data, attrs
