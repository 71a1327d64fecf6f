"""find_fixed_points against closed forms: every fixed point (saddles and unstable
ones included), the eigenvalues of the Jacobian there, slow points, and the
exhaustive state space of small discrete networks."""

import numpy as np
import pytest
from scipy.optimize import brentq

import attractors
from attractors._validate import ParameterError
from attractors.analysis import (
    as_complex,
    classify_fixed_point,
    classify_stability,
    find_fixed_points,
    jacobian_matrix,
    line_of_fixed_points,
    ring_coordinate,
    ring_derivative,
    shift_on_ring,
    state_space,
    states_from_trajectory,
)
from attractors.models import HopfieldNetwork, LinearSystem, RateNetwork

ANGLE = 0.4
ROTATION = np.array([[np.cos(ANGLE), -np.sin(ANGLE)], [np.sin(ANGLE), np.cos(ANGLE)]])


class RotatedWells(attractors.ContinuousSystem):
    """Two uncoupled double wells y' = y - y**3 seen in rotated coordinates x = R y.

    User-written, no Jacobian: the analysis falls back to finite differences.
    Fixed points R p for p in {-1, 0, 1}^2; Jacobian R diag(1 - 3 p**2) R^T, so
    eigenvalues -2 at |p_i| = 1 and +1 at p_i = 0.
    """

    n_units = 2

    def vector_field(self, t, x, inputs=None):
        y = x @ ROTATION  # R^T x, row-wise
        return (y - y**3) @ ROTATION.T


def grid_starts(extent, n):
    axis = np.linspace(-extent, extent, n)
    return np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 2)


def test_rotated_double_wells_all_nine_points_and_eigenvalues():
    fp = find_fixed_points(RotatedWells(), grid_starts(2.0, 11))
    assert fp.attrs["jacobian_method"] == "finite_differences"
    assert fp.sizes["fixed_point"] == 9
    p = np.array([(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)], dtype=float)
    expected = p @ ROTATION.T
    found = fp.state.values
    # Newton polishing takes a regular zero to round-off: |F| ~ 1e-16, and with
    # |J^-1| <= 1 the position error is as small; 1e-12 leaves a wide margin.
    distance = np.min(np.linalg.norm(found[:, None] - expected[None], axis=-1), axis=0)
    assert np.all(distance < 1e-12)
    assert np.all(fp.speed.values < 1e-12)
    for point, values, label in zip(found, as_complex(fp).values, fp.stability.values):
        y = ROTATION.T @ point
        exact = np.sort(1.0 - 3.0 * np.round(y) ** 2)[::-1]
        # Central differences: error ~ eps**(2/3) |F'''| ~ 1e-10.
        np.testing.assert_allclose(values.real, exact, atol=1e-8)
        assert np.all(np.abs(values.imag) < 1e-8)  # J is symmetric here: real spectrum
        n_zero = int(np.sum(np.round(np.abs(y)) == 0))
        assert label == {0: "stable", 1: "saddle", 2: "unstable"}[n_zero]
    assert sorted(fp.stability.values.tolist()) == ["saddle"] * 4 + ["stable"] * 4 + ["unstable"]
    assert fp.is_stable.sum() == 4
    assert fp.n_found.sum() == 121


def test_eigenvectors_diagonalise_the_jacobian():
    fp = find_fixed_points(RotatedWells(), grid_starts(2.0, 7))
    J, V, lam = fp.jacobian.values, as_complex(fp, "eigenvector").values, as_complex(fp).values
    np.testing.assert_allclose(J @ V, V * lam[:, None, :], atol=1e-10)
    np.testing.assert_allclose(np.linalg.norm(V, axis=1), 1.0, atol=1e-12)


