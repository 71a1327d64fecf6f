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

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ._transfer_base import TransferFunction, _log_cosh, _real, _softplus_minus_log2
from ._transfer_zhang import ZhangSigmoid
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
