r"""
Decoding heading from the ring's circular coordinate
====================================================

The shipped head-direction recording (:func:`attractors.datasets.load_head_direction`:
64 ring-attractor units fired as Poisson spike trains while the head turned at
random) is binned into 100 ms rates.  Persistent cohomology finds one significant
loop, and its circular coordinate (de Silva et al. 2011, through DREiMac), aligned by
one rotation and one reflection, tracks the true heading: the topology alone, with
no tuning curves, decodes the head direction (as Chaudhuri et al. 2019 did in
recorded head-direction cells).  A 3-D Isomap view of the rates (right), coloured by the
true heading, shows the ring itself; ``embed(..., method="umap")`` draws the UMAP view
Gardner et al. (2022) show, at the cost of numba compiling umap-learn (15-45 s).
"""

# %%
import os

import matplotlib.pyplot as plt
import numpy as np

from attractors.datasets import load_head_direction
from attractors.manifold import (
    align_circular,
    betti_numbers,
    bin_spikes,
    circular_coordinates,
    circular_correlation,
    embed,
    persistent_homology,
    plot_diagram,
    plot_embedding,
)

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"
data = load_head_direction()
duration = data.attrs["duration"]  # 40 s: the loop needs the whole recording
rates = bin_spikes(data.spike_time, data.spike_unit, data.sizes["unit"], bin_width=100.0,
                   t_span=(0.0, duration), smooth_sigma=1.0)
heading = np.interp(rates.time.values, data.time.values, data.heading.values)

result = persistent_homology(rates, max_dim=1, n_shuffles=3 if QUICK else 20, seed=0,
                             preprocess=dict(n_components=6, n_points=200 if QUICK else 300))
theta = circular_coordinates(rates, preprocess=dict(n_components=6, n_points=None))
aligned, sign, shift, resultant = align_circular(theta, heading)
rho = circular_correlation(theta, heading)
view = embed(rates, method="isomap", n_components=3, n_neighbors=10,
             preprocess=dict(n_components=6, n_points=None))
print(f"Betti numbers {betti_numbers(result)}; circular correlation with the heading "
      f"{rho:+.3f} (reflected: {sign < 0}); mean resultant of the difference {resultant:.3f}")

# %%
# Left: the persistence diagram (one loop far from the diagonal).  Middle: the
# aligned coordinate and the true heading over time.  Third: one against the other.
# Right: the ring in a 3-D Isomap view, coloured by the true heading.
fig = plt.figure(figsize=(18, 4.2), layout="constrained")
left, middle, right = (fig.add_subplot(1, 4, k) for k in (1, 2, 3))
plot_embedding(view, color=np.mod(heading, 2 * np.pi), label="heading (rad)",
               ax=fig.add_subplot(1, 4, 4, projection="3d")).set_title("Isomap view")
plot_diagram(result, ax=left)
seconds = rates.time.values / 1000.0
middle.plot(seconds, np.angle(np.exp(1j * heading)), "k.", markersize=3, label="true heading")
middle.plot(seconds, aligned, "C1.", markersize=2, label="circular coordinate")
middle.set(xlabel="time (s)", ylabel="angle (rad)", xlim=(0, min(20.0, seconds[-1])),
           title="Coordinate follows the heading")
middle.legend(fontsize="small", loc="lower right")
right.plot(np.angle(np.exp(1j * heading)), aligned, ".", markersize=2)
right.set(xlabel="true heading (rad)", ylabel="aligned circular coordinate (rad)",
          title=f"circular correlation {abs(rho):.3f}")
fig.suptitle("Head direction from the topology of spikes alone")
