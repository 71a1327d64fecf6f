"""Benchmark: the ring attractor's recurrent product (FFT against dense) and a 10,000-step run.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_ring.py              # about a minute
    python3 benchmarks/bench_ring.py --full       # more repeats, larger rings in the crossover
    python3 benchmarks/bench_ring.py --peers /path/to/venv/bin/python

It measures, in one run and side by side:

1. ``crossover``: the recurrent input :math:`(W r)_i = \\frac1N \\sum_j
   w(\\theta_i - \\theta_j) r_j` of the ring by FFT circular convolution
   (``rfft``, multiply, ``irfft``) and by a dense matrix product, for ring sizes
   N from 8 to 1024 (``--full``: 2048), one trial and a batch of 100; the
   crossover is the smallest N from which the FFT wins at every larger N.
   It sets ``attractors.models._ring.FFT_CROSSOVER``.
2. ``ring``: ``attractors.simulate`` on Zhang's 256-unit ring (FFT product),
   10,000 Euler steps at dt = 0.1 ms, every step recorded, against a plain
   numpy loop doing the same arithmetic and storing every state.  Two
   variants: the static ring (its Cohen-Grossberg energy is computed for every
   record: 10,001 x 256 Gauss-Legendre quadratures of Zhang's transfer
   function) and the same ring with a velocity input (energy not defined, so
   the ratio is the stepping alone).
3. ``peers`` (optional): brainpy's and canns's CANN1D examples (256 units,
   10,000 steps of dt = 0.1) run by another interpreter given with
   ``--peers`` (a separate virtual environment, because they bring jax)::

       python3 -m venv /tmp/peers && /tmp/peers/bin/pip install brainpy canns "jax[cpu]"

   Skipped, with a message, when no such interpreter is given or the import
   fails there.

Contenders alternate (A, B, B, A, ...) and the median is reported.  One BLAS
thread, as in ``bench_simulate.py``.  Results go to
``benchmarks/results/ring.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import attractors  # noqa: E402
from attractors.models._ring import FFT_CROSSOVER, RingAttractor, _Convolver  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "ring.json"
N_UNITS, DT, N_STEPS = 256, 0.1, 10_000


def _per_call(fn, min_time=0.05):
    """Seconds per call of fn(), from enough calls to last min_time (best of 3)."""
    fn()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            break
        calls *= 2
    best = elapsed / calls
    for _ in range(2):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def bench_crossover(sizes, batches):
    rng = np.random.default_rng(0)
    rows = []
    for batch in batches:
        for n in sizes:
            profile = rng.standard_normal(n)
            rates = rng.standard_normal((batch, n) if batch > 1 else n)
            fft, dense = _Convolver([profile], "fft"), _Convolver([profile], "dense")
            np.testing.assert_allclose(fft.apply(rates), dense.apply(rates), rtol=1e-9, atol=1e-12)
            t_fft = _per_call(lambda: fft.apply(rates))
            t_dense = _per_call(lambda: dense.apply(rates))
            rows.append({"n_units": n, "batch": batch, "fft_us": 1e6 * t_fft,
                         "dense_us": 1e6 * t_dense, "dense_over_fft": t_dense / t_fft})
    crossover = {}
    for batch in batches:
        sub = [r for r in rows if r["batch"] == batch]
        wins = [r["dense_over_fft"] > 1 for r in sub]
        first = next((i for i in range(len(sub)) if all(wins[i:])), None)
        crossover[str(batch)] = None if first is None else sub[first]["n_units"]
    return rows, crossover


def hand_loop(transfer, spectrum, tau, dt, x0, n_steps):
    """Euler steps of tau du/dt = -u + W f(u) by FFT, every state stored (x0 included)."""
    n = x0.shape[-1]
    states = np.empty((n_steps + 1,) + x0.shape)
    x = np.array(x0, dtype=np.float64, copy=True)
    states[0] = x
    for i in range(n_steps):
        recurrent = np.fft.irfft(np.fft.rfft(transfer(x)) * spectrum, n=n)
        x = x + dt * ((recurrent - x) / tau)
        states[i + 1] = x
    return states


def _timed(fn):
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def bench_ring(repeats, n_steps):
    static = RingAttractor(n_units=N_UNITS, product="fft")
    moving = RingAttractor(n_units=N_UNITS, product="fft", drive="velocity")
    x0 = static.stationary_state(1.0)
    spectrum = np.fft.rfft(static.profile) / N_UNITS
    contenders = {
        "numpy_loop": lambda: hand_loop(static.transfer, spectrum, static.tau, DT, x0, n_steps),
        "simulate_static_with_energy": lambda: attractors.simulate(
            static, x0, n_steps=n_steps, dt=DT, solver="euler", seed=0),
        "simulate_velocity_input": lambda: attractors.simulate(
            moving, x0, n_steps=n_steps, dt=DT, solver="euler", seed=0, inputs=0.0),
    }
    for fn in contenders.values():  # warm up (imports, FFT plans)
        fn()
    times = {name: [] for name in contenders}
    names = list(contenders)
    finals = {}
    for rep in range(repeats):
        order = names if rep % 2 == 0 else names[::-1]
        for name in order:
            seconds, out = _timed(contenders[name])
            times[name].append(seconds)
            finals[name] = out[-1] if isinstance(out, np.ndarray) else out.state.values[-1]
            del out
    for name in names[1:]:
        np.testing.assert_allclose(finals[name], finals["numpy_loop"], rtol=1e-10, atol=1e-10)
    medians = {name: statistics.median(t) for name, t in times.items()}
    return {"n_units": N_UNITS, "n_steps": n_steps, "dt": DT, "repeats": repeats,
            "seconds": times, "median_s": medians,
            "ratio_to_numpy_loop": {k: v / medians["numpy_loop"] for k, v in medians.items()}}


_PEER_CODE = r"""
import json, time, sys
import numpy as np
out = {}
try:
    import brainpy as bp, brainpy.math as bm
    bm.set_platform("cpu")
    class CANN1D(bp.dyn.NeuDyn):
        def __init__(self, num, tau=1., k=8.1, a=0.5, A=10., J0=4., z_min=-bm.pi, z_max=bm.pi):
            super().__init__(size=num)
            self.tau, self.k, self.a, self.A, self.J0 = tau, k, a, A, J0
            self.z_min, self.z_max = z_min, z_max
            self.z_range = z_max - z_min
            self.x = bm.linspace(z_min, z_max, num)
            self.rho = num / self.z_range
            self.dx = self.z_range / num
            self.u = bm.Variable(bm.zeros(num))
            self.input = bm.Variable(bm.zeros(num))
            d = bm.abs(self.x[:, None] - self.x[None, :])
            d = bm.where(d > self.z_range / 2, self.z_range - d, d)
            self.conn_mat = self.J0 * bm.exp(-0.5 * bm.square(d / self.a)) / (bm.sqrt(2 * bm.pi) * self.a)
        def update(self, inp=None):
            r1 = bm.square(self.u)
            r = r1 / (1.0 + self.k * bm.sum(r1))
            Irec = bm.dot(self.conn_mat, r)
            self.u.value = self.u + (-self.u + Irec + self.input) / self.tau * bp.share['dt']
            self.input[:] = 0.
    bm.set_dt(0.1)
    model = CANN1D(256)
    runner = bp.DSRunner(model, monitors=['u'], progress_bar=False)
    runner.run(1000.)
    best = []
    for _ in range(REPEATS):
        runner = bp.DSRunner(model, monitors=['u'], progress_bar=False)
        t = time.perf_counter(); runner.run(1000.); best.append(time.perf_counter() - t)
    out["brainpy"] = {"seconds": best, "version": bp.__version__}
