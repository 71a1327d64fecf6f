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
The chaotic activity itself is described by the dynamic mean-field theory
of the same paper: the population autocorrelation
:math:`\Delta(\tau) = \langle x_i(t)\,x_i(t+\tau)\rangle` obeys
:math:`\ddot\Delta = \Delta - g^2 \langle\phi\phi\rangle_\Delta`, the motion of a
particle in a potential whose energy conservation fixes the variance
:math:`\Delta_0` (with :math:`\Phi = \log\cosh`,
:math:`\Delta_0^2/2 = g^2(\langle\Phi^2\rangle - \langle\Phi\rangle^2)`).
Small networks are noisier: at N = 100 some settle on fixed points or cycles
well above g = 1 (finite-size effects), which is why the full figure uses N = 500.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

import attractors
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
# The mean-field autocorrelation at g = 2, by Gauss-Hermite quadrature: the
# variance from energy conservation, then :math:`\Delta(\tau)` integrated from
# :math:`(\Delta_0, 0)` (it decays to 0 along the separatrix).
nodes, weights = np.polynomial.hermite_e.hermegauss(80)
weights = weights / weights.sum()
gain = 2.0


def log_cosh(u):
    return np.logaddexp(u, -u) - np.log(2.0)


def variance_condition(d0):
    phi = log_cosh(np.sqrt(d0) * nodes)
    return -d0**2 / 2 + gain**2 * (np.sum(weights * phi**2) - np.sum(weights * phi) ** 2)


d0 = brentq(variance_condition, 1e-6, 50.0)


def correlation(d):  # <tanh(x) tanh(y)> for a Gaussian pair of variance d0, covariance d
    d = min(max(d, 0.0), d0)
    inner = np.tanh(np.sqrt(d0 - d) * nodes[None, :] + np.sqrt(d) * nodes[:, None]) @ weights
    return np.sum(weights * inner**2)


lags = np.linspace(0.0, 12.0, 121)
theory = solve_ivp(lambda t, y: [y[1], y[0] - gain**2 * correlation(y[0])], (0, 12.0),
                   [d0, 0.0], t_eval=lags, rtol=1e-8, atol=1e-10).y[0]
n_chaos = max(n_units, 200)
net = RateNetwork.random(n_chaos, gain=gain, seed=0, record_rate=False)
run = attractors.simulate(net, np.random.default_rng(0).standard_normal(n_chaos),
                          t_span=150.0 if QUICK else 1000.0, dt=0.1, solver="rk4", seed=0)
x = run.state.values[500:]  # after 50 time units
x = x - x.mean(axis=0)
measured = [np.mean(x[:len(x) - lag] * x[lag:]) for lag in range(len(lags))]
print(f"g = 2: variance Delta_0 mean-field {d0:.3f}, network {measured[0]:.3f}")

# %%
# Left: the exponent against the gain, two initial states per network; the
# dashed line is the linear prediction :math:`g - 1` of the silent state
# below g = 1.  Right: the population autocorrelation of the chaotic network
# at g = 2 against the mean-field theory (both divided by their variance).
fig, (ax, right) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
ax.plot(gains, exponents, "o", color="C0", alpha=0.7)
low = gains[gains <= 1.0]
ax.plot(low, low - 1.0, "--", color="grey", label="$g - 1$ (silent state)")
ax.axhline(0.0, color="black", linewidth=0.8)
ax.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
ax.set(xlabel="gain g", ylabel=r"largest Lyapunov exponent $\lambda_1$ (1/$\tau$)",
       title=f"Random rate networks, N = {n_units}: chaos above g = 1")
ax.legend()
right.plot(lags, np.array(measured) / measured[0], label=f"network, N = {n_chaos}")
right.plot(lags, theory / d0, "--", color="black", label="dynamic mean-field theory")
right.set(xlabel=r"lag $\tau$ ($\tau_{unit}$)", ylabel=r"$\Delta(\tau) / \Delta(0)$",
          title="Autocorrelation of the chaotic activity, g = 2")
right.legend()
plt.show()
