r"""Plots of trajectories: matplotlib figures drawn from :func:`attractors.simulate` results.

Plots live apart from models: every function here takes a trajectory (an
:class:`xarray.Dataset`) and returns the :class:`matplotlib.axes.Axes` it drew
on, so figures can be composed and restyled with plain matplotlib.  Models
never import matplotlib, and neither does ``import attractors.plot``: pyplot is
imported the first time a function here is called.

=====================================  =============================================
function                               shows
=====================================  =============================================
:func:`plot_state`                     the state against time (lines, or a heatmap)
:func:`plot_energy`                    the energy against time, increases marked
:func:`plot_phase_plane`               two units against each other, one curve per trial
=====================================  =============================================
"""

from __future__ import annotations

import numpy as np

from ._validate import ParameterError, describe

__all__ = ["plot_energy", "plot_phase_plane", "plot_state"]

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


def _unit_coordinate(trajectory, unit_coord):
    """The coordinate that labels the units: ``unit_coord``, else a model coordinate on ``unit``."""
    if unit_coord is not None:
        if unit_coord not in trajectory.coords or trajectory[unit_coord].dims != ("unit",):
            on_unit = [k for k, v in trajectory.coords.items() if v.dims == ("unit",)]
            raise ParameterError(
                f"unit_coord must name a coordinate along the 'unit' dimension, one of "
                f"{on_unit}, got {unit_coord!r}"
            )
        return trajectory[unit_coord]
    # A model coordinate (theta on a ring, ...) says more than the unit index.
    for name, coordinate in trajectory.coords.items():
        if name != "unit" and coordinate.dims == ("unit",) and coordinate.dtype.kind in "iuf":
            return coordinate
    return trajectory["unit"]


def plot_state(trajectory, ax=None, trial=None, *, unit_coord: str | None = None,
               max_lines: int = MAX_LINES):
    """Plot the state of every unit against time.

    With at most ``max_lines`` units, one line per unit (labelled with its unit
    coordinate in the legend); with more, a heatmap of time x unit with a
    colour bar, the units on the vertical axis labelled with their coordinate
    (a model's own coordinate such as ``theta`` where there is one).

    Parameters
    ----------
    trajectory : xarray.Dataset
        A trajectory from :func:`attractors.simulate`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    trial : int, optional
        The ``trial`` label to show for a batched trajectory (default: the first).
    unit_coord : str, optional
        Name of the coordinate along ``unit`` that labels the units; default a
        numeric model coordinate on ``unit`` if there is one, else ``unit``.
    max_lines : int
        The most units drawn as lines before switching to a heatmap.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    Examples
    --------
    >>> import attractors
    >>> from attractors.models import LinearSystem
    >>> run = attractors.simulate(LinearSystem([[-1.0, 0], [0, -2.0]]), [1.0, 1.0],
    ...                           t_span=1.0, dt=0.1)
    >>> ax = attractors.plot.plot_state(run)
    >>> len(ax.lines)
    2
    """
    _check_trajectory(trajectory)
    one, trial = _select_trial(trajectory, trial)
    ax = _new_axes(ax)
    state = one["state"].transpose("time", "unit")
    times = one["time"].values
    labels = _unit_coordinate(one, unit_coord)
    label_name = _label(labels, labels.name)
    title = f"{_model(trajectory)}: state" + ("" if trial is None else f" (trial {trial})")
    if state.sizes["unit"] <= max_lines:
        for index, value in enumerate(labels.values):
            ax.plot(times, state.values[:, index], label=f"{labels.name} {_format(value)}")
        ax.set_ylabel(_label(state, "state", "a.u."))
        ax.legend(title=label_name, fontsize="small", loc="best")
    else:
        positions = np.asarray(labels.values, dtype=np.float64)
        # Cells centred on each recorded time and unit, so records line up with ticks.
        mesh = ax.pcolormesh(times, positions, state.values.T, shading="nearest",
                             cmap="viridis")
        ax.figure.colorbar(mesh, ax=ax, label=_label(state, "state", "a.u."))
        ax.set_ylabel(label_name)
    ax.set_xlabel(_time_label(trajectory))
    ax.set_title(title)
    return ax


