r"""
Hopfield network as an optimiser: greedy maximal cliques
========================================================

A clique is a set of vertices of a graph that are all connected to each
other.  Give every vertex a 0/1 unit, let non-adjacent vertices inhibit each
other (weight :math:`-2`) and push every unit on with a bias of 1 from an
always-on unit (:func:`attractors.analysis.clique_network`, the construction
analysed by Jagota 1995).  A unit switches on exactly when none of its
non-neighbours is on, so asynchronous updates from the all-off state add
vertices one at a time, each lowering the energy by 1, and stop at a
*maximal* clique; the energy of a clique is minus its size.  The fixed
points are exactly the maximal cliques (checked here against the exhaustive
state space), and the deepest are the *maximum* cliques.  Which maximal
clique is found depends on the update order: the greedy descent often stops
in a smaller one, which is why finding a maximum clique is hard.
"""

# %%
# A random graph on 16 vertices, its network, and every maximal clique from
# the exhaustive state space (all :math:`2^{16}` states).
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import clique_network, is_maximal_clique, state_space

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

n_vertices = 16
rng = np.random.default_rng(7)
upper = np.triu(rng.random((n_vertices, n_vertices)) < 0.5, 1)
adjacency = (upper | upper.T).astype(int)
network = clique_network(adjacency)
space = state_space(network)
cliques = space.configuration.values[space.attractor_state.values]
assert np.all(is_maximal_clique(adjacency, cliques))
sizes = cliques.sum(axis=1)
print(f"{len(cliques)} maximal cliques, sizes {np.bincount(sizes)[1:]} (size 1, 2, ...); "
      f"maximum size {sizes.max()}")

# %%
# Greedy runs: many random update orders from the all-off state, and a few
# runs recorded unit by unit to show the energy falling by one per vertex.
n_runs = 200 if QUICK else 1000
found = network.recall(np.zeros((n_runs, n_vertices)), seed=1)
assert np.all(is_maximal_clique(adjacency, found.state.values))
found_sizes = found.state.values.sum(axis=1).astype(int)
print(f"greedy runs: {np.mean(found_sizes == sizes.max()):.0%} found a maximum clique")
fine = clique_network(adjacency, steps_per_sweep=n_vertices)
runs = attractors.simulate(fine, np.zeros((6, n_vertices)), n_steps=2 * n_vertices,
                           stop_at_fixed_point=True, seed=2)

# %%
# Left: the graph with a maximum clique (red) and the clique of one greedy run
# that stopped early (blue).  Middle: energy against time for six runs.
# Right: sizes of the cliques the greedy runs found, against the sizes of all
# maximal cliques.
angles = 2 * np.pi * np.arange(n_vertices) / n_vertices
xy = np.column_stack([np.cos(angles), np.sin(angles)])
best = np.flatnonzero(cliques[0])
early_runs = np.flatnonzero(found_sizes < sizes.max())
early = np.flatnonzero(found.state.values[early_runs[0]]) if early_runs.size else best

fig, (graph, energy, bars) = plt.subplots(1, 3, figsize=(15, 4.8), layout="constrained",
                                          gridspec_kw={"width_ratios": [1, 1.1, 1.1]})
for i, j in zip(*np.nonzero(np.triu(adjacency))):
    in_best = i in best and j in best
    in_early = i in early and j in early
    color = "tab:red" if in_best else ("tab:blue" if in_early else "0.85")
    graph.plot(*xy[[i, j]].T, color=color, linewidth=2 if (in_best or in_early) else 0.6,
               zorder=2 if (in_best or in_early) else 1)
graph.scatter(*xy.T, s=80, c="white", edgecolors="k", zorder=3)
graph.scatter(*xy[best].T, s=80, c="tab:red", edgecolors="k", zorder=4,
              label=f"a maximum clique ({best.size} vertices)")
graph.scatter(*xy[early].T, s=30, c="tab:blue", zorder=5,
              label=f"a greedy run's maximal clique ({early.size})")
graph.set_aspect("equal")
graph.axis("off")
graph.set_title(f"Random graph, {n_vertices} vertices")
graph.legend(fontsize="small", loc="lower center", bbox_to_anchor=(0.5, -0.12))

for trial in range(runs.sizes["trial"]):
    energy.step(runs.time, runs.energy.isel(trial=trial), where="post",
                label=f"order {trial + 1}")
energy.axhline(-sizes.max(), color="tab:red", linestyle="--", label="maximum clique")
energy.set_xlabel("time (sweeps; one unit update per step)")
energy.set_ylabel("energy E = -(clique size) (dimensionless)")
energy.set_title("Greedy descent from all units off")
energy.legend(fontsize="small", ncol=2)

values = np.arange(1, sizes.max() + 1)
width = 0.4
bars.bar(values - width / 2, np.bincount(sizes, minlength=values[-1] + 1)[1:] / len(sizes),
         width, label=f"all {len(sizes)} maximal cliques (state space)", color="0.6")
bars.bar(values + width / 2,
         np.bincount(found_sizes, minlength=values[-1] + 1)[1:] / n_runs, width,
         label=f"found by {n_runs} greedy runs", color="tab:blue")
bars.set_xlabel("clique size")
bars.set_ylabel("fraction")
bars.set_title("The greedy runs favour large cliques but can stop short")
bars.legend(fontsize="small", loc="upper left")
fig.suptitle("Maximal cliques found by a 0/1 Hopfield network")
