r"""Closed forms for continuous attractor neural networks (CANNs) with divisive normalisation.

The stationary bump of Wu, Hamaguchi & Amari (2008) and its critical
inhibition (:func:`cann_bump_theory`), the height of a bump held by a
stimulus (:func:`cann_driven_height`) and the lag of a bump tracking a moving
stimulus (Fung, Wong & Wu 2010; :func:`cann_tracking_lag`).  The models are
:class:`attractors.CANN1D` and :class:`attractors.CANN2D`.

A core module, below both :mod:`attractors.models` (the CANN models use the
closed forms) and :mod:`attractors.analysis` (which re-exports every public
name here as ``attractors.analysis.cann_bump_theory`` and so on).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._validate import ParameterError, check_positive, describe

__all__ = ["CANNBump", "cann_bump_theory", "cann_driven_height", "cann_tracking_lag"]


class CANNBump(NamedTuple):
    """The stationary bump of a CANN (:func:`cann_bump_theory`)."""

    #: Peak synaptic input :math:`u_0` of the stable bump (0 when none exists).
    u0: float
    #: Peak firing rate :math:`r_0` of the stable bump (0 when none exists).
    r0: float
    #: Critical inhibition :math:`k_c`: bumps exist for ``k < k_c``.
    k_c: float
    #: Peak :math:`u_0` of the unstable bump (the saddle between the bump and silence).
    u0_unstable: float
    #: Peak :math:`r_0` of the unstable bump.
    r0_unstable: float
    #: Whether a bump exists (``k < k_c``).
    exists: bool


def _theory_constants(a, J0, rho, dim):
    # u0 = beta r0 (recurrent input of a Gaussian rate profile) and
    # r0 = u0^2 / (1 + alpha_over_k k u0^2) (the normalisation integral).
    beta = rho * J0 / 2.0 ** (dim / 2)
    alpha_over_k = (2.0 * math.pi * a * a) ** (dim / 2) * rho
    return beta, alpha_over_k


def _check_theory_args(k, a, J0, rho, dim):
    k = check_positive("k", k)
    a = check_positive("a", a)
    J0 = check_positive("J0", J0)
    rho = check_positive("rho", rho)
    if dim not in (1, 2) or isinstance(dim, bool):
        raise ParameterError(f"dim must be 1 or 2, got {describe(dim)}")
    return k, a, J0, rho, int(dim)


def cann_bump_theory(k, *, a, J0, rho, dim=1) -> CANNBump:
    r"""The analytic stationary bump of a CANN (Wu, Hamaguchi & Amari 2008).

    Inserting :math:`u = u_0 e^{-|x|^2/(4a^2)}`, :math:`r = r_0 e^{-|x|^2/(2a^2)}`
    in the stationary equations on the infinite line (plane) gives
    :math:`u_0 = \rho J_0 r_0 / 2^{D/2}` and
    :math:`r_0 = u_0^2 / (1 + k\rho (2\pi a^2)^{D/2} u_0^2)`, whose non-zero
    solutions are

    .. math::

        r_0 = \frac{1 \pm \sqrt{1 - k/k_c}}{2 k \rho (2\pi a^2)^{D/2}}, \qquad
        u_0 = \frac{\big(1 \pm \sqrt{1 - k/k_c}\big) J_0}{2^{D/2 + 1} (2\pi a^2)^{D/2} k},
        \qquad k_c = \frac{\rho J_0^2}{2^{D+2} (2\pi a^2)^{D/2}} ,

    so in 1-D :math:`k_c = \rho J_0^2 / (8\sqrt{2\pi}\, a)`,
    :math:`u_0 = (1 + \sqrt{1 - k/k_c}) J_0 / (4\sqrt{\pi}\, a k)` and
    :math:`r_0 = (1 + \sqrt{1 - k/k_c}) / (2\sqrt{2\pi}\, a k \rho)` (the + sign is
    the stable bump, the - sign the saddle); in 2-D
    :math:`k_c = \rho J_0^2 / (32 \pi a^2)`.  For :math:`k > k_c` only the silent
    state :math:`u = 0` remains.  On a ring or torus of circumference
    :math:`2\pi` the formulas hold up to the Gaussian tails beyond
    :math:`\pm\pi`, of relative size :math:`e^{-\pi^2/(2a^2)}` (3e-9 for a = 0.5).

    Parameters
    ----------
    k : float
        Strength of the global (divisive) inhibition, > 0.
    a : float
        Range of the excitatory connections (the kernel's standard deviation).
    J0 : float
        Connection strength.
    rho : float
        Density of units in feature space (``n_units / (2 pi)`` on a ring,
        ``n_units / (2 pi)**2`` on a torus).
    dim : {1, 2}
        Dimension of the feature space.

    Returns
    -------
    CANNBump
        ``u0, r0, k_c, u0_unstable, r0_unstable, exists``.

    References
    ----------
    Wu, Hamaguchi & Amari (2008), Neural Comput. 20, 994-1025.
    Fung, Wong & Wu (2010), Neural Comput. 22, 752-792 (eqs. 3-5).

    Examples
    --------
    >>> bump = cann_bump_theory(8.1, a=0.5, J0=4.0, rho=256 / (2 * np.pi))
    >>> round(bump.k_c, 4), round(bump.u0, 6)
    (65.0175, 0.269646)
    """
    k, a, J0, rho, dim = _check_theory_args(k, a, J0, rho, dim)
    beta, alpha_over_k = _theory_constants(a, J0, rho, dim)
    k_c = rho * J0**2 / (2.0 ** (dim + 2) * (2.0 * math.pi * a * a) ** (dim / 2))
    if k > k_c:
        return CANNBump(0.0, 0.0, k_c, 0.0, 0.0, False)
    root = math.sqrt(1.0 - k / k_c)
    r0, r0_saddle = ((1.0 + s * root) / (2.0 * k * alpha_over_k) for s in (1.0, -1.0))
    return CANNBump(beta * r0, r0, k_c, beta * r0_saddle, r0_saddle, True)


def cann_driven_height(amplitude, k, *, a, J0, rho, dim=1) -> float:
    r"""Peak :math:`\tilde u_0` of the bump held by a stimulus centred on it.

    With :math:`I^{ext} = A e^{-|x - z|^2/(4a^2)}` (the shape of the bump) the
    Gaussian profile stays an exact stationary solution, with
    :math:`\tilde u_0 = \beta \tilde r_0 + A` and
    :math:`\tilde r_0 = \tilde u_0^2 / (1 + \alpha \tilde u_0^2)`
    (:math:`\beta = \rho J_0 / 2^{D/2}`, :math:`\alpha = k\rho(2\pi a^2)^{D/2}`):
    the largest real root of
    :math:`\alpha \tilde u^3 - (\beta + \alpha A) \tilde u^2 + \tilde u - A = 0`.

    Examples
    --------
    >>> rho = 256 / (2 * np.pi)
    >>> height = cann_driven_height(0.05, 8.1, a=0.5, J0=4.0, rho=rho)
    >>> bool(height > cann_bump_theory(8.1, a=0.5, J0=4.0, rho=rho).u0)
    True
    """
    amplitude = check_positive("amplitude", amplitude, allow_zero=True)
    k, a, J0, rho, dim = _check_theory_args(k, a, J0, rho, dim)
    beta, alpha_over_k = _theory_constants(a, J0, rho, dim)
    alpha = k * alpha_over_k
    roots = np.roots([alpha, -(beta + alpha * amplitude), 1.0, -amplitude])
    real = roots[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots.real))].real
    return float(real.max())


def cann_tracking_lag(speed, amplitude, k, *, a, J0, rho, tau=1.0) -> float:
    r"""Steady lag of a 1-D CANN bump behind a stimulus moving at constant speed.

    The bump keeps its shape :math:`\tilde u_0 e^{-(x - z)^2/(4a^2)}` and moves
    along its neutral (translation) mode.  Projecting the dynamics on the left
    eigenvector of that mode, :math:`\propto u\,\partial_x u \propto (x - z)
    e^{-(x - z)^2/(2a^2)}` (Fung, Wong & Wu 2010 use the same first-order
    projection), gives for the displacement :math:`s = z - z_0` of the bump from
    the stimulus

    .. math::

        \tau \frac{dz}{dt} = -\frac{A}{\tilde u_0}\, s\, e^{-s^2/(6a^2)},

    so a stimulus moving at speed :math:`v` is followed at the lag
    :math:`|s|` solving :math:`|s| e^{-s^2/(6a^2)} = v \tau \tilde u_0 / A`,
    i.e. :math:`|s| \approx v\tau\tilde u_0/A` for a slow stimulus, with the
    bump behind (:math:`s` of opposite sign to :math:`v`).  :math:`\tilde u_0`
    is :func:`cann_driven_height`.  Beyond
    :math:`v\tau\tilde u_0/A = \sqrt{3} a e^{-1/2}` there is no steady lag and
    the bump loses the stimulus (returned as NaN).  Corrections are of order
    :math:`(s/a)^2` (the change of the bump's height and shape with the lag).

    Returns
    -------
    float
        The signed displacement :math:`s = z - z_0` (negative for ``speed > 0``).

    References
    ----------
    Fung, Wong & Wu (2010), Neural Comput. 22, 752-792.

    Examples
    --------
    >>> lag = cann_tracking_lag(0.01, 0.05, 8.1, a=0.5, J0=4.0, rho=256 / (2 * np.pi))
    >>> bool(-0.1 < lag < 0)
    True
    """
    from scipy.optimize import brentq

    if isinstance(speed, bool) or not isinstance(speed, (int, float, np.floating, np.integer)) \
            or not np.isfinite(speed):
        raise ParameterError(f"speed must be a finite number, got {describe(speed)}")
    amplitude = check_positive("amplitude", amplitude)
    tau = check_positive("tau", tau)
    height = cann_driven_height(amplitude, k, a=a, J0=J0, rho=rho, dim=1)
    target = abs(float(speed)) * tau * height / amplitude
    if target == 0.0:
        return 0.0
    s_max = math.sqrt(3.0) * a
    if target > s_max * math.exp(-0.5):
        return float("nan")
    lag = brentq(lambda s: s * math.exp(-s * s / (6 * a * a)) - target, 0.0, s_max, xtol=1e-15)
    return -math.copysign(lag, speed)
