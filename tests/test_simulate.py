"""simulate(): time grids, recording, inputs, stopping, blow-ups, seeding and bad input."""

import numpy as np
import pytest
import xarray as xr

import attractors
from attractors import ParameterError
from attractors.inputs import Sampled
from attractors.models import ContractionMap, DoubleWell, LinearSystem, OrnsteinUhlenbeck

DECAY = LinearSystem([[-1.0]])


def test_time_grid_from_span_and_from_steps():
    run = attractors.simulate(DECAY, [1.0], t_span=(1.0, 2.0), dt=0.25)
    np.testing.assert_array_equal(run["time"].values, [1.0, 1.25, 1.5, 1.75, 2.0])
    run = attractors.simulate(DECAY, [1.0], n_steps=4, dt=0.25)
    np.testing.assert_array_equal(run["time"].values, [0.0, 0.25, 0.5, 0.75, 1.0])
    assert run.attrs["n_steps"] == 4 and run.attrs["dt"] == 0.25


def test_time_grid_has_no_accumulated_drift():
    run = attractors.simulate(DECAY, [1.0], t_span=1000.0, dt=0.1, solver="euler", record_every=1000)
    # t_k = t0 + k dt, not a running sum, so the grid is exact to one rounding.
    np.testing.assert_allclose(run["time"].values, np.arange(11) * 100.0, rtol=1e-15)


def test_record_every_keeps_first_and_final_state():
    full = attractors.simulate(DECAY, [1.0], n_steps=10, dt=0.1, solver="euler")
    sparse = attractors.simulate(DECAY, [1.0], n_steps=10, dt=0.1, solver="euler", record_every=4)
    np.testing.assert_allclose(sparse["time"].values, [0.0, 0.4, 0.8, 1.0])
    np.testing.assert_array_equal(sparse["state"].values, full["state"].sel(time=sparse["time"]).values)


def test_batch_dims_and_labels():
    run = attractors.simulate(DoubleWell(n_units=3), np.zeros((5, 3)) + 0.1, t_span=1.0, dt=0.1)
    assert run["state"].dims == ("time", "trial", "unit")
    assert run.sizes == {"time": 11, "trial": 5, "unit": 3}
    assert run["energy"].dims == ("time", "trial")
    assert run["time"].attrs["units"]
    assert run.attrs["model"] == "DoubleWell" and run.attrs["time_kind"] == "flow"
    assert attractors.parameters(run) == {"n_units": 3, "coupling": 0.5}


def test_initial_states_drawn_from_model_when_x0_missing():
    run = attractors.simulate(DoubleWell(), t_span=1.0, dt=0.1, n_trials=4, seed=2)
    expected = DoubleWell().initial_state(np.random.default_rng(2), 4)
    np.testing.assert_array_equal(run["state"].isel(time=0).values, expected)


def test_same_seed_same_result_bit_for_bit_and_seed_recorded():
    model, solver = OrnsteinUhlenbeck(n_units=4), attractors.solvers.EulerMaruyama(0.5)
    first = attractors.simulate(model, t_span=2.0, dt=0.01, solver=solver, n_trials=3, seed=11)
    second = attractors.simulate(model, t_span=2.0, dt=0.01, solver=solver, n_trials=3, seed=11)
    xr.testing.assert_identical(first, second)
    assert first.attrs["seed"] == 11
    unseeded = attractors.simulate(model, t_span=2.0, dt=0.01, solver=solver, n_trials=3)
    repeated = attractors.simulate(model, t_span=2.0, dt=0.01, solver=solver, n_trials=3,
                                   seed=unseeded.attrs["seed"])
    xr.testing.assert_identical(unseeded, repeated)  # the drawn seed is written down


def test_rng_generator_accepted_and_marked():
    run = attractors.simulate(ContractionMap(noise=0.1), n_steps=3, rng=np.random.default_rng(0))
    assert "seed" not in run.attrs and "Generator" in run.attrs["rng"]


# -- inputs --------------------------------------------------------------------

