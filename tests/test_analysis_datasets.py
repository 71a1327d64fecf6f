"""Every Dataset the analysis package returns has one schema, saves with a plain
``ds.to_netcdf(path)`` and reads back equal, and labels its variables (issue 14 items 5, 7).

Each public function that returns a Dataset runs once on a small case.  Before the
change ``find_fixed_points`` stored its eigenvalues as complex numbers whenever one
spectrum happened to be complex, and netCDF has no complex type: the plain save raised
for one parameter set and worked for another.
"""

import dataclasses

import numpy as np
import pytest
import xarray as xr

import attractors
from attractors import analysis
from attractors.models import HopfieldNetwork, LinearSystem, RateNetwork


class CosineRing(RateNetwork):
    @property
    def coords(self):
        return {"theta": ("unit", 2 * np.pi * np.arange(self.n_units) / self.n_units)}


def cosine_ring(n=16):
    theta = 2 * np.pi * np.arange(n) / n
    return CosineRing(3.0 * np.cos(theta[:, None] - theta[None, :]) / n), theta


def point_network(n=16):
    xi = np.where(np.arange(n) % 3 == 0, 1.0, -1.0)
    return RateNetwork(3.0 * np.outer(xi, xi) / n), xi


@dataclasses.dataclass(frozen=True)
class TanhUnit(attractors.ContinuousSystem):
    """x' = -x + w tanh(x): a pitchfork at w = 1, for continuation."""

    w: float = 0.5
    n_units = 1

    def vector_field(self, t, x, inputs=None):
        return -x + self.w * np.tanh(x)


class Logistic(attractors.DiscreteSystem):
    """x -> 3.2 x (1 - x): a stable 2-cycle."""

    n_units = 1

    def update(self, x, rng=None, inputs=None):
        return 3.2 * x * (1 - x)


def hopfield(n=10, p=2):
    return HopfieldNetwork.from_patterns(np.random.default_rng(0).choice([-1, 1], (p, n)))


def _fixed_points_complex():
    # A stable focus: every spectrum complex (the case that broke the plain save).
    return analysis.find_fixed_points(LinearSystem([[-1.0, -2.0], [2.0, -1.0]]), [[1.0, 0.0]])


def _fixed_points_real():
    # The same model with a real spectrum (a stable node): the same variables, same dtypes.
    return analysis.find_fixed_points(LinearSystem([[-1.0, 0.5], [0.0, -2.0]]), [[1.0, 0.0]])


def _fixed_points_rate():
    net = RateNetwork([[2.5, -1.0], [-1.0, 2.5]])
    axis = np.linspace(-4, 4, 5)
    return analysis.find_fixed_points(net, np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2))


def _compare():
    net, xi = point_network()
    # 32 units: on 16 the lattice pins the bump and the bump on a unit is a saddle (with a
    # warning); on 32 the pinning is below 1e-12 and the ring is marginal.
    ring, theta = cosine_ring(32)
    return analysis.compare({"point": net, "ring": ring, "hopfield": hopfield(16)},
                            targets={"point": 2.9 * xi, "ring": 1.5 * np.cos(theta),
                                     "hopfield": hopfield(16).patterns[0]},
                            run_noise=0.1, t_span=10.0, dt=0.1, n_trials=3)


def _landscape_path():
    net = hopfield()
    return analysis.energy_along_path(net, net.patterns[0], net.patterns[1], n_points=5)


def _landscape_surface():
    net = hopfield()
    xi = net.patterns
    return analysis.energy_surface(net, xi[0], xi[1] - xi[0], np.roll(xi[0], 1) - xi[0],
                                   n_grid=5)


