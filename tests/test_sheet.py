"""GridCellSheet (Burak & Fiete 2009): hexagonal pattern from noise, flow proportional to velocity."""

import math

import numpy as np
import pytest

import attractors
from attractors import ParameterError
from attractors.analysis._grid import grid_spacing, pattern_displacement, velocity_gain
from attractors.models._sheet import GridCellSheet
from attractors.testing import check_system

N_SIDE = 64
SHEET = GridCellSheet(n_side=N_SIDE)  # lambda_net = 13, l = 2, alpha = 0.10315, gamma = 1.1 beta


@pytest.fixture(scope="module")
def formed():
    """The sheet after 1,000 ms from noise (seed 1) without velocity input."""
    return attractors.simulate(SHEET, t_span=1000.0, dt=0.5, solver="euler", seed=1,
                               record_every=500)


@pytest.fixture(scope="module")
def formed_96():
    """A 96 x 96 sheet after 500 ms from noise: the period (16.6) fits the torus ~6 times,
    so a regular hexagonal lattice fits it (on 64 x 64, 3.9 periods, it is strained)."""
    sheet = GridCellSheet(n_side=96)
    return sheet, attractors.simulate(sheet, t_span=500.0, dt=0.5, solver="euler", seed=1,
                                      record_every=500)


def test_uniform_state_instability_formula():
    # G(k) at the returned maximum, written out independently; and the unshifted
    # kernel's maximum in closed form, k*^2 = 4 beta gamma ln(gamma^2 / (a beta^2)) / (gamma - beta).
    beta, gamma = 3 / 13**2, 1.1 * 3 / 13**2
    k_unshifted = math.sqrt(4 * beta * gamma * math.log(gamma**2 / beta**2) / (gamma - beta))
    unshifted = GridCellSheet(n_side=N_SIDE, shift=0.0).uniform_instability()
    assert unshifted[0] == pytest.approx(2 * math.pi / k_unshifted, rel=1e-3)  # grid of k: 2e-4
    w0 = math.pi / gamma * math.exp(-k_unshifted**2 / (4 * gamma)) - math.pi / beta * math.exp(
        -k_unshifted**2 / (4 * beta))
    assert unshifted[1] == pytest.approx(w0, rel=1e-6)
    wavelength, gain = SHEET.uniform_instability()
    assert gain > 1 > GridCellSheet(n_side=N_SIDE, gamma_ratio=1.05, wavelength=10).uniform_instability()[1]
    assert wavelength > unshifted[0]  # the shifts favour longer waves


def test_hexagonal_pattern_forms_from_noise(formed_96):
    sheet, formed = formed_96
    n = sheet.n_side
    final = formed.state.values[-1]
    # Rectified: the units between the fields are silent (their rates decay as
    # exp(-t / tau) once their input is negative).
    assert np.mean(final < 1e-6 * final.max()) > 0.3
    found = grid_spacing(final, n)
    peaks = found.peaks.astype(int)
    # Six-fold: the six strongest wavevectors are three +- pairs forming a resonant
    # triad k1 + k2 + k3 = 0 (exact in integers on the torus) ...
    halves = [p for p in peaks if p[1] > 0 or (p[1] == 0 and p[0] > 0)]
    assert len(halves) == 3
    sums = {tuple(s1 * halves[0] + s2 * halves[1] + s3 * halves[2])
            for s1 in (1, -1) for s2 in (1, -1) for s3 in (1, -1)}
    assert (0, 0) in sums
    # ... of nearly equal length, 60 degrees apart.  On a 96 x 96 torus the wavevectors
    # are integer vectors m of length n / lambda ~ 5.8, so each direction is resolved
    # to about 1/|m| rad = 10 degrees and each length to 1/2 index (9 %).
    lengths = np.hypot(*np.array(halves).T)
    assert lengths.max() / lengths.min() < 1 + 0.5 / lengths.min()
    gaps = np.diff(np.concatenate([found.orientations, [found.orientations[0] + 180]]))
    np.testing.assert_allclose(gaps, 60.0, atol=np.rad2deg(1 / lengths.min()))
    # Most of the pattern's power is in the six peaks (the rest in their harmonics;
    # measured 0.77).
    assert found.power_fraction > 0.5
    # The period is the fastest-growing one of the uniform state, to the resolution
    # of the torus (half an index on |m|).
    predicted, _ = sheet.uniform_instability()
    assert found.wavelength == pytest.approx(predicted, rel=0.5 / lengths.min())
    assert found.spacing == pytest.approx(2 / math.sqrt(3) * found.wavelength)


