r"""The softmax update of the modern Hopfield network, in chunks, on threads, overflow-safe.

:func:`softmax_step` computes :math:`f(\xi) = X^\top \operatorname{softmax}(\beta X \xi)`
for a batch of states: two matrix products around an in-place softmax whose
row passes run on as many threads as BLAS may use.  For a :math:`\beta` so large
that :math:`\beta x_i^\top \xi` could overflow, the scores stay unscaled and
:math:`\beta` multiplies their differences from the row maximum, so the result
is the :math:`\beta \to \infty` limit instead of NaN.
"""

from __future__ import annotations

import os

import numpy as np

from .._validate import ParameterError, describe

#: Most score entries (queries x patterns) held at once: 128 MiB of float64.  Larger
#: blocks keep the matrix products large: with a multi-threaded BLAS, splitting 1000
#: queries into blocks of 256 was measured 4x slower than one block (2 threads).
_CHUNK_ENTRIES = 1 << 24


def check_dtype(dtype) -> np.dtype:
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        dtype = None
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ParameterError(f"dtype must be float32 or float64, got {describe(dtype)}")
    return dtype


def _softmax_threads() -> int:
    """Threads for the softmax passes: the usable cores, capped by the BLAS/OpenMP thread
    variables when set (so a run pinned to one BLAS thread also runs one softmax thread)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(var, "")
        if value.isdigit() and int(value) > 0:
            cores = min(cores, int(value))
    return max(1, cores)


_POOLS: dict = {}


def _thread_pool(threads):
    if threads not in _POOLS:
        from concurrent.futures import ThreadPoolExecutor

        _POOLS[threads] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="attractors-softmax")
    return _POOLS[threads]


def _softmax_numerators(scores, nearest, beta=None):
    """In place: scores <- exp(scores - row max); numpy releases the GIL, so blocks of rows
    run in parallel threads.  With ``nearest = (index, top, shift)`` also write the nearest
    pattern (largest shifted score) and the row maxima.  With ``beta`` the scores are
    unscaled and the differences are multiplied by it after the subtraction, so no
    product beta * x_i . xi is ever formed (the overflow-safe path for huge beta)."""
    if nearest is not None:
        index, top, shift = nearest
        # ||x - x_j||^2 = ||x||^2 - 2 (x_j . x - ||x_j||^2 / 2): the largest shifted score.
        index[:] = np.argmax(scores - shift, axis=1)
    row_max = scores.max(axis=1, keepdims=True)
    if nearest is not None:
        top[:] = row_max[:, 0]
    scores -= row_max
    if beta is not None:
        with np.errstate(over="ignore"):  # differences <= 0: at worst -inf, exp(-inf) = 0
            scores *= beta
    np.exp(scores, out=scores)


def softmax_step(model, x, beta, *, nearest=False):
    """The update f(x) of a ModernHopfield ``model`` for rows x (b, d) of dtype float32/64;
    with ``nearest``, also the index of the pattern nearest to each x and lse(beta, X x)
    (free by-products).

    The queries go through in chunks that share one score buffer (at most
    ``_CHUNK_ENTRIES`` entries), which the softmax overwrites in place: three
    passes (row maximum, subtraction, exponential) besides the two matrix
    products, and no allocation per chunk.
    The passes run on as many threads as the matrix products may use
    (:func:`_softmax_threads`), so the softmax keeps pace with a multi-threaded BLAS.
    """
    dtype = x.dtype
    augmented = model._augmented[np.dtype(dtype)]
    patterns_t = augmented[:, :-1].T
    rows = max(1, _CHUNK_ENTRIES // model.n_patterns)
    buffer = np.empty((min(rows, x.shape[0]), model.n_patterns), dtype=dtype)
    weighted = np.empty((x.shape[0], model.n_units + 1), dtype=dtype)
    index = np.empty(x.shape[0], dtype=np.int64) if nearest else None
    top = np.empty(x.shape[0], dtype=dtype) if nearest else None
    # beta folded into the first product, unless beta x_i . xi could overflow (|x_i . xi|
    # <= M ||xi||): then the scores stay unscaled and beta multiplies their differences
    # from the row maximum (E and the update are the same functions of beta either way).
    finfo = np.finfo(dtype)
    reach = beta * model._max_norm * float(np.sqrt(np.max(np.einsum("ij,ij->i", x, x),
                                                          initial=0.0)))
    safe = not reach < 0.25 * float(finfo.max)
    late_beta = dtype.type(min(beta, float(finfo.max))) if safe else None
    factor = 1.0 if safe else beta
    shift = (factor * model._half_norms2).astype(dtype) if nearest else None
    scaled = x if safe else x * dtype.type(beta)
    threads = _softmax_threads()
    for start in range(0, x.shape[0], rows):
        stop = min(start + rows, x.shape[0])
        scores = buffer[:stop - start]
        np.matmul(scaled[start:stop], patterns_t, out=scores)
        # Row-wise, so the result does not depend on how rows are split among threads.
        blocks = np.linspace(0, stop - start, min(threads, stop - start) + 1).astype(int)
        jobs = [(scores[a:b], None if not nearest else (index[start + a:start + b],
                                                         top[start + a:start + b], shift),
                 late_beta) for a, b in zip(blocks[:-1], blocks[1:])]
        if len(jobs) == 1:
            _softmax_numerators(*jobs[0])
        else:
            list(_thread_pool(threads).map(lambda job: _softmax_numerators(*job), jobs))
        np.matmul(scores, augmented, out=weighted[start:stop])  # last column: normaliser
    out = weighted[:, :-1]
    lse = None
    if nearest:  # lse(beta, X xi) = max_i x_i . xi + ln(sum_i e^{beta (x_i . xi - max)}) / beta
        top, total = top.astype(np.float64), weighted[:, -1].astype(np.float64)
        lse = top + np.log(total) / beta if safe else (top + np.log(total)) / beta
    out /= weighted[:, -1:]
    return out, index, lse
