r"""
Three attractors, three shapes: a ring, a torus and isolated points
===================================================================

Persistent homology reads the shape of population activity: a ring attractor
following random head turns lives on a circle (Betti numbers 1, 1, 0), a grid-cell
sheet's hexagonal pattern moved along a 2-D path lives on a torus (1, 2, 1), and a
Hopfield network recalled from many noisy cues visits isolated points (one component
per stored pattern).  Each cloud is z-scored, projected on 6 principal components and
subsampled by furthest-point sampling (:func:`attractors.manifold.point_cloud`); a
bar counts when it is longer than every bar of the same dimension in time-shuffled
copies (:func:`attractors.manifold.betti_numbers`).  The sheet's pattern is moved
rigidly to random displacements, which is what its velocity input does along a path
(see the grid-sheet story), so this story stays quick.
"""

# %%
# Activity from three models.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors import patterns
from attractors.manifold import betti_numbers, persistent_homology, plot_barcode, point_cloud

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
rng = np.random.default_rng(0)
n_points, n_shuffles = (200, 3) if QUICK else (400, 10)

# Ring: a 64-unit Zhang ring integrating a random angular velocity (rad/ms).
ring = attractors.RingAttractor(n_units=64)
steps = 2000 if QUICK else 5000
omega = np.zeros(steps)
for k in range(1, steps):  # AR(1) head turning, ~200 ms memory, std 0.012 rad/ms
    omega[k] = 0.995 * omega[k - 1] + 0.012 * 0.1 * rng.standard_normal()
run = ring.track(omega, dt=1.0, record_every=2)
ring_rates = ring.rates(run.state.values)

# Torus: the sheet's pattern formed from noise, then seen at random displacements
# (uniform over the sheet, as after a long exploration).
n_side = 48
sheet = attractors.GridCellSheet(n_side=n_side)
formed = attractors.simulate(sheet, t_span=400.0, dt=0.5, solver="euler", seed=1, record_every=800)
pattern = formed.state.values[-1].reshape(n_side, n_side)
walk = rng.uniform(0, n_side, (1500 if QUICK else 4000, 2))  # neurons
k = np.fft.fftfreq(n_side)
phase = np.exp(-2j * np.pi * (walk[:, 0, None, None] * k[None, None, :]
                              + walk[:, 1, None, None] * k[None, :, None]))
moved = np.fft.ifft2(np.fft.fft2(pattern)[None] * phase).real.reshape(len(walk), -1)
sheet_rates = moved[:, rng.choice(n_side**2, 200, replace=False)]  # 200 "recorded" cells

# Points: a Hopfield network storing 5 patterns, recalled from 40 noisy cues each.
xi = patterns.random_patterns(5, 100, seed=1)
network = attractors.HopfieldNetwork.from_patterns(xi)
cues = patterns.flip(np.repeat(xi, 40, axis=0), 0.2, seed=2)
final = network.recall(cues[rng.permutation(len(cues))], seed=0).state.values
hopfield_states = final + rng.normal(0, 0.2, final.shape)  # read out with noise

# %%
# Barcodes against shuffles.
clouds = {"Ring attractor (ring)": (ring_rates, 1), "Grid sheet (torus)": (sheet_rates, 2),
          "Hopfield network (points)": (hopfield_states, 1)}
results = {}
for name, (activity, max_dim) in clouds.items():
    preprocess = dict(n_components=6, n_points=n_points if "Hopfield" not in name else None)
    results[name] = persistent_homology(activity, max_dim=max_dim, n_shuffles=n_shuffles,
                                        seed=0, preprocess=preprocess)
    print(f"{name}: Betti numbers {betti_numbers(results[name])}")

# %%
# Top: each cloud on its first three principal components.  Bottom: its barcode,
# dotted lines the longest shuffled bar of each dimension.
fig = plt.figure(figsize=(13, 8), layout="constrained")
for column, (name, (activity, _)) in enumerate(clouds.items()):
    cloud = point_cloud(activity, n_components=3, n_points=None)
    top = fig.add_subplot(2, 3, column + 1, projection="3d")
    top.scatter(*cloud.values.T, s=3, c=np.arange(cloud.shape[0]), cmap="viridis")
    top.set(xlabel="PC 1", ylabel="PC 2", zlabel="PC 3",
            title=f"{name}\nBetti numbers {betti_numbers(results[name])}")
    plot_barcode(results[name], ax=fig.add_subplot(2, 3, column + 4), max_bars=8)
fig.suptitle("The shape of attractor activity: persistent homology of three models")