def test_pattern_flows_in_proportion_to_velocity():
    speeds = [-0.5, -0.25, 0.0, 0.25, 0.5]
    along_x = velocity_gain(SHEET, speeds, settle=1000.0, duration=200.0, direction=(1, 0), seed=1)
    along_y = velocity_gain(SHEET, speeds, settle=1000.0, duration=200.0, direction=(0, 1), seed=1)
    for result in (along_x, along_y):
        flow = result["flow"]
        # Linear: the drive changes by alpha v <= 5 %, so second-order terms are
        # ~(alpha v)^2 = 0.3 % of the flow; the phase-correlation estimate of a
        # rigid shift is exact.  Measured RMS deviation 0.3-0.4 % of the largest flow.
        assert result["residual"] < 0.02
        assert result["gain"] > 0  # this sign convention: the pattern flows along v
        # No flow without input, and none across the direction of motion (measured
        # < 0.5 % of the largest flow once the pattern has settled).
        assert abs(result["drift"]) < 0.02 * np.abs(flow).max()
        assert np.abs(result["flow_perpendicular"]).max() < 0.02 * np.abs(flow).max()
    # Nearly isotropic: the 2 x 2 tiling and the torus make x and y differ slightly
    # (measured 5 %); Burak & Fiete's network is isotropic to this order.
    assert along_x["gain"] == pytest.approx(along_y["gain"], rel=0.1)


def test_path_integration_follows_a_trajectory(formed):
    # A turning trajectory (circle at 0.3 m/s, one turn per 400 ms): the pattern's
    # displacement divided by the gain follows the integrated path.
    start = formed.state.values[-1]
    speed, period = 0.3, 400.0
    times = np.arange(0.0, 400.5, 0.5)
    velocity = speed * np.stack([np.cos(2 * np.pi * times / period),
                                 np.sin(2 * np.pi * times / period)], axis=1)
    run = attractors.simulate(SHEET, start, t_span=400.0, dt=0.5, solver="euler",
                              inputs=attractors.inputs.Sampled(times, velocity), seed=0,
                              record_every=4)
    shift = pattern_displacement(run.state.values, N_SIDE)
    recorded = run.time.values
    path = speed * period / (2 * np.pi) * np.stack(
        [np.sin(2 * np.pi * recorded / period), 1 - np.cos(2 * np.pi * recorded / period)], axis=1)
    gain = np.sum(shift * path) / np.sum(path * path)  # neurons per (m/s * ms)
    # The shift is the path scaled by the gain; the error is set by the flow's
    # response time (~tau = 10 ms, a lag of 10/400 of a turn: 16 % of the path's
    # radius at most) and the 5 % anisotropy: 25 % of the path's extent allowed.
    error = np.abs(shift - gain * path).max()
    assert error < 0.25 * np.abs(gain * path).max()
    assert gain > 0


