"""Tests of attractors.plot on small real trajectories."""

import matplotlib

matplotlib.use("Agg")

import subprocess  # noqa: E402
import sys  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import attractors  # noqa: E402
from attractors import ParameterError  # noqa: E402
from attractors.models import (  # noqa: E402
    ContractionMap,
    DoubleWell,
    LinearSystem,
    OrnsteinUhlenbeck,
)
from attractors.plot import plot_energy, plot_phase_plane, plot_state  # noqa: E402
from attractors.solvers import EulerMaruyama  # noqa: E402

# Animations built only to be inspected are never rendered; matplotlib warns about that.
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted:UserWarning")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def double_well_batch():
    """Three trials of the two-unit double well, each flowing to a minimum."""
    x0 = [[0.3, 0.1], [-0.2, 0.4], [0.05, -0.6]]
    return attractors.simulate(DoubleWell(), x0, t_span=5.0, dt=0.05, seed=0)


def test_import_does_not_load_matplotlib():
    # Run in a fresh interpreter: this test process has matplotlib loaded already.
    code = "import sys, attractors.plot; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_plot_state_lines_for_few_units():
    run = attractors.simulate(LinearSystem(np.diag([-1.0, -2.0, -3.0])), [1.0, 1.0, 1.0],
                              t_span=1.0, dt=0.1)
    ax = plot_state(run)
    assert len(ax.lines) == 3
    np.testing.assert_allclose(ax.lines[2].get_xdata(), run.time.values)
    np.testing.assert_allclose(ax.lines[2].get_ydata(), run.state.sel(unit=2).values)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["unit 0", "unit 1", "unit 2"]
    assert ax.get_xlabel() == "time (model time units)"
    assert ax.get_ylabel() == "state (a.u.)"
    assert "LinearSystem" in ax.get_title()


def test_plot_state_selects_a_trial(double_well_batch):
    ax = plot_state(double_well_batch, trial=1)
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               double_well_batch.state.sel(trial=1, unit=0).values)
    assert "trial 1" in ax.get_title()
    # Without a trial, the first one is shown and the title says which.
    assert "trial 0" in plot_state(double_well_batch).get_title()
    with pytest.raises(ParameterError, match="trial=7"):
        plot_state(double_well_batch, trial=7)


def test_plot_state_heatmap_for_many_units():
    n_units = 30
    matrix = -np.diag(np.linspace(0.5, 3.0, n_units))
    run = attractors.simulate(LinearSystem(matrix), np.ones(n_units), t_span=1.0, dt=0.1)
    ax = plot_state(run)
    assert len(ax.lines) == 0
    assert len(ax.collections) == 1
    mesh = ax.collections[0]
    assert mesh.get_array().size == run.sizes["time"] * n_units
    assert ax.get_ylabel() == "unit"
    assert ax.get_xlabel() == "time (model time units)"
    # The colour bar is a second axes of the figure, labelled with the state.
    colorbar_axes = [other for other in ax.figure.axes if other is not ax]
    assert len(colorbar_axes) == 1
    assert colorbar_axes[0].get_ylabel() == "state (a.u.)"


def test_plot_state_labels_units_with_a_model_coordinate():
    # A coordinate on the unit dim (as theta on a ring) labels the units when present.
    run = attractors.simulate(LinearSystem(-np.eye(12)), np.ones(12), t_span=0.5, dt=0.1)
    theta = np.linspace(-np.pi, np.pi, 12, endpoint=False)
    run = run.assign_coords(theta=("unit", theta, {"long_name": "preferred direction",
                                                   "units": "rad"}))
    ax = plot_state(run)
    assert ax.get_ylabel() == "preferred direction (rad)"
    low, high = ax.get_ylim()
    assert low < theta[0] and high > theta[-1]
    lines = plot_state(run.isel(unit=slice(0, 3)))
    assert lines.get_legend().get_texts()[1].get_text() == f"theta {theta[1]:.3g}"
    with pytest.raises(ParameterError, match="unit_coord"):
        plot_state(run, unit_coord="nope")


def test_plot_state_discrete_time_axis_in_steps():
    run = attractors.simulate(ContractionMap(), [1.0, -1.0, 0.5], n_steps=8)
    ax = plot_state(run)
    assert len(ax.lines) == 3
    assert ax.get_xlabel() == "time (step)"


def test_plot_energy_one_line_per_trial_and_no_marks_when_decreasing(double_well_batch):
    ax = plot_energy(double_well_batch)
    assert len(ax.lines) == 3
    assert len(ax.collections) == 0  # a gradient flow: no increase to mark
    assert ax.get_xlabel() == "time (model time units)"
    assert ax.get_ylabel() == "energy (Lyapunov function) (a.u.)"
    assert "never rises" in ax.get_title()
    np.testing.assert_allclose(ax.lines[1].get_ydata(),
                               double_well_batch.energy.sel(trial=1).values)


