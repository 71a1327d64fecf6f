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
