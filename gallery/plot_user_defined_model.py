r"""
Write your own model: a two-unit bistable switch
================================================

A model written by hand in ten lines, the ``Bistable`` class of the
:class:`attractors.DynamicalSystem` docstring, gets simulation, energy tracking
and plotting with no further code.  Started from a grid of initial states, most
trials flow into the two attractors :math:`\pm(\sqrt{7/4}, -\sqrt{7/4})`, where
one unit wins, while the energy falls along every trajectory.  With coupling
:math:`c = 3/4` the symmetric states :math:`\pm(1/2, 1/2)` are saddles: only
trials that start exactly on the diagonal end there.
"""

# %%
# The model: the vector field :math:`\dot x = x - x^3 - c\,\tilde x` (with
# :math:`\tilde x` the other unit) and its energy
# :math:`E = \sum_i (x_i^4/4 - x_i^2/2) + c\,x_0 x_1`, so that
# :math:`\dot x = -\nabla E`.  This is all a user writes.
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.plot import plot_energy, plot_phase_plane

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"


class Bistable(attractors.ContinuousSystem):
    '''dx/dt = x - x**3 - c * (other unit), a gradient flow of E.'''
    n_units = 2
    def vector_field(self, t, x, inputs=None):
        return x - x**3 - 0.75 * x[..., ::-1]
    def energy(self, x, inputs=None):
        return np.sum(x**4 / 4 - x**2 / 2, axis=-1) + 0.75 * x[..., 0] * x[..., 1]


# %%
# A batch of initial states on a grid runs as one vectorised simulation.  The
# two grids differ, so no trial starts exactly on the invariant diagonal.
n_x, n_y = (4, 3) if QUICK else (8, 7)
grid_x, grid_y = np.meshgrid(np.linspace(-1.6, 1.6, n_x), np.linspace(-1.5, 1.5, n_y))
x0 = np.column_stack([grid_x.ravel(), grid_y.ravel()])
run = attractors.simulate(Bistable(), x0, t_span=5.0 if QUICK else 20.0,
                          dt=0.05 if QUICK else 0.02, seed=0)

report = attractors.check_energy(run, strict=True)  # raises if the energy ever rose
winner = np.sqrt(1.75)
final = run.state.isel(time=-1).values
at_attractor = np.min(np.linalg.norm(final[:, None, :] - np.array(
    [[winner, -winner], [-winner, winner]])[None], axis=-1), axis=1) < 1e-3
print(f"{run.sizes['trial']} trials, {report.attrs['n_violations']} energy increases, "
      f"{int(at_attractor.sum())} trials at a winner-take-all attractor")

# %%
# Left: trajectories over the flow of the vector field (grey), starts as
# circles, ends as squares, the two attractors as stars.  Right: the energy of
# every trial, which never rises.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.4), layout="constrained")
plot_phase_plane(run, ax=left, system=Bistable())
left.plot([winner, -winner], [-winner, winner], linestyle="none", marker="*",
          markersize=16, color="tab:red", zorder=5, label="attractor")
left.legend(fontsize="small", loc="upper right")
left.set_title("Bistable: trials flow to a winner")
plot_energy(run, ax=right)
right.set_title("Bistable: energy never rises")
fig.suptitle("A user-written two-unit model, simulated, energy-tracked and plotted")
