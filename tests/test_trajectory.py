"""Trajectories: netCDF round trips exactly, parameters decode exactly."""

import numpy as np
import pytest
import xarray as xr

import attractors
from attractors.inputs import Sampled
from attractors.models import ContractionMap, DoubleWell, LinearSystem


def roundtrip(run, path):
    run.to_netcdf(path)
    with xr.open_dataset(path) as loaded:
        return loaded.load()


def test_everything_round_trips(tmp_path):
    run = attractors.simulate(
        DoubleWell(n_units=3), n_trials=4, t_span=5.0, dt=0.01, record_every=7, seed=5,
        inputs=Sampled([0.0, 5.0], [[0.0, 0.1, 0.2], [0.3, 0.2, 0.1]]),
        stop_at_fixed_point=True, tol=1e-3,
    )
    loaded = roundtrip(run, tmp_path / "run.nc")
    xr.testing.assert_identical(run, loaded)
    for name in run.variables:
        assert loaded[name].dtype == run[name].dtype, name
    assert loaded.attrs == run.attrs


def test_discrete_and_adaptive_round_trip(tmp_path):
    for index, run in enumerate([
        attractors.simulate(ContractionMap(noise=0.1), n_trials=2, n_steps=30, seed=1),
        attractors.simulate(LinearSystem([[-1.0, 0.2], [0.2, -1.0]]), n_trials=2, t_span=1.0,
                            dt=0.1, solver="DOP853", seed=2),
    ]):
        xr.testing.assert_identical(run, roundtrip(run, tmp_path / f"run{index}.nc"))


def test_parameters_decode_exactly():
    matrix = np.array([[-1.0 / 3.0, np.pi], [np.e, -2.0]])
    run = attractors.simulate(LinearSystem(matrix, [0.1, 1e-300]), [1.0, 2.0], t_span=0.1, dt=0.1)
    decoded = attractors.parameters(run)
    assert decoded["matrix"].dtype == np.float64
    np.testing.assert_array_equal(decoded["matrix"], matrix)  # bit for bit, via repr
    np.testing.assert_array_equal(decoded["offset"], [0.1, 1e-300])
    assert LinearSystem(**decoded).params.keys() == {"matrix", "offset"}


def test_large_array_parameters_round_trip_exactly_through_netcdf(tmp_path):
    # Above 1,024 elements arrays are stored as base64 of their bytes (fast for
    # weight matrices); both that and the list form must decode bit for bit.
    rng = np.random.default_rng(0)
    matrix = -np.eye(40) + rng.standard_normal((40, 40)) / 40
    matrix[0, 1] = np.nextafter(matrix[0, 1], 1.0)  # values whose repr is long
    run = attractors.simulate(LinearSystem(matrix), n_trials=2, t_span=0.1, dt=0.05, seed=0)
    assert '"encoding": "base64"' in run.attrs["parameters"]
    loaded = roundtrip(run, tmp_path / "large.nc")
    decoded = attractors.parameters(loaded)
    assert decoded["matrix"].dtype == np.float64 and decoded["matrix"].flags.writeable
    np.testing.assert_array_equal(decoded["matrix"], matrix)
    np.testing.assert_array_equal(decoded["offset"], np.zeros(40))  # small: list form


# -- big parameters as data variables (issue 15 item 4) --------------------------

def test_big_parameter_arrays_are_data_variables_and_round_trip(tmp_path):
    # 120 x 120 = 14,400 elements, above the 10,000 limit: a data variable, not text.
    rng = np.random.default_rng(1)
    matrix = -np.eye(120) + rng.standard_normal((120, 120)) / 120
    model = LinearSystem(matrix)
    run = attractors.simulate(model, n_trials=2, t_span=0.2, dt=0.1, seed=3)
    assert run["param_matrix"].dims == ("param_matrix_dim_0", "param_matrix_dim_1")
    assert '"__variable__": "param_matrix"' in run.attrs["parameters"]
    assert len(run.attrs["parameters"]) < 5_000  # the offset (120 numbers) stays readable JSON
    loaded = roundtrip(run, tmp_path / "big.nc")
    xr.testing.assert_identical(run, loaded)
    decoded = attractors.parameters(loaded)
    assert decoded["matrix"].dtype == np.float64 and decoded["matrix"].flags.writeable
    np.testing.assert_array_equal(decoded["matrix"], matrix)
    rebuilt = LinearSystem(**decoded)
    again = attractors.simulate(rebuilt, n_trials=2, t_span=0.2, dt=0.1, seed=3)
    np.testing.assert_array_equal(again["state"].values, run["state"].values)


