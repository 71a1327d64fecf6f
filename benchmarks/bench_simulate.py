"""Benchmark: the cost of attractors.simulate() over a hand-written numpy loop.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_simulate.py            # about a minute
    python3 benchmarks/bench_simulate.py --full     # batch run at the full 10,000 steps
    python3 benchmarks/bench_simulate.py --only import   # one part

It measures, in one run and side by side:

1. ``single``: simulate() on a 256-unit rate network, 10,000 Euler steps,
   every step recorded, one trial, against a hand-written numpy loop that does
   the same arithmetic and stores every state in a preallocated array.
   Target: time ratio <= 1.3.
2. ``batch``: the same with 100 trials at once (x0 of shape (100, 256)).
   Target: time ratio <= 1.1.
3. ``import``: ``import attractors`` in a fresh interpreter, minus the
   interpreter's own start-up (``python3 -c pass``), with the package's
   bytecode written once beforehand, as installing it does.  Target: < 0.3 s.
   Also the same with every module compiled from source (a copy without
   bytecode, under PYTHONDONTWRITEBYTECODE), and the biggest imports reported by
   ``python3 -X importtime``.

The two contenders of 1 and 2 run alternately (hand, simulate, simulate, hand,
...) so that machine noise falls on both, and the statistic reported is the
median of the repeats (the minimum is also written down).  Both must end in the
same final state (``np.allclose``) or the benchmark fails.

The numbers are printed as a table and written to
``benchmarks/results/simulate.json``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

# One BLAS thread unless the caller says otherwise (set before numpy loads).  On
# a small shared machine, multi-threaded OpenBLAS turns any CPU contention into
# 2-5x outliers of the matrix products (measured: 1.5 ms/step quiet, up to 13
# ms/step contended, for the 100-trial run on 2 cores); both contenders use the
# same BLAS, so this only removes noise from the ratio being measured.
_BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_BLAS_SET_HERE = [v for v in _BLAS_VARS if v not in os.environ]
for _var in _BLAS_SET_HERE:
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # benchmark the checkout, installed or not

import attractors  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "simulate.json"

N_UNITS = 256
TAU = 10.0  # ms
DT = 0.1  # ms
GAIN = 1.5  # g: W ~ N(0, g^2 / N), the chaotic regime for g > 1
N_STEPS = 10_000
N_TRIALS = 100
SEED = 0

TARGETS = {"single": 1.3, "batch": 1.1, "import_s": 0.3}


# A RateNetwork model will come later in the library (attractors.models); until
# then the benchmark defines its own minimal one.  Its vector_field does exactly
# the arithmetic of the hand-written loop below, so the comparison measures
# simulate()'s overhead and nothing else.
class BenchRateNetwork(attractors.ContinuousSystem):
    r"""tau du/dt = -u + W tanh(u)."""

    time_unit = "ms"

    def __init__(self, W: np.ndarray, tau: float):
        self.W = W  # public, as a real model's weights would be (written into the trajectory)
        self.tau = tau
        self.n_units = W.shape[0]

    def vector_field(self, t, x, inputs=None):
        # No input term: the benchmark passes no inputs (inputs is None).
        return (-x + np.tanh(x) @ self.W.T) / self.tau


def hand_loop(W, tau, dt, x0, n_steps):
    """Forward Euler written out by hand, recording every state (x0 included)."""
    states = np.empty((n_steps + 1,) + x0.shape)
    x = np.array(x0, dtype=np.float64, copy=True)
    states[0] = x
    for i in range(n_steps):
        x = x + dt * ((-x + np.tanh(x) @ W.T) / tau)
        states[i + 1] = x
    return states


def run_simulate(system, x0, n_steps):
    return attractors.simulate(system, x0, n_steps=n_steps, dt=DT, solver="euler", seed=SEED)


def _timed(fn):
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def compare(system, x0, n_steps, repeats):
    """Time simulate() against the hand loop, alternating; check equal final states."""
    W, tau = system.W, system.tau
    # Warm-up: first simulate() imports xarray and tqdm; first matmul wakes BLAS.
    run_simulate(system, x0, 10)
    hand_loop(W, tau, DT, x0, 10)

    times = {"hand": [], "simulate": []}
    max_abs_diff = 0.0
    for rep in range(repeats):
        order = ("hand", "simulate") if rep % 2 == 0 else ("simulate", "hand")
        finals = {}
        for name in order:
            if name == "hand":
                seconds, states = _timed(lambda: hand_loop(W, tau, DT, x0, n_steps))
                assert states.shape == (n_steps + 1,) + x0.shape
                finals[name] = states[-1].copy()
            else:
                seconds, run = _timed(lambda: run_simulate(system, x0, n_steps))
                states = run.state.values
                assert states.shape == (n_steps + 1,) + x0.shape, states.shape
                assert run.attrs["status"] == "completed", run.attrs["message"]
                finals[name] = states[-1].copy()
                del run
            del states  # free the (possibly large) record before the next contender
            times[name].append(seconds)
        assert np.all(np.isfinite(finals["hand"]))
        assert np.allclose(finals["simulate"], finals["hand"], rtol=1e-12, atol=1e-12), (
            "simulate() and the hand loop disagree on the final state"
        )
        max_abs_diff = max(max_abs_diff, float(np.max(np.abs(finals["simulate"] - finals["hand"]))))

    hand_med = statistics.median(times["hand"])
    sim_med = statistics.median(times["simulate"])
    return {
        "n_units": system.n_units,
        "n_trials": 1 if x0.ndim == 1 else x0.shape[0],
        "n_steps": n_steps,
        "record_shape": [n_steps + 1, *x0.shape],
        "repeats": repeats,
        "hand_s": times["hand"],
        "simulate_s": times["simulate"],
        "hand_median_s": hand_med,
        "simulate_median_s": sim_med,
        "ratio_median": sim_med / hand_med,
        "ratio_min": min(times["simulate"]) / min(times["hand"]),
        "hand_us_per_step": 1e6 * hand_med / n_steps,
        "simulate_us_per_step": 1e6 * sim_med / n_steps,
        "overhead_median_s": sim_med - hand_med,
        "final_states_max_abs_diff": max_abs_diff,
    }


def fixed_cost(system, x0, repeats=7):
    """simulate() with a single step: its per-call cost, independent of the run length."""
    run_simulate(system, x0, 1)
    return statistics.median(_timed(lambda: run_simulate(system, x0, 1))[0] for _ in range(repeats))


def _subprocess_seconds(code, env, cpu=None, cwd=REPO):
    """Wall seconds of ``python -c code``; its CPU seconds (user + system) appended to ``cpu``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall


