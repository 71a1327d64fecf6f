"""CANN1D / CANN2D (Wu, Hamaguchi & Amari 2008) against their closed forms."""

import math

import numpy as np
import pytest

import attractors
from attractors import ParameterError
from attractors.analysis._cann_theory import (
    cann_bump_theory,
    cann_driven_height,
    cann_tracking_lag,
)
from attractors.models._cann import CANN1D, CANN2D
from attractors.testing import check_system

RING = CANN1D(n_units=128)  # a = 0.5, J0 = 4, k = 8.1: k / k_c = 0.25


def _relax(model, x0, t_end, dt=0.1, **kwargs):
    return attractors.simulate(model, x0, t_span=t_end, dt=dt, seed=0, record_every=50, **kwargs)


def test_theory_formulas_1d_and_2d():
    # The closed forms written out once more, independently of the implementation.
    k, a, J0, rho = 8.1, 0.5, 4.0, 256 / (2 * np.pi)
    bump = cann_bump_theory(k, a=a, J0=J0, rho=rho)
    k_c = rho * J0**2 / (8 * math.sqrt(2 * math.pi) * a)
    root = math.sqrt(1 - k / k_c)
    assert bump.k_c == pytest.approx(k_c, rel=1e-14)
    assert bump.u0 == pytest.approx((1 + root) * J0 / (4 * math.sqrt(math.pi) * a * k), rel=1e-14)
    assert bump.r0 == pytest.approx((1 + root) / (2 * math.sqrt(2 * math.pi) * a * k * rho), rel=1e-14)
    assert bump.u0_unstable < bump.u0 and bump.exists
    # The self-consistency conditions u0 = rho J0 r0 / sqrt(2), r0 = u0^2 / (1 + k rho sqrt(2 pi) a u0^2).
    for u0, r0 in ((bump.u0, bump.r0), (bump.u0_unstable, bump.r0_unstable)):
        assert u0 == pytest.approx(rho * J0 * r0 / math.sqrt(2), rel=1e-12)
        assert r0 == pytest.approx(u0**2 / (1 + k * rho * math.sqrt(2 * math.pi) * a * u0**2), rel=1e-12)
    plane = cann_bump_theory(2.0, a=a, J0=J0, rho=rho, dim=2)
    assert plane.k_c == pytest.approx(rho * J0**2 / (32 * math.pi * a**2), rel=1e-14)
    assert plane.u0 == pytest.approx(rho * J0 * plane.r0 / 2, rel=1e-12)
    assert plane.r0 == pytest.approx(plane.u0**2 / (1 + 2 * rho * 2 * math.pi * a**2 * plane.u0**2),
                                     rel=1e-12)
    none = cann_bump_theory(1.01 * k_c, a=a, J0=J0, rho=rho)
    assert not none.exists and none.u0 == 0.0 and none.r0 == 0.0


@pytest.mark.parametrize("k_fraction", [0.25, 0.9])
@pytest.mark.parametrize("model", [
    CANN1D(n_units=128, method="dense"),      # dense product
    CANN1D(n_units=256),                      # Fourier modes, compiled
    CANN1D(n_units=256, backend="numpy"),     # Fourier modes, numpy
    CANN1D(n_units=200, method="fft"),
], ids=["dense-128", "modes-256", "modes-numpy", "fft-200"])
def test_stationary_bump_equals_closed_form(model, k_fraction):
    import dataclasses

    model = dataclasses.replace(model, k=k_fraction * model.critical_inhibition)
    theory = model.theory()
    # Start from a too-low bump of the right shape off the grid; it relaxes to the
    # stationary bump and stays where it started (the translation mode is neutral).
    run = _relax(model, 0.6 * model.bump_profile(0.3), 150.0)
    final = run.state.values[-1]
    position = float(run.bump_position[-1])
    # Tolerance: the closed form is exact on the infinite line; wrapped on the ring
    # it misses only the overlap of neighbouring images in the rates and the
    # normalisation, relative 2 exp(-pi^2 / (2 a^2)) = 5e-9 at a = 0.5 (the grid sums
    # of Gaussians with a / dx >= 10 equal the integrals to far below round-off).  The
    # remaining approach to the fixed point decays as exp(-t/tau) at least over
    # t = 150 tau.  1e-7 of the height leaves a factor 20 of margin.
    np.testing.assert_allclose(final, model.bump_profile(position), rtol=0, atol=1e-7 * theory.u0)
    assert position == pytest.approx(0.3, abs=1e-9)
    rates = model.firing_rate(final)
    assert rates.max() == pytest.approx(
        theory.r0 * np.exp(-np.abs((model.x - position + np.pi) % (2 * np.pi) - np.pi).min() ** 2
                           / (2 * model.a**2)), rel=1e-6)


