r"""A synthetic head-direction recording: a ring attractor's rates read out as Poisson spikes.

The generating function is kept next to the loader so that the shipped file can be
remade bit for bit: the same seed gives the same spikes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .._validate import check_integer, check_positive

__all__ = ["load_head_direction", "make_head_direction"]

#: The shipped file and the arguments it was made with.
DATA_FILE = Path(__file__).with_name("head_direction.npz")
DEFAULTS = {"seed": 2026, "n_units": 64, "duration": 40_000.0, "dt": 1.0,
            "turning_speed": 0.0015, "turning_time": 300.0, "heading_every": 10}


def _angular_velocity(rng, n_steps, dt, speed, correlation_time):
    r"""Ornstein-Uhlenbeck angular velocity (rad/ms), stationary std ``speed``, exact update."""
    decay = np.exp(-dt / correlation_time)
    kicks = speed * np.sqrt(1 - decay**2) * rng.standard_normal(n_steps)
    omega = np.empty(n_steps)
    omega[0] = speed * rng.standard_normal()
    # scipy's lfilter runs the recursion omega_k = decay omega_{k-1} + kick_k in C.
    from scipy.signal import lfilter

    omega[1:] = lfilter([1.0], [1.0, -decay], kicks[1:], zi=[decay * omega[0]])[0]
    return omega


def make_head_direction(seed: int = DEFAULTS["seed"], *, n_units: int = DEFAULTS["n_units"],
                        duration: float = DEFAULTS["duration"], dt: float = DEFAULTS["dt"],
                        turning_speed: float = DEFAULTS["turning_speed"],
                        turning_time: float = DEFAULTS["turning_time"],
                        heading_every: int = DEFAULTS["heading_every"]):
    r"""Make the synthetic head-direction data set (the script behind :func:`load_head_direction`).

    1. The animal's angular head velocity is an Ornstein-Uhlenbeck process,
       :math:`d\omega = -\omega\,dt/\tau_c + \sigma\sqrt{2/\tau_c}\,dW`, with stationary
       standard deviation ``turning_speed`` (rad/ms) and correlation time
       ``turning_time`` (ms), sampled every ``dt``.
    2. A :class:`~attractors.RingAttractor` of ``n_units`` with ``drive="velocity"``
       integrates it (:meth:`~attractors.RingAttractor.track`, RK4), so its bump
       follows the heading (Zhang 1996).
    3. Each unit fires as an inhomogeneous Poisson process with the ring's rate
       :math:`f(u_i)` (Hz): in each step a Poisson count with mean
       :math:`f(u_i)\,dt/1000`, the spikes placed uniformly within the step.

    Parameters
    ----------
    seed : int
        Seeds the turning trace and the spikes (the only randomness).
    n_units, duration, dt, turning_speed, turning_time
        As above (duration and dt in ms).
    heading_every : int
        Keep the true heading every this many steps.

    Returns
    -------
    xarray.Dataset
        ``spike_time`` (ms) and ``spike_unit`` over ``spike``; ``heading`` (rad,
        unwrapped) and ``angular_velocity`` over ``time``; ``preferred_direction``
        over ``unit``; attrs: every argument and the library version.

    Examples
    --------
    >>> data = make_head_direction(seed=1, n_units=16, duration=200.0)
    >>> data.sizes["unit"], bool((data.spike_time.diff("spike") >= 0).all())
    (16, True)
    """
    import xarray as xr

    from .._version import __version__
    from ..models import RingAttractor

    seed = check_integer("seed", seed, minimum=0)
    n_units = check_integer("n_units", n_units, minimum=4)
    duration, dt = check_positive("duration", duration), check_positive("dt", dt)
    turning_speed = check_positive("turning_speed", turning_speed, allow_zero=True)
    turning_time = check_positive("turning_time", turning_time)
    heading_every = check_integer("heading_every", heading_every, minimum=1)
    rng = np.random.default_rng(seed)
    n_steps = int(round(duration / dt)) + 1
    omega = _angular_velocity(rng, n_steps, dt, turning_speed, turning_time)
    ring = RingAttractor(n_units=n_units)
    run = ring.track(omega, dt=dt, seed=seed)
    rates = ring.rates(run["state"].values[:-1])  # Hz, held over each step
    counts = rng.poisson(rates * (dt / 1000.0))
    step, unit = np.nonzero(counts)
    repeats = counts[step, unit]
    step, unit = np.repeat(step, repeats), np.repeat(unit, repeats)
    times = dt * (step + rng.uniform(0.0, 1.0, step.size))
    order = np.argsort(times, kind="stable")
    keep = slice(None, None, heading_every)
    attrs = {"seed": seed, "n_units": n_units, "duration": duration, "dt": dt,
             "turning_speed": turning_speed, "turning_time": turning_time,
             "heading_every": heading_every, "model": "RingAttractor (Zhang 1996), drive='velocity'",
             "spikes": "Poisson with the ring's rates f(u) in Hz", "attractors_version": __version__,
             "time_unit": "ms"}
    return xr.Dataset(
        {
            "spike_time": ("spike", times[order], {"units": "ms"}),
            "spike_unit": ("spike", unit[order].astype(np.int32)),
            "heading": ("time", run["true_heading"].values[keep], {"units": "rad"}),
            "angular_velocity": ("time", omega[keep], {"units": "rad/ms"}),
            "preferred_direction": ("unit", ring.theta, {"units": "rad"}),
        },
        coords={"time": run["time"].values[keep], "unit": np.arange(n_units)},
        attrs=attrs,
    )


def _save(data, path=DATA_FILE):
    """Write ``data`` as the compressed npz that :func:`load_head_direction` reads."""
    arrays = {name: data[name].values for name in data.data_vars}
    arrays["time"] = data["time"].values
    np.savez_compressed(path, attrs=np.array(json.dumps(data.attrs, sort_keys=True)), **arrays)


def load_head_direction():
    r"""A synthetic head-direction recording: 64 ring-attractor units as Poisson spikes, 40 s.

    Made by :func:`make_head_direction` with its default arguments (seed 2026): a
    :class:`~attractors.RingAttractor` (Zhang 1996) follows a random head-turning trace
    (Ornstein-Uhlenbeck angular velocity, 1.5 rad/s standard deviation, 300 ms
    correlation time) and each unit fires Poisson spikes at its rate.  Shaped like a
    recording of head-direction cells (Taube et al. 1990; Chaudhuri et al. 2019 found
    the ring in such data): spike times and units, with the true heading beside them.

    Returns
    -------
    xarray.Dataset
        As :func:`make_head_direction`.

    Examples
    --------
    >>> data = load_head_direction()
    >>> data.sizes["unit"], data.attrs["seed"]
    (64, 2026)
    """
    import xarray as xr

    with np.load(DATA_FILE) as stored:
        attrs = json.loads(str(stored["attrs"]))
        return xr.Dataset(
            {
                "spike_time": ("spike", stored["spike_time"], {"units": "ms"}),
                "spike_unit": ("spike", stored["spike_unit"]),
                "heading": ("time", stored["heading"], {"units": "rad"}),
                "angular_velocity": ("time", stored["angular_velocity"], {"units": "rad/ms"}),
                "preferred_direction": ("unit", stored["preferred_direction"], {"units": "rad"}),
            },
            coords={"time": stored["time"], "unit": np.arange(stored["preferred_direction"].size)},
            attrs=attrs,
        )
