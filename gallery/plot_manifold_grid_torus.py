r"""
The grid-cell torus under a RatInABox path
==========================================

A foraging path from RatInABox's Agent (George et al. 2024; rat-like speed and
turning statistics in a 1 m periodic box) is the velocity input of the simulated
grid-cell sheet (Burak & Fiete 2009), which integrates it: its hexagonal pattern
flows at 43 neurons per metre of path, and a recorded cell sees the animal's position
through the pattern's phase, a point on a torus.  The sheet is simulated along 16
stretches of 8 s of the path (one batch of 16 trials), each starting from the formed
pattern placed at a random spot of the sheet, so that the 128 s of running cover the
torus evenly; one stretch of 20 s covers only part of it, and its barcode shows loops
around the unvisited phases instead of a torus.  Persistent homology of 150 of the
sheet's cells finds Betti numbers (1, 2, 1), as Gardner et al. (2022) found in
recorded grid cells, and the toroidal coordinates (DREiMac; Scoccola et al. 2023)
follow the pattern's phase read off the sheet.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.manifold import (
    betti_numbers,
    circular_correlation,
    embed,
    persistent_homology,
    plot_barcode,
    plot_embedding,
    toroidal_coordinates,
)
from attractors.paths import ratinabox_path

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
# Stretches of the path (ms each).  The quick version's 16 s of path leave most of the
# torus unvisited: its barcode shows loops around the gaps, not a torus.
n_trials, stretch = (8, 2000.0) if QUICK else (16, 8000.0)
n_side = 48
sheet = attractors.GridCellSheet(n_side=n_side)
formed = attractors.simulate(sheet, t_span=400.0, dt=0.5, solver="euler", seed=1, record_every=800)
pattern = formed.state.values[-1].reshape(n_side, n_side)
# Even shifts keep each unit's preferred direction (the 2 x 2 blocks): every start is the
# same steady pattern, translated, as the continuous attractor allows.
offsets = 2 * np.random.default_rng(0).integers(0, n_side // 2, (n_trials, 2))
starts = np.stack([np.roll(pattern, tuple(offset), axis=(0, 1)).ravel() for offset in offsets])

path = ratinabox_path(n_trials * stretch, dt=50.0, seed=2, speed_mean=0.3)
steps = int(round(stretch / 50.0))
velocity = path.velocity.values  # m/s
pieces = np.stack([velocity[k * steps:(k + 1) * steps + 1] for k in range(n_trials)], axis=1)
drive = attractors.inputs.Sampled(50.0 * np.arange(steps + 1), pieces)  # (time, trial, 2)
run = attractors.simulate(sheet, starts, t_span=stretch, dt=1.0, solver="euler", inputs=drive,
                          record_every=20)
states = run.state.transpose("trial", "time", "unit").values.reshape(-1, n_side**2)
cells = np.random.default_rng(1).choice(n_side**2, 150, replace=False)
rates = states[:, cells]

# The pattern's phase, read off the whole sheet: the angle of its strongest Fourier mode.
spectrum = np.fft.fft2(states.reshape(-1, n_side, n_side) - pattern.mean())
power = np.abs(np.fft.fft2(pattern - pattern.mean())) ** 2
mode = np.unravel_index(np.argmax(power), power.shape)
phase = np.angle(spectrum[:, mode[0], mode[1]])

n_points = 200 if QUICK else 250
result = persistent_homology(rates, max_dim=2, n_shuffles=1 if QUICK else 3, seed=0,
                             preprocess=dict(n_components=6, n_points=n_points))
theta = toroidal_coordinates(rates, preprocess=dict(n_components=6, n_points=500))
seen = theta["time"].values.astype(int)  # the sample index of each point
view = embed(rates, method="isomap", n_components=3, n_neighbors=10,
             preprocess=dict(n_components=6, n_points=500))
match = max(abs(circular_correlation(theta[:, k], phase[seen])) for k in range(2))
print(f"{n_trials} x {stretch / 1000:g} s of path; Betti numbers {betti_numbers(result)}; "
      f"toroidal coordinate vs the sheet's phase: |rho| = {match:.2f}")

# %%
# Left: the path (one colour per stretch).  Middle: the barcode; the dotted ticks are
# what the shuffled copies reach.  Right: the points in their two toroidal
# coordinates, the torus cut open into a square (opposite edges are the same
# points), coloured by the phase of the pattern on the sheet: one coordinate follows it.
# Far right: a 3-D Isomap view of the same points, in the same colours.
fig = plt.figure(figsize=(19, 4.3), layout="constrained")
left, middle, right = (fig.add_subplot(1, 4, k) for k in (1, 2, 3))
position = path.position.values
for k in range(n_trials):
    left.plot(*position[k * steps:(k + 1) * steps + 1].T, ".", markersize=1)
left.set(xlabel="x (m)", ylabel="y (m)", aspect="equal", title="RatInABox path (periodic box)")
plot_barcode(result, ax=middle, max_bars=6)
middle.set_title(f"Barcode: Betti numbers {betti_numbers(result)}")
points = right.scatter(theta[:, 0], theta[:, 1], s=4, c=phase[seen], cmap="twilight")
fig.colorbar(points, ax=right, label="phase of the sheet's pattern (rad)")
right.set(xlabel="toroidal coordinate 1 (rad)", ylabel="toroidal coordinate 2 (rad)",
          aspect="equal", title="The torus, cut open by its coordinates")
plot_embedding(view, color=phase[view["time"].values.astype(int)],
               ax=fig.add_subplot(1, 4, 4, projection="3d")).set_title("Isomap view")
fig.suptitle("Grid cells on a torus, from the simulated sheet under an animal's path")
