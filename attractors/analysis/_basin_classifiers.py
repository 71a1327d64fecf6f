r"""Classifiers for :func:`~attractors.analysis.basins`: which attractor a final state is.

A classifier is a callable that maps final states (shape ``(n, n_units)``) to
integer labels, and may carry ``names`` and ``states`` of the attractors it
knows.  :class:`UniqueStates` needs no prior knowledge (distinct states, merged
within a tolerance); :class:`NearestPattern` recognises stored patterns, their
reversals and symmetric mixtures by overlap; :class:`BumpPosition` bins the
position of a bump on a ring.  -2 labels a state the classifier does not
recognise (-1, a run that did not converge, is given by :func:`basins`).
"""

from __future__ import annotations

import inspect
import itertools

import numpy as np

from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe
from ._bump import bump_position

__all__ = ["BumpPosition", "NearestPattern", "UniqueStates"]

UNRECOGNISED = -2


class UniqueStates:
    """Label final states by which distinct state they are (merged within ``tol``).

    Two states are one attractor when they differ by at most
    ``tol * (1 + max|x|)`` in every unit.  ``states`` and ``names`` describe the
    attractors after the call.

    Parameters
    ----------
    tol : float
        Relative max-norm tolerance.  The default 1e-4 is far above the
        distance at which a run stopped with :math:`\\max|F| \\le 10^{-8}` sits
        from its fixed point (:math:`\\sim 10^{-8}/|\\lambda_{min}|`) and far below
        the distance between distinct attractors of a network of order-one
        states; for discrete states any tol below 1 separates them exactly.
    """

    def __init__(self, tol: float = 1e-4):
        self.tol = check_positive("tol", tol)
        self.states = None
        self.names = None

    def __call__(self, final_states, system=None):
        x = np.asarray(final_states, dtype=np.float64)
        if x.shape[0] == 0:
            self.states, self.names = np.zeros((0, x.shape[-1])), []
            return np.zeros(0, dtype=np.int64)
        scale = 1.0 + np.max(np.abs(x), axis=-1)
        # Greedy in lexicographic order, vectorised per representative: the number of
        # distinct attractors, not of starts, sets the loop length.
        order = np.lexsort(x.T[::-1])
        labels = np.full(x.shape[0], -1, dtype=np.int64)
        representatives = []
        for index in order:
            if labels[index] >= 0:
                continue
            close = np.max(np.abs(x - x[index]), axis=-1) <= self.tol * np.maximum(scale,
                                                                                    scale[index])
            labels[close & (labels < 0)] = len(representatives)
            representatives.append(index)
        self.states = x[representatives]
        self.names = [f"state {k}" for k in range(len(representatives))]
        return labels

    def __repr__(self):
        return f"UniqueStates(tol={self.tol:g})"


