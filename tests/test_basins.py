"""basins(): labels, fractions with Wilson intervals, convergence times and recall
probability, against the exhaustive state space and closed forms."""

import numpy as np
import pytest
from scipy.optimize import brentq

import attractors
from attractors import ParameterError
from attractors.analysis import (
    BumpPosition,
    NearestPattern,
    UniqueStates,
    basins,
    recall_probability,
    state_space,
    wilson_interval,
)
from attractors.models import HopfieldNetwork, RateNetwork


def test_wilson_interval_closed_forms():
    # k = 0: (0, z^2 / (n + z^2)); k = n: the mirror image; k = n / 2: symmetric about 1/2.
    z = 1.959963984540054
    low, high = wilson_interval([0, 20, 10], [20, 20, 20])
    np.testing.assert_allclose(low[0], 0.0, atol=1e-15)
    np.testing.assert_allclose(high[0], z**2 / (20 + z**2), rtol=1e-12)
    np.testing.assert_allclose([low[1], high[1]], [1 - z**2 / (20 + z**2), 1.0], rtol=1e-12)
    np.testing.assert_allclose(low[2] + high[2], 1.0, rtol=1e-12)
    # Wilson (1927) for 5/10 at 95 %: 0.2366 to 0.7634.
    np.testing.assert_allclose(wilson_interval(5, 10), (0.23659, 0.76341), atol=1e-5)
    with pytest.raises(ParameterError, match="confidence"):
        wilson_interval(1, 2, confidence=1.0)


@pytest.mark.parametrize("successes, trials, message", [
    (10, 5, "successes = 10 > trials = 5"),  # returned (nan, nan) before: p = 2
    ([1, 7], [5, 5], r"successes = 7 > trials = 5 at index \(1,\)"),
    (-1, 10, "successes must be whole counts.*-1"),
    (3, -10, "trials must be whole counts.*-10"),
    (2.5, 10, "successes must be whole counts.*2.5"),
    (np.nan, 10, "successes must be whole counts"),
    ("many", 10, "successes must be whole counts"),
    ([1, 2, 3], [4, 5], "broadcast"),
])
def test_wilson_interval_refuses_impossible_counts(successes, trials, message):
    with pytest.raises(ParameterError, match=message):
        wilson_interval(successes, trials)


def test_wilson_interval_zero_trials_is_nan():
    low, high = wilson_interval(0, 0)
    assert np.isnan(low) and np.isnan(high)


def all_states(n):
    index = np.arange(1 << n)
    return np.where((index[:, None] >> np.arange(n)) & 1, 1.0, -1.0)


def test_sync_hopfield_basins_equal_the_state_space():
    """Synchronous updates are a deterministic map: every state's basin is exact."""
    rng = np.random.default_rng(1)
    net = HopfieldNetwork.from_patterns(rng.choice([-1, 1], (3, 10)), dynamics="sync")
    space = state_space(net)
    result = basins(net, all_states(10), t_span=60, seed=0)
    assert result.attrs["n_starts"] == 1024
    # State k of the state space is configuration k: the starts are in the same order.
    np.testing.assert_array_equal(space.configuration.values, all_states(10))
    fixed = space.period.values == 1
    for attractor in np.flatnonzero(fixed):
        members = space.basin.values == attractor
        target = space.configuration.values[space.cycle.values[attractor, 0]]
        finals = result.final_state.values[members]
        assert np.all(finals == target)
        assert np.all(result.converged.values[members])
        # One label per basin, shared by no other start.
        labels = np.unique(result.label.values[members])
        assert labels.size == 1
        assert np.sum(result.label.values == labels[0]) == space.basin_size.values[attractor]
    # Starts that fall into 2-cycles never reach a fixed point: label -1.
    on_cycles = np.isin(space.basin.values, np.flatnonzero(~fixed))
    assert np.all(result.label.values[on_cycles] == -1)
    not_converged = result.sel(name="not converged")
    assert not_converged["count"].item() == on_cycles.sum()
    np.testing.assert_allclose(result.fraction.sum(), 1.0)


