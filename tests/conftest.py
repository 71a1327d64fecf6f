import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")



@pytest.fixture
def bistable():
    """The ~10-line user-written model from the DynamicalSystem docstring."""
    import attractors

    class Bistable(attractors.ContinuousSystem):
        """dx/dt = x - x**3 - c * (other unit), a gradient flow of E."""

        n_units = 2

        def vector_field(self, t, x, inputs=None):
            return x - x**3 - 0.75 * x[..., ::-1]

        def energy(self, x, inputs=None):
            return np.sum(x**4 / 4 - x**2 / 2, axis=-1) + 0.75 * x[..., 0] * x[..., 1]

    return Bistable()
