r"""Solvers: objects that advance a :class:`~attractors.ContinuousSystem` in time.

Models only say what changes; solvers advance them (as scipy's ``OdeSolver``
and diffrax's solvers do).  Every stepping solver has the same two verbs, in
the manner of diffrax's solver state:

* ``state = solver.init(system, x0, t0, dt, inputs, rng)``, once per run: the
  solver's per-run state (for the fixed-step methods, a stepper closure built
  once so the hot path has no attribute look-ups; for a map, the model's own
  run state from :meth:`~attractors.DiscreteSystem.init_run`);
* ``x, state = solver.step(t, x, state)``, once per step.

The run state lives in the loop of :func:`attractors.simulate`, never on the
solver or the model, so one model and one solver may serve many runs (and
threads) at once.  :class:`MapStepper` advances a
:class:`~attractors.DiscreteSystem` through the same two verbs, so the loop has
one code path for maps and flows.  The adaptive solver hands the whole span to
:func:`scipy.integrate.solve_ivp`.

============================  =====  ==========================================
solver                        order  use
============================  =====  ==========================================
:class:`Euler`                1      cheapest; leaky rate equations at small dt
:class:`Heun`                 2      explicit trapezoid
:class:`RK4`                  4      accuracy per cost on smooth flows
:class:`ExponentialEuler`     1      leaky equations, exact linear decay
:class:`EulerMaruyama`        1/2    additive noise (strong order 1/2)
:class:`Adaptive`             --     error-controlled (RK45, DOP853, LSODA, ...)
============================  =====  ==========================================
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import ClassVar

import numpy as np

from ._validate import (
    ParameterError,
    check_choice,
    check_finite_array,
    check_positive,
    describe,
    plain,
)

__all__ = [
    "RK4",
    "Adaptive",
    "ButcherTableau",
    "Euler",
    "EulerMaruyama",
    "ExplicitRungeKutta",
    "ExponentialEuler",
    "Heun",
    "MapStepper",
    "Solver",
    "get_solver",
]

Stepper = Callable[[float, np.ndarray], np.ndarray]


def _no_input(t):
    return None


class Solver(abc.ABC):
    """Base of all solvers.

    A fixed-step solver implements :meth:`make_stepper`, a closure
    ``step(t, x) -> x_next``; :meth:`init` and :meth:`step` (what
    :func:`attractors.simulate` calls) then work for free.  A solver that
    carries state between steps (a multistep method, tangent dynamics)
    overrides :meth:`init` and :meth:`step` instead.  :attr:`order` is the
    (deterministic) order of convergence.
    """

    #: Name written into trajectories.
    name: ClassVar[str]
    #: Order of global convergence for deterministic problems.
    order: ClassVar[float]
    #: True for solvers that choose their own steps (see :class:`Adaptive`).
    adaptive: ClassVar[bool] = False

    @abc.abstractmethod
    def make_stepper(self, system, dt: float, inputs, rng: np.random.Generator) -> Stepper:
        """Return ``step(t, x) -> x_next`` advancing ``system`` by ``dt``.

        Raises before returning if the system lacks what the solver needs, so
        errors come before the run starts.
        """

    def init(self, system, x0: np.ndarray, t0: float, dt: float, inputs,
             rng: np.random.Generator):
        """The solver's state for one run, made once before the first step.

        Parameters
        ----------
        system : DynamicalSystem
            The model.
        x0 : ndarray, shape (..., n_units)
            The initial state(s).
        t0, dt : float
            Start time and step.
        inputs : callable or None
            The input ``u(t)`` (see :mod:`attractors.inputs`).
        rng : numpy.random.Generator
            The run's random generator.

        Returns
        -------
        object
            Opaque state that :meth:`step` takes and returns.  The default is
            the stepper closure of :meth:`make_stepper`, which raises here if
            the system lacks what the solver needs.
        """
        return self.make_stepper(system, dt, inputs, rng)

    def step(self, t: float, x: np.ndarray, state):
        """Advance ``x`` from ``t`` by one step: ``(x_next, state)``."""
        return state(t, x), state

    def state_energy(self, t: float, x: np.ndarray, state):
        """The system's energy at ``x`` read from the solver state, or None (the default).

        :func:`attractors.simulate` asks at every record; with None the energy
        is evaluated from the recorded states after the run.
        """
        return None

    def options(self) -> dict:
        """The solver's settings, written into trajectories."""
        return {}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({inner})"


