"""Benchmark: the capacity sweep of issue 8, on one and on two worker processes.

Run from the repository root::

    python3 benchmarks/bench_sweep.py             # N = 1000, 10 loads x 10 trials
    python3 benchmarks/bench_sweep.py --n-units 500 --trials 4   # a quick look

Workload: ``attractors.sweep("capacity", ...)`` with N = 1000, loads 0.02,
0.04, ..., 0.20 (10 loads), 10 trials each (100 points); every stored pattern is
recalled from a cue with 10% of its bits flipped (asynchronous dynamics, Hebbian
weights as exact integers).  It runs the sweep three ways, one after another,
and checks they all give identical results:

1. ``inline``: in this process (after one warm-up point, so the numba cache is
   loaded and the one-off import costs are not counted);
2. ``pool 1`` / ``pool 2``: on a warm pool of 1 and 2 worker processes
   (``scheduler=attractors.worker_pool(n)``, each worker warmed with one point
   first, as a cluster is warm before a sweep is sent to it);
3. ``dask 1`` / ``dask 2``: the same on a ``dask.distributed.LocalCluster`` of
   1 and 2 single-threaded worker processes (skipped if distributed is missing);
4. ``cold 1`` / ``cold 2``: ``scheduler=1`` and ``scheduler=2``, worker start-up
   (interpreter, imports, numba cache loading) included;
5. ``store`` / ``resume``: in this process with a results store (each point
   written with its checksum under the store's lock), then rerun on the full
   store (every point read back and verified); no target, the cost per point is
   printed.

Targets: the whole sweep in at most 15 s (best of inline and 2 warm workers),
and 1 worker / 2 workers >= 1.7 on warm workers (pool and dask).  Each point
uses one BLAS and numba thread (set here, before numpy loads), so the scaling
measured is that of the scheduler, not of threaded kernels.
Numbers are printed and written to ``benchmarks/results/sweep.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import attractors  # noqa: E402
from attractors.protocols import capacity  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "sweep.json"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-units", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--loads", type=int, default=10, help="number of loads 0.02, 0.04, ...")
    args = parser.parse_args(argv)

    grid = {"load": [round(0.02 * (k + 1), 2) for k in range(args.loads)]}
    fixed = {"n_units": args.n_units}
    capacity(args.n_units, 0.05, rng=np.random.default_rng(0))  # warm-up: numba cache, imports

    from attractors._sweep import worker_pool

    def run(label, scheduler, store=None):
        start = time.perf_counter()
        results[label] = attractors.sweep("capacity", grid, fixed=fixed, trials=args.trials,
                                          seed=0, scheduler=scheduler, store=store)
        times[label] = time.perf_counter() - start
        print(f"{label:<10} {times[label]:7.2f} s", flush=True)

    def warm(scheduler):  # load imports and numba caches in every worker
        attractors.sweep("capacity", {"load": [0.01, 0.011, 0.012, 0.013]},
                         fixed={"n_units": 200}, scheduler=scheduler)

    times, results = {}, {}
    run("inline", None)
    with tempfile.TemporaryDirectory() as folder:  # every point written, then all read back
        run("store", None, store=Path(folder) / "store")
        run("resume", None, store=Path(folder) / "store")
    for n in (1, 2):
        with worker_pool(n) as pool:
            warm(pool)
            run(f"pool {n}", pool)
    try:
        import distributed
    except ImportError:
        print("dask: skipped (pip install 'dask[distributed]')")
    else:
        for n in (1, 2):
            with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                          dashboard_address=None) as cluster, \
                    distributed.Client(cluster) as client:
                warm(client)
                run(f"dask {n}", client)
    run("cold 1", 1)
    run("cold 2", 2)
    for label in results:
        if not results[label].equals(results["inline"]):
            print(f"FAILED: {label} gave a different result from the inline run")
            return 1
    n_points = len(grid["load"]) * args.trials
    speedups = {kind: times[f"{kind} 1"] / times[f"{kind} 2"]
                for kind in ("pool", "dask", "cold") if f"{kind} 2" in times}
    warm_speedup = min(v for k, v in speedups.items() if k != "cold")
    best = min(times["inline"], times["pool 2"])
    print(f"\n{n_points} points (N = {args.n_units}); per point inline "
          f"{1e3 * times['inline'] / n_points:.0f} ms")
    print(f"whole sweep (best of inline / 2 warm workers): {best:.2f} s   target <= 15 s   "
          f"{'ok' if best <= 15 else 'MISSED'}")
    for kind, value in speedups.items():
        target = "(start-up included; no target)" if kind == "cold" else (
            f"target >= 1.7   {'ok' if value >= 1.7 else 'MISSED'}")
        print(f"speed-up 1 -> 2 workers, {kind:<5}: {value:.2f}x   {target}")
    print(f"store (checksummed point files, locked commits): "
          f"{1e3 * (times['store'] - times['inline']) / n_points:.1f} ms per point written, "
          f"{1e3 * times['resume'] / n_points:.1f} ms per point read back and verified")
    overlap = results["inline"]["overlap"].mean("trial").values
    print("mean final overlap by load:", " ".join(f"{m:.3f}" for m in overlap))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"n_units": args.n_units, "trials": args.trials,
                                   "loads": grid["load"], "seconds": times,
                                   "speedups_2_workers": speedups,
                                   "cpu_count": os.cpu_count()}, indent=1))
    return 0 if best <= 15 and warm_speedup >= 1.7 else 1


if __name__ == "__main__":
    sys.exit(main())
