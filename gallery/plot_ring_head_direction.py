r"""
Ring attractor: a bump follows a turning animal (head-direction tracking)
=========================================================================

The animal turns with a varying angular velocity :math:`\omega(t)`; the ring
receives it as the shift strength :math:`\gamma(t) = -\tau\,\omega(t)` of the
odd weight component (``drive="velocity"``) and integrates it: the bump
turns with the head.  Decoded by the population vector, the bump's heading
lies on the true heading :math:`\int\omega\,dt`: in Zhang's continuum model
the moving bump :math:`u^*(\theta - \theta_0(t))` with
:math:`\dot\theta_0 = -\gamma(t)/\tau` is an exact solution for any
:math:`\gamma(t)`, so there is no lag, and 64 units are fine enough that the
lattice adds nothing visible (:meth:`RingAttractor.track` reports the drift
and RMS error).
"""

# %%
# A smooth random turning signal (filtered noise, up to about 1000 deg/s),
# sampled every 0.5 ms.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

ring = attractors.RingAttractor(n_units=64)
dt, t_end = 0.5, 1000.0 if QUICK else 3000.0
times = np.arange(0.0, t_end + dt, dt)
rng = np.random.default_rng(5)
kernel = np.exp(-0.5 * (np.arange(-400, 401) * dt / 60.0) ** 2)
noise = np.convolve(rng.standard_normal(times.size + kernel.size - 1), kernel, mode="valid")
omega = 0.007 * noise / noise.std()  # rad/ms
run = ring.track(omega, dt=dt, initial_heading=0.0, record_every=4)
print(f"RMS error {run.attrs['rms_error']:.2e} rad, drift {run.attrs['drift']:.2e} rad/ms; "
      f"the animal turned through {np.degrees(np.ptp(run.true_heading.values)):.0f} deg")

# %%
# Top: the angular velocity.  Middle: the rates of the ring (heat map), the
# bump turning with the head.  Bottom: decoded against true heading
# (unwrapped, so full turns keep counting).
fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(10, 8), sharex=True,
                                          layout="constrained")
top.plot(times, np.degrees(omega) * 1000.0)
top.axhline(0, color="grey", linewidth=0.5)
top.set(ylabel="angular velocity (deg/s)", title="The animal's turning")
rates = ring.rates(run.state.values)
mesh = middle.pcolormesh(run.time, np.degrees(ring.theta), rates.T, shading="nearest",
                         cmap="viridis")
fig.colorbar(mesh, ax=middle, label="rate (Hz)")
middle.set(ylabel="preferred direction (deg)", title="Head-direction ring: the bump turns")
bottom.plot(run.time, np.degrees(run.true_heading), "k-", linewidth=4, alpha=0.3,
            label="true heading")
bottom.plot(run.time, np.degrees(run.heading), "tab:red", linewidth=1.2,
            label="decoded (population vector)")
bottom.set(xlabel="time (ms)", ylabel="heading (deg, unwrapped)",
           title=f"Decoded against true heading (RMS error {run.attrs['rms_error']:.1e} rad)")
bottom.legend(fontsize="small")
fig.suptitle("Path integration of head direction by Zhang's ring attractor")
