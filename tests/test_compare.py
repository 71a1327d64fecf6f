"""compare() and drift_along_attractor(): a point attractor returns, a ring diffuses with
the coefficient predicted from its Jacobian, falling as 1/N."""

import numpy as np
import pytest
from scipy.optimize import brentq

import attractors
from attractors import ParameterError
from attractors.analysis import compare, drift_along_attractor, find_fixed_points
from attractors.models import RateNetwork, RingAttractor


class CosineRing(RateNetwork):
    """tau u' = -u + W tanh(u), W_ij = 3 cos(theta_i - theta_j) / N (user subclass with theta)."""

    @property
    def coords(self):
        return {"theta": ("unit", 2 * np.pi * np.arange(self.n_units) / self.n_units)}


def cosine_ring(n):
    theta = 2 * np.pi * np.arange(n) / n
    return CosineRing(3.0 * np.cos(theta[:, None] - theta[None, :]) / n), theta


def point_network(n=32, seed=0):
    """One stored pattern, W = 3 xi xi^T / N: stable states u = +-b xi, b = 3 tanh(b)."""
    xi = np.random.default_rng(seed).choice([-1.0, 1.0], n)
    return RateNetwork(3.0 * np.outer(xi, xi) / n), xi


def ring_theory(n, sigma):
    """D = sigma^2 sum(s^2 r^2) / (2 (sum s r^2)^2): left null vector l = diag(s) r of
    J = -I + W diag(s), s = sech^2(u), r = d u / d theta = -b sin(theta), u = b cos(theta)."""
    theta = 2 * np.pi * np.arange(n) / n
    b = brentq(lambda v: v - 3.0 * np.mean(np.tanh(v * np.cos(theta)) * np.cos(theta)), 0.5, 10,
               xtol=1e-15)
    s = 1 / np.cosh(b * np.cos(theta)) ** 2
    r = -b * np.sin(theta)
    return sigma**2 * np.sum(s**2 * r**2) / (2 * np.sum(s * r**2) ** 2), b


def test_ring_diffusion_matches_theory_and_falls_as_one_over_n():
    sigma = 0.1
    measured = {}
    for n in (32, 128):
        ring, theta = cosine_ring(n)
        theory, b = ring_theory(n, sigma)
        drift = drift_along_attractor(ring, b * np.cos(theta), sigma, t_span=120.0, dt=0.1,
                                      n_trials=100, seed=n)
        assert drift.attrs["kind"] == "ring" and drift.attrs["units"] == "rad"
        # The Jacobian's left null vector reproduces the closed form to round-off.
        np.testing.assert_allclose(drift.diffusion_theory.item(), theory, rtol=1e-8)
        # Measured within 3 standard errors (100 trials) plus 5 % for the Euler-Maruyama
        # bias (O(dt |lambda|) = 0.06 on the decaying modes, which the projection feels
        # only at second order).
        D, err = drift.diffusion_coefficient.item(), drift.diffusion_stderr.item()
        assert abs(D - theory) <= 3 * err + 0.05 * theory, (n, D, err, theory)
        measured[n] = D
    # Theory: D ~ 1/N (the sums grow as N) up to the aliasing of the lattice sums, whose
    # summands have poles of order 4 at distance a = 0.9 from the real axis: error
    # ~ N^3 exp(-a N) ~ 1e-8 at N = 32.  The measurements follow.
    assert ring_theory(128, sigma)[0] * 128 == pytest.approx(ring_theory(32, sigma)[0] * 32,
                                                             rel=1e-6)
    assert measured[128] < measured[32] / 2


def test_point_attractor_returns():
    net, xi = point_network()
    b = brentq(lambda v: v - 3 * np.tanh(v), 1.0, 5.0, xtol=1e-15)
    sigma = 0.1
    drift = drift_along_attractor(net, b * xi, sigma, t_span=120.0, dt=0.1, n_trials=100,
                                  seed=3)
    assert drift.attrs["kind"] == "point"
    assert drift.diffusion_theory.item() == 0.0
    D, err = drift.diffusion_coefficient.item(), drift.diffusion_stderr.item()
    assert abs(D) <= 3 * err + 1e-6
    # Along the slowest mode (along xi, rate lambda = -1 + 3 sech^2 b) the coordinate is an
    # Ornstein-Uhlenbeck process with variance sigma^2 / (2 |lambda|) (J is symmetric here:
    # all units have the same |u|).  Sample variance of 100 trials: relative error sqrt(2/99).
    lam = -1 + 3 / np.cosh(b) ** 2
    expected = sigma**2 / (2 * abs(lam))
    np.testing.assert_allclose(drift.stationary_variance.item(), expected,
                               rtol=3 * np.sqrt(2 / 99))