# -- clear errors instead of raw tracebacks (issue 15 item 20) ---------------------

def test_parameters_of_something_that_is_not_a_trajectory():
    for thing in (np.zeros(3), {"parameters": "{}"}, xr.Dataset()):
        with pytest.raises(attractors.ParameterError, match="not a trajectory|must be an xarray"):
            attractors.parameters(thing)
    with pytest.raises(attractors.ParameterError, match="must be an xarray.Dataset"):
        attractors.check_energy(np.zeros(3))
    with pytest.raises(attractors.ParameterError, match="must be an xarray.Dataset"):
        attractors.check_energy({"energy": [1.0, 2.0]})


@pytest.mark.parametrize("tamper, message", [
    (lambda text: text[:-3], "damaged and cannot be decoded \\(JSONDecodeError"),
    (lambda text: text.replace('"encoding": "base64"', '"encoding": "base64"').replace(
        '"__ndarray__": "', '"__ndarray__": "!!', 1), "damaged .*(Error|Incorrect)"),
    (lambda text: text.replace('"dtype": "<f8"', '"dtype": "<q9"', 1), "damaged"),
    (lambda text: '"a string"', "decodes to 'a string', not a dictionary"),
])
def test_tampered_parameters_give_one_clear_error(tamper, message):
    run = attractors.simulate(LinearSystem(-np.eye(40)), [1.0] * 40, t_span=0.1, dt=0.1)
    assert '"encoding": "base64"' in run.attrs["parameters"]
    run.attrs["parameters"] = tamper(run.attrs["parameters"])
    with pytest.raises(attractors.ParameterError, match=message):
        attractors.parameters(run)


def test_parameters_referring_to_a_dropped_variable():
    run = attractors.simulate(LinearSystem(-np.eye(101)), n_trials=1, t_span=0.1, dt=0.1, seed=0)
    with pytest.raises(attractors.ParameterError, match="'param_matrix', which it does not hold"):
        attractors.parameters(run.drop_vars("param_matrix"))


# -- the file alone rebuilds the run (issue 14 item 11) ---------------------------

def test_sampled_input_kept_whole_so_the_file_rebuilds_the_run(tmp_path):
    from attractors.inputs import from_trajectory

    # A per-trial ramp sampled every 0.3 time units, recorded only every 7th of 0.01 steps:
    # the recorded 'input' alone misses most samples.
    times = np.linspace(0.0, 3.0, 11)
    values = np.stack([np.outer(np.sin(times), [1, 2, 3]), np.outer(times, [1, 0, -1])], axis=1)
    cue = Sampled(times, values)
    run = attractors.simulate(DoubleWell(n_units=3), n_trials=2, t_span=3.0, dt=0.01,
                              inputs=cue, record_every=7, seed=9)
    loaded = roundtrip(run, tmp_path / "cued.nc")
    model = DoubleWell(**attractors.parameters(loaded))
    again = attractors.simulate(model, n_trials=2, t_span=3.0, dt=0.01,
                                inputs=from_trajectory(loaded), record_every=7,
                                seed=loaded.attrs["seed"])
    np.testing.assert_array_equal(again["state"].values, run["state"].values)
    np.testing.assert_array_equal(loaded["input_series"].values, values)
    assert loaded["input_series"].attrs["interpolation"] == "linear"


def test_map_with_held_input_and_constant_input_rebuild_from_file(tmp_path):
    from attractors.inputs import from_trajectory

    steps = Sampled([0.0, 10.0, 20.0], [[1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 0.0]],
                    kind="previous")
    for inputs in (steps, [0.5, 0.0, -0.5]):
        run = attractors.simulate(ContractionMap(noise=0.1), n_trials=3, n_steps=20,
                                  inputs=inputs, record_every=6, seed=2)
        loaded = roundtrip(run, tmp_path / "map.nc")
        again = attractors.simulate(ContractionMap(**attractors.parameters(loaded)), n_trials=3,
                                    n_steps=20, inputs=from_trajectory(loaded), record_every=6,
                                    seed=loaded.attrs["seed"])
        np.testing.assert_array_equal(again["state"].values, run["state"].values)
    assert from_trajectory(attractors.simulate(ContractionMap(), n_steps=2, seed=0)) is None


def test_function_input_cannot_be_rebuilt_and_says_so():
    from attractors.inputs import from_trajectory

    run = attractors.simulate(LinearSystem([[-1.0]]), [0.0], t_span=1.0, dt=0.1,
                              inputs=lambda t: np.array([t]), record_every=5)
    with pytest.raises(attractors.ParameterError, match="only at the recorded times"):
        from_trajectory(run)
