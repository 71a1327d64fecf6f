"""Benchmark: find_fixed_points on a 256-unit CANN1D ring against brainpy's SlowPointFinder.

Run from the repository root (no installation needed)::

    python3 benchmarks/bench_fixed_points.py              # about a minute
    python3 benchmarks/bench_fixed_points.py --no-peers   # without brainpy

The problem (issue 6): the fixed points of ``CANN1D(n_units=256)`` (Wu,
Hamaguchi & Amari 2008; k = 8.1, a = 0.5, J0 = 4) from 100 starting states,
bumps at 100 positions around the ring with amplitudes 0.6 to 1.4 times the
stationary height and 1 % noise (seeded, the same for every contender).

- ``attractors``: ``find_fixed_points(cann, starts)``: batched
  Levenberg-Marquardt with Newton polishing, merging, and the Jacobian's
  eigenvalues at every point (analytic Jacobian where the model gives one,
  central differences otherwise).
- ``brainpy``: ``SlowPointFinder(f_cell=model, target_vars={"u": model.u})``
  with ``find_fps_with_opt_solver`` (BFGS, vmapped and jitted by JAX) on
  brainpy's documented CANN1D example, the same 100 starts; ``first`` includes
  JAX's compilation, ``warm`` is the second call.  brainpy's kernel is the
  Gaussian of the shortest distance rather than the wrapped one (a difference
  below 3e-9 of the peak), so its points are measured against its own line
  only approximately.

Accuracy: the true line of fixed points is the set of rotations of one bump
polished to round-off (the CANN's bump is smooth, so rotating it by
trigonometric interpolation is exact to round-off); each found point is
compared with the rotation to its own population-vector position (exact for a
symmetric profile on a uniform ring).  Target: every point within 1e-8 (max
norm), and attractors faster than brainpy's first call in the same run.
Peers run in their own interpreter, ``benchmarks/peers/.venv/bin/python``
(``python3 -m venv benchmarks/peers/.venv && benchmarks/peers/.venv/bin/pip
install brainpy``).  Results go to ``benchmarks/results/fixed_points.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one BLAS thread: a shared machine (see bench_simulate.py)

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_simulate import machine  # noqa: E402

from attractors.analysis import bump_position, find_fixed_points, shift_on_ring  # noqa: E402
from attractors.analysis._continuous import _phase_fixed_newton  # noqa: E402
from attractors.analysis._stability import _field, _jacobian_function  # noqa: E402
from attractors.models import CANN1D  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "fixed_points.json"
PEERS_PYTHON = REPO / "benchmarks" / "peers" / ".venv" / "bin" / "python"
N_UNITS, N_STARTS, SEED = 256, 100, 0
TARGET_DISTANCE = 1e-8

PEER = r'''
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
starts = np.load(sys.argv[1])
try:
    import brainpy as bp, brainpy.math as bm

    class CANN1D(bp.dyn.NeuDyn):  # brainpy's documented CANN1D example
        def __init__(self, num, tau=1., k=8.1, a=0.5, A=10., J0=4., z_min=-bm.pi, z_max=bm.pi):
            super().__init__(size=num)
            self.tau, self.k, self.a, self.A, self.J0 = tau, k, a, A, J0
            self.z_range = z_max - z_min
            self.x = bm.linspace(z_min, z_max, num + 1)[:-1]
            self.u = bm.Variable(bm.zeros(num))
            self.input = bm.Variable(bm.zeros(num))
            d = self.dist(bm.reshape(self.x, (-1, 1)) - bm.reshape(self.x, (1, -1)))
            self.conn_mat = self.J0 * bm.exp(-0.5 * bm.square(d / self.a)) / (bm.sqrt(2 * bm.pi) * self.a)

        def dist(self, d):
            d = bm.remainder(d, self.z_range)
            return bm.where(d > 0.5 * self.z_range, d - self.z_range, d)

        def update(self):
            u2 = bm.square(self.u)
            r = u2 / (1.0 + self.k * bm.sum(u2))
            Irec = bm.dot(self.conn_mat, r)
            self.u.value = self.u + (-self.u + Irec + self.input) / self.tau * bp.share['dt']
            self.input[:] = 0.

    bm.enable_x64()
    model = CANN1D(starts.shape[1])
    out = {"version": bp.__version__}
    finder = bp.analysis.SlowPointFinder(f_cell=model, target_vars={"u": model.u}, dt=1.0,
                                         verbose=False)
    for call in ("first", "warm"):  # the same finder: the second call reuses the compiled code
        start = time.perf_counter()
        finder.find_fps_with_opt_solver({"u": bm.asarray(starts)})
        out[call] = time.perf_counter() - start
    out["fixed_points"] = np.asarray(finder.fixed_points["u"]).tolist()
    out["losses"] = np.asarray(finder.losses).tolist()
except Exception as error:
    out = {"error": f"{type(error).__name__}: {error}"}
print(json.dumps(out))
'''


def starting_states(cann):
    rng = np.random.default_rng(SEED)
    positions = np.linspace(-np.pi, np.pi, N_STARTS, endpoint=False) + 0.01
    amplitude = rng.uniform(0.6, 1.4, (N_STARTS, 1))
    u0 = cann.theory().u0
    return amplitude * cann.bump_profile(positions) + 0.01 * u0 * rng.standard_normal(
        (N_STARTS, N_UNITS))


def true_line(cann):
    """One bump polished to round-off (Newton with its position held) and its position."""
    jac, _ = _jacobian_function(cann, "auto")
    bump = _phase_fixed_newton(lambda x: _field(cann, x, 0.0, None), lambda x: jac(x, 0.0, None),
                               cann.bump_profile(0.0)[None], 8)[0]
    return bump, float(bump_position(bump, cann.x))


def distances_to_line(points, bump, centre, angles):
    positions = bump_position(points, angles)
    return np.max(np.abs(points - shift_on_ring(bump, positions - centre)), axis=-1)


def run_ours(cann, starts, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = find_fixed_points(cann, starts, eigenvectors=False)
        times.append(time.perf_counter() - start)
    return times, result


def run_peer(starts):
    if not PEERS_PYTHON.exists():
        return {"error": f"no peers interpreter at {PEERS_PYTHON}"}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "starts.npy"
        np.save(path, starts)
        script = Path(folder) / "peer.py"
        script.write_text(PEER)
        env = {**os.environ, "JAX_PLATFORMS": "cpu"}
        done = subprocess.run([str(PEERS_PYTHON), str(script), str(path)], capture_output=True,
                              text=True, env=env, timeout=1200)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": f"peer failed: {done.stderr.strip()[-400:]}"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-peers", action="store_true")
    args = parser.parse_args(argv)
    cann = CANN1D(n_units=N_UNITS)
    starts = starting_states(cann)
    cann.vector_field(0.0, starts)  # compile the model's kernel outside the timing
    bump, centre = true_line(cann)
    times, result = run_ours(cann, starts, args.repeats)
    ours_distance = distances_to_line(result.state.values, bump, centre, cann.x)
    report = {
        "machine": machine(), "problem": {"n_units": N_UNITS, "n_starts": N_STARTS, "seed": SEED},
        "attractors": {"seconds": times, "median": statistics.median(times),
                       "n_points": int(result.sizes["fixed_point"]),
                       "stability": sorted(set(result.stability.values.tolist())),
                       "jacobian": result.attrs["jacobian_method"],
                       "max_distance_to_line": float(ours_distance.max()),
                       "max_speed": float(result.speed.max())},
    }
    print(f"attractors: {report['attractors']['median']:.2f} s (median of {args.repeats}), "
          f"{report['attractors']['n_points']} points, Jacobian "
          f"{report['attractors']['jacobian']}, max distance to the line "
          f"{ours_distance.max():.1e}, max |F| {result.speed.max().item():.1e}")
    ok = ours_distance.max() <= TARGET_DISTANCE
    if not args.no_peers:
        peer = run_peer(starts)
        if "error" in peer:
            print(f"brainpy: skipped ({peer['error']})")
            report["brainpy"] = peer
        else:
            points = np.asarray(peer.pop("fixed_points"))
            losses = np.asarray(peer.pop("losses"))
            peer_distance = distances_to_line(points, bump, centre, cann.x) if len(points) else \
                np.array([np.nan])
            peer.update({"n_points": int(len(points)),
                         "max_distance_to_line": float(np.max(peer_distance)),
                         "max_loss": float(losses.max()) if losses.size else float("nan")})
            report["brainpy"] = peer
            ratio = report["attractors"]["median"] / peer["first"]
            report["ratio_to_brainpy_first"] = ratio
            report["ratio_to_brainpy_warm"] = report["attractors"]["median"] / peer["warm"]
            print(f"brainpy {peer['version']}: first call {peer['first']:.2f} s, warm "
                  f"{peer['warm']:.2f} s, {len(points)} points, max distance to the line "
                  f"{np.max(peer_distance):.1e}")
            print(f"ratio attractors / brainpy: {ratio:.2f} (first call), "
                  f"{report['ratio_to_brainpy_warm']:.2f} (warm)")
            ok = ok and ratio < 1.0
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"targets {'met' if ok else 'MISSED'}; results in {RESULTS.relative_to(REPO)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
