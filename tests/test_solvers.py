"""Solvers against closed forms: convergence orders, adaptive accuracy, OU statistics."""

import numpy as np
import pytest

import attractors
from attractors import solvers
from attractors.models import LinearSystem, OrnsteinUhlenbeck

# A damped spiral with an offset: non-symmetric, non-normal, exact solution by expm.
SPIRAL = LinearSystem([[-1.0, 2.0], [-2.0, -1.5]], [0.3, -0.2])
X0 = np.array([1.0, 0.5])


def final_error(solver, dt, t_end=1.0):
    run = attractors.simulate(SPIRAL, X0, t_span=t_end, dt=dt, solver=solver,
                              record_every=10**6, seed=0)
    exact = SPIRAL.exact_solution(X0, [t_end])[0]
    return np.max(np.abs(run["state"].values[-1] - exact))


@pytest.mark.parametrize(
    "solver, coarsest_dt",
    [("euler", 0.02), ("heun", 0.04), ("rk4", 0.2), ("exponential_euler", 0.02),
     (solvers.EulerMaruyama(noise=0.0), 0.02)],
    ids=["euler", "heun", "rk4", "exponential_euler", "euler_maruyama_noiseless"],
)
def test_empirical_order_matches_nominal(solver, coarsest_dt):
    nominal = solvers.get_solver(solver).order
    dts = coarsest_dt / 2.0 ** np.arange(4)
    errors = np.array([final_error(solver, dt) for dt in dts])
    observed = np.log2(errors[:-1] / errors[1:])
    # The observed order is p + O(h): the excess halves with each halving of dt
    # (measured 0.02, 0.01, 0.005 for Euler), so at the finest pair it is below
    # 0.01 and a 0.05 band leaves a 5x margin while rejecting any wrong order.
    assert abs(observed[-1] - nominal) < 0.05, (observed, errors)
    assert np.all(np.diff(np.log(errors)) < 0), "error must fall as dt falls"


@pytest.mark.parametrize("method", solvers.Adaptive.methods)
def test_adaptive_matches_exact_solution_within_tolerance(method):
    rtol, atol = 1e-8, 1e-10
    run = attractors.simulate(SPIRAL, X0, t_span=2.0, dt=0.1,
                              solver=solvers.Adaptive(method, rtol=rtol, atol=atol), seed=0)
    exact = SPIRAL.exact_solution(X0, run["time"].values)
    assert run["time"].values == pytest.approx(np.arange(21) * 0.1, abs=1e-12)
    scaled = np.abs(run["state"].values - exact) / (rtol * np.abs(exact) + atol)
    # solve_ivp controls the *local* error per step; the global error is their
    # accumulation over the tens of accepted steps these methods take on [0, 2]
    # (measured max 76x, BDF), so 200x the per-step tolerance bounds it.
    assert scaled.max() < 200


@pytest.mark.parametrize("method", ["RK45", "BDF"])
def test_adaptive_error_shrinks_with_tolerance(method):
    errors = []
    for rtol in (1e-5, 1e-9):
        run = attractors.simulate(SPIRAL, X0, t_span=2.0, dt=0.5,
                                  solver=solvers.Adaptive(method, rtol=rtol, atol=rtol * 1e-2))
        errors.append(np.abs(run["state"].values - SPIRAL.exact_solution(X0, run["time"].values)).max())
    # Tightening the tolerance 10^4-fold must buy at least a 100-fold smaller error.
    assert errors[1] < errors[0] / 100


def test_adaptive_batch_uses_block_jacobian():
    matrices = LinearSystem([[-50.0, 1.0], [1.0, -1.0]])  # stiff, symmetric
    x0 = np.array([[1.0, 1.0], [0.5, -1.0], [-2.0, 0.3]])
    run = attractors.simulate(matrices, x0, t_span=1.0, dt=0.25, solver="BDF", seed=0)
    exact = matrices.exact_solution(x0, run["time"].values)
    np.testing.assert_allclose(run["state"].values, exact, rtol=1e-3, atol=1e-7)


