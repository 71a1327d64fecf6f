r"""Basin fractions against a parameter: the result of :func:`attractors.analysis.global_continuation`.

The fractions :math:`f_a(p)` of all attractors (and of the starts that did not
converge or were not recognised) are stacked, so the bands fill [0, 1] at
every parameter value (Attractors.jl's ``plot_basins_curves``).  The colour of
a band is fixed by its attractor id, not by its position in the stack, so an
attractor keeps its colour in every figure of the same result.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, describe
from ._common import _label, _new_axes

__all__ = ["plot_basin_fractions"]

_SPECIAL_COLOURS = {-1: "0.55", -2: "0.8"}


def _colour(attractor: int, cmap):
    if attractor in _SPECIAL_COLOURS:
        return _SPECIAL_COLOURS[attractor]
    return cmap(attractor % cmap.N)


def plot_basin_fractions(result, ax=None, *, labels=None, colors=None, separators=True,
                         legend=True, cmap="tab10"):
    r"""Stacked basin fractions :math:`f_a(p)` against the parameter, one band per attractor.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`attractors.analysis.global_continuation`.
    ax : matplotlib Axes, optional
    labels : mapping, optional
        Legend label per attractor id (default: the result's ``name``); an id
        mapped to ``None`` is drawn without a legend entry.
    colors : mapping, optional
        Colour per attractor id (default: the colour map's entry ``id mod N``;
        grey for -1 "not converged" and light grey for -2 "unrecognised").
    separators : bool
        Thin lines between the bands.
    legend : bool
    cmap : str or Colormap
        A qualitative colour map for the ids.

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    G. Datseris, K. L. Rossi and A. Wagemakers, Chaos 33, 073151 (2023).

    Examples
    --------
    >>> import dataclasses, numpy as np, attractors
    >>> from attractors.analysis import global_continuation
    >>> @dataclasses.dataclass(frozen=True)
    ... class Unit(attractors.ContinuousSystem):
    ...     h: float = 0.0
    ...     n_units = 1
    ...     def vector_field(self, t, x, inputs=None):
    ...         return self.h - x + 2 * np.tanh(x)
    >>> result = global_continuation(Unit(), "h", np.linspace(0, -1, 6),
    ...                              np.linspace(-3, 3, 20)[:, None], t_span=60, dt=0.05)
    >>> ax = plot_basin_fractions(result, labels={0: "lower", 1: "upper"})
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['lower', 'upper']
    """
    import matplotlib

    if not (hasattr(result, "data_vars") and "fraction" in result.data_vars
            and "attractor" in result.dims and "parameter" in result.attrs):
        raise ParameterError("result must be a Dataset from "
                             f"attractors.analysis.global_continuation, got {describe(result)}")
    for name, mapping in (("labels", labels), ("colors", colors)):
        if mapping is not None and not hasattr(mapping, "get"):
            raise ParameterError(f"{name} must be a mapping from attractor id, got "
                                 f"{describe(mapping)}")
    ax = _new_axes(ax)
    cmap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    dim = result.attrs["parameter"]
    x = result[dim].values
    order = np.argsort(x)
    fractions = result.fraction.transpose(dim, "attractor").values[order]
    ids = [int(a) for a in result.attractor.values]
    names = result["name"].values if "name" in result.coords else [str(a) for a in ids]
    # Attractors first (by id), then "not converged" and "unrecognised" on top.
    stack = sorted(range(len(ids)), key=lambda j: (ids[j] < 0, abs(ids[j])))
    bottom = np.zeros(x.size)
    for j in stack:
        a = ids[j]
        top = bottom + fractions[:, j]
        label = (labels or {}).get(a, str(names[j]))
        colour = (colors or {}).get(a) or _colour(a, cmap)
        ax.fill_between(x[order], bottom, top, color=colour, linewidth=0,
                        label="_nolegend_" if label is None else label)
        if separators:
            ax.plot(x[order], top, color="white", linewidth=0.6)
        bottom = top
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(0, 1)
    ax.set_xlabel(_label(result[dim], dim))
    ax.set_ylabel("basin fraction")
    if legend:
        handles, texts = ax.get_legend_handles_labels()
        if handles:
            ax.legend(handles, texts, loc="best", fontsize="small")
    return ax
