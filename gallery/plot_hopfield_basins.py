r"""
Hopfield network: basins of attraction and the spurious states between them
===========================================================================

Left: how far can a cue be from a stored pattern and still be completed?
Cues are stored patterns with a fraction of their bits flipped (an exact
count, :func:`attractors.patterns.flip`), and recall succeeds when the
asynchronous dynamics end with overlap :math:`m \ge 0.9` with the cued
pattern.  At low load almost any cue closer to the pattern than to its
reversal is completed (up to about 40 % of flipped bits); as the load
:math:`\alpha = P/N` approaches :math:`\alpha_c \approx 0.138` the basins
shrink, and above it even the pattern itself is lost.

Right: started from random states, a lightly loaded network (:math:`N =
1000`, :math:`P = 10`) ends either in a stored pattern (or its reversal) or in
a spurious state.  The spurious states are mostly the symmetric mixtures
:math:`\operatorname{sgn}(\pm\xi^1 \pm \xi^2 \pm \xi^3)` of three patterns
(overlap 1/2 with each) and of five patterns (overlap 3/8), with energies
per unit close to the :math:`-\tfrac12 n m_n^2` that Amit, Gutfreund &
Sompolinsky (1985) predict for vanishing load: -0.375 and -0.352 (the
crosstalk of the other patterns lowers them by about 0.01 here), above the
patterns' -0.5.  They are
local minima, so the dynamics can get stuck there, but shallower ones.
"""

# %%
# Recall probability against cue noise, one network per load, all cues of a
# network in one batch.
import os

import matplotlib.pyplot as plt
import numpy as np
from scipy.special import comb

from attractors.models import HopfieldNetwork
from attractors.patterns import flip, random_patterns

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

n_units = 200 if QUICK else 400
loads = (0.02, 0.05, 0.1, 0.13, 0.16)
noise_levels = np.linspace(0, 0.5, 6 if QUICK else 11)
cues_per_level = 30 if QUICK else 80
recall = {}
for k, alpha in enumerate(loads):
    p = max(1, int(round(alpha * n_units)))
    patterns = random_patterns(p, n_units, seed=k)
    network = HopfieldNetwork.from_patterns(patterns, exact=True)
    which = np.arange(cues_per_level) % p  # the pattern each cue comes from
    cues = np.concatenate([flip(patterns[which], rho, seed=100 * k + j)
                           for j, rho in enumerate(noise_levels)])
    result = network.recall(cues, seed=k)
    own = result.overlap.values[np.arange(cues.shape[0]), np.tile(which, noise_levels.size)]
    recall[alpha] = (own >= 0.9).reshape(noise_levels.size, cues_per_level).mean(axis=1)
    print(f"alpha = {p / n_units:.3f}: recalled fraction {recall[alpha].round(2)}")

# %%
# Spurious states: relax random states and classify the fixed points by how
# many patterns they overlap with (:math:`|m| > 0.2`).
n_mix, p_mix = (500, 10) if QUICK else (1000, 10)
n_starts = 300 if QUICK else 1000
patterns = random_patterns(p_mix, n_mix, seed=42)
network = HopfieldNetwork.from_patterns(patterns, exact=True)
starts = random_patterns(n_starts, n_mix, seed=43)
final = network.recall(starts, seed=44)
assert bool(final.converged.all())
condensed = (np.abs(final.overlap.values) > 0.2).sum(axis=1)
energy_per_unit = final.energy.values / n_mix


def mixture_overlap(n):
    """Overlap of the symmetric n-mixture with each of its patterns (n odd)."""
    return comb(n - 1, (n - 1) // 2) / 2 ** (n - 1)


classes = {1: "stored pattern or reversal", 3: "3-pattern mixture", 5: "5-pattern mixture"}
for n, name in classes.items():
    members = condensed == n
    m = np.sort(np.abs(final.overlap.values[members]), axis=1)[:, -n:]
    print(f"{name}: {members.sum()} of {n_starts}, mean overlap {m.mean():.3f} "
          f"(theory {mixture_overlap(n):.3f}), energy per unit "
          f"{energy_per_unit[members].mean():.3f} (theory {-0.5 * n * mixture_overlap(n)**2:.3f})")

# %%
# Left: recall probability; right: the energies of the fixed points reached,
# by class, with the theoretical energies of the symmetric mixtures.
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
for alpha, fraction in recall.items():
    left.plot(noise_levels, fraction, marker="o", markersize=4,
              label=rf"$\alpha$ = {alpha:g}" + (r" > $\alpha_c$" if alpha > 0.138 else ""))
left.set_xlabel("fraction of cue bits flipped")
left.set_ylabel("probability of recall (final overlap >= 0.9)")
left.set_title(f"Basins shrink as the load grows (N = {n_units})")
left.legend(fontsize="small")

bins = np.linspace(energy_per_unit.min() - 0.01, energy_per_unit.max() + 0.01, 60)
other = ~np.isin(condensed, list(classes))
right.hist([energy_per_unit[condensed == n] for n in classes] + [energy_per_unit[other]],
           bins=bins, stacked=True, label=list(classes.values()) + ["other spurious states"],
           color=["tab:green", "tab:orange", "tab:red", "tab:gray"])
for n, color in zip(classes, ["tab:green", "tab:orange", "tab:red"]):
    right.axvline(-0.5 * n * mixture_overlap(n) ** 2, color=color, linestyle="--")
right.set_yscale("log")
right.set_xlabel("energy per unit E/N of the final state (dimensionless)")
right.set_ylabel(f"number of runs (of {n_starts} random starts)")
right.set_title(f"Fixed points reached from random states (N = {n_mix}, P = {p_mix});\n"
                "dashed: mean-field energies of the symmetric mixtures")
right.legend(fontsize="small", loc="upper left")
fig.suptitle("Hopfield network (Hebb rule, asynchronous updates): basins and spurious states")
