r"""Global continuation: attractors and their basin fractions across a parameter grid.

After Attractors.jl's ``global_continuation`` (Datseris, Rossi & Wagemakers
2023): at every value :math:`p_k` of a parameter, initial states are sampled
and mapped to the attractors they reach (:func:`~attractors.analysis.basins`
for fixed points, or :func:`~attractors.analysis.classify_attractor` for
attractors of every type), giving basin fractions :math:`f_a(p_k)`.  The
attractors found at neighbouring values are then *matched*, so that one id
names one attractor as it moves: the assignment between the attractors
:math:`\{a\}` at :math:`p_{k-1}` and :math:`\{b\}` at :math:`p_k` minimises
:math:`\sum d(a, b)` (Hungarian algorithm, Kuhn 1955) over the Euclidean
distance between representative states or user features; a pair farther
apart than ``threshold``, and an attractor left unpaired, gets a new id that
was never used before (Attractors.jl's ``unique_keys``), and an attractor that
is not found again has fraction 0 from there on.

The per-value work runs on :func:`attractors.sweep` (workers, per-value seeds,
a store to resume from); the matching is a serial pass over its result.
"""

from __future__ import annotations

import numbers

import numpy as np
import xarray as xr

from .._system import DynamicalSystem
from .._validate import (
    ParameterError,
    check_choice,
    check_finite_array,
    check_integer,
    check_model_field,
    describe,
)
from ._basin_classifiers import UNRECOGNISED
from ._basins import NOT_CONVERGED, wilson_interval
from ._global_mapping import _fingerprint, _Point, _Setup
from ._stability import _labelled

__all__ = ["global_continuation"]

_SPECIAL = {NOT_CONVERGED: "not converged", UNRECOGNISED: "unrecognised"}


# --------------------------------------------------------------------------- matching


def _distance(a, b):
    d = np.sqrt(np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=-1))
    return np.where(np.isfinite(d), d, np.inf)


def _match(vectors, present, threshold, use_vanished):
    """Ids per value and slot, by Hungarian assignment against the previous attractors."""
    from scipy.optimize import linear_sum_assignment

    ids = [np.arange(present[0].sum())]
    latest = {k: vectors[0][k] for k in range(ids[0].size)}  # id -> last representation
    previous = list(latest)
    next_id = ids[0].size
    for k in range(1, len(vectors)):
        current = vectors[k][: present[k].sum()]
        candidates = list(latest) if use_vanished else previous
        assigned = np.full(current.shape[0], -1, dtype=np.int64)
        if candidates and current.shape[0]:
            cost = _distance(np.array([latest[c] for c in candidates]), current)
            finite = np.where(np.isfinite(cost), cost, 1e300)
            rows, cols = linear_sum_assignment(finite)
            for r, c in zip(rows, cols):
                if cost[r, c] <= threshold:
                    assigned[c] = candidates[r]
        for c in np.flatnonzero(assigned < 0):
            assigned[c] = next_id
            next_id += 1
        for c, a in enumerate(assigned):
            latest[int(a)] = current[c]
        previous = [int(a) for a in assigned]
        ids.append(assigned)
    return ids


# --------------------------------------------------------------------------- checks


