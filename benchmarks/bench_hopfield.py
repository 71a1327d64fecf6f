"""Benchmark: discrete Hopfield recall, side by side with peer packages, in one run.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_hopfield.py            # a few minutes on 2 cores
    python3 benchmarks/bench_hopfield.py --full     # every contender on all 100 cues
    python3 benchmarks/bench_hopfield.py --skip-memory
    python3 benchmarks/bench_hopfield.py --only energy   # one part (seconds)

Peers are installed only into the benchmark's own environment, never as
dependencies of the library::

    python3 -m venv benchmarks/.venv-peers
    benchmarks/.venv-peers/bin/pip install numpy hopfieldkit hopfieldnetwork
    benchmarks/.venv-peers/bin/pip install --no-deps neurodynex3

(``neurodynex3`` without its dependencies: only its ``hopfield_network.network``
module is used, which needs numpy alone.)  A peer that cannot be imported there
is skipped with the reason printed.

Workloads (issue 3): 100 cues, each a stored pattern with exactly 10% of its
bits flipped, run to convergence (a sweep that changes nothing); Hebb weights
:math:`W = \\frac1N \\sum_\\mu \\xi^\\mu \\xi^{\\mu T}`; W1: N = 1000, P = 50;
W2: N = 4000, P = 200.  Measured:

1. ``async``: asynchronous random-order recall, time per cue, for
   ``HopfieldNetwork.recall`` (all cues in one call, float64 weights, with the
   default numba threads and with one thread; and exact integer Hebb couplings,
   int8/int16, which move 4-8x fewer bytes per flip), a plain numpy loop with an
   incrementally updated local field, and the peers (hopfieldkit,
   hopfieldnetwork, neurodynex3), each run on the same weights and cues in a
   subprocess of the peer environment.  Target: >= 10x faster than the fastest
   peer.  Every contender's retrieval rate (final overlap >= 0.9 with the cued
   pattern) is printed, so a fast wrong answer shows.
2. ``sync``: synchronous batched recall of the 100 cues (exact Hebb couplings
   held in float32, exact since every partial sum is an integer below 2**24),
   as a fraction of the matrix-product rate of the same (100 x N) @ (N x N)
   float32 product, and of a square N x N float32 product, measured in the same
   run.  Target: >= 70%.
3. ``energy``: recall with the energy recorded after every sweep
   (``record_energy=True``, updated incrementally) over recall without it.
   Target: <= 1.10.  Also ``simulate()`` recording every sweep with the
   energy over the same run with ``record_energy=False`` (the energies are read
   from the run's local fields at every record, ``energy_of_run``).  Target:
   <= 1.10.
4. ``memory``: peak resident memory (``ru_maxrss``) of a fresh process that
   stores P = 0.1 N patterns in N = 20,000 units (float32 weights, and exact
   int16 Hebb couplings) and recalls 10 cues asynchronously.  Target: < 2 GB.

The numbers are printed as a table and written to
``benchmarks/results/hopfield.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

# One BLAS thread unless the caller says otherwise (set before numpy loads): on a
# small shared machine multi-threaded BLAS turns contention into outliers; the
# library and the reference product use the same BLAS, so ratios are unaffected.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from attractors.models import HopfieldNetwork  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "hopfield.json"
PEER_PYTHON = REPO / "benchmarks" / ".venv-peers" / "bin" / "python"
WORKLOADS = {"W1": (1000, 50), "W2": (4000, 200)}
N_CUES = 100
FLIP = 0.10
TARGETS = {"async_speedup": 10.0, "sync_fraction": 0.70, "energy_ratio": 1.10,
           "simulate_energy_ratio": 1.10, "memory_bytes": 2e9}


def workload(n, p, seed=0):
    rng = np.random.default_rng(seed)
    xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(p, n))
    target = np.arange(N_CUES) % p
    cues = xi[target].copy()
    flips = rng.permuted(np.tile(np.arange(n) < int(FLIP * n), (N_CUES, 1)), axis=1)
    cues[flips] *= -1
    return xi, cues, target


def retrieved(states, xi, target):
    overlap = np.einsum("bi,bi->b", np.asarray(states, dtype=float), xi[target]) / xi.shape[1]
    return float(np.mean(overlap >= 0.9))


def numpy_loop(w, cues, seed=0, max_sweeps=100):
    """Plain numpy: random order, local field updated on every flip (h += 2 s_i W_i)."""
    rng = np.random.default_rng(seed)
    n = w.shape[0]
    out = []
    for cue in cues:
        s = cue.astype(np.float64)
        h = w @ s
        for _ in range(max_sweeps):
            changed = False
            for i in rng.permutation(n):
                f = h[i]
                if (f > 0 and s[i] < 0) or (f < 0 and s[i] > 0):
                    s[i] = -s[i]
                    h += (2 * s[i]) * w[i]
                    changed = True
            if not changed:
                break
        out.append(s)
    return np.array(out)


PEER_DRIVER = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    data = np.load(sys.argv[1])
    w, cues, name = data["w"], data["cues"], sys.argv[2]
    np.random.seed(0)
    try:
        if name == "hopfieldkit":
            from hopfieldkit import HopfieldNetwork
            net = HopfieldNetwork(w.shape[0]); net.weights = w
            run = lambda cue: net.recall(cue, order="random", max_steps=100, seed=0)
        elif name == "hopfieldnetwork":
            from hopfieldnetwork import HopfieldNetwork
            net = HopfieldNetwork(w.shape[0]); net.w = w
            def run(cue):
                net.set_initial_neurons_state(cue.astype(np.int8).copy())
                net.update_neurons(0, "async", run_max=True)
                return net.S.copy()
        elif name == "neurodynex3":
            from neurodynex3.hopfield_network.network import HopfieldNetwork
            net = HopfieldNetwork(w.shape[0]); net.weights = w; net.set_dynamics_sign_async()
            def run(cue):
                net.set_state_from_pattern(cue.astype(float))
                for _ in range(100):
                    before = net.state.copy(); net.iterate()
                    if np.array_equal(before, net.state):
                        break
                return net.state.copy()
        else:
            raise ImportError("unknown peer " + name)
    except Exception as error:
        print(json.dumps({"skipped": f"{type(error).__name__}: {error}"})); sys.exit(0)
    run(cues[0])  # warm-up
    times, finals = [], []
    for cue in cues:
        t = time.perf_counter(); finals.append(np.asarray(run(cue), dtype=float))
        times.append(time.perf_counter() - t)
    np.save(sys.argv[3], np.array(finals))
    print(json.dumps({"per_cue_s": sum(times) / len(times), "n_cues": len(cues)}))
""")


