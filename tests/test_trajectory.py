"""Trajectories: netCDF round trips exactly, parameters decode exactly."""

import numpy as np
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
