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


class HalvingMap(attractors.DiscreteSystem):
    """x -> x / 2 + u, with the Lyapunov function E = |x|^2 / 2 - u.x.

    The run state keeps |x|^2 of the state it returned, so ``energy_of_run`` reads the
    quadratic part from it; it gives no answer (None) every third step, where
    simulate() must fall back to ``energy``.  The asked inputs are logged.
    """

    n_units = 3

    def __init__(self):
        self._asked = []

    def update(self, x, rng, inputs=None):
        return self.advance(x, rng, inputs, self.init_run(x, rng))[0]

    def init_run(self, x0, rng):
        return {"norm2": np.sum(x0**2, axis=-1), "step": 0}

    def advance(self, x, rng, inputs, run_state):
        y = 0.5 * x + (0.0 if inputs is None else inputs)
        return y, {"norm2": np.sum(y**2, axis=-1), "step": run_state["step"] + 1}

    def energy(self, x, inputs=None):
        quadratic = 0.5 * np.sum(x**2, axis=-1)
        return quadratic if inputs is None else quadratic - np.sum(inputs * x, axis=-1)

    def energy_of_run(self, x, inputs, run_state):
        self._asked.append((run_state["step"], inputs))
        if run_state["step"] % 3 == 2:
            return None
        quadratic = 0.5 * run_state["norm2"]
        return quadratic if inputs is None else quadratic - np.sum(inputs * x, axis=-1)


def test_energy_read_from_the_run_state_at_every_record():
    model = HalvingMap()

    def drive(t):
        return 0.1 * t * np.ones(3)

    x0 = np.array([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]])
    run = attractors.simulate(model, x0, n_steps=8, record_every=2, inputs=drive, seed=0)
    states, times = run["state"].values, run["time"].values
    # Asked at each record (steps 0, 2, ..., 8), with the input at the record's time.
    assert [step for step, _ in model._asked] == [0, 2, 4, 6, 8]
    for (_, u), t in zip(model._asked, times):
        np.testing.assert_array_equal(u, drive(t))
    # The same operations as energy(), so the same bits; steps 2 and 8 came from energy().
    expected = np.array([model.energy(x, drive(t)) for x, t in zip(states, times)])
    np.testing.assert_array_equal(run["energy"].values, expected)
    # A solver without run state gives no energy: the default is None.
    decay, rng = LinearSystem([[-1.0]]), np.random.default_rng(0)
    rk4 = solvers.RK4()
    assert rk4.state_energy(0.0, np.ones(1), rk4.init(decay, np.ones(1), 0.0, 0.1, None, rng)) \
        is None
    assert attractors.models.ContractionMap().energy_of_run(np.ones(3), None, None) is None


def test_energy_of_run_is_not_asked_when_the_energy_is_not_recorded():
    model = HalvingMap()
    run = attractors.simulate(model, np.ones(3), n_steps=4, seed=0, record_energy=False)
    assert model._asked == [] and "energy" not in run
