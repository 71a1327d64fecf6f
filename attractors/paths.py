r"""Animal paths from RatInABox as inputs: velocity for a grid sheet, head turning for a ring.

RatInABox (George et al. 2024; the optional extra ``paths``) simulates an animal
foraging in an environment with the statistics of real rats (speed, rotational
velocity and wall following fitted to Sargolini et al. 2006).  :func:`ratinabox_path`
runs its Agent and returns the path as a labelled Dataset in this library's units
(ms, m, m/s, rad); :func:`velocity_input` and :func:`angular_velocity_input` turn it
into :class:`attractors.inputs.Sampled` inputs for
:class:`~attractors.GridCellSheet` (velocity in m/s) and a
:class:`~attractors.RingAttractor` with ``drive="velocity"`` (rad/ms).
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np

from ._validate import ParameterError, check_choice, check_positive, describe
from .inputs import Sampled

__all__ = ["angular_velocity_input", "ratinabox_path", "velocity_input"]


def _ratinabox():
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            from ratinabox.Agent import Agent
            from ratinabox.Environment import Environment
    except ImportError as error:
        raise ImportError(
            "ratinabox is needed for animal paths but is not installed; install it with "
            "`pip install 'attractor-networks[paths]'` (or `pip install ratinabox`)") from error
    return Agent, Environment


def ratinabox_path(duration: float, *, dt: float = 10.0, seed: int = 0, box: float = 1.0,
                   boundary: str = "periodic", speed_mean: float = 0.08):
    r"""A foraging path from RatInABox's Agent, in ms, m and rad.

    The Agent's velocity is a pair of Ornstein-Uhlenbeck processes (speed, Rayleigh
    distributed with mean ``speed_mean``; rotational velocity, std 120 deg/s,
    coherence 80 ms) with wall repulsion, fitted to rats by George et al. (2024).

    Parameters
    ----------
    duration : float
        Length of the path in ms.
    dt : float
        The Agent's step in ms (RatInABox's default is 50 ms; 10 ms follows turns).
    seed : int
        Seeds RatInABox, which draws from numpy's global generator; the global state
        is restored afterwards, so nothing else is disturbed.
    box : float
        Side of the square environment in m.
    boundary : {"periodic", "solid"}
        Periodic walls suit a sheet on a torus; solid walls are a real arena.
    speed_mean : float
        Mean running speed in m/s.

    Returns
    -------
    xarray.Dataset
        Over ``time`` (ms, from 0): ``position`` and ``velocity`` (``(time, axis)``
        with axis ``x, y``; m and m/s), ``head_direction`` (rad, unwrapped) and
        ``angular_velocity`` (rad/ms, its derivative by central differences).

    References
    ----------
    T. M. George, M. Rastogi, W. de Cothi, C. Clopath, K. Stachenfeld & C. Barry
    (2024), RatInABox, a toolkit for modelling locomotion and neuronal activity in
    continuous environments, eLife 13, e85274.

    Examples
    --------
    >>> path = ratinabox_path(1000.0, seed=1)      # doctest: +SKIP
    >>> path.sizes["time"], path.position.dims     # doctest: +SKIP
    (101, ('time', 'axis'))
    """
    import xarray as xr

    duration, dt = check_positive("duration", duration), check_positive("dt", dt)
    box, speed_mean = check_positive("box", box), check_positive("speed_mean", speed_mean)
    boundary = check_choice("boundary", boundary, ["periodic", "solid"])
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be an integer >= 0, got {describe(seed)}")
    n_steps = int(round(duration / dt))
    if n_steps < 2:
        raise ParameterError(f"duration must be at least 2 steps of dt={dt:g} ms, got {duration:g}")
    Agent, Environment = _ratinabox()
    saved = np.random.get_state()
    try:
        np.random.seed(int(seed))
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            environment = Environment(params={"scale": box, "boundary_conditions": boundary})
            agent = Agent(environment, params={"dt": dt / 1000.0, "speed_mean": speed_mean})
            agent.history["t"].append(agent.t)  # the start, so the path begins at time 0
            agent.history["pos"].append(agent.pos.tolist())
            agent.history["vel"].append(agent.velocity.tolist())
            for _ in range(n_steps):
                agent.update()
    finally:
        np.random.set_state(saved)
    position = np.asarray(agent.history["pos"], dtype=np.float64)
    velocity = np.asarray(agent.history["vel"], dtype=np.float64)
    times = dt * np.arange(position.shape[0])
    head = np.unwrap(np.arctan2(velocity[:, 1], velocity[:, 0]))
    return xr.Dataset(
        {
            "position": (("time", "axis"), position, {"units": "m"}),
            "velocity": (("time", "axis"), velocity, {"units": "m/s"}),
            "head_direction": ("time", head, {"units": "rad",
                                              "long_name": "direction of motion, unwrapped"}),
            "angular_velocity": ("time", np.gradient(head, times), {"units": "rad/ms"}),
        },
        coords={"time": times, "axis": ["x", "y"]},
        attrs={"source": "RatInABox Agent", "seed": int(seed), "dt": dt, "box": box,
               "boundary": boundary, "speed_mean": speed_mean, "time_unit": "ms"},
    )


def _path(path):
    if not hasattr(path, "data_vars") or "velocity" not in path or "time" not in path.coords:
        raise ParameterError(f"path must be a Dataset from ratinabox_path, got {describe(path)}")
    return path


def velocity_input(path) -> Sampled:
    r"""The path's velocity (m/s), linearly interpolated: the input of a grid sheet.

    For :class:`~attractors.GridCellSheet`, whose input is the velocity in m/s.
    """
    path = _path(path)
    return Sampled(path["time"].values, path["velocity"].transpose("time", "axis").values)


def angular_velocity_input(path) -> Sampled:
    r"""The path's angular velocity (rad/ms), the input of a ring that integrates heading.

    For a :class:`~attractors.RingAttractor` with ``drive="velocity"``.
    Its integral is the unwrapped ``head_direction`` (up to the central-difference
    error of :func:`numpy.gradient`), so the ring's bump follows the head direction.
    """
    path = _path(path)
    return Sampled(path["time"].values, path["angular_velocity"].values)
