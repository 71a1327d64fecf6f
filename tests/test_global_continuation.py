"""Global continuation: basin fractions over a parameter grid, ids kept across steps.

Closed forms: the bistable unit x' = h - x + 2 tanh x has fixed points on
h = x - 2 tanh x, whose upper stable branch ends in a fold at
h* = arccosh(sqrt 2) - sqrt 2 (where 1 = 2 sech^2 x); two targets rotating
rigidly in the plane swap their lexicographic order halfway, which only the
matching (not the order in which attractors are found) can see through.
"""

import dataclasses
import math

import numpy as np
import pytest
import xarray as xr
from scipy.optimize import brentq

import attractors
from attractors import ParameterError
from attractors.analysis import NearestPattern, global_continuation
from attractors.models import HopfieldNetwork
from attractors.patterns import flip, random_patterns

H_FOLD = math.acosh(math.sqrt(2)) - math.sqrt(2)  # -0.5328


@dataclasses.dataclass(frozen=True)
class Bistable(attractors.ContinuousSystem):
    h: float = 0.0
    n_units = 1

    def vector_field(self, t, x, inputs=None):
        return self.h - x + 2 * np.tanh(x)


@dataclasses.dataclass(frozen=True)
class TwoTargets(attractors.DiscreteSystem):
    """Every state jumps to the nearer of (cos p, sin p) and its negative: fixed in one step."""

    p: float = 0.0
    n_units = 2

    def update(self, x, rng=None, inputs=None):
        a = np.array([math.cos(self.p), math.sin(self.p)])
        closer = (x @ a)[..., None] >= 0
        return np.where(closer, a, -a)


@dataclasses.dataclass(frozen=True)
class HopfNormalForm(attractors.ContinuousSystem):
    mu: float = -1.0
    n_units = 2

    def vector_field(self, t, z, inputs=None):
        x, y = z[..., 0], z[..., 1]
        r2 = x * x + y * y
        return np.stack([self.mu * x - y - x * r2, x + self.mu * y - y * r2], axis=-1)


STARTS = np.linspace(-3, 3, 40)[:, None]
H_VALUES = np.round(np.arange(0.0, -1.01, -0.1), 10)


@pytest.fixture(scope="module")
def fold():
    # t_span 100: the slowest rate, at h = -0.5 next to the fold, is
    # |g'(x)| ~ 0.3, so the runs reach max|F| <= tol well within it.
    return global_continuation(Bistable(), "h", H_VALUES, STARTS, t_span=100.0, dt=0.05)


def test_fractions_sum_to_one_and_identity_kept_through_the_fold(fold):
    np.testing.assert_allclose(fold.fraction.sum("attractor"), 1.0, rtol=0, atol=1e-12)
    assert fold.attractor.values.tolist() == [0, 1]  # no id born, none lost to a relabelling
    lower, upper = (fold.attractor_state.sel(attractor=a, unit=0) for a in (0, 1))
    assert np.all(lower < -1)  # the lower state exists over the whole range
    alive = fold.exists.sel(attractor=1).values
    # The upper state exists exactly above the closed-form fold, and its fraction is 0 after it.
    np.testing.assert_array_equal(alive, H_VALUES > H_FOLD)
    assert np.all(fold.fraction.sel(attractor=1).values[~alive] == 0)
    last, after = H_VALUES[alive][-1], H_VALUES[~alive][0]
    assert after < H_FOLD < last
    # Where found, the states sit on the closed-form branches h = x - 2 tanh x (the runs stop
    # at max|F| <= 1e-8 ... the default tol; |F| / |g'| <= 1e-6 away from the fold).
    for value, x_low, x_up, up in zip(H_VALUES, lower.values, upper.values, alive):
        exact_low = brentq(lambda x, h=value: x - 2 * np.tanh(x) - h, -5, -0.8814)
        assert x_low == pytest.approx(exact_low, abs=1e-5)
        if up:
            exact_up = brentq(lambda x, h=value: x - 2 * np.tanh(x) - h, 0.8814, 5)
            assert x_up == pytest.approx(exact_up, abs=1e-5)
    # Counts: starts above the unstable middle state go up (all 40 starts are accounted for).
    assert fold["count"].sum("attractor").values.tolist() == [40] * H_VALUES.size
    assert fold.n_attractors.values.tolist() == [int(a) + 1 for a in alive]


