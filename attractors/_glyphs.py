r"""The bundled glyph images (letters and digits as patterns) and the unit-convention checks.

Re-exported by :mod:`attractors.patterns` (:data:`~attractors.patterns.GLYPH_SHAPE`,
:func:`~attractors.patterns.glyphs`, :func:`~attractors.patterns.glyph_labels`),
which also uses :func:`check_units` and :func:`check_dtype`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._validate import ParameterError, check_choice, describe

__all__ = ["GLYPH_SHAPE", "glyph_labels", "glyphs"]

#: Shape ``(rows, columns)`` of the bundled glyph images.
GLYPH_SHAPE = (10, 10)

_UNITS = ("spin", "binary")


def check_units(units) -> tuple[str, float]:
    """The validated unit convention and the value of an inactive unit (-1 or 0)."""
    units = check_choice("units", units, _UNITS)
    return units, (-1.0 if units == "spin" else 0.0)


def check_dtype(dtype, units: str) -> np.dtype:
    """A real dtype that holds the unit values exactly: no unsigned type for spins (-1 would
    wrap to 255), no complex, no bool for spins."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise ParameterError(f"dtype must be a numpy dtype, got {describe(dtype)}") from None
    if dtype.kind not in "biuf" or (units == "spin" and dtype.kind in "bu"):
        allowed = ("a signed integer or float dtype" if units == "spin"
                   else "an integer, float or bool dtype")
        raise ParameterError(f"dtype must be {allowed} for units={units!r} (values "
                             f"{'-1 and +1' if units == 'spin' else '0 and 1'}), got {dtype}")
    return dtype



@lru_cache(maxsize=1)
def _glyph_table() -> dict[str, np.ndarray]:
    from importlib import resources  # pathlib, tempfile, ...: ~10 ms, paid on first use only

    text = resources.files("attractors").joinpath("data/glyphs_10x10.txt").read_text("utf-8")
    table, label, rows = {}, None, []
    for line in text.splitlines():
        # Comments ("# ...") come only before the first glyph: rows may start with '#'.
        if not line.strip() or (label is None and line.startswith("#")):
            continue
        if line.startswith("="):
            label, rows = line[1:].strip(), []
            continue
        rows.append([char == "#" for char in line.strip()])
        if len(rows) == GLYPH_SHAPE[0]:
            table[label] = np.array(rows, dtype=bool)
    return table


def glyph_labels() -> str:
    """The labels of the bundled glyphs, in order: ``"ABC...Z0123456789"``.

    Examples
    --------
    >>> from attractors.patterns import glyph_labels
    >>> glyph_labels()
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
    """
    return "".join(_glyph_table())


def glyphs(labels=None, *, units="spin", dtype=np.float64) -> np.ndarray:
    r"""Small binary images of letters and digits, bundled with the package, as patterns.

    The 36 glyphs ``A``-``Z`` and ``0``-``9`` are 10 x 10 pixel images drawn
    for this package (no download), flattened row by row into patterns of
    :math:`N = 100` units: an active pixel is +1 (or 1 for ``units="binary"``).
    Unlike random patterns they are strongly correlated (about 45 % of pixels
    are active and the letters share strokes), which is what makes storing
    many of them hard.  Reshape a state with ``state.reshape(GLYPH_SHAPE)`` to
    see it.

    Parameters
    ----------
    labels : str or sequence of str, optional
        The glyphs to return, for example ``"HOPFIELD"`` or ``["A", "7"]``
        (default: all, in :func:`glyph_labels` order).
    units : {"spin", "binary"}
        Values :math:`\{-1, +1\}` or :math:`\{0, 1\}`.
    dtype : numpy dtype
        Dtype of the result (float64 by default).

    Returns
    -------
    ndarray, shape (len(labels), 100)

    Examples
    --------
    >>> from attractors.patterns import GLYPH_SHAPE, glyphs
    >>> letter = glyphs("T").reshape(GLYPH_SHAPE)
    >>> print("\n".join("".join("#" if v > 0 else "." for v in row) for row in letter[:3]))
    ##########
    ##########
    ....##....
    """
    units, low = check_units(units)
    dtype = check_dtype(dtype, units)
    table = _glyph_table()
    labels = list(table) if labels is None else labels
    if isinstance(labels, str):
        labels = list(labels)
    unknown = [label for label in labels if label not in table]
    if unknown:
        raise ParameterError(
            f"labels must be glyphs among {''.join(table)!r}, got unknown {unknown}"
        )
    stack = np.array([table[label].ravel() for label in labels], dtype=bool)
    return np.where(stack.reshape(len(labels), -1), 1.0, low).astype(dtype)
