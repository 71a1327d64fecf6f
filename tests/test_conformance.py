"""The conformance registry: every model crossed with every solver it supports.

Each model of :mod:`attractors.models` (and the toy models) has one entry here:
a small instance and a step that suits its time scale.  Every entry runs through
:func:`attractors.testing.check_system` with every solver it supports (a map
with its own update), which checks shapes and batching, seeding, the energy
where the model promises one, the netCDF round trip, the rebuild from the
trajectory's parameters and the analytic Jacobian against finite differences.
Variants of a model that take other code paths (transfer functions, products,
update orders) run with one solver each.  Sizes are small and runs short so
the whole file takes well under a minute.
"""

import numpy as np
import pytest

import attractors
from attractors import solvers
from attractors.models import (
    CANN1D,
    CANN2D,
    ContinuousHopfield,
    ContractionMap,
    DenseAssociativeMemory,
    DoubleWell,
    GridCellSheet,
    HopfieldNetwork,
    LinearSystem,
    ModernHopfield,
    OrnsteinUhlenbeck,
    RateNetwork,
    RingAttractor,
    TwoPopulationRing,
)
from attractors.patterns import random_patterns
from attractors.testing import ConformanceReport, check_frozen_arrays, check_jacobian, check_system
from attractors.transfer import PowerLaw, ThresholdLinear, ZhangSigmoid


def symmetric(n, gain, seed):
    """GOE weights with entries N(0, gain^2 / n): spectrum on [-2 gain, 2 gain]."""
    a = np.random.default_rng(seed).standard_normal((n, n)) * gain / np.sqrt(n)
    return (a + a.T) / np.sqrt(2)


N = 10
TAU = np.linspace(0.5, 2.0, N)  # per-unit time constants exercise the per-unit leak

#: Continuous models: id -> (factory, dt).  dt suits the model's time scale (the
#: rings and sheets count milliseconds) and is far below 2 / |largest eigenvalue|,
#: so the gradient flows descend their energy with every fixed-step solver.
CONTINUOUS = {
    "LinearSystem": (lambda: LinearSystem([[-1.0, 0.4, 0.0], [0.4, -2.0, 0.3], [0.0, 0.3, -0.5]],
                                          [0.1, 0.0, -0.2]), 0.01),
    "DoubleWell": (lambda: DoubleWell(n_units=4, coupling=0.3), 0.01),
    "OrnsteinUhlenbeck": (lambda: OrnsteinUhlenbeck(n_units=3, tau=2.0), 0.01),
    "RateNetwork": (lambda: RateNetwork(symmetric(N, 2.0, 0), "tanh", tau=TAU, bias=0.1), 0.002),
    "ContinuousHopfield": (lambda: ContinuousHopfield.from_patterns(
        random_patterns(3, 16, seed=0), gain=4.0, resistance=np.linspace(0.8, 1.2, 16),
        capacitance=np.linspace(1.5, 0.5, 16)), 0.005),
    "RingAttractor": (lambda: RingAttractor(n_units=32), 0.5),
    "TwoPopulationRing": (lambda: TwoPopulationRing(RingAttractor(n_units=16)), 0.5),
    "CANN1D": (lambda: CANN1D(n_units=32), 0.1),
    "CANN2D": (lambda: CANN2D(n_side=8), 0.1),
    "GridCellSheet": (lambda: GridCellSheet(n_side=10, wavelength=5.0), 0.5),
}

#: Variants that take other code paths, with one solver each: id -> (factory, dt).
VARIANTS = {
    "LinearSystem-asymmetric": (lambda: LinearSystem([[-1.0, 2.0], [-2.0, -1.0]]), 0.01),
    "RateNetwork-logistic": (lambda: RateNetwork(symmetric(N, 4.0, 1),
                                                 {"name": "logistic", "gain": 2.0}, tau=TAU), 0.002),
    "RateNetwork-threshold-linear": (lambda: RateNetwork(
        symmetric(N, 0.4, 2), ThresholdLinear(1.0, -0.2), tau=TAU, bias=0.3), 0.002),
    "RateNetwork-zhang": (lambda: RateNetwork(symmetric(N, 0.01, 3), ZhangSigmoid(), tau=TAU,
                                              bias=-0.4), 0.002),
    "RateNetwork-power-law": (lambda: RateNetwork(symmetric(N, 0.1, 8), PowerLaw(1.0, 2.0, -0.1),
                                                  tau=TAU, bias=0.2), 0.002),
    "RateNetwork-asymmetric": (lambda: RateNetwork(
        np.random.default_rng(4).standard_normal((N, N)) * 1.5 / np.sqrt(N)), 0.002),
    "ContinuousHopfield-logistic": (lambda: ContinuousHopfield.from_patterns(
        random_patterns(3, 16, seed=0), gain=4.0, output="logistic"), 0.005),
    "ContinuousHopfield-storkey-bias": (lambda: ContinuousHopfield.from_patterns(
        random_patterns(3, 16, seed=0), "storkey", gain=2.0, bias=0.05), 0.005),
    # Below the critical gain the outputs decay to 0: the integral term carries the energy.
    "ContinuousHopfield-subcritical": (lambda: ContinuousHopfield.from_patterns(
        random_patterns(3, 16, seed=0), gain=0.8), 0.005),
    "RingAttractor-gamma-fft": (lambda: RingAttractor(n_units=32, drive="gamma", product="fft"), 0.5),
    "RingAttractor-velocity-modes": (lambda: RingAttractor(n_units=192, drive="velocity"), 0.5),
    "RingAttractor-von-mises": (lambda: RingAttractor.from_profile("von_mises", n_units=24), 0.5),
    "CANN1D-dense-numpy": (lambda: CANN1D(n_units=24, backend="numpy"), 0.1),
    "CANN1D-fft": (lambda: CANN1D(n_units=40, method="fft"), 0.1),
}