def test_compare_point_and_ring_side_by_side():
    net, xi = point_network()
    ring, theta = cosine_ring(32)
    result = compare({"point": net, "ring": ring},
                     targets={"point": 2.9 * xi, "ring": 1.5 * np.cos(theta)},
                     cue_noise=0.3, run_noise=0.1, t_span=40.0, dt=0.1, noise_t_span=100.0,
                     n_trials=60, seed=1)
    point, bump = result.sel(model="point"), result.sel(model="ring")
    assert point.kind.item() == "point" and bump.kind.item() == "ring"
    # Recall: both return to their attractor's shape; only the ring keeps the cue's shift.
    assert point.recall_accuracy.item() == 1.0 and bump.recall_accuracy.item() == 1.0
    # At rest: |F| <= tol max|x*| in every unit.  J is symmetric at x* = b xi with slowest
    # rate |lambda| = 1 - 3 sech^2 b, so |x - x*| <= |F| / |lambda| <= sqrt(N) tol max|x*| /
    # |lambda| = tol |x*| / |lambda| (all units have |x*_i| = b); 10 % for the second order.
    b = brentq(lambda v: v - 3 * np.tanh(v), 1.0, 5.0, xtol=1e-15)
    slowest = 1 - 3 / np.cosh(b) ** 2
    assert point.final_distance.item() < 1.1 * result.attrs["tol"] / slowest
    assert bump.position_error.item() > 0 and np.isnan(point.position_error.item())
    assert point.fraction_converged.item() == 1.0 and bump.fraction_converged.item() == 1.0
    # Spectrum: the point is stable with no zero mode; the ring is marginal with one.
    assert point.stability.item() == "stable" and point.n_zero_modes.item() == 0
    assert bump.stability.item() == "marginal" and bump.n_zero_modes.item() == 1
    assert abs(bump.leading_eigenvalue.item()) < 1e-9
    b = brentq(lambda v: v - 3 * np.tanh(v), 1.0, 5.0, xtol=1e-15)
    np.testing.assert_allclose(point.leading_eigenvalue.item(), -1 + 3 / np.cosh(b) ** 2,
                               atol=1e-12)
    # Energy (symmetric weights): it falls along the runs, never rises.
    for model in ("point", "ring"):
        curve = result.energy.sel(model=model).values
        assert result.energy_descent.sel(model=model).item() > 0
        assert np.all(np.diff(curve) <= 1e-9 * np.abs(curve).max())
    # Under noise: the ring diffuses as predicted (3 standard errors of 60 trials, plus 5 %
    # for the Euler-Maruyama bias), clearly above zero; the point attractor does not.
    D, err, theory = (bump[k].item() for k in ("diffusion_coefficient", "diffusion_stderr",
                                                "diffusion_theory"))
    np.testing.assert_allclose(theory, ring_theory(32, 0.1)[0], rtol=1e-8)
    assert abs(D - theory) <= 3 * err + 0.05 * theory
    assert D > 3 * err
    assert abs(point.diffusion_coefficient.item()) <= 3 * point.diffusion_stderr.item() + 1e-6
    assert result.sizes["mode"] == 32
    assert np.isnan(result.eigenvalue_real.sel(model="point").values).sum() == 0
    assert result.point_type.values.tolist() == ["stable node", "marginal"]
    assert result.target_source.values.tolist() == ["given", "given"]
    assert result.target_stable.values.all() and result.drift_settled.values.all()


def test_compare_errors():
    net, xi = point_network()
    with pytest.raises(ParameterError, match="targets"):
        compare({"point": net}, targets={"other": xi})
    with pytest.raises(ParameterError, match="models"):
        compare(3)

    class Ghost(RateNetwork):
        """x' = x^2 + 1 (no fixed point): compare needs an attractor."""

        def vector_field(self, t, x, inputs=None):
            return x**2 + 1.0

    with pytest.raises(ParameterError, match="fixed point"):
        compare({"ghost": Ghost([[0.0]])}, targets={"ghost": [0.0]}, t_span=1.0, dt=0.1)


