r"""
The grid-cell torus under a RatInABox path
==========================================

A foraging path from RatInABox's Agent (George et al. 2024; rat-like speed and
turning statistics in a 1 m periodic box) drives the grid-cell sheet's pattern
(Burak & Fiete 2009).  The pattern is moved rigidly by the animal's displacement,
one pattern period per 0.2 m of path, which is what the sheet's velocity input does
at a fixed gain (see the grid-sheet story); recorded cells then see position through
the pattern's phase, a point on a torus.  (Simulating the sheet itself along the
whole path is the slow, faithful version of this story; it is not run here.)
Persistent homology of 150 cells finds Betti numbers (1, 2, 1), as Gardner et al.
(2022) found in recorded grid cells, and the toroidal coordinates (DREiMac;
Scoccola et al. 2023) cut the torus open into a square.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.manifold import (
    betti_numbers,
    persistent_homology,
    plot_barcode,
    toroidal_coordinates,
)
from attractors.paths import ratinabox_path

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
path = ratinabox_path(60_000.0 if QUICK else 240_000.0, dt=20.0, seed=2, speed_mean=0.3)
n_side = 48
sheet = attractors.GridCellSheet(n_side=n_side)
formed = attractors.simulate(sheet, t_span=400.0, dt=0.5, solver="euler", seed=1, record_every=800)
pattern = formed.state.values[-1].reshape(n_side, n_side)
period = 2 * np.pi / np.abs(np.fft.fftfreq(n_side)[1:n_side // 2] * 2 * np.pi)[
    np.argmax(np.abs(np.fft.fft2(pattern))[0, 1:n_side // 2])]  # neurons, along x

# Displacement along the path, unwrapped across the periodic box (m), then in neurons.
step = np.diff(path.position.values, axis=0)
step -= np.round(step)  # the box is 1 m: a jump across the wall is a small step
shift = np.vstack([[0.0, 0.0], np.cumsum(step, axis=0)]) * period / 0.2
k = np.fft.fftfreq(n_side)
phase = np.exp(-2j * np.pi * (shift[:, 0, None, None] * k[None, None, :]
                              + shift[:, 1, None, None] * k[None, :, None]))
activity = np.fft.ifft2(np.fft.fft2(pattern)[None] * phase).real.reshape(len(shift), -1)
cells = np.random.default_rng(0).choice(n_side**2, 150, replace=False)
rates = activity[:, cells] + np.random.default_rng(1).normal(0, 0.02, (len(shift), 150))

preprocess = dict(n_components=6, n_points=250 if QUICK else 400)
result = persistent_homology(rates, max_dim=2, n_shuffles=3 if QUICK else 6, seed=0,
                             preprocess=preprocess)
theta = toroidal_coordinates(rates, preprocess=dict(n_components=6, n_points=800))
seen = theta["time"].values.astype(int)  # the sample index of each point
print(f"pattern period {period:.1f} neurons; Betti numbers {betti_numbers(result)}")

# %%
# Left: the path.  Middle: the barcode.  Right: the points in their two toroidal
# coordinates, the torus cut open into a square (opposite edges are the same
# points); they fill it, as positions on a torus should.
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(14, 4.3), layout="constrained")
left.plot(*path.position.values.T, ".", markersize=1)
left.set(xlabel="x (m)", ylabel="y (m)", aspect="equal", title="RatInABox path (periodic box)")
plot_barcode(result, ax=middle, max_bars=6)
middle.set_title(f"Barcode: Betti numbers {betti_numbers(result)}")
points = right.scatter(theta[:, 0], theta[:, 1], s=4, c=path.time.values[seen] / 1000.0,
                       cmap="viridis")
fig.colorbar(points, ax=right, label="time along the path (s)")
right.set(xlabel="toroidal coordinate 1 (rad)", ylabel="toroidal coordinate 2 (rad)",
          aspect="equal", title="The torus, cut open by its coordinates")
fig.suptitle("Grid cells on a torus, from the sheet under an animal's path")
