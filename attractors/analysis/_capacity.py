r"""Storage capacity of Hopfield networks: mean-field theory and measurement.

The zero-temperature replica-symmetric theory of Amit, Gutfreund & Sompolinsky
(AGS) gives the overlap :math:`m(\alpha)` of the retrieval state with its
pattern at load :math:`\alpha = P/N` for Hebbian weights, and the critical
load :math:`\alpha_c \approx 0.138` above which no retrieval state exists.
:func:`capacity_curve` measures the same quantities in simulations, over
loads and independent trials, as a Dataset to plot against the theory.
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import numpy as np
import xarray as xr
from scipy.optimize import brentq
from scipy.special import erf

from .._validate import (
    ParameterError,
    check_choice,
    check_finite_array,
    check_integer,
    check_positive,
    describe,
)
from ._stability import _labelled

__all__ = ["capacity_curve", "mean_field_critical_load", "mean_field_overlap"]

_TWO_OVER_ROOT_PI = 2.0 / np.sqrt(np.pi)


def _gain(y):
    r""":math:`g(y) = \operatorname{erf}(y)/y - (2/\sqrt\pi)\, e^{-y^2}`, equal to :math:`\sqrt{2\alpha}`."""
    return erf(y) / y - _TWO_OVER_ROOT_PI * np.exp(-y * y)


def _gain_slope(y):
    return (_TWO_OVER_ROOT_PI * np.exp(-y * y) / y - erf(y) / y**2
            + 2 * _TWO_OVER_ROOT_PI * y * np.exp(-y * y))


@lru_cache(maxsize=1)
def _critical() -> tuple[float, float]:
    y_c = brentq(_gain_slope, 0.5, 3.0, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return float(_gain(y_c) ** 2 / 2), float(y_c)


def mean_field_critical_load() -> float:
    r"""The critical load :math:`\alpha_c \approx 0.1379` of the Hopfield model at zero temperature.

    From the replica-symmetric equations (see :func:`mean_field_overlap`)
    reduced to :math:`\sqrt{2\alpha} = g(y)`, :math:`g(y) =
    \operatorname{erf}(y)/y - (2/\sqrt\pi) e^{-y^2}`: retrieval solutions exist
    while :math:`\sqrt{2\alpha} \le \max_y g(y)`, so :math:`\alpha_c = g(y_c)^2/2`
    with :math:`g'(y_c) = 0`; there :math:`m = \operatorname{erf}(y_c) \approx 0.967`.

    Returns
    -------
    float
        :math:`\alpha_c`, solved to machine precision.

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1985). Storing infinite
    numbers of patterns in a spin-glass model of neural networks. Phys. Rev.
    Lett. 55, 1530-1533.

    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Statistical mechanics
    of neural networks near saturation. Ann. Phys. 173, 30-67.

    Examples
    --------
    >>> from attractors.analysis import mean_field_critical_load, mean_field_overlap
    >>> round(mean_field_critical_load(), 4)
    0.1379
    >>> round(float(mean_field_overlap(mean_field_critical_load())), 3)
    0.967
    """
    return _critical()[0]


def mean_field_overlap(load, *, temperature=0.0):
    r"""Overlap of the retrieval state at load :math:`\alpha` and temperature :math:`T` (AGS theory).

    The replica-symmetric saddle-point equations of Amit, Gutfreund &
    Sompolinsky (1987) for one condensed pattern, in the zero-temperature
    limit :math:`\beta \to \infty`, are

    .. math::

        m = \operatorname{erf}\!\left(\frac{m}{\sqrt{2\alpha r}}\right), \qquad
        C = \sqrt{\frac{2}{\pi\alpha r}}\, e^{-m^2/(2\alpha r)}, \qquad
        r = \frac{1}{(1 - C)^2},

    with :math:`C = \beta(1 - q)`.  With :math:`y = m/\sqrt{2\alpha r}` they
    reduce to one equation, :math:`\sqrt{2\alpha} = \operatorname{erf}(y)/y -
    (2/\sqrt\pi) e^{-y^2}`, solved here on the retrieval branch :math:`y \ge
    y_c` by bisection (vectorised over loads); then :math:`m =
    \operatorname{erf}(y)`.  Above :math:`\alpha_c` (:func:`mean_field_critical_load`)
    the only solution has :math:`m = 0`.  The fraction of wrong bits in the
    retrieval state is :math:`(1 - m)/2`: 0.1 % at :math:`\alpha = 0.1`, 1.6 %
    at :math:`\alpha_c`.

    At :math:`T > 0` (Glauber dynamics, :math:`\beta = 1/T`) the equations are

    .. math::

        m = \int Dz \tanh\beta(m + \sqrt{\alpha r}\, z), \quad
        q = \int Dz \tanh^2\beta(m + \sqrt{\alpha r}\, z), \quad
        r = \frac{q}{(1 - \beta(1 - q))^2},

    with :math:`Dz` the standard Gaussian measure; they are solved by damped
    fixed-point iteration started at the retrieval state (:math:`m = q = 1`),
    the Gaussian averages taken on a fine uniform grid (accurate to about
    1e-6 for :math:`T \ge 0.02`).  Where no retrieval solution exists the
    iteration falls to :math:`m = 0`.  For :math:`\alpha \to 0` this is the
    Curie-Weiss equation :math:`m = \tanh(\beta m)`.

    Parameters
    ----------
    load : float or array_like
        :math:`\alpha = P/N \ge 0`.
    temperature : float
        :math:`T \ge 0` (0: the exact zero-temperature solution above).

    Returns
    -------
    float or ndarray
        :math:`m(\alpha)`, same shape as ``load``.

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1985). Phys. Rev. Lett. 55, 1530.

    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Ann. Phys. 173, 30-67.

    Examples
    --------
    >>> from attractors.analysis import mean_field_overlap
    >>> mean_field_overlap([0.0, 0.05, 0.1, 0.2]).round(5).tolist()
    [1.0, 0.99999, 0.998, 0.0]
    >>> round(mean_field_overlap(0.0, temperature=0.5), 4)  # m = tanh(2 m)
    0.9575
    """
    alpha = check_finite_array("load", load, dtype=np.float64)
    if np.any(alpha < 0):
        raise ParameterError(f"load must be >= 0, got {describe(load)}")
    temperature = check_positive("temperature", temperature, allow_zero=True)
    if temperature > 0:
        m = _finite_temperature(alpha.ravel(), 1.0 / temperature).reshape(alpha.shape)
        return m if m.ndim else float(m)
    alpha_c, y_c = _critical()
    retrieval = (alpha > 0) & (alpha <= alpha_c)
    target = np.sqrt(2 * np.where(retrieval, alpha, alpha_c))
    # g is decreasing on [y_c, inf) and g(y) < 1/y, so the root lies below 1/sqrt(2 alpha).
    low = np.full(alpha.shape, y_c)
    high = np.maximum(1.0 / target, y_c)
    for _ in range(200):
        middle = 0.5 * (low + high)
        above = _gain(middle) > target
        low = np.where(above, middle, low)
        high = np.where(above, high, middle)
    m = np.where(retrieval, erf(0.5 * (low + high)), np.where(alpha == 0, 1.0, 0.0))
    return m if m.ndim else float(m)


def _finite_temperature(alpha, beta, *, tol=1e-13, max_iterations=20000):
    """Damped fixed-point iteration of the replica-symmetric equations at inverse temperature beta."""
    z = np.linspace(-9.0, 9.0, 6001)
    weights = np.exp(-z * z / 2)
    weights /= weights.sum()
    m, q, r = np.ones_like(alpha), np.ones_like(alpha), np.ones_like(alpha)
    for _ in range(max_iterations):
        t = np.tanh(beta * (m[:, None] + np.sqrt(alpha * r)[:, None] * z))
        m_new = t @ weights
        q_new = (t * t) @ weights
        r_new = q_new / np.maximum(1.0 - beta * (1.0 - q_new), 1e-12) ** 2
        change = np.max(np.abs(m_new - m), initial=0.0)
        m, q, r = 0.5 * (m + m_new), 0.5 * (q + q_new), 0.5 * (r + r_new)
        if change < tol:
            break
    return m


def _check_loads(loads, n_units):
    loads = np.atleast_1d(check_finite_array("loads", loads, dtype=np.float64))
    if loads.ndim != 1 or loads.size == 0 or np.any(loads <= 0):
        raise ParameterError(f"loads must be a non-empty list of positive numbers, got {describe(loads)}")
    n_patterns = np.rint(loads * n_units).astype(np.int64)
    if np.any(n_patterns < 1):
        raise ParameterError(
            f"every load must give at least one pattern: loads * n_units = "
            f"{describe(loads * n_units)} for n_units = {n_units}"
        )
    return n_patterns


def _fixed_points(network, patterns):
    """Which patterns no single-unit update would change (zero fields keep the state)."""
    field = network.local_field(patterns) - (0.0 if network.thresholds is None
                                             else network.thresholds)
    on = patterns == 1
    return np.all((on & (field >= 0)) | (~on & (field <= 0)), axis=-1)


def capacity_curve(n_units, loads, *, n_trials=5, rule="hebb", cue_noise=0.0, units="spin",
                   dynamics="async", threshold=0.9, max_sweeps=100, rng=None, seed=None,
                   progress=False) -> xr.Dataset:
    r"""Measured retrieval quality against load :math:`\alpha = P/N`, over independent trials.

    For each load and trial: draw :math:`P = \mathrm{round}(\alpha N)` random
    unbiased patterns, store them with ``rule``, and run every pattern as a cue
    (after flipping a fraction ``cue_noise`` of its bits, exactly) to
    convergence with :meth:`HopfieldNetwork.recall`, all cues of a network in
    one batch.  Recorded: the final overlap :math:`m^\mu` of each cue with its
    own pattern, whether each stored pattern is a fixed point, and whether the
    cue was recalled (:math:`m^\mu \ge` ``threshold``).  At ``cue_noise=0``
    the mean final overlap is the quantity AGS theory predicts
    (:func:`mean_field_overlap`, included as ``mean_field_overlap`` for the
    Hebb rule).

    Parameters
    ----------
    n_units : int
        :math:`N`.
    loads : array_like of float
        Loads :math:`\alpha`; each gives :math:`\mathrm{round}(\alpha N) \ge 1` patterns.
    n_trials : int
        Independent networks (new patterns) per load.
    rule : {"hebb", "storkey", "pseudo-inverse"}
        Storage rule (:mod:`attractors.learning`).
    cue_noise : float in [0, 1]
        Fraction of bits flipped in each cue.
    units : {"spin", "binary"}
        Patterns and units in :math:`\{-1,+1\}` or in :math:`\{0,1\}` (Hopfield
        1982, weights :math:`\sum (2V_i-1)(2V_j-1)`, thresholds 0); overlaps use
        :math:`2s - 1`.
    dynamics : {"async", "sync"}
        Recall dynamics.
    threshold : float in (0, 1]
        Final overlap that counts as recalled.
    max_sweeps : int
        Most sweeps per cue.
    rng, seed
        Random generator or seed; the same seed gives the same Dataset.
    progress : bool
        Show a progress bar over networks.

    Returns
    -------
    xarray.Dataset
        Dims ``load`` (the realised :math:`P/N`; read it as ``curve["load"]``,
        since ``curve.load`` is the Dataset method), ``trial`` and ``pattern``
        (padded with NaN to the largest :math:`P`).  Variables ``overlap``
        (load, trial, pattern), ``mean_overlap``, ``fixed_fraction``,
        ``recalled_fraction``, ``mean_sweeps``, ``converged_fraction`` (load,
        trial: cues at a fixed point within ``max_sweeps``; the overlaps of the
        others are read off a state still moving, and a warning says so),
        ``n_patterns`` (load), ``mean_field_overlap`` (load; Hebb only); attrs
        ``n_units``, ``rule``, ``cue_noise``, ``units``, ``dynamics``,
        ``threshold``, ``seed``.  Every variable has ``long_name`` and ``units``.

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Ann. Phys. 173, 30-67.

    Examples
    --------
    >>> from attractors.analysis import capacity_curve
    >>> curve = capacity_curve(200, [0.05, 0.3], n_trials=2, seed=0)
    >>> (curve.mean_overlap.mean("trial") > 0.9).values.tolist()  # below / above alpha_c
    [True, False]
    """
    from tqdm.auto import tqdm

    from .._simulate import _resolve_rng
    from ..models._hopfield import HopfieldNetwork
    from ..patterns import flip, random_patterns

    n_units = check_integer("n_units", n_units, minimum=2)
    n_patterns = _check_loads(loads, n_units)
    n_trials = check_integer("n_trials", n_trials, minimum=1)
    rule = check_choice("rule", rule, ("hebb", "storkey", "pseudo-inverse"))
    units = check_choice("units", units, ("spin", "binary"))
    dynamics = check_choice("dynamics", dynamics, ("async", "sync"))
    if isinstance(cue_noise, bool) or not isinstance(cue_noise, numbers.Real) or not \
            0 <= cue_noise <= 1:
        raise ParameterError(f"cue_noise must be a number in [0, 1], got {describe(cue_noise)}")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not \
            0 < threshold <= 1:
        raise ParameterError(f"threshold must be a number in (0, 1], got {describe(threshold)}")
    max_sweeps = check_integer("max_sweeps", max_sweeps, minimum=1)
    rng, used_seed = _resolve_rng(rng, seed)

    shape = (n_patterns.size, n_trials)
    overlap = np.full(shape + (int(n_patterns.max()),), np.nan)
    fixed = np.zeros(shape)
    recalled = np.zeros(shape)
    sweeps = np.zeros(shape)
    converged = np.zeros(shape)
    jobs = [(a, t) for a in range(n_patterns.size) for t in range(n_trials)]
    for a, t in tqdm(jobs, disable=not progress, unit="network", desc="capacity"):
        p = int(n_patterns[a])
        xi = random_patterns(p, n_units, units=units, rng=rng)
        network = HopfieldNetwork.from_patterns(xi, rule=rule, exact=rule == "hebb",
                                                units=units, dynamics=dynamics)
        cues = flip(xi, cue_noise, units=units, rng=rng) if cue_noise else xi
        result = network.recall(cues, max_sweeps=max_sweeps, threshold=threshold, rng=rng)
        own = result.overlap.values[np.arange(p), np.arange(p)]
        overlap[a, t, :p] = own
        fixed[a, t] = _fixed_points(network, xi).mean()
        recalled[a, t] = (own >= threshold).mean()
        sweeps[a, t] = result.sweeps.values.mean()
        converged[a, t] = result.converged.values.mean()
    realised = n_patterns / n_units
    data = {
        "overlap": (("load", "trial", "pattern"), overlap),
        "mean_overlap": (("load", "trial"), np.nanmean(overlap, axis=-1)),
        "fixed_fraction": (("load", "trial"), fixed),
        "recalled_fraction": (("load", "trial"), recalled),
        "mean_sweeps": (("load", "trial"), sweeps),
        "converged_fraction": (("load", "trial"), converged),
        "n_patterns": ("load", n_patterns),
    }
    if rule == "hebb":
        data["mean_field_overlap"] = ("load", mean_field_overlap(realised))
    curve = xr.Dataset(data, coords={"load": realised, "trial": np.arange(n_trials),
                                     "pattern": np.arange(overlap.shape[-1])})
    _labelled(curve, {
        "overlap": ("final overlap of each cue with its own pattern", "1"),
        "mean_overlap": ("final overlap averaged over patterns", "1"),
        "fixed_fraction": ("fraction of stored patterns that are fixed points", "1"),
        "recalled_fraction": ("fraction of cues recalled (overlap >= threshold)", "1"),
        "mean_sweeps": ("mean sweeps to convergence", "sweep"),
        "converged_fraction": ("fraction of cues at a fixed point within max_sweeps", "1"),
        "n_patterns": ("number of stored patterns P", "1"),
        "mean_field_overlap": ("overlap from AGS mean-field theory", "1"),
        "load": ("load P/N", "1"),
    })
    curve.attrs.update(n_units=n_units, rule=rule, cue_noise=float(cue_noise), units=units,
                       dynamics=dynamics, threshold=float(threshold), max_sweeps=max_sweeps,
                       **({"seed": used_seed} if used_seed is not None else {}))
    if np.any(converged < 1):
        import warnings

        warnings.warn(f"capacity_curve: {100 * (1 - converged.mean()):.2g} % of the cues reached "
                      f"no fixed point within max_sweeps={max_sweeps} (a cycle, with "
                      "synchronous updates, or too few sweeps); their overlaps are of a state "
                      "still moving (see converged_fraction)", stacklevel=2)
    return curve