def test_compare_a_discrete_hopfield_network_with_a_ring():
    from attractors.models import HopfieldNetwork

    rng = np.random.default_rng(4)
    xi = rng.choice([-1.0, 1.0], (3, 100))
    hopfield = HopfieldNetwork.from_patterns(xi)
    ring, theta = cosine_ring(32)
    result = compare({"hopfield": hopfield, "ring": ring},
                     targets={"hopfield": xi[0], "ring": 1.5 * np.cos(theta)},
                     cue_noise=0.8, run_noise=0.1, t_span=20.0, dt=0.1, n_trials=10, seed=2)
    hop = result.sel(model="hopfield")
    # Cue: sgn(xi + 0.8 xi') flips a unit with probability Phi(-1/0.8) = 0.106; at load
    # 0.03 every cue is recalled exactly.
    assert hop.recall_accuracy.item() == 1.0 and hop.final_distance.item() == 0.0
    assert hop.fraction_converged.item() == 1.0
    assert hop.stability.item() == "stable" and np.isnan(hop.leading_eigenvalue.item())
    assert np.isnan(hop.diffusion_coefficient.item())
    assert hop.energy_descent.item() > 0  # the cue's energy is above the pattern's
    assert result.sel(model="ring").n_zero_modes.item() == 1


def test_ring_attractor_with_default_targets_is_marginal_and_recalled():
    """Issue 14 item 1: the default target of RingAttractor was the end of a 50-unit run
    from a random state (no bump yet): recall 0, a "saddle", D_theory 2e16.  Now it is the
    model's own stationary state, and the two time units (RateNetwork dimensionless,
    RingAttractor in ms) are put on one scale, each in its own time constant."""
    xi = np.where(np.arange(64) % 3 == 0, 1.0, -1.0)
    ring = RingAttractor(n_units=64)
    result = compare({"point": RateNetwork(3 * np.outer(xi, xi) / 64), "ring": ring},
                     run_noise=0.02, seed=0)
    row = result.sel(model="ring")
    assert row.target_source.item() == "stationary_state()" and row.target_distance < 1e-8
    assert row.recall_accuracy.item() == 1.0 and row.fraction_converged.item() == 1.0
    assert row.stability.item() == "marginal" and row.point_type.item() == "marginal"
    assert row.n_zero_modes.item() == 1 and bool(row.target_stable)
    assert result.attrs["time_unit"] == "tau"
    assert result.time_scale.values.tolist() == [1.0, ring.tau]
    assert result.model_time_unit.sel(model="ring").item() == "ms"
    # In tau units the zero mode is still zero and the slowest decaying mode of the bump
    # (-0.0133 / ms) is -0.133 / tau.
    assert abs(row.leading_eigenvalue.item()) < 1e-9
    # Diffusion along the ring as predicted from the Jacobian: 3 standard errors of the
    # 20 trials plus 5 % for the Euler-Maruyama bias (as in the cosine-ring test above).
    D, err, theory = (row[k].item() for k in ("diffusion_coefficient", "diffusion_stderr",
                                                "diffusion_theory"))
    assert 0 < theory < 1e-3 and bool(row.drift_settled)
    assert abs(D - theory) <= 3 * err + 0.05 * theory, (D, err, theory)


def test_a_saddle_target_is_warned_about_and_marked():
    """W = [[2.5, -1], [-1, 2.5]] has four saddles off the diagonals (see test_fixed_points)."""
    net = RateNetwork([[2.5, -1.0], [-1.0, 2.5]])
    axis = np.linspace(-4, 4, 9)
    fp = find_fixed_points(net, np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2))
    saddle = fp.state.values[fp.stability.values == "saddle"][0]
    # The cues leave the saddle for the stable states and are not at rest by max_t_span.
    with pytest.warns(UserWarning, match="not an attractor"), \
            pytest.warns(UserWarning, match="not at rest"):
        result = compare({"net": net}, targets={"net": saddle}, t_span=5.0, dt=0.1, n_trials=3,
                         max_t_span=5.0)
    assert result.stability.item() == "saddle" and result.point_type.item() == "saddle"
    assert not bool(result.target_stable)


