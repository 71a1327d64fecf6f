"""Model families.  Each is a :class:`~attractors.DynamicalSystem`."""

from ._toy import ContractionMap, DoubleWell, LinearSystem, OrnsteinUhlenbeck

__all__ = ["REGISTRY", "ContractionMap", "DoubleWell", "LinearSystem", "OrnsteinUhlenbeck"]

#: Models the command line can build from parameters alone (``attractors simulate NAME``).
REGISTRY = {
    "double-well": DoubleWell,
    "ornstein-uhlenbeck": OrnsteinUhlenbeck,
    "contraction-map": ContractionMap,
}
