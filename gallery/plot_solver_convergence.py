r"""
Solver convergence: measured order against the textbook order
=============================================================

On a damped rotation :math:`\dot x = A x`, whose exact solution
:math:`x(t) = e^{At} x_0` is known, halving the step size should divide the
error of a method of order :math:`p` by :math:`2^p`.  The log-log plot of the
error at the final time against the step size shows exactly that: slopes 1 for
Euler and exponential Euler, 2 for Heun and 4 for RK4, with the slopes fitted
from the data written in the legend next to each solver's declared ``order``.
"""

# %%
# The model and its exact solution.  :class:`~attractors.models.LinearSystem`
# gives the reference through :meth:`~attractors.models.LinearSystem.exact_solution`.
# Exponential Euler treats the flow as a linear leak plus the rest,
# :math:`\dot x = -\lambda x + W x` with :math:`A = W - \lambda I`; the model
# declares the leak through ``leak_rate()`` (for ``LinearSystem``, the decay on
# the diagonal of :math:`A`).
import os

import matplotlib.pyplot as plt
import numpy as np

import attractors
from attractors.models import LinearSystem
from attractors.solvers import RK4, Euler, ExponentialEuler, Heun

QUICK = os.environ.get("ATTRACTORS_GALLERY_QUICK") == "1"

leak = 1.0
rotation = np.array([[0.0, 2.0], [-2.0, 0.0]])
system = LinearSystem(rotation - leak * np.eye(2))


x0 = np.array([1.0, 0.0])
t_end = 2.0
exact = system.exact_solution(x0, [t_end])[0]

# %%
# Every solver runs at step sizes halving from 0.1; the error is the distance
# to the exact state at :math:`t = 2`.  The smallest step stops while RK4's
# error (about 1e-11) is still far above round-off (about 1e-16), where its
# slope would flatten.
step_sizes = 0.1 / 2.0 ** np.arange(3 if QUICK else 6)
solvers = {"Euler": (Euler(), system), "Heun": (Heun(), system), "RK4": (RK4(), system),
           "exponential Euler": (ExponentialEuler(), system)}
errors = {}
for name, (solver, model) in solvers.items():
    errors[name] = np.array([
        np.linalg.norm(attractors.simulate(model, x0, t_span=t_end, dt=dt, solver=solver)
                       .state.isel(time=-1).values - exact)
        for dt in step_sizes
    ])

# %%
# The measured order is the slope of a straight-line fit of log(error) against
# log(dt).  Dashed lines have the declared slopes 1, 2 and 4, drawn a factor
# of three below each solver's errors so that both stay visible.
fig, ax = plt.subplots(figsize=(6.4, 4.8), layout="constrained")
markers = {"Euler": "o", "Heun": "s", "RK4": "D", "exponential Euler": "^"}
for name, (solver, _) in solvers.items():
    slope = np.polyfit(np.log(step_sizes), np.log(errors[name]), 1)[0]
    print(f"{name:18s} declared order {solver.order}, measured {slope:.2f}")
    line, = ax.loglog(step_sizes, errors[name], marker=markers[name],
                      label=f"{name}: order {slope:.2f} (declared {solver.order})")
    reference = errors[name][-1] / 3 * (step_sizes / step_sizes[-1]) ** solver.order
    ax.loglog(step_sizes, reference, linestyle="--", linewidth=0.8, color=line.get_color())
ax.plot([], [], linestyle="--", color="0.4", linewidth=0.8, label="reference slope = order")
ax.set_xlabel(f"step size dt ({system.time_unit or 'model time units'})")
ax.set_ylabel("error at t = 2, |x - x_exact| (a.u.)")
ax.set_title("Error against step size on a damped rotation")
ax.legend(fontsize="small", loc="lower right")