def _import_env(root):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))}
    env.pop("PYTHONSTARTUP", None)
    for var in _BLAS_SET_HERE:  # the import is timed as a user would see it
        env.pop(var, None)
    return env


def _import_seconds(repeats, env, cwd=REPO):
    """Seconds of ``python -c pass``, ``import numpy`` and ``import attractors``, each repeat.

    Three contenders, rotated each repeat: the bare interpreter, numpy alone
    (attractors' one import-time dependency) and attractors.
    """
    codes = {"bare": "pass", "numpy": "import numpy", "full": "import attractors"}
    seconds = {name: [] for name in codes}
    seconds.update({f"{name}_cpu": [] for name in codes})
    for rep in range(repeats):
        names = list(codes)
        names = names[rep % 3:] + names[:rep % 3]
        for name in names:
            seconds[name].append(_subprocess_seconds(codes[name], env, seconds[f"{name}_cpu"],
                                                     cwd))
    return seconds


def _over(seconds, key, base):
    return statistics.median(seconds[key]) - statistics.median(seconds[base])


def _from_source_cost(repeats):
    """``import attractors`` over start-up when every module is compiled from source.

    A copy of the package without bytecode, imported with PYTHONDONTWRITEBYTECODE
    (numpy keeps its installed bytecode): the cost of a first import from a
    source checkout, or of every import where bytecode cannot be written.
    """
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(REPO / "attractors", Path(folder) / "attractors",
                        ignore=shutil.ignore_patterns("__pycache__"))
        env = {**_import_env(folder), "PYTHONDONTWRITEBYTECODE": "1"}
        seconds = _import_seconds(repeats, env, cwd=folder)  # not REPO: '' is on sys.path
        check = subprocess.run([sys.executable, "-c", "import attractors; print(attractors.__file__)"],
                               env=env, cwd=folder, check=True, capture_output=True, text=True)
        assert check.stdout.strip().startswith(folder), check.stdout
    return _over(seconds, "full", "bare"), _over(seconds, "full_cpu", "bare_cpu")