def test_linear_system_saddle_and_analytic_jacobian():
    A = np.array([[1.0, 2.0], [0.0, -3.0]])
    b = np.array([0.5, -1.0])
    system = LinearSystem(A, b)
    fp = find_fixed_points(system, np.random.default_rng(0).normal(size=(20, 2)) * 5)
    assert fp.attrs["jacobian_method"] == "analytic"
    assert fp.sizes["fixed_point"] == 1
    np.testing.assert_allclose(fp.state.values[0], -np.linalg.solve(A, b), atol=1e-13)
    np.testing.assert_allclose(fp.eigenvalue_real.values[0], [1.0, -3.0], atol=1e-13)
    assert fp.stability.values[0] == "saddle"
    assert fp.n_unstable_modes.values[0] == 1
    assert fp.n_found.values[0] == 20
    numeric = jacobian_matrix(system, [0.3, 0.7], method="finite_differences")
    np.testing.assert_allclose(numeric, A, atol=1e-9)  # exact for a linear field up to round-off


def test_two_unit_rate_network_closed_forms():
    """tau u' = -u + W tanh(u), W = [[a, -c], [-c, a]].

    On the diagonal u0 = u1 = u: u = (a - c) tanh u; on the antidiagonal u0 = -u1 = u:
    u = (a + c) tanh u.  With s = sech^2 u the Jacobian -I + W s has eigenvalues
    (a - c) s - 1 (along (1, 1)) and (a + c) s - 1 (along (1, -1)).  For a = 2.5, c = 1
    there are 9 points: the origin, 2 + 2 on the diagonals, and 4 asymmetric saddles.
    """
    a, c = 2.5, 1.0
    net = RateNetwork([[a, -c], [-c, a]], transfer="tanh")
    fp = find_fixed_points(net, grid_starts(4.0, 9))
    assert fp.sizes["fixed_point"] == 9
    states = fp.state.values
    for gain, sign in ((a - c, 1.0), (a + c, -1.0)):
        u = brentq(lambda v, g=gain: v - g * np.tanh(v), 0.5, 10.0, xtol=1e-15)
        for point in (np.array([u, sign * u]), -np.array([u, sign * u])):
            k = np.argmin(np.linalg.norm(states - point, axis=-1))
            assert np.linalg.norm(states[k] - point) < 1e-12
            s = 1.0 / np.cosh(u) ** 2
            exact = sorted([(a - c) * s - 1.0, (a + c) * s - 1.0], reverse=True)
            np.testing.assert_allclose(fp.eigenvalue_real.values[k], exact, atol=1e-12)
            assert fp.stability.values[k] == "stable"
    origin = np.argmin(np.linalg.norm(states, axis=-1))
    np.testing.assert_allclose(fp.eigenvalue_real.values[origin], [a + c - 1, a - c - 1],
                               atol=1e-13)
    assert fp.stability.values[origin] == "unstable"
    saddles = states[fp.stability.values == "saddle"]
    assert len(saddles) == 4
    # The saddles are off both diagonals and come in the symmetry orbit (u0, u1) ->
    # (u1, u0), (-u0, -u1) of the network.
    assert np.all(np.abs(np.abs(saddles[:, 0]) - np.abs(saddles[:, 1])) > 0.1)
    for point in saddles:
        for image in (point[::-1], -point):
            assert np.min(np.linalg.norm(saddles - image, axis=-1)) < 1e-10
    # The energy is defined (symmetric W): minima are lower than the saddles.
    assert np.max(fp.energy.values[fp.stability.values == "stable"]) < np.min(
        fp.energy.values[fp.stability.values == "saddle"])


class Ghost(attractors.ContinuousSystem):
    """x' = x**2 + eps: no fixed point, a slow point at x = 0 with q = eps**2 / 2."""

    n_units = 1
    eps = 1e-4

    def vector_field(self, t, x, inputs=None):
        return x**2 + self.eps


