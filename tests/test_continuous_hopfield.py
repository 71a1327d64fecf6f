"""ContinuousHopfield (Hopfield 1984): energy in closed form, its descent, the high-gain limit.

The analytic Jacobian against finite differences, the solvers and the rebuild
from a trajectory run for these networks in tests/test_conformance.py.
"""

import numpy as np
import pytest
from scipy.integrate import quad

import attractors
from attractors import solvers
from attractors._validate import ParameterError
from attractors.models._continuous_hopfield import ContinuousHopfield
from attractors.models._hopfield import HopfieldNetwork
from attractors.patterns import flip, random_patterns

N, P = 60, 3
PATTERNS = random_patterns(P, N, seed=0)
RESISTANCE = np.linspace(0.8, 1.2, N)
CAPACITANCE = np.linspace(1.5, 0.5, N)
NETWORKS = {
    "tanh": ContinuousHopfield.from_patterns(PATTERNS, gain=4.0, resistance=RESISTANCE,
                                             capacitance=CAPACITANCE),
    "logistic": ContinuousHopfield.from_patterns(PATTERNS, gain=4.0, output="logistic",
                                                 resistance=RESISTANCE),
    "storkey-bias": ContinuousHopfield.from_patterns(PATTERNS, "storkey", gain=2.0, bias=0.05),
    # Below the critical gain 1 / lambda_max(W) ~ 1.05 the outputs decay to 0 and
    # -V.W.V/2 alone rises: only the integral term makes E fall (a check with power).
    "tanh-subcritical": ContinuousHopfield.from_patterns(PATTERNS, gain=0.8),
}


@pytest.mark.parametrize("net", NETWORKS.values(), ids=NETWORKS.keys())
def test_energy_is_hopfields_formula(net):
    u = np.random.default_rng(2).standard_normal((3, N)) * 0.5
    v = net.observables(u)["output"][1]
    g_inverse = (lambda x: np.arctanh(x) / net.gain) if net.output == "tanh" else \
        (lambda x: np.log(x / (1 - x)) / net.gain)
    # E = -1/2 V.W.V + sum_i (1/R_i) int_0^{V_i} g^{-1} - I.V, the integral by quadrature
    # (log singularity at the end: quad's error ~1e-12 per unit, N = 60 units).
    integrals = np.array([[quad(g_inverse, 0, value, epsabs=1e-13, epsrel=1e-13)[0] for value in row]
                          for row in v])
    expected = (-0.5 * np.einsum("ti,ij,tj->t", v, net.weights, v)
                + np.sum(integrals / net.resistance, axis=-1) - v @ np.broadcast_to(net.bias, N))
    np.testing.assert_allclose(net.energy(u), expected, rtol=1e-11, atol=1e-10)
    np.testing.assert_allclose(net.energy_of_output(v), expected, rtol=1e-11, atol=1e-10)


@pytest.mark.parametrize("net", NETWORKS.values(), ids=NETWORKS.keys())
def test_energy_descent_rate(net):
    # dE/dt = -sum_i C_i g'(u_i) (du_i/dt)^2 (Hopfield 1984), by a central difference along F.
    u = np.random.default_rng(3).standard_normal((3, N)) * 0.3
    F = net.vector_field(0, u)
    h = 1e-6
    numeric = (net.energy(u + h * F) - net.energy(u - h * F)) / (2 * h)
    g_prime = net.output_function.derivative(u)
    exact = -np.sum(net.capacitance * g_prime * F**2, axis=-1)
    np.testing.assert_allclose(numeric, exact, rtol=1e-6)


SOLVERS = {
    "euler": "euler", "heun": "heun", "rk4": "rk4", "exponential_euler": "exponential_euler",
    "RK45": solvers.Adaptive("RK45", rtol=1e-10, atol=1e-12),
}


