r"""
An oscillating excitatory-inhibitory pair: limit cycle, period and Floquet multipliers
======================================================================================

Two rate units, one excitatory and one inhibitory (a Wilson-Cowan style pair
written as a :class:`~attractors.models.RateNetwork` with tanh units, strong
self-excitation and a slower inhibitory unit, :math:`\tau_I = 2\tau_E`), have an
unstable focus at the origin (trace of the Jacobian 0.3 > 0, determinant
2.2 > 0) and, the units saturating, a stable limit cycle around it.
:func:`attractors.analysis.periodic_orbit` detects the cycle on a Poincare
section, polishes it by Newton shooting and gives the Floquet multipliers: one
equals 1 (a shift along the orbit), the other, inside the unit circle, says the
cycle attracts.  Its logarithm over the period is the cycle's second Lyapunov
exponent, which :func:`~attractors.analysis.lyapunov_spectrum` measures
independently.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import as_complex, lyapunov_spectrum, periodic_orbit
from attractors.models import RateNetwork
from attractors.plot import plot_periodic_orbit

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

pair = RateNetwork([[2.5, -2.0], [2.0, -0.2]], transfer="tanh", tau=[1.0, 2.0])
cycle = periodic_orbit(pair, [0.1, 0.0], dt=0.02 if QUICK else 0.01, transient=50.0,
                       t_search=40.0, seed=0)
period = float(cycle.period)
multipliers = as_complex(cycle, "floquet_multiplier").values
print(f"period {period:.5f} time units, amplitude (E, I) {np.round(cycle.amplitude.values, 4)}")
print(f"Floquet multipliers {np.round(multipliers.real, 6)}, stable: {bool(cycle.is_stable)}")

# %%
# The second Lyapunov exponent on the cycle equals ln|mu_2| / T.
spectrum = lyapunov_spectrum(pair, cycle.orbit.values[0], t_span=50.0 if QUICK else 400.0,
                             dt=0.02, transient=20.0, seed=0)
print(f"Lyapunov exponents {np.round(spectrum.exponent.values, 4)}; "
      f"ln|mu_2| / T = {np.log(abs(multipliers[1])) / period:.4f}")

# %%
# Left: trajectories from inside and outside wind onto the cycle (black, from
# the shooting).  Right: the Floquet multipliers, the trivial one on the unit
# circle and the other well inside it.
starts = np.array([[0.05, 0.0], [2.5, 2.0], [-2.5, 0.5]])
runs = attractors.simulate(pair, starts, t_span=30.0, dt=0.02)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
for trial in range(len(starts)):
    left.plot(runs.state.isel(trial=trial, unit=0), runs.state.isel(trial=trial, unit=1),
              linewidth=0.8, alpha=0.7)
plot_periodic_orbit(cycle, units=(0, 1), axes=(left, right))
left.set(xlabel="excitatory input $u_E$", ylabel="inhibitory input $u_I$",
         title=f"Phase plane of the E-I pair: limit cycle, T = {period:.3f}")
plt.show()