def test_constant_input_shared_and_per_trial():
    x0 = np.zeros((2, 1))
    shared = attractors.simulate(DECAY, x0, t_span=20.0, dt=0.01, inputs=[2.0])
    np.testing.assert_allclose(shared["state"].isel(time=-1).values, 2.0, rtol=1e-8)
    assert shared["input"].dims == ("unit",)
    per_trial = attractors.simulate(DECAY, x0, t_span=20.0, dt=0.01, inputs=[[1.0], [3.0]])
    np.testing.assert_allclose(per_trial["state"].isel(time=-1).values.ravel(), [1.0, 3.0], rtol=1e-8)
    assert per_trial["input"].dims == ("trial", "unit")


def test_input_as_function_of_time_matches_exact_solution():
    # dx/dt = -x + sin(t), x(0) = 0: x(t) = (sin t - cos t + e^-t) / 2.
    run = attractors.simulate(DECAY, [0.0], t_span=5.0, dt=0.01, inputs=lambda t: np.array([np.sin(t)]))
    t = run["time"].values
    np.testing.assert_allclose(run["state"].values[:, 0], (np.sin(t) - np.cos(t) + np.exp(-t)) / 2,
                               atol=1e-9)  # RK4 at dt = 0.01: error ~ dt^4 = 1e-8 times a small constant
    np.testing.assert_allclose(run["input"].values[:, 0], np.sin(t))


def test_sampled_input_linear_and_previous():
    ramp = Sampled([0.0, 10.0], [[0.0], [10.0]])
    assert ramp(2.5) == pytest.approx([2.5])
    steps = Sampled([0.0, 1.0, 2.0], [[0.0], [1.0], [2.0]], kind="previous")
    assert steps(1.5) == pytest.approx([1.0])
    # dx/dt = t (no leak): x(t) = t^2 / 2, integrated exactly by RK4 on a linear ramp.
    free = LinearSystem([[0.0]])
    run = attractors.simulate(free, [0.0], t_span=4.0, dt=0.5, inputs=ramp)
    np.testing.assert_allclose(run["state"].values[:, 0], run["time"].values ** 2 / 2, rtol=1e-12)


def test_sampled_input_from_dataarray_per_trial():
    times = np.linspace(0, 2, 21)
    values = xr.DataArray(np.stack([np.ones((21, 1)), 2 * np.ones((21, 1))], axis=1),
                          dims=("time", "trial", "unit"), coords={"time": times})
    run = attractors.simulate(LinearSystem([[0.0]]), np.zeros((2, 1)), t_span=2.0, dt=0.1,
                              inputs=values)
    np.testing.assert_allclose(run["state"].isel(time=-1).values.ravel(), [2.0, 4.0])
    assert run["input"].dims == ("time", "trial", "unit")


def test_energy_includes_input_term():
    run = attractors.simulate(DoubleWell(n_units=1), [0.0], t_span=5.0, dt=0.01, inputs=[0.5])
    attractors.check_energy(run, strict=True)
    final = run["state"].values[-1, 0]
    assert run["energy"].values[-1] == pytest.approx(final**4 / 4 - final**2 / 2 - 0.5 * final)


# -- stopping at fixed points --------------------------------------------------

def test_continuous_stop_at_fixed_point_per_trial_times():
    x0 = np.array([[1.0], [4.0]])
    run = attractors.simulate(DECAY, x0, t_span=100.0, dt=0.01, stop_at_fixed_point=True,
                              tol=1e-6, solver="rk4")
    assert run.attrs["status"] == "converged"
    assert bool(run["converged"].all())
    # |dx/dt| = |x| = x0 e^{-t} <= tol first at t = ln(x0 / tol), to a record (dt).
    np.testing.assert_allclose(run["t_converged"].values, np.log(x0.ravel() / 1e-6), atol=0.011)
    assert run["time"].values[-1] == pytest.approx(np.log(4.0 / 1e-6), abs=0.011)


def test_adaptive_stop_at_fixed_point():
    run = attractors.simulate(DECAY, [[1.0], [2.0]], t_span=100.0, dt=0.1, solver="RK45",
                              stop_at_fixed_point=True, tol=1e-4)
    assert run.attrs["status"] == "converged"
    assert run["time"].values[-1] == pytest.approx(np.log(2.0 / 1e-4), rel=1e-3)
    assert bool(run["converged"].all())


