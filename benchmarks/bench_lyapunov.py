"""Benchmark: Lyapunov spectra (attractors.analysis.lyapunov_spectrum) against lyapynov and a hand loop.

Run from the repository root::

    python3 benchmarks/bench_lyapunov.py           # about a minute on a quiet machine
    python3 benchmarks/bench_lyapunov.py --quick   # shorter rate-network runs

lyapynov (Lyapunov spectra of one user-written trajectory at a time) runs in its
own environment, never a dependency of the library::

    python3 -m venv benchmarks/.venv-lyapynov
    benchmarks/.venv-lyapynov/bin/pip install lyapynov numpy

It measures, side by side in one run (one BLAS thread, as bench_simulate.py):

1. ``lorenz``: the full Lorenz spectrum (10, 28, 8/3) to about 1%.  lyapynov
   integrates one trajectory for 1000 time units (RK4, dt = 0.01, 10 units of
   transient, QR every step, analytic Jacobian given by hand).  attractors runs
   40 trials for 25 time units each after 10 of transient (the first half the
   state alone), vectorised: the same 1000 time units of measurement, on the
   10-line user model with no Jacobian (central differences).  Targets: under
   2 s, and >= 5x faster than lyapynov.  Both estimates' errors against the
   accepted values are printed.  Accuracy: 1000 time units do not give 1%
   reliably to anyone.  One long run's lambda_1 scatters with s.d. ~0.0105
   (1.2%) over 1000 units; 40 trials of 25 units with s.d. ~0.0123 (one 25-unit
   trial: s.d. 0.078, measured over 400 trials), and the transient leaves a bias
   below 0.003 (5 time units of transient, the earlier setting, gave -0.3/T:
   -0.006 at T = 50, -0.014 at T = 25).  ``attractors_5000`` (100 trials x 50
   units, s.d. ~0.5%) shows what the batch buys for little extra time.
2. ``rate_network``: the 10 largest exponents of a 500-unit random rate
   network (g = 2, tanh, tau = 1) over 1000 time units (Euler, dt = 0.1, QR every
   10 steps), against a hand-written numpy loop doing the same arithmetic: the
   state and the tangent vectors stepped together, one stacked (11 x 500)
   product with W per step, batched numpy QR.  attractors runs
   ``tangent="jacobian"``, which for a RateNetwork is that same stacked product
   (rows phi(u) and phi'(u) * q_j), not an N x N Jacobian; forward differences
   cost 1.45x the hand loop (tanh on 11 rows instead of 1).  Target: ratio <= 1.3.
3. ``rate_batch``: 20 trials of the same network in one vectorised call,
   against 20 single calls.
4. ``networks20``: 20 different networks (``RateNetwork.random(500, 2.0,
   seed=i)``) in one call on the list (batched product with the stacked
   weights), against 20 calls; ``loop_over_batch`` > 1 means the batch wins.
   At N = 500 it does not on a CPU (quick, loaded machine: 0.67-0.79): 40 MB of
   stacked weights are read from memory every step, where one network's 2 MB
   stay in cache; at N = 100 the batch wins (1.32), at N = 200 it breaks even.

Results go to ``benchmarks/results/lyapunov.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_simulate import REPO, _timed, machine  # noqa: E402, I001  (sets one BLAS thread first)

import numpy as np  # noqa: E402

import attractors  # noqa: E402
from attractors.analysis import lyapunov_spectrum  # noqa: E402
from attractors.models import RateNetwork  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "lyapunov.json"
LYAPYNOV_PYTHON = REPO / "benchmarks" / ".venv-lyapynov" / "bin" / "python"
ACCEPTED = np.array([0.9056, 0.0, -14.5723])


class Lorenz(attractors.ContinuousSystem):
    n_units = 3

    def vector_field(self, t, x, inputs=None):
        a, b, c = x[..., 0], x[..., 1], x[..., 2]
        return np.stack([10 * (b - a), a * (28 - c) - b, a * b - 8 / 3 * c], axis=-1)


LYAPYNOV_CODE = """
import time, json, numpy as np, lyapynov
def f(x, t):
    return np.array([10 * (x[1] - x[0]), x[0] * (28 - x[2]) - x[1], x[0] * x[1] - 8 / 3 * x[2]])
def jac(x, t):
    return np.array([[-10, 10, 0], [28 - x[2], -1, -x[0]], [x[1], x[0], -8 / 3]])
