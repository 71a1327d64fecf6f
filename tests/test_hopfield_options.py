"""The discrete Hopfield network's options and guarantees: run state, frozen arrays, dtypes,
glyph labels, the correlated-patterns warning, asymmetric weights.

Reference results are exact (threads against sequential runs, read-only arrays,
integer tie decisions) or published closed statements (Bruck 1990: antisymmetric
synchronous cycles divide 4; sequence memories step pattern to pattern).
"""

from __future__ import annotations

import numpy as np
import pytest

import attractors
from attractors import ParameterError
from attractors.learning import hebb
from attractors.models import HopfieldNetwork, doubled_network


def spins(rng, shape):
    return rng.choice([-1, 1], size=shape)


def reference_sweep(w, theta, s, order, low):
    """The rule written out unit by unit (no incremental field): the specification."""
    s = s.copy()
    for i in order:
        h = w[i] @ s - theta[i]
        if h > 0:
            s[i] = 1
        elif h < 0:
            s[i] = low
    return s, None


# -- run state, frozen arrays, dtypes (issue 15 items 14 and 21) -------------------------


@pytest.mark.parametrize("steps_per_sweep", [1, 4])
def test_one_network_shared_by_threads_gives_the_sequential_results(steps_per_sweep):
    # The sweep in progress and the local fields belong to the run (init_run/advance),
    # not to the network, so concurrent runs cannot continue each other's sweeps.
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(30)
    n = 64
    net = HopfieldNetwork.from_patterns(spins(rng, (6, n)), exact=True,
                                        steps_per_sweep=steps_per_sweep)
    starts = spins(rng, (80, 3, n)).astype(float)

    def run(k):
        return attractors.simulate(net, starts[k], n_steps=6 * steps_per_sweep,
                                   seed=k).state.values

    import sys

    sequential = [run(k) for k in range(80)]
    # A short switch interval makes threads interleave between Python statements (with
    # the old network-held cache: 2 of 80 runs differed for k = 1, 64 of 80 for k = 4).
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:
            threaded = list(pool.map(run, range(80)))
    finally:
        sys.setswitchinterval(interval)
    assert all(np.array_equal(a, b) for a, b in zip(sequential, threaded))


def test_the_network_holds_no_run_state_and_advance_continues_a_sweep():
    rng = np.random.default_rng(31)
    n = 40
    net = HopfieldNetwork.from_patterns(spins(rng, (4, n)), exact=True, steps_per_sweep=4)
    before = {k: id(v) for k, v in vars(net).items()}
    x0 = spins(rng, (2, n)).astype(float)
    attractors.simulate(net, x0, n_steps=8, seed=0)
    net.recall(x0, seed=0)
    assert {k: id(v) for k, v in vars(net).items()} == before  # nothing set after __init__
    # advance() continues the sweep from the run state: four quarter steps equal one
    # whole sweep of a k = 1 network with the same random order.
    whole = HopfieldNetwork(net.weights, weight_scale=net.weight_scale)
    gen = np.random.default_rng(5)
    x, state = x0, net.init_run(x0, gen)
    for _ in range(4):
        x, state = net.advance(x, gen, None, state)
    np.testing.assert_array_equal(x, whole.update(x0, np.random.default_rng(5)))
    # A bare update() begins a fresh quarter sweep each time (stateless).
    once = net.update(x0, np.random.default_rng(5))
    np.testing.assert_array_equal(once, net.update(x0, np.random.default_rng(5)))
    assert np.count_nonzero(once != x0) <= n // 4


def test_arrays_the_network_holds_are_copies_and_read_only():
    import pickle

    rng = np.random.default_rng(32)
    n = 12
    xi = spins(rng, (2, n))
    w = hebb(xi)
    theta = np.zeros(n)
    order = np.arange(n)
    net = HopfieldNetwork(w, theta, order=order, patterns=xi)
    for array in (net.weights, net.thresholds, net.order, net.patterns):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 10**7 if array.dtype.kind in "iu" and array.dtype.itemsize > 1 else 1
    # Changing the caller's arrays afterwards changes nothing in the network.
    theta[:] = 100.0
    order[:] = order[::-1]
    w[:] = 0.0
    assert not net.thresholds.any() and np.array_equal(net.order, np.arange(n))
    assert net.weights.any()
    copy = pickle.loads(pickle.dumps(net))
    with pytest.raises(ValueError, match="read-only"):
        copy.order[3] = 10**7
    # Rebuilding with dataclasses.replace shares the frozen weights (no copy of N x N).
    import dataclasses

    assert dataclasses.replace(net, temperature=0.0).weights is net.weights


