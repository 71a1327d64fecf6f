r"""Compiled inner loops of the discrete Hopfield network (numba, cached).

Everything here works in *coupling units*: the network's weights are
:math:`W = c\,C` with a stored coupling matrix ``C`` (float64, float32 or an
integer type holding the exact Hebb matrix :math:`J = N W`) and a scale
:math:`c` (1, or :math:`1/N` for exact Hebb weights).  Thresholds, temperature
and energy are divided by :math:`c` before they reach these kernels, so integer
couplings give integer local fields, held exactly in float64 (every partial sum
is an integer below :math:`2^{53}`), and a tie (zero field) is decided without
round-off.

Asynchronous updates keep the local field :math:`h = C s` of every unit up to
date: when unit :math:`i` changes by :math:`\Delta s_i`, :math:`h \mathrel{+}=
\Delta s_i C_{i\cdot}` (a row of the symmetric ``C``, contiguous in memory), so a
sweep costs :math:`O(N)` plus :math:`O(N)` per unit that changes, instead of
:math:`O(N^2)`.  The energy is updated with every change,

.. math:: \Delta E = -\Delta s_i\,(h_i - \theta_i) - \tfrac12 C_{ii}\,\Delta s_i^2 ,

never recomputed.  Trials run in parallel (``prange``); each trial draws its
random numbers from its own SplitMix64 stream seeded per sweep by the caller, so
results do not depend on the number of threads.

The library's one numba convention: numba is imported at the top of this module
(a required dependency, no numpy fallback), every kernel is a module-level
``@njit(cache=True)`` function (a closure's disk-cache key changes in every
process), and the model modules import this module only inside the function
that first runs a kernel, so ``import attractors`` never loads numba.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = [
    "carry_quadratic",
    "run_chunk",
    "run_chunk_parallel",
    "run_sweeps",
    "run_sweeps_serial",
    "shuffle_orders",
    "sync_step",
]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def _splitmix(state):
    """SplitMix64 (Steele, Lea & Flood 2014): the next state and a 64-bit output."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return state, z ^ (z >> _S31)


@njit(cache=True, inline="always")
def _uniform(state):
    """A double in [0, 1) from the top 53 bits of the next output."""
    state, z = _splitmix(state)
    return state, np.float64(z >> _S11) * _TO_UNIT


@njit(cache=True, inline="always")
def _trial_seed(key, b):
    """The seed of trial ``b`` in a sweep whose key is ``key``: one SplitMix64 output of
    the key mixed with the trial index, so a trial's stream depends on neither the
    size of the batch nor the number of threads."""
    _, z = _splitmix(key ^ ((np.uint64(b) + np.uint64(1)) * _MIX1))
    return z


_S32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_TWO32 = np.uint64(1) << _S32


@njit(cache=True, inline="always")
def _below(state, bound):
    """A uniform integer in [0, bound) for 0 < bound < 2**32, without bias.

    Lemire's multiply-and-reject method (Lemire 2019, ACM TOMACS 29:3) on the top
    32 bits of each output: integer operations only (no float conversion).
    """
    state, z = _splitmix(state)
    m = (z >> _S32) * bound
    if (m & _LOW32) < bound:
        threshold = (_TWO32 - bound) % bound
        while (m & _LOW32) < threshold:
            state, z = _splitmix(state)
            m = (z >> _S32) * bound
    return state, m >> _S32


@njit(cache=True)
def _shuffle(perm, base, state):
    """perm <- a uniformly random permutation of ``base`` (Fisher-Yates)."""
    n = base.shape[0]
    for k in range(n):
        perm[k] = base[k]
    for k in range(n - 1, 0, -1):
        state, j = _below(state, np.uint64(k + 1))
        tmp = perm[k]
        perm[k] = perm[j]
        perm[j] = tmp
    return state


@njit(cache=True)
def _all_stable(s, h, theta, low):
    """Whether no unit would change under the deterministic rule (whatever the order)."""
    for i in range(s.shape[0]):
        field = h[i] - theta[i]
        if (field > 0.0 and s[i] != 1) or (field < 0.0 and s[i] != low):
            return False
    return True


