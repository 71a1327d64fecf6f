r"""
Modern Hopfield network: one-update retrieval and three kinds of fixed points
=============================================================================

The modern Hopfield network of Ramsauer et al. (2021) stores continuous patterns
:math:`x_i` and updates a state by a softmax-weighted average,
:math:`\xi \leftarrow X^\top \operatorname{softmax}(\beta X \xi)`.  The inverse
temperature :math:`\beta` decides what its fixed points are: for small
:math:`\beta` one global average of all patterns, in between metastable averages
over groups of similar patterns, and for large :math:`\beta` every pattern on its
own.  Patterns here come in four tight clusters of eight; the shaded bands are
where the theory puts each regime, and the measured count of fixed points
steps from 1 to 4 to 32 between them.  Right: a noisy query is pulled onto its
pattern in a single update, with an error that falls exponentially with
:math:`\beta` and stays below the bound of the paper's Theorem 5.
"""

# %%
# Four clusters of eight unit-norm-ish patterns in 64 dimensions: centres nearly
# orthogonal, members at distance 0.1 from their centre.  Every pattern is used
# as a query, run to convergence, and the distinct fixed points are counted.
import math
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.models import ModernHopfield

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
rng = np.random.default_rng(0)
dim, n_clusters, per_cluster = 64, 4, 8


def unit(a):
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


centres = unit(rng.standard_normal((n_clusters, dim)))
offsets = rng.standard_normal((n_clusters, per_cluster, dim))
offsets -= (offsets @ centres[:, :, None]) * centres[:, None, :]  # orthogonal to the centre
patterns = (centres[:, None, :] + 0.1 * unit(offsets)).reshape(-1, dim)
labels = np.repeat(np.arange(n_clusters), per_cluster)
memory = ModernHopfield(patterns)

betas = np.geomspace(0.1, 2e4, 18 if QUICK else 45)
distinct = []
for beta in betas:
    result = memory.retrieve(patterns, beta=beta, max_steps=3000)
    distinct.append(len(np.unique(np.round(result.state.values, 6), axis=0)))

# Where the theory puts the regimes:
#   global: beta < 1/R^2, R the largest distance from the mean (the update contracts);
#   metastable: beta < 1/R_k^2 of every cluster (contraction inside a cluster) while
#   beta * (score gap between clusters) >> ln N (other clusters carry no weight);
#   single patterns: beta above the separation condition of Theorem 4 for all patterns.
beta_global = memory.unique_fixed_point_beta()
beta_within = min(ModernHopfield(patterns[labels == k]).unique_fixed_point_beta()
                  for k in range(n_clusters))
gap = min(((patterns[labels == k][:, None] - patterns[labels != k][None]) @ centres[k]).min()
          for k in range(n_clusters))
beta_meta_low = 5 * math.log(len(patterns)) / gap
beta_single = memory.well_separated_beta()
print(f"global below {beta_global:.2f}; metastable between {beta_meta_low:.1f} and "
      f"{beta_within:.1f}; single patterns above {beta_single:.0f}")

# %%
# One-update retrieval: Gaussian patterns (1000 in 64 dimensions, 15 per
# dimension); the query is a pattern of median separation moved by 0.5 (the
# patterns have norm ~8); one update at each beta.  The error is compared with
# Theorem 5's bound
# :math:`2 (N-1) M \exp(-\beta(\Delta_i - 2M\max\{\|\xi - x_i\|, \|x_i^* - x_i\|\}))`.
gaussian = ModernHopfield(np.random.default_rng(1).standard_normal((1000, dim)))
target = int(np.argsort(gaussian.separation())[500])
query = gaussian.patterns[target] + 0.5 * unit(np.random.default_rng(2).standard_normal(dim))
retrieval_betas = np.linspace(0.1, 1.2, 10 if QUICK else 23)
errors, bounds = [], []
for beta in retrieval_betas:
    model = ModernHopfield(gaussian.patterns, beta=beta)
    errors.append(np.linalg.norm(model.update(query) - gaussian.patterns[target]))
    star = model.retrieve(gaussian.patterns[target]).state.values
    bounds.append(float(model.retrieval_error_bound(query, target, fixed_point=star)))
floor = np.finfo(float).eps * gaussian.max_norm  # float64 round-off of a retrieved pattern

# %%
# Left: distinct fixed points reached from the 32 stored patterns, against beta:
# 1 (global average), 4 (one metastable state per cluster), 32 (every pattern).
# Right: the error after a single update (points) and the theorem's bound (line);
# both fall exponentially with beta until the error reaches round-off.
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4), layout="constrained")
left.axvspan(betas[0], beta_global, color="tab:blue", alpha=0.12, label="theory: global average")
left.axvspan(beta_meta_low, beta_within, color="tab:orange", alpha=0.15,
             label="theory: metastable (cluster averages)")
left.axvspan(beta_single, betas[-1], color="tab:green", alpha=0.12, label="theory: single patterns")
left.step(betas, distinct, where="mid", color="k")
left.plot(betas, distinct, "o", color="k", markersize=3)
left.set_xscale("log")
left.set_yscale("log")
left.set_yticks([1, 4, 32], labels=["1", "4", "32"])
left.set_xlabel(r"inverse temperature $\beta$")
left.set_ylabel("distinct fixed points reached")
left.set_title("Three kinds of fixed points (4 clusters x 8 patterns)")
left.legend(fontsize="small", loc="upper left")

right.semilogy(retrieval_betas, np.maximum(errors, floor), "o",
               label="error after one update (at the floor: exactly 0)")
right.semilogy(retrieval_betas, bounds, "-", label="Theorem 5 bound")
right.axhline(gaussian.max_norm, color="grey", linestyle=":", label="M, the largest pattern norm")
right.axhline(floor, color="grey", linestyle="--", label="float64 round-off, eps M")
right.set_ylim(floor / 30, 1e4)
right.set_xlabel(r"inverse temperature $\beta$")
right.set_ylabel(r"retrieval error $\|f(\xi) - x_i\|$")
right.set_title("One-update retrieval, 1000 patterns in 64 dimensions")
right.legend(fontsize="small")
fig.suptitle("Modern Hopfield network (Ramsauer et al. 2021)")
