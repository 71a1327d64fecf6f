r"""Parameter sweeps: one function over a grid of parameters and trials.

:func:`sweep` runs in-process, on local worker processes, or on a
:mod:`dask.distributed` cluster with the same call and the same result; writes
every finished point to disk as it completes; and, rerun with the same
arguments after an interruption, computes only the missing points.

Seeds are derived per point, so the result does not depend on the scheduler,
the number of workers or the order in which points finish:

.. math::

    \text{rng}(\text{point}) = \texttt{default\_rng}(\texttt{SeedSequence}(
        \text{seed}, \text{spawn\_key} = (h_1, h_2, \text{trial})))

where :math:`(h_1, h_2)` are the first 8 bytes of the SHA-256 of the point's
parameter values (NumPy's documented way to derive independent streams,
keyed here by the point itself rather than by its position in the grid, so
extending a grid never changes the points already computed).
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import numbers
import os
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from ._validate import ParameterError, check_integer, describe

__all__ = ["SweepStoreError", "sweep", "worker_pool"]

_STORE_FORMAT = 1


class SweepStoreError(ParameterError):
    """A results store belongs to a different sweep, or is damaged."""


# -- the grid and its seeds ----------------------------------------------------


def _canonical(value):
    """A JSON-able rendering of one parameter value that is the same on every machine."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return repr(float(value))  # exact round trip of the float
    raise ParameterError(
        f"sweep parameter values must be numbers, strings, booleans or None; got {describe(value)}"
    )


def _validate_grid(params) -> dict[str, list]:
    if not isinstance(params, Mapping) or not params:
        raise ParameterError(
            f"params must be a non-empty mapping {{name: [values, ...]}}, got {describe(params)}"
        )
    grid = {}
    for name, values in params.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterError(f"params keys must be parameter names, got {name!r}")
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise ParameterError(
                f"params[{name!r}] must be a sequence of values to sweep over, got {describe(values)}"
                f" (for a single value write [{values!r}] or pass it in fixed=)"
            )
        values = list(np.asarray(values).tolist()) if isinstance(values, np.ndarray) else list(values)
        if not values:
            raise ParameterError(f"params[{name!r}] is empty: give at least one value")
        keys = [json.dumps(_canonical(v)) for v in values]
        if len(set(keys)) != len(keys):
            raise ParameterError(f"params[{name!r}] has repeated values: {values!r}")
        kinds = {type(_canonical(v)) for v in values}
        if len(kinds) > 1 and not kinds <= {int, str}:  # ints and float reprs mix: fine
            raise ParameterError(f"params[{name!r}] mixes value types: {values!r}")
        grid[name] = values
    return grid


def _point_seed(seed: int, values: dict, trial: int) -> np.random.SeedSequence:
    text = json.dumps([[name, _canonical(values[name])] for name in sorted(values)])
    digest = hashlib.sha256(text.encode()).digest()
    h1, h2 = int.from_bytes(digest[:4], "little"), int.from_bytes(digest[4:8], "little")
    return np.random.SeedSequence(seed, spawn_key=(h1, h2, trial))


def _point_name(values: dict, trial: int) -> str:
    text = json.dumps([[name, _canonical(values[name])] for name in sorted(values)] + [trial])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# -- the function being swept --------------------------------------------------


def _resolve_function(fn) -> tuple[Callable, str]:
    if isinstance(fn, str):
        from .protocols import PROTOCOLS

        if fn not in PROTOCOLS:
            raise ParameterError(
                f"fn must be a callable or a built-in protocol ({', '.join(map(repr, PROTOCOLS))}), "
                f"got {fn!r}"
            )
        return PROTOCOLS[fn], f"protocol:{fn}"
    if not callable(fn):
        raise ParameterError(f"fn must be a callable or a protocol name, got {describe(fn)}")
    module = getattr(fn, "__module__", None) or "?"
    return fn, f"{module}.{getattr(fn, '__qualname__', repr(fn))}"


def _check_signature(fn, names):
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins without a signature: trust the caller
        return
    parameters = signature.parameters
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return
    accepted = {name for name, p in parameters.items()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    if "rng" not in accepted:
        raise ParameterError(
            f"the swept function {getattr(fn, '__name__', fn)!r} must take a keyword argument "
            "`rng` (a numpy Generator seeded for each point)"
        )
    unknown = sorted(set(names) - accepted)
    if unknown:
        raise ParameterError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))} for "
            f"{getattr(fn, '__name__', fn)!r}, which takes {', '.join(sorted(accepted - {'rng'}))}"
        )


