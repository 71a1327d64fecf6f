r"""Sweep-based phase diagrams: which attractor types exist where in a plane of two parameters.

At every point :math:`(p_1, p_2)` of a grid the model is rebuilt, a set of
initial states is run, and a *type classifier* labels the attractor each start
reaches.  The result records, per point and type, whether the type was found
(``exists``) and the fraction of starts that reached it (its basin fraction):
regions where two types exist are regions of coexistence (bistability).

A type classifier is any callable ``classify(model, initial_states, rng) ->
labels`` (one string per start) with an attribute ``types``, the labels it can
give, in the order of the result's ``type`` coordinate.  Two are built in:

* :class:`TypeByDynamics`: :func:`~attractors.analysis.classify_attractor`
  (fixed point, periodic, quasi-periodic, chaotic, divergent), for flows and maps;
* :class:`TypeByOverlap`: binary Hopfield networks, by the overlaps
  :math:`m^\mu` of the final state with the stored patterns (retrieval,
  reversal, mixture, spin glass; Amit, Gutfreund & Sompolinsky 1985).

The grid runs on :func:`attractors.sweep`, so it parallelises and resumes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import numbers
import pickle
from collections.abc import Mapping

import numpy as np
import xarray as xr

from .._system import ContinuousSystem, DiscreteSystem, DynamicalSystem
from .._validate import ParameterError, check_finite_array, check_model_field, describe
from ._classify import ATTRACTOR_TYPES, classify_attractor
from ._stability import _labelled

__all__ = ["TypeByDynamics", "TypeByOverlap", "phase_diagram"]


class TypeByDynamics:
    """Label each start by the type of attractor it reaches (:func:`classify_attractor`).

    Parameters
    ----------
    **options
        Keywords of :func:`~attractors.analysis.classify_attractor` (``dt``,
        ``transient``, ``t_search``, ``tolerance``, ...).
    """

    types = ATTRACTOR_TYPES

    def __init__(self, **options):
        bad = sorted(set(options) - {"dt", "transient", "t_search", "solver", "tolerance",
                                     "max_period", "bound", "chaos_threshold", "t_lyapunov"})
        if bad:
            raise ParameterError(f"TypeByDynamics takes options of classify_attractor, not "
                                 f"{', '.join(map(repr, bad))}")
        self.options = options

    def __call__(self, model, initial_states, rng):
        return classify_attractor(model, initial_states, rng=rng, **self.options).label.values

    def __repr__(self):
        return f"TypeByDynamics({', '.join(f'{k}={v!r}' for k, v in self.options.items())})"


class TypeByOverlap:
    r"""Label the final states of a Hopfield network by their overlaps with the stored patterns.

    Each start is run with :meth:`HopfieldNetwork.recall` (``max_sweeps``
    sweeps of Glauber dynamics at the network's temperature, or to a fixed
    point at :math:`T = 0`); with :math:`a_1 \ge a_2` the two largest
    :math:`|m^\mu|`:

    * ``"mixture"``: :math:`a_2 \ge` ``mixture_threshold`` (two or more
      patterns condensed; the symmetric three-pattern mixtures have
      :math:`|m| = 1/2` each, Amit, Gutfreund & Sompolinsky 1985);
    * ``"retrieval"`` / ``"reversal"``: otherwise, when the largest overlap
      :math:`m^\mu \ge` ``threshold`` / :math:`\le -` ``threshold``;
    * ``"spin_glass"``: none of these (no macroscopic overlap).

    Parameters
    ----------
    threshold : float in (0, 1]
        Smallest overlap of a retrieval state (default 0.5).
    mixture_threshold : float in (0, 1]
        Smallest second overlap of a mixture (default 0.3).
    max_sweeps : int
        Sweeps per start (default 50).
    """

    types = ("retrieval", "reversal", "mixture", "spin_glass")

    def __init__(self, threshold=0.5, mixture_threshold=0.3, max_sweeps=50):
        for name, value in (("threshold", threshold), ("mixture_threshold", mixture_threshold)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
                    not 0 < value <= 1:
                raise ParameterError(f"{name} must be a number in (0, 1], got {describe(value)}")
        if isinstance(max_sweeps, bool) or not isinstance(max_sweeps, numbers.Integral) or \
                max_sweeps < 1:
            raise ParameterError(f"max_sweeps must be an integer >= 1, got {describe(max_sweeps)}")
        self.threshold, self.mixture_threshold = float(threshold), float(mixture_threshold)
        self.max_sweeps = int(max_sweeps)

    def labels(self, overlap):
        """Labels of final states from their overlaps, shape (n_states, n_patterns)."""
        overlap = np.asarray(overlap, dtype=np.float64)
        size = np.sort(np.abs(overlap), axis=-1)
        second = size[:, -2] if overlap.shape[-1] > 1 else np.zeros(overlap.shape[0])
        best = overlap[np.arange(overlap.shape[0]), np.argmax(np.abs(overlap), axis=-1)]
        return np.where(second >= self.mixture_threshold, "mixture",
                        np.where(best >= self.threshold, "retrieval",
                                 np.where(best <= -self.threshold, "reversal", "spin_glass")))

    def __call__(self, model, initial_states, rng):
        if getattr(model, "patterns", None) is None or not hasattr(model, "recall"):
            raise ParameterError(f"TypeByOverlap needs a HopfieldNetwork with stored patterns "
                                 f"(from_patterns or patterns=...), got {describe(model)}")
        result = model.recall(initial_states, max_sweeps=self.max_sweeps, rng=rng)
        return self.labels(result.overlap.values)

    def __repr__(self):
        return (f"TypeByOverlap(threshold={self.threshold:g}, mixture_threshold="
                f"{self.mixture_threshold:g}, max_sweeps={self.max_sweeps})")


class _Setup:
    """The model (or its factory), the starts and the classifier: what every point needs."""

    def __init__(self, system, names, initial_states, classify, types):
        self.system, self.names = system, names
        self.initial_states, self.classify, self.types = initial_states, classify, types

    def model(self, point, rng):
        if isinstance(self.system, DynamicalSystem):
            return dataclasses.replace(self.system, **point)
        try:
            takes_rng = "rng" in inspect.signature(self.system).parameters
        except (TypeError, ValueError):
            takes_rng = False
        model = self.system(**point, rng=rng) if takes_rng else self.system(**point)
        if not isinstance(model, DynamicalSystem):
            raise ParameterError(f"system({', '.join(f'{k}={v!r}' for k, v in point.items())}) "
                                 f"must return a DynamicalSystem, got {describe(model)}")
        return model

    def starts(self, model, rng):
        x0 = self.initial_states(model, rng) if callable(self.initial_states) \
            else self.initial_states
        x0 = np.asarray(x0)
        if x0.ndim != 2 or x0.shape[1] != model.n_units or x0.shape[0] == 0:
            raise ParameterError(f"initial_states must have shape (n_starts, {model.n_units}) "
                                 f"for {model.name}, got shape {x0.shape}")
        return x0

    def count(self, point, rng):
        model = self.model(point, rng)
        labels = np.asarray(self.classify(model, self.starts(model, rng), rng)).astype(str)
        unknown = sorted(set(labels.tolist()) - set(self.types))
        if unknown:
            raise ParameterError(f"the classifier returned label(s) {', '.join(map(repr, unknown))}"
                                 f" not among its types {self.types}")
        return np.array([np.sum(labels == kind) for kind in self.types], dtype=np.int64)


class _Point:
    """The function :func:`attractors.sweep` runs at each grid point (shipped by cloudpickle)."""

    def __init__(self, setup):
        self.setup = setup

    def __call__(self, rng, **values):
        values.pop("fingerprint", None)
        counts = self.setup.count(values, rng)
        return xr.Dataset({"count": ("type", counts)})

    def __reduce__(self):
        import cloudpickle

        return _rebuild, (cloudpickle.dumps(self.setup),)

    def __repr__(self):  # the sweep's function name, matched by a store: the same every run
        return "phase_diagram point"


def _rebuild(payload):
    return _Point(pickle.loads(payload))


def _fingerprint(setup) -> str:
    """SHA-256 of the setup, so that a store made for another model or other starts is refused."""
    import cloudpickle

    try:
        text = cloudpickle.dumps(setup)
    except Exception:  # noqa: BLE001 (an unpicklable setup still runs in this process)
        text = repr(vars(setup)).encode()
    return hashlib.sha256(text).hexdigest()[:24]


def _check_grid(system, parameters):
    if not isinstance(parameters, Mapping) or len(parameters) != 2:
        raise ParameterError(f"parameters must be a mapping of two names to their values "
                             f"{{name1: values1, name2: values2}}, got {describe(parameters)}")
    if not isinstance(system, DynamicalSystem) and not callable(system):
        raise ParameterError(f"system must be a DynamicalSystem or a function (name1=..., "
                             f"name2=...) -> model, got {describe(system)}")
    grid = {}
    for name, values in parameters.items():
        if not isinstance(name, str) or not name.isidentifier() or \
                name in ("type", "trial", "rng", "fingerprint"):
            raise ParameterError(f"parameter names must be identifiers other than 'type', "
                                 f"'trial', 'rng' and 'fingerprint', got {describe(name)}")
        if isinstance(system, DynamicalSystem):
            check_model_field(system, name, otherwise=" or a function returning a model")
        values = check_finite_array(f"parameters[{name!r}]", values, dtype=np.float64)
        if values.ndim != 1 or values.size == 0 or np.unique(values).size != values.size:
            raise ParameterError(f"parameters[{name!r}] must be a non-empty 1-D list of distinct "
                                 f"numbers, got {describe(values)}")
        grid[name] = values
    return grid


def _resolve_classifier(classify, types, model):
    if isinstance(classify, str) and classify == "auto":
        from ..models._hopfield import HopfieldNetwork

        classify = TypeByOverlap() if isinstance(model, HopfieldNetwork) else TypeByDynamics()
    elif isinstance(classify, str) and classify == "dynamics":
        classify = TypeByDynamics()
    elif isinstance(classify, str) and classify == "overlap":
        classify = TypeByOverlap()
    elif not callable(classify):
        raise ParameterError(f"classify must be 'auto', 'dynamics', 'overlap' or a callable "
                             f"(model, initial_states, rng) -> labels, got {describe(classify)}")
    types = getattr(classify, "types", None) if types is None else types
    if types is None or isinstance(types, str) or len(types) == 0 or \
            not all(isinstance(t, str) for t in types) or len(set(types)) != len(types):
        raise ParameterError(f"types must list the distinct labels the classifier can give "
                             f"(or classify must have such a `types` attribute), got "
                             f"{describe(types)}")
    return classify, tuple(types)


def phase_diagram(system, parameters, initial_states, *, classify="auto", types=None, seed=0,
                  workers=None, store=None, progress=False) -> xr.Dataset:
    r"""Which attractor types exist, and with which basin fractions, on a grid of two parameters.

    At every grid point :math:`(p_1, p_2)` the model is rebuilt
    (``dataclasses.replace`` of two real fields, or ``system(name1=p_1,
    name2=p_2[, rng=rng])`` for a factory), the initial states are run and
    ``classify`` labels the attractor each reaches.  The basin fraction of type
    :math:`k` is :math:`f_k(p_1, p_2) = n_k / n`, and the type exists where
    :math:`n_k > 0`.  Several types at one point are coexisting attractors
    (multistability); the boundaries of ``exists`` are the numerical phase
    boundaries, to be compared with analytic ones (for example
    :func:`ags_phase_boundaries`).

    Parameters
    ----------
    system : DynamicalSystem or callable
        A dataclass model whose two named fields are real numbers, or a
        factory returning a model; a factory that takes ``rng`` receives the
        point's seeded generator (e.g. to draw the patterns stored at a load).
    parameters : mapping
        ``{name1: values1, name2: values2}``: the grid's axes.
    initial_states : array_like, shape (n_starts, n_units), or callable
        The same starts everywhere, or ``initial_states(model, rng) -> array``.
    classify : {"auto", "dynamics", "overlap"} or callable
        ``"dynamics"``: :class:`TypeByDynamics`; ``"overlap"``:
        :class:`TypeByOverlap` (Hopfield networks); ``"auto"`` picks the latter
        for a :class:`~attractors.models.HopfieldNetwork` and the former
        otherwise; or any ``classify(model, initial_states, rng) -> labels``
        with a ``types`` attribute (or give ``types``).  Pass an instance to
        set options, e.g. ``TypeByDynamics(transient=500)``.
    types : sequence of str, optional
        The labels, in the order of the ``type`` coordinate (default
        ``classify.types``); a label outside them is an error.
    seed : int
        Root seed: every point draws from its own stream (:func:`attractors.sweep`),
        so the same seed gives the same diagram on any number of workers.
    workers : None, int, "processes", Executor or dask Client
        Where the points run (``scheduler`` of :func:`attractors.sweep`).
    store : path, optional
        Folder of finished points, so that a rerun computes only missing ones.
    progress : bool
        Show a progress bar over points.

    Returns
    -------
    xarray.Dataset
        Over ``(name1, name2, type)``: ``exists`` (bool), ``fraction`` and
        ``count``; over ``(name1, name2)``: ``n_types`` (how many types
        coexist) and ``dominant`` (the type with the largest basin).  Attrs
        ``n_starts``, ``classify``, ``seed``.

    References
    ----------
    G. Datseris, K. L. Rossi and A. Wagemakers (2023), Framework for global
    stability analysis of dynamical systems, Chaos 33, 073151.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.models import RateNetwork
    >>> from attractors.analysis import TypeByDynamics, phase_diagram
    >>> def pair(gain, rotation):  # u' = -u + W tanh(u): a Hopf point at gain = 1
    ...     return RateNetwork(np.array([[gain, -rotation], [rotation, gain]]))
    >>> starts = np.random.default_rng(0).uniform(-2, 2, size=(10, 2))
    >>> diagram = phase_diagram(pair, {"gain": [0.5, 2.0], "rotation": [0.5, 3.0]}, starts,
    ...                         classify=TypeByDynamics(dt=0.05, transient=50, t_search=30))
    >>> diagram.dominant.values.tolist()  # a cycle where the origin is an unstable focus
    [['fixed_point', 'fixed_point'], ['fixed_point', 'periodic']]
    """
    grid = _check_grid(system, parameters)
    if not callable(initial_states):
        initial_states = check_finite_array("initial_states", initial_states, dtype=np.float64)
    setup = _Setup(system, tuple(grid), initial_states, None, ())
    # The first point's model and starts, checked before any work is sent out.
    rng = np.random.default_rng(0)
    model = setup.model({name: float(values[0]) for name, values in grid.items()}, rng)
    n_starts = setup.starts(model, rng).shape[0]
    setup.classify, setup.types = _resolve_classifier(classify, types, model)
    if isinstance(setup.classify, TypeByDynamics) and \
            not isinstance(model, (ContinuousSystem, DiscreteSystem)):
        raise ParameterError(f"classify='dynamics' needs a ContinuousSystem or DiscreteSystem, "
                             f"got {describe(model)}")
    types = setup.types

    from .._sweep import sweep

    swept = sweep(_Point(setup), {name: values.tolist() for name, values in grid.items()},
                  seed=seed, fixed={"fingerprint": _fingerprint(setup)}, scheduler=workers,
                  store=store, progress=progress)
    count = swept["count"].isel(trial=0, drop=True).astype(np.int64)
    result = xr.Dataset({"count": count}).assign_coords(type=list(types))
    result["fraction"] = count / n_starts
    result["exists"] = count > 0
    result["n_types"] = result["exists"].sum("type")
    result["dominant"] = result["type"][count.argmax("type")].drop_vars("type")
    result = result[["exists", "fraction", "count", "n_types", "dominant"]]
    result.attrs.update(n_starts=n_starts, classify=repr(setup.classify), seed=seed,
                        computed_points=swept.attrs.get("computed_points", 0))
    names = list(grid)
    return _labelled(result, {
        "exists": ("attractor type found at this point", "1"),
        "fraction": ("basin fraction of the attractor type", "1"),
        "count": ("starts reaching the attractor type", "1"),
        "n_types": ("number of coexisting attractor types", "1"),
        "dominant": ("attractor type with the largest basin", "1"),
        "type": ("attractor type", "1"),
        names[0]: (names[0], ""),
        names[1]: (names[1], ""),
    })

