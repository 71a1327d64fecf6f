"""Periodic orbits (attractors.analysis.periodic_orbit): Hopf normal form, logistic map, refusals."""

import numpy as np
import pytest

import attractors
from attractors import ParameterError
from attractors.analysis import as_complex, lyapunov_spectrum, periodic_orbit


class Hopf(attractors.ContinuousSystem):
    """The Hopf normal form: r' = mu r - r^3, theta' = omega; cycle r = sqrt(mu), T = 2 pi / omega."""

    n_units = 2

    def __init__(self, mu=0.5, omega=2.0):
        self.mu, self.omega = mu, omega

    def vector_field(self, t, x, inputs=None):
        a, b = x[..., 0], x[..., 1]
        radius2 = a * a + b * b
        return np.stack([self.mu * a - self.omega * b - a * radius2,
                         self.omega * a + self.mu * b - b * radius2], axis=-1)


class Logistic(attractors.DiscreteSystem):
    n_units = 1

    def __init__(self, r):
        self.r = r

    def update(self, x, rng=None, inputs=None):
        return self.r * x * (1.0 - x)

    def initial_state(self, rng, n_trials=None):
        return rng.uniform(size=self._batch_shape(n_trials))


def test_hopf_cycle_period_amplitude_and_floquet_multipliers():
    mu, omega = 0.5, 2.0
    cycle = periodic_orbit(Hopf(mu, omega), [0.1, 0.0], dt=0.01, transient=30.0, t_search=20.0,
                           seed=0)
    period = 2 * np.pi / omega
    assert bool(cycle.found) and cycle.attrs["crossings_per_period"] == 1
    # The shooting solves the RK4 flow map to 1e-10; RK4's global error over a
    # period is ~ h^4 omega^5 T = 1e-8 * 32 * pi ~ 1e-6 at h = 0.01 (measured 4e-9).
    assert float(cycle.period) == pytest.approx(period, abs=1e-6)
    np.testing.assert_allclose(cycle.amplitude, np.sqrt(mu), atol=1e-4)  # sampled every h
    np.testing.assert_allclose(np.hypot(*cycle.orbit.values.T), np.sqrt(mu), atol=1e-6)
    multipliers = as_complex(cycle, "floquet_multiplier").values
    # Floquet multipliers 1 (along the orbit) and exp(-2 mu T) (radial contraction).
    np.testing.assert_allclose(multipliers, [1.0, np.exp(-2 * mu * period)], atol=1e-6)
    assert bool(cycle.is_stable) and float(cycle.residual) < 1e-9


def test_hopf_lyapunov_exponents_on_the_cycle():
    mu = 0.5
    result = lyapunov_spectrum(Hopf(mu, 2.0), [np.sqrt(mu), 0.0], t_span=40.0, dt=0.02,
                               transient=5.0, seed=1)
    # On the circle |F| = omega r is constant, so the zero exponent has no O(1/T)
    # drift; the transient aligns the tangent vectors, leaving RK4's error.
    np.testing.assert_allclose(result.exponent, [0.0, -2 * mu], atol=1e-3)


def test_logistic_two_cycle_points_and_multiplier():
    r = 3.2
    cycle = periodic_orbit(Logistic(r), [0.3], transient=200, t_search=50)
    assert float(cycle.period) == 2.0
    # The 2-cycle: x = (r + 1 +- sqrt((r - 3)(r + 1))) / (2 r), multiplier 4 + 2 r - r^2.
    expected = (r + 1 + np.array([-1, 1]) * np.sqrt((r - 3) * (r + 1))) / (2 * r)
    np.testing.assert_allclose(np.sort(cycle.orbit.values[:, 0]), expected, atol=1e-10)
    assert float(cycle.floquet_multiplier_real[0]) == pytest.approx(4 + 2 * r - r * r, abs=1e-8)
    assert bool(cycle.is_stable)


def test_logistic_period_four():
    # r = 3.5 lies in the period-4 window (3.449 < r < 3.544).
    cycle = periodic_orbit(Logistic(3.5), [0.3], transient=500, t_search=100)
    assert float(cycle.period) == 4.0 and bool(cycle.is_stable)


@pytest.mark.parametrize("system, x0, message", [
    (Hopf(mu=-0.5), [0.3, 0.1], "fixed point"),
    (Logistic(4.0), [0.3], "no recurrence"),
])
def test_no_cycle_is_reported_not_raised(system, x0, message):
    kwargs = {"transient": 200, "t_search": 100} if system.time_kind == "map" else {
        "dt": 0.05, "transient": 40.0, "t_search": 20.0}
    result = periodic_orbit(system, x0, **kwargs)
    assert not bool(result.found) and message in result.attrs["message"]
    assert np.isnan(float(result.period))


def test_divergent_trajectory_is_reported():
    class Explosive(attractors.ContinuousSystem):
        n_units = 2

        def vector_field(self, t, x, inputs=None):
            return x**2

    result = periodic_orbit(Explosive(), [1.0, 1.0], dt=0.01, transient=5.0, t_search=1.0)
    assert not bool(result.found) and "diverged" in result.attrs["message"]


@pytest.mark.parametrize("kwargs, words", [
    ({"x0": [1.0]}, "x0 must have shape"),
    ({"tolerance": 0.0}, "tolerance must be"),
    ({"solver": "RK45"}, "fixed-step"),
    ({"max_period": 0}, "max_period must be"),
])
def test_bad_input_is_refused(kwargs, words):
    options = {"x0": [0.1, 0.0], "dt": 0.01, "transient": 1.0, "t_search": 1.0, **kwargs}
    with pytest.raises(ParameterError, match=words):
        periodic_orbit(Hopf(), options.pop("x0"), **options)


def test_synchronous_antisymmetric_hopfield_cycles_divide_four():
    # Bruck (1990): with antisymmetric W, synchronous orbits end in cycles whose
    # length divides 4.  Binary states have no derivative: the cycle is exact and
    # its multipliers are NaN.
    from attractors.analysis import classify_attractor
    from attractors.models import HopfieldNetwork

    gaussian = np.random.default_rng(6).standard_normal((40, 40))
    net = HopfieldNetwork(gaussian - gaussian.T, dynamics="sync", symmetric=False)
    starts = np.random.default_rng(7).choice([-1.0, 1.0], size=(5, 40))
    for start in starts:
        cycle = periodic_orbit(net, start, transient=50, t_search=40, seed=0)
        assert bool(cycle.found) and 4 % int(cycle.period) == 0
        assert np.all(np.isnan(cycle.floquet_multiplier_real)) and bool(cycle.is_stable)
        assert float(cycle.residual) == 0.0
    labels = classify_attractor(net, starts, transient=50, t_search=40, seed=0)
    assert set(labels.label.values) <= {"periodic", "fixed_point"}
    assert np.all(4 % labels.period.values[labels.label.values == "periodic"] == 0)
