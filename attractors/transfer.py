r"""Transfer functions :math:`\phi(u)`: from a unit's input (membrane potential) to its rate.

Each is a small immutable record of its parameters with, element-wise on arrays
of any shape,

* ``f(u)`` (``__call__``), the rate :math:`\phi(u)`;
* ``f.derivative(u)``, :math:`\phi'(u)`, for analytic Jacobians;
* ``f.integral(u)``, :math:`\int_0^u \phi(s)\,ds`, for the energy of rate networks;
* ``f.inverse(v)`` and ``f.integral_of_inverse(v)``,
  :math:`\phi^{-1}(v)` and :math:`\int_0^v \phi^{-1}(x)\,dx`, for the
  graded-response energy (Hopfield 1984), on the range where :math:`\phi` is
  invertible;
* ``f.monotone``: True when :math:`\phi' \ge 0` everywhere, the condition under
  which a network with symmetric weights has a Lyapunov function.

=========================  ==============================================  ===========================
class                      :math:`\phi(u)`                                 name for :func:`get_transfer`
=========================  ==============================================  ===========================
:class:`Tanh`              :math:`\tanh(g u)`                              ``"tanh"``
:class:`Logistic`          :math:`1 / (1 + e^{-g u})`                      ``"logistic"``
:class:`ThresholdLinear`   :math:`g\,[u - \theta]_+`                       ``"threshold_linear"``
:class:`PowerLaw`          :math:`g\,[u - \theta]_+^{\,n}`                 ``"power_law"``
:class:`ZhangSigmoid`      :math:`a\,[\ln(1 + e^{b(u + c)})]^{\beta}`      ``"zhang"``
=========================  ==============================================  ===========================

Every closed form is computed without overflow for any finite input, and the
integrals keep full relative precision near 0 (where energies of networks
settling at the origin live): soft-plus as :math:`\max(y, 0) + \ln(1 +
e^{-|y|})`, :math:`\ln\cosh x` as :math:`\ln(1 + 2\sinh^2(x/2))` below
:math:`|x| = 20` and through its asymptote above.

Examples
--------
>>> import numpy as np
>>> from attractors.transfer import get_transfer
>>> f = get_transfer("zhang")
>>> round(float(f(0.0)), 4)
23.0002
>>> bool(np.isclose(f.inverse(f(0.3)), 0.3))
True
"""

from __future__ import annotations

import abc
import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ._validate import ParameterError, check_choice, check_positive, describe

__all__ = [
    "CustomTransfer",
    "Logistic",
    "PowerLaw",
    "Tanh",
    "ThresholdLinear",
    "TransferFunction",
    "ZhangSigmoid",
    "get_transfer",
]