def test_discrete_fixed_point_tracked_and_stops():
    run = attractors.simulate(ContractionMap(factor=0.5), np.ones((2, 3)) * [[1.0], [2.0 ** 20]],
                              n_steps=5000, stop_at_fixed_point=True)
    assert run.attrs["status"] == "converged"
    # Halving reaches 0 after the float64 exponent range (2^-1074) is exhausted:
    # 1075 halvings from 1, 1095 from 2^20; the fixed point is the state at that time.
    np.testing.assert_array_equal(run["t_converged"].values, [1075, 1095])
    assert np.all(run["state"].isel(time=-1).values == 0)


def test_discrete_convergence_reported_even_without_stopping():
    run = attractors.simulate(ContractionMap(), np.zeros(3), n_steps=3)
    assert bool(run["converged"]) and float(run["t_converged"]) == 0.0
    assert run.attrs["status"] == "completed"


# -- blow-ups ------------------------------------------------------------------

def test_blow_up_stops_reports_time_and_trial_and_keeps_record():
    unstable = LinearSystem([[50.0]])
    x0 = np.array([[0.0], [1.0], [0.0]])
    with pytest.warns(attractors.BlowUpWarning, match=r"trial\(s\) \[1\]"):
        run = attractors.simulate(unstable, x0, t_span=100.0, dt=0.1, solver="euler")
    assert run.attrs["status"] == "blew_up"
    # x grows by 6x a step and overflows float64 (1.8e308) after 396 steps: t = 39.6.
    last = run["time"].values[-1]
    assert 39.0 < last < 40.0
    assert f"t={last:g}" in run.attrs["message"]
    assert np.all(np.isfinite(run["state"].values))
    assert run.attrs["n_steps"] < 1000  # it stopped, it did not run to t = 100


def test_adaptive_blow_up_reported():
    exploding = DoubleWell(n_units=1, coupling=0.0)  # x' = x - x^3 is fine; x' = x^3 explodes
    flipped = LinearSystem([[1.0]])

    class Explode(attractors.ContinuousSystem):
        n_units = 1

        def vector_field(self, t, x, inputs=None):
            return x**2  # x = 1 / (1 - t) blows up at t = 1

    with pytest.warns(attractors.BlowUpWarning):
        run = attractors.simulate(Explode(), [1.0], t_span=2.0, dt=0.1, solver="RK45")
    assert run.attrs["status"] == "blew_up"
    assert run["time"].values[-1] <= 1.0
    assert exploding.n_units == flipped.n_units == 1


# -- memory ---------------------------------------------------------------------

def test_record_too_large_refused_up_front_with_size():
    # 10^12 records x (10 x 100 float64 states + an int64 step + 10 energies) = 8088 bytes each.
    with pytest.raises(MemoryError, match=r"needs 7\.2 PiB, but only .* available; .*record_every"):
        attractors.simulate(DoubleWell(n_units=100), n_steps=10**12, dt=0.01, n_trials=10)


# -- bad input -------------------------------------------------------------------

