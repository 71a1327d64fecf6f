"""attractors.sweep: same result on every scheduler, resumable, refusing bad grids and foreign stores."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import attractors
from attractors import ParameterError
from attractors._sweep import SweepStoreError

sys.path.insert(0, str(Path(__file__).parent))
import _sweep_functions as functions  # noqa: E402

GRID = {"drift": [0.0, 0.5, -1.0], "scale": [1, 2]}


def test_result_is_labelled_and_seeded_per_point():
    result = attractors.sweep(functions.random_walk, GRID, trials=3, seed=7)
    assert dict(result["end"].sizes) == {"drift": 3, "scale": 2, "trial": 3}
    assert result["path"].dims == ("drift", "scale", "trial", "path_dim_0")
    assert result["drift"].values.tolist() == [0.0, 0.5, -1.0]
    # Every point gets its own stream: no two trials share an end point.
    assert np.unique(result["end"].values).size == result["end"].size
    again = attractors.sweep(functions.random_walk, GRID, trials=3, seed=7)
    xr.testing.assert_identical(result, again)
    assert not np.array_equal(attractors.sweep(functions.random_walk, GRID, trials=3, seed=8)["end"],
                              result["end"])


def test_seeds_are_keyed_by_the_point_not_its_place_in_the_grid():
    small = attractors.sweep(functions.random_walk, {"drift": [0.5], "scale": [2]}, trials=2)
    large = attractors.sweep(functions.random_walk, {"drift": [1.0, 0.5], "scale": [2, 3]}, trials=2)
    np.testing.assert_array_equal(small["end"].sel(drift=0.5, scale=2),
                                  large["end"].sel(drift=0.5, scale=2))


def test_local_processes_give_the_in_process_result(tmp_path):
    inline = attractors.sweep(functions.random_walk, GRID, trials=2, seed=3)
    pooled = attractors.sweep(functions.random_walk, GRID, trials=2, seed=3, scheduler=2,
                              store=tmp_path / "store")
    xr.testing.assert_equal(inline, pooled)


def test_a_pool_of_your_own_is_used_and_left_running():
    inline = attractors.sweep(functions.random_walk, GRID, trials=2, seed=3)
    with attractors.worker_pool(2, preload=["_sweep_functions"]) as pool:
        first = attractors.sweep(functions.random_walk, GRID, trials=2, seed=3, scheduler=pool)
        second = attractors.sweep(functions.random_walk, GRID, trials=2, seed=3, scheduler=pool)
    xr.testing.assert_equal(inline, first)
    xr.testing.assert_equal(inline, second)


def test_dask_local_cluster_with_two_workers_gives_the_in_process_result():
    distributed = pytest.importorskip("distributed")
    inline = attractors.sweep(functions.random_walk, GRID, trials=2, seed=3)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        on_cluster = attractors.sweep(functions.random_walk, GRID, trials=2, seed=3, scheduler=client)
        by_address = attractors.sweep(functions.random_walk, GRID, trials=2, seed=3,
                                      scheduler=cluster.scheduler_address)
    xr.testing.assert_equal(inline, on_cluster)
    xr.testing.assert_equal(inline, by_address)


def test_store_resumes_and_refuses_a_different_sweep(tmp_path):
    store = tmp_path / "store"
    first = attractors.sweep(functions.random_walk, GRID, trials=2, seed=1, store=store)
    assert first.attrs["computed_points"] == 12
    files = sorted((store / "points").glob("*.nc"))
    assert len(files) == 12
    # Remove two finished points: a rerun computes exactly those and changes nothing else.
    stamps = {f: f.stat().st_mtime_ns for f in files[2:]}
    files[0].unlink(), files[1].unlink()
    second = attractors.sweep(functions.random_walk, GRID, trials=2, seed=1, store=store)
    assert second.attrs["computed_points"] == 2
    assert all(f.stat().st_mtime_ns == t for f, t in stamps.items())  # nothing rewritten
    xr.testing.assert_equal(first, second)
    for change in ({"seed": 2}, {"trials": 3}, {"params": {"drift": [0.0], "scale": [5]}}):
        options = {"trials": 2, "seed": 1, "params": GRID, **change}
        with pytest.raises(SweepStoreError, match="different sweep"):
            attractors.sweep(functions.random_walk, store=store, **options)
    with pytest.raises(SweepStoreError, match="not a sweep store"):
        (tmp_path / "other").mkdir()
        (tmp_path / "other" / "notes.txt").write_text("mine")
        attractors.sweep(functions.random_walk, GRID, store=tmp_path / "other")
    assert (tmp_path / "other" / "notes.txt").read_text() == "mine"


def test_a_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    store = tmp_path / "store"
    grid = {"x": list(range(12))}
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import attractors, _sweep_functions as f
        attractors.sweep(f.slow_draw, {grid!r}, trials=2, seed=5, fixed={{"delay": 0.2}},
                         store={str(store)!r})
    """)
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 60
        while len(list((store / "points").glob("*.nc"))) < 5:
            assert process.poll() is None, "the sweep ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    finished = len(list((store / "points").glob("*.nc")))
    assert 5 <= finished < 24
    resumed = attractors.sweep(functions.slow_draw, grid, trials=2, seed=5, fixed={"delay": 0.2},
                               store=store)
    assert resumed.attrs["computed_points"] == 24 - finished
    reference = attractors.sweep(functions.slow_draw, grid, trials=2, seed=5, fixed={"delay": 0.0})
    np.testing.assert_array_equal(resumed["value"].values, reference["value"].values)


