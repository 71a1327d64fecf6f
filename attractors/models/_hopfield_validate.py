"""Construction-time checks of the discrete Hopfield network: :func:`initialise` and its helpers.

:func:`initialise` (the network's ``__post_init__``) validates every field with a
message naming the parameter, and sets the derived arrays (diagonal, thresholds
in coupling units, the float copy of integer couplings) once: nothing is set on
a network after construction.
Every array a :class:`~attractors.models.HopfieldNetwork` holds passes through
:func:`frozen`: a private copy, made read-only, so that writing into
``net.order`` or ``net.thresholds`` after construction raises instead of
corrupting the compiled kernels or being silently ignored.  Arrays the library
has just made itself (weights built by ``from_patterns``, another network's
frozen arrays under ``dataclasses.replace``) are adopted without a second copy,
which keeps the N = 20,000 network within its memory figure.
"""

from __future__ import annotations

import weakref

import numpy as np

from .._validate import (
    ParameterError,
    check_choice,
    check_finite_array,
    check_integer,
    check_positive,
    describe,
)

#: Bytes of the row blocks in which N x N matrices are converted or checked (16 MB).
BLOCK_BYTES = 1 << 24
#: Integer types of couplings, smallest first.
INT_TYPES = (np.int8, np.int16, np.int32, np.int64)
#: Largest float copy of integer couplings made for matrix products (256 MB).
_COPY_BYTES = 1 << 28
_UNITS = ("spin", "binary")
_DYNAMICS = ("async", "sync", "glauber")
#: Arrays made read-only by this module (id -> array), adopted without a copy.
_FROZEN: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def frozen(array: np.ndarray, *, dtype=None) -> np.ndarray:
    """A read-only, C-contiguous array with the values of ``array``: a private copy unless
    ``array`` is already one made here (then shared: nobody can write into it)."""
    if (_FROZEN.get(id(array)) is array and not array.flags.writeable
            and (dtype is None or array.dtype == dtype)):
        return array
    out = np.array(array, dtype=dtype, order="C", copy=True)
    out.setflags(write=False)
    _FROZEN[id(out)] = out
    return out


def adopt(array: np.ndarray) -> np.ndarray:
    """Make an array this module's caller has just created read-only and adopt it (no copy).

    Only for arrays nobody else holds (fresh results of the library's own builders)."""
    array = np.ascontiguousarray(array)
    array.setflags(write=False)
    _FROZEN[id(array)] = array
    return array


def exact_integers(name: str, array: np.ndarray) -> np.ndarray:
    """Unsigned or boolean integers as the smallest signed type that holds them exactly.

    (A plain ``astype(int64)`` turns a uint64 value above 2**63 into a negative number.)"""
    if array.dtype.kind == "b":
        return array.astype(np.int8)
    if array.dtype.kind != "u":
        return array
    top = int(array.max(initial=0))
    for kind in INT_TYPES:
        if top <= np.iinfo(kind).max:
            return array.astype(kind)
    raise ParameterError(f"{name} must fit in a signed 64-bit integer, but it holds {top} "
                         f"(dtype {array.dtype}); give it as int64 or float")