@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"x0": [1.0, 2.0]}, r"x0 must have shape \(1,\) .* got shape \(2,\)"),
        ({"x0": [[[1.0]]]}, r"x0 must have shape .* got shape \(1, 1, 1\)"),
        ({"x0": [np.nan]}, "x0 must be finite, but it contains nan"),
        ({"x0": ["a"]}, "x0 must be numeric"),
        ({"dt": 0.0}, "dt must be a finite number > 0, got 0.0"),
        ({"dt": -0.1}, "dt must be a finite number > 0"),
        ({"dt": None}, "dt is required"),
        ({"t_span": (2.0, 1.0)}, r"t_span must run forward \(t1 > t0\), got \(2.0, 1.0\)"),
        ({"t_span": (0.0, np.inf)}, "t_span must be finite"),
        ({"t_span": "long"}, "t_span must be a number t1 or a pair"),
        # A string of two digits is iterable: it must not run from t=1 to t=9.
        ({"t_span": "19"}, "t_span must be a number t1 or a pair of numbers .* got '19'"),
        ({"t_span": ("0", "1")}, "t_span must be a number t1 or a pair"),
        ({"t_span": True}, "t_span must be a number t1 or a pair"),
        ({"t_span": (0.0, 0.5, 1.0)}, "t_span must be a number t1 or a pair"),
        ({"x0": [1.0 + 1.0j]}, "x0 must be real: LinearSystem has real states"),
        ({"inputs": [1.0j]}, "inputs must be real for LinearSystem"),
        ({"inputs": lambda t: np.array([1.0 + 0.5j])}, r"inputs must be real .* inputs\(0\) is complex"),
        ({"t_span": 1.05}, "not a whole number of steps of dt=0.1"),
        ({"t_span": None}, "give the length of the run"),
        ({"n_steps": 10}, "give t_span or n_steps, not both"),
        ({"solver": "rk5"}, "solver must be one of"),
        ({"inputs": [1.0, 2.0]}, r"inputs has shape \(2,\) .* does not broadcast to \(1,\)"),
        ({"inputs": lambda t: np.ones(3)}, r"inputs has shape \(3,\)"),
        ({"inputs": [np.inf]}, "inputs must be finite"),
        ({"inputs": Sampled([0.0, 0.5], [[0.0], [1.0]])}, r"do(es)? not cover the simulated span"),
        ({"record_every": 0}, "record_every must be an integer >= 1, got 0"),
        ({"record_every": 1.5}, "record_every must be an integer"),
        ({"seed": -3}, "seed must be a non-negative integer"),
        ({"seed": 1, "rng": 2}, "give rng or seed, not both"),
        ({"tol": -1.0}, "tol must be a finite number >= 0"),
        ({"n_trials": 3}, r"n_trials=3 does not match x0 of shape \(1,\)"),
    ],
)
def test_bad_input_is_refused_before_work(kwargs, message):
    arguments = {"x0": [1.0], "t_span": 1.0, "dt": 0.1}
    arguments.update(kwargs)
    x0 = arguments.pop("x0")
    with pytest.raises(ParameterError, match=message):
        attractors.simulate(DECAY, x0, **arguments)


def test_bad_system_and_discrete_arguments():
    with pytest.raises(ParameterError, match="system must be an attractors.DynamicalSystem"):
        attractors.simulate("hopfield", [1.0], t_span=1.0, dt=0.1)
    with pytest.raises(ParameterError, match="solver must be None"):
        attractors.simulate(ContractionMap(), n_steps=3, solver="rk4")
    with pytest.raises(ParameterError, match=r"dt must be 1 \(or left out\)"):
        attractors.simulate(ContractionMap(), n_steps=3, dt=0.5)

    class NoUnits(attractors.ContinuousSystem):
        def vector_field(self, t, x, inputs=None):
            return -x

    with pytest.raises(ParameterError, match="NoUnits.n_units must be a positive integer"):
        attractors.simulate(NoUnits(), [1.0], t_span=1.0, dt=0.1)

    class WrongShape(attractors.ContinuousSystem):
        n_units = 2

        def vector_field(self, t, x, inputs=None):
            return x.sum(axis=-1)

    with pytest.raises(ParameterError, match=r"WrongShape.vector_field returned shape \(\)"):
        attractors.simulate(WrongShape(), [1.0, 2.0], t_span=1.0, dt=0.1)


def test_progress_bar_runs(capsys):
    run = attractors.simulate(DECAY, [1.0], t_span=1.0, dt=0.01, progress=True)
    assert run.attrs["status"] == "completed"
    assert "100" in capsys.readouterr().err  # tqdm writes to stderr


def test_energy_recording_can_be_switched_off():
    run = attractors.simulate(DECAY, [1.0], t_span=1.0, dt=0.1, record_energy=False)
    assert "energy" not in run and run.attrs["energy"].startswith("not recorded")
    assert "energy" in attractors.simulate(DECAY, [1.0], t_span=1.0, dt=0.1)


def test_numpy_numbers_print_plainly_in_messages():
    with pytest.raises(ParameterError, match=r"got 0\.5$") as caught:
        attractors.simulate(ContractionMap(), n_steps=3, dt=np.float64(0.5))
    assert "np.float64" not in str(caught.value)
    from attractors._validate import describe

    assert describe(np.float64(-1.2654)) == "-1.2654"
    assert describe([np.int64(3), (np.float32(0.5), np.bool_(True))]) == "[3, (0.5, True)]"
    with pytest.raises(ParameterError, match=r"sum to 1, got 1\.1") as caught:
        attractors.solvers.ButcherTableau([[0, 0], [1, 0]], [0.5, 0.6], [0, 1], order=2)
    assert "np." not in str(caught.value)


