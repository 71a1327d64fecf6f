"""Explicit run state: init_run/advance for maps, init/step for solvers, one model in many threads."""

import dataclasses
import threading

import numpy as np
import pytest

import attractors
from attractors import solvers
from attractors.models import LinearSystem


class CursorMap(attractors.DiscreteSystem):
    """Flips one unit per step, the units in a random order drawn once per run.

    The order and the cursor are run state: ``update()`` alone (stateless) always
    starts a fresh order, so only ``advance()`` walks through one order.
    """

    n_units = 5

    def init_run(self, x0, rng):
        return {"order": rng.permutation(self.n_units), "cursor": 0}

    def advance(self, x, rng, inputs, run_state):
        unit = run_state["order"][run_state["cursor"] % self.n_units]
        x = x.copy()
        x[..., unit] *= -1
        return x, {**run_state, "cursor": run_state["cursor"] + 1}

    def update(self, x, rng, inputs=None):
        return self.advance(x, rng, inputs, self.init_run(x, rng))[0]


def hand_run(model, x0, n_steps, seed):
    """The run written out: init_run once, then advance with the state carried."""
    rng = np.random.default_rng(seed)
    x, run_state = np.array(x0, dtype=float), model.init_run(x0, rng)
    states = [x]
    for _ in range(n_steps):
        x, run_state = model.advance(x, rng, None, run_state)
        states.append(x)
    return np.array(states)


def test_simulate_carries_the_run_state_of_a_map():
    model, x0 = CursorMap(), np.ones(5)
    run = attractors.simulate(model, x0, n_steps=10, seed=4)
    expected = hand_run(model, x0, 10, seed=4)
    np.testing.assert_array_equal(run["state"].values, expected)
    # One order per run: after 5 steps every unit flipped exactly once, after 10 twice.
    np.testing.assert_array_equal(run["state"].values[5], -x0)
    np.testing.assert_array_equal(run["state"].values[10], x0)
    assert run.attrs["solver"] == "update"


def test_default_advance_is_update_and_run_state_is_none():
    model = attractors.models.ContractionMap()
    rng = np.random.default_rng(0)
    assert model.init_run(np.ones(3), rng) is None
    x, state = model.advance(np.ones(3), rng, None, None)
    np.testing.assert_array_equal(x, model.update(np.ones(3), rng))
    assert state is None


def test_one_model_shared_by_threads_gives_the_sequential_results():
    model = CursorMap()
    x0 = np.ones((3, 5))
    seeds = list(range(40))
    sequential = [attractors.simulate(model, x0, n_steps=23, seed=s)["state"].values for s in seeds]
    results = [None] * len(seeds)

    def work(indices):
        for i in indices:
            results[i] = attractors.simulate(model, x0, n_steps=23, seed=seeds[i])["state"].values

    threads = [threading.Thread(target=work, args=(seeds[j::4],)) for j in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for expected, got in zip(sequential, results):
        np.testing.assert_array_equal(got, expected)


def test_map_stepper_and_fixed_step_solvers_speak_init_and_step():
    model, rng = CursorMap(), np.random.default_rng(1)
    stepper = solvers.MapStepper()
    state = stepper.init(model, np.ones(5), 0.0, 1.0, None, rng)
    x, state = stepper.step(0.0, np.ones(5), state)
    assert (x == -1).sum() == 1 and state[-1]["cursor"] == 1
    with pytest.raises(TypeError, match="init\\(\\) and step\\(\\)"):
        stepper.make_stepper(model, 1.0, None, rng)
    decay = LinearSystem([[-1.0]])
    rk4 = solvers.RK4()
    state = rk4.init(decay, np.ones(1), 0.0, 0.1, None, rng)
    x, same = rk4.step(0.0, np.ones(1), state)
    assert same is state
    np.testing.assert_array_equal(x, rk4.make_stepper(decay, 0.1, None, rng)(0.0, np.ones(1)))


class AdamsBashforth2(solvers.Solver):
    r"""Two-step Adams-Bashforth, :math:`x_{n+1} = x_n + h(\tfrac32 F_n - \tfrac12 F_{n-1})`.

    The previous slope is solver state carried by ``step`` (Heun starts it).
    """

    name = "adams_bashforth_2"
    order = 2

    def init(self, system, x0, t0, dt, inputs, rng):
        return {"field": system.vector_field, "dt": dt, "previous": None}

    def step(self, t, x, state):
        field, dt, previous = state["field"], state["dt"], state["previous"]
        slope = field(t, x, None)
        if previous is None:  # Heun start-up step, order 2
            x_next = x + dt / 2 * (slope + field(t + dt, x + dt * slope, None))
        else:
            x_next = x + dt * (1.5 * slope - 0.5 * previous)
        return x_next, {**state, "previous": slope}

    def make_stepper(self, system, dt, inputs, rng):
        raise TypeError("multistep: use init/step")


def test_a_solver_with_state_between_steps_converges_at_its_order():
    decay = LinearSystem([[-1.0]])
    errors = []
    for dt in (0.02, 0.01):
        run = attractors.simulate(decay, [1.0], t_span=1.0, dt=dt, solver=AdamsBashforth2(),
                                  record_every=1000)
        errors.append(abs(float(run["state"].values[-1, 0]) - np.exp(-1.0)))
    # Global error C h^2: halving h divides it by 4, to O(h) (observed order 2 +- 0.05).
    assert np.log2(errors[0] / errors[1]) == pytest.approx(2.0, abs=0.05)


def test_run_result_is_a_frozen_record():
    from attractors._stopping import RunResult

    result = RunResult(np.zeros((1, 2)), np.zeros(1), "completed", "ran 0 steps", 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "failed"
    assert result.converged is None and result.t_converged is None
