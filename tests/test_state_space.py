"""Exhaustive state space against brute force (Python loops over states) on tiny
networks, and against cases checked by hand."""

import numpy as np
import pytest

from attractors._validate import ParameterError
from attractors.analysis import state_space, transition_graph
from attractors.learning import hebb


def brute_force(weights, thresholds, units, dynamics):
    """Reference written the slow, obvious way: one state and one unit at a time."""
    n = len(weights)
    low = -1 if units == "spin" else 0

    def config(k):
        return [1 if (k >> i) & 1 else low for i in range(n)]

    def index(s):
        return sum(1 << i for i in range(n) if s[i] == 1)

    def update(s, i):
        h = sum(weights[i][j] * s[j] for j in range(n)) - thresholds[i]
        return 1 if h > 0 else (low if h < 0 else s[i])

    states = range(2**n)
    energy = [-0.5 * sum(weights[i][j] * config(k)[i] * config(k)[j]
                         for i in range(n) for j in range(n))
              + sum(thresholds[i] * config(k)[i] for i in range(n)) for k in states]
    if dynamics == "sync":
        successor = [index([update(config(k), i) for i in range(n)]) for k in states]
        ends = []
        for k in states:
            seen = []
            while k not in seen:
                seen.append(k)
                k = successor[k]
            cycle = seen[seen.index(k):]
            ends.append(frozenset(cycle))
        return energy, successor, ends
    successor = [[index(config(k)[:i] + [update(config(k), i)] + config(k)[i + 1:])
                  for i in range(n)] for k in states]
    fixed = [k for k in states if all(t == k for t in successor[k])]

    # One memo per call: a default-argument memo keyed by id(successor) outlived the list,
    # and a new list may reuse a freed one's id.
    memo = {}

    def reach(k):
        if k not in memo:
            moves = {t for t in successor[k] if t != k}
            memo[k] = (frozenset([k]) if not moves
                       else frozenset().union(*(reach(t) for t in moves)))
        return memo[k]

    return energy, successor, [reach(k) for k in states], fixed


def random_symmetric(n, seed, *, integer=False):
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 4, (n, n)) if integer else rng.standard_normal((n, n))
    w = np.triu(a, 1)
    return w + w.T, (rng.integers(-2, 3, n) if integer else 0.3 * rng.standard_normal(n))


@pytest.mark.parametrize("units", ["spin", "binary"])
@pytest.mark.parametrize("seed", [0, 1])
def test_sync_matches_brute_force(units, seed):
    # Integer weights and thresholds make ties (zero fields) common, exercising the tie rule.
    w, theta = random_symmetric(6, seed, integer=True)
    space = state_space(w.astype(float), thresholds=theta, units=units, dynamics="sync")
    energy, successor, ends = brute_force(w.tolist(), theta.tolist(), units, "sync")
    np.testing.assert_allclose(space.energy.values, energy)
    np.testing.assert_array_equal(space.successor.values, successor)
    cycles = space.cycle.values
    for k, end in enumerate(ends):
        label = space.basin.values[k]
        assert set(cycles[label][cycles[label] >= 0].tolist()) == set(end)
        assert space.attractor_state.values[label] == min(end)
    sizes = {}
    for end in ends:
        sizes[min(end)] = sizes.get(min(end), 0) + 1
    assert dict(zip(space.attractor_state.values.tolist(), space.basin_size.values.tolist())) \
        == sizes
    # Symmetric weights: only fixed points and 2-cycles (Goles et al. 1985).
    assert set(space.period.values.tolist()) <= {1, 2}
    # Attractors are sorted by energy.
    assert np.all(np.diff(space.attractor_energy.values) >= 0)


@pytest.mark.parametrize("units", ["spin", "binary"])
@pytest.mark.parametrize("seed", [2, 3])
def test_async_matches_brute_force(units, seed):
    w, theta = random_symmetric(6, seed, integer=True)
    space = state_space(w, thresholds=theta, units=units, dynamics="async")
    energy, successor, reach, fixed = brute_force(w.tolist(), theta.tolist(), units, "async")
    np.testing.assert_allclose(space.energy.values, energy)
    np.testing.assert_array_equal(space.successor.values, successor)
    assert sorted(space.attractor_state.values.tolist()) == sorted(fixed)
    np.testing.assert_array_equal(space.is_fixed_point.values,
                                  np.isin(np.arange(64), fixed))
    fixed_of = space.attractor_state.values
    np.testing.assert_array_equal(space.n_reachable.values, [len(r) for r in reach])
    for k, r in enumerate(reach):
        label = space.basin.values[k]
        assert (label == -1) == (len(r) > 1)
        if label >= 0:
            assert {fixed_of[label]} == set(r)
    np.testing.assert_array_equal(
        space.basin_size.values, [sum(r == {f} for r in reach) for f in fixed_of])
    np.testing.assert_array_equal(
        space.reach_size.values, [sum(f in r for r in reach) for f in fixed_of])
    # Every flip lowers the energy (symmetric weights, zero diagonal, ties keep).
    edges = transition_graph(space)
    assert np.all(space.energy.values[edges.target] < space.energy.values[edges.source])