def _as_dataset(result):
    """Normalise what the swept function returned to an xarray.Dataset."""
    import xarray as xr

    if isinstance(result, xr.Dataset):
        return result
    if isinstance(result, xr.DataArray):
        return result.to_dataset(name=result.name or "value")
    if isinstance(result, Mapping):
        data = {}
        for name, value in result.items():
            if isinstance(value, xr.DataArray):
                data[name] = value
            else:
                array = np.asarray(value)
                data[name] = ([f"{name}_dim_{k}" for k in range(array.ndim)], array)
        return xr.Dataset(data)
    if np.ndim(result) == 0 and isinstance(np.asarray(result).item(), (numbers.Number, np.bool_)):
        return xr.Dataset({"value": ((), np.asarray(result))})
    raise TypeError(
        f"a swept function must return a number, a mapping of arrays or an xarray object, "
        f"got {type(result).__name__}"
    )


def _run_point(fn, kwargs, seed_sequence):
    """Run one point (in whatever process the scheduler chose)."""
    rng = np.random.default_rng(seed_sequence)
    return _as_dataset(fn(**kwargs, rng=rng)).load()


# -- the results store -----------------------------------------------------------


class _Store:
    """A folder: ``sweep.json`` (what sweep this is) and one netCDF file per finished point.

    Each point is written to a temporary file and renamed into place, so a point
    is either complete on disk or absent, whenever the process is killed.
    """

    def __init__(self, path, description: dict):
        self.path = Path(path)
        self.points = self.path / "points"
        manifest = self.path / "sweep.json"
        if self.path.exists() and not self.path.is_dir():
            raise SweepStoreError(f"store {str(self.path)!r} exists and is not a folder")
        if manifest.exists():
            try:
                existing = json.loads(manifest.read_text())
            except json.JSONDecodeError as error:
                raise SweepStoreError(f"store {str(self.path)!r} has a damaged sweep.json: {error}") from error
            if existing.get("sweep") != description:
                differences = sorted(
                    key for key in set(existing.get("sweep", {})) | set(description)
                    if existing.get("sweep", {}).get(key) != description.get(key)
                )
                raise SweepStoreError(
                    f"store {str(self.path)!r} holds a different sweep (differs in: "
                    f"{', '.join(differences)}); use another store, or delete this one to start over"
                )
        elif self.path.exists() and any(self.path.iterdir()):
            raise SweepStoreError(
                f"store {str(self.path)!r} is a non-empty folder that is not a sweep store; "
                "refusing to write into it"
            )
        else:
            self.points.mkdir(parents=True, exist_ok=True)
            temporary = manifest.with_suffix(".json.tmp")
            temporary.write_text(json.dumps({"format": _STORE_FORMAT, "sweep": description}, indent=1))
            os.replace(temporary, manifest)
        self.points.mkdir(exist_ok=True)

    def done(self) -> set[str]:
        return {path.stem for path in self.points.glob("*.nc")}

    def write(self, name: str, dataset) -> None:
        final = self.points / f"{name}.nc"
        temporary = self.points / f".{name}.nc.tmp"
        dataset.to_netcdf(temporary)
        os.replace(temporary, final)

    def read(self, name: str):
        import xarray as xr

        with xr.open_dataset(self.points / f"{name}.nc") as dataset:
            return dataset.load()


# -- scheduling ------------------------------------------------------------------


def _executor(scheduler):
    """Validate ``scheduler`` -> (kind, target); nothing is started or connected here.

    Kinds: "inline" (None), "pool" (number of new local workers), "executor" (the
    caller's Executor), "dask" (a Client), "address" (a scheduler address).
    """
    if scheduler is None or scheduler in ("sync", "inline", "synchronous"):
        return "inline", None
    if scheduler == "processes":
        return "pool", os.cpu_count() or 1
    if isinstance(scheduler, numbers.Integral) and not isinstance(scheduler, bool):
        return "pool", check_integer("scheduler", scheduler, minimum=1)
    if isinstance(scheduler, str):
        if "://" not in scheduler and ":" not in scheduler:
            raise ParameterError(
                f"scheduler must be None, 'processes', a number of worker processes, a dask "
                f"distributed Client or a scheduler address like 'tcp://host:8786'; got {scheduler!r}"
            )
        try:
            import distributed  # noqa: F401
        except ImportError as error:
            raise ParameterError(
                f"scheduler={scheduler!r} needs dask.distributed: pip install 'attractor-networks[parallel]'"
            ) from error
        return "address", scheduler
    if type(scheduler).__name__ == "Client" and hasattr(scheduler, "submit"):
        return "dask", scheduler
    import concurrent.futures as cf

    if isinstance(scheduler, cf.Executor):
        return "executor", scheduler
    raise ParameterError(
        f"scheduler must be None, 'processes', a number of worker processes, an Executor, a dask "
        f"distributed Client or a scheduler address; got {describe(scheduler)}"
    )


