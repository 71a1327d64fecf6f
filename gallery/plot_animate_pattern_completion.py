r"""
Animation: a Hopfield network completes a letter
================================================

Five 10 x 10 letters are stored in a network of 100 :math:`\pm 1` units with
the pseudo-inverse rule (:func:`attractors.learning.pseudo_inverse`), which
makes every linearly independent set of patterns a fixed point even when, as
here, the letters overlap strongly.  A cue, the letter "A" with 35 % of its
pixels flipped, starts the asynchronous dynamics: one unit at a time takes
the sign of its field :math:`h_i = \sum_j W_{ij} s_j`, the energy
:math:`E = -\tfrac12 s^\top W s` never rises, and the state falls into the
stored "A".  :func:`attractors.plot.plot_patterns` draws the stored letters
and :func:`attractors.plot.animate` the completion, the state recorded every
tenth of a sweep, in the two colours of :func:`attractors.plot.spin_cmap`.
"""

# %%
# The stored letters, drawn as an image grid with the two-colour map.
import os

import numpy as np

import attractors
from attractors.models import HopfieldNetwork
from attractors.patterns import flip, glyphs, overlap

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

letters = "ACHTX"
stored = glyphs(letters)
axes = attractors.plot.plot_patterns(stored, labels=letters)
axes[0].figure.suptitle("Stored letters (pseudo-inverse rule)")
print("largest overlap between two stored letters:",
      f"{(np.abs(overlap(stored, stored)) - np.eye(len(letters))).max():.2f}")

# %%
# The cue and the run: ten records per sweep, so the animation shows the
# letter forming unit by unit.
network = HopfieldNetwork.from_patterns(stored, rule="pseudo-inverse", steps_per_sweep=10)
cue = flip(stored[0], 0.35, seed=4)
run = attractors.simulate(network, cue, n_steps=30, seed=2)
attractors.check_energy(run, strict=True)  # asynchronous updates never raise the energy
m = run.overlap.isel(time=-1).values.ravel()
print(f"overlap with 'A': cue {overlap(cue, stored)[0]:.2f} -> final {m[0]:.2f}; "
      f"with the other letters {', '.join(f'{x:.2f}' for x in m[1:])}")

# %%
# The animation (a GIF in the rendered gallery; ``anim.to_jshtml()`` in a
# notebook).
anim = attractors.plot.animate(run, kind="pattern", max_frames=8 if QUICK else 31,
                               title="Completing 'A' from a 35 %-flipped cue")
