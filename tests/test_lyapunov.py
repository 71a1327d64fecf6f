"""Lyapunov spectra (attractors.analysis.lyapunov_spectrum) against published values and closed forms."""

import numpy as np
import pytest

import attractors
from attractors import ParameterError
from attractors.analysis import (
    kaplan_yorke_dimension,
    largest_lyapunov_exponent,
    lyapunov_spectrum,
)
from attractors.models import RateNetwork


class Lorenz(attractors.ContinuousSystem):
    """The Lorenz (1963) system as a user writes it: no Jacobian, so finite differences."""

    n_units = 3

    def vector_field(self, t, x, inputs=None):
        a, b, c = x[..., 0], x[..., 1], x[..., 2]
        return np.stack([10.0 * (b - a), a * (28.0 - c) - b, a * b - 8.0 / 3.0 * c], axis=-1)


class Henon(attractors.DiscreteSystem):
    """The Henon (1976) map, a = 1.4, b = 0.3."""

    n_units = 2

    def update(self, x, rng=None, inputs=None):
        return np.stack([1.0 - 1.4 * x[..., 0] ** 2 + x[..., 1], 0.3 * x[..., 0]], axis=-1)

    def initial_state(self, rng, n_trials=None):
        return 0.1 * rng.standard_normal(self._batch_shape(n_trials))


class Linear(attractors.ContinuousSystem):
    """dx/dt = A x with a non-normal A = S D S^-1 (eigenvalues -0.5, -1 +- 2i, -3)."""

    n_units = 4

    def __init__(self):
        blocks = np.zeros((4, 4))
        blocks[0, 0], blocks[3, 3] = -0.5, -3.0
        blocks[1:3, 1:3] = [[-1.0, 2.0], [-2.0, -1.0]]
        self.basis = np.eye(4) + np.triu(np.ones((4, 4)), 1)  # condition number ~ 10
        self.matrix = self.basis @ blocks @ np.linalg.inv(self.basis)

    def vector_field(self, t, x, inputs=None):
        return x @ self.matrix.T


@pytest.fixture(scope="module")
def lorenz():
    # 200 trials x 60 time units (12,000 in all), vectorised.  The finite-time
    # exponent of one 60-unit trial scatters with s.d. ~0.036 (measured: 0.0026 *
    # sqrt(200) for the mean), so the mean's s.d. is ~0.0026 and 1% of 0.9056 is 3.5
    # s.d.; the transient (5 units, tangent vectors included) removes the O(1)/T
    # bias of the initial tangent directions.
    x0 = np.random.default_rng(1).normal(size=(200, 3)) * 5.0 + [0.0, 0.0, 25.0]
    return lyapunov_spectrum(Lorenz(), x0, t_span=60.0, dt=0.02, transient=5.0, seed=0)


def test_lorenz_spectrum_matches_accepted_values(lorenz):
    # Accepted values (Sprott 2003, Table A.1 and ChaosTools): 0.9056, 0, -14.5723.
    mean = lorenz.exponent.mean("trial").values
    assert mean[0] == pytest.approx(0.9056, rel=0.01)
    assert abs(mean[1]) < 0.01
    assert mean[2] == pytest.approx(-14.5723, rel=0.02)
    assert lorenz.exponent.dims == ("trial", "exponent_index")
    assert lorenz.exponent.attrs["units"] == "1/time unit"
    # Kaplan-Yorke: 2 + 0.9056 / 14.5723 = 2.062 for the accepted spectrum.
    assert float(kaplan_yorke_dimension(mean)) == pytest.approx(2.062, abs=0.005)


def test_lorenz_exponents_sum_to_the_trace(lorenz):
    # The sum of log|R_ii| is log|det| of the tangent map of the numerical flow.
    # The Lorenz trace is constant, -(sigma + 1 + beta), and RK4's step differs
    # from exp(h J) by its truncation, log R(h mu) - h mu ~ -(h mu)^5 / 120 for each
    # Jacobian eigenvalue mu; with |mu| <= 25 on the attractor that is at most
    # 3 * h^4 * 25^5 / 120 = 0.039 per time unit at h = 0.02 (measured: 0.0019).
    # Round-off is far below; a bookkeeping error (a missing or doubled QR step)
    # would be of the order of the trace itself, 13.67.
    bound = 3 * 0.02**4 * 25.0**5 / 120
    total = lorenz.exponent.sum("exponent_index").values
    assert np.all(np.abs(total + (10.0 + 1.0 + 8.0 / 3.0)) < bound)


