"""Phase portraits: the field, nullclines, fixed points and trajectories against closed forms."""

import numpy as np
import pytest
from scipy.interpolate import RegularGridInterpolator
from scipy.linalg import expm

import attractors
from attractors._validate import ParameterError
from attractors.analysis import as_complex, phase_portrait, plot_phase_portrait
from attractors.models import LinearSystem, RateNetwork


def test_linear_spiral_field_fixed_point_and_trajectories():
    A = np.array([[-0.5, 1.0], [-1.0, -0.5]])  # eigenvalues -0.5 +- i: a stable spiral
    system = LinearSystem(A)
    starts = np.array([[1.0, 0.0], [0.0, -1.5]])
    portrait = phase_portrait(system, (-2, 2), (-1.5, 2.5), n_grid=7, n_fine=31,
                              initial_states=starts, t_span=4.0, dt=0.01, solver="rk4")
    X, Y = np.meshgrid(portrait.x.values, portrait.y.values)
    np.testing.assert_allclose(portrait.velocity_x.values, -0.5 * X + Y, atol=1e-15)
    np.testing.assert_allclose(portrait.velocity_y.values, -X - 0.5 * Y, atol=1e-15)
    assert portrait.sizes["fixed_point"] == 1
    np.testing.assert_allclose(portrait.fixed_point_state.values[0], 0.0, atol=1e-14)
    assert portrait.stability.values[0] == "stable"
    assert portrait.point_type.values[0] == "stable focus"
    np.testing.assert_allclose(np.sort_complex(as_complex(portrait).values[0]),
                               [-0.5 - 1j, -0.5 + 1j], atol=1e-13)
    # RK4 at dt = 0.01: global error ~ (dt)^4 |A|^5 t ~ 1e-8.
    exact = starts @ expm(4.0 * A).T
    np.testing.assert_allclose(portrait.trajectory.values[:, -1], exact, atol=1e-8)
    assert "energy" not in portrait  # non-symmetric A: no Lyapunov function


def test_rate_network_nine_points_lie_on_both_nullclines():
    net = RateNetwork([[2.5, -1.0], [-1.0, 2.5]])
    portrait = phase_portrait(net, (-4, 4), n_grid=9, n_fine=161, t_span=80.0, dt=0.05)
    assert portrait.sizes["fixed_point"] == 9
    assert "energy" in portrait
    grid = (portrait.y_fine.values, portrait.x_fine.values)
    points = portrait.fixed_point_state.values[:, ::-1]  # (y, x) for the interpolator
    # Linear interpolation of a smooth field: error <= h^2 max|F''| / 8 with h = 0.05 and
    # |F''| <= |W| max|tanh''| ~ 2.5 * 0.77: below 2e-3.
    for name in ("dxdt", "dydt"):
        values = RegularGridInterpolator(grid, portrait[name].values)(points)
        assert np.all(np.abs(values) < 2e-3)
    # The stable nodes attract every trajectory started on the ellipse.  The slowest
    # decay, at (u, u) with u = 1.2878, is (a + c) sech^2(u) - 1 = -0.078: after 80 time
    # units a start ~3 away is within 3 exp(-0.078 * 80) ~ 6e-3 (less the time spent
    # in transit), so 1e-2.
    ends = portrait.trajectory.values[:, -1]
    stable = portrait.fixed_point_state.values[portrait.stability.values == "stable"]
    assert np.all(np.min(np.linalg.norm(ends[:, None] - stable[None], axis=-1), axis=1) < 1e-2)


def test_user_written_system_and_plot():
    class Pendulum(attractors.ContinuousSystem):
        """Damped pendulum: x' = y, y' = -sin x - 0.3 y; fixed points (k pi, 0)."""

        n_units = 2

        def vector_field(self, t, x, inputs=None):
            return np.stack([x[..., 1], -np.sin(x[..., 0]) - 0.3 * x[..., 1]], axis=-1)

    portrait = phase_portrait(Pendulum(), (-4, 4), (-2, 2), n_grid=9, n_fine=41, t_span=3.0,
                              dt=0.05)
    # In the window: (-pi, 0) and (pi, 0) saddles (eigenvalues of [[0, 1], [1, -0.3]]),
    # (0, 0) a stable focus (eigenvalues -0.15 +- i sqrt(1 - 0.0225)).
    order = np.argsort(portrait.fixed_point_state.values[:, 0])
    np.testing.assert_allclose(portrait.fixed_point_state.values[order, 0], [-np.pi, 0, np.pi],
                               atol=1e-12)
    assert portrait.stability.values[order].tolist() == ["saddle", "stable", "saddle"]
    assert portrait.point_type.values[order].tolist() == ["saddle", "stable focus", "saddle"]
    np.testing.assert_allclose(portrait.eigenvalue_real.values[order[1]], -0.15, atol=1e-8)
    ax = plot_phase_portrait(portrait, streamlines=False)
    labels = [line.get_label() for line in ax.lines]
    assert "saddle (2)" in labels and "stable focus (1)" in labels
    assert ax.get_xlim() == (-4.0, 4.0)


def test_phase_portrait_errors():
    with pytest.raises(ParameterError, match="two-unit"):
        phase_portrait(LinearSystem(-np.eye(3)))
    with pytest.raises(ParameterError, match="x_range"):
        phase_portrait(LinearSystem(-np.eye(2)), (1.0, -1.0))
    with pytest.raises(ParameterError, match="portrait"):
        plot_phase_portrait({"dxdt": 1})


def test_nullcline_vertices_lie_on_the_nullclines():
    """RateNetwork u' = -u + W tanh(u): the x-nullcline is u0 = 2.5 tanh(u0) - tanh(u1),
    i.e. u1 = artanh(2.5 tanh(u0) - u0); every vertex satisfies F_0 = 0 to the
    accuracy of linear interpolation on the fine grid (h = 0.05: |F| <= h^2 |F''| / 8)."""
    net = RateNetwork([[2.5, -1.0], [-1.0, 2.5]])
    portrait = phase_portrait(net, (-4, 4), n_grid=5, n_fine=161, t_span=1.0, dt=0.1)
    for name, component in (("x_nullcline", 0), ("y_nullcline", 1)):
        vertices = portrait[name].values
        finite = vertices[np.all(np.isfinite(vertices), axis=1)]
        assert len(finite) > 100
        residual = net.vector_field(0.0, finite)[:, component]
        assert np.max(np.abs(residual)) < 2e-3
