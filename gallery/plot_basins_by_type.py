r"""
Basins coloured by attractor type: a fixed point and a limit cycle side by side
===============================================================================

Near a Bautin (generalised Hopf) point the radial dynamics
:math:`\dot r = r(\mu + r^2 - r^4)`, :math:`\dot\theta = \omega` has, for
:math:`-1/4 < \mu < 0`, a stable fixed point at the origin and a stable limit
cycle at :math:`r^2 = (1 + \sqrt{1 + 4\mu})/2`, separated by an unstable cycle
at :math:`r^2 = (1 - \sqrt{1 + 4\mu})/2` (Kuznetsov 2004, sec. 8.3).
:func:`attractors.analysis.basins` with the trajectory classifier
:class:`~attractors.analysis.AttractorType` runs a grid of starts as one batch,
judges each record as :func:`~attractors.analysis.classify_attractor` does
(fixed point, cycle with its period, torus, chaos, divergence) and then tells
distinct attractors apart (fixed points by state, cycles by the points they
visit), so basin fractions are over attractors of every type.  The fraction of
starts at the fixed point is the area inside the unstable cycle over the area
of the grid, :math:`\pi r_u^2 / 2.6^2`.
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import AttractorType, basins
from attractors.plot import TYPE_COLOURS, plot_attractor_types

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
result = basins(Bautin(), grid, classifier=AttractorType(transient=60.0, t_search=10.0),
                dt=0.02, seed=0)
print(result.attrs["message"])
for name in result.name.values:
    entry = result.sel(name=name)
    print(f"{name}: {float(entry.fraction):.3f} of the starts "
          f"[{float(entry.fraction_low):.3f}, {float(entry.fraction_high):.3f}], "
          f"period {float(entry.period):.4f}")
inner2 = (1 - np.sqrt(0.2)) / 2
print(f"area ratio inside the unstable cycle: {np.pi * inner2 / 2.6**2:.3f}; "
      f"cycle period 2 pi / omega = {np.pi:.4f}")

# %%
# Left: each start coloured by the attractor it reached; the unstable cycle
# (dashed) is the boundary between the two basins, the stable one (solid) the
# attractor itself.  Right: the basin fractions with their Wilson intervals.
fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.8), layout="constrained",
                                  width_ratios=(1.2, 1))
for entry in result.attractor:
    chosen = result.label.values == int(result.label_value[entry])
    kind = str(result.attractor_type[entry].values)
    left.scatter(grid[chosen, 0], grid[chosen, 1], s=10, color=TYPE_COLOURS[kind],
                 label=str(result.name[entry].values).replace("_", " "))
angle = np.linspace(0, 2 * np.pi, 200)
for radius2, style in ((inner2, "--"), ((1 + np.sqrt(0.2)) / 2, "-")):
    left.plot(np.sqrt(radius2) * np.cos(angle), np.sqrt(radius2) * np.sin(angle), "k" + style)
left.legend(loc="upper right")
left.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
         title="Basins of the Bautin normal form by attractor")
plot_attractor_types(result, ax=right)
plt.show()