system = lyapynov.ContinuousDS(np.array([1.0, 1.0, 1.0]), 0.0, f, jac, 0.01)
start = time.perf_counter()
spectrum = lyapynov.LCE(system, 3, 1000, 100000, False)
print(json.dumps({"seconds": time.perf_counter() - start, "exponents": list(map(float, spectrum))}))
"""


def lorenz(repeats):
    x0 = np.random.default_rng(1).normal(size=(40, 3)) * 5 + [0, 0, 25]
    run = lambda: lyapunov_spectrum(Lorenz(), x0, t_span=25.0, dt=0.01, transient=10.0, seed=0)  # noqa: E731
    ours = [_timed(run) for _ in range(repeats)]
    ours_exponents = ours[0][1].exponent.mean("trial").values
    out = {"attractors_seconds": statistics.median(t for t, _ in ours),
           "attractors_exponents": ours_exponents.tolist(),
           "attractors_error": (ours_exponents - ACCEPTED).tolist()}
    many = np.random.default_rng(2).normal(size=(100, 3)) * 5 + [0, 0, 25]
    seconds, bigger = _timed(lambda: lyapunov_spectrum(Lorenz(), many, t_span=50.0, dt=0.01,
                                                       transient=10.0, seed=0))
    exponents = bigger.exponent.mean("trial").values
    out["attractors_5000"] = {"seconds": seconds, "exponents": exponents.tolist(),
                              "error": (exponents - ACCEPTED).tolist(),
                              "standard_error": (bigger.exponent.std("trial").values
                                                 / np.sqrt(100)).tolist()}
    if LYAPYNOV_PYTHON.exists():
        runs = [json.loads(subprocess.run([str(LYAPYNOV_PYTHON), "-c", LYAPYNOV_CODE],
                                          capture_output=True, text=True, check=True
                                          ).stdout.strip().splitlines()[-1])
                for _ in range(repeats)]
        theirs = np.array(runs[0]["exponents"])
        out |= {"lyapynov_seconds": statistics.median(r["seconds"] for r in runs),
                "lyapynov_exponents": theirs.tolist(),
                "lyapynov_error": (theirs - ACCEPTED).tolist()}
        out["speedup"] = out["lyapynov_seconds"] / out["attractors_seconds"]
    else:
        out["lyapynov"] = f"not installed ({LYAPYNOV_PYTHON} missing): see the module docstring"
    return out


def hand_loop(weights, x0, q0, n_steps, dt, every):
    """Euler on the state and the tangent vectors, one stacked product per step, numpy QR."""
    x, q = x0.copy(), q0.copy()
    weights_t = weights.T
    total = np.zeros(q.shape[0])
    for step in range(1, n_steps + 1):
        rate = np.tanh(x)
        stacked = np.concatenate([rate[None], (1.0 - rate * rate) * q]) @ weights_t
        x = x + dt * (stacked[0] - x)
        q = q + dt * (stacked[1:] - q)
        if step % every == 0:
            basis, upper = np.linalg.qr(q.T)
            total += np.log(np.abs(np.diagonal(upper)))
            q = basis.T
    return total / (n_steps * dt)


def rate_network(t_span, repeats):
    n, k, dt, every = 500, 10, 0.1, 10
    net = RateNetwork.random(n, gain=2.0, seed=0)
    rng = np.random.default_rng(1)
    x0 = rng.standard_normal(n)
    q0 = np.linalg.qr(rng.standard_normal((n, k)))[0].T
    n_steps = int(round(t_span / dt))
    options = dict(n_exponents=k, t_span=t_span, dt=dt, solver="euler",
                   tangent="jacobian", renormalize_every=every, seed=2)
    times = {"hand": [], "attractors": []}
    for rep in range(repeats):
        for name in (("hand", "attractors") if rep % 2 == 0 else ("attractors", "hand")):
            if name == "hand":
                seconds, hand = _timed(lambda: hand_loop(net.weights, x0, q0, n_steps, dt, every))
            else:
                seconds, ours = _timed(lambda: lyapunov_spectrum(net, x0, **options))
            times[name].append(seconds)
    hand_s, ours_s = statistics.median(times["hand"]), statistics.median(times["attractors"])
    batch = np.random.default_rng(3).standard_normal((20, n))
    batch_s, _ = _timed(lambda: lyapunov_spectrum(net, batch, **options))
    return {"n_units": n, "n_exponents": k, "t_span": t_span, "hand_seconds": hand_s,
            "attractors_seconds": ours_s, "ratio": ours_s / hand_s,
            "largest_hand": float(hand[0]), "largest_attractors": float(ours.exponent[0]),
            "batch20_seconds": batch_s, "batch20_per_trial_vs_single": batch_s / 20 / ours_s}


def networks(t_span, n_networks=20):
    """20 different networks (seeds 0..19): one call on the list against 20 calls."""
    n, k, dt, every = 500, 10, 0.1, 10
    nets = [RateNetwork.random(n, gain=2.0, seed=i) for i in range(n_networks)]
    x0 = np.random.default_rng(4).standard_normal((n_networks, n))
    options = dict(n_exponents=k, t_span=t_span, dt=dt, solver="euler",
                   tangent="jacobian", renormalize_every=every, seed=2)
    batch_s, batch = _timed(lambda: lyapunov_spectrum(nets, x0, **options))
    loop_s, looped = _timed(lambda: [lyapunov_spectrum(net, start, **options)
                                     for net, start in zip(nets, x0)])
    return {"n_networks": n_networks, "n_units": n, "n_exponents": k, "t_span": t_span,
            "batch_seconds": batch_s, "loop_seconds": loop_s, "loop_over_batch": loop_s / batch_s,
            "largest_batch": batch.exponent.isel(exponent_index=0).values.tolist(),
            "largest_loop": [float(r.exponent[0]) for r in looped]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 time units for the network")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {"machine": machine(),
               "lorenz": lorenz(args.repeats),
               "rate_network": rate_network(100.0 if args.quick else 1000.0, args.repeats),
               "networks20": networks(100.0 if args.quick else 1000.0)}
    print(json.dumps(results, indent=2))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
