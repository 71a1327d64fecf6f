"""attractors: attractor-network dynamics for theoretical neuroscience.

Every model is a :class:`DynamicalSystem`; :func:`simulate` runs any of them and
returns a labelled :class:`xarray.Dataset`.  ``import attractors`` loads only
numpy: xarray, scipy and matplotlib are imported when first needed, so the
command line and scripts start fast.
"""

from __future__ import annotations

from . import inputs, solvers
from ._energy import EnergyIncreaseError, check_energy
from ._simulate import BlowUpWarning, simulate
from ._system import ContinuousSystem, DiscreteSystem, DynamicalSystem
from ._trajectory import parameters
from ._validate import ParameterError
from ._version import __version__

__all__ = [
    "BlowUpWarning",
    "ContinuousSystem",
    "DiscreteSystem",
    "DynamicalSystem",
    "EnergyIncreaseError",
    "ParameterError",
    "__version__",
    "check_energy",
    "inputs",
    "models",
    "parameters",
    "simulate",
    "solvers",
    "testing",
]

_LAZY_SUBMODULES = {"models", "testing", "plot"}


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'attractors' has no attribute {name!r}")
