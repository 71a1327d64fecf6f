r"""
CANN: the bump dies in a fold at the critical inhibition
========================================================

A continuous attractor neural network (Wu, Hamaguchi & Amari 2008) holds a
stable bump only while its global inhibition :math:`k` is below the critical
value :math:`k_c = \rho J_0^2 / (8\sqrt{2\pi}\,a)`.  Below it a second,
unstable bump (the saddle between the bump and the silent state) has the same
Gaussian shape with a smaller height; the closed forms are
:math:`u_0^\pm = (1 \pm \sqrt{1 - k/k_c})\, J_0 / (4\sqrt{\pi}\, a k)`.  The two
meet at :math:`k = k_c` in a fold (saddle-node) bifurcation and disappear.
Pseudo-arclength continuation follows the stable bump from
:math:`k = 0.1\,k_c` through the fold and back along the unstable bump; a
phase condition pins the bump's position, since the ring's rotations make the
bump a circle of equilibria.  The figure shows the bump height along the
branch (solid: stable, dashed: one unstable mode) on top of both closed forms,
and the located fold on :math:`k_c`.
"""

# %%
# Follow the branch: 256 units (128 at the quick size), the bump of the
# closed form as the starting state.
import dataclasses
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import cann_bump_theory, continuation
from attractors.plot import plot_bifurcation_diagram

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

cann = attractors.CANN1D(n_units=128 if QUICK else 256)
k_c = cann.critical_inhibition
start = dataclasses.replace(cann, k=0.1 * k_c)
branch = continuation(start, "k", 0.1 * k_c, 1.5 * k_c, x0=start.bump_profile(0.0))
fold = float(branch.special_parameter[branch.special_type == "fold"][0])
print(f"{branch.sizes['point']} points, {branch.attrs['status']}; "
      f"fold at k = {fold:.8f}, closed form k_c = {k_c:.8f} (relative {fold / k_c - 1:+.1e})")

# %%
# Both bump heights against the closed forms: the continuation's heights agree
# to about 1e-6 on both sides of the fold (the largest deviations at the points
# next to the fold, where the two closed forms meet as :math:`\sqrt{1 - k/k_c}`).
k = np.linspace(0.1 * k_c, k_c, 400)
theory = [cann_bump_theory(value, a=cann.a, J0=cann.J0, rho=cann.rho) for value in k]
stable_height = np.array([t.u0 for t in theory])
saddle_height = np.array([t.u0_unstable for t in theory])
heights = branch.state.max("unit").values
expected = [cann_bump_theory(min(value, k_c), a=cann.a, J0=cann.J0, rho=cann.rho)
            for value in branch.parameter.values]
closed = np.where(branch.stable.values == 1, [t.u0 for t in expected],
                  [t.u0_unstable for t in expected])
print(f"largest relative deviation of the bump height from the closed form: "
      f"{np.max(np.abs(heights / closed - 1)):.1e}")

fig, ax = plt.subplots(figsize=(7.0, 4.6), layout="constrained")
ax.plot(k / k_c, stable_height, color="0.75", linewidth=6, label=r"closed form $u_0^+$ (stable)")
ax.plot(k / k_c, saddle_height, color="0.75", linewidth=6, linestyle=":",
        label=r"closed form $u_0^-$ (saddle)")
scaled = branch.assign(parameter=branch.parameter / k_c,
                       special_parameter=branch.special_parameter / k_c)
scaled["parameter"].attrs["long_name"] = "k / k_c"
plot_bifurcation_diagram(scaled, y=lambda states: states.max(axis=-1), ax=ax,
                         labels=["continuation"], color="tab:blue")
ax.axvline(1.0, color="tab:red", linewidth=0.8, linestyle="--")
ax.set_xlabel(r"global inhibition $k / k_c$ (dimensionless)")
ax.set_ylabel(r"bump height $\max_i u_i$ (dimensionless)")
ax.set_title(f"CANN1D ({cann.n_units} units): stable and unstable bumps meet in a fold at $k_c$")
ax.legend(fontsize="small")
