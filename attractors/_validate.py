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
    "check_positive",
    "describe",
]


class ParameterError(ValueError):
    """A parameter has a value that is not allowed; the message says which and why."""


def describe(value) -> str:
    """A short, readable rendering of ``value`` for an error message."""
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return f"array {np.array2string(value, threshold=6)} (shape {value.shape})"
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


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


def check_finite_array(name: str, value, *, dtype=None) -> np.ndarray:
    """Convert ``value`` to an array and check every entry is finite."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as error:
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