def test_euler_maruyama_ornstein_uhlenbeck_stationary_variance():
    tau, noise, dt, n_trials = 1.0, 1.0, 0.01, 4000
    model = OrnsteinUhlenbeck(tau=tau)
    run = attractors.simulate(model, np.zeros((n_trials, 1)), t_span=8.0, dt=dt,
                              solver=solvers.EulerMaruyama(noise), record_every=400, seed=7)
    final = run["state"].isel(time=-1).values.ravel()
    # After 8 tau the memory of x0 = 0 is e^-16: the samples are stationary.
    expected = model.stationary_variance(noise, dt)  # the Euler-Maruyama chain's exact value
    assert expected == pytest.approx(noise**2 * tau / 2, rel=0.01)  # vs the continuum, O(dt)
    # Sampling error of a variance from n Gaussian samples: var * sqrt(2 / (n - 1)).
    standard_error = expected * np.sqrt(2 / (n_trials - 1))
    assert abs(final.var(ddof=1) - expected) < 4 * standard_error
    assert abs(final.mean()) < 4 * np.sqrt(expected / n_trials)


def test_euler_maruyama_noise_per_unit_and_seeded():
    model = OrnsteinUhlenbeck(n_units=3)
    solver = solvers.EulerMaruyama([0.0, 1.0, 2.0])
    first = attractors.simulate(model, np.zeros(3), t_span=1.0, dt=0.01, solver=solver, seed=3)
    second = attractors.simulate(model, np.zeros(3), t_span=1.0, dt=0.01, solver=solver, seed=3)
    other = attractors.simulate(model, np.zeros(3), t_span=1.0, dt=0.01, solver=solver, seed=4)
    assert np.array_equal(first["state"].values, second["state"].values)
    assert not np.array_equal(first["state"].values, other["state"].values)
    assert np.all(first["state"].values[:, 0] == 0)  # zero noise on unit 0 leaves it at rest
    assert first.attrs["solver"] == "euler_maruyama"


def test_exponential_euler_is_exact_for_pure_leak():
    model = OrnsteinUhlenbeck(tau=2.0)
    run = attractors.simulate(model, [1.0], t_span=10.0, dt=2.5, solver="exponential_euler")
    np.testing.assert_allclose(run["state"].values[:, 0], np.exp(-run["time"].values / 2.0), rtol=1e-14)


def test_butcher_tableau_user_method_midpoint():
    midpoint = solvers.ExplicitRungeKutta(
        solvers.ButcherTableau([[0, 0], [0.5, 0]], [0, 1], [0, 0.5], order=2))
    errors = [final_error(midpoint, dt) for dt in (0.02, 0.01)]
    assert np.log2(errors[0] / errors[1]) == pytest.approx(2, abs=0.05)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"a": [[0, 0], [1, 0]], "b": [0.5, 0.6], "c": [0, 1]}, "sum to 1"),
     ({"a": [[0, 1], [1, 0]], "b": [0.5, 0.5], "c": [0, 1]}, "strictly lower"),
     ({"a": [[0]], "b": [0.5, 0.5], "c": [0, 1]}, "needs a of shape")],
)
def test_butcher_tableau_validation(kwargs, message):
    with pytest.raises(attractors.ParameterError, match=message):
        solvers.ButcherTableau(order=1, **kwargs)


def test_get_solver_names_and_errors():
    assert isinstance(solvers.get_solver("RK4"), solvers.RK4)
    assert isinstance(solvers.get_solver(solvers.Heun), solvers.Heun)
    assert solvers.get_solver("dop853").method == "DOP853"
    with pytest.raises(attractors.ParameterError, match="solver must be one of .*'euler'.*got 'rk5'"):
        solvers.get_solver("rk5")
    with pytest.raises(attractors.ParameterError, match="noise must be"):
        solvers.EulerMaruyama(-1.0)
    with pytest.raises(attractors.ParameterError, match="rtol must be a finite number > 0"):
        solvers.Adaptive("RK45", rtol=0)
    with pytest.raises(attractors.ParameterError, match="method must be one of"):
        solvers.Adaptive("Euler")


def test_exponential_euler_needs_leak_rate(bistable):
    with pytest.raises(NotImplementedError, match="Bistable does not declare a linear leak rate"):
        attractors.simulate(bistable, [0.1, 0.2], t_span=1.0, dt=0.1, solver="exponential_euler")