class NearestPattern:
    r"""Label final states by the known state they overlap most, above a threshold.

    The overlap of a state :math:`s` with a candidate :math:`\xi` is the cosine
    :math:`m = s\cdot\xi / (\lVert s\rVert \lVert\xi\rVert)`, which for
    :math:`\pm1` vectors is the usual :math:`m = s\cdot\xi/N`.  Candidates: the
    patterns, with ``reversals`` their negatives :math:`-\xi^\mu` (attractors
    of every network with the symmetry :math:`s \to -s`), and with
    ``mixtures`` the symmetric three-pattern mixtures
    :math:`\mathrm{sgn}(\pm\xi^\mu \pm\xi^\nu \pm\xi^\rho)` (Amit, Gutfreund &
    Sompolinsky 1985).

    Parameters
    ----------
    patterns : array_like, shape (n_patterns, n_units)
    reversals, mixtures : bool
    threshold : float
        Smallest overlap that counts as the candidate (default 0.95).
    names : list of str, optional
        Names of the patterns.
    """

    def __init__(self, patterns, *, reversals: bool = True, mixtures: bool = False,
                 threshold: float = 0.95, names=None):
        patterns = check_finite_array("patterns", patterns, dtype=np.float64)
        if patterns.ndim == 1:
            patterns = patterns[None]
        if patterns.ndim != 2 or patterns.shape[0] == 0:
            raise ParameterError(f"patterns must have shape (n_patterns, n_units), got "
                                 f"{patterns.shape}")
        if not 0 < threshold <= 1:
            raise ParameterError(f"threshold must be in (0, 1], got {describe(threshold)}")
        names = [f"pattern {k}" for k in range(len(patterns))] if names is None else list(names)
        if len(names) != len(patterns):
            raise ParameterError(f"names must have one entry per pattern ({len(patterns)}), got "
                                 f"{len(names)}")
        states, labels = list(patterns), list(names)
        if reversals:
            states += list(-patterns)
            labels += [f"-{name}" for name in names]
        if mixtures:
            for trio in itertools.combinations(range(len(patterns)), 3):
                for signs in itertools.product((1, -1), repeat=3):
                    mix = np.sign(sum(s * patterns[i] for s, i in zip(signs, trio)))
                    states.append(mix)
                    labels.append("mixture(" + ", ".join(
                        f"{'+' if s > 0 else '-'}{names[i]}" for s, i in zip(signs, trio)) + ")")
        self.states = np.array(states)
        self.names = labels
        self.threshold = float(threshold)
        self.reversals, self.mixtures = reversals, mixtures

    def overlaps(self, final_states):
        """Cosine overlaps with every candidate, shape (..., n_candidates)."""
        x = np.asarray(final_states, dtype=np.float64)
        norms = np.linalg.norm(x, axis=-1, keepdims=True) * np.linalg.norm(self.states, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(norms > 0, (x @ self.states.T) / norms, 0.0)

    def __call__(self, final_states, system=None):
        m = self.overlaps(final_states)
        best = np.argmax(m, axis=-1)
        return np.where(np.take_along_axis(m, best[..., None], axis=-1)[..., 0] >= self.threshold,
                        best, UNRECOGNISED).astype(np.int64)

    def __repr__(self):
        return (f"NearestPattern({len(self.states)} candidates, threshold={self.threshold:g}, "
                f"reversals={self.reversals}, mixtures={self.mixtures})")


class BumpPosition:
    r"""Label final states of a ring by the position of their bump, in ``n_bins`` bins.

    The position is the population vector of the state less its minimum
    (:func:`~attractors.analysis.bump_position`), on the ring's angular unit
    coordinate (``"theta"`` or ``"x"``).  Bin k covers
    :math:`[-\pi + 2\pi k/n, -\pi + 2\pi(k+1)/n)`.  A flat state (no bump) is
    unrecognised (-2).
    """

    def __init__(self, n_bins: int = 8, *, coord: str | None = None, min_amplitude: float = 1e-6):
        self.n_bins = check_integer("n_bins", n_bins, minimum=1)
        self.coord = coord
        self.min_amplitude = check_positive("min_amplitude", min_amplitude, allow_zero=True)
        edges = -np.pi + 2 * np.pi * np.arange(self.n_bins + 1) / self.n_bins
        self.names = [f"[{a:.3f}, {b:.3f})" for a, b in zip(edges[:-1], edges[1:])]
        self.states = None
        self.positions = None

    def __call__(self, final_states, system=None):
        from ._continuous import ring_coordinate

        if system is None:
            raise ParameterError("BumpPosition needs the system (for its angular coordinate)")
        _, angles = ring_coordinate(system, self.coord)
        x = np.asarray(final_states, dtype=np.float64)
        activity = x - x.min(axis=-1, keepdims=True)
        position = bump_position(activity, angles)
        self.positions = position
        flat = ~(np.ptp(x, axis=-1) > self.min_amplitude) | ~np.isfinite(position)
        bins = np.floor((np.where(flat, 0.0, position) + np.pi) / (2 * np.pi) * self.n_bins)
        return np.where(flat, UNRECOGNISED, np.clip(bins, 0, self.n_bins - 1)).astype(np.int64)

    def __repr__(self):
        return f"BumpPosition(n_bins={self.n_bins})"


def _takes_system(classifier) -> bool:
    """Whether a classifier takes (final_states, system) or only (final_states)."""
    try:
        parameters = list(inspect.signature(classifier).parameters.values())
    except (TypeError, ValueError):
        return True
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters)


def _classify(classifier, final, system):
    labels = classifier(final, system) if _takes_system(classifier) else classifier(final)
    labels = np.asarray(labels)
    if labels.shape != final.shape[:1] or labels.dtype.kind not in "iu":
        raise ParameterError(f"the classifier returned {describe(labels)}; it must return one "
                             f"integer label per final state, shape {final.shape[:1]}")
    return labels.astype(np.int64)
