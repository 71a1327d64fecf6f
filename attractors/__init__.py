"""attractors: attractor-network dynamics for theoretical neuroscience.

Every model is a :class:`DynamicalSystem`; :func:`simulate` runs any of them and
returns a labelled :class:`xarray.Dataset`.  ``import attractors`` loads only
numpy: xarray, scipy and matplotlib are imported when first needed, so the
command line and scripts start fast.
"""

from . import inputs, solvers
from ._energy import EnergyIncreaseError, check_energy
from ._simulate import BlowUpWarning, simulate
from ._system import ContinuousSystem, DiscreteSystem, DynamicalSystem
from ._trajectory import parameters
from ._validate import ParameterError
from ._version import __version__

__all__ = [
    "CANN1D",
    "CANN2D",
    "ContinuousHopfield",
    "DenseAssociativeMemory",
    "GridCellSheet",
    "HopfieldNetwork",
    "ModernHopfield",
    "RateNetwork",
    "RingAttractor",
    "TwoPopulationRing",
    "BlowUpWarning",
    "ContinuousSystem",
    "DiscreteSystem",
    "DynamicalSystem",
    "EnergyIncreaseError",
    "ParameterError",
    "__version__",
    "basins",
    "compare",
    "find_fixed_points",
    "check_energy",
    "inputs",
    "learning",
    "models",
    "patterns",
    "parameters",
    "simulate",
    "solvers",
    "sweep",
    "testing",
    "transfer",
    "worker_pool",
]

# Submodules and models load on first use, so `import attractors` stays fast
# (numpy only) however many model families the library grows.
_LAZY_SUBMODULES = {"models", "testing", "plot", "learning", "patterns", "analysis", "protocols", "transfer"}
_LAZY_FUNCTIONS = {
    "sweep": "._sweep",
    "worker_pool": "._sweep",
    "find_fixed_points": ".analysis._fixed_points",
    "basins": ".analysis._basins",
    "compare": ".analysis._compare",
}
_LAZY_MODELS = {
    "HopfieldNetwork", "RateNetwork", "ContinuousHopfield", "DenseAssociativeMemory",
    "ModernHopfield", "RingAttractor", "TwoPopulationRing", "CANN1D", "CANN2D", "GridCellSheet",
}


def __getattr__(name):
    import importlib

    if name in _LAZY_SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _LAZY_FUNCTIONS:
        value = getattr(importlib.import_module(_LAZY_FUNCTIONS[name], __name__), name)
        globals()[name] = value
        return value
    if name in _LAZY_MODELS:
        value = getattr(importlib.import_module(".models", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'attractors' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBMODULES | _LAZY_MODELS | set(_LAZY_FUNCTIONS))
