"""Benchmark: attractors.RateNetwork through simulate() against a hand-written numpy loop.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_rate.py            # about half a minute
    python3 benchmarks/bench_rate.py --full     # batch run at the full 10,000 steps

It measures, in one run and side by side (contenders alternating, median of
the repeats; see ``bench_simulate.py``, whose helpers it reuses):

1. ``single``: ``RateNetwork(W, "tanh", tau=10, record_rate=False)``, 256
   units, 10,000 forward Euler steps, every step recorded, one trial, against
   the loop ``x = x + dt * ((tanh(x) @ W.T - x) / tau)`` storing every state in
   a preallocated array.  Target: time ratio <= 1.3 (the core bound on
   simulate()'s overhead).
2. ``single_with_rate``: the same with the rates recorded too (the default,
   ``record_rate=True``), against a hand loop that also stores the rates it
   computes each step.  Target: ratio <= 1.3.
3. ``batch``: as 1 with 100 trials at once.  Target: ratio <= 1.1.
4. ``exponential_euler``: as 1 with the exponential Euler solver against its
   hand-written form.  Target: ratio <= 1.3.

The model does exactly the arithmetic of the hand loop, so the final states
must agree bit for bit (checked) and the ratio measures the cost of the model
object, the solver and the recording.  Results go to
``benchmarks/results/rate.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_simulate import (  # noqa: E402  (sets one BLAS thread before numpy loads)
    DT,
    GAIN,
    N_STEPS,
    N_TRIALS,
    N_UNITS,
    REPO,
    SEED,
    TAU,
    _timed,
    machine,
)

# isort: split
import numpy as np  # noqa: E402  (after bench_simulate, which sets the BLAS threads)

import attractors  # noqa: E402
from attractors.models._rate import RateNetwork  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "rate.json"
TARGETS = {"single": 1.3, "single_with_rate": 1.3, "batch": 1.1, "exponential_euler": 1.3}


def hand_euler(W, tau, dt, x0, n_steps):
    """Forward Euler by hand, recording every state (x0 included)."""
    states = np.empty((n_steps + 1,) + x0.shape)
    x = np.array(x0, dtype=np.float64, copy=True)
    states[0] = x
    for i in range(n_steps):
        x = x + dt * ((np.tanh(x) @ W.T - x) / tau)
        states[i + 1] = x
    return states


def hand_euler_with_rates(W, tau, dt, x0, n_steps):
    """Forward Euler by hand, recording every state and its rate tanh(state)."""
    states = np.empty((n_steps + 1,) + x0.shape)
    rates = np.empty((n_steps + 1,) + x0.shape)
    x = np.array(x0, dtype=np.float64, copy=True)
    states[0] = x
    for i in range(n_steps):
        r = np.tanh(x)
        rates[i] = r
        x = x + dt * ((r @ W.T - x) / tau)
        states[i + 1] = x
    rates[n_steps] = np.tanh(x)
    return states


def hand_exponential_euler(W, tau, dt, x0, n_steps):
    """Exponential Euler by hand: x <- e^{-dt/tau} x + tau (1 - e^{-dt/tau}) (F(x) + x/tau)."""
    leak = 1.0 / tau
    decay = np.exp(-leak * dt)
    gain = -np.expm1(-leak * dt) / leak
    states = np.empty((n_steps + 1,) + x0.shape)
    x = np.array(x0, dtype=np.float64, copy=True)
    states[0] = x
    for i in range(n_steps):
        x = decay * x + gain * ((np.tanh(x) @ W.T - x) / tau + leak * x)
        states[i + 1] = x
    return states


def compare(net, x0, n_steps, repeats, solver, hand):
    """Time simulate() against the hand loop, alternating; check equal final states."""
    W, tau = net.weights, net.tau

    def library():
        return attractors.simulate(net, x0, n_steps=n_steps, dt=DT, solver=solver, seed=SEED)

    attractors.simulate(net, x0, n_steps=10, dt=DT, solver=solver, seed=SEED)  # warm-up
    hand(W, tau, DT, x0, 10)
    times = {"hand": [], "simulate": []}
    for rep in range(repeats):
        order = ("hand", "simulate") if rep % 2 == 0 else ("simulate", "hand")
        finals = {}
        for name in order:
            if name == "hand":
                seconds, states = _timed(lambda: hand(W, tau, DT, x0, n_steps))
            else:
                seconds, run = _timed(library)
                assert run.attrs["status"] == "completed", run.attrs["message"]
                states = run.state.values
                del run
            assert states.shape == (n_steps + 1,) + x0.shape
            finals[name] = states[-1].copy()
            del states
            times[name].append(seconds)
        assert np.all(np.isfinite(finals["hand"]))
        assert np.allclose(finals["simulate"], finals["hand"], rtol=1e-12, atol=1e-12), (
            "RateNetwork and the hand loop disagree on the final state")
    hand_med, sim_med = statistics.median(times["hand"]), statistics.median(times["simulate"])
    return {
        "n_units": net.n_units, "n_trials": 1 if x0.ndim == 1 else x0.shape[0],
        "n_steps": n_steps, "solver": solver, "record_rate": net.record_rate, "repeats": repeats,
        "hand_s": times["hand"], "simulate_s": times["simulate"],
        "hand_median_s": hand_med, "simulate_median_s": sim_med,
        "ratio_median": sim_med / hand_med,
        "ratio_min": min(times["simulate"]) / min(times["hand"]),
        "hand_us_per_step": 1e6 * hand_med / n_steps,
        "simulate_us_per_step": 1e6 * sim_med / n_steps,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per contender (default 5)")
    parser.add_argument("--batch-steps", type=int, default=2_000,
                        help="steps of the 100-trial run (default 2,000; the full record is 2 GB)")
    parser.add_argument("--full", action="store_true", help="batch run at 10,000 steps")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    batch_steps = N_STEPS if args.full else args.batch_steps

    rng = np.random.default_rng(SEED)
    W = rng.standard_normal((N_UNITS, N_UNITS)) * (GAIN / np.sqrt(N_UNITS))
    net = RateNetwork(W, "tanh", tau=TAU, record_rate=False)
    net_with_rate = RateNetwork(W, "tanh", tau=TAU)
    x0_single = rng.standard_normal(N_UNITS)
    x0_batch = rng.standard_normal((N_TRIALS, N_UNITS))

    start = time.perf_counter()
    results = {"machine": machine(), "statistic": "median of repeats (min also given)",
               "targets": TARGETS, "benchmarks": {}}
    bench = results["benchmarks"]
    print(f"RateNetwork, single trial: {N_STEPS:,} Euler steps of {N_UNITS} units ...", flush=True)
    bench["single"] = compare(net, x0_single, N_STEPS, args.repeats, "euler", hand_euler)
    print("RateNetwork, single trial, rates recorded too ...", flush=True)
    bench["single_with_rate"] = compare(net_with_rate, x0_single, N_STEPS, args.repeats, "euler",
                                        hand_euler_with_rates)
    print(f"RateNetwork, batch: {N_TRIALS} trials x {batch_steps:,} steps ...", flush=True)
    bench["batch"] = compare(net, x0_batch, batch_steps, args.repeats, "euler", hand_euler)
    print("RateNetwork, single trial, exponential Euler ...", flush=True)
    bench["exponential_euler"] = compare(net, x0_single, N_STEPS, args.repeats,
                                         "exponential_euler", hand_exponential_euler)
    results["wall_time_s"] = time.perf_counter() - start
    results["passed"] = {k: bench[k]["ratio_median"] <= TARGETS[k] for k in bench}

    ok = {True: "ok", False: "MISSED"}
    print()
    print(f"{'benchmark':<44}{'hand':>10}{'attractors':>12}{'ratio':>8}{'(min)':>8}{'target':>9}")
    for key in bench:
        b = bench[key]
        label = (f"RateNetwork {b['n_trials']}x{N_UNITS}, {b['n_steps']:,} {b['solver']}"
                 + (" +rate" if key.endswith("rate") else ""))
        print(f"{label:<44}{b['hand_median_s']:>9.3f}s{b['simulate_median_s']:>11.3f}s"
              f"{b['ratio_median']:>8.3f}{b['ratio_min']:>8.3f}{'<= ' + str(TARGETS[key]):>9}"
              f"  {ok[results['passed'][key]]}")
    print(f"statistic: median of {args.repeats} alternating runs per contender; "
          f"total {results['wall_time_s']:.0f} s")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}")
    return 0 if all(results["passed"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
