"""Every model x solver through the conformance suite (later issues add their models here)."""

import numpy as np
import pytest

from attractors import solvers
from attractors.models import ContractionMap, DoubleWell, LinearSystem, OrnsteinUhlenbeck
from attractors.testing import check_system

SYMMETRIC = LinearSystem([[-1.0, 0.4, 0.0], [0.4, -2.0, 0.3], [0.0, 0.3, -0.5]], [0.1, 0.0, -0.2])
ASYMMETRIC = LinearSystem([[-1.0, 2.0], [-2.0, -1.0]])

CONTINUOUS = {
    "linear-symmetric": SYMMETRIC,
    "linear-asymmetric": ASYMMETRIC,
    "double-well": DoubleWell(n_units=4, coupling=0.3),
    "ornstein-uhlenbeck": OrnsteinUhlenbeck(n_units=3, tau=2.0),
}
SOLVERS = {
    "euler": "euler", "heun": "heun", "rk4": "rk4", "exponential_euler": "exponential_euler",
    "RK45": solvers.Adaptive("RK45", rtol=1e-8, atol=1e-10),
    "BDF": solvers.Adaptive("BDF", rtol=1e-8, atol=1e-10),
}


@pytest.mark.parametrize("solver", SOLVERS.values(), ids=SOLVERS.keys())
@pytest.mark.parametrize("system", CONTINUOUS.values(), ids=CONTINUOUS.keys())
def test_continuous_models(system, solver):
    if solver == "exponential_euler" and isinstance(system, DoubleWell):
        pytest.skip("DoubleWell has no linear leak")
    # Gradient flows promise a non-increasing energy at a stable step (dt = 0.01
    # is far below 2 / |largest eigenvalue| for all of these models).
    check_system(system, solver=solver, dt=0.01)


def test_noisy_solver_conformance():
    check_system(OrnsteinUhlenbeck(n_units=3), solver=solvers.EulerMaruyama(0.5), dt=0.01)


@pytest.mark.parametrize("system", [ContractionMap(), ContractionMap(noise=0.2, factor=-0.9)],
                         ids=["deterministic", "noisy"])
def test_discrete_models(system):
    check_system(system, energy=system.noise == 0, deterministic=system.noise == 0)


def test_user_model(bistable):
    check_system(bistable, dt=0.01, energy=True)


def test_conformance_catches_a_broken_model():
    import attractors

    class Leaky(attractors.ContinuousSystem):
        """Claims an energy that its dynamics do not descend (sign error)."""

        n_units = 2

        def vector_field(self, t, x, inputs=None):
            return -x

        def energy(self, x, inputs=None):
            return -np.sum(x**2, axis=-1)

    with pytest.raises(AssertionError, match="energy of Leaky rose"):
        check_system(Leaky(), dt=0.01)
