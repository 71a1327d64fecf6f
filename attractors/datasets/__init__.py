r"""Small data sets shipped with the library, made by its own models (no downloads).

* :func:`load_head_direction`: spikes of a synthetic head-direction population, a
  :class:`~attractors.RingAttractor` following a random head-turning trace, read out
  as Poisson spike trains; :func:`make_head_direction` is the script that made it and
  remakes it bit for bit from its seed.
"""

from ._head_direction import load_head_direction, make_head_direction

__all__ = ["load_head_direction", "make_head_direction"]
