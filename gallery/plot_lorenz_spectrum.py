r"""
The Lorenz attractor's Lyapunov spectrum, from a ten-line user model
====================================================================

The framework is general: the Lorenz (1963) system, written by hand with no
Jacobian, gets its full Lyapunov spectrum from
:func:`attractors.analysis.lyapunov_spectrum` (the QR method on tangent vectors
stepped by finite differences in one batched call).  A batch of trials on the
attractor runs vectorised, and the mean of their estimates approaches the
accepted spectrum (0.9056, 0, -14.5723): one positive exponent (chaos), one
zero (along the flow) and a strongly negative one, with Kaplan-Yorke dimension
:math:`2 + 0.9056/14.5723 = 2.062`.  Their sum is the constant trace of the
Jacobian, :math:`-(\sigma + 1 + \beta) = -13.667`.
"""

# %%
# The model: all a user writes.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import lyapunov_spectrum
from attractors.plot import plot_lyapunov_convergence, plot_spectrum

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"


class Lorenz(attractors.ContinuousSystem):
    """sigma = 10, rho = 28, beta = 8/3."""
    n_units = 3
    def vector_field(self, t, x, inputs=None):
        a, b, c = x[..., 0], x[..., 1], x[..., 2]
        return np.stack([10 * (b - a), a * (28 - c) - b, a * b - 8 / 3 * c], axis=-1)


# %%
# Many trials at once: each measures for ``t_span`` after a transient that
# brings it onto the attractor and aligns its tangent vectors.
n_trials, t_span = (20, 10.0) if QUICK else (200, 60.0)
x0 = np.random.default_rng(1).normal(size=(n_trials, 3)) * 5 + [0, 0, 25]
spectrum = lyapunov_spectrum(Lorenz(), x0, t_span=t_span, dt=0.02, transient=5.0, seed=0)
mean = spectrum.exponent.mean("trial").values
print("exponents (mean over trials):", np.round(mean, 4))
print(f"sum {mean.sum():.4f} (trace -13.6667), Kaplan-Yorke dimension "
      f"{float(spectrum.kaplan_yorke_dimension.mean()):.3f}")

# %%
# Left: the running estimates (mean over trials) settle inside their bands
# (final value +- ``settle_tolerance`` over the last half of the measurement)
# on the accepted values (dashed).  Middle: the spectrum, with the trials' spread
# and the Kaplan-Yorke dimension.  Right: one trajectory on the attractor.
run = attractors.simulate(Lorenz(), x0[0], t_span=20.0 if QUICK else 50.0, dt=0.01)
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
plot_lyapunov_convergence(spectrum, ax=left)
for line, accepted in zip(left.lines, [0.9056, 0.0, -14.5723]):
    left.axhline(accepted, color=line.get_color(), linestyle="--", linewidth=0.8)
left.set_yscale("symlog", linthresh=1.0)
plot_spectrum(spectrum, ax=middle)
right.plot(run.state.sel(unit=0), run.state.sel(unit=2), linewidth=0.4)
right.set(xlabel="x", ylabel="z", title="The Lorenz attractor (x-z projection)")
plt.show()
