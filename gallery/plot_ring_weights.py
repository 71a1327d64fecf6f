r"""
Ring attractor: the weights that hold a bump and the odd part that moves it
===========================================================================

Zhang (1996) built the head-direction ring backwards, from the activity it
should hold: given a desired tuning curve :math:`r(\theta)`, the stationary
bump needs :math:`u = w * f(u)` with :math:`u = f^{-1}(r)`, solved for the
weight profile :math:`w` in Fourier space with a small (Tikhonov)
regularisation.  The resulting profile excites neighbours and inhibits units
across the ring; its derivative :math:`w'` is odd, and adding
:math:`\gamma w'` to the weights moves the bump at :math:`-\gamma/\tau`.
With the regulariser :math:`\varepsilon = 10^{-3}` the stable bump is a
little lower than the target (35.6 Hz for 40 Hz): the price of weights that
keep the bump stable (smaller :math:`\varepsilon` makes the target an
unstable state).
"""

# %%
# Zhang's construction on 64 units, with his transfer function
# :math:`f(u) = 6.34\,[\ln(1 + e^{10(u + 0.5)})]^{0.8}`.
import matplotlib.pyplot as plt
import numpy as np

import attractors

ring = attractors.RingAttractor(n_units=64)
theta = ring.theta
delta = np.where(theta > np.pi, theta - 2 * np.pi, theta)  # theta_i - theta_0, wrapped
order = np.argsort(delta)
bump = ring.rates(ring.stationary_state(0.0))
print(f"target peak {ring.target_rates.max():.1f} Hz, stationary bump peak {bump.max():.2f} Hz; "
      f"profile: max {ring.profile.max():.3f}, min {ring.profile.min():.3f}")

# %%
# Left: the desired tuning curve and the stationary bump the network holds.
# Middle: the weight profile :math:`w(\Delta\theta)` and its derivative
# :math:`w'`.  Right: the dense weight matrix :math:`W_{ij} = w(\theta_i -
# \theta_j)/N`, a circulant (``ring.weights``).
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(13, 3.9), layout="constrained")
degrees = np.degrees(delta[order])
left.plot(degrees, ring.target_rates[order], "k--", label="desired tuning curve")
left.plot(degrees, bump[order], "o-", markersize=3, label="stationary bump")
left.set(xlabel="preferred direction - bump centre (deg)", ylabel="rate (Hz)",
         title="Target and stationary bump")
left.legend(fontsize="small")
middle.plot(degrees, ring.profile[order], label=r"$w(\Delta\theta)$")
middle.plot(degrees, ring.profile_derivative[order], label=r"$w'(\Delta\theta)$ (odd part)")
middle.axhline(0, color="grey", linewidth=0.5)
middle.set(xlabel=r"$\Delta\theta$ (deg)", ylabel="weight (per unit rate)",
           title="Weight profile and its derivative")
middle.legend(fontsize="small")
limit = np.abs(ring.weights).max()
image = right.imshow(ring.weights, cmap="RdBu_r", vmin=-limit, vmax=limit,
                     extent=[0, 360, 360, 0])
fig.colorbar(image, ax=right, label=r"$W_{ij}$")
right.set(xlabel=r"presynaptic $\theta_j$ (deg)", ylabel=r"postsynaptic $\theta_i$ (deg)",
          title="Dense weight matrix (circulant)")
fig.suptitle("Zhang's ring: weights built from the desired tuning curve")