@pytest.mark.parametrize(
    "params, options, match",
    [
        ({}, {}, "non-empty mapping"),
        ({"drift": []}, {}, r"params\['drift'\] is empty"),
        ({"drift": 0.5, "scale": [3]}, {}, "must be a sequence"),
        ({"speed": [1.0], "scale": [3]}, {}, "unknown parameter.*'speed'"),
        ({"drift": [object()], "scale": [3]}, {}, "must be numbers, strings"),
        ({"drift": [1.0, 1.0], "scale": [3]}, {}, "repeated values"),
        ({"drift": [1.0], "scale": [3]}, {"trials": 0}, "trials must be an integer >= 1"),
        ({"drift": [1.0], "scale": [3]}, {"seed": -1}, "seed must be an integer >= 0"),
        ({"drift": [1.0], "scale": [3]}, {"fixed": {"drift": 2.0}}, "both in params and in fixed"),
        ({"drift": [1.0], "scale": [3]}, {"scheduler": "threads"}, "scheduler must be"),
    ],
)
def test_bad_grids_are_refused_before_any_work(params, options, match, tmp_path):
    with pytest.raises(ParameterError, match=match):
        attractors.sweep(functions.random_walk, params, store=tmp_path / "s", **options)
    assert not (tmp_path / "s").exists()  # refused before anything was written


def test_function_without_rng_and_unknown_protocol_are_refused():
    with pytest.raises(ParameterError, match="keyword argument `rng`"):
        attractors.sweep(lambda x: x, {"x": [1]})
    with pytest.raises(ParameterError, match="built-in protocol"):
        attractors.sweep("no-such-protocol", {"x": [1]})


def test_capacity_protocol_shows_retrieval_and_its_collapse():
    # N = 400: at alpha = 0.05 (well below alpha_c = 0.138) mean-field theory gives
    # m = 1 - O(1e-4) and a 10%-flipped cue sits deep inside the basin; at alpha = 0.3
    # no retrieval state exists and cues fall to spin-glass states with |m| ~ 0.3.
    # The bounds (0.97, 0.6) leave several finite-size standard deviations (~0.02).
    result = attractors.sweep("capacity", {"load": [0.05, 0.3]}, fixed={"n_units": 400},
                              trials=2, seed=0)
    overlap = result["overlap"].mean("trial")
    assert float(overlap.sel(load=0.05)) > 0.97
    assert float(overlap.sel(load=0.3)) < 0.6
    assert result["n_patterns"].sel(load=0.05).values.tolist() == [20, 20]


def test_command_line_sweep_writes_the_same_result(tmp_path):
    from attractors.cli import main

    out = tmp_path / "capacity.nc"
    code = main(["sweep", "capacity", "--grid", "load=0.05,0.3", "--fixed", "n_units=400",
                 "--trials", "2", "--out", str(out), "--store", str(tmp_path / "store"),
                 "--no-progress"])
    assert code == 0
    with xr.open_dataset(out) as saved:
        expected = attractors.sweep("capacity", {"load": [0.05, 0.3]}, fixed={"n_units": 400},
                                    trials=2, seed=0)
        np.testing.assert_array_equal(saved["overlap"].values, expected["overlap"].values)
    assert main(["sweep", "capacity", "--grid", "load", "--out", str(out)]) == 2


def test_ring_diffusion_protocol_grows_with_noise_squared():
    # A ring is a continuum of fixed points: noise makes the bump diffuse, D ~ sigma^2
    # (Burak & Fiete 2012); with no noise it stays put to round-off.  Each D is a
    # mean over 40 independent bumps (relative standard error ~ sqrt(2/40) ~ 0.22 for
    # the MSD at long lags), so the ratio for sigma 0.02 -> 0.04, nominally 4, is
    # checked within [2, 8] (about three standard errors either side, in log).
    result = attractors.sweep("ring-diffusion", {"noise": [0.0, 0.02, 0.04]},
                              fixed={"n_units": 64, "n_trials": 40, "duration": 400.0}, seed=3)
    d = result["diffusion"].isel(trial=0)
    assert abs(float(d.sel(noise=0.0))) < 1e-20
    ratio = float(d.sel(noise=0.04) / d.sel(noise=0.02))
    assert 2.0 < ratio < 8.0, ratio
    assert result["msd"].dims == ("noise", "trial", "lag")