def test_unsigned_and_complex_weights_and_patterns():
    j = np.array([[0, 3], [3, 0]], dtype=np.uint64)
    net = HopfieldNetwork(j, weight_scale=0.5)
    assert net.weights.dtype == np.int8 and net.weights[0, 1] == 3
    huge = np.array([[0, 2**64 - 1], [2**64 - 1, 0]], dtype=np.uint64)
    with pytest.raises(ParameterError, match="signed 64-bit"):
        HopfieldNetwork(huge)  # a plain astype(int64) made these -1
    with pytest.raises(ParameterError, match="real"):
        HopfieldNetwork(np.array([[0, 1j], [1j, 0]]))
    with pytest.raises(ParameterError, match="real"):
        HopfieldNetwork(np.zeros((2, 2)), np.array([0, 1j]))
    binary = HopfieldNetwork.from_patterns(np.array([[1, 0, 1, 0]], dtype=np.uint8),
                                           units="binary")
    np.testing.assert_array_equal(binary.patterns, [[1, -1, 1, -1]])  # not 255 - 1
    with pytest.raises(ParameterError, match="only"):
        HopfieldNetwork.from_patterns(np.array([[255, 1]], dtype=np.uint8))


def test_thresholds_near_an_integer_in_coupling_units_decide_ties_exactly():
    # J s = 3 at unit 0 with J = N W, N = 30: a threshold 0.1 = 3/30 in W units is a
    # tie (keep the state), though 0.1 * 30 = 3.0000000000000004 in floating point.
    n = 30
    j = np.zeros((n, n), dtype=np.int64)
    j[0, 1:4] = j[1:4, 0] = 1
    theta = np.zeros(n)
    theta[0] = 0.1
    net = HopfieldNetwork(j, theta, weight_scale=1 / n, order="fixed")
    s = -np.ones(n)
    s[1:4] = 1
    assert net.update(s, None)[0] == -1  # kept: the field J s - N theta is exactly 0
    s[0] = 1
    assert net.update(s, None)[0] == 1


# -- conveniences (issue 14 items 7 and 8) ------------------------------------------------


def test_glyph_patterns_label_the_pattern_coordinate_and_units_are_attached():
    from attractors.patterns import glyphs

    xi = glyphs("HOP")
    net = HopfieldNetwork.from_patterns(xi, rule="pseudo_inverse")
    assert list(net.coords["pattern"][1]) == ["H", "O", "P"]
    # Found from the patterns themselves, so a network rebuilt with other patterns
    # (dataclasses.replace) is not left with the letters.
    import dataclasses

    other = dataclasses.replace(net, patterns=spins(np.random.default_rng(1), (3, 100)))
    assert list(other.coords["pattern"][1]) == [0, 1, 2]
    assert list(HopfieldNetwork(net.weights, patterns=xi).coords["pattern"][1]) == ["H", "O", "P"]
    run = attractors.simulate(net, xi[1], n_steps=2, seed=0)
    assert list(run.pattern.values) == ["H", "O", "P"]
    assert float(run.overlap.sel(pattern="O").isel(time=-1)) == 1.0
    assert run.overlap.attrs["units"] == "1" and "overlap" in run.overlap.attrs["long_name"]
    result = net.recall(xi, seed=0)
    assert list(result.pattern.values) == ["H", "O", "P"]
    for name in ("overlap", "cue_overlap", "energy"):
        assert result[name].attrs["units"] == "1" and result[name].attrs["long_name"]
    custom = HopfieldNetwork.from_patterns(spins(np.random.default_rng(0), (2, 20)),
                                           pattern_labels=["cat", "dog"])
    assert list(custom.recall(custom.patterns).pattern.values) == ["cat", "dog"]
    with pytest.raises(ParameterError, match="pattern_labels"):
        HopfieldNetwork.from_patterns(spins(np.random.default_rng(0), (2, 20)),
                                      pattern_labels=["cat"])


def test_from_patterns_warns_when_hebb_storage_of_correlated_patterns_fails():
    import warnings

    from attractors.patterns import glyphs, random_patterns

    with pytest.warns(UserWarning, match="pseudo_inverse") as record:
        net = HopfieldNetwork.from_patterns(glyphs("ABCDE"))
    assert "largest overlap" in str(record[0].message)
    assert "5 of the 5 patterns checked are not fixed points" in str(record[0].message)
    # The warning is right: Hebb storage of A-E sends most letters to spurious states,
    # the pseudo-inverse rule retrieves every one of them.
    result = net.recall(glyphs("ABCDE"), seed=0)
    assert int((result.kind == "pattern").sum()) < 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        projection = HopfieldNetwork.from_patterns(glyphs("ABCDE"), rule="pseudo_inverse")
        assert bool((projection.recall(glyphs("ABCDE"), seed=0).kind == "pattern").all())
        # Random patterns, even at a high load, do not warn; nor do correlated patterns
        # that Hebb storage still holds as fixed points (H, O, P: overlaps up to 0.5).
        HopfieldNetwork.from_patterns(random_patterns(14, 100, seed=1))
        HopfieldNetwork.from_patterns(random_patterns(60, 100, seed=1))
        HopfieldNetwork.from_patterns(glyphs("HOP"))
        HopfieldNetwork.from_patterns([[1, 1, 1, 1, 1, 1, -1, -1, 1, 1, 1, 1],
                                       [1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, 1]])


# -- asymmetric weights (issue 12 item 6) -------------------------------------------------


