"""The energy simulate() records for a Hopfield network, read from the run's local fields.

Every recorded energy is checked against the formula written out in numpy,
:math:`E = -\\tfrac12 s^\\top W s + (\\theta - u)^\\top s` (Hopfield 1982), state by
state: exactly for integer couplings, to an argued round-off for float weights.
Also checked: the fast path really is taken (no matrix product per record), a
state that is not the run's gets no energy from it, and neither the energies
nor the carried quadratic form depend on the number of threads.
"""

from __future__ import annotations

import numpy as np
import pytest

import attractors
from attractors.learning import hebb
from attractors.models import HopfieldNetwork


def spins(rng, shape):
    return rng.choice([-1, 1], size=shape)


def formula(w, theta, states, u):
    """E of every state of a (T, B, N) record, written out: -1/2 s.W s + (theta - u).s."""
    s = states.astype(np.float64)
    quadratic = -0.5 * np.einsum("tbi,ij,tbj->tb", s, w, s)
    return quadratic + np.einsum("tbi,tbi->tb", np.broadcast_to(theta - u, s.shape), s)


N = 40
RNG = np.random.default_rng(11)
XI = spins(RNG, (5, N))
THETA = RNG.normal(0, 0.3, N)


def network(kind, **options):
    """(network, W as float64 for the formula)."""
    if kind == "exact":
        j = hebb(XI, exact=True)
        return HopfieldNetwork(j, weight_scale=1 / N, **options), j / N
    w = hebb(XI) + 0.05 * np.eye(N)  # a positive diagonal: the -1/2 C_ii ds^2 term counts
    if kind == "float32":
        w = w.astype(np.float32)
    return HopfieldNetwork(w, THETA, keep_diagonal=True, **options), w.astype(np.float64)


