"""attractors: attractor-network dynamics for theoretical neuroscience.

Every model is a :class:`DynamicalSystem`; :func:`simulate` runs any of them and
returns a labelled :class:`xarray.Dataset`.

The namespace is explicit: every public name below is imported from the module
that holds it, one line per name.  The core, the models and the small modules
need only numpy and are imported eagerly; the subpackages above the models load
on first use, because they pull in libraries that the command line and most
scripts do not need: :mod:`attractors.analysis` (xarray and scipy, about 0.9 s)
with its three top-level functions, :mod:`attractors.plot` (matplotlib),
:mod:`attractors.manifold` (ripser) and :mod:`attractors.datasets`.  So do
:func:`sweep` with its store (hashlib, file locks) and :mod:`attractors.testing`
(tempfile, pathlib), which a run never needs.  The compiled (numba) kernels load
with the first model that runs them.
"""

import importlib as _importlib

from . import inputs, learning, models, paths, patterns, protocols, solvers, transfer
from ._energy import EnergyIncreaseError, check_energy
from ._simulate import BlowUpWarning, simulate
from ._system import ContinuousSystem, DiscreteSystem, DynamicalSystem
from ._trajectory import parameters
from ._validate import ParameterError
from ._version import __version__
from .models import (
    CANN1D,
    CANN2D,
    ContinuousHopfield,
    DenseAssociativeMemory,
    GridCellSheet,
    HopfieldNetwork,
    ModernHopfield,
    RateNetwork,
    RingAttractor,
    TwoPopulationRing,
)

__all__ = [
    "CANN1D",
    "CANN2D",
    "BlowUpWarning",
    "ContinuousHopfield",
    "ContinuousSystem",
    "DenseAssociativeMemory",
    "DiscreteSystem",
    "DynamicalSystem",
    "EnergyIncreaseError",
    "GridCellSheet",
    "HopfieldNetwork",
    "ModernHopfield",
    "ParameterError",
    "RateNetwork",
    "RingAttractor",
    "SweepStoreError",
    "SweepStoreWarning",
    "TwoPopulationRing",
    "__version__",
    "analysis",
    "basins",
    "check_energy",
    "compare",
    "datasets",
    "find_fixed_points",
    "inputs",
    "learning",
    "manifold",
    "models",
    "parameters",
    "paths",
    "patterns",
    "plot",
    "protocols",
    "simulate",
    "solvers",
    "sweep",
    "testing",
    "transfer",
    "worker_pool",
]

#: The names that load on first use: name -> (module, attribute or None for the module).
_ON_FIRST_USE = {
    "analysis": (".analysis", None),
    "plot": (".plot", None),
    "manifold": (".manifold", None),
    "datasets": (".datasets", None),
    "basins": (".analysis", "basins"),
    "compare": (".analysis", "compare"),
    "find_fixed_points": (".analysis", "find_fixed_points"),
    "testing": (".testing", None),
    "sweep": ("._sweep", "sweep"),
    "worker_pool": ("._sweep", "worker_pool"),
    "SweepStoreError": ("._sweep", "SweepStoreError"),
    "SweepStoreWarning": ("._sweep", "SweepStoreWarning"),
}


def __getattr__(name):
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module 'attractors' has no attribute {name!r}")
    module_name, attribute = _ON_FIRST_USE[name]
    module = _importlib.import_module(module_name, __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_ON_FIRST_USE))
