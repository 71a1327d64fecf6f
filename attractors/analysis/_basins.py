r"""Basins of attraction: which attractor each initial state reaches, and how often.

:func:`basins` runs every start to rest in one vectorised simulation and
labels the final states with a *classifier*, a callable that maps final
states to integer labels.  Three come with the library:

- :class:`UniqueStates` (default): the distinct final states themselves,
  merged within a tolerance; no prior knowledge needed.
- :class:`NearestPattern`: closeness to known states (stored patterns, their
  reversals, symmetric mixtures), by overlap.
- :class:`BumpPosition`: a feature of the final state, the position of a bump
  on a ring, binned.

Runs that do not reach a fixed point are labelled -1, and converged states the
classifier does not recognise -2.  Basin fractions come with Wilson score
intervals (Wilson 1927), which keep their coverage at fractions near 0 and 1,
where the normal approximation fails.  :func:`recall_probability` measures a
basin's size the way the field does: the probability of recall against the
distance of the cue (Amit, Gutfreund & Sompolinsky 1985; the basin radius).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._simulate import _resolve_rng, simulate
from .._system import DiscreteSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe, plain
from ._basin_classifiers import UNRECOGNISED, NearestPattern, UniqueStates, _classify
from ._stability import _check_system, _labelled, _time_units

__all__ = ["basins", "recall_probability", "wilson_interval"]

NOT_CONVERGED = -1


def _counts(name, value):
    """Non-negative whole counts as float64, or a ParameterError naming the first bad one."""
    try:
        counts = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be whole counts (integers >= 0), got "
                             f"{describe(value)}") from None
    bad = ~np.isfinite(counts) | (counts < 0) | (counts != np.round(counts))
    if np.any(bad):
        first = counts[bad].ravel()[0] if counts.ndim else counts
        raise ParameterError(f"{name} must be whole counts (integers >= 0), got {float(first):g}")
    return counts


def wilson_interval(successes, trials, confidence: float = 0.95):
    r"""Wilson score interval for a binomial proportion.

    .. math::

        \frac{\hat p + \frac{z^2}{2n} \pm z \sqrt{\frac{\hat p(1-\hat p)}{n}
        + \frac{z^2}{4n^2}}}{1 + \frac{z^2}{n}}, \qquad \hat p = k / n,

    with :math:`z` the :math:`1 - (1-c)/2` quantile of the standard normal.

    Parameters
    ----------
    successes, trials : array_like of int
        Whole counts, ``0 <= successes <= trials`` (broadcast together);
        anything else raises :class:`~attractors.ParameterError`.
    confidence : float in (0, 1)

    Returns
    -------
    (low, high) : ndarrays (NaN where ``trials`` is 0)

    References
    ----------
    E. B. Wilson, J. Am. Stat. Assoc. 22, 209 (1927).

    Examples
    --------
    >>> low, high = wilson_interval(0, 10)
    >>> float(low), round(float(high), 4)  # z^2 / (n + z^2)
    (0.0, 0.2775)
    """
    from scipy.special import ndtri

    confidence = check_positive("confidence", confidence)
    if not confidence < 1:
        raise ParameterError(f"confidence must be in (0, 1), got {plain(confidence)}")
    k = _counts("successes", successes)
    n = _counts("trials", trials)
    try:
        above = np.broadcast_to(k > n, np.broadcast_shapes(k.shape, n.shape))
    except ValueError:
        raise ParameterError(f"successes (shape {k.shape}) and trials (shape {n.shape}) do not "
                             "broadcast together") from None
    if np.any(above):
        at = np.unravel_index(np.argmax(above), above.shape)
        kk, nn = np.broadcast_to(k, above.shape)[at], np.broadcast_to(n, above.shape)[at]
        raise ParameterError(f"successes must be at most trials, got successes = {kk:g} > "
                             f"trials = {nn:g}" + (f" at index {tuple(map(int, at))}"
                                                   if above.ndim else ""))
    z = ndtri(1 - (1 - confidence) / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


# --------------------------------------------------------------------------- basins


def _starts(system, initial_states):
    x = check_finite_array("initial_states", initial_states)
    if x.ndim != 2 or x.shape[1] != system.n_units:
        raise ParameterError(f"initial_states must have shape (n_starts, {system.n_units}) for "
                             f"{system.name}, got shape {x.shape}")
    return x


def _run(system, x0, t_span, n_steps, dt, solver, tol, inputs, rng, seed, n_records):
    discrete = isinstance(system, DiscreteSystem)
    if t_span is None and n_steps is None:
        if not discrete:
            raise ParameterError(f"give the length of the runs (t_span or n_steps) for the "
                                 f"continuous-time {system.name}")
        t_span = 100.0
    if not discrete and dt is None:
        raise ParameterError(f"dt is required for the continuous-time {system.name}")
    step = system.time_step if discrete else dt
    if n_steps is None:
        span = t_span if np.ndim(t_span) == 0 else t_span[1] - t_span[0]
        total = int(round(span / step))
    else:
        total = int(n_steps)
    # Only the final states are needed (convergence is tested at every step of a map
    # and at every record of a flow), so the record stays small.
    record_every = max(1, total // n_records)
    return simulate(system, x0, t_span, n_steps=n_steps, dt=None if discrete else dt,
                    solver=solver, inputs=inputs, record_every=record_every,
                    stop_at_fixed_point=True, tol=tol, rng=rng, seed=seed)


def basins(system, initial_states, *, classifier=None, t_span=None, n_steps=None, dt=None,
           solver=None, tol=None, inputs=None, confidence: float = 0.95, n_records: int = 200,
           rng=None, seed=None) -> xr.Dataset:
    r"""Label every initial state by the attractor it reaches; basin fractions and times.

    All starts run in one vectorised :func:`attractors.simulate` with
    ``stop_at_fixed_point=True``; a start whose run ends at a fixed point
    (:math:`\max_i|F_i| \le` ``tol`` for a flow, an update that changes nothing
    for a map) is labelled by ``classifier`` applied to its final state, the
    others -1.  The fraction of starts in basin :math:`a` estimates its
    measure under the distribution the starts were drawn from,
    :math:`\hat p_a = n_a / n`, with a Wilson interval.

    Parameters
    ----------
    system : DynamicalSystem
    initial_states : array_like, shape (n_starts, n_units)
    classifier : callable, optional
        ``classifier(final_states, system) -> labels`` (int, -2 for
        unrecognised), or a one-argument function of the final states.  The
        classifiers here (:class:`UniqueStates`, the default;
        :class:`NearestPattern`; :class:`BumpPosition`) also name the
        attractors (``names``) and give their states (``states``) where known.
        A trajectory classifier, :class:`AttractorType`, follows the starts
        instead of running them to rest and labels attractors of every type
        (cycles, tori, chaotic sets, each distinct one apart; -1 divergent); the
        result then also has ``attractor_type`` and ``period`` per attractor.
    t_span, n_steps, dt, solver, tol, inputs, rng, seed
        As for :func:`attractors.simulate` (a map runs 100 time units by default).
    confidence : float
        Level of the Wilson intervals.
    n_records : int
        Records per run (for a flow the resolution of the convergence time is
        ``t_span / n_records``; a map is tested for rest at every step).

    Returns
    -------
    xarray.Dataset
        Dims ``start``, ``unit``, ``attractor``.  Per start: ``label``,
        ``converged``, ``convergence_time`` (NaN if not converged),
        ``initial_state``, ``final_state``.  Per attractor (coordinate ``label``
        and ``name``; -1 "not converged" and -2 "unrecognised" included when
        they occur): ``count``, ``fraction``, ``fraction_low``,
        ``fraction_high``, ``mean_convergence_time``, ``attractor_state``
        (NaN where unknown).

    Examples
    --------
    Two stored patterns in a 40-unit Hopfield network; cues 10 % from a
    pattern all fall into its basin:

    >>> import numpy as np
    >>> from attractors.models import HopfieldNetwork
    >>> from attractors.patterns import flip
    >>> xi = np.random.default_rng(0).choice([-1, 1], (2, 40))
    >>> net = HopfieldNetwork.from_patterns(xi)
    >>> cues = flip(np.repeat(xi, 10, axis=0), 0.1, seed=1)
    >>> result = basins(net, cues, classifier=NearestPattern(xi), seed=2)
    >>> result.fraction.sel(name="pattern 0").item(), result.fraction.sel(name="pattern 1").item()
    (0.5, 0.5)
    """
    _check_system(system)
    x0 = _starts(system, initial_states)
    n_records = check_integer("n_records", n_records, minimum=1)
    wilson_interval(0, 1, confidence)  # validates confidence before any work
    classifier = UniqueStates() if classifier is None else classifier
    if getattr(classifier, "from_trajectories", False):
        return _basins_of_trajectories(system, x0, classifier, t_span, n_steps, dt, solver,
                                       tol, inputs, confidence, rng, seed)
    if not callable(classifier):
        raise ParameterError(f"classifier must be callable, got {describe(classifier)}")
    run = _run(system, x0, t_span, n_steps, dt, solver, tol, inputs, rng, seed, n_records)
    state = run.state
    if "trial" not in state.dims:
        state = state.expand_dims("trial")
    final = state.isel(time=-1).transpose("trial", "unit").values
    converged = np.atleast_1d(run.converged.values).astype(bool)
    times = np.atleast_1d(run.t_converged.values).astype(np.float64) - float(run.time.values[0])
    labels = np.full(x0.shape[0], NOT_CONVERGED, dtype=np.int64)
    if np.any(converged):
        labels[converged] = _classify(classifier, final[converged], system)
    return _summarise(system, x0, final, labels, converged, times, classifier, confidence,
                      run.attrs)


def _basins_of_trajectories(system, x0, classifier, t_span, n_steps, dt, solver, tol, inputs,
                            confidence, rng, seed):
    """:func:`basins` with a trajectory classifier (:class:`AttractorType`): any attractor."""
    given = {"t_span": t_span, "n_steps": n_steps, "tol": tol, "inputs": inputs}
    given = {name: value for name, value in given.items() if value is not None}
    if given:
        raise ParameterError(f"{', '.join(given)} cannot be given with {classifier!r}: its "
                             "transient and t_search set the runs (no inputs)")
    generator, seed = _resolve_rng(rng, seed)
    labels, final = classifier.map_starts(system, x0, dt=dt, solver=solver, rng=generator)
    result = _summarise(system, x0, final, labels, labels >= 0, np.full(labels.size, np.nan),
                        classifier, confidence, {"seed": -1 if seed is None else seed},
                        not_converged="divergent")
    values = result.label_value.values
    known = (values >= 0) & (values < len(classifier.types))
    kinds = np.array([classifier.types[v] if ok else "divergent"
                      for v, ok in zip(values, known)], dtype=object).astype(str)
    periods = np.where(known, classifier.periods[np.where(known, values, 0)], np.nan)
    result["attractor_type"] = ("attractor", kinds, {"long_name": "type of the attractor",
                                                     "units": "1"})
    result["period"] = ("attractor", periods, {"long_name": "period (NaN unless periodic)",
                                               "units": _time_units(system)})
    result["converged"].attrs["long_name"] = "the run from this start stayed bounded"
    return result


def _basin_labels(time):
    return {
        "label": ("attractor reached (-1 not converged, -2 unrecognised)", "1"),
        "converged": ("the run from this start reached a fixed point", "1"),
        "convergence_time": ("time to the fixed point", time),
        "initial_state": ("initial state", "model state units"),
        "final_state": ("final state", "model state units"),
        "count": ("starts that reached the attractor", "1"),
        "fraction": ("fraction of starts in the basin", "1"),
        "fraction_low": ("lower end of the Wilson interval of the fraction", "1"),
        "fraction_high": ("upper end of the Wilson interval of the fraction", "1"),
        "mean_convergence_time": ("mean time to the attractor", time),
        "attractor_state": ("state of the attractor (NaN if unknown)", "model state units"),
        "label_value": ("label of the attractor", "1"),
        "name": ("name of the attractor", "1"),
    }


def _summarise(system, x0, final, labels, converged, times, classifier, confidence, run_attrs,
               not_converged="not converged"):
    names = list(getattr(classifier, "names", None) or [])
    known = getattr(classifier, "states", None)
    found = np.unique(labels[labels >= 0])
    n_known = max(len(names), int(found.max()) + 1 if found.size else 0)
    attractor_labels = list(range(n_known)) if names else found.tolist()
    names = names + [f"attractor {k}" for k in range(len(names), n_known)]
    attractor_names = [names[k] for k in attractor_labels]
    for special, name in ((NOT_CONVERGED, not_converged), (UNRECOGNISED, "unrecognised")):
        if np.any(labels == special):
            attractor_labels.append(special)
            attractor_names.append(name)
    attractor_labels = np.array(attractor_labels, dtype=np.int64)
    counts = np.array([np.sum(labels == a) for a in attractor_labels], dtype=np.int64)
    n = labels.size
    low, high = wilson_interval(counts, n, confidence)
    mean_time = np.array([np.mean(times[labels == a]) if c and a != NOT_CONVERGED else np.nan
                          for a, c in zip(attractor_labels, counts)])
    states = np.full((attractor_labels.size, system.n_units), np.nan)
    if known is not None and len(known):
        known = np.asarray(known, dtype=np.float64)
        for row, a in enumerate(attractor_labels):
            if 0 <= a < len(known):
                states[row] = known[a]
    data = {
        "label": ("start", labels),
        "converged": ("start", converged),
        "convergence_time": ("start", np.where(converged, times, np.nan)),
        "initial_state": (("start", "unit"), x0),
        "final_state": (("start", "unit"), final),
        "count": ("attractor", counts),
        "fraction": ("attractor", counts / n),
        "fraction_low": ("attractor", low),
        "fraction_high": ("attractor", high),
        "mean_convergence_time": ("attractor", mean_time),
        "attractor_state": (("attractor", "unit"), states),
    }
    coords = {"start": np.arange(n), "unit": np.arange(system.n_units),
              "attractor": np.arange(attractor_labels.size),
              "label_value": ("attractor", attractor_labels),
              "name": ("attractor", np.array(attractor_names, dtype=object).astype(str))}
    result = _labelled(xr.Dataset(data, coords=coords), _basin_labels(_time_units(system)))
    result = result.set_xindex("name")
    result.attrs.update({
        "model": system.name, "classifier": repr(classifier), "confidence": confidence,
        "n_starts": n, "n_converged": int(np.sum(converged)),
        "seed": run_attrs.get("seed", -1),
        "message": f"{n} starts: " + ", ".join(f"{c} {name}" for c, name in
                                               zip(counts, attractor_names))})
    return result


def recall_probability(system, patterns, distances, *, n_trials: int = 50, classifier=None,
                       t_span=None, n_steps=None, dt=None, solver=None, tol=None,
                       units: str = "spin", confidence: float = 0.95, rng=None,
                       seed=None) -> xr.Dataset:
    r"""Probability of recalling a pattern against the distance of the cue: the basin radius.

    For every pattern :math:`\xi^\mu` and distance :math:`d`, ``n_trials``
    cues with exactly :math:`\mathrm{round}(dN)` units flipped
    (:func:`attractors.patterns.flip`; initial overlap :math:`1 - 2d`) are
    run to rest, all in one simulation, and a trial counts as a recall when
    it ends in :math:`\xi^\mu` itself (by default: overlap at least 0.95 with
    it and with no other pattern or reversal higher).  The basin radius is the
    distance at which the recall probability, averaged over patterns, falls
    through 1/2 (linear interpolation between the distances given; Amit,
    Gutfreund & Sompolinsky 1985; Forrest 1988).

    Parameters
    ----------
    system : DynamicalSystem
    patterns : array_like, shape (n_patterns, n_units)
    distances : array_like
        Fractions of flipped units, in [0, 1].
    n_trials : int
        Cues per pattern and distance.
    classifier : NearestPattern, optional
        Default ``NearestPattern(patterns)`` (reversals included).
    t_span, n_steps, dt, solver, tol, rng, seed
        As for :func:`basins`.
    units : {"spin", "binary"}
    confidence : float

    Returns
    -------
    xarray.Dataset
        Dims ``distance``, ``pattern``.  ``recalled`` (counts), ``probability``
        with ``probability_low``/``probability_high`` (Wilson), the same
        averaged over patterns (``mean_probability``, and its interval over
        all trials), ``convergence_time`` (mean over converged trials), and
        ``basin_radius`` (NaN when the probability never falls through 1/2 in
        the range).

    References
    ----------
    D. J. Amit, H. Gutfreund and H. Sompolinsky, Phys. Rev. Lett. 55, 1530 (1985).
    B. M. Forrest, J. Phys. A 21, 245 (1988).
    """
    from ..patterns import flip

    _check_system(system)
    patterns = check_finite_array("patterns", patterns, dtype=np.float64)
    if patterns.ndim != 2 or patterns.shape[1] != system.n_units:
        raise ParameterError(f"patterns must have shape (n_patterns, {system.n_units}), got "
                             f"{patterns.shape}")
    distances = check_finite_array("distances", distances, dtype=np.float64).ravel()
    if distances.size == 0 or np.any((distances < 0) | (distances > 1)):
        raise ParameterError(f"distances must be fractions in [0, 1], got {describe(distances)}")
    n_trials = check_integer("n_trials", n_trials, minimum=1)
    if rng is not None and seed is not None:
        raise ParameterError("give rng or seed, not both")
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
        seed if rng is None else rng)
    classifier = NearestPattern(patterns) if classifier is None else classifier
    n_patterns = patterns.shape[0]
    base = np.broadcast_to(patterns[None, :, None, :],
                           (distances.size, n_patterns, n_trials, system.n_units))
    cues = np.stack([flip(base[k], d, exact=True, units=units, rng=generator)
                     for k, d in enumerate(distances)])
    flat = cues.reshape(-1, system.n_units).astype(system.state_dtype)
    result = basins(system, flat, classifier=classifier, t_span=t_span, n_steps=n_steps, dt=dt,
                    solver=solver, tol=tol, confidence=confidence, rng=generator)
    labels = result.label.values.reshape(distances.size, n_patterns, n_trials)
    recalled = np.sum(labels == np.arange(n_patterns)[None, :, None], axis=-1)
    low, high = wilson_interval(recalled, n_trials, confidence)
    total = recalled.sum(axis=1)
    mean = total / (n_patterns * n_trials)
    mean_low, mean_high = wilson_interval(total, n_patterns * n_trials, confidence)
    times = result.convergence_time.values.reshape(distances.size, n_patterns, n_trials)
    with np.errstate(invalid="ignore"):
        mean_time = np.nanmean(np.where(np.isfinite(times), times, np.nan), axis=(1, 2)) \
            if np.any(np.isfinite(times)) else np.full(distances.size, np.nan)
    order = np.argsort(distances)
    radius = _crossing(distances[order], mean[order], 0.5)
    probability = "fraction of cues that end in their own pattern"
    return _labelled(xr.Dataset(
        {"recalled": (("distance", "pattern"), recalled),
         "probability": (("distance", "pattern"), recalled / n_trials),
         "probability_low": (("distance", "pattern"), low),
         "probability_high": (("distance", "pattern"), high),
         "mean_probability": ("distance", mean),
         "mean_probability_low": ("distance", mean_low),
         "mean_probability_high": ("distance", mean_high),
         "convergence_time": ("distance", mean_time),
         "basin_radius": ((), radius)},
        coords={"distance": distances, "pattern": np.arange(n_patterns)},
        attrs={"model": system.name, "n_trials": n_trials, "confidence": confidence,
               "classifier": repr(classifier),
               "message": f"basin radius {radius:.3g} (recall probability 1/2)"}), {
        "recalled": ("cues that ended in their own pattern", "1"),
        "probability": ("recall probability: " + probability, "1"),
        "probability_low": ("lower end of the Wilson interval of the recall probability", "1"),
        "probability_high": ("upper end of the Wilson interval of the recall probability", "1"),
        "mean_probability": ("recall probability averaged over patterns", "1"),
        "mean_probability_low": ("lower end of the Wilson interval of the mean", "1"),
        "mean_probability_high": ("upper end of the Wilson interval of the mean", "1"),
        "convergence_time": ("mean time to rest", _time_units(system)),
        "basin_radius": ("cue distance at which the mean recall probability falls through 1/2",
                         "1"),
        "distance": ("cue distance (fraction of units flipped)", "1"),
    })


def _crossing(x, y, level):
    below = np.flatnonzero(y < level)
    if below.size == 0 or below[0] == 0:
        return float("nan")
    k = below[0]
    x0, x1, y0, y1 = x[k - 1], x[k], y[k - 1], y[k]
    return float(x0 + (y0 - level) * (x1 - x0) / (y0 - y1))
