r"""
Hopfield network: storage capacity against the mean-field theory
================================================================

How many random patterns can a Hopfield network of :math:`N` units store?
Left: each stored pattern is used as its own cue and run to a fixed point;
the mean final overlap with that pattern is plotted against the load
:math:`\alpha = P/N` for Hebbian networks of several sizes.  The curve is the
zero-temperature mean-field theory of Amit, Gutfreund & Sompolinsky (1985,
1987): the retrieval state keeps an overlap :math:`m(\alpha)` above 0.967
up to :math:`\alpha_c \approx 0.138`, where it disappears.  The simulations
follow the theory below :math:`\alpha_c` and drop sharply above it; the
finite networks' transition is rounded over a width shrinking with
:math:`N`.  Right: the fraction of patterns recalled (final overlap
:math:`\ge 0.95`) from cues with 10 % of their bits flipped, for the three
storage rules at :math:`N = 300`: Hebb fails near :math:`\alpha_c`, Storkey's
rule (1997) holds to well over twice that load, and the pseudo-inverse rule keeps
every pattern a fixed point until :math:`P \approx N`, though its basins of
attraction shrink long before.
"""

# %%
# Hebbian networks of several sizes, several independent networks per load
# (:func:`attractors.analysis.capacity_curve`), and the theory
# (:func:`~attractors.analysis.mean_field_overlap`).
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.analysis import capacity_curve, mean_field_critical_load, mean_field_overlap

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

sizes = (100, 300) if QUICK else (200, 500, 1200)
loads = np.linspace(0.02, 0.26, 7 if QUICK else 13)
# Fewer networks for the larger sizes, whose fluctuations are smaller.
trials = {100: 1, 300: 1, 200: 4, 500: 2, 1200: 1}
curves = {n: capacity_curve(n, loads, n_trials=trials[n], seed=n) for n in sizes}
alpha_c = mean_field_critical_load()
theory_loads = np.linspace(0, 0.3, 601)
theory = mean_field_overlap(theory_loads)
print(f"alpha_c = {alpha_c:.4f}, m(alpha_c) = {mean_field_overlap(alpha_c):.4f}")
for n, curve in curves.items():
    near = curve.sel(load=0.1, method="nearest")
    print(f"N = {n:5d}: mean final overlap at alpha = {float(near['load']):.3f}: "
          f"{float(near.mean_overlap.mean()):.4f} (theory {float(near.mean_field_overlap):.4f})")

# %%
# The three storage rules from noisy cues.
n_rules = 150 if QUICK else 300
rule_loads = np.linspace(0.05, 0.95, 10 if QUICK else 19)
# Each rule up to a little beyond its failure (Hebb is lost above 0.2, Storkey above 0.5).
last_load = {"hebb": 0.3, "storkey": 0.6, "pseudo-inverse": 0.95}
rules = {}
for rule in ("hebb", "storkey", "pseudo-inverse"):
    usable = rule_loads[rule_loads <= last_load[rule] + 1e-9]
    rules[rule] = capacity_curve(n_rules, usable, n_trials=1, rule=rule, cue_noise=0.1,
                                 threshold=0.95, seed=7)

# %%
# Left: final overlap against load with the mean-field curve; middle: the
# wrong bits below the critical load on a log scale (zero-error networks are
# left out); right: recall from noisy cues, and (dashed) the fraction of
# patterns that are fixed points.
fig, (left, middle, right) = plt.subplots(1, 3, figsize=(15, 4.8), layout="constrained")
retrieval = theory_loads <= alpha_c
left.plot(theory_loads[retrieval], theory[retrieval], color="k",
          label="mean-field theory (AGS)")
left.plot(theory_loads[~retrieval], theory[~retrieval], color="k")
left.axvline(alpha_c, color="k", linestyle=":", label=rf"$\alpha_c$ = {alpha_c:.3f}")
for n, curve in curves.items():
    mean = curve.mean_overlap.mean("trial")
    left.plot(curve["load"], mean, marker="o", markersize=4, label=f"simulation, N = {n}")
left.set_xlabel(r"load $\alpha = P/N$")
left.set_ylabel("mean final overlap with the cued pattern")
left.set_title("Hebb rule: retrieval collapses at the critical load")
left.set_ylim(0, 1.05)
left.legend(fontsize="small", loc="lower left")

# The fraction of wrong bits in the retrieval state, (1 - m) / 2, on a log scale.
below = theory_loads[(theory_loads > 0.05) & retrieval]
middle.semilogy(below, (1 - mean_field_overlap(below)) / 2, color="k",
                label="mean-field theory (AGS)")
for n, curve in curves.items():
    keep = curve["load"].values <= alpha_c
    wrong = (1 - curve.mean_overlap.mean("trial").values[keep]) / 2
    middle.semilogy(curve["load"].values[keep], np.where(wrong > 0, wrong, np.nan),
                    marker="o", markersize=4, linestyle="none", label=f"simulation, N = {n}")
middle.set_xlabel(r"load $\alpha = P/N$")
middle.set_ylabel("fraction of wrong bits, (1 - m) / 2")
middle.set_title(r"Below $\alpha_c$: errors in the retrieval state")
middle.legend(fontsize="small", loc="lower right")

colors = {"hebb": "tab:blue", "storkey": "tab:orange", "pseudo-inverse": "tab:green"}
for rule, curve in rules.items():
    name = {"hebb": "Hebb", "storkey": "Storkey", "pseudo-inverse": "pseudo-inverse"}[rule]
    right.plot(curve["load"], curve.recalled_fraction.mean("trial"), marker="o",
               markersize=4, color=colors[rule], label=name)
    right.plot(curve["load"], curve.fixed_fraction.mean("trial"), linestyle="--",
               color=colors[rule])
right.axvline(alpha_c, color="k", linestyle=":")
right.set_xlabel(r"load $\alpha = P/N$")
right.set_ylabel("fraction of stored patterns")
right.set_title(f"Three storage rules, N = {n_rules}")
right.plot([], [], color="gray", marker="o", markersize=4, label="recalled from 10 % noise")
right.plot([], [], color="gray", linestyle="--", label="pattern is a fixed point")
right.legend(fontsize="small", loc="center right")
fig.suptitle("Storage capacity of the Hopfield network")
