r"""
Basins coloured by attractor type: a fixed point and a limit cycle side by side
===============================================================================

Near a Bautin (generalised Hopf) point the radial dynamics
:math:`\dot r = r(\mu + r^2 - r^4)`, :math:`\dot\theta = \omega` has, for
:math:`-1/4 < \mu < 0`, a stable fixed point at the origin and a stable limit
cycle at :math:`r^2 = (1 + \sqrt{1 + 4\mu})/2`, separated by an unstable cycle
at :math:`r^2 = (1 - \sqrt{1 + 4\mu})/2` (Kuznetsov 2004, sec. 8.3).
:func:`attractors.analysis.classify_attractor` runs a grid of starts as one
batch and labels each by the type of attractor it reaches, with the period of
the cycle and the basin fractions by type.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

import attractors
from attractors.analysis import ATTRACTOR_TYPES, classify_attractor

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"


class Bautin(attractors.ContinuousSystem):
    """Normal form near a Bautin point, mu = -0.2, omega = 2."""
    n_units = 2
    def vector_field(self, t, x, inputs=None):
        a, b = x[..., 0], x[..., 1]
        r2 = a * a + b * b
        growth = -0.2 + r2 - r2 * r2
        return np.stack([growth * a - 2.0 * b, growth * b + 2.0 * a], axis=-1)


side = 12 if QUICK else 41
axis = np.linspace(-1.3, 1.3, side)
grid = np.array(np.meshgrid(axis, axis)).reshape(2, -1).T
result = classify_attractor(Bautin(), grid, dt=0.02, transient=60.0, t_search=10.0, seed=0)
for kind in ATTRACTOR_TYPES:
    fraction = result.fraction.sel(attractor_type=kind)
    if fraction > 0:
        print(f"{kind}: {float(fraction):.3f} of the starts "
              f"[{float(result.fraction_low.sel(attractor_type=kind)):.3f}, "
              f"{float(result.fraction_high.sel(attractor_type=kind)):.3f}]")
print(f"cycle period {np.nanmean(result.period):.4f} (2 pi / omega = {np.pi:.4f})")

# %%
# Each start coloured by the type of attractor it reached; the unstable cycle
# (dashed) is the boundary between the two basins.
codes = np.array([ATTRACTOR_TYPES.index(label) for label in result.label.values])
fig, ax = plt.subplots(figsize=(5.6, 5), layout="constrained")
colours = ListedColormap(["C0", "C1", "C2", "C3", "grey"])
ax.scatter(grid[:, 0], grid[:, 1], c=codes, cmap=colours, vmin=-0.5, vmax=4.5, s=12)
angle = np.linspace(0, 2 * np.pi, 200)
for radius2, style in (((1 - np.sqrt(0.2)) / 2, "--"), ((1 + np.sqrt(0.2)) / 2, "-")):
    ax.plot(np.sqrt(radius2) * np.cos(angle), np.sqrt(radius2) * np.sin(angle), "k" + style)
for index, kind in enumerate(ATTRACTOR_TYPES[:2]):
    ax.scatter([], [], color=colours(index), label=kind.replace("_", " "))
ax.legend(loc="upper right")
ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
       title="Basins by attractor type (Bautin normal form)")
plt.show()
