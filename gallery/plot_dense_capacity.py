r"""
Dense associative memory: capacity grows like :math:`N^{n-1}`
=============================================================

Krotov & Hopfield (2016) replaced the quadratic energy of the Hopfield network
by :math:`E = -\sum_\mu F(\xi^\mu \cdot \sigma)` with :math:`F(x) = x^n`.  The
signal that holds a stored pattern in place grows like :math:`N^{n-1}` while the
crosstalk of each other pattern grows only like :math:`N^{(n-1)/2}`, so the
number of patterns that can be stored grows like :math:`N^{n-1}`: linearly for
the Hopfield network (:math:`n = 2`), quadratically for :math:`n = 3`, cubically
for :math:`n = 4`.  Here the capacity, the number of random patterns at which
half of them are still fixed points, is measured by bisection for each
:math:`N` and compared with the signal-to-noise prediction
(:func:`~attractors.analysis.dense_predicted_capacity`).
"""

# %%
# Measure: for every degree n and size N, bisect on the number of stored random
# patterns until half of them stop being fixed points of the asynchronous
# dynamics (energies in exact integer arithmetic).
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.analysis import dense_capacity as measure_capacity
from attractors.analysis import dense_predicted_capacity as predicted_capacity

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

sizes = {
    2: [32, 64, 128] if QUICK else [32, 64, 128, 256],
    3: [16, 32] if QUICK else [16, 32, 64, 96],
    4: [12, 16] if QUICK else [12, 16, 24, 32],
}
repeats = 1 if QUICK else 3
measured = {n: [measure_capacity(N, degree=n, n_repeats=repeats, seed=10 * n + N) for N in sizes[n]]
            for n in sizes}
for n in sizes:
    slope = np.polyfit(np.log(sizes[n]), np.log(measured[n]), 1)[0]
    print(f"n = {n}: capacities {measured[n]} at N = {sizes[n]}; log-log slope {slope:.2f}")

# %%
# Capacity against the number of units on log-log axes: measured points,
# the signal-to-noise prediction as lines.  The slopes approach n - 1 (the
# prediction carries a slowly varying 1/ln N factor, so finite-N slopes are a
# little lower), and the three families separate by orders of magnitude.  At
# the smallest sizes the measured capacity lies above the prediction, whose
# Gaussian treatment of the crosstalk needs many units and patterns.
fig, ax = plt.subplots(figsize=(6.4, 4.6), layout="constrained")
colours = {2: "tab:blue", 3: "tab:orange", 4: "tab:green"}
grid = np.geomspace(10, 300, 60).round().astype(int)
for n in sizes:
    ax.plot(sizes[n], measured[n], "o", color=colours[n], label=f"measured, n = {n}")
    shown = grid[grid <= max(sizes[n]) * 1.2]
    ax.plot(shown, [predicted_capacity(int(N), degree=n) for N in shown], "-",
            color=colours[n], alpha=0.7, label=f"signal-to-noise prediction, n = {n}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("number of units N")
ax.set_ylabel("capacity P (half the patterns are fixed points)")
ax.set_title(r"Dense associative memory, $F(x) = x^n$: capacity $\propto N^{n-1}$")
ax.legend(fontsize="small", ncol=1, loc="upper left")
