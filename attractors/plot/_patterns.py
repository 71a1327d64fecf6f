r"""Patterns and states as pictures: :func:`plot_patterns` and the two-colour map :func:`spin_cmap`.

A Hopfield pattern or state of :math:`N = h \times w` units is drawn as an
:math:`h \times w` image (the glyphs of :func:`attractors.patterns.glyphs` are
10 x 10), one panel per pattern, the way neurodynex3's ``plot_pattern_list``
shows them.  Two-valued states (:math:`\pm 1`, or 0/1) get the two colours of
:func:`spin_cmap`, so "on" and "off" never depend on a colour scale.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import ParameterError, describe

__all__ = ["plot_patterns", "spin_cmap"]

#: The colours of "off" (-1 or 0) and "on" (+1) units: paper and ink.
SPIN_COLOURS = ("#f4f1ea", "#1f3b73")


def spin_cmap():
    r"""The two-colour map for :math:`\pm 1` (or 0/1) states: "off" paper, "on" dark blue.

    A :class:`matplotlib.colors.ListedColormap` of two colours: with
    ``vmin=-1, vmax=1`` (or ``0, 1``) every value below the middle is "off"
    and every value above it "on".

    Returns
    -------
    matplotlib.colors.ListedColormap

    Examples
    --------
    >>> import attractors
    >>> cmap = attractors.plot.spin_cmap()
    >>> cmap.N, cmap.name
    (2, 'attractors_spin')
    """
    from matplotlib.colors import ListedColormap

    return ListedColormap(list(SPIN_COLOURS), name="attractors_spin")


def _as_panels(patterns, labels):
    """(panels as an (n, N) float array, titles) from an array, DataArray or trajectory."""
    if hasattr(patterns, "data_vars"):  # a trajectory: its last recorded state, one panel per trial
        if "state" not in patterns:
            raise ParameterError(
                f"patterns: the Dataset has no 'state' variable; it has {sorted(patterns.data_vars)}"
            )
        patterns = patterns["state"].isel(time=-1) if "time" in patterns.dims else patterns["state"]
    if hasattr(patterns, "dims"):  # a DataArray: panels along its non-unit dim, titled by its labels
        other = [dim for dim in patterns.dims if dim != "unit"]
        if len(other) > 1 or "unit" not in patterns.dims:
            raise ParameterError(
                "patterns must have dims (unit,) or (<panel>, unit), e.g. ('pattern', 'unit'), "
                f"got dims {patterns.dims}"
            )
        if other and labels is None:
            labels = [str(value) for value in patterns[other[0]].values]
        patterns = patterns.transpose(*other, "unit").values
    try:
        array = np.asarray(patterns, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(
            f"patterns must be a numeric array of shape (n_patterns, n_units), got "
            f"{describe(patterns)}"
        ) from None
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.size == 0:
        raise ParameterError(
            f"patterns must have shape (n_units,) or (n_patterns, n_units), got shape {array.shape}"
        )
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != array.shape[0]:
            raise ParameterError(
                f"labels must give one title per pattern ({array.shape[0]}), got {len(labels)}"
            )
    return array, labels


def _image_shape(n_units: int, shape) -> tuple[int, int]:
    if shape is None:
        side = math.isqrt(n_units)
        if side * side != n_units:
            raise ParameterError(
                f"shape must be given for {n_units} units (not a square number): a pair "
                "(height, width) with height * width == n_units"
            )
        return side, side
    try:
        height, width = (int(value) for value in shape)
    except (TypeError, ValueError):
        raise ParameterError(f"shape must be a pair (height, width), got {shape!r}") from None
    if height * width != n_units or height < 1:
        raise ParameterError(
            f"shape={shape!r} holds {height * width} units, but the patterns have {n_units}"
        )
    return height, width


def plot_patterns(patterns, *, shape=None, labels=None, n_columns: int | None = None,
                  cmap=None, axes=None, panel_size: float = 1.4):
    r"""Draw patterns or states as a grid of images, one panel per pattern.

    Each row of ``patterns`` (:math:`N = h \times w` units) is reshaped to
    ``shape`` and drawn with :func:`~matplotlib.axes.Axes.imshow`.  Two-valued
    patterns (:math:`\pm 1` or 0/1, as stored in a Hopfield network) use
    :func:`spin_cmap`; graded states use a diverging map centred on zero.

    Parameters
    ----------
    patterns : array_like, xarray.DataArray or xarray.Dataset
        An array of shape ``(n_patterns, n_units)`` (or one pattern of
        ``(n_units,)``); a DataArray with dims ``(<panel>, unit)`` (titles from
        the panel coordinate, e.g. the glyph labels of a ``pattern``
        coordinate); or a trajectory from :func:`attractors.simulate`, whose
        last recorded state is drawn, one panel per trial.
    shape : (int, int), optional
        (height, width) of each image; default square (:math:`\sqrt N`).
    labels : sequence of str, optional
        One title per panel.
    n_columns : int, optional
        Panels per row; default up to 10.
    cmap : str or Colormap, optional
        Default :func:`spin_cmap` for two-valued patterns, ``"RdBu_r"`` otherwise.
    axes : array of matplotlib.axes.Axes, optional
        Axes to draw on (at least one per pattern); default a new figure.
    panel_size : float
        Width of one panel in inches, for a new figure.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        One axes per pattern, in order (spare axes of the grid are hidden).

    Examples
    --------
    >>> import attractors
    >>> from attractors.patterns import glyphs
    >>> axes = attractors.plot.plot_patterns(glyphs("ABC"), labels="ABC")
    >>> len(axes), axes[1].get_title(), axes[0].images[0].get_array().shape
    (3, 'B', (10, 10))
    """
    import matplotlib.pyplot as plt

    array, labels = _as_panels(patterns, labels)
    n_panels, n_units = array.shape
    height, width = _image_shape(n_units, shape)
    finite = array[np.isfinite(array)]
    values = np.unique(finite)
    two_valued = values.size <= 2 and set(values.tolist()) <= {-1.0, 0.0, 1.0}
    if two_valued:
        low = 0.0 if values.min(initial=0.0) >= 0 else -1.0
        limits, default_cmap = (low, 1.0), spin_cmap()
    else:
        bound = float(np.max(np.abs(finite))) if finite.size else 1.0
        limits, default_cmap = (-bound, bound), "RdBu_r"
    if axes is None:
        columns = n_columns or min(n_panels, 10)
        if not (isinstance(columns, (int, np.integer)) and columns >= 1):
            raise ParameterError(f"n_columns must be a positive integer, got {n_columns!r}")
        rows = -(-n_panels // columns)
        figure, grid = plt.subplots(
            rows, columns, squeeze=False, layout="constrained",
            figsize=(panel_size * columns, panel_size * rows * height / width + 0.3 * rows))
        for spare in grid.ravel()[n_panels:]:
            spare.set_visible(False)
        axes = grid.ravel()[:n_panels]
    else:
        axes = np.ravel(np.asarray(axes, dtype=object))
        if axes.size < n_panels:
            raise ParameterError(
                f"axes must hold at least one axes per pattern ({n_panels}), got {axes.size}"
            )
        axes = axes[:n_panels]
    for index, ax in enumerate(axes):
        ax.imshow(array[index].reshape(height, width), cmap=cmap or default_cmap,
                  vmin=limits[0], vmax=limits[1], interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if labels is not None:
            ax.set_title(labels[index], fontsize="small")
    return axes