def test_matching_follows_attractors_whose_order_swaps():
    values = np.arange(0.0, 3.01, 0.2)  # the targets turn by 0.2 rad per step (0.2 apart)
    starts = np.random.default_rng(1).normal(size=(30, 2))
    result = global_continuation(TwoTargets(), "p", values, starts, n_steps=5)
    assert result.attractor.values.tolist() == [0, 1]
    a = np.stack([np.cos(values), np.sin(values)], axis=-1)
    first = result.attractor_state.sel(attractor=0).values
    sign = np.sign(first[0] @ a[0])
    # Attractor 0 stays the same target all the way (its lexicographic rank swaps at pi/2).
    np.testing.assert_allclose(first, sign * a, atol=1e-12)
    # Basins are half-planes through the origin rotating with p; fractions follow the starts.
    expected = np.mean((starts @ a.T) * sign >= 0, axis=0)
    np.testing.assert_allclose(result.fraction.sel(attractor=0), expected)
    # A threshold below the 0.2-per-step distance: every step gives new ids, never reused.
    split = global_continuation(TwoTargets(), "p", values, starts, n_steps=5, threshold=0.1)
    assert split.attractor.size == 2 * values.size
    assert np.all(split.exists.sum("p") == 1)


def test_an_attractor_that_reappears_gets_a_new_id_unless_use_vanished():
    # h = 0 -> -0.8 -> 0.05: the upper state vanishes past the fold (-0.533) and comes back.
    values, kwargs = [0.0, -0.8, 0.05], dict(t_span=60.0, dt=0.05)
    fresh = global_continuation(Bistable(), "h", values, STARTS, **kwargs)
    assert fresh.attractor.values.tolist() == [0, 1, 2]
    assert fresh.exists.values.tolist() == [[True, True, False], [True, False, False],
                                            [True, False, True]]
    # Matched against the last state seen of every attractor, by a feature (the sign).
    kept = global_continuation(Bistable(), "h", values, STARTS, use_vanished=True,
                               feature=lambda final, model: np.sign(final.mean(0)), **kwargs)
    assert kept.attractor.values.tolist() == [0, 1]
    assert kept.exists.sel(attractor=1).values.tolist() == [True, False, True]
    np.testing.assert_array_equal(kept.attractor_feature.sel(attractor=1, feature=0),
                                  [1.0, np.nan, 1.0])


def test_not_converged_label_counted_and_fractions_sum_to_one():
    result = global_continuation(Bistable(), "h", [0.0, -0.2], STARTS, t_span=0.5, dt=0.05)
    assert -1 in result.attractor.values
    assert result.name.sel(attractor=-1).item() == "not converged"
    assert result.fraction.sel(attractor=-1).min() > 0
    np.testing.assert_allclose(result.fraction.sum("attractor"), 1.0, rtol=0, atol=1e-12)
    assert set(result.data_vars) >= {"fraction_low", "fraction_high"}
    assert np.all(result.fraction_low <= result.fraction)
    assert np.all(result.fraction <= result.fraction_high)


def random_starts(model, rng):
    return rng.uniform(-3, 3, size=(25, 1))


def test_same_seed_same_result_and_workers_agree(tmp_path):
    kwargs = dict(t_span=60.0, dt=0.05)
    one = global_continuation(Bistable(), "h", [0.2, 0.0, -0.2], random_starts, seed=3, **kwargs)
    again = global_continuation(Bistable(), "h", [0.2, 0.0, -0.2], random_starts, seed=3,
                                **kwargs)
    xr.testing.assert_identical(one, again)
    other = global_continuation(Bistable(), "h", [0.2, 0.0, -0.2], random_starts, seed=4,
                                **kwargs)
    assert not np.array_equal(one["count"].values, other["count"].values)
    two = global_continuation(Bistable(), "h", [0.2, 0.0, -0.2], random_starts, seed=3,
                              workers=2, store=tmp_path / "store", **kwargs)
    xr.testing.assert_equal(one, two)
    resumed = global_continuation(Bistable(), "h", [0.2, 0.0, -0.2], random_starts, seed=3,
                                  store=tmp_path / "store", **kwargs)
    assert resumed.attrs["computed_points"] == 0
    xr.testing.assert_equal(one, resumed)
    # Another model on the same store is refused, not mixed in.
    with pytest.raises(attractors.SweepStoreError, match="fixed"):
        global_continuation(Bistable(), "h", [0.2, 0.0, -0.2], STARTS, seed=3,
                            store=tmp_path / "store", **kwargs)