class ButcherTableau:
    r"""The coefficients of an explicit Runge-Kutta method.

    .. math::

        k_i = F\Big(t + c_i h,\; x + h \sum_{j<i} a_{ij} k_j\Big), \qquad
        x_{n+1} = x_n + h \sum_i b_i k_i .

    Parameters
    ----------
    a : array_like, shape (s, s)
        Strictly lower-triangular stage coefficients.
    b : array_like, shape (s,)
        Weights (summing to 1 for a consistent method).
    c : array_like, shape (s,)
        Nodes (``c_i = sum_j a_ij`` for the usual methods).
    order : int
        The method's order.
    """

    def __init__(self, a, b, c, order: int):
        self.a = np.asarray(a, dtype=np.float64)
        self.b = np.asarray(b, dtype=np.float64)
        self.c = np.asarray(c, dtype=np.float64)
        self.order = order
        s = self.b.size
        if self.a.shape != (s, s) or self.c.shape != (s,):
            raise ParameterError(
                f"a Butcher tableau with {s} stages needs a of shape ({s}, {s}) and c of "
                f"shape ({s},), got {self.a.shape} and {self.c.shape}"
            )
        if np.any(np.triu(self.a) != 0):
            raise ParameterError("a must be strictly lower triangular for an explicit method")
        if not np.isclose(self.b.sum(), 1.0):
            raise ParameterError(f"the weights b must sum to 1, got {plain(self.b.sum())}")


class ExplicitRungeKutta(Solver):
    """An explicit Runge-Kutta method read from a :class:`ButcherTableau`."""

    name = "explicit_runge_kutta"
    order = 0

    def __init__(self, tableau: ButcherTableau):
        self.tableau = tableau
        self.order = tableau.order

    def make_stepper(self, system, dt, inputs, rng):
        field = system.vector_field
        u = inputs if inputs is not None else _no_input
        tableau = self.tableau
        n_stages = tableau.b.size
        if n_stages == 1:
            # Euler: the one-stage method, written out because it is the hot path
            # of most rate-network studies.
            if inputs is None:
                def step(t, x):
                    return x + dt * field(t, x, None)
            else:
                def step(t, x):
                    return x + dt * field(t, x, inputs(t))

            return step
        # Products of dt with the non-zero coefficients, computed once.
        stage_terms = [
            [(j, dt * tableau.a[i, j]) for j in range(i) if tableau.a[i, j] != 0]
            for i in range(n_stages)
        ]
        offsets = [dt * c for c in tableau.c]
        weights = [(i, dt * b) for i, b in enumerate(tableau.b) if b != 0]

        def step(t, x):
            slopes = []
            for terms, offset in zip(stage_terms, offsets):
                stage = x
                for j, h_a in terms:
                    stage = stage + h_a * slopes[j]
                slopes.append(field(t + offset, stage, u(t + offset)))
            result = x
            for i, h_b in weights:
                result = result + h_b * slopes[i]
            return result

        return step


class Euler(ExplicitRungeKutta):
    r"""Forward Euler, :math:`x_{n+1} = x_n + h F(t_n, x_n)`; order 1."""

    name = "euler"

    def __init__(self):
        super().__init__(ButcherTableau([[0.0]], [1.0], [0.0], order=1))


class Heun(ExplicitRungeKutta):
    r"""Heun's method (explicit trapezoid); order 2.

    .. math:: x_{n+1} = x_n + \tfrac{h}{2}\big(F(t_n, x_n) + F(t_n + h, x_n + h F(t_n, x_n))\big)
    """

    name = "heun"

    def __init__(self):
        super().__init__(ButcherTableau([[0, 0], [1, 0]], [0.5, 0.5], [0, 1], order=2))