def bench_import(repeats):
    env = _import_env(REPO)
    # Warm the file-system cache, and write the package's bytecode as installing it
    # does (pip compiles every module at install): the timed imports then load it,
    # as a user's do.  (Where PYTHONDONTWRITEBYTECODE is set, a source checkout
    # otherwise recompiles all ~50 modules at every import: measured separately,
    # ``import_cost_from_source_s``.)
    warm = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    _subprocess_seconds("import attractors", warm)
    seconds = _import_seconds(repeats, env)
    bare, full = seconds["bare"], seconds["full"]
    bare_med, full_med = statistics.median(bare), statistics.median(full)
    numpy_med = statistics.median(seconds["numpy"])
    from_source, from_source_cpu = _from_source_cost(repeats)

    # Which modules does `import attractors` load, and which cost most?
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import attractors"],
        env=env, cwd=REPO, check=True, capture_output=True, text=True,
    ).stderr
    rows = []
    for line in out.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        # "import time:  self [us] | cumulative | imported package" (indent = depth)
        self_us, cumulative_us, name = line.split(":", 1)[1].split("|")
        name = name[1:]  # one space after the bar, then two per level of nesting
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((name.strip(), int(self_us), int(cumulative_us), depth))
    # The tree of `import attractors` is the rows after the last top-level import
    # before it (the interpreter's own start-up: site, encodings, ...).
    end = max(i for i, r in enumerate(rows) if r[0] == "attractors" and r[3] == 0)
    start = max((i for i, r in enumerate(rows[:end]) if r[3] == 0), default=-1) + 1
    tree = rows[start:end + 1]
    by_cumulative = sorted(tree, key=lambda r: r[2], reverse=True)[:10]
    # Each package's own line (its cumulative time covers its submodules).
    packages = sorted((r for r in tree if "." not in r[0]), key=lambda r: r[2], reverse=True)[:10]
    children = sorted((r for r in tree if r[3] == 1), key=lambda r: r[2], reverse=True)[:10]
    by_self = sorted(tree, key=lambda r: r[1], reverse=True)[:10]
    stdlib = getattr(sys, "stdlib_module_names", frozenset())
    top_packages = sorted(p for p in {r[0].split(".")[0] for r in tree} - stdlib
                          if importlib.util.find_spec(p) is not None)  # drop failed probes
    heavy = [p for p in ("xarray", "scipy", "matplotlib", "pandas", "netCDF4", "tqdm")
             if p in top_packages]
    return {
        "repeats": repeats,
        "python_c_pass_s": bare,
        "import_attractors_s": full,
        "python_c_pass_median_s": bare_med,
        "import_attractors_median_s": full_med,
        "import_numpy_s": seconds["numpy"],
        "import_numpy_median_s": numpy_med,
        "import_cost_s": full_med - bare_med,
        "import_cost_from_source_s": from_source,
        # CPU seconds (user + system) over start-up: steadier than wall time on a
        # loaded machine.
        "import_cost_cpu_s": _over(seconds, "full_cpu", "bare_cpu"),
        "numpy_import_cost_cpu_s": _over(seconds, "numpy_cpu", "bare_cpu"),
        "attractors_beyond_numpy_cpu_s": _over(seconds, "full_cpu", "numpy_cpu"),
        "import_cost_from_source_cpu_s": from_source_cpu,
        "numpy_import_cost_s": numpy_med - bare_med,
        "attractors_beyond_numpy_s": full_med - numpy_med,
        "python": sys.executable,
        "importtime_total_attractors_s": tree[-1][2] / 1e6,
        "importtime_biggest_cumulative": [
            {"module": m, "cumulative_ms": c / 1e3, "self_ms": s / 1e3} for m, s, c, _ in by_cumulative],
        "importtime_biggest_packages": [
            {"module": m, "cumulative_ms": c / 1e3, "self_ms": s / 1e3} for m, s, c, _ in packages],
        "importtime_direct_children_of_attractors": [
            {"module": m, "cumulative_ms": c / 1e3, "self_ms": s / 1e3} for m, s, c, _ in children],
        "importtime_biggest_self": [
            {"module": m, "self_ms": s / 1e3, "cumulative_ms": c / 1e3} for m, s, c, _ in by_self],
        "packages_loaded": top_packages,
        "heavy_packages_loaded": heavy,
    }


def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = "unknown"
    try:
        info = np.show_config(mode="dicts")
        blas_info = info["Build Dependencies"]["blas"]
        blas = f"{blas_info.get('name')} {blas_info.get('version')}"
    except Exception:  # older numpy: no dict mode
        pass
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas,
        "blas_threads_env": {k: os.environ[k] for k in _BLAS_VARS if k in os.environ},
        "blas_threads_set_by_benchmark": _BLAS_SET_HERE,
        "attractors": attractors.__version__,
    }