_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "NUMBA_NUM_THREADS")


def _warm(_):
    """Run in each new worker so that all of them start while the thread settings hold."""
    return os.getpid()


def worker_pool(n_workers: int, *, preload=()):
    """A pool of local worker processes for :func:`sweep`, to keep warm across calls.

    Workers start from a forkserver that has imported ``attractors`` (never by
    ``fork`` from a process whose numba or BLAS threads a child would inherit
    broken) and run one BLAS and numba thread each, unless the environment says
    otherwise: the sweep's points are the parallelism.  All workers are started
    before the pool is returned.

    Parameters
    ----------
    n_workers : int
        Number of worker processes.
    preload : sequence of str
        Further modules for the forkserver to import once (e.g. the module of the
        swept function).

    Returns
    -------
    concurrent.futures.ProcessPoolExecutor
        Pass it as ``scheduler=``; shut it down (or use it in a ``with`` block)
        when done.
    """
    import concurrent.futures as cf
    import multiprocessing

    n_workers = check_integer("n_workers", n_workers, minimum=1)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["attractors"] + [m for m in preload if m])
    saved = {var: os.environ.get(var) for var in _THREAD_VARIABLES}
    for var in _THREAD_VARIABLES:
        os.environ.setdefault(var, "1")
    try:
        pool = cf.ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
        list(pool.map(_warm, range(n_workers)))  # start every worker while the settings hold
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
    return pool


def _completed(kind, executor, fn, jobs):
    """Yield (name, dataset) for every job as it completes."""
    if not jobs:  # e.g. a resumed sweep that is already complete: start no workers
        return
    if kind == "inline":
        for name, kwargs, seed_sequence in jobs:
            yield name, _run_point(fn, kwargs, seed_sequence)
        return
    if kind == "pool":  # new workers for this call, shut down after it
        with worker_pool(executor, preload=[getattr(fn, "__module__", None)]) as pool:
            yield from _completed("executor", pool, fn, jobs)
        return
    if kind == "address":  # connect only now that there is work, and close after it
        from distributed import Client

        with Client(executor) as client:
            yield from _completed("dask", client, fn, jobs)
        return
    if kind == "executor":  # the caller's pool: used, not shut down
        import concurrent.futures as cf

        futures = {executor.submit(_run_point, fn, kwargs, seed): name for name, kwargs, seed in jobs}
        for future in cf.as_completed(futures):
            yield futures[future], future.result()
        return
    from distributed import as_completed

    futures = {}
    for name, kwargs, seed_sequence in jobs:
        futures[executor.submit(_run_point, fn, kwargs, seed_sequence, key=f"attractors-sweep-{name}",
                                pure=False)] = name
    for future in as_completed(futures):
        yield futures[future], future.result()


# -- assembling the result ---------------------------------------------------------


def _assemble(grid: dict, trials: int, results: dict, names: dict, attrs: dict):
    import xarray as xr

    dims = list(grid) + ["trial"]
    shape = tuple(len(v) for v in grid.values()) + (trials,)
    template = results[next(iter(names.values()))]
    data = {}
    for var, array in template.data_vars.items():
        fill = np.nan if array.dtype.kind in "fc" else (False if array.dtype == bool else 0)
        dtype = np.result_type(array.dtype, np.float64) if array.dtype.kind in "iu" else array.dtype
        out = np.full(shape + array.shape, fill, dtype=dtype)
        data[var] = (dims + list(array.dims), out, dict(array.attrs))
    for index, name in names.items():
        point = results[name]
        for var, (_, out, _) in data.items():
            if var not in point or point[var].shape != template[var].shape:
                raise ValueError(
                    f"the swept function returned inconsistent results: variable {var!r} has "
                    f"shape {template[var].shape} at the first point but "
                    f"{point[var].shape if var in point else 'is missing'} at {index}"
                )
            out[index] = point[var].values
    coords = {name: (name, np.asarray(values)) for name, values in grid.items()}
    coords["trial"] = ("trial", np.arange(trials))
    for name, coord in template.coords.items():
        coords[name] = coord
    dataset = xr.Dataset({k: xr.Variable(d, v, a) for k, (d, v, a) in data.items()}, coords=coords)
    dataset.attrs.update(attrs)
    return dataset


# -- the public function -----------------------------------------------------------


