r"""Phase portraits of two-dimensional continuous systems, as data and as a figure.

Everything a phase-plane analysis shows, computed once into one Dataset: the
vector field on a grid, the two nullclines (the zero level sets of
:math:`\dot x` and :math:`\dot y`, stored as the fields on a fine grid, ready
for any contouring routine), every fixed point in the window with its
eigenvalues and stability (:func:`~attractors.analysis.find_fixed_points`),
trajectories, and the energy where the model defines one (Strogatz 2015,
ch. 6).  :func:`plot_phase_portrait` draws it.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._simulate import simulate
from .._system import ContinuousSystem
from .._validate import ParameterError, check_finite_array, check_integer, describe
from ._fixed_points import find_fixed_points
from ._stability import _check_system, _labelled, _time_units

__all__ = ["phase_portrait", "plot_phase_portrait"]


def _range(name, value):
    pair = check_finite_array(name, value, dtype=np.float64)
    if pair.shape != (2,) or not pair[1] > pair[0]:
        raise ParameterError(f"{name} must be a pair (low, high) with low < high, got {describe(value)}")
    return pair


def _zero_contour(xs, ys, values):
    """Vertices of the zero level set, segments separated by NaN rows, shape (n, 2).

    Uses contourpy (the contouring library matplotlib is built on, installed
    with it).
    """
    import contourpy

    lines = contourpy.contour_generator(xs, ys, values, line_type="Separate").lines(0.0)
    if not lines:
        return np.zeros((0, 2))
    gap = np.full((1, 2), np.nan)
    return np.concatenate([part for line in lines for part in (line, gap)])[:-1]


def phase_portrait(system, x_range=(-2.0, 2.0), y_range=None, *, n_grid: int = 25,
                   n_fine: int = 201, initial_states=None, t_span: float = 10.0,
                   dt: float = 0.01, solver=None, t: float = 0.0, inputs=None,
                   n_fixed_point_starts: int = 15, seed: int = 0) -> xr.Dataset:
    r"""Vector field, nullclines, fixed points and trajectories of a 2-D flow.

    For :math:`\dot x = F_0(x, y)`, :math:`\dot y = F_1(x, y)`: the
    :math:`x`-nullcline is :math:`F_0 = 0` and the :math:`y`-nullcline
    :math:`F_1 = 0`; fixed points lie where they cross, and are found (all of
    them in the window, saddles included) by :func:`find_fixed_points` from a
    grid of starts.

    Parameters
    ----------
    system : ContinuousSystem
        A system with ``n_units == 2``.
    x_range, y_range : (float, float)
        The window (``y_range`` defaults to ``x_range``).
    n_grid : int
        Points per axis of the coarse grid for the arrows/streamlines.
    n_fine : int
        Points per axis of the fine grid for the nullclines and the energy.
    initial_states : array_like, shape (n_trajectories, 2), optional
        Starts of the trajectories; default 12 points on the ellipse inscribed
        in the window, at 90 % of its size.
    t_span, dt, solver, seed
        Passed to :func:`attractors.simulate` for the trajectories.
    t, inputs
        Time and constant input at which the field is taken.
    n_fixed_point_starts : int
        Starts per axis for the fixed-point search (a grid over the window).

    Returns
    -------
    xarray.Dataset
        Coordinates ``x``, ``y`` (coarse), ``x_fine``, ``y_fine``.  Variables:
        ``velocity_x``, ``velocity_y``, ``speed`` on (y, x); ``dxdt``,
        ``dydt`` on (y_fine, x_fine), whose zero contours are the nullclines,
        and those contours as vertices, ``x_nullcline`` (where
        :math:`\dot x = 0`) and ``y_nullcline``, each (vertex, component) with
        NaN rows between separate branches (``ax.plot(*v.T)`` draws them);
        ``energy`` on (y_fine, x_fine) where defined; ``fixed_point_state``
        (fixed_point, component), ``stability``, ``point_type`` (node, focus,
        saddle, ...: :func:`~attractors.analysis.classify_fixed_point`),
        ``eigenvalue_real`` and ``eigenvalue_imag`` (fixed_point, mode);
        ``trajectory`` (trial, time, component).  Every variable carries
        ``long_name`` and ``units``.

    References
    ----------
    S. H. Strogatz, Nonlinear Dynamics and Chaos, 2nd ed., Westview (2015), ch. 6.

    Examples
    --------
    >>> import attractors
    >>> from attractors.models import RateNetwork
    >>> net = RateNetwork([[2.5, -1.0], [-1.0, 2.5]])
    >>> portrait = phase_portrait(net, (-4, 4), n_grid=9, n_fine=41, t_span=5.0, dt=0.05)
    >>> sorted(portrait.stability.values.tolist())
    ['saddle', 'saddle', 'saddle', 'saddle', 'stable', 'stable', 'stable', 'stable', 'unstable']
    """
    _check_system(system, ContinuousSystem)
    if system.n_units != 2:
        raise ParameterError(f"phase portraits are drawn for two-unit systems; {system.name} has "
                             f"n_units = {system.n_units}")
    x_range = _range("x_range", x_range)
    y_range = x_range if y_range is None else _range("y_range", y_range)
    n_grid = check_integer("n_grid", n_grid, minimum=2)
    n_fine = check_integer("n_fine", n_fine, minimum=2)
    n_starts = check_integer("n_fixed_point_starts", n_fixed_point_starts, minimum=1)
    if initial_states is None:
        angle = np.linspace(0, 2 * np.pi, 12, endpoint=False) + 0.1
        centre = np.array([x_range.mean(), y_range.mean()])
        half = 0.45 * np.array([np.ptp(x_range), np.ptp(y_range)])
        initial_states = centre + half * np.column_stack([np.cos(angle), np.sin(angle)])
    starts = check_finite_array("initial_states", initial_states, dtype=np.float64)
    if starts.ndim != 2 or starts.shape[1] != 2:
        raise ParameterError(f"initial_states must have shape (n_trajectories, 2), got {starts.shape}")
    u = None if inputs is None else np.asarray(inputs, dtype=np.float64)

    def grid(n):
        xs, ys = np.linspace(*x_range, n), np.linspace(*y_range, n)
        return xs, ys, np.stack(np.meshgrid(xs, ys), axis=-1)  # [iy, ix, component]

    xs, ys, coarse = grid(n_grid)
    velocity = np.asarray(system.vector_field(t, coarse, u), dtype=np.float64)
    xf, yf, fine = grid(n_fine)
    fine_field = np.asarray(system.vector_field(t, fine, u), dtype=np.float64)
    data = {
        "velocity_x": (("y", "x"), velocity[..., 0]),
        "velocity_y": (("y", "x"), velocity[..., 1]),
        "speed": (("y", "x"), np.hypot(velocity[..., 0], velocity[..., 1])),
        "dxdt": (("y_fine", "x_fine"), fine_field[..., 0]),
        "dydt": (("y_fine", "x_fine"), fine_field[..., 1]),
    }
    x_null = _zero_contour(xf, yf, fine_field[..., 0])
    y_null = _zero_contour(xf, yf, fine_field[..., 1])
    data["x_nullcline"] = (("x_nullcline_vertex", "component"), x_null)
    data["y_nullcline"] = (("y_nullcline_vertex", "component"), y_null)
    try:
        data["energy"] = (("y_fine", "x_fine"), np.asarray(system.energy(fine, u), dtype=np.float64))
    except NotImplementedError:
        pass
    _, _, search = grid(n_starts)
    fixed = find_fixed_points(system, search.reshape(-1, 2), t=t, inputs=inputs)
    fixed = fixed.isel(fixed_point=fixed.is_fixed_point.values)
    points = fixed.state.values
    margin = 1e-9 * max(np.ptp(x_range), np.ptp(y_range))
    inside = ((points[:, 0] >= x_range[0] - margin) & (points[:, 0] <= x_range[1] + margin)
              & (points[:, 1] >= y_range[0] - margin) & (points[:, 1] <= y_range[1] + margin))
    fixed = fixed.isel(fixed_point=inside)
    data.update({
        "fixed_point_state": (("fixed_point", "component"), fixed.state.values),
        "stability": ("fixed_point", fixed.stability.values),
        "point_type": ("fixed_point", fixed.point_type.values),
        "eigenvalue_real": (("fixed_point", "mode"), fixed.eigenvalue_real.values),
        "eigenvalue_imag": (("fixed_point", "mode"), fixed.eigenvalue_imag.values),
    })
    run = simulate(system, starts, t_span=t_span, dt=dt, solver=solver, seed=seed,
                   inputs=inputs)
    data["trajectory"] = (("trial", "time", "component"),
                          run.state.transpose("trial", "time", "unit").values)
    coords = {"x": xs, "y": ys, "x_fine": xf, "y_fine": yf, "component": ["x", "y"],
              "fixed_point": np.arange(fixed.sizes["fixed_point"]),
              "mode": [0, 1], "trial": np.arange(starts.shape[0]), "time": run.time.values}
    labels, counts = np.unique(fixed.point_type.values, return_counts=True)
    result = xr.Dataset(data, coords=coords, attrs={
        "model": system.name, "t": float(t),
        "message": f"{fixed.sizes['fixed_point']} fixed points in the window: "
                   + (", ".join(f"{c} {s}" for s, c in zip(labels, counts)) or "none")})
    time = _time_units(system)
    speed = f"model state units/{time}"
    # The model's own names for its two units (an E/I population label), as in attractors.plot.
    named = [np.asarray(values).astype(str) for dim, values in system.coords.values()
             if dim == "unit" and np.asarray(values).dtype.kind in "UOS"]
    first, second = (str(name) for name in named[0]) if named else ("unit 0", "unit 1")
    return _labelled(result, {
        "velocity_x": ("dx/dt on the coarse grid", speed),
        "velocity_y": ("dy/dt on the coarse grid", speed),
        "speed": ("|(dx/dt, dy/dt)|", speed),
        "dxdt": ("dx/dt on the fine grid (zero on the x-nullcline)", speed),
        "dydt": ("dy/dt on the fine grid (zero on the y-nullcline)", speed),
        "x_nullcline": ("vertices of the x-nullcline (NaN between branches)", "model state units"),
        "y_nullcline": ("vertices of the y-nullcline (NaN between branches)", "model state units"),
        "energy": ("energy (Lyapunov function)", "model energy units"),
        "fixed_point_state": ("fixed point", "model state units"),
        "stability": ("stability from the real parts of the eigenvalues", "1"),
        "point_type": ("type of fixed point from its eigenvalues", "1"),
        "eigenvalue_real": ("eigenvalue of the Jacobian (real part)", f"1/{time}"),
        "eigenvalue_imag": ("eigenvalue of the Jacobian (imaginary part)", f"1/{time}"),
        "trajectory": ("state along the trajectory", "model state units"),
        "x": (first, "model state units"), "y": (second, "model state units"),
        "x_fine": (first, "model state units"), "y_fine": (second, "model state units"),
        "time": ("time", time),
    })


_STYLES = {
    "stable": dict(markerfacecolor="tab:red", fillstyle="full"),
    "saddle": dict(markerfacecolor="tab:red", fillstyle="left", markerfacecoloralt="white"),
    "unstable": dict(markerfacecolor="white", fillstyle="full"),
    "marginal": dict(markerfacecolor="tab:gray", fillstyle="full"),
}


def plot_phase_portrait(portrait, ax=None, *, streamlines: bool = True, energy: bool = False,
                        legend: bool = True):
    """Draw a :func:`phase_portrait`: flow, nullclines, trajectories and fixed points.

    Stable fixed points are filled, saddles half-filled, unstable points open
    and marginal ones grey; the legend names their type (stable node, stable
    focus, saddle, ...: :func:`~attractors.analysis.classify_fixed_point`).

    Parameters
    ----------
    portrait : xarray.Dataset
        The output of :func:`phase_portrait`.
    ax : matplotlib.axes.Axes, optional
    streamlines : bool
        Streamlines (True) or arrows (False) for the flow.
    energy : bool
        Shade the energy, where the portrait has it.
    legend : bool

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from attractors.models import RateNetwork
    >>> portrait = phase_portrait(RateNetwork([[2.5, -1.0], [-1.0, 2.5]]), (-4, 4), n_grid=9,
    ...                           n_fine=41, t_span=2.0, dt=0.1)
    >>> ax = plot_phase_portrait(portrait)
    >>> ax.get_xlabel()
    'unit 0 (model state units)'
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts() if "(" in t.get_text())
    ['saddle (4)', 'stable node (4)', 'unstable node (1)']
    """
    import matplotlib.pyplot as plt

    if not isinstance(portrait, xr.Dataset) or "dxdt" not in portrait:
        raise ParameterError("portrait must be the Dataset returned by phase_portrait()")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5.5), layout="constrained")
    xf, yf = portrait.x_fine.values, portrait.y_fine.values
    if energy and "energy" in portrait:
        mesh = ax.pcolormesh(xf, yf, portrait.energy.values, cmap="Greys", shading="auto",
                             alpha=0.5)
        plt.colorbar(mesh, ax=ax, label="energy")
    xs, ys = portrait.x.values, portrait.y.values
    vx, vy = portrait.velocity_x.values, portrait.velocity_y.values
    if streamlines:
        ax.streamplot(xs, ys, vx, vy, color="0.7", density=1.0, linewidth=0.7, arrowsize=0.8)
    else:
        norm = np.maximum(np.hypot(vx, vy), 1e-300)
        ax.quiver(xs, ys, vx / norm, vy / norm, color="0.6", angles="xy")
    for name, colour, label in (("x_nullcline", "tab:blue", r"nullcline $\dot x_0 = 0$"),
                                ("y_nullcline", "tab:orange", r"nullcline $\dot x_1 = 0$")):
        vertices = portrait[name].values
        ax.plot(vertices[:, 0], vertices[:, 1], color=colour, linewidth=1.8, label=label)
    for path in portrait.trajectory.values:
        ax.plot(path[:, 0], path[:, 1], color="tab:green", linewidth=1.0, alpha=0.8)
        ax.plot(path[0, 0], path[0, 1], "o", color="tab:green", markersize=3)
    points, labels = portrait.fixed_point_state.values, portrait.stability.values
    # Marker by stability, legend by the type of point (node, focus, saddle, ...).
    types = portrait.point_type.values if "point_type" in portrait else labels
    for label, style in _STYLES.items():
        for kind in np.unique(types[labels == label]):
            chosen = points[(labels == label) & (types == kind)]
            ax.plot(chosen[:, 0], chosen[:, 1], linestyle="none", marker="o", markersize=9,
                    color="tab:red", markeredgewidth=1.5, zorder=5,
                    label=f"{kind} ({len(chosen)})", **style)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    # Labelled from the portrait's long_name and units, as every attractors.plot function does.
    for set_label, axis in ((ax.set_xlabel, portrait["x"]), (ax.set_ylabel, portrait["y"])):
        units = axis.attrs.get("units")
        set_label(axis.attrs.get("long_name", axis.name) + (f" ({units})" if units else ""))
    ax.set_title(f"Phase portrait of {portrait.attrs.get('model', 'the system')}")
    if legend:
        ax.legend(fontsize="small", loc="upper right", framealpha=0.9)
    return ax
