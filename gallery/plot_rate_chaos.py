r"""
The transition to chaos in random rate networks
===============================================

In a network of N tanh rate units with Gaussian random weights of variance
:math:`g^2/N` (:meth:`attractors.models.RateNetwork.random`), the silent state
loses stability at :math:`g = 1` and the activity becomes chaotic above it
(Sompolinsky, Crisanti & Sommers 1988).  The largest Lyapunov exponent,
measured here by :func:`attractors.analysis.largest_lyapunov_exponent` (one
tangent vector, finite-difference Jacobian-vector products), is close to
:math:`-(1 - g)` below the transition and crosses zero near :math:`g = 1`
(Engelken, Wolf & Abbott 2023 compute the full spectrum of these networks).
Small networks are noisier: at N = 100 some settle on fixed points or cycles
well above g = 1 (finite-size effects), which is why the full figure uses N = 500.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.analysis import largest_lyapunov_exponent
from attractors.models import RateNetwork

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
n_units = 100 if QUICK else 500
gains = np.linspace(0.4, 2.4, 5 if QUICK else 11)
t_span = 20.0 if QUICK else 200.0

exponents = []
for gain in gains:  # one network per gain: the weights differ, so no common batch
    net = RateNetwork.random(n_units, gain=gain, seed=1)
    x0 = np.random.default_rng(2).standard_normal((2, n_units))
    result = largest_lyapunov_exponent(net, x0, t_span=t_span, dt=0.1, transient=50.0, seed=3)
    exponents.append(result.exponent.values)
exponents = np.array(exponents)
for gain, pair in zip(gains, exponents):
    print(f"g = {gain:.1f}: lambda_1 = {np.round(pair, 3)}")

# %%
# The exponent against the gain, two initial states per network; the dashed
# line is the linear prediction :math:`g - 1` of the silent state below g = 1.
fig, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
ax.plot(gains, exponents, "o", color="C0", alpha=0.7)
low = gains[gains <= 1.0]
ax.plot(low, low - 1.0, "--", color="grey", label="$g - 1$ (silent state)")
ax.axhline(0.0, color="black", linewidth=0.8)
ax.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
ax.set(xlabel="gain g", ylabel=r"largest Lyapunov exponent $\lambda_1$ (1/$\tau$)",
       title=f"Random rate networks, N = {n_units}: chaos above g = 1")
ax.legend()
plt.show()
