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
