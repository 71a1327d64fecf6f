r"""
Hopfield network: recalling a stored image from a noisy and from a partial cue
==============================================================================

Four 10 x 10 letter images, "H", "O", "P" and "E" (bundled with the package,
:func:`attractors.patterns.glyphs`), are stored in a network of 100 units.
The letters share many pixels (overlaps up to 0.5), which the plain Hebb rule
cannot cope with at all, so they are stored with the pseudo-inverse rule,
which makes every linearly independent set of patterns a fixed point.  Two
cues start the asynchronous dynamics: the letter "P" with 25 % of its pixels
flipped, and the letter "E" with its left half hidden (set to background).
Within a few sweeps both complete to the stored letter: the overlap
:math:`m^\mu = \frac1N \sum_i \xi^\mu_i s_i` with the cued letter climbs to 1,
those with the other letters settle at the letters' mutual overlaps, and the
energy :math:`E = -\frac12 s^\top W s`
falls at every unit update until the state is a fixed point.
"""

# %%
# Store the letters and make the two cues: an exact number of flipped pixels
# (:func:`~attractors.patterns.flip`) and a hidden region
# (:func:`~attractors.patterns.mask`).
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.models import HopfieldNetwork
from attractors.patterns import GLYPH_SHAPE, flip, glyphs, mask, overlap

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

letters = "HOPE"
stored = glyphs(letters)
print("overlaps between the letters:\n", overlap(stored, stored).round(2))
columns = np.arange(stored.shape[1]).reshape(GLYPH_SHAPE) % GLYPH_SHAPE[1]
left_half = (columns < GLYPH_SHAPE[1] // 2).ravel()
cues = np.stack([
    flip(stored[letters.index("P")], 0.25, seed=3),
    mask(stored[letters.index("E")], left_half, fill=-1),
])
cue_names = ["'P', 25 % of pixels flipped", "'E', left half hidden"]

# %%
# Run both cues together, recording the state ten times per sweep
# (``steps_per_sweep=10``) so the completion can be watched unit by unit.
network = HopfieldNetwork.from_patterns(stored, rule="pseudo-inverse", steps_per_sweep=10)
run = attractors.simulate(network, cues, n_steps=40 if QUICK else 60,
                          stop_at_fixed_point=True, seed=1)
attractors.check_energy(run, strict=True)  # asynchronous updates never raise the energy
final = run.state.isel(time=-1).values
for trial, name in enumerate(cue_names):
    m = run.overlap.isel(time=-1, trial=trial).values
    print(f"{name}: final overlaps {dict(zip(letters, m.round(2)))}")
assert np.array_equal(final[0], stored[letters.index("P")])
assert np.array_equal(final[1], stored[letters.index("E")])

# %%
# Top: the cue, two intermediate states and the final state for each cue.
# Bottom: the overlap with every stored letter, and the energy, against time
# in sweeps.
times = run.time.values
snapshots = [0.0, 0.3, 0.6, float(times[-1])]
fig = plt.figure(figsize=(11, 7.5), layout="constrained")
top, bottom = fig.subfigures(2, 1, height_ratios=[1.1, 1])
images = top.subplots(len(cue_names), len(snapshots))
for trial, name in enumerate(cue_names):
    for k, t in enumerate(snapshots):
        ax = images[trial, k]
        state = run.state.sel(time=t, method="nearest").isel(trial=trial).values
        ax.imshow(state.reshape(GLYPH_SHAPE), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        title = "cue" if k == 0 else f"t = {t:.1f} sweeps"
        ax.set_title(title + (" (final)" if k == len(snapshots) - 1 else ""), fontsize="small")
        if k == 0:
            ax.set_ylabel(name, fontsize="small")
colors = plt.cm.tab10(np.arange(len(letters)))
for trial, (name, ax) in enumerate(zip(cue_names, bottom.subplots(1, len(cue_names)))):
    for mu, letter in enumerate(letters):
        ax.plot(times, run.overlap.isel(trial=trial, pattern=mu), color=colors[mu],
                label=f"overlap with '{letter}'")
    ax.set_xlabel("time (sweeps)")
    ax.set_ylabel(r"overlap $m^\mu$")
    ax.set_ylim(0, 1.05)
    ax.set_title(name, fontsize="medium")
    energy_axis = ax.twinx()
    energy_axis.plot(times, run.energy.isel(trial=trial), color="k", linestyle="--",
                     label="energy")
    energy_axis.set_ylabel("energy E (dimensionless)")
    if trial == 0:
        lines = ax.get_lines() + energy_axis.get_lines()
        ax.legend(lines, [line.get_label() for line in lines], fontsize="small",
                  loc="lower right")
fig.suptitle("Pattern completion in a 100-unit Hopfield network storing H, O, P, E "
             "(pseudo-inverse rule, asynchronous updates)")
