r"""
A sequence replayed by asymmetric weights, and the 4-cycles of antisymmetric ones
=================================================================================

With symmetric weights a Hopfield network settles; with asymmetric ones it can
move on.  The sequence memory
:math:`W = \frac1N \sum_\mu \xi^{\mu+1} \xi^{\mu\top}` (indices mod P) maps
each stored pattern onto the next, so synchronous updates started on the first
letter step through the whole word and start again: the sequence is a cycle of
length P (Sompolinsky & Kanter 1986 and Kleinfeld 1986 add a delayed term so
that asynchronous dynamics replay it too), as long as the crosstalk between
the patterns stays small.  Such a network has no energy
(``symmetric=False`` must be asked for, and
:meth:`~attractors.models.HopfieldNetwork.energy` refuses), and its orbits are
told apart by the length of the cycle they end in, which ``recall()`` reports.
Antisymmetric couplings :math:`W^\top = -W` end in cycles whose length divides
4 (Bruck 1990).
"""

# %%
# The letters of a word as patterns (10 x 10 glyphs, N = 100).  The Hebb-like
# sequence weights map each letter onto the next plus crosstalk from the others;
# the letters share strokes (overlaps up to 0.5), and the crosstalk wins.  The
# projection version :math:`W = \Xi_{+}^\top (\Xi\Xi^\top)^{-1}\Xi`, with
# :math:`\Xi_+` the patterns shifted by one, maps each letter exactly onto the
# next whatever their correlations, as long as they are linearly independent
# (the sequence analogue of the pseudo-inverse rule).
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.models import HopfieldNetwork
from attractors.patterns import glyphs

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
WORD = "HOPE"
xi = glyphs(WORD)
n_patterns, n_units = xi.shape
following = np.roll(xi, -1, axis=0)
rules = {"Hebb": following.T @ xi / n_units,
         "projection": following.T @ np.linalg.solve(xi @ xi.T, xi)}
steps = 3 * n_patterns
runs = {}
for name, weights in rules.items():
    net = HopfieldNetwork(weights, symmetric=False, dynamics="sync", patterns=xi,
                          keep_diagonal=True)
    runs[name] = attractors.simulate(net, xi[0], n_steps=steps, seed=0)
    replayed = "".join(WORD[int(np.argmax(m))] for m in runs[name].overlap.values)
    print(f"{name}: replayed {replayed}; cycle length from recall(): "
          f"{int(net.recall(xi[0], max_sweeps=20).period)} (the word has {n_patterns} letters)")

# %%
# Antisymmetric Gaussian couplings: every orbit ends in a cycle whose length
# divides 4; here nearly all are 4-cycles.
rng = np.random.default_rng(3)
size = 40
a = rng.normal(size=(size, size))
antisymmetric = HopfieldNetwork(a - a.T, symmetric=False, dynamics="sync")
ends = antisymmetric.recall(rng.choice([-1, 1], size=(100 if QUICK else 1000, size)),
                            max_sweeps=200)
lengths, counts = np.unique(ends.period.values, return_counts=True)
print("cycle lengths of antisymmetric orbits:",
      dict(zip(lengths.tolist(), counts.tolist())))

# %%
# Left and middle: the overlap of the state with each letter along the run, one
# step per column.  Right: how many antisymmetric orbits end in cycles of each length.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), width_ratios=(1.4, 1.4, 1),
                         layout="constrained")
for ax, (name, run) in zip(axes, runs.items()):
    image = ax.imshow(run.overlap.values.T, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1,
                      interpolation="nearest")
    ax.set_yticks(range(n_patterns), list(WORD))
    ax.set_xlabel("time (synchronous steps)")
    ax.set_ylabel("pattern")
    ax.set_title(f"{name} sequence weights")
fig.colorbar(image, ax=axes[:2], label="overlap m (1)")
axes[2].bar([str(k) for k in lengths], counts, color="tab:gray")
axes[2].set_xlabel("cycle length (steps)")
axes[2].set_ylabel("orbits")
axes[2].set_title("antisymmetric W")

# %%
# With the projection weights the word comes back every P steps, letter for
# letter (overlap 1 with the current letter at every step); the Hebb version
# falls into a fixed point after a few letters, as Hebb storage of the same
# letters falls into mixtures.  Asymmetric weights store transitions rather
# than states.
