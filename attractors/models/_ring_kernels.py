r"""The ring's compiled kernels, reached without loading numba: the packed field and the accessor.

Private to the ring modules.  The kernels themselves (Zhang's activation, the
fused field, the decoder) live in :mod:`attractors.models._ring_compiled`, which
imports numba at its top; :func:`numba_kernels` imports that module on its first
call, so importing the ring (and ``import attractors``) never loads numba.  This
module holds what the ring needs at construction without numba: the layout of
the fused field's argument (:func:`pack_field`) and the trial count above which
BLAS products take over (:data:`BLAS_TRIALS`).
"""

from __future__ import annotations

import numpy as np

#: From this many trials on, the field uses BLAS products (numpy) after the
#: compiled activation; below, one fused compiled pass per trial.
BLAS_TRIALS = 16


def pack_field(convolver, transfer, tau):
    r"""Everything the fused field needs, in one flat array (one argument to pass).

    Layout: ``[a, b, c, beta, 1/tau, M, coefficients (4 M), the M kept modes m,
    tables (2 M (N//2 + 1))]``.
    ``tables`` holds :math:`\cos m\theta_i` (rows 0..M-1) and :math:`\sin m\theta_i`
    (rows M..2M-1) of the M kept modes on the units :math:`i = 0..N/2`, and
    ``coefficients`` the profile spectra :math:`g_m P_m / N^2` (real and
    imaginary parts of the even profile's and of its derivative's), with
    :math:`g = 1` for m = 0 and the Nyquist mode, 2 otherwise, so that

    .. math:: (W_\gamma r)_i = \sum_m (a_m C_m + b_m S_m)\cos m\theta_i
              + (a_m S_m - b_m C_m)\sin m\theta_i

    with :math:`a + ib = P^{(0)} + \gamma P^{(1)}` and
    :math:`C_m - iS_m = \sum_j r_j e^{-im\theta_j}` (as in
    ``_Convolver._mode_factors``).  Units i and N - i see the same cosines and
    opposite sines, so the kernel folds the rates into their even and odd parts
    and works on half the ring; when 4 divides N, units i and N/2 - i see
    :math:`\cos m(\pi - \theta) = (-1)^m \cos m\theta` and
    :math:`\sin m(\pi - \theta) = (-1)^{m+1} \sin m\theta`, so it folds once
    more and works on a quarter (the first N/4 + 1 columns of the tables).
    """
    n, kept = convolver.n, convolver._kept
    half = np.arange(n // 2 + 1)
    phase = 2.0 * np.pi * np.outer(kept, half) / n
    tables = np.concatenate([np.cos(phase), np.sin(phase)])
    single = (kept == 0) | ((n % 2 == 0) & (kept == n // 2))
    g = np.where(single, 1.0, 2.0) / n**2
    rows = []
    for profile in convolver.profiles[:2]:
        spectrum = np.fft.rfft(profile)[kept]
        rows += [g * spectrum.real, g * spectrum.imag]
    while len(rows) < 4:
        rows.append(np.zeros(kept.size))
    head = [transfer.a, transfer.b, transfer.c, transfer.beta, 1.0 / tau, float(kept.size)]
    return np.concatenate([head, np.ravel(rows), kept.astype(np.float64), tables.ravel()])


def numba_kernels():
    """The compiled kernels, ``{name: numba function}``.

    numba loads (and compiles, or reads its disk cache) on the first call, not
    when the ring is imported: see :mod:`attractors.models._ring_compiled`.
    """
    from . import _ring_compiled

    return _ring_compiled.KERNELS
