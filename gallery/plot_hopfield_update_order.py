r"""
Update order matters: asynchronous fixed points and synchronous 2-cycles
========================================================================

A Hopfield network with symmetric weights has an energy
:math:`E = -\tfrac12 s^\top W s` that never rises when units are updated one
at a time, so every asynchronous run ends at a fixed point, but *which* one
depends on the order of the updates.  Started from a cue that lies exactly
halfway between two stored patterns (equal overlap with both), runs that
differ only in their random update order end in pattern A, in pattern B, or in
a spurious mixture.

Updating all units at once (synchronous dynamics) is a different dynamical
system: the energy may rise, and an orbit can end in a 2-cycle instead of a
fixed point.  What never rises there is the two-step Lyapunov function
:math:`L(t) = -s(t+1)^\top W s(t)` (Goles, Fogelman-Soulie & Pellegrin 1985),
constant once the orbit has closed.
"""

# %%
# Five random patterns in 100 units, stored with the exact Hebb rule (integer
# couplings, so ties are decided without round-off).  The cue agrees with
# patterns A and B where they agree, and takes half of the remaining bits from
# each, so its overlap with both is exactly the same.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.models import HopfieldNetwork

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
N_UNITS, N_PATTERNS = 100, 5
N_ORDERS = 12 if QUICK else 40

rng = np.random.default_rng(7)
xi = rng.choice([-1, 1], size=(N_PATTERNS, N_UNITS))
# A and B: the first pair that differs in an even number of bits (equal overlaps
# need the differing bits split evenly); stored as patterns 0 and 1.
a, b = next((i, j) for i in range(N_PATTERNS) for j in range(i + 1, N_PATTERNS)
            if np.sum(xi[i] != xi[j]) % 2 == 0)
