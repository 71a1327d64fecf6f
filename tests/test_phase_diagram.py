"""Phase diagrams: the sweep-based type map and the Amit-Gutfreund-Sompolinsky lines."""

import dataclasses

import numpy as np
import pytest

import attractors
from attractors import ParameterError
from attractors.analysis import (
    TypeByDynamics,
    TypeByOverlap,
    _ags,
    ags_global_load,
    ags_phase_boundaries,
    ags_retrieval_load,
    mean_field_critical_load,
    mean_field_overlap,
    phase_diagram,
)
from attractors.models import HopfieldNetwork
from attractors.patterns import random_patterns

# --------------------------------------------------------------------------- AGS lines


@pytest.fixture(scope="module")
def lines():
    return ags_phase_boundaries([0.0, 0.03, 0.1])


def test_spin_glass_line_is_the_closed_form_and_where_q_appears(lines):
    loads = lines["load"].values
    assert np.array_equal(lines.T_g.values, 1 + np.sqrt(loads))
    # Independent of the closed form: the m = 0 equations have a q > 0 solution just below
    # T_g and only q = 0 just above (0.1 % on either side is far outside the solver's 1e-13).
    for alpha in (0.03, 0.1):
        t_g = 1 + np.sqrt(alpha)
        assert 1 - _ags._spin_glass_solution(alpha, 0.999 * t_g)[0] > 1e-4
        assert _ags._spin_glass_solution(alpha, 1.001 * t_g)[0] == 1.0


def test_retrieval_line_ends_at_one_and_at_the_critical_load(lines):
    assert lines.T_M.values[0] == 1.0
    # alpha_M(T) is continuous at both ends: it vanishes as T -> 1 (m -> 0 in the
    # Curie-Weiss limit) and tends to alpha_c as T -> 0.  The replica-symmetric line is
    # re-entrant by at most 3e-4 (alpha_max - alpha_c), which bounds the gap at T = 0.005.
    assert ags_retrieval_load(0.0) == mean_field_critical_load()
    assert ags_retrieval_load(0.999) < 1e-4
    assert abs(ags_retrieval_load(0.005) - mean_field_critical_load()) < 3e-4
    assert 0 < lines.attrs["alpha_max"] - lines.attrs["alpha_c"] < 3e-4


def test_retrieval_line_is_the_fold_of_the_iterated_equations():
    # The existing solver (damped iteration of the same equations from m = q = 1,
    # mean_field_overlap) finds a retrieval state 1 % below alpha_M(T) and none 1 % above.
    for temperature in (0.3, 0.5):
        alpha_m = ags_retrieval_load(temperature)
        inside, outside = mean_field_overlap([0.99 * alpha_m, 1.01 * alpha_m],
                                             temperature=temperature)
        assert inside > 0.5 and outside < 1e-6
    # The re-entrance is real in the iterated equations too: at T = 0.02 a retrieval state
    # exists at a load where none exists at T = 0.
    alpha = 0.5 * (mean_field_critical_load() + ags_retrieval_load(0.02))
    assert mean_field_overlap(alpha) == 0.0
    assert mean_field_overlap(alpha, temperature=0.02) > 0.9


def test_retrieval_line_is_monotone(lines):
    # Above its re-entrant tip (T = 0.023) alpha_M falls with T, so T_M(alpha) falls with alpha.
    temperatures = [0.05, 0.2, 0.4, 0.6, 0.8, 0.95]
    assert np.all(np.diff(ags_retrieval_load(temperatures)) < 0)
    assert np.all(np.diff(lines.T_M.values) < 0)


def test_global_line_crosses_zero_near_agss_value_and_lies_inside(lines):
    # AGS (1987) quote alpha ~ 0.05 (0.051) for the T = 0 crossing of the retrieval and
    # spin-glass energies; the replica-symmetric energies here cross at 0.0519, which
    # agrees with the two digits of the published value (tolerance 0.002).
    assert abs(lines.attrs["alpha_global"] - 0.051) < 0.002
    # The finite-temperature free energies tend to the T = 0 energies: the crossing at
    # T = 0.02 is within 1e-3 of it (the line is re-entrant by about that much: 0.0531
    # at its tip near T = 0.1).
    assert abs(ags_global_load(0.02) - lines.attrs["alpha_global"]) < 1e-3
    assert ags_global_load(0.0) == lines.attrs["alpha_global"]
    t_c, t_m, t_g = lines.T_c.values, lines.T_M.values, lines.T_g.values
    assert t_c[0] == t_m[0] == t_g[0] == 1.0
    assert t_c[1] < t_m[1] < t_g[1]            # alpha = 0.03: all three exist, ordered
    assert np.isnan(t_c[2]) and t_m[2] < t_g[2]  # alpha = 0.1 > 0.052: metastable only


