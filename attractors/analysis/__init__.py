"""Analysis that works on any DynamicalSystem: state spaces, capacity, bumps, fixed points, basins.

Each analysis family lives in a private submodule (``_name.py``) with its own
``__all__``; every public name is imported here explicitly, one line per name,
so moving a name between private modules is a one-line change.  Importing this
package loads xarray and scipy (about 0.9 s), which is why ``import attractors``
leaves it until first use.
"""

from ._ags import (
    ags_global_load,
    ags_phase_boundaries,
    ags_retrieval_load,
)
from ._basin_classifiers import (
    BumpPosition,
    NearestPattern,
    UniqueStates,
)
from ._basins import (
    basins,
    recall_probability,
    wilson_interval,
)
from ._branch_switch import (
    switch_branch,
)
from ._bump import (
    TrackingError,
    bump_amplitude,
    bump_position,
    bump_width,
    ring_angles,
    tracking_error,
    unwrap_heading,
    wrap_angle,
)
from ._cann_theory import (
    CANNBump,
    cann_bump_theory,
    cann_driven_height,
    cann_tracking_lag,
)
from ._capacity import (
    capacity_curve,
    mean_field_critical_load,
    mean_field_overlap,
)
from ._classify import (
    ATTRACTOR_TYPES,
    classify_attractor,
)
from ._clique import (
    clique_network,
    is_maximal_clique,
)
from ._compare import (
    compare,
)
from ._continuation import (
    ContinuationError,
    continuation,
)
from ._continuous import (
    line_of_fixed_points,
    ring_coordinate,
    ring_derivative,
    shift_on_ring,
)
from ._dense_capacity import (
    dense_capacity,
    dense_predicted_capacity,
    dense_predicted_stable_fraction,
    dense_recall_fraction,
    dense_stable_fraction,
)
from ._dmft import (
    dmft_autocorrelation,
)
from ._drift import (
    drift_along_attractor,
)
from ._fixed_points import (
    find_fixed_points,
    states_from_trajectory,
)
from ._fold_curve import (
    fold_curve,
)
from ._global_continuation import (
    global_continuation,
)
from ._grid import (
    GridSpacing,
    grid_spacing,
    pattern_displacement,
    velocity_gain,
)
from ._hopf_curve import (
    hopf_curve,
)
from ._landscape import (
    energy_along_path,
    energy_surface,
    project_onto_plane,
    stable_state_energies,
)
from ._lyapunov import (
    kaplan_yorke_dimension,
    largest_lyapunov_exponent,
    lyapunov_spectrum,
)
from ._mapper import AttractorType
from ._periodic import (
    periodic_orbit,
)
from ._phase import (
    phase_portrait,
    plot_phase_portrait,
)
from ._phase_diagram import (
    TypeByDynamics,
    TypeByOverlap,
    phase_diagram,
)
from ._stability import (
    as_complex,
    classify_fixed_point,
    classify_stability,
    jacobian_matrix,
)
from ._state_space import (
    state_space,
    transition_graph,
)

__all__ = [
    "ATTRACTOR_TYPES",
    "AttractorType",
    "BumpPosition",
    "CANNBump",
    "ContinuationError",
    "GridSpacing",
    "NearestPattern",
    "TrackingError",
    "TypeByDynamics",
    "TypeByOverlap",
    "UniqueStates",
    "ags_global_load",
    "ags_phase_boundaries",
    "ags_retrieval_load",
    "as_complex",
    "basins",
    "bump_amplitude",
    "bump_position",
    "bump_width",
    "cann_bump_theory",
    "cann_driven_height",
    "cann_tracking_lag",
    "capacity_curve",
    "classify_attractor",
    "classify_fixed_point",
    "classify_stability",
    "clique_network",
    "compare",
    "continuation",
    "dense_capacity",
    "dense_predicted_capacity",
    "dense_predicted_stable_fraction",
    "dense_recall_fraction",
    "dense_stable_fraction",
    "dmft_autocorrelation",
    "drift_along_attractor",
    "energy_along_path",
    "energy_surface",
    "find_fixed_points",
    "fold_curve",
    "global_continuation",
    "grid_spacing",
    "hopf_curve",
    "is_maximal_clique",
    "jacobian_matrix",
    "kaplan_yorke_dimension",
    "largest_lyapunov_exponent",
    "line_of_fixed_points",
    "lyapunov_spectrum",
    "mean_field_critical_load",
    "mean_field_overlap",
    "pattern_displacement",
    "periodic_orbit",
    "phase_diagram",
    "phase_portrait",
    "plot_phase_portrait",
    "project_onto_plane",
    "recall_probability",
    "ring_angles",
    "ring_coordinate",
    "ring_derivative",
    "shift_on_ring",
    "stable_state_energies",
    "state_space",
    "states_from_trajectory",
    "switch_branch",
    "tracking_error",
    "transition_graph",
    "unwrap_heading",
    "velocity_gain",
    "wilson_interval",
    "wrap_angle",
]