def test_slow_point_reported_as_such():
    fp = find_fixed_points(Ghost(), np.linspace(-0.5, 0.5, 6)[:, None], max_iter=400)
    assert fp.sizes["fixed_point"] >= 1
    assert not np.any(fp.is_fixed_point.values)
    assert set(fp.kind.values) == {"slow point"}
    # q is minimal at x = 0, where q = eps**2 / 2 = 5e-9; the Gauss-Newton iteration
    # approaches a zero-residual-free minimum only linearly, so the position is within
    # ~ sqrt of the q accuracy: 1e-4 is generous but distinguishes it from any other x.
    np.testing.assert_allclose(fp.state.values[:, 0], 0.0, atol=1e-4)
    np.testing.assert_allclose(fp.q.values, 0.5 * Ghost.eps**2, rtol=1e-3)
    # A tighter max_q drops it.
    assert find_fixed_points(Ghost(), [[0.3]], max_q=1e-10).sizes["fixed_point"] == 0


def test_starts_from_a_trajectory(bistable):
    run = attractors.simulate(bistable, n_trials=8, t_span=5.0, dt=0.1, seed=3)
    starts = states_from_trajectory(run, 20, seed=1)
    assert starts.shape == (20, 2)
    np.testing.assert_array_equal(starts, states_from_trajectory(run, 20, seed=1))
    fp = find_fixed_points(bistable, run, n_samples=30, seed=2)
    assert fp.attrs["n_starts"] == 30
    # Antisymmetric points x = -y: x - x^3 + 0.75 x = 0, x^2 = 1.75; Jacobian
    # [[1 - 3x^2, -0.75], [-0.75, 1 - 3x^2]] with eigenvalues -4.25 +- 0.75: stable.
    # Trajectories end there, so the starts drawn from them find them.
    corner = np.sqrt(1.75) * np.array([1.0, -1.0])
    stable = fp.state.values[fp.stability.values == "stable"]
    hits = [k for k, s in enumerate(stable) if min(np.abs(s - corner).max(),
                                                    np.abs(s + corner).max()) < 1e-12]
    assert hits
    lam = fp.eigenvalue_real.values[fp.stability.values == "stable"][hits[0]]
    np.testing.assert_allclose(lam, [-3.5, -5.0], atol=1e-8)  # finite differences: ~1e-10


def test_classify_stability_labels_and_discrete():
    labels = classify_stability([[-1, -1e-9], [2e-6, -1], [0.5, 0.0]])
    assert labels.tolist() == ["marginal", "saddle", "unstable"]
    assert classify_stability([[0.5, -0.5], [1.5, 0.2]], discrete=True).tolist() == [
        "stable", "saddle"]


def every_state(n):
    index = np.arange(1 << n)
    return np.where((index[:, None] >> np.arange(n)) & 1, 1.0, -1.0)


@pytest.mark.parametrize("method", ["state_space", "iterated map"])
@pytest.mark.parametrize("dynamics", ["sync", "async"])
def test_discrete_attractors_equal_the_exhaustive_state_space(dynamics, method):
    """Both routes: the state space read directly (the default for a HopfieldNetwork)
    and the map iterated from every state (what any other discrete model gets)."""
    rng = np.random.default_rng(1)
    patterns = rng.choice([-1, 1], (3, 10))
    net = HopfieldNetwork.from_patterns(patterns, dynamics=dynamics)
    if method == "state_space":
        fp = find_fixed_points(net, seed=0)
        assert fp.attrs["exhaustive"] == 1
    else:
        fp = find_fixed_points(net, every_state(10), seed=0, max_steps=60)
        assert fp.attrs["exhaustive"] == 0
    assert fp.attrs["method"] == method
    space = state_space(net)
    assert fp.attrs["n_unresolved"] == 0
    assert fp.sizes["fixed_point"] == space.sizes["attractor"]
    np.testing.assert_array_equal(np.sort(fp.period.values), np.sort(space.period.values))
    ours = {tuple(s): int(n) for s, n in zip(fp.state.values.astype(int), fp.n_found.values)}
    for p, cycle, size, reach in zip(space.period.values, space.cycle.values,
                                     space.basin_size.values,
                                     space.get("reach_size", space.basin_size).values):
        states = space.configuration.values[cycle[:p]]
        matches = [tuple(s) for s in states if tuple(s) in ours]
        assert len(matches) == 1  # one canonical representative per cycle
        if dynamics == "sync" or method == "state_space":
            assert ours[matches[0]] == size
        else:  # one random order: between the sure basin and all that can reach it
            assert size <= ours[matches[0]] <= reach
    np.testing.assert_allclose(np.sort(fp.energy.values[fp.period.values == 1]),
                               np.sort(space.attractor_energy.values[space.period.values == 1]))