FINGERPRINT = """
import dataclasses, sys, numpy as np, attractors
from attractors.analysis._global_mapping import _Setup, _fingerprint

@dataclasses.dataclass(frozen=True)
class Unit(attractors.ContinuousSystem):
    h: float = float(sys.argv[1])
    n_units = 1
    def vector_field(self, t, x, inputs=None):
        return self.h - x

w = np.arange(3.0)
print(_fingerprint(_Setup(Unit(), "h", lambda model, rng: w[:, None], "basins",
                          None, None, {"dt": 0.1})))
"""


def test_store_fingerprint_is_the_same_in_every_process(tmp_path):
    # A sweep store is matched by this digest: a model class defined in a script must give
    # the same one when the script runs again (cloudpickle would not: a new class id per run).
    import subprocess
    import sys

    script = tmp_path / "fingerprint.py"
    script.write_text(FINGERPRINT)
    processes = [subprocess.Popen([sys.executable, str(script), "0.5"], stdout=subprocess.PIPE,
                                  text=True) for _ in range(2)]  # side by side
    runs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    assert runs[0] == runs[1] and len(runs[0].strip()) == 24


class OwnPattern:
    """Pattern 0 of the network at hand, its reversal, or -2: names the same at every load."""

    names = ["retrieval", "reversal"]

    def __call__(self, final, system):
        return NearestPattern(system.patterns[:1])(final, system)


def test_hopfield_load_factory_label_matching_and_features():
    n = 200
    xi = random_patterns(60, n, seed=0)

    def network(load):
        return HopfieldNetwork.from_patterns(xi[: round(load * n)])

    def cues(model, rng):
        return flip(np.repeat(model.patterns[:1], 20, axis=0), 0.1, exact=True, rng=rng)

    result = global_continuation(network, "load", [0.02, 0.05, 0.25], cues, classifier=OwnPattern(),
                                 match="label", feature=lambda s, m: s.mean(0) @ m.patterns[0] / n)
    assert result.sel(attractor=0).name.item() == "retrieval"
    assert result.attrs["classifier"] == "OwnPattern"  # no memory address: runs compare equal
    # Far below alpha_c = 0.138 a 10 % cue is retrieved (AGS: m ~ 1, basin radius >> 0.1);
    # far above it the cue drifts to a spin-glass state (overlap < 0.95: unrecognised).
    retrieval = result.fraction.sel(attractor=0).values
    assert retrieval[0] == 1 and retrieval[1] == 1 and retrieval[2] < 0.5
    assert result.attractor_feature.sel(attractor=0, load=0.02).item() == pytest.approx(1, abs=0.02)
    assert result.attractor_feature.dims == ("load", "attractor", "feature")


def test_type_mapper_labels_the_hopf_cycle():
    starts = np.array([[0.5, 0.0], [-0.3, 0.4]])
    result = global_continuation(HopfNormalForm(), "mu", [-0.5, 0.5], starts, mapper="type",
                                 match="label", dt=0.05, options={"transient": 60.0,
                                                                  "t_search": 20.0})
    assert result.fraction.sel(mu=-0.5, name="fixed_point").item() == 1
    assert result.fraction.sel(mu=0.5, name="periodic").item() == 1
    # The cycle's representative state lies on the circle r = sqrt(mu).
    state = result.attractor_state.sel(mu=0.5, attractor=result.name == "periodic")
    assert np.linalg.norm(state.values) == pytest.approx(math.sqrt(0.5), rel=1e-2)


