"""What a run records: the record grid, the memory guard, and the Dataset built from the records."""

from __future__ import annotations

import os

import numpy as np

from ._trajectory import build_dataset, format_bytes

__all__ = ["Recorder", "assemble", "check_memory", "record_steps"]


def record_steps(n_steps, record_every):
    steps = np.arange(0, n_steps + 1, record_every, dtype=np.int64)
    if steps[-1] != n_steps:
        steps = np.append(steps, n_steps)  # the final state is always kept
    return steps


class Recorder:
    """The record of one run: states preallocated on the record grid, and when each was taken.

    Parameters
    ----------
    record_steps : ndarray of int
        The steps to record (0 first, the last step last).
    x0 : ndarray, shape (..., n_units)
        The initial state, recorded at once.
    """

    def __init__(self, record_steps, x0):
        # Plain Python ints in the loop: numpy scalars cost ~1 us a step there.
        self.targets = record_steps.tolist()
        self.states = np.empty((len(self.targets),) + x0.shape, dtype=x0.dtype)
        self.states[0] = x0
        self.taken = [0]  # the step at which each record was taken
        #: Records per block: blow-up checks and progress updates every ~128 steps.
        self.block = max(1, 128 // max(1, self.targets[1] - self.targets[0])) \
            if len(self.targets) > 1 else 1

    def __len__(self):
        return len(self.taken)

    def record(self, x, k):
        """Keep ``x``, reached at step ``k``, as the next record."""
        self.states[len(self.taken)] = x
        self.taken.append(k)

    def first_non_finite(self, start):
        """The first record from ``start`` on with a NaN or inf, and its trials, or None."""
        # Non-finite values propagate, so checking the records finds a blow-up.
        finite = np.isfinite(self.states[start:len(self.taken)]).all(axis=-1)
        if finite.all():
            return None
        bad_rows = ~finite.reshape(finite.shape[0], -1).all(axis=1)
        r_bad = start + int(np.argmax(bad_rows))
        return r_bad, np.argwhere(~finite[r_bad - start]).ravel().tolist()

    def result(self, t0, dt, n_records, status, message, steps_taken, criterion):
        """The run result with the first ``n_records`` records."""
        from ._stopping import RunResult

        return RunResult(self.states[:n_records], t0 + np.asarray(self.taken[:n_records]) * dt,
                         status, message, int(steps_taken), criterion.converged,
                         criterion.t_converged)


def _available_memory() -> int:
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 2**63


def check_memory(n_records, x0, observables, energy_defined):
    # The state, its step index, the observables and the energy of each record.
    per_record = x0.nbytes + 8 + sum(v.nbytes for _, v in observables.values())
    per_record += 8 * max(1, x0.size // x0.shape[-1]) if energy_defined else 0
    need = n_records * per_record
    available = _available_memory()
    if need > available:
        fitting = max(1, available // per_record)
        raise MemoryError(
            f"recording {n_records:,} states of shape {x0.shape} needs {format_bytes(need)}, "
            f"but only {format_bytes(available)} of memory is available; record fewer "
            f"states (record_every larger, at most about {fitting:,} records) or run shorter"
        )


def assemble(system, batch_shape, source, energy_note, run, attrs):
    """The trajectory Dataset of a run (a RunResult): records, energy, observables, input."""
    states, times = run.states, run.times
    batched = len(batch_shape) == 1
    recorded_input = None
    input_values = None
    if source is not None:
        target = tuple(batch_shape) + tuple(system.input_shape)
        value0 = np.asarray(source(times[0]))
        per_trial = batched and value0.ndim == len(target)
        shape = target if per_trial else tuple(system.input_shape)
        dims = (("trial",) if per_trial else ()) + tuple(system.input_dims)
        if getattr(source, "varies_in_time", True):
            stacked = np.stack([np.broadcast_to(source(t), shape) for t in times])
            recorded_input = (("time",) + dims, stacked)
            input_values = stacked if per_trial else stacked.reshape(
                (len(times),) + (1,) * len(batch_shape) + shape)
        else:
            constant = np.array(np.broadcast_to(value0, shape))
            recorded_input = (dims, constant)
            input_values = constant
    energy = None
    if energy_note == "recorded" and len(states):
        energy = np.asarray(system.energy(states, input_values), dtype=np.float64)
    observables = {}
    if len(states):
        observables = {k: (tuple(d), np.asarray(v)) for k, (d, v) in system.observables(states).items()}
    return build_dataset(
        system, states=states, times=times, batched=batched, energy=energy,
        energy_note=energy_note, observables=observables, recorded_input=recorded_input,
        converged=run.converged, t_converged=run.t_converged, attrs=attrs,
    )