def sweep(
    fn: Callable | str,
    params: Mapping[str, object],
    *,
    trials: int = 1,
    seed: int = 0,
    fixed: Mapping[str, object] | None = None,
    scheduler=None,
    store: str | os.PathLike | None = None,
    progress: bool = False,
):
    r"""Run ``fn`` over every combination of ``params`` and ``trials`` seeded trials.

    Each point calls ``fn(**point, **fixed, rng=rng)`` with its own generator
    (see the module docstring for how seeds are derived) and the returned
    numbers or arrays become variables over the swept dimensions.

    Parameters
    ----------
    fn : callable or str
        The function to sweep, taking the swept and fixed parameters as keywords
        and ``rng`` (a :class:`numpy.random.Generator`), and returning a number, a
        mapping ``{name: number or array}`` or an :class:`xarray.Dataset`; or the
        name of a built-in protocol: ``"capacity"``
        (:func:`attractors.protocols.capacity`) or ``"ring-diffusion"``
        (:func:`attractors.protocols.ring_diffusion`).  For local processes and
        clusters it must be importable (defined in a module, not a notebook cell
        or a lambda).
    params : mapping of str to sequence
        The grid: each name with the values it takes.
    trials : int, default 1
        Independent seeded repetitions of every point (the ``trial`` dimension).
    seed : int, default 0
        Root seed.  The same seed gives the same result, bit for bit, whatever the
        scheduler, the number of workers or the order of completion.
    fixed : mapping, optional
        Keyword arguments passed unchanged to every call (recorded in the attrs).
    scheduler : None, "processes", int, Executor, distributed.Client or str
        Where the points run: ``None`` in this process; ``"processes"`` or a number on
        that many new local worker processes (one BLAS/numba thread each, started
        for this call); a :class:`concurrent.futures.Executor` of your own, e.g.
        from :func:`worker_pool` (kept warm across calls, not shut down); a :class:`distributed.Client` or a
        scheduler address (``"tcp://host:8786"``) on a dask cluster.
    store : path, optional
        A folder where every point is written as it completes (one netCDF file per
        point, renamed into place when complete).  Rerunning the same sweep with the
        same store computes only the missing points; a store made by a different
        sweep (other function, grid, trials, seed or fixed values) is refused.
    progress : bool, default False
        Show a progress bar over points.

    Returns
    -------
    xarray.Dataset
        One variable per returned quantity, over ``(*params, trial, ...)``, with
        coordinates for the swept values and attrs ``sweep_function``, ``seed``,
        ``fixed`` (JSON) and ``computed_points`` (how many this call ran).

    Examples
    --------
    >>> import attractors
    >>> def noisy_square(x, rng):
    ...     return {"y": x**2 + 0.1 * rng.standard_normal()}
    >>> result = attractors.sweep(noisy_square, {"x": [1.0, 2.0, 3.0]}, trials=4, seed=1)
    >>> dict(result["y"].sizes)
    {'x': 3, 'trial': 4}
    >>> result["y"].mean("trial").round(0).values.tolist()
    [1.0, 4.0, 9.0]
    """
    function, function_name = _resolve_function(fn)
    grid = _validate_grid(params)
    trials = check_integer("trials", trials, minimum=1)
    seed = check_integer("seed", seed, minimum=0)
    fixed = dict(fixed or {})
    overlap = sorted(set(fixed) & set(grid))
    if overlap:
        raise ParameterError(f"parameter(s) {', '.join(overlap)} given both in params and in fixed")
    _check_signature(function, list(grid) + list(fixed))
    fixed_json = json.dumps({k: _canonical(v) for k, v in sorted(fixed.items())})
    description = {
        "function": function_name,
        "params": {name: [_canonical(v) for v in values] for name, values in grid.items()},
        "trials": trials,
        "seed": seed,
        "fixed": fixed_json,
    }
    kind, executor = _executor(scheduler)
    disk = _Store(store, description) if store is not None else None

    names, jobs = {}, []
    done = disk.done() if disk is not None else set()
    for index in itertools.product(*(range(len(v)) for v in grid.values())):
        values = {name: grid[name][i] for name, i in zip(grid, index)}
        for trial in range(trials):
            name = _point_name(values, trial)
            names[index + (trial,)] = name
            if name not in done:
                jobs.append((name, {**values, **fixed}, _point_seed(seed, values, trial)))

    results = {}
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(names), initial=len(names) - len(jobs), desc="sweep", unit="point")
    try:
        for name, dataset in _completed(kind, executor, function, jobs):
            if disk is not None:
                disk.write(name, dataset)
            results[name] = dataset
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    for name in set(names.values()) - set(results):
        results[name] = disk.read(name)
    attrs = {
        "sweep_function": function_name,
        "seed": seed,
        "trials": trials,
        "fixed": fixed_json,
        "computed_points": len(jobs),
        "store": str(store) if store is not None else "",
    }
    from ._version import __version__

    attrs["attractors_version"] = __version__
    return _assemble(grid, trials, results, names, attrs)
