"""Bump decoding on a ring, as analysis: position, amplitude, width, heading, tracking error.

The functions live in the core module :mod:`attractors._bump`, below the
models that decode their own bumps with them; they are public here, as
``attractors.analysis.bump_position`` and so on.
"""

from __future__ import annotations

from .._bump import (
    TrackingError,
    bump_amplitude,
    bump_position,
    bump_width,
    ring_angles,
    tracking_error,
    unwrap_heading,
    wrap_angle,
)

__all__ = [
    "TrackingError",
    "bump_amplitude",
    "bump_position",
    "bump_width",
    "ring_angles",
    "tracking_error",
    "unwrap_heading",
    "wrap_angle",
]
