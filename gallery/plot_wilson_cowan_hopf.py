r"""
Wilson-Cowan pair: a Hopf bifurcation gives birth to an oscillation
===================================================================

An excitatory and an inhibitory population (Wilson & Cowan 1972),

.. math::

    \dot E = -E + S(w_{EE} E - w_{EI} I + P - \theta), \qquad
    \tau_I \dot I = -I + S(w_{IE} E - w_{II} I - \theta),

with :math:`S(x) = 1/(1 + e^{-x})`, :math:`w_{EE} = w_{EI} = w_{IE} = 10`,
:math:`w_{II} = 2`, :math:`\theta = 4` and slow inhibition
:math:`\tau_I = 2`, have one equilibrium for every external drive :math:`P`.
Continuation in :math:`P` follows it and finds where a complex pair of
eigenvalues crosses the imaginary axis: two Hopf points, symmetric about
:math:`P = 4` (the sigmoid's point symmetry), with frequency :math:`\omega`.
Between them the equilibrium is an unstable focus and the pair oscillates:
simulations at drives across the first Hopf point show the limit cycle born
there, its amplitude growing from zero (a supercritical Hopf, amplitude
:math:`\propto \sqrt{P - P_H}`) and its period approaching :math:`2\pi/\omega` at onset.
"""

# %%
# The model in a few lines, and the equilibrium branch from P = -4 to 8.
import dataclasses
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import continuation
from attractors.plot import plot_bifurcation_diagram

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"


@dataclasses.dataclass(frozen=True)
class WilsonCowan(attractors.ContinuousSystem):
    """An excitatory-inhibitory pair of rate populations (Wilson & Cowan 1972)."""

    P: float = -4.0
    w_ee: float = 10.0
    w_ei: float = 10.0
    w_ie: float = 10.0
    w_ii: float = 2.0
    theta: float = 4.0
    tau_i: float = 2.0
    n_units = 2

    def vector_field(self, t, x, inputs=None):
        e, i = x[..., 0], x[..., 1]
        drive_e = self.w_ee * e - self.w_ei * i + self.P - self.theta
        drive_i = self.w_ie * e - self.w_ii * i - self.theta
        return np.stack([-e + 1 / (1 + np.exp(-drive_e)),
                         (-i + 1 / (1 + np.exp(-drive_i))) / self.tau_i], axis=-1)


model = WilsonCowan()
settled = attractors.simulate(model, [0.0, 0.0], t_span=100.0, dt=0.05).state.values[-1]
branch = continuation(model, "P", -4.0, 8.0, x0=settled)
hopf = branch.special_type.values == "hopf"
p_hopf = branch.special_parameter.values[hopf]
omega = branch.special_frequency.values[hopf]
for p, w in zip(p_hopf, omega):
    print(f"Hopf point at P = {p:.6f}, frequency omega = {w:.4f} (period {2 * np.pi / w:.3f})")

# %%
# The limit cycle: simulate at drives just below and past the first Hopf
# point and measure the range of E over the second half of the run and the
# period from upward crossings of its mean.  Near onset the range grows as
# :math:`\sqrt{P - P_H}` (the ratio printed stays nearly constant).
offsets = np.array([-0.3, 0.25, 1.0] if QUICK else [-0.3, 0.01, 0.04, 0.1, 0.25, 0.5, 1.0, 2.0])
drives = p_hopf[0] + offsets
low, high, periods = [], [], []
for p in drives:
    system = dataclasses.replace(model, P=float(p))
    start = branch.state.values[np.argmin(np.abs(branch.parameter.values - p))] + 0.01
    run = attractors.simulate(system, start, t_span=250.0 if QUICK else 1500.0, dt=0.05,
                              record_every=4)
    e = run.state.values[:, 0]
    tail, t = e[len(e) // 2:], run.time.values[len(e) // 2:]
    low.append(tail.min())
    high.append(tail.max())
    rising = np.flatnonzero((tail[:-1] < tail.mean()) & (tail[1:] >= tail.mean()))
    oscillating = tail.max() - tail.min() > 1e-3
    periods.append(np.mean(np.diff(t[rising])) if oscillating and len(rising) > 2 else np.nan)
for dp, lo, hi, period in zip(offsets, low, high, periods):
    ratio = f", range / sqrt(P - P_H) = {(hi - lo) / np.sqrt(dp):.3f}" if dp > 0 else ""
    print(f"P - P_H = {dp:+.2f}: range of E {hi - lo:.4f}, period {period:.2f}{ratio}")

# %%
# The bifurcation diagram: the equilibrium's E (solid: stable, dashed: an
# unstable focus) with the Hopf points, and the oscillation's range (the
# envelope of E on the cycle) from the simulations.
fig, ax = plt.subplots(figsize=(7.0, 4.6), layout="constrained")
plot_bifurcation_diagram(branch, y=0, ax=ax, labels=["equilibrium"], color="tab:blue")
ax.plot(drives, high, "o", color="tab:orange", markersize=4, label="cycle: max and min of E")
ax.plot(drives, low, "o", color="tab:orange", markersize=4)
ax.set_xlabel(r"external drive to E, $P$ (dimensionless)")
ax.set_ylabel(r"excitatory activity $E$ (dimensionless)")
ax.set_title(rf"Wilson-Cowan pair: Hopf points at $P$ = {p_hopf[0]:.3f} and {p_hopf[1]:.3f}")
ax.legend(fontsize="small", loc="upper left")