except Exception as error:
    out["brainpy"] = {"skipped": f"{type(error).__name__}: {error}"}
print(json.dumps(out))
"""


def bench_peers(python, repeats):
    if python is None:
        return {"skipped": "no --peers interpreter given (see the module docstring for how to "
                           "make one with brainpy and canns)"}
    try:
        done = subprocess.run([python, "-c", _PEER_CODE.replace("REPEATS", str(repeats))],
                              capture_output=True, text=True, timeout=900)
        return json.loads(done.stdout.strip().splitlines()[-1])
    except Exception as error:  # report, never fail the benchmark
        return {"skipped": f"{type(error).__name__}: {error}"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=N_STEPS)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--peers", default=None, help="python of a venv with brainpy / canns")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    repeats = max(args.repeats, 5) if args.full else args.repeats
    sizes = [8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024] + ([2048] if args.full else [])

    print("crossover: FFT against dense recurrent product ...", flush=True)
    rows, crossover = bench_crossover(sizes, (1, 100))
    print(f"ring: {N_UNITS} units, {args.steps:,} Euler steps, every step recorded ...", flush=True)
    ring = bench_ring(repeats, args.steps)
    peers = bench_peers(args.peers, repeats)

    print()
    print(f"{'N':>6}{'batch':>7}{'fft (us)':>11}{'dense (us)':>12}{'dense/fft':>11}")
    for r in rows:
        print(f"{r['n_units']:>6}{r['batch']:>7}{r['fft_us']:>11.2f}{r['dense_us']:>12.2f}"
              f"{r['dense_over_fft']:>11.2f}")
    print(f"crossover (FFT faster from this N on): {crossover}; "
          f"FFT_CROSSOVER in the library = {FFT_CROSSOVER}")
    print()
    base = ring["median_s"]["numpy_loop"]
    for name, seconds in ring["median_s"].items():
        print(f"{name:<32}{seconds:>9.3f} s{seconds / base:>8.2f} x numpy loop")
    for name, result in peers.items():
        if isinstance(result, dict) and "seconds" in result:
            med = statistics.median(result["seconds"])
            print(f"{name + ' CANN1D (peer)':<32}{med:>9.3f} s{med / base:>8.2f} x numpy loop")
        else:
            print(f"{name}: {result if isinstance(result, str) else result.get('skipped')}")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"crossover_rows": rows, "crossover": crossover,
                                       "library_crossover": FFT_CROSSOVER, "ring": ring,
                                       "peers": peers, "note": "measured on a loaded machine"},
                                      indent=1))


if __name__ == "__main__":
    main()
