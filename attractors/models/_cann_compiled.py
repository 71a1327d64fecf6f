"""Compiled (numba) kernels of the CANN models: the normalised field and the decoder.

numba is imported at the top of this module (it is a required dependency, so
there is no numpy fallback) and every kernel is a module-level
``@numba.njit(cache=True)`` function.  No model module imports this one at its
top: :func:`attractors.models._cann_kernels.numba_kernels` imports it on the
first call, so ``import attractors`` never loads numba.
"""

import numba
import numpy as np

# The kernels are module-level functions, not closures: numba's disk cache keys a
# function by its module and qualified name, so these compile once per machine
# (a closure's key changes in every process, which recompiled them on every import
# and left a new cache file each time).

@numba.njit(cache=True, nogil=True)
def normalised_rates(u, k_norm):
    # r = u_+^2 / (1 + k sum_j u_j+^2), one row (trial) at a time
    rates = np.empty_like(u)
    for b in range(u.shape[0]):
        total = 0.0
        for i in range(u.shape[1]):
            v = u[b, i]
            sq = v * v if v > 0.0 else 0.0
            rates[b, i] = sq
            total += sq
        scale = 1.0 / (1.0 + k_norm * total)
        for i in range(u.shape[1]):
            rates[b, i] *= scale
    return rates


@numba.njit(cache=True, nogil=True)
def finish(u, recurrent, drive, inv_tau):
    shared = drive.shape[0] == 1
    for b in range(u.shape[0]):
        row = 0 if shared else b
        for i in range(u.shape[1]):
            recurrent[b, i] = (recurrent[b, i] - u[b, i] + drive[row, i]) * inv_tau
    return recurrent


# Reassociation lets LLVM vectorise the dot products; no "nnan"/"ninf", so a
# blow-up still propagates NaN and inf to simulate()'s check.
@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def one_row(u, drive, cos_table, cos_weights, sin_table, sin_weights, k_norm, inv_tau, out,
            even, odd):
    # even[i] = r_i + r_{n-i}, odd[i] = r_i - r_{n-i} on units 0..n//2: the cos
    # modes see the even part, the sin modes the odd part.
    n = u.shape[0]
    h = n // 2
    v = u[0]
    even[0] = v * v if v > 0.0 else 0.0
    odd[0] = 0.0
    for i in range(1, h + 1):
        a = u[i]
        b = u[n - i]
        a = a * a if a > 0.0 else 0.0
        b = b * b if b > 0.0 else 0.0
        if n - i == i:
            even[i] = a
            odd[i] = 0.0
        else:
            even[i] = a + b
            odd[i] = a - b
    total = 0.0
    for i in range(h + 1):
        total += even[i]
    scale = 1.0 / (1.0 + k_norm * total)
    sym = np.zeros(h + 1)
    anti = np.zeros(h + 1)
    for m in range(cos_table.shape[0]):
        row = cos_table[m]
        c = 0.0
        for i in range(h + 1):
            c += even[i] * row[i]
        c *= cos_weights[m] * scale
        for i in range(h + 1):
            sym[i] += c * row[i]
    for m in range(sin_table.shape[0]):
        row = sin_table[m]
        c = 0.0
        for i in range(h + 1):
            c += odd[i] * row[i]
        c *= sin_weights[m] * scale
        for i in range(h + 1):
            anti[i] += c * row[i]
    for i in range(h + 1):
        out[i] = (drive[i] - u[i] + sym[i] + anti[i]) * inv_tau
    for i in range(1, h + 1):
        j = n - i
        if j != i:
            out[j] = (drive[j] - u[j] + sym[i] - anti[i]) * inv_tau


@numba.njit(cache=True, nogil=True)
def field_one(u, drive, cos_table, cos_weights, sin_table, sin_weights, k_norm, inv_tau):
    # One trial (a 1-D state): no reshaping on the Python side.
    out = np.empty_like(u)
    h = u.shape[0] // 2 + 1
    one_row(u, drive, cos_table, cos_weights, sin_table, sin_weights, k_norm, inv_tau, out,
            np.empty(h), np.empty(h))
    return out


@numba.njit(cache=True, nogil=True)
def field_rows(u, drive, cos_table, cos_weights, sin_table, sin_weights, k_norm, inv_tau):
    # One pass per trial, for few trials, where a BLAS call per product costs
    # more than its arithmetic.  The same code runs for every trial, so a
    # batch gives the same numbers as its trials run alone.
    out = np.empty_like(u)
    h = u.shape[1] // 2 + 1
    even = np.empty(h)
    odd = np.empty(h)
    shared = drive.shape[0] == 1
    for b in range(u.shape[0]):
        one_row(u[b], drive[0 if shared else b], cos_table, cos_weights, sin_table,
                sin_weights, k_norm, inv_tau, out[b], even, odd)
    return out


@numba.njit(cache=True, nogil=True)
def decode(u, cos, sin):
    # Population vector of u_+ and the peak of u, one pass per state.
    n_states, n = u.shape
    position = np.empty(n_states)
    height = np.empty(n_states)
    for t in range(n_states):
        c = 0.0
        s = 0.0
        top = u[t, 0]
        for i in range(n):
            v = u[t, i]
            if v > top:
                top = v
            if v > 0.0:
                c += v * cos[i]
                s += v * sin[i]
        angle = np.arctan2(s, c) if c * c + s * s > 0.0 else np.nan
        position[t] = np.pi if angle == -np.pi else angle  # in (-pi, pi]
        height[t] = top
    return position, height


@numba.njit(cache=True, nogil=True)
def field_modes(u, drive, basis_t, basis_w, k_norm, inv_tau):
    rates = normalised_rates(u, k_norm)
    return finish(u, (rates @ basis_t) @ basis_w, drive, inv_tau)


@numba.njit(cache=True, nogil=True)
def field_dense(u, drive, matrix_t, k_norm, inv_tau):
    rates = normalised_rates(u, k_norm)
    return finish(u, rates @ matrix_t, drive, inv_tau)


KERNELS = (field_rows, field_modes, field_dense, field_one, decode)
