r"""Plots of trajectories: matplotlib figures drawn from :func:`attractors.simulate` results.

Plots live apart from models: every function here takes a trajectory (an
:class:`xarray.Dataset`) or an array of patterns and returns what it drew on
(the :class:`matplotlib.axes.Axes`, or the animation), so figures can be
composed and restyled with plain matplotlib.  Models never import matplotlib,
and neither does ``import attractors.plot``: pyplot is imported the first time
a function here is called.

Labels come from the data: a variable's ``long_name`` and ``units`` attributes
(the CF convention xarray's own plots read) and the model's own coordinates
(``theta`` on a ring, an E/I ``population`` label) name the axes, legends and
units, the same way in every function.

=====================================  =============================================
function                               shows
=====================================  =============================================
:func:`plot_state`                     the state against time (lines, or a heatmap)
:func:`plot_energy`                    the energy against time, increases marked
:func:`plot_phase_plane`               two units against each other, one curve per trial
:func:`plot_patterns`                  patterns or states as a grid of images
:func:`spin_cmap`                      the two-colour map for :math:`\pm 1` states
:func:`animate`                        a bump moving, a pattern completing, a phase-plane path
:func:`plot_compare`                   the result of :func:`attractors.analysis.compare`
:func:`plot_bifurcation_diagram`       branches of :func:`attractors.analysis.continuation`
:func:`plot_lyapunov_convergence`      running Lyapunov exponents against time, settled band
:func:`plot_spectrum`                  a Lyapunov spectrum with its Kaplan-Yorke dimension
:func:`plot_periodic_orbit`            a limit cycle and its Floquet multipliers
:func:`plot_attractor_types`           fractions of starts per attractor type or attractor
:func:`plot_basin_fractions`           stacked fractions of :func:`attractors.analysis.global_continuation`
:func:`plot_phase_diagram`             regions of attractor types, :func:`attractors.analysis.phase_diagram`
=====================================  =============================================
"""

from ._animate import animate
from ._bifurcation import plot_bifurcation_diagram
from ._common import MAX_LEGEND_TRIALS, MAX_LINES
from ._compare import plot_compare
from ._dynamics import (
    TYPE_COLOURS,
    plot_attractor_types,
    plot_lyapunov_convergence,
    plot_periodic_orbit,
    plot_spectrum,
)
from ._fractions import plot_basin_fractions
from ._lines import plot_energy, plot_phase_plane, plot_state
from ._patterns import plot_patterns, spin_cmap
from ._phase_diagram import plot_phase_diagram

__all__ = ["MAX_LEGEND_TRIALS", "MAX_LINES", "TYPE_COLOURS", "animate", "plot_attractor_types",
           "plot_basin_fractions", "plot_bifurcation_diagram", "plot_compare", "plot_energy",
           "plot_lyapunov_convergence", "plot_patterns", "plot_periodic_orbit", "plot_phase_diagram",
           "plot_phase_plane", "plot_spectrum", "plot_state", "spin_cmap"]
