r"""The Amit-Gutfreund-Sompolinsky load-temperature phase diagram of the Hopfield model.

Replica-symmetric mean-field theory (Amit, Gutfreund & Sompolinsky 1987) of
the Hebbian Hopfield network with Glauber dynamics at temperature :math:`T =
1/\beta` and load :math:`\alpha = P/N`.  One condensed pattern with overlap
:math:`m`, the Edwards-Anderson order parameter :math:`q` and the noise from
the other patterns :math:`r` solve

.. math::

    m = \int Dz \tanh\beta(m + \sqrt{\alpha r}\, z), \quad
    q = \int Dz \tanh^2\beta(m + \sqrt{\alpha r}\, z), \quad
    r = \frac{q}{(1 - \beta(1 - q))^2},

stationary points of the free energy per unit

.. math::

    f = \frac{\alpha}{2} + \frac{m^2}{2}
        + \frac{\alpha}{2\beta}\Big[\ln(1 - \beta(1 - q))
        - \frac{\beta q}{1 - \beta(1 - q)}\Big]
        + \frac{\alpha\beta}{2} r (1 - q)
        - \frac1\beta \int Dz \ln 2\cosh\beta(m + \sqrt{\alpha r}\, z).

Written with :math:`x = \sqrt{\alpha r}` (the width of the crosstalk noise),
the first equation gives :math:`x(m)` at fixed :math:`\beta` (one root), then
:math:`q` and :math:`r`, and the load :math:`\alpha(m) = x^2 / r` follows
explicitly.  The retrieval branch exists up to :math:`\alpha_M(T) =
\max_m \alpha(m)` (a fold), the finite-temperature form of the zero-temperature
reduction :math:`\sqrt{2\alpha} = g(y)` in :mod:`._capacity`.  The spin-glass
solution has :math:`m = 0`; the retrieval state is the global minimum where
its free energy lies below the spin glass's.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import xarray as xr
from scipy.optimize import brentq, minimize_scalar
from scipy.special import erf, erfcinv, expit

from .._validate import ParameterError, check_finite_array, describe
from ._capacity import _critical, _gain
from ._stability import _labelled

__all__ = ["ags_global_load", "ags_phase_boundaries", "ags_retrieval_load"]

# Trapezoid rule on [-8, 8] for the Gaussian averages.  The integrands are analytic
# in z with poles at distance w = pi / (2 beta x) from the real axis, where the
# error of the rule with spacing h is about exp(-2 pi w / h); h <= min(0.008, w / 5)
# keeps it below 1e-13 (the Gaussian tail beyond 8 is 1e-15).  The grid reaches down
# past the kink at z = -m/x, where 1 - tanh lives when m is within 1e-15 of 1 (low
# loads at low T).  At most 40001 nodes: beta x <= 390 at full accuracy, which covers
# the solutions for T >= 0.005 (x < 1.5); only far ends of root brackets are coarser.
_T_MIN = 0.005  # below this, temperatures are treated by the T = 0 equations


@lru_cache(maxsize=256)
def _grid(lower, n):
    z = np.linspace(lower, 8.0, n)
    weights = np.exp(-z * z / 2)
    return z, weights / weights.sum()


def _nodes(beta, delta, x):
    """Nodes and weights for the field beta (m + x z): the kink at z = -m/x must be inside."""
    spacing = min(0.008, np.pi / (10 * beta * max(x, 1e-300)))
    lower = -8.0 if x <= 0 else max(-60.0, min(-8.0, np.floor(-(1.0 - delta) / x) - 8.0))
    return _grid(lower, min(1000 * int(np.ceil((8 - lower) / spacing / 1000)), 40000) + 1)


def _averages(beta, delta, x):
    """(1 - <tanh>, 1 - <tanh^2>, <ln 2cosh>/beta) over z for the field m + x z, m = 1 - delta.

    The complements are formed term by term (``1 - tanh h = 2 expit(-2h)``), so that
    states within 1e-300 of m = 1 (low loads at low temperature) keep their precision.
    """
    z, weights = _nodes(beta, delta, x)
    h = beta * ((1.0 - delta) + x * z)
    low, high = expit(-2 * h), expit(2 * h)
    log_cosh = np.abs(h) + np.log1p(np.exp(-2 * np.abs(h)))  # ln 2cosh h, without overflow
    return (2 * low) @ weights, (4 * low * high) @ weights, (log_cosh @ weights) / beta


def _tail(beta, delta, x):
    """(1 - <tanh>) and its derivative in x, -beta <z sech^2>, for the field m + x z."""
    z, weights = _nodes(beta, delta, x)
    h = beta * ((1.0 - delta) + x * z)
    low = expit(-2 * h)
    return (2 * low) @ weights, -beta * ((4 * low * (1 - low)) * z) @ weights


def _noise_width(beta, delta):
    """x with m = <tanh beta(m + x z)> (m = 1 - delta), or NaN above the Curie-Weiss overlap.

    1 - <tanh> grows with x from 1 - tanh(beta m): safeguarded Newton on a bracket.
    """
    if _tail(beta, delta, 0.0)[0] >= delta:  # 1 - tanh(beta m) >= 1 - m: no solution
        return np.nan
    # Start from the T = 0 width (delta = 2 Phi(-m/x)), an upper bound: noise of the
    # temperature adds to the crosstalk.
    x = (1.0 - delta) / (np.sqrt(2.0) * erfcinv(min(delta, 1.0)))
    low, high = 0.0, x
    while _tail(beta, delta, high)[0] < delta:
        low, high = high, 2 * high
    for _ in range(100):
        value, slope = _tail(beta, delta, x)
        residual = value - delta
        if residual == 0:
            return x
        if residual < 0:
            low = x
        else:
            high = x
        step = x - residual / slope if slope > 0 else np.nan
        x_new = step if low <= step <= high else 0.5 * (low + high)
        if abs(x_new - x) <= 1e-13 * max(x, 1e-3) or high - low <= 1e-15:
            return x_new
        x = x_new
    return x


def _branch(beta, delta):
    """(alpha, q, r) on the solution with overlap m = 1 - delta at inverse temperature beta."""
    x = _noise_width(beta, delta)
    if not np.isfinite(x):
        return np.nan, np.nan, np.nan
    one_minus_q = _averages(beta, delta, x)[1]
    c = beta * one_minus_q
    if c >= 1:
        return np.nan, np.nan, np.nan
    r = (1 - one_minus_q) / (1 - c) ** 2
    return x * x / r, 1 - one_minus_q, r


def _free_energy(alpha, beta, delta, one_minus_q, r):
    """f per unit of the solution (m = 1 - delta, q, r), from the module docstring."""
    c = 1 - beta * one_minus_q
    x = np.sqrt(alpha * r)
    m = 1 - delta
    return (alpha / 2 + m * m / 2 + alpha / (2 * beta) * (np.log(c) - beta * (1 - one_minus_q) / c)
            + alpha * beta * r * one_minus_q / 2 - _averages(beta, delta, x)[2])


def _curie_weiss_gap(beta):
    """1 - m of m = tanh(beta m), the overlap at zero load (1 for beta <= 1: no solution)."""
    if beta <= 1:
        return 1.0
    if beta < 3:
        return 1 - brentq(lambda m: np.tanh(beta * m) - m, 1e-12, 1.0, xtol=1e-15)
    delta = 0.0
    for _ in range(60):  # contraction with factor 4 beta e^{-2 beta} < 0.03
        delta = 2 * expit(-2 * beta * (1 - delta))
    return delta


@lru_cache(maxsize=512)
def _fold(temperature):
    """(alpha_M, 1 - m at the fold) at temperature T > 0: the largest load of the retrieval branch."""
    beta = 1.0 / temperature
    delta_cw = _curie_weiss_gap(beta)
    if delta_cw >= 1 - 1e-6:
        return 0.0, 1.0
    best = minimize_scalar(lambda d: -np.nan_to_num(_branch(beta, d)[0]),
                           bounds=(delta_cw, 1 - 1e-3 * (1 - delta_cw)), method="bounded",
                           options={"xatol": 1e-7})  # alpha is flat there: error ~ 1e-14
    return float(-best.fun), float(best.x)


def ags_retrieval_load(temperature):
    r"""Largest load :math:`\alpha_M(T)` at which retrieval states exist, at temperature :math:`T`.

    The fold of the retrieval branch of the replica-symmetric equations (see
    :func:`ags_phase_boundaries`): :math:`\alpha_M(T) = \max_m \alpha(m; T)`,
    with :math:`\alpha(m; T)` explicit once the crosstalk width :math:`x(m)` is
    solved from :math:`m = \int Dz \tanh\beta(m + xz)`.  At :math:`T = 0` it
    is :func:`mean_field_critical_load` (0.1379); it vanishes at :math:`T = 1`.
    Replica-symmetric theory is slightly re-entrant here: :math:`\alpha_M`
    first grows, to about 0.1382 near :math:`T = 0.02`, before it falls
    (Amit, Gutfreund & Sompolinsky 1987; removed by replica-symmetry breaking,
    Steffan & Kühn 1994).

    Parameters
    ----------
    temperature : float or array_like
        :math:`T \ge 0`; temperatures below 0.005 use the :math:`T = 0` value.

    Returns
    -------
    float or ndarray
        :math:`\alpha_M(T)`, 0 for :math:`T \ge 1`.

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Statistical mechanics
    of neural networks near saturation. Ann. Phys. 173, 30-67.

    Examples
    --------
    >>> from attractors.analysis import ags_retrieval_load
    >>> ags_retrieval_load([0.0, 0.5, 1.0]).round(4).tolist()
    [0.1379, 0.0588, 0.0]
    """
    temperature = check_finite_array("temperature", temperature, dtype=np.float64)
    if np.any(temperature < 0):
        raise ParameterError(f"temperature must be >= 0, got {describe(temperature)}")
    alpha_c = _critical()[0]
    out = np.array([alpha_c if t < _T_MIN else (0.0 if t >= 1 else _fold(float(t))[0])
                    for t in temperature.ravel()]).reshape(temperature.shape)
    return out if out.ndim else float(out)


@lru_cache(maxsize=1)
def _reentrance_peak():
    """(T, alpha) of the largest alpha_M: the upper branch T_M(alpha) starts there."""
    best = minimize_scalar(lambda t: -_fold(t)[0], bounds=(_T_MIN, 0.2), method="bounded",
                           options={"xatol": 1e-6})
    return float(best.x), float(-best.fun)


def _retrieval_temperature(alpha):
    """T_M(alpha) on the upper branch (the highest temperature with retrieval states)."""
    if alpha == 0:
        return 1.0
    t_peak, a_peak = _reentrance_peak()
    if alpha > a_peak:
        return np.nan
    return brentq(lambda t: _fold(t)[0] - alpha, t_peak, 1.0 - 1e-9, xtol=1e-8)


def _spin_glass_solution(alpha, temperature):
    """(1 - q, r) of the m = 0 solution (q = 0 above T_g = 1 + sqrt(alpha))."""
    beta = 1.0 / temperature

    def residual(one_minus_q):
        x = np.sqrt(alpha * (1 - one_minus_q)) / (1 - beta * one_minus_q)
        return _averages(beta, 1.0, x)[1] - one_minus_q

    high = temperature * (1 - 1e-12) if temperature < 1 else 1 - 1e-10
    if temperature >= 1 + np.sqrt(alpha) or residual(high) >= 0:
        return 1.0, 0.0
    one_minus_q = brentq(residual, 1e-300, high, xtol=1e-300, rtol=1e-13)
    return one_minus_q, (1 - one_minus_q) / (1 - beta * one_minus_q) ** 2


def _free_energy_gap(beta, delta):
    """(alpha, f(retrieval) - f(spin glass)) at the retrieval solution m = 1 - delta."""
    alpha, q, r = _branch(beta, delta)
    if not np.isfinite(alpha):
        return np.nan, np.nan
    one_minus_q0, r0 = _spin_glass_solution(alpha, 1.0 / beta)
    return alpha, (_free_energy(alpha, beta, delta, 1 - q, r)
                   - _free_energy(alpha, beta, 1.0, one_minus_q0, r0))


def _ground_energy_gap(alpha):
    """E(retrieval) - E(spin glass) per unit at T = 0 (the beta -> infinity limit of f)."""
    alpha_c, y_c = _critical()
    if alpha > alpha_c:
        return np.nan
    y = brentq(lambda y: _gain(y) - np.sqrt(2 * alpha), y_c, 1 / np.sqrt(2 * alpha), xtol=1e-15)
    m = erf(y)
    x = m / (np.sqrt(2) * y)
    c = 1 - np.sqrt(alpha) / x
    energy_r = (alpha / 2 + m * m / 2 - alpha / (2 * (1 - c)) + alpha * c / (2 * (1 - c) ** 2)
                - m * erf(y) - x * np.sqrt(2 / np.pi) * np.exp(-y * y))
    c0 = np.sqrt(2 / np.pi) / (np.sqrt(alpha) + np.sqrt(2 / np.pi))
    energy_sg = (alpha / 2 - alpha / (2 * (1 - c0)) + alpha * c0 / (2 * (1 - c0) ** 2)
                 - np.sqrt(2 * alpha / np.pi) / (1 - c0))
    return energy_r - energy_sg


@lru_cache(maxsize=1)
def _global_load():
    """alpha at which retrieval and spin-glass ground states have equal energy (0.0519)."""
    return float(brentq(_ground_energy_gap, 0.01, 0.13, xtol=1e-14))


@lru_cache(maxsize=512)
def _global_at(temperature):
    """alpha at which retrieval and spin glass have equal free energy, at T in (0, 1)."""
    beta = 1.0 / temperature
    delta_fold = _fold(temperature)[1]
    delta_cw = _curie_weiss_gap(beta)
    if _free_energy_gap(beta, delta_fold)[1] <= 0:
        return np.nan
    # Along the retrieval branch from alpha = 0 (the Curie-Weiss state, below the spin
    # glass) to the fold; delta spans hundreds of decades at low T, so search log(delta).
    log_delta = brentq(lambda s: np.nan_to_num(_free_energy_gap(beta, np.exp(s))[1], nan=-1.0),
                       np.log(delta_cw), np.log(delta_fold), xtol=1e-12)
    return _free_energy_gap(beta, np.exp(log_delta))[0]


def ags_global_load(temperature):
    r"""Largest load at which retrieval states are the global minima, at temperature :math:`T`.

    The load where the free energies of the retrieval and spin-glass solutions
    of the replica-symmetric equations are equal (see
    :func:`ags_phase_boundaries`), found along the retrieval branch at fixed
    :math:`T`.  At :math:`T = 0` the ground-state energies cross at
    :math:`\alpha \approx 0.052` (Amit, Gutfreund & Sompolinsky 1987 quote 0.05);
    it vanishes at :math:`T = 1`.

    Parameters
    ----------
    temperature : float or array_like
        :math:`T \ge 0`; temperatures below 0.005 use the :math:`T = 0` energies.

    Returns
    -------
    float or ndarray
        The load, 0 for :math:`T \ge 1`.

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Ann. Phys. 173, 30-67.

    Examples
    --------
    >>> from attractors.analysis import ags_global_load
    >>> ags_global_load([0.0, 1.0]).round(4).tolist()
    [0.0519, 0.0]
    """
    temperature = check_finite_array("temperature", temperature, dtype=np.float64)
    if np.any(temperature < 0):
        raise ParameterError(f"temperature must be >= 0, got {describe(temperature)}")
    out = np.array([_global_load() if t < _T_MIN else (0.0 if t >= 1 else _global_at(float(t)))
                    for t in temperature.ravel()]).reshape(temperature.shape)
    return out if out.ndim else float(out)


def _gap_at(alpha, temperature):
    """f(retrieval) - f(spin glass) at (alpha, T); NaN where no retrieval state exists."""
    beta = 1.0 / temperature
    alpha_fold, delta_fold = _fold(temperature)
    if alpha >= alpha_fold:
        return np.nan
    delta_cw = _curie_weiss_gap(beta)
    # alpha(delta) rises from 0 at the Curie-Weiss state to alpha_M at the fold; delta spans
    # hundreds of decades at low T, so the root is searched in log(delta).
    log_delta = brentq(lambda s: np.nan_to_num(_branch(beta, np.exp(s))[0]) - alpha,
                       np.log(delta_cw), np.log(delta_fold), xtol=1e-12)
    return _free_energy_gap(beta, np.exp(log_delta))[1]


def _global_temperature(alpha):
    """T_c(alpha): the highest T at which the retrieval state is the global minimum."""
    if alpha == 0:
        return 1.0
    t_m = _retrieval_temperature(alpha)
    if not np.isfinite(t_m):
        return np.nan
    # Below T_M the gap is positive near T_M; find a temperature where it is negative
    # (T_c is re-entrant like T_M, so for alpha a little above 0.052 only a window is).
    for low in (0.1, 0.05, 0.2, 0.02, _T_MIN):
        if low < t_m and _gap_at(alpha, low) < 0:
            return brentq(lambda t: _gap_at(alpha, t), low, t_m * (1 - 1e-9), xtol=1e-7)
    return np.nan


def ags_phase_boundaries(loads) -> xr.Dataset:
    r"""The three lines of the Amit-Gutfreund-Sompolinsky phase diagram, per load.

    * :math:`T_g(\alpha) = 1 + \sqrt\alpha`: below it the spin-glass solution
      (:math:`m = 0, q > 0`) exists (linearising the :math:`q` equation at
      :math:`q = 0` gives :math:`(1 - \beta)^2 = \alpha\beta^2`);
    * :math:`T_M(\alpha)`: below it retrieval states (:math:`m > 0`) exist as
      local minima of :math:`f`; it is the inverse of :func:`ags_retrieval_load`
      on its upper branch, 1 at :math:`\alpha = 0`, ending near
      :math:`\alpha_c = 0.138` at :math:`T \to 0`;
    * :math:`T_c(\alpha)`: below it retrieval states are the global minima
      (:math:`f_\mathrm{retrieval} < f_\mathrm{spin\ glass}`), 1 at
      :math:`\alpha = 0` and 0 at :math:`\alpha = 0.0519` (the :math:`T = 0`
      energies cross there; AGS quote 0.05), slightly re-entrant like
      :math:`T_M` (up to 0.0531 near :math:`T = 0.1`); beyond its tip retrieval
      states are only metastable.

    The replica-symmetric equations for :math:`(m, q, r)` and the free
    energy are written out on the theory page (continuation, "Phase
    diagrams"); each load costs a few hundred solves of one scalar equation
    (one to a few seconds).

    Parameters
    ----------
    loads : array_like of float
        :math:`\alpha \ge 0`, one-dimensional.

    Returns
    -------
    xarray.Dataset
        Over ``load``: ``T_g``, ``T_M``, ``T_c`` (NaN where the line does not
        reach the load).  Attrs ``alpha_c`` (:math:`T_M = 0`), ``alpha_max``
        and ``T_at_alpha_max`` (the re-entrant tip of :math:`T_M`),
        ``alpha_global`` (:math:`T_c = 0`).

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1987). Statistical mechanics
    of neural networks near saturation. Ann. Phys. 173, 30-67.

    Hertz, J., Krogh, A. & Palmer, R. G. (1991). Introduction to the Theory of
    Neural Computation, section 2.5 and Fig. 2.18. Addison-Wesley.

    Examples
    --------
    >>> from attractors.analysis import ags_phase_boundaries
    >>> lines = ags_phase_boundaries([0.0, 0.03, 0.1])
    >>> lines.T_g.round(3).values.tolist()
    [1.0, 1.173, 1.316]
    >>> lines.T_M.round(3).values.tolist()
    [1.0, 0.65, 0.315]
    >>> lines.T_c.round(3).values.tolist()  # above alpha ~ 0.052 retrieval is only metastable
    [1.0, 0.479, nan]
    >>> round(lines.attrs["alpha_global"], 4)
    0.0519
    """
    alpha = np.atleast_1d(check_finite_array("loads", loads, dtype=np.float64))
    if alpha.ndim != 1 or alpha.size == 0 or np.any(alpha < 0):
        raise ParameterError(f"loads must be a non-empty list of numbers >= 0, got {describe(loads)}")
    t_m = np.array([_retrieval_temperature(float(a)) for a in alpha])
    t_c = np.array([_global_temperature(float(a)) for a in alpha])
    t_peak, a_peak = _reentrance_peak()
    result = xr.Dataset({"T_g": ("load", 1 + np.sqrt(alpha)), "T_M": ("load", t_m),
                         "T_c": ("load", t_c)}, coords={"load": alpha},
                        attrs={"alpha_c": _critical()[0], "alpha_max": a_peak,
                               "T_at_alpha_max": t_peak, "alpha_global": _global_load(),
                               "theory": "replica-symmetric (Amit, Gutfreund & Sompolinsky 1987)"})
    return _labelled(result, {
        "T_g": ("spin-glass temperature 1 + sqrt(load)", "1"),
        "T_M": ("highest temperature with retrieval states", "1"),
        "T_c": ("temperature below which retrieval states are global minima", "1"),
        "load": ("load P/N", "1"),
    })
