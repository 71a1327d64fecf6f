r"""
Hopfield network: the retrieval branch against load, and the basins around it
=============================================================================

The retrieval state of a Hebbian Hopfield network, a fixed point with overlap
:math:`m` with one stored pattern, exists on a branch that ends at the
critical load :math:`\alpha_c \approx 0.138` (Amit, Gutfreund & Sompolinsky
1985, 1987): the mean-field overlap :math:`m(\alpha)` stays above 0.967 and
then the branch vanishes, like an equilibrium branch at a fold.  Top: the
mean-field branch (:func:`~attractors.analysis.mean_field_overlap`) with the
overlap of the retrieval states that simulated networks of 1000 units reach
from the pattern itself and from distant cues.  Bottom: global continuation
in the load (:func:`~attractors.analysis.global_continuation`, after
Attractors.jl): at every load a network stores :math:`P = \alpha N` random
patterns (the first rows of one draw), 200 cues with 30 % of the bits of
pattern 1 flipped are run to rest, and the attractors they reach are named by
their overlaps :math:`m_\mu` with the stored patterns: the retrieval state of
the cued pattern, its reversal, a spurious three-pattern mixture (three
overlaps near 1/2), or another state (the spin-glass states of AGS).  The
stacked basin fractions (:func:`~attractors.plot.plot_basin_fractions`) show
the retrieval basin shrinking well before :math:`\alpha_c`: near
:math:`\alpha = 0.1` the cue distance exceeds the basin radius, and the cues
end in spin-glass states; no cue this close to a pattern reaches its reversal
or a mixture.  The simulated retrieval states keep :math:`m \approx 1` as long
as they exist, as the theory says; the branch does not decay to zero but
disappears (a first-order transition), here up to :math:`\alpha = 0.14`, the
finite network's rounding of :math:`\alpha_c`.
"""

# %%
# Networks built per load from one fixed draw of patterns (the first
# :math:`\alpha N` rows), cues at distance ``d`` from pattern 1, and a classifier
# that names the final states by their overlaps with the stored patterns.
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.analysis import global_continuation, mean_field_critical_load, mean_field_overlap
from attractors.models import HopfieldNetwork
from attractors.patterns import flip, random_patterns
from attractors.plot import plot_basin_fractions

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

n_units = 200 if QUICK else 1000
n_cues = 40 if QUICK else 200
loads = np.round(np.arange(0.02, 0.241, 0.04 if QUICK else 0.02), 3)
distance = 0.3  # cue: 30 % of the bits of pattern 1 flipped (initial overlap 0.4)
stored = random_patterns(round(loads[-1] * n_units), n_units, seed=1).astype(np.int8)


def network(load):
    return HopfieldNetwork.from_patterns(stored[: round(load * n_units)], exact=True)


class Cues:
    """``n`` cues with a fraction ``d`` of the bits of pattern 1 flipped."""

    def __init__(self, d, n):
        self.d, self.n = d, n

    def __call__(self, model, rng):
        return flip(np.repeat(model.patterns[:1], self.n, axis=0), self.d, exact=True, rng=rng)


class ByOverlap:
    """Retrieval (m_1 > 0.75), reversal (m_1 < -0.75), mixture (three |m| > 0.3, none
    above 0.7: the symmetric mixtures have three overlaps of 1/2), or another state."""

    names = ["retrieval", "reversal", "3-pattern mixture", "other (spin glass)"]

    def __call__(self, final, model):
        m = final @ model.patterns.T / model.n_units
        top = -np.sort(-np.abs(m), axis=-1)
        mixture = (top[:, 2] > 0.3) & (top[:, 0] < 0.7) if m.shape[1] >= 3 else False
        return np.select([m[:, 0] > 0.75, m[:, 0] < -0.75, mixture], [0, 1, 2], 3)


def overlap_with_cued(final, model):
    return [np.mean(final @ model.patterns[0]) / model.n_units]


options = dict(classifier=ByOverlap(), match="label", feature=overlap_with_cued,
               max_attractors=4, seed=0)
result = global_continuation(network, "load", loads, Cues(distance, n_cues), **options)
# The branch itself: the retrieval state reached from the pattern (a few cues, distance 0).
branch_result = global_continuation(network, "load", loads, Cues(0.0, 10), **options)
alpha_c = mean_field_critical_load()
for load in loads:
    row = result.sel(load=load)
    print(f"alpha = {load:.2f}: " + ", ".join(
        f"{name} {fraction:.2f}" for name, fraction in zip(row.name.values, row.fraction.values)))

# %%
# Top: the mean-field retrieval branch, ending at :math:`\alpha_c`, and the
# overlap of the simulated retrieval states; bottom: the basin fractions.
fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.5, 7), sharex=True, layout="constrained",
                                  height_ratios=(1, 1.3))
theory = np.linspace(1e-4, alpha_c, 400)
top.plot(theory, mean_field_overlap(theory), color="k", label=r"mean-field $m(\alpha)$ (AGS)")
top.plot([alpha_c, loads[-1]], [0, 0], color="k", linestyle="--", label="only m = 0 beyond")
top.axvline(alpha_c, color="k", linestyle=":", label=rf"$\alpha_c$ = {alpha_c:.3f}")
for data, marker, label in ((branch_result, "o", "from the pattern itself"),
                             (result, "x", f"from the cues at distance {distance}")):
    found = data.exists.sel(attractor=0).values
    top.plot(loads[found], data.attractor_feature.sel(attractor=0, feature=0).values[found],
             marker=marker, linestyle="none", color="tab:blue",
             label=f"retrieval states (N = {n_units}) {label}")
top.set_ylabel("overlap with the cued pattern")
top.set_ylim(-0.05, 1.05)
top.legend(fontsize="small", loc="lower left")
top.set_title("The retrieval branch ends at the critical load")

colors = {0: "tab:blue", 1: "tab:cyan", 2: "tab:orange", 3: "tab:red"}
plot_basin_fractions(result, ax=bottom, colors=colors)
bottom.axvline(alpha_c, color="k", linestyle=":")
bottom.set_xlabel(r"load $\alpha = P/N$")
bottom.set_title(f"Where {n_cues} cues at distance {distance} from a pattern end")
bottom.set_xlim(loads[0], loads[-1])
fig.suptitle("Hopfield network: retrieval against load (global continuation)")
