"""Attractor classification (attractors.analysis.classify_attractor) on systems of known type."""

import numpy as np
import pytest

import attractors
from attractors import ParameterError
from attractors.analysis import ATTRACTOR_TYPES, classify_attractor


class Bautin(attractors.ContinuousSystem):
    """r' = r (mu + r^2 - r^4), theta' = omega: for -1/4 < mu < 0 a stable origin and a stable cycle.

    The cycles sit at r^2 = (1 +- sqrt(1 + 4 mu)) / 2: for mu = -0.2 the unstable one at
    r = 0.526 separates the origin's basin from that of the stable one at r = 0.851.
    """

    n_units = 2

    def __init__(self, mu=-0.2, omega=2.0):
        self.mu, self.omega = mu, omega

    def vector_field(self, t, x, inputs=None):
        a, b = x[..., 0], x[..., 1]
        radius2 = a * a + b * b
        growth = self.mu + radius2 - radius2 * radius2
        return np.stack([growth * a - self.omega * b, growth * b + self.omega * a], axis=-1)


class Torus(attractors.ContinuousSystem):
    """Two uncoupled Hopf oscillators at frequencies 1 and sqrt(2): a quasi-periodic torus."""

    n_units = 4

    def vector_field(self, t, x, inputs=None):
        out = np.empty_like(x)
        for pair, omega in ((slice(0, 2), 1.0), (slice(2, 4), np.sqrt(2.0))):
            a, b = x[..., pair][..., 0], x[..., pair][..., 1]
            growth = 1.0 - a * a - b * b
            out[..., pair] = np.stack([growth * a - omega * b, growth * b + omega * a], axis=-1)
        return out


class Lorenz(attractors.ContinuousSystem):
    n_units = 3

    def vector_field(self, t, x, inputs=None):
        a, b, c = x[..., 0], x[..., 1], x[..., 2]
        return np.stack([10.0 * (b - a), a * (28.0 - c) - b, a * b - 8.0 / 3.0 * c], axis=-1)


class Explosive(attractors.ContinuousSystem):
    """x' = x^2 blows up at t = 1 / x0: a divergent run must be labelled, not crash."""

    n_units = 1

    def vector_field(self, t, x, inputs=None):
        return x**2


class Henon(attractors.DiscreteSystem):
    n_units = 2

    def update(self, x, rng=None, inputs=None):
        return np.stack([1.0 - 1.4 * x[..., 0] ** 2 + x[..., 1], 0.3 * x[..., 0]], axis=-1)

    def initial_state(self, rng, n_trials=None):
        return 0.1 * rng.standard_normal(self._batch_shape(n_trials))


def test_coexisting_fixed_point_and_cycle_in_one_batch():
    starts = [[0.2, 0.0], [1.2, 0.0], [0.0, 0.7], [0.05, 0.05]]
    result = classify_attractor(Bautin(), starts, dt=0.02, transient=60.0, t_search=10.0, seed=0)
    assert result.label.values.tolist() == ["fixed_point", "periodic", "periodic", "fixed_point"]
    # theta' = omega on the cycle: period 2 pi / omega, to the section interpolation's
    # error (linear between records dt apart, O(dt^2) ~ 1e-3 relative).
    np.testing.assert_allclose(result.period.values[[1, 2]], np.pi, rtol=2e-3)
    assert np.isnan(result.period.values[0])
    np.testing.assert_array_equal(result["count"].sel(attractor_type="periodic"), 2)
    assert float(result.fraction.sum()) == pytest.approx(1.0)
    assert result.fraction_low.sel(attractor_type="fixed_point") < 0.5 < result.fraction_high.sel(
        attractor_type="fixed_point")


def test_chaotic_quasi_periodic_and_divergent_flows():
    lorenz = classify_attractor(Lorenz(), [1.0, 1.0, 1.0], dt=0.02, transient=10.0,
                                t_search=20.0, seed=1)
    assert lorenz.label.item() == "chaotic"
    # Lorenz lambda_1 = 0.906; a 20-unit estimate scatters by ~0.05 (measured: s.d.
    # 0.036 over 60 units), far above the 0.02 threshold.
    assert float(lorenz.largest_exponent) > 0.5
    torus = classify_attractor(Torus(), [0.5, 0.0, 0.0, 0.5], dt=0.02, transient=20.0,
                               t_search=30.0, seed=2)
    assert torus.label.item() == "quasi_periodic"
    # Both exponents along the torus are zero; the estimate is O(1/T).
    assert abs(float(torus.largest_exponent)) < 0.02
    # x0 = 2 blows up at t = 0.5, inside the transient; x0 = 0 stays put.
    divergent = classify_attractor(Explosive(), [[2.0], [0.0]], dt=0.01, transient=1.0,
                                   t_search=1.0)
    assert divergent.label.values.tolist() == ["divergent", "fixed_point"]


def test_maps_periodic_chaotic_divergent():
    class Logistic(attractors.DiscreteSystem):
        n_units = 1

        def update(self, x, rng=None, inputs=None):
            return 3.5 * x * (1.0 - x)

        def initial_state(self, rng, n_trials=None):
            return rng.uniform(size=self._batch_shape(n_trials))

    result = classify_attractor(Logistic(), [[0.3], [0.6], [1.5]], transient=500, t_search=100)
    assert result.label.values.tolist() == ["periodic", "periodic", "divergent"]
    assert result.period.values[:2].tolist() == [4.0, 4.0]  # the period-4 window
    henon = classify_attractor(Henon(), [[0.1, 0.0], [0.0, 0.1]], transient=200, t_search=500,
                               seed=3)
    assert henon.label.values.tolist() == ["chaotic", "chaotic"]
    # Henon lambda_1 = 0.419 (Sprott 2003); 500 steps estimate it within ~0.05.
    np.testing.assert_allclose(henon.largest_exponent, 0.419, atol=0.05)


def test_labels_cover_the_types_and_a_single_start_has_no_trial_dim():
    assert ATTRACTOR_TYPES == ("fixed_point", "periodic", "quasi_periodic", "chaotic", "divergent")
    one = classify_attractor(Bautin(), [1.2, 0.0], dt=0.02, transient=30.0, t_search=10.0)
    assert "trial" not in one.label.dims and one.label.item() == "periodic"


@pytest.mark.parametrize("kwargs, words", [
    ({"x0": [1.0]}, "x0 must have shape"),
    ({"tolerance": -1.0}, "tolerance must be"),
    ({"max_period": 0}, "max_period must be"),
    ({"chaos_threshold": 0.0}, "chaos_threshold must be"),
    ({"solver": "LSODA"}, "fixed-step"),
])
def test_bad_input_is_refused(kwargs, words):
    options = {"x0": [0.1, 0.0], "dt": 0.02, "transient": 1.0, "t_search": 1.0, **kwargs}
    with pytest.raises(ParameterError, match=words):
        classify_attractor(Bautin(), options.pop("x0"), **options)
