"""What a run records: the record grid, the memory guard, and the Dataset built from the records.

The memory guard sizes everything a run will hold before any of it is made:
the initial states it draws, the record of states and their times, the energy,
observables and input recorded with them, and the solver's working copies of
the state.  Energy and observables are evaluated over the record in blocks of
about :data:`BLOCK_BYTES` of states, so their temporaries stay bounded.
"""

from __future__ import annotations

import numpy as np

from ._allocation import available_memory
from ._trajectory import build_dataset, format_bytes
from ._validate import ParameterError

__all__ = ["Recorder", "TooLargeError", "assemble", "check_initial_memory", "check_memory",
           "record_steps"]

#: States per block when energy and observables are evaluated over the record.
BLOCK_BYTES = 32 * 2**20
#: Working copies of the state a step holds at once (RK4: x, 4 slopes, a stage
#: and its temporaries), counted by the memory guard.
_STEP_COPIES = 8


class TooLargeError(ParameterError, MemoryError):
    """A run would not fit in memory; raised, with the sizes, before anything is allocated.

    Both a :class:`~attractors.ParameterError` (the arguments ask for too much)
    and a :class:`MemoryError`.
    """


def record_steps(n_steps, record_every):
    steps = np.arange(0, n_steps + 1, record_every, dtype=np.int64)
    if steps[-1] != n_steps:
        steps = np.append(steps, n_steps)  # the final state is always kept
    return steps


