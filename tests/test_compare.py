"""compare() and drift_along_attractor(): a point attractor returns, a ring diffuses with
the coefficient predicted from its Jacobian, falling as 1/N."""

import numpy as np
import pytest
from scipy.optimize import brentq

from attractors._validate import ParameterError
from attractors.analysis._compare import compare, drift_along_attractor
from attractors.models._rate import RateNetwork


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
    assert point.final_distance.item() < 1e-5
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
    assert np.isnan(result.eigenvalues.sel(model="point").values).sum() == 0


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
    from attractors.models._hopfield import HopfieldNetwork

    rng = np.random.default_rng(4)
    xi = rng.choice([-1.0, 1.0], (3, 100))
    hopfield = HopfieldNetwork.from_patterns(xi)
    ring, theta = cosine_ring(32)
    result = compare({"hopfield": hopfield, "ring": ring},
                     targets={"hopfield": xi[0], "ring": 1.5 * np.cos(theta)},
                     cue_noise=0.8, run_noise=0.1, t_span=20.0, dt=0.1, noise_t_span=40.0,
                     n_trials=10, seed=2)
    hop = result.sel(model="hopfield")
    # Cue: sgn(xi + 0.8 xi') flips a unit with probability Phi(-1/0.8) = 0.106; at load
    # 0.03 every cue is recalled exactly.
    assert hop.recall_accuracy.item() == 1.0 and hop.final_distance.item() == 0.0
    assert hop.fraction_converged.item() == 1.0
    assert hop.stability.item() == "stable" and np.isnan(hop.leading_eigenvalue.item())
    assert np.isnan(hop.diffusion_coefficient.item())
    assert hop.energy_descent.item() > 0  # the cue's energy is above the pattern's
    assert result.sel(model="ring").n_zero_modes.item() == 1
