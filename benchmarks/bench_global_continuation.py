"""Benchmark: global continuation of a Hopfield network over load, on one and two workers.

Run from the repository root::

    python3 benchmarks/bench_global_continuation.py           # N = 1000, 20 loads x 200 cues
    python3 benchmarks/bench_global_continuation.py --n-units 300 --loads 6 --starts 60

Workload (issue 11, speed): ``attractors.analysis.global_continuation`` of a
1000-unit Hopfield network (Hebbian weights as exact integers, asynchronous
dynamics, the compiled kernels) over 20 loads 0.01, 0.02, ..., 0.20: at each
load the network storing round(alpha N) patterns (the first rows of one fixed
draw of 200 patterns) is rebuilt by a factory, 200 cues with 10 % of the bits
of pattern 0 flipped are drawn from the load's own seeded generator, run to
rest by ``basins``, and labelled retrieval / reversal of pattern 0 (overlap
>= 0.95) or unrecognised; ids are matched by label.  It runs three ways and
checks they give the same Dataset:

1. ``inline``: in this process (after a warm-up load, so the numba cache is
   loaded and one-off imports are not counted);
2. ``pool 1`` / ``pool 2``: on a warm pool of 1 and 2 worker processes
   (``workers=attractors.worker_pool(n)``, warmed by one untimed run of the
   whole workload, as a cluster is warm before work is sent to it).

Each is the median of three runs.

Target: 1 worker / 2 workers >= 1.7 on warm workers.  Every point runs with
one BLAS and numba thread, so the scaling measured is the scheduler's.
Numbers are printed and written to ``benchmarks/results/global_continuation.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import attractors  # noqa: E402
from attractors.analysis import NearestPattern, global_continuation  # noqa: E402
from attractors.models import HopfieldNetwork  # noqa: E402
from attractors.patterns import flip, random_patterns  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "global_continuation.json"


class Network:
    """load -> the Hopfield network storing the first round(load N) of a fixed draw."""

    def __init__(self, n_units, max_load):
        self.n_units = n_units
        # int8: what travels to the workers with every load stays small (0.2 MB at N = 1000).
        self.patterns = random_patterns(max(1, round(max_load * n_units)), n_units,
                                        seed=0).astype(np.int8)

    def __call__(self, load):
        p = max(1, round(load * self.n_units))
        return HopfieldNetwork.from_patterns(self.patterns[:p], exact=True)


class Cues:
    """``n`` cues with 10 % of the bits of pattern 0 flipped, from the load's generator."""

    def __init__(self, n):
        self.n = n

    def __call__(self, model, rng):
        return flip(np.repeat(model.patterns[:1], self.n, axis=0), 0.1, exact=True, rng=rng)


class OwnPattern:
    """Retrieval (0) or reversal (1) of pattern 0 of the network at hand, else -2."""

    names = ["retrieval", "reversal"]

    def __call__(self, final, system):
        return NearestPattern(system.patterns[:1])(final, system)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-units", type=int, default=1000)
    parser.add_argument("--loads", type=int, default=20, help="number of loads 0.01, 0.02, ...")
    parser.add_argument("--starts", type=int, default=200)
    args = parser.parse_args(argv)

    loads = [round(0.01 * (k + 1), 2) for k in range(args.loads)]
    network, cues = Network(args.n_units, loads[-1]), Cues(args.starts)
    # Two labels at most (retrieval, reversal): states padded to 2, not to the 200 starts.
    kwargs = dict(classifier=OwnPattern(), match="label", max_attractors=2, seed=0)

    def run(label, workers, repeats=3):
        # The median of three runs on the same warm workers.
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            results[label] = global_continuation(network, "load", loads, cues, workers=workers,
                                                 **kwargs)
            seconds.append(time.perf_counter() - start)
        times[label] = float(np.median(seconds))
        print(f"{label:<8} {times[label]:7.2f} s   (runs {' '.join(f'{t:.2f}' for t in seconds)})",
              flush=True)

    def warm(workers):
        # The whole workload once, untimed: every worker has then loaded the numba
        # specialisations of this workload (the exact Hebbian weights are int8 up to 127
        # patterns and int16 above, so a small warm-up network leaves the int16 kernels to
        # the timed run: 2.05 s against 1.78 s for the same 2-worker run here).
        global_continuation(network, "load", loads, cues, workers=workers, **kwargs)

    from attractors import worker_pool

    times, results = {}, {}
    warm(None)
    run("inline", None)
    for n in (1, 2):
        with worker_pool(n) as pool:
            warm(pool)
            run(f"pool {n}", pool)
    for label in results:
        if not results[label].equals(results["inline"]):
            print(f"FAILED: {label} gave a different result from the inline run")
            return 1
    speedup = times["pool 1"] / times["pool 2"]
    print(f"\n{len(loads)} loads x {args.starts} cues (N = {args.n_units}); per load inline "
          f"{1e3 * times['inline'] / len(loads):.0f} ms")
    print(f"speed-up 1 -> 2 warm workers: {speedup:.2f}x   target >= 1.7   "
          f"{'ok' if speedup >= 1.7 else 'MISSED'}")
    retrieval = results["inline"].fraction.sel(attractor=0).values
    print("retrieval fraction by load:", " ".join(f"{f:.2f}" for f in retrieval))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"n_units": args.n_units, "loads": loads,
                                   "starts": args.starts, "seconds": times,
                                   "speedup_2_workers": speedup,
                                   "retrieval_fraction": retrieval.tolist(),
                                   "cpu_count": os.cpu_count(),
                                   "attractors_version": attractors.__version__}, indent=1))
    return 0 if speedup >= 1.7 else 1


if __name__ == "__main__":
    sys.exit(main())