def _real(name, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError(f"{name} must be a real number, got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ParameterError(f"{name} must be finite, got {value!r}")
    return value


def _log_cosh(x):
    """ln cosh x to full relative precision: ln(1 + 2 sinh^2(x/2)) for |x| < 20
    (no cancellation near 0, where ln cosh x ~ x^2/2), |x| + ln(1 + e^{-2|x|}) - ln 2
    above (no overflow)."""
    ax = np.abs(x)
    small = np.minimum(ax, 20.0)
    return np.where(ax < 20.0, np.log1p(2.0 * np.sinh(0.5 * small) ** 2),
                    ax + np.log1p(np.exp(-2.0 * ax)) - np.log(2.0))


def _softplus_minus_log2(x):
    """ln(1 + e^x) - ln 2 to full relative precision: ln(1 + (e^x - 1)/2) for x < 30
    (no cancellation near 0), x - ln 2 + ln(1 + e^{-x}) above (no overflow)."""
    low = np.minimum(x, 30.0)
    return np.where(x < 30.0, np.log1p(0.5 * np.expm1(low)),
                    x - np.log(2.0) + np.log1p(np.exp(-np.maximum(x, 30.0))))


class TransferFunction(abc.ABC):
    r"""Base of the transfer functions: an element-wise map :math:`\phi` from input to rate.

    Subclasses are frozen dataclasses whose fields are the parameters; they
    implement ``__call__``, :meth:`derivative` and :meth:`integral`, and, where
    :math:`\phi` is invertible on its range, :meth:`inverse` and
    :meth:`integral_of_inverse`.
    """

    #: Name accepted by :func:`get_transfer` and written into trajectories.
    name: ClassVar[str]
    #: True when :math:`\phi'(u) \ge 0` for all u (all built-ins with gain > 0).
    monotone: ClassVar[bool] = True

    @abc.abstractmethod
    def __call__(self, u):
        r"""The rate :math:`\phi(u)`, element-wise."""

    @abc.abstractmethod
    def derivative(self, u):
        r"""The slope :math:`\phi'(u)`, element-wise."""

    def integral(self, u):
        r""":math:`\int_0^u \phi(s)\,ds`, element-wise (used by rate-network energies)."""
        raise NotImplementedError(f"{self!r} gives no antiderivative (integral)")

    def inverse(self, v):
        r""":math:`\phi^{-1}(v)` on the range where :math:`\phi` is invertible."""
        raise NotImplementedError(f"{self!r} is not invertible")

    def integral_of_inverse(self, v):
        r""":math:`\int_0^v \phi^{-1}(x)\,dx`, the graded-response energy term (Hopfield 1984)."""
        raise NotImplementedError(f"{self!r} gives no integral of its inverse")

    @property
    def params(self) -> dict:
        """The parameters and the name, as a plain (JSON-serialisable) dictionary."""
        return {"name": self.name,
                **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}}

    def __repr__(self) -> str:
        inner = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
        return f"{type(self).__name__}({inner})"


@dataclass(frozen=True, repr=False)
class Tanh(TransferFunction):
    r"""Hyperbolic tangent :math:`\phi(u) = \tanh(g u)`, rates in (-1, 1).

    .. math::

        \int_0^u \phi = \frac{\ln\cosh(g u)}{g}, \qquad
        \int_0^V \phi^{-1} = \frac{(1+V)\ln(1+V) + (1-V)\ln(1-V)}{2g}

    (the second is the graded-response term of Hopfield 1984 for
    :math:`V = \tanh(\lambda u)`; it stays finite, :math:`\ln 2 / g`, at
    :math:`V = \pm 1`).

    Parameters
    ----------
    gain : float
        :math:`g > 0`, the slope at the origin.
    """

    gain: float = 1.0
    name: ClassVar[str] = "tanh"

    def __post_init__(self):
        object.__setattr__(self, "gain", check_positive("gain", self.gain))

    def __call__(self, u):
        return np.tanh(u if self.gain == 1.0 else self.gain * u)

    def derivative(self, u):
        # g sech^2(g u) with sech x = 2 e^{-|x|} / (1 + e^{-2|x|}): no overflow of cosh.
        decay = np.exp(-np.abs(self.gain * np.asarray(u, dtype=np.float64)))
        return self.gain * (2.0 * decay / (1.0 + decay * decay)) ** 2

    def integral(self, u):
        return _log_cosh(self.gain * np.asarray(u, dtype=np.float64)) / self.gain

    def inverse(self, v):
        return np.arctanh(v) / self.gain

    def integral_of_inverse(self, v):
        from scipy.special import xlogy

        v = np.asarray(v, dtype=np.float64)
        # Near 0 the equal form V artanh V + ln(1 - V^2)/2 (~ V^2/2, no cancellation);
        # near +-1 the entropy form, finite at V = +-1.
        inner = np.minimum(np.abs(v), 0.5)
        small = inner * np.arctanh(inner) + 0.5 * np.log1p(-inner**2)
        with np.errstate(invalid="ignore"):
            large = 0.5 * (xlogy(1 + v, 1 + v) + xlogy(1 - v, 1 - v))
        return np.where(np.abs(v) < 0.5, small, large) / self.gain


@dataclass(frozen=True, repr=False)
class Logistic(TransferFunction):
    r"""Logistic sigmoid :math:`\phi(u) = 1/(1 + e^{-g u})`, rates in (0, 1).

    .. math::

        \int_0^u \phi = \frac{\ln(1 + e^{g u}) - \ln 2}{g}, \qquad
        \int_0^V \phi^{-1} = \frac{V \ln V + (1-V)\ln(1-V)}{g}

    Parameters
    ----------
    gain : float
        :math:`g > 0` (the slope at the origin is g/4).
    """

    gain: float = 1.0
    name: ClassVar[str] = "logistic"

    def __post_init__(self):
        object.__setattr__(self, "gain", check_positive("gain", self.gain))

    def __call__(self, u):
        from scipy.special import expit

        return expit(u if self.gain == 1.0 else self.gain * u)

    def derivative(self, u):
        from scipy.special import expit

        x = self.gain * np.asarray(u, dtype=np.float64)
        return self.gain * expit(x) * expit(-x)  # v (1 - v) without 1 - v rounding to 0

    def integral(self, u):
        return _softplus_minus_log2(self.gain * np.asarray(u, dtype=np.float64)) / self.gain

    def inverse(self, v):
        from scipy.special import logit

        return logit(v) / self.gain

    def integral_of_inverse(self, v):
        from scipy.special import xlogy

        v = np.asarray(v, dtype=np.float64)
        return (xlogy(v, v) + xlogy(1 - v, 1 - v)) / self.gain


@dataclass(frozen=True, repr=False)
class PowerLaw(TransferFunction):
    r"""Rectified power law :math:`\phi(u) = g\,[u - \theta]_+^{\,n}` (e.g. n = 2 in
    supralinear stabilised networks, Ahmadian et al. 2013).

    .. math::

        \int_0^u \phi = \frac{g}{n+1}\big([u-\theta]_+^{n+1} - [-\theta]_+^{n+1}\big),
        \qquad \phi^{-1}(v) = \theta + (v/g)^{1/n} \ (v > 0),
        \qquad \int_0^V \phi^{-1} = \theta V + \frac{n}{n+1} g^{-1/n} V^{1 + 1/n} .

    The inverse is the preimage on the rising branch; for v = 0 it returns
    :math:`\theta`, the largest preimage.

    Parameters
    ----------
    gain : float
        :math:`g > 0`.
    exponent : float
        :math:`n > 0`; ``exponent=1`` is :class:`ThresholdLinear`.
    threshold : float
        :math:`\theta`.
    """

    gain: float = 1.0
    exponent: float = 2.0
    threshold: float = 0.0
    name: ClassVar[str] = "power_law"

    def __post_init__(self):
        object.__setattr__(self, "gain", check_positive("gain", self.gain))
        object.__setattr__(self, "exponent", check_positive("exponent", self.exponent))
        object.__setattr__(self, "threshold", _real("threshold", self.threshold))

    def __call__(self, u):
        return self.gain * np.maximum(u - self.threshold, 0.0) ** self.exponent

    def derivative(self, u):
        above = np.maximum(np.asarray(u, dtype=np.float64) - self.threshold, 0.0)
        if self.exponent == 1.0:
            return self.gain * (above > 0).astype(np.float64)
        # At and below threshold the slope is 0 (the left derivative; for n < 1
        # the right one is infinite at the threshold itself).
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = self.gain * self.exponent * above ** (self.exponent - 1.0)
        return np.where(above > 0, slope, 0.0)

    def integral(self, u):
        n1 = self.exponent + 1.0
        above = np.maximum(np.asarray(u, dtype=np.float64) - self.threshold, 0.0)
        return self.gain / n1 * (above**n1 - max(-self.threshold, 0.0) ** n1)

    def inverse(self, v):
        v = np.asarray(v, dtype=np.float64)
        if np.any(v < 0):
            raise ParameterError(f"{self!r} has only rates >= 0; got {describe(v)}")
        return self.threshold + (v / self.gain) ** (1.0 / self.exponent)

    def integral_of_inverse(self, v):
        v = np.asarray(v, dtype=np.float64)
        if np.any(v < 0):
            raise ParameterError(f"{self!r} has only rates >= 0; got {describe(v)}")
        n = self.exponent
        return self.threshold * v + n / (n + 1) * self.gain ** (-1.0 / n) * v ** (1.0 + 1.0 / n)


@dataclass(frozen=True, repr=False)
class ThresholdLinear(PowerLaw):
    r"""Threshold-linear (rectified linear) :math:`\phi(u) = g\,[u - \theta]_+`.

    The power law with exponent 1 (see :class:`PowerLaw` for the integrals).

    Parameters
    ----------
    gain : float
        :math:`g > 0`.
    threshold : float
        :math:`\theta`.
    """

    gain: float = 1.0
    threshold: float = 0.0
    exponent: float = dataclasses.field(default=1.0, init=False)
    name: ClassVar[str] = "threshold_linear"

    def __call__(self, u):
        return self.gain * np.maximum(u - self.threshold, 0.0)

    @property
    def params(self) -> dict:
        return {"name": self.name, "gain": self.gain, "threshold": self.threshold}

    def __repr__(self) -> str:
        return f"ThresholdLinear(gain={self.gain!r}, threshold={self.threshold!r})"


# Gauss-Legendre rule for the soft-plus-power integral (see ZhangSigmoid.integral).
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(16)


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
        nodes = lower[:, None] + half[..., None] * (_GL_NODES + 1.0)  # (..., panel, node)
        values = np.exp(self.beta * _log_softplus(sign[..., None, None] * nodes))
        return sign * np.sum(half * (values @ _GL_WEIGHTS), axis=-1)

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


class CustomTransfer(TransferFunction):
    r"""A user-supplied element-wise transfer function.

    Parameters
    ----------
    function : callable
        :math:`\phi`, applied to arrays.
    derivative : callable, optional
        :math:`\phi'`; without it, models give no analytic Jacobian.
    integral : callable, optional
        :math:`\int_0^u \phi`; without it, models give no energy.
    monotone : bool
        Whether :math:`\phi' \ge 0` everywhere (the user's promise; default False).
    label : str
        Name written into trajectories.

    Examples
    --------
    >>> import numpy as np
    >>> f = CustomTransfer(np.sin, derivative=np.cos, label="sine")
    >>> f.monotone
    False
    """

    name: ClassVar[str] = "custom"

    def __init__(self, function, derivative=None, integral=None, monotone=False, label="custom"):
        for key, value in (("function", function), ("derivative", derivative),
                           ("integral", integral)):
            if value is not None and not callable(value):
                raise ParameterError(f"{key} must be callable, got {describe(value)}")
        if function is None:
            raise ParameterError("function must be callable, got None")
        self.function = function
        self.derivative_function = derivative
        self.integral_function = integral
        self.monotone = bool(monotone)
        self.label = str(label)

    def __call__(self, u):
        return self.function(u)

    def derivative(self, u):
        if self.derivative_function is None:
            raise NotImplementedError(f"{self!r} was given no derivative")
        return self.derivative_function(u)

    def integral(self, u):
        if self.integral_function is None:
            raise NotImplementedError(f"{self!r} was given no integral (antiderivative)")
        return self.integral_function(u)

    @property
    def params(self) -> dict:
        return {"name": self.name, "label": self.label, "monotone": self.monotone}

    def __repr__(self) -> str:
        return f"CustomTransfer(label={self.label!r}, monotone={self.monotone})"


_BUILT_IN = {cls.name: cls for cls in (Tanh, Logistic, ThresholdLinear, PowerLaw, ZhangSigmoid)}


def get_transfer(transfer, **params) -> TransferFunction:
    """Return a transfer function from an instance, a name, or a parameter dictionary.

    Parameters
    ----------
    transfer : TransferFunction, str or dict
        An instance (returned as is), one of ``"tanh"``, ``"logistic"``,
        ``"threshold_linear"``, ``"power_law"``, ``"zhang"`` (case and
        ``-``/``_`` ignored), or a dictionary ``{"name": ..., **params}`` as
        written into trajectories.
    **params
        Parameters for a named function (e.g. ``gain=4.0``).

    Examples
    --------
    >>> get_transfer("tanh", gain=2.0)
    Tanh(gain=2.0)
    >>> get_transfer({"name": "threshold_linear", "gain": 1.0, "threshold": 0.5})
    ThresholdLinear(gain=1.0, threshold=0.5)
    """
    if isinstance(transfer, TransferFunction):
        if params:
            raise ParameterError(
                f"parameters {sorted(params)} were given with an already built {transfer!r}")
        return transfer
    if isinstance(transfer, dict):
        params = {**{k: v for k, v in transfer.items() if k != "name"}, **params}
        transfer = transfer.get("name")
    if not isinstance(transfer, str):
        raise ParameterError(
            f"transfer must be a TransferFunction, one of {', '.join(map(repr, _BUILT_IN))} "
            f"or a dict with a 'name', got {describe(transfer)}")
    name = check_choice("transfer", transfer.replace("-", "_"), list(_BUILT_IN))
    cls = _BUILT_IN[name]
    allowed = [f.name for f in dataclasses.fields(cls) if f.init]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ParameterError(
            f"transfer {name!r} takes parameters {allowed}, got unknown {unknown}")
    return cls(**params)