def test_async_hopfield_labels_agree_with_reachable_sets():
    """Random-order asynchronous updates: a state whose descents all end in one fixed
    point must end there; the fraction of each basin lies between the states that can
    reach only it and all that can reach it."""
    rng = np.random.default_rng(3)
    net = HopfieldNetwork.from_patterns(rng.choice([-1, 1], (3, 9)))
    space = state_space(net)
    result = basins(net, all_states(9), seed=4)
    assert result.attrs["n_converged"] == 512
    finals = result.final_state.values
    single = space.n_reachable.values == 1
    targets = space.configuration.values[space.cycle.values[space.basin.values[single], 0]]
    np.testing.assert_array_equal(finals[single], targets)
    for attractor in range(space.sizes["attractor"]):
        state = space.configuration.values[space.cycle.values[attractor, 0]]
        reached = np.sum(np.all(finals == state, axis=1))
        assert space.basin_size.values[attractor] <= reached <= space.reach_size.values[attractor]


def test_nearest_pattern_names_reversals_and_mixtures():
    xi = np.random.default_rng(0).choice([-1, 1], (3, 200))
    classifier = NearestPattern(xi, mixtures=True)
    assert len(classifier.names) == 3 + 3 + 8
    mixture = np.sign(xi[0] - xi[1] + xi[2])
    states = np.stack([xi[1], -xi[2], mixture, np.ones(200)])
    labels = classifier(states)
    names = [classifier.names[k] if k >= 0 else "unrecognised" for k in labels]
    assert names == ["pattern 1", "-pattern 2",
                     "mixture(+pattern 0, -pattern 1, +pattern 2)", "unrecognised"]


ANGLE = 0.4
ROTATION = np.array([[np.cos(ANGLE), -np.sin(ANGLE)], [np.sin(ANGLE), np.cos(ANGLE)]])


class RotatedWells(attractors.ContinuousSystem):
    """y' = y - y**3 per coordinate, in coordinates x = R y (user-written)."""

    n_units = 2

    def vector_field(self, t, x, inputs=None):
        y = x @ ROTATION
        return (y - y**3) @ ROTATION.T


def test_continuous_basins_are_the_quadrants():
    rng = np.random.default_rng(7)
    y0 = rng.uniform(-2, 2, (400, 2))
    y0 = y0[np.min(np.abs(y0), axis=1) > 0.05]  # away from the separatrices y_i = 0
    result = basins(RotatedWells(), y0 @ ROTATION.T, t_span=20.0, dt=0.02, tol=1e-8)
    assert result.attrs["n_converged"] == len(y0)
    # Every start ends at R sign(y0): its quadrant's stable node.
    expected = np.sign(y0) @ ROTATION.T
    np.testing.assert_allclose(result.final_state.values, expected, atol=1e-7)
    assert result.sizes["attractor"] == 4
    # Uniform starts: each basin holds a quarter of the square; the 99.9 % Wilson
    # intervals contain 1/4 (a 1e-3 chance each to fail for a correct estimator, fixed seed).
    low, high = wilson_interval(result["count"].values, len(y0), 0.999)
    assert np.all((low <= 0.25) & (0.25 <= high))