def test_henon_largest_exponent_and_sum():
    henon = Henon()
    x0 = henon.initial_state(np.random.default_rng(2), 100)
    result = lyapunov_spectrum(henon, x0, n_steps=2000, transient=100, seed=0)
    # 100 trials x 2000 steps: the mean's scatter (s.d. over trials / 10) is
    # measured below 0.001, a quarter of the 1% band around 0.41922 (Sprott 2003).
    assert result.exponent.std("trial").values[0] / 10 < 0.001
    assert float(result.exponent.mean("trial")[0]) == pytest.approx(0.41922, rel=0.01)
    # det J = -b everywhere and central differences are exact for a quadratic map,
    # so the sum is ln b up to round-off: each JVP carries ~eps |f| / s = 1e-16 *
    # 2 / 6e-6 ~ 3e-11 relative error, averaged over 2000 steps.
    total = result.exponent.sum("exponent_index").values
    assert np.max(np.abs(total - np.log(0.3))) < 1e-9


def test_linear_system_exponents_are_real_parts_of_eigenvalues():
    system = Linear()
    result = lyapunov_spectrum(system, [1.0, 0.5, -0.3, 0.2], t_span=100.0, dt=0.02, seed=3)
    # For x' = A x the tangent map is exp(A T) itself: the estimate differs from
    # the real parts by log(norm ratios) / T <= log(cond S) / T, below log(20) / 100
    # = 0.03 at T = 100 (RK4's own error, h^4 |mu|^5 / 120 ~ 3e-7, is far smaller).
    expected = [-0.5, -1.0, -1.0, -3.0]
    assert np.linalg.cond(system.basis) < 20
    np.testing.assert_allclose(result.exponent.values, expected, atol=np.log(20) / 100)
    # All negative: a point attractor has dimension 0.
    assert float(result.kaplan_yorke_dimension) == 0.0


def _largest_at_gains(n_units, seed):
    x0 = np.random.default_rng(seed).standard_normal(n_units)
    return [float(largest_lyapunov_exponent(RateNetwork.random(n_units, gain=gain, seed=seed), x0,
                                            t_span=30.0, dt=0.1, transient=10.0,
                                            seed=seed).exponent)
            for gain in (0.5, 2.0)]


def test_random_rate_network_chaos_above_unit_gain():
    # Sompolinsky, Crisanti & Sommers (1988): the origin is stable for g < 1,
    # where the largest exponent is -(1 - g rho) with rho -> 1 the spectral radius
    # of W / g (about -0.5 here); chaos above g = 1, with lambda_1 ~ 0.2 at g = 2
    # (Engelken, Wolf & Abbott 2023).  Margins: 0.2 below and 0.15 above zero,
    # several times the finite-time scatter of a 30-unit run.
    quiet, chaotic = _largest_at_gains(200, seed=0)
    assert quiet < -0.3
    assert chaotic > 0.05


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_rate_network_chaos_n500(seed):
    quiet, chaotic = _largest_at_gains(500, seed)
    assert quiet < -0.3
    assert chaotic > 0.05


def test_analytic_jacobian_and_finite_differences_agree():
    net = RateNetwork.random(30, gain=2.0, seed=4)
    x0 = np.random.default_rng(4).standard_normal((3, 30))
    kw = dict(n_exponents=5, t_span=20.0, dt=0.05, transient=10.0, seed=4)
    analytic = lyapunov_spectrum(net, x0, tangent="jacobian", **kw)
    numeric = lyapunov_spectrum(net, x0, tangent="finite_difference", **kw)
    forward = lyapunov_spectrum(net, x0, tangent="forward_difference", **kw)
    assert analytic.attrs["tangent"] == "jacobian"
    # Forward differences err by ~sqrt(eps) ~ 1e-8 relative per step.
    np.testing.assert_allclose(analytic.exponent, forward.exponent, atol=1e-5)
    # Central differences err by ~s^2 |phi'''| ~ 1e-10 per step: the spectra agree
    # far below the exponents' own finite-time scatter.
    np.testing.assert_allclose(analytic.exponent, numeric.exponent, atol=1e-6)
    assert analytic.exponent.dims == ("trial", "exponent_index")
    assert np.all(np.diff(analytic.exponent.values, axis=-1) <= 0)  # largest first


def test_running_estimate_settles_and_same_seed_same_result():
    system = Linear()
    kw = dict(t_span=40.0, dt=0.05, seed=7, settle_tolerance=0.05, n_record=50)
    first = lyapunov_spectrum(system, [1.0, 0.0, 0.0, 0.0], **kw)
    again = lyapunov_spectrum(system, [1.0, 0.0, 0.0, 0.0], **kw)
    np.testing.assert_array_equal(first.exponent, again.exponent)
    assert first.running_exponent.sizes["time"] == 50
    assert float(first.running_exponent.time[-1]) == pytest.approx(40.0)
    np.testing.assert_allclose(first.running_exponent.isel(time=-1), first.exponent)
    assert bool(first.settled)
    unsettled = lyapunov_spectrum(system, [1.0, 0.0, 0.0, 0.0], **{**kw, "settle_tolerance": 1e-9})
    assert not bool(unsettled.settled)