def test_one_stored_pattern_by_hand():
    # One pattern in N = 5 units: the field of unit i is xi_i (xi.s - xi_i s_i) / N.
    # If xi.s = 1 the three agreeing units see a zero field (tie: keep) and the two
    # others flip towards xi; if xi.s >= 3 every unit points to xi.  So the 16 states
    # with xi.s > 0 end in xi and the 16 others in -xi, under both dynamics, each in
    # one synchronous step.
    xi = np.array([[1, -1, 1, 1, -1]])
    for dynamics in ("async", "sync"):
        space = state_space(hebb(xi), dynamics=dynamics)
        assert space.sizes["attractor"] == 2
        assert space.basin_size.values.tolist() == [16, 16]
        ends = space.configuration.values[space.attractor_state.values]
        assert {tuple(e) for e in ends} == {tuple(xi[0]), tuple(-xi[0])}
        side = space.configuration.values @ xi[0] > 0
        target = space.configuration.values[space.attractor_state.values[space.basin.values]]
        np.testing.assert_array_equal(target, np.where(side[:, None], xi, -xi))
        # The energy of a stored pattern is -(N - 1) / 2 (the diagonal is zero).
        np.testing.assert_allclose(space.attractor_energy.values, [-2.0, -2.0])
    sync = state_space(hebb(xi), dynamics="sync")
    assert sync.steps.max() == 1


def test_two_units_sync_two_cycle_and_encoding():
    w = np.array([[0.0, 1.0], [1.0, 0.0]])
    space = state_space(w, dynamics="sync")
    # Bit i of the state index is unit i: state 1 = (+, -), state 2 = (-, +).
    np.testing.assert_array_equal(space.configuration.values,
                                  [[-1, -1], [1, -1], [-1, 1], [1, 1]])
    assert space.successor.values.tolist() == [0, 2, 1, 3]
    assert space.period.values.tolist() == [1, 1, 2]
    assert space.cycle.values.tolist() == [[0, -1], [3, -1], [1, 2]]
    assert space.basin.values.tolist() == [0, 2, 2, 1]
    edges = transition_graph(space)
    assert list(zip(edges.source.values, edges.target.values)) == [(1, 2), (2, 1)]


def test_asymmetric_sync_has_longer_cycles():
    # A ring of three units each copying its predecessor (asymmetric weights): the
    # synchronous map rotates the state, so it has cycles of period 3.
    w = np.roll(np.eye(3), 1, axis=1).T
    space = state_space(w, dynamics="sync")
    assert sorted(space.period.values.tolist()) == [1, 1, 3, 3]
    assert space.basin_size.sum() == 8


def test_exact_integer_weights_give_exact_ties():
    # N = 4 Hebbian weights with two patterns: many fields are exactly zero; the
    # integer J and the float J / N must give identical tables.
    xi = np.array([[1, 1, -1, -1], [1, -1, 1, -1]])
    exact = state_space(hebb(xi, exact=True), dynamics="sync")
    floating = state_space(hebb(xi), dynamics="sync")
    np.testing.assert_array_equal(exact.successor, floating.successor)
    np.testing.assert_allclose(exact.energy * 1, floating.energy * 4)