FIXED_STEP = ["euler", "heun", "rk4", "exponential_euler"]
SOLVERS = {
    **{name: name for name in FIXED_STEP},
    "RK45": solvers.Adaptive("RK45", rtol=1e-8, atol=1e-10),
    "BDF": solvers.Adaptive("BDF", rtol=1e-8, atol=1e-10),
    # Any noise exercises the stochastic path (seeding, no batch or energy checks).
    "euler_maruyama": solvers.EulerMaruyama(0.05),
}


def supports(model, solver):
    """Whether ``solver`` can run ``model`` (exponential Euler needs a linear leak)."""
    if solver != "exponential_euler":
        return True
    try:
        model.leak_rate()
    except NotImplementedError:
        return False
    return True


def hopfield(**options):
    patterns = np.random.default_rng(18).choice([-1, 1], size=(3, 30))
    return HopfieldNetwork.from_patterns(patterns, exact=True, **options)


def dense(interaction, degree, mode):
    patterns = np.random.default_rng(10).choice(np.array([-1, 1], dtype=np.int8), size=(15, 12))
    return DenseAssociativeMemory(patterns, interaction, degree, mode=mode)


#: Maps: id -> (factory, whether the energy never rises (None: the model says), whether
#: trials are deterministic).
MAPS = {
    "HopfieldNetwork": (lambda: hopfield(), True, False),
    # Synchronous updates may end in 2-cycles, whose energy need not fall (Bruck 1990).
    "HopfieldNetwork-sync": (lambda: hopfield(dynamics="sync"), False, True),
    "HopfieldNetwork-fixed-order": (lambda: hopfield(order="fixed"), True, True),
    "HopfieldNetwork-binary": (lambda: hopfield(units="binary"), True, False),
    "HopfieldNetwork-glauber": (lambda: hopfield(dynamics="glauber", temperature=0.3), False, False),
    "HopfieldNetwork-partial-sweeps": (lambda: hopfield(steps_per_sweep=5), True, False),
    # Asymmetric weights, accepted by the explicit option: no energy to check.
    "HopfieldNetwork-asymmetric": (lambda: HopfieldNetwork(
        np.random.default_rng(3).standard_normal((20, 20)), symmetric=False), None, False),
    "DenseAssociativeMemory-polynomial": (lambda: dense("polynomial", 3, "asynchronous"), True, False),
    "DenseAssociativeMemory-exponential": (lambda: dense("exponential", 1, "asynchronous"), True,
                                           False),
    "DenseAssociativeMemory-rectified-sync": (lambda: dense("rectified", 4, "synchronous"), False,
                                              False),
    "ModernHopfield": (lambda: ModernHopfield(np.random.default_rng(12).standard_normal((6, 40)),
                                              beta=2.0), True, True),
    "ContractionMap": (lambda: ContractionMap(), True, True),
    "ContractionMap-noisy": (lambda: ContractionMap(noise=0.2, factor=-0.9), False, False),
}

LEAKY = {model for model in CONTINUOUS if supports(CONTINUOUS[model][0](), "exponential_euler")}
CROSS = [(model, solver) for model in CONTINUOUS for solver in SOLVERS
         if solver != "exponential_euler" or model in LEAKY]


def test_registry_covers_every_model():
    # Every model class the package exports (and the toys) has an entry.
    import attractors.models as models

    classes = {name for name in models.__all__ if isinstance(getattr(models, name), type)
               and issubclass(getattr(models, name), attractors.DynamicalSystem)}
    covered = {key.split("-")[0] for key in [*CONTINUOUS, *VARIANTS, *MAPS]}
    assert classes <= covered, f"models without a conformance entry: {sorted(classes - covered)}"
    # Models that declare a leak run with all seven solvers, the others with six.
    for model in CONTINUOUS:
        expected = len(SOLVERS) - (model not in LEAKY)
        assert sum(m == model for m, _ in CROSS) == expected