class Oscillator(attractors.ContinuousSystem):
    """Hopf normal form: a stable limit cycle r = 1, so no state is ever at rest."""

    n_units = 2

    def vector_field(self, t, x, inputs=None):
        r2 = np.sum(x**2, axis=-1, keepdims=True)
        return x * (1 - r2) + np.stack([-x[..., 1], x[..., 0]], axis=-1)


def test_no_stationary_state_and_no_rest_is_refused():
    with pytest.raises(ParameterError, match="not at rest"):
        compare({"oscillator": Oscillator()}, t_span=2.0, dt=0.1, max_t_span=10.0)


def test_trials_not_at_rest_count_as_not_recalled():
    ring, theta = cosine_ring(32)
    with pytest.warns(UserWarning, match="not at rest"):
        result = compare({"ring": ring}, targets={"ring": 1.5 * np.cos(theta)}, cue_noise=0.5,
                         t_span=1.0, max_t_span=1.0, dt=0.1, n_trials=8)
    assert result.fraction_converged.item() < 1.0
    assert result.recall_accuracy.item() <= result.fraction_converged.item()
    assert np.isnan(result.convergence_time.item()) or result.fraction_converged.item() > 0


def test_time_units_put_on_one_scale_or_refused():
    net, xi = point_network(n=16)

    class Seconds(RateNetwork):
        time_unit = "s"

        def leak_rate(self):
            raise NotImplementedError

    with pytest.raises(ParameterError, match="time_scales"):
        compare({"a": net, "b": Seconds(net.weights)}, targets={"a": 2.9 * xi, "b": 2.9 * xi})
    # The same network on two scales: with 2 model time units per common unit, every
    # rate (eigenvalue) is twice as large in common units, exactly.
    result = compare({"a": net, "b": Seconds(net.weights)},
                     targets={"a": 2.9 * xi, "b": 2.9 * xi}, time_scales={"a": 1.0, "b": 2.0},
                     t_span=20.0, dt=0.1, n_trials=3)
    assert result.attrs["time_unit"] == "common time units"
    np.testing.assert_allclose(result.eigenvalue_real.sel(model="b"),
                               2 * result.eigenvalue_real.sel(model="a"), rtol=1e-12)
    assert result.convergence_time.attrs["units"] == "common time units"
    with pytest.raises(ParameterError, match="time_scales"):
        compare({"a": net}, time_scales={"b": 1.0})


def test_every_output_variable_has_units_and_a_long_name():
    net, xi = point_network(n=16)
    result = compare({"a": net}, targets={"a": 2.9 * xi}, run_noise=0.1, t_span=10.0, dt=0.1,
                     n_trials=3)
    for name, variable in result.variables.items():
        assert variable.attrs.get("units") and variable.attrs.get("long_name"), name


def test_a_flat_attractor_has_no_overlap():
    """CANN2D on an 8 x 8 sheet at k = 8.1 is above its critical inhibition (k_c = 1.03):
    no bump exists and its closed form is the quiescent state u = 0, where the Pearson
    overlap of recall is undefined."""
    from attractors.models import CANN2D

    sheet = CANN2D(n_side=8)
    assert sheet.k > sheet.critical_inhibition
    with pytest.warns(UserWarning, match="flat"):
        result = compare({"sheet": sheet}, t_span=5.0, dt=0.1, n_trials=3)
    assert result.target_source.item() == "bump_profile(0) (closed form)"
    assert np.isnan(result.recall_accuracy.item()) and np.isnan(result.recall_overlap.item())


# Short runs: this test is about the other warning.
@pytest.mark.filterwarnings("ignore:drift_along_attractor.*settled:UserWarning")
def test_noise_beyond_the_linear_regime_is_warned_about():
    """CANN1D(32) has a bump of height u0 = 0.147; noise of 0.01 per sqrt(tau) scatters it
    (the state ends about its own norm away from every rotated bump), 0.001 does not."""
    from attractors.models import CANN1D

    cann = CANN1D(n_units=32)
    with pytest.warns(UserWarning, match="off the attractor"):
        drift_along_attractor(cann, cann.bump_profile(0.0), 0.01, t_span=100.0, dt=0.1,
                              n_trials=4, transient=50.0)
    quiet = drift_along_attractor(cann, cann.bump_profile(0.0), 0.001, t_span=100.0, dt=0.1,
                                  n_trials=4, transient=50.0)
    assert quiet.off_attractor_distance.item() < 0.1
