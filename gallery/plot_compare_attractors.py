r"""
Point attractor against ring attractor: the zero mode and diffusion
===================================================================

A point attractor and a continuous attractor, put through one protocol with
:func:`attractors.analysis.compare`.  The point attractor is a rate network
storing one pattern, :math:`\dot u = -u + W\tanh(u)` with
:math:`W = 3\,\xi\xi^\top/N`; the continuous attractor is the CANN of Wu,
Hamaguchi & Amari (2008), whose bump can sit at any position on the ring.

At its attractor the point network's Jacobian has every eigenvalue negative:
any displacement decays.  The ring's Jacobian has one eigenvalue at zero, and
its eigenvector is the derivative of the bump, :math:`\partial_x u^*`: moving
the bump along the ring costs nothing.  So under ongoing noise the point
attractor's state fluctuates about the same place (its mean squared
displacement saturates), while the bump diffuses along the ring with a
mean squared displacement growing as :math:`2Dt`, and the measured
:math:`D` matches the prediction from the Jacobian's left null vector
(Burak & Fiete 2012).
"""

# %%
# The two models, their attractors and the protocol.  The ring's attractor is
# found by ``compare`` itself: the CANN's analytic stationary profile
# (``bump_profile``), polished to a fixed point; the point attractor is given,
# :math:`u = b\,\xi` with :math:`b = 3\tanh b`.  The two models count time in
# different units (the rate network is dimensionless, the CANN in its
# :math:`\tau`), so ``compare`` puts both in their own time constants and says
# so in ``time_scaling``.
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.analysis import compare, drift_along_attractor, line_of_fixed_points
from attractors.models import CANN1D, RateNetwork

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

n_units = 64 if QUICK else 128
xi = np.random.default_rng(0).choice([-1.0, 1.0], n_units)
point = RateNetwork(3.0 * np.outer(xi, xi) / n_units)
ring = CANN1D(n_units=n_units)
bump = ring.theory().u0 * ring.stimulus(0.0)
result = compare({"point attractor": point, "ring (CANN1D)": ring},
                 targets={"point attractor": 2.9 * xi},
                 cue_noise=0.3, t_span=30.0, dt=0.05, n_trials=20, seed=1)
print(result.attrs["time_scaling"])
for model in result.model.values:
    row = result.sel(model=model)
    print(f"{model}: recall overlap {row.recall_overlap.item():.4f}, converged by "
          f"t = {row.convergence_time.item():.1f} {result.attrs['time_unit']}, "
          f"{row.point_type.item()} ({row.stability.item()}), "
          f"zero modes {row.n_zero_modes.item()}, leading eigenvalue "
          f"{row.leading_eigenvalue.item():+.2e}")

# %%
# The ring's zero mode is the bump's derivative, at every position on the ring.
line = line_of_fixed_points(ring, bump, n_angles=8)
print(line.attrs["message"])

# %%
# The drift along each attractor under the same additive noise
# (``compare(..., run_noise=noise)`` reports the same numbers): mean squared
# displacement against lag, and the diffusion coefficient against the
# prediction from the Jacobian.
noise = 0.02
drifts = {name: drift_along_attractor(model, state, noise, t_span=100.0 if QUICK else 200.0,
                                      dt=0.1, n_trials=30 if QUICK else 150, seed=5)
          for name, model, state in (("point attractor", point, 2.9 * xi),
                                     ("ring (CANN1D)", ring, bump))}
for name, drift in drifts.items():
    print(f"{name}: D = {drift.diffusion_coefficient.item():.2e} +- "
          f"{drift.diffusion_stderr.item():.1e} (theory {drift.diffusion_theory.item():.2e}) "
          f"{drift.attrs['units']}^2 per tau")

# %%
# The figure: spectra (left), the zero mode against the bump's derivative
# (middle), and diffusion against return (right).
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
ax = axes[0]
for model, colour, size in zip(result.model.values[::-1], ("tab:red", "tab:blue"), (3, 6)):
    values = result.eigenvalue_real.sel(model=model).values
    values = values[np.isfinite(values)]
    ax.plot(np.arange(values.size), values, "o", markersize=size, color=colour, label=model,
            markerfacecolor="none" if colour == "tab:blue" else colour)
ax.axhline(0.0, color="k", linewidth=0.8)
ax.set_xlabel("mode (by decreasing real part)")
ax.set_ylabel(r"Re $\lambda$ (1 / $\tau$)")
ax.set_title("Jacobian spectrum at the attractor")
ax.annotate("the ring's zero mode", (0, 0), xytext=(15, -0.3), arrowprops=dict(arrowstyle="->"))
ax.legend(fontsize="small", loc="lower right")

ax = axes[1]
x = line[line.attrs["coordinate"]].values
ax.plot(x, line.zero_mode.isel(angle=0).values, color="tab:red", linewidth=2,
        label="zero-mode eigenvector")
ax.plot(x, line.bump_derivative.isel(angle=0).values, "k--", linewidth=1.2,
        label=r"bump derivative $\partial_x u^*$ (normalised)")
ax.set_xlabel("preferred position x (rad)")
ax.set_ylabel("component (unit vector)")
ax.set_title("The zero mode is the bump's derivative")
ax.legend(fontsize="small", loc="upper right")

ax = axes[2]
for (name, drift), colour in zip(drifts.items(), ("tab:blue", "tab:red")):
    units = "rad$^2$" if drift.attrs["units"] == "rad" else "state$^2$"
    ax.plot(drift.lag.values, drift.msd.values, color=colour, label=f"{name} ({units})")
ring_drift = drifts["ring (CANN1D)"]
ax.plot(ring_drift.lag.values, 2 * ring_drift.diffusion_theory.item() * ring_drift.lag.values,
        "k--", linewidth=1, label=r"$2Dt$, D from the Jacobian")
ax.set_xlabel(r"lag ($\tau$)")
ax.set_ylabel("mean squared displacement along the attractor")
ax.set_title(f"Noise $\\sigma$ = {noise}: the bump diffuses")
ax.legend(fontsize="small", loc="upper left")
plt.show()
