"""Energy landscapes against closed forms: paths between minima, planes and
projections of state space, and the energies of stored and spurious states."""

import numpy as np
import pytest

import attractors
from attractors._validate import ParameterError
from attractors.analysis._landscape import (
    energy_along_path,
    energy_surface,
    project_onto_plane,
    stable_state_energies,
)
from attractors.models._hopfield import HopfieldNetwork


class Wells(attractors.ContinuousSystem):
    """Two uncoupled double wells, a gradient flow of E = sum(x^4/4 - x^2/2) (user-written).

    Minima at (+-1, +-1) with E = -1/2, saddles at (+-1, 0) and (0, +-1) with E = -1/4,
    and a maximum at the origin with E = 0."""

    n_units = 2

    def vector_field(self, t, x, inputs=None):
        return x - x**3

    def energy(self, x, inputs=None):
        return np.sum(x**4 / 4 - x**2 / 2, axis=-1)


def test_straight_path_closed_form():
    path = energy_along_path(Wells(), [1, 1], [-1, -1], n_points=41)
    c = 1 - 2 * path.s.values  # x(s) = c (1, 1)
    np.testing.assert_allclose(path.energy.values, 2 * (c**4 / 4 - c**2 / 2), atol=1e-15)
    np.testing.assert_allclose(path.attrs["barrier"], 0.5)  # over the maximum at the origin
    np.testing.assert_allclose(path.attrs["peak_s"], 0.5)


def test_dynamical_path_crosses_the_saddles():
    """(1, 1) to (-1, -1): the minimum-energy path goes through a saddle, the intermediate
    minimum (1, -1) or (-1, 1), and the other saddle; barrier 1/4 instead of 1/2."""
    path = energy_along_path(Wells(), [1, 1], [-1, -1], path="dynamical", n_points=81)
    assert path.attrs["converged"] == 1
    # The highest image lies within half a spacing h of the saddle, where E falls as
    # -(x - x_s)^2 / 2 along the path (E'' = 1 - 3x^2 = -1 there), so it is at most h^2/8
    # below the saddle's -1/4.  Path length 4 (four unit legs: minimum, saddle,
    # intermediate minimum, saddle, minimum) over 80 intervals: h = 0.05.
    h = 4.0 / 80
    assert -0.25 - h**2 / 8 - 1e-9 <= path.energy.values.max() <= -0.25 + 1e-9
    np.testing.assert_allclose(path.attrs["barrier"], 0.25, atol=h**2 / 8 + 1e-9)
    # The string passes through the intermediate minimum (energy -1/2 inside the path).
    interior = path.energy.values[10:-10]
    np.testing.assert_allclose(interior.min(), -0.5, atol=h**2)
    middle = path.state.values[np.argmin(np.abs(path.s.values - 0.5))]
    assert np.allclose(np.abs(middle), 1.0, atol=0.05) and middle[0] * middle[1] < 0
    # Every image is on the minimum-energy path: the flow there is tangent to the string,
    # here along the axes through the saddles (one coordinate at +-1 everywhere).
    assert np.all(np.min(np.abs(np.abs(path.state.values) - 1.0), axis=1) < 1e-3)


def hebbian(patterns):
    return HopfieldNetwork.from_patterns(np.asarray(patterns))


def test_hamming_and_straight_paths_of_a_binary_network():
    rng = np.random.default_rng(2)
    xi = rng.choice([-1, 1], (2, 30))
    net = hebbian(xi)
    distance = int(np.sum(xi[0] != xi[1]))
    for kind in ("straight", "hamming"):
        path = energy_along_path(net, xi[0], xi[1], path=kind, seed=3)
        states = path.state.values
        assert len(states) == distance + 1
        np.testing.assert_array_equal(states[0], xi[0])
        np.testing.assert_array_equal(states[-1], xi[1])
        assert np.all(np.sum(states[1:] != states[:-1], axis=1) == 1)  # one flip a step
        np.testing.assert_allclose(path.energy.values, net.energy(states))
    # Greedy: the first flip is the one of lowest energy among all differing units.
    differ = np.flatnonzero(xi[0] != xi[1])
    trial = np.repeat(xi[0][None], differ.size, axis=0).astype(float)
    trial[np.arange(differ.size), differ] *= -1
    np.testing.assert_allclose(path.energy.values[1], net.energy(trial).min())
    with pytest.raises(ParameterError, match="hamming"):
        energy_along_path(net, xi[0], xi[1], path="dynamical")
    with pytest.raises(ParameterError, match="binary"):
        energy_along_path(Wells(), [1, 1], [-1, -1], path="hamming")