def test_auto_method_follows_the_measured_crossover():
    from attractors.models._cann import _auto_method

    assert _auto_method(256, 33, compiled=True) == "modes"
    assert _auto_method(2048, 205, compiled=True) == "fft"  # a = 0.1: many modes
    assert _auto_method(256, 33, compiled=False) == "modes"
    assert _auto_method(128, 128, compiled=False) == "dense"
    assert _auto_method(4096, 1000, compiled=False) == "fft"
    assert CANN1D(n_units=512, a=0.05).recurrent_method in ("fft", "dense", "modes")
    assert CANN1D(n_units=64)._fast["matrix"] is None or CANN1D(n_units=64).recurrent_method == "dense"
    assert CANN1D(n_units=64).weights.shape == (64, 64)  # built on demand


def test_bump_forms_from_noise_anywhere():
    # initial_state: independent uniform noise; each trial settles on the analytic bump
    # at a position of its own (same tolerance argument as above).
    run = attractors.simulate(RING, t_span=100.0, dt=0.1, seed=3, n_trials=4, record_every=100)
    positions = run.bump_position.values[-1]
    assert np.ptp(positions) > 1.0  # not one preferred place
    np.testing.assert_allclose(run.state.values[-1], RING.bump_profile(positions), rtol=0,
                               atol=1e-7 * RING.theory().u0)
    # The decoded position is the population vector of analysis.bump_position.
    np.testing.assert_allclose(
        positions, attractors.analysis.bump_position(np.maximum(run.state.values[-1], 0), RING.x),
        rtol=0, atol=1e-12)


def test_bump_decays_above_critical_inhibition():
    k_c = RING.critical_inhibition
    below = CANN1D(n_units=128, k=0.9 * k_c)
    start = 2 * below.bump_profile(0.0)
    # Below k_c the same start settles on the analytic height ...
    held = _relax(below, start, 100.0)
    assert float(held.bump_height[-1]) == pytest.approx(below.theory().u0, rel=1e-7)
    # ... above it only the silent state exists and the bump decays to zero.  At
    # k = 1.05 k_c the decay passes a bottleneck (the ghost of the vanished bump)
    # and then is exponential at rate 1/tau: measured 4e-8 of the start at t = 40
    # and 1e-16 at t = 60; 1e-9 at t = 100 leaves orders of margin.
    for factor in (1.05, 1.5):
        above = CANN1D(n_units=128, k=factor * k_c)
        assert not above.theory().exists
        run = _relax(above, start, 100.0)
        heights = run.bump_height.values
        assert heights[-1] < 1e-9 * heights[0]
        assert np.all(np.diff(heights) <= 0)


@pytest.mark.parametrize("speed", [0.005, -0.005, 0.01])
def test_tracking_lag_of_a_moving_stimulus(speed):
    amplitude = 0.05
    stimulus = RING.moving_stimulus(amplitude, speed, start=0.0)
    run = attractors.simulate(RING, RING.bump_profile(0.0), t_span=120.0, dt=0.1, inputs=stimulus,
                              seed=0, record_every=10)
    times = run.time.values
    lag = np.unwrap(run.bump_position.values) - stimulus.position(times)
    theory = cann_tracking_lag(speed, amplitude, RING.k, a=RING.a, J0=RING.J0, rho=RING.rho)
    # The bump trails the stimulus: lag of opposite sign to the speed.
    assert np.sign(lag[-1]) == -np.sign(speed)
    # The lag relaxes at rate A / (tau u0~) (1 / 6 tau here), so after 120 tau it is
    # steady to < e^-20.
    assert lag[-1] == pytest.approx(lag[-20], abs=1e-7)
    # Tolerance: the one-mode projection neglects the change of the bump's height and
    # shape with the lag, of relative order (s / a)^2 = 0.4 % (s = 0.032, a = 0.5) at
    # |v| = 0.005 and 1.6 % at 0.01; measured 0.06 % and 0.2 %.
    assert lag[-1] == pytest.approx(theory, rel=2 * (theory / RING.a) ** 2)
    # First order: |s| = v tau u0~ / A.
    height = cann_driven_height(amplitude, RING.k, a=RING.a, J0=RING.J0, rho=RING.rho)
    assert lag[-1] == pytest.approx(-speed * RING.tau * height / amplitude, rel=3 * (theory / RING.a) ** 2)


def test_too_fast_stimulus_has_no_steady_lag():
    assert math.isnan(cann_tracking_lag(1.0, 0.05, RING.k, a=RING.a, J0=RING.J0, rho=RING.rho))
    assert cann_tracking_lag(0.0, 0.05, RING.k, a=RING.a, J0=RING.J0, rho=RING.rho) == 0.0