def test_plot_energy_marks_every_increase():
    # With noise the Ornstein-Uhlenbeck energy |x|^2 / 2 rises at random steps.
    run = attractors.simulate(OrnsteinUhlenbeck(n_units=1), [[0.0], [0.5]], t_span=2.0, dt=0.1,
                              solver=EulerMaruyama(noise=1.0), seed=3)
    report = attractors.check_energy(run)
    assert report.attrs["n_violations"] > 0
    ax = plot_energy(run)
    assert len(ax.lines) == 2
    (marks,) = ax.collections
    np.testing.assert_allclose(marks.get_offsets(),
                               np.column_stack([report.time.values, report.energy_after.values]))
    n = report.attrs["n_violations"]
    assert f"energy increase ({n})" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"rose {n} time(s)" in ax.get_title()


def test_plot_energy_single_trial_and_no_energy():
    run = attractors.simulate(LinearSystem([[-1.0]]), [1.0], t_span=1.0, dt=0.1)
    ax = plot_energy(run)
    assert len(ax.lines) == 1
    rotation = attractors.simulate(LinearSystem([[0.0, -1.0], [1.0, 0.0]]), [1.0, 0.0],
                                   t_span=1.0, dt=0.1)
    with pytest.raises(ParameterError, match="no recorded energy"):
        plot_energy(rotation)


def test_plot_phase_plane_one_curve_per_trial(double_well_batch):
    ax = plot_phase_plane(double_well_batch)
    assert len(ax.lines) == 3
    starts, ends = ax.collections
    state = double_well_batch.state
    np.testing.assert_allclose(starts.get_offsets(), state.isel(time=0).values)
    np.testing.assert_allclose(ends.get_offsets(), state.isel(time=-1).values)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["trial 0", "trial 1", "trial 2", "start", "end"]
    assert ax.get_xlabel() == "state of unit 0 (a.u.)"
    assert ax.get_ylabel() == "state of unit 1 (a.u.)"
    assert "phase plane" in ax.get_title()


def test_plot_phase_plane_single_trial_units_and_flow():
    system = DoubleWell(n_units=3)
    run = attractors.simulate(system, [0.3, 0.1, -0.2], t_span=1.0, dt=0.1)
    ax = plot_phase_plane(run, units=(2, 0))
    assert len(ax.lines) == 1
    np.testing.assert_allclose(ax.lines[0].get_xdata(), run.state.sel(unit=2).values)
    assert ax.get_xlabel() == "state of unit 2 (a.u.)"
    with pytest.raises(ParameterError, match="not a unit"):
        plot_phase_plane(run, units=(0, 5))
    # The flow is drawn only for a two-unit continuous model.
    with pytest.raises(ParameterError, match="two-unit"):
        plot_phase_plane(run, system=system)
    two = attractors.simulate(DoubleWell(), [0.3, 0.1], t_span=1.0, dt=0.1)
    ax = plot_phase_plane(two, system=DoubleWell())
    assert len(ax.lines) == 1
    # The streamlines add a line collection and arrows behind the curve.
    assert len(ax.collections) > 2


def test_plot_on_given_axes(double_well_batch):
    fig, (left, right) = plt.subplots(1, 2)
    assert plot_phase_plane(double_well_batch, ax=left) is left
    assert plot_energy(double_well_batch, ax=right) is right
    assert len(fig.axes) == 2


def test_rejects_non_trajectories():
    with pytest.raises(ParameterError, match="xarray.Dataset"):
        plot_state(np.zeros((3, 2)))


# -- labels from the model's own coordinates (issue 14 item 7) ---------------------------

class _ExcitatoryInhibitory(LinearSystem):
    """A two-unit user model whose units are named E and I by a ``population`` coordinate."""

    @property
    def coords(self):
        return {"population": ("unit", np.array(["E", "I"]))}


@pytest.fixture
def ei_run():
    model = _ExcitatoryInhibitory([[-1.0, -2.0], [1.0, -1.0]])
    run = attractors.simulate(model, [[1.0, 0.0], [0.0, 1.0]], t_span=2.0, dt=0.1)
    run["state"].attrs.update(long_name="rate", units="Hz")
    return run


