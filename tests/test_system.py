"""The DynamicalSystem contract: what an implementer writes and what works for free."""

import numpy as np
import pytest
import xarray as xr

import attractors
from attractors.models import ContractionMap, LinearSystem


def test_user_model_gets_simulation_energy_trajectories_and_saving(bistable, tmp_path):
    x0 = np.array([[0.3, 0.1], [-0.2, 0.4], [1.5, -0.4]])
    run = attractors.simulate(bistable, x0, t_span=50.0, dt=0.01, stop_at_fixed_point=True)
    assert run.attrs["model"] == "Bistable" and run.attrs["status"] == "converged"
    assert run["state"].dims == ("time", "trial", "unit")
    # The stable fixed points of x - x^3 - 3/4 x_other with x_other = -x: x^2 = 7/4.
    final = run["state"].isel(time=-1).values
    np.testing.assert_allclose(np.abs(final), np.sqrt(1.75), atol=1e-7)
    np.testing.assert_allclose(final[:, 0], -final[:, 1], atol=1e-7)
    assert attractors.check_energy(run).sizes["violation"] == 0
    run.to_netcdf(tmp_path / "bistable.nc")
    with xr.open_dataset(tmp_path / "bistable.nc") as loaded:
        xr.testing.assert_identical(run, loaded.load())


def test_optional_capabilities_raise_naming_the_model(bistable):
    asymmetric = LinearSystem([[-1.0, 1.0], [0.0, -1.0]])
    with pytest.raises(NotImplementedError, match="LinearSystem has an energy only for a symmetric"):
        asymmetric.energy(np.zeros(2))
    with pytest.raises(NotImplementedError, match="Bistable gives no analytic Jacobian"):
        bistable.jacobian(0.0, np.zeros(2))

    class Plain(attractors.ContinuousSystem):
        n_units = 1

        def vector_field(self, t, x, inputs=None):
            return -x

    with pytest.raises(NotImplementedError, match="Plain defines no energy"):
        Plain().energy(np.zeros(1))
    run = attractors.simulate(Plain(), [1.0], t_span=1.0, dt=0.1)
    assert "energy" not in run
    assert run.attrs["energy"].startswith("not defined: Plain defines no energy")
    with pytest.raises(attractors.ParameterError, match="no recorded energy"):
        attractors.check_energy(run)


def test_abstract_classes_cannot_be_instantiated():
    with pytest.raises(TypeError):
        attractors.DynamicalSystem()
    with pytest.raises(TypeError):
        attractors.ContinuousSystem()

    class NoUpdate(attractors.DiscreteSystem):
        n_units = 2

    with pytest.raises(TypeError, match="update"):
        NoUpdate()


def test_observables_and_coords_are_recorded_and_round_trip(tmp_path):
    class Ring(attractors.ContinuousSystem):
        """Units on a ring relaxing to a cosine profile; records the population-vector angle."""

        n_units = 8
        time_unit = "ms"

        @property
        def coords(self):
            angles = np.linspace(0, 2 * np.pi, self.n_units, endpoint=False)
            return {"theta": ("unit", angles), "harmonic": ("harmonic", np.arange(2))}

        def vector_field(self, t, x, inputs=None):
            return np.cos(self.coords["theta"][1]) - x

        def observables(self, x):
            theta = self.coords["theta"][1]
            vector = x @ np.exp(1j * theta)
            fourier = np.stack([x.mean(axis=-1), np.abs(vector)], axis=-1)
            return {"bump_position": ((), np.angle(vector)), "fourier": (("harmonic",), fourier)}

    run = attractors.simulate(Ring(), n_trials=2, t_span=10.0, dt=0.1, seed=1, record_every=10)
    assert run["theta"].dims == ("unit",)
    assert run["bump_position"].dims == ("time", "trial")
    assert run["fourier"].dims == ("time", "trial", "harmonic")
    assert run["time"].attrs["units"] == "ms"
    np.testing.assert_allclose(run["bump_position"].isel(time=-1), 0.0, atol=1e-3)
    run.to_netcdf(tmp_path / "ring.nc")
    with xr.open_dataset(tmp_path / "ring.nc") as loaded:
        xr.testing.assert_identical(run, loaded.load())


def test_params_default_and_repr(bistable):
    assert LinearSystem([[-1.0]]).params["matrix"].tolist() == [[-1.0]]
    assert bistable.params == {}
    assert repr(ContractionMap()) == "ContractionMap(n_units=3, factor=0.5, noise=0.0)"
    assert ContractionMap().time_kind == "map" and bistable.time_kind == "flow"


def test_discrete_default_initial_state_is_plus_minus_one():
    class Majority(attractors.DiscreteSystem):
        n_units = 5

        def update(self, x, rng, inputs=None):
            return np.where(x.sum(axis=-1, keepdims=True) >= 0, 1.0, -1.0) * np.ones_like(x)

    state = Majority().initial_state(np.random.default_rng(0), 100)
    assert set(np.unique(state)) == {-1.0, 1.0}
    run = attractors.simulate(Majority(), n_trials=8, n_steps=5, seed=0, stop_at_fixed_point=True)
    assert bool(run["converged"].all())
    # A uniform start is already the fixed point (t = 0); any other needs one step.
    uniform = np.abs(run["state"].isel(time=0).sum("unit").values) == 5
    np.testing.assert_array_equal(run["t_converged"].values, np.where(uniform, 0.0, 1.0))
    assert uniform.any() and not uniform.all()


def test_model_validation_messages():
    with pytest.raises(attractors.ParameterError,
                       match=r"matrix must be a square 2-D matrix, got shape \(2, 3\)"):
        LinearSystem(np.zeros((2, 3)))
    with pytest.raises(attractors.ParameterError, match="offset must have shape"):
        LinearSystem(np.eye(2), [1.0])
