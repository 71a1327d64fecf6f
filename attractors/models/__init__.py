"""Model families.  Each is a :class:`~attractors.DynamicalSystem`.

Model modules are imported on first use (``attractors.models.RingAttractor``
loads only the ring module), so importing the package stays fast.
"""

from __future__ import annotations

import importlib

from ._toy import ContractionMap, DoubleWell, LinearSystem, OrnsteinUhlenbeck

#: Where each model lives: name -> private module of its family.
_MODULES = {
    "HopfieldNetwork": "._hopfield",
    "doubled_network": "._hopfield",
    "RateNetwork": "._rate",
    "ContinuousHopfield": "._continuous_hopfield",
    "DenseAssociativeMemory": "._dense",
    "ModernHopfield": "._modern",
    "RingAttractor": "._ring",
    "TwoPopulationRing": "._ring",
    "gamma_for_velocity": "._ring",
    "velocity_for_gamma": "._ring",
    "zhang_profile": "._ring",
    "default_tuning_curve": "._ring",
    "cosine_profile": "._ring",
    "von_mises_profile": "._ring",
    "difference_of_gaussians_profile": "._ring",
    "CANN1D": "._cann",
    "CANN2D": "._cann",
    "GridCellSheet": "._sheet",
}

#: Models the command line can build from parameters alone (``attractors simulate NAME``):
#: name -> (module, class or factory function with keyword defaults; see ``_cli.py``).
_REGISTRY_PATHS = {
    "double-well": ("._toy", "DoubleWell"),
    "ornstein-uhlenbeck": ("._toy", "OrnsteinUhlenbeck"),
    "contraction-map": ("._toy", "ContractionMap"),
    "hopfield": ("._cli", "hopfield"),
    "rate-network": ("._cli", "rate_network"),
    "continuous-hopfield": ("._cli", "continuous_hopfield"),
    "dense-associative-memory": ("._cli", "dense_associative_memory"),
    "modern-hopfield": ("._cli", "modern_hopfield"),
    "ring": ("._cli", "ring"),
    "cann1d": ("._cann", "CANN1D"),
    "cann2d": ("._cann", "CANN2D"),
    "grid-cell-sheet": ("._sheet", "GridCellSheet"),
}

__all__ = ["REGISTRY", "ContractionMap", "DoubleWell", "LinearSystem", "OrnsteinUhlenbeck",
           *_MODULES]


class _Registry(dict):
    """name -> model class, importing each family's module only when asked for."""

    def __getitem__(self, name):
        module, cls = _REGISTRY_PATHS[name]
        return getattr(importlib.import_module(module, __name__), cls)

    def __iter__(self):
        return iter(_REGISTRY_PATHS)

    def __contains__(self, name):
        return name in _REGISTRY_PATHS

    def __len__(self):
        return len(_REGISTRY_PATHS)

    def keys(self):
        return _REGISTRY_PATHS.keys()

    def items(self):
        return [(name, self[name]) for name in _REGISTRY_PATHS]


REGISTRY = _Registry()


def __getattr__(name):
    if name in _MODULES:
        value = getattr(importlib.import_module(_MODULES[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'attractors.models' has no attribute {name!r}")
