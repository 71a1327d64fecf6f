r"""
Ring attractor: bump velocity against the shift strength gamma
==============================================================

With weights :math:`w + \gamma w'` the bump moves at
:math:`d\theta_0/dt = -\gamma/\tau`, exactly in the continuum (Zhang 1996):
linear in :math:`\gamma`, with slope :math:`-1/\tau`.  On a ring of N units
the lattice adds a correction: the bump feels a periodic pinning potential
whose strength falls like the N-th Fourier coefficient of its rate profile.
On 16 units it shows as a deviation of about 1e-4; on 64 units the
measured speed matches :math:`-\gamma/\tau` to better than 1e-9.  The
right panel shows the second way to turn the bump: two populations of
turning cells with offset projections (:class:`TwoPopulationRing`, the fly's
head-direction circuit), where the speed is linear in the drive for small
drives, with a gain that is measured rather than a closed form.
"""

# %%
# One batched run per ring size: every trial has its own constant gamma.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.models import TwoPopulationRing

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

gammas = np.linspace(-0.3, 0.3, 7 if QUICK else 13)
gammas = gammas[gammas != 0]
duration = 150.0 if QUICK else 300.0
speeds = {}
for n_units in (16, 64):
    ring = attractors.RingAttractor(n_units=n_units, drive="gamma")
    x0 = ring.stationary_state(0.1, n_trials=gammas.size)
    run = attractors.simulate(ring, x0, t_span=duration, dt=0.25, inputs=gammas, record_every=8)
    keep = run.time.values >= duration / 3
    speeds[n_units] = np.polyfit(run.time.values[keep], run.heading.values[keep], 1)[0]
    error = np.abs(speeds[n_units] / ring.angular_velocity(gammas) - 1)
    print(f"N = {n_units}: largest relative deviation from -gamma/tau: {error.max():.1e}")

double = TwoPopulationRing(attractors.RingAttractor(n_units=64))
drives = np.linspace(-0.1, 0.1, 9 if QUICK else 17)
# The default window (fit from 150 to 350 ms) lets the bump settle into steady motion.
turning = double.measure_velocity(drives)

# %%
# Left: the bump's angular velocity against gamma, with the continuum line
# :math:`-\gamma/\tau`.  Middle: the relative deviation from it (log scale),
# the lattice correction.  Right: the two-population ring's speed against
# its drive.
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(13, 3.9), layout="constrained")
tau = attractors.RingAttractor().tau
line = np.linspace(gammas.min(), gammas.max(), 2)
left.plot(line, -line / tau * 1000.0, "k-", linewidth=4, alpha=0.3, label=r"$-\gamma/\tau$")
for n_units, marker in ((16, "s"), (64, "o")):
    left.plot(gammas, speeds[n_units] * 1000.0, marker, linestyle="none", fillstyle="none",
              label=f"N = {n_units}")
    deviation = np.abs(speeds[n_units] / (-gammas / tau) - 1)
    middle.semilogy(gammas, np.maximum(deviation, 1e-16), marker + "-", label=f"N = {n_units}")
left.set(xlabel=r"shift strength $\gamma$", ylabel="bump velocity (rad/s)",
         title="Velocity is linear in gamma")
left.legend(fontsize="small")
middle.set(xlabel=r"shift strength $\gamma$", ylabel="relative deviation from $-\\gamma/\\tau$",
           title="The lattice correction falls fast with N")
middle.legend(fontsize="small")
right.plot(drives, turning * 1000.0, "o-")
right.axhline(0, color="grey", linewidth=0.5)
right.set(xlabel="turning drive v (right minus left)", ylabel="bump velocity (rad/s)",
          title="Two populations of turning cells")
fig.suptitle("Moving the bump: velocity against the odd weight component")