CASES = {
    "exact spins": ("exact", {}),
    "exact, 4 records per sweep": ("exact", {"steps_per_sweep": 4}),
    "float64 binary, thresholds": ("float", {"units": "binary"}),
    "float64 Glauber T=0.5": ("float", {"dynamics": "glauber", "temperature": 0.5}),
    "float32 fixed order": ("float32", {"order": "fixed"}),
    "float64 synchronous": ("float", {"dynamics": "sync"}),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("input_kind", ["none", "per trial", "in time"])
def test_recorded_energy_is_the_formula_at_every_record(case, input_kind):
    kind, options = CASES[case]
    net, w = network(kind, **options)
    rng = np.random.default_rng(4)
    b, t1 = 6, 5
    theta = np.zeros(N) if kind == "exact" else THETA
    if input_kind == "none":
        inputs, u = None, np.zeros(N)
    elif input_kind == "per trial":
        inputs = rng.normal(0, 0.2, (b, N))
        u = inputs
    else:
        def inputs(t):
            return 0.3 * np.sin(t) * np.ones(N)
    x0 = spins(rng, (b, N)) if net.units == "spin" else rng.integers(0, 2, (b, N))
    run = attractors.simulate(net, x0.astype(float), t_span=t1, inputs=inputs, seed=3)
    states = run.state.values
    if input_kind == "in time":
        u = np.stack([inputs(t) for t in run.time.values])[:, None, :]
    expected = formula(w, theta, states, u)
    assert run.energy.dims == ("time", "trial")
    assert len(run.time) == t1 * net.steps_per_sweep + 1
    if kind == "exact":
        # Integer couplings: the carried fields are exact integers, so the energy is
        # the formula's up to the last rounding of the sum (1/N is not a binary fraction).
        np.testing.assert_allclose(run.energy.values, expected, rtol=1e-14, atol=1e-13)
        np.testing.assert_array_equal(run.energy.values, net.energy(states, u))
    else:
        # Float weights: the run's fields start as a BLAS product (N roundings of
        # eps |W_ij| per field) and each unit that changes adds +-2 W_i to them (one
        # rounding each; at most N t1 changes per trial in t1 sweeps), so |dh_i| <=
        # (N + N t1) eps R with R the largest row sum of |W|, and E sums N terms
        # s_i h_i / 2: |dE| <= N (N + N t1) eps R / 2 (float32 weights: eps of float32,
        # where the products are taken).  Measured: ~1e-15 (float64), ~1e-7 (float32).
        eps = np.finfo(net.weights.dtype).eps
        bound = N * (N + N * t1) * eps * np.abs(w).sum(axis=1).max() / 2
        np.testing.assert_allclose(run.energy.values, expected, rtol=0, atol=bound)
    if net.dynamics == "async" and input_kind != "in time":
        # Deterministic asynchronous updates never raise the energy (Hopfield 1982).
        assert attractors.check_energy(run).attrs["n_violations"] == 0


def test_the_energy_comes_from_the_run_state_not_from_products(monkeypatch):
    # energy() (a matrix product per state) is never asked: the energy at the start,
    # read from the run's fields, says that the model has one, and every record's
    # energy comes from the fields.
    net, w = network("exact")
    calls = []
    original = HopfieldNetwork.energy

    def counting(self, x, inputs=None):
        calls.append(np.shape(x))
        return original(self, x, inputs)

    monkeypatch.setattr(HopfieldNetwork, "energy", counting)
    run = attractors.simulate(net, n_trials=20, t_span=6, seed=1)
    assert calls == []
    np.testing.assert_array_equal(run.energy.values, original(net, run.state.values))
    # Synchronous dynamics carry no fields: energy() is asked on one trial whether
    # there is an energy, and the records' energies are evaluated after the run.
    calls.clear()
    sync, _ = network("exact", dynamics="sync")
    run = attractors.simulate(sync, n_trials=20, t_span=6, seed=1)
    assert calls[0] == (1, N) and calls[1] == run.state.shape
    np.testing.assert_allclose(run.energy.values, formula(w, 0, run.state.values, 0),
                               rtol=1e-14, atol=1e-13)


def test_energy_of_run_answers_only_for_the_runs_own_state():
    net, _ = network("float")
    rng = np.random.default_rng(2)
    x = spins(rng, (3, N)).astype(float)
    run_state = net.init_run(x, rng)
    np.testing.assert_allclose(net.energy_of_run(x, None, run_state), net.energy(x), rtol=1e-13)
    np.testing.assert_allclose(net.energy_of_run(x[0], None, net.init_run(x[0], rng)),
                               net.energy(x[0]), rtol=1e-13)
    other = x.copy()
    other[1, 0] *= -1
    assert net.energy_of_run(other, None, run_state) is None  # not the run's state
    assert net.energy_of_run(x[:2], None, run_state) is None  # nor its batch
    assert net.energy_of_run(x, None, None) is None  # no run state
    # After a step the run state holds the new state's fields, and leaves them as they are.
    y, after = net.advance(x, rng, None, run_state)
    fields = after.h.copy()
    np.testing.assert_allclose(net.energy_of_run(y, None, after), net.energy(y), rtol=1e-13)
    np.testing.assert_array_equal(after.h, fields)
    asymmetric = HopfieldNetwork(np.triu(np.ones((N, N)), 1), symmetric=False)
    with pytest.raises(NotImplementedError, match="asymmetric"):
        asymmetric.energy_of_run(x, None, asymmetric.init_run(x, rng))


def test_energies_and_carried_quadratic_do_not_depend_on_the_number_of_threads():
    # 300 trials x 400 units: simulate() updates trials on threads (run_chunk_parallel),
    # and energy() of the record carries its quadratic part over trials on threads
    # (carry_quadratic, prange).  Neither draws random numbers inside a thread-shared
    # stream, so one thread gives the same bits.
    import numba

    rng = np.random.default_rng(8)
    n = 400
    net = HopfieldNetwork.from_patterns(spins(rng, (20, n)))
    x0 = spins(rng, (300, n)).astype(float)
    threads = numba.get_num_threads()
    parallel = attractors.simulate(net, x0, t_span=3, seed=5)
    carried = net.energy(parallel.state.values)
    numba.set_num_threads(1)
    try:
        serial = attractors.simulate(net, x0, t_span=3, seed=5)
        carried_serial = net.energy(parallel.state.values)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(parallel.state.values, serial.state.values)
    np.testing.assert_array_equal(parallel.energy.values, serial.energy.values)
    np.testing.assert_array_equal(carried, carried_serial)
    # Each trial's carried energy is its own: the trial carried alone gives it, to the
    # rounding of the first field (a BLAS product, whose rounding depends on the batch
    # size: a few eps |E|); a mix-up between trials would be off by O(|E|).
    for b in (0, 157, 299):
        np.testing.assert_allclose(carried[:, b], net.energy(parallel.state.values[:, b]),
                                   rtol=1e-13)
    # ... and the recorded energy (from the run's fields) is the carried one to round-off.
    np.testing.assert_allclose(parallel.energy.values, carried, rtol=1e-12)