def test_divergent_trial_gives_nan_not_a_crash():
    class Explosive(attractors.ContinuousSystem):
        n_units = 1

        def vector_field(self, t, x, inputs=None):
            return x**2

    result = largest_lyapunov_exponent(Explosive(), [[-1.0], [2.0]], t_span=5.0, dt=0.01, seed=0)
    assert np.isfinite(result.exponent[0]) and np.isnan(result.exponent[1])
    assert not bool(result.settled[1])


def test_kaplan_yorke_dimension_cases():
    assert float(kaplan_yorke_dimension([-0.1, -1.0])) == 0.0
    assert float(kaplan_yorke_dimension([0.5, 0.1])) == 2.0
    # Henon: 1 + 0.41922 / 1.62319 = 1.258 (Sprott 2003).
    assert float(kaplan_yorke_dimension([0.41922, -1.62319])) == pytest.approx(1.2583, abs=1e-4)
    np.testing.assert_allclose(kaplan_yorke_dimension([[0.9, 0.0, -14.6], [-1.0, -2.0, -3.0]]),
                               [2.0 + 0.9 / 14.6, 0.0])


@pytest.mark.parametrize("kwargs, words", [
    ({"x0": [1.0, 2.0]}, "x0 must have shape (3,)"),
    ({"n_exponents": 4}, "n_exponents must be <= n_units = 3"),
    ({"t_span": None}, "exactly one of t_span and n_steps"),
    ({"n_steps": 100}, "exactly one of t_span and n_steps"),
    ({"dt": -0.1}, "dt must be"),
    ({"solver": "RK45"}, "fixed-step"),
    ({"tangent": "exact"}, "tangent must be one of"),
    ({"renormalize_every": 0}, "renormalize_every must be"),
    ({"t_span": 0.05}, "fewer than renormalize_every"),
])
def test_bad_input_is_refused_before_work(kwargs, words):
    options = {"x0": [1.0, 1.0, 1.0], "t_span": 1.0, "dt": 0.01, **kwargs}
    with pytest.raises(ParameterError, match=words.replace("(", r"\(").replace(")", r"\)")):
        lyapunov_spectrum(Lorenz(), options.pop("x0"), **options)


def test_constant_inputs_per_trial_reach_the_right_trial():
    net = RateNetwork.random(20, gain=2.0, seed=5)
    x0 = np.random.default_rng(5).standard_normal((2, 20))
    drive = np.array([np.zeros(20), np.full(20, 0.8)])
    kw = dict(n_exponents=3, t_span=10.0, dt=0.05, transient=2.0, seed=5)
    mixed = lyapunov_spectrum(net, x0, inputs=drive, **kw)
    # Trial 1 of a batch gets the same initial tangent vectors (same seed and
    # shape) whatever trial 0 is: with its own input it must give the same numbers.
    driven = lyapunov_spectrum(net, x0[[1, 1]], inputs=drive[[1, 1]], **kw)
    np.testing.assert_allclose(mixed.exponent[1], driven.exponent[1], rtol=1e-9, atol=1e-12)
    # A strong constant drive changes the dynamics: the two trials differ.
    assert not np.allclose(mixed.exponent[0], mixed.exponent[1], atol=1e-3)


def test_a_batch_of_networks_is_one_run_with_a_system_dimension():
    # Six networks (three at g = 0.5, three at g = 3) in one batched run: the same
    # arithmetic as one call per network, so system 0 (same initial tangent vector
    # as a single call with that seed) agrees to the last bit, and the generic
    # per-system path (a subclass is not stacked) to round-off (summation order of
    # the batched product).  Signs: -(1 - g) ~ -0.5 at g = 0.5; g = 3, not 2, because
    # at N = 200 some networks at g = 2 sit near the edge of chaos (lambda_1 from -0.007
    # to 0.06 over seeds 5-9 in 300-unit runs), while at g = 3 lambda_1 ~ 0.2 >> the
    # 0.05 margin (N = 500 at g = 2 is the slow test above).
    gains = [0.5] * 3 + [3.0] * 3
    nets = [RateNetwork.random(200, gain=g, seed=i) for i, g in enumerate(gains)]
    x0 = np.random.default_rng(0).standard_normal(200)
    options = dict(n_exponents=2, t_span=30.0, dt=0.1, transient=10.0, seed=3)
    batch = lyapunov_spectrum(nets, x0, **options)
    assert batch.exponent.dims == ("system", "exponent_index")
    assert batch.sizes["system"] == 6 and batch.attrs["model"] == "6 x RateNetwork"
    single = lyapunov_spectrum(nets[0], x0, **options)
    np.testing.assert_array_equal(batch.exponent[0], single.exponent)
    largest = batch.exponent.isel(exponent_index=0).values
    assert np.all(largest[:3] < -0.3) and np.all(largest[3:] > 0.05)

    class Subclass(RateNetwork):
        pass

    # The first three of the batch: the initial tangent vectors are drawn row-major, so
    # a batch of three gets the same first three as the batch of six.
    looped = lyapunov_spectrum([Subclass(net.weights) for net in nets[:3]], x0[None].repeat(3, 0),
                               **options)
    np.testing.assert_allclose(looped.exponent, batch.exponent[:3], rtol=0, atol=1e-9)


