"""Closed forms for continuous attractor neural networks (CANNs), as analysis.

The closed forms live in the core module :mod:`attractors._cann_closed_form`,
below the CANN models that use them; they are public here, as
``attractors.analysis.cann_bump_theory`` and so on.
"""

from __future__ import annotations

from .._cann_closed_form import CANNBump, cann_bump_theory, cann_driven_height, cann_tracking_lag

__all__ = ["CANNBump", "cann_bump_theory", "cann_driven_height", "cann_tracking_lag"]
