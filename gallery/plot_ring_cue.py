r"""
Ring attractor: a landmark cue moves the bump, which stays after the cue ends
=============================================================================

A head-direction bump sits at 0 degrees.  From 100 to 400 ms a visual
landmark drives the units tuned to 120 degrees (an external current,
``drive="current"``); the bump jumps there and, when the cue is switched
off, stays: the ring remembers the cued direction.  The decoded position
(population vector) shows the jump and then holds still.
"""

# %%
# The cue: a current bump of height 0.3 (in units of the potential) at 120
# degrees, on between 100 and 400 ms, held piecewise constant.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.inputs import Sampled

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

ring = attractors.RingAttractor(n_units=64)
cue_direction = np.radians(120.0)
cue = 0.3 * np.exp(3.0 * (np.cos(ring.theta - cue_direction) - 1.0))
t_end = 600.0 if QUICK else 800.0
inputs = Sampled([0.0, 100.0, 400.0, t_end], [0 * cue, cue, 0 * cue, 0 * cue], kind="previous")
run = attractors.simulate(ring, ring.stationary_state(0.0), t_span=t_end, dt=0.5,
                          inputs=inputs, record_every=2)
rates = ring.rates(run.state.values)
position = np.degrees(run.bump_position.values)
print(f"decoded position: {position[0]:.1f} deg at 0 ms, "
      f"{position[run.time.values.searchsorted(400.0)]:.1f} deg when the cue ends, "
      f"{position[-1]:.1f} deg at {t_end:g} ms")

# %%
# Left: the rates over time, with the cue's period shaded.  Right: the
# decoded position.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
mesh = left.pcolormesh(run.time, np.degrees(ring.theta), rates.T, shading="nearest",
                       cmap="viridis")
fig.colorbar(mesh, ax=left, label="rate (Hz)")
left.axhline(120.0, color="w", linestyle=":", linewidth=1)
left.set(xlabel="time (ms)", ylabel="preferred direction (deg)",
         title="Rates: the cue at 120 deg moves the bump")
right.axvspan(100.0, 400.0, color="tab:orange", alpha=0.2, label="cue on")
right.plot(run.time, position, label="decoded position")
right.axhline(120.0, color="k", linestyle="--", linewidth=1, label="cued direction")
right.set(xlabel="time (ms)", ylabel="bump position (deg)", ylim=(-30, 150),
          title="The bump stays where the cue left it")
right.legend(fontsize="small")
fig.suptitle("A landmark cue resets the head-direction bump")