def test_convergence_time_matches_the_closed_form():
    """x' = x - x^3 from x0: x(t)^2 = 1 / (1 + (1/x0^2 - 1) e^{-2t}).  The run stops at
    the first record with |F| <= tol; records are t_span / n_records apart."""

    class Well(attractors.ContinuousSystem):
        n_units = 1

        def vector_field(self, t, x, inputs=None):
            return x - x**3

    x0 = np.array([[0.1], [0.5], [2.0], [-0.3]])
    tol = 1e-6
    result = basins(Well(), x0, t_span=20.0, dt=0.001, tol=tol, n_records=2000)
    spacing = 20.0 / 2000

    def speed(t, start):
        x = np.sign(start) / np.sqrt(1 + (1 / start**2 - 1) * np.exp(-2 * t))
        return abs(x - x**3) - tol

    exact = np.array([brentq(speed, 0.0, 20.0, args=(s,), xtol=1e-12) for s in x0[:, 0]])
    measured = result.convergence_time.values
    # RK4 at dt = 1e-3 follows the exact solution to ~1e-12, so the measured time is
    # the first record at or after the exact crossing.
    assert np.all(measured >= exact - 1e-9) and np.all(measured <= exact + spacing + 1e-9)
    assert result.sizes["attractor"] == 2


class CosineRing(RateNetwork):
    @property
    def coords(self):
        return {"theta": ("unit", 2 * np.pi * np.arange(self.n_units) / self.n_units)}


def test_bump_position_classifier_on_a_ring():
    n = 32
    theta = 2 * np.pi * np.arange(n) / n
    ring = CosineRing(3.0 * np.cos(theta[:, None] - theta[None, :]) / n)
    centres = -np.pi + 2 * np.pi * (np.arange(8) + 0.5) / 8  # bin centres
    starts = 1.5 * np.cos(theta[None, :] - centres[:, None])
    result = basins(ring, starts, classifier=BumpPosition(8), t_span=40.0, dt=0.05, tol=1e-6)
    # The cosine ring has no pinning at this size (below 1e-13, see test_fixed_points):
    # a symmetric bump stays where it starts.
    np.testing.assert_array_equal(result.label.values, np.arange(8))
    assert result.name.values[0] == "[-3.142, -2.356)"
    flat = basins(ring, np.zeros((1, n)), classifier=BumpPosition(8), t_span=1.0, dt=0.1)
    assert flat.label.values.tolist() == [-2]  # the origin is a fixed point with no bump


def test_recall_probability_and_basin_radius():
    """At load 3/200, cues closer than the reversal are recalled; by the symmetry
    s -> -s a cue at distance d of xi is one at 1 - d of -xi, so the recall probability
    at 1 - d is that of the reversal at d, and the radius cannot exceed 1/2."""
    rng = np.random.default_rng(11)
    xi = rng.choice([-1, 1], (3, 200))
    net = HopfieldNetwork.from_patterns(xi)
    curve = recall_probability(net, xi, [0.0, 0.1, 0.25, 0.5, 0.75, 0.9], n_trials=20, seed=5)
    p = curve.mean_probability.values
    np.testing.assert_array_equal(p[:2], 1.0)
    np.testing.assert_array_equal(p[-2:], 0.0)
    radius = curve.basin_radius.item()
    assert 0.25 <= radius <= 0.5
    assert np.all(curve.probability_low.values <= curve.probability.values)
    assert np.all(curve.probability.values <= curve.probability_high.values)
    again = recall_probability(net, xi, [0.0, 0.1, 0.25, 0.5, 0.75, 0.9], n_trials=20, seed=5)
    np.testing.assert_array_equal(again.recalled.values, curve.recalled.values)


def test_plain_function_classifier_and_errors():
    result = basins(RotatedWells(), [[1.5, 0.2], [-1.2, -0.4]], t_span=20.0, dt=0.05,
                    classifier=lambda final: (final[:, 0] > 0).astype(int))
    assert result.label.values.tolist() == [1, 0]
    assert result.name.values.tolist() == ["attractor 0", "attractor 1"]
    with pytest.raises(ParameterError, match="integer label"):
        basins(RotatedWells(), [[1.5, 0.2]], t_span=20.0, dt=0.05, classifier=lambda f: f[:, 0])
    with pytest.raises(ParameterError, match="initial_states"):
        basins(RotatedWells(), np.zeros((2, 3)), t_span=1.0, dt=0.1)
    with pytest.raises(ParameterError, match="t_span"):
        basins(RotatedWells(), np.zeros((2, 2)), dt=0.1)
    with pytest.raises(ParameterError, match="classifier"):
        basins(RotatedWells(), np.zeros((2, 2)), t_span=1.0, dt=0.1, classifier=3)
    with pytest.raises(ParameterError, match="angular"):
        basins(RotatedWells(), [[1.5, 0.2]], t_span=20.0, dt=0.05, classifier=BumpPosition())
    assert repr(UniqueStates()) == "UniqueStates(tol=0.0001)"