def test_recurrent_input_equals_the_dense_weights():
    # W_ij = W0(x_i - x_j - l e_theta_j) written out unit by unit on a 16 x 16 torus
    # (kernel below 1e-6 at half the torus, so the wrap convention does not matter).
    from attractors.models._sheet import _UNIT_VECTORS

    n, shift = 16, 1.5
    sheet = GridCellSheet(n_side=n, wavelength=2.0, shift=shift)
    x, y = sheet.coords["x"][1], sheet.coords["y"][1]

    def wrap(d):
        return (d + n / 2) % n - n / 2

    weights = np.empty((n * n, n * n))
    for j, label in enumerate(sheet.preferred_direction):
        ex, ey = _UNIT_VECTORS[label]
        weights[:, j] = sheet.kernel(wrap(x - x[j]) - shift * ex, wrap(y - y[j]) - shift * ey)
    rates = np.random.default_rng(0).uniform(0, 1, (3, n * n))
    np.testing.assert_allclose(sheet.recurrent_input(rates), rates @ weights.T, rtol=0, atol=1e-12)


def test_pattern_displacement_of_a_rigid_shift():
    n = 32
    y, x = np.divmod(np.arange(n * n), n)
    wave = [(3, 1), (-1, 3), (2, -2)]

    def frame(dx, dy):
        return sum(np.cos(2 * np.pi * (mx * (x - dx) + my * (y - dy)) / n) for mx, my in wave)

    truth = np.array([[0.1 * t, -0.05 * t] for t in range(30)])
    frames = np.stack([frame(*d) for d in truth])
    np.testing.assert_allclose(pattern_displacement(frames, n), truth, atol=1e-10)
    batch = np.stack([frames, frames[:, ::-1] * 0 + frames], axis=1)  # (time, trial, units)
    assert pattern_displacement(batch, n).shape == (30, 2, 2)


def test_conformance():
    check_system(GridCellSheet(n_side=16, wavelength=6.0), dt=0.5)


def test_no_energy_and_inputs_recorded():
    sheet = GridCellSheet(n_side=16, wavelength=6.0)
    run = attractors.simulate(sheet, t_span=5.0, dt=0.5, inputs=[0.2, 0.0], seed=0)
    assert "energy" not in run and "asymmetric" in run.attrs["energy"]
    assert run["input"].dims == ("velocity_component",)
    drive = sheet.feedforward([0.2, 0.0])
    expected = {"N": 1.0, "S": 1.0, "E": 1 + 0.10315 * 0.2, "W": 1 - 0.10315 * 0.2}
    for unit, label in enumerate(sheet.preferred_direction[:2 * 16]):
        assert drive[unit] == pytest.approx(expected[label], rel=1e-15)
    assert sorted(set(sheet.preferred_direction)) == ["E", "N", "S", "W"]