def test_projection_onto_two_orthogonal_patterns_is_exact():
    """Orthogonal +-1 patterns, Hebbian weights with zero diagonal:
    E(s) = -(N/2)(m1^2 + m2^2) + P/2 exactly, a function of the overlaps alone, and the
    projection coordinates of s on the plane (0, xi1, xi2) are (m1, m2)."""
    block = np.kron(np.array([[1, 1], [1, -1]]), np.ones(8))  # two orthogonal 16-unit rows
    net = hebbian(block)
    surface = energy_surface(net, np.zeros(16), block[0], block[1], alpha=(-1, 1), n_grid=17)
    assert surface.attrs["mode"] == "projection" and surface.attrs["n_outside"] == 0
    assert surface["count"].sum() == 2**16
    A, B = np.meshgrid(surface.alpha.values, surface.beta.values)
    exact = -8.0 * (A**2 + B**2) + 1.0
    occupied = surface["count"].values > 0
    np.testing.assert_allclose(surface.energy.values[occupied], exact[occupied], atol=1e-12)
    np.testing.assert_allclose(surface.energy_mean.values[occupied], exact[occupied], atol=1e-12)
    # m1 + m2 and m1 - m2 are each (1/8) times a sum over 8 units: both even multiples of 1/8.
    assert surface["count"].sel(alpha=1.0, beta=0.0).item() == 1
    coords = project_onto_plane(block, np.zeros(16), block[0], block[1])
    np.testing.assert_allclose(coords, np.eye(2), atol=1e-15)


def test_plane_through_a_flow():
    surface = energy_surface(Wells(), [0, 0], [1, 0], [0, 1], alpha=(-1.5, 1.5), n_grid=31)
    A, B = np.meshgrid(surface.alpha.values, surface.beta.values)
    np.testing.assert_allclose(surface.energy.values,
                               A**4 / 4 - A**2 / 2 + B**4 / 4 - B**2 / 2, atol=1e-15)
    with pytest.raises(ParameterError, match="independent"):
        energy_surface(Wells(), [0, 0], [1, 1], [2, 2])


# Two random patterns of 12 units overlap by 0.5 here, which from_patterns warns about;
# both are still fixed points at this load, which is what the test is about.
@pytest.mark.filterwarnings("ignore:the 2 patterns are strongly correlated:UserWarning")
def test_stored_patterns_are_the_deepest_stable_states():
    rng = np.random.default_rng(4)
    xi = rng.choice([-1, 1], (2, 12))
    net = hebbian(xi)
    result = stable_state_energies(net, xi, seed=0)
    assert result.attrs["exhaustive"] == 1
    kinds = result.kind.values
    # At load 2/12 both patterns and their reversals are fixed points.
    assert np.sum(kinds == "stored") == 2 and np.sum(kinds == "reversal") == 2
    m12 = float(xi[0] @ xi[1]) / 12
    exact = -6.0 * (1 + m12**2) + 1.0  # -(N/2)(m1^2 + m2^2) + P/2 at a pattern
    np.testing.assert_allclose(result.energy.values[kinds == "stored"], exact, atol=1e-12)
    np.testing.assert_allclose(result.energy.values[kinds == "reversal"], exact, atol=1e-12)
    others = result.energy.values[(kinds != "stored") & (kinds != "reversal")]
    assert np.all(others >= exact - 1e-12)
    assert result.histogram.sum() == result.sizes["state"]
    np.testing.assert_allclose(result.attrs["mean_energy_stored"], exact)


def test_landscape_errors():
    class NoEnergy(attractors.ContinuousSystem):
        n_units = 2

        def vector_field(self, t, x, inputs=None):
            return -x

    with pytest.raises(ParameterError, match="energy"):
        energy_along_path(NoEnergy(), [1, 0], [0, 1])
    with pytest.raises(ParameterError, match="start"):
        energy_along_path(Wells(), [1, 0, 0], [0, 1])


def test_stable_state_energies_of_a_flow():
    """Rate network storing two orthogonal patterns, W = 3 (xi1 xi1^T + xi2 xi2^T) / N:
    u = b xi with b = 3 tanh(b) is a fixed point for each pattern and reversal
    (W xi = 3 xi for orthogonal patterns), all four at one energy by symmetry."""
    from scipy.optimize import brentq

    from attractors.models._rate import RateNetwork

    block = np.kron(np.array([[1, 1], [1, -1]]), np.ones(8))
    net = RateNetwork(3.0 * block.T @ block / 16)
    starts = np.concatenate([block, -block, 0.5 * (block[0] + block[1])[None]]) * 2.0
    result = stable_state_energies(net, block, starts, mixtures=False)
    kinds = result.kind.values.tolist()
    assert kinds.count("stored") == 2 and kinds.count("reversal") == 2
    b = brentq(lambda v: v - 3 * np.tanh(v), 1.0, 5.0, xtol=1e-15)
    stored = result.stable_state.values[result.kind.values == "stored"]
    np.testing.assert_allclose(np.abs(stored), b, atol=1e-10)
    energies = result.energy.values[np.isin(result.kind.values, ["stored", "reversal"])]
    np.testing.assert_allclose(energies, energies[0], rtol=1e-12)