def test_discrete_sampling_finds_the_stored_patterns():
    rng = np.random.default_rng(5)
    patterns = rng.choice([-1, 1], (3, 60))
    net = HopfieldNetwork.from_patterns(patterns)
    cues = np.concatenate([patterns, -patterns])
    fp = find_fixed_points(net, cues, seed=0)
    assert fp.attrs["exhaustive"] == 0
    assert fp.sizes["fixed_point"] == 6  # three patterns and their reversals, at load 0.05
    assert set(map(tuple, fp.state.values.astype(int))) == set(map(tuple, cues))


def test_bad_input_raises_before_work():
    with pytest.raises(ParameterError, match="initial_states"):
        find_fixed_points(RotatedWells(), np.zeros((3, 5)))
    with pytest.raises(ParameterError, match="jacobian"):
        find_fixed_points(RotatedWells(), np.zeros((3, 2)), jacobian="analytic")
    with pytest.raises(ParameterError, match="exhaustive"):
        find_fixed_points(RotatedWells(), exhaustive=True)
    with pytest.raises(ParameterError, match="tol"):
        find_fixed_points(RotatedWells(), np.zeros((3, 2)), tol=-1.0)
    with pytest.raises(ParameterError, match="system"):
        find_fixed_points(np.eye(2))


# ----------------------------------------------------------------- continuous attractors


class CosineRing(RateNetwork):
    """tau u' = -u + W tanh(u), W_ij = J1 cos(theta_i - theta_j) / N: a ring of bumps."""

    @property
    def coords(self):
        return {"theta": ("unit", 2 * np.pi * np.arange(self.n_units) / self.n_units)}


def cosine_ring(n, strength=6.0):
    theta = 2 * np.pi * np.arange(n) / n
    return CosineRing(strength * np.cos(theta[:, None] - theta[None, :]) / n), theta


def check_line(line, centre_tol=1e-9):
    # Every rotated bump is a fixed point to round-off.
    assert np.all(line.speed.values < 1e-10)
    # The bump sits where it was rotated to (population vector of an even profile:
    # exact on a uniform ring up to round-off).
    drift = np.angle(np.exp(1j * (line.bump_position.values - line.attrs["bump_centre"]
                                  - line.angle.values)))
    assert np.all(np.abs(drift) < centre_tol)
    gap = np.abs(line.spectral_gap.values)
    assert np.all(line.spectral_gap.values < 0)  # every other mode decays: a stable ring
    # One eigenvalue is zero: |lambda_0| is at most the residual of J on the bump
    # derivative (J d = lambda_0 d to first order) plus round-off eps |J|.
    norm_J = np.max(np.abs(as_complex(line).values), axis=-1)
    slack = line.derivative_residual.values + 1e-13 * norm_J
    assert np.all(np.abs(line.zero_eigenvalue.values) <= 10 * slack)
    # The zero mode is the bump's derivative: by perturbation theory the angle between
    # them is at most |J d| / (gap |d|) (plus eig's backward error eps |J| / gap); a factor
    # 10 covers the non-normality of J = -I + W diag(phi') (similar to a symmetric matrix).
    sine = np.sqrt(np.clip(1 - line.alignment.values**2, 0, None))
    assert np.all(sine <= 10 * slack / gap + 1e-7), (sine, slack / gap)


