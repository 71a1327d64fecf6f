r"""Animations of trajectories: :func:`animate` (GIF through Pillow, HTML/JavaScript in notebooks).

Four views, picked from the trajectory's coordinates unless ``kind`` says:

* ``"profile"``: the state against a numeric unit coordinate (``theta`` on a
  ring, ``x`` on a CANN line), one line per population, with the bump's
  population-vector position :math:`\arg \sum_i r_i e^{i\theta_i}` marked;
* ``"sheet"``: a two-dimensional sheet (units with ``x`` and ``y``
  coordinates; units sharing a position, as the four direction populations of
  a grid-cell sheet, are averaged) as an image;
* ``"pattern"``: each state reshaped to an image (a Hopfield network completing
  a glyph), two-valued states in the colours of :func:`spin_cmap`;
* ``"phase"``: two units against each other, the path growing frame by frame.

The result is a :class:`matplotlib.animation.FuncAnimation`: save it as a GIF
with ``anim.save("run.gif", writer="pillow")`` (Pillow ships with matplotlib;
no ffmpeg needed), or show it in a notebook with
``IPython.display.HTML(anim.to_jshtml())``.
"""

from __future__ import annotations

import math

import numpy as np

from .._validate import ParameterError
from ._common import _check_trajectory, _find_unit, _label, _model, _on_unit, _select_trial
from ._patterns import _image_shape, spin_cmap

__all__ = ["animate"]

KINDS = ("profile", "sheet", "pattern", "phase")


def _default_kind(one) -> str:
    names = {coordinate.name for coordinate in _on_unit(one, "iuf")}
    if {"x", "y"} <= names:
        return "sheet"
    if names:
        return "profile"
    if one.sizes["unit"] == 2:
        return "phase"
    if math.isqrt(one.sizes["unit"]) ** 2 == one.sizes["unit"]:
        return "pattern"
    return "profile"


def _frames(n_times: int, max_frames) -> np.ndarray:
    if not (isinstance(max_frames, (int, np.integer)) and max_frames >= 2):
        raise ParameterError(f"max_frames must be an integer >= 2, got {max_frames!r}")
    return np.unique(np.linspace(0, n_times - 1, min(int(max_frames), n_times)).round().astype(int))


def _profile(ax, one, states, times):
    """Lines of state against position, one per population, and the population-vector mark."""
    numeric = _on_unit(one, "iuf")
    position = numeric[0] if numeric else one["unit"]
    where = np.asarray(position.values, dtype=np.float64)
    groups = [(None, np.arange(where.size))]
    for coordinate in _on_unit(one, "UOS"):  # an E/I or left/right population label
        names = coordinate.values.astype(str)
        groups = [(name, np.flatnonzero(names == name)) for name in dict.fromkeys(names)]
        break
    lines = []
    for name, members in groups:
        order = members[np.argsort(where[members], kind="stable")]
        (line,) = ax.plot(where[order], states[0][order], label=name)
        lines.append((line, order))
    # Population vector on a ring (an angle coordinate), centre of mass otherwise.
    span = where.max() - where.min()
    angular = position.name == "theta" or (span <= 2 * np.pi + 1e-9 and where.min() >= -np.pi - 1e-9)
    weights = np.clip(states, 0.0, None)
    if angular:  # wrapped into the coordinate's own range ([0, 2 pi) or [-pi, pi))
        angle = np.angle(weights @ np.exp(1j * where))
        centre = where.min() + np.mod(angle - where.min(), 2 * np.pi)
    else:
        centre = (weights @ where) / np.maximum(weights.sum(axis=1), 1e-300)
    marker = ax.axvline(centre[0], color="tab:red", linestyle="--", linewidth=1.0,
                        label="population vector" if angular else "centre of mass")
    low, high = float(np.nanmin(states)), float(np.nanmax(states))
    pad = 0.05 * (high - low) or 1.0
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(where.min(), where.max())
    ax.set_xlabel(_label(position, str(position.name)))
    ax.set_ylabel(_label(one["state"], "state", "a.u."))
    ax.legend(fontsize="small", loc="upper right")

    def draw(k):
        for line, order in lines:
            line.set_ydata(states[k][order])
        marker.set_xdata([centre[k], centre[k]])
        return [line for line, _ in lines] + [marker]

    return draw