def report(bench, passed, batch_steps):
    """Print the table of the parts that ran."""
    ok = {True: "ok", False: "MISSED"}
    print()
    print(f"{'benchmark':<34}{'hand / base':>13}{'attractors':>13}{'ratio':>8}"
          f"{'(min)':>8}{'target':>9}  ")
    for key, label in (("single", f"simulate 1x{N_UNITS}, {N_STEPS:,} steps"),
                       ("batch", f"simulate {N_TRIALS}x{N_UNITS}, {batch_steps:,} steps")):
        if key not in bench:
            continue
        b = bench[key]
        print(f"{label:<34}{b['hand_median_s']:>12.3f}s{b['simulate_median_s']:>12.3f}s"
              f"{b['ratio_median']:>8.3f}{b['ratio_min']:>8.3f}{'<= ' + str(TARGETS[key]):>9}"
              f"  {ok[passed[key]]}")
    imp = bench.get("import")
    if imp:
        print(f"{'import attractors (minus start-up)':<34}{imp['python_c_pass_median_s']:>12.3f}s"
              f"{imp['import_attractors_median_s']:>12.3f}s{'':>8}{'':>8}"
              f"{'< ' + str(TARGETS['import_s']):>9}  {ok[passed['import']]}"
              f"  -> {imp['import_cost_s']:.3f} s")
    print()
    for key in ("single", "batch"):
        if key in bench:
            b = bench[key]
            print(f"{key}: per step (median) {b['hand_us_per_step']:.1f} us hand vs "
                  f"{b['simulate_us_per_step']:.1f} us simulate; simulate() fixed cost "
                  f"(n_steps=1) {1e3 * b['simulate_fixed_cost_s']:.1f} ms")
    if not imp:
        return
    print(f"import cost {imp['import_cost_s']:.3f} s = numpy {imp['numpy_import_cost_s']:.3f} s "
          f"+ attractors itself {imp['attractors_beyond_numpy_s']:.3f} s "
          f"(interpreter start-up {imp['python_c_pass_median_s']:.3f} s subtracted); "
          f"compiling every module from source: {imp['import_cost_from_source_s']:.3f} s")
    print(f"CPU time: {imp['import_cost_cpu_s']:.3f} s = numpy {imp['numpy_import_cost_cpu_s']:.3f}"
          f" s + attractors itself {imp['attractors_beyond_numpy_cpu_s']:.3f} s; from source "
          f"{imp['import_cost_from_source_cpu_s']:.3f} s")
    print("biggest imports under `import attractors` (-X importtime, one run):")
    print("  packages (cumulative):  " + ", ".join(
        f"{r['module']} {r['cumulative_ms']:.0f} ms" for r in imp["importtime_biggest_packages"][:6]))
    print("  direct children of attractors (cumulative):  " + ", ".join(
        f"{r['module']} {r['cumulative_ms']:.0f} ms"
        for r in imp["importtime_direct_children_of_attractors"][:6]))
    print("  modules by self time:  " + ", ".join(
        f"{r['module']} {r['self_ms']:.1f} ms" for r in imp["importtime_biggest_self"][:6]))
    print(f"non-stdlib packages loaded: {', '.join(imp['packages_loaded'])}; heavy ones: "
          f"{', '.join(imp['heavy_packages_loaded']) or 'none'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per contender (default 5)")
    parser.add_argument("--batch-steps", type=int, default=2_000,
                        help="steps of the 100-trial run (default 2,000: at 10,000 the record "
                             "is 2 GB and one run takes ~20 s on 2 cores)")
    parser.add_argument("--full", action="store_true", help="batch run at 10,000 steps")
    parser.add_argument("--import-repeats", type=int, default=7)
    parser.add_argument("--only", choices=("single", "batch", "import"),
                        help="run one part (written to simulate_<part>.json)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.only and args.output == RESULTS:  # a part never overwrites the whole run's file
        args.output = RESULTS.with_name(f"simulate_{args.only}.json")
    batch_steps = N_STEPS if args.full else args.batch_steps

    rng = np.random.default_rng(SEED)
    W = rng.standard_normal((N_UNITS, N_UNITS)) * (GAIN / np.sqrt(N_UNITS))
    system = BenchRateNetwork(W, TAU)
    x0_single = rng.standard_normal(N_UNITS)
    x0_batch = rng.standard_normal((N_TRIALS, N_UNITS))

    t_start = time.perf_counter()
    results = {"machine": machine(), "statistic": "median of repeats (min also given)",
               "targets": TARGETS, "benchmarks": {}}
    bench = results["benchmarks"]
    parts = [args.only] if args.only else ["single", "batch", "import"]
    x0s = {"single": (x0_single, N_STEPS), "batch": (x0_batch, batch_steps)}
    for key in parts:
        if key == "import":
            print("import attractors ...", flush=True)
            bench["import"] = bench_import(args.import_repeats)
            continue
        x0, steps = x0s[key]
        print(f"{key}: {x0.size // N_UNITS} trial(s) x {steps:,} Euler steps of {N_UNITS} units "
              f"...", flush=True)
        bench[key] = compare(system, x0, steps, args.repeats)
        bench[key]["simulate_fixed_cost_s"] = fixed_cost(system, x0)
    results["wall_time_s"] = time.perf_counter() - t_start
    passed = results["passed"] = {}
    for key in parts:
        passed[key] = (bench[key]["import_cost_s"] < TARGETS["import_s"] if key == "import"
                       else bench[key]["ratio_median"] <= TARGETS[key])
    report(bench, passed, batch_steps)
    print(f"statistic: median of {args.repeats} alternating runs per contender "
          f"({args.import_repeats} for imports); total {results['wall_time_s']:.0f} s")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}")
    return 0 if all(results["passed"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
