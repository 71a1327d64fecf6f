r"""Storage (learning) rules: weights that make given patterns attractors.

Every rule takes the patterns as a ``(P, N)`` array of :math:`\pm 1` entries (one
pattern per row) and returns an ``(N, N)`` symmetric weight matrix.  None of them
builds a ``P x N x N`` array: Hebb is one matrix product, Storkey one rank-two
update per pattern, the pseudo-inverse one ``P x P`` solve.

==================  =================================================  ==================
rule                weights                                            one at a time
==================  =================================================  ==================
``hebb``            :math:`W = \frac1N \sum_\mu \xi^\mu \xi^{\mu T}`   yes (``weights=``)
``storkey``         Storkey (1997) local incremental rule               yes (``weights=``)
``pseudo-inverse``  :math:`W = \Xi^T (\Xi \Xi^T)^{-1} \Xi`               yes, diagonal kept
==================  =================================================  ==================

Patterns given as 0/1 must be converted first (``2 * v - 1``); the rules are
stated for spins.
"""

from __future__ import annotations

import inspect

import numpy as np

from ._allocation import check_allocation
from ._validate import ParameterError, describe

__all__ = ["RULES", "hebb", "pseudo_inverse", "store", "storkey"]

#: The names :func:`store` accepts.
RULES = ("hebb", "storkey", "pseudo-inverse")


def _spin_patterns(patterns, dtype=np.float64) -> np.ndarray:
    """Validate ``patterns`` as a (P, N) array of +-1 and return it as ``dtype``."""
    try:
        xi = np.asarray(patterns)
    except (TypeError, ValueError) as error:  # ragged input
        raise ParameterError(
            f"patterns must be an array of shape (P, N), got {describe(patterns)}") from error
    if xi.ndim == 1:
        xi = xi[np.newaxis, :]
    if xi.ndim != 2 or xi.shape[0] < 1 or xi.shape[1] < 1:
        raise ParameterError(
            f"patterns must be a non-empty array of shape (P, N) (one pattern per row), "
            f"got shape {xi.shape}"
        )
    if xi.dtype.kind not in "biuf":
        raise ParameterError(f"patterns must be real numbers (+1/-1), got dtype {xi.dtype}")
    bad = (xi != 1) & (xi != -1)
    if bad.any():
        mu, i = np.argwhere(bad)[0]
        hint = " (0/1 patterns: pass 2 * patterns - 1)" if np.all((xi == 0) | (xi == 1)) else ""
        raise ParameterError(
            f"patterns must contain only +1 and -1; patterns[{mu}, {i}] = {xi[mu, i].item()!r}{hint}"
        )
    return xi.astype(dtype)


def _previous(weights, n_units: int, *, dtype) -> np.ndarray | None:
    """Validate the ``weights`` a rule adds to (incremental storage); copy them."""
    if weights is None:
        return None
    w = np.asarray(weights)
    if w.shape != (n_units, n_units):
        raise ParameterError(
            f"weights must have shape ({n_units}, {n_units}) to match patterns of {n_units} units, "
            f"got shape {w.shape}"
        )
    if np.dtype(dtype).kind == "i" and w.dtype.kind not in "iu":
        raise ParameterError(
            f"weights must be integer (the J of an earlier exact=True call) when exact=True, "
            f"got dtype {w.dtype}"
        )
    if w.dtype.kind not in "biuf":
        raise ParameterError(f"weights must be real numbers, got dtype {w.dtype}")
    if w.dtype.kind == "f" and not np.all(np.isfinite(w)):
        raise ParameterError("weights must be finite")
    if w.dtype.kind == "u" and w.size and int(w.max()) > np.iinfo(np.int64).max:
        raise ParameterError(f"weights hold {int(w.max())}, beyond a signed 64-bit integer "
                             f"(a plain conversion would wrap it to a negative number)")
    return w.astype(dtype, copy=True)


#: Bytes of the blocks in which :func:`hebb` builds a matrix (16 MB).
_BLOCK_BYTES = 1 << 24
_INT_TYPES = (np.int8, np.int16, np.int32, np.int64)


def _hebb_dtype(dtype, exact: bool):
    """The dtype of Hebb weights: float64 / float32, or an integer type (exact J = N W)."""
    if dtype is None:
        return np.dtype(np.int64 if exact else np.float64)
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        dtype = None
    allowed = [np.dtype(t) for t in (np.float64, np.float32, *_INT_TYPES)]
    if dtype not in allowed:
        raise ParameterError(f"dtype must be one of float64, float32, int8, int16, int32, "
                             f"int64 (None: float64, int64 with exact=True), got {describe(dtype)}")
    if exact and dtype.kind == "f":
        raise ParameterError(f"exact=True gives the integer matrix J = N W; dtype={dtype} "
                             f"asks for floats (give an integer dtype, or exact=False)")
    return dtype


