r"""
Grid cells: a hexagonal pattern on a neural sheet that integrates the path
==========================================================================

The continuous-attractor model of grid cells of Burak & Fiete (2009): a
periodic sheet of rate units, each inhibiting its neighbours through a
centre-surround kernel shifted along its preferred direction (N, E, W or S),
with a feed-forward drive modulated by the animal's velocity,
:math:`B_i = A(1 + \alpha\,\hat e_{\theta_i}\cdot\mathbf v)`.  From noise the
sheet forms a hexagonal pattern (left) whose period sits near the
fastest-growing wavelength of the uniform state; its power spectrum (middle)
has six peaks, 60 degrees apart.  A velocity input makes the whole pattern
flow at a speed proportional to :math:`|\mathbf v|`, so the pattern's
displacement, measured by phase correlation between frames and divided by the
velocity gain (measured separately with constant speeds), retraces the path
of the animal (right).
"""

# %%
# Form the pattern from noise: 1,000 ms (2,000 Euler steps of 0.5 ms) without
# velocity input.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import grid_spacing, pattern_displacement, velocity_gain

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

n = 64 if QUICK else 96
sheet = attractors.GridCellSheet(n_side=n)
formed = attractors.simulate(sheet, t_span=1000.0, dt=0.5, solver="euler", seed=1,
                             record_every=2000)
pattern = formed.state.values[-1]
found = grid_spacing(pattern, n)
predicted, growth = sheet.uniform_instability()
print(f"pattern wavelength {found.wavelength:.2f} neurons (fastest-growing {predicted:.2f}), "
      f"field spacing {found.spacing:.2f}, orientations {np.round(found.orientations, 1)} deg")

# %%
# The velocity gain: flow speed per unit velocity, from constant speeds along x.
gain = velocity_gain(sheet, [-0.4, -0.2, 0.0, 0.2, 0.4], settle=1000.0, duration=150.0, seed=1)
print(f"velocity gain {gain['gain']:.4f} neurons/ms per m/s (drift {gain['drift']:.1e} neurons/ms)")

# %%
# A smooth random path: velocity from low-pass filtered noise, at most
# ~0.4 m/s, for 2 s (1 s in the quick version).
rng = np.random.default_rng(3)
duration = 1000.0 if QUICK else 2000.0
times = np.arange(0.0, duration + 0.5, 0.5)
knots = np.arange(0.0, duration + 100.0, 100.0)
velocity = np.stack([np.interp(times, knots, rng.normal(0.0, 0.2, knots.size)) for _ in range(2)], axis=1)
run = attractors.simulate(sheet, pattern, t_span=duration, dt=0.5, solver="euler",
                          inputs=attractors.inputs.Sampled(times, velocity), seed=0, record_every=4)
recorded = run.time.values
shift = pattern_displacement(run.state.values, n)  # neurons
path = np.stack([np.interp(recorded, times, np.concatenate([[0.0], np.cumsum(
    0.5 * (velocity[1:, i] + velocity[:-1, i]) / 2)])) for i in range(2)], axis=1)  # (m/s) * ms
decoded = shift / gain["gain"]
error = np.abs(decoded - path).max() / np.abs(path).max()
print(f"largest path-integration error: {100 * error:.1f} % of the path's extent")

# %%
# Left: the pattern.  Middle: its power spectrum near the origin, the six
# strongest wavevectors circled.  Right: the path and its estimate from the
# pattern's flow (1 (m/s) ms = 1 mm).
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(14, 4.4), layout="constrained")
image = left.imshow(pattern.reshape(n, n), origin="lower", cmap="viridis")
fig.colorbar(image, ax=left, label="rate s (a.u.)", shrink=0.85)
left.set_xlabel("x (neurons)")
left.set_ylabel("y (neurons)")
left.set_title(f"Pattern after 1 s from noise ({n} x {n} sheet)")

centred = pattern.reshape(n, n) - pattern.mean()
power = np.fft.fftshift(np.abs(np.fft.fft2(centred)) ** 2)
index = np.fft.fftshift(np.fft.fftfreq(n, 1.0 / n))
window = np.abs(index) <= 12
middle.pcolormesh(index[window], index[window], power[np.ix_(window, window)], cmap="gray_r",
                  shading="nearest")
middle.plot(found.peaks[:, 0], found.peaks[:, 1], "o", mfc="none", mec="tab:red", ms=12,
            label="six strongest peaks")
middle.set_aspect("equal")
middle.set_xlabel("wavevector index m_x (k = 2 pi m / n)")
middle.set_ylabel("wavevector index m_y")
middle.set_title(f"Power spectrum: wavelength {found.wavelength:.1f} neurons "
                 f"(predicted {predicted:.1f})", fontsize="medium")
middle.legend(fontsize="small", loc="upper right")

right.plot(path[:, 0], path[:, 1], "k-", lw=2, label="true path (integrated velocity)")
right.plot(decoded[:, 0], decoded[:, 1], "--", color="tab:orange", lw=1.5,
           label="pattern displacement / gain")
right.plot(0, 0, "ko")
right.set_aspect("equal", adjustable="datalim")
right.set_xlabel("x position (mm)")
right.set_ylabel("y position (mm)")
right.set_title("Path integration by the pattern's flow")
right.legend(fontsize="small", loc="best")
fig.suptitle("Burak & Fiete (2009) grid-cell sheet: hexagonal pattern and path integration")
