"""Analysis that works on any DynamicalSystem: state spaces, capacity, bumps, fixed points, basins.

Each analysis family lives in a private submodule (``_name.py``) with an
``__all__``; its public names are found here on first use, so the package
imports nothing heavy until asked.
"""

from __future__ import annotations

import importlib
import pkgutil

_FOUND: dict[str, object] = {}


def _families():
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name.startswith("_"))


def _public_names() -> dict[str, str]:
    names = {}
    for family in _families():
        module = importlib.import_module(f".{family}", __name__)
        for name in getattr(module, "__all__", ()):
            names[name] = family
    return names


def __getattr__(name):
    if name == "__all__":  # star imports and documentation tools see every family's names
        return sorted(_public_names())
    if name.startswith("__"):
        raise AttributeError(name)
    if name not in _FOUND:
        family = _public_names().get(name)
        if family is None:
            raise AttributeError(f"module 'attractors.analysis' has no attribute {name!r}")
        _FOUND[name] = getattr(importlib.import_module(f".{family}", __name__), name)
    return _FOUND[name]


def __dir__():
    return sorted(_public_names())