xi = xi[[a, b] + [k for k in range(N_PATTERNS) if k not in (a, b)]]
differ = np.flatnonzero(xi[0] != xi[1])
from_b = rng.permutation(differ)[: differ.size // 2]
cue = xi[0].copy()
cue[from_b] = xi[1, from_b]
print("cue overlaps with A and B:", cue @ xi[0] / N_UNITS, cue @ xi[1] / N_UNITS)

# %%
# Asynchronous runs of the same cue, one per trial, each with its own fresh
# random order every sweep, recorded ten times per sweep (``steps_per_sweep``)
# until a whole sweep changes nothing; and one run in the fixed order 0..N-1.
net = HopfieldNetwork.from_patterns(xi, exact=True, steps_per_sweep=10)
runs = attractors.simulate(net, np.tile(cue, (N_ORDERS, 1)), t_span=15, seed=1,
                           stop_at_fixed_point=True)
fixed = attractors.simulate(HopfieldNetwork.from_patterns(xi, exact=True, order="fixed",
                                                          steps_per_sweep=10),
                            cue, t_span=15, seed=1, stop_at_fixed_point=True)
attractors.check_energy(runs, strict=True)  # raises if any update raised the energy
final = runs.overlap.isel(time=-1).values
outcome = np.where(final[:, 0] > 0.9, "A", np.where(final[:, 1] > 0.9, "B", "mixture"))
counts = {name: int(np.sum(outcome == name)) for name in ("A", "B", "mixture")}
print(f"{N_ORDERS} random orders end in: {counts}; all converged: {bool(runs.converged.all())}")

# %%
# Synchronous dynamics.  With the few stored patterns above almost every
# synchronous run ends at a fixed point, so the 2-cycles are shown on random
# symmetric couplings :math:`W_{ij} = W_{ji} \sim \mathcal N(0, 1/N)` (the
# Sherrington-Kirkpatrick spin glass), where most orbits end in one.
couplings = rng.normal(0, 1 / np.sqrt(N_UNITS), size=(N_UNITS, N_UNITS))
couplings = np.triu(couplings, 1) + np.triu(couplings, 1).T
sync = HopfieldNetwork(couplings, dynamics="sync")
starts = rng.choice([-1, 1], size=(100, N_UNITS))
endings = sync.recall(starts)
cycling = int(np.flatnonzero(endings.period.values == 2)[0])
cycle_start = int(endings.sweeps[cycling])  # the orbit is periodic from this step on
orbit = attractors.simulate(sync, starts[cycling], n_steps=cycle_start + 6, seed=0).state.values
energy = sync.energy(orbit)
lyapunov = sync.sync_lyapunov(orbit[:-1], orbit[1:])
assert np.all(np.diff(lyapunov) <= 1e-12 * np.abs(lyapunov[:-1]))
print(f"synchronous runs: {int(np.sum(endings.period == 1))} fixed points, "
      f"{int(np.sum(endings.period == 2))} two-cycles out of {len(starts)}")

# %%
# Top left: the overlap difference :math:`m^A - m^B` of every asynchronous run
# (one line per random order; black: fixed order), starting at exactly 0.  Top
# middle: their energies, which never rise and end at different minima.  Top
# right: a synchronous orbit of the spin glass, whose energy goes up and down
# while :math:`L(t)` falls and then stays constant on the 2-cycle.  Bottom: the cue, the two patterns, and
# where two random orders took the same cue.
colours = {"A": "tab:blue", "B": "tab:orange", "mixture": "tab:grey"}
fig = plt.figure(figsize=(12, 6.4), layout="constrained")
top = fig.subfigures(2, 1, height_ratios=[1.5, 1])
ax_m, ax_e, ax_s = top[0].subplots(1, 3)
time = runs.time.values
difference = runs.overlap.sel(pattern=0) - runs.overlap.sel(pattern=1)
for trial in range(N_ORDERS):
    colour = colours[outcome[trial]]
    ax_m.plot(time, difference.isel(trial=trial), color=colour, lw=0.9, alpha=0.7)
    ax_e.plot(time, runs.energy.isel(trial=trial), color=colour, lw=0.9, alpha=0.7)
ax_m.plot(fixed.time, fixed.overlap.sel(pattern=0) - fixed.overlap.sel(pattern=1), color="k",
          lw=2, label="fixed order")
for name, colour in colours.items():
    ax_m.plot([], [], color=colour, label=f"random order → {name} ({counts[name]})")
ax_m.legend(fontsize="small")
ax_m.set(xlabel="time (sweeps)", ylabel=r"$m^A - m^B$", title="Same cue, different orders")
ax_e.set(xlabel="time (sweeps)", ylabel="energy E", title="Asynchronous: E never rises")
steps = np.arange(len(orbit))
ax_s.plot(steps, energy, "o-", color="tab:red", label=r"energy $E(s(t))$")
ax_s.plot(steps[:-1], lyapunov, "s-", color="tab:green", label=r"$L(t) = -s(t+1)^\top W s(t)$")
ax_s.axvline(cycle_start, color="k", lw=0.8, ls="--")
ax_s.text(cycle_start, ax_s.get_ylim()[1], " 2-cycle", va="top", fontsize="small")
ax_s.set(xlabel="time (synchronous steps)", ylabel="E, L",
         title="Synchronous spin glass: L never rises")
ax_s.legend(fontsize="small")

images = top[1].subplots(1, 6)
examples = [int(np.flatnonzero(outcome == name)[0]) for name in ("A", "B", "mixture")
            if np.any(outcome == name)]
panels = [("cue", cue), ("pattern A", xi[0]), ("pattern B", xi[1])] + [
    (f"order {k + 1} → {outcome[k]}", runs.state.isel(time=-1, trial=k).values)
    for k in examples]
for ax in images:
    ax.axis("off")
for ax, (title, state) in zip(images, panels):
    ax.imshow(np.reshape(state, (10, 10)), cmap="gray_r", vmin=-1, vmax=1)
    ax.set_title(title, fontsize="small")
fig.suptitle("Hopfield networks of N = 100 units: the update order decides where a run ends")
plt.show()