def test_driven_height_is_a_stationary_state():
    # A stimulus centred on the bump keeps the Gaussian shape exactly (same tolerance
    # argument as the free bump).
    amplitude = 0.05
    height = cann_driven_height(amplitude, RING.k, a=RING.a, J0=RING.J0, rho=RING.rho)
    run = _relax(RING, RING.bump_profile(0.0), 100.0, inputs=RING.stimulus(0.0, amplitude))
    assert float(run.bump_height[-1]) == pytest.approx(height, rel=1e-7)


def test_cann2d_bump_equals_closed_form():
    model = CANN2D(n_side=24, k=2.0)
    theory = model.theory()
    assert theory.exists and model.k < theory.k_c
    start = 0.6 * model.bump_profile((0.5, -1.0))
    run = _relax(model, start, 100.0, dt=0.2)
    position = run.bump_position.values[-1]
    np.testing.assert_allclose(position, [0.5, -1.0], atol=1e-9)
    # Same tolerance argument as in 1-D (a / dx = 1.9 here: grid sums of the Gaussians
    # still equal the integrals to ~exp(-2 pi^2 (a/dx)^2) = 1e-31).
    np.testing.assert_allclose(run.state.values[-1], model.bump_profile(position),
                               rtol=0, atol=1e-7 * theory.u0)
    # Above k_c = rho J0^2 / (32 pi a^2) the same start decays to silence.
    above = CANN2D(n_side=24, k=1.2 * theory.k_c)
    decayed = _relax(above, start, 100.0, dt=0.2)
    assert float(decayed.state.max("unit")[-1]) < 1e-9 * start.max()