def run_peer(name, w, cues, folder):
    if not PEER_PYTHON.exists():
        return {"skipped": f"no peer environment at {PEER_PYTHON} (see the module docstring)"}
    data, finals = Path(folder) / "input.npz", Path(folder) / f"{name}.npy"
    np.savez(data, w=w, cues=cues)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(PEER_PYTHON), "-c", PEER_DRIVER, str(data), name, str(finals)],
                          capture_output=True, text=True, env=env, timeout=3600)
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return {"skipped": f"failed: {done.stderr.strip().splitlines()[-1:]}"}
    result = json.loads(lines[-1])
    if "skipped" not in result:
        result["finals"] = np.load(finals)
    return result


def cold(net):
    """The network as is: it keeps no fields between calls (run state lives in each run),
    so every recall pays for its initial product."""
    return net


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), value


def bench_async(name, n, p, args, folder):
    import numba

    xi, cues, target = workload(n, p)
    net = HopfieldNetwork.from_patterns(xi)
    w = net.weights
    net.recall(cues[:2], seed=0)  # compile / load the kernels
    rows = {}
    threads = numba.get_num_threads()
    med, best, res = timed(lambda: cold(net).recall(cues, seed=1), args.repeats)
    rows["attractors"] = {"per_cue_s": med / N_CUES, "min_per_cue_s": best / N_CUES,
                          "threads": threads, "retrieved": retrieved(res.state, xi, target)}
    numba.set_num_threads(1)
    med, best, res = timed(lambda: cold(net).recall(cues, seed=1), args.repeats)
    numba.set_num_threads(threads)
    rows["attractors (1 thread)"] = {"per_cue_s": med / N_CUES, "min_per_cue_s": best / N_CUES,
                                     "threads": 1, "retrieved": retrieved(res.state, xi, target)}
    exact = HopfieldNetwork.from_patterns(xi, exact=True)
    exact.recall(cues[:2], seed=0)
    med, best, res = timed(lambda: cold(exact).recall(cues, seed=1), args.repeats)
    rows[f"attractors exact {exact.weights.dtype}"] = {
        "per_cue_s": med / N_CUES, "min_per_cue_s": best / N_CUES, "threads": threads,
        "retrieved": retrieved(res.state, xi, target)}
    k = N_CUES if args.full else args.peer_cues
    med, _, finals = timed(lambda: numpy_loop(w, cues[:k]), 1)
    rows["numpy loop"] = {"per_cue_s": med / k, "n_cues": k,
                          "retrieved": retrieved(finals, xi, target[:k])}
    for peer in ("hopfieldkit", "hopfieldnetwork", "neurodynex3"):
        result = run_peer(peer, w, cues[:k], folder)
        if "skipped" in result:
            print(f"  {name}: peer {peer} skipped: {result['skipped']}")
            rows[peer] = result
            continue
        rows[peer] = {"per_cue_s": result["per_cue_s"], "n_cues": k,
                      "retrieved": retrieved(result.pop("finals"), xi, target[:k])}
    return rows