def test_a_population_coordinate_names_units_in_every_plot(ei_run):
    ax = plot_state(ei_run)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["E", "I"]
    assert ax.get_legend().get_title().get_text() == "population"
    assert ax.get_ylabel() == "rate (Hz)"
    # The phase plane takes the names as units and labels the axes with them.
    ax = plot_phase_plane(ei_run, units=("I", "E"))
    np.testing.assert_allclose(ax.lines[0].get_xdata(), ei_run.state.isel(trial=0, unit=1))
    assert ax.get_xlabel() == "rate of I (Hz)" and ax.get_ylabel() == "rate of E (Hz)"
    # Unit labels still work, and are named by the population too.
    assert plot_phase_plane(ei_run, units=(0, 1)).get_xlabel() == "rate of E (Hz)"
    with pytest.raises(ParameterError, match="'X' is not a unit.*population"):
        plot_phase_plane(ei_run, units=("E", "X"))
    # The animation's phase view reads the same labels.
    anim = attractors.plot.animate(ei_run, kind="phase", units=("E", "I"), max_frames=4)
    assert anim._fig.axes[0].get_xlabel() == "rate of E (Hz)"


# -- plot_patterns and the two-colour map (issue 14 item 8) ------------------------------

def test_plot_patterns_draws_one_image_per_pattern():
    from attractors.patterns import glyphs

    stored = glyphs("HOPE")
    axes = attractors.plot.plot_patterns(stored, labels="HOPE", n_columns=3)
    assert len(axes) == 4 and [ax.get_title() for ax in axes] == list("HOPE")
    image = axes[2].images[0]
    np.testing.assert_array_equal(image.get_array(), stored[2].reshape(10, 10))
    assert image.get_cmap().name == "attractors_spin" and image.get_clim() == (-1.0, 1.0)
    # 3 columns, 2 rows: the spare panel is hidden.
    assert sum(ax.get_visible() for ax in axes[0].figure.axes) == 4


def test_spin_cmap_gives_two_colours_split_at_the_middle():
    cmap = attractors.plot.spin_cmap()
    off, on = cmap(0.0), cmap(1.0)
    assert off != on
    assert cmap(0.49) == off and cmap(0.51) == on


def test_plot_patterns_reads_labels_shapes_and_trajectories():
    import xarray as xr

    patterns = xr.DataArray(np.array([[1, 0, 0, 1, 1, 0], [0, 1, 1, 0, 0, 1]]),
                            dims=("pattern", "unit"), coords={"pattern": ["left", "right"]})
    axes = attractors.plot.plot_patterns(patterns, shape=(2, 3))
    assert [ax.get_title() for ax in axes] == ["left", "right"]
    assert axes[0].images[0].get_clim() == (0.0, 1.0)  # 0/1 units
    # Graded states: a diverging map centred on zero.
    graded = attractors.plot.plot_patterns(np.linspace(-2, 1, 9))
    assert graded[0].images[0].get_clim() == (-2.0, 2.0)
    run = attractors.simulate(LinearSystem(-np.eye(4)), np.ones((3, 4)), t_span=1.0, dt=0.5)
    assert len(attractors.plot.plot_patterns(run)) == 3  # last state of each trial
    with pytest.raises(ParameterError, match="shape must be given for 6 units"):
        attractors.plot.plot_patterns(np.ones((2, 6)))
    with pytest.raises(ParameterError, match="shape=.*holds 8 units"):
        attractors.plot.plot_patterns(np.ones((2, 6)), shape=(2, 4))
    with pytest.raises(ParameterError, match="labels must give one title per pattern"):
        attractors.plot.plot_patterns(np.ones((2, 4)), labels=["a"])


# -- animate (issue 15 item 7) -----------------------------------------------------------

def test_animate_a_bump_profile_and_save_a_gif(tmp_path):
    from PIL import Image

    theta = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    times = np.arange(10.0)
    heading = 0.3 * times  # a bump moving at 0.3 rad per time unit
    state = np.exp(2 * np.cos(theta[None, :] - heading[:, None]))
    import xarray as xr

    run = xr.Dataset({"state": (("time", "unit"), state, {"long_name": "rate", "units": "Hz"})},
                     coords={"time": times, "unit": np.arange(16), "theta": ("unit", theta)},
                     attrs={"model": "Bump"})
    anim = attractors.plot.animate(run, path=tmp_path / "bump.gif", max_frames=5,
                                   figsize=(3.0, 2.2))
    ax = anim._fig.axes[0]
    assert ax.get_xlabel() == "theta" and ax.get_ylabel() == "rate (Hz)"
    # The marked population vector is the heading of the last frame.
    anim._func(4)
    marker = [line for line in ax.lines if line.get_label() == "population vector"][0]
    assert marker.get_xdata()[0] == pytest.approx(heading[-1] % (2 * np.pi), abs=1e-9)
    assert "t = 9" in ax.get_title()
    with Image.open(tmp_path / "bump.gif") as gif:
        assert gif.n_frames == 5
    assert "<script" in anim.to_jshtml()  # the notebook form


