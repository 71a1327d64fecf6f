r"""
Hopfield network: the load-temperature phase diagram of Amit, Gutfreund and Sompolinsky
=======================================================================================

A Hebbian Hopfield network storing :math:`P = \alpha N` random patterns,
with Glauber dynamics at temperature :math:`T`, has four phases in the
replica-symmetric mean-field theory of Amit, Gutfreund & Sompolinsky (1987;
Hertz, Krogh & Palmer 1991, Fig. 2.18).  Above
:math:`T_g = 1 + \sqrt{\alpha}` the network is a paramagnet (no order).
Below it a spin glass exists: frozen states unrelated to the patterns.
Below :math:`T_M(\alpha)` retrieval states (a large overlap :math:`m` with
one pattern) exist as local minima of the free energy: the memory works,
though the spin glass may be deeper.  The line ends at
:math:`\alpha_c = 0.138` at :math:`T = 0`, after a small re-entrant bulge of
the replica-symmetric theory.  Below :math:`T_c(\alpha)` the retrieval states
are the global minima: up to :math:`\alpha \approx 0.05` at :math:`T = 0`.
The lines come from :func:`~attractors.analysis.ags_retrieval_load` and
:func:`~attractors.analysis.ags_global_load`: the fold of the retrieval
branch of the :math:`(m, q, r)` equations, and the crossing of the retrieval
and spin-glass free energies.

The cells are simulations, run by :func:`~attractors.analysis.phase_diagram`
on :func:`attractors.sweep`.  At each :math:`(\alpha, T)` a network of
:math:`N = 800` units is cued with one of its stored patterns and relaxed by
60 Glauber sweeps, four patterns per cell.  A cell is blue where the states
stay on their patterns (overlap :math:`m \ge 0.5`,
:class:`~attractors.analysis.TypeByOverlap`), grey where they escape to a
spin-glass or paramagnetic state, and hatched where some cues stay and some
escape.  The simulated retrieval region follows :math:`T_M`, a little below
it: the finite size and the finite relaxation time round the transition,
and near :math:`T_M` the retrieval state's basin is shallow.  The global-minimum line
:math:`T_c` cannot be seen this way, since a cued pattern stays put while it
is only metastable.
"""

# %%
# The three lines of the theory, drawn parametrically in temperature.
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.analysis import (
    TypeByOverlap,
    ags_global_load,
    ags_retrieval_load,
    mean_field_critical_load,
    phase_diagram,
)
from attractors.models import HopfieldNetwork
from attractors.patterns import random_patterns
from attractors.plot import plot_phase_diagram

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

t_m_grid = np.r_[0.0, 0.01, 0.023, np.linspace(0.05, 1.0, 8 if QUICK else 24)]
alpha_m = ags_retrieval_load(t_m_grid)
t_c_grid = np.r_[0.0, np.linspace(0.05, 1.0, 5 if QUICK else 12)]
alpha_g = ags_global_load(t_c_grid)
loads_line = np.linspace(0.0, 0.2, 201)
print(f"alpha_c (T = 0) = {mean_field_critical_load():.4f}; largest alpha_M = "
      f"{alpha_m.max():.4f} at T = {t_m_grid[np.argmax(alpha_m)]:.3f} (re-entrance)")
print(f"retrieval states global minima up to alpha = {alpha_g[0]:.4f} at T = 0")

# %%
# The simulations: one network per cell, patterns drawn from the cell's seeded stream.
n_units = 300 if QUICK else 800
loads = np.linspace(0.02, 0.18, 4 if QUICK else 9)
temperatures = np.linspace(0.1, 1.5, 4 if QUICK else 11)


def network(load, temperature, rng):
    patterns = random_patterns(max(1, round(load * n_units)), n_units, rng=rng)
    return HopfieldNetwork.from_patterns(patterns, dynamics="glauber", temperature=temperature)


def cues(model, rng):
    return model.patterns[:4]  # four stored patterns, each cued exactly


simulated = phase_diagram(network, {"load": loads, "temperature": temperatures}, cues,
                          classify=TypeByOverlap(threshold=0.5, mixture_threshold=0.45,
                                                 max_sweeps=60), seed=7)
retained = simulated.fraction.sel(type="retrieval")
upper = t_m_grid >= 0.023  # T_M(alpha) is the upper branch of alpha_M(T), past its bulge
for load in loads[::2]:
    kept = temperatures[retained.sel(load=load).values >= 0.5]
    top = f"{kept.max():.2f}" if kept.size else "none"
    t_m = np.interp(load, alpha_m[upper][::-1], t_m_grid[upper][::-1], right=np.nan)
    theory = f"T_M = {t_m:.2f}" if np.isfinite(t_m) else "no retrieval states above alpha_c"
    print(f"alpha = {load:.3f}: most cues kept up to T = {top} (theory: {theory})")

# %%
# Cells from the simulation, the lines of the theory on top, and the phases named.
fig, ax = plt.subplots(figsize=(7.5, 5.5))
plot_phase_diagram(simulated, ax=ax, legend="upper right", boundaries={
    r"$T_g = 1 + \sqrt{\alpha}$": (loads_line, 1 + np.sqrt(loads_line)),
    r"$T_M$: retrieval states exist": (alpha_m, t_m_grid),
    r"$T_c$: retrieval states global minima": (alpha_g, t_c_grid),
})
ax.set_xlim(0, ax.get_xlim()[1])
ax.set_ylim(0, ax.get_ylim()[1])
ax.set_xlabel(r"load $\alpha = P/N$")
ax.set_ylabel("temperature $T$")
style = {"ha": "center", "va": "center", "fontsize": 9,
         "bbox": {"facecolor": "white", "alpha": 0.8, "edgecolor": "none"}}
ax.text(0.05, 1.38, "paramagnet", **style)
ax.text(0.15, 0.62, "spin glass", **style)
ax.text(0.085, 0.18, "retrieval\n(metastable)", **style)
ax.text(0.026, 0.3, "retrieval\n(global)", **style)
ax.set_title(f"AGS phase diagram; cells: N = {n_units}, a cued pattern kept (blue) or lost")
fig.tight_layout()
