"""Storage rules against their defining formulas and the properties they promise."""

import tracemalloc

import numpy as np
import pytest

from attractors import ParameterError
from attractors.learning import hebb, pseudo_inverse, store, storkey


def spins(rng, p, n):
    return rng.choice(np.array([-1, 1]), size=(p, n))


def storkey_by_definition(patterns):
    """Storkey (1997) written literally, with the restricted sums h_ij (slow, tiny N only)."""
    p, n = patterns.shape
    w = np.zeros((n, n))
    for xi in patterns:
        h = np.array([[sum(w[i, k] * xi[k] for k in range(n) if k not in (i, j))
                       for j in range(n)] for i in range(n)])
        new = w.copy()
        for i in range(n):
            for j in range(n):
                if i != j:
                    new[i, j] += (xi[i] * xi[j] - xi[i] * h[j, i] - h[i, j] * xi[j]) / n
        w = new
    return w


def test_hebb_is_the_sum_of_outer_products():
    xi = spins(np.random.default_rng(1), 7, 30)
    expected = sum(np.outer(x, x) for x in xi) / 30.0
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(hebb(xi), expected, rtol=0, atol=1e-15)
    with_diagonal = hebb(xi, keep_diagonal=True)
    np.testing.assert_allclose(np.diagonal(with_diagonal), 7 / 30)


def test_exact_hebb_is_integer_and_incremental_storage_is_identical():
    xi = spins(np.random.default_rng(2), 40, 101)
    j = hebb(xi, exact=True)
    assert j.dtype == np.int64
    assert np.array_equal(j, j.T) and not np.diagonal(j).any()
    # Entries are sums of P = 40 terms +-1: even parity with P, |J| <= P.
    assert np.all(np.abs(j) <= 40) and np.all((j[~np.eye(101, dtype=bool)] - 40) % 2 == 0)
    one_at_a_time = None
    for pattern in xi:
        one_at_a_time = hebb(pattern, weights=one_at_a_time, exact=True)
    assert np.array_equal(one_at_a_time, j)  # bit for bit, no round-off
    np.testing.assert_allclose(hebb(xi), j / 101, rtol=1e-15)


def test_storkey_matches_its_definition_and_is_incremental():
    xi = spins(np.random.default_rng(3), 4, 9)
    w = storkey(xi)
    np.testing.assert_allclose(w, storkey_by_definition(xi), rtol=0, atol=1e-13)
    np.testing.assert_allclose(storkey(xi[2:], weights=storkey(xi[:2])), w, rtol=0, atol=1e-13)
    assert np.array_equal(w, w.T) and not np.diagonal(w).any()
    # The first pattern alone gives exactly the Hebb matrix (h = 0 for W = 0).
    np.testing.assert_allclose(storkey(xi[:1]), hebb(xi[:1]), rtol=0, atol=1e-15)


def test_pseudo_inverse_is_the_projection_onto_the_patterns():
    rng = np.random.default_rng(4)
    parents = spins(rng, 3, 60)
    # Strongly correlated patterns: each a parent with 10% of bits flipped.
    xi = np.repeat(parents, 5, axis=0)
    flips = rng.random(xi.shape) < 0.1
    xi = np.where(flips, -xi, xi)
    projection = pseudo_inverse(xi, keep_diagonal=True)
    np.testing.assert_allclose(projection @ xi.T, xi.T, atol=1e-10)
    np.testing.assert_allclose(projection @ projection, projection, atol=1e-10)
    w = pseudo_inverse(xi)
    assert not np.diagonal(w).any()
    assert np.all(np.sign(xi @ w) == xi)  # every pattern a fixed point
    # Hebb fails on the same correlated set (the contrast that motivates the rule).
    assert not np.all(np.sign(xi @ hebb(xi)) == xi)
    incremental = pseudo_inverse(xi[:6], keep_diagonal=True)
    incremental = pseudo_inverse(xi[6:], weights=incremental, keep_diagonal=True)
    np.testing.assert_allclose(incremental, projection, atol=1e-10)


