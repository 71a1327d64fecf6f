"""The conformance suite every model runs through.

:func:`check_system` runs all checks on one model and solver (as scikit-learn's
``check_estimator`` does for estimators) and returns a
:class:`ConformanceReport` saying which checks ran and which were skipped, and
why; the individual checks are public so a test can run one of them.  Each
raises :class:`AssertionError` with a message naming the model and what went
wrong.

Examples
--------
>>> from attractors.models import DoubleWell
>>> from attractors.testing import check_system
>>> report = check_system(DoubleWell(), dt=0.01, energy=True)
>>> print(report)
DoubleWell (rk4): 8 passed, 0 skipped
  frozen_arrays            passed
  shapes                   passed
  reproducible             passed
  batch_matches_single     passed
  energy_nonincreasing     passed
  netcdf_roundtrip         passed
  rebuild_from_parameters  passed
  jacobian                 passed
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import numpy as np

from ._energy import check_energy
from ._simulate import simulate
from ._system import ContinuousSystem

__all__ = [
    "ConformanceReport",
    "check_batch_matches_single",
    "check_energy_nonincreasing",
    "check_frozen_arrays",
    "check_jacobian",
    "check_netcdf_roundtrip",
    "check_rebuild_from_parameters",
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
    assert single["state"].dims == ("time", "unit"), (
        f"{system.name}: single-trial dims {single['state'].dims}")
    assert single["state"].shape == (expected_times, n), (
        f"{system.name}: single-trial state shape {single['state'].shape}, "
        f"expected {(expected_times, n)}")
    assert batch["state"].dims == ("time", "trial", "unit"), (
        f"{system.name}: batch dims {batch['state'].dims}")
    assert batch["state"].shape == (expected_times, n_trials, n), (
        f"{system.name}: batch state shape {batch['state'].shape}")
    assert batch.attrs["model"] == system.name
    if "energy" in batch:
        assert batch["energy"].dims == ("time", "trial"), f"{system.name}: energy dims {batch['energy'].dims}"
    for name, (dim, values) in system.coords.items():
        assert name in batch.coords, f"{system.name}: coordinate {name!r} missing from the trajectory"
        assert batch.coords[name].dims == (dim,), f"{system.name}: coordinate {name!r} dims"
        np.testing.assert_array_equal(batch.coords[name].values, np.asarray(values),
                                      err_msg=f"{system.name}: coordinate {name!r} values")


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
        raise AssertionError(
            f"{system.name}: the netCDF round trip changed the trajectory:\n{error}") from None
    for name in run.variables:
        assert loaded[name].dtype == run[name].dtype or run[name].dtype.kind == "U", (
            f"{system.name}: variable {name!r} came back as {loaded[name].dtype}, not {run[name].dtype}")


def check_rebuild_from_parameters(system, *, solver=None, dt=0.01, n_steps=20, n_trials=3, seed=0,
                                  directory=None):
    """The model rebuilt from a saved trajectory's parameters reruns it exactly.

    The trajectory is written to netCDF and read back; ``type(system)(**parameters)``
    builds the model again from the file alone, and the same seed must then
    give an identical Dataset (states, energy, observables and attributes), so a
    file is enough to reproduce the run.
    """
    import xarray as xr

    from ._trajectory import parameters

    run = _run(system, None, solver=solver, dt=dt, n_steps=n_steps, seed=seed, n_trials=n_trials)
    with tempfile.TemporaryDirectory(dir=directory) as folder:
        path = Path(folder) / "trajectory.nc"
        run.to_netcdf(path)
        with xr.open_dataset(path) as loaded:
            loaded.load()
    params = parameters(loaded)
    try:
        rebuilt = type(system)(**params)
    except TypeError as error:
        raise AssertionError(
            f"{system.name}: cannot be rebuilt from its recorded parameters {sorted(params)}: "
            f"{error} (the constructor must accept what `params` returns)") from None
    again = _run(rebuilt, None, solver=solver, dt=dt, n_steps=n_steps, seed=seed, n_trials=n_trials)
    try:
        xr.testing.assert_identical(run, again)
    except AssertionError as error:
        raise AssertionError(
            f"{system.name}: the model rebuilt from the trajectory's parameters ran differently:\n"
            f"{error}") from None


def check_jacobian(system, *, n_states=2, seed=0, step=1e-6, tolerance=1e-6):
    r"""The analytic Jacobian agrees with central differences of the vector field.

    At ``n_states`` random states (the model's own initial states, nudged by
    1e-3 so that no unit sits exactly on a kink of a rectifying transfer
    function), column :math:`j` of the Jacobian is compared with
    :math:`(F(x + h e_j) - F(x - h e_j)) / 2h`, all columns in one batched call.
    With :math:`h = 10^{-6}\max(1, |x|_\infty)` the difference has error
    :math:`h^2 |F'''| / 6 + \epsilon |F| / h`, about 1e-10 of the scale
    :math:`s = \max |J| + 1` for the smooth models here; ``tolerance`` (1e-6 of
    :math:`s`) leaves room for third derivatives 1e4 times the scale, while a
    wrong term or sign gives errors of order :math:`s`.

    Raises
    ------
    NotImplementedError
        When the model gives no analytic Jacobian (nothing to check).
    """
    rng = np.random.default_rng(seed)
    x = _initial(system, n_states, seed).astype(np.float64)
    x = x + 1e-3 * rng.standard_normal(x.shape)
    analytic = np.asarray(system.jacobian(0.0, x, None))
    n = system.n_units
    assert analytic.shape == (n_states, n, n), (
        f"{system.name}: jacobian of a batch of shape {x.shape} has shape {analytic.shape}, "
        f"expected {(n_states, n, n)}")
    h = step * max(1.0, float(np.max(np.abs(x))))
    shifts = h * np.eye(n)  # row j is h e_j
    plus = system.vector_field(0.0, x[:, None, :] + shifts, None)
    minus = system.vector_field(0.0, x[:, None, :] - shifts, None)
    numeric = np.swapaxes((plus - minus) / (2 * h), -1, -2)  # [state, i, j] = dF_i / dx_j
    scale = float(np.max(np.abs(analytic))) + 1.0
    error = np.abs(analytic - numeric) / scale
    worst = np.unravel_index(np.argmax(error), error.shape)
    assert error[worst] <= tolerance, (
        f"{system.name}: analytic Jacobian differs from central differences by "
        f"{error[worst]:.3g} of its scale {scale:.3g} at state {worst[0]}, entry {worst[1:]} "
        f"(analytic {analytic[worst]:.6g}, numeric {numeric[worst]:.6g})")


def _held_arrays(obj, where, seen, depth=0):
    """(path, array) for every numpy array ``obj`` holds, in attributes, containers and
    the library's own sub-objects (transfer functions, convolvers), a few levels deep."""
    if id(obj) in seen or depth > 3:
        return
    seen.add(id(obj))
    attributes = dict(getattr(obj, "__dict__", {}))
    for slot in getattr(type(obj), "__slots__", ()):
        if hasattr(obj, slot):
            attributes[slot] = getattr(obj, slot)
    for key, value in attributes.items():
        path = f"{where}.{key}"
        items = (value.items() if isinstance(value, dict) else
                 enumerate(value) if isinstance(value, (list, tuple)) else [(None, value)])
        for index, item in items:
            item_path = path if index is None else f"{path}[{index!r}]"
            if isinstance(item, np.ndarray):
                yield item_path, item
            elif (not isinstance(item, type) and not callable(item)
                    and type(item).__module__.startswith("attractors")):
                yield from _held_arrays(item, item_path, seen, depth + 1)


