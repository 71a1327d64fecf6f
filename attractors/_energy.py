"""Energy tracking: report every increase of a recorded Lyapunov function."""

from __future__ import annotations

import numpy as np

from ._validate import ParameterError, check_positive, describe

__all__ = ["EnergyIncreaseError", "check_energy"]


class EnergyIncreaseError(AssertionError):
    """Raised by ``check_energy(..., strict=True)`` when the energy went up."""


def check_energy(trajectory, *, rtol: float = 1e-9, atol: float = 0.0, strict: bool = False):
    r"""Report every increase of the recorded energy beyond round-off.

    Between consecutive records :math:`t_{k}` and :math:`t_{k+1}` of a trial, an
    increase is reported when

    .. math:: E_{k+1} - E_k > \mathrm{atol} + \mathrm{rtol}\,\max(|E_k|, |E_{k+1}|) .

    The default ``rtol = 1e-9`` is argued from round-off: an energy summed over
    the :math:`N^2` terms of a quadratic form carries a relative error of at most
    about :math:`N\epsilon` (2e-13 for N = 1000), while a real increase caused by
    the dynamics or an unstable step is many orders larger.  The tolerance is
    local (not relative to the largest energy of the run), so an energy that
    grows exponentially is caught from its first step.

    Parameters
    ----------
    trajectory : xarray.Dataset
        A trajectory from :func:`attractors.simulate` with an ``energy`` variable.
    rtol, atol : float
        Tolerances (relative to the two energies compared, and absolute).
    strict : bool
        Raise :class:`EnergyIncreaseError` when any increase is found.

    Returns
    -------
    xarray.Dataset
        One entry per increase along the dim ``violation``: ``time`` (when the
        higher energy was recorded), ``time_before``, ``trial`` (for batches),
        ``energy_before``, ``energy_after`` and ``increase``.  Empty when the
        energy never rose; ``attrs["n_violations"]`` counts them.
    """
    import xarray as xr

    if not isinstance(trajectory, xr.Dataset):
        raise ParameterError(
            f"trajectory must be an xarray.Dataset returned by attractors.simulate (with an "
            f"'energy' variable), got {describe(trajectory)}"
        )
    if "energy" not in trajectory:
        note = trajectory.attrs.get("energy", "no energy variable")
        raise ParameterError(f"the trajectory has no recorded energy ({note})")
    rtol = check_positive("rtol", rtol, allow_zero=True)
    atol = check_positive("atol", atol, allow_zero=True)
    energy = trajectory["energy"]
    if "time" not in energy.dims or energy.ndim > 2:
        raise ParameterError(
            f"the trajectory's energy must have dims ('time',) or ('time', 'trial'), got "
            f"{energy.dims}"
        )
    energy = energy.transpose("time", ...).values
    times = trajectory["time"].values
    batched = energy.ndim == 2
    if not batched:
        energy = energy[:, None]
    tolerance = atol + rtol * np.maximum(np.abs(energy[:-1]), np.abs(energy[1:]))
    with np.errstate(invalid="ignore"):
        increase = np.diff(energy, axis=0)
    where = np.argwhere(increase > tolerance)
    steps, trials = where[:, 0], where[:, 1]
    variables = {
        "time": ("violation", times[steps + 1]),
        "time_before": ("violation", times[steps]),
        "energy_before": ("violation", energy[steps, trials]),
        "energy_after": ("violation", energy[steps + 1, trials]),
        "increase": ("violation", increase[steps, trials]),
    }
    if batched:
        variables["trial"] = ("violation", trajectory["trial"].values[trials])
    report = xr.Dataset(variables, attrs={
        "n_violations": int(steps.size),
        "max_increase": float(increase[steps, trials].max()) if steps.size else 0.0,
        "rtol": rtol, "atol": atol,
    })
    if strict and steps.size:
        first = report.isel(violation=0)
        where_text = f" in trial {int(first['trial'])}" if batched else ""
        raise EnergyIncreaseError(
            f"the energy of {trajectory.attrs.get('model', 'the model')} rose {steps.size} "
            f"time(s); first{where_text} at t={float(first['time']):g} by "
            f"{float(first['increase']):.3g} (tolerance {float(tolerance[steps[0], trials[0]]):.3g})"
        )
    return report
