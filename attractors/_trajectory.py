"""Trajectories: the labelled :class:`xarray.Dataset` every simulation returns.

Attributes are built netCDF-safe from the start (numbers and strings only;
dictionaries as JSON text), so ``to_netcdf`` followed by ``open_dataset`` gives
back an identical Dataset: no pickles, nothing silently changed.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np

from ._version import __version__

__all__ = ["decode_json_attr", "encode_json_attr", "parameters"]

_ARRAY_KEY = "__ndarray__"
#: Arrays larger than this are written as base64 of their bytes: exact like the
#: list form, but ~70x faster for a 256 x 256 weight matrix (1 ms against 77 ms,
#: measured in benchmarks/) and 2.5x smaller.
_INLINE_LIMIT = 1024


def _to_jsonable(value):
    if isinstance(value, np.ndarray):
        header = {"dtype": value.dtype.str, "shape": list(value.shape)}
        if value.size > _INLINE_LIMIT and value.dtype.kind in "biufc":
            payload = base64.b64encode(np.ascontiguousarray(value).tobytes()).decode("ascii")
            return {_ARRAY_KEY: payload, "encoding": "base64", **header}
        return {_ARRAY_KEY: value.tolist(), **header}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "params") and hasattr(value, "name"):  # a nested system or solver
        return {"__object__": type(value).__name__, "params": _to_jsonable(value.params)}
    return repr(value)


def _from_jsonable(value):
    if isinstance(value, dict):
        if _ARRAY_KEY in value:
            dtype = np.dtype(value["dtype"])
            if value.get("encoding") == "base64":
                raw = base64.b64decode(value[_ARRAY_KEY])
                return np.frombuffer(raw, dtype=dtype).reshape(value["shape"]).copy()
            return np.array(value[_ARRAY_KEY], dtype=dtype).reshape(value["shape"])
        return {k: _from_jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_jsonable(v) for v in value]
    return value


def encode_json_attr(value) -> str:
    """Encode a dictionary of parameters as JSON text that decodes to the same values.

    Floats are written with ``repr`` (exact round trip); numpy arrays keep their
    dtype and shape.
    """
    return json.dumps(_to_jsonable(value), sort_keys=True, allow_nan=True)


def decode_json_attr(text: str):
    """Inverse of :func:`encode_json_attr`."""
    return _from_jsonable(json.loads(text))


def parameters(trajectory) -> dict:
    """The model parameters recorded in a trajectory, decoded (arrays as numpy arrays).

    Examples
    --------
    >>> import attractors
    >>> from attractors.models import LinearSystem
    >>> run = attractors.simulate(LinearSystem([[-1.0]]), [1.0], t_span=1.0, dt=0.1)
    >>> attractors.parameters(run)["matrix"]
    array([[-1.]])
    """
    return decode_json_attr(trajectory.attrs["parameters"])


def build_dataset(
    system,
    *,
    states: np.ndarray,
    times: np.ndarray,
    batched: bool,
    energy: np.ndarray | None,
    energy_note: str,
    observables: dict,
    recorded_input: tuple | None,
    converged: np.ndarray | None,
    t_converged: np.ndarray | None,
    attrs: dict,
):
    """Assemble the trajectory Dataset from recorded arrays (internal)."""
    import xarray as xr

    lead = ("time", "trial") if batched else ("time",)
    n_units = states.shape[-1]
    coords = {
        "time": ("time", np.asarray(times, dtype=np.float64),
                 {"units": system.time_unit or "model time units", "long_name": "time"}),
        "unit": ("unit", np.arange(n_units)),
    }
    if batched:
        coords["trial"] = ("trial", np.arange(states.shape[1]))
    for name, (dim, values) in system.coords.items():
        coords[name] = (dim, np.asarray(values))

    data_vars = {"state": (lead + ("unit",), states, {"long_name": "state"})}
    if energy is not None:
        data_vars["energy"] = (lead, energy, {"long_name": "energy (Lyapunov function)"})
    for name, (extra_dims, values) in observables.items():
        data_vars[name] = (lead + tuple(extra_dims), values)
    if recorded_input is not None:
        dims, values = recorded_input
        data_vars["input"] = (dims, values, {"long_name": "external input"})
    if converged is not None:
        trial_dims = ("trial",) if batched else ()
        data_vars["converged"] = (trial_dims, converged if batched else bool(converged[()]),
                                  {"long_name": "reached a fixed point"})
        data_vars["t_converged"] = (
            trial_dims, t_converged if batched else float(t_converged[()]),
            {"long_name": "time the fixed point was reached (NaN if not)",
             "units": system.time_unit or "model time units"},
        )

    full_attrs = {
        "model": system.name,
        "model_class": f"{type(system).__module__}.{type(system).__qualname__}",
        "time_kind": system.time_kind,
        "parameters": encode_json_attr(system.params),
        "energy": energy_note,
        "attractors_version": __version__,
    }
    full_attrs.update(attrs)
    return xr.Dataset(data_vars, coords=coords, attrs=full_attrs)


def format_bytes(n_bytes: float) -> str:
    """Human-readable size."""
    if n_bytes < 1024:
        return f"{int(n_bytes)} B"
    exponent = min(int(math.log(n_bytes, 1024)), 5)
    return f"{n_bytes / 1024 ** exponent:.1f} {['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'][exponent]}"
