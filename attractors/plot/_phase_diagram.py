r"""Phase diagrams: the regions of a parameter plane where each attractor type exists.

Draws the result of :func:`attractors.analysis.phase_diagram`: every grid cell
is coloured by the attractor types found there, mixed in proportion to their
basin fractions, and cells where two or more types coexist (multistability)
are hatched.  Analytic boundary curves (for example the Amit-Gutfreund-
Sompolinsky lines of :func:`attractors.analysis.ags_phase_boundaries`) can be
laid on top.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._validate import ParameterError, describe
from ._common import _new_axes
from ._dynamics import TYPE_COLOURS

__all__ = ["plot_phase_diagram"]

#: Colours of the Hopfield state types of :class:`attractors.analysis.TypeByOverlap`.
OVERLAP_COLOURS = {"retrieval": "tab:blue", "reversal": "tab:cyan", "mixture": "tab:orange",
                   "spin_glass": "0.65"}


def _edges(values):
    """Cell edges around sorted centre values (half-way between; half a step beyond the ends)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 1:
        half = 0.5 * max(abs(values[0]), 1.0)
        return np.array([values[0] - half, values[0] + half])
    middle = 0.5 * (values[1:] + values[:-1])
    return np.concatenate([[2 * values[0] - middle[0]], middle, [2 * values[-1] - middle[-1]]])


def _boundary_curves(boundaries):
    """[(label, x, y)] from a mapping {label: (x, y)} or a Dataset of lines over one dimension."""
    if boundaries is None:
        return []
    if hasattr(boundaries, "data_vars"):
        if len(boundaries.dims) != 1:
            raise ParameterError(f"boundaries as a Dataset must have one dimension (the x axis), "
                                 f"got dims {tuple(boundaries.dims)}")
        dim = next(iter(boundaries.dims))
        x = boundaries[dim].values
        return [(str(name), x, var.values) for name, var in boundaries.data_vars.items()
                if var.dims == (dim,)]
    if isinstance(boundaries, Mapping):
        curves = []
        for label, xy in boundaries.items():
            try:
                x, y = (np.asarray(v, dtype=np.float64) for v in xy)
            except (TypeError, ValueError):
                raise ParameterError(f"boundaries[{label!r}] must be a pair (x, y) of arrays, got "
                                     f"{describe(xy)}") from None
            if x.shape != y.shape or x.ndim != 1:
                raise ParameterError(f"boundaries[{label!r}]: x and y must be 1-D arrays of one "
                                     f"length, got shapes {x.shape} and {y.shape}")
            curves.append((str(label), x, y))
        return curves
    raise ParameterError(f"boundaries must be a mapping {{label: (x, y)}} or a Dataset of lines, "
                         f"got {describe(boundaries)}")