def test_ags_bad_input_is_named():
    with pytest.raises(ParameterError, match="loads"):
        ags_phase_boundaries([-0.1])
    with pytest.raises(ParameterError, match="loads"):
        ags_phase_boundaries([])
    with pytest.raises(ParameterError, match="temperature"):
        ags_retrieval_load(-1.0)
    with pytest.raises(ParameterError, match="temperature"):
        ags_global_load([np.nan])


# --------------------------------------------------------------------------- phase_diagram


@dataclasses.dataclass(frozen=True)
class Cusp(attractors.ContinuousSystem):
    """x' = p + r x - x^3: two stable fixed points where 27 p^2 < 4 r^3, else one."""

    p: float = 0.0
    r: float = 1.0
    n_units = 1

    def vector_field(self, t, x, inputs=None):
        return self.p + self.r * x - x**3


@dataclasses.dataclass(frozen=True)
class HopfNormalForm(attractors.ContinuousSystem):
    """z' = (mu + i omega) z - |z|^2 z: a fixed point for mu < 0, a cycle of radius sqrt(mu)."""

    mu: float = -1.0
    omega: float = 1.0
    n_units = 2

    def vector_field(self, t, z, inputs=None):
        x, y = z[..., 0], z[..., 1]
        r2 = x * x + y * y
        return np.stack([self.mu * x - self.omega * y - r2 * x,
                         self.omega * x + self.mu * y - r2 * y], axis=-1)


class Side:
    """A user classifier: which of the cusp's outer fixed points a start settles near."""

    types = ("left", "right")

    def __call__(self, model, x0, rng):
        x = np.array(x0, dtype=float)
        for _ in range(2000):  # Euler, dt = 0.01: 20 time units, >> 1 / |f'| at the roots
            x = x + 0.01 * model.vector_field(0.0, x)
        return np.where(x[:, 0] < 0, "left", "right")


def test_bistable_region_is_the_cusp():
    p = np.array([0.0, 0.2, 0.6])
    diagram = phase_diagram(Cusp(), {"p": p, "r": [1.0]}, [[-1.5], [1.5]], classify=Side())
    # Both outer roots exist where 27 p^2 < 4 r^3 (|p| < 0.385 at r = 1), one beyond.
    assert diagram.n_types.sel(r=1.0).values.tolist() == [2, 2, 1]
    assert diagram.exists.sel(r=1.0, type="right").all()
    assert diagram.fraction.sum("type").values.tolist() == [[1.0], [1.0], [1.0]]
    assert list(diagram.dims) == ["p", "r", "type"] or set(diagram.dims) == {"p", "r", "type"}


def test_dynamics_types_split_at_the_hopf_point():
    starts = np.array([[0.5, 0.0], [-0.3, 0.4]])
    classify = TypeByDynamics(dt=0.05, transient=60.0, t_search=30.0)
    diagram = phase_diagram(HopfNormalForm(), {"mu": [-0.5, 0.5], "omega": [1.0, 2.0]}, starts,
                            classify=classify)
    # mu = -0.5: the origin attracts at rate 0.5 (e^-30 after the transient); mu = 0.5: the
    # cycle attracts at rate 2 mu = 1.
    assert diagram.dominant.values.tolist() == [["fixed_point"] * 2, ["periodic"] * 2]
    assert diagram.fraction.sel(type="periodic").values.tolist() == [[0.0, 0.0], [1.0, 1.0]]


def test_overlap_labels():
    overlaps = np.array([[0.9, 0.05, 0.0], [-0.8, 0.1, 0.0], [0.5, 0.5, -0.5], [0.1, 0.05, 0.0]])
    labels = TypeByOverlap().labels(overlaps).tolist()
    assert labels == ["retrieval", "reversal", "mixture", "spin_glass"]


@pytest.mark.parametrize("units", ["spin", "binary"])
def test_overlap_types_of_real_attractors(units):
    # At T = 0 and a low load, a pattern, a reversed pattern and the symmetric mixture
    # sgn(xi1 + xi2 + xi3) (and its reversal) are all fixed points; the mixture's overlaps
    # are 1/2 each in the large-N limit (Amit, Gutfreund & Sompolinsky 1985), well above
    # the mixture threshold 0.3 at N = 400 (fluctuations ~ 1/sqrt(N) = 0.05).
    rng = np.random.default_rng(0)
    xi = random_patterns(3, 400, rng=rng)
    mix = np.sign(xi.sum(0))
    cues = np.stack([xi[0], -xi[1], mix, -mix])
    if units == "binary":
        xi, cues = (xi + 1) // 2, (cues + 1) // 2
    network = HopfieldNetwork.from_patterns(xi, units=units)
    labels = TypeByOverlap()(network, cues, rng).tolist()
    assert labels == ["retrieval", "reversal", "mixture", "mixture"]