def check_frozen_arrays(system):
    """Every numpy array the model holds is read-only.

    Models are immutable records of parameters: an array written after
    construction would be recorded in one place and used (or not) in another,
    and a compiled kernel reading an index array that was overwritten can crash.
    So each array a model keeps (its fields, private caches, and the arrays of
    the library objects it holds, such as transfer functions) must have
    ``flags.writeable`` False.
    """
    writable = sorted(path for path, array in _held_arrays(system, system.name, set())
                      if array.flags.writeable)
    assert not writable, (
        f"{system.name}: arrays that can still be written after construction: {', '.join(writable)} "
        "(copy them in __post_init__ and call setflags(write=False))")


@dataclasses.dataclass(frozen=True)
class ConformanceReport:
    """What :func:`check_system` checked: each check's name and outcome, in order.

    Attributes
    ----------
    model : str
        The model's name.
    solver : str or None
        The solver's name (None for a map).
    outcomes : dict
        ``{check: "passed"}`` or ``{check: "skipped: <reason>"}``.  A check that
        fails raises :class:`AssertionError` instead, so a report exists only for
        a model that passed every check that ran.
    """

    model: str
    solver: str | None
    outcomes: dict

    @property
    def passed(self) -> tuple:
        """The checks that ran (and passed)."""
        return tuple(name for name, outcome in self.outcomes.items() if outcome == "passed")

    @property
    def skipped(self) -> dict:
        """``{check: reason}`` for the checks that did not apply."""
        return {name: outcome.removeprefix("skipped: ") for name, outcome in self.outcomes.items()
                if outcome != "passed"}

    def __str__(self) -> str:
        width = max(map(len, self.outcomes), default=0)
        lines = [f"{self.model} ({self.solver or 'map'}): {len(self.passed)} passed, "
                 f"{len(self.skipped)} skipped"]
        lines += [f"  {name:<{width}}  {outcome}" for name, outcome in self.outcomes.items()]
        return "\n".join(lines)


