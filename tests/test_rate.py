"""RateNetwork: Lyapunov function, closed-form relaxation, owned arrays and bad input.

The analytic Jacobian against finite differences, the solvers and the rebuild
from a trajectory run for every network here in tests/test_conformance.py.
"""

import numpy as np
import pytest

import attractors
from attractors import solvers
from attractors._validate import ParameterError
from attractors.models._rate import RateNetwork
from attractors.transfer import CustomTransfer, PowerLaw, ThresholdLinear, ZhangSigmoid


def symmetric_weights(n, gain, seed):
    """GOE weights, entries N(0, gain^2 / n): spectrum on [-2 gain, 2 gain] for large n."""
    a = np.random.default_rng(seed).standard_normal((n, n)) * gain / np.sqrt(n)
    return (a + a.T) / np.sqrt(2)


N = 12
TAU = np.linspace(0.5, 2.0, N)  # per-unit time constants
NETWORKS = {
    "tanh": RateNetwork(symmetric_weights(N, 2.0, 0), "tanh", tau=TAU, bias=0.1),
    # Spectral radius ~0.6 < 1: every trial decays towards one fixed point and
    # -r.W.r/2 - b.r alone would rise; only the integral term makes E fall.
    "tanh-weak": RateNetwork(symmetric_weights(N, 0.3, 7), "tanh", tau=TAU, bias=0.1),
    "logistic": RateNetwork(symmetric_weights(N, 4.0, 1), {"name": "logistic", "gain": 2.0}, tau=TAU),
    # gain 0.4: spectral radius ~0.8 < 1, so the unbounded threshold-linear net stays bounded.
    "threshold-linear": RateNetwork(symmetric_weights(N, 0.4, 2), ThresholdLinear(1.0, -0.2),
                                    tau=TAU, bias=0.3),
    "zhang": RateNetwork(symmetric_weights(N, 0.01, 3), ZhangSigmoid(), tau=TAU, bias=-0.4),
    # Supralinear (n = 2) units with weak coupling: bounded for these initial states.
    "power-law": RateNetwork(symmetric_weights(N, 0.1, 8), PowerLaw(1.0, 2.0, -0.1), tau=TAU,
                             bias=0.2),
}
ASYMMETRIC = RateNetwork(np.random.default_rng(4).standard_normal((N, N)) * 1.5 / np.sqrt(N))


@pytest.mark.parametrize("net", NETWORKS.values(), ids=NETWORKS.keys())
def test_energy_descent_rate_is_the_lyapunov_identity(net):
    # dE/dt = grad E . F = -sum_i tau_i phi'(u_i) F_i^2 (the derivation in the
    # docstring), checked by a central difference of E along F with per-unit tau.
    u = np.random.default_rng(6).standard_normal((4, N)) * 0.3
    F = net.vector_field(0, u)
    h = 1e-6
    numeric = (net.energy(u + h * F) - net.energy(u - h * F)) / (2 * h)
    exact = -np.sum(net.tau * net.transfer.derivative(u) * F**2, axis=-1)
    np.testing.assert_allclose(numeric, exact, rtol=1e-6, atol=1e-8 * np.max(np.abs(exact)))


SOLVERS = {
    "euler": "euler", "heun": "heun", "rk4": "rk4", "exponential_euler": "exponential_euler",
    "RK45": solvers.Adaptive("RK45", rtol=1e-10, atol=1e-12),
}


@pytest.mark.parametrize("solver", SOLVERS.values(), ids=SOLVERS.keys())
@pytest.mark.parametrize("name", NETWORKS)
def test_energy_never_increases_with_every_solver(name, solver):
    # dt = 0.01 is far below the stability limit 2 min(tau) / |1 - lambda(W Phi')|
    # of these networks (tau >= 0.5, |W phi'| <= 4): Euler's second-order term
    # dt^2 F.H.F/2 stays below the first-order decrease dt tau phi' F^2.
    net = NETWORKS[name]
    dt = 0.01 if name != "zhang" else 0.002  # Zhang's slope reaches 36 at threshold
    run = attractors.simulate(net, n_trials=4, seed=1, t_span=4.0, dt=dt, solver=solver)
    assert run.attrs["energy"] == "recorded"
    attractors.check_energy(run, strict=True)
    assert np.all(run.energy.isel(time=-1) < run.energy.isel(time=0))  # and it did descend


