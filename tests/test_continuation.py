"""Continuation and bifurcations: closed-form folds, pitchfork, Hopf, S-curves, bad input."""

import dataclasses
import math

import numpy as np
import pytest

import attractors
from attractors import ParameterError
from attractors.analysis import ContinuationError, cann_bump_theory, continuation, switch_branch


@dataclasses.dataclass(frozen=True)
class TanhUnit(attractors.ContinuousSystem):
    """x' = -x + w tanh(x): a pitchfork at w = 1, branches w = x / tanh(x)."""

    w: float = 0.5
    label: str = "unit"
    n_units = 1

    def vector_field(self, t, x, inputs=None):
        return -x + self.w * np.tanh(x)


@dataclasses.dataclass(frozen=True)
class HopfNormalForm(attractors.ContinuousSystem):
    """The Hopf normal form: eigenvalues mu +- i omega at the origin."""

    mu: float = -1.0
    omega: float = 2.0
    n_units = 2

    def vector_field(self, t, z, inputs=None):
        x, y = z[..., 0], z[..., 1]
        r2 = x * x + y * y
        return np.stack([self.mu * x - self.omega * y - x * r2,
                         self.omega * x + self.mu * y - y * r2], axis=-1)


@dataclasses.dataclass(frozen=True)
class SCurve(attractors.ContinuousSystem):
    """x' = p + x - x^3: folds at p = +-2 / (3 sqrt 3), x = -+1 / sqrt 3."""

    p: float = 0.0
    n_units = 1

    def vector_field(self, t, x, inputs=None):
        return self.p + x - x**3


P_FOLD = 2.0 / (3.0 * math.sqrt(3.0))


@pytest.fixture(scope="module")
def cann_branch():
    cann = attractors.CANN1D(n_units=128, k=1.0)
    k_c = cann.critical_inhibition
    start = 0.1 * k_c
    model = dataclasses.replace(cann, k=start)
    return model, continuation(model, "k", start, 1.5 * k_c, x0=model.bump_profile(0.0))


def test_cann_fold_at_closed_form_critical_inhibition(cann_branch):
    model, branch = cann_branch
    folds = branch.special_parameter[branch.special_type == "fold"].values
    assert folds.size == 1
    # The discrete ring reproduces the continuum k_c up to the Gaussian tails
    # beyond +-pi (3e-9 relative at a = 0.5) and spectrally small grid
    # errors; the fold is located to 1e-10 in arclength, where p is quadratic.
    assert folds[0] / model.critical_inhibition == pytest.approx(1.0, rel=1e-6)
    assert branch.attrs["status"] == "reached the end of the parameter interval"
    assert branch.attrs["phase_condition"].startswith("auto: zero mode")
    # Through the fold and back to the start on the unstable side.
    assert branch.parameter.values[-1] == pytest.approx(model.k, rel=1e-12)


def test_cann_bump_heights_follow_stable_and_unstable_closed_forms(cann_branch):
    model, branch = cann_branch
    heights = branch.state.max("unit").values
    stable = branch.stable.values.astype(bool)
    assert stable[0] and not stable[-1]
    assert set(branch.n_unstable.values) == {0, 1}  # the saddle has one unstable mode
    theory = [cann_bump_theory(k, a=model.a, J0=model.J0, rho=model.rho) for k in branch.parameter.values]
    expected = np.where(stable, [t.u0 for t in theory], [t.u0_unstable for t in theory])
    # bump_profile is exact to 5e-9 relative (tails and image overlap); the grid
    # max equals the peak as the bump is centred on a unit.  Points within 1e-3
    # of k_c are left out: there the two closed forms meet as sqrt(1 - k/k_c)
    # and the label of the point is decided by the sign of one small eigenvalue.
    far = np.abs(branch.parameter.values / model.critical_inhibition - 1) > 1e-3
    assert far.sum() > 20
    np.testing.assert_allclose(heights[far], expected[far], rtol=1e-6)


def test_pitchfork_found_at_one_and_both_branches_followed():
    trivial = continuation(TanhUnit(), "w", 0.5, 2.0)
    kinds = list(trivial.special_type.values)
    assert kinds == ["endpoint", "branch_point", "endpoint"]
    # The test function (the eigenvalue w - 1) is linear along the trivial
    # branch, so the located value is exact to Newton's and round-off error.
    assert trivial.special_parameter.values[1] == pytest.approx(1.0, abs=1e-9)
    assert trivial.n_unstable.values[0] == 0 and trivial.n_unstable.values[-1] == 1
    upper, lower = switch_branch(TanhUnit(), trivial, 0.5, 2.0)
    for half, sign in ((upper, 1.0), (lower, -1.0)):
        x = half.state.values[:, 0]
        assert np.all(np.sign(x) == sign)
        # Every point solves w = x / tanh(x) to Newton's tolerance (1e-10 in F).
        np.testing.assert_allclose(half.parameter.values, x / np.tanh(x), atol=1e-9)
        assert half.parameter.values[-1] == pytest.approx(2.0, abs=1e-12)
        assert half.stable.values.all()  # the supercritical pitchfork's new branches are stable