def matmul_rate(a, b, repeats):
    a @ b
    med, _, _ = timed(lambda: a @ b, repeats)
    return 2.0 * a.shape[0] * a.shape[1] * b.shape[1] / med


def bench_sync(n, p, args):
    xi, cues, target = workload(n, p)
    net = HopfieldNetwork.from_patterns(xi, exact=True, dynamics="sync")
    net.recall(cues[:2])  # compile / load the kernels
    c = net._float_weights  # the float32 copy of the exact couplings, made at construction
    assert c.dtype == np.float32
    res = net.recall(cues)
    period = res.period.values
    n_products = int(np.max(res.sweeps.values + np.where(period == 2, 2, 1)))
    flops = 2.0 * N_CUES * n * n * n_products
    # Alternate the recall and the same number of bare products, so that machine
    # noise falls on both; medians of the repeats.
    batch = cues.astype(np.float32)
    recall_times, product_times = [], []
    for _ in range(args.repeats):
        recall_times.append(timed(lambda: cold(net).recall(cues), 1)[0])
        product_times.append(timed(lambda: [batch @ c for _ in range(n_products)], 1)[0])
    med = statistics.median(recall_times)
    batch_rate = flops / statistics.median(product_times)
    square = np.ones((n, n), dtype=np.float32)
    square_rate = matmul_rate(square, c, 3)
    return {"dtype": str(c.dtype), "products": n_products, "seconds": med,
            "min_seconds": min(recall_times),
            "rate_gflops": flops / med / 1e9, "batch_matmul_gflops": batch_rate / 1e9,
            "square_matmul_gflops": square_rate / 1e9,
            "fraction_of_batch_matmul": flops / med / batch_rate,
            "fraction_of_square_matmul": flops / med / square_rate,
            "retrieved": retrieved(res.state, xi, target)}


