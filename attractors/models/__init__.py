"""Model families.  Each is a :class:`~attractors.DynamicalSystem`."""

from ._toy import ContractionMap, DoubleWell, LinearSystem, OrnsteinUhlenbeck

__all__ = ["ContractionMap", "DoubleWell", "LinearSystem", "OrnsteinUhlenbeck"]
