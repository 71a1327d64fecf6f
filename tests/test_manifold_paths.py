"""attractors.paths: RatInABox foraging paths as inputs (skipped without the extra, except the error)."""

import sys

import numpy as np
import pytest

from attractors import ParameterError
from attractors.paths import angular_velocity_input, ratinabox_path, velocity_input


def test_missing_ratinabox_says_which_extra_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ratinabox", None)
    monkeypatch.setitem(sys.modules, "ratinabox.Agent", None)
    with pytest.raises(ImportError, match=r"attractor-networks\[paths\]"):
        ratinabox_path(1000.0)


def test_bad_arguments_are_refused_before_any_work():
    with pytest.raises(ParameterError, match="boundary must be one of"):
        ratinabox_path(1000.0, boundary="open")
    with pytest.raises(ParameterError, match="duration must be at least 2 steps"):
        ratinabox_path(10.0, dt=10.0)
    with pytest.raises(ParameterError, match="path must be a Dataset"):
        velocity_input(np.zeros((10, 2)))


def test_seeded_path_in_library_units_and_global_state_untouched():
    pytest.importorskip("ratinabox")
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    path = ratinabox_path(2000.0, dt=10.0, seed=1)
    assert np.array_equal(np.random.get_state()[1], before)
    again = ratinabox_path(2000.0, dt=10.0, seed=1)
    assert path.identical(again)
    assert path.sizes["time"] == 201 and path["time"].values[-1] == 2000.0
    # Positions integrate the velocity (RatInABox steps pos += vel * dt, dt in s).
    step = np.diff(path["position"].values, axis=0)
    assert np.allclose(step, path["velocity"].values[1:] * 0.010, atol=1e-9)
    speed = np.linalg.norm(path["velocity"].values, axis=1)
    assert 0.01 < speed.mean() < 0.3  # rat-like: mean 0.08 m/s by default
    velocity, turning = velocity_input(path), angular_velocity_input(path)
    assert velocity(5.0).shape == (2,) and np.ndim(turning(5.0)) == 0
    # The heading input integrates back to the direction of motion (trapezoid rule).
    omega = path["angular_velocity"].values
    integral = np.concatenate([[0.0], np.cumsum(0.5 * (omega[1:] + omega[:-1]) * 10.0)])
    head = path["head_direction"].values
    assert np.max(np.abs(integral - (head - head[0]))) < 0.2
