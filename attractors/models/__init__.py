"""Model families.  Each is a :class:`~attractors.DynamicalSystem`.

Every public name is imported here from the private module of its family, one
line per name, so moving a name between private modules is a one-line change.
Model modules are imported eagerly (they need only numpy).  The compiled (numba)
kernels follow one convention: they live in their own modules
(``_hopfield_kernels``, ``_dense_kernels``, ``_ring_compiled``, ``_cann_compiled``),
each importing numba at its top (a required dependency: no numpy fallback) and
defining every kernel as a module-level ``@numba.njit(cache=True)`` function (a
closure's disk-cache key changes in every process); no model module imports one
at its top, only inside the function that first runs a kernel.  So numba (about
0.35 s with the scipy it loads) is loaded by the first model that runs a
kernel, never by ``import attractors.models``.

:data:`REGISTRY` maps the names the command line knows (``attractors simulate
NAME``) to the class or factory that builds the model from keyword parameters.
"""

from . import _cli
from ._cann import CANN1D
from ._cann2d import CANN2D
from ._continuous_hopfield import ContinuousHopfield
from ._dense import DenseAssociativeMemory
from ._hopfield import HopfieldNetwork
from ._hopfield_doubled import doubled_network
from ._modern import ModernHopfield
from ._rate import RateNetwork
from ._ring import RingAttractor
from ._ring_common import gamma_for_velocity, velocity_for_gamma
from ._ring_double import TwoPopulationRing
from ._ring_weights import (
    cosine_profile,
    default_tuning_curve,
    difference_of_gaussians_profile,
    von_mises_profile,
    zhang_profile,
)
from ._sheet import GridCellSheet
from ._toy import ContractionMap, DoubleWell, LinearSystem, OrnsteinUhlenbeck

#: Models the command line can build from parameters alone (``attractors simulate NAME``):
#: name -> class, or factory function with keyword defaults (see ``_cli.py``).
REGISTRY = {
    "double-well": DoubleWell,
    "ornstein-uhlenbeck": OrnsteinUhlenbeck,
    "contraction-map": ContractionMap,
    "hopfield": _cli.hopfield,
    "rate-network": _cli.rate_network,
    "continuous-hopfield": _cli.continuous_hopfield,
    "dense-associative-memory": _cli.dense_associative_memory,
    "modern-hopfield": _cli.modern_hopfield,
    "ring": _cli.ring,
    "cann1d": CANN1D,
    "cann2d": CANN2D,
    "grid-cell-sheet": GridCellSheet,
}

__all__ = [
    "CANN1D",
    "CANN2D",
    "REGISTRY",
    "ContinuousHopfield",
    "ContractionMap",
    "DenseAssociativeMemory",
    "DoubleWell",
    "GridCellSheet",
    "HopfieldNetwork",
    "LinearSystem",
    "ModernHopfield",
    "OrnsteinUhlenbeck",
    "RateNetwork",
    "RingAttractor",
    "TwoPopulationRing",
    "cosine_profile",
    "default_tuning_curve",
    "difference_of_gaussians_profile",
    "doubled_network",
    "gamma_for_velocity",
    "velocity_for_gamma",
    "von_mises_profile",
    "zhang_profile",
]
