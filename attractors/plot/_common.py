"""Helpers shared by the plot functions: checks, trial selection, labels from CF attributes.

Every axis label is built the same way (:func:`_label`): the variable's
``long_name`` and ``units`` attributes when it has them (the CF convention
that xarray's own plots read), a default otherwise.  Units are named by the
model's own coordinates: a string coordinate on ``unit`` (an E/I
``population``) names single units, a numeric one (``theta`` on a ring, ``x``
on a line) places them on an axis.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, describe

#: Up to this many units, plot_state draws one line per unit; above it, a heatmap.
MAX_LINES = 10
#: Up to this many trials, plot_energy and plot_phase_plane give each trial a legend entry.
MAX_LEGEND_TRIALS = 10


def _new_axes(ax):
    """The axes to draw on: ``ax``, or a new figure's axes."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _label(variable, default: str, default_units: str | None = None, of: str = "") -> str:
    """An axis label from a variable's ``long_name`` and ``units`` attributes.

    States and energies of abstract models carry no physical unit; they are
    labelled in arbitrary units ("a.u.") unless the trajectory says otherwise.
    """
    name = variable.attrs.get("long_name", default) + of
    units = variable.attrs.get("units", default_units)
    return f"{name} ({units})" if units else name


def _format(value) -> str:
    """A coordinate value for a legend: floats short (0.785), labels as they are."""
    return f"{value:.3g}" if isinstance(value, (float, np.floating)) else str(value)


def _time_label(trajectory) -> str:
    return _label(trajectory["time"], "time")


def _model(trajectory) -> str:
    return trajectory.attrs.get("model", "trajectory")


def _check_trajectory(trajectory, variable: str = "state"):
    if not (hasattr(trajectory, "data_vars") and "time" in getattr(trajectory, "dims", ())):
        raise ParameterError(
            "trajectory must be an xarray.Dataset from attractors.simulate (with a 'time' "
            f"dimension), got {describe(trajectory)}"
        )
    if variable not in trajectory:
        raise ParameterError(
            f"the trajectory has no {variable!r} variable; it has {sorted(trajectory.data_vars)}"
        )


def _select_trial(trajectory, trial):
    """One trial of a batched trajectory (by its ``trial`` label; the first if None)."""
    if "trial" not in trajectory.dims:
        if trial is not None:
            raise ParameterError(
                f"trial={trial!r} given, but the trajectory has no trial dimension"
            )
        return trajectory, None
    labels = trajectory["trial"].values
    if trial is None:
        trial = labels[0]
    if trial not in labels:
        raise ParameterError(
            f"trial={trial!r} is not in the trajectory, whose trials are "
            f"{labels[0]!r}..{labels[-1]!r} ({labels.size} trials)"
        )
    return trajectory.sel(trial=trial), trial


def _on_unit(trajectory, kinds: str):
    """The model coordinates along ``unit`` (not ``unit`` itself) whose dtype kind is in ``kinds``."""
    return [coordinate for name, coordinate in trajectory.coords.items()
            if name != "unit" and coordinate.dims == ("unit",) and coordinate.dtype.kind in kinds]


def _unit_coordinate(trajectory, unit_coord, *, numeric: bool = True):
    """The coordinate that labels the units: ``unit_coord``, else a model coordinate on ``unit``.

    With ``numeric`` (positions on an axis) the first numeric model coordinate
    (``theta``, ``x``); otherwise a string coordinate whose values name every
    unit once (an E/I ``population``) comes first.
    """
    if unit_coord is not None:
        if unit_coord not in trajectory.coords or trajectory[unit_coord].dims != ("unit",):
            on_unit = [k for k, v in trajectory.coords.items() if v.dims == ("unit",)]
            raise ParameterError(
                f"unit_coord must name a coordinate along the 'unit' dimension, one of "
                f"{on_unit}, got {unit_coord!r}"
            )
        return trajectory[unit_coord]
    if not numeric:
        for coordinate in _on_unit(trajectory, "UOS"):
            if len(set(coordinate.values.tolist())) == coordinate.size:
                return coordinate
    # A model coordinate (theta on a ring, ...) says more than the unit index.
    for coordinate in _on_unit(trajectory, "iuf"):
        return coordinate
    return trajectory["unit"]


def _unit_name(coordinate, value) -> str:
    """A unit's name in a label: ``"E"`` for a string label, ``"theta 0.785"`` for a number."""
    if coordinate.dtype.kind in "UOS":
        return str(value)
    return f"{coordinate.name} {_format(value)}"


def _find_unit(trajectory, unit):
    """(position, name) of ``unit``: a ``unit`` label, or a value of a string model coordinate."""
    labels = trajectory["unit"].values
    if unit in labels.tolist():
        position = int(np.flatnonzero(labels == unit)[0])
        named = _unit_coordinate(trajectory, None, numeric=False)
        if named.name == "unit":
            return position, f"unit {unit}"
        return position, _unit_name(named, named.values[position])
    for coordinate in _on_unit(trajectory, "UOS"):
        values = coordinate.values.tolist()
        if values.count(unit) == 1:
            return values.index(unit), str(unit)
    names = [c.name for c in _on_unit(trajectory, "UOS")]
    raise ParameterError(
        f"units: {unit!r} is not a unit of the trajectory (units {labels[0]!r}..{labels[-1]!r}"
        + (f", or a value of {names}" if names else "") + ")"
    )