# ------------------------------------------------- AttractorType: attractors of every type


class Bautin(attractors.ContinuousSystem):
    """r' = r (mu + r^2 - r^4), theta' = 2 (Kuznetsov 2004, sec. 8.3), mu = -0.2."""

    n_units = 2

    def vector_field(self, t, x, inputs=None):
        r2 = np.sum(x * x, axis=-1)
        growth = -0.2 + r2 - r2 * r2
        return np.stack([growth * x[..., 0] - 2.0 * x[..., 1],
                         growth * x[..., 1] + 2.0 * x[..., 0]], axis=-1)


class TwoCycles(attractors.ContinuousSystem):
    """r' = -r (r - 1)(r - 2)(r - 3), theta' = 1.5: stable cycles at r = 1 and 3, same period."""

    n_units = 2

    def vector_field(self, t, x, inputs=None):
        r = np.linalg.norm(x, axis=-1)
        g = -(r - 1) * (r - 2) * (r - 3)
        return np.stack([g * x[..., 0] - 1.5 * x[..., 1], g * x[..., 1] + 1.5 * x[..., 0]], -1)


def _cell_centred_grid(half_width, side):
    h = 2 * half_width / side
    axis = -half_width + h * (np.arange(side) + 0.5)
    return np.array(np.meshgrid(axis, axis)).reshape(2, -1).T, h


def test_attractor_type_basins_of_the_bautin_fixed_point_and_cycle():
    from attractors.analysis import AttractorType

    grid, h = _cell_centred_grid(1.3, 25)
    result = basins(Bautin(), grid, classifier=AttractorType(transient=60.0, t_search=10.0),
                    dt=0.02, seed=0)
    assert sorted(result.attractor_type.values.tolist()) == ["fixed_point", "periodic"]
    point = result.sel(name="fixed_point 0")
    cycle = result.sel(name="periodic 1")
    # The state is a final state judged at rest: its record (10 time units, decay rate 0.2)
    # moved by at most tolerance 1e-3, so it is within 1e-3 / (1 - e^-2) of the origin.
    np.testing.assert_allclose(point.attractor_state, [0.0, 0.0], atol=1.2e-3)
    # The stable cycle r^2 = (1 + sqrt(1 + 4 mu)) / 2; period 2 pi / omega.  Recorded states
    # sit on the cycle to the transient's decay e^(-60 * 0.25) and RK4's O(dt^4) ~ 1e-7.
    outer, inner = np.sqrt((1 + np.sqrt(0.2)) / 2), np.sqrt((1 - np.sqrt(0.2)) / 2)
    assert np.linalg.norm(cycle.attractor_state) == pytest.approx(outer, abs=1e-5)
    assert float(cycle.period) == pytest.approx(np.pi, rel=1e-3)  # crossing interpolation
    # Exact per start: r never crosses the unstable cycle r = inner (1-D radial dynamics),
    # so every start off it (by more than the integrator's O(dt^4) drift) lands on its side.
    radius = np.linalg.norm(grid, axis=1)
    off = np.abs(radius - inner) > 1e-3
    expected = np.where(radius < inner, int(point.label_value), int(cycle.label_value))
    np.testing.assert_array_equal(result.label.values[off], expected[off])
    # The fraction inside is the area ratio pi r^2 / (2.6)^2 = 0.1285 up to the cells the
    # circle crosses: a monotone quarter arc meets at most 2 (r / h + 1) cells, so at most
    # 8 (r / h + 1) in all, out of 625.
    bound = 8 * (inner / h + 1) / grid.shape[0]
    assert float(point.fraction) == pytest.approx(np.pi * inner**2 / 2.6**2, abs=bound)
    assert float(point.fraction + cycle.fraction) == 1.0