CASES = {
    "find_fixed_points (complex spectra)": _fixed_points_complex,
    "find_fixed_points (real spectra)": _fixed_points_real,
    "find_fixed_points (nine points, energy)": _fixed_points_rate,
    "find_fixed_points (map)": lambda: analysis.find_fixed_points(hopfield(), seed=0),
    "line_of_fixed_points": lambda: analysis.line_of_fixed_points(
        cosine_ring()[0], 1.5 * np.cos(cosine_ring()[1]), n_angles=3),
    "phase_portrait": lambda: analysis.phase_portrait(
        RateNetwork([[2.5, -1.0], [-1.0, 2.5]]), (-3, 3), n_grid=5, n_fine=21, t_span=1.0,
        dt=0.1, n_fixed_point_starts=5),
    "compare": _compare,
    "drift_along_attractor": lambda: analysis.drift_along_attractor(
        point_network()[0], 2.9 * point_network()[1], 0.1, t_span=50.0, dt=0.1, n_trials=3),
    "basins": lambda: analysis.basins(hopfield(), hopfield().patterns, seed=0),
    "recall_probability": lambda: analysis.recall_probability(
        hopfield(20), hopfield(20).patterns, [0.0, 0.2], n_trials=3, seed=0),
    "capacity_curve": lambda: analysis.capacity_curve(20, [0.1], n_trials=2, seed=0),
    "energy_along_path": _landscape_path,
    "energy_surface": _landscape_surface,
    "stable_state_energies": lambda: analysis.stable_state_energies(hopfield(), hopfield().patterns,
                                                                    seed=0),
    "state_space": lambda: analysis.state_space(hopfield(6, 1)),
    "transition_graph": lambda: analysis.transition_graph(analysis.state_space(hopfield(6, 1))),
    "dmft_autocorrelation": lambda: analysis.dmft_autocorrelation(2.0, [0.0, 1.0, 2.0]),
    "global_continuation": lambda: analysis.global_continuation(
        TanhUnit(), "w", [0.5, 2.0], [[-1.0], [1.0]], t_span=50.0, dt=0.1),
    "phase_diagram": lambda: analysis.phase_diagram(
        CuspUnit(), {"p": [0.0, 1.0], "r": [-1.0, 1.0]}, [[-1.0], [1.0]],
        classify=analysis.TypeByDynamics(transient=10.0, t_search=5.0, dt=0.05)),
    "ags_phase_boundaries": lambda: analysis.ags_phase_boundaries([0.0, 0.2]),
}


def _continuation():
    return analysis.continuation(TanhUnit(), "w", 0.5, 2.0)


@dataclasses.dataclass(frozen=True)
class CuspUnit(attractors.ContinuousSystem):
    """x' = p + r x - x^3 (folds), and the Brusselator-like Hopf pair below, for curves."""

    p: float = 0.0
    r: float = 1.0
    n_units = 1

    def vector_field(self, t, x, inputs=None):
        return self.p + self.r * x - x**3


@dataclasses.dataclass(frozen=True)
class Brusselator(attractors.ContinuousSystem):
    A: float = 1.0
    B: float = 1.5
    n_units = 2

    def vector_field(self, t, z, inputs=None):
        x, y = z[..., 0], z[..., 1]
        return np.stack([self.A - (self.B + 1) * x + x * x * y, self.B * x - x * x * y], axis=-1)


def _fold_curve():
    branch = analysis.continuation(CuspUnit(), "p", 0.0, 1.0, x0=[-1.0])
    return analysis.fold_curve(CuspUnit(), branch, "r", 1.5)


def _hopf_curve():
    branch = analysis.continuation(Brusselator(), "B", 1.5, 3.0, x0=[1.0, 1.5])
    return analysis.hopf_curve(Brusselator(), branch, "A", 1.5)


def _lyapunov(function):
    return function(LinearSystem([[-1.0, 2.0], [-2.0, -1.0]]), [1.0, 0.0], t_span=5.0,
                    dt=0.01, seed=0)


#: Dataset-returning functions of other analysis families (continuation, Lyapunov
#: exponents): they must save and read back too; their labels are their owners' to add.
OTHER_CASES = {
    "continuation": _continuation,
    "switch_branch": lambda: analysis.switch_branch(TanhUnit(), _continuation(), 0.5, 2.0)[0],
    "fold_curve": _fold_curve,
    "hopf_curve": _hopf_curve,
    "lyapunov_spectrum": lambda: _lyapunov(analysis.lyapunov_spectrum),
    "largest_lyapunov_exponent": lambda: _lyapunov(analysis.largest_lyapunov_exponent),
    "periodic_orbit": lambda: analysis.periodic_orbit(Logistic(), [0.3], transient=200,
                                                      t_search=50),
    "classify_attractor": lambda: analysis.classify_attractor(Logistic(), [[0.3], [1.5]],
                                                              transient=200, t_search=50),
}
# Families being added in parallel are checked once they are in the namespace.
OTHER_CASES = {name: case for name, case in OTHER_CASES.items() if hasattr(analysis, name)}
# Lyapunov spectra, periodic orbits, classifications and continuation results label
# their variables: full CASES.
for _name in ("lyapunov_spectrum", "largest_lyapunov_exponent", "periodic_orbit",
              "classify_attractor", "continuation", "switch_branch", "fold_curve", "hopf_curve"):
    CASES[_name] = OTHER_CASES.pop(_name)