def _check(system, parameter, values, mapper, match, threshold):
    if isinstance(system, DynamicalSystem):
        check_model_field(system, parameter, otherwise=" or a function value -> model")
    elif not callable(system):
        raise ParameterError(f"system must be a DynamicalSystem or a function value -> model, "
                             f"got {describe(system)}")
    elif not isinstance(parameter, str) or not parameter.isidentifier():
        raise ParameterError(f"parameter must be a name (an identifier), got {describe(parameter)}")
    if parameter in ("attractor", "unit", "feature", "name"):
        raise ParameterError(f"parameter must not be named {parameter!r} (a dimension of the result)")
    values = check_finite_array("values", values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ParameterError(f"values must be a non-empty 1-D list of numbers, got "
                             f"{describe(values)}")
    if isinstance(system, DynamicalSystem) and isinstance(getattr(system, parameter),
                                                         numbers.Integral):
        if np.any(values != np.round(values)):
            raise ParameterError(f"parameter {parameter!r} of {type(system).__name__} is an "
                                 f"integer: values must be whole numbers, got {describe(values)}")
    if np.unique(values).size != values.size:
        raise ParameterError(f"values must not repeat, got {describe(values)}")
    mapper = check_choice("mapper", mapper, ("basins", "type"))
    match = check_choice("match", match, ("distance", "label"))
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or \
            not threshold > 0:
        raise ParameterError(f"threshold must be a positive number (or inf), got "
                             f"{describe(threshold)}")
    return values, mapper, match, float(threshold)


def _check_starts(setup, values):
    """Validate the starts at the first value before any work (the model's size, their shape)."""
    model = setup.model(float(values[0]))
    if callable(setup.initial_states):
        x0 = setup.starts(model, np.random.default_rng(0))
    else:
        x0 = setup.initial_states = check_finite_array("initial_states", setup.initial_states,
                                                       dtype=np.float64)
    x0 = np.asarray(x0)
    if x0.ndim != 2 or x0.shape[1] != model.n_units or x0.shape[0] == 0:
        raise ParameterError(f"initial_states must have shape (n_starts, {model.n_units}) for "
                             f"{model.name}, got shape {x0.shape}")
    return model, x0.shape[0]


# --------------------------------------------------------------------------- public


def global_continuation(system, parameter, values, initial_states, *, mapper="basins",
                        classifier=None, feature=None, match="distance", threshold=np.inf,
                        use_vanished=False, t_span=None, n_steps=None, dt=None, solver=None,
                        tol=None, options=None, max_attractors=None, confidence=0.95, seed=0,
                        workers=None, store=None, progress=False) -> xr.Dataset:
    r"""Attractors and basin fractions across parameter values, with ids kept across steps.

    At every value :math:`p_k` the model is rebuilt (``dataclasses.replace``
    of the field ``parameter``, or ``system(p_k)`` for a factory), the
    initial states are run to their attractors and each attractor's basin
    fraction :math:`f_a(p_k) = n_a / n` is estimated with a Wilson interval.
    Attractors at neighbouring values are matched by the Hungarian assignment
    minimising :math:`\sum_{(a,b)} \lVert v_a(p_{k-1}) - v_b(p_k)\rVert`
    over representative vectors :math:`v` (a state on the attractor, or
    ``feature``: give one for cycles, whose states depend on the phase);
    pairs farther than ``threshold`` and unpaired attractors get new ids,
    never reused.  With ``match="label"`` the classifier's labels are the
    ids (it already names attractors the same way at every value, as
    :class:`NearestPattern` does).  The values run on
    :func:`attractors.sweep`, so they parallelise and resume.

    Parameters
    ----------
    system : DynamicalSystem or callable
        A dataclass model whose field ``parameter`` is a real number, or a
        function ``value -> model`` (e.g. a Hopfield network storing
        :math:`\mathrm{round}(\alpha N)` patterns at load :math:`\alpha`).
    parameter : str
        The field continued (or, with a factory, the name of the axis).
    values : array_like of float
        Parameter values, in the order in which attractors are matched.
    initial_states : array_like, shape (n_starts, n_units), or callable
        The same starts at every value, or ``initial_states(model, rng) ->
        array`` drawn at each value from its seeded generator.
    mapper : {"basins", "type"}
        :func:`basins` (fixed points, labelled by ``classifier``) or
        :func:`classify_attractor` (one attractor per type: fixed point,
        periodic, quasi-periodic, chaotic, divergent).
    classifier : callable, optional
        For ``mapper="basins"`` (default :class:`UniqueStates`).  With
        :class:`AttractorType` every attractor (fixed point, cycle, torus,
        chaotic set) is found apart; match its cycles by a ``feature`` (a
        point of a cycle depends on its phase); -1 is then "divergent".
    feature : callable, optional
        ``feature(final_states, model) -> vector``, evaluated on the final
        states of each basin; matched on instead of the mean state.
    match : {"distance", "label"}
    threshold : float
        Largest matching distance (default inf: match whenever possible).
    use_vanished : bool
        Match also against attractors not found at the previous value (by
        their last representation), so an attractor that reappears keeps its id.
    t_span, n_steps, dt, solver, tol
        Run length and solver, as for :func:`basins` (``dt`` and ``solver``
        also for ``mapper="type"``).
    options : mapping, optional
        Further keywords of the mapper (e.g. ``transient``, ``t_search``).
    max_attractors : int, optional
        Most attractors at one value (default: the number of starts).  Each
        value returns its attractors' states padded to this many, so a small
        bound saves memory and transfer from workers; more raise an error.
    confidence : float
        Level of the Wilson intervals.
    seed : int
        Root seed; each value draws from its own stream (:func:`attractors.sweep`).
    workers : None, int, "processes", Executor or dask Client
        Where the values run (``scheduler`` of :func:`attractors.sweep`).
    store : path, optional
        A folder to resume from (see :func:`attractors.sweep`).
    progress : bool

    Returns
    -------
    xarray.Dataset
        Dims ``parameter`` (named after it), ``attractor`` (the ids, then -1
        "not converged" and -2 "unrecognised" where they occur; coordinate
        ``name``), ``unit`` and ``feature`` (with ``feature``).  Variables
        ``count``, ``fraction`` (summing to 1 at each value),
        ``fraction_low``, ``fraction_high``, ``exists``, ``attractor_state``
        (final state of the first start that reached it; NaN where absent), ``attractor_feature``,
        ``n_attractors``.

    References
    ----------
    G. Datseris, K. L. Rossi and A. Wagemakers, Chaos 33, 073151 (2023);
    H. W. Kuhn, Naval Res. Logist. Q. 2, 83 (1955).

    Examples
    --------
    A bistable unit :math:`\dot x = h - x + 2\tanh x`: as :math:`h` falls,
    its upper state (id 1) vanishes in a fold at
    :math:`h = \operatorname{arccosh}\sqrt2 - \sqrt2 \approx -0.533`:

    >>> import dataclasses, numpy as np, attractors
    >>> @dataclasses.dataclass(frozen=True)
    ... class Unit(attractors.ContinuousSystem):
    ...     h: float = 0.0
    ...     n_units = 1
    ...     def vector_field(self, t, x, inputs=None):
    ...         return self.h - x + 2 * np.tanh(x)
    >>> starts = np.linspace(-3, 3, 20)[:, None]
    >>> result = global_continuation(Unit(), "h", [0.0, -0.3, -0.6], starts,
    ...                              t_span=40, dt=0.05)
    >>> result.fraction.sel(attractor=[0, 1]).values.round(2).tolist()
    [[0.5, 0.5], [0.55, 0.45], [1.0, 0.0]]
    """
    from .._sweep import sweep

    values, mapper, match, threshold = _check(system, parameter, values, mapper, match, threshold)
    if mapper == "type" and classifier is not None:
        raise ParameterError("classifier is for mapper='basins'; mapper='type' labels by type")
    if feature is not None and not callable(feature):
        raise ParameterError(f"feature must be callable (final_states, model) -> vector, got "
                             f"{describe(feature)}")
    if classifier is not None and not (callable(classifier) or hasattr(classifier, "map_starts")):
        raise ParameterError(f"classifier must be callable, got {describe(classifier)}")
    options = dict(options or {})
    given = {"t_span": t_span, "n_steps": n_steps, "tol": tol} if mapper == "basins" else {}
    given.update(dt=dt, solver=solver)
    options.update({k: v for k, v in given.items() if v is not None})
    if mapper == "basins":
        options["confidence"] = confidence
    setup = _Setup(system, parameter, initial_states, mapper, classifier, feature, options)
    model, n_starts = _check_starts(setup, values)
    if max_attractors is not None:
        setup.max_attractors = check_integer("max_attractors", max_attractors, minimum=1)
    wilson_interval(0, 1, confidence)
    swept = sweep(_Point(setup), {"value": values.tolist()}, seed=seed,
                  fixed={"fingerprint": _fingerprint(setup)}, scheduler=workers, store=store,
                  progress=progress).isel(trial=0)
    return _result(swept, setup, model, values, n_starts, match, threshold, use_vanished,
                   confidence, seed)


def _result(swept, setup, model, values, n_starts, match, threshold, use_vanished, confidence,
            seed):
    count = swept["count"].values.astype(np.int64)
    key = swept["key"].values.astype(np.int64)
    present = count > 0
    vectors = (swept["feature"] if setup.feature is not None else swept["state"]).values
    if match == "label":
        ids = [key[k][present[k]] for k in range(values.size)]
    else:
        ids = _match(list(vectors), list(present), threshold, use_vanished)
    known = np.unique(np.concatenate(ids)).astype(np.int64)
    special = [s for s, name in ((NOT_CONVERGED, "not_converged"), (UNRECOGNISED, "unrecognised"))
               if np.any(swept[name].values > 0)]
    labels = np.concatenate([known, np.array(special, dtype=np.int64)])
    column = {int(a): j for j, a in enumerate(labels)}
    table = np.zeros((values.size, labels.size), dtype=np.int64)
    states = np.full((values.size, labels.size, model.n_units), np.nan)
    features = np.full((values.size, labels.size) + vectors.shape[2:], np.nan)
    first = {}  # id -> (value index, classifier key) where it was first seen
    for k in range(values.size):
        for slot, a in enumerate(ids[k]):
            j = column[int(a)]
            table[k, j] = count[k, slot]
            states[k, j] = swept["state"].values[k, slot]
            features[k, j] = vectors[k, slot]
            first.setdefault(int(a), int(key[k, slot]))
        for s in special:
            table[k, column[s]] = swept["not_converged" if s == NOT_CONVERGED
                                        else "unrecognised"].values[k]
    low, high = wilson_interval(table, n_starts, confidence)
    names = _names(setup, labels, first, match)
    dim = setup.parameter
    data = {"count": ((dim, "attractor"), table),
            "fraction": ((dim, "attractor"), table / n_starts),
            "fraction_low": ((dim, "attractor"), low),
            "fraction_high": ((dim, "attractor"), high),
            "exists": ((dim, "attractor"), table > 0),
            "attractor_state": ((dim, "attractor", "unit"), states),
            "n_attractors": (dim, np.sum(table[:, : known.size] > 0, axis=1))}
    if setup.feature is not None:
        data["attractor_feature"] = ((dim, "attractor", "feature"), features)
    result = xr.Dataset(data, coords={
        dim: values, "attractor": labels, "unit": np.arange(model.n_units),
        "name": ("attractor", np.array(names, dtype=object).astype(str))})
    _labelled(result, {
        "count": ("starts that reached the attractor", "1"),
        "fraction": ("fraction of starts in the basin", "1"),
        "fraction_low": ("lower end of the Wilson interval of the fraction", "1"),
        "fraction_high": ("upper end of the Wilson interval of the fraction", "1"),
        "exists": ("the attractor was found at this value", "1"),
        "attractor_state": ("a state on the attractor (NaN if absent)",
                            "model state units"),
        "attractor_feature": ("feature of the attractor (NaN if absent)", "1"),
        "n_attractors": ("attractors found (not counting -1 and -2)", "1"),
        "attractor": ("attractor id (-1 not converged, -2 unrecognised)", "1"),
        "name": ("name of the attractor", "1"),
        dim: (f"parameter {dim}", ""),
    })
    result.attrs.update({
        "model": model.name, "parameter": dim, "mapper": setup.mapper, "match": match,
        "threshold": threshold, "use_vanished": int(bool(use_vanished)), "n_starts": n_starts,
        "classifier": _describe_classifier(setup),
        "confidence": confidence, "seed": seed,
        "computed_points": swept.attrs.get("computed_points", values.size),
        "message": f"{known.size} attractors over {values.size} values of {dim}"})
    return result


def _describe_classifier(setup):
    """The classifier's own repr, or its type's name (never a memory address)."""
    classifier = setup.classifier
    if classifier is None:
        return "UniqueStates (default)" if setup.mapper == "basins" else "attractor type"
    if hasattr(classifier, "__code__"):  # a function
        return classifier.__qualname__
    if type(classifier).__repr__ is object.__repr__:
        return type(classifier).__qualname__
    return repr(classifier)


def _names(setup, labels, first, match):
    from ._classify import ATTRACTOR_TYPES

    named = list(ATTRACTOR_TYPES) if setup.mapper == "type" else list(
        getattr(setup.classifier, "names", None) or [])
    out = []
    for a in map(int, labels):
        if a == NOT_CONVERGED and getattr(setup.classifier, "from_trajectories", False):
            out.append("divergent")  # AttractorType follows every start: -1 is divergence
        elif a < 0:
            out.append(_SPECIAL[a])
        elif match == "label":
            out.append(named[a] if a < len(named) else f"attractor {a}")
        else:
            out.append(f"attractor {a}" + (f" ({named[first[a]]})" if setup.mapper == "type"
                                           else ""))
    return out
