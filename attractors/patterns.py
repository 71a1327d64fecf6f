r"""Patterns to store and cues to recall them from: random, correlated and image patterns.

Patterns are arrays of shape ``(n_patterns, n_units)`` with values in
:math:`\{-1, +1\}` (``units="spin"``, the default) or :math:`\{0, 1\}`
(``units="binary"``, Hopfield 1982), ready for :mod:`attractors.learning`.
Cues are made from patterns by flipping an exact number of bits
(:func:`flip`) or by hiding part of them (:func:`mask`), and
:func:`overlap` measures how close states are to every pattern,

.. math:: m^\mu = \frac{1}{N} \sum_{i=1}^N \xi_i^\mu s_i .

Every random function takes ``rng`` (a :class:`numpy.random.Generator` or an
integer seed) or ``seed``: the same seed gives the same patterns, bit for bit.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._allocation import check_allocation
from ._glyphs import GLYPH_SHAPE, glyph_labels, glyphs
from ._glyphs import check_dtype as _check_dtype
from ._glyphs import check_units as _check_units
from ._simulate import _resolve_rng
from ._validate import ParameterError, check_choice, check_finite_array, check_integer, describe

__all__ = [
    "GLYPH_SHAPE",
    "correlated_patterns",
    "flip",
    "glyph_labels",
    "glyphs",
    "mask",
    "overlap",
    "random_patterns",
]

def _check_fraction(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ParameterError(f"{name} must be a number in [0, 1], got {describe(value)}")
    return float(value)


def _check_patterns(name: str, patterns, units: str, *, min_ndim: int = 1) -> np.ndarray:
    """An array whose entries all belong to the unit convention, with the units on the last axis."""
    array = check_finite_array(name, patterns)
    if array.ndim < min_ndim or array.shape[-1] == 0:
        raise ParameterError(
            f"{name} must have at least {min_ndim} dimension(s) and units on the last axis, "
            f"got shape {array.shape}"
        )
    low = -1 if units == "spin" else 0
    if array.dtype == np.bool_:
        if units == "spin":
            raise ParameterError(f"{name} is boolean, but units='spin' needs values -1 and +1")
        return array
    bad = (array != low) & (array != 1)
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ParameterError(
            f"{name} must contain only {low} and 1 for units={units!r}, "
            f"but {name}{list(where)} = {array[where]!r}"
        )
    return array


def random_patterns(n_patterns, n_units, *, activity=0.5, exact_activity=False, units="spin",
                    dtype=np.float64, rng=None, seed=None) -> np.ndarray:
    r"""Independent random patterns with a given fraction of active units.

    Each unit of each pattern is active (+1, or 1 for 0/1 units) with
    probability :math:`f` (the ``activity`` or coding level) and inactive
    otherwise, independently.  For spins the mean :math:`a = \langle \xi
    \rangle = 2f - 1` is the bias of Amit, Gutfreund & Sompolinsky (1987);
    :math:`f = 1/2` gives the unbiased patterns of the standard capacity
    results.  With ``exact_activity=True`` every pattern has exactly
    :math:`\mathrm{round}(f N)` active units, at random positions.

    Parameters
    ----------
    n_patterns : int
        Number of patterns :math:`P` (>= 0).
    n_units : int
        Number of units :math:`N` (>= 1).
    activity : float in [0, 1]
        Probability :math:`f` that a unit is active (default 1/2).
    exact_activity : bool
        Fix the number of active units per pattern instead of drawing it.
    units : {"spin", "binary"}
        Values :math:`\{-1, +1\}` or :math:`\{0, 1\}`.
    dtype : numpy dtype
        Dtype of the result (float64 by default; a signed integer or float32
        dtype stores the same values exactly; unsigned and bool dtypes only for
        ``units="binary"``, since they cannot hold -1).

    Raises
    ------
    ParameterError
        For a dtype that cannot hold the values, or patterns larger than the
        memory available (refused before anything is allocated).
    rng : numpy.random.Generator or int, optional
        Random generator or seed.
    seed : int, optional
        Seed (give ``rng`` or ``seed``, not both).

    Returns
    -------
    ndarray, shape (n_patterns, n_units)

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Information storage in
    neural networks with low levels of activity. Phys. Rev. A 35, 2293.

    Examples
    --------
    >>> from attractors.patterns import random_patterns
    >>> xi = random_patterns(3, 8, seed=0)
    >>> xi.shape, sorted(set(xi.ravel().tolist()))
    ((3, 8), [-1.0, 1.0])
    >>> random_patterns(2, 10, activity=0.3, exact_activity=True, units="binary",
    ...                 seed=1).sum(axis=1).tolist()
    [3.0, 3.0]
    """
    n_patterns = check_integer("n_patterns", n_patterns, minimum=0)
    n_units = check_integer("n_units", n_units, minimum=1)
    activity = _check_fraction("activity", activity)
    units, low = _check_units(units)
    dtype = _check_dtype(dtype, units)
    shape = (n_patterns, n_units)
    # The uniform draws (float64) are the largest array made.
    check_allocation("n_patterns", n_patterns, shape, np.float64,
                     f"{n_patterns:,} random patterns of {n_units:,} units")
    rng, _ = _resolve_rng(rng, seed)
    if exact_activity:
        n_active = int(round(activity * n_units))
        ranks = np.argsort(rng.random(shape), axis=-1, kind="stable")
        active = np.zeros(shape, dtype=bool)
        np.put_along_axis(active, ranks[:, :n_active], True, axis=-1)
    else:
        active = rng.random(shape) < activity
    return np.where(active, 1.0, low).astype(dtype)


def correlated_patterns(parents, n_children, overlap, *, exact=False, units="spin",
                        rng=None, seed=None) -> np.ndarray:
    r"""Patterns correlated through common parents (a two-level hierarchy).

    Each child :math:`\xi^{q\nu}` of parent :math:`\zeta^q` copies every bit of
    its parent with probability :math:`(1 + c)/2` and takes the opposite value
    otherwise, independently, so that (for spins)

    .. math::

        \langle \xi_i^{q\nu} \zeta_i^q \rangle = c, \qquad
        \langle \xi_i^{q\nu} \xi_i^{q\nu'} \rangle = c^2 \quad (\nu \ne \nu'),

    the hierarchically correlated patterns of Parga & Virasoro (1986) and
    Gutfreund (1988).  With ``exact=True`` exactly
    :math:`\mathrm{round}((1-c)N/2)` bits are flipped, so each child's overlap
    with its parent is exactly :math:`c` (up to that rounding).  For 0/1 units
    the overlaps are those of the spins :math:`2\xi - 1`.

    Parameters
    ----------
    parents : array_like, shape (n_parents, n_units)
        Parent patterns (for example from :func:`random_patterns`).
    n_children : int
        Children per parent (>= 1).
    overlap : float in [-1, 1]
        Overlap :math:`c` of each child with its parent.
    exact : bool
        Flip an exact number of bits per child instead of drawing each bit.
    units : {"spin", "binary"}
        Unit convention of ``parents`` and of the result.
    rng, seed
        Random generator or seed, as in :func:`random_patterns`.

    Returns
    -------
    ndarray, shape (n_parents * n_children, n_units)
        Children in parent-major order: rows ``q * n_children`` to
        ``(q + 1) * n_children - 1`` descend from parent ``q``.  Same dtype as
        ``parents``.

    References
    ----------
    Parga, N. & Virasoro, M. A. (1986). The ultrametric organization of
    memories in a neural network. J. Physique 47, 1857-1864.

    Gutfreund, H. (1988). Neural networks with hierarchically correlated
    patterns. Phys. Rev. A 37, 570-577.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.patterns import correlated_patterns, overlap, random_patterns
    >>> parent = random_patterns(1, 1000, seed=0)
    >>> children = correlated_patterns(parent, 3, 0.6, exact=True, seed=1)
    >>> overlap(children, parent).ravel().tolist()
    [0.6, 0.6, 0.6]
    """
    units, _ = _check_units(units)
    parents = _check_patterns("parents", parents, units, min_ndim=2)
    if parents.ndim != 2:
        raise ParameterError(
            f"parents must have shape (n_parents, n_units), got shape {parents.shape}"
        )
    n_children = check_integer("n_children", n_children, minimum=1)
    if isinstance(overlap, bool) or not isinstance(overlap, numbers.Real) or not -1 <= overlap <= 1:
        raise ParameterError(f"overlap must be a number in [-1, 1], got {describe(overlap)}")
    check_allocation("n_children", n_children, (parents.shape[0] * n_children, parents.shape[1]),
                     np.float64, "the children and their random draws")
    rng, _ = _resolve_rng(rng, seed)
    children = np.repeat(parents, n_children, axis=0)
    return flip(children, (1 - float(overlap)) / 2, exact=exact, units=units, rng=rng)


def _choose_exact(rng, shape, count) -> np.ndarray:
    """A boolean array with exactly ``count`` True entries along the last axis, uniformly placed."""
    chosen = np.zeros(shape, dtype=bool)
    if count:
        ranks = np.argsort(rng.random(shape), axis=-1, kind="stable")
        np.put_along_axis(chosen, ranks[..., :count], True, axis=-1)
    return chosen


def flip(patterns, fraction, *, exact=True, units="spin", rng=None, seed=None) -> np.ndarray:
    r"""Noisy cues: flip a fraction of the bits of each pattern.

    With ``exact=True`` (default) exactly :math:`k = \mathrm{round}(\rho N)`
    bits of every pattern are flipped, at positions drawn uniformly without
    replacement, so a spin cue has overlap exactly :math:`1 - 2k/N` with its
    pattern.  With ``exact=False`` each bit flips independently with
    probability :math:`\rho`.  A spin :math:`s` becomes :math:`-s`; a 0/1
    unit :math:`s` becomes :math:`1 - s`.

    Parameters
    ----------
    patterns : array_like, shape (..., n_units)
        Patterns (any leading dimensions; use ``np.repeat`` for several cues
        per pattern).
    fraction : float in [0, 1]
        Fraction :math:`\rho` of bits to flip.
    exact : bool
        Flip an exact number of bits (default) or each bit independently.
    units : {"spin", "binary"}
        Unit convention of ``patterns``.
    rng, seed
        Random generator or seed, as in :func:`random_patterns`.

    Returns
    -------
    ndarray, same shape and dtype as ``patterns``

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.patterns import flip, overlap, random_patterns
    >>> xi = random_patterns(2, 100, seed=0)
    >>> cues = flip(np.repeat(xi, 3, axis=0), 0.1, seed=1)
    >>> np.diag(overlap(cues, xi)[::3]).tolist()
    [0.8, 0.8]
    """
    units, _ = _check_units(units)
    patterns = _check_patterns("patterns", patterns, units)
    fraction = _check_fraction("fraction", fraction)
    rng, _ = _resolve_rng(rng, seed)
    if exact:
        flipped = _choose_exact(rng, patterns.shape, int(round(fraction * patterns.shape[-1])))
    else:
        flipped = rng.random(patterns.shape) < fraction
    if patterns.dtype == np.bool_:
        return patterns ^ flipped
    opposite = -patterns if units == "spin" else 1 - patterns
    return np.where(flipped, opposite, patterns).astype(patterns.dtype, copy=False)


def mask(patterns, hidden, *, fill="random", units="spin", rng=None, seed=None) -> np.ndarray:
    r"""Partial cues: hide part of each pattern.

    The hidden units are replaced by ``fill``: fresh random values
    (``"random"``, each value with probability 1/2, so the hidden part carries
    no information about the pattern) or a constant (``-1``/``+1`` for spins,
    ``0``/``1`` for 0/1 units, e.g. a blank region of an image).

    Parameters
    ----------
    patterns : array_like, shape (..., n_units)
        Patterns.
    hidden : float in [0, 1], or array_like of bool broadcastable to ``patterns``
        A fraction :math:`\rho` (exactly :math:`\mathrm{round}(\rho N)` units per
        pattern, at random positions), or a boolean mask (True = hidden), for
        example the lower half of an image.
    fill : "random" or number
        What the hidden units become.
    units : {"spin", "binary"}
        Unit convention of ``patterns``.
    rng, seed
        Random generator or seed, as in :func:`random_patterns`.

    Returns
    -------
    ndarray, same shape and dtype as ``patterns``

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.patterns import mask
    >>> mask(np.ones((1, 6)), np.arange(6) >= 4, fill=-1).tolist()
    [[1.0, 1.0, 1.0, 1.0, -1.0, -1.0]]
    """
    units, low = _check_units(units)
    patterns = _check_patterns("patterns", patterns, units)
    if isinstance(fill, str):
        check_choice("fill", fill, ["random"])
    elif isinstance(fill, bool) or not isinstance(fill, numbers.Real) or fill not in (low, 1):
        raise ParameterError(
            f"fill must be 'random', {low:g} or 1 for units={units!r}, got {describe(fill)}"
        )
    rng, _ = _resolve_rng(rng, seed)
    if isinstance(hidden, numbers.Real) and not isinstance(hidden, bool):
        hidden = _choose_exact(rng, patterns.shape,
                               int(round(_check_fraction("hidden", hidden) * patterns.shape[-1])))
    else:
        hidden = np.asarray(hidden)
        if hidden.dtype != np.bool_:
            raise ParameterError(
                f"hidden must be a fraction in [0, 1] or a boolean mask, got {describe(hidden)}"
            )
        try:
            hidden = np.broadcast_to(hidden, patterns.shape)
        except ValueError:
            raise ParameterError(
                f"hidden has shape {hidden.shape}, which does not broadcast to the patterns' "
                f"shape {patterns.shape}"
            ) from None
    if isinstance(fill, str):
        values = np.where(rng.random(patterns.shape) < 0.5, 1, low)
    else:
        values = fill
    return np.where(hidden, values, patterns).astype(patterns.dtype, copy=False)


def overlap(states, patterns, *, units="spin"):
    r"""Overlaps of states with every pattern, over ``(..., pattern)``.

    .. math:: m^\mu = \frac{1}{N} \sum_{i=1}^N \xi_i^\mu s_i

    (Amit, Gutfreund & Sompolinsky 1985).  :math:`m^\mu = 1` when the state is
    pattern :math:`\mu`, :math:`-1` at its reversal and :math:`O(1/\sqrt N)`
    for an unrelated state.  For 0/1 units both states and patterns are first
    mapped to spins, :math:`s \mapsto 2s - 1`, so the same values mean the same
    thing.  States need not be binary (continuous rates in :math:`[-1, 1]` or
    :math:`[0, 1]` give the usual graded overlap).

    Parameters
    ----------
    states : array_like, shape (..., n_units), or xarray.DataArray with a ``unit`` dim
        States, for example a trajectory's ``state`` variable.
    patterns : array_like, shape (n_patterns, n_units)
        Patterns.
    units : {"spin", "binary"}
        Unit convention.

    Returns
    -------
    ndarray, shape (..., n_patterns), or xarray.DataArray
        A DataArray (the ``unit`` dim replaced by ``pattern``) when ``states`` is one.

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1985). Storing infinite
    numbers of patterns in a spin-glass model of neural networks. Phys. Rev.
    Lett. 55, 1530-1533.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.patterns import overlap
    >>> xi = np.array([[1, 1, -1, -1], [1, -1, 1, -1]])
    >>> overlap(np.array([1, 1, -1, 1]), xi).tolist()
    [0.5, -0.5]
    """
    units, _ = _check_units(units)
    patterns = _check_patterns("patterns", patterns, units, min_ndim=2).astype(np.float64)
    if patterns.ndim != 2:
        raise ParameterError(
            f"patterns must have shape (n_patterns, n_units), got shape {patterns.shape}"
        )
    if units == "binary":
        patterns = 2 * patterns - 1
    n_units = patterns.shape[1]
    if type(states).__name__ == "DataArray" and "unit" in getattr(states, "dims", ()):
        import xarray as xr

        if states.sizes["unit"] != n_units:
            raise ParameterError(
                f"states have {states.sizes['unit']} units but patterns have {n_units}"
            )
        spins = 2 * states - 1 if units == "binary" else states
        xi = xr.DataArray(patterns, dims=("pattern", "unit"),
                          coords={"pattern": np.arange(patterns.shape[0])})
        result = xr.dot(spins.astype(np.float64), xi, dim="unit") / n_units
        return result.rename("overlap")
    states = check_finite_array("states", states).astype(np.float64, copy=False)
    if states.ndim < 1 or states.shape[-1] != n_units:
        raise ParameterError(
            f"states must have shape (..., {n_units}) to match the patterns, "
            f"got shape {states.shape}"
        )
    if units == "binary":
        states = 2 * states - 1
    return states @ patterns.T / n_units