def test_shift_and_derivative_are_spectral():
    theta = 2 * np.pi * np.arange(24) / 24
    profile = np.exp(2 * np.cos(theta))  # smooth: Fourier modes decay like I_k(2)/I_0(2)
    shifted = shift_on_ring(profile, [0.0, 0.37, 2 * np.pi])
    np.testing.assert_allclose(shifted[1], np.exp(2 * np.cos(theta - 0.37)), atol=1e-9)
    np.testing.assert_allclose(shifted[[0, 2]], [profile, profile], atol=1e-13)
    np.testing.assert_allclose(ring_derivative(profile),
                               -2 * np.sin(theta) * profile, atol=1e-9)


def bump_amplitude(n, strength):
    """b = J1 <tanh(b cos theta) cos theta>: the self-consistent bump u = b cos(theta - phi)."""
    theta = 2 * np.pi * np.arange(n) / n
    return brentq(lambda v: v - strength * np.mean(np.tanh(v * np.cos(theta)) * np.cos(theta)),
                  0.5, 10.0, xtol=1e-15)


def test_cosine_ring_zero_mode_is_the_bump_derivative():
    ring, theta = cosine_ring(48, 3.0)
    run = attractors.simulate(ring, 0.5 * np.cos(theta - 1.0) + 0.01, t_span=60.0, dt=0.1,
                              seed=0)
    line = line_of_fixed_points(ring, run.state.values[-1], n_angles=12)
    check_line(line)
    assert line.attrs["jacobian_method"] == "analytic"
    # Closed form: u = b cos(theta - phi) (W has only the modes cos and sin, so u relaxes
    # into their span), with b from the 1-D self-consistency.
    b = bump_amplitude(48, 3.0)
    fit = line.state.values @ np.exp(1j * theta) * 2 / 48
    np.testing.assert_allclose(np.abs(fit), b, atol=1e-11)
    np.testing.assert_allclose(line.state.values, b * np.cos(theta - np.angle(fit)[:, None]),
                               atol=1e-11)
    # The other modes: -1 (N - 3 modes orthogonal to the cosine pair and the constant),
    # and a decaying amplitude mode.
    assert np.sum(np.abs(as_complex(line).values[0] + 1.0) < 1e-12) >= 48 - 3


def test_line_of_fixed_points_from_find_fixed_points_result():
    ring, theta = cosine_ring(48, 3.0)
    starts = 2.0 * np.cos(theta[None, :] - np.linspace(0, 6, 10)[:, None])
    fp = find_fixed_points(ring, starts)
    assert set(fp.stability.values) == {"marginal"}
    assert np.all(fp.n_zero_modes.values == 1)
    line = line_of_fixed_points(ring, fp, n_angles=4)
    check_line(line)


def test_lattice_pinning_falls_exponentially_with_ring_size():
    """On N units the ring's rotation symmetry is broken by the aliased harmonics of
    order ~N of the rate profile tanh(b cos theta).  tanh has simple poles at
    b cos theta = i pi / 2, a distance a = asinh(pi / (2 b)) from the real axis, so
    those harmonics, and the pinning drift along the ring, fall as exp(-a N).  The
    measured rate over steps of 4 units wobbles with which harmonic (N - 1, N, N + 1)
    dominates: 10 % covers it (measured 0.87 to 0.95 against a = 0.90)."""
    sizes = np.array([12, 16, 20, 24])
    velocity = []
    for n in sizes:
        ring, theta = cosine_ring(n, 3.0)
        b = bump_amplitude(n, 3.0)
        line = line_of_fixed_points(ring, b * np.cos(theta - 0.3), n_angles=16)
        velocity.append(line.attrs["max_ring_velocity"])
        # Still a ring to first order: one near-zero mode, the rest decaying.
        assert np.all(line.spectral_gap.values < -0.5)
    a = np.arcsinh(np.pi / (2 * bump_amplitude(24, 3.0)))
    rates = -np.diff(np.log(velocity)) / np.diff(sizes)
    np.testing.assert_allclose(rates, a, rtol=0.1)