class RK4(ExplicitRungeKutta):
    r"""The classical fourth-order Runge-Kutta method (Kutta 1901); order 4."""

    name = "rk4"

    def __init__(self):
        super().__init__(
            ButcherTableau(
                [[0, 0, 0, 0], [0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 1, 0]],
                [1 / 6, 1 / 3, 1 / 3, 1 / 6],
                [0, 0.5, 0.5, 1],
                order=4,
            )
        )


class ExponentialEuler(Solver):
    r"""Exponential Euler for leaky equations :math:`\dot x = -\lambda x + N(t, x)`; order 1.

    The linear leak is integrated exactly and the rest held constant over the step:

    .. math::

        x_{n+1} = e^{-\lambda h} x_n + \frac{1 - e^{-\lambda h}}{\lambda} N(t_n, x_n),
        \qquad N(t, x) = F(t, x) + \lambda x ,

    so a unit with no input decays exactly, at any step size (e.g. Dayan &
    Abbott 2001, sec. 5.4).  The system must give ``leak_rate()``.
    """

    name = "exponential_euler"
    order = 1

    def make_stepper(self, system, dt, inputs, rng):
        leak = check_finite_array("leak_rate()", system.leak_rate(), dtype=np.float64)
        if np.any(leak < 0):
            raise ParameterError(f"{system.name}.leak_rate() must be >= 0, got {describe(leak)}")
        decay = np.exp(-leak * dt)
        # (1 - e^{-lambda h}) / lambda, with its limit h where lambda = 0.
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = np.where(leak > 0, -np.expm1(-leak * dt) / np.where(leak > 0, leak, 1), dt)
        field = system.vector_field
        u = inputs if inputs is not None else _no_input

        def step(t, x):
            return decay * x + gain * (field(t, x, u(t)) + leak * x)

        return step


class EulerMaruyama(Solver):
    r"""Euler-Maruyama for additive noise: :math:`dx = F(t, x)\,dt + \sigma\, dW`.

    .. math:: x_{n+1} = x_n + h F(t_n, x_n) + \sigma \sqrt{h}\, \xi_n,
              \qquad \xi_n \sim \mathcal N(0, I)

    Strong order 1/2, weak order 1 (Kloeden & Platen 1992, ch. 10); with
    ``noise=0`` it is forward Euler.  The noise is drawn from the run's
    generator, so the same seed gives the same path bit for bit.

    Parameters
    ----------
    noise : float or array_like, shape (n_units,)
        The noise amplitude :math:`\sigma` (per unit of sqrt(time)), >= 0.
    """

    name = "euler_maruyama"
    order = 1
    strong_order = 0.5

    def __init__(self, noise=0.0):
        sigma = check_finite_array("noise", noise, dtype=np.float64)
        if np.any(sigma < 0) or sigma.ndim > 1:
            raise ParameterError(
                f"noise must be a number >= 0 or a 1-D array of them (one per unit), got {describe(noise)}"
            )
        self.noise = sigma

    def options(self):
        return {"noise": self.noise.tolist()}

    def make_stepper(self, system, dt, inputs, rng):
        if self.noise.ndim == 1 and self.noise.size != system.n_units:
            raise ParameterError(
                f"noise has {self.noise.size} entries but {system.name} has "
                f"{system.n_units} units; give a scalar or one value per unit"
            )
        field = system.vector_field
        u = inputs if inputs is not None else _no_input
        amplitude = self.noise * np.sqrt(dt)
        normal = rng.standard_normal

        def step(t, x):
            return x + dt * field(t, x, u(t)) + amplitude * normal(x.shape)

        return step