def test_huge_batch_refused_with_its_size_before_drawing_initial_states():
    # 10^9 trials x 100 units x (8 bytes drawn + 2 x 8 bytes of float64 states) = 2.2 TiB:
    # refused before the draw (which would die in numpy's allocator or the OOM killer).
    with pytest.raises(ParameterError, match=r"n_trials=1,000,000,000 initial states of 100 "
                                              r"units needs 2\.2 TiB.*lower n_trials") as caught:
        attractors.simulate(DoubleWell(n_units=100), n_steps=1, dt=0.1, n_trials=10**9)
    assert isinstance(caught.value, MemoryError)


def test_memory_guard_counts_energy_observables_and_input():
    from attractors._recording import memory_estimate

    x0 = np.zeros((10, 100))
    observables = {"overlap": (("pattern",), np.zeros((10, 7)))}
    fixed, per_record = memory_estimate(1000, x0, observables, True, np.zeros(100))
    # A record: 8000 B of states + 8 B step + 8 B time + 560 B overlaps + 80 B energies
    # + 800 B of input; fixed: 8 working copies of the state + 2 blocks of temporaries
    # (the whole 8 MB record here, being below the 32 MiB block).
    assert per_record == 8000 + 16 + 560 + 80 + 800
    assert fixed == 8 * 8000 + 2 * 1000 * 8000


def test_energy_and_observables_evaluated_in_blocks_equal_whole_record(monkeypatch):
    import attractors._recording as recording

    model, x0 = DoubleWell(n_units=3), np.linspace(-1, 1, 12).reshape(4, 3)
    kwargs = dict(t_span=1.0, dt=0.01, inputs=lambda t: np.full(3, np.sin(t)), seed=0)
    whole = attractors.simulate(model, x0, **kwargs)
    monkeypatch.setattr(recording, "BLOCK_BYTES", 7 * x0.nbytes)  # 101 records in 15 blocks
    blocks = attractors.simulate(model, x0, **kwargs)
    xr.testing.assert_identical(whole, blocks)


def test_array_conversions_never_wrap_or_drop_parts():
    from attractors._validate import check_finite_array

    with pytest.raises(ParameterError, match=r"weights has integer values in \[18446744073709551615"
                                             r".*would wrap around"):
        check_finite_array("weights", np.array([2**64 - 1], dtype=np.uint64), dtype=np.int64)
    with pytest.raises(ParameterError, match="noise must be real, got a complex array"):
        attractors.solvers.EulerMaruyama(noise=0.5 + 0.1j)
    exact = check_finite_array("x", np.array([255], dtype=np.uint8), dtype=np.int64)
    assert exact.dtype == np.int64 and exact.tolist() == [255]


@pytest.mark.slow
def test_memory_estimate_agrees_with_the_measured_peak():
    import tracemalloc

    from attractors._recording import memory_estimate

    # numpy reports its allocations to tracemalloc, so the traced peak is the arrays a
    # run holds at once: the 16 MB record, the energy temporaries over it, the input.
    model, x0 = DoubleWell(n_units=100), np.full((10, 100), 0.1)
    attractors.simulate(model, x0, n_steps=2, dt=0.01, solver="euler")  # imports outside
    tracemalloc.start()
    try:
        run = attractors.simulate(model, x0, n_steps=2000, dt=0.01, solver="euler",
                                  inputs=lambda t: np.full(100, np.sin(t)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    fixed, per_record = memory_estimate(run.sizes["time"], x0, {}, True, np.zeros(100))
    estimate = fixed + run.sizes["time"] * per_record
    # The guard must neither let through a run 1.5x its size nor refuse one that fits
    # (measured 1.00 here, 0.87-1.06 over five models at 0.4 GB records).
    assert 1 / 1.5 < peak / estimate < 1.5, (peak, estimate)
