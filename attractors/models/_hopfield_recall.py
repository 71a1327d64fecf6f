"""Building a discrete Hopfield network from patterns, and recall() with its labelled Dataset.

:func:`from_patterns` stores patterns with a rule of :mod:`attractors.learning`
(one Hebb implementation, :func:`attractors.learning.hebb`, for float64,
float32 and exact integer couplings), labels glyph patterns with their letters,
and warns when the patterns overlap so much that Hebb storage retrieves
spurious states.  :func:`recall` runs a batch of cues to convergence and says
what each one retrieved.  Both are reached through the methods of
:class:`~attractors.models.HopfieldNetwork`.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .. import learning
from .._allocation import check_allocation
from .._validate import (
    ParameterError,
    check_choice,
    check_finite_array,
    check_integer,
    describe,
)
from . import _hopfield_dynamics as dynamics
from ._hopfield_validate import INT_TYPES, adopt, glyph_labels_of

#: Crosstalk variance at the capacity of random patterns, alpha_c = 0.138 (Amit, Gutfreund &
#: Sompolinsky 1985).  The field of pattern mu on unit i carries the crosstalk
#: sum_{nu != mu} m^{mu nu} xi_i^nu, of variance about sum_{nu != mu} (m^{mu nu})^2; random
#: patterns contribute (P - 1)/N (the load).  What correlations add beyond that,
#: sum_{nu != mu} ((m^{mu nu})^2 - 1/N) averaged over mu, is compared with alpha_c: above
#: it, correlations alone make the crosstalk as large as a random memory at capacity.
_CROSSTALK_WARNING = 0.138
#: Patterns whose overlaps with all others are computed for the estimate (the mean over mu
#: of a subset is unbiased; 256 keeps it well below the cost of storage).
_CROSSTALK_ROWS = 256


def warn_if_correlated(xi, labels=None, keep_diagonal=False) -> None:
    """Warn when the patterns' mutual overlaps make Hebb storage retrieve spurious states:
    their excess crosstalk is above alpha_c and some stored patterns are not even fixed
    points of the Hebb weights (checked exactly, in integers, on the patterns sampled)."""
    p, n = xi.shape
    if p < 2:
        return
    xf = xi.astype(np.float32)
    rows = min(p, _CROSSTALK_ROWS)
    dots = (xf[:rows] @ xf.T).astype(np.float64)  # integers |xi.xi| <= N < 2**24: exact
    off = dots / n
    off[np.arange(rows), np.arange(rows)] = 0.0
    excess = float(np.mean(np.sum(off**2, axis=1) - (p - 1) / n))
    if excess <= _CROSSTALK_WARNING:
        return
    # N W xi^mu = sum_nu (xi^nu . xi^mu) xi^nu (- P xi^mu without the diagonal): integers.
    xf = xf.astype(np.float64)  # sums up to P N: exact in float64
    fields = dots @ xf - (0.0 if keep_diagonal else p) * xf[:rows]
    unstable = int(np.sum(np.any(fields * xf[:rows] < 0, axis=1)))
    if unstable == 0:
        return
    i, j = np.unravel_index(int(np.argmax(np.abs(off))), off.shape)
    largest = abs(float(off[i, j]))
    if labels is not None and len(labels) == p:
        i, j = labels[i], labels[j]
    warnings.warn(
        f"the {p} patterns are strongly correlated (largest overlap |m| = {largest:.2f}, "
        f"between patterns {i} and {j}; random patterns of {n} units give about "
        f"{np.sqrt(2 / (np.pi * n)):.2f}): their crosstalk variance beyond that of random "
        f"patterns is {excess:.2f}, above the {_CROSSTALK_WARNING} at which even random "
        f"patterns stop being retrieved, and {unstable} of the {rows} patterns checked are "
        f"not fixed points of the Hebb weights, so cues will settle in spurious (mixture) "
        f"states; rule='pseudo_inverse' makes every linearly independent pattern a fixed "
        f"point", UserWarning, stacklevel=4)


def from_patterns(cls, patterns, rule, exact, dtype, pattern_labels, network_options):
    """The body of :meth:`HopfieldNetwork.from_patterns`."""
    dtype = check_choice("dtype", str(np.dtype(dtype)) if not isinstance(dtype, str)
                         else dtype, ("float64", "float32"))
    xi = check_finite_array("patterns", patterns)
    if xi.dtype.kind == "c":
        raise ParameterError(f"patterns must be real (+1/-1), got dtype {xi.dtype}")
    if xi.dtype.kind in "bu":  # 2 * 0 - 1 would wrap to 255 in uint8
        xi = xi.astype(np.int8) if xi.max(initial=0) <= 1 else xi.astype(np.float64)
    if xi.ndim == 1:
        xi = xi[None, :]
    units = network_options.get("units", "spin")
    if isinstance(units, str) and units.lower() == "binary" and xi.size and np.all(
            (xi == 0) | (xi == 1)):
        xi = 2 * xi - 1
    keep = network_options.get("keep_diagonal", False)
    key = rule.lower().replace("_", "-") if isinstance(rule, str) else rule
    if exact and key != "hebb":
        raise ParameterError(
            f"exact=True is available for the Hebb rule only, got rule={rule!r}")
    if key == "hebb":
        if xi.ndim != 2 or not np.all((xi == 1) | (xi == -1)):
            raise ParameterError(
                "patterns must contain only +1 and -1 (0/1 with units='binary')")
        if exact:
            weight_dtype = next(t for t in INT_TYPES if np.iinfo(t).max >= xi.shape[0])
            network_options.setdefault("weight_scale", 1.0 / xi.shape[1])
        else:
            weight_dtype = dtype
        warn_if_correlated(xi, glyph_labels_of(xi) if pattern_labels is None else pattern_labels,
                           keep)
        weights = learning.hebb(xi, keep_diagonal=keep, dtype=weight_dtype)
    else:
        options = {"keep_diagonal": keep} if key in ("pseudo-inverse",) else {}
        weights = learning.store(xi, rule=rule, **options)
        if dtype == "float32":
            weights = weights.astype(np.float32)
    return cls(adopt(weights), patterns=xi, pattern_labels=pattern_labels, **network_options)


def recall(net, cues, *, max_sweeps, threshold, patterns, inputs, record_energy, rng, seed):
    """The body of :meth:`HopfieldNetwork.recall`."""
    import xarray as xr

    from .._simulate import _resolve_rng

    max_sweeps = check_integer("max_sweeps", max_sweeps, minimum=1)
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not \
            0 < threshold <= 1:
        raise ParameterError(f"threshold must be a number in (0, 1], got {describe(threshold)}")
    xi = net.patterns if patterns is None else net._check_patterns(patterns)
    s, shape = net._states("cues", cues)
    if len(shape) > 1:
        raise ParameterError(f"cues must have shape (N,) or (n_cues, N), got {np.shape(cues)}")
    if inputs is not None:
        inputs = check_finite_array("inputs", inputs, dtype=np.float64)
        if inputs.shape not in ((net.n_units,), s.shape):
            raise ParameterError(f"inputs must have shape ({net.n_units},) or {s.shape}, "
                                 f"got {inputs.shape}")
    if net._needs_random() or rng is not None or seed is not None:
        rng, used_seed = _resolve_rng(rng, seed)
    else:  # deterministic and no seed given: no need to draw one from the OS
        used_seed = None
    if record_energy and not net.symmetric:
        raise ParameterError("record_energy=True needs symmetric weights: with symmetric=False "
                             "the network has no energy function")
    # The per-sweep arrays a recall makes, sized before any is allocated.
    n_cues = s.shape[0]
    if net._needs_random():
        check_allocation("max_sweeps", max_sweeps, (max_sweeps,), np.uint64, "the sweep keys")
    if record_energy:
        check_allocation("max_sweeps", max_sweeps, (n_cues, max_sweeps + 1), np.float64,
                         "the energy trace")
    if net.dynamics == "sync" and not net.symmetric:
        check_allocation("max_sweeps", max_sweeps, (max_sweeps + 1, n_cues, net.n_units),
                         np.int8, "the orbit searched for cycles")
    theta = net._theta(s.shape[0], inputs)
    period = None
    trace = None
    if net.dynamics == "sync":
        final, energy, sweeps, converged, period = dynamics.sync_recall(net, s, theta, max_sweeps)
    else:
        final, energy, sweeps, converged, trace = dynamics.async_sweeps(
            net, s, theta, rng, max_sweeps=max_sweeps, stop=net.temperature == 0,
            trace=record_energy)
        if net.temperature > 0:
            converged[:] = False
        if not net.symmetric:
            energy = np.full(s.shape[0], np.nan)  # no energy function (see energy())
    energy_attrs = {"units": "1", "long_name": "energy E = -s.W.s/2 + (theta - u).s"}
    data = {"state": (("cue", "unit"), final.astype(np.float64)),
            "sweeps": (("cue",), sweeps, {"units": "sweep", "long_name": "sweeps until settled"}),
            "converged": (("cue",), converged), "energy": (("cue",), energy, energy_attrs)}
    if period is not None:
        data["period"] = (("cue",), period, {"units": "step", "long_name": "period of the orbit"})
    if trace is not None and record_energy:
        data["energy_trace"] = (("cue", "sweep"), trace, energy_attrs)
    if xi is not None:
        overlap = net._overlaps(final, xi)
        best = np.argmax(np.abs(overlap), axis=1)
        m_best = overlap[np.arange(len(best)), best]
        kind = np.where(m_best >= threshold, "pattern", np.where(
            m_best <= -threshold, "reversal", np.where(converged, "spurious", "none")))
        overlap_attrs = {"units": "1", "long_name": "overlap m with the pattern"}
        data.update(overlap=(("cue", "pattern"), overlap, overlap_attrs),
                    cue_overlap=(("cue", "pattern"), net._overlaps(s, xi),
                                 {"units": "1", "long_name": "overlap of the cue with the pattern"}),
                    retrieved=(("cue",), np.where(np.abs(m_best) >= threshold, best, -1)),
                    kind=(("cue",), kind.astype(str)))
    coords = {"cue": np.arange(s.shape[0]), "unit": np.arange(net.n_units)}
    if xi is not None:
        coords["pattern"] = net._pattern_values(xi.shape[0] if patterns is not None else None)
    result = xr.Dataset(data, coords=coords,
                        attrs={"model": net.name, "dynamics": net.dynamics,
                               "units": net.units, "max_sweeps": max_sweeps,
                               "threshold": float(threshold),
                               **({"seed": used_seed} if used_seed is not None else {})})
    if not shape:
        result = result.isel(cue=0)
    return result