def test_attractor_type_tells_two_cycles_of_the_same_period_apart():
    from attractors.analysis import AttractorType

    grid, _ = _cell_centred_grid(3.6, 16)
    result = basins(TwoCycles(), grid, classifier=AttractorType(transient=20.0, t_search=20.0),
                    dt=0.02, seed=0)
    assert result.attractor_type.values.tolist() == ["periodic", "periodic"]
    radii = np.linalg.norm(result.attractor_state.values, axis=1)
    # Convergence at rates 2 (r = 1) and 6 (r = 3) over 20 time units: on the cycles to 1e-6.
    np.testing.assert_allclose(sorted(radii), [1.0, 3.0], atol=1e-6)
    np.testing.assert_allclose(result.period, 2 * np.pi / 1.5, rtol=1e-3)
    # Inside r = 2 (the unstable cycle) to the inner cycle, outside to the outer one.
    inner = int(result.label_value[np.argmin(radii)])
    start_radius = np.linalg.norm(grid, axis=1)
    np.testing.assert_array_equal(result.label.values == inner, start_radius < 2)


def test_attractor_type_fixed_points_and_divergence():
    from attractors.analysis import AttractorType

    class Bistable(attractors.ContinuousSystem):
        n_units = 1

        def vector_field(self, t, x, inputs=None):
            return x - x**3 + np.where(x > 3, x**3, 0.0)  # beyond 3: x' = x, runs away

    starts = [[-2.0], [-0.5], [0.5], [2.0], [3.5]]
    result = basins(Bistable(), starts, classifier=AttractorType(transient=30.0, t_search=5.0),
                    dt=0.01, seed=0)
    assert result.name.values.tolist() == ["fixed_point 0", "fixed_point 1", "divergent"]
    np.testing.assert_allclose(result.attractor_state.values[:2, 0], [-1.0, 1.0], atol=1e-8)
    assert result.label.values.tolist() == [0, 0, 1, 1, -1]
    assert result.converged.values.tolist() == [True] * 4 + [False]
    with pytest.raises(ParameterError, match="t_span cannot be given"):
        basins(Bistable(), starts, classifier=AttractorType(), dt=0.01, t_span=5.0)
    with pytest.raises(ParameterError, match="match_fraction must be in"):
        AttractorType(match_fraction=1.5)
    with pytest.raises(ParameterError, match="dt is required"):
        basins(Bistable(), starts, classifier=AttractorType())


def test_attractor_type_one_chaotic_attractor_from_many_starts():
    from attractors.analysis import AttractorType

    class Lorenz(attractors.ContinuousSystem):
        n_units = 3

        def vector_field(self, t, x, inputs=None):
            a, b, c = x[..., 0], x[..., 1], x[..., 2]
            return np.stack([10 * (b - a), a * (28 - c) - b, a * b - 8 / 3 * c], axis=-1)

    starts = np.random.default_rng(0).normal(size=(6, 3)) * 5 + [0, 0, 25]
    result = basins(Lorenz(), starts, classifier=AttractorType(transient=10.0, t_search=30.0),
                    dt=0.01, seed=0)
    # One attractor, chaotic: its records (30 time units, ~35 circuits) cover the same set.
    assert result.name.values.tolist() == ["chaotic 0"]
    assert result["count"].values.tolist() == [6]


def test_attractor_type_is_callable_only_through_basins():
    from attractors.analysis import AttractorType

    # callable() holds (callers that check it, e.g. global_continuation, accept it), but a
    # direct call on final states explains where it belongs.
    assert callable(AttractorType())
    with pytest.raises(ParameterError, match="classifies trajectories"):
        AttractorType()(np.zeros((2, 2)))
