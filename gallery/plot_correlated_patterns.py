r"""
Hopfield network: correlated patterns reduce the capacity, and the prototype takes over
=======================================================================================

The capacity :math:`\alpha_c \approx 0.138` holds for independent random
patterns.  Real memories are correlated.  Here the patterns come in families:
each is a noisy copy of a parent ("prototype") pattern, with overlap
:math:`c` with its parent and :math:`c^2` with its siblings
(:func:`attractors.patterns.correlated_patterns`; Parga & Virasoro 1986,
Gutfreund 1988).  Left: the fraction of stored patterns that the Hebb rule
keeps retrievable (started at the pattern, ending with overlap
:math:`\ge 0.95`) against the load, with five patterns per family: weak
correlations (:math:`c = 0.2`) cost little, :math:`c = 0.4` cuts the usable
load several-fold and :math:`c = 0.6` leaves nothing.  Right: why.  With
:math:`c = 0.4`, as more examples of each family are stored, the summed
Hebbian traces of the siblings build an attractor at their common parent,
which was never stored: the network stops recalling the examples and
recalls the prototype instead, a simple form of concept formation
(Fontanari 1990).
"""

# %%
# Retrieval against load for several correlation strengths.
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.models import HopfieldNetwork
from attractors.patterns import correlated_patterns, overlap, random_patterns

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

n_units = 200 if QUICK else 400
n_trials = 1 if QUICK else 3
family = 5  # patterns per parent
correlations = (0.0, 0.2, 0.4, 0.6)
loads = np.linspace(0.025, 0.175, 4 if QUICK else 7)
retrieved = np.zeros((len(correlations), loads.size))
for i, c in enumerate(correlations):
    for j, alpha in enumerate(loads):
        fractions = []
        for trial in range(n_trials):
            seed = 1000 * i + 10 * j + trial
            n_parents = max(1, int(round(alpha * n_units / family)))
            parents = random_patterns(n_parents, n_units, seed=seed)
            patterns = correlated_patterns(parents, family, c, seed=seed + 1)
            network = HopfieldNetwork.from_patterns(patterns, exact=True)
            result = network.recall(patterns, seed=seed + 2)
            own = np.diag(result.overlap.values)
            fractions.append(np.mean(own >= 0.95))
        retrieved[i, j] = np.mean(fractions)
    print(f"c = {c}: retrieved fraction {retrieved[i].round(2)}")

# %%
# Examples against prototype: overlap of the final state with the cued
# example and with its parent, as the number of examples per parent grows.
c = 0.4
family_sizes = np.array([1, 2, 3, 5, 7, 10, 15, 20, 30] if not QUICK else [1, 3, 10, 30])
n_families = 3
with_example, with_parent = [], []
for k in family_sizes:
    parents = random_patterns(n_families, n_units, seed=int(k))
    patterns = correlated_patterns(parents, int(k), c, seed=int(k) + 1)
    network = HopfieldNetwork.from_patterns(patterns, exact=True)
    final = network.recall(patterns, seed=int(k) + 2).state.values
    index = np.arange(patterns.shape[0])
    with_example.append(overlap(final, patterns)[index, index].mean())
    with_parent.append(overlap(final, parents)[index, index // k].mean())
    print(f"{k:3d} examples per parent: overlap with the example {with_example[-1]:.3f}, "
          f"with the parent {with_parent[-1]:.3f}")

# %%
# Left: retrieval against load; right: examples or prototype.
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
for i, c_value in enumerate(correlations):
    left.plot(loads, retrieved[i], marker="o", markersize=4,
              label=f"c = {c_value:g} (siblings' overlap {c_value**2:.2f})")
left.axvline(0.138, color="k", linestyle=":", label=r"$\alpha_c$ of independent patterns")
left.set_xlabel(r"load $\alpha = P/N$")
left.set_ylabel("fraction of patterns retrieved (overlap >= 0.95)")
left.set_title(f"Correlated families of {family} patterns, N = {n_units} (Hebb rule)")
left.legend(fontsize="small", loc="lower left")

right.plot(family_sizes, with_example, marker="o", label="overlap with the cued example")
right.plot(family_sizes, with_parent, marker="s", label="overlap with its parent (never stored)")
right.axhline(c, color="gray", linestyle="--", label=f"example-parent overlap c = {c}")
right.set_xscale("log")
right.set_xticks(family_sizes, [str(k) for k in family_sizes])
right.minorticks_off()
right.set_xlabel("examples stored per parent")
right.set_ylabel("overlap of the final state")
right.set_title(f"{n_families} families, c = {c}: the prototype becomes the attractor")
right.set_ylim(0, 1.05)
right.legend(fontsize="small", loc="lower left")
fig.suptitle("Correlated patterns in a Hopfield network")
