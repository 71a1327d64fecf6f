"""Benchmark: the ring attractor's recurrent product (FFT against dense) and a 10,000-step run.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_ring.py              # about a minute
    python3 benchmarks/bench_ring.py --full       # more repeats, larger rings in the crossover
    python3 benchmarks/bench_ring.py --no-peers   # without brainpy / canns

It measures, in one run and side by side:

1. ``crossover``: the recurrent input :math:`(W r)_i = \\frac1N \\sum_j
   w(\\theta_i - \\theta_j) r_j` of the ring by FFT circular convolution
   (``rfft``, multiply, ``irfft``) and by a dense matrix product, for ring sizes
   N from 8 to 1024 (``--full``: 2048), one trial and a batch of 100; the
   crossover is the smallest N from which the FFT wins at every larger N.
   It sets ``attractors.models._ring.FFT_CROSSOVER``.
   Also the ``"modes"`` product on Zhang's default profile (its 16 Fourier
   modes above round-off, 33 basis functions at any N).
2. ``ring``: ``attractors.simulate`` on Zhang's 256-unit ring (default
   product: modes, run as one compiled pass per step with numba: activation,
   folded modes product and leak; the observables decoded in one compiled
   pass over the record), 10,000 Euler steps at dt = 0.1 ms, every step recorded,
   against a plain numpy loop (Euler with the dense W, every state stored).  Three
   variants: the static ring recording its observables (bump position,
   amplitude, width, heading) and its Cohen-Grossberg energy for every record;
   the same with ``record_energy=False``; and the ring driven by a velocity
   input (energy not defined).  The numpy loop records the states only, so
   the ratios include the observables' cost.
3. ``peers``: brainpy's and canns's CANN1D examples at the same size (256
   units, 10,000 steps of dt = 0.1; neither library has Zhang's ring), timed
   in their own interpreter by the ``Peers`` runner of ``bench_cann.py``
   (``benchmarks/peers/.venv``, made with ``python3 -m venv
   benchmarks/peers/.venv && benchmarks/peers/.venv/bin/pip install brainpy
   canns``).  Skipped, with the reason printed, when that interpreter is
   missing (``--no-peers`` skips them on purpose).

Contenders alternate (A, B, B, A, ...) and the median is reported.  One BLAS
thread, as in ``bench_simulate.py``.  Results go to
``benchmarks/results/ring.json``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import attractors  # noqa: E402
from attractors.models._ring import RingAttractor  # noqa: E402
from attractors.models._ring_weights import FFT_CROSSOVER, _Convolver  # noqa: E402

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
            t_fft = _per_call(functools.partial(fft.apply, rates))
            t_dense = _per_call(functools.partial(dense.apply, rates))
            # The modes product needs a smooth profile: Zhang's default ring.
            zhang = RingAttractor(n_units=n).profile
            modes = _Convolver([zhang], "modes")
            np.testing.assert_allclose(modes.apply(rates), _Convolver([zhang], "dense").apply(rates),
                                       rtol=0, atol=1e-10 * np.abs(rates).max())
            t_modes = _per_call(functools.partial(modes.apply, rates))
            rows.append({"n_units": n, "batch": batch, "fft_us": 1e6 * t_fft,
                         "dense_us": 1e6 * t_dense, "dense_over_fft": t_dense / t_fft,
                         "modes_zhang_us": 1e6 * t_modes, "modes_basis": modes.mode_count})
    crossover = {}
    for batch in batches:
        sub = [r for r in rows if r["batch"] == batch]
        wins = [r["dense_over_fft"] > 1 for r in sub]
        first = next((i for i in range(len(sub)) if all(wins[i:])), None)
        crossover[str(batch)] = None if first is None else sub[first]["n_units"]
    return rows, crossover


def hand_loop(transfer, weights, tau, dt, x0, n_steps):
    """Euler steps of tau du/dt = -u + W f(u) with the dense W, every state stored (x0 included)."""
    states = np.empty((n_steps + 1,) + x0.shape)
    weights_t = np.ascontiguousarray(weights.T)
    x = np.array(x0, dtype=np.float64, copy=True)
    states[0] = x
    for i in range(n_steps):
        x = x + dt * ((transfer(x) @ weights_t - x) / tau)
        states[i + 1] = x
    return states


def _timed(fn):
    gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _peer_seconds(peers, name):
    return peers.run(name)["seconds"]  # Peers.run lets the peer's threads settle


def bench_ring(repeats, n_steps, peers=None):
    static = RingAttractor(n_units=N_UNITS)  # product "auto": the modes product here
    moving = RingAttractor(n_units=N_UNITS, drive="velocity")
    x0 = static.stationary_state(1.0)
    contenders = {
        "numpy_loop": lambda: hand_loop(static.transfer, static.weights, static.tau, DT, x0,
                                        n_steps),
        "simulate_static": lambda: attractors.simulate(
            static, x0, n_steps=n_steps, dt=DT, solver="euler", seed=0),
        "simulate_static_no_energy": lambda: attractors.simulate(
            static, x0, n_steps=n_steps, dt=DT, solver="euler", seed=0, record_energy=False),
        "simulate_velocity_input": lambda: attractors.simulate(
            moving, x0, n_steps=n_steps, dt=DT, solver="euler", seed=0, inputs=0.0),
    }
    if peers is not None:
        for name in peers.available:
            contenders[f"{name}_cann1d"] = functools.partial(_peer_seconds, peers, name)
    for fn in contenders.values():  # warm up (imports, FFT plans)
        fn()
    times = {name: [] for name in contenders}
    names = list(contenders)
    finals = {}
    for rep in range(repeats):
        order = names if rep % 2 == 0 else names[::-1]
        for name in order:
            seconds, out = _timed(contenders[name])
            if isinstance(out, float):  # a peer, timed in its own interpreter
                times[name].append(out)
                continue
            times[name].append(seconds)
            finals[name] = out[-1] if isinstance(out, np.ndarray) else out.state.values[-1]
            del out
    for name in finals:  # modes against dense product: round-off apart after 10,000 steps
        np.testing.assert_allclose(finals[name], finals["numpy_loop"], rtol=1e-8, atol=1e-8)
    medians = {name: statistics.median(t) for name, t in times.items()}
    return {"n_units": N_UNITS, "n_steps": n_steps, "dt": DT, "repeats": repeats,
            "seconds": times, "median_s": medians,
            "ratio_to_numpy_loop": {k: v / medians["numpy_loop"] for k, v in medians.items()}}


def open_peers(python):
    """The brainpy / canns runner of bench_cann.py, or None with the reason."""
    try:
        sys.path.insert(0, str(REPO / "benchmarks"))
        from bench_cann import Peers
    except Exception as error:
        return None, {"peers": f"bench_cann.Peers not importable: {error}"}
    peers = Peers(python)
    return (peers if peers.available else None), peers.reasons


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=N_STEPS)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--peers-python", type=Path,
                        default=REPO / "benchmarks" / "peers" / ".venv" / "bin" / "python")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    repeats = max(args.repeats, 5) if args.full else args.repeats
    sizes = [8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024] + ([2048] if args.full else [])

    print("crossover: FFT against dense recurrent product ...", flush=True)
    rows, crossover = bench_crossover(sizes, (1, 100))
    print(f"ring: {N_UNITS} units, {args.steps:,} Euler steps, every step recorded ...", flush=True)
    peers, reasons = (None, {"peers": "--no-peers"}) if args.no_peers else open_peers(args.peers_python)
    try:
        ring = bench_ring(repeats, args.steps, peers)
    finally:
        if peers is not None:
            peers.close()

    print()
    print(f"{'N':>6}{'batch':>7}{'fft (us)':>11}{'dense (us)':>12}{'dense/fft':>11}"
          f"{'modes, Zhang (us)':>19}{'2M+1':>6}")
    for r in rows:
        print(f"{r['n_units']:>6}{r['batch']:>7}{r['fft_us']:>11.2f}{r['dense_us']:>12.2f}"
              f"{r['dense_over_fft']:>11.2f}{r['modes_zhang_us']:>19.2f}{r['modes_basis']:>6}")
    print(f"crossover (FFT faster from this N on): {crossover}; "
          f"FFT_CROSSOVER in the library = {FFT_CROSSOVER}")
    print()
    base = ring["median_s"]["numpy_loop"]
    peer_times = [v for k, v in ring["median_s"].items() if k.endswith("_cann1d")]
    for name, seconds in ring["median_s"].items():
        extra = f"{min(peer_times) / seconds:>8.2f} x faster than the fastest peer" if (
            peer_times and name.startswith("simulate")) else ""
        print(f"{name:<28}{seconds:>9.3f} s{seconds / base:>8.2f} x numpy loop{extra}")
    for name, reason in reasons.items():
        print(f"{name}: skipped ({reason})")
    ring["peers_skipped"] = reasons

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"crossover_rows": rows, "crossover": crossover,
                                       "library_crossover": FFT_CROSSOVER, "ring": ring,
                                       "note": "measured on a loaded machine"},
                                      indent=1))


if __name__ == "__main__":
    main()