def _image(ax, images, cmap, limits, colorbar_label=None, extent=None):
    picture = ax.imshow(images[0], cmap=cmap, vmin=limits[0], vmax=limits[1],
                        interpolation="nearest", origin="lower" if extent else "upper",
                        extent=extent)
    if colorbar_label is not None:
        ax.figure.colorbar(picture, ax=ax, label=colorbar_label)

    def draw(k):
        picture.set_data(images[k])
        return [picture]

    return draw


def _sheet(ax, one, states):
    x, y = (np.asarray(one[name].values, dtype=np.float64) for name in ("x", "y"))
    xs, column = np.unique(x, return_inverse=True)
    ys, row = np.unique(y, return_inverse=True)
    cell = row * xs.size + column
    counts = np.bincount(cell, minlength=xs.size * ys.size)
    if np.any(counts == 0):
        raise ParameterError("kind='sheet' needs units on a full grid of x and y coordinates")
    # Units sharing a position (direction populations) are averaged: one sum per frame.
    sums = np.zeros((states.shape[0], xs.size * ys.size))
    np.add.at(sums, (slice(None), cell), states)
    images = (sums / counts).reshape(states.shape[0], ys.size, xs.size)
    ax.set_xlabel(_label(one["x"], "x"))
    ax.set_ylabel(_label(one["y"], "y"))
    limits = (float(images.min()), float(images.max()) or 1.0)
    return _image(ax, images, "viridis", limits, _label(one["state"], "state", "a.u."),
                  extent=(xs[0], xs[-1], ys[0], ys[-1]))


def _pattern(ax, one, states, shape):
    height, width = _image_shape(states.shape[1], shape)
    images = states.reshape(states.shape[0], height, width)
    values = np.unique(states)
    if values.size <= 2 and set(values.tolist()) <= {-1.0, 0.0, 1.0}:
        cmap, limits, label = spin_cmap(), (0.0 if values.min() >= 0 else -1.0, 1.0), None
    else:
        bound = float(np.abs(states).max()) or 1.0
        cmap, limits, label = "RdBu_r", (-bound, bound), _label(one["state"], "state", "a.u.")
    ax.set_xticks([])
    ax.set_yticks([])
    return _image(ax, images, cmap, limits, label)


def _phase(ax, trajectory, trial, units, frames):
    try:
        first, second = units
    except (TypeError, ValueError):
        raise ParameterError(f"units must be a pair of unit labels, got {units!r}") from None
    (i, first_name), (j, second_name) = (_find_unit(trajectory, unit) for unit in (first, second))
    state = trajectory["state"].transpose("time", ..., "unit").values[frames]
    if trial is not None:  # a chosen trial; otherwise every trial of the batch
        state = trajectory.sel(trial=trial)["state"].transpose("time", "unit").values[frames]
    if state.ndim == 2:
        state = state[:, None, :]
    x, y = state[..., i], state[..., j]
    paths = [ax.plot(x[:1, n], y[:1, n], linewidth=1.0)[0] for n in range(x.shape[1])]
    heads = ax.scatter(x[0], y[0], color="k", s=12, zorder=3)
    ax.scatter(x[0], y[0], marker="o", facecolors="none", edgecolors="0.4", zorder=2)
    for set_limits, values in ((ax.set_xlim, x), (ax.set_ylim, y)):
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        pad = 0.05 * (high - low) or 1.0
        set_limits(low - pad, high + pad)
    ax.set_xlabel(_label(trajectory["state"], "state", "a.u.", of=f" of {first_name}"))
    ax.set_ylabel(_label(trajectory["state"], "state", "a.u.", of=f" of {second_name}"))

    def draw(k):
        for n, path in enumerate(paths):
            path.set_data(x[: k + 1, n], y[: k + 1, n])
        heads.set_offsets(np.column_stack([x[k], y[k]]))
        return [*paths, heads]

    return draw


