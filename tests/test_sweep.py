"""attractors.sweep: same result on every scheduler, resumable, refusing bad grids and foreign stores."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import attractors
from attractors import ParameterError, SweepStoreError, SweepStoreWarning

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
    # Anything but the grid's values must match, and the error names what differs.
    for change, differs in [({"seed": 2}, "seed"), ({"trials": 3}, "trials"),
                            ({"fixed": {"n_steps": 7}}, "fixed"),
                            ({"params": {"drift": [0.0]}, "fixed": {"scale": 1}},
                             "fixed, the swept parameter names"),
                            ({"fn": functions.random_walk_renamed}, "function")]:
        options = {"fn": functions.random_walk, "trials": 2, "seed": 1, "params": GRID, **change}
        with pytest.raises(SweepStoreError, match=rf"different sweep \(differs in: {differs}\)"):
            attractors.sweep(store=store, **options)
    manifest = json.loads((store / "sweep.json").read_text())
    (store / "sweep.json").write_text(json.dumps({**manifest, "format": 1}))
    with pytest.raises(SweepStoreError, match="another version of attractors.*format 1"):
        attractors.sweep(functions.random_walk, GRID, trials=2, seed=1, store=store)
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
        ({"drift": [1.0, "fast"], "scale": [3]}, {}, r"mixes value types \(number and string\)"),
        ({"drift": [True, 1.0], "scale": [3]}, {}, "mixes value types"),
        ({"drift": [1.0]}, {}, r"'random_walk' needs parameter\(s\) 'scale'"),
        ({"drift": [1.0], "scale": [3]}, {"scheduler": "tcp://:8786"}, "has no host"),
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
    # A protocol's required parameter is asked for before the first point, not at it.
    with pytest.raises(ParameterError, match=r"'capacity' needs parameter\(s\) 'n_units'"):
        attractors.sweep("capacity", {"load": [0.1]})


def test_an_unreachable_scheduler_address_fails_fast(tmp_path):
    pytest.importorskip("distributed")
    start = time.monotonic()
    # Port 9 (discard) on this machine: nothing listens, the connection is refused at once;
    # dask's own client would retry for 30 s.
    with pytest.raises(ParameterError, match="cannot reach the dask scheduler at 'tcp://127.0.0.1:9'"):
        attractors.sweep(functions.random_walk, GRID, scheduler="tcp://127.0.0.1:9")
    assert time.monotonic() - start < 10


def test_an_address_that_is_not_a_dask_scheduler_is_one_clear_error():
    pytest.importorskip("distributed")
    import socket
    import threading

    server = socket.socket()  # something that listens but answers like a web server
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def answer():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            connection.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" * 4)
            connection.close()

    threading.Thread(target=answer, daemon=True).start()
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        start = time.monotonic()
        with pytest.raises(ParameterError, match=f"no dask scheduler answered at '{address}'"):
            attractors.sweep(functions.random_walk, GRID, scheduler=address)
        assert time.monotonic() - start < 12  # the client's handshake timeout is 10 s
    finally:
        server.close()


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


# -- the store: growing grids, damaged points, rewritten functions, concurrent sweeps --


def test_a_grid_grows_and_shrinks_on_its_store(tmp_path):
    store = tmp_path / "store"
    attractors.sweep(functions.random_walk, GRID, trials=2, seed=1, store=store)
    # A lambda's source line holds the grid: its code hash must not, or growing would be refused.
    attractors.sweep(lambda x, rng: x + rng.random(), {"x": [1]}, store=tmp_path / "lambda")
    assert attractors.sweep(lambda x, rng: x + rng.random(), {"x": [1, 2]},
                            store=tmp_path / "lambda").attrs["computed_points"] == 1
    grown = {"drift": [0.0, 0.5, -1.0, 2.0], "scale": [1, 2, 3]}
    result = attractors.sweep(functions.random_walk, grown, trials=2, seed=1, store=store)
    assert result.attrs["computed_points"] == (4 * 3 - 3 * 2) * 2  # only the new values
    xr.testing.assert_equal(result, attractors.sweep(functions.random_walk, grown, trials=2, seed=1))
    shrunk = {"drift": [2.0, 0.5], "scale": [3]}
    again = attractors.sweep(functions.random_walk, shrunk, trials=2, seed=1, store=store)
    assert again.attrs["computed_points"] == 0
    xr.testing.assert_equal(again, attractors.sweep(functions.random_walk, shrunk, trials=2, seed=1))


@pytest.mark.parametrize("damage", ["truncate", "rewrite", "no-checksum", "unreadable"])
def test_a_damaged_point_is_named_and_computed_again(tmp_path, damage):
    store = tmp_path / "store"
    first = attractors.sweep(functions.random_walk, GRID, trials=2, seed=1, store=store)
    victim, other = sorted((store / "points").glob("*.nc"))[:2]
    if damage == "truncate":  # what a full disk or a bad copy leaves
        victim.write_bytes(victim.read_bytes()[:100])
    elif damage == "rewrite":  # a valid netCDF file, but not the one written there
        victim.write_bytes(other.read_bytes())
    elif damage == "no-checksum":
        victim.with_suffix(".sha256").unlink()
    else:  # truncated with a checksum to match: caught when netCDF cannot read it
        import hashlib

        victim.write_bytes(victim.read_bytes()[:100])
        victim.with_suffix(".sha256").write_text(hashlib.sha256(victim.read_bytes()).hexdigest())
    reason = {"truncate": "checksum does not match", "rewrite": "checksum does not match",
              "no-checksum": "checksum file is missing", "unreadable": "cannot be read"}[damage]
    with pytest.warns(SweepStoreWarning, match=rf"{victim.name}.*{reason}.*computing it again"):
        second = attractors.sweep(functions.random_walk, GRID, trials=2, seed=1, store=store)
    assert second.attrs["computed_points"] == 1
    xr.testing.assert_equal(first, second)
    with warnings.catch_warnings():  # repaired: a third run reads it silently
        warnings.simplefilter("error")
        assert attractors.sweep(functions.random_walk, GRID, trials=2, seed=1,
                                store=store).attrs["computed_points"] == 0


def test_a_rewritten_function_is_refused_by_its_code_hash(tmp_path):
    import importlib.util

    def load(folder, body):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "walkers.py"
        path.write_text(f"def walk(x, rng):\n    return {{'y': {body}}}\n")
        spec = importlib.util.spec_from_file_location("walkers", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.walk

    store = tmp_path / "store"
    attractors.sweep(load("v1", "x + rng.random()"), {"x": [1, 2]}, store=store)
    rewritten = load("v2", "x - rng.random()")  # same module and name, other code
    with pytest.raises(SweepStoreError, match=r"differs in: the function's code \(it was rewritten\)"):
        attractors.sweep(rewritten, {"x": [1, 2]}, store=store)


CONCURRENT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    import attractors, _sweep_functions as f
    from attractors import SweepStoreError, _sweep_store
    write_json = _sweep_store._Store._write_json
    def slowly(self, path, content):  # widen the race: a slow disk writing sweep.json
        time.sleep(0.3)
        write_json(self, path, content)
    _sweep_store._Store._write_json = slowly
    barrier = Path({root!r}) / "ready"
    barrier.mkdir(exist_ok=True)
    (barrier / str({seed})).touch()
    while len(list(barrier.iterdir())) < 2:  # both processes begin together
        time.sleep(0.001)
    outcomes = []
    for store, seed in [("store0", {seed}), ("store1", {seed}), ("store2", {seed}), ("same", 5)]:
        try:
            attractors.sweep(f.slow_draw, {{"x": list(range(6))}}, seed=seed, fixed={{"delay": 0.01}},
                             store={root!r} + "/" + store)
            outcomes.append("ok")
        except SweepStoreError:
            outcomes.append("refused")
    print(" ".join(outcomes))
""")