def test_pseudo_inverse_refuses_dependent_patterns():
    xi = np.array([[1, 1, -1, -1], [1, -1, 1, -1], [1, 1, -1, -1]])
    with pytest.raises(ParameterError, match="linearly independent"):
        pseudo_inverse(xi)
    with pytest.raises(ParameterError, match="span"):
        pseudo_inverse(xi[2:], weights=pseudo_inverse(xi[:2], keep_diagonal=True), keep_diagonal=True)
    with pytest.raises(ParameterError, match="at most N"):
        pseudo_inverse(spins(np.random.default_rng(0), 5, 4))


def test_storage_never_builds_a_p_by_n_by_n_array():
    # P x N x N float64 would be 200 * 300 * 300 * 8 = 144 MB; allow a few N x N.
    xi = spins(np.random.default_rng(5), 200, 300)
    for rule in ("hebb", "storkey", "pseudo-inverse"):
        tracemalloc.start()
        store(xi if rule != "pseudo-inverse" else xi[:150], rule)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 10 * 300 * 300 * 8, (rule, peak)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: hebb([[1, 0, 1]]), r"patterns\[0, 1\] = 0 \(0/1 patterns"),
        (lambda: hebb(np.ones((2, 2, 2))), "shape"),
        (lambda: hebb([[1, -1]], weights=np.zeros((3, 3))), r"weights must have shape \(2, 2\)"),
        (lambda: hebb([[1, -1]], weights=np.zeros((2, 2)), exact=True), "integer"),
        (lambda: storkey([[1, -1]], weights=np.array([[0, 1.0], [0, 0]])), "symmetric"),
        (lambda: store([[1, -1]], "oja"), "rule must be one of"),
        (lambda: store([[1, -1]], "storkey", exact=True), "unknown exact"),
        (lambda: pseudo_inverse([[1, -1]], weights=np.zeros((2, 2))), "keep_diagonal=True"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_hebb_dtypes_give_the_same_matrix():
    # One Hebb implementation for every precision: J = xi^T xi is an exact integer
    # matrix, so float32 entries are J/N correctly rounded (within half an ulp of the
    # float64 W, i.e. rtol 2**-24) and integer dtypes hold J exactly.
    import numpy as np

    from attractors import ParameterError
    from attractors.learning import hebb

    rng = np.random.default_rng(3)
    xi = rng.choice([-1, 1], size=(9, 70))
    w = hebb(xi)
    single = hebb(xi, dtype=np.float32)
    assert single.dtype == np.float32
    np.testing.assert_allclose(single, w, rtol=2**-24, atol=0)
    for kind in (np.int8, np.int16, np.int64):
        j = hebb(xi, dtype=kind)
        assert j.dtype == kind
        np.testing.assert_array_equal(j, hebb(xi, exact=True))
    np.testing.assert_array_equal(hebb(xi[5:], weights=hebb(xi[:5], dtype=np.int8), dtype=np.int8),
                                  hebb(xi, exact=True))
    kept = hebb(xi, dtype=np.float32, keep_diagonal=True)
    np.testing.assert_allclose(np.diagonal(kept), 9 / 70, rtol=2**-24)
    for bad, message in [(dict(dtype=np.uint8), "dtype"), (dict(dtype=np.float16), "dtype"),
                         (dict(exact=True, dtype=np.float32), "exact"),
                         (dict(dtype=np.int8), "holds couplings up to 127")]:
        with pytest.raises(ParameterError, match=message):
            hebb(rng.choice([-1, 1], size=(200, 4)) if "127" in message else xi, **bad)


def test_previous_weights_of_unsigned_or_complex_type():
    import numpy as np

    from attractors import ParameterError
    from attractors.learning import hebb

    xi = np.array([[1, -1, 1]])
    previous = hebb(xi, exact=True).astype(np.int64) + 1
    np.fill_diagonal(previous, 0)
    np.testing.assert_array_equal(hebb(xi, weights=previous.astype(np.uint8), exact=True),
                                  hebb(xi, weights=previous, exact=True))
    with pytest.raises(ParameterError, match="signed 64-bit"):
        hebb(xi, weights=np.full((3, 3), 2**64 - 1, dtype=np.uint64), exact=True)
    with pytest.raises(ParameterError, match="real"):
        hebb(xi, weights=np.zeros((3, 3), dtype=complex))