@njit(cache=True)
def _update_units(C, diag, s, h, theta, perm, lo, hi, low, gain, temperature, state):
    """Update units ``perm[lo:hi]`` of one trial in that order.

    Returns (number of units that changed, energy change, random state).
    Deterministic rule (temperature 0): the unit goes to the high state if its
    field ``h_i - theta_i`` is positive, to the low state if negative, and keeps
    its state at zero.  Glauber rule: high with probability
    ``1 / (1 + exp(-gain * field / temperature))``.
    """
    n = h.shape[0]
    changed = 0
    d_energy = 0.0
    for k in range(lo, hi):
        i = perm[k]
        field = h[i] - theta[i]
        old = s[i]
        if temperature == 0.0:
            if field > 0.0:
                new = 1
            elif field < 0.0:
                new = low
            else:
                new = old
        else:
            state, u = _uniform(state)
            if u * (1.0 + np.exp(-gain * field / temperature)) < 1.0:
                new = 1
            else:
                new = low
        if new != old:
            ds = np.float64(new - old)
            d_energy += -ds * field - 0.5 * diag[i] * ds * ds
            s[i] = new
            row = C[i]
            for j in range(n):
                h[j] += ds * row[j]
            changed += 1
    return changed, d_energy, state


@njit(cache=True)
def _trial_sweeps(C, diag, s, h, theta, base, seeds, b, random_order, low, gain, temperature,
                  max_sweeps, stop_when_still, energy, trace, sweeps, converged):
    """Sweeps of trial ``b``: see :func:`run_sweeps`."""
    n = s.shape[1]
    needs_random = random_order or temperature != 0.0
    perm = base.copy()
    quiet = False
    k = 0
    while k < max_sweeps:
        if temperature == 0.0 and _all_stable(s[b], h[b], theta[b], low):
            # A quiet sweep, whatever its order: skip drawing it.  (Each sweep's
            # random numbers come from its own key, so nothing later shifts.)
            changed, d_energy = 0, 0.0
        else:
            state = np.uint64(0)
            if needs_random:
                state = _trial_seed(seeds[k], b)
            if random_order:
                state = _shuffle(perm, base, state)
            changed, d_energy, state = _update_units(
                C, diag, s[b], h[b], theta[b], perm, 0, n, low, gain, temperature, state)
        energy[b] += d_energy
        if trace.shape[1] > 0:
            trace[b, k + 1] = energy[b]
        if changed == 0:
            quiet = True
            if stop_when_still:
                break
        else:
            quiet = False
        k += 1
    # A fixed point stays put: the energy after the sweeps not run is the last one.
    for later in range(k + 2, trace.shape[1]):
        trace[b, later] = energy[b]
    sweeps[b] = k
    converged[b] = quiet


@njit(cache=True, parallel=True)
def run_sweeps(C, diag, s, h, theta, base, seeds, random_order, low, gain, temperature,
               max_sweeps, stop_when_still, energy, trace, sweeps, converged):
    """Run whole sweeps on every trial, in parallel over trials.

    Parameters (arrays are modified in place)
    -----------------------------------------
    C : (N, N) couplings; diag : (N,) float64, its diagonal.
    s : (B, N) int8 states; h : (B, N) float64 fields ``C s``.
    theta : (B, N) float64 thresholds (minus inputs), in coupling units.
    base : (N,) int64 update order (shuffled afresh each sweep if random_order).
    seeds : (S,) uint64, the key of sweep ``k``, from which each trial's seed is
        derived (S >= max_sweeps when random numbers are needed, else S may be 0).
    energy : (B,) float64, the energy of ``s`` on entry (coupling units), updated.
    trace : (B, T) float64; when T > 0, trace[b, k] is the energy after sweep k
        (trace[b, 0] must hold the initial energy; after a stop at a fixed
        point, the fixed point's energy).
    sweeps : (B,) int64 out, sweeps that changed the state before the first
        quiet sweep (or the number run, when none was quiet).
    converged : (B,) bool out, whether a whole sweep changed nothing.
    """
    for b in prange(s.shape[0]):
        _trial_sweeps(C, diag, s, h, theta, base, seeds, b, random_order, low, gain,
                      temperature, max_sweeps, stop_when_still, energy, trace, sweeps, converged)


@njit(cache=True)
def run_sweeps_serial(C, diag, s, h, theta, base, seeds, random_order, low, gain, temperature,
                      max_sweeps, stop_when_still, energy, trace, sweeps, converged):
    """:func:`run_sweeps` on one thread (small batches, where starting threads costs more)."""
    for b in range(s.shape[0]):
        _trial_sweeps(C, diag, s, h, theta, base, seeds, b, random_order, low, gain,
                      temperature, max_sweeps, stop_when_still, energy, trace, sweeps, converged)