@pytest.mark.parametrize("model, solver", CROSS, ids=[f"{m}-{s}" for m, s in CROSS])
def test_continuous_model_with_solver(model, solver):
    factory, dt = CONTINUOUS[model]
    report = check_system(factory(), solver=SOLVERS[solver], dt=dt, n_steps=8, n_trials=2)
    assert "skipped" not in report.outcomes["shapes"]
    assert report.outcomes["rebuild_from_parameters"] == "passed"


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant(variant):
    factory, dt = VARIANTS[variant]
    model = factory()
    solver = "exponential_euler" if supports(model, "exponential_euler") else "rk4"
    check_system(model, solver=solver, dt=dt, n_steps=8, n_trials=2)


@pytest.mark.parametrize("name", MAPS)
def test_map(name):
    factory, energy, deterministic = MAPS[name]
    report = check_system(factory(), energy=energy, deterministic=deterministic, n_steps=10,
                          n_trials=2)
    assert report.solver is None and "map" in report.skipped["jacobian"]
    if energy is None:
        assert "no energy" in report.skipped["energy_nonincreasing"]


def test_user_model(bistable):
    report = check_system(bistable, dt=0.01, energy=True)
    assert report.skipped == {"jacobian": "the model gives no analytic Jacobian"}


def test_report_says_what_ran_and_why_the_rest_was_skipped():
    report = check_system(OrnsteinUhlenbeck(n_units=3), solver=solvers.EulerMaruyama(0.5), dt=0.01)
    assert isinstance(report, ConformanceReport)
    assert report.model == "OrnsteinUhlenbeck" and report.solver == "euler_maruyama"
    assert report.passed == ("frozen_arrays", "shapes", "reproducible", "netcdf_roundtrip",
                             "rebuild_from_parameters", "jacobian")
    assert set(report.skipped) == {"batch_matches_single", "energy_nonincreasing"}
    assert "the solver adds noise" in report.skipped["batch_matches_single"]
    assert "2 skipped" in str(report) and "energy_nonincreasing" in str(report)


def test_conformance_catches_a_rising_energy():
    class Leaky(attractors.ContinuousSystem):
        """Claims an energy that its dynamics do not descend (sign error)."""

        n_units = 2

        def vector_field(self, t, x, inputs=None):
            return -x

        def energy(self, x, inputs=None):
            return -np.sum(x**2, axis=-1)

    with pytest.raises(AssertionError, match="energy of Leaky rose"):
        check_system(Leaky(), dt=0.01)


def test_conformance_catches_a_wrong_jacobian():
    class Skewed(attractors.ContinuousSystem):
        """dx/dt = -x + 0.5 tanh(x_other); the Jacobian forgets the coupling's slope."""

        n_units = 2

        def vector_field(self, t, x, inputs=None):
            return -x + 0.5 * np.tanh(x[..., ::-1])

        def jacobian(self, t, x, inputs=None):
            return np.broadcast_to([[-1.0, 0.5], [0.5, -1.0]], x.shape[:-1] + (2, 2))

    with pytest.raises(AssertionError, match="Skewed: analytic Jacobian differs"):
        check_system(Skewed(), dt=0.01)
    # The same model with the right Jacobian passes.
    right = Skewed()
    right.jacobian = lambda t, x, inputs=None: np.stack(
        [np.stack([-np.ones(x.shape[:-1]), 0.5 / np.cosh(x[..., 1]) ** 2], -1),
         np.stack([0.5 / np.cosh(x[..., 0]) ** 2, -np.ones(x.shape[:-1])], -1)], -2)
    check_jacobian(right)


def test_conformance_catches_a_model_its_parameters_do_not_rebuild():
    class Forgetful(attractors.ContinuousSystem):
        """Records its rate but rebuilds with the default one."""

        n_units = 2

        def __init__(self, rate=1.0):
            self._rate = rate

        @property
        def params(self):
            return {}

        def vector_field(self, t, x, inputs=None):
            return -self._rate * x

    with pytest.raises(AssertionError, match="Forgetful: the model rebuilt from the trajectory"):
        check_system(Forgetful(rate=3.0), dt=0.01)
    assert "rebuild_from_parameters" in check_system(Forgetful(rate=3.0), dt=0.01,
                                                      rebuild=False).skipped


def test_conformance_catches_an_array_left_writable():
    class Drifting(attractors.ContinuousSystem):
        """Keeps the caller's array: writing into it later changes the model unseen."""

        def __init__(self, rates):
            self.rates = np.asarray(rates, dtype=np.float64)
            self._cache = {"scaled": 2 * self.rates}

        @property
        def n_units(self):
            return self.rates.size

        def vector_field(self, t, x, inputs=None):
            return -self.rates * x

    model = Drifting([1.0, 2.0])
    with pytest.raises(AssertionError, match=r"Drifting\._cache\['scaled'\], Drifting\.rates \("):
        check_system(model, dt=0.01)
    model.rates.setflags(write=False)
    model._cache["scaled"].setflags(write=False)
    check_frozen_arrays(model)