def bench_energy(n, p, args):
    xi, cues, _ = workload(n, p)
    net = HopfieldNetwork.from_patterns(xi)
    net.recall(cues[:2], record_energy=True)
    plain, with_energy = [], []
    for _ in range(args.repeats):  # alternate, so machine noise falls on both
        plain.append(timed(lambda: cold(net).recall(cues, seed=1), 1)[0])
        with_energy.append(timed(lambda: cold(net).recall(cues, seed=1, record_energy=True), 1)[0])
    # simulate(): the energy of every recorded state (every sweep) against a run
    # that records states only (record_energy=False), alternated.
    import attractors

    def simulate(record):
        return attractors.simulate(cold(net), cues, n_steps=20, seed=1, stop_at_fixed_point=True,
                                   record_energy=record)

    simulate(True)
    on, off = [], []
    for _ in range(max(3, args.repeats // 2)):
        off.append(timed(lambda: simulate(False), 1)[0])
        on.append(timed(lambda: simulate(True), 1)[0])
    return {"without_s": statistics.median(plain), "with_s": statistics.median(with_energy),
            "ratio": statistics.median(with_energy) / statistics.median(plain),
            "simulate_without_s": statistics.median(off), "simulate_with_s": statistics.median(on),
            "simulate_ratio": statistics.median(on) / statistics.median(off)}


MEMORY_DRIVER = textwrap.dedent("""
    import resource, sys, time, json
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    from attractors.models import HopfieldNetwork
    n, mode = int(sys.argv[2]), sys.argv[3]
    p = n // 10
    rng = np.random.default_rng(0)
    xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(p, n))
    t = time.perf_counter()
    if mode == "float32":
        net = HopfieldNetwork.from_patterns(xi, dtype="float32")
    else:
        net = HopfieldNetwork.from_patterns(xi, exact=True)
    store_s = time.perf_counter() - t
    cues = xi[:10].copy()
    cues[:, : n // 10] *= -1
    t = time.perf_counter()
    result = net.recall(cues, seed=0)
    recall_s = time.perf_counter() - t
    print(json.dumps({"peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "weights_bytes": net.weights.nbytes, "weights_dtype": str(net.weights.dtype),
                      "store_s": store_s, "recall_10_cues_s": recall_s,
                      "retrieved": float(np.mean(result.kind.values == "pattern"))}))
""")


def bench_memory(n):
    rows = {}
    for mode in ("float32", "exact-int16"):
        # A small run first, so that numba's compilation (cached on disk) is not
        # part of the measured process's memory or time.
        subprocess.run([sys.executable, "-c", MEMORY_DRIVER, str(REPO), "400", mode],
                       capture_output=True, text=True, timeout=3600)
        done = subprocess.run([sys.executable, "-c", MEMORY_DRIVER, str(REPO), str(n), mode],
                              capture_output=True, text=True, timeout=3600)
        if done.returncode:
            rows[mode] = {"failed": done.stderr.strip().splitlines()[-3:]}
        else:
            rows[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    return rows


def machine():
    import numba

    return {"python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__, "cpus": os.cpu_count(), "platform": platform.platform(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
            "numba_threads": numba.get_num_threads()}


def report_async(rows):
    """Print the async rows and the speed-up over the fastest peer; whether the target is met."""
    peers = [r["per_cue_s"] for k, r in rows.items()
             if k in ("hopfieldkit", "hopfieldnetwork", "neurodynex3") and "per_cue_s" in r]
    for label, row in list(rows.items()):
        if "per_cue_s" in row:
            print(f"  async  {label:24s} {row['per_cue_s'] * 1e3:9.3f} ms/cue  "
                  f"retrieved {row['retrieved']:.2f}")
    if not peers:
        return True
    speedup = min(peers) / rows["attractors"]["per_cue_s"]
    speedup1 = min(peers) / rows["attractors (1 thread)"]["per_cue_s"]
    exact_row = next(r for k, r in rows.items() if k.startswith("attractors exact"))
    speedup_exact = min(peers) / exact_row["per_cue_s"]
    rows["speedup_vs_fastest_peer"] = speedup
    rows["speedup_vs_fastest_peer_1_thread"] = speedup1
    rows["speedup_vs_fastest_peer_exact"] = speedup_exact
    print(f"  async  speed-up over the fastest peer: {speedup:.1f}x "
          f"(1 thread: {speedup1:.1f}x; exact couplings: {speedup_exact:.1f}x; "
          f"target >= {TARGETS['async_speedup']:g}x)")
    return speedup >= TARGETS["async_speedup"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peer-cues", type=int, default=10,
                        help="cues per peer and for the numpy loop (default 10; --full: 100)")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--only", choices=("async", "sync", "energy", "memory"),
                        help="run one part of the benchmark")
    parser.add_argument("--memory-units", type=int, default=20_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.only and args.output == RESULTS:  # a part never overwrites the whole run's file
        args.output = RESULTS.with_name(f"hopfield_{args.only}.json")
    results = {"machine": machine(), "targets": TARGETS, "async": {}, "sync": {}, "energy": {}}
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for name, (n, p) in WORKLOADS.items():
            print(f"{name}: N = {n}, P = {p}, {N_CUES} cues with {FLIP:.0%} of bits flipped")
            if args.only in (None, "async"):
                results["async"][name] = rows = bench_async(name, n, p, args, folder)
                ok &= report_async(rows)
            if args.only in (None, "sync"):
                results["sync"][name] = sync = bench_sync(n, p, args)
                ok &= sync["fraction_of_batch_matmul"] >= TARGETS["sync_fraction"]
                print(f"  sync   {sync['seconds'] * 1e3:.2f} ms for {N_CUES} cues "
                      f"({sync['products']} products, {sync['dtype']}): "
                      f"{sync['rate_gflops']:.1f} GFLOP/s"
                      f" = {sync['fraction_of_batch_matmul']:.0%} of the same-shape product "
                      f"({sync['batch_matmul_gflops']:.1f}), "
                      f"{sync['fraction_of_square_matmul']:.0%} of a square one "
                      f"({sync['square_matmul_gflops']:.1f}); retrieved {sync['retrieved']:.2f}")
            if args.only in (None, "energy"):
                results["energy"][name] = energy = bench_energy(n, p, args)
                ok &= energy["ratio"] <= TARGETS["energy_ratio"]
                ok &= energy["simulate_ratio"] <= TARGETS["simulate_energy_ratio"]
                print(f"  energy recorded every sweep: recall x{energy['ratio']:.3f} "
                      f"({energy['without_s'] * 1e3:.2f} -> {energy['with_s'] * 1e3:.2f} ms); "
                      f"simulate() x{energy['simulate_ratio']:.3f} "
                      f"({energy['simulate_without_s'] * 1e3:.1f} -> "
                      f"{energy['simulate_with_s'] * 1e3:.1f} ms)")
    if not args.skip_memory and args.only in (None, "memory"):
        memory = bench_memory(args.memory_units)
        results["memory"] = memory
        for mode, row in memory.items():
            if "failed" in row:
                print(f"memory N = {args.memory_units} {mode}: failed {row['failed']}")
                ok = False
                continue
            ok &= row["peak_rss_bytes"] < TARGETS["memory_bytes"]
            print(f"memory N = {args.memory_units} ({mode}): peak RSS "
                  f"{row['peak_rss_bytes'] / 1e9:.2f} GB, weights {row['weights_bytes'] / 1e9:.2f} GB"
                  f" ({row['weights_dtype']}); store {row['store_s']:.1f} s, recall of 10 cues "
                  f"{row['recall_10_cues_s']:.2f} s, retrieved {row['retrieved']:.2f}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=float) + "\n")
    print(f"written to {args.output}; all targets met: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