@pytest.mark.parametrize("solver", SOLVERS.values(), ids=SOLVERS.keys())
@pytest.mark.parametrize("name", NETWORKS)
def test_energy_never_increases_with_every_solver(name, solver):
    # Stable step: the fastest rate is |1/(RC) - W g'/C| <= (1 + ||W|| gain) / min C
    # ~ (1 + 1.1 * 4) / 0.5 ~ 11 per unit time, and dt = 0.005 keeps dt * 11 << 1, so
    # the O(dt^2) terms of each solver stay below the first-order decrease.
    net = NETWORKS[name]
    cues = flip(np.repeat(PATTERNS, 2, axis=0), 0.2, seed=4) * 0.2
    run = attractors.simulate(net, cues, t_span=3.0, dt=0.005, solver=solver)
    attractors.check_energy(run, strict=True)
    assert np.all(run.energy.isel(time=-1) < run.energy.isel(time=0))


@pytest.mark.parametrize("output", ["tanh", "logistic"])
def test_high_gain_network_keeps_the_discrete_networks_memories(output):
    # At gain 100 the outputs saturate (1 - |V| ~ 2 exp(-2 gain |u|)), so the
    # final sign(V) must be a fixed point of the discrete network, equal to what
    # the discrete network recalls from the same cue: here, at load 3/60 and
    # 10% flipped cues, the stored pattern itself.
    gain = 100.0
    net = ContinuousHopfield.from_patterns(PATTERNS, gain=gain, output=output)
    spin_weights = attractors.learning.hebb(PATTERNS)
    cues = flip(np.repeat(PATTERNS, 3, axis=0), 0.1, seed=5)
    x0 = cues * 0.01 if output == "tanh" else cues * 0.005  # logistic: field 2x larger
    run = attractors.simulate(net, x0, t_span=5.0, dt=0.001, solver="exponential_euler",
                              record_every=500)
    attractors.check_energy(run, strict=True)
    v = run.output.isel(time=-1).values
    spins = v if output == "tanh" else 2 * v - 1
    final = np.sign(spins)
    assert np.all(np.abs(spins) > 1 - 1e-6)
    # The discrete network itself (asynchronous sweeps), from the same cues.
    discrete_net = HopfieldNetwork.from_patterns(PATTERNS)
    recall = attractors.simulate(discrete_net, cues, n_steps=20, seed=0, stop_at_fixed_point=True)
    assert bool(recall.converged.all())
    np.testing.assert_array_equal(final, recall.state.isel(time=-1).values)
    # ... and, by definition, a fixed point of s -> sign(W s).
    np.testing.assert_array_equal(np.sign(final @ spin_weights), final)
    np.testing.assert_array_equal(final, np.repeat(PATTERNS, 3, axis=0))
    np.testing.assert_allclose(run.overlap.isel(time=-1).values.max(axis=-1), 1.0, atol=1e-6)
    if output == "tanh":
        # The energy tends to the discrete one, -1/2 s.W.s: the integral term is at
        # most ln(2) / gain per unit (its value at V = +-1).
        discrete = -0.5 * np.einsum("ti,ij,tj->t", final, spin_weights, final)
        gap = run.energy.isel(time=-1).values - discrete
        assert np.all(np.abs(gap) <= N * np.log(2) / gain + 1e-6)


def test_energy_refused_for_asymmetric_weights():
    weights = np.random.default_rng(6).standard_normal((5, 5))
    net = ContinuousHopfield(weights, gain=2.0)
    with pytest.raises(NotImplementedError, match="only for symmetric weights"):
        net.energy(np.zeros(5))
    with pytest.raises(NotImplementedError, match="only for symmetric weights"):
        net.energy_of_output(np.zeros(5))
    run = attractors.simulate(net, n_trials=2, seed=0, n_steps=5, dt=0.01)
    assert "energy" not in run