def test_a_batch_split_into_cache_sized_groups_is_the_same_run(monkeypatch):
    # Large networks run in groups whose stacked weights stay in cache; the groups get
    # the slices of the one batch's initial tangent vectors and no noise, so the numbers
    # are the one-group run's: to the last bit where each group's product is per system.
    from attractors.analysis import _stacked

    nets = [RateNetwork.random(60, gain=g, seed=i) for i, g in enumerate([0.5, 2.0, 3.0, 1.5, 2.5])]
    x0 = np.random.default_rng(1).standard_normal(60)
    options = dict(n_exponents=3, t_span=10.0, dt=0.1, transient=2.0, seed=4)
    whole = lyapunov_spectrum(nets, x0, **options)
    monkeypatch.setattr(_stacked, "GROUP_BYTES", 2 * nets[0].weights.nbytes)  # groups 2, 2, 1
    assert [s.indices(5) for s in _stacked.cache_groups(_stacked.stack_systems(nets))] == [
        (0, 2, 1), (2, 4, 1), (4, 5, 1)]
    split = lyapunov_spectrum(nets, x0, **options)
    np.testing.assert_allclose(split.exponent, whole.exponent, rtol=0, atol=1e-12)
    np.testing.assert_allclose(split.final_state, whole.final_state, rtol=0, atol=1e-12)
    assert split.running_exponent.shape == whole.running_exponent.shape


def test_a_batch_of_systems_refuses_mixed_models():
    net = RateNetwork.random(5, seed=0)
    with pytest.raises(ParameterError, match="one class and size"):
        lyapunov_spectrum([net, RateNetwork.random(6, seed=0)], np.zeros(5), t_span=1.0)
    with pytest.raises(ParameterError, match=r"shape \(5,\) or \(n_systems, 5\)"):
        lyapunov_spectrum([net, net], np.zeros((3, 5)), t_span=1.0)
    with pytest.raises(ParameterError, match="empty sequence"):
        lyapunov_spectrum([], np.zeros(5), t_span=1.0)


def test_rate_network_tangent_in_one_product_is_the_analytic_jacobian():
    # For a RateNetwork "jacobian" stacks phi(u) and phi'(u) * q_j into one product with
    # W^T instead of forming J: the same numbers as the N x N Jacobian (a subclass that
    # overrides jacobian takes that path) to round-off, and as central differences to
    # their error (~1e-10 relative per step).  Per-unit tau, a bias and per-trial inputs.
    class Formed(RateNetwork):
        def jacobian(self, t, x, inputs=None):
            return super().jacobian(t, x, inputs)

    net = RateNetwork.random(30, gain=2.0, seed=4, tau=np.linspace(1, 2, 30), bias=0.1)
    x0 = np.random.default_rng(0).standard_normal((2, 30))
    options = dict(n_exponents=5, t_span=20.0, dt=0.05, seed=1,
                   inputs=np.random.default_rng(1).standard_normal((2, 30)) * 0.1)
    product = lyapunov_spectrum(net, x0, **options)
    assert product.attrs["tangent"] == "jacobian"  # chosen by "auto" for a rate network
    formed = lyapunov_spectrum(Formed(net.weights, tau=net.tau, bias=net.bias), x0,
                               tangent="jacobian", **options)
    differences = lyapunov_spectrum(net, x0, tangent="finite_difference", **options)
    np.testing.assert_allclose(product.exponent, formed.exponent, rtol=0, atol=1e-13)
    np.testing.assert_allclose(product.exponent, differences.exponent, rtol=0, atol=1e-9)
    # The same for a batch of networks with different biases.
    nets = [RateNetwork.random(30, gain=2.0, seed=i, bias=0.1 * i) for i in range(3)]
    options.pop("inputs")
    np.testing.assert_allclose(
        lyapunov_spectrum(nets, x0[0], tangent="jacobian", **options).exponent,
        lyapunov_spectrum(nets, x0[0], tangent="finite_difference", **options).exponent,
        rtol=0, atol=1e-9)