class Adaptive(Solver):
    r"""An error-controlled solver: :func:`scipy.integrate.solve_ivp` on the requested grid.

    The solver picks its own steps to keep the local error below
    ``atol + rtol * |x|``; the trajectory reports values on the grid
    ``t0, t0 + dt, ...`` that :func:`attractors.simulate` asks for.  A batch of
    trials is integrated as one system (with a block-diagonal Jacobian for the
    implicit methods), so the step size is set by the hardest trial.

    Parameters
    ----------
    method : {"RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA"}
        The scipy method (Dormand & Prince 1980; Hairer & Wanner 1996; Petzold 1983).
    rtol, atol : float
        Relative and absolute tolerances.
    max_step : float
        Largest step the solver may take.
    """

    name = "adaptive"
    order = 0
    adaptive = True
    methods = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")

    def __init__(self, method: str = "RK45", *, rtol: float = 1e-6, atol: float = 1e-9,
                 max_step: float = np.inf):
        self.method = check_choice("method", method, self.methods)
        self.rtol = check_positive("rtol", rtol)
        self.atol = check_positive("atol", atol)
        self.max_step = float(max_step) if max_step == np.inf else check_positive("max_step", max_step)

    @property
    def implicit(self) -> bool:
        return self.method in ("Radau", "BDF", "LSODA")

    def options(self):
        return {"method": self.method, "rtol": self.rtol, "atol": self.atol,
                "max_step": None if self.max_step == np.inf else self.max_step}

    def make_stepper(self, system, dt, inputs, rng):
        raise TypeError("Adaptive chooses its own steps; simulate() calls solve_ivp for it")


class MapStepper(Solver):
    r"""Advances a :class:`~attractors.DiscreteSystem` (a map) through the solver verbs.

    .. math:: (x_{k+1}, s_{k+1}) = \mathrm{advance}(x_k, \mathrm{rng}, u(t_k), s_k),
              \qquad s_0 = \mathrm{init\_run}(x_0, \mathrm{rng})

    where :math:`s` is the model's run state (None for a model with stateless
    steps).  :func:`attractors.simulate` uses it for every map; the trajectory
    records the solver as ``"update"``.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.models import ContractionMap
    >>> from attractors.solvers import MapStepper
    >>> stepper, rng = MapStepper(), np.random.default_rng(0)
    >>> state = stepper.init(ContractionMap(), np.ones(3), 0.0, 1.0, None, rng)
    >>> x, state = stepper.step(0.0, np.ones(3), state)
    >>> x
    array([0.5, 0.5, 0.5])
    """

    name = "update"
    order = 0

    def init(self, system, x0, t0, dt, inputs, rng):
        u = inputs if inputs is not None else _no_input
        return system.advance, system.energy_of_run, u, rng, system.init_run(x0, rng)

    def step(self, t, x, state):
        advance, energy_of_run, u, rng, run_state = state
        x, run_state = advance(x, rng, u(t), run_state)
        return x, (advance, energy_of_run, u, rng, run_state)

    def state_energy(self, t, x, state):
        """The model's ``energy_of_run(x, u(t), run_state)`` (None where it gives none)."""
        _, energy_of_run, u, _, run_state = state
        return energy_of_run(x, u(t), run_state)

    def make_stepper(self, system, dt, inputs, rng):
        raise TypeError("MapStepper carries the model's run state: use init() and step()")


_FIXED = {"euler": Euler, "heun": Heun, "rk4": RK4, "exponential_euler": ExponentialEuler,
          "euler_maruyama": EulerMaruyama}


def get_solver(solver) -> Solver:
    """Return a solver object from a :class:`Solver` or a name.

    Names: ``"euler"``, ``"heun"``, ``"rk4"``, ``"exponential_euler"``,
    ``"euler_maruyama"`` (noise 0; pass ``EulerMaruyama(noise=...)`` for noise),
    and the adaptive methods ``"RK45"``, ``"RK23"``, ``"DOP853"``, ``"Radau"``,
    ``"BDF"``, ``"LSODA"``.  Case is ignored.
    """
    if isinstance(solver, Solver):
        return solver
    if isinstance(solver, type) and issubclass(solver, Solver):
        return solver()
    allowed = list(_FIXED) + list(Adaptive.methods)
    name = check_choice("solver", solver, allowed)
    if name in _FIXED:
        return _FIXED[name]()
    return Adaptive(name)
