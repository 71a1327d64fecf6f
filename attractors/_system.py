"""The one interface every model implements: :class:`DynamicalSystem`."""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

__all__ = ["ContinuousSystem", "DiscreteSystem", "DynamicalSystem"]


class DynamicalSystem(abc.ABC):
    r"""Abstract base of every model: a state of ``n_units`` numbers and a rule to advance it.

    States are batched: an array of shape ``(..., n_units)`` with the units on the
    last axis, so one trial and ten thousand trials go through the same vectorised
    code.  Every method below takes and returns arrays with arbitrary leading
    (batch) dimensions.

    **Contract.** An implementer writes:

    1. ``n_units``, the number of units (a class attribute, a dataclass field or a
       property).
    2. The dynamics: ``vector_field(t, x, inputs)`` returning :math:`dx/dt` for a
       :class:`ContinuousSystem` (a flow), or ``update(x, rng, inputs)`` returning
       the next state for a :class:`DiscreteSystem` (a map).
    3. Optionally ``energy(x, inputs)``, the Lyapunov function, where the model has
       one.  Left out, it raises :class:`NotImplementedError` naming the model.
    4. Optionally ``jacobian(t, x, inputs)`` (continuous systems) and ``leak_rate()``
       (for the exponential Euler solver), ``coords`` (labels for the units and for
       the dimensions of observables), ``observables(x)``, ``initial_state(rng,
       n_trials)``, ``input_shape`` and ``params``.
    5. Optionally, for a map whose steps carry state from one call to the next
       (a sweep split into parts), ``init_run(x0, rng)`` and ``advance(x, rng,
       inputs, run_state)``: the run state lives in the stepper, never on the
       model, so one model object may run in several threads at once.  Where
       the run state makes the energy cheap (a Hopfield network's local fields),
       ``energy_of_run(x, inputs, run_state)`` returns it at every record.

    What then works for free, with no further code:

    1. :func:`attractors.simulate` with every solver (fixed-step, stochastic and
       adaptive), batches of trials without Python loops, constant, time-dependent
       and sampled inputs, stopping at fixed points and blow-up detection.
    2. Energy recorded along every trajectory, and :func:`attractors.check_energy`
       reporting any increase beyond round-off.
    3. Labelled trajectories (:class:`xarray.Dataset`) with the model's name,
       parameters and coordinates, saved to netCDF and read back identical.
    4. The conformance suite :func:`attractors.testing.check_system` (read-only
       arrays, shapes, batching, seeding, energy, netCDF round trip, rebuild from
       a saved trajectory, analytic Jacobian against finite differences).

    Examples
    --------
    A two-unit bistable system, written in ten lines, gets simulation, energy
    tracking and saving:

    >>> import numpy as np
    >>> import attractors
    >>> class Bistable(attractors.ContinuousSystem):
    ...     '''dx/dt = x - x**3 - c * (other unit), a gradient flow of E.'''
    ...     n_units = 2
    ...     def vector_field(self, t, x, inputs=None):
    ...         return x - x**3 - 0.75 * x[..., ::-1]
    ...     def energy(self, x, inputs=None):
    ...         return np.sum(x**4 / 4 - x**2 / 2, axis=-1) + 0.75 * x[..., 0] * x[..., 1]
    >>> run = attractors.simulate(Bistable(), [0.3, 0.1], t_span=10.0, dt=0.01)
    >>> bool(attractors.check_energy(run).sizes["violation"] == 0)
    True
    """

    #: "flow" for continuous-time systems, "map" for discrete-time ones.
    time_kind: ClassVar[str]
    #: The unit of the time axis, written into the trajectory ("step", "sweep", "ms", ...).
    time_unit: ClassVar[str] = ""

    # ``n_units`` is deliberately not declared as an abstract property: a dataclass
    # field or a plain class attribute of the same name must be able to provide it.
    n_units: int

    # -- identity and labels ---------------------------------------------------

    @property
    def name(self) -> str:
        """The model's name as written into trajectories (the class name by default)."""
        return type(self).__name__

    @property
    def coords(self) -> Mapping[str, tuple[str, Any]]:
        """Extra coordinates, ``{name: (dim, values)}``.

        For example ``{"theta": ("unit", angles)}`` labels the units of a ring
        with their preferred directions, and ``{"pattern": ("pattern",
        np.arange(P))}`` labels the pattern dimension of an ``overlap``
        observable.  Default: none.
        """
        return {}

    @property
    def params(self) -> dict[str, Any]:
        """The parameters that define the model, as a plain dictionary.

        Values must be numbers, strings, booleans, None, lists or numpy arrays.
        Default: the fields of a dataclass model, or the public attributes of
        any other model.
        """
        if dataclasses.is_dataclass(self):
            return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {k: v for k, v in vars(self).items() if not k.startswith("_") and not callable(v)}

    # -- inputs ------------------------------------------------------------------

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of the external input for one trial (default: one current per unit)."""
        return (self.n_units,)

    @property
    def input_dims(self) -> tuple[str, ...]:
        """Dimension names of the external input for one trial."""
        if tuple(self.input_shape) == (self.n_units,):
            return ("unit",)
        return tuple(f"input_dim_{i}" for i in range(len(self.input_shape)))

    # -- optional capabilities ---------------------------------------------------

    def energy(self, x: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
        """The Lyapunov (energy) function, shape ``x.shape[:-1]``.

        Raises
        ------
        NotImplementedError
            Where the model has no Lyapunov function (the default).
        """
        raise NotImplementedError(
            f"{self.name} defines no energy (Lyapunov) function; "
            "implement energy(x, inputs) to have it recorded"
        )

    def observables(self, x: np.ndarray) -> Mapping[str, tuple[tuple[str, ...], np.ndarray]]:
        """Model observables recorded with the state, ``{name: (extra_dims, values)}``.

        ``values`` has shape ``x.shape[:-1] + extra_shape``; ``extra_dims`` names
        the trailing dimensions (for example ``("pattern",)`` for overlaps, or
        ``()`` for a scalar such as a bump position).  Default: none.
        """
        return {}

    @property
    def observable_attrs(self) -> Mapping[str, Mapping[str, str]]:
        """CF attributes of the observables, ``{name: {"units": ..., "long_name": ...}}``.

        Recorded on the trajectory's data variables (xarray's plots read them).
        Default: none.
        """
        return {}

    def check_input(self, value: np.ndarray) -> None:
        """Refuse an input value that fits ``input_shape`` but means something else.

        Called by :func:`attractors.simulate` on the input's first and last
        values, after the shape check and before any work starts; raise
        :class:`~attractors.ParameterError` saying what was meant.  Default:
        accept.
        """
        return None

    @property
    def state_dtype(self) -> np.dtype:
        """The dtype of states (float64 unless the model says otherwise)."""
        return np.dtype(np.float64)

    @abc.abstractmethod
    def initial_state(self, rng: np.random.Generator, n_trials: int | None = None) -> np.ndarray:
        """A random initial state, shape ``(n_units,)`` or ``(n_trials, n_units)``."""

    def _batch_shape(self, n_trials: int | None) -> tuple[int, ...]:
        return (self.n_units,) if n_trials is None else (n_trials, self.n_units)

    def __repr__(self) -> str:
        simple = {
            k: v for k, v in self.params.items()
            if isinstance(v, (int, float, str, bool)) or v is None
        }
        inner = ", ".join(f"{k}={v!r}" for k, v in simple.items())
        return f"{self.name}({inner})"


class ContinuousSystem(DynamicalSystem):
    r"""A flow: :math:`\dot x = F(t, x, u(t))`, advanced by a solver object.

    See :class:`DynamicalSystem` for the contract.  The one required method is
    :meth:`vector_field`.
    """

    time_kind: ClassVar[str] = "flow"

    @abc.abstractmethod
    def vector_field(self, t: float, x: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
        r"""The time derivative :math:`dx/dt`, same shape as ``x``.

        Parameters
        ----------
        t : float
            Time.
        x : ndarray, shape (..., n_units)
            State(s).
        inputs : ndarray, optional
            External input at time ``t``, broadcastable to
            ``x.shape[:-1] + input_shape``; None when the run has no input.
        """

    def jacobian(self, t: float, x: np.ndarray, inputs: np.ndarray | None = None) -> np.ndarray:
        r"""The Jacobian :math:`\partial F_i / \partial x_j`, shape ``(..., n_units, n_units)``.

        Raises
        ------
        NotImplementedError
            Where the model gives no analytic Jacobian (the default); analysis
            code then uses finite differences.
        """
        raise NotImplementedError(f"{self.name} gives no analytic Jacobian")

    def leak_rate(self) -> np.ndarray:
        r"""The rate :math:`\lambda` of the linear leak, for :math:`\dot x = -\lambda x + N(t, x)`.

        Needed only by :class:`attractors.solvers.ExponentialEuler`; a scalar or
        an array of shape ``(n_units,)``.
        """
        raise NotImplementedError(
            f"{self.name} does not declare a linear leak rate (leak_rate()), which the "
            "exponential Euler solver needs; use another solver or implement leak_rate()"
        )

    def initial_state(self, rng: np.random.Generator, n_trials: int | None = None) -> np.ndarray:
        """Standard normal initial states (override for a model-specific distribution)."""
        return rng.standard_normal(self._batch_shape(n_trials))


class DiscreteSystem(DynamicalSystem):
    """A map: ``x[k+1] = update(x[k], rng, u[k])``, one step per unit of time.

    See :class:`DynamicalSystem` for the contract.  The one required method is
    :meth:`update`; it must return a new array and leave ``x`` unchanged.
    """

    time_kind: ClassVar[str] = "map"
    time_unit: ClassVar[str] = "step"

    @property
    def time_step(self) -> float:
        """The time one :meth:`update` advances, in ``time_unit`` (default 1).

        A model that records within its natural time unit (a Hopfield network
        updating N/k units per call, with time counted in sweeps) returns 1/k.
        """
        return 1.0

    @abc.abstractmethod
    def update(
        self, x: np.ndarray, rng: np.random.Generator, inputs: np.ndarray | None = None
    ) -> np.ndarray:
        """The next state, same shape as ``x`` (a new array; ``x`` is left unchanged).

        Parameters
        ----------
        x : ndarray, shape (..., n_units)
            Current state(s).
        rng : numpy.random.Generator
            The run's random generator (for random update orders or noise).
        inputs : ndarray, optional
            External input at this step, or None.
        """

    def init_run(self, x0: np.ndarray, rng: np.random.Generator) -> Any:
        """Per-run state that :meth:`advance` carries from step to step (default None).

        A model whose steps share work across calls (a sweep split into parts
        keeps its random order and cursor; a cached local field) returns that
        state here instead of storing it on itself, so one model object can run
        in many threads at once and every run starts afresh.  Called once per
        run by :func:`attractors.simulate`, before the first step.

        Parameters
        ----------
        x0 : ndarray, shape (..., n_units)
            The run's initial state(s).
        rng : numpy.random.Generator
            The run's random generator.
        """
        return None

    def advance(
        self, x: np.ndarray, rng: np.random.Generator, inputs: np.ndarray | None, run_state: Any
    ) -> tuple[np.ndarray, Any]:
        """One step with explicit run state: ``(x_next, run_state)``.

        The default ignores the run state and calls :meth:`update`, so a model
        with stateless steps writes only :meth:`update`.  A model that overrides
        :meth:`init_run` overrides this too; :meth:`update` stays the stateless
        one-step map (a bare call starts from a fresh run state).

        Parameters
        ----------
        x : ndarray, shape (..., n_units)
            Current state(s); left unchanged.
        rng : numpy.random.Generator
            The run's random generator.
        inputs : ndarray or None
            External input at this step.
        run_state : object
            What :meth:`init_run` (or the previous :meth:`advance`) returned.
        """
        return self.update(x, rng, inputs), run_state

    def energy_of_run(
        self, x: np.ndarray, inputs: np.ndarray | None, run_state: Any
    ) -> np.ndarray | None:
        """The energy of ``x`` read from the run state, or None where it gives none (the default).

        :func:`attractors.simulate` asks at every record, with ``x`` the state
        :meth:`advance` (or :meth:`init_run`, for the first record) left in
        ``run_state`` and ``inputs`` the input at the record's time.  The answer
        must equal ``energy(x, inputs)`` (to round-off); it exists because the
        run state may hold the expensive part (the local fields
        :math:`h = W s` make :math:`E = -\\tfrac12 s^\\top h + (\\theta - u)^\\top s`
        cost :math:`O(N)` instead of a matrix product).  Where it returns None,
        :meth:`energy` is used instead.  It raises :class:`NotImplementedError`
        where :meth:`energy` does, and leaves ``run_state`` unchanged.

        Parameters
        ----------
        x : ndarray, shape (..., n_units)
            The state(s) just recorded.
        inputs : ndarray or None
            External input at the record's time.
        run_state : object
            The run state that goes with ``x``.
        """
        return None

    def initial_state(self, rng: np.random.Generator, n_trials: int | None = None) -> np.ndarray:
        """Random ±1 states (override for a model-specific distribution)."""
        signs = rng.integers(0, 2, size=self._batch_shape(n_trials)) * 2 - 1
        return signs.astype(self.state_dtype)
