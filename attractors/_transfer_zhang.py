"""Zhang's (1996) sigmoid :math:`a\\,[\\ln(1 + e^{b(u + c)})]^{\beta}`, the ring's activation.

Its integral has no elementary antiderivative, so it is computed by panel
Gauss-Legendre quadrature on doubling panels; re-exported by :mod:`attractors.transfer`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ._transfer_base import TransferFunction, _real
from ._validate import ParameterError, check_positive, describe

__all__ = ["ZhangSigmoid"]


@functools.lru_cache(maxsize=1)
def _gauss_legendre():
    """The 16-point Gauss-Legendre rule of the soft-plus-power integral (see
    ZhangSigmoid.integral), made on first use: numpy.polynomial takes a few ms to
    import, paid otherwise by every ``import attractors``."""
    return np.polynomial.legendre.leggauss(16)


def _log_softplus(y):
    """ln(ln(1 + e^y)) for any finite y (ln(softplus) ~ y - e^y/2 below -30)."""
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        direct = np.log(np.logaddexp(0.0, y))
    return np.where(y > -30.0, direct, y - 0.5 * np.exp(np.minimum(y, -30.0)))


@dataclass(frozen=True, repr=False)
class ZhangSigmoid(TransferFunction):
    r"""The soft-plus power sigmoid of Zhang's head-direction model (Zhang 1996).

    .. math:: \phi(u) = a\,\big[\ln\big(1 + e^{b (u + c)}\big)\big]^{\beta}

    with Zhang's values :math:`a = 6.34`, :math:`b = 10`, :math:`c = 0.5`,
    :math:`\beta = 0.8` as defaults (rates in spikes/s).  It is strictly
    increasing from 0, so invertible on :math:`(0, \infty)`:

    .. math:: \phi^{-1}(v) = \frac{1}{b}\ln\!\big(e^{(v/a)^{1/\beta}} - 1\big) - c .

    The soft-plus :math:`\mathrm{sp}(y) = \ln(1 + e^{y})`, :math:`y = b(u + c)`,
    is computed as :math:`\max(y, 0) + \ln(1 + e^{-|y|})` and the slope in
    logarithms, so neither overflows nor produces 0/0 for any finite input.

    :math:`\int \phi` has no elementary antiderivative;
    :meth:`integral` evaluates it by 16-point
    Gauss-Legendre quadrature on panels :math:`[2^{k}, 2^{k+1}]` of the scaled
    variable :math:`y = b(u + c)`.  The integrand's only singularities lie at
    :math:`y = \pm i\pi(2m+1)`, so each panel sits inside a Bernstein ellipse of
    parameter :math:`\rho > 5` and the rule is accurate to round-off
    (:math:`\rho^{-32} < 10^{-22}`).

    Parameters
    ----------
    a, b, c, beta : float
        Scale :math:`a > 0`, gain :math:`b > 0`, shift :math:`c` and exponent
        :math:`\beta > 0`.

    References
    ----------
    K. Zhang, "Representation of spatial orientation by the intrinsic dynamics
    of the head-direction cell ensemble: a theory", J. Neurosci. 16, 2112-2126
    (1996).
    """

    a: float = 6.34
    b: float = 10.0
    c: float = 0.5
    beta: float = 0.8
    name: ClassVar[str] = "zhang"

    def __post_init__(self):
        object.__setattr__(self, "a", check_positive("a", self.a))
        object.__setattr__(self, "b", check_positive("b", self.b))
        object.__setattr__(self, "c", _real("c", self.c))
        object.__setattr__(self, "beta", check_positive("beta", self.beta))

    def _y(self, u):
        return self.b * (np.asarray(u, dtype=np.float64) + self.c)

    def __call__(self, u):
        # Soft-plus as max(y, 0) + ln(1 + e^{-|y|}): no overflow, and ~3x faster than
        # logaddexp.  Below y ~ -745 it underflows to 0 (true value < 1e-258 a).
        y = self._y(u)
        softplus = np.maximum(y, 0.0) + np.log1p(np.exp(-np.abs(y)))
        return self.a * softplus**self.beta

    def derivative(self, u):
        # a beta b sp^(beta-1) sigmoid(y), in logs: sp^(beta-1) alone overflows as y -> -inf.
        y = self._y(u)
        log_sigmoid = -np.logaddexp(0.0, -y)
        return self.a * self.beta * self.b * np.exp(
            (self.beta - 1.0) * _log_softplus(y) + log_sigmoid)

    def _softplus_power_integral(self, y):
        r""":math:`\int_0^y \mathrm{sp}(t)^\beta\,dt` by panel Gauss-Legendre (see class doc)."""
        y = np.asarray(y, dtype=np.float64)
        sign, size = np.sign(y), np.abs(y)
        top = float(np.max(size, initial=1.0))
        n_panels = max(1, int(np.ceil(np.log2(top))) + 1)
        edges = np.concatenate(([0.0], 2.0 ** np.arange(n_panels)))  # 0, 1, 2, 4, ...
        lower, upper = edges[:-1], edges[1:]
        end = np.clip(size[..., None], lower, upper)  # (..., panel)
        half = 0.5 * (end - lower)
        gl_nodes, gl_weights = _gauss_legendre()
        nodes = lower[:, None] + half[..., None] * (gl_nodes + 1.0)  # (..., panel, node)
        values = np.exp(self.beta * _log_softplus(sign[..., None, None] * nodes))
        return sign * np.sum(half * (values @ gl_weights), axis=-1)

    def integral(self, u):
        y = self._y(u)
        y0 = self.b * self.c
        return self.a / self.b * (self._softplus_power_integral(y)
                                  - self._softplus_power_integral(np.float64(y0)))

    def inverse(self, v):
        v = np.asarray(v, dtype=np.float64)
        if np.any(v <= 0):
            raise ParameterError(f"{self!r} has only rates > 0, so no inverse at {describe(v)}")
        s = (v / self.a) ** (1.0 / self.beta)  # = ln(1 + e^y)
        # ln(e^s - 1) = s + ln(1 - e^{-s}), without overflow for large s.
        log_expm1 = np.where(s > 1.0, s + np.log1p(-np.exp(-np.maximum(s, 1.0))),
                             np.log(np.expm1(np.minimum(s, 1.0))))
        return log_expm1 / self.b - self.c

    def integral_of_inverse(self, v):
        r""":math:`\int_0^v \phi^{-1} = u\,\phi(u) - \int_{-\infty}^u \phi`, with :math:`u = \phi^{-1}(v)`.

        Exact identity (integration by parts, :math:`s\,\phi(s) \to 0` as
        :math:`s \to -\infty`); the remaining integral by the quadrature of
        :meth:`integral` (not an elementary closed form).
        """
        v = np.asarray(v, dtype=np.float64)
        if np.any(v < 0):
            raise ParameterError(f"{self!r} has only rates >= 0; got {describe(v)}")
        positive = v > 0
        u = self.inverse(np.where(positive, v, 1.0))
        # int_{-inf}^{0} sp^beta dt = -(int_0^{-T} ...) + tail e^{-beta T}/beta at T = 800.
        tail = float(-self._softplus_power_integral(np.float64(-800.0)))
        below = self.a / self.b * (self._softplus_power_integral(self._y(u)) + tail)
        return np.where(positive, u * v - below, 0.0)
