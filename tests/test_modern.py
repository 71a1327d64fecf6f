"""ModernHopfield against Ramsauer et al. (2021): update, energy, retrieval bound, three regimes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import attractors
from attractors._validate import ParameterError
from attractors.models._modern import ModernHopfield
from attractors.testing import check_system


def _gaussian_patterns(n_patterns, dim, seed=0):
    return np.random.default_rng(seed).standard_normal((n_patterns, dim))


def _unit(a):
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


def _clustered_patterns(seed=0, dim=64, n_clusters=4, per_cluster=8, spread=0.1):
    """Unit-norm cluster centres (nearly orthogonal in 64 dims), members at distance
    ``spread`` from their centre in directions orthogonal to it, so all patterns have the
    same norm and each is a vertex (separation > 0) inside its tight cluster."""
    rng = np.random.default_rng(seed)
    centres = _unit(rng.standard_normal((n_clusters, dim)))
    raw = rng.standard_normal((n_clusters, per_cluster, dim))
    raw -= (raw @ centres[:, :, None]) * centres[:, None, :]
    patterns = (centres[:, None, :] + spread * _unit(raw)).reshape(-1, dim)
    return patterns, np.repeat(np.arange(n_clusters), per_cluster), centres


def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def test_update_and_energy_match_the_paper_formulas():
    patterns = _gaussian_patterns(30, 8)
    beta = 0.7
    memory = ModernHopfield(patterns, beta=beta)
    xi = np.random.default_rng(1).standard_normal((2, 3, 8))
    expected = _softmax(beta * xi @ patterns.T) @ patterns  # xi_new = X softmax(beta X^T xi)
    np.testing.assert_allclose(memory.update(xi), expected, rtol=1e-12, atol=1e-12)
    m = np.max(np.linalg.norm(patterns, axis=1))
    lse = np.log(np.sum(np.exp(beta * xi @ patterns.T), axis=-1)) / beta
    energy = -lse + 0.5 * np.sum(xi**2, axis=-1) + np.log(30) / beta + 0.5 * m**2
    np.testing.assert_allclose(memory.energy(xi), energy, rtol=1e-12)
    # 0 <= E <= 2 M^2 on the ball ||xi|| <= M, where every update lands (the paper's bounds).
    after = memory.energy(memory.update(xi))
    assert np.all(after >= 0) and np.all(after <= 2 * m**2)


def test_energy_is_stable_for_large_beta():
    memory = ModernHopfield(_gaussian_patterns(20, 8), beta=1e4)
    energy = memory.energy(memory.patterns)  # naive exp(beta x.x) would overflow
    assert np.all(np.isfinite(energy))


@pytest.mark.parametrize("beta", [0.05, 1.0, 50.0])
def test_energy_never_increases(beta):
    memory = ModernHopfield(_gaussian_patterns(200, 16, seed=2) / 4, beta=beta)
    run = attractors.simulate(memory, n_trials=10, n_steps=40, seed=3)
    attractors.check_energy(run, strict=True)  # Theorem 1 (CCCP): E(f(xi)) <= E(xi)


def test_simulate_stops_at_fixed_points():
    memory = ModernHopfield(_gaussian_patterns(100, 32, seed=4), beta=1.0)
    run = attractors.simulate(memory, n_trials=5, n_steps=50, stop_at_fixed_point=True,
                              tol=1e-10, seed=5)
    assert run.attrs["status"] == "converged" and bool(run.converged.all())


def test_one_update_retrieval_error_inside_theorem_5_bound():
    # 1000 Gaussian patterns in 64 dimensions (load 15), beta = 2, each query a pattern plus
    # noise of norm 1 (M ~ 11).  Theorem 5 of Ramsauer et al. (2021):
    #   ||f(xi) - x_i|| <= 2 (N-1) M exp(-beta (Delta_i - 2 M max(||xi - x_i||, ||x_i* - x_i||)))
    # with x_i* the fixed point near x_i (found here by retrieve()).
    patterns = _gaussian_patterns(1000, 64, seed=6)
    memory = ModernHopfield(patterns, beta=2.0)
    rng = np.random.default_rng(7)
    which = np.arange(0, 1000, 10)
    queries = patterns[which] + _unit(rng.standard_normal((which.size, 64)))
    one_step = memory.update(queries)
    fixed = memory.retrieve(patterns[which])
    errors = np.linalg.norm(one_step - patterns[which], axis=1)
    bounds = np.array([memory.retrieval_error_bound(q, int(i), fixed_point=s)
                       for q, i, s in zip(queries, which, fixed.state.values)])
    informative = bounds < 1e-3 * memory.max_norm  # where the theorem says "retrieved"
    assert informative.mean() > 0.5  # not vacuous for most of these patterns (87 %)
    assert np.all(errors <= bounds)
    # The retrieved pattern is the right one for every query, and where the bound is below
    # half the tolerance (so that xi_1 = f(xi_0) and f(xi_1) are both within tol / 2 of
    # x_i), retrieve() counts exactly one update.
    result = memory.retrieve(queries)
    np.testing.assert_array_equal(result.nearest.values, which)
    one_update = bounds < result.attrs["tol"] / 2
    assert one_update.mean() > 0.25  # not vacuous (53 % of these queries)
    assert np.all(result.steps.values[one_update] == 1)
    assert np.all(result.steps.values <= 3)


def test_three_kinds_of_fixed_points_at_the_predicted_betas():
    # Ramsauer et al. (2021): (1) a global fixed point averaging all patterns for small beta,
    # (2) metastable states averaging a subset, (3) single-pattern fixed points for large
    # beta.  Four tight clusters of eight patterns; every pattern is a query.
    patterns, labels, centres = _clustered_patterns()
    memory = ModernHopfield(patterns)
    n = len(patterns)

    def fixed_points(beta):
        result = memory.retrieve(patterns, beta=beta, max_steps=2000)
        assert bool(result.converged.all())
        return result.state.values

    def distinct(states):
        return len(np.unique(np.round(states, 6), axis=0))

    # (1) beta below 1/R^2 (R: largest distance from the mean): the update is a contraction
    # (||J|| <= beta R^2 < 1), so one fixed point, reached from everywhere.  It is a
    # softmax average, within (e^{2 beta R M} - 1) max||x_i - mean|| of the mean, since the
    # weights differ from 1/N by at most that factor.
    beta_global = 0.5 * memory.unique_fixed_point_beta()
    states = fixed_points(beta_global)
    assert distinct(states) == 1
    radius = 1 / math.sqrt(memory.unique_fixed_point_beta())
    near_mean = (math.exp(2 * beta_global * radius * memory.max_norm) - 1) * radius
    assert np.linalg.norm(states[0] - patterns.mean(axis=0)) <= near_mean

    # (2) Metastable: beta below 1/R_k^2 of every cluster (the update restricted to a
    # cluster is a contraction: one fixed point per cluster, an average of its members)
    # while beta times the inter-cluster score gap (~0.88) is >> ln N, so other clusters
    # carry weight < N exp(-beta gap) ~ 1e-18.  Expect exactly one fixed point per cluster,
    # equal to the fixed point of the cluster's own memory.
    within = min(ModernHopfield(patterns[labels == k]).unique_fixed_point_beta() for k in range(4))
    beta_meta = 0.5 * within
    gap = min(((patterns[labels == k][:, None] - patterns[labels != k][None]) @ centres[k]).min()
              for k in range(4))
    assert beta_meta * gap > 10 * math.log(n)
    states = fixed_points(beta_meta)
    assert distinct(states) == 4
    for k in range(4):
        own = ModernHopfield(patterns[labels == k]).retrieve(patterns[labels == k][0], beta=beta_meta)
        np.testing.assert_allclose(states[labels == k], np.broadcast_to(own.state.values, (8, 64)),
                                   atol=1e-8)
        weights = _softmax(beta_meta * states[labels == k][0] @ patterns.T)
        assert weights[labels == k].sum() > 1 - 1e-12
        assert 1 / np.sum(weights**2) > 2  # an average over several members, not one

    # (3) Above the beta at which every pattern satisfies the separation condition
    # (Theorem 4), each pattern has its own fixed point within 1/(beta N M) of it.
    beta_single = 1.5 * memory.well_separated_beta()
    assert np.all(memory.is_well_separated(beta_single))
    states = fixed_points(beta_single)
    assert distinct(states) == n
    distance = np.linalg.norm(states - patterns, axis=1)
    assert np.all(distance <= 1 / (beta_single * n * memory.max_norm))
    # ...and the regimes are ordered as the theory puts them.
    assert beta_global < beta_meta < beta_single


def test_retrieve_reports_steps_and_nonconvergence():
    patterns, _, _ = _clustered_patterns()
    memory = ModernHopfield(patterns, beta=2.0)
    result = memory.retrieve(patterns[:3], max_steps=2)
    assert not result.converged.any() and np.all(result.steps.values == 2)
    np.testing.assert_allclose(result.state.values, memory.update(memory.update(patterns[:3])),
                               rtol=1e-13)
    converged = memory.retrieve(patterns, max_steps=500)
    for result_ in (result, converged):  # energies from the last scores = the definition
        np.testing.assert_allclose(result_.energy.values, memory.energy(result_.state.values),
                                   rtol=1e-12, atol=1e-12)
    single = memory.retrieve(patterns[0], max_steps=500)
    assert single.state.dims == ("unit",) and bool(single.converged)
    # A fixed point as a query: zero steps.
    again = memory.retrieve(single.state.values, max_steps=5)
    assert int(again.steps) == 0


def test_float32_retrieval_agrees_with_float64():
    # float32 scores carry error ~ beta d u M ||xi|| = 1 * 64 * 6e-8 * 11 * 11 ~ 5e-4 at
    # worst; at a retrieved pattern the weights are dominated by one pattern, so the
    # retrieved states agree to ~1e-5 relative (tol of float32).
    patterns = _gaussian_patterns(500, 64, seed=8)
    memory = ModernHopfield(patterns, beta=1.0)
    queries = patterns[:50] + 0.1 * np.random.default_rng(9).standard_normal((50, 64))
    full = memory.retrieve(queries)
    single = memory.retrieve(queries, dtype=np.float32)
    np.testing.assert_array_equal(full.nearest.values, single.nearest.values)
    np.testing.assert_allclose(single.state.values, full.state.values,
                               atol=1e-4 * memory.max_norm)


def test_chunks_and_threads_give_identical_results():
    import attractors.models._modern_softmax as modern

    patterns = _gaussian_patterns(64, 8, seed=10)
    memory = ModernHopfield(patterns, beta=0.5)
    queries = np.random.default_rng(11).standard_normal((37, 8))
    whole = memory.update(queries)
    reference = memory.retrieve(queries)
    saved, saved_threads = modern._CHUNK_ENTRIES, modern._softmax_threads
    try:
        # Rows split among three softmax threads: row-wise work, so bit for bit the same.
        modern._softmax_threads = lambda: 3
        np.testing.assert_array_equal(memory.update(queries), whole)
        threaded = memory.retrieve(queries)
        for name in ("state", "steps", "nearest", "energy"):
            np.testing.assert_array_equal(threaded[name].values, reference[name].values)
        # Five queries per chunk: smaller matrix products may round differently (a few ulps).
        modern._CHUNK_ENTRIES = 64 * 5
        np.testing.assert_allclose(memory.update(queries), whole, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(memory.energy(queries), ModernHopfield(patterns, beta=0.5).energy(queries),
                                   rtol=1e-14)
        chunked = memory.retrieve(queries)
    finally:
        modern._CHUNK_ENTRIES, modern._softmax_threads = saved, saved_threads
    np.testing.assert_array_equal(chunked.nearest.values, reference.nearest.values)
    np.testing.assert_allclose(chunked.state.values, reference.state.values, rtol=1e-12, atol=1e-12)


def test_conformance():
    check_system(ModernHopfield(_gaussian_patterns(40, 6, seed=12), beta=2.0), energy=True,
                 deterministic=True)


@pytest.mark.parametrize("kwargs,match", [
    ({"patterns": np.ones(3)}, "2-D array"),
    ({"patterns": np.full((2, 3), np.nan)}, "finite"),
    ({"patterns": np.ones((2, 3)), "beta": 0.0}, "beta must be a finite number > 0"),
    ({"patterns": np.ones((2, 3)), "beta": "hot"}, "beta must be a real number"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        ModernHopfield(**kwargs)


def test_bad_retrieve_arguments():
    memory = ModernHopfield(_gaussian_patterns(5, 3))
    with pytest.raises(ParameterError, match="shape \\(..., 3\\)"):
        memory.retrieve(np.ones((2, 4)))
    with pytest.raises(ParameterError, match="max_steps"):
        memory.retrieve(np.ones(3), max_steps=0)
    with pytest.raises(ParameterError, match="dtype"):
        memory.retrieve(np.ones(3), dtype=np.int32)
    with pytest.raises(ParameterError, match="beta"):
        memory.retrieve(np.ones(3), beta=-1.0)
    with pytest.raises(ParameterError, match="pattern must be an index"):
        memory.retrieval_error_bound(np.ones(3), 5)
    with pytest.raises(ParameterError, match="no external input"):
        memory.update(np.ones(3), None, inputs=np.ones(3))


def test_rebuilt_from_trajectory_parameters():
    memory = ModernHopfield.random(40, 8, beta=3.0, seed=0)
    run = attractors.simulate(memory, n_trials=2, n_steps=3, seed=0)
    rebuilt = ModernHopfield(**attractors.parameters(run))
    assert rebuilt.beta == 3.0
    again = attractors.simulate(rebuilt, n_trials=2, n_steps=3, seed=0)
    np.testing.assert_array_equal(again.state.values, run.state.values)


def test_well_separated_beta_solves_the_separation_condition():
    memory = ModernHopfield(10 * np.eye(3))  # Delta = 100, M = 10, N = 3
    beta = memory.well_separated_beta()
    # Delta = 2/(beta N) + ln(2 (N-1) N beta M^2) / beta at the root.
    assert 100 == pytest.approx(2 / (3 * beta) + math.log(2 * 2 * 3 * beta * 100) / beta, rel=1e-10)
    assert np.all(memory.is_well_separated(1.01 * beta))
    assert not np.any(memory.is_well_separated(0.99 * beta))
    assert ModernHopfield(np.ones((2, 3))).well_separated_beta() == math.inf  # identical patterns


def test_huge_beta_is_computed_without_overflow():
    # beta = 1e308: beta x_i . xi overflows to inf and inf - inf gave NaN states.  In
    # the limit beta -> inf the update is the nearest-by-score pattern and
    # E -> -max_i x_i . xi + |xi|^2 / 2 + M^2 / 2 (the log N / beta term vanishes).
    import warnings

    rng = np.random.default_rng(7)
    patterns = rng.standard_normal((40, 12))
    queries = patterns[:4] + 0.2 * rng.standard_normal((4, 12))
    memory = ModernHopfield(patterns, beta=1e308)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        for dtype in (np.float64, np.float32):
            result = memory.retrieve(queries, dtype=dtype)
            assert np.all(np.isfinite(result.state.values))
            best = np.argmax(queries @ patterns.T, axis=1)
            np.testing.assert_allclose(memory.update(queries), patterns[best], rtol=0, atol=0)
            np.testing.assert_allclose(result.state.values, patterns[best],
                                       rtol=0, atol=1e-6 if dtype == np.float32 else 0)
        energy = memory.energy(queries)
    m2 = np.max(np.sum(patterns**2, axis=1))
    expected = -np.max(queries @ patterns.T, axis=1) + 0.5 * np.sum(queries**2, axis=1) + 0.5 * m2
    np.testing.assert_allclose(energy, expected, rtol=1e-12)
    assert memory.retrieve(queries).energy.attrs["units"] == "1"


def test_arrays_of_the_memory_are_read_only():
    memory = ModernHopfield(np.ones((3, 4)), beta=2.0)
    with pytest.raises(ValueError, match="read-only"):
        memory.patterns[0, 0] = 5.0
    with pytest.raises(ParameterError, match="real"):
        ModernHopfield(np.ones((3, 4)) * 1j)
    before = {k: id(v) for k, v in vars(memory).items()}
    memory.retrieve(np.ones(4), dtype=np.float32)
    assert {k: id(v) for k, v in vars(memory).items()} == before
