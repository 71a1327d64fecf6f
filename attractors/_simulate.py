"""simulate(): run any DynamicalSystem and return a labelled trajectory."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ._recording import (
    Recorder,
    assemble,
    check_initial_memory,
    check_memory,
    input_layout,
    record_steps,
)
from ._stopping import stop_criterion
from ._system import ContinuousSystem, DiscreteSystem, DynamicalSystem
from ._trajectory import encode_json_attr
from ._validate import (
    ParameterError,
    check_finite_array,
    check_integer,
    check_positive,
    describe,
)
from .inputs import as_input
from .solvers import RK4, MapStepper, get_solver

__all__ = ["BlowUpWarning", "simulate"]

class BlowUpWarning(RuntimeWarning):
    """A simulation produced NaN or inf and was stopped; the trajectory says when and where."""


def _resolve_rng(rng, seed):
    """One generator for the whole run, and the seed to write down (None if unknown)."""
    if rng is not None and seed is not None:
        raise ParameterError("give rng or seed, not both")
    if isinstance(rng, np.random.Generator):
        return rng, None
    if rng is not None:
        seed = rng
    if seed is None:
        # Draw a seed from the OS and record it, so every run can be repeated.
        seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> np.uint64(1))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(
            f"seed must be a non-negative integer (or rng a numpy Generator), got {describe(seed)}"
        )
    return np.random.default_rng(int(seed)), int(seed)


def _time_grid(system, t_span, n_steps, dt, solver):
    """Return (t0, dt, n_steps) after checking the time arguments."""
    discrete = isinstance(system, DiscreteSystem)
    if t_span is not None and n_steps is not None:
        raise ParameterError("give t_span or n_steps, not both")
    if t_span is None and n_steps is None:
        raise ParameterError("give the length of the run: t_span=(t0, t1) or n_steps")
    if discrete:
        step = check_positive(f"{system.name}.time_step", system.time_step)
        if dt is not None and dt != step:
            raise ParameterError(
                f"dt must be {step:g} (or left out) for the discrete-time {system.name}, "
                f"whose update() advances time by {step:g}; got {describe(dt)}"
            )
        if solver is not None:
            raise ParameterError(
                f"{system.name} is a map (DiscreteSystem) advanced by its own update(); "
                f"solver must be None, got {describe(solver)}"
            )
        dt = step
    elif dt is None:
        if solver is not None and get_solver(solver).adaptive:
            raise ParameterError("dt is required: it sets the time grid an adaptive solver reports on")
        raise ParameterError(f"dt is required for the continuous-time {system.name}")
    else:
        dt = check_positive("dt", dt)

    if n_steps is not None:
        return 0.0, dt, check_integer("n_steps", n_steps, minimum=1)
    # Discrete time: t_span is in time units, so it is a whole number of updates.
    if isinstance(t_span, np.ndarray) and t_span.ndim == 0:
        t_span = t_span.item()
    if _is_number(t_span):
        t_span = (0.0, t_span)
    # A string is iterable ('19' would run from t=1 to t=9): only numbers are times.
    pair = tuple(t_span) if isinstance(t_span, (tuple, list, np.ndarray)) else ()
    if len(pair) != 2 or not all(_is_number(t) for t in pair):
        raise ParameterError(
            f"t_span must be a number t1 or a pair of numbers (t0, t1), got {describe(t_span)}"
        )
    t0, t1 = (float(t) for t in pair)
    if not (np.isfinite(t0) and np.isfinite(t1)):
        raise ParameterError(f"t_span must be finite, got ({t0!r}, {t1!r})")
    if t1 <= t0:
        raise ParameterError(f"t_span must run forward (t1 > t0), got ({t0!r}, {t1!r})")
    steps = (t1 - t0) / dt
    n = round(steps)
    if n < 1 or abs(steps - n) > 1e-6 * max(1.0, steps):
        raise ParameterError(
            f"t_span ({t0:g}, {t1:g}) is not a whole number of steps of dt={dt:g} "
            f"({steps:.6g} steps); choose dt so that (t1 - t0) / dt is an integer"
        )
    return t0, dt, n


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _initial_states(system, x0, n_trials, rng):
    """The run's initial states: x0 checked and copied, or drawn (sized before drawing)."""
    n = system.n_units
    if x0 is None:
        if n_trials is not None:
            n_trials = check_integer("n_trials", n_trials, minimum=1)
        check_initial_memory(system, n_trials)
        x0 = system.initial_state(rng, n_trials)
    x0 = check_finite_array("x0", x0)
    if x0.dtype.kind == "c" and system.state_dtype.kind != "c":
        raise ParameterError(
            f"x0 must be real: {system.name} has real states (dtype {system.state_dtype}), "
            f"got a complex x0 ({describe(x0)}); numpy would silently drop the imaginary part"
        )
    if x0.ndim not in (1, 2) or x0.shape[-1] != n:
        raise ParameterError(
            f"x0 must have shape ({n},) for one trial or (n_trials, {n}) for a batch "
            f"({system.name} has {n} units), got shape {x0.shape}"
        )
    if n_trials is not None and (x0.ndim != 2 or x0.shape[0] != n_trials):
        raise ParameterError(f"n_trials={n_trials} does not match x0 of shape {x0.shape}")
    dtype = system.state_dtype
    if dtype.kind == "f" and x0.dtype.kind != "f":
        x0 = x0.astype(dtype)
    return np.array(x0, dtype=np.result_type(x0.dtype, dtype), copy=True)


