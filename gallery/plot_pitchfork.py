r"""
Pitchfork: two competing rate units break their symmetry
========================================================

Two rate units that inhibit each other as strongly as they excite themselves,
:math:`\dot u = -u + W \tanh(u)` with
:math:`W = \tfrac{w}{2}\begin{pmatrix} 1 & -1 \\ -1 & 1\end{pmatrix}`, are
symmetric under exchanging the units.  The silent state :math:`u = 0` is
stable while the gain of the difference mode, :math:`w`, is below 1 (its
eigenvalue is :math:`w - 1`).  At :math:`w = 1` it loses stability in a
supercritical pitchfork: two new stable states appear, one unit winning
(:math:`u_0 = -u_1 = a`, with :math:`w = a / \tanh a`) in either direction.
Continuation along the silent branch finds the branch point at
:math:`w = 1`; branch switching follows both new branches, which lie on the
closed form.
"""

# %%
# The network as a ten-line user model; continue the silent state in w.
import dataclasses

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.analysis import continuation, switch_branch
from attractors.plot import plot_bifurcation_diagram


@dataclasses.dataclass(frozen=True)
class CompetingPair(attractors.ContinuousSystem):
    """Two units, self-excitation w/2 and mutual inhibition w/2: u' = -u + W tanh(u)."""

    w: float = 0.5
    n_units = 2

    def vector_field(self, t, u, inputs=None):
        rate = np.tanh(u)
        return -u + 0.5 * self.w * (rate - rate[..., ::-1])


silent = continuation(CompetingPair(), "w", 0.5, 2.5)
bp = float(silent.special_parameter[silent.special_type == "branch_point"][0])
print(f"branch point at w = {bp:.12f} (closed form 1)")
winners = switch_branch(CompetingPair(), silent, 0.5, 2.5)
for half in winners:
    a = half.state.values[:, 0]
    print(f"new branch, u0 {'> 0' if a[-1] > 0 else '< 0'}: largest |w - a / tanh(a)| = "
          f"{np.max(np.abs(half.parameter.values - a / np.tanh(a))):.1e}, "
          f"stable: {bool(half.stable.all())}")

# %%
# The bifurcation diagram of the first unit's input: the silent branch (solid,
# then dashed once unstable) and the two winners, on the closed form
# :math:`w = a / \tanh a` (grey).
fig, ax = plt.subplots(figsize=(6.6, 4.4), layout="constrained")
a = np.linspace(-2.6, 2.6, 401)
a = a[np.abs(a) > 1e-6]
ax.plot(a / np.tanh(a), a, color="0.75", linewidth=6, label=r"closed form $w = a/\tanh a$")
plot_bifurcation_diagram([silent, *winners], y=0, ax=ax, color="tab:blue")
ax.set_xlim(0.5, 2.5)
ax.set_xlabel(r"gain of the difference mode $w$ (dimensionless)")
ax.set_ylabel(r"input of unit 0, $u_0$ (dimensionless)")
ax.set_title("Symmetric pair: a pitchfork at w = 1, one unit wins")
ax.legend(fontsize="small", loc="upper left")
