import os

# One BLAS/OpenMP thread for the test run, set before numpy loads: the tests are
# many small matrix problems, for which threaded OpenBLAS on a small shared
# machine is 6-30x slower (measured: eigenvalues of 100 matrices of size 256,
# 67 s threaded against 2.4 s on one thread).  Results do not depend on it.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

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
