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
of the same paper, :func:`attractors.analysis.dmft_autocorrelation`: the
population autocorrelation :math:`\Delta(\tau) = \langle x_i(t)\,x_i(t+\tau)\rangle`
obeys :math:`\ddot\Delta = \Delta - g^2 \langle\phi\phi\rangle_\Delta`, the
motion of a particle in a potential whose energy conservation fixes the
variance :math:`\Delta_0`.

Finite networks follow the theory closely up to about one correlation time;
the tail, :math:`\Delta \propto e^{-\lambda\tau}` with
:math:`\lambda = \sqrt{1 - g^2\langle\phi'\rangle^2}` (0.23 at g = 2), is set
by a nearly critical slow mode (:math:`1 - g^2\langle\phi'\rangle^2 = 0.05`
at g = 2, less nearer the transition), so at N = 500-1000 it still scatters
from one network to the next, faster or slower than the theory; the shaded
bands span the networks drawn (two per gain, four trajectories each: the
theory runs between the two at g = 1.5 and along them at g = 2 up to
:math:`\tau \approx 8`; at g = 3 one network decays more slowly; other draws
at g = 2 decay faster, see the theory page).  An earlier version of this figure compared a
single N = 500 network after subtracting each unit's time average: that
network happened to decay faster than the theory, and the subtraction (which
removes its frozen offsets, units with non-zero time averages, a finite-N
effect of the same slow mode) made it look faster still.  Here the raw second
moment is compared (its mean is zero by the symmetry :math:`x \to -x`).
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import dmft_autocorrelation, largest_lyapunov_exponent
from attractors.models import RateNetwork

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
n_units = 100 if QUICK else 300
gains = np.linspace(0.4, 2.4, 5 if QUICK else 9)
t_span = 20.0 if QUICK else 100.0

exponents = []
for gain in gains:  # one network per gain: the weights differ, so no common batch
    net = RateNetwork.random(n_units, gain=gain, seed=1)
    x0 = np.random.default_rng(2).standard_normal((2, n_units))
    result = largest_lyapunov_exponent(net, x0, t_span=t_span, dt=0.1, transient=50.0, seed=3)
    exponents.append(result.exponent.values)
exponents = np.array(exponents)
for gain, pair in zip(gains, exponents):
    print(f"g = {gain:.2f}: lambda_1 = {np.round(pair, 3)}")

# %%
# The population autocorrelation of simulated networks, averaged over units
# time origins and trajectories (FFT), one curve per network, against the mean-field
# theory at three gains.  The networks are SCS's, without self-coupling
# (:math:`J_{ii} = 0`; :meth:`~attractors.models.RateNetwork.random` draws the
# diagonal too, an O(1/N) difference: in nine paired networks at N = 1000
# removing it changed the variance by -0.09 to +0.09, in no consistent
# direction).
n_chaos = 200 if QUICK else 1000
n_networks = 1 if QUICK else 2
n_trials, t_record = (2, 30.0) if QUICK else (4, 60.0)  # trajectories per network, each
chaos_gains = [1.5, 2.0, 3.0]
lags = np.arange(0.0, 15.05, 0.1)


def autocorrelation(x, n_lags):
    """<x_i(t) x_i(t + lag)> over units and time origins, lags 0..n_lags-1 records."""
    n_time = len(x)
    size = 1 << int(np.ceil(np.log2(2 * n_time)))
    spectrum = np.fft.rfft(x, n=size, axis=0)
    circular = np.fft.irfft(spectrum * spectrum.conj(), n=size, axis=0)[:n_lags]
    return circular.reshape(n_lags, -1).mean(axis=1) / (n_time - np.arange(n_lags))


measured, theory = {}, {}
for gain in chaos_gains:
    theory[gain] = dmft_autocorrelation(gain, lags)
    curves = []
    for seed in range(n_networks):
        # SCS's model has no self-coupling, J_ii = 0
        net = RateNetwork.random(n_chaos, gain=gain, seed=10 + seed, self_coupling=False,
                                 record_rate=False)
        # Several trajectories of one network in one batched run (one pass over the
        # weights per step serves them all), recorded after a transient of 40 tau.
        x0 = np.random.default_rng(seed).standard_normal((n_trials, n_chaos))
        run = attractors.simulate(net, x0, t_span=t_record + 40.0, dt=0.1, solver="rk4")
        curves.append(autocorrelation(run.state.values[400:], len(lags)))
    measured[gain] = np.array(curves)
    d0 = float(theory[gain].variance)
    print(f"g = {gain}: Delta_0 mean-field {d0:.3f}, networks {np.round(measured[gain][:, 0], 3)}; "
          f"Delta(2) {float(theory[gain].autocorrelation.sel(lag=2.0, method='nearest')):.3f} vs "
          f"{np.round(measured[gain][:, 20], 3)}")

# %%
# Left: the exponent against the gain, two initial states per network; the
# dashed line is the linear prediction :math:`g - 1` of the silent state
# below g = 1.  Middle: :math:`\Delta(\tau)` of the networks (thin) and of
# the theory (dashed).  Right: the same divided by the variance.
fig, (ax, middle, right) = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
ax.plot(gains, exponents, "o", color="C0", alpha=0.7)
low = gains[gains <= 1.0]
ax.plot(low, low - 1.0, "--", color="grey", label="$g - 1$ (silent state)")
ax.axhline(0.0, color="black", linewidth=0.8)
ax.axvline(1.0, color="black", linewidth=0.8, linestyle=":")
ax.set(xlabel="gain g", ylabel=r"largest Lyapunov exponent $\lambda_1$ (1/$\tau$)",
       title=f"Random rate networks, N = {n_units}: chaos above g = 1")
ax.legend()
for index, gain in enumerate(chaos_gains):
    color = f"C{index + 1}"
    delta = theory[gain].autocorrelation.values
    for panel, scale_theory, scale_net in ((middle, 1.0, np.ones(n_networks)),
                                           (right, delta[0], measured[gain][:, 0])):
        curves = measured[gain] / scale_net[:, None]
        panel.fill_between(lags, curves.min(axis=0), curves.max(axis=0), color=color, alpha=0.25,
                           linewidth=0)
        panel.plot(lags, curves.T, color=color, linewidth=0.8)
        panel.plot(lags, delta / scale_theory, "--", color="black", linewidth=1.2)
    middle.plot([], [], color=color, label=f"g = {gain}: networks, N = {n_chaos}")
middle.plot([], [], "--", color="black", label="dynamic mean-field theory")
middle.set(xlabel=r"lag (units of the time constant $\tau$)", ylabel=r"$\Delta(\tau)$",
           title="Autocorrelation of the chaotic activity")
middle.legend(fontsize="small")
right.set(xlabel=r"lag (units of the time constant $\tau$)", ylabel=r"$\Delta(\tau) / \Delta(0)$",
          title="Normalised: the shape of the decay", ylim=(-0.1, 1.02))
plt.show()