def animate(trajectory, kind: str | None = None, *, variable: str = "state", trial=None,
            units=(0, 1), shape=None,
            max_frames: int = 60, interval: float = 80.0, path=None, fps: float | None = None,
            figsize=(5.0, 3.6), title: str | None = None):
    r"""Animate a trajectory: a bump moving, a pattern completing, a phase-plane path.

    Parameters
    ----------
    trajectory : xarray.Dataset
        A trajectory from :func:`attractors.simulate`.
    kind : {"profile", "sheet", "pattern", "phase"}, optional
        The view (see :mod:`attractors.plot`); default from the coordinates:
        ``"sheet"`` with ``x`` and ``y`` unit coordinates, ``"profile"`` with
        one numeric coordinate (``theta``, ``x``), ``"phase"`` for two units,
        ``"pattern"`` for a square number of units.
    variable : str
        The data variable shown, with dims (time, [trial,] unit): ``"state"``, or
        one the user added (a ring's rates, with their ``units`` attribute).
    trial : label, optional
        The trial shown (default the first; for ``"phase"`` default every trial).
    units : (label, label)
        For ``"phase"``: the two units, as in :func:`plot_phase_plane`.
    shape : (int, int), optional
        For ``"pattern"``: the image's (height, width); default square.
    max_frames : int
        At most this many frames, evenly spaced over the recorded times (keeps
        a GIF small: 60 frames of a 5 x 3.6 inch figure at 80 dpi is ~0.3 MB).
    interval : float
        Milliseconds between frames.
    path : str or path, optional
        Also save the animation there as a GIF with matplotlib's Pillow writer.
    fps : float, optional
        Frames per second of the GIF; default ``1000 / interval``.
    figsize : (float, float)
        Size of the new figure, inches.
    title : str, optional
        Title before the time of each frame; default the model's name.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Save with ``.save("run.gif", writer="pillow")``; show in a notebook
        with ``IPython.display.HTML(anim.to_jshtml())``.

    Examples
    --------
    >>> import attractors
    >>> from attractors.models import DoubleWell
    >>> run = attractors.simulate(DoubleWell(), [[0.3, 0.1], [-0.2, 0.4]], t_span=2.0, dt=0.1)
    >>> anim = attractors.plot.animate(run, max_frames=10)   # two units: the phase plane
    >>> type(anim).__name__
    'FuncAnimation'
    >>> html = anim.to_jshtml()   # for a notebook: IPython.display.HTML(html)
    >>> anim.save("double_well.gif", writer="pillow")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter

    _check_trajectory(trajectory, variable)
    if "unit" not in trajectory[variable].dims:
        raise ParameterError(
            f"variable={variable!r} must have a 'unit' dimension, has dims {trajectory[variable].dims}"
        )
    # The views read "state": the chosen variable stands in for it, attributes and all.
    trajectory = trajectory.assign(state=trajectory[variable])
    if kind is not None and kind not in KINDS:
        raise ParameterError(f"kind must be one of {KINDS} or None, got {kind!r}")
    if not (isinstance(interval, (int, float)) and interval > 0):
        raise ParameterError(f"interval must be a positive number of milliseconds, got {interval!r}")
    explicit_trial = trial
    one, trial = _select_trial(trajectory, trial)
    kind = kind or _default_kind(one)
    frames = _frames(trajectory.sizes["time"], max_frames)
    times = trajectory["time"].values[frames]
    figure, ax = plt.subplots(figsize=figsize, dpi=80, layout="constrained")
    if kind == "phase":
        draw = _phase(ax, trajectory, explicit_trial if "trial" in trajectory.dims else None,
                      units, frames)
    else:
        states = np.asarray(one["state"].transpose("time", "unit").values[frames],
                            dtype=np.float64)
        if kind == "profile":
            draw = _profile(ax, one, states, times)
        elif kind == "sheet":
            draw = _sheet(ax, one, states)
        else:
            draw = _pattern(ax, one, states, shape)
    heading = title if title is not None else _model(trajectory)
    if trial is not None and kind != "phase":
        heading += f" (trial {trial})"
    time_units = trajectory["time"].attrs.get("units", "")
    caption = ax.set_title("")

    def update(k):
        caption.set_text(f"{heading}   t = {times[k]:.4g} {time_units}".rstrip())
        return [*draw(k), caption]

    update(0)
    animation = FuncAnimation(figure, update, frames=len(frames), interval=interval, blit=False)
    if path is not None:
        try:
            animation.save(path, writer=PillowWriter(fps=fps or 1000.0 / interval))
        except (OSError, ValueError) as error:
            raise ParameterError(f"path={str(path)!r}: cannot write the GIF there ({error})") from None
    return animation
