r"""
Phase portrait of a two-unit rate network
=========================================

Two rate units that excite themselves and inhibit each other,
:math:`\tau \dot u = -u + W \tanh(u)` with
:math:`W = \begin{pmatrix} 2.5 & -1 \\ -1 & 2.5 \end{pmatrix}`, have nine fixed
points: the nullclines :math:`\dot u_0 = 0` and :math:`\dot u_1 = 0` are
S-shaped and cross nine times.  Four are stable nodes (each unit saturated
high or low, in all four combinations: the self-excitation
:math:`2.5 - 1 > 1` is strong enough to hold both units up together), four are
saddles between neighbouring nodes and the origin is an unstable node.  The
fixed points are found numerically from the model's vector field and analytic
Jacobian, and classified by the Jacobian's eigenvalues.  Trajectories started
on a ring flow along the vector field into the four attractors, the saddles'
stable manifolds separating the basins; the weights are symmetric, so the
network's energy falls along every one of them.
"""

# %%
# The network and its fixed points.  Roots of :math:`F(u) = 0` are polished by
# :func:`scipy.optimize.root` from a grid of starting guesses, using the
# model's analytic :meth:`~attractors.RateNetwork.jacobian`; a fixed point is
# stable when every eigenvalue of the Jacobian has a negative real part.
import os

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import root

import attractors
from attractors.models import RateNetwork
from attractors.plot import plot_phase_plane

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

net = RateNetwork([[2.5, -1.0], [-1.0, 2.5]], transfer="tanh", tau=1.0)

guesses = np.stack(np.meshgrid(np.linspace(-4.0, 4.0, 17), np.linspace(-4.0, 4.0, 17)),
                   axis=-1).reshape(-1, 2)
fixed_points = []
for guess in guesses:
    found = root(lambda u: net.vector_field(0.0, u), guess,
                 jac=lambda u: net.jacobian(0.0, u), tol=1e-12)
    new = not any(np.allclose(found.x, p, atol=1e-6) for p in fixed_points)
    if found.success and np.max(np.abs(found.x)) < 10 and new:
        fixed_points.append(found.x)
fixed_points = np.array(sorted(fixed_points, key=tuple))
eigenvalues = np.linalg.eigvals(net.jacobian(0.0, fixed_points)).real
kind = np.where(np.all(eigenvalues < 0, axis=1), "stable node",
                np.where(np.all(eigenvalues > 0, axis=1), "unstable node", "saddle"))
assert len(fixed_points) == 9 and np.sum(kind == "stable node") == 4  # the story below
for point, values, label in zip(fixed_points, eigenvalues, kind):
    print(f"u* = ({point[0]:+.3f}, {point[1]:+.3f}): eigenvalues {np.sort(values)} -> {label}")

# %%
# Trajectories from a ring of initial states, one vectorised batch.  The
# energy is defined (symmetric weights, increasing transfer function) and
# never rises along any of them.
n_starts = 12 if QUICK else 28
angles = np.linspace(0, 2 * np.pi, n_starts, endpoint=False) + 0.05
x0 = 4.0 * np.column_stack([np.cos(angles), np.sin(angles)])
run = attractors.simulate(net, x0, t_span=40.0, dt=0.05, solver="rk4", seed=0)
attractors.check_energy(run, strict=True)
final = run.state.isel(time=-1).values
stable = fixed_points[kind == "stable node"]
reached = np.argmin(np.linalg.norm(final[:, None] - stable[None], axis=-1), axis=1)
print(f"{n_starts} trajectories end at the stable nodes, counts {np.bincount(reached, minlength=4)}")

# %%
# The phase portrait: the flow (grey streamlines), the two nullclines, the
# trajectories (starts as circles; their ends lie under the attractors' markers)
# and the nine fixed points,
# filled for stable nodes, half-filled for saddles and open for the unstable
# node.
fig, ax = plt.subplots(figsize=(6.6, 6.2), layout="constrained")
plot_phase_plane(run, ax=ax, system=net)
grid = np.linspace(-4.4, 4.4, 301)
U0, U1 = np.meshgrid(grid, grid)
field = net.vector_field(0.0, np.stack([U0, U1], axis=-1))
ax.contour(U0, U1, field[..., 0], levels=[0.0], colors="tab:blue", linewidths=2)
ax.contour(U0, U1, field[..., 1], levels=[0.0], colors="tab:orange", linewidths=2)
ax.plot([], [], color="tab:blue", linewidth=2, label=r"nullcline $\dot u_0 = 0$")
ax.plot([], [], color="tab:orange", linewidth=2, label=r"nullcline $\dot u_1 = 0$")
styles = {"stable node": dict(color="tab:red", markerfacecolor="tab:red"),
          "saddle": dict(color="tab:red", markerfacecolor="tab:red", fillstyle="left",
                         markerfacecoloralt="white"),
          "unstable node": dict(color="tab:red", markerfacecolor="white")}
for label, style in styles.items():
    points = fixed_points[kind == label]
    ax.plot(points[:, 0], points[:, 1], linestyle="none", marker="o", markersize=11,
            markeredgewidth=2, zorder=6, label=f"{label} ({len(points)})", **style)
ax.set_xlim(-4.4, 4.4)
ax.set_ylim(-4.4, 4.4)
ax.set_xlabel(r"input $u_0$ (dimensionless)")
ax.set_ylabel(r"input $u_1$ (dimensionless)")
ax.set_title("Two-unit rate network: nine fixed points, four attractors")
ax.legend(fontsize="small", loc="upper right", framealpha=0.9)