def test_larger_network_is_vectorised():
    rng = np.random.default_rng(0)
    xi = np.where(rng.random((2, 14)) < 0.5, -1, 1)
    space = state_space(hebb(xi))
    assert space.sizes["state"] == 2**14
    fixed = space.configuration.values[space.attractor_state.values]
    # The stored patterns (and reversals) are fixed points at this low load.
    for pattern in np.concatenate([xi, -xi]):
        assert any(np.array_equal(pattern, f) for f in fixed)
    assert space.basin_size.sum() + (space.basin == -1).sum() == 2**14


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: state_space(np.ones((2, 3))), "square"),
        (lambda: state_space(np.zeros((23, 23))), "n_units = 23"),
        (lambda: state_space(np.array([[0.0, 1.0], [0.0, 0.0]])), "symmetric"),
        (lambda: state_space(-np.eye(2)), "non-negative diagonal"),
        (lambda: state_space(np.zeros((2, 2)), dynamics="glauber"), "dynamics"),
        (lambda: state_space(np.zeros((2, 2)), units="ising"), "units"),
        (lambda: state_space(np.zeros((2, 2)), thresholds=[np.nan, 0]), "thresholds"),
        (lambda: transition_graph(np.zeros(3)), "state_space"),
    ],
)
def test_bad_input(call, words):
    with pytest.raises(ParameterError, match=words):
        call()


@pytest.mark.parametrize("units", ["spin", "binary"])
def test_from_a_hopfield_network(units):
    from attractors.models._hopfield import HopfieldNetwork

    rng = np.random.default_rng(5)
    xi = np.where(rng.random((3, 9)) < 0.5, -1, 1)
    stored = xi if units == "spin" else (xi + 1) // 2
    network = HopfieldNetwork.from_patterns(stored, exact=True, units=units)
    space = state_space(network)
    assert space.attrs["dynamics"] == "async" and space.attrs["model"] == "HopfieldNetwork"
    # Same tables as the brute force on the integer J = N W (ties decided exactly; the
    # float matrix J / 9 would break some ties by round-off).
    energy, successor, _, _ = brute_force(network.weights.tolist(), [0] * 9, units, "async")
    np.testing.assert_array_equal(space.successor, successor)
    np.testing.assert_allclose(space.energy, np.array(energy) / 9, atol=1e-12)
    # The network's own energy agrees on every state.
    np.testing.assert_allclose(space.energy, network.energy(space.configuration.values),
                               atol=1e-12)
    # Overlaps of the attractors with the stored patterns (in the 2s - 1 convention).
    sigma = space.configuration.values[space.attractor_state.values].astype(float)
    sigma = sigma if units == "spin" else 2 * sigma - 1
    np.testing.assert_allclose(space.attractor_overlap, sigma @ xi.T / 9)
    # Every stored pattern that is a fixed point appears with overlap 1.
    stable = np.all(network.local_field(stored) * xi > 0, axis=1)
    best = space.attractor_overlap.max("attractor").values
    np.testing.assert_allclose(best[stable], 1.0)
    with pytest.raises(ParameterError, match="glauber"):
        state_space(HopfieldNetwork(network.weights, weight_scale=1 / 9, dynamics="glauber",
                                    temperature=0.5))


def test_tables_agree_with_the_network_update():
    # Cross-check with HopfieldNetwork.update itself: the synchronous successor is one
    # synchronous sweep, and composing the single-unit successors of units 0, 1, ..., N-1
    # is one asynchronous sweep in fixed order.
    from attractors.models._hopfield import HopfieldNetwork

    w, theta = random_symmetric(7, 11, integer=True)
    rng = np.random.default_rng(0)
    for units in ("spin", "binary"):
        sync = HopfieldNetwork(w, theta.astype(float), units=units, dynamics="sync")
        space = state_space(sync)
        configs = space.configuration.values.astype(float)
        stepped = sync.update(configs, rng)
        np.testing.assert_array_equal(stepped, configs[space.successor.values])
        fixed_order = HopfieldNetwork(w, theta.astype(float), units=units, order="fixed")
        table = state_space(fixed_order).successor.values
        state = np.arange(2**7)
        for unit in range(7):
            state = table[state, unit]
        np.testing.assert_array_equal(fixed_order.update(configs, rng), configs[state])


def test_async_with_positive_self_couplings_matches_brute_force():
    # Kept diagonal W_ii > 0: a flip still lowers E strictly (by 2 |h_i| + 2 W_ii for
    # spins), so the graph stays acyclic; self-coupling makes more states stable.
    w, theta = random_symmetric(6, 21, integer=True)
    w = w + np.diag(np.arange(1, 7))
    space = state_space(w, thresholds=theta)
    energy, successor, reach, fixed = brute_force(w.tolist(), theta.tolist(), "spin", "async")
    np.testing.assert_array_equal(space.successor.values, successor)
    assert sorted(space.attractor_state.values.tolist()) == sorted(fixed)
    np.testing.assert_array_equal(space.n_reachable.values, [len(r) for r in reach])