def test_ring_attractor_zero_mode():
    ring_module = pytest.importorskip("attractors.models._ring")
    ring = ring_module.RingAttractor(n_units=64)
    run = attractors.simulate(ring, ring.initial_state(np.random.default_rng(0)),
                              t_span=400.0, dt=0.5, seed=0)
    line = line_of_fixed_points(ring, run.state.values[-1], n_angles=8)
    check_line(line)


def test_ring_errors():
    with pytest.raises(ParameterError, match="angular"):
        line_of_fixed_points(RotatedWells(), [1.0, 0.0])
    ring, _ = cosine_ring(16)
    with pytest.raises(ParameterError, match="flat"):
        line_of_fixed_points(ring, np.zeros(16))
    assert ring_coordinate(ring)[0] == "theta"


def test_finite_differences_in_chunks_and_with_inputs(monkeypatch):
    import attractors.analysis._fixed_points_continuous as search
    import attractors.analysis._stability as module

    rng = np.random.default_rng(8)
    net = RateNetwork(rng.normal(0, 1.5 / np.sqrt(12), (12, 12)), bias=0.1)
    x = rng.normal(size=(5, 12))
    inputs = rng.normal(size=12)
    analytic = jacobian_matrix(net, x, inputs=inputs)
    monkeypatch.setattr(module, "_FD_CHUNK", 2 * 12 * 12)  # two states per call: 3 calls
    numeric = jacobian_matrix(net, x, inputs=inputs, method="finite_differences")
    np.testing.assert_allclose(numeric, analytic, atol=1e-9)  # eps^(2/3) |F'''| ~ 1e-10
    # A constant input moves the fixed points: F(x*) + 0 = 0 with the input included.
    monkeypatch.setattr(search, "_LM_CHUNK", 3 * 12 * 12)  # batches of 3 starts
    fp = find_fixed_points(net, x, inputs=inputs)
    assert fp.sizes["fixed_point"] >= 1 and fp.attrs["n_starts"] == 5
    np.testing.assert_allclose(net.vector_field(0.0, fp.state.values, inputs), 0.0, atol=1e-10)


def test_cann1d_line_of_fixed_points_is_the_analytic_bump():
    """CANN1D (Wu, Hamaguchi & Amari 2008): its stationary bumps are
    u0 exp(-(x - z)^2 / (4 a^2)) at every z, exact on the grid up to the overlap of the
    periodic images, 2 exp(-pi^2 / (2 a^2)) = 5e-9 relative at a = 0.5."""
    from attractors.models import CANN1D

    cann = CANN1D(n_units=64, backend="numpy")  # no kernel compilation in a unit test
    line = line_of_fixed_points(cann, cann.bump_profile(0.3), n_angles=6)
    assert line.attrs["coordinate"] == "x"
    check_line(line)
    positions = line.bump_position.values
    analytic = cann.bump_profile(positions)
    u0 = cann.theory().u0
    np.testing.assert_allclose(line.state.values, analytic, atol=2e-8 * u0)


def test_user_jacobian_and_netcdf_round_trip(tmp_path):
    import xarray as xr

    def jac(t, x, inputs):
        y = x @ ROTATION
        return ROTATION @ (np.eye(2) * (1 - 3 * y**2)[..., None, :]) @ ROTATION.T

    fp = find_fixed_points(RotatedWells(), grid_starts(2.0, 7), jacobian=jac)
    assert fp.attrs["jacobian_method"] == "user" and fp.sizes["fixed_point"] == 9
    reference = find_fixed_points(RotatedWells(), grid_starts(2.0, 7))
    np.testing.assert_allclose(as_complex(fp).values, as_complex(reference).values, atol=1e-8)
    path = tmp_path / "fixed_points.nc"
    fp.to_netcdf(path)  # plain: no complex variable to ask auto_complex for
    with xr.open_dataset(path) as back:
        xr.testing.assert_identical(back.load(), fp)


