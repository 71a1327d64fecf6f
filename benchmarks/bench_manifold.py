"""Benchmark: persistent homology of 1000 points in 6-D up to H2, ripser's time and the wrapper's.

Run from the repository root::

    python3 benchmarks/bench_manifold.py           # a minute or two
    python3 benchmarks/bench_manifold.py --repeats 5

Workload (issue 13): 1000 points subsampled by furthest-point sampling from 5000
noisy samples of the flat torus in R^4 (noise std 0.05, plus two coordinates of pure
noise: 6-D), persistent homology up to H2 with the default filtration scale (0.1
distance quantile), no shuffles.  Target: < 10 s on the project machine (2 cores).

Reported side by side (median of the repeats, minimum too):

- ``ripser``: ripser's own time on the cloud, as measured inside the wrapper
  (``ripser_seconds``), and a direct ``ripser.ripser(points, maxdim=2, thresh=...)``
  call with the same scale, outside the wrapper;
- ``wrapper``: :func:`attractors.manifold.persistent_homology` in total
  (``total_seconds``), and its overhead (total minus ripser: distance quantile,
  spanning tree for H0, the Dataset).

The Betti numbers with 3 shuffles are printed as a check ((1, 2, 1) expected).
Results go to ``benchmarks/results/manifold.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from attractors.manifold import betti_numbers, furthest_point_sample, persistent_homology  # noqa: E402


def torus_cloud(n_points=1000, n_samples=5000, seed=0):
    rng = np.random.default_rng(seed)
    u, v = rng.uniform(0, 2 * np.pi, (2, n_samples))
    points = np.c_[np.cos(u), np.sin(u), np.cos(v), np.sin(v), np.zeros((n_samples, 2))]
    points += rng.normal(0, 0.05, points.shape)
    return points[furthest_point_sample(points, n_points)[0]]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    import ripser

    points = torus_cloud()
    persistent_homology(points[:100], max_dim=2)  # imports and first-call costs out of the way
    direct, inside, total = [], [], []
    for _ in range(args.repeats):
        result = persistent_homology(points, max_dim=2)
        inside.append(result.attrs["ripser_seconds"])
        total.append(result.attrs["total_seconds"])
        start = time.perf_counter()
        ripser.ripser(points, maxdim=2, thresh=result.attrs["max_scale"])
        direct.append(time.perf_counter() - start)
    overhead = [t - r for t, r in zip(total, inside)]
    check = betti_numbers(persistent_homology(points, max_dim=2, n_shuffles=3, seed=0))
    report = {
        "workload": "1000 furthest points of a noisy flat torus in 6-D, H0-H2, default scale",
        "max_scale": result.attrs["max_scale"],
        "ripser_direct_median_s": statistics.median(direct), "ripser_direct_min_s": min(direct),
        "ripser_inside_median_s": statistics.median(inside),
        "wrapper_total_median_s": statistics.median(total), "wrapper_total_min_s": min(total),
        "wrapper_overhead_median_s": statistics.median(overhead),
        "betti_numbers_3_shuffles": list(check),
        "target_s": 10.0, "repeats": args.repeats,
        "machine": platform.platform(), "python": platform.python_version(),
        "ripser_version": getattr(ripser, "__version__", "?"),
    }
    print(f"{'':28s}{'median (s)':>12s}{'min (s)':>10s}")
    print(f"{'ripser, direct call':28s}{report['ripser_direct_median_s']:12.2f}{min(direct):10.2f}")
    print(f"{'ripser, inside the wrapper':28s}{report['ripser_inside_median_s']:12.2f}{min(inside):10.2f}")
    print(f"{'persistent_homology total':28s}{report['wrapper_total_median_s']:12.2f}{min(total):10.2f}")
    print(f"{'wrapper overhead':28s}{report['wrapper_overhead_median_s']:12.2f}{min(overhead):10.2f}")
    print(f"scale {report['max_scale']:.3f}; Betti numbers with 3 shuffles {check} (expected (1, 2, 1))")
    out = Path(__file__).resolve().parent / "results" / "manifold.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main()
