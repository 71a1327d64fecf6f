r"""Capacity of the dense associative memory: measured, and predicted from signal to noise.

:func:`stable_fraction` (patterns that are fixed points), :func:`recall_fraction`
(patterns recalled from noisy cues) and :func:`measure_capacity` (the number of
patterns at which a criterion fraction is still recalled, by bisection) measure
what :func:`predicted_stable_fraction` and :func:`predicted_capacity` predict from
the signal-to-noise analysis of Krotov & Hopfield (2016) and Demircigil et al.
(2017).  Listed in :mod:`attractors.analysis` as ``dense_*``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validate import ParameterError, check_choice, check_integer, describe
from ._dense import _INTERACTIONS, DenseAssociativeMemory, _draw_patterns, _polynomial, _rng

__all__ = [
    "measure_capacity",
    "predicted_capacity",
    "predicted_stable_fraction",
    "recall_fraction",
    "stable_fraction",
]


def stable_fraction(memory: DenseAssociativeMemory) -> float:
    """Fraction of the stored patterns that are fixed points of ``memory``.

    A pattern is a fixed point when no single unit flip lowers the energy, i.e.
    one synchronous evaluation of the update rule leaves it unchanged (ties keep
    the unit).  Exact for the polynomials.

    Examples
    --------
    >>> import numpy as np
    >>> patterns = np.random.default_rng(0).choice([-1, 1], size=(20, 50))
    >>> stable_fraction(DenseAssociativeMemory(patterns, degree=3))
    1.0
    """
    if not isinstance(memory, DenseAssociativeMemory):
        raise ParameterError(f"memory must be a DenseAssociativeMemory, got {describe(memory)}")
    sync = DenseAssociativeMemory(memory.patterns, memory.interaction, memory.degree,
                                  mode="synchronous", record_overlaps=False)
    rng = np.random.default_rng(0)  # unused by synchronous updates
    stable = 0
    for start in range(0, memory.n_patterns, 1024):  # bounds the (chunk, P) overlap matrix
        chunk = memory.patterns[start:start + 1024]
        stable += int(np.sum(np.all(sync.update(chunk, rng) == chunk, axis=1)))
    return stable / memory.n_patterns


def recall_fraction(n_units, n_patterns, *, interaction="polynomial", degree=3, noise=0.0,
                    n_repeats=1, max_sweeps=30, rng=None, seed=None) -> float:
    r"""Fraction of random stored patterns recalled exactly, by simulation.

    ``n_repeats`` independent sets of ``n_patterns`` random ±1 patterns of
    ``n_units`` units are stored.  With ``noise = 0`` the result is the fraction
    of patterns that are fixed points (:func:`stable_fraction`); with
    ``noise = rho > 0`` each pattern is cued with exactly :math:`\mathrm{round}(\rho N)`
    bits flipped, the network runs asynchronously (at most ``max_sweeps``
    sweeps) and a recall counts when it ends exactly on the pattern.

    Returns
    -------
    float
        The fraction over all ``n_repeats * n_patterns`` patterns.
    """
    n_units = check_integer("n_units", n_units, minimum=2)
    n_patterns = check_integer("n_patterns", n_patterns, minimum=1)
    n_repeats = check_integer("n_repeats", n_repeats, minimum=1)
    max_sweeps = check_integer("max_sweeps", max_sweeps, minimum=1)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise < 0.5:
        raise ParameterError(f"noise must be a fraction of flipped bits in [0, 0.5), got {describe(noise)}")
    check_choice("interaction", interaction, _INTERACTIONS)
    generator = _rng(rng, seed)
    recalled = 0
    for _ in range(n_repeats):
        patterns = _draw_patterns(generator, n_patterns, n_units)
        memory = DenseAssociativeMemory(patterns, interaction, degree, record_overlaps=False)
        if noise == 0:
            recalled += round(stable_fraction(memory) * n_patterns)
            continue
        n_flip = int(round(noise * n_units))
        flips = np.argsort(generator.random((n_patterns, n_units)), axis=1)[:, :n_flip]
        state = patterns.copy()
        np.put_along_axis(state, flips, -np.take_along_axis(state, flips, axis=1), axis=1)
        for _sweep in range(max_sweeps):
            following = memory.update(state, generator)
            if np.array_equal(following, state):
                break
            state = following
        recalled += int(np.sum(np.all(state == patterns, axis=1)))
    return recalled / (n_repeats * n_patterns)


def _signal_to_noise(n_units, interaction, degree):
    """S**2 / v of :func:`predicted_stable_fraction`, from exact binomial moments."""
    from scipy.special import comb

    rectified = interaction == "rectified"
    n = n_units - 1
    k = np.arange(n + 1)
    r = (2 * k - n).astype(object)  # exact integers: the moments below need no rounding
    weights = np.array([comb(n, int(j), exact=True) for j in k], dtype=object)
    gain = _polynomial(r + 1, degree, rectified) - _polynomial(r - 1, degree, rectified)
    variance = float(sum(weights * gain * gain)) / 2.0**n
    ends = _polynomial(np.array([n_units, n_units - 2], dtype=object), degree, rectified)
    return float(ends[0] - ends[1]) ** 2 / variance


def _check_polynomial_args(n_units, interaction, degree):
    n_units = check_integer("n_units", n_units, minimum=3)
    interaction = check_choice("interaction", interaction, _INTERACTIONS)
    if interaction == "exponential":
        raise ParameterError("the signal-to-noise prediction is for interaction='polynomial' or "
                             "'rectified'; for 'exponential' use predicted_capacity")
    return n_units, interaction, check_integer("degree", degree, minimum=2)


def predicted_stable_fraction(n_units, n_patterns, *, interaction="polynomial", degree=3) -> float:
    r"""Signal-to-noise prediction of the fraction of random stored patterns that are fixed points.

    At :math:`\sigma = \xi^1` the update of unit :math:`i` (the signal-to-noise argument of
    Krotov & Hopfield 2016) has the signal :math:`S = F(N) - F(N-2)` and, from each of the other
    :math:`P - 1` patterns, an independent zero-mean crosstalk term
    :math:`\xi^\mu_i [F(r+1) - F(r-1)]`, with :math:`r` a sum of :math:`N - 1` random
    ±1, of variance :math:`v` (computed exactly from the binomial distribution).
    Treating the crosstalk as Gaussian and the N bits as independent,

    .. math:: f = \Big(1 - \Phi\big(-S / \sqrt{(P-1)\, v}\big)\Big)^N .

    For :math:`F = x^n`, :math:`S^2 / v \to N^{n-1} / (2n-3)!!`.

    Examples
    --------
    >>> round(predicted_stable_fraction(100, 362, degree=3), 3)
    0.879
    """
    from scipy.stats import norm

    n_units, interaction, degree = _check_polynomial_args(n_units, interaction, degree)
    n_patterns = check_integer("n_patterns", n_patterns, minimum=1)
    if n_patterns == 1:
        return 1.0
    snr = math.sqrt(_signal_to_noise(n_units, interaction, degree) / (n_patterns - 1))
    return float(norm.cdf(snr) ** n_units)


def predicted_capacity(n_units, *, interaction="polynomial", degree=3, criterion=0.5,
                       asymptotic=False) -> float:
    r"""The number of random patterns at which a fraction ``criterion`` of them are fixed points.

    Inverts :func:`predicted_stable_fraction`:

    .. math:: P_c = 1 + \frac{S^2}{v\, z^2}, \qquad z = \Phi^{-1}(c^{1/N}) ,

    which grows like :math:`N^{n-1}` for :math:`F = x^n`.  With ``asymptotic=True``
    it returns Krotov & Hopfield's (2016) no-error capacity
    :math:`N^{n-1} / (2 (2n-3)!! \ln N)` instead (the large-N form, proved by
    Demircigil et al. 2017; ``criterion`` ignored).  For :math:`F = e^x` it returns
    Demircigil et al.'s :math:`e^{N \ln 2 / 2}`, below which (asymptotically) all
    patterns are fixed points with high probability.

    Examples
    --------
    >>> round(predicted_capacity(100, degree=3, asymptotic=True))
    362
    """
    from scipy.stats import norm

    if check_choice("interaction", interaction, _INTERACTIONS) == "exponential":
        return math.exp(check_integer("n_units", n_units, minimum=3) * math.log(2) / 2)
    n_units, interaction, degree = _check_polynomial_args(n_units, interaction, degree)
    if isinstance(criterion, bool) or not isinstance(criterion, numbers.Real) or not 0 < criterion < 1:
        raise ParameterError(f"criterion must be a fraction in (0, 1), got {describe(criterion)}")
    if asymptotic:
        double_factorial = math.prod(range(2 * degree - 3, 0, -2))
        return n_units ** (degree - 1) / (2 * double_factorial * math.log(n_units))
    z = norm.ppf(math.exp(math.log(criterion) / n_units))
    return 1.0 + _signal_to_noise(n_units, interaction, degree) / z**2


def measure_capacity(n_units, *, interaction="polynomial", degree=3, criterion=0.5, noise=0.0,
                     n_repeats=3, max_patterns=200_000, rng=None, seed=None) -> int:
    """The largest number of random patterns whose recall fraction stays >= ``criterion``.

    Bisection on P of :func:`recall_fraction` (fixed points for ``noise=0``,
    recall from a cue with ``noise`` flipped bits otherwise), each evaluation with
    ``n_repeats`` fresh pattern sets from one generator.  The recall fraction
    falls with P on average; its sampling noise (about
    :math:`\\sqrt{c(1-c)/(n_\\text{repeats} P)}`) blurs the answer by a few percent.

    Examples
    --------
    >>> measure_capacity(30, degree=3, seed=0) > 30  # far above the Hopfield network's 0.14 N
    True
    """
    n_units = check_integer("n_units", n_units, minimum=3)
    max_patterns = check_integer("max_patterns", max_patterns, minimum=2)
    if isinstance(criterion, bool) or not isinstance(criterion, numbers.Real) or not 0 < criterion < 1:
        raise ParameterError(f"criterion must be a fraction in (0, 1), got {describe(criterion)}")
    generator = _rng(rng, seed)

    def good(p):
        return recall_fraction(n_units, p, interaction=interaction, degree=degree, noise=noise,
                               n_repeats=n_repeats, rng=generator) >= criterion

    low, high = 1, 2
    while high <= max_patterns and good(high):
        low, high = high, 2 * high
    if high > max_patterns:
        raise ParameterError(
            f"the capacity exceeds max_patterns={max_patterns} for n_units={n_units}; "
            "raise max_patterns")
    while high - low > max(1, low // 50):  # 2 % resolution, below the sampling noise
        middle = (low + high) // 2
        if good(middle):
            low = middle
        else:
            high = middle
    return low
