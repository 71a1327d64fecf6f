"""Parameter validation with messages that name the parameter, the value and what is allowed.

Every public entry point validates its arguments here, before any work starts, so
that a mistake costs milliseconds rather than a finished simulation.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "ParameterError",
    "check_choice",
    "check_finite_array",
    "check_integer",
    "check_model_field",
    "check_positive",
    "describe",
    "plain",
]


class ParameterError(ValueError):
    """A parameter has a value that is not allowed; the message says which and why."""


def _plain(value):
    """``value`` with numpy scalars made Python numbers, inside lists, tuples and dicts too."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        items = [_plain(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def describe(value) -> str:
    """A short, readable rendering of ``value`` for an error message.

    Numbers print plainly (``-1.2654``, not ``np.float64(-1.2654)``), also
    inside lists, tuples and dictionaries; arrays print their values when small
    and their shape and dtype otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> describe(np.float64(-1.2654)), describe((np.int64(3), np.float32(0.5)))
    ('-1.2654', '(3, 0.5)')
    >>> describe(np.array([1.0, 2.0]))
    'array [1. 2.] (shape (2,))'
    """
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return f"array {np.array2string(value, threshold=6)} (shape {value.shape})"
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(_plain(value))
    return text if len(text) <= 80 else text[:77] + "..."


def plain(value) -> str:
    """A number (numpy or Python) as plain text, ``str`` of the Python value: ``-1.2654``."""
    return str(_plain(value))


def check_positive(name: str, value, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking that it is finite and > 0 (or >= 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a real number, got {describe(value)}")
    value = float(value)
    bound_ok = value >= 0 if allow_zero else value > 0
    if not (np.isfinite(value) and bound_ok):
        allowed = "a finite number >= 0" if allow_zero else "a finite number > 0"
        raise ParameterError(f"{name} must be {allowed}, got {value!r}")
    return value


def check_integer(name: str, value, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int after checking it is an integer (and >= ``minimum``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name} must be an integer, got {describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ParameterError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def check_choice(name: str, value, allowed) -> str:
    """Check that ``value`` is one of ``allowed`` (strings, compared case-insensitively)."""
    allowed = list(allowed)
    if isinstance(value, str):
        for option in allowed:
            if value.lower() == option.lower():
                return option
    raise ParameterError(
        f"{name} must be one of {', '.join(map(repr, allowed))}, got {describe(value)}"
    )


def _convert_exactly(name: str, array: np.ndarray, dtype) -> np.ndarray:
    """``array`` as ``dtype``, refused where the cast would drop or wrap values."""
    source, target = array.dtype, np.dtype(dtype)
    if source.kind == "c" and target.kind != "c":
        raise ParameterError(
            f"{name} must be real, got a complex array ({describe(array)}); pass the real "
            f"part explicitly (np.real) if the imaginary part is meant to be dropped"
        )
    if source.kind in "iu" and target.kind in "iu" and array.size:
        info = np.iinfo(target)
        low, high = array.min(), array.max()
        if low < info.min or high > info.max:
            raise ParameterError(
                f"{name} has integer values in [{plain(low)}, {plain(high)}], which do not fit "
                f"{target} ([{info.min}, {info.max}]) and would wrap around"
            )
    return array.astype(target, copy=False)


def check_finite_array(name: str, value, *, dtype=None) -> np.ndarray:
    """Convert ``value`` to an array and check every entry is finite.

    With ``dtype``, the conversion must be exact where it could silently lose
    information: complex values are refused for a real ``dtype`` (numpy would
    drop the imaginary part) and integers that do not fit an integer ``dtype``
    (``uint64`` 2**64 - 1 would become -1) are refused.
    """
    try:
        array = np.asarray(value)
        if dtype is not None:
            if array.dtype.kind in "biufc":
                array = _convert_exactly(name, array, dtype)
            else:
                array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as error:
        if isinstance(error, ParameterError):
            raise
        raise ParameterError(f"{name} must be numeric, got {describe(value)}") from error
    if not np.issubdtype(array.dtype, np.number) and array.dtype != np.bool_:
        raise ParameterError(f"{name} must be numeric, got dtype {array.dtype}")
    if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = f" at index {tuple(int(i) for i in bad)}" if array.ndim else ""
        raise ParameterError(
            f"{name} must be finite, but it contains {array[tuple(bad)].item()!r}{where}"
        )
    return array


def check_model_field(system, field, *, name: str = "parameter", otherwise: str = ""):
    """``field`` names a real-valued field of the dataclass model ``system``; its value.

    Continuation, global continuation and phase diagrams rebuild the model at each
    parameter value with :func:`dataclasses.replace`, so the model must be a
    dataclass and the parameter one of its init fields holding a real number.
    ``name`` is the argument's name in the messages; ``otherwise`` names an
    alternative to a dataclass model (e.g. " or a function value -> model").
    """
    import dataclasses

    if not dataclasses.is_dataclass(system):
        raise ParameterError(f"system must be a dataclass model (it is rebuilt with "
                             f"dataclasses.replace){otherwise}, got {type(system).__name__}")
    names = [item.name for item in dataclasses.fields(system) if item.init]
    if not isinstance(field, str) or field not in names:
        raise ParameterError(f"{name} must name a field of {type(system).__name__} "
                             f"({', '.join(names)}): {describe(field)} is not a field")
    value = getattr(system, field)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} {field!r} of {type(system).__name__} is not a real number "
                             f"(it is {describe(value)}), so the model cannot be rebuilt at "
                             f"other values of it")
    return value
