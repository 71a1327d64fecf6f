"""Kernels of the CANN models: the wrapped Gaussian, its Fourier modes, the compiled fields.

Private to :mod:`attractors.models._cann`.  The compiled (numba) kernels live in
:mod:`attractors.models._cann_compiled`, which imports numba at its top;
:func:`numba_kernels` imports it on its first call, so importing the CANN models
(and ``import attractors``) never loads numba.
"""

from __future__ import annotations

import math
import threading

import numpy as np

#: Modes whose kernel coefficient is below this fraction of the largest are dropped
#: by ``method="modes"``.  The FFT that computes the coefficients is itself exact only
#: to about 1e-16 of the largest, so below this cutoff a coefficient is round-off
#: (for the Gaussian kernel of CANN1D the exact ones there are < 1e-16 too).
MODE_CUTOFF = 1e-15

#: From this many trials on, the modes are applied by two BLAS products.
BLAS_TRIALS = 16

#: Read-only tables that depend only on (n, a, J0, method, backend), shared by every
#: model with those values: continuation rebuilds the model at each value of k
#: (dataclasses.replace), and the kernel, its modes and the dense matrix do not
#: change with k or tau.  At most _MAX_TABLES sets are kept (the oldest is dropped).
_TABLES: dict = {}
_TABLES_LOCK = threading.Lock()
_MAX_TABLES = 8


def shared_tables(key, build):
    """The read-only mapping ``build()`` made once per ``key`` (a process-wide cache).

    ``build`` must return immutable values (read-only arrays in a
    ``MappingProxyType``); models stay immutable and thread-safe, as two threads
    that build the same key at once only do the work twice.
    """
    with _TABLES_LOCK:
        tables = _TABLES.get(key)
    if tables is not None:
        return tables
    tables = build()
    with _TABLES_LOCK:
        if len(_TABLES) >= _MAX_TABLES and key not in _TABLES:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = tables
    return tables

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


def numba_kernels():
    """The compiled 1-D field kernels ``(field_rows, field_modes, field_dense, field_one, decode)``.

    numba loads (and compiles, or reads its disk cache) on the first call, not
    when the CANN module is imported: see :mod:`attractors.models._cann_compiled`.
    """
    from . import _cann_compiled

    return _cann_compiled.KERNELS
