r"""
Graded-response Hopfield network: the energy landscape and the high-gain limit
==============================================================================

Hopfield's (1984) network of graded neurons,
:math:`C\dot u = -u/R + W V + I` with :math:`V = \tanh(\lambda u)`, descends the
energy :math:`E(V) = -\tfrac12 V^\top W V + \sum_i R^{-1}\int_0^{V_i} g^{-1}`.
Two units storing the pattern :math:`\xi = (1, 1)` with the Hebb rule
(:math:`W_{01} = 1/2`) show how the gain :math:`\lambda` shapes that landscape.
Below the critical gain :math:`\lambda_c = 1/(R W_{01}) = 2` the integral term
wins and the only minimum is the origin: the memory is lost.  Above it, two
minima :math:`\pm(v^*, v^*)` appear, with :math:`v^* = \tanh(\lambda R W_{01}
v^*)`, and as :math:`\lambda` grows they move out to the corners
:math:`\pm(1, 1)`, the stable states of the discrete two-state network: in the
high-gain limit the graded network keeps the discrete network's memories.
"""

# %%
# Three networks, one per gain, and trajectories from a ring of initial
# outputs.  The state is the input :math:`u`; the outputs :math:`V` are
# recorded as the ``output`` observable.
import os

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import brentq

import attractors
from attractors.models import ContinuousHopfield

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

pattern = np.array([[1, 1]])
gains = (1.5, 4.0, 40.0)
n_starts = 8 if QUICK else 16
angles = np.linspace(0, 2 * np.pi, n_starts, endpoint=False) + 0.1
v0 = 0.9 * np.column_stack([np.cos(angles), np.sin(angles)])


def fixed_output(gain, coupling=0.5):
    """The non-zero solution v* of v = tanh(gain * coupling * v) (0 below the critical gain)."""
    if gain * coupling <= 1:
        return 0.0
    return brentq(lambda v: v - np.tanh(gain * coupling * v), 1e-9, 1.0)


runs, nets = {}, {}
for gain in gains:
    net = ContinuousHopfield.from_patterns(pattern, gain=gain)
    u0 = np.arctanh(v0) / gain  # the inputs that give the starting outputs v0
    run = attractors.simulate(net, u0, t_span=60.0, dt=0.02, solver="rk4", seed=0)
    attractors.check_energy(run, strict=True)  # the energy never rose
    runs[gain], nets[gain] = run, net
    final = run.output.isel(time=-1).values
    print(f"gain {gain:>4}: final outputs |V| = {np.unique(np.abs(final).round(4))}, "
          f"theory v* = {fixed_output(gain):.4f}")
    # Every trial ends at +-(v*, v*); the slowest (gain 1.5, rate 1 - 1.5/2 = 0.25)
    # comes within e^{-15} of it by t = 60.
    assert np.allclose(np.abs(final), fixed_output(gain), atol=1e-4)

# %%
# The high-gain limit: the output at the attractor against the gain, from
# simulations (markers) and from the fixed-point equation (line).
sweep = np.geomspace(1.0, 60.0, 8 if QUICK else 16)
simulated = []
for gain in sweep:
    net = ContinuousHopfield.from_patterns(pattern, gain=gain)
    run = attractors.simulate(net, np.array([0.3, 0.2]) / gain, t_span=60.0, dt=0.01,
                              solver="exponential_euler", seed=0, record_every=6000)
    simulated.append(float(run.output.isel(time=-1).mean()))
theory_gains = np.geomspace(1.0, 60.0, 400)
theory = [fixed_output(g) for g in theory_gains]

# %%
# Top and bottom left: the energy landscape over the outputs (filled contours,
# darker is lower), trajectories of :math:`V` (starts as circles, ends as
# squares; at gain 40 they lie under the stars), and the discrete network's
# stable states (stars).  Bottom right:
# :math:`v^*` against the gain, tending to 1.
fig, axes = plt.subplots(2, 2, figsize=(10, 9), layout="constrained")
grid = np.linspace(-0.995, 0.995, 201)
V0, V1 = np.meshgrid(grid, grid)
for ax, gain in zip(axes.flat, gains):
    net, run = nets[gain], runs[gain]
    energy = net.energy_of_output(np.stack([V0, V1], axis=-1))
    filled = ax.contourf(V0, V1, energy, levels=25, cmap="viridis")
    fig.colorbar(filled, ax=ax, label="energy E(V) (dimensionless)")
    v = run.output.transpose("time", "trial", "unit").values
    for trial in range(v.shape[1]):
        ax.plot(v[:, trial, 0], v[:, trial, 1], color="white", linewidth=1.2)
    ax.plot(v[0, :, 0], v[0, :, 1], "o", markerfacecolor="none", markeredgecolor="white")
    ax.plot(v[-1, :, 0], v[-1, :, 1], "s", color="tab:red", markersize=8)
    ax.plot([1, -1], [1, -1], "*", color="gold", markersize=16, markeredgecolor="k")
    ax.set_xlabel(r"output $V_0$")
    ax.set_ylabel(r"output $V_1$")
    ax.set_aspect("equal")
    ax.set_title(f"gain λ = {gain:g}: v* = {fixed_output(gain):.3f}")
right = axes[1, 1]
right.semilogx(theory_gains, theory, color="k", label=r"$v^* = \tanh(\lambda R W_{01} v^*)$")
right.semilogx(sweep, simulated, "o", color="tab:red", label="simulated, final $V$")
right.axvline(2.0, color="grey", linestyle="--", label=r"critical gain $\lambda_c = 2$")
right.axhline(1.0, color="gold", linestyle=":", label="discrete memory, V = 1")
right.set_xlabel("gain λ")
right.set_ylabel(r"output at the attractor $v^*$")
right.set_title("High-gain limit: the memory moves to the corner")
right.legend(fontsize="small", loc="lower right")
fig.suptitle("Graded-response Hopfield network storing (1, 1): energy landscapes by gain")
