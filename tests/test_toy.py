"""The toy models: they own read-only copies of their arrays and refuse what they cannot hold exactly.

Their dynamics (closed-form solutions, stationary statistics) are checked where
they serve as references, in the solver and simulation tests; every toy runs
through the conformance registry in tests/test_conformance.py.
"""

import numpy as np
import pytest

from attractors import ParameterError
from attractors.models import ContractionMap, DoubleWell, LinearSystem, OrnsteinUhlenbeck


def test_linear_system_owns_read_only_copies():
    matrix, offset = -np.eye(2), np.array([0.5, -0.5])
    system = LinearSystem(matrix, offset)
    matrix[0, 0], offset[0] = 5.0, 5.0
    np.testing.assert_array_equal(system.matrix, -np.eye(2))
    np.testing.assert_array_equal(system.offset, [0.5, -0.5])
    for array in (system.matrix, system.offset, LinearSystem([[-1.0]]).offset):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0
    # An unsigned matrix converts exactly (uint8 255 -> 255.0, not -1).
    np.testing.assert_array_equal(LinearSystem(np.array([[255]], dtype=np.uint8)).matrix, [[255.0]])


@pytest.mark.parametrize("call, match", [
    (lambda: LinearSystem(np.eye(2) * (1 + 1j)), "matrix must be real"),
    (lambda: LinearSystem(-np.eye(2), [1j, 0.0]), "offset must be real"),
    (lambda: DoubleWell(coupling=1 + 1j), "coupling must be a real number"),
    (lambda: DoubleWell(coupling=np.nan), "coupling must be finite"),
    (lambda: DoubleWell(n_units=2.5), "n_units must be an integer"),
    (lambda: DoubleWell(n_units=0), "n_units must be an integer >= 1"),
    (lambda: OrnsteinUhlenbeck(n_units=-1), "n_units must be an integer >= 1"),
    (lambda: ContractionMap(factor=0.5j), "factor must be a real number"),
    (lambda: ContractionMap(n_units="3"), "n_units must be an integer"),
])
def test_bad_parameters(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_numpy_integers_become_python_integers():
    # A uint64 unit count would otherwise leak into shapes and recorded parameters.
    for model in (DoubleWell(n_units=np.uint64(3)), OrnsteinUhlenbeck(n_units=np.int32(3)),
                  ContractionMap(n_units=np.uint8(3))):
        assert type(model.n_units) is int and model.n_units == 3
