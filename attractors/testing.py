"""The conformance suite every model runs through.

:func:`check_system` runs all checks on one model (as scikit-learn's
``check_estimator`` does for estimators); the individual checks are public so a
test can run one of them.  Each raises :class:`AssertionError` with a message
naming the model and what went wrong.

Examples
--------
>>> from attractors.models import DoubleWell
>>> from attractors.testing import check_system
>>> check_system(DoubleWell(), dt=0.01, energy=True)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from ._energy import check_energy
from ._simulate import simulate
from ._system import ContinuousSystem

__all__ = [
    "check_batch_matches_single",
    "check_energy_nonincreasing",
    "check_netcdf_roundtrip",
    "check_reproducible",
    "check_shapes",
    "check_system",
]


def _run(system, x0, *, solver, dt, n_steps, seed, **kwargs):
    continuous = isinstance(system, ContinuousSystem)
    return simulate(system, x0, n_steps=n_steps, dt=dt if continuous else None,
                    solver=solver if continuous else None, seed=seed, **kwargs)


def _initial(system, n_trials, seed):
    return np.asarray(system.initial_state(np.random.default_rng(seed), n_trials))


def check_shapes(system, *, solver=None, dt=0.01, n_steps=20, n_trials=3, seed=0):
    """Dims, shapes and labels of single and batched trajectories."""
    n = system.n_units
    single = _run(system, _initial(system, None, seed), solver=solver, dt=dt,
                  n_steps=n_steps, seed=seed, record_every=2)
    batch = _run(system, _initial(system, n_trials, seed), solver=solver, dt=dt,
                 n_steps=n_steps, seed=seed, record_every=2)
    expected_times = n_steps // 2 + 1 + (n_steps % 2)
    assert single["state"].dims == ("time", "unit"), f"{system.name}: single-trial dims {single['state'].dims}"
    assert single["state"].shape == (expected_times, n), (
        f"{system.name}: single-trial state shape {single['state'].shape}, expected {(expected_times, n)}")
    assert batch["state"].dims == ("time", "trial", "unit"), f"{system.name}: batch dims {batch['state'].dims}"
    assert batch["state"].shape == (expected_times, n_trials, n), (
        f"{system.name}: batch state shape {batch['state'].shape}")
    assert batch.attrs["model"] == system.name
    if "energy" in batch:
        assert batch["energy"].dims == ("time", "trial"), f"{system.name}: energy dims {batch['energy'].dims}"
    for name, (dim, values) in system.coords.items():
        assert name in batch.coords, f"{system.name}: coordinate {name!r} missing from the trajectory"
        assert batch.coords[name].dims == (dim,), f"{system.name}: coordinate {name!r} dims"


def check_batch_matches_single(system, *, solver=None, dt=0.01, n_steps=20, n_trials=3, seed=0):
    """A batch of trials gives the same states as the trials run one at a time.

    Tolerance: batched and single matrix products may round differently
    (gemm against gemv), by about N machine epsilons a step; over ``n_steps``
    steps of a non-chaotic model that stays far below 1e-10.  An adaptive solver
    integrates a batch with one step-size sequence, so its trials agree with
    single runs only to within the error tolerance: the solver bounds the local
    error per step by ``rtol |x| + atol`` and the global error accumulates over
    the tens of steps of a short run (measured up to 76x for BDF), so 200x is
    allowed.
    """
    from .solvers import get_solver

    rtol, atol = 1e-10, 1e-12
    if solver is not None and isinstance(system, ContinuousSystem) and get_solver(solver).adaptive:
        rtol, atol = 200 * get_solver(solver).rtol, 200 * get_solver(solver).atol
    x0 = _initial(system, n_trials, seed)
    batch = _run(system, x0, solver=solver, dt=dt, n_steps=n_steps, seed=seed)
    for trial in range(n_trials):
        single = _run(system, x0[trial], solver=solver, dt=dt, n_steps=n_steps, seed=seed)
        np.testing.assert_allclose(
            batch["state"].isel(trial=trial).values, single["state"].values, rtol=rtol, atol=atol,
            err_msg=f"{system.name}: trial {trial} of a batch differs from the same trial run alone")


def check_reproducible(system, *, solver=None, dt=0.01, n_steps=20, n_trials=3, seed=0):
    """The same seed gives the same trajectory, bit for bit (initial states drawn by simulate)."""
    import xarray as xr

    first = _run(system, None, solver=solver, dt=dt, n_steps=n_steps, seed=seed, n_trials=n_trials)
    second = _run(system, None, solver=solver, dt=dt, n_steps=n_steps, seed=seed, n_trials=n_trials)
    try:
        xr.testing.assert_identical(first, second)
    except AssertionError as error:
        raise AssertionError(f"{system.name}: the same seed gave different trajectories:\n{error}") from None


def check_energy_nonincreasing(system, *, solver=None, dt=0.01, n_steps=200, n_trials=5, seed=0):
    """The recorded energy never rises beyond round-off (for models that promise it)."""
    run = _run(system, _initial(system, n_trials, seed), solver=solver, dt=dt,
               n_steps=n_steps, seed=seed)
    assert "energy" in run, f"{system.name}: no energy recorded ({run.attrs['energy']})"
    check_energy(run, strict=True)


def check_netcdf_roundtrip(system, *, solver=None, dt=0.01, n_steps=20, n_trials=3, seed=0,
                           directory=None):
    """Writing a trajectory to netCDF and reading it back gives an identical Dataset."""
    import xarray as xr

    run = _run(system, None, solver=solver, dt=dt, n_steps=n_steps, seed=seed, n_trials=n_trials)
    with tempfile.TemporaryDirectory(dir=directory) as folder:
        path = Path(folder) / "trajectory.nc"
        run.to_netcdf(path)
        with xr.open_dataset(path) as loaded:
            loaded.load()
    try:
        xr.testing.assert_identical(run, loaded)
    except AssertionError as error:
        raise AssertionError(f"{system.name}: the netCDF round trip changed the trajectory:\n{error}") from None
    for name in run.variables:
        assert loaded[name].dtype == run[name].dtype or run[name].dtype.kind == "U", (
            f"{system.name}: variable {name!r} came back as {loaded[name].dtype}, not {run[name].dtype}")


def check_system(system, *, solver=None, dt=0.01, n_steps=20, n_trials=3, seed=0,
                 energy: bool | None = None, deterministic: bool | None = None):
    """Run every conformance check on ``system``.

    Parameters
    ----------
    system : DynamicalSystem
        The model.
    solver, dt : optional
        Solver and step for continuous systems (ignored for maps).
    energy : bool, optional
        Whether the model promises an energy that never increases for this
        solver and step; default: only check when the model defines an energy
        and the run is deterministic.
    deterministic : bool, optional
        Whether trials are independent of the random generator, so a batch must
        equal single runs; default: continuous systems with a noiseless solver.
    """
    from .solvers import get_solver

    continuous = isinstance(system, ContinuousSystem)
    noisy = continuous and solver is not None and np.any(getattr(get_solver(solver), "noise", 0))
    if deterministic is None:
        deterministic = continuous and not noisy
    common = {"solver": solver, "dt": dt, "n_steps": n_steps, "n_trials": n_trials, "seed": seed}
    check_shapes(system, **common)
    check_reproducible(system, **common)
    if deterministic:
        check_batch_matches_single(system, **common)
    if energy is None:
        try:
            system.energy(_initial(system, None, seed))
            energy = deterministic
        except NotImplementedError:
            energy = False
    if energy:
        check_energy_nonincreasing(system, **{**common, "n_steps": max(n_steps, 200)})
    check_netcdf_roundtrip(system, **common)
