"""Capacity of dense associative memories (Krotov & Hopfield 2016; Demircigil et al. 2017).

The functions live with the model (``attractors.models._dense_capacity``); they are
listed here so that :mod:`attractors.analysis` shows every capacity measurement
in one place.
"""

from ..models._dense_capacity import measure_capacity as dense_capacity
from ..models._dense_capacity import predicted_capacity as dense_predicted_capacity
from ..models._dense_capacity import predicted_stable_fraction as dense_predicted_stable_fraction
from ..models._dense_capacity import recall_fraction as dense_recall_fraction
from ..models._dense_capacity import stable_fraction as dense_stable_fraction

__all__ = [
    "dense_capacity",
    "dense_predicted_capacity",
    "dense_predicted_stable_fraction",
    "dense_recall_fraction",
    "dense_stable_fraction",
]
