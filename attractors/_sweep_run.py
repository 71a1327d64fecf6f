"""Where the points of :func:`attractors.sweep` run: in-process, local workers or dask.

Every point runs with one BLAS thread wherever it runs (threadpoolctl), so a
sweep gives the same bits in this process, on local workers and on a cluster.
Local workers start from a forkserver that does not re-run the caller's script:
a function defined in that script travels by value (cloudpickle), so
``attractors.sweep(..., scheduler=2)`` works from a plain top-level script
without the ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import contextlib
import numbers
import os
import pickle
import sys
import threading
from collections.abc import Mapping

import numpy as np

from ._validate import ParameterError, check_integer, describe

__all__ = ["worker_pool"]

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "NUMBA_NUM_THREADS")
_GUARD = 'if __name__ == "__main__":'


# -- one point ---------------------------------------------------------------------

_pin_lock = threading.Lock()
_pin_state = {"depth": 0, "limiter": None, "controller": None, "modules": -1}


@contextlib.contextmanager
def _one_blas_thread():
    """One BLAS thread while inside (reference-counted, so threads of one process nest safely)."""
    with _pin_lock:
        if _pin_state["depth"] == 0:
            try:
                from threadpoolctl import ThreadpoolController
            except ImportError:  # workers still run one thread (env vars); see worker_pool
                ThreadpoolController = None
            if ThreadpoolController is not None:
                # Finding the loaded BLAS libraries takes ~3 ms: redo it only when an import
                # may have loaded another (scipy brings its own OpenBLAS besides numpy's).
                if _pin_state["modules"] != len(sys.modules):
                    _pin_state["controller"] = ThreadpoolController()
                    _pin_state["modules"] = len(sys.modules)
                _pin_state["limiter"] = _pin_state["controller"].limit(limits=1, user_api="blas")
        _pin_state["depth"] += 1
    try:
        yield
    finally:
        with _pin_lock:
            _pin_state["depth"] -= 1
            if _pin_state["depth"] == 0 and _pin_state["limiter"] is not None:
                _pin_state["limiter"].restore_original_limits()
                _pin_state["limiter"] = None


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
    with _one_blas_thread():
        return _as_dataset(fn(**kwargs, rng=rng)).load()


class _ByValue:
    """A function pickled by value (cloudpickle) and rebuilt as itself in the worker."""

    def __init__(self, fn):
        import cloudpickle

        self.payload = cloudpickle.dumps(fn)

    def __reduce__(self):
        return pickle.loads, (self.payload,)


def _shippable(fn):
    """``fn`` as local workers can receive it: by value when it lives in the caller's script."""
    if getattr(fn, "__module__", None) == "__main__" and _cloudpickle_available():
        return _ByValue(fn)
    return fn


def _cloudpickle_available() -> bool:
    try:
        import cloudpickle  # noqa: F401
    except ImportError:
        return False
    return True


# -- schedulers ---------------------------------------------------------------------


def _executor(scheduler):
    """Validate ``scheduler`` -> (kind, target); nothing is started or connected here.

    Kinds: "inline" (None), "pool" (number of new local workers), "executor" (the
    caller's Executor), "dask" (a Client), "address" (a scheduler address, which
    :func:`_connect` turns into a Client when there is work).
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
        _address(scheduler)
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


def _address(address: str):
    """(scheme, host, port) of a scheduler address, or a ParameterError saying what is wrong."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        port = parts.port
    except ValueError as error:
        raise ParameterError(f"scheduler address {address!r} is not valid: {error}") from error
    if not parts.hostname:
        raise ParameterError(f"scheduler address {address!r} has no host (e.g. 'tcp://host:8786')")
    return parts.scheme, parts.hostname, port or 8786


def _check_reachable(address: str, timeout: float = 3.0) -> None:
    """Fail fast (a few seconds, not dask's 30 s) when nothing listens at a TCP scheduler address."""
    import socket

    scheme, host, port = _address(address)
    if scheme not in ("tcp", "tls"):
        return
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as error:
        raise ParameterError(
            f"cannot reach the dask scheduler at {address!r} within {timeout:g} s "
            f"({error.strerror or error}); is it running?"
        ) from error


def _connect(address: str):
    """A dask Client for ``address``, or a one-line ParameterError within seconds."""
    from distributed import Client

    _check_reachable(address)
    try:
        return Client(address, timeout=10)
    except Exception as error:  # something listens there, but not a dask scheduler that answers
        raise ParameterError(
            f"no dask scheduler answered at {address!r} ({type(error).__name__}); is the address "
            "that of a running dask scheduler?"
        ) from None


def _warm(_):
    """Run in each new worker so that all of them start while the thread settings hold."""
    return os.getpid()


@contextlib.contextmanager
def _script_hidden():
    """Hide a plain script's path while workers start, so they do not re-run it.

    multiprocessing re-runs the main script in new (spawn/forkserver) processes
    so that functions defined there can be unpickled; without the ``__main__``
    guard that re-runs the sweep itself.  Functions from the script are shipped
    by value instead (:class:`_ByValue`), so the script is not needed there.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if (path is None or getattr(main, "__spec__", None) is not None
            or not _cloudpickle_available()):
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _plain_script() -> bool:
    main = sys.modules.get("__main__")
    return getattr(main, "__file__", None) is not None and getattr(main, "__spec__", None) is None


def worker_pool(n_workers: int, *, preload=()):
    """A pool of local worker processes for :func:`sweep`, to keep warm across calls.

    Workers start from a forkserver that has imported ``attractors`` (never by
    ``fork`` from a process whose numba or BLAS threads a child would inherit
    broken) and run one BLAS and numba thread each, unless the environment says
    otherwise: the sweep's points are the parallelism.  They do not re-run the
    calling script (functions defined in it are sent by value), so a plain
    script needs no ``if __name__ == "__main__":`` guard when cloudpickle is
    installed.  All workers are started before the pool is returned.

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

    Examples
    --------
    >>> import attractors
    >>> with attractors.worker_pool(1) as pool:
    ...     result = attractors.sweep("capacity", {"load": [0.05]}, fixed={"n_units": 50},
    ...                               scheduler=pool)
    >>> dict(result["overlap"].sizes)
    {'load': 1, 'trial': 1}
    """
    import concurrent.futures as cf
    import multiprocessing

    n_workers = check_integer("n_workers", n_workers, minimum=1)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["attractors"] + [m for m in preload if m and m != "__main__"])
    saved = {var: os.environ.get(var) for var in _THREAD_VARIABLES}
    for var in _THREAD_VARIABLES:
        os.environ.setdefault(var, "1")
    try:
        with _script_hidden():
            pool = cf.ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
            try:
                list(pool.map(_warm, range(n_workers)))  # start every worker while the settings hold
            except cf.process.BrokenProcessPool as error:
                pool.shutdown(wait=False, cancel_futures=True)
                if _plain_script():
                    raise RuntimeError(
                        "worker processes could not start because they re-run this script: put "
                        f"the sweep under `{_GUARD}` (or pip install cloudpickle)") from None
                raise RuntimeError(f"worker processes could not start: {error}") from error
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
    if kind == "executor":  # the caller's pool: used, not shut down
        import concurrent.futures as cf

        shipped = _shippable(fn) if isinstance(executor, cf.ProcessPoolExecutor) else fn
        futures = {executor.submit(_run_point, shipped, kwargs, seed): name
                   for name, kwargs, seed in jobs}
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