def test_hopf_normal_form_at_zero_with_frequency_omega():
    branch = continuation(HopfNormalForm(omega=2.0), "mu", -1.0, 1.0)
    hopf = branch.special_type.values == "hopf"
    assert hopf.sum() == 1
    # Re(lambda) = mu along the branch: linear, so located to round-off.
    assert branch.special_parameter.values[hopf][0] == pytest.approx(0.0, abs=1e-9)
    assert branch.special_frequency.values[hopf][0] == pytest.approx(2.0, rel=1e-12)
    assert set(branch.n_unstable.values) == {0, 2}


def test_s_curve_turns_at_fold_and_returns_to_start_on_other_side():
    branch = continuation(SCurve(), "p", 0.0, 1.0, x0=[-1.0])
    assert list(branch.special_type.values) == ["endpoint", "fold", "endpoint"]
    assert branch.special_parameter.values[1] == pytest.approx(P_FOLD, rel=1e-9)
    assert branch.special_state.values[1, 0] == pytest.approx(-1 / math.sqrt(3), rel=1e-4)
    # Back at p = 0 on the middle (unstable) branch, x = 0.
    assert branch.parameter.values[-1] == pytest.approx(0.0, abs=1e-12)
    assert branch.state.values[-1, 0] == pytest.approx(0.0, abs=1e-9)
    assert branch.stable.values[0] == 1 and branch.stable.values[-1] == 0


def test_s_curve_both_folds_lead_to_upper_branch():
    branch = continuation(SCurve(), "p", -1.0, 1.0, x0=[-1.3])
    kinds = list(branch.special_type.values)
    assert kinds == ["endpoint", "fold", "fold", "endpoint"]
    np.testing.assert_allclose(branch.special_parameter.values[1:3], [P_FOLD, -P_FOLD], rtol=1e-9)
    x = branch.state.values[-1, 0]
    assert 1.0 + x - x**3 == pytest.approx(0.0, abs=1e-10) and x > 1


def test_branch_saves_to_netcdf(tmp_path):
    import xarray as xr

    branch = continuation(SCurve(), "p", 0.0, 1.0, x0=[-1.0])
    branch.to_netcdf(tmp_path / "branch.nc")
    back = xr.open_dataset(tmp_path / "branch.nc")
    assert list(back.special_type.values) == list(branch.special_type.values)
    np.testing.assert_array_equal(back.state.values, branch.state.values)
    assert back.attrs["parameter"] == "p"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"parameter": "gain"}, "parameter must name a field of TanhUnit"),
    ({"parameter": "label"}, "is not a real number"),
    ({"start": 1.0, "stop": 1.0}, "stop must differ from start"),
    ({"ds": 0.5}, "ds_min <= ds <= ds_max"),
    ({"x0": [0.0, 0.0]}, "x0 must have shape"),
    ({"phase_condition": "pin"}, "phase_condition must be"),
])
def test_bad_input_named(kwargs, message):
    arguments = {"parameter": "w", "start": 0.5, "stop": 2.0} | kwargs
    with pytest.raises(ParameterError, match=message):
        continuation(TanhUnit(), arguments.pop("parameter"), arguments.pop("start"),
                     arguments.pop("stop"), **arguments)


def test_start_far_from_equilibrium_reports_residual():
    with pytest.raises(ContinuationError, match=r"not near an equilibrium.*residual max\|F\|"):
        continuation(SCurve(), "p", 0.0, 1.0, x0=[50.0], max_iter=3)


def test_singular_start_without_phase_condition():
    with pytest.raises(ContinuationError, match="singular at the start"):
        continuation(TanhUnit(w=1.0), "w", 1.0, 2.0, phase_condition="none")


def test_switch_branch_needs_a_branch_point():
    branch = continuation(SCurve(), "p", 0.0, 1.0, x0=[-1.0])
    with pytest.raises(ParameterError, match="no special point of type 'branch_point'"):
        switch_branch(SCurve(), branch, 0.0, 1.0)