def _check_system(system):
    if not isinstance(system, DynamicalSystem):
        raise ParameterError(
            f"system must be an attractors.DynamicalSystem, got {describe(system)}"
        )
    n_units = getattr(system, "n_units", None)
    if isinstance(n_units, bool) or not isinstance(n_units, numbers.Integral) or n_units < 1:
        raise ParameterError(
            f"{system.name}.n_units must be a positive integer, got {describe(n_units)}"
        )


def _probe(system, x0, t0, source, record_energy, n_records):
    """Call the model once on x0 and size the run (wrong shapes fail here, not after an hour).

    The energy is counted in the record's size whenever it is asked for (8 bytes a
    trial per record): whether the model defines one is asked later, from the
    stepper's state where it can answer (:func:`_start_energy`).
    """
    u0 = None if source is None else source(t0)
    if isinstance(system, ContinuousSystem):
        slope = np.asarray(system.vector_field(t0, x0, u0))
        if slope.shape != x0.shape:
            raise ParameterError(
                f"{system.name}.vector_field returned shape {slope.shape} for a state of "
                f"shape {x0.shape}; it must return dx/dt of the same shape"
            )
    observables = {k: (tuple(d), np.asarray(v)) for k, (d, v) in system.observables(x0).items()}
    recorded_input = None  # one input value per record, for an input that varies in time
    if source is not None and getattr(source, "varies_in_time", True):
        recorded_input = np.broadcast_to(u0, input_layout(system, x0.shape[:-1], u0)[1])
    check_memory(n_records, x0, observables, record_energy, recorded_input)


def _energy_note(system, x0, t0, source, record_energy):
    """The trajectory's energy note: "recorded" or why not, asking the model on one trial.

    Only whether the model defines an energy is asked here: one trial answers it
    (the records' energies are computed later, and a batch's costs a product per
    trial in a Hopfield network).
    """
    if not record_energy:
        return "not recorded (record_energy=False)"
    u0 = None if source is None else source(t0)
    x_one, u_one = x0, u0
    if x0.ndim == 2:
        x_one = x0[:1]
        if u0 is not None and input_layout(system, x0.shape[:-1], u0)[0]:
            u_one = np.asarray(u0)[:1]
    try:
        np.asarray(system.energy(x_one, u_one))
    except NotImplementedError as reason:
        return f"not defined: {reason}"
    return "recorded"


