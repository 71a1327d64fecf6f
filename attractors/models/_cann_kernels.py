"""Kernels of the CANN models: the wrapped Gaussian, its Fourier modes, the compiled fields.

Private to :mod:`attractors.models._cann`.  The compiled (numba) kernels are
built on first use, cached on disk, and absent (None) without numba.
"""

from __future__ import annotations

import math

import numpy as np

#: Modes whose kernel coefficient is below this fraction of the largest are dropped
#: by ``method="modes"``.  The FFT that computes the coefficients is itself exact only
#: to about 1e-16 of the largest, so below this cutoff a coefficient is round-off
#: (for the Gaussian kernel of CANN1D the exact ones there are < 1e-16 too).
MODE_CUTOFF = 1e-15

#: From this many trials on, the modes are applied by two BLAS products.
BLAS_TRIALS = 16

def ring_distance(x):
    """Signed distance around the circle of circumference 2 pi, in [-pi, pi)."""
    return np.remainder(np.asarray(x, dtype=np.float64) + np.pi, 2.0 * np.pi) - np.pi


def wrapped_gaussian(d, width):
    r"""The Gaussian wrapped on the circle, :math:`\sum_n e^{-(d + 2\pi n)^2/(2 w^2)}`.

    Images up to |n| = 6 are summed: for ``width <= pi`` the next one is below
    :math:`e^{-(11\pi)^2/(2\pi^2)} < 10^{-26}` of the peak.  Unlike the Gaussian of
    the shortest distance it is smooth on the circle, so its Fourier
    coefficients fall to round-off (the two differ by less than
    :math:`e^{-\pi^2/(2w^2)}` of the peak).
    """
    d = np.asarray(d, dtype=np.float64)
    images = 2.0 * np.pi * np.arange(-6, 7)
    return np.exp(-0.5 * ((d[..., None] + images) / width) ** 2).sum(axis=-1)


def ring_kernel(n, a, J0):
    """J(x_i - x_0) on the ring grid, times rho dx = 1 (the sum replaces rho * integral)."""
    d = ring_distance(2.0 * np.pi * np.arange(n) / n)
    return J0 * wrapped_gaussian(d, a) / (math.sqrt(2.0 * math.pi) * a)


def fourier_modes(kernel):
    """Real Fourier basis (rows) and weights keeping the kernel's modes above round-off.

    For a symmetric circulant kernel c, ``(C r)_i = sum_m w_m E_mi (E r)_m`` with
    rows E = 1, cos(2 pi m i/n), sin(2 pi m i/n), exactly when all modes are kept.
    """
    n = kernel.size
    spectrum = np.fft.rfft(kernel).real  # real: the kernel is even on the ring
    keep = np.abs(spectrum) > MODE_CUTOFF * np.abs(spectrum).max()
    keep[0] = True
    modes = np.flatnonzero(keep)
    phase = 2.0 * np.pi * np.outer(modes, np.arange(n)) / n
    rows, weights = [], []
    for m, row_cos, row_sin in zip(modes, np.cos(phase), np.sin(phase)):
        nyquist = n % 2 == 0 and m == n // 2
        scale = (1.0 if m == 0 or nyquist else 2.0) * spectrum[m] / n
        rows.append(row_cos)
        weights.append(scale)
        if not (m == 0 or nyquist):
            rows.append(row_sin)
            weights.append(scale)
    return np.ascontiguousarray(rows), np.asarray(weights), modes


def half_tables(kernel, modes_kept):
    """cos / sin of the kept modes on the units 0..n//2, and their weights.

    The ring's units i and n - i see cos(2 pi m i/n) equal and sin opposite, so
    the recurrent input needs the tables on half the ring only (the compiled
    kernel folds u into its even and odd parts first, halving the work).
    """
    n = kernel.size
    spectrum = np.fft.rfft(kernel).real
    half = np.arange(n // 2 + 1)
    cos_modes = modes_kept
    sin_modes = modes_kept[(modes_kept > 0) & ~((n % 2 == 0) & (modes_kept == n // 2))]
    cos_table = np.cos(2.0 * np.pi * np.outer(cos_modes, half) / n)
    sin_table = np.sin(2.0 * np.pi * np.outer(sin_modes, half) / n)
    edge = (cos_modes == 0) | ((n % 2 == 0) & (cos_modes == n // 2))
    cos_weights = np.where(edge, 1.0, 2.0) * spectrum[cos_modes] / n
    sin_weights = 2.0 * spectrum[sin_modes] / n
    return (np.ascontiguousarray(cos_table), cos_weights, np.ascontiguousarray(sin_table),
            sin_weights)


# The kernels are module-level functions, not closures: numba's disk cache keys a
# function by its module and qualified name, so these compile once per machine
# (a closure's key changes in every process, which recompiled them on every import
# and left a new cache file each time).
try:
    import numba
except ImportError:  # pragma: no cover - numba is a required dependency
    numba = None

if numba is not None:
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



def numba_kernels():
    """The compiled 1-D field kernels (cached on disk); None without numba."""
    if numba is None:  # pragma: no cover
        return None
    return (field_rows, field_modes, field_dense, field_one, decode)

