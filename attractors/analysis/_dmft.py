r"""Dynamic mean-field theory of random rate networks (Sompolinsky, Crisanti & Sommers 1988).

:func:`dmft_autocorrelation` solves the self-consistent equation for the
population autocorrelation :math:`\Delta(\tau)` of the chaotic state of
:math:`\dot x_i = -x_i + \sum_j J_{ij}\,\phi(x_j)`,
:math:`J_{ij} \sim \mathcal N(0, g^2/N)`, in the limit :math:`N \to \infty`:
the motion of a classical particle in a potential, solved here from its
energy integral (a stable first-order equation) rather than by shooting along
the separatrix.  Gaussian averages are Gauss-Hermite sums.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from .._validate import ParameterError, check_finite_array, check_integer, check_positive, describe
from ..transfer import get_transfer

__all__ = ["dmft_autocorrelation"]

_REFERENCE = "H. Sompolinsky, A. Crisanti and H.-J. Sommers, Phys. Rev. Lett. 61, 259 (1988)"
#: Below this lag the Taylor series of Delta about 0 to tau^4 (error Delta^(6) tau^6 / 720, about
#: 1e-10 Delta_0 here) replaces the ODE, whose right-hand side ~ sqrt(Delta_0 - Delta) is not
#: Lipschitz at the top of the potential and is computed there as a small difference of
#: large averages (round-off that would force tiny steps just below the top).
_TAYLOR_LAG = 0.1
#: Node pairs evaluated at once (memory: 32 MB of doubles), whatever the number of nodes.
_PAIRS = 4_000_000
#: Largest g phi'(0) accepted: the quadrature step shrinks like 1/(g phi'(0))^2 in cost.
_MAX_GAIN = 10.0


class _Averages:
    """Gaussian averages of phi and its integral Phi for a pair (x, y) of variance Delta_0.

    With x = a z1 + b z0, y = a z2 + b z0 (a = sqrt(Delta_0 - Delta), b = sqrt(Delta)) every
    average over the pair is an average over z0 of a product of two inner averages over one
    Gaussian variable.  The standard normal averages are trapezoid sums on |z| <= 9 (the
    weight beyond is below 1e-17): for integrands analytic in the strip
    |Im z| < pi / (2 phi'(0) sqrt(Delta_0)) (the poles of tanh(phi'(0) sqrt(Delta_0) z)) the
    error falls like exp(-2 pi d / h) (Trefethen & Weideman 2014), below 1e-12 for the step
    h = 0.3 / (phi'(0) sqrt(Delta_0)) used (h <= 0.25).
    """

    def __init__(self, transfer, slope0, variance_guess=1.0):
        step = min(0.25, 0.3 / (slope0 * np.sqrt(max(variance_guess, 1e-12))))
        half = int(np.ceil(9.0 / step))
        self.nodes = np.arange(-half, half + 1) * (9.0 / half)
        weights = np.exp(-self.nodes**2 / 2)
        self.weights = weights / weights.sum()
        self.phi, self.Phi = transfer, transfer.integral

    def mean(self, function, variance):
        return float(np.sum(self.weights * function(np.sqrt(variance) * self.nodes)))

    def _inner(self, function, variance0, delta):
        """Inner averages, shape delta.shape + (nodes,): one per z0 node and covariance."""
        delta = np.asarray(delta, dtype=np.float64)[..., None, None]
        a, b = np.sqrt(np.maximum(variance0 - delta, 0.0)), np.sqrt(delta)
        values = function(a * self.nodes + b * self.nodes[:, None])
        return values @ self.weights

    def rate_correlation(self, variance0, delta):
        r""":math:`C(\Delta) = \langle\phi(x)\phi(y)\rangle` for covariances 0 <= delta <= Delta_0."""
        delta = np.asarray(delta, dtype=np.float64)
        chunk = max(1, _PAIRS // self.nodes.size**2)
        if delta.ndim == 1 and delta.size > chunk:
            return np.concatenate([self.rate_correlation(variance0, delta[i:i + chunk])
                                   for i in range(0, delta.size, chunk)])
        inner = self._inner(self.phi, variance0, delta)
        return (inner * inner) @ self.weights

    def integral_covariance(self, variance0, delta):
        r""":math:`\langle\Phi(x)\Phi(y)\rangle - \langle\Phi\rangle^2` (no cancellation near 0)."""
        delta = np.asarray(delta, dtype=np.float64)
        chunk = max(1, _PAIRS // self.nodes.size**2)  # bounded memory
        if delta.ndim == 1 and delta.size > chunk:
            return np.concatenate([self.integral_covariance(variance0, delta[i:i + chunk])
                                   for i in range(0, delta.size, chunk)])
        inner = self._inner(self.Phi, variance0, delta)
        centred = inner - (inner @ self.weights)[..., None]
        return (centred * centred) @ self.weights


def _check_transfer(transfer):
    phi = get_transfer(transfer)
    probe = np.linspace(0.1, 5.0, 50)
    if not np.allclose(phi(-probe), -phi(probe), rtol=1e-12, atol=1e-14):
        raise ParameterError(
            f"transfer must be odd, phi(-u) = -phi(u), for this mean-field theory (zero mean "
            f"rate, no static component); got {phi!r}")
    try:
        phi.integral(probe)
    except NotImplementedError:
        raise ParameterError(f"transfer must give its integral (the potential needs it); "
                             f"{phi!r} does not") from None
    return phi


def _variance(averages, gain, slope0):
    r""":math:`\Delta_0` from :math:`V(\Delta_0) = V(0)`, divided by :math:`\Delta_0^2`.

    f(D) = g^2 Var[Phi(x)] / D^2 - 1/2 starts at (g^2 phi'(0)^2 - 1) / 2 > 0 and turns
    negative once Var[Phi] grows like D (bounded phi) instead of D^2.
    """
    def excess(d0):
        return gain**2 * float(averages.integral_covariance(d0, d0)) / d0**2 - 0.5

    low = 1e-6 * min(1.0, (gain * slope0) ** 2 - 1.0)
    high = 1.0
    while excess(high) > 0.0:
        high *= 2.0
        if high > 1e8:
            raise ParameterError(f"no finite variance solves V(Delta_0) = V(0) for gain {gain!r}: "
                                 "the transfer function must be bounded")
    return brentq(excess, low, high, xtol=1e-14, rtol=1e-13)


def _autocorrelation(averages, gain, d0, lags):
    r"""Delta(lags) and Delta'(lags) from :math:`\dot\Delta = -\sqrt{2[V(0) - V(\Delta)]}`.

    Solved for :math:`\ln\Delta`, whose rate :math:`\sqrt{2[V(0) - V(\Delta)]}/\Delta`
    tends to the constant :math:`\lambda` in the exponential tail (large steps there).
    """
    # Small Delta: [V(0) - V(Delta)] / Delta^2 = lambda^2 / 2 - g^2 <phi'''>^2 Delta^2 / 24 + O(Delta^4)
    # (the Hermite series of Cov[Phi(x), Phi(y)]; odd phi), with <phi'''> = <phi'(x) He_2(z)> / Delta_0
    # by Gaussian integration by parts.  Used below 1e-3 Delta_0, where the direct average
    # loses digits to round-off (a difference of O(1) numbers that is O(Delta)).
    slope_mean = averages.mean(averages.phi.derivative, d0)
    third = averages.mean(lambda u: averages.phi.derivative(u) * (u * u / d0 - 1.0), d0) / d0
    rate_squared = 1.0 - gain**2 * slope_mean**2

    def decay(delta):  # -d ln Delta / d tau = sqrt(2 [V(0) - V(Delta)]) / Delta, vectorised
        delta = np.clip(np.asarray(delta, dtype=np.float64), 0.0, d0)
        small = delta < 1e-3 * d0
        excess = rate_squared - gain**2 * third**2 * delta**2 / 12  # 2 [V(0) - V] / Delta^2
        if not np.all(small):
            large = delta[~small]
            excess[~small] = 1.0 - 2 * gain**2 * averages.integral_covariance(d0, large) / large**2
        return np.sqrt(np.maximum(excess, 0.0))

    curvature = d0 - gain**2 * averages.mean(lambda u: averages.phi(u) ** 2, d0)
    square_slope = averages.mean(lambda u: averages.phi.derivative(u) ** 2, d0)
    quartic = curvature * (1.0 - gain**2 * square_slope)  # the fourth derivative at 0

    def taylor(tau):
        return d0 + curvature * tau**2 / 2 + quartic * tau**4 / 24

    values = np.empty_like(lags)
    near = lags <= _TAYLOR_LAG
    values[near] = taylor(lags[near])
    far = ~near
    if np.any(far):
        end = float(lags[far].max())
        solution = solve_ivp(lambda t, y: -decay(np.exp(y)), (_TAYLOR_LAG, end),
                             [np.log(taylor(_TAYLOR_LAG))], method="DOP853", dense_output=True,
                             rtol=1e-9, atol=1e-11)
        if not solution.success:  # pragma: no cover - a smooth scalar ODE
            raise RuntimeError(f"the mean-field ODE failed: {solution.message}")
        values[far] = np.exp(solution.sol(lags[far])[0])
    values = np.clip(values, 0.0, d0)
    slopes = -values * decay(values)
    slopes[near] = curvature * lags[near] + quartic * lags[near] ** 3 / 6
    return values, slopes, curvature


def dmft_autocorrelation(gain, lags, *, transfer="tanh", n_potential=101):
    r"""Population autocorrelation of a chaotic random rate network, from mean-field theory.

    For :math:`N \to \infty` units :math:`\dot x_i = -x_i + \sum_j J_{ij}\phi(x_j)`
    with independent :math:`J_{ij} \sim \mathcal N(0, g^2/N)`
    (:meth:`attractors.models.RateNetwork.random`, time in units of the
    unit time constant), each unit is driven by a Gaussian field whose
    autocorrelation is :math:`g^2` times the rate autocorrelation, and
    :math:`\Delta(\tau) = \langle x_i(t)\,x_i(t+\tau)\rangle` obeys
    (Sompolinsky, Crisanti & Sommers 1988)

    .. math::

        \ddot\Delta = \Delta - g^2\, C(\Delta), \qquad
        C(\Delta) = \langle \phi(x)\,\phi(y) \rangle = -\partial V / \partial\Delta - \Delta ,

    with :math:`(x, y)` Gaussian of variances :math:`\Delta_0 = \Delta(0)` and
    covariance :math:`\Delta`: a particle in the potential

    .. math::

        V(\Delta) = -\frac{\Delta^2}{2} + g^2 \langle \Phi(x)\,\Phi(y)\rangle ,
        \qquad \Phi(u) = \int_0^u \phi .

    The chaotic solution starts at rest at :math:`\Delta_0` and creeps to
    :math:`\Delta(\infty) = 0`, so energy conservation fixes the variance,
    :math:`V(\Delta_0) = V(0)`, that is
    :math:`\Delta_0^2 / 2 = g^2\,\mathrm{Var}[\Phi(x)]`, and gives the
    trajectory through :math:`\dot\Delta = -\sqrt{2\,[V(0) - V(\Delta)]}`
    (solved here: a stable first-order equation, unlike the second-order one
    integrated along the separatrix).  Consequences checked in the tests:
    :math:`\ddot\Delta(0) = \Delta_0 - g^2\langle\phi^2\rangle = -\langle\dot x^2\rangle`,
    the tail :math:`\Delta \propto e^{-\lambda\tau}` with
    :math:`\lambda = \sqrt{1 - g^2\langle\phi'\rangle^2}`, and for
    :math:`\phi = \tanh`, near the transition
    :math:`\Delta_0 = \varepsilon + \tfrac83\varepsilon^2 + O(\varepsilon^3)`,
    :math:`\varepsilon = (g^2 - 1)/(2g^2)`, so :math:`\Delta_0 \approx g - 1`.
    For :math:`g\,\phi'(0) \le 1` the silent state is stable and
    :math:`\Delta \equiv 0`.

    Parameters
    ----------
    gain : float
        :math:`g \ge 0`, the standard deviation of :math:`\sqrt N J_{ij}`; at most
        :math:`10/\phi'(0)` (the cost of the Gaussian averages grows like :math:`g^2`).
    lags : array_like, shape (L,)
        Lags :math:`\tau \ge 0` in units of the unit time constant (any order).
    transfer : str, dict or TransferFunction
        :math:`\phi`; it must be odd (``"tanh"``, the default, or ``Tanh(gain=...)``) and
        give its integral.
    n_potential : int
        Points of the potential, on :math:`-\Delta_0 \le \Delta \le \Delta_0`.

    Returns
    -------
    xarray.Dataset
        ``autocorrelation`` (lag) :math:`\Delta(\tau)`, ``autocorrelation_slope``
        (lag) :math:`\dot\Delta`, ``rate_autocorrelation`` (lag)
        :math:`C(\Delta(\tau))`, ``variance`` :math:`\Delta_0`,
        ``curvature`` :math:`\ddot\Delta(0)`, ``decay_rate`` :math:`\lambda`
        (NaN in the silent state), ``potential`` (delta) :math:`V(\Delta) - V(0)`.

    References
    ----------
    H. Sompolinsky, A. Crisanti and H.-J. Sommers, Phys. Rev. Lett. 61, 259 (1988).
    A. Crisanti and H. Sompolinsky, Phys. Rev. E 98, 062120 (2018).

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.analysis import dmft_autocorrelation
    >>> theory = dmft_autocorrelation(2.0, np.linspace(0.0, 10.0, 11))
    >>> round(float(theory.variance), 4), round(float(theory.decay_rate), 4)
    (1.9248, 0.2281)
    >>> bool(np.all(np.diff(theory.autocorrelation.values) < 0))
    True
    """
    gain = check_positive("gain", gain, allow_zero=True)
    lags = check_finite_array("lags", lags, dtype=np.float64)
    if lags.ndim != 1 or lags.size == 0:
        raise ParameterError(f"lags must be a non-empty 1-D array of lags, got shape {lags.shape}")
    if np.any(lags < 0):
        raise ParameterError(f"lags must be >= 0 (Delta is even in the lag), got {describe(lags)}")
    n_potential = check_integer("n_potential", n_potential, minimum=3)
    phi = _check_transfer(transfer)
    slope0 = float(phi.derivative(np.zeros(1))[0])
    if gain * slope0 > _MAX_GAIN:
        raise ParameterError(
            f"gain times the transfer function's slope at 0 must be <= {_MAX_GAIN:g} (the "
            f"quadrature's cost grows like its square), got {gain!r} x {slope0!r}")
    if gain * slope0 <= 1.0:  # the silent state x = 0 is stable: no fluctuations at all
        d0, curvature, rate = 0.0, 0.0, np.nan
        values, slopes, rates = np.zeros_like(lags), np.zeros_like(lags), np.zeros_like(lags)
        delta, potential, n_nodes = np.zeros(1), np.zeros(1), 0
    else:
        # A first solution on the coarsest rule sets the step the accurate one needs.
        d0 = _variance(_Averages(phi, slope0), gain, slope0)
        averages = _Averages(phi, slope0, d0)
        n_nodes = averages.nodes.size
        d0 = _variance(averages, gain, slope0)
        values, slopes, curvature = _autocorrelation(averages, gain, d0, lags)
        rates = averages.rate_correlation(d0, values)
        mean_slope = averages.mean(phi.derivative, d0)
        rate = float(np.sqrt(max(1.0 - gain**2 * mean_slope**2, 0.0)))
        delta = np.linspace(-d0, d0, n_potential)  # V is even in Delta for odd phi
        potential = -delta**2 / 2 + gain**2 * averages.integral_covariance(d0, np.abs(delta))
    time = "tau (unit time constant)"
    return xr.Dataset(
        {"autocorrelation": ("lag", values, {"units": "1", "long_name": "autocorrelation "
                                             "Delta(tau) = <x_i(t) x_i(t + tau)>"}),
         "autocorrelation_slope": ("lag", slopes, {"units": "1/tau", "long_name":
                                                   "dDelta/dtau"}),
         "rate_autocorrelation": ("lag", rates, {"units": "1", "long_name": "rate "
                                                 "autocorrelation <phi(x_i(t)) phi(x_i(t + tau))>"}),
         "variance": ((), d0, {"units": "1", "long_name": "variance Delta_0 = Delta(0)"}),
         "curvature": ((), curvature, {"units": "1/tau^2", "long_name":
                                       "d^2 Delta/dtau^2 at 0 = Delta_0 - g^2 <phi^2>"}),
         "decay_rate": ((), rate, {"units": "1/tau", "long_name": "rate lambda of the "
                                   "exponential tail, sqrt(1 - g^2 <phi'>^2)"}),
         "potential": ("delta", potential, {"units": "1", "long_name":
                                            "potential V(Delta) - V(0)"})},
        coords={"lag": ("lag", lags, {"units": time, "long_name": "lag tau"}),
                "delta": ("delta", delta, {"units": "1", "long_name": "covariance Delta"})},
        attrs={"gain": gain, "transfer": repr(phi), "quadrature_nodes": n_nodes,
               "method": "dynamic mean-field theory, energy integral of the particle in V",
               "reference": _REFERENCE})
