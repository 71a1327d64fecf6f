"""Benchmark: a 256-unit CANN1D through attractors.simulate() against brainpy, canns and numpy.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_cann.py              # ~1-2 minutes
    python3 benchmarks/bench_cann.py --no-peers   # without brainpy / canns
    python3 benchmarks/bench_cann.py --crossover  # which recurrent method is fastest, by size

It measures, in one run and side by side:

1. ``single``: the CANN1D of brainpy's and canns's examples (Wu, Hamaguchi &
   Amari 2008; 256 units on (-pi, pi], tau = 1, k = 8.1, a = 0.5, J0 = 4, a
   constant stimulus 10 exp(-x^2 / (4 a^2))), 10,000 Euler steps of dt = 0.1 from
   u = 0, every step recorded, one trial.  Contenders:

   * ``attractors``: ``simulate(CANN1D(256), ..., solver="euler")``, which
     returns a labelled ``xarray.Dataset`` with the bump position and height
     decoded at every step;
   * ``numpy``: a hand-written loop, ``u += dt/tau (-u + J @ r + I)`` with the
     dense 256 x 256 matrix, states stored in a preallocated array;
   * ``brainpy``: the ``CANN1D`` of brainpy's documentation, stepped by
     ``brainpy.math.for_loop`` (jit-compiled with JAX; float32, brainpy's
     default), the ``u`` of every step returned;
   * ``canns``: ``canns.models.basic.CANN1D(num=256)`` (default settings),
     stepped the same way.

   Target: attractors at least 2x faster than the fastest peer (brainpy, canns).
   Peers run in a separate virtual environment (``--peers-python``, default
   ``benchmarks/peers/.venv/bin/python``), made with::

       python3 -m venv benchmarks/peers/.venv
       benchmarks/peers/.venv/bin/pip install brainpy canns

   and driven as a server process, so every contender is timed alternately in
   the same minutes (one warm-up call each first: JAX compiles then).  If that
   interpreter or the packages are missing, the peers are skipped with the
   reason printed.

2. ``batch``: 1,000 CANN1D rings at once (x0 of shape (1000, 256)).  The cost
   of a whole step of ``simulate`` (Euler, states recorded only at the ends, so
   the stepping is measured, not the 2 MB-per-step record) against the bare
   recurrent matrix product of that step, ``r @ J.T`` with the dense matrix
   (and, for reference, the product by the kernel's Fourier modes that CANN1D
   actually uses).  Target: whole step <= 2 x the dense product.  A shorter run
   recording every step is also timed and reported.

Each contender's statistic is the median of the repeats (minimum also given);
the final states are checked to agree (attractors and numpy to 1e-9; the
peers, whose grid and float32 differ, by the bump's height to 1e-3).  Numbers
are printed as a table and written to ``benchmarks/results/cann.json``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for _var in _BLAS_VARS:  # one thread, as in bench_simulate.py (noise on a shared machine)
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import attractors  # noqa: E402
from attractors.models._cann import CANN1D  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "cann.json"
PEERS_PYTHON = REPO / "benchmarks" / "peers" / ".venv" / "bin" / "python"

N_UNITS, N_STEPS, DT = 256, 10_000, 0.1
TAU, K, A_WIDTH, J0, STIMULUS = 1.0, 8.1, 0.5, 4.0, 10.0
N_BATCH, BATCH_STEPS, BATCH_RECORDED_STEPS = 1_000, 200, 50
TARGETS = {"single_vs_fastest_peer": 2.0, "batch_step_over_dense_product": 2.0}

# The peers' side: a small server that times one run per line read from stdin.
PEER_SERVER = r'''
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
N, STEPS, DT = {n}, {steps}, {dt}
available, reasons = {{}}, {{}}
try:
    import brainpy as bp, brainpy.math as bm
    bm.set_dt(DT)

    class CANN1D(bp.dyn.NeuDyn):  # brainpy's documented CANN1D example
        def __init__(self, num, tau=1., k=8.1, a=0.5, A=10., J0=4., z_min=-bm.pi, z_max=bm.pi):
            super().__init__(size=num)
            self.tau, self.k, self.a, self.A, self.J0 = tau, k, a, A, J0
            self.z_range = z_max - z_min
            self.x = bm.linspace(z_min, z_max, num)
            self.u = bm.Variable(bm.zeros(num))
            self.input = bm.Variable(bm.zeros(num))
            d = self.dist(bm.reshape(self.x, (-1, 1)) - bm.reshape(self.x, (1, -1)))
            self.conn_mat = self.J0 * bm.exp(-0.5 * bm.square(d / self.a)) / (bm.sqrt(2 * bm.pi) * self.a)

        def dist(self, d):
            d = bm.remainder(d, self.z_range)
            return bm.where(d > 0.5 * self.z_range, d - self.z_range, d)

        def get_stimulus_by_pos(self, pos):
            return self.A * bm.exp(-0.25 * bm.square(self.dist(self.x - pos) / self.a))

        def update(self):
            u2 = bm.square(self.u)
            r = u2 / (1.0 + self.k * bm.sum(u2))
            Irec = bm.dot(self.conn_mat, r)
            self.u.value = self.u + (-self.u + Irec + self.input) / self.tau * bp.share['dt']
            self.input[:] = 0.

    brainpy_model = CANN1D(N)
    brainpy_stimulus = brainpy_model.get_stimulus_by_pos(0.)

    def brainpy_step(i):
        brainpy_model.input.value = brainpy_stimulus
        brainpy_model.update()
        return brainpy_model.u.value

    def run_brainpy():
        brainpy_model.u.value = bm.zeros(N)
        out = bm.for_loop(brainpy_step, bm.arange(STEPS), jit=True)
        return np.asarray(out)

    available["brainpy"] = (run_brainpy, bp.__version__)
except Exception as error:
    reasons["brainpy"] = f"{{type(error).__name__}}: {{error}}"
try:
    import brainpy.math as bm
    import canns
    from canns.models.basic import CANN1D as CannsCANN1D
    bm.set_dt(DT)
    canns_model = CannsCANN1D(num=N)
    canns_stimulus = canns_model.get_stimulus_by_pos(0.)

    def canns_step(i):
        canns_model.update(canns_stimulus)
        return canns_model.u.value

    def run_canns():
        canns_model.u.value = bm.zeros(N)
        return np.asarray(bm.for_loop(canns_step, bm.arange(STEPS), jit=True))

    available["canns"] = (run_canns, canns.__version__)
except Exception as error:
    reasons["canns"] = f"{{type(error).__name__}}: {{error}}"
print(json.dumps({{"available": {{k: v[1] for k, v in available.items()}}, "reasons": reasons}}), flush=True)
for line in sys.stdin:
    name = line.strip()
    start = time.perf_counter()
    states = available[name][0]()
    seconds = time.perf_counter() - start
    print(json.dumps({{"seconds": seconds, "shape": list(states.shape), "dtype": str(states.dtype),
                      "final_height": float(states[-1].max())}}), flush=True)
'''


class Peers:
    """brainpy and canns, timed in their own interpreter, one run per request."""

    def __init__(self, python):
        self.available, self.reasons, self.process = {}, {}, None
        if not Path(python).exists():
            self.reasons = {name: f"no peers interpreter at {python} (see the module docstring)"
                            for name in ("brainpy", "canns")}
            return
        script = tempfile.NamedTemporaryFile("w", suffix="_peers.py", delete=False)
        script.write(PEER_SERVER.format(n=N_UNITS, steps=N_STEPS, dt=DT))
        script.close()
        env = {**os.environ, "JAX_PLATFORMS": "cpu"}
        self.process = subprocess.Popen([str(python), script.name], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True, env=env)
        hello = self.process.stdout.readline()
        if not hello:
            self.reasons = {name: "the peers interpreter failed to start" for name in ("brainpy", "canns")}
            self.process = None
            return
        hello = json.loads(hello)
        self.available, self.reasons = hello["available"], hello["reasons"]

    def run(self, name):
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        # XLA's worker threads in the idle peer process keep spinning for a moment
        # after a run; let them settle so that they do not take a core from
        # whichever contender is timed next (measured: +30 ms on our medians).
        time.sleep(0.5)
        return answer

    def close(self):
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


def numpy_loop(J, stimulus, n_steps):
    """Forward Euler of the CANN1D written out by hand, every state stored."""
    states = np.empty((n_steps + 1, J.shape[0]))
    u = np.zeros(J.shape[0])
    states[0] = u
    for i in range(n_steps):
        u2 = u * u
        r = u2 / (1.0 + K * u2.sum())
        u = u + DT / TAU * (-u + J @ r + stimulus)
        states[i + 1] = u
    return states


def _timed(fn):
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def bench_single(repeats, peers):
    model = CANN1D(n_units=N_UNITS, tau=TAU, k=K, a=A_WIDTH, J0=J0)
    stimulus = model.stimulus(0.0, STIMULUS)
    J = model.weights
    x0 = np.zeros(N_UNITS)

    def ours(n=N_STEPS):
        return attractors.simulate(model, x0, n_steps=n, dt=DT, solver="euler", inputs=stimulus, seed=0)

    contenders = {"attractors": lambda: ours().state.values,
                  "numpy": lambda: numpy_loop(J, stimulus, N_STEPS)}
    ours(10), numpy_loop(J, stimulus, 10)  # warm-up: imports, numba cache, BLAS
    names = list(contenders) + list(peers.available)
    for name in peers.available:
        peers.run(name)  # warm-up: JAX compiles
    times = {name: [] for name in names}
    finals = {}
    for rep in range(repeats):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            if name in contenders:
                seconds, states = _timed(contenders[name])
                assert states.shape == (N_STEPS + 1, N_UNITS), states.shape
                finals[name] = states[-1].copy()
                del states
            else:
                answer = peers.run(name)
                seconds = answer["seconds"]
                finals[name] = answer
            times[name].append(seconds)
    # The same model: attractors and the numpy loop to round-off (modes vs dense
    # product; the kernel wrapped vs cut at the antipode: < 1e-8 relative).
    np.testing.assert_allclose(finals["attractors"], finals["numpy"], rtol=0, atol=1e-9)
    height = float(finals["attractors"].max())
    for name in peers.available:  # their grid includes both -pi and pi, and float32
        assert abs(finals[name]["final_height"] - height) < 1e-3 * height, (name, finals[name])
    result = {name: {"seconds": times[name], "median_s": statistics.median(times[name]),
                     "min_s": min(times[name])} for name in names}
    # Where attractors' time goes (each part timed on its own, best of 3).
    result["breakdown"] = breakdown(model, stimulus, x0)
    return result


def breakdown(model, stimulus, x0):
    """The parts of one simulate() call: the field alone, the Euler step around it
    (``x + dt * field``), and the whole call per step beyond its fixed cost (the
    loop's bookkeeping and the record), and the fixed cost (a one-step call:
    checks, decoding, building the Dataset)."""
    x = np.zeros(N_UNITS)
    field = model.vector_field
    n = N_STEPS

    def fields():
        for _ in range(n):
            field(0.0, x, stimulus)

    def euler_steps():
        y = x
        for _ in range(n):
            y = y + DT * field(0.0, y, stimulus)
        return y

    field_s = min(_timed(fields)[0] for _ in range(3))
    step_s = min(_timed(euler_steps)[0] for _ in range(3))
    total_s = min(_timed(lambda: attractors.simulate(
        model, x0, n_steps=n, dt=DT, solver="euler", inputs=stimulus, seed=0))[0] for _ in range(3))
    one_step_s = min(_timed(lambda: attractors.simulate(
        model, x0, n_steps=1, dt=DT, solver="euler", inputs=stimulus, seed=0))[0] for _ in range(3))
    return {"field_call_us": 1e6 * field_s / n, "euler_step_us": 1e6 * step_s / n,
            "simulate_total_s": total_s, "simulate_fixed_cost_s": one_step_s,
            "simulate_per_step_us": 1e6 * (total_s - one_step_s) / n}


def bench_batch(repeats):
    model = CANN1D(n_units=N_UNITS, tau=TAU, k=K, a=A_WIDTH, J0=J0)
    stimulus = model.stimulus(0.0, STIMULUS)
    rng = np.random.default_rng(0)
    x0 = rng.uniform(0.0, 0.3, (N_BATCH, N_UNITS))
    rates = model.firing_rate(x0)
    dense_t = np.ascontiguousarray(model.weights.T)
    fast = model._fast

    def dense_product():
        for _ in range(BATCH_STEPS):
            rates @ dense_t

    def modes_product():
        for _ in range(BATCH_STEPS):
            (rates @ fast["basis_t"]) @ fast["basis_w"]

    def steps(record_every, n_steps):
        return attractors.simulate(model, x0, n_steps=n_steps, dt=DT, solver="euler",
                                   inputs=stimulus, seed=0, record_every=record_every)

    steps(BATCH_STEPS, 2), dense_product()  # warm-up (compiles the batched kernel once)
    times = {"dense_product": [], "modes_product": [], "simulate": [], "simulate_recording": []}
    for _ in range(repeats):
        times["dense_product"].append(_timed(dense_product)[0] / BATCH_STEPS)
        times["simulate"].append(_timed(lambda: steps(BATCH_STEPS, BATCH_STEPS))[0] / BATCH_STEPS)
        times["modes_product"].append(_timed(modes_product)[0] / BATCH_STEPS)
        times["simulate_recording"].append(
            _timed(lambda: steps(1, BATCH_RECORDED_STEPS))[0] / BATCH_RECORDED_STEPS)
    out = {name: {"per_step_s": values, "median_s": statistics.median(values)}
           for name, values in times.items()}
    out["ratio_step_over_dense_product"] = out["simulate"]["median_s"] / out["dense_product"]["median_s"]
    out["ratio_step_over_modes_product"] = out["simulate"]["median_s"] / out["modes_product"]["median_s"]
    out["n_modes"] = int(fast["basis"].shape[0])
    return out


def bench_crossover():
    """One field evaluation (one trial) per method and backend, across ring sizes and widths."""
    import timeit

    rows = []
    for a in (0.5, 0.1):
        for n in (64, 128, 256, 512, 1024, 2048, 4096):
            row = {"a": a, "n_units": n, "auto": CANN1D(n_units=n, a=a).recurrent_method}
            for method in ("modes", "dense", "fft"):
                for backend in ("auto", "numpy"):
                    model = CANN1D(n_units=n, a=a, method=method, backend=backend)
                    x, drive = np.full(n, 0.05), np.zeros(n)
                    model.vector_field(0.0, x, drive)
                    seconds = min(timeit.repeat(functools.partial(model.vector_field, 0.0, x, drive),
                                                number=100, repeat=5)) / 100
                    row[f"{method}/{'compiled' if backend == 'auto' else 'numpy'}_us"] = 1e6 * seconds
            row["n_modes"] = int(CANN1D(n_units=n, a=a, method="modes")._fast["basis"].shape[0])
            rows.append(row)
    print(f"{'a':>5}{'N':>6}{'K':>5}  {'auto':<6}" + "".join(
        f"{k[:-3]:>16}" for k in rows[0] if k.endswith("_us")))
    for row in rows:
        print(f"{row['a']:>5}{row['n_units']:>6}{row['n_modes']:>5}  {row['auto']:<6}" + "".join(
            f"{v:>16.1f}" for k, v in row.items() if k.endswith("_us")))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peers-python", type=Path, default=PEERS_PYTHON)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--crossover", action="store_true",
                        help="only time one field evaluation per method, backend and size (us)")
    args = parser.parse_args(argv)
    if args.crossover:
        rows = bench_crossover()
        out = args.output.with_name("cann_crossover.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(rows, indent=2) + "\n")
        print(f"wrote {out}")
        return 0

    started = time.perf_counter()
    peers = Peers(args.peers_python) if not args.no_peers else Peers("/nonexistent")
    if args.no_peers:
        peers.reasons = {name: "--no-peers" for name in ("brainpy", "canns")}
    for name, reason in peers.reasons.items():
        print(f"skipping {name}: {reason}")
    try:
        print(f"single: CANN1D {N_UNITS} units, {N_STEPS:,} Euler steps, every step recorded ...",
              flush=True)
        single = bench_single(args.repeats, peers)
    finally:
        peers.close()
    print(f"batch: {N_BATCH} rings ...", flush=True)
    batch = bench_batch(args.repeats)

    peer_names = [n for n in ("brainpy", "canns") if n in single]
    fastest_peer = min(peer_names, key=lambda n: single[n]["median_s"]) if peer_names else None
    speedup = (single[fastest_peer]["median_s"] / single["attractors"]["median_s"]
               if fastest_peer else None)
    passed = {"single": None if speedup is None else speedup >= TARGETS["single_vs_fastest_peer"],
              "batch": batch["ratio_step_over_dense_product"] <= TARGETS["batch_step_over_dense_product"]}
    uptime = os.getloadavg() if hasattr(os, "getloadavg") else None
    results = {"targets": TARGETS, "single": single, "batch": batch, "fastest_peer": fastest_peer,
               "speedup_over_fastest_peer": speedup, "passed": passed,
               "peer_versions": peers.available, "skipped_peers": peers.reasons,
               "load_average_at_end": uptime, "wall_time_s": time.perf_counter() - started,
               "numpy": np.__version__, "cpu_count": os.cpu_count()}

    ok = {True: "ok", False: "MISSED", None: "n/a"}
    print()
    print(f"{'CANN1D 256 units, 10,000 steps':<34}{'median':>10}{'min':>10}{'vs attractors':>15}")
    for name in ["attractors", "numpy", *peer_names]:
        row = single[name]
        ratio = row["median_s"] / single["attractors"]["median_s"]
        print(f"{name:<34}{row['median_s']:>9.3f}s{row['min_s']:>9.3f}s{ratio:>14.2f}x")
    if fastest_peer:
        print(f"speed-up over the fastest peer ({fastest_peer}): {speedup:.2f}x "
              f"(target >= {TARGETS['single_vs_fastest_peer']}): {ok[passed['single']]}")
    b = single["breakdown"]
    print(f"attractors per step: field call {b['field_call_us']:.1f} us, Euler step "
          f"{b['euler_step_us']:.1f} us, simulate {b['simulate_per_step_us']:.1f} us "
          f"(+ fixed cost {1e3 * b['simulate_fixed_cost_s']:.1f} ms per call)")
    print()
    print(f"batch of {N_BATCH} rings, per step: dense product r @ J.T "
          f"{1e3 * batch['dense_product']['median_s']:.2f} ms, modes product "
          f"({batch['n_modes']} modes) {1e3 * batch['modes_product']['median_s']:.2f} ms, "
          f"simulate step {1e3 * batch['simulate']['median_s']:.2f} ms "
          f"(recording every step: {1e3 * batch['simulate_recording']['median_s']:.2f} ms)")
    print(f"whole step / dense product = {batch['ratio_step_over_dense_product']:.2f} "
          f"(target <= {TARGETS['batch_step_over_dense_product']}): {ok[passed['batch']]}; "
          f"/ modes product = {batch['ratio_step_over_modes_product']:.2f}")
    print(f"load average at the end: {uptime}; total {results['wall_time_s']:.0f} s")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output}")
    return 0 if all(v is not False for v in passed.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