@pytest.mark.parametrize("args, kwargs, match", [
    (("k", [0.0, 1.0], STARTS), {}, "parameter must name a field of Bistable"),
    (("h", [], STARTS), {}, "values must be a non-empty"),
    (("h", [0.0, 0.0], STARTS), {}, "values must not repeat"),
    (("h", [0.0], np.zeros((5, 2))), {}, r"initial_states must have shape \(n_starts, 1\)"),
    (("h", [0.0], np.zeros(5)), {}, "initial_states must have shape"),
    (("h", [0.0], STARTS), {"mapper": "lyapunov"}, "mapper must be one of"),
    (("h", [0.0], STARTS), {"threshold": 0}, "threshold must be a positive number"),
    (("h", [0.0], STARTS), {"mapper": "type", "classifier": OwnPattern()}, "classifier is for"),
    (("h", [0.0], STARTS), {"feature": 3}, "feature must be callable"),
    (("h", [0.0], STARTS), {"max_attractors": 0}, "max_attractors must be"),
])
def test_bad_input(args, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        global_continuation(Bistable(), *args, **kwargs)


def test_max_attractors_bounds_the_padding_and_says_when_exceeded():
    small = global_continuation(Bistable(), "h", [0.0], STARTS, t_span=60.0, dt=0.05,
                                max_attractors=2)
    assert small.attractor.values.tolist() == [0, 1]
    with pytest.raises(ParameterError, match="2 attractors found at h = 0.0, more than "
                                             "max_attractors = 1"):
        global_continuation(Bistable(), "h", [0.0], STARTS, t_span=60.0, dt=0.05,
                            max_attractors=1)


def test_bad_input_non_numeric_field_and_bad_factory():
    @dataclasses.dataclass(frozen=True)
    class Named(Bistable):
        label: str = "x"
        n_steps: int = 3

    with pytest.raises(ParameterError, match="'label' of Named is not a real number"):
        global_continuation(Named(), "label", [0.0], STARTS)
    with pytest.raises(ParameterError, match="is an integer: values must be whole numbers"):
        global_continuation(Named(), "n_steps", [1.5], STARTS)
    with pytest.raises(ParameterError, match="must return a DynamicalSystem"):
        global_continuation(lambda value: 3, "load", [0.1], STARTS)
    with pytest.raises(ParameterError, match="parameter must not be named 'unit'"):
        global_continuation(lambda value: Bistable(), "unit", [0.1], STARTS)


def test_plot_basin_fractions_stacks_to_one_with_stable_colours(fold):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from attractors.plot import plot_basin_fractions

    ax = plot_basin_fractions(fold, labels={0: "lower", 1: None}, colors={0: "tab:blue"})
    bands = ax.collections
    assert len(bands) == 2
    # The top edge of the last band is 1 at every value: the fractions stack to one.
    top = bands[-1].get_paths()[0].vertices[:, 1]
    assert top.max() == pytest.approx(1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["lower"]
    assert matplotlib.colors.same_color(bands[0].get_facecolor()[0], "tab:blue")
    # Colour per id, not per position: attractor 1 gets the colour map's entry 1.
    assert matplotlib.colors.same_color(bands[1].get_facecolor()[0], plt.get_cmap("tab10")(1))
    assert ax.get_xlabel() == "parameter h"
    with pytest.raises(ParameterError, match="global_continuation"):
        plot_basin_fractions(fold.drop_vars("fraction"))
    with pytest.raises(ParameterError, match="labels must be a mapping"):
        plot_basin_fractions(fold, labels=["a"])
    plt.close("all")


@dataclasses.dataclass(frozen=True)
class TwoCycles(attractors.ContinuousSystem):
    """r' = -r (r - 1)(r - a)(r - 3), theta' = 1: stable cycles at r = 1 and 3, unstable at a."""

    a: float = 2.0
    n_units = 2

    def vector_field(self, t, x, inputs=None):
        r = np.linalg.norm(x, axis=-1)
        g = -(r - 1) * (r - self.a) * (r - 3)
        return np.stack([g * x[..., 0] - x[..., 1], g * x[..., 1] + x[..., 0]], -1)


def test_cycles_of_attractor_type_matched_by_a_feature():
    from attractors.analysis import AttractorType

    radii = np.linspace(0.3, 3.7, 9)  # starts on the x axis; r < a goes to the inner cycle
    starts = np.stack([radii, np.zeros_like(radii)], axis=-1)
    values = [1.5, 2.1, 2.7]
    result = global_continuation(
        TwoCycles(), "a", values, starts, classifier=AttractorType(transient=15, t_search=14),
        dt=0.05, feature=lambda final, model: [np.linalg.norm(final, axis=-1).mean()])
    assert result.attractor.values.tolist() == [0, 1]
    radius = result.attractor_feature.sel(feature=0)
    inner = int(np.argmin(radius.isel(a=0).values))
    # Each id keeps its cycle (the radius of its states) at every value ...
    np.testing.assert_allclose(radius.sel(attractor=inner), 1.0, atol=1e-3)
    np.testing.assert_allclose(radius.sel(attractor=1 - inner), 3.0, atol=1e-3)
    # ... and its basin is the starts inside (outside) the unstable cycle r = a.
    expected = [np.mean(radii < a) for a in values]
    np.testing.assert_allclose(result.fraction.sel(attractor=inner), expected)