def plot_phase_diagram(result, ax=None, *, colors=None, boundaries=None, hatch="//",
                       legend=True, boundary_style=None):
    r"""Draw where each attractor type exists on a plane of two parameters.

    Each cell of the grid of :func:`~attractors.analysis.phase_diagram` gets the
    mixture of its types' colours weighted by their basin fractions
    :math:`f_k`, :math:`c = \sum_k f_k c_k`, so a cell reached by one type is
    that type's colour and a bistable cell is a blend; cells where two or more
    types exist are hatched as well.  The first swept parameter is the x axis,
    the second the y axis.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`attractors.analysis.phase_diagram` (``fraction`` and
        ``exists`` over two parameters and ``type``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).
    colors : mapping, optional
        Colour per type (defaults: :data:`TYPE_COLOURS` for attractor types,
        blue/cyan/orange/grey for retrieval/reversal/mixture/spin glass, the
        colour cycle otherwise).
    boundaries : mapping or xarray.Dataset, optional
        Analytic boundary curves drawn on top: ``{label: (x, y)}``, or a Dataset
        whose variables over one dimension are lines against it (e.g.
        ``ags_phase_boundaries(loads)[["T_M", "T_c"]]``).
    hatch : str or None
        Hatch pattern of coexistence cells (None: no hatching).
    legend : bool or str
        Add a legend of the types present and the boundary curves (a string:
        at that matplotlib location, e.g. ``"upper right"``; True: ``"best"``).
    boundary_style : mapping, optional
        Keywords for the boundary lines (default black, width 1.5, one dash
        pattern per curve).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.analysis import phase_diagram, TypeByDynamics
    >>> from attractors.models import RateNetwork
    >>> from attractors.plot import plot_phase_diagram
    >>> def pair(w_self, w_cross):
    ...     return RateNetwork(np.array([[w_self, -w_cross], [-w_cross, w_self]]))
    >>> diagram = phase_diagram(pair, {"w_self": [0.5, 1.5], "w_cross": [0.2, 2.0]},
    ...                         [[1.0, -0.5], [-0.5, 1.0]],
    ...                         classify=TypeByDynamics(transient=20, t_search=10))
    >>> ax = plot_phase_diagram(diagram)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('w_self', 'w_cross')
    """
    if not (hasattr(result, "data_vars") and {"fraction", "exists"} <= set(result.data_vars)
            and "type" in result.dims and len(result.dims) == 3):
        raise ParameterError(f"result must be a Dataset from attractors.analysis.phase_diagram "
                             f"(fraction and exists over two parameters and type), got "
                             f"{describe(result)}")
    import matplotlib.colors as mcolors
    from matplotlib.patches import Patch, Rectangle

    x_name, y_name = [d for d in result["fraction"].dims if d != "type"]
    fraction = result["fraction"].transpose(y_name, x_name, "type").values
    exists = result["exists"].transpose(y_name, x_name, "type").values
    types = [str(t) for t in result["type"].values]
    palette = {**TYPE_COLOURS, **OVERLAP_COLOURS, **(dict(colors) if colors else {})}
    cycle = iter(f"C{k}" for k in range(5, 100))
    rgb = np.array([mcolors.to_rgb(palette[t] if t in palette else next(cycle)) for t in types])

    ax = _new_axes(ax)
    x = np.asarray(result[x_name].values, dtype=np.float64)
    y = np.asarray(result[y_name].values, dtype=np.float64)
    x_order, y_order = np.argsort(x), np.argsort(y)
    fraction = fraction[y_order][:, x_order]
    exists = exists[y_order][:, x_order]
    x_edges, y_edges = _edges(x[x_order]), _edges(y[y_order])
    total = fraction.sum(-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        colour = np.where(total > 0, fraction @ rgb / np.where(total > 0, total, 1), 1.0)
    ax.pcolormesh(x_edges, y_edges, colour, shading="flat")
    if hatch:
        for i, j in zip(*np.nonzero(exists.sum(-1) >= 2)):
            ax.add_patch(Rectangle((x_edges[j], y_edges[i]), x_edges[j + 1] - x_edges[j],
                                   y_edges[i + 1] - y_edges[i], fill=False, hatch=hatch,
                                   edgecolor="0.2", linewidth=0))
    handles = [Patch(facecolor=rgb[k], label=t.replace("_", " "))
               for k, t in enumerate(types) if exists[..., k].any()]
    if hatch and (exists.sum(-1) >= 2).any():
        handles.append(Patch(facecolor="white", edgecolor="0.2", hatch=hatch,
                             label="coexistence"))
    dashes = ["-", "--", "-.", ":"]
    for k, (label, bx, by) in enumerate(_boundary_curves(boundaries)):
        style = {"color": "k", "linewidth": 1.5, "linestyle": dashes[k % len(dashes)],
                 **(dict(boundary_style) if boundary_style else {})}
        (line,) = ax.plot(bx, by, label=label, **style)
        handles.append(line)
    ax.set_xlim(x_edges[0], x_edges[-1])
    ax.set_ylim(y_edges[0], y_edges[-1])
    ax.set_xlabel(result[x_name].attrs.get("long_name", x_name) or x_name)
    ax.set_ylabel(result[y_name].attrs.get("long_name", y_name) or y_name)
    if legend and handles:
        ax.legend(handles=handles, fontsize="small", framealpha=0.9,
                  loc=legend if isinstance(legend, str) else "best")
    return ax