def plot_energy(trajectory, ax=None, *, rtol: float = 1e-9, atol: float = 0.0):
    r"""Plot the energy (Lyapunov function) against time, one line per trial.

    Any increase that :func:`attractors.check_energy` finds beyond round-off
    (with the same ``rtol`` and ``atol``) is marked with a red cross at the
    record where the higher energy was seen, and counted in the title.

    Parameters
    ----------
    trajectory : xarray.Dataset
        A trajectory from :func:`attractors.simulate` with an ``energy`` variable.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    rtol, atol : float
        Tolerances passed to :func:`attractors.check_energy`.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: ``ax.lines`` holds one line per trial, and the
        increases (if any) are one scatter collection labelled
        ``"energy increase"``.

    Raises
    ------
    ParameterError
        When the trajectory has no recorded energy.

    Examples
    --------
    >>> import attractors
    >>> from attractors.models import DoubleWell
    >>> run = attractors.simulate(DoubleWell(), [[0.3, 0.1], [-0.2, 0.4]], t_span=2.0, dt=0.1)
    >>> ax = attractors.plot.plot_energy(run)
    >>> len(ax.lines)
    2
    """
    from ._energy import check_energy

    _check_trajectory(trajectory)
    report = check_energy(trajectory, rtol=rtol, atol=atol)
    ax = _new_axes(ax)
    energy = trajectory["energy"].transpose("time", ...)
    times = trajectory["time"].values
    if "trial" in energy.dims:
        trials = trajectory["trial"].values
        with_legend = trials.size <= MAX_LEGEND_TRIALS
        for index, trial in enumerate(trials):
            ax.plot(times, energy.values[:, index], linewidth=1.0 if with_legend else 0.6,
                    label=f"trial {trial}" if with_legend else None)
    else:
        ax.plot(times, energy.values, label="energy")
    n_increases = report.attrs["n_violations"]
    if n_increases:
        ax.scatter(report["time"].values, report["energy_after"].values, marker="x",
                   color="tab:red", zorder=3, label=f"energy increase ({n_increases})")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="small", loc="best")
    ax.set_xlabel(_time_label(trajectory))
    ax.set_ylabel(_label(trajectory["energy"], "energy", "a.u."))
    verdict = "never rises" if n_increases == 0 else f"rose {n_increases} time(s)"
    ax.set_title(f"{_model(trajectory)}: energy {verdict}")
    return ax


def _draw_flow(ax, system, units, t, n_units):
    """The vector field of a two-unit continuous system as streamlines behind the curves."""
    from ._system import ContinuousSystem

    if not isinstance(system, ContinuousSystem) or system.n_units != 2 or n_units != 2:
        raise ParameterError(
            "system is drawn as a flow only for a two-unit ContinuousSystem, got "
            f"{describe(system)}"
        )
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    grid_x, grid_y = np.meshgrid(np.linspace(x_low, x_high, 25), np.linspace(y_low, y_high, 25))
    points = np.empty(grid_x.shape + (2,))
    points[..., units[0]], points[..., units[1]] = grid_x, grid_y
    slope = np.asarray(system.vector_field(t, points, None))
    ax.streamplot(grid_x, grid_y, slope[..., units[0]], slope[..., units[1]],
                  color="0.8", linewidth=0.6, density=1.0, zorder=0)
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)


def plot_phase_plane(trajectory, ax=None, units=(0, 1), *, system=None):
    """Plot two units against each other: one curve per trial, start and end marked.

    Starts are open circles and ends filled squares, so where trials converge
    (an attractor) the squares pile up.

    Parameters
    ----------
    trajectory : xarray.Dataset
        A trajectory from :func:`attractors.simulate`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    units : (label, label)
        The ``unit`` coordinate values of the horizontal and vertical units.
    system : ContinuousSystem, optional
        The two-unit model that made the trajectory; when given, its vector
        field is drawn as grey streamlines behind the curves.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on: ``ax.lines`` holds one curve per trial, and the
        starts and ends are two scatter collections labelled ``"start"`` and
        ``"end"``.

    Examples
    --------
    >>> import attractors
    >>> from attractors.models import DoubleWell
    >>> run = attractors.simulate(DoubleWell(), [[0.3, 0.1], [-0.2, 0.4]], t_span=2.0, dt=0.1)
    >>> ax = attractors.plot.plot_phase_plane(run)
    >>> len(ax.lines)
    2
    """
    _check_trajectory(trajectory)
    try:
        first, second = units
    except (TypeError, ValueError):
        raise ParameterError(f"units must be a pair of unit labels, got {units!r}") from None
    labels = trajectory["unit"].values
    for unit in (first, second):
        if unit not in labels:
            raise ParameterError(
                f"units={units!r}: {unit!r} is not a unit of the trajectory "
                f"(units {labels[0]!r}..{labels[-1]!r})"
            )
    state = trajectory["state"].transpose("time", ..., "unit")
    x = state.sel(unit=first).values
    y = state.sel(unit=second).values
    if x.ndim == 1:
        x, y = x[:, None], y[:, None]
    ax = _new_axes(ax)
    n_trials = x.shape[1]
    with_legend = "trial" in trajectory.dims and n_trials <= MAX_LEGEND_TRIALS
    for index in range(n_trials):
        ax.plot(x[:, index], y[:, index], linewidth=1.0, alpha=0.9 if n_trials <= 20 else 0.5,
                label=f"trial {trajectory['trial'].values[index]}" if with_legend else None)
    ax.scatter(x[0], y[0], marker="o", facecolors="none", edgecolors="k", zorder=3,
               label="start")
    ax.scatter(x[-1], y[-1], marker="s", color="k", zorder=4, label="end")
    if system is not None:
        positions = [int(np.flatnonzero(labels == unit)[0]) for unit in (first, second)]
        _draw_flow(ax, system, positions, float(trajectory["time"].values[0]), labels.size)
    ax.set_xlabel(_label(trajectory["state"], "state", "a.u.", of=f" of unit {first}"))
    ax.set_ylabel(_label(trajectory["state"], "state", "a.u.", of=f" of unit {second}"))
    ax.set_title(f"{_model(trajectory)}: phase plane")
    ax.legend(fontsize="small", loc="best")
    return ax
