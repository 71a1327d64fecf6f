r"""
Animation: a bump turning on a head-direction ring
==================================================

Zhang's (1996) ring of 64 rate units holds a bump of activity at any heading:
a line of fixed points, a continuous attractor.  Driven by the angular velocity
:math:`\omega(t)` of the head (``drive="velocity"``: the odd weight component
scaled by :math:`\gamma(t) = -\tau\,\omega(t)`), the bump turns with it, and
its population vector :math:`\arg\sum_i r_i e^{i\theta_i}` follows the true
heading :math:`\int_0^t \omega\,dt'`.  Here the head turns one way at
:math:`180^\circ`/s, rests (the bump stays where it is: nothing pulls it
back), then turns back faster.  :func:`attractors.plot.animate` draws the rates
against preferred direction frame by frame, with the decoded heading marked.
"""

# %%
# The turning signal (rad/ms) and the run, recorded every 10 ms.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

ring = attractors.RingAttractor(n_units=48 if QUICK else 64)
dt = 0.5
times = np.arange(0.0, 1200.0 + dt, dt)
degrees_per_s = np.select([times < 500.0, times < 700.0], [180.0, 0.0], -360.0)
omega = np.radians(degrees_per_s) / 1000.0
run = ring.track(omega, dt=dt, initial_heading=0.0, record_every=20)
print(f"turned through {np.degrees(np.ptp(run.true_heading.values)):.0f} deg; "
      f"RMS error of the decoded heading {np.degrees(run.attrs['rms_error']):.2g} deg")

# %%
# The rates (Hz) are the ring's observable; they stand in for the state in the
# animation, with their units.
rates = run.state.copy(data=ring.rates(run.state.values))
rates.attrs.update(long_name="rate", units="Hz")
run = run.assign(rate=rates)
anim = attractors.plot.animate(run, variable="rate", max_frames=8 if QUICK else 41,
                               title="Head-direction ring")

# %%
# A still: the decoded heading against the true one.
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
ax.plot(run.time, np.degrees(run.true_heading), "k-", linewidth=4, alpha=0.3, label="true")
ax.plot(run.time, np.degrees(run.heading), "tab:red", label="decoded (population vector)")
ax.set(xlabel="time (ms)", ylabel="heading (deg, unwrapped)", title="The bump follows the head")
ax.legend(fontsize="small")
