"""Benchmark: the CANN1D bump branch through its fold, continuation against bisection over find_fixed_points.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_continuation.py            # well under a minute

The problem (issue 11): ``CANN1D(n_units=256)`` (Wu, Hamaguchi & Amari 2008;
a = 0.5, J0 = 4), the stable bump at k = 0.1 k_c followed in the global
inhibition k through the fold at the closed-form critical inhibition k_c and
back along the unstable bump to k = 0.1 k_c.

- ``continuation``: ``attractors.analysis.continuation(cann, "k", 0.1 k_c,
  1.5 k_c, x0=bump)``: the whole branch (both bump heights, eigenvalues at
  every point) and the fold located.
- ``bisection``: the obvious alternative without continuation: bisection in k
  on "does ``find_fixed_points``, started from the stable bump of the last k
  where one existed, find a bump (max u > 1e-3 u0)?", until the bracket is as
  narrow as 1e-6 relative, and again as narrow as the continuation's own fold
  error (``bisection_same_accuracy``); it finds only the fold, neither branch.

- ``continuation_ds_max_0.1``: the same branch with ``ds_max=0.1`` (36 points
  instead of 54; at ``ds_max=0.2`` the step near the fold jumps to the silent
  state, so the default stays 0.05).

Every time is given as wall-clock (``seconds``) and as this process's CPU time
(``cpu_seconds``): on the shared 2-core machine the CPU time is the steadier
figure.  One BLAS thread (unless OPENBLAS_NUM_THREADS says otherwise): with
two threads on a loaded 2-core machine a 256 x 256 solve took 100x longer.

Targets: continuation under 5 s, and at least 10x faster than the bisection
reaching the same fold accuracy, in the same run.  Before the round that added
the low-rank solves, chord/Broyden corrector and shared CANN tables (quiet
machine, default BLAS threads): continuation 1.30 s, bisection 1.87 s (1.44x).  Results go to
``benchmarks/results/continuation.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one BLAS thread: a shared machine (see bench_simulate.py)

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results" / "continuation.json"


def _clock():
    return time.perf_counter(), time.process_time()


def _since(began):
    now = _clock()
    return now[0] - began[0], now[1] - began[1]


def _run_continuation(cann, k_c, **options):
    from attractors.analysis import continuation

    start = dataclasses.replace(cann, k=0.1 * k_c)
    began = _clock()
    branch = continuation(start, "k", 0.1 * k_c, 1.5 * k_c, x0=start.bump_profile(0.0), **options)
    seconds = _since(began)
    fold = float(branch.special_parameter[branch.special_type == "fold"][0])
    return seconds, fold, branch


def _run_bisection(cann, k_c, accuracy):
    import numpy as np

    from attractors.analysis import find_fixed_points

    low, high = 0.1 * k_c, 1.5 * k_c
    bump = dataclasses.replace(cann, k=low).bump_profile(0.0)
    calls = 0
    began = _clock()
    while high - low > accuracy * k_c:
        middle = 0.5 * (low + high)
        model = dataclasses.replace(cann, k=middle)
        found = find_fixed_points(model, bump[None, :], eigenvectors=False)
        calls += 1
        heights = found.state.max("unit").values if found.sizes.get("fixed_point", 0) else np.zeros(0)
        # True fixed points only: near the fold the ghost of the bump is a slow point.
        real = found.is_fixed_point.values if heights.size else np.zeros(0, bool)
        bumps = (heights > 1e-3 * float(bump.max())) & real
        if bumps.any():
            low = middle
            bump = found.state.values[int(np.argmax(np.where(bumps, heights, -1.0)))]
        else:
            high = middle
    return _since(began), 0.5 * (low + high), calls


def main():
    import attractors

    cann = attractors.CANN1D(n_units=256)
    k_c = cann.critical_inhibition
    _run_continuation(attractors.CANN1D(n_units=32), attractors.CANN1D(n_units=32).critical_inhibition)
    seconds, fold, branch = _run_continuation(cann, k_c)
    wide_seconds, wide_fold, wide = _run_continuation(cann, k_c, ds_max=0.1)
    error = abs(fold / k_c - 1)
    accuracy = max(error, 1e-6)
    bisect_seconds, bisect_fold, calls = _run_bisection(cann, k_c, accuracy)
    # The same accuracy as the continuation's fold (a bracket as narrow as its error).
    same_seconds, same_fold, same_calls = _run_bisection(cann, k_c, max(error, 1e-10))
    out = {
        "problem": "CANN1D(256) bump, k from 0.1 k_c through the fold and back along the unstable branch",
        "k_c": k_c,
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "continuation": {"seconds": seconds[0], "cpu_seconds": seconds[1],
                         "points": int(branch.sizes["point"]),
                         "fold_relative_error": error, "status": branch.attrs["status"]},
        "continuation_ds_max_0.1": {"seconds": wide_seconds[0], "cpu_seconds": wide_seconds[1],
                                    "points": int(wide.sizes["point"]),
                                    "fold_relative_error": abs(wide_fold / k_c - 1),
                                    "status": wide.attrs["status"]},
        "bisection_find_fixed_points": {"seconds": bisect_seconds[0], "cpu_seconds": bisect_seconds[1],
                                        "calls": calls,
                                        "fold_relative_error": abs(bisect_fold / k_c - 1),
                                        "bracket_relative": accuracy},
        "bisection_same_accuracy": {"seconds": same_seconds[0], "cpu_seconds": same_seconds[1],
                                    "calls": same_calls,
                                    "fold_relative_error": abs(same_fold / k_c - 1),
                                    "bracket_relative": max(error, 1e-10)},
        "speedup": bisect_seconds[0] / seconds[0],
        "speedup_same_accuracy": same_seconds[0] / seconds[0],
        "speedup_same_accuracy_cpu": same_seconds[1] / seconds[1],
        "speedup_same_accuracy_ds_max_0.1_cpu": same_seconds[1] / wide_seconds[1],
        "targets": {"continuation_under_5_s": seconds[0] < 5.0,
                    "at_least_10x_faster": same_seconds[0] / seconds[0] >= 10.0},
    }
    print(json.dumps(out, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