def test_energy_refused_with_the_failing_condition():
    with pytest.raises(NotImplementedError, match="not symmetric"):
        ASYMMETRIC.energy(np.zeros(N))
    sine = RateNetwork(symmetric_weights(N, 1.0, 0), CustomTransfer(np.sin, np.cos))
    with pytest.raises(NotImplementedError, match="not monotone increasing"):
        sine.energy(np.zeros(N))
    both = RateNetwork(ASYMMETRIC.weights, CustomTransfer(np.sin, np.cos))
    with pytest.raises(NotImplementedError, match="not symmetric .* and .* not monotone"):
        both.energy(np.zeros(N))
    no_integral = RateNetwork(symmetric_weights(N, 1.0, 0), CustomTransfer(np.tanh, monotone=True))
    with pytest.raises(NotImplementedError, match="gives no integral"):
        no_integral.energy(np.zeros(N))
    run = attractors.simulate(ASYMMETRIC, np.zeros(N), n_steps=3, dt=0.01)
    assert "energy" not in run and "not symmetric" in run.attrs["energy"]
    # A user's monotone function with an integral gets the energy.
    custom = RateNetwork(symmetric_weights(N, 1.0, 0),
                         CustomTransfer(np.arctan, lambda u: 1 / (1 + u**2),
                                        lambda u: u * np.arctan(u) - 0.5 * np.log1p(u**2),
                                        monotone=True))
    attractors.check_energy(attractors.simulate(custom, n_trials=2, seed=0, t_span=3.0, dt=0.01),
                            strict=True)


def test_uncoupled_units_relax_with_their_own_time_constant():
    # W = 0: tau_i du_i/dt = -u_i + b_i has u_i(t) = b_i + (u_i(0) - b_i) exp(-t / tau_i).
    bias = np.linspace(-1, 1, N)
    net = RateNetwork(np.zeros((N, N)), tau=TAU, bias=bias)
    u0 = np.ones(N)
    run = attractors.simulate(net, u0, t_span=2.0, dt=0.01, solver="rk4")
    exact = bias + (u0 - bias) * np.exp(-run.time.values[:, None] / TAU)
    # RK4 global error ~ (dt / tau)^4 / 120 * t / tau ~ 1e-9 for tau >= 0.5.
    np.testing.assert_allclose(run.state.values, exact, atol=1e-9)
    # Exponential Euler integrates this linear leak exactly (to round-off).
    run = attractors.simulate(net, u0, t_span=2.0, dt=0.1, solver="exponential_euler")
    exact = bias + (u0 - bias) * np.exp(-run.time.values[:, None] / TAU)
    np.testing.assert_allclose(run.state.values, exact, atol=1e-13)


def test_rate_observable_and_inputs():
    net = NETWORKS["threshold-linear"]
    current = np.linspace(0, 1, N)
    run = attractors.simulate(net, np.zeros(N), t_span=1.0, dt=0.01, inputs=current, solver="rk4")
    np.testing.assert_array_equal(run.rate.values, net.transfer(run.state.values))
    quiet = RateNetwork(net.weights, net.transfer, tau=net.tau, bias=net.bias, record_rate=False)
    plain = attractors.simulate(quiet, np.zeros(N), t_span=1.0, dt=0.01, inputs=current, solver="rk4")
    assert "rate" not in plain
    np.testing.assert_array_equal(plain.state.values, run.state.values)
    # A constant input is the same as extra bias (same arithmetic up to one addition).
    shifted = RateNetwork(net.weights, net.transfer, tau=net.tau, bias=net.bias + current)
    again = attractors.simulate(shifted, np.zeros(N), t_span=1.0, dt=0.01, solver="rk4")
    np.testing.assert_allclose(run.state.values, again.state.values, rtol=1e-13, atol=1e-14)


def test_parameters_round_trip_through_the_trajectory():
    net = NETWORKS["zhang"]
    run = attractors.simulate(net, n_trials=2, seed=0, n_steps=3, dt=0.01)
    rebuilt = RateNetwork(**attractors.parameters(run))
    assert rebuilt.transfer == net.transfer
    np.testing.assert_array_equal(rebuilt.weights, net.weights)
    np.testing.assert_array_equal(rebuilt.tau, net.tau)