def test_bifurcation_diagram_dashes_unstable_and_marks_specials():
    import matplotlib

    matplotlib.use("Agg")
    from attractors.plot import plot_bifurcation_diagram

    branch = continuation(SCurve(), "p", -1.0, 1.0, x0=[-1.3])
    trivial = continuation(TanhUnit(), "w", 0.5, 2.0)
    ax = plot_bifurcation_diagram(branch, y=0, labels=["S-curve"])
    styles = {line.get_linestyle() for line in ax.lines if line.get_label() == "S-curve" or
              line.get_marker() in ("None", None, "")}
    assert styles == {"-", "--"}
    assert "fold" in ax.get_legend_handles_labels()[1]
    assert ax.get_xlabel() == "p"
    ax = plot_bifurcation_diagram([trivial, *switch_branch(TanhUnit(), trivial, 0.5, 2.0)], y="norm")
    assert "branch point" in ax.get_legend_handles_labels()[1]
    with pytest.raises(ParameterError, match="y must be"):
        plot_bifurcation_diagram(branch, y="nothing")


def test_command_line_continue(tmp_path, capsys):
    import xarray as xr

    from attractors.cli import main

    out = tmp_path / "branch.nc"
    assert main(["continue", "cann1d", "--param", "k", "--from", "1", "--to", "30",
                 "--n-units", "32", "--out", str(out), "--plot", str(tmp_path / "b.png")]) == 0
    assert "fold at k = " in capsys.readouterr().out
    branch = xr.open_dataset(out)
    k_c = attractors.CANN1D(n_units=32).critical_inhibition
    fold = float(branch.special_parameter[branch.special_type == "fold"][0])
    assert fold / k_c == pytest.approx(1.0, rel=1e-6)
    assert (tmp_path / "b.png").stat().st_size > 0
    assert main(["continue", "cann1d", "--param", "gain", "--from", "1", "--to", "2",
                 "--out", str(tmp_path / "x.nc")]) == 2
    assert "--param 'gain' is not a parameter of cann1d" in capsys.readouterr().err
    assert main(["continue", "cann1d", "--param", "k", "--from", "1", "--to", "2",
                 "--out", str(tmp_path / "missing" / "x.nc")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_ring_zero_mode_handled_by_phase_condition():
    ring = attractors.RingAttractor(n_units=64)  # on 32 units the lattice pins the bump
    bump = ring.stationary_state()
    # tau only rescales time: the bump is an equilibrium for every tau, and the
    # rotation mode stays at zero.  Without a phase condition G_z is singular.
    with pytest.raises(ContinuationError, match="singular at the start"):
        continuation(ring, "tau", 10.0, 20.0, x0=bump, phase_condition="none")
    branch = continuation(ring, "tau", 10.0, 20.0, x0=bump)
    assert branch.attrs["phase_condition"].startswith("auto: zero mode")
    assert list(branch.special_type.values) == ["endpoint", "endpoint"]
    # Newton's tolerance 1e-10 on F, with the slowest other mode ~1e-2 / ms: states within ~1e-8.
    assert np.max(np.abs(branch.state.values - bump)) < 1e-8
    assert branch.stable.values.all()  # the zero mode is not counted as unstable


@dataclasses.dataclass(frozen=True)
class CuspPair(attractors.ContinuousSystem):
    """x' = p + r x - x^3 and a second, coupled unit y' = x - y: folds on 27 p^2 = 4 r^3."""

    p: float = 0.0
    r: float = 1.0
    n_units = 2

    def vector_field(self, t, z, inputs=None):
        x, y = z[..., 0], z[..., 1]
        return np.stack([self.p + self.r * x - x**3, x - y], axis=-1)


def test_fold_curve_on_the_cusp_and_through_it():
    from attractors.analysis import fold_curve

    branch = continuation(CuspPair(), "p", 0.0, 1.0, x0=[-1.0, -1.0])
    curve = fold_curve(CuspPair(), branch, "r", 3.0)
    p, r = curve.parameter.values, curve.parameter2.values
    # Every point solves the extended system to Newton's tolerance 1e-10, so
    # 27 p^2 - 4 r^3 (derivatives of order 10 up to r = 3) is zero to ~1e-8.
    np.testing.assert_allclose(27 * p**2, 4 * r**3, atol=1e-8)
    assert r[-1] == pytest.approx(3.0, abs=1e-12) and curve.attrs["status"].startswith("reached")
    np.testing.assert_allclose(curve.state.values[:, 0], -np.sqrt(r / 3), atol=1e-8)
    # Towards r = 0 the curve is smooth in x (r = 3 x^2, p = -2 x^3): it turns at the
    # cusp and comes back to r = 1 on the other fold.
    back = fold_curve(CuspPair(), branch, "r", 0.0)
    assert back.parameter2.values.min() < 1e-2
    assert back.parameter.values[-1] == pytest.approx(-P_FOLD, rel=1e-9)
    assert back.parameter2.values[-1] == pytest.approx(1.0, abs=1e-12)


def test_fold_curve_refuses_missing_folds():
    from attractors.analysis import fold_curve

    trivial = continuation(TanhUnit(), "w", 0.5, 2.0)
    with pytest.raises(ParameterError, match="parameter2 must differ"):
        fold_curve(TanhUnit(), trivial, "w", 2.0)
    s_curve = continuation(SCurve(), "p", 0.0, 1.0, x0=[-1.0])
    with pytest.raises(ParameterError, match="parameter2 must name a field of SCurve"):
        fold_curve(SCurve(), s_curve, "r", 2.0)
    pitchfork = continuation(CuspPair(), "p", 0.5, 1.0, x0=[1.5, 1.5])
    with pytest.raises(ParameterError, match="no special point of type 'fold'"):
        fold_curve(CuspPair(), pitchfork, "r", 2.0)


@pytest.mark.parametrize("stop", [0.35, 0.6])
def test_equivariant_cann_fold_follows_the_closed_form_in_the_connection_width(cann_branch, stop):
    from attractors.analysis import fold_curve

    model, branch = cann_branch
    curve = fold_curve(model, branch, "a", stop)
    a, k = curve.parameter2.values, curve.parameter.values
    assert curve.attrs["status"] == "reached the end of the parameter interval"
    assert a[-1] == pytest.approx(stop, abs=1e-12)
    assert curve.attrs["phase_condition"].startswith("pinned")
    # k_c = rho J0^2 / (8 sqrt(2 pi) a) on the infinite line.  On the ring the
    # grid sums of these Gaussians (widths a and sqrt(2) a >= 10 grid steps) are
    # exact to round-off (errors ~exp(-2 pi^2 (a / dx)^2)); what differs is the
    # part of the bump beyond +-pi, relative 2 exp(-pi^2 / (2 a^2)) (the bump
    # profile's own bound: 5e-9 at a = 0.5, 2.3e-6 at a = 0.6), plus Newton's
    # 1e-10.  Allow 1.5 times that bound and 1e-9.
    theory = model.rho * model.J0**2 / (8 * math.sqrt(2 * math.pi) * a)
    bound = 1.5 * 2 * np.exp(-np.pi**2 / (2 * a**2)) + 1e-9
    assert np.all(np.abs(k / theory - 1) <= bound)
    # The state is the unstable-and-stable bump merging at the fold: u0 = J0 / (4 sqrt(pi) a k_c).
    # The same tails bound it (the grid holds x = 0, where the bump is centred).
    heights = curve.state.max("unit").values
    assert np.all(np.abs(heights / (model.J0 / (4 * math.sqrt(math.pi) * a * theory)) - 1) <= bound)


@dataclasses.dataclass(frozen=True)
class Brusselator(attractors.ContinuousSystem):
    """x' = A - (B + 1) x + x^2 y, y' = B x - x^2 y: Hopf at B = 1 + A^2 with omega = A."""

    A: float = 1.0
    B: float = 1.5
    n_units = 2

    def vector_field(self, t, z, inputs=None):
        x, y = z[..., 0], z[..., 1]
        return np.stack([self.A - (self.B + 1) * x + x * x * y, self.B * x - x * x * y], axis=-1)


def test_hopf_curve_of_the_brusselator():
    from attractors.analysis import hopf_curve

    branch = continuation(Brusselator(), "B", 1.5, 3.0, x0=[1.0, 1.5])
    hopf = branch.special_type.values == "hopf"
    # Along the branch x = A, y = B / A; Re(lambda) = (B - 1 - A^2) / 2 is linear in B.
    assert branch.special_parameter.values[hopf][0] == pytest.approx(2.0, abs=1e-9)
    assert branch.special_frequency.values[hopf][0] == pytest.approx(1.0, rel=1e-9)
    for stop in (2.5, 0.4):
        curve = hopf_curve(Brusselator(), branch, "A", stop)
        A, B = curve.parameter2.values, curve.parameter.values
        assert curve.attrs["status"] == "reached the end of the parameter interval"
        assert A[-1] == pytest.approx(stop, abs=1e-12)
        # Newton's tolerance 1e-10 on the augmented system; B and omega of order 1-7.
        np.testing.assert_allclose(B, 1 + A**2, atol=1e-8)
        np.testing.assert_allclose(curve.frequency.values, A, atol=1e-8)
        np.testing.assert_allclose(curve.state.values, np.stack([A, B / A], axis=1), atol=1e-8)


@dataclasses.dataclass(frozen=True)
class DriftingBrusselator(attractors.ContinuousSystem):
    """The Brusselator and a drift w' = x - A: a line of equilibria (A, B / A, w) for every w."""

    A: float = 1.0
    B: float = 1.5
    n_units = 3

    def vector_field(self, t, z, inputs=None):
        x, y = z[..., 0], z[..., 1]
        return np.stack([self.A - (self.B + 1) * x + x * x * y, self.B * x - x * x * y,
                         x - self.A], axis=-1)


def test_hopf_curve_of_an_equivariant_model_is_pinned():
    from attractors.analysis import hopf_curve

    # F does not depend on w (a translation symmetry): a zero eigenvalue at every equilibrium.
    branch = continuation(DriftingBrusselator(), "B", 1.5, 3.0, x0=[1.0, 1.5, 0.7])
    assert branch.attrs["phase_condition"].startswith("auto: zero mode")
    for stop in (2.5, 0.4):
        curve = hopf_curve(DriftingBrusselator(), branch, "A", stop)
        A, B = curve.parameter2.values, curve.parameter.values
        assert curve.attrs["status"] == "reached the end of the parameter interval"
        assert curve.attrs["phase_condition"].startswith("pinned")
        # As for the plain Brusselator (Newton's tol 1e-10); w stays where it was pinned.
        np.testing.assert_allclose(B, 1 + A**2, atol=1e-8)
        np.testing.assert_allclose(curve.frequency.values, A, atol=1e-8)
        np.testing.assert_allclose(curve.state.values, np.stack([A, B / A, np.full_like(A, 0.7)], 1),
                                   atol=1e-8)


def test_equivariant_cann_fold_curve_at_256_units():
    from attractors.analysis import fold_curve

    cann = attractors.CANN1D(n_units=256)
    model = dataclasses.replace(cann, k=0.5 * cann.critical_inhibition)
    branch = continuation(model, "k", model.k, 1.5 * cann.critical_inhibition,
                          x0=model.bump_profile(0.0), stability=False)
    curve = fold_curve(model, branch, "a", 0.35)
    a, k = curve.parameter2.values, curve.parameter.values
    assert curve.attrs["status"] == "reached the end of the parameter interval"
    # Units from the field's metadata where the model gives them (a in radians).
    assert curve.parameter2.attrs["units"] == "rad"
    assert curve.parameter.attrs["units"] == "model parameter units"
    # As at 128 units: the tails beyond +-pi (2 exp(-pi^2 / (2 a^2)) <= 5.4e-9 for
    # a <= 0.5) bound the error; 256 units resolve the Gaussians to round-off.
    theory = model.rho * model.J0**2 / (8 * math.sqrt(2 * math.pi) * a)
    assert np.all(np.abs(k / theory - 1) <= 1.5 * 2 * np.exp(-np.pi**2 / (2 * a**2)) + 1e-9)


def test_low_rank_jacobian_eigenvalues_and_bordered_solve_match_dense():
    from attractors.analysis._arclength import _Branch
    from attractors.analysis._continuation import _zero_mode

    cann = attractors.CANN1D(n_units=256, k=3.0)  # K = 33 modes: 4 K < N, the low-rank path
    x = cann.bump_profile(0.4) + 1e-3 * np.random.default_rng(0).standard_normal(256)
    c, u, v = cann._jacobian_low_rank(x)
    dense = cann.jacobian(0.0, x)
    assert u.shape[1] == 33
    # -I/tau + U V^T is the analytic Jacobian itself (to round-off of its entries ~1).
    np.testing.assert_allclose(c * np.eye(256) + u @ v.T, dense, atol=1e-13)
    phase, _ = _zero_mode(cann, "auto", cann.bump_profile(0.4), cann.k, "k", "auto")
    branch = _Branch(cann, "k", 3.0, 9.0, jacobian="auto", phase=phase, state_scale=0.1)
    branch.x_ref = x
    values = np.sort_complex(branch.eigenvalues(x, 3.0))
    np.testing.assert_allclose(values, np.sort_complex(np.linalg.eigvals(dense)), atol=1e-10)
    z = np.concatenate([x / branch.scale, [0.0, 0.0]])
    row = np.random.default_rng(1).standard_normal(branch.size)
    solver, rhs = branch._low_rank(z, row), np.random.default_rng(2).standard_normal(branch.size)
    full = branch.jacobian(z, row=row)
    # Woodbury and the Schur complement are exact: agreement to round-off times the condition.
    np.testing.assert_allclose(full @ solver.solve(rhs), rhs, atol=1e-9)
