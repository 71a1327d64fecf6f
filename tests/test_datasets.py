"""attractors.datasets: the shipped head-direction spikes, their generator, and the ring in them."""

import numpy as np
import pytest

from attractors.datasets import load_head_direction, make_head_direction
from attractors.datasets._head_direction import DEFAULTS


def test_shipped_recording_is_what_it_says():
    data = load_head_direction()
    assert data.sizes["unit"] == 64 and data.attrs["seed"] == DEFAULTS["seed"]
    times, units = data["spike_time"].values, data["spike_unit"].values
    assert np.all(np.diff(times) >= 0) and 0 <= times[0] and times[-1] <= data.attrs["duration"]
    assert units.min() >= 0 and units.max() < 64
    # The ring's rates (Zhang's transfer function, bump peak ~35 Hz, ~1/6 of the
    # ring active) give ~10 Hz per unit on average; Poisson error over 40 s is 1 %.
    mean_rate = times.size / 64 / (data.attrs["duration"] / 1000.0)
    assert 5.0 < mean_rate < 15.0
    # The heading turns all the way round, more than once.
    assert np.ptp(data["heading"].values) > 2 * np.pi


def test_same_seed_same_spikes_bit_for_bit():
    first = make_head_direction(seed=3, n_units=16, duration=300.0)
    again = make_head_direction(seed=3, n_units=16, duration=300.0)
    other = make_head_direction(seed=4, n_units=16, duration=300.0)
    assert first.identical(again)
    assert not np.array_equal(first["spike_time"], other["spike_time"])


@pytest.mark.slow
def test_shipped_file_is_remade_exactly_from_its_seed():
    made = make_head_direction()
    shipped = load_head_direction()
    for name in shipped.data_vars:
        assert np.array_equal(made[name].values, shipped[name].values), name


def test_the_ring_and_the_heading_are_found_in_the_spikes():
    pytest.importorskip("ripser")
    from attractors.manifold import (
        betti_numbers,
        bin_spikes,
        circular_coordinates,
        circular_correlation,
        persistent_homology,
    )

    data = load_head_direction()
    rates = bin_spikes(data["spike_time"], data["spike_unit"], 64, bin_width=100.0,
                       t_span=(0.0, data.attrs["duration"]), smooth_sigma=1.0)
    result = persistent_homology(rates, max_dim=1, n_shuffles=3, seed=0,
                                 preprocess=dict(n_components=6, n_points=200))
    assert betti_numbers(result)[1] == 1
    theta = circular_coordinates(rates, preprocess=dict(n_components=6, n_points=None))
    heading = np.interp(rates["time"].values, data["time"].values, data["heading"].values)
    # Measured |rho_T| 0.98 with 100 ms bins (Poisson noise and the bin's blur of a
    # turning head); the bar is the ring model's 0.95.
    assert abs(circular_correlation(theta, heading)) > 0.95
