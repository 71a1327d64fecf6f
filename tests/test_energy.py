"""check_energy: every increase beyond round-off, with time and trial."""

import numpy as np
import pytest
import xarray as xr

import attractors
from attractors.models import DoubleWell, LinearSystem


def trajectory(energy, batched=True):
    energy = np.asarray(energy, dtype=float)
    dims = ("time", "trial") if batched else ("time",)
    return xr.Dataset({"energy": (dims, energy)},
                      coords={"time": np.arange(energy.shape[0]) * 0.5,
                              **({"trial": np.arange(energy.shape[1])} if batched else {})},
                      attrs={"model": "Synthetic"})


def test_reports_each_increase_with_time_and_trial():
    energy = np.array([[3.0, 5.0], [2.0, 5.5], [2.5, 5.0], [1.0, 4.0]])
    report = attractors.check_energy(trajectory(energy))
    assert report.attrs["n_violations"] == 2
    assert report["time"].values.tolist() == [0.5, 1.0]
    assert report["time_before"].values.tolist() == [0.0, 0.5]
    assert report["trial"].values.tolist() == [1, 0]
    np.testing.assert_allclose(report["increase"].values, [0.5, 0.5])
    with pytest.raises(attractors.EnergyIncreaseError, match="rose 2 time.*trial 1 at t=0.5 by 0.5"):
        attractors.check_energy(trajectory(energy), strict=True)


def test_round_off_is_not_reported():
    # An increase of 1e-15 on an energy of size 1e3 is round-off (relative 1e-18).
    energy = np.array([-1000.0, -1000.0 + 1e-12, -1001.0])
    assert attractors.check_energy(trajectory(energy, batched=False)).attrs["n_violations"] == 0
    energy = np.array([-1000.0, -999.0, -1001.0])
    assert attractors.check_energy(trajectory(energy, batched=False)).attrs["n_violations"] == 1


def test_gradient_flow_never_increases_but_unstable_step_does():
    x0 = np.random.default_rng(0).normal(size=(20, 3))
    stable = attractors.simulate(DoubleWell(n_units=3, coupling=0.2), x0, t_span=10.0, dt=0.01,
                                 solver="euler")
    assert attractors.check_energy(stable).attrs["n_violations"] == 0
    # Euler on x' = -5x with dt = 0.5 multiplies x by -1.5 each step: E = 5x^2/2
    # grows 2.25-fold at every one of the 200 steps (1.5^200 ~ 1e35, no overflow).
    stiff = LinearSystem([[-5.0]])
    unstable = attractors.simulate(stiff, [1.0], t_span=100.0, dt=0.5, solver="euler")
    report = attractors.check_energy(unstable)
    assert report.attrs["n_violations"] == 200
    np.testing.assert_allclose(report["energy_after"] / report["energy_before"], 2.25)