def _start_energy(system, solver, state, x0, t0, source, record_energy):
    """``(energy note, energy of x0)`` at the start of a fixed-step run.

    The energy of x0 comes from the stepper's state where it holds it (a Hopfield
    network's local fields, ``energy_of_run``): the run's energies are then read
    at every record and the model is not asked separately.  Otherwise it is None,
    the model is asked on one trial (:func:`_energy_note`), and the energies are
    evaluated from the records after the run.
    """
    if record_energy:
        try:
            energy0 = solver.state_energy(t0, x0, state)
        except NotImplementedError as reason:
            return f"not defined: {reason}", None
        if energy0 is not None:
            return "recorded", energy0
    return _energy_note(system, x0, t0, source, record_energy), None


def simulate(
    system: DynamicalSystem,
    x0=None,
    t_span=None,
    *,
    n_steps: int | None = None,
    dt: float | None = None,
    solver=None,
    inputs=None,
    record_every: int = 1,
    stop_at_fixed_point: bool = False,
    tol: float | None = None,
    n_trials: int | None = None,
    rng=None,
    seed: int | None = None,
    progress: bool = False,
    record_energy: bool = True,
):
    r"""Run a dynamical system and return its labelled trajectory.

    A :class:`~attractors.ContinuousSystem` is integrated,
    :math:`x(t + h) = \Phi_h(x(t))` with the chosen solver, on the grid
    :math:`t_k = t_0 + k\,dt`; a :class:`~attractors.DiscreteSystem` is iterated,
    :math:`x_{k+1} = \mathrm{update}(x_k)`, one step per unit of time.  A batch of
    initial states (shape ``(n_trials, n_units)``) runs in one vectorised pass.

    Parameters
    ----------
    system : DynamicalSystem
        The model.
    x0 : array_like, shape (n_units,) or (n_trials, n_units), optional
        Initial state(s).  Default: ``system.initial_state(rng, n_trials)``.
    t_span : float or (float, float), optional
        ``t1`` or ``(t0, t1)``; the run covers ``(t1 - t0) / dt`` steps.
    n_steps : int, optional
        Number of steps instead of ``t_span`` (starting at t = 0).
    dt : float
        Step size for fixed-step solvers, or the spacing of the reported grid for
        the adaptive solver.  Discrete systems step by 1 and take no ``dt``.
    solver : Solver or str, optional
        For continuous systems: a :mod:`attractors.solvers` object or name
        (default :class:`~attractors.solvers.RK4`).  Discrete systems take none.
    inputs : None, array_like, callable or Sampled
        External input: constant, a function ``u(t)``, or a sampled series
        (:mod:`attractors.inputs`); shared by all trials or one per trial.
    record_every : int
        Record every k-th step (the initial and final states are always recorded).
    stop_at_fixed_point : bool
        Stop when every trial is at a fixed point.  Discrete: an update leaves
        the state unchanged (within ``tol``, default 0).  Continuous:
        :math:`\max_i |F_i(t, x)| \le` ``tol`` (default 1e-8) at a recorded
        state.  Adds ``converged`` and ``t_converged`` per trial (always
        present for discrete systems).
    tol : float, optional
        Tolerance of the fixed-point test.
    n_trials : int, optional
        Number of random initial states to draw when ``x0`` is None.
    rng : numpy.random.Generator or int, optional
        Random generator (or seed) for initial states, noise and random update orders.
    seed : int, optional
        Seed, written into the trajectory.  Without ``rng`` or ``seed`` a seed
        is drawn from the operating system and written down, so every run can
        be repeated bit for bit.
    progress : bool
        Show a progress bar (tqdm).
    record_energy : bool, default True
        Record the energy where the model defines one.  Turn it off to save the
        cost of evaluating it when only the states matter (the ``energy`` attr
        then says "not recorded").

    Returns
    -------
    xarray.Dataset
        Dims ``time``, ``unit`` (and ``trial`` for a batch).  Variables:
        ``state``; ``energy`` where the model defines one; the model's
        observables; ``input`` when inputs were given (at the recorded times,
        or once for a constant) and, for a sampled input, the whole series
        ``input_series`` over ``input_time``; ``converged`` and
        ``t_converged`` when fixed points were tested; ``param_<name>`` for
        each model parameter array above 10,000 elements.  Attributes:
        ``model``, ``parameters`` (JSON; big arrays referenced by variable
        name), ``solver``, ``solver_options``, ``dt``, ``seed``,
        ``attractors_version``, ``status`` (``"completed"``, ``"converged"``,
        ``"blew_up"`` or ``"failed"``) and ``message``.  The file alone
        repeats the run: :func:`attractors.parameters` rebuilds the model,
        :func:`attractors.inputs.from_trajectory` the input, ``attrs["seed"]``
        the randomness.

    Raises
    ------
    ParameterError
        For bad arguments (a complex ``x0`` or input for a real model, a
        ``t_span`` that is not numbers, ...), before any work starts.
    MemoryError
        When the initial states to draw, or the record (states, times, energy,
        observables and input) with the step's working copies, would not fit
        in memory: raised before they are allocated, with the sizes (a
        ``TooLargeError``, which is also a ParameterError).

    Notes
    -----
    The loop is one code path for flows and maps: ``state =
    solver.init(...)`` once, then ``x, state = solver.step(t, x, state)``
    every step (:mod:`attractors.solvers`; a map is advanced by
    :class:`~attractors.solvers.MapStepper` through the model's
    ``init_run``/``advance``).  Per-run state lives in the loop, never on the
    model, so one model may run in several threads at once.

    Warns
    -----
    BlowUpWarning
        When the state becomes NaN or inf; the run stops there and the
        trajectory keeps the states recorded until then.

    Examples
    --------
    >>> import attractors
    >>> from attractors.models import LinearSystem
    >>> run = attractors.simulate(LinearSystem([[-1.0]]), [1.0], t_span=2.0, dt=0.01)
    >>> round(float(run.state.sel(time=2.0, unit=0)), 6)  # exp(-2)
    0.135335
    """
    _check_system(system)
    discrete = isinstance(system, DiscreteSystem)
    t0, dt, n_steps = _time_grid(system, t_span, n_steps, dt, solver)
    solver = MapStepper() if discrete else get_solver(RK4() if solver is None else solver)
    record_every = check_integer("record_every", record_every, minimum=1)
    tol = check_positive("tol", (0.0 if discrete else 1e-8) if tol is None else tol,
                         allow_zero=True)
    rng, seed = _resolve_rng(rng, seed)
    x0 = _initial_states(system, x0, n_trials, rng)
    source = as_input(inputs, system, x0.shape[:-1], (t0, t0 + n_steps * dt))
    _probe(system, x0, t0, source, record_energy, n_steps // record_every + 1
           + (n_steps % record_every != 0))

    from tqdm.auto import tqdm  # light import, only when running

    with tqdm(total=n_steps, disable=not progress, unit="step", desc=system.name) as bar, \
            np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if solver.adaptive:
            from ._adaptive import run_adaptive

            energy_note = _energy_note(system, x0, t0, source, record_energy)
            run = run_adaptive(system, solver, x0, t0, dt, record_steps(n_steps, record_every),
                               source, stop_at_fixed_point, tol, bar)
        else:
            criterion = stop_criterion(system, discrete, stop_at_fixed_point, tol, t0, dt, x0,
                                       source)
            state = solver.init(system, x0, t0, dt, source, rng)
            energy_note, energy0 = _start_energy(system, solver, state, x0, t0, source,
                                                 record_energy)
            run = _run_fixed_step(system, solver, state, x0, t0, dt, n_steps, record_every,
                                  source, criterion, bar, energy0)

    if run.status == "blew_up":
        warnings.warn(run.message, BlowUpWarning, stacklevel=2)
    return assemble(system, x0.shape[:-1], source, energy_note, run,
                    {"solver": solver.name, "solver_options": encode_json_attr(solver.options()),
                     "dt": dt, "record_every": record_every, "n_steps": run.steps_taken,
                     "status": run.status, "message": run.message,
                     "inputs": repr(source) if source else "none",
                     **({"seed": seed} if seed is not None else
                        {"rng": "user-supplied numpy Generator (seed unknown)"})})


