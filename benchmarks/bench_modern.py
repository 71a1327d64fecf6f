"""Benchmark: modern Hopfield retrieval against the machine's matrix-multiply rate; dense memory recall.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_modern.py            # about a minute
    python3 benchmarks/bench_modern.py --full     # more repeats

It measures, in one run and side by side:

1. ``modern_float32`` / ``modern_float64``: one update of
   :class:`~attractors.models.ModernHopfield` for 1,000 queries against 10,000
   stored patterns of dimension 256 (``model.update``: two matrix products, a
   stable in-place softmax and the normalisation), against the two bare matrix
   products of the same shapes, ``(1000, 256) @ (256, 10000)`` and
   ``(1000, 10000) @ (10000, 257)``, into preallocated outputs.  The rate of the
   update is counted with the flops of the two products alone, so the ratio
   ``matmul time / update time`` is the fraction of the machine's matrix-multiply
   rate that a retrieval step achieves.  Target: >= 0.70.
2. ``retrieve``: :meth:`ModernHopfield.retrieve` of the same queries to
   convergence (float32), with the number of steps and the time per step.
3. ``dense``: :class:`~attractors.models.DenseAssociativeMemory` (n = 3,
   N = 200 units, P = 1,000 patterns, load 5) recalling 200 cues with 10 % of
   their bits flipped: the fraction recalled exactly and the sweeps it took, the
   time per asynchronous and synchronous sweep, the time per
   pattern-unit term (each sweep touches N * P terms per cue), and the ratio to
   one float64 matrix product of the same size (cues x N @ N x P, the cost of
   computing the overlaps once), a yardstick rather than a target.

Contenders run alternately (bare, model, model, bare, ...) so machine noise
falls on both; the statistic is the median of the repeats (the minimum is also
written down).  The update must agree with a float64 reference computed with
numpy (relative error below 1e-5 for float32, 1e-12 for float64) or the
benchmark fails.  Numbers go to ``benchmarks/results/modern.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

# One BLAS thread unless the caller says otherwise (set before numpy loads): both
# contenders use the same BLAS, and on a small shared machine multi-threaded BLAS
# turns contention into outliers.  Set OPENBLAS_NUM_THREADS to measure with more.
_BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_BLAS_SET_HERE = [v for v in _BLAS_VARS if v not in os.environ]
for _var in _BLAS_SET_HERE:
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # benchmark the checkout, installed or not

from attractors.models._dense import DenseAssociativeMemory  # noqa: E402
from attractors.models._modern import ModernHopfield  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "modern.json"

N_QUERIES, N_PATTERNS, DIM = 1_000, 10_000, 256
DENSE_UNITS, DENSE_PATTERNS, DENSE_CUES, DENSE_DEGREE = 200, 1_000, 200, 3
SEED = 0
TARGET = 0.70


def _alternate(first, second, repeats):
    """Times of two callables run in the order A B B A A B ..., after one warm-up each."""
    first(), second()
    times = {0: [], 1: []}
    for r in range(repeats):
        order = (0, 1) if r % 2 == 0 else (1, 0)
        for which in order:
            gc.collect()
            start = time.perf_counter()
            (first, second)[which]()
            times[which].append(time.perf_counter() - start)
    return times[0], times[1]


def _summary(times):
    return {"median_s": statistics.median(times), "min_s": min(times), "repeats": len(times)}


def bench_modern(dtype, repeats):
    rng = np.random.default_rng(SEED)
    patterns = rng.standard_normal((N_PATTERNS, DIM))
    queries64 = patterns[:N_QUERIES] + 0.5 * rng.standard_normal((N_QUERIES, DIM))
    beta = 1 / np.sqrt(DIM)
    model = ModernHopfield(patterns, beta=beta)
    queries = queries64.astype(dtype)

    # The bare products, same shapes and dtype, preallocated outputs.
    bare_patterns = np.ascontiguousarray(patterns, dtype=dtype)
    augmented = np.ascontiguousarray(np.hstack([patterns, np.ones((N_PATTERNS, 1))]), dtype=dtype)
    scores = np.empty((N_QUERIES, N_PATTERNS), dtype=dtype)
    out = np.empty((N_QUERIES, DIM + 1), dtype=dtype)

    def matmul():
        np.matmul(queries, bare_patterns.T, out=scores)
        np.matmul(scores, augmented, out=out)

    def update():
        return model.update(queries)

    # Correctness against a float64 reference written out with numpy.
    logits = beta * queries64 @ patterns.T
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    reference = (weights / weights.sum(axis=1, keepdims=True)) @ patterns
    error = np.max(np.abs(update() - reference)) / np.max(np.abs(reference))
    allowed = 1e-5 if dtype == np.float32 else 1e-12
    if not error < allowed:
        raise SystemExit(f"ModernHopfield.update ({np.dtype(dtype).name}) differs from the "
                         f"reference by {error:.2e} (allowed {allowed:g})")

    bare, model_times = _alternate(matmul, update, repeats)
    flops = 2 * N_QUERIES * N_PATTERNS * DIM + 2 * N_QUERIES * N_PATTERNS * (DIM + 1)
    bare_s, model_s = statistics.median(bare), statistics.median(model_times)
    return {
        "dtype": np.dtype(dtype).name, "matmul": _summary(bare), "update": _summary(model_times),
        "matmul_gflops": flops / bare_s / 1e9, "update_gflops": flops / model_s / 1e9,
        "fraction_of_matmul_rate": bare_s / model_s, "target": TARGET,
        "max_relative_error": float(error),
    }


def bench_retrieve(repeats):
    rng = np.random.default_rng(SEED)
    patterns = rng.standard_normal((N_PATTERNS, DIM))
    queries = patterns[:N_QUERIES] + 0.5 * rng.standard_normal((N_QUERIES, DIM))
    model = ModernHopfield(patterns, beta=1 / np.sqrt(DIM))
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = model.retrieve(queries, dtype=np.float32)
        times.append(time.perf_counter() - start)
    steps = result.steps.values
    correct = float(np.mean(result.nearest.values == np.arange(N_QUERIES)))
    # Updates computed: every query until it converges, plus the confirming update.
    updates = int(np.sum(steps + 1))
    return {"retrieve": _summary(times), "mean_steps": float(steps.mean()),
            "max_steps": int(steps.max()), "fraction_retrieved": correct,
            "seconds_per_query_update": statistics.median(times) / updates}


def bench_dense(repeats):
    rng = np.random.default_rng(SEED)
    patterns = rng.choice(np.array([-1, 1], dtype=np.int8), size=(DENSE_PATTERNS, DENSE_UNITS))
    cues = patterns[:DENSE_CUES].copy()
    flips = np.argsort(rng.random(cues.shape), axis=1)[:, :DENSE_UNITS // 10]
    np.put_along_axis(cues, flips, -np.take_along_axis(cues, flips, axis=1), axis=1)
    asynchronous = DenseAssociativeMemory(patterns, degree=DENSE_DEGREE, record_overlaps=False)
    synchronous = DenseAssociativeMemory(patterns, degree=DENSE_DEGREE, mode="synchronous",
                                         record_overlaps=False)
    cues_f = cues.astype(np.float64)
    patterns_f = patterns.astype(np.float64)

    def overlaps():
        return cues_f @ patterns_f.T

    def sweep():
        return asynchronous.update(cues, np.random.default_rng(1))

    state, n_sweeps, rng_recall = cues, 0, np.random.default_rng(2)
    while n_sweeps < 50:
        following = asynchronous.update(state, rng_recall)
        n_sweeps += 1
        if np.array_equal(following, state):
            break
        state = following
    bare, sweeps = _alternate(overlaps, sweep, repeats)
    _, sync = _alternate(overlaps, lambda: synchronous.update(cues, None), repeats)
    terms = DENSE_CUES * DENSE_UNITS * DENSE_PATTERNS
    return {
        "asynchronous_sweep": _summary(sweeps), "synchronous_sweep": _summary(sync),
        "overlap_matmul": _summary(bare),
        "ns_per_term_asynchronous": statistics.median(sweeps) / terms * 1e9,
        "sweep_over_matmul": statistics.median(sweeps) / statistics.median(bare),
        "fraction_recalled": float(np.mean(np.all(state == patterns[:DENSE_CUES], axis=1))),
        "sweeps_to_fixed_point": n_sweeps,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="more repeats")
    parser.add_argument("--no-save", action="store_true", help="do not write the JSON results")
    args = parser.parse_args(argv)
    repeats = 15 if args.full else 5

    rows = [bench_modern(np.float32, repeats), bench_modern(np.float64, repeats)]
    retrieve = bench_retrieve(3 if not args.full else 7)
    dense = bench_dense(repeats)

    print(f"ModernHopfield: {N_QUERIES} queries x {N_PATTERNS} patterns x dim {DIM} "
          f"(BLAS threads: {os.environ.get('OPENBLAS_NUM_THREADS')})")
    print(f"{'dtype':8} {'matmul ms':>10} {'update ms':>10} {'matmul GF/s':>12} "
          f"{'update GF/s':>12} {'fraction':>9} {'target':>7}")
    for row in rows:
        print(f"{row['dtype']:8} {row['matmul']['median_s'] * 1e3:10.1f} "
              f"{row['update']['median_s'] * 1e3:10.1f} {row['matmul_gflops']:12.1f} "
              f"{row['update_gflops']:12.1f} {row['fraction_of_matmul_rate']:9.2f} "
              f"{'ok' if row['fraction_of_matmul_rate'] >= TARGET else 'MISSED':>7}")
    print(f"retrieve (float32): {retrieve['retrieve']['median_s'] * 1e3:.1f} ms, "
          f"mean steps {retrieve['mean_steps']:.2f} (max {retrieve['max_steps']}), "
          f"{retrieve['fraction_retrieved']:.3f} retrieved the cued pattern, "
          f"{retrieve['seconds_per_query_update'] * 1e6:.1f} us per query-update")
    print(f"DenseAssociativeMemory n={DENSE_DEGREE}, N={DENSE_UNITS}, P={DENSE_PATTERNS}, "
          f"{DENSE_CUES} cues: asynchronous sweep {dense['asynchronous_sweep']['median_s'] * 1e3:.1f} ms "
          f"({dense['ns_per_term_asynchronous']:.2f} ns per pattern-unit term), synchronous sweep "
          f"{dense['synchronous_sweep']['median_s'] * 1e3:.1f} ms, overlap matmul "
          f"{dense['overlap_matmul']['median_s'] * 1e3:.2f} ms "
          f"(sweep / matmul = {dense['sweep_over_matmul']:.1f}); "
          f"{dense['fraction_recalled']:.3f} of cues recalled exactly, all at fixed points after "
          f"{dense['sweeps_to_fixed_point']} sweeps")

    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({
            "modern": rows, "retrieve": retrieve, "dense": dense,
            "machine": {"platform": platform.platform(), "processor": platform.processor(),
                        "cpu_count": os.cpu_count(), "numpy": np.__version__,
                        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS")},
        }, indent=2) + "\n")
    return 0 if all(row["fraction_of_matmul_rate"] >= TARGET for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
