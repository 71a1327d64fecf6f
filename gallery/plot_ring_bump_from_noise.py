r"""
Ring attractor: a bump forms from random rates
==============================================

The seed notes' first demonstration: 64 head-direction units start at random
firing rates and, through their recurrent weights alone, settle into one bump
of activity, somewhere on the ring.  Where it forms depends on the start;
its shape does not: every trial ends on the same stationary profile, moved
to its own position.  Along the way the Cohen-Grossberg energy of the
symmetric ring falls at every step.
"""

# %%
# Three trials from random rates (uniform between 1 and 40 Hz), 600 ms.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

ring = attractors.RingAttractor(n_units=64)
run = attractors.simulate(ring, n_trials=3, t_span=300.0 if QUICK else 600.0, dt=0.5,
                          seed=11, record_every=2)
rates = ring.rates(run.state.values)  # (time, trial, unit), Hz
report = attractors.check_energy(run, strict=True)
final_positions = np.degrees(run.bump_position.isel(time=-1).values) % 360
print(f"bumps formed at {np.round(final_positions, 1)} deg; "
      f"energy increases: {report.attrs['n_violations']}")

# %%
# Left: the rates of trial 0 over time (heat map, units by preferred
# direction).  Middle: the final rates of every trial, aligned on their
# decoded position, against the stationary bump.  Right: the energy.
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(13, 3.9), layout="constrained")
mesh = left.pcolormesh(run.time, np.degrees(ring.theta), rates[:, 0].T, shading="nearest",
                       cmap="viridis")
fig.colorbar(mesh, ax=left, label="rate (Hz)")
left.set(xlabel="time (ms)", ylabel="preferred direction (deg)",
         title="Trial 0: a bump forms from noise")
stationary = ring.rates(ring.stationary_state(0.0))
delta = np.degrees(np.angle(np.exp(1j * ring.theta)))
order = np.argsort(delta)
middle.plot(delta[order], stationary[order], "k-", linewidth=3, alpha=0.3,
            label="stationary bump")
for trial in range(run.sizes["trial"]):
    position = float(run.bump_position.isel(time=-1, trial=trial))
    offset = np.degrees(np.angle(np.exp(1j * (ring.theta - position))))
    sort = np.argsort(offset)
    middle.plot(offset[sort], rates[-1, trial][sort], ".", label=f"trial {trial}")
middle.set(xlabel="preferred direction - decoded position (deg)", ylabel="rate (Hz)",
           title="Final rates, aligned on the bump")
middle.legend(fontsize="small")
for trial in range(run.sizes["trial"]):
    right.plot(run.time, run.energy.isel(trial=trial), label=f"trial {trial}")
right.set(xlabel="time (ms)", ylabel="energy (a.u.)", title="Energy falls at every step")
right.legend(fontsize="small")
fig.suptitle("64-unit ring attractor: from random rates to a bump")