@pytest.mark.parametrize("call, match", [
    (lambda: ContinuousHopfield(np.eye(3), gain=0.0), "gain must be"),
    (lambda: ContinuousHopfield(np.eye(3), output="relu"), "output must be one of"),
    (lambda: ContinuousHopfield(np.eye(3), capacitance=[1.0, -1.0, 1.0]), "capacitance must be > 0"),
    (lambda: ContinuousHopfield(np.eye(3), resistance=np.ones(4)), r"resistance must be .* \(3,\)"),
    (lambda: ContinuousHopfield(np.eye(3), patterns=np.ones((2, 4))), r"patterns must be a \(P, 3\)"),
    (lambda: ContinuousHopfield(np.eye(3), patterns=np.zeros((1, 3))), "patterns must be"),
    (lambda: ContinuousHopfield.from_patterns(PATTERNS, output="logistic", bias=0.1), "bias is set"),
    (lambda: ContinuousHopfield.from_patterns([[1, 0, 1]]), "only \\+1 and -1"),
    (lambda: NETWORKS["tanh"].energy_of_output(np.full(N, 1.5)), r"must lie in \[-1, 1\]"),
])
def test_bad_input(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_gallery_graded_hopfield_renders(tmp_path):
    from attractors.cli import main

    assert main(["gallery", "--quick", "--no-progress", "--out", str(tmp_path),
                 "--only", "graded_hopfield"]) == 0
    assert list(tmp_path.glob("graded_hopfield_*.png"))


def test_parameters_round_trip_through_the_trajectory():
    net = NETWORKS["logistic"]
    run = attractors.simulate(net, n_trials=2, seed=0, n_steps=3, dt=0.01)
    rebuilt = ContinuousHopfield(**attractors.parameters(run))
    for name in ("weights", "bias", "resistance", "patterns"):
        np.testing.assert_array_equal(getattr(rebuilt, name), getattr(net, name))
    assert (rebuilt.gain, rebuilt.output) == (net.gain, net.output)
    assert run.overlap.dims == ("time", "trial", "pattern")


def test_logistic_network_is_the_tanh_network_at_half_gain():
    # With V = (1 + S)/2 and 1/(1 + e^{-x}) = (1 + tanh(x/2))/2, from_patterns'
    # logistic weights 2W and bias -W1 give C du/dt = -u/R + W tanh(lambda u / 2):
    # the same u-dynamics as the tanh network at gain lambda/2 (to round-off).
    logistic = ContinuousHopfield.from_patterns(PATTERNS, gain=6.0, output="logistic")
    tanh = ContinuousHopfield.from_patterns(PATTERNS, gain=3.0)
    x0 = flip(PATTERNS, 0.2, seed=7) * 0.1
    a = attractors.simulate(logistic, x0, t_span=2.0, dt=0.01, solver="rk4")
    b = attractors.simulate(tanh, x0, t_span=2.0, dt=0.01, solver="rk4")
    np.testing.assert_allclose(a.state.values, b.state.values, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.overlap.values, b.overlap.values, atol=1e-12)


def test_the_network_owns_read_only_copies_of_its_arrays():
    patterns = random_patterns(2, 8, seed=1).astype(np.float64)
    resistance = np.linspace(0.5, 1.5, 8)
    net = ContinuousHopfield.from_patterns(patterns, gain=2.0, resistance=resistance)
    kept = (net.patterns.copy(), net.resistance.copy())
    patterns[0, 0], resistance[0] = -patterns[0, 0], 99.0
    np.testing.assert_array_equal(net.patterns, kept[0])
    np.testing.assert_array_equal(net.resistance, kept[1])
    for array in (net.weights, net.patterns, net.resistance):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0


def test_complex_parameters_are_refused():
    # numpy would drop the imaginary part with only a ComplexWarning.
    with pytest.raises(ParameterError, match="patterns must be real"):
        ContinuousHopfield(np.eye(3), patterns=np.ones((1, 3)) * (1 + 0.5j))
    with pytest.raises(ParameterError, match="patterns must be real"):
        ContinuousHopfield.from_patterns(np.ones((1, 3)) * (1 + 0.5j))
    with pytest.raises(ParameterError, match="capacitance must be real"):
        ContinuousHopfield(np.eye(2), capacitance=[1 + 1j, 1.0])
    with pytest.raises(ParameterError, match="weights must be real"):
        ContinuousHopfield(np.eye(2) * 1j)