def test_backends_and_methods_agree():
    rng = np.random.default_rng(1)
    x = rng.uniform(-0.1, 0.3, (20, 256))
    drive = CANN1D(n_units=256).stimulus(rng.uniform(-3, 3, 20), 0.1)
    models = [CANN1D(n_units=256, method=m, backend=b)
              for m in ("modes", "dense", "fft") for b in ("auto", "numpy")]
    reference = CANN1D(n_units=256, method="dense", backend="numpy")
    expected = reference.vector_field(0.0, x, drive)
    # Exact arithmetic agrees; the modes drop kernel coefficients below 1e-15 of the
    # largest, and sums are reassociated: differences are round-off (~1e-15).
    for model in models:
        for trials in (x[:1], x[:3], x):  # the compiled path switches to BLAS at 16 trials
            got = model.vector_field(0.0, trials, drive[: len(trials)])
            np.testing.assert_allclose(got, expected[: len(trials)], rtol=0, atol=1e-13)
        single = model.vector_field(0.0, x[0], drive[0])
        np.testing.assert_allclose(single, expected[0], rtol=0, atol=1e-13)
        np.testing.assert_allclose(model.vector_field(0.0, x[0], None),
                                   reference.vector_field(0.0, x[0], None), rtol=0, atol=1e-13)
    # An odd ring: the compiled kernel folds units i and n - i, with no middle unit.
    odd = CANN1D(n_units=255, method="modes")
    odd_reference = CANN1D(n_units=255, method="dense", backend="numpy")
    for state in (x[0, :255], x[:3, :255]):
        np.testing.assert_allclose(odd.vector_field(0.0, state, None),
                                   odd_reference.vector_field(0.0, state, None), rtol=0, atol=1e-13)
    # Decoding: compiled and numpy observables agree.
    compiled, plain = CANN1D(n_units=256).observables(x), reference.observables(x)
    for name in ("bump_position", "bump_height"):
        np.testing.assert_allclose(compiled[name][1], plain[name][1], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(RING.recurrent_input(np.eye(128)[0]), RING.weights[:, 0], atol=1e-15)
    assert np.allclose(RING.weights, RING.weights.T)


@pytest.mark.parametrize("model", [CANN1D(n_units=256), CANN1D(n_units=32, backend="numpy"),
                                   CANN1D(n_units=40, method="fft"), CANN2D(n_side=10)],
                         ids=["modes", "dense-numpy", "fft", "2d"])
def test_conformance(model):
    check_system(model, dt=0.1)


def test_exponential_euler_and_no_energy():
    run = attractors.simulate(RING, RING.bump_profile(0.0), t_span=5.0, dt=0.1,
                              solver="exponential_euler", seed=0)
    assert "energy" not in run
    assert "no known Lyapunov" in run.attrs["energy"]
    # The start is the stationary bump up to the 5e-9 wrap-around error (see above).
    assert float(run.bump_height[-1]) == pytest.approx(RING.theory().u0, rel=1e-7)


@pytest.mark.parametrize("kwargs, match", [
    ({"n_units": 4}, "n_units"),
    ({"k": -1.0}, "k must be"),
    ({"a": 0.0}, "a must be"),
    ({"a": 4.0}, "a must be at most pi"),
    ({"J0": float("nan")}, "J0"),
    ({"method": "spectral"}, "method must be one of"),
    ({"backend": "jax"}, "backend must be one of"),
    ({"backend": "numba", "method": "fft"}, "no FFT kernel"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        CANN1D(**kwargs)


def test_bad_inputs_to_helpers():
    with pytest.raises(ParameterError, match="dim must be 1 or 2"):
        cann_bump_theory(1.0, a=0.5, J0=4.0, rho=10.0, dim=3)
    with pytest.raises(ParameterError, match="rho"):
        cann_bump_theory(1.0, a=0.5, J0=4.0, rho=0.0)
    with pytest.raises(ParameterError, match="finite"):
        RING.stimulus(np.nan)
    with pytest.raises(ParameterError, match="speed"):
        cann_tracking_lag("fast", 0.1, 1.0, a=0.5, J0=4.0, rho=10.0)
    with pytest.raises(ParameterError, match=r"\(x, y\)"):
        CANN2D(n_side=8).stimulus(0.5)
    with pytest.raises(ParameterError, match="n_side"):
        CANN2D(n_side=2)
    with pytest.raises(ParameterError, match="backend must be one of 'numpy'"):
        CANN2D(backend="numba")


@pytest.mark.parametrize("model", [CANN1D(n_units=64, k=3.0, a=0.4, method="fft"), CANN2D(n_side=8)])
def test_trajectory_rebuilds_the_model(model):
    run = attractors.simulate(model, t_span=1.0, dt=0.1, seed=0)
    rebuilt = type(model)(**attractors.parameters(run))
    assert rebuilt.params == model.params
    np.testing.assert_array_equal(rebuilt.vector_field(0.0, run.state.values[-1]),
                                  model.vector_field(0.0, run.state.values[-1]))


@pytest.mark.parametrize("model", [CANN1D(n_units=48), CANN2D(n_side=8)], ids=["1d", "2d"])
def test_analytic_jacobian_matches_central_differences(model):
    # A bump plus noise, with no potential within 1e-3 of the kink at u = 0: central
    # differences with h = 1e-6 then have error O(h^2 |f'''|) ~ 1e-12 relative, far
    # below the 1e-7 allowed (which also covers their round-off, ~eps / h ~ 1e-10).
    rng = np.random.default_rng(0)
    u = model.bump_profile(0.3 if model.dim == 1 else (0.3, -1.0)).reshape(-1)
    u = u + 0.05 * rng.standard_normal(model.n_units)
    u[np.abs(u) < 1e-3] = 1e-3
    u = np.stack([u, u[::-1].copy()])  # a batch of two states
    analytic = model.jacobian(0.0, u)
    h = 1e-6
    numeric = np.empty_like(analytic)
    for column in range(model.n_units):
        step = np.zeros(model.n_units)
        step[column] = h
        numeric[..., :, column] = (model.vector_field(0.0, u + step)
                                 - model.vector_field(0.0, u - step)) / (2 * h)
    scale = np.abs(analytic).max()
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=1e-7 * scale)


def test_cann_is_immutable_and_read_only():
    # Issue 15 items 14 and 21: weights and jacobian used to store matrices in the
    # model's cache dict; now nothing changes after construction.
    cann = CANN1D(n_units=64, method="modes")
    before = {k: (v if not hasattr(v, "keys") else dict(v)) for k, v in cann.__dict__.items()}
    u = cann.bump_profile(0.3)
    jac = cann.jacobian(0.0, u)
    np.testing.assert_allclose(cann.weights, cann.recurrent_input(np.eye(64)), atol=1e-12)
    assert cann.__dict__.keys() == before.keys() and dict(cann._fast) == before["_fast"]
    assert jac.shape == (64, 64)
    with pytest.raises(ValueError, match="read-only"):
        cann.x[0] = 1.0
    with pytest.raises(TypeError):
        cann._fast["matrix"] = None
    import pickle

    clone = pickle.loads(pickle.dumps(cann))
    np.testing.assert_array_equal(clone.vector_field(0.0, u), cann.vector_field(0.0, u))
    assert not clone.x.flags.writeable


def test_a_huge_cann_is_refused_with_its_size_before_allocating():
    # Issue 15 item 18: CANN1D(n_units=10**8) died in numpy's allocator.
    with pytest.raises(ParameterError, match=r"n_units=100,000,000 needs about .* GiB"):
        CANN1D(n_units=10**8)
    with pytest.raises(ParameterError, match=r"n_side=1,000,000 needs about"):
        CANN2D(n_side=10**6)


def test_cann_observables_carry_units():
    cann = CANN1D(n_units=32)
    run = attractors.simulate(cann, cann.bump_profile(0.0), t_span=1.0, dt=0.5)
    assert run["bump_position"].attrs["units"] == "rad"
    assert run["bump_height"].attrs["long_name"].startswith("bump height")
