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

import numpy as np

from ._sweep_run import _completed, _connect, _executor, worker_pool
from ._sweep_store import SweepStoreError, SweepStoreWarning, _Store
from ._validate import ParameterError, check_integer, describe

__all__ = ["SweepStoreError", "SweepStoreWarning", "sweep", "worker_pool"]


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


def _kind(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, str):
        return "string"
    return "number"


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
        kinds = {_kind(v) for v in values} - {"none"}
        if len(kinds) > 1:  # ints and floats are one kind ("number"); None goes with any
            raise ParameterError(
                f"params[{name!r}] mixes value types ({' and '.join(sorted(kinds))}): {values!r}; "
                "give values of one type"
            )
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
    required = {name for name, p in parameters.items()
                if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    missing = sorted(required - set(names) - {"rng"})
    if missing:
        raise ParameterError(
            f"{getattr(fn, '__name__', fn)!r} needs parameter(s) {', '.join(map(repr, missing))}: "
            "give each in params (swept) or in fixed"
        )


def _code_hash(fn) -> str | None:
    """SHA-256 (16 hex digits) of the function's source (its bytecode where there is none).

    Recorded in a store so that a function rewritten under the same name is not
    matched to the old function's results.  Only the function's own text is
    covered, not the helpers it calls.
    """
    target = inspect.unwrap(getattr(fn, "func", fn))  # functools.partial, decorators
    try:
        if getattr(target, "__name__", None) == "<lambda>":  # its source line holds the call too
            raise TypeError
        text = inspect.getsource(target if inspect.isroutine(target) else type(target))
    except (OSError, TypeError):
        code = getattr(target, "__code__", None)
        if code is None:
            return None
        text = code.co_code.hex() + repr(code.co_consts) + repr(code.co_names)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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
        dask clusters it must be importable or picklable by cloudpickle; local
        worker processes receive a function defined in the calling script by value,
        so a plain script needs no ``if __name__ == "__main__":`` guard.
    params : mapping of str to sequence
        The grid: each name with the values it takes.
    trials : int, default 1
        Independent seeded repetitions of every point (the ``trial`` dimension).
    seed : int, default 0
        Root seed.  The same seed gives the same result, bit for bit, whatever the
        scheduler, the number of workers or the order of completion (every point
        runs with one BLAS thread, through threadpoolctl, wherever it runs).
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
        point, with its SHA-256 beside it).  Rerunning with the same store computes
        only the points it lacks: the missing ones, those of values added to the grid,
        and damaged ones (unreadable, or not matching their checksum: a
        :class:`SweepStoreWarning` names the file).  A grid may grow or shrink on its
        store; a different function (by name or by the hash of its source), other
        parameter names, trials, seed or fixed values are refused with
        :class:`SweepStoreError` naming what differs.  Concurrent sweeps on one store
        are safe (unique temporary files, a lock on the store).
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
    # The grid's values are not part of what a store must match: points are keyed
    # by their values, so a grid may grow or shrink on its store.
    description = {
        "function": function_name,
        "code": _code_hash(function),
        "parameters": sorted(grid),
        "trials": trials,
        "seed": seed,
        "fixed": fixed_json,
    }
    kind, executor = _executor(scheduler)
    disk = _Store(store, description) if store is not None else None

    names, results, jobs = {}, {}, []
    done = disk.done() if disk is not None else set()
    for index in itertools.product(*(range(len(v)) for v in grid.values())):
        values = {name: grid[name][i] for name, i in zip(grid, index)}
        for trial in range(trials):
            name = _point_name(values, trial)
            names[index + (trial,)] = name
            if name in done and name not in results:
                stored = disk.read(name)  # None (with a warning naming the file) if damaged
                if stored is not None:
                    results[name] = stored
                    continue
            jobs.append((name, {**values, **fixed}, _point_seed(seed, values, trial)))

    client = None
    if kind == "address" and jobs:  # connect only when there is work, before any of it
        client = _connect(executor)
        kind, executor = "dask", client
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
        if client is not None:
            client.close()
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
