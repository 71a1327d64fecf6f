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

__all__ = ["decode_json_attr", "encode_json_attr", "encode_parameters", "parameters"]

_ARRAY_KEY = "__ndarray__"
_VARIABLE_KEY = "__variable__"
#: Numeric arrays with more elements than this are written as data variables of
#: the trajectory (``param_<name>``, with dims of their own) and referenced from
#: the ``parameters`` attribute: a 4000 x 4000 weight matrix as base64 in an
#: attribute was 170 MB of text and 1.2 s, and the base64 and JSON copies of a
#: 20,000-unit network's weights took the run's peak to 8.5 GB.
LARGE_ARRAY_LIMIT = 10_000
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
                raw = base64.b64decode(value[_ARRAY_KEY], validate=True)
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


def encode_parameters(params: dict) -> tuple[str, dict]:
    """Encode model parameters: JSON text for the attribute, data variables for big arrays.

    Numeric arrays above :data:`LARGE_ARRAY_LIMIT` elements become data
    variables ``param_<path>`` with dims ``param_<path>_dim_<i>`` (netCDF keeps
    their dtype and bits), and the JSON holds ``{"__variable__": name}`` in
    their place; everything else is encoded by :func:`encode_json_attr`.

    Returns
    -------
    text : str
        The ``parameters`` attribute.
    variables : dict
        ``{name: (dims, array)}`` to add to the Dataset.
    """
    variables = {}

    def lift(value, path):
        if (isinstance(value, np.ndarray) and value.size > LARGE_ARRAY_LIMIT
                and value.dtype.kind in "biuf"):
            name = "param_" + "_".join(path)
            while name in variables:
                name += "_"
            variables[name] = (tuple(f"{name}_dim_{i}" for i in range(value.ndim)), value)
            return {_VARIABLE_KEY: name}
        if isinstance(value, dict):
            return {k: lift(v, path + (str(k),)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [lift(v, path + (str(i),)) for i, v in enumerate(value)]
        if hasattr(value, "params") and hasattr(value, "name") and not isinstance(value, type):
            return {"__object__": type(value).__name__,
                    "params": lift(value.params, path + ("params",))}
        return value

    return encode_json_attr(lift(params, ())), variables


def _resolve_variables(value, trajectory):
    """Replace ``{"__variable__": name}`` by a copy of the trajectory's data variable."""
    from ._validate import ParameterError

    if isinstance(value, dict):
        if _VARIABLE_KEY in value:
            name = value[_VARIABLE_KEY]
            if name not in trajectory.variables:
                raise ParameterError(
                    f"the trajectory's parameters refer to the data variable {name!r}, which it "
                    f"does not hold (was it dropped or selected away?)"
                )
            return np.array(trajectory[name].values)  # a writeable copy, dtype kept
        return {k: _resolve_variables(v, trajectory) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_variables(v, trajectory) for v in value]
    return value


def parameters(trajectory) -> dict:
    """The model parameters recorded in a trajectory, decoded (arrays as numpy arrays).

    Examples
    --------
    >>> import attractors
    >>> from attractors.models import LinearSystem
    >>> run = attractors.simulate(LinearSystem([[-1.0]]), [1.0], t_span=1.0, dt=0.1)
    >>> attractors.parameters(run)["matrix"]
    array([[-1.]])

    Arrays above 10,000 elements are kept as data variables of the trajectory
    (``param_<name>``) and read back from there, identical after a netCDF round
    trip.

    Raises
    ------
    ParameterError
        When ``trajectory`` is not a trajectory of :func:`attractors.simulate`
        (no ``parameters`` attribute) or its ``parameters`` attribute was
        damaged (not the JSON or base64 this library writes).
    """
    from ._validate import ParameterError, describe

    attrs = getattr(trajectory, "attrs", None)
    if not isinstance(attrs, dict) or not hasattr(trajectory, "variables"):
        raise ParameterError(
            f"trajectory must be an xarray.Dataset returned by attractors.simulate (or read "
            f"back from its file), got {describe(trajectory)}"
        )
    if "parameters" not in attrs:
        raise ParameterError(
            "the Dataset has no 'parameters' attribute: it is not a trajectory of "
            "attractors.simulate (or the attribute was removed)"
        )
    text = attrs["parameters"]
    try:
        decoded = decode_json_attr(text)
    except Exception as error:  # JSON, base64, dtype and shape errors all mean damage
        raise ParameterError(
            f"the trajectory's 'parameters' attribute is damaged and cannot be decoded "
            f"({type(error).__name__}: {error}); it starts {describe(str(text)[:40])}"
        ) from None
    if not isinstance(decoded, dict):
        raise ParameterError(
            f"the trajectory's 'parameters' attribute is damaged: it decodes to "
            f"{describe(decoded)}, not a dictionary of parameters"
        )
    return _resolve_variables(decoded, trajectory)


def build_dataset(
    system,
    *,
    states: np.ndarray,
    times: np.ndarray,
    batched: bool,
    energy: np.ndarray | None,
    energy_note: str,
    observables: dict,
    recorded_input: dict | None,
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

    parameter_text, parameter_variables = encode_parameters(system.params)
    data_vars = {"state": (lead + ("unit",), states, {"long_name": "state"})}
    if energy is not None:
        data_vars["energy"] = (lead, energy, {"long_name": "energy (Lyapunov function)"})
    observable_attrs = system.observable_attrs
    for name, (extra_dims, values) in observables.items():
        data_vars[name] = (lead + tuple(extra_dims), values, dict(observable_attrs.get(name, {})))
    for name, (dims, values, *var_attrs) in (recorded_input or {}).items():
        if name == "input_time":
            coords[name] = (dims, values, {"long_name": "sample times of the input",
                                           "units": system.time_unit or "model time units"})
        else:
            data_vars[name] = (dims, values, var_attrs[0] if var_attrs
                               else {"long_name": "external input"})
    for name, (dims, values) in parameter_variables.items():
        data_vars[name] = (dims, values, {"long_name": f"model parameter ({name[6:]})"})
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
        "parameters": parameter_text,
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
