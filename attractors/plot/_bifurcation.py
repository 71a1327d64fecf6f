r"""Bifurcation diagrams: branches from :func:`attractors.analysis.continuation` against the parameter.

Stable stretches of a branch are drawn solid, unstable ones dashed (the
convention of AUTO and MatCont), and the special points (folds, Hopf points,
branch points, the ends) are marked with a symbol per type.  Any observable can
go on the y axis: a data variable over ``point`` (``norm``, ``bump_height``),
one unit of the state, or a function of the state.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, describe
from ._common import _label, _new_axes

__all__ = ["plot_bifurcation_diagram"]

_MARKERS = {"fold": ("o", "tab:red"), "hopf": ("s", "tab:purple"),
            "branch_point": ("D", "tab:green"), "endpoint": ("|", "0.4")}


def _check_branch(branch):
    if not (hasattr(branch, "data_vars") and "point" in getattr(branch, "dims", ())
            and "parameter" in branch.data_vars):
        raise ParameterError(
            "branches must be Datasets from attractors.analysis.continuation (with a 'point' "
            f"dimension and a 'parameter' variable), got {describe(branch)}")


def _observable(branch, y, states):
    """(values along the branch, values at the special points, label)."""
    if callable(y):
        special = y(branch["special_state"].values) if "special_state" in branch else None
        return np.asarray(y(states)), special, getattr(y, "__name__", "observable")
    if isinstance(y, str) and y in branch.data_vars and branch[y].dims == ("point",):
        special = None
        if y == "norm":
            special = np.linalg.norm(branch["special_state"].values, axis=-1)
        return branch[y].values, special, _label(branch[y], y)
    if isinstance(y, (int, np.integer)) and not isinstance(y, bool) and 0 <= y < states.shape[-1]:
        return states[:, y], branch["special_state"].values[:, y], f"state of unit {y}"
    raise ParameterError(
        "y must be the name of a variable over 'point' (e.g. 'norm'), a unit index or a "
        f"function of the state, got {describe(y)}")


def plot_bifurcation_diagram(branches, y="norm", ax=None, *, labels=None, color=None):
    r"""Draw one or more continuation branches: stable solid, unstable dashed, special points marked.

    The bifurcation diagram of Kuznetsov (2004, ch. 10): for each branch the
    observable :math:`y(x(s))` against the parameter :math:`p(s)` along the
    arclength :math:`s`; where the branch has the ``stable`` variable (from the
    eigenvalues) its unstable stretches are dashed.  Folds are marked by red
    circles, Hopf points by purple squares and branch points by green diamonds.

    Parameters
    ----------
    branches : xarray.Dataset or sequence of Datasets
        Results of :func:`~attractors.analysis.continuation` or
        :func:`~attractors.analysis.switch_branch`.
    y : str, int or callable
        A variable over ``point`` (``"norm"``, ``"bump_height"``), a unit
        index, or a function of the states (shape ``(..., n_units)`` to ``(...)``).
    ax : matplotlib.axes.Axes, optional
    labels : sequence of str, optional
        One legend label per branch.
    color : optional
        One matplotlib colour for every branch (default: the colour cycle).

    Returns
    -------
    matplotlib.axes.Axes

    References
    ----------
    Kuznetsov, Y. A. (2004). Elements of Applied Bifurcation Theory, 3rd ed. Springer.

    Examples
    --------
    >>> import dataclasses, numpy as np, attractors
    >>> @dataclasses.dataclass(frozen=True)
    ... class SCurve(attractors.ContinuousSystem):
    ...     p: float = 0.0
    ...     n_units = 1
    ...     def vector_field(self, t, x, inputs=None):
    ...         return self.p + x - x**3
    >>> branch = attractors.analysis.continuation(SCurve(), "p", -1.0, 1.0, x0=[-1.3])
    >>> ax = plot_bifurcation_diagram(branch, y=0)
    >>> ax.get_xlabel()
    'p'
    """
    if hasattr(branches, "data_vars"):
        branches = [branches]
    branches = list(branches)
    if not branches:
        raise ParameterError("branches must hold at least one continuation Dataset, got none")
    for branch in branches:
        _check_branch(branch)
    if labels is not None and len(labels) != len(branches):
        raise ParameterError(f"labels must have one entry per branch ({len(branches)}), got {len(labels)}")
    ax = _new_axes(ax)
    seen = set()
    ylabel = ""
    for index, branch in enumerate(branches):
        states = branch["state"].values
        values, special_values, ylabel = _observable(branch, y, states)
        parameter = branch["parameter"].values
        stable = branch["stable"].values.astype(bool) if "stable" in branch else np.ones(len(values), bool)
        line_color = color if color is not None else f"C{index}"
        label = None if labels is None else labels[index]
        _draw_segments(ax, parameter, values, stable, line_color, label)
        if special_values is None:
            continue
        for kind, p, value in zip(branch["special_type"].values, branch["special_parameter"].values,
                                  special_values):
            marker, marker_color = _MARKERS.get(str(kind), ("x", "k"))
            legend = str(kind).replace("_", " ") if kind not in seen and kind != "endpoint" else None
            seen.add(kind)
            ax.plot([p], [value], marker=marker, color=marker_color, linestyle="none",
                    markersize=7 if kind != "endpoint" else 10, label=legend, zorder=3)
    ax.set_xlabel(branches[0].attrs.get("parameter", "parameter"))
    ax.set_ylabel(ylabel)
    ax.set_title(f"Bifurcation diagram of {branches[0].attrs.get('model', 'the model')}")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize="small")
    return ax


def _draw_segments(ax, parameter, values, stable, color, label):
    """Runs of equal stability as separate lines (solid / dashed), joined where stability changes."""
    change = np.flatnonzero(np.diff(stable.astype(np.int8))) + 1
    bounds = np.concatenate([[0], change, [len(values)]])
    for first, last in zip(bounds[:-1], bounds[1:]):
        stop = min(last + 1, len(values))  # overlap one point so the curve is continuous
        ax.plot(parameter[first:stop], values[first:stop], color=color,
                linestyle="-" if stable[first] else "--", label=label)
        label = None