class Recorder:
    """The record of one run: states preallocated on the record grid, and when each was taken.

    Record ``r`` is due at step ``min(r * record_every, n_steps)`` (computed, not
    stored: a list of ten million Python ints would outweigh a one-unit record).

    Parameters
    ----------
    n_steps, record_every : int
        Length of the run and the recording interval.
    x0 : ndarray, shape (..., n_units)
        The initial state, recorded at once.
    energy0 : ndarray, shape x0.shape[:-1], optional
        Its energy, where the stepper reads energies from its run state: the
        record then keeps one energy per state (see :meth:`record`).
    """

    def __init__(self, n_steps, record_every, x0, energy0=None):
        self.n_steps, self.every = n_steps, record_every
        self.n_records = n_steps // record_every + 1 + (n_steps % record_every != 0)
        self.states = np.empty((self.n_records,) + x0.shape, dtype=x0.dtype)
        self.states[0] = x0
        self.taken = np.zeros(self.n_records, dtype=np.int64)  # the step of each record
        self.energy = None
        if energy0 is not None:
            self.energy = np.empty((self.n_records,) + x0.shape[:-1])
            self.energy[0] = energy0
        self.count = 1
        #: Records per block: blow-up checks and progress updates every ~128 steps.
        self.block = max(1, 128 // min(record_every, n_steps))

    def target(self, r):
        """The step at which record ``r`` is due (a Python int)."""
        return min(r * self.every, self.n_steps)

    def record(self, x, k, energy=None):
        """Keep ``x``, reached at step ``k`` (and its energy, when energies are kept)."""
        self.states[self.count] = x
        self.taken[self.count] = k
        if self.energy is not None:
            self.energy[self.count] = energy
        self.count += 1

    def first_non_finite(self, start):
        """The first record from ``start`` on with a NaN or inf, and its trials, or None."""
        # Non-finite values propagate, so checking the records finds a blow-up.
        finite = np.isfinite(self.states[start:self.count]).all(axis=-1)
        if finite.all():
            return None
        bad_rows = ~finite.reshape(finite.shape[0], -1).all(axis=1)
        r_bad = start + int(np.argmax(bad_rows))
        return r_bad, np.argwhere(~finite[r_bad - start]).ravel().tolist()

    def result(self, t0, dt, n_records, status, message, steps_taken, criterion):
        """The run result with the first ``n_records`` records."""
        from ._stopping import RunResult

        return RunResult(self.states[:n_records], t0 + self.taken[:n_records] * dt,
                         status, message, int(steps_taken), criterion.converged,
                         criterion.t_converged,
                         None if self.energy is None else self.energy[:n_records])


def _refuse(need, what, advice):
    available = available_memory()
    if need > available:
        raise TooLargeError(f"{what} needs {format_bytes(need)}, but only "
                            f"{format_bytes(available)} of memory is available; {advice}")


def check_initial_memory(system, n_trials):
    """Size the initial states to draw before drawing them (the record is sized after)."""
    n_elements = float(np.prod(system._batch_shape(n_trials), dtype=np.float64))
    # The draw's temporaries (int64 or float64), the states and the run's copy.
    need = n_elements * (8 + 2 * system.state_dtype.itemsize)
    trials = f"n_trials={n_trials:,} initial states" if n_trials is not None else "an initial state"
    _refuse(need, f"drawing {trials} of {system.n_units:,} units",
            "lower n_trials" if n_trials is not None else "run a smaller model")


def input_layout(system, batch_shape, value):
    """How an input value is recorded: ``(per_trial, shape, dims)`` of one time's value."""
    target = tuple(batch_shape) + tuple(system.input_shape)
    per_trial = len(batch_shape) == 1 and np.ndim(value) == len(target)
    shape = target if per_trial else tuple(system.input_shape)
    dims = (("trial",) if per_trial else ()) + tuple(system.input_dims)
    return per_trial, shape, dims


def memory_estimate(n_records, x0, observables, energy_defined, input_value=None):
    """Bytes a run holds at its peak, ``(fixed, per_record)``.

    ``input_value`` is the input at the start for an input that varies in time
    (recorded at every record), None otherwise.
    """
    batch = max(1, x0.size // x0.shape[-1])
    # Each record: the state, its step and time, the observables, the energy and
    # the input at that time.
    per_record = x0.nbytes + 16 + sum(v.nbytes for _, v in observables.values())
    per_record += 8 * batch if energy_defined else 0
    if input_value is not None:
        per_record += max(np.asarray(input_value).nbytes, 8)
    # The step's working copies, and the block temporaries of energy/observables.
    fixed = _STEP_COPIES * x0.nbytes + 2 * min(BLOCK_BYTES, n_records * x0.nbytes)
    return fixed, per_record


def check_memory(n_records, x0, observables, energy_defined, input_value=None):
    """Refuse (TooLargeError, a MemoryError) a run whose record would not fit in memory."""
    fixed, per_record = memory_estimate(n_records, x0, observables, energy_defined, input_value)
    fitting = max(1, (available_memory() - fixed) // per_record)
    _refuse(fixed + n_records * per_record,
            f"recording {n_records:,} states of shape {x0.shape} (with their energy, "
            f"observables and input)",
            f"record fewer states (record_every larger, at most about {fitting:,} records) or "
            f"run shorter")


def _in_blocks(function, states, inputs, per_time_input):
    """``function(states, inputs)`` evaluated over blocks of records, concatenated."""
    size = max(1, BLOCK_BYTES // max(1, states[0].nbytes))
    if size >= len(states):
        return function(states, inputs)
    parts = [function(states[i:i + size], inputs[i:i + size] if per_time_input else inputs)
             for i in range(0, len(states), size)]
    if isinstance(parts[0], dict):
        return {k: (parts[0][k][0], np.concatenate([np.asarray(p[k][1]) for p in parts]))
                for k in parts[0]}
    return np.concatenate([np.asarray(p) for p in parts])


def _record_input(system, source, times, batch_shape):
    """The input as recorded: ``(variables, values for energy, per_time)``.

    ``variables`` holds ``input`` (at the recorded times, or once for a constant)
    and, for a sampled input, the whole series (``input_series`` over
    ``input_time``), so that the file alone rebuilds the run.
    """
    from .inputs import Sampled

    per_trial, shape, dims = input_layout(system, batch_shape, np.asarray(source(times[0])))
    if not getattr(source, "varies_in_time", True):
        constant = np.array(np.broadcast_to(source(times[0]), shape))
        return {"input": (dims, constant)}, constant, False
    stacked = np.stack([np.broadcast_to(source(t), shape) for t in times])
    values = stacked if per_trial else stacked.reshape(
        (len(times),) + (1,) * len(batch_shape) + shape)
    variables = {"input": (("time",) + dims, stacked)}
    if isinstance(source, Sampled):
        sample_layout = input_layout(system, batch_shape, source.values[0])
        series = np.array(np.broadcast_to(source.values, (len(source.times),) + sample_layout[1]))
        variables["input_series"] = (("input_time",) + sample_layout[2], series,
                                     {"long_name": "external input as given (sampled series)",
                                      "interpolation": source.kind})
        variables["input_time"] = (("input_time",), source.times)
    return variables, values, True


def assemble(system, batch_shape, source, energy_note, run, attrs):
    """The trajectory Dataset of a run (a RunResult): records, energy, observables, input."""
    states, times = run.states, run.times
    batched = len(batch_shape) == 1
    input_variables, input_values, per_time = {}, None, False
    if source is not None and len(times):
        input_variables, input_values, per_time = _record_input(system, source, times,
                                                                batch_shape)
    energy = None
    if energy_note == "recorded" and run.energy is not None:
        energy = run.energy  # read from the run state at every record
    elif energy_note == "recorded" and len(states):
        energy = np.asarray(_in_blocks(system.energy, states, input_values, per_time),
                            dtype=np.float64)
    observables = {}
    if len(states):
        recorded = _in_blocks(lambda x, u: system.observables(x), states, None, False)
        observables = {k: (tuple(d), np.asarray(v)) for k, (d, v) in recorded.items()}
    return build_dataset(
        system, states=states, times=times, batched=batched, energy=energy,
        energy_note=energy_note, observables=observables, recorded_input=input_variables,
        converged=run.converged, t_converged=run.t_converged, attrs=attrs,
    )
