r"""The base of the transfer functions and the overflow-safe closed forms they share.

:class:`TransferFunction` (the interface every transfer function implements) and
the numerically careful helpers (:math:`\ln\cosh`, soft-plus); the functions
themselves are in :mod:`attractors.transfer`, Zhang's sigmoid in
``_transfer_zhang``.
"""

from __future__ import annotations

import abc
import dataclasses
from typing import ClassVar

import numpy as np

from ._validate import ParameterError, describe

__all__ = ["TransferFunction"]


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
