"""The clique network: its fixed points are exactly the maximal cliques (checked against
exhaustive enumeration), asynchronous runs end in one, and energies count clique sizes."""

import itertools

import numpy as np
import pytest

from attractors._validate import ParameterError
from attractors.analysis import clique_network, is_maximal_clique, state_space


def random_graph(n, p, seed):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((n, n)) < p, 1)
    return (upper | upper.T).astype(int)


def maximal_cliques_brute_force(a):
    """Every subset of vertices, tested one by one."""
    n = len(a)
    cliques = []
    for size in range(1, n + 1):
        for subset in itertools.combinations(range(n), size):
            if all(a[i][j] for i, j in itertools.combinations(subset, 2)):
                others = [v for v in range(n) if v not in subset]
                if not any(all(a[v][u] for u in subset) for v in others):
                    cliques.append(frozenset(subset))
    return set(cliques)


@pytest.mark.parametrize("seed, p", [(0, 0.3), (1, 0.5), (2, 0.7)])
def test_fixed_points_are_exactly_the_maximal_cliques(seed, p):
    a = random_graph(10, p, seed)
    network = clique_network(a)
    space = state_space(network)
    fixed = space.configuration.values[space.attractor_state.values]
    found = {frozenset(np.flatnonzero(s).tolist()) for s in fixed}
    assert found == maximal_cliques_brute_force(a.tolist())
    # Energy of a clique of size k is -k (reward 1), so the deepest attractors are the
    # maximum cliques.
    np.testing.assert_allclose(space.attractor_energy.values, -fixed.sum(axis=1))
    assert fixed[0].sum() == max(len(c) for c in found)
    assert np.all(is_maximal_clique(a, fixed))


def test_asynchronous_runs_end_in_maximal_cliques():
    a = random_graph(60, 0.5, 3)
    network = clique_network(a)
    rng = np.random.default_rng(4)
    starts = np.concatenate([np.zeros((50, 60)), (rng.random((50, 60)) < 0.5).astype(float)])
    result = network.recall(starts, seed=5)
    assert bool(result.converged.all())
    assert np.all(is_maximal_clique(a, result.state.values))
    np.testing.assert_allclose(result.energy.values, -result.state.values.sum(axis=1))
    # Different orders find different maximal cliques (greedy, order-dependent).
    assert len({tuple(s) for s in result.state.values[:50]}) > 1
    # Float weights and another penalty give the same fixed points.
    space_int = state_space(clique_network(a[:9, :9]))
    space_float = state_space(clique_network(a[:9, :9], penalty=3.5, reward=1.5))
    np.testing.assert_array_equal(space_int.attractor_state.values,
                                  space_float.attractor_state.values)


def test_is_maximal_clique_by_hand():
    square = np.array([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]])
    states = [[1, 1, 0, 0], [1, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 1]]
    assert is_maximal_clique(square, states).tolist() == [True, False, False, False, True]


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: clique_network(np.ones((2, 3))), "square"),
        (lambda: clique_network(np.array([[0, 1], [0, 0]])), "symmetric"),
        (lambda: clique_network(np.array([[0, 2], [2, 0]])), "0/1"),
        (lambda: clique_network(np.zeros((2, 2)), penalty=1, reward=1), "exceed"),
        (lambda: clique_network(np.zeros((2, 2)), reward=-1), "reward"),
        (lambda: is_maximal_clique(np.zeros((2, 2)), [1, 0, 1]), "states"),
    ],
)
def test_bad_input(call, words):
    with pytest.raises(ParameterError, match=words):
        call()


def test_many_maximal_cliques_use_several_bitset_words():
    # The cocktail-party graph (all edges except a perfect matching of 7 pairs) has
    # 2**7 = 128 maximal cliques, one vertex from each pair, all of size 7: more fixed
    # points than one 64-bit word of reach bits holds.
    pairs = 7
    a = np.ones((2 * pairs, 2 * pairs), int) - np.eye(2 * pairs, dtype=int)
    for k in range(pairs):
        a[2 * k, 2 * k + 1] = a[2 * k + 1, 2 * k] = 0
    space = state_space(clique_network(a))
    fixed = space.configuration.values[space.attractor_state.values]
    assert space.sizes["attractor"] == 2**pairs
    assert np.all(fixed.sum(axis=1) == pairs) and np.all(is_maximal_clique(a, fixed))
    np.testing.assert_allclose(space.attractor_energy.values, -pairs)
    # From all units off every maximal clique can be reached (the order decides).
    assert space.n_reachable.values[0] == 2**pairs and space.basin.values[0] == -1
    # A clique reaches only itself; remove one of its vertices and either vertex of the
    # emptied pair can complete it: two reachable cliques, the order decides.
    powers = 1 << np.arange(2 * pairs)
    assert space.n_reachable.values[int(fixed[0] @ powers)] == 1
    partial = fixed[0].copy()
    partial[np.flatnonzero(partial)[0]] = 0
    assert space.n_reachable.values[int(partial @ powers)] == 2
    assert space.basin.values[int(partial @ powers)] == -1
    # By symmetry every clique has the same basin and the same reach.
    assert len(set(space.basin_size.values.tolist())) == 1
    assert len(set(space.reach_size.values.tolist())) == 1
    assert space.basin_size.sum() + (space.basin == -1).sum() == 2 ** (2 * pairs)