@pytest.mark.parametrize("kwargs, match", [
    ({"weights": np.ones((2, 3))}, "square"),
    ({"weights": [[0.0, np.nan], [1.0, 0.0]]}, "finite"),
    ({"weights": np.eye(2), "tau": -1.0}, "tau must be > 0"),
    ({"weights": np.eye(2), "tau": [1.0, 0.0]}, "tau must be > 0 for every unit"),
    ({"weights": np.eye(2), "tau": [1.0, 2.0, 3.0]}, r"shape \(2,\)"),
    ({"weights": np.eye(2), "bias": np.zeros(3)}, r"bias must be a number or have shape \(2,\)"),
    ({"weights": np.eye(2), "transfer": "sigmoid"}, "transfer must be one of"),
    ({"weights": np.eye(2), "record_rate": "yes"}, "record_rate must be True or False"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        RateNetwork(**kwargs)


def test_gallery_phase_portrait_renders(tmp_path):
    # The gallery script at its quick size: it finds the nine fixed points and
    # raises if any trajectory's energy rose.
    from attractors.cli import main

    assert main(["gallery", "--quick", "--no-progress", "--out", str(tmp_path),
                 "--only", "rate_phase_portrait"]) == 0
    assert list(tmp_path.glob("rate_phase_portrait_*.png"))


def test_random_networks_have_the_predicted_spectra():
    # Circular law: eigenvalues of W ~ N(0, g^2/N) fill the disc of radius g; the
    # largest modulus exceeds g by O(N^-1/2) (~5% at N = 400), so 10% is allowed.
    # Symmetric: semicircle on [-2g, 2g], edge fluctuations O(N^-2/3) (~2%).
    g = 1.5
    net = RateNetwork.random(400, g, seed=3)
    assert abs(np.max(np.abs(np.linalg.eigvals(net.weights))) / g - 1) < 0.1
    sym = RateNetwork.random(400, g, symmetric=True, seed=3, transfer="logistic", tau=2.0)
    assert abs(np.max(np.linalg.eigvalsh(sym.weights)) / (2 * g) - 1) < 0.05
    assert sym.transfer.name == "logistic" and sym.tau == 2.0
    sym.energy(np.zeros(400))  # symmetric: the energy exists
    np.testing.assert_array_equal(RateNetwork.random(50, seed=1).weights,
                                  RateNetwork.random(50, rng=np.random.default_rng(1)).weights)
    with pytest.raises(ParameterError, match="n_units must be an integer >= 1"):
        RateNetwork.random(0)
    with pytest.raises(ParameterError, match="not both"):
        RateNetwork.random(5, rng=np.random.default_rng(0), seed=0)


def test_random_network_is_quiet_below_gain_one_and_chaotic_above():
    # Sompolinsky, Crisanti & Sommers (1988): for g < 1 the origin attracts every
    # state (the slowest mode decays at rate 1 - g (1 + O(N^-1/2)) >= 0.1, so by
    # t = 100 the O(1) initial state is below e^-10); for g > 1 the activity
    # keeps fluctuating with O(1) variance (chaos).
    quiet = RateNetwork.random(300, 0.8, seed=0, record_rate=False)
    run = attractors.simulate(quiet, n_trials=2, seed=1, t_span=100.0, dt=0.1, solver="rk4",
                              record_every=10)
    assert np.sqrt(np.mean(run.state.isel(time=-1).values ** 2)) < 1e-4
    chaotic = RateNetwork.random(300, 2.0, seed=0, record_rate=False)
    run = attractors.simulate(chaotic, n_trials=2, seed=1, t_span=100.0, dt=0.1, solver="rk4",
                              record_every=10)
    late = run.state.isel(time=slice(-50, None)).values  # t in (50, 100]
    assert np.sqrt(np.mean(late**2)) > 0.5
    assert np.mean(late.std(axis=0)) > 0.5  # every unit keeps moving: no fixed point


def test_the_network_owns_read_only_copies_of_its_arrays():
    weights, tau, bias = symmetric_weights(4, 1.0, 0), np.linspace(1.0, 4.0, 4), np.zeros(4)
    net = RateNetwork(weights, tau=tau, bias=bias)
    expected = weights.copy()
    # Writing into the caller's arrays afterwards does not reach the model...
    weights[0, 0], tau[0], bias[0] = 99.0, 99.0, 99.0
    np.testing.assert_array_equal(net.weights, expected)
    assert net.tau[0] == 1.0 and net.bias[0] == 0.0
    # ...and the model's own arrays cannot be written.
    for array in (net.weights, net.tau, net.bias):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0


def test_complex_and_unsigned_parameters_are_refused_or_converted_exactly():
    with pytest.raises(ParameterError, match="weights must be real, got a complex array"):
        RateNetwork(np.eye(2) * (1 + 1j))
    for name in ("tau", "bias"):
        with pytest.raises(ParameterError, match=f"{name} must be real"):
            RateNetwork(np.eye(2), **{name: [1 + 1j, 1.0]})
    # Small unsigned weights convert exactly; uint64 2**64 - 1 does not fit a float64
    # exactly (it would round to 2**64) and is refused rather than rounded.
    net = RateNetwork(np.array([[0, 255], [255, 0]], dtype=np.uint8))
    np.testing.assert_array_equal(net.weights, [[0.0, 255.0], [255.0, 0.0]])
    with pytest.raises(ParameterError, match="beyond 2\\*\\*53"):
        RateNetwork(np.array([[0, 2**64 - 1], [1, 0]], dtype=np.uint64))


def test_random_without_self_coupling_is_the_same_draw_off_the_diagonal():
    # SCS (1988) set J_ii = 0; the option must change nothing else of the seeded draw.
    with_diagonal = RateNetwork.random(50, gain=2.0, seed=4).weights
    without = RateNetwork.random(50, gain=2.0, seed=4, self_coupling=False).weights
    assert np.all(np.diag(without) == 0.0) and np.any(np.diag(with_diagonal) != 0.0)
    off = ~np.eye(50, dtype=bool)
    np.testing.assert_array_equal(without[off], with_diagonal[off])