def _network(load, temperature, rng):
    xi = random_patterns(max(1, round(load * 200)), 200, rng=rng)
    return HopfieldNetwork.from_patterns(xi, dynamics="glauber", temperature=temperature)


def _cues(model, rng):
    return np.repeat(model.patterns[:1], 4, axis=0)


def test_hopfield_retrieval_and_paramagnet_with_seeds_and_store(tmp_path):
    grid = {"load": [0.03], "temperature": [0.2, 1.6]}
    diagram = phase_diagram(_network, grid, _cues, seed=3, store=tmp_path / "store")
    # AGS: at alpha = 0.03, T_M = 0.65 (m = 0.99 at T = 0.2) and T_g = 1.17: at T = 1.6 the
    # paramagnet has overlaps O(1/sqrt(N)) = 0.07, far below the threshold 0.5.
    assert diagram.fraction.sel(type="retrieval").values.tolist() == [[1.0, 0.0]]
    assert diagram.dominant.values.tolist() == [["retrieval", "spin_glass"]]
    again = phase_diagram(_network, grid, _cues, seed=3, store=tmp_path / "store")
    assert again.attrs["computed_points"] == 0
    assert again.drop_attrs().identical(diagram.drop_attrs())


def test_phase_diagram_bad_input_is_named():
    starts = [[-1.0], [1.0]]
    with pytest.raises(ParameterError, match="two names"):
        phase_diagram(Cusp(), {"p": [0.0]}, starts)
    with pytest.raises(ParameterError, match="'q' is not a field"):
        phase_diagram(Cusp(), {"p": [0.0], "q": [1.0]}, starts)
    with pytest.raises(ParameterError, match="distinct"):
        phase_diagram(Cusp(), {"p": [0.0, 0.0], "r": [1.0]}, starts)
    with pytest.raises(ParameterError, match="initial_states"):
        phase_diagram(Cusp(), {"p": [0.0], "r": [1.0]}, [[0.0, 1.0]])
    with pytest.raises(ParameterError, match="classify"):
        phase_diagram(Cusp(), {"p": [0.0], "r": [1.0]}, starts, classify="fast")
    with pytest.raises(ParameterError, match="not among its types"):
        phase_diagram(Cusp(), {"p": [0.0], "r": [1.0]}, starts,
                      classify=lambda model, x0, rng: ["up"] * len(x0), types=["down"])
    with pytest.raises(ParameterError, match="types"):
        phase_diagram(Cusp(), {"p": [0.0], "r": [1.0]}, starts,
                      classify=lambda model, x0, rng: ["up"] * len(x0))
    with pytest.raises(ParameterError, match="threshold"):
        TypeByOverlap(threshold=1.5)
    with pytest.raises(ParameterError, match="TypeByDynamics"):
        TypeByDynamics(steps=3)


def test_plot_colours_by_fraction_hatches_coexistence_and_draws_boundaries():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.patches import Rectangle

    from attractors.plot import plot_phase_diagram

    diagram = phase_diagram(Cusp(), {"p": [0.0, 0.2, 0.6], "r": [0.5, 1.0]}, [[-1.5], [1.5]],
                            classify=Side())
    ax = plot_phase_diagram(diagram, colors={"left": "red", "right": "blue"},
                            boundaries={"cusp": ([0.0, 0.385], [0.0, 1.0])})
    # Coexistence: 27 p^2 < 4 r^3 holds at (0, 0.5), (0, 1), (0.2, 1) only (at (0.2, 0.5):
    # 1.08 > 0.5).
    hatched = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == int((diagram.n_types == 2).sum()) == 3
    # One cell with both basins at half each is the even mix of red and blue.
    colours = np.asarray(ax.collections[0].get_array())  # (r, p, rgb), rows r = 0.5, 1
    assert np.allclose(colours[0, 0], [0.5, 0.0, 0.5])   # (p, r) = (0, 0.5): half and half
    assert np.allclose(colours[0, 2], [0.0, 0.0, 1.0])   # (0.6, 0.5): right only
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["left", "right", "coexistence", "cusp"]
    with pytest.raises(ParameterError, match="phase_diagram"):
        plot_phase_diagram(diagram[["fraction"]])
    with pytest.raises(ParameterError, match="boundaries"):
        plot_phase_diagram(diagram, boundaries={"bad": ([0, 1], [0])})
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.slow
def test_same_diagram_on_two_workers():
    grid = {"load": [0.03, 0.2], "temperature": [0.2, 0.9]}
    inline = phase_diagram(_network, grid, _cues, seed=5)
    pooled = phase_diagram(_network, grid, _cues, seed=5, workers=2)
    assert pooled.drop_attrs().identical(inline.drop_attrs())