CASES["basins (attractor type)"] = lambda: analysis.basins(
    Logistic(), [[0.3], [0.6], [1.5]], classifier=analysis.AttractorType(transient=200,
                                                                         t_search=50))

#: Public names that return no Dataset (numbers, arrays, classes, networks, figures).
NOT_DATASETS = {
    "ATTRACTOR_TYPES", "AttractorType", "BumpPosition", "TypeByDynamics", "TypeByOverlap",
    "ags_global_load", "ags_retrieval_load",
    "CANNBump", "ContinuationError", "GridSpacing", "NearestPattern",
    "TrackingError", "UniqueStates", "as_complex", "bump_amplitude", "bump_position",
    "bump_width", "cann_bump_theory", "cann_driven_height", "cann_tracking_lag",
    "classify_fixed_point", "classify_stability", "clique_network", "dense_capacity",
    "dense_predicted_capacity", "dense_predicted_stable_fraction", "dense_recall_fraction",
    "dense_stable_fraction", "grid_spacing", "is_maximal_clique", "jacobian_matrix",
    "kaplan_yorke_dimension", "mean_field_critical_load", "mean_field_overlap",
    "pattern_displacement", "plot_phase_portrait", "project_onto_plane", "ring_angles",
    "ring_coordinate", "ring_derivative", "shift_on_ring", "states_from_trajectory",
    "tracking_error", "unwrap_heading", "velocity_gain", "wilson_interval", "wrap_angle",
}


def test_every_public_function_returning_a_dataset_is_checked_here():
    covered = {name.split(" (")[0] for name in CASES} | set(OTHER_CASES) | NOT_DATASETS
    missing = sorted(set(analysis.__all__) - covered)
    assert not missing, (f"add a small case for {missing} to CASES (or, if it returns no "
                         "Dataset, to NOT_DATASETS)")


@pytest.mark.parametrize("name", sorted(CASES) + sorted(OTHER_CASES))
def test_saves_with_plain_to_netcdf_and_reads_back_equal(name, tmp_path):
    result = {**CASES, **OTHER_CASES}[name]()
    assert isinstance(result, xr.Dataset)
    for variable in result.data_vars.values():
        assert not np.iscomplexobj(variable.values), (name, variable.name)
    path = tmp_path / "result.nc"
    result.to_netcdf(path)
    with xr.open_dataset(path) as back:
        # netCDF keeps every value, coordinate and attribute; an index set on a
        # non-dimension coordinate (basins' ``name``, for .sel(name=...)) is an in-memory
        # convenience it cannot store: set it again with ``set_xindex("name")``.
        extra = [key for key in result.xindexes if key not in result.dims]
        xr.testing.assert_identical(back.load(), result.drop_indexes(extra))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_variable_has_units_and_a_long_name(name):
    result = CASES[name]()
    missing = [str(key) for key, variable in result.data_vars.items()
               if not (variable.attrs.get("units") and variable.attrs.get("long_name"))]
    assert not missing, f"{name}: no units/long_name on {missing}"


def test_the_schema_does_not_change_with_the_numbers():
    real, complex_ = _fixed_points_real(), _fixed_points_complex()
    for name in ("eigenvalue_real", "eigenvalue_imag", "eigenvector_real", "eigenvector_imag"):
        assert real[name].dtype == complex_[name].dtype == np.float64
    assert set(real.data_vars) == set(complex_.data_vars)
    assert attractors.analysis.as_complex(complex_).dtype == np.complex128