def _hebb_blocks(xi, dtype: np.dtype, n_units: int) -> np.ndarray:
    """J = xi^T xi (integer dtypes) or J / N (float dtypes), with no N x N temporary.

    J has integer entries of magnitude at most P, exact in float32 for P < 2**24:
    integer couplings are written a block of rows at a time; float weights
    accumulate J over chunks of patterns in place (exact integers) and are divided
    by N at the end, so the only extra memory is one chunk of patterns and one
    block of rows (measured: N = 20,000, P = 2,000 in float32 peaks at 1.95 GB,
    the 1.6 GB of weights and the runtime).
    """
    p, n = xi.shape
    work = np.float32 if p < 2**24 else np.float64
    if dtype.kind == "i":
        weights = np.empty((n, n), dtype=dtype)
        xw = xi.astype(work)
        block = max(1, _BLOCK_BYTES // (4 * n))
        for lo in range(0, n, block):
            weights[lo:lo + block] = np.rint(xw[:, lo:lo + block].T @ xw)
        return weights
    weights = np.zeros((n, n), dtype=dtype)
    chunk = max(1, _BLOCK_BYTES // (4 * n))
    block = max(1, _BLOCK_BYTES // (weights.itemsize * n))
    for first in range(0, p, chunk):
        xw = xi[first:first + chunk].astype(weights.dtype)
        for lo in range(0, n, block):
            weights[lo:lo + block] += xw[:, lo:lo + block].T @ xw
    for lo in range(0, n, block):
        weights[lo:lo + block] /= n_units
    return weights


def hebb(patterns, *, weights=None, exact: bool = False, keep_diagonal: bool = False,
         dtype=None) -> np.ndarray:
    r"""Hebbian (outer-product) storage: superposition of the patterns' correlations.

    .. math::

        W_{ij} = \frac{1}{N} \sum_{\mu=1}^{P} \xi_i^\mu \xi_j^\mu, \qquad W_{ii} = 0,

    Hopfield (1982), Eq. (2); Amit, Gutfreund & Sompolinsky (1985) for the
    :math:`1/N` normalisation.

    Parameters
    ----------
    patterns : array_like, shape (P, N) or (N,)
        Patterns :math:`\xi^\mu` with entries :math:`\pm 1`, one per row.
    weights : ndarray, shape (N, N), optional
        Weights from earlier patterns; the new patterns are added to them (the rule
        is a sum, so storing patterns one at a time gives the same matrix as storing
        them together, exactly so with ``exact=True``).  Not modified.
    exact : bool, default False
        Return the integer matrix :math:`J = N W` (``int64``), with no round-off:
        the local field :math:`h = J s` is then exact, so whether a unit's field is
        zero (a tie) is decided without floating-point error and tie-sensitive
        results are reproducible on every machine.
    keep_diagonal : bool, default False
        Keep the self-couplings :math:`W_{ii} = P/N` instead of zeroing them.
    dtype : {None, float64, float32, int8, int16, int32, int64}
        Type of the result.  float32 halves the memory (N = 20,000: 1.6 GB) and is
        built without a float64 temporary; its entries are :math:`J/N` correctly
        rounded to float32 (:math:`J` is accumulated exactly).  An integer type
        returns the exact :math:`J` (as ``exact=True``) in that type, refused when
        :math:`P` exceeds its range; int8 for P < 128 takes N^2 bytes.

    Returns
    -------
    ndarray, shape (N, N)
        :math:`W` (float64, or ``dtype``), or :math:`J = N W` (int64, or the
        integer ``dtype``) when ``exact=True``.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.learning import hebb
    >>> xi = np.array([[1, -1, 1, -1], [1, 1, -1, -1]])
    >>> hebb(xi, exact=True)
    array([[ 0,  0,  0, -2],
           [ 0,  0, -2,  0],
           [ 0, -2,  0,  0],
           [-2,  0,  0,  0]])
    >>> np.array_equal(hebb(xi[1:], weights=hebb(xi[:1], exact=True), exact=True),
    ...                hebb(xi, exact=True))
    True
    >>> hebb(xi, dtype=np.int8).dtype, hebb(xi, dtype=np.float32)[0, 3]
    (dtype('int8'), np.float32(-0.5))
    """
    dtype = _hebb_dtype(dtype, exact)
    exact = dtype.kind == "i"
    xi = _spin_patterns(patterns, dtype=np.int8)
    n_patterns, n_units = xi.shape
    if exact and n_patterns > np.iinfo(dtype).max:
        raise ParameterError(f"dtype={dtype} holds couplings up to {np.iinfo(dtype).max}, but "
                             f"{n_patterns} patterns give entries up to {n_patterns}")
    previous = _previous(weights, n_units, dtype=np.int64 if exact else dtype)
    check_allocation("patterns", xi.shape, (n_units, n_units), dtype, "the weights")
    if dtype == np.float64:
        # One BLAS product.  Its entries are integers of magnitude <= P < 2**53, so
        # dividing once by N rounds each correctly.
        w = xi.T.astype(np.float64) @ xi.astype(np.float64)
        w /= n_units
    else:
        w = _hebb_blocks(xi, dtype, n_units)
    if not keep_diagonal:
        np.fill_diagonal(w, 0)
    if previous is not None:
        if not keep_diagonal:
            np.fill_diagonal(previous, 0)
        if exact:
            total = previous + w
            if np.abs(total).max(initial=0) > np.iinfo(dtype).max:
                raise ParameterError(f"the summed couplings exceed the range of dtype={dtype}")
            w = total.astype(dtype)
        else:
            w += previous
    return w


def storkey(patterns, *, weights=None) -> np.ndarray:
    r"""Storkey's (1997) incremental, local learning rule.

    Pattern :math:`\nu` changes the weights by

    .. math::

        \Delta W_{ij} = \frac{1}{N}\left(\xi_i^\nu \xi_j^\nu - \xi_i^\nu h_{ji}
            - h_{ij} \xi_j^\nu\right), \qquad
        h_{ij} = \sum_{k \ne i, j} W_{ik} \xi_k^\nu ,

    for :math:`i \ne j`, starting from the given ``weights`` (zero by default);
    the diagonal stays zero.  Storkey (1997), "Increasing the capacity of a
    Hopfield network without sacrificing functionality", ICANN'97, LNCS 1327:451;
    Storkey & Valabregue (1999), Neural Networks 12:869.  Its capacity grows like
    :math:`N / \sqrt{2 \ln N}` against :math:`N / (2 \ln N)` for Hebb (for error-free
    storage), and correlated patterns hurt it less.

    With :math:`h_i = \sum_k W_{ik} \xi_k` and symmetric, zero-diagonal
    :math:`W`, :math:`h_{ij} = h_i - W_{ij}\xi_j`, so each pattern is one
    :math:`O(N^2)` rank-two update,
    :math:`\Delta W = \frac1N(\xi\xi^T - \xi h^T - h \xi^T + 2W)` off the diagonal:
    no ``P x N x N`` array is formed.

    Parameters
    ----------
    patterns : array_like, shape (P, N) or (N,)
        Patterns with entries :math:`\pm 1`, stored in row order (the rule depends
        on the order).
    weights : ndarray, shape (N, N), optional
        Weights to continue from (storing patterns one call at a time gives the same
        matrix as one call with all of them).  Must be symmetric with zero
        diagonal, as this rule produces; not modified.

    Returns
    -------
    ndarray, shape (N, N)
        Symmetric float64 weights with zero diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.learning import storkey
    >>> xi = np.random.default_rng(0).choice([-1, 1], size=(3, 16))
    >>> w = storkey(xi)
    >>> np.allclose(w, w.T), np.allclose(storkey(xi[1:], weights=storkey(xi[:1])), w)
    (True, True)
    """
    xi = _spin_patterns(patterns)
    n_units = xi.shape[1]
    check_allocation("patterns", xi.shape, (n_units, n_units), np.float64, "the weights")
    w = _previous(weights, n_units, dtype=np.float64)
    if w is None:
        w = np.zeros((n_units, n_units))
    elif not (np.allclose(w, w.T, rtol=0, atol=1e-12) and not np.diagonal(w).any()):
        raise ParameterError(
            "weights for the Storkey rule must be symmetric with zero diagonal "
            "(as the rule itself produces)"
        )
    for pattern in xi:
        h = w @ pattern
        # 1/N (xi xi^T - xi h^T - h xi^T + 2 W), written into w in place.
        w *= 1.0 + 2.0 / n_units
        cross = np.outer(pattern, h)
        cross += cross.T.copy()  # x + y == y + x bitwise: keeps W exactly symmetric
        w += (np.outer(pattern, pattern) - cross) / n_units
        np.fill_diagonal(w, 0.0)
    return w


def pseudo_inverse(patterns, *, weights=None, keep_diagonal: bool = False) -> np.ndarray:
    r"""Pseudo-inverse (projection) rule: every stored pattern is a fixed point.

    .. math::

        W = \Xi^T (\Xi \Xi^T)^{-1} \Xi = \frac1N \sum_{\mu\nu} \xi^\mu
            (C^{-1})_{\mu\nu} \xi^{\nu T}, \qquad C_{\mu\nu} = \frac1N \xi^\mu\cdot\xi^\nu,

    the orthogonal projection onto the span of the patterns, so :math:`W\xi^\mu =
    \xi^\mu` for every linearly independent set of patterns, correlated or not
    (Personnaz, Guyon & Dreyfus 1985, J. Physique Lett. 46:L359; Kanter &
    Sompolinsky 1987, Phys. Rev. A 35:380).  By default the diagonal is removed, as
    Kanter & Sompolinsky recommend (it enlarges the basins); the patterns stay
    fixed points because the field becomes :math:`(1 - W_{ii})\xi_i^\mu` with
    :math:`0 \le W_{ii} \le 1`.

    Parameters
    ----------
    patterns : array_like, shape (P, N) or (N,)
        Linearly independent patterns with entries :math:`\pm 1` (so :math:`P \le N`).
    weights : ndarray, shape (N, N), optional
        A projection from an earlier call with ``keep_diagonal=True``; the new
        patterns are added by Greville's update :math:`W \leftarrow W + r r^T / r^T r`,
        :math:`r = (1 - W)\xi`, which gives the same matrix as storing all patterns at
        once.  (With the diagonal removed the projection cannot be recovered, so
        incremental storage needs ``keep_diagonal=True`` throughout.)
    keep_diagonal : bool, default False
        Keep the projection's diagonal.

    Returns
    -------
    ndarray, shape (N, N)
        Symmetric float64 weights.

    Raises
    ------
    ParameterError
        If the patterns are linearly dependent (the rule is then undefined).

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.learning import pseudo_inverse
    >>> xi = np.array([[1, 1, 1, -1, -1], [1, 1, -1, 1, -1], [1, 1, 1, 1, 1]])
    >>> w = pseudo_inverse(xi)     # correlated patterns: all three are fixed points
    >>> bool(np.all(np.sign(xi @ w) == xi))
    True
    """
    xi = _spin_patterns(patterns)
    n_patterns, n_units = xi.shape
    check_allocation("patterns", xi.shape, (n_units, n_units), np.float64, "the weights")
    previous = _previous(weights, n_units, dtype=np.float64)
    if previous is not None and not keep_diagonal:
        raise ParameterError(
            "pseudo_inverse(weights=...) adds patterns to a projection, which needs "
            "keep_diagonal=True (in this and the earlier call); got keep_diagonal=False"
        )
    if previous is None:
        if n_patterns > n_units:
            raise ParameterError(
                f"pseudo_inverse needs linearly independent patterns, so at most N = {n_units} "
                f"of them; got P = {n_patterns}"
            )
        gram = xi @ xi.T
        # Linear independence <=> the Gram matrix is non-singular; decide on its
        # smallest eigenvalue relative to the largest (patterns are +-1 vectors, so a
        # dependent set gives an eigenvalue at round-off level).
        eigenvalues = np.linalg.eigvalsh(gram)
        if eigenvalues[0] <= eigenvalues[-1] * n_units * np.finfo(float).eps * 16:
            raise ParameterError(
                f"pseudo_inverse needs linearly independent patterns; these {n_patterns} "
                f"patterns span only {int(np.sum(eigenvalues > eigenvalues[-1] * 1e-10))} dimensions"
            )
        w = xi.T @ np.linalg.solve(gram, xi)
        w = (w + w.T) / 2  # exact symmetry, removing round-off asymmetry
    else:
        w = previous
        for mu, pattern in enumerate(xi):
            residual = pattern - w @ pattern
            norm = residual @ residual
            if norm <= n_units * 1e-10:
                raise ParameterError(
                    f"pseudo_inverse needs linearly independent patterns; pattern {mu} is in the "
                    "span of the patterns already stored"
                )
            w += np.outer(residual, residual) / norm
    if not keep_diagonal:
        np.fill_diagonal(w, 0.0)
    return w


def store(patterns, rule: str = "hebb", **options) -> np.ndarray:
    """Weights that store ``patterns`` with the named rule.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Patterns with entries :math:`\\pm 1`.
    rule : {"hebb", "storkey", "pseudo-inverse"}
        The storage rule: :func:`hebb`, :func:`storkey` or :func:`pseudo_inverse`.
    **options
        Passed to the rule (``weights``, ``exact``, ``keep_diagonal``).

    Returns
    -------
    ndarray, shape (N, N)
    """
    functions = {"hebb": hebb, "storkey": storkey, "pseudo-inverse": pseudo_inverse}
    key = rule.lower().replace("_", "-") if isinstance(rule, str) else rule
    if key == "pseudoinverse" or key == "projection":
        key = "pseudo-inverse"
    if key not in functions:
        raise ParameterError(f"rule must be one of {', '.join(map(repr, RULES))}, got {describe(rule)}")
    function = functions[key]
    allowed = set(inspect.signature(function).parameters) - {"patterns"}
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ParameterError(
            f"rule {key!r} takes the options {', '.join(sorted(allowed))}; got unknown {', '.join(unknown)}"
        )
    return function(patterns, **options)
