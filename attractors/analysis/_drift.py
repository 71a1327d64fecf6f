r"""Drift along an attractor under noise: a point attractor returns, a ring diffuses.

Perturbations of a point attractor decay in every direction, so under ongoing
noise the state returns and its mean squared displacement saturates; a ring
has a zero mode, along which noise is not opposed, so the bump diffuses and the
displacement grows linearly in time (Burak & Fiete 2012).
:func:`drift_along_attractor` measures that drift and, for a ring, predicts it
from the Jacobian: with additive noise :math:`dx = F\,dt + \sigma\,dW`,
projecting onto the zero mode with the left null vector :math:`l` of :math:`J`
(:math:`l^\top J = 0`) gives

.. math:: d\phi = \frac{\sigma\, l^\top dW}{l^\top \partial_\theta u^*}, \qquad
          D = \frac{\sigma^2 \lVert l\rVert^2}{2\,(l^\top \partial_\theta u^*)^2},
          \qquad \langle (\phi(t) - \phi(0))^2 \rangle = 2 D t .

The helper ``_polish`` (a fixed point near a given state, or a refusal) is
shared with :func:`~attractors.analysis.compare`.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from .._simulate import simulate
from .._system import ContinuousSystem, DiscreteSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive
from ..solvers import EulerMaruyama
from ._bump import bump_position
from ._fixed_points import find_fixed_points
from ._stability import _check_system, _labelled, _time_units

__all__ = ["drift_along_attractor"]

#: A state further than half the attractor's norm from it (the bump, rotated to where it
#: went) no longer resembles it: the noise is beyond the linear regime.
_OFF_ATTRACTOR = 0.5
#: Decay times of the slowest non-zero mode left out before the MSD is fitted: the
#: transient of a mode falls as exp(-10) = 4.5e-5 by then.
_SETTLE_DECAY_TIMES = 10.0


def _ring_angles(system):
    from ._continuous import ring_coordinate

    try:
        return ring_coordinate(system)[1]
    except ParameterError:
        return None


def _polish(system, target, seed):
    """The fixed point of ``system`` near ``target`` (one row of find_fixed_points), or refuse."""
    target = check_finite_array("target", target, dtype=np.float64)
    if target.shape != (system.n_units,):
        raise ParameterError(f"the target of {system.name} must have shape ({system.n_units},), "
                             f"got {target.shape}")
    if isinstance(system, DiscreteSystem):
        found = find_fixed_points(system, target[None].astype(system.state_dtype),
                                  exhaustive=False, seed=seed)
        if found.sizes["fixed_point"] == 0 or int(found.period.values[0]) != 1:
            raise ParameterError(f"no fixed point of {system.name} is reached from its target: "
                                 "give a target on an attractor")
        return found.isel(fixed_point=0)
    found = find_fixed_points(system, target[None], max_q=1e300)
    if found.sizes["fixed_point"] == 0 or not bool(found.is_fixed_point.values[0]):
        raise ParameterError(f"no fixed point of {system.name} near its target (max |F| after "
                             "polishing is above 1e-10): give a target on an attractor")
    return found.isel(fixed_point=0)


def _settle_time(values, zero_tol):
    """Slowest rate among the modes that are not zero modes, and 10 decay times of it.

    Zero modes (|lambda| <= zero_tol: along a ring, or a second neutral direction) never
    settle and are what the drift measures; a growing mode never settles either (inf).
    """
    rest = np.asarray(values)[np.abs(values) > zero_tol].real
    decay = float(np.max(rest)) if rest.size else -1.0
    return decay, (_SETTLE_DECAY_TIMES / abs(decay) if decay < 0 else np.inf)


def _slope(lags, msd):
    """Least-squares slope of msd against lag, per row."""
    lag = lags - lags.mean()
    return (msd - msd.mean(axis=-1, keepdims=True)) @ lag / np.sum(lag**2)


def drift_along_attractor(system, state, noise, *, t_span, dt, n_trials: int = 50,
                          transient: float | None = None, n_records: int = 400,
                          seed: int = 0) -> xr.Dataset:
    r"""Diffusion along an attractor under additive noise, measured and (for a ring) predicted.

    Runs ``n_trials`` copies from the fixed point ``state`` with
    Euler-Maruyama, :math:`dx = F\,dt + \sigma\,dW`, and follows a coordinate
    along the attractor: for a ring (units with an angular coordinate) the
    unwrapped bump position :math:`\phi` (radians); otherwise the projection
    :math:`c = v^\top (x - x^*)` on the unit eigenvector of the slowest mode
    (the direction in which the attractor is softest).  The mean squared
    displacement over lag :math:`\tau`, averaged over trials and start times
    after ``transient``, gives the diffusion coefficient from its slope,

    .. math:: D = \frac{1}{2} \frac{d}{d\tau}
              \big\langle (c(t + \tau) - c(t))^2 \big\rangle ,

    fitted over lags from 1/4 to 1/2 of the record after the transient (long
    against the decay of the other modes).  For a point attractor the MSD
    saturates at :math:`2\,\mathrm{Var}(c)` and D tends to 0; for a ring D is
    the bump's diffusion coefficient, compared with the prediction from the
    Jacobian (module notes), which needs a zero mode: without one (a ring
    pinned by its lattice, or a state that is not on the ring) the prediction
    is NaN.  The standard error comes from the spread of the per-trial slopes.

    The fit needs the other modes settled into their stationary fluctuations:
    the transient should last 10 decay times of the slowest non-zero mode.
    When the run is too short for that (the transient is capped at a quarter
    of it), a warning says so and ``settled`` is False.

    Parameters
    ----------
    system : ContinuousSystem
    state : array_like, shape (n_units,)
        A fixed point (polished first).
    noise : float
        :math:`\sigma`, per unit of :math:`\sqrt{\text{time}}`.
    t_span, dt : float
        Length of the noisy runs and the step.
    n_trials : int
    transient : float, optional
        Time left out at the start (default: 10 / (the slowest non-zero decay rate),
        at most a quarter of the run).
    n_records : int
        Records per run.
    seed : int

    Returns
    -------
    xarray.Dataset
        ``coordinate`` (trial, time), ``msd`` (lag), and scalars
        ``diffusion_coefficient``, ``diffusion_stderr``,
        ``diffusion_theory`` (NaN without a zero mode, zero when every mode
        decays), ``stationary_variance`` (the variance of the coordinate over
        trials at the end), ``return_distance`` (mean
        :math:`\lVert x(T) - x^*\rVert / \lVert x^*\rVert`),
        ``off_attractor_distance`` (the same from the nearest point of the
        attractor: for a ring the bump rotated to where it went; above 0.5 a
        warning says the noise has left the linear regime), ``settled``; attrs
        ``kind`` ("ring" or "point"), ``units`` of the coordinate,
        ``transient``, ``slowest_decay``, ``settle_time`` (10 decay times).
        Every variable carries ``long_name`` and ``units``.

    References
    ----------
    Y. Burak and I. R. Fiete, PNAS 109, 17645 (2012).

    Examples
    --------
    A point attractor (one stored pattern in a rate network) returns: its
    diffusion coefficient is zero within the error.

    >>> import numpy as np
    >>> from attractors.models import RateNetwork
    >>> xi = np.where(np.arange(16) % 3 == 0, 1.0, -1.0)
    >>> drift = drift_along_attractor(RateNetwork(3 * np.outer(xi, xi) / 16), 2.9 * xi, 0.1,
    ...                               t_span=60.0, dt=0.1, n_trials=20)
    >>> drift.attrs["kind"], bool(drift.settled), float(drift.diffusion_theory)
    ('point', True, 0.0)
    """
    _check_system(system, ContinuousSystem)
    noise = check_positive("noise", noise)
    t_span, dt = check_positive("t_span", t_span), check_positive("dt", dt)
    n_trials = check_integer("n_trials", n_trials, minimum=2)
    n_records = check_integer("n_records", n_records, minimum=8)
    if transient is not None:
        transient = check_positive("transient", transient, allow_zero=True)
    fixed = _polish(system, state, seed)
    x_star = fixed.state.values
    zero_tol = float(fixed.attrs["stability_tol"])
    values = fixed.eigenvalue_real.values + 1j * fixed.eigenvalue_imag.values
    vectors = fixed.eigenvector_real.values + 1j * fixed.eigenvector_imag.values
    J = fixed.jacobian.values
    angles = _ring_angles(system)
    total = int(round(t_span / dt))
    every = max(1, total // n_records)
    run = simulate(system, np.repeat(x_star[None], n_trials, axis=0), t_span=t_span, dt=dt,
                   solver=EulerMaruyama(noise), record_every=every, seed=seed)
    states = run.state.transpose("trial", "time", "unit").values
    times = run.time.values - run.time.values[0]
    nearest_zero = int(np.argmin(np.abs(values)))
    has_zero_mode = abs(values[nearest_zero]) <= zero_tol
    if angles is not None:
        from ._continuous import ring_derivative

        kind, units = "ring", "rad"
        activity = states - states.min(axis=-1, keepdims=True)
        position = np.unwrap(bump_position(activity, angles), axis=-1)
        coordinate = position - position[:, :1]
        if has_zero_mode:
            left_values, left_vectors = np.linalg.eig(J.T)
            left = np.real(left_vectors[:, np.argmin(np.abs(left_values))])
            theory = noise**2 * np.sum(left**2) / (2 * (left @ ring_derivative(x_star)) ** 2)
        else:  # no zero mode: the bump is pinned (or not on the ring); no prediction
            theory = np.nan
    else:
        kind, units = "point", "state"
        slowest = np.real(vectors[:, 0])
        slowest /= np.linalg.norm(slowest)
        coordinate = (states - x_star) @ slowest
        theory = 0.0 if np.all(values.real < -zero_tol) else np.nan
    decay, settle_time = _settle_time(values, zero_tol)
    if transient is None:
        transient = min(settle_time, 0.25 * times[-1])
    settled = bool(transient >= settle_time)
    if not settled:
        warnings.warn(f"drift_along_attractor({system.name}): the fit starts at t = "
                      f"{transient:g}, before the other modes have settled ({_SETTLE_DECAY_TIMES:g} "
                      f"decay times = {settle_time:.3g} {_time_units(system)}); run longer "
                      "(t_span of at least 4x that) for a diffusion coefficient of the "
                      "stationary fluctuations", stacklevel=2)
    keep = times >= transient
    c = coordinate[:, keep]
    n = c.shape[1]
    lags = np.arange(1, max(2, n // 2) + 1)
    msd_trials = np.stack([np.mean((c[:, k:] - c[:, :-k]) ** 2, axis=1) for k in lags], axis=1)
    lag_times = lags * every * dt
    window = lags >= max(1, n // 8)
    slopes = _slope(lag_times[window], msd_trials[:, window]) / 2
    norm = max(np.linalg.norm(x_star), 1e-300)
    distance = np.linalg.norm(states[:, -1] - x_star, axis=-1) / norm
    if angles is not None:  # the nearest point of the ring: the bump moved to where it went
        from ._continuous import shift_on_ring

        nearest = shift_on_ring(x_star, coordinate[:, -1])
        off = np.linalg.norm(states[:, -1] - nearest, axis=-1) / norm
    else:
        off = distance
    off = float(np.mean(off))
    if off > _OFF_ATTRACTOR:
        warnings.warn(f"drift_along_attractor({system.name}): the noise drives the state off the "
                      f"attractor (mean distance {off:.2g} of its norm at the end); the drift "
                      "measured is not diffusion along it and the linear prediction does not "
                      "apply: lower the noise", stacklevel=2)
    time = _time_units(system)
    result = xr.Dataset(
        {"coordinate": (("trial", "time"), coordinate),
         "msd": ("lag", msd_trials.mean(axis=0)),
         "diffusion_coefficient": ((), float(np.mean(slopes))),
         "diffusion_stderr": ((), float(np.std(slopes, ddof=1) / np.sqrt(n_trials))),
         "diffusion_theory": ((), float(theory)),
         "stationary_variance": ((), float(np.var(coordinate[:, -1]))),
         "return_distance": ((), float(np.mean(distance))),
         "off_attractor_distance": ((), off),
         "settled": ((), settled)},
        coords={"trial": np.arange(n_trials), "time": times, "lag": lag_times},
        attrs={"model": system.name, "kind": kind, "units": units, "noise": noise,
               "transient": float(transient), "slowest_decay": float(decay),
               "settle_time": float(settle_time)})
    return _labelled(result, {
        "coordinate": ("bump position (unwrapped) from its start" if kind == "ring" else
                       "projection on the slowest mode from the fixed point", units),
        "msd": ("mean squared displacement along the attractor", f"{units}^2"),
        "diffusion_coefficient": ("diffusion coefficient along the attractor (measured)",
                                  f"{units}^2/{time}"),
        "diffusion_stderr": ("standard error of the diffusion coefficient", f"{units}^2/{time}"),
        "diffusion_theory": ("diffusion coefficient predicted from the Jacobian",
                             f"{units}^2/{time}"),
        "stationary_variance": ("variance of the coordinate over trials at the end",
                                f"{units}^2"),
        "return_distance": ("mean |x(T) - x*| / |x*|", "1"),
        "off_attractor_distance": ("mean distance of x(T) from the attractor (the rotated bump "
                                   "on a ring), relative to |x*|", "1"),
        "settled": (f"fit started after {_SETTLE_DECAY_TIMES:g} decay times of the slowest "
                    "non-zero mode", "1"),
        "time": ("time since the start of the noisy runs", time),
        "lag": ("lag", time),
    })