def test_asymmetric_weights_need_the_option_and_have_no_energy():
    rng = np.random.default_rng(40)
    w = rng.normal(size=(6, 6))
    np.fill_diagonal(w, 0)  # zeroed by the network too (keep_diagonal=False)
    with pytest.raises(ParameterError, match="symmetric=False"):
        HopfieldNetwork(w)
    net = HopfieldNetwork(w, symmetric=False, dynamics="sync")
    with pytest.raises(NotImplementedError, match="asymmetric"):
        net.energy(np.ones(6))
    with pytest.raises(ParameterError, match="record_energy"):
        HopfieldNetwork(w, symmetric=False).recall(np.ones(6), record_energy=True)
    run = attractors.simulate(net, np.ones(6), n_steps=3, seed=0)
    assert "energy" not in run and "asymmetric" in run.attrs["energy"]
    # Fields use W, not W^T: h = W s, unit by unit.
    s = spins(rng, (4, 6)).astype(float)
    np.testing.assert_allclose(net.local_field(s), s @ w.T, rtol=1e-13)
    np.testing.assert_array_equal(net.update(s, None), np.where(s @ w.T > 0, 1, -1))
    ordered = HopfieldNetwork(w, symmetric=False, order="fixed")
    expected = np.array([reference_sweep(w, np.zeros(6), row, range(6), -1)[0] for row in s])
    np.testing.assert_array_equal(ordered.update(s, None), expected)


def test_antisymmetric_weights_end_in_cycles_whose_length_divides_four():
    # Bruck (1990): with W^T = -W (and no zero fields: Gaussian couplings) synchronous
    # orbits end in cycles of length 1, 2 or 4 -- in practice 4: s(t+2) = -s(t)
    # is the generic end.
    rng = np.random.default_rng(41)
    n = 24
    a = rng.normal(size=(n, n))
    net = HopfieldNetwork(a - a.T, symmetric=False, dynamics="sync")
    result = net.recall(spins(rng, (60, n)), max_sweeps=200)
    assert bool(result.converged.all())
    periods = result.period.values
    assert set(periods.tolist()) <= {1, 2, 4} and np.sum(periods == 4) > 50
    np.testing.assert_array_equal(net.period(result.state.values), periods)


def test_a_sequence_memory_replays_its_sequence():
    # W = (1/N) sum_mu xi^{mu+1} xi^mu^T (cyclic): from xi^0 each synchronous step
    # moves to the next pattern (Sompolinsky & Kanter 1986; Kleinfeld 1986, without
    # the delays they need for asynchronous updates).  P = 5 << N: the crosstalk,
    # of variance P/N = 0.025, flips no bit here (checked by the exact replay).
    rng = np.random.default_rng(42)
    n, p = 200, 5
    xi = spins(rng, (p, n))
    w = np.roll(xi, -1, axis=0).T @ xi / n
    net = HopfieldNetwork(w, symmetric=False, dynamics="sync", patterns=xi, keep_diagonal=True)
    run = attractors.simulate(net, xi[0], n_steps=12, seed=0)
    for t in range(13):
        np.testing.assert_array_equal(run.state.values[t], xi[t % p])
    result = net.recall(xi[2], max_sweeps=20)
    assert int(result.period) == p and int(result.sweeps) == 0
    assert int(net.period(xi[0])) == p
    # The doubled network reproduces asymmetric synchronous orbits too.
    doubled = attractors.simulate(doubled_network(net), np.concatenate([xi[0], xi[0]]),
                                  n_steps=4, seed=0).state.values
    for k in range(1, 5):
        np.testing.assert_array_equal(doubled[k], np.concatenate([xi[(2 * k - 1) % p],
                                                                  xi[(2 * k) % p]]))


def test_huge_recalls_and_storage_are_refused_before_allocating():
    net = HopfieldNetwork(np.zeros((4, 4)))
    with pytest.raises(ParameterError, match="max_sweeps=10,000,000,000,000 needs"):
        net.recall(np.ones(4), max_sweeps=10**13, seed=0)
    with pytest.raises(ParameterError, match="max_sweeps=.* for the energy trace"):
        HopfieldNetwork(np.zeros((4, 4)), order="fixed").recall(
            np.ones((1000, 4)), max_sweeps=10**10, record_energy=True)
    # N = 300,000: the weights (720 GB) are refused, the patterns (300 kB) were made.
    with pytest.raises(ParameterError, match="needs"):
        hebb(np.ones((1, 300_000), dtype=np.int8), dtype=np.float64)


def test_a_sweep_splits_into_parts_at_round_i_n_over_k():
    # Part i of a sweep in k parts begins at round(i N / k) (half to even), as the
    # earlier np.linspace(0, N, k + 1).round() did, so runs split the same way.
    from attractors.models._hopfield_dynamics import _part

    for n, parts in [(50, 4), (7, 3), (1000, 7), (13, 13), (10, 4), (6, 4), (999, 40)]:
        starts = [_part(n, parts, i) for i in range(parts + 1)]
        assert starts == np.linspace(0, n, parts + 1).round().astype(int).tolist()
        assert starts[0] == 0 and starts[-1] == n
    assert [_part(10, 4, i) for i in range(5)] == [0, 2, 5, 8, 10]  # 2.5 -> 2, 7.5 -> 8
