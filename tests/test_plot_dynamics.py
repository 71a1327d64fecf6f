"""Tests of the plots of Lyapunov spectra, periodic orbits and attractor types (Agg backend)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import attractors  # noqa: E402
from attractors import ParameterError  # noqa: E402
from attractors.analysis import (  # noqa: E402
    AttractorType,
    basins,
    classify_attractor,
    largest_lyapunov_exponent,
    lyapunov_spectrum,
    periodic_orbit,
)
from attractors.models import LinearSystem  # noqa: E402
from attractors.plot import (  # noqa: E402
    plot_attractor_types,
    plot_lyapunov_convergence,
    plot_periodic_orbit,
    plot_spectrum,
)


class Hopf(attractors.ContinuousSystem):
    """The Hopf normal form, mu = 1, omega = 1: the cycle r = 1, period 2 pi."""

    n_units = 2

    def vector_field(self, t, x, inputs=None):
        r2 = np.sum(x * x, axis=-1)
        return np.stack([(1 - r2) * x[..., 0] - x[..., 1], (1 - r2) * x[..., 1] + x[..., 0]], -1)


class Logistic(attractors.DiscreteSystem):
    n_units = 1

    def update(self, x, rng=None, inputs=None):
        return 3.2 * x * (1 - x)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def linear():
    # Exponents -1 and -2 (a diagonal linear flow), three trials.
    return lyapunov_spectrum(LinearSystem([[-1.0, 0.0], [0.0, -2.0]]),
                             np.ones((3, 2)), t_span=10.0, seed=0)


def test_convergence_draws_one_line_and_one_band_per_exponent(linear):
    ax = plot_lyapunov_convergence(linear)
    assert len(ax.lines) == 2 and len(ax.collections) == 2
    # The lines are the mean of the three trials, ending at the final estimates.
    np.testing.assert_allclose([line.get_ydata()[-1] for line in ax.lines],
                               linear.exponent.mean("trial"), rtol=1e-12)
    assert ax.get_xlabel() == "measurement time (model time units)"
    assert ax.get_ylabel() == "running estimate of the exponent (1/time unit)"
    assert ax.get_title() == "Running Lyapunov exponents (mean of 3 trials)"
    # The band is final +- settle_tolerance over the last half of the measurement.
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].max() == pytest.approx(float(linear.exponent.mean("trial")[0]) + 0.01)
    assert band[:, 0].min() >= float(linear.time[-1]) / 2
    one = plot_lyapunov_convergence(linear, trial=2)
    np.testing.assert_allclose(one.lines[1].get_ydata()[-1], linear.exponent[2, 1])
    with pytest.raises(ParameterError, match="trial=7 is not a trial"):
        plot_lyapunov_convergence(linear, trial=7)


def test_convergence_of_the_largest_exponent_alone():
    result = largest_lyapunov_exponent(LinearSystem([[-1.0, 0.0], [0.0, -2.0]]), [1.0, 1.0],
                                       t_span=10.0, seed=0)
    ax = plot_lyapunov_convergence(result)
    assert len(ax.lines) == 1
    assert ax.lines[0].get_ydata()[-1] == pytest.approx(float(result.exponent))


def test_spectrum_points_error_bars_and_kaplan_yorke_title(linear):
    ax = plot_spectrum(linear)
    points = ax.lines[0]
    np.testing.assert_allclose(points.get_xdata(), [1, 2])
    np.testing.assert_allclose(points.get_ydata(), linear.exponent.mean("trial"))
    assert "$D_{KY}$ = 0" in ax.get_title()
    assert ax.get_ylabel() == "Lyapunov exponent (1/time unit)"
    with pytest.raises(ParameterError, match="needs a spectrum"):
        plot_spectrum(largest_lyapunov_exponent(LinearSystem([[-1.0]]), [1.0], t_span=2.0))
    with pytest.raises(ParameterError, match="lyapunov_spectrum"):
        plot_spectrum({"exponent": 1})


def test_periodic_orbit_closed_curve_and_multipliers_on_the_circle():
    cycle = periodic_orbit(Hopf(), [0.5, 0.0], transient=20.0, t_search=20.0)
    left, right = plot_periodic_orbit(cycle)
    x, y = left.lines[0].get_data()
    # A closed curve on the cycle r = 1.
    np.testing.assert_allclose(np.hypot(x, y), 1.0, atol=1e-6)
    assert (x[0], y[0]) == (x[-1], y[-1])
    # Multipliers: the trivial 1 and exp(-2 mu T) = exp(-4 pi).
    mu = right.collections[0].get_offsets()
    np.testing.assert_allclose(sorted(mu[:, 0]), [np.exp(-4 * np.pi), 1.0], atol=1e-6)
    assert right.lines[0].get_xydata().shape == (256, 2)  # the unit circle
    assert left.get_xlabel() == "unit 0 (model state units)"
    assert "T = 6.283" in left.get_title()
    with pytest.raises(ParameterError, match="two different indices"):
        plot_periodic_orbit(cycle, units=(0, 0))


def test_periodic_orbit_of_a_map_against_phase_and_not_found():
    cycle = periodic_orbit(Logistic(), [0.3], transient=200, t_search=50)
    left, _ = plot_periodic_orbit(cycle)
    assert len(left.lines[0].get_xdata()) == 3  # two states, closed
    nothing = periodic_orbit(LinearSystem([[-1.0]]), [1.0], transient=20.0, t_search=10.0)
    with pytest.raises(ParameterError, match="no periodic orbit: the trajectory settles"):
        plot_periodic_orbit(nothing)


def test_attractor_type_bars_for_a_classification_and_for_basins():
    result = classify_attractor(Logistic(), [[0.3], [0.6], [1.5]], transient=200, t_search=50)
    ax = plot_attractor_types(result)
    assert len(ax.patches) == 5
    np.testing.assert_allclose([p.get_height() for p in ax.patches], [0, 2 / 3, 0, 0, 1 / 3])
    assert [t.get_text() for t in ax.get_xticklabels()][1] == "periodic"
    assert ax.get_ylabel() == "fraction of starts reaching this type"
    mapped = basins(Logistic(), [[0.3], [0.6], [1.5]],
                    classifier=AttractorType(transient=200, t_search=50))
    ax = plot_attractor_types(mapped)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["periodic 0", "divergent"]
    assert matplotlib.colors.to_hex(ax.patches[0].get_facecolor()) == matplotlib.colors.to_hex("C1")
    with pytest.raises(ParameterError, match="classify_attractor or from basins"):
        plot_attractor_types(basins(LinearSystem([[-1.0]]), [[1.0]], t_span=30.0, dt=0.1))