@njit(cache=True)
def shuffle_orders(perms, base, key, random_order):
    """Fill ``perms[b]`` with this sweep's update order of trial b; return the random states."""
    n_trials = perms.shape[0]
    states = np.empty(n_trials, dtype=np.uint64)
    for b in range(n_trials):
        states[b] = _trial_seed(key, b)
        if random_order:
            states[b] = _shuffle(perms[b], base, states[b])
        else:
            for k in range(base.shape[0]):
                perms[b, k] = base[k]
    return states


@njit(cache=True)
def run_chunk(C, diag, s, h, theta, perms, lo, hi, states, low, gain, temperature):
    """Update units ``perms[b, lo:hi]`` of every trial b (a sweep or part of one).

    ``states`` holds each trial's random state, carried from one part of a
    sweep to the next.
    """
    for b in range(s.shape[0]):
        _, _, states[b] = _update_units(C, diag, s[b], h[b], theta[b], perms[b], lo, hi, low,
                                        gain, temperature, states[b])


@njit(cache=True, parallel=True)
def run_chunk_parallel(C, diag, s, h, theta, perms, lo, hi, states, low, gain, temperature):
    """:func:`run_chunk` with trials on threads (large batches)."""
    for b in prange(s.shape[0]):
        _, _, states[b] = _update_units(C, diag, s[b], h[b], theta[b], perms[b], lo, hi, low,
                                        gain, temperature, states[b])


@njit(cache=True)
def sync_step(g, g_previous, theta, current, previous, t, low, new, active, final, energy,
              sweeps, period):
    """One synchronous step after the product ``g = current @ C``, fused in one pass.

    new = 1 / low / current where ``g - theta`` is > 0 / < 0 / = 0.  A trial
    still active ends here when ``new`` equals ``current`` (a fixed point,
    reached at step t) or, from the second step on, ``previous`` (a 2-cycle,
    entered at step t - 1); its final state, energy (from the field already
    computed: ``g`` for a fixed point, ``g_previous`` for the 2-cycle's state
    s(t - 1)), ``sweeps`` and ``period`` are written.  Returns how many trials
    are still active.  ``low`` has the dtype of the states.
    """
    n_trials, n = g.shape
    one = low - low + 1  # 1 in the dtype of the states
    remaining = 0
    for b in range(n_trials):
        differ_c = 0
        differ_p = 0
        gb, tb, cb, pb, nb = g[b], theta[b], current[b], previous[b], new[b]
        for i in range(n):
            field = gb[i] - tb[i]
            v = one if field > 0 else (low if field < 0 else cb[i])
            nb[i] = v
            differ_c += v != cb[i]
            differ_p += v != pb[i]
        if not active[b]:
            continue
        if differ_c == 0 or (t > 0 and differ_p == 0):
            fb = gb if differ_c == 0 else g_previous[b]
            value = 0.0
            for i in range(n):
                value += nb[i] * (-0.5 * np.float64(fb[i]) + np.float64(tb[i]))
                final[b, i] = np.int8(nb[i])
            energy[b] = value
            period[b] = 1 if differ_c == 0 else 2
            sweeps[b] = t if differ_c == 0 else t - 1
            active[b] = False
        else:
            remaining += 1
    return remaining


@njit(cache=True, parallel=True)
def carry_quadratic(C, diag, stack, h, quadratic):
    """Quadratic energy -1/2 s^T C s along a stack of states (T, B, N).

    ``quadratic[0]`` and ``h`` (the field of ``stack[0]``) are given; each later
    state is reached from the one before by single-unit changes, each changing
    the quadratic part by ``-ds h_i - 1/2 C_ii ds^2`` and the field by
    ``ds C_i``.
    """
    n_records, n_trials, n = stack.shape
    for b in prange(n_trials):
        hb = h[b]
        value = quadratic[0, b]
        for t in range(1, n_records):
            before = stack[t - 1, b]
            after = stack[t, b]
            for i in range(n):
                if after[i] != before[i]:
                    ds = np.float64(after[i] - before[i])
                    value += -ds * hb[i] - 0.5 * diag[i] * ds * ds
                    row = C[i]
                    for j in range(n):
                        hb[j] += ds * row[j]
            quadratic[t, b] = value