def check_finite_symmetric(matrix: np.ndarray, symmetric: bool = True) -> float:
    """Raise unless ``matrix`` is finite and symmetric (exactly for integers, to round-off
    for floats), a block of rows at a time so that no N x N temporary is made.

    Returns the largest magnitude of an entry."""
    n = matrix.shape[0]
    block = max(1, BLOCK_BYTES // (8 * n))
    floating = matrix.dtype.kind == "f"
    scale = 0.0
    for lo in range(0, n, block):
        rows = matrix[lo:lo + block]
        if floating and not np.all(np.isfinite(rows)):
            i, j = np.argwhere(~np.isfinite(rows))[0]
            raise ParameterError(f"weights must be finite, but W[{lo + i}, {j}] = "
                                 f"{rows[i, j].item()}")
        scale = max(scale, abs(float(rows.max())), abs(float(rows.min())))
    tol = 1e-12 * scale if floating else 0.0
    for lo in range(0, n if symmetric else 0, block):
        rows = matrix[lo:lo + block]
        gap = np.abs(rows.astype(np.float64) - matrix[:, lo:lo + block].T)
        if gap.max(initial=0.0) > tol:
            i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
            raise ParameterError(
                f"weights must be symmetric (W = W^T), but W[{lo + i}, {j}] = "
                f"{matrix[lo + i, j].item()} and W[{j}, {lo + i}] = {matrix[j, lo + i].item()}; "
                f"symmetric=False accepts asymmetric weights (no energy function then)")
    return scale


def check_weights(weights, symmetric: bool = True) -> tuple[np.ndarray, float]:
    """The weights as float64, float32 or signed integers (C order) and their largest magnitude."""
    try:
        array = np.asarray(weights)
    except (TypeError, ValueError) as error:
        raise ParameterError(f"weights must be numeric, got {describe(weights)}") from error
    if array.dtype.kind not in "biuf":
        raise ParameterError(f"weights must be real numbers (float or integer), got dtype "
                             f"{array.dtype}")
    if array.ndim != 2 or array.shape[0] != array.shape[1] or array.shape[0] < 1:
        raise ParameterError(f"weights must be a square (N, N) matrix, got shape {array.shape}")
    array = exact_integers("weights", array)
    if array.dtype.kind == "f" and array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    return array, check_finite_symmetric(array, symmetric)


def check_order(order, n: int):
    """'random', 'fixed', or a read-only int64 permutation of 0..n-1."""
    if isinstance(order, str):
        return check_choice("order", order, ("random", "fixed"))
    perm = check_finite_array("order", order)
    if perm.shape != (n,) or perm.dtype.kind not in "iu" or not np.array_equal(
            np.sort(perm), np.arange(n)):
        raise ParameterError(f"order must be 'random', 'fixed' or a permutation of "
                             f"0..{n - 1} (shape ({n},), integers), got {describe(order)}")
    return frozen(perm, dtype=np.int64)


def check_patterns(patterns, n: int, units: str, name: str = "patterns") -> np.ndarray:
    """(P, n) patterns of +-1 (0/1 accepted for binary units) as read-only int8 spins."""
    xi = check_finite_array(name, patterns)
    if xi.dtype.kind == "c":
        raise ParameterError(f"{name} must be real (+1/-1), got dtype {xi.dtype}")
    if xi.ndim == 1:
        xi = xi[None, :]
    if xi.ndim != 2 or xi.shape[1] != n or xi.shape[0] < 1:
        raise ParameterError(f"{name} must have shape (P, {n}) to match {n} units, "
                             f"got shape {xi.shape}")
    if xi.dtype.kind in "bu":  # 2 * 0 - 1 would wrap to 255 in uint8
        xi = xi.astype(np.int8) if xi.max(initial=0) <= 1 else xi.astype(np.float64)
    if units == "binary" and np.all((xi == 0) | (xi == 1)):
        xi = 2 * xi - 1
    if not np.all((xi == 1) | (xi == -1)):
        allowed = "+1/-1 (or 0/1 for binary units)" if units == "binary" else "+1/-1"
        raise ParameterError(f"{name} must contain only {allowed}")
    return frozen(xi, dtype=np.int8)


def check_states(name: str, x, n: int, low: int, units: str, model: str):
    """States as a (B, N) int8 array (and the batch shape), after checking their values."""
    x = np.asarray(x)
    if x.ndim < 1 or x.shape[-1] != n:
        raise ParameterError(f"{name} must have shape (..., {n}) ({model} has {n} units), "
                             f"got shape {x.shape}")
    if x.dtype.kind not in "biuf":
        raise ParameterError(f"{name} must be real numbers, got dtype {x.dtype}")
    flat = x.reshape(-1, n)
    s = flat.astype(np.int8)
    if not np.array_equal(s, flat) or not np.all((s == 1) | (s == low)):
        allowed = "+1/-1" if units == "spin" else "0/1"
        raise ParameterError(f"{name} must contain only {allowed} ({units} units)")
    return s, x.shape[:-1]


def initialise(net) -> None:
    """Validate a new network's fields and set them, and its derived arrays, read-only."""
    setattr_ = object.__setattr__.__get__(net)
    units = check_choice("units", net.units, _UNITS)
    dynamics = check_choice("dynamics", net.dynamics, _DYNAMICS)
    setattr_("units", units)
    setattr_("dynamics", dynamics)
    if not isinstance(net.symmetric, (bool, np.bool_)):
        raise ParameterError(f"symmetric must be True or False, got {describe(net.symmetric)}")
    setattr_("symmetric", bool(net.symmetric))
    weights, bound = check_weights(net.weights, net.symmetric)
    n = weights.shape[0]
    integer = weights.dtype.kind == "i"
    scale = 1.0
    if net.weight_scale is not None:
        if not integer:
            raise ParameterError(
                f"weight_scale applies to integer weights (W = weight_scale * J); got it "
                f"({net.weight_scale!r}) with {weights.dtype} weights: scale them instead")
        scale = check_positive("weight_scale", net.weight_scale)
        setattr_("weight_scale", scale)
    theta = np.zeros(n)
    if net.thresholds is not None:
        theta = check_finite_array("thresholds", net.thresholds)
        if theta.dtype.kind not in "biuf":
            raise ParameterError(f"thresholds must be real numbers, got dtype {theta.dtype}")
        theta = frozen(theta, dtype=np.float64)
        if theta.shape != (n,):
            raise ParameterError(f"thresholds must have shape ({n},) to match {n} units, "
                                 f"got shape {theta.shape}")
        setattr_("thresholds", theta)
    setattr_("order", check_order(net.order, n))
    temperature = check_positive("temperature", net.temperature, allow_zero=True)
    if temperature and dynamics != "glauber":
        raise ParameterError(f"temperature={temperature!r} needs dynamics='glauber' "
                             f"(got dynamics={dynamics!r}, which is deterministic)")
    setattr_("temperature", temperature)
    if not isinstance(net.keep_diagonal, (bool, np.bool_)):
        raise ParameterError(
            f"keep_diagonal must be True or False, got {describe(net.keep_diagonal)}")
    k = check_integer("steps_per_sweep", net.steps_per_sweep, minimum=1)
    if k > n:
        raise ParameterError(f"steps_per_sweep must be at most n_units = {n} (one unit "
                             f"update per step), got {k}")
    if k > 1 and dynamics == "sync":
        raise ParameterError("steps_per_sweep > 1 splits an asynchronous sweep; synchronous "
                             f"dynamics update all units at once (got steps_per_sweep={k})")
    setattr_("steps_per_sweep", k)
    if net.patterns is not None:
        setattr_("patterns", check_patterns(net.patterns, n, units))
    labels = check_labels(net, net.pattern_labels)
    setattr_("pattern_labels", labels)
    # Names on the pattern coordinate: the given labels, else the letters of glyph patterns.
    if labels is None and net.patterns is not None:
        labels = glyph_labels_of(net.patterns)
    setattr_("_pattern_names", labels)
    if not net.keep_diagonal and np.diagonal(weights).any():
        weights = np.array(weights, order="C")  # a copy, so the caller's array is untouched
        np.fill_diagonal(weights, 0)
        weights = adopt(weights)
    else:
        weights = frozen(weights)
    setattr_("weights", weights)
    # The matrix whose row i is column i of C: what a change of unit i adds to the fields
    # (the kernels' contiguous rows), and M in h = s M.  C itself when C is symmetric.
    setattr_("_columns", weights if net.symmetric else frozen(weights.T))
    # Coupling units: W = scale * C; thresholds and temperature divided by scale.  For
    # integer couplings, thresholds within round-off of an integer in coupling units
    # are taken as that integer, so ties (zero fields) are decided as written.
    theta_c = theta / scale
    if integer:
        nearest = np.rint(theta_c)
        theta_c = np.where(np.abs(theta_c - nearest) <= 4 * np.spacing(np.abs(nearest)),
                           nearest, theta_c)
    setattr_("_scale", scale)
    setattr_("_bound", bound)
    setattr_("_diag", frozen(np.diagonal(weights), dtype=np.float64))
    setattr_("_theta_c", frozen(theta_c, dtype=np.float64))
    setattr_("_low", -1 if units == "spin" else 0)
    setattr_("_gain", 2.0 if units == "spin" else 1.0)
    copy = None  # integer couplings in the dtype of BLAS products, when small enough
    if integer:
        dtype = np.dtype(np.float32 if bound * n < 2**24 else np.float64)
        if n * n * dtype.itemsize <= _COPY_BYTES:
            copy = adopt(net._columns.astype(dtype))
    setattr_("_float_weights", copy)


def check_labels(net, labels):
    """Pattern labels as a tuple of distinct strings, one per stored pattern."""
    if labels is None:
        return None
    if net.patterns is None:
        raise ParameterError("pattern_labels name the stored patterns; give patterns too")
    if isinstance(labels, str):
        labels = list(labels)
    labels = tuple(str(label) for label in labels)
    if len(labels) != net.patterns.shape[0] or len(set(labels)) != len(labels):
        raise ParameterError(f"pattern_labels must be {net.patterns.shape[0]} distinct "
                             f"names, one per pattern, got {describe(list(labels))}")
    return labels


#: Units of the bundled glyph patterns (attractors.patterns.GLYPH_SHAPE).
_GLYPH_UNITS = 100


def glyph_labels_of(xi) -> tuple[str, ...] | None:
    """The glyph letters of (P, N) spin patterns when the rows are distinct bundled glyphs,
    else None."""
    if xi.shape[1] != _GLYPH_UNITS:
        return None
    from .. import patterns

    table = patterns.glyphs()
    labels = patterns.glyph_labels()
    match = (xi.astype(np.int8) @ table.astype(np.int8).T.astype(np.int32)) == _GLYPH_UNITS
    if not np.all(match.any(axis=1)):
        return None
    names = tuple(labels[int(np.argmax(row))] for row in match)
    return names if len(set(names)) == len(names) else None