def spectrum(*values):
    return np.array(values, dtype=np.complex128)


@pytest.mark.parametrize("eigenvalues, label", [
    (spectrum(-1, -2), "stable node"),
    (spectrum(-0.5 + 3j, -0.5 - 3j), "stable focus"),
    (spectrum(2, 0.5), "unstable node"),
    (spectrum(0.1 + 1j, 0.1 - 1j), "unstable focus"),
    (spectrum(1, -1), "saddle"),
    (spectrum(1, -0.2 + 1j, -0.2 - 1j), "saddle-focus"),
    (spectrum(1 + 1j, 1 - 1j, -3), "saddle-focus"),
    (spectrum(2j, -2j), "centre"),
    (spectrum(0, -1, -2), "marginal"),
    (spectrum(0, 0.5), "degenerate"),
])
def test_fixed_point_types_of_linear_systems(eigenvalues, label):
    """x' = A (x - c) with A = V diag(lambda) V^-1 built from known eigenvalues (a real
    block [[s, w], [-w, s]] for each pair s +- i w): find_fixed_points finds c, the
    eigenvalues to round-off, and the type of point a phase-plane course names."""
    rng = np.random.default_rng(len(eigenvalues))
    blocks, k = [], 0
    while k < len(eigenvalues):
        s, w = eigenvalues[k].real, eigenvalues[k].imag
        if w:
            blocks.append(np.array([[s, w], [-w, s]]))
            k += 2
        else:
            blocks.append(np.array([[s]]))
            k += 1
    n = len(eigenvalues)
    D = np.zeros((n, n))
    at = 0
    for block in blocks:
        D[at:at + len(block), at:at + len(block)] = block
        at += len(block)
    V = np.eye(n) + 0.3 * rng.normal(size=(n, n))
    A = V @ D @ np.linalg.inv(V)
    centre = rng.normal(size=n)
    system = LinearSystem(A, -A @ centre)
    fp = find_fixed_points(system, centre + 0.1 * rng.normal(size=(3, n)))
    # A marginal linear system has a line (or plane) of fixed points: the starts may end
    # anywhere on it; every other system has the one point c.
    if label not in ("marginal", "degenerate", "centre"):
        assert fp.sizes["fixed_point"] == 1
        np.testing.assert_allclose(fp.state.values[0], centre, atol=1e-10)
    # cond(V) ~ 3: eig is backward stable, so the eigenvalues are exact to ~1e-15 |A|.
    found = np.sort_complex(as_complex(fp).values[0])
    np.testing.assert_allclose(found, np.sort_complex(eigenvalues), atol=1e-10)
    assert set(fp.point_type.values) == {label}
    assert classify_fixed_point(eigenvalues).item() == label


def test_fixed_point_types_of_maps_and_the_ring_zero_mode():
    # Multipliers: |mu| < 1 decays, > 1 grows; a rotation by 0.3 rad is a focus.
    rotation = 0.5 * np.exp(0.3j)
    assert classify_fixed_point([[0.5, -0.2], [rotation, np.conj(rotation)], [2.0, 0.5]],
                                discrete=True).tolist() == ["stable node", "stable focus",
                                                            "saddle"]
    # The cosine ring's bumps: one zero mode along the ring, every other mode decays.
    ring, theta = cosine_ring(32, 3.0)
    fp = find_fixed_points(ring, 2.0 * np.cos(theta)[None])
    assert fp.point_type.values.tolist() == ["marginal"]
    with pytest.raises(ParameterError, match="eigenvalues"):
        classify_fixed_point(1.0)