def _stepping(step, t0, dt, after_step):
    """``run_to(x, state, k, target) -> (x, state, k)``: steps up to ``target`` (or a stop)."""
    if after_step is None:
        def run_to(x, state, k, target):
            if target - k == 1:  # recording every step: no loop set-up
                x, state = step(t0 + k * dt, x, state)
                return x, state, target
            for i in range(k, target):
                x, state = step(t0 + i * dt, x, state)
            return x, state, target
    else:
        def run_to(x, state, k, target):
            while k < target:
                x, state = step(t0 + k * dt, x, state)
                k += 1
                if after_step(k, x):
                    break
            return x, state, k
    return run_to


def _blow_up_message(times, r_bad, trials, batched):
    t_last, t_bad = times[r_bad - 1], times[r_bad]
    where = f"in trial(s) {trials} " if batched else ""
    return (f"the state became non-finite (NaN or inf) {where}between t={t_last:g} and "
            f"t={t_bad:g}; the run was stopped and the states recorded up to t={t_last:g} "
            f"are kept (reduce dt, or check the model's parameters for instability)")


def _energy_reader(system, solver, source):
    """``read(t, x, state)``: a record's energy from the stepper's state, else ``system.energy``."""
    def read(t, x, state):
        energy = solver.state_energy(t, x, state)
        if energy is None:
            energy = system.energy(x, None if source is None else source(t))
        return energy

    return read


