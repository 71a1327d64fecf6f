"""Line plots of a trajectory: the state and the energy against time, and the phase plane."""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, describe
from ._common import (
    MAX_LEGEND_TRIALS,
    MAX_LINES,
    _check_trajectory,
    _find_unit,
    _label,
    _model,
    _new_axes,
    _select_trial,
    _time_label,
    _unit_coordinate,
    _unit_name,
)

__all__ = ["plot_energy", "plot_phase_plane", "plot_state"]

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
        Name of the coordinate along ``unit`` that labels the units.  Default:
        for lines, a model's string coordinate that names each unit (an E/I
        ``population``), else a numeric one (``theta``), else ``unit``; for a
        heatmap, the numeric one (the units' positions on the vertical axis).
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
    title = f"{_model(trajectory)}: state" + ("" if trial is None else f" (trial {trial})")
    if state.sizes["unit"] <= max_lines:
        # Lines are named by a model label where there is one (E and I), else a position.
        labels = _unit_coordinate(one, unit_coord, numeric=False)
        for index, value in enumerate(labels.values):
            ax.plot(times, state.values[:, index], label=_unit_name(labels, value))
        ax.set_ylabel(_label(state, "state", "a.u."))
        ax.legend(title=_label(labels, labels.name), fontsize="small", loc="best")
    else:
        labels = _unit_coordinate(one, unit_coord)
        label_name = _label(labels, labels.name)
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
    from .._energy import check_energy

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
    from .._system import ContinuousSystem

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
        The horizontal and vertical units: ``unit`` coordinate values, or values
        of a model's string coordinate on ``unit`` (``("E", "I")`` for a model
        whose ``population`` coordinate names them).
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
    (i, first_name), (j, second_name) = (_find_unit(trajectory, unit) for unit in (first, second))
    state = trajectory["state"].transpose("time", ..., "unit")
    x = state.isel(unit=i).values
    y = state.isel(unit=j).values
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
        _draw_flow(ax, system, [i, j], float(trajectory["time"].values[0]),
                   trajectory.sizes["unit"])
    ax.set_xlabel(_label(trajectory["state"], "state", "a.u.", of=f" of {first_name}"))
    ax.set_ylabel(_label(trajectory["state"], "state", "a.u.", of=f" of {second_name}"))
    ax.set_title(f"{_model(trajectory)}: phase plane")
    ax.legend(fontsize="small", loc="best")
    return ax