def test_concurrent_sweeps_on_one_store(tmp_path):
    seeds = [11, 22]
    processes = [subprocess.Popen(
        [sys.executable, "-c", CONCURRENT.format(tests=str(Path(__file__).parent), seed=seed,
                                                 root=str(tmp_path))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for seed in seeds]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_, err) in zip(processes, outputs):
        assert process.returncode == 0, err
    outcomes = [out.split() for out, _ in outputs]

    def reread(store, seed):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # every point matches its checksum
            stored = attractors.sweep(functions.slow_draw, {"x": list(range(6))}, seed=seed,
                                      fixed={"delay": 0.01}, store=tmp_path / store)
        assert stored.attrs["computed_points"] == 0
        fresh = attractors.sweep(functions.slow_draw, {"x": list(range(6))}, seed=seed,
                                 fixed={"delay": 0.01})
        np.testing.assert_array_equal(stored["value"].values, fresh["value"].values)

    # Two sweeps creating one store with different seeds: before the store lock, 2 of 6
    # such races left sweep.json with one seed and the points of the other (here sweep.json
    # is written slowly, so without the lock both would pass the check every time).  Now
    # one wins, the other is refused, and the store holds the sweep its manifest names.
    for k in range(3):
        winners = [seed for seed, run in zip(seeds, outcomes) if run[k] == "ok"]
        assert len(winners) == 1, outcomes
        assert json.loads((tmp_path / f"store{k}" / "sweep.json").read_text())["sweep"]["seed"] == \
            winners[0]
        reread(f"store{k}", winners[0])
    # The same sweep twice at once: both finish (unique temporary names), the store is
    # complete and consistent, with no temporary file left.
    assert [run[3] for run in outcomes] == ["ok", "ok"]
    assert not list((tmp_path / "same" / "points").glob(".*"))
    reread("same", 5)


# -- plain scripts and threads ---------------------------------------------------------


def test_a_plain_script_without_the_main_guard_runs_on_workers(tmp_path):
    script = tmp_path / "plain.py"
    script.write_text(textwrap.dedent("""
        import attractors

        def shifted(x, rng):
            return {"y": x + rng.random()}

        result = attractors.sweep(shifted, {"x": [1, 2, 3]}, trials=2, seed=4, scheduler=2)
        print(repr(result["y"].values.ravel().tolist()))
        capacity = attractors.sweep("capacity", {"load": [0.05]}, fixed={"n_units": 50}, scheduler=2)
        print(int(capacity["n_patterns"].item()))
    """))
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    values, n_patterns = run.stdout.strip().splitlines()

    def shifted(x, rng):
        return {"y": x + rng.random()}

    inline = attractors.sweep(shifted, {"x": [1, 2, 3]}, trials=2, seed=4)
    assert eval(values) == inline["y"].values.ravel().tolist()
    assert n_patterns == "2"  # 0.05 * 50


@pytest.mark.slow  # a path only taken without cloudpickle; 5 s of process start-up
def test_without_cloudpickle_a_plain_script_is_told_about_the_guard(tmp_path):
    script = tmp_path / "plain.py"
    script.write_text(textwrap.dedent("""
        import sys
        sys.modules["cloudpickle"] = None  # as if it were not installed
        import attractors

        def shifted(x, rng):
            return {"y": x + rng.random()}

        attractors.sweep(shifted, {"x": [1, 2]}, scheduler=2)
    """))
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert 'put the sweep under `if __name__ == "__main__":`' in run.stderr


def test_every_point_runs_on_one_blas_thread_wherever_it_runs():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    attractors.sweep(functions.blas_threads, {"x": [0]})  # the pin, set up before scipy loads
    import scipy.linalg  # noqa: F401  (a second OpenBLAS, loaded after: it must be pinned too)

    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        if functions.blas_threads(0, None)["threads"] != 2:
            pytest.skip("this BLAS cannot be set to 2 threads")
        inline = attractors.sweep(functions.blas_threads, {"x": [0, 1]})
        pooled = attractors.sweep(functions.blas_threads, {"x": [0, 1]}, scheduler=2)
        assert functions.blas_threads(0, None)["threads"] == 2  # restored after the sweep
    assert inline["threads"].values.ravel().tolist() == [1, 1]
    assert pooled["threads"].values.ravel().tolist() == [1, 1]
