r"""
Hopfield network: the whole state space of a 9-unit network
===========================================================

A network of :math:`N = 9` units storing three random patterns with the Hebb
rule has only :math:`2^9 = 512` states, so its asynchronous dynamics can be
laid out completely (:func:`attractors.analysis.state_space`).  Each state is
drawn at its energy; each line is one single-unit flip, always downhill.  The
flips end in eight fixed points: the three patterns, their reversals, and the
symmetric mixture :math:`\operatorname{sgn}(\xi^1 + \xi^2 + \xi^3)` and its
reversal, a spurious memory with higher energy.  A state is coloured by its
attractor when every update order leads there; grey states can reach several
fixed points, and the order of updates decides.  The mixture state has no
basin of its own: it is reached only from itself, while each pattern collects
22 states for sure and many more by some orders.
"""

# %%
# Build the network and tabulate every state, its successors under each
# single-unit update, its energy and the fixed points it can reach.
import os

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection

from attractors.analysis import state_space, transition_graph
from attractors.models import HopfieldNetwork
from attractors.patterns import random_patterns

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"  # the table is small either way

patterns = random_patterns(3, 9, seed=1)
network = HopfieldNetwork.from_patterns(patterns, exact=True)
space = state_space(network)
edges = transition_graph(space)
print(f"{space.sizes['state']} states, {edges.sizes['edge']} downhill flips, "
      f"{space.sizes['attractor']} fixed points; "
      f"{int((space.basin == -1).sum())} states where the update order decides")


def label(overlaps):
    """Name an attractor from its overlaps with the patterns."""
    best = int(np.argmax(np.abs(overlaps)))
    if np.isclose(abs(overlaps[best]), 1):
        return ("" if overlaps[best] > 0 else "-") + f"xi{best + 1}"
    return "mixture" if overlaps.sum() > 0 else "-mixture"


names = [label(m) for m in space.attractor_overlap.values]
for name, energy, sure, reach in zip(names, space.attractor_energy.values,
                                     space.basin_size.values, space.reach_size.values):
    print(f"{name:>9}: energy {energy:6.3f}, sure basin {sure:3d}, reachable from {reach:3d}")

# %%
# Layout: height is the energy; along each energy level the states are
# ordered by the attractor they end in (grey, order-dependent states last).
energy = space.energy.values
basin = space.basin.values
key = np.where(basin < 0, space.sizes["attractor"], basin)
x = np.zeros(space.sizes["state"])
for level in np.unique(energy):
    members = np.flatnonzero(energy == level)
    members = members[np.lexsort((members, key[members]))]
    x[members] = np.linspace(0, 1, members.size + 2)[1:-1]
colors = plt.cm.tab10(np.arange(space.sizes["attractor"]))
node_colors = np.where((basin >= 0)[:, None], colors[np.maximum(basin, 0)], (0.75,) * 4)

fig, (graph, bars) = plt.subplots(1, 2, figsize=(12, 6), layout="constrained",
                                  gridspec_kw={"width_ratios": [2.2, 1]})
segments = np.stack([np.column_stack([x[edges.source], energy[edges.source]]),
                     np.column_stack([x[edges.target], energy[edges.target]])], axis=1)
graph.add_collection(LineCollection(segments, colors="k", linewidths=0.3, alpha=0.08))
graph.scatter(x, energy, s=9, c=node_colors, zorder=2)
fixed = space.attractor_state.values
graph.scatter(x[fixed], energy[fixed], s=120, c=colors, edgecolors="k", zorder=3)
for k, state in enumerate(fixed):
    below = space.attractor_energy.values[k] == energy.min()
    above = not below and names[k].startswith("-")
    graph.annotate(names[k], (x[state], energy[state]), xytext=(0, 9 if above else -16),
                   textcoords="offset points", fontsize="small", fontweight="bold",
                   ha="center")
graph.set_xlabel("states along each energy level, grouped by attractor")
graph.set_xticks([])
graph.set_ylabel("energy E (dimensionless)")
graph.set_title("All 512 states and every single-unit flip (always downhill)")

order = np.arange(space.sizes["attractor"])
bars.barh(order, space.reach_size, color=colors, alpha=0.35, label="reachable by some order")
bars.barh(order, space.basin_size, color=colors, label="reached by every order")
for k in order:
    bars.annotate(f"{space.basin_size.values[k]} / {space.reach_size.values[k]}",
                  (space.reach_size.values[k], k), xytext=(3, 0), textcoords="offset points",
                  va="center", fontsize="small")
bars.set_yticks(order, names)
bars.set_xlim(0, 1.25 * space.reach_size.max())
bars.invert_yaxis()
bars.set_xlabel("number of states")
bars.set_title("Basins of the fixed points")
bars.legend(fontsize="small", loc="lower right")
fig.suptitle("Asynchronous Hopfield dynamics, N = 9 units, 3 patterns (Hebb rule)")