@pytest.mark.parametrize("kwargs, match", [
    ({"n_side": 15}, "n_side must be even"),
    ({"n_side": 4}, "n_side"),
    ({"n_side": 16, "wavelength": 9.0}, "wavelength must be at most"),
    ({"n_side": 16, "wavelength": 6.0, "shift": 4.0}, "shift must be below"),
    ({"gamma_ratio": 1.0}, "gamma_ratio"),
    ({"tau": 0.0}, "tau"),
    ({"alpha": -0.1}, "alpha"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        GridCellSheet(**kwargs)


def test_bad_measurement_inputs():
    with pytest.raises(ParameterError, match="n_side\\*\\*2"):
        grid_spacing(np.zeros(10), 4)
    with pytest.raises(ParameterError, match="one frame"):
        grid_spacing(np.zeros((2, 16)), 4)
    with pytest.raises(ParameterError, match="sequence of frames"):
        pattern_displacement(np.zeros(16), 4)
    with pytest.raises(ParameterError, match="at least two"):
        velocity_gain(SHEET, [0.5])
    with pytest.raises(ParameterError, match="direction"):
        velocity_gain(SHEET, [0.1, 0.2], direction=(0, 0))


def test_trajectory_rebuilds_the_model():
    sheet = GridCellSheet(n_side=16, wavelength=6.0, alpha=0.2)
    run = attractors.simulate(sheet, t_span=2.0, dt=0.5, seed=0)
    rebuilt = GridCellSheet(**attractors.parameters(run))
    assert rebuilt.params == sheet.params
    assert run.attrs["model"] == "GridCellSheet" and run.time.attrs.get("units") == "ms"


def test_velocity_gain_waits_for_the_pattern_to_settle():
    # Issue 15 item 10.  After a fixed 300 ms the default 64-unit sheet's pattern is
    # still forming (relative rate of change 3e-2 per tau), and the fit over it gave a
    # flow per unit velocity varying 16 % across 0.1-0.8 m/s and a drift without input
    # of 16 % of the flow at 0.1 m/s.  Settled (rate < 2e-4, reached at ~1.1 s, seed 0)
    # the same model gives 2.1 % (the flow's own weak nonlinearity in v: the drive
    # changes by alpha v <= 8 %) and 0.4 %.  Bounds: 5 % and 2 %, between the two.
    speeds = [0.0, 0.1, 0.2, 0.4, 0.8]
    result = velocity_gain(SHEET, speeds, settle=300.0, seed=0)
    assert result["settled"] and result["settle_time"] > 300.0
    assert result["settle_rate"] < result["settle_tolerance"] == 2e-4
    assert result["pattern"].shape == (SHEET.n_units,)
    per_speed = result["flow"][1:] / np.asarray(speeds[1:])
    assert per_speed.max() / per_speed.min() - 1 < 0.05
    assert abs(result["flow"][0]) < 0.02 * result["flow"][1]


def test_velocity_gain_warns_when_the_bound_is_too_short():
    with pytest.warns(RuntimeWarning, match="has not settled after 100 ms"):
        result = velocity_gain(GridCellSheet(n_side=32), [0.1, 0.2], settle=100.0, max_settle=100.0,
                               duration=10.0)
    assert not result["settled"] and result["settle_time"] == 100.0
    assert result["settle_rate"] > result["settle_tolerance"]


def test_arrays_are_read_only_and_pickles_rebuild_them():
    import pickle

    sheet = GridCellSheet(n_side=16, wavelength=6.0)
    with pytest.raises(ValueError, match="read-only"):
        sheet.preferred_direction[0] = "S"
    with pytest.raises(TypeError):
        sheet._fast["x"] = None  # the tables themselves cannot be swapped
    clone = pickle.loads(pickle.dumps(sheet))
    assert not clone._fast["combined"].flags.writeable
    x = sheet.initial_state(np.random.default_rng(0))
    np.testing.assert_array_equal(clone.vector_field(0.0, x), sheet.vector_field(0.0, x))


def test_a_huge_sheet_is_refused_with_its_size_before_allocating():
    # n_side = 2**20: 2**40 units, ~140 TiB of tables; refused at once.
    with pytest.raises(ParameterError, match=r"n_side=1,048,576 needs about .* GiB"):
        GridCellSheet(n_side=2**20)


def test_burak_fiete_gamma_ratio_is_linearly_stable():
    # The docs say: at gamma_ratio 1.05 the largest linear gain is 0.98 < 1, so the
    # uniform state is stable (no pattern grows from small noise); 1.1 gives 1.9.
    assert GridCellSheet(gamma_ratio=1.05).uniform_instability()[1] == pytest.approx(0.98, abs=0.01)
    assert GridCellSheet(gamma_ratio=1.1).uniform_instability()[1] == pytest.approx(1.9, abs=0.05)
    # And in the dynamics: from noise the 64-unit sheet at 1.05 goes flat (relative
    # spread 0.58 at the start, 2.6e-4 after 500 ms; a pattern at 1.1 keeps ~1.8).
    sheet = GridCellSheet(n_side=64, gamma_ratio=1.05)
    run = attractors.simulate(sheet, t_span=500.0, dt=0.5, solver="euler", seed=1, record_every=1000)
    final = run.state.values[-1]
    assert final.std() < 1e-2 * final.mean()