def check_system(system, *, solver=None, dt=0.01, n_steps=20, n_trials=3, seed=0,
                 energy: bool | None = None, deterministic: bool | None = None,
                 rebuild: bool = True) -> ConformanceReport:
    """Run every conformance check on ``system`` and report what ran.

    The checks, in order: :func:`check_frozen_arrays`, :func:`check_shapes`,
    :func:`check_reproducible`, :func:`check_batch_matches_single`,
    :func:`check_energy_nonincreasing`, :func:`check_netcdf_roundtrip`,
    :func:`check_rebuild_from_parameters` and :func:`check_jacobian`.  The first
    failure raises :class:`AssertionError`.

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
    rebuild : bool, default True
        Whether the model can be rebuilt from its recorded parameters
        (``type(system)(**params)``); pass False for a model whose constructor
        takes something else.

    Returns
    -------
    ConformanceReport
        Which checks passed and which were skipped, with the reason.
    """
    from .solvers import get_solver

    continuous = isinstance(system, ContinuousSystem)
    solver_object = get_solver("rk4" if solver is None else solver) if continuous else None
    noisy = solver_object is not None and bool(np.any(getattr(solver_object, "noise", 0)))
    solver_name = None if solver_object is None else getattr(solver_object, "method", solver_object.name)
    if deterministic is not None:
        random_reason = "the caller says trials draw from the run's random generator"
    elif noisy:
        random_reason = "the solver adds noise, so a batch differs from single runs"
    else:  # a map may draw from the generator (random update orders) unless told otherwise
        random_reason = "a map may draw from the run's random generator (pass deterministic=True)"
    if deterministic is None:
        deterministic = continuous and not noisy
    common = {"solver": solver, "dt": dt, "n_steps": n_steps, "n_trials": n_trials, "seed": seed}
    outcomes = {}

    def run(name, check, skip_reason=None, **kwargs):
        if skip_reason:
            outcomes[name] = f"skipped: {skip_reason}"
            return
        check(system, **kwargs)
        outcomes[name] = "passed"

    run("frozen_arrays", check_frozen_arrays)
    run("shapes", check_shapes, **common)
    run("reproducible", check_reproducible, **common)
    run("batch_matches_single", check_batch_matches_single, None if deterministic else random_reason,
        **common)
    reason = None
    if energy is None:
        try:
            system.energy(_initial(system, None, seed))
            energy = deterministic
            reason = "a noisy run need not descend the energy"
        except NotImplementedError as error:
            energy, reason = False, f"no energy ({error})"
    run("energy_nonincreasing", check_energy_nonincreasing,
        None if energy else reason or "the caller says this run need not descend the energy",
        **{**common, "n_steps": max(n_steps, 200)})
    run("netcdf_roundtrip", check_netcdf_roundtrip, **common)
    run("rebuild_from_parameters", check_rebuild_from_parameters,
        None if rebuild else "the caller says the model is not built from its parameters", **common)
    reason = None if continuous else "a map has no Jacobian of a vector field"
    if reason is None:
        try:
            system.jacobian(0.0, _initial(system, None, seed), None)
        except NotImplementedError:
            reason = "the model gives no analytic Jacobian"
    run("jacobian", check_jacobian, reason, seed=seed)
    return ConformanceReport(system.name, solver_name, outcomes)
