r"""
Noise: the stationary variance of an Ornstein-Uhlenbeck process
===============================================================

Thousands of trials of the Ornstein-Uhlenbeck process
:math:`dx = -x/\tau\,dt + \sigma\,dW`, run with the Euler-Maruyama solver from
:math:`x = 0`, spread out until their variance settles.  The variance across
trials follows the exact prediction for the discrete chain,
:math:`\sigma^2 h (1 - a^{2k}) / (1 - a^2)` with :math:`a = 1 - h/\tau`, and the
pooled stationary states match the Gaussian of variance
:math:`\sigma^2 h / (1 - a^2)`, which at the step :math:`h = 0.1` is 5 % above
the continuous-time value :math:`\sigma^2 \tau / 2`.
"""

# %%
# One batched run: every trial starts at 0 and draws its own noise from the
# run's seeded generator.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.models import OrnsteinUhlenbeck
from attractors.solvers import EulerMaruyama

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

model = OrnsteinUhlenbeck(n_units=1, tau=1.0)
noise, dt = 1.0, 0.1
n_trials = 500 if QUICK else 5000
t_end = 10.0
run = attractors.simulate(model, np.zeros((n_trials, 1)), t_span=t_end, dt=dt,
                          solver=EulerMaruyama(noise=noise), seed=2024)
state = run.state.sel(unit=0)

# %%
# The predictions: the chain's variance after :math:`k` steps, its stationary
# limit (``stationary_variance(noise, dt)``), and the continuous process's
# :math:`\sigma^2\tau/2` (``stationary_variance(noise)``).
chain_variance = model.stationary_variance(noise, dt)
continuous_variance = model.stationary_variance(noise)
decay = (1 - dt / model.tau) ** 2
steps = np.rint((run.time.values - run.time.values[0]) / dt)
predicted = chain_variance * (1 - decay**steps)

# After five relaxation times the memory of x = 0 is a factor e^-10 of the variance.
settled = state.sel(time=slice(5 * model.tau, None)).values.ravel()
print(f"stationary variance: measured {settled.var():.4f}, chain {chain_variance:.4f}, "
      f"continuous process {continuous_variance:.4f}")

# %%
# Left: the variance across trials against time, with the exact curve.  Right:
# the histogram of the states after five relaxation times against the
# predicted Gaussian.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
time_label = f"time ({run.time.attrs['units']})"
left.plot(run.time, state.var("trial"), label=f"across {n_trials} trials")
left.plot(run.time, predicted, linestyle="--", color="k", label="exact, Euler-Maruyama chain")
left.axhline(continuous_variance, linestyle=":", color="tab:red",
             label=r"continuous process, $\sigma^2\tau/2$")
left.set_xlabel(time_label)
left.set_ylabel("variance of x (a.u.$^2$)")
left.set_title("Variance grows to its stationary value")
left.legend(fontsize="small", loc="lower right")

right.hist(settled, bins=60, density=True, color="tab:blue", alpha=0.6,
           label=f"states, t >= {5 * model.tau:g}")
values = np.linspace(-4, 4, 400) * np.sqrt(chain_variance)
gaussian = np.exp(-values**2 / (2 * chain_variance)) / np.sqrt(2 * np.pi * chain_variance)
right.plot(values, gaussian, color="k", label=f"Gaussian, variance {chain_variance:.3f}")
right.set_xlabel("state x (a.u.)")
right.set_ylabel("probability density (1/a.u.)")
right.set_title("Stationary distribution")
right.legend(fontsize="small", loc="upper right")
fig.suptitle(f"Ornstein-Uhlenbeck process, tau = {model.tau:g}, sigma = {noise:g}, dt = {dt:g}")