def test_animate_picks_the_view_from_the_coordinates(double_well_batch):
    from attractors.patterns import glyphs

    anim = attractors.plot.animate(double_well_batch, max_frames=3)  # two units: phase plane
    assert len(anim._fig.axes[0].lines) == 3
    letters = attractors.simulate(LinearSystem(-np.eye(100)), glyphs("A"), t_span=1.0, dt=0.5)
    anim = attractors.plot.animate(letters, max_frames=3)  # 100 units: a 10 x 10 image
    assert anim._fig.axes[0].images[0].get_array().shape == (10, 10)
    with pytest.raises(ParameterError, match="kind must be one of"):
        attractors.plot.animate(letters, kind="movie")
    with pytest.raises(ParameterError, match="max_frames"):
        attractors.plot.animate(letters, max_frames=1)


def test_animate_a_sheet_averages_units_at_one_position():
    import xarray as xr

    x, y = np.meshgrid(np.arange(4.0), np.arange(3.0))
    x, y = np.tile(x.ravel(), 2), np.tile(y.ravel(), 2)  # two populations per position
    state = np.stack([x + 10 * y + k for k in range(3)]) + np.r_[np.zeros(12), 2 * np.ones(12)]
    run = xr.Dataset({"state": (("time", "unit"), state)},
                     coords={"time": np.arange(3.0), "x": ("unit", x), "y": ("unit", y)})
    anim = attractors.plot.animate(run, max_frames=3)
    anim._func(2)
    image = anim._fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(image, np.arange(4.0)[None, :] + 10 * np.arange(3.0)[:, None] + 3)


# -- plot_compare (issue 14 item 1) --------------------------------------------------------

def _compare_result(with_noise: bool):
    """A Dataset with the schema of analysis.compare (its docstring), numbers made up."""
    import xarray as xr

    data = {
        "recall_accuracy": ("model", [1.0, 0.6]),
        "fraction_converged": ("model", [1.0, 0.8]),
        "energy": (("model", "time"), np.array([[0.0, -1.0, -2.0], [0.0, -0.5, -0.6]]),
                   {"units": "model energy units"}),
        "eigenvalue_real": (("model", "mode"), [[-1.0, -2.0, np.nan], [0.0, -0.5, -1.0]],
                            {"units": "1/ms"}),
        "eigenvalue_imag": (("model", "mode"), np.zeros((2, 3))),
        "n_zero_modes": ("model", [0, 1]),
        "diffusion_coefficient": ("model", [1e-6, 3e-5] if with_noise else [np.nan, np.nan]),
        "diffusion_stderr": ("model", [1e-7, 4e-6]),
        "diffusion_theory": ("model", [0.0, 3.5e-5]),
        "drift_units": ("model", ["state", "rad"]),
    }
    return xr.Dataset(data, coords={"model": ["point", "ring"], "time": [0.0, 1.0, 2.0],
                                    "mode": [0, 1, 2]})


def test_plot_compare_draws_each_measurement():
    result = _compare_result(with_noise=True)
    axes = attractors.plot.plot_compare(result)
    energy, recall, spectrum, drift = axes
    np.testing.assert_allclose(energy.lines[1].get_ydata(), [0.0, -0.5, -0.6])
    assert energy.get_ylabel() == "mean energy (model energy units)"
    heights = [patch.get_height() for patch in recall.patches]
    assert heights == [1.0, 0.6, 1.0, 0.8]  # recalled (point, ring), then converged
    # The spectrum skips the padding (NaN) and counts zero modes in the legend.
    np.testing.assert_allclose(spectrum.lines[0].get_ydata(), [-1.0, -2.0])
    assert "ring (1 zero mode(s))" in [t.get_text() for t in spectrum.get_legend().get_texts()]
    assert spectrum.get_ylabel() == "Re eigenvalue (1/ms)"
    assert [patch.get_height() for patch in drift.patches] == [1e-6, 3e-5]
    assert [t.get_text() for t in drift.get_xticklabels()][1].startswith("ring\n(rad")


def test_plot_compare_leaves_out_what_was_not_measured():
    axes = attractors.plot.plot_compare(_compare_result(with_noise=False))
    assert [ax.get_title() for ax in axes] == [
        "energy during recall", "recall", "Jacobian spectrum at the attractor"]
    with pytest.raises(ParameterError, match="analysis.compare"):
        attractors.plot.plot_compare(np.zeros(3))


def test_plot_phase_portrait_names_units_like_the_plot_functions():
    from attractors.analysis import phase_portrait, plot_phase_portrait
    from attractors.models import RateNetwork

    class EIRate(RateNetwork):
        @property
        def coords(self):
            return {"population": ("unit", np.array(["E", "I"]))}

    portrait = phase_portrait(EIRate([[2.5, -1.0], [1.0, 0.5]]), (-4, 4), n_grid=7, n_fine=31,
                              t_span=1.0, dt=0.1)
    ax = plot_phase_portrait(portrait)
    assert ax.get_xlabel() == "E (model state units)" and ax.get_ylabel() == "I (model state units)"
