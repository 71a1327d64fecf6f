r"""What :func:`~attractors.analysis.global_continuation` runs at each parameter value.

:class:`_Setup` rebuilds the model at a value, draws or takes the initial
states, maps them to attractors (:func:`~attractors.analysis.basins` or
:func:`~attractors.analysis.classify_attractor`) and returns per attractor its
count, label, a state on it and a feature, padded to a fixed number of slots
so that :func:`attractors.sweep` can stack the values.  :class:`_Point` is the
swept function; it travels to worker processes by value (cloudpickle).
:func:`_fingerprint` is a digest of the setup that is the same in every
process, so a sweep store made for another model or other starts is refused.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import inspect
import numbers
import pickle

import numpy as np

from .._system import DynamicalSystem
from .._validate import ParameterError, describe
from ._basin_classifiers import UNRECOGNISED
from ._basins import NOT_CONVERGED, basins

__all__: list[str] = []


class _Setup:
    """What every parameter value needs: the model (or its factory), starts, mapper options."""

    def __init__(self, system, parameter, initial_states, mapper, classifier, feature, options):
        self.system, self.parameter = system, parameter
        self.initial_states, self.mapper = initial_states, mapper
        # A copy: classifiers keep what they found (UniqueStates.states), and the user's
        # object must neither change under the run nor change the setup's fingerprint.
        self.classifier = copy.deepcopy(classifier)
        self.feature, self.options = feature, options
        self.max_attractors = None

    def model(self, value):
        if isinstance(self.system, DynamicalSystem):
            if isinstance(getattr(self.system, self.parameter), numbers.Integral):
                value = int(value)  # an integer field stays one (checked whole before)
            return dataclasses.replace(self.system, **{self.parameter: value})
        model = self.system(value)
        if not isinstance(model, DynamicalSystem):
            raise ParameterError(f"system({value!r}) must return a DynamicalSystem, got "
                                 f"{describe(model)}")
        return model

    def starts(self, model, rng):
        if callable(self.initial_states):
            return self.initial_states(model, rng)
        return self.initial_states

    def map(self, value, rng):
        """Labels per start, the attractors' keys, representative states and features."""
        model = self.model(value)
        x0 = self.starts(model, rng)
        if self.mapper == "basins":
            result = basins(model, x0, classifier=self.classifier, rng=rng, **self.options)
            labels, final = result.label.values, result.final_state.values
        else:
            from ._classify import ATTRACTOR_TYPES, classify_attractor

            result = classify_attractor(model, x0, rng=rng, **self.options)
            labels = np.array([ATTRACTOR_TYPES.index(kind) for kind in result.label.values])
            final = result.final_state.values
        keys = np.unique(labels[labels >= 0])
        n_slots = labels.size if self.max_attractors is None else self.max_attractors
        if keys.size > n_slots:
            raise ParameterError(f"{keys.size} attractors found at {self.parameter} = {value!r}, "
                                 f"more than max_attractors = {n_slots}: raise it, or label "
                                 "the states coarser (classifier)")
        count = np.zeros(n_slots, dtype=np.int64)
        key = np.full(n_slots, -3, dtype=np.int64)
        state = np.full((n_slots, model.n_units), np.nan)
        for slot, k in enumerate(keys):
            # Representative: a state on the attractor, the final state of the first start
            # that reached it (a fixed point's to within the rest tolerance; a point of a cycle).
            count[slot], key[slot] = np.sum(labels == k), k
            state[slot] = final[np.argmax(labels == k)]
        out = {"count": count, "key": key, "state": state,
               "not_converged": np.sum(labels == NOT_CONVERGED),
               "unrecognised": np.sum(labels == UNRECOGNISED)}
        if self.feature is not None:
            n_features = np.ravel(self.feature(final[:1], model)).size
            out["feature"] = np.full((n_slots, n_features), np.nan)
            for slot, k in enumerate(keys):
                out["feature"][slot] = np.ravel(self.feature(final[labels == k], model))
        return out


class _Point:
    """The function :func:`attractors.sweep` runs at each parameter value.

    The setup travels to worker processes by value (cloudpickle), so models,
    factories and classifiers defined in a script work on workers too.
    """

    def __init__(self, setup):
        self.setup = setup

    def __call__(self, value, fingerprint, rng):
        return self.setup.map(value, rng)

    def __reduce__(self):
        import cloudpickle

        return _rebuild, (cloudpickle.dumps(self.setup),)

    def __repr__(self):
        return "global_continuation point"


def _rebuild(payload):
    return _Point(pickle.loads(payload))


def _digest(value, update, depth=0):
    """Feed a description of ``value`` to ``update``, the same in every process.

    (cloudpickle is not: a class defined in a script gets a new random id per
    process.)  Arrays by dtype, shape and bytes; functions by name and source;
    other objects by type and attributes.
    """
    if depth > 20:
        update(b"...")
        return
    if isinstance(value, np.ndarray):
        update(f"array {value.dtype} {value.shape}".encode())
        update(np.ascontiguousarray(value).tobytes())
    elif value is None or isinstance(value, (bool, numbers.Number, str, bytes, np.generic)):
        update(repr(value).encode())
    elif isinstance(value, (list, tuple)):
        update(f"{type(value).__name__} {len(value)}".encode())
        for item in value:
            _digest(item, update, depth + 1)
    elif isinstance(value, dict):
        update(f"dict {len(value)}".encode())
        for key in sorted(value, key=repr):
            update(repr(key).encode())
            _digest(value[key], update, depth + 1)
    elif isinstance(value, functools.partial):
        _digest((value.func, value.args, value.keywords), update, depth + 1)
    elif inspect.isroutine(value) or inspect.isclass(value):
        update(f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}".encode())
        try:
            update(inspect.getsource(value).encode())
        except (OSError, TypeError):
            code = getattr(value, "__code__", None)
            update(code.co_code if code is not None else repr(value).encode())
        # What a function closes over and its defaults (a factory's patterns).
        cells = []
        for cell in getattr(value, "__closure__", None) or ():
            try:
                cells.append(cell.cell_contents)
            except ValueError:  # a cell not yet filled
                continue
        _digest((cells, getattr(value, "__defaults__", None)), update, depth + 1)
    else:
        _digest(type(value), update, depth + 1)
        if dataclasses.is_dataclass(value):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        else:
            fields = getattr(value, "__dict__", None)
        if fields is None:
            update(repr(value).encode())
        else:
            _digest(fields, update, depth + 1)


def _fingerprint(setup) -> str:
    """SHA-256 (24 hex digits) of the setup: model, starts, mapper and its options."""
    sha = hashlib.sha256()
    _digest(vars(setup), sha.update)
    return sha.hexdigest()[:24]