def _run_fixed_step(system, solver, state, x, t0, dt, n_steps, record_every, source, criterion,
                    bar, energy0):
    """The stepping loop shared by every fixed-step solver and every map: a RunResult.

    ``state`` is the solver's state for ``x``; ``energy0`` the energy of ``x`` read
    from it (then every record's is read), or None.
    """
    run_to = _stepping(solver.step, t0, dt, criterion.after_step if criterion.per_step else None)
    read_energy = None if energy0 is None else _energy_reader(system, solver, source)
    recorder = Recorder(n_steps, record_every, x, energy0)
    k, stopped = 0, False
    while recorder.count < recorder.n_records and not stopped:
        block_start, k_block = recorder.count, k
        for r in range(block_start, min(block_start + recorder.block, recorder.n_records)):
            x, state, k = run_to(x, state, k, recorder.target(r))
            recorder.record(x, k, None if read_energy is None else read_energy(t0 + k * dt, x,
                                                                               state))
            if criterion.at_record(t0 + k * dt, x):
                stopped = True
                break
        bar.update(k - k_block)
        bad = recorder.first_non_finite(block_start)
        if bad is not None:
            r_bad, trials = bad
            message = _blow_up_message(t0 + recorder.taken * dt, r_bad, trials, x.ndim > 1)
            return recorder.result(t0, dt, r_bad, "blew_up", message, recorder.taken[r_bad],
                                   criterion)
    if stopped:
        message = (f"every trial reached a fixed point (tol={criterion.tol:g}) by "
                   f"t={np.max(criterion.t_converged):g}; stopped at t={t0 + k * dt:g}")
        return recorder.result(t0, dt, recorder.count, "converged", message, k, criterion)
    return recorder.result(t0, dt, recorder.count, "completed", f"ran {n_steps} steps", k,
                           criterion)
