r"""The discrete Hopfield network's dynamics: local fields, sweeps, and the run state they carry.

Functions of a network ``net`` (a :class:`~attractors.models.HopfieldNetwork`),
in *coupling units* (:math:`W = c\,C`, thresholds divided by :math:`c`; see
``_hopfield_kernels``):

- :func:`field` and :func:`product`: :math:`C s` by BLAS, with integer couplings
  through the network's float copy (made once at construction) or converted a
  block of rows at a time;
- :func:`sync_step`: one synchronous step;
- :func:`init_run` / :func:`advance`: asynchronous (and Glauber) dynamics one
  ``steps_per_sweep``-th of a sweep at a time.  The local fields, the sweep's
  update orders and random states and the position in the sweep live in a
  :class:`SweepState` owned by the run (as a diffrax solver state is), never on
  the network, so one network can run in many threads at once;
- :func:`async_sweeps` and :func:`sync_recall`: whole runs for ``recall()``.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, describe
from ._hopfield_validate import BLOCK_BYTES

#: Unit updates (trials x units x sweeps) above which a call runs trials on threads.
PARALLEL_WORK = 100_000


def kernels():
    from . import _hopfield_kernels  # numba compiles (or loads its cache) on first use

    return _hopfield_kernels


def product(net, x) -> np.ndarray:
    """x @ C in the dtype of ``x`` (BLAS).  Integer couplings go through the float copy
    made at construction when there is one of that dtype, otherwise they are converted
    a block of rows at a time, so no large N x N temporary is made."""
    c = net.weights
    if c.dtype.kind == "f":
        return x @ net._columns  # C^T (C itself when symmetric): (x C^T)_j = (C x)_j
    copy = net._float_weights
    if copy is not None and copy.dtype == x.dtype:
        return x @ copy
    n = net.n_units
    out = np.empty((x.shape[0], n), dtype=x.dtype)
    block = max(1, BLOCK_BYTES // (x.dtype.itemsize * n))
    for lo in range(0, n, block):
        out[:, lo:lo + block] = x @ c[lo:lo + block].astype(x.dtype).T  # rows lo.. of C x
    return out


def product_dtype(net):
    """float32 where products of the couplings are exact in it (or the weights are float32)."""
    c = net.weights
    if c.dtype.kind == "f":
        return c.dtype.type
    # A float32 sum of integers is exact while every partial sum stays below 2**24.
    return np.float32 if net._bound * net.n_units < 2**24 else np.float64


def field(net, s) -> np.ndarray:
    """C s for (B, N) states, float64, in coupling units (exact for integer couplings)."""
    if net.weights.dtype == np.float64:
        return s.astype(np.float64) @ net._columns
    return product(net, s.astype(product_dtype(net))).astype(np.float64)


def overlaps(net, x, xi):
    """m = sigma xi^T / N; the integer dot products are exact in float32 for N < 2**24."""
    x = np.asarray(x)
    sigma = x.astype(np.float32) if net.units == "spin" else 2 * x.astype(np.float32) - 1
    sigma = sigma.reshape(-1, net.n_units)
    dots = np.empty((sigma.shape[0], xi.shape[0]), dtype=np.float32)
    chunk = max(1, BLOCK_BYTES // (4 * net.n_units))  # patterns converted at a time
    for lo in range(0, xi.shape[0], chunk):
        dots[:, lo:lo + chunk] = sigma @ xi[lo:lo + chunk].astype(np.float32).T
    return (dots.astype(np.float64) / net.n_units).reshape(x.shape[:-1] + (xi.shape[0],))


def thresholds(net, batch: int, inputs) -> np.ndarray:
    """Thresholds minus inputs, in coupling units, shape (batch, N)."""
    theta = np.broadcast_to(net._theta_c, (batch, net.n_units))
    if inputs is not None:
        u = np.asarray(inputs, dtype=np.float64)
        theta = theta - np.broadcast_to(u, np.broadcast_shapes(u.shape, (1, net.n_units))
                                        ).reshape(-1, net.n_units) / net._scale
        theta = np.broadcast_to(theta, (batch, net.n_units))
    return np.ascontiguousarray(theta, dtype=np.float64)


def sync_lyapunov(net, a, b, theta) -> np.ndarray:
    """L = -b^T W a + (theta - u)^T (a + b) for (B, N) int8 states a = s(t), b = s(t+1)."""
    cross = -np.einsum("bi,bi->b", b.astype(np.float64), field(net, a))
    drive = np.einsum("bi,bi->b", theta, (a + b).astype(np.float64))
    return (cross + drive) * net._scale


def sync_step(net, s, theta) -> np.ndarray:
    g = field(net, s) - theta
    return np.where(g > 0, 1, np.where(g < 0, net._low, s)).astype(np.int8)


def cycle_length(net, s, theta, longest) -> np.ndarray:
    """The smallest k <= ``longest`` with k synchronous steps from s back to s (0 if none)."""
    result = np.zeros(s.shape[0], dtype=np.int64)
    current = s
    for k in range(1, longest + 1):
        current = sync_step(net, current, theta)
        result[(result == 0) & np.all(current == s, axis=1)] = k
    return result


def _check_rng(net, rng):
    if net._needs_random() and not isinstance(rng, np.random.Generator):
        raise ParameterError(
            f"rng must be a numpy Generator for random update orders or Glauber noise "
            f"(order={net.order!r}, temperature={net.temperature!r}), got {describe(rng)}")


class SweepState:
    """Run state of asynchronous dynamics: what one step hands the next.

    ``s`` the state last returned (int8, to recognise it when it comes back),
    ``h`` its local fields :math:`C s` (float64, coupling units), ``perms`` each
    trial's update order of the sweep in progress, ``states`` each trial's random
    state, ``phase`` how many k-ths of the sweep are done, ``theta`` the
    thresholds of a step without input (B, N), made once per run.  Owned by one run.
    """

    __slots__ = ("h", "perms", "phase", "s", "states", "theta")

    def __init__(self, s, h, perms, states, phase, theta):
        self.s, self.h, self.perms, self.states, self.phase = s, h, perms, states, phase
        self.theta = theta


def _fresh(net, s):
    """A run state for (B, N) int8 states ``s``: their fields, no sweep begun."""
    return SweepState(s, field(net, s), np.empty(s.shape, dtype=np.int64), None, 0,
                      net._theta(s.shape[0], None))


def init_run(net, x0):
    """A fresh run state for states ``x0`` (their local fields; no sweep begun)."""
    if net.dynamics == "sync":
        return None
    return _fresh(net, net._states("x0", x0)[0])


def energy_of_run(net, x, inputs, run):
    r"""The energy of ``x`` from the run's local fields, or None when ``run`` does not hold them.

    :math:`E = c\,(-\tfrac12 s^\top h + (\theta - u)^\top s)` with the carried
    :math:`h = C s`: :math:`O(N)` per trial instead of a matrix product.  The
    same formula, in the same order of operations, as :func:`energy` applied to
    one state: identical for integer couplings (exact fields), equal to
    round-off for float weights (the fields carried by single-unit updates).
    """
    if not isinstance(run, SweepState):
        return None
    s = run.s  # (B, N) int8, the state the run last returned
    x = np.asarray(x)
    if x.size != s.size or x.shape[-1] != net.n_units:
        return None
    sf = x.reshape(s.shape).astype(np.float64, copy=False)
    if not (sf == s).all():  # (one ufunc pass: this runs at every record)
        return None
    shape = x.shape[:-1]
    theta = run.theta if inputs is None else net._theta_for(s, shape, inputs)
    drive = np.einsum("bi,bi->b", theta, sf)
    quadratic = -0.5 * np.einsum("bi,bi->b", sf, run.h)
    return ((quadratic + drive) * net._scale).reshape(shape)


def advance(net, x, rng, inputs, run):
    """One k-th of a sweep from ``x`` (k = ``steps_per_sweep``): ``(x_next, run)``.

    When ``x`` is the state this run returned last (as :func:`~attractors.simulate`
    feeds it back), the step continues from the run's local fields and update
    orders: O(N) per trial plus O(N) per change.  Any other ``x`` (or no run
    state) starts a fresh sweep from its own fields.  The run state passed in is
    consumed (its arrays are updated in place): go on with the one returned.
    """
    s, shape = net._states("x", x)
    if net.dynamics == "sync":
        theta = net._theta(s.shape[0], inputs)
        return sync_step(net, s, theta).astype(np.float64).reshape(shape + (net.n_units,)), run
    _check_rng(net, rng)
    if run is None or run.s.shape != s.shape or not np.array_equal(run.s, s):
        run = _fresh(net, s)
    theta = run.theta if inputs is None else net._theta(s.shape[0], inputs)
    k = kernels()
    n, parts = net.n_units, net.steps_per_sweep
    h, perms, states = run.h, run.perms, run.states  # updated in place: the run owns them
    if run.phase == 0:
        key = np.uint64(rng.bit_generator.random_raw() if net._needs_random() else 0)
        states = k.shuffle_orders(perms, net._base_order(), key, net._random_order)
    lo, hi = _part(n, parts, run.phase), _part(n, parts, run.phase + 1)
    threads = s.shape[0] > 1 and s.shape[0] * (hi - lo) >= PARALLEL_WORK
    step = k.run_chunk_parallel if threads else k.run_chunk
    step(net._columns, net._diag, s, h, theta, perms, lo, hi, states, net._low, net._gain,
         net.temperature / net._scale)
    run = SweepState(s, h, perms, states, (run.phase + 1) % parts, run.theta)
    return s.astype(np.float64).reshape(shape + (n,)), run


def _part(n, parts, i):
    """Where part ``i`` of a sweep of n units in ``parts`` parts begins: round(i n / parts),
    as ``np.linspace(0, n, parts + 1).round()`` (the same float products, half to even)."""
    return n if i == parts else round(i * (n / parts))


def async_sweeps(net, s, theta, rng, *, max_sweeps, stop, trace=False):
    """Whole sweeps in the compiled kernel; returns (s, energy, sweeps, converged, trace)."""
    k = kernels()
    s = np.array(s, dtype=np.int8, order="C")
    h = field(net, s)
    n_trials = s.shape[0]
    # One 64-bit key per sweep, whatever the batch size (each trial's stream is
    # derived from it), so a trial's result does not depend on the batch and
    # recall() matches simulate() sweep for sweep with the same generator.
    if net._needs_random():
        seeds = rng.bit_generator.random_raw(max_sweeps).astype(np.uint64)
    else:
        seeds = np.zeros(0, dtype=np.uint64)
    sf = s.astype(np.float64)
    energy = -0.5 * np.einsum("bi,bi->b", sf, h) + np.einsum("bi,bi->b", theta, sf)
    energy_trace = np.zeros((n_trials, max_sweeps + 1 if trace else 0))
    if trace:
        energy_trace[:, 0] = energy
    sweeps = np.zeros(n_trials, dtype=np.int64)
    converged = np.zeros(n_trials, dtype=np.bool_)
    # Threads pay off only for batches with enough work (measured: starting them
    # costs ~0.1-0.5 ms a call on a loaded machine, a sweep of 1000 units ~5 us).
    # A recall typically settles in a few sweeps, hence min(max_sweeps, 3).
    work = n_trials * net.n_units * min(max_sweeps, 3)
    run = k.run_sweeps if n_trials > 1 and work >= PARALLEL_WORK else k.run_sweeps_serial
    run(net._columns, net._diag, s, h, theta, net._base_order(), seeds,
        net._random_order, net._low, net._gain, net.temperature / net._scale,
        max_sweeps, stop, energy, energy_trace, sweeps, converged)
    return s, energy * net._scale, sweeps, converged, energy_trace * net._scale


def sync_cycles(net, s, theta, max_sweeps):
    """Synchronous recall with asymmetric weights, where orbits end in cycles of any length.

    Each step's states are compared with every earlier state of the same trial, so
    a trial stops at the first repeat: ``sweeps`` is where its cycle begins and
    ``period`` its length (0 when no state repeated within ``max_sweeps`` steps).
    Costs O(T) comparisons of N bits per trial and step.
    """
    n_trials = s.shape[0]
    history = np.empty((max_sweeps + 1, n_trials, net.n_units), dtype=np.int8)
    history[0] = s
    sweeps = np.full(n_trials, max_sweeps, dtype=np.int64)
    period = np.zeros(n_trials, dtype=np.int64)
    final = s.copy()
    active = np.arange(n_trials)
    current = s
    for t in range(1, max_sweeps + 1):
        current = sync_step(net, current, theta[active])
        history[t, active] = current
        seen = np.all(history[:t, active] == current, axis=2)  # (t, active)
        repeat = seen.any(axis=0)
        first = np.argmax(seen, axis=0)
        done = active[repeat]
        sweeps[done], period[done] = first[repeat], t - first[repeat]
        final[done] = current[repeat]
        active, current = active[~repeat], current[~repeat]
        if active.size == 0:
            break
    final[active] = current
    return final, np.full(n_trials, np.nan), sweeps, period > 0, period


def sync_recall(net, s, theta, max_sweeps):
    """Synchronous recall: one BLAS product per step for the batch, then one fused pass
    (threshold, fixed-point and 2-cycle tests, bookkeeping, energy) in the kernel."""
    if not net.symmetric:
        return sync_cycles(net, s, theta, max_sweeps)
    k = kernels()
    dtype = np.dtype(np.float32 if net.weights.dtype == np.float32 else product_dtype(net))
    # Compare fields in the products' precision only where the thresholds are
    # exactly representable in it (always true for zero thresholds).
    if dtype == np.float32 and np.array_equal(theta.astype(np.float32), theta):
        theta = theta.astype(np.float32)
    n_trials = s.shape[0]
    current = s.astype(dtype)
    previous, new = np.empty_like(current), np.empty_like(current)
    g_previous = np.empty_like(current)
    final = np.empty((n_trials, net.n_units), dtype=np.int8)
    energy = np.zeros(n_trials)
    sweeps = np.full(n_trials, max_sweeps, dtype=np.int64)
    period = np.zeros(n_trials, dtype=np.int64)
    active = np.ones(n_trials, dtype=bool)
    for t in range(max_sweeps):
        g = product(net, current)
        remaining = k.sync_step(g, g_previous, theta, current, previous, t,
                                dtype.type(net._low), new, active, final, energy, sweeps, period)
        if remaining == 0:
            break
        previous, current, new = current, new, previous
        g_previous = g
    if active.any():  # not settled: report the last state, with its field
        final[active] = current[active]
        fields = product(net, current[active]).astype(np.float64)
        sf = current[active].astype(np.float64)
        energy[active] = (-0.5 * np.einsum("bi,bi->b", sf, fields)
                          + np.einsum("bi,bi->b", theta[active].astype(np.float64), sf))
    return final, energy * net._scale, sweeps, period > 0, period


def energy(net, s, shape, theta) -> np.ndarray:
    """Energies of (B, N) int8 states ``s`` (batch shape ``shape``), thresholds-minus-inputs
    ``theta`` (B, N) in coupling units; along a leading time axis whose states differ in
    few units the quadratic part is carried (O(N) per change) instead of recomputed."""
    sf = s.astype(np.float64)
    drive = np.einsum("bi,bi->b", theta, sf)
    if len(shape) >= 1 and shape[0] > 2:
        stack = s.reshape(shape[0], -1, net.n_units)
        changes = np.count_nonzero(stack[1:] != stack[:-1])
        # Carrying costs N per change against N^2 per state for products.
        if changes < 0.25 * (shape[0] - 1) * stack.shape[1] * net.n_units:
            h = field(net, stack[0])
            quadratic = np.empty(stack.shape[:2])
            quadratic[0] = -0.5 * np.einsum("bi,bi->b", stack[0].astype(np.float64), h)
            kernels().carry_quadratic(net._columns, net._diag, stack, h, quadratic)
            return ((quadratic.ravel() + drive) * net._scale).reshape(shape)
    quadratic = -0.5 * np.einsum("bi,bi->b", sf, field(net, s))
    return ((quadratic + drive) * net._scale).reshape(shape)
