r"""Continuous attractor neural networks (CANNs) with divisive normalisation, in 1-D and 2-D.

The model of Wu, Hamaguchi & Amari (2008) and Fung, Wong & Wu (2010): a
population of units with preferred stimuli :math:`x` covering a periodic
feature space (the ring :math:`(-\pi, \pi]`, or the torus
:math:`(-\pi, \pi]^2`) with density :math:`\rho`,

.. math::

    \tau \frac{\partial u(x, t)}{\partial t} = -u(x, t)
        + \rho \int J(x, x')\, r(x', t)\, dx' + I^{ext}(x, t), \qquad
    r(x, t) = \frac{u_+(x, t)^2}{1 + k \rho \int u_+(x', t)^2\, dx'},

with Gaussian connectivity
:math:`J(x, x') = J_0 (2\pi a^2)^{-D/2} \exp(-|x - x'|^2 / (2a^2))`, wrapped on
the ring or torus (summed over periodic images, so that it is smooth there), and
:math:`u_+ = \max(u, 0)`.  For
:math:`k < k_c` it holds a continuous family of stationary bumps

.. math::

    u(x) = u_0\, e^{-|x - z|^2 / (4a^2)}, \qquad r(x) = r_0\, e^{-|x - z|^2 / (2a^2)},

(:func:`cann_bump_theory`), and a Gaussian stimulus
:math:`I^{ext} = A\, e^{-|x - z_0(t)|^2 / (4a^2)}` moves the bump, which
follows a moving stimulus with a lag (:func:`cann_tracking_lag`).

The recurrent input is a circular convolution.  It is computed from the
kernel's Fourier modes above round-off (``method="modes"``, exact to round-off
and cheapest for smooth kernels), the dense matrix (``"dense"``) or the FFT
(``"fft"``); ``"auto"`` picks the cheapest.  With numba installed, the 1-D
field is one compiled pass per step (``backend="numba"``); the numpy backend
gives the same numbers to round-off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._system import ContinuousSystem
from .._validate import ParameterError, check_choice, check_integer, check_positive, describe

__all__ = ["CANN1D", "CANN2D", "CANNBump", "cann_bump_theory", "cann_driven_height",
           "cann_tracking_lag"]

#: Modes whose kernel coefficient is below this fraction of the largest are dropped
#: by ``method="modes"``.  The FFT that computes the coefficients is itself exact only
#: to about 1e-16 of the largest, so below this cutoff a coefficient is round-off
#: (for the Gaussian kernel of CANN1D the exact ones there are < 1e-16 too).
_MODE_CUTOFF = 1e-15


# --------------------------------------------------------------------------- theory


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


# --------------------------------------------------------------------------- kernels


def _ring_distance(x):
    """Signed distance around the circle of circumference 2 pi, in [-pi, pi)."""
    return np.remainder(np.asarray(x, dtype=np.float64) + np.pi, 2.0 * np.pi) - np.pi


def _wrapped_gaussian(d, width):
    r"""The Gaussian wrapped on the circle, :math:`\sum_n e^{-(d + 2\pi n)^2/(2 w^2)}`.

    Images up to |n| = 6 are summed: for ``width <= pi`` the next one is below
    :math:`e^{-(11\pi)^2/(2\pi^2)} < 10^{-26}` of the peak.  Unlike the Gaussian of
    the shortest distance it is smooth on the circle, so its Fourier
    coefficients fall to round-off (the two differ by less than
    :math:`e^{-\pi^2/(2w^2)}` of the peak).
    """
    d = np.asarray(d, dtype=np.float64)
    images = 2.0 * np.pi * np.arange(-6, 7)
    return np.exp(-0.5 * ((d[..., None] + images) / width) ** 2).sum(axis=-1)


def _ring_kernel(n, a, J0):
    """J(x_i - x_0) on the ring grid, times rho dx = 1 (the sum replaces rho * integral)."""
    d = _ring_distance(2.0 * np.pi * np.arange(n) / n)
    return J0 * _wrapped_gaussian(d, a) / (math.sqrt(2.0 * math.pi) * a)


def _fourier_modes(kernel):
    """Real Fourier basis (rows) and weights keeping the kernel's modes above round-off.

    For a symmetric circulant kernel c, ``(C r)_i = sum_m w_m E_mi (E r)_m`` with
    rows E = 1, cos(2 pi m i/n), sin(2 pi m i/n), exactly when all modes are kept.
    """
    n = kernel.size
    spectrum = np.fft.rfft(kernel).real  # real: the kernel is even on the ring
    keep = np.abs(spectrum) > _MODE_CUTOFF * np.abs(spectrum).max()
    keep[0] = True
    modes = np.flatnonzero(keep)
    phase = 2.0 * np.pi * np.outer(modes, np.arange(n)) / n
    rows, weights = [], []
    for m, row_cos, row_sin in zip(modes, np.cos(phase), np.sin(phase)):
        nyquist = n % 2 == 0 and m == n // 2
        scale = (1.0 if m == 0 or nyquist else 2.0) * spectrum[m] / n
        rows.append(row_cos)
        weights.append(scale)
        if not (m == 0 or nyquist):
            rows.append(row_sin)
            weights.append(scale)
    return np.ascontiguousarray(rows), np.asarray(weights), modes


def _half_tables(kernel, modes_kept):
    """cos / sin of the kept modes on the units 0..n//2, and their weights.

    The ring's units i and n - i see cos(2 pi m i/n) equal and sin opposite, so
    the recurrent input needs the tables on half the ring only (the compiled
    kernel folds u into its even and odd parts first, halving the work).
    """
    n = kernel.size
    spectrum = np.fft.rfft(kernel).real
    half = np.arange(n // 2 + 1)
    cos_modes = modes_kept
    sin_modes = modes_kept[(modes_kept > 0) & ~((n % 2 == 0) & (modes_kept == n // 2))]
    cos_table = np.cos(2.0 * np.pi * np.outer(cos_modes, half) / n)
    sin_table = np.sin(2.0 * np.pi * np.outer(sin_modes, half) / n)
    edge = (cos_modes == 0) | ((n % 2 == 0) & (cos_modes == n // 2))
    cos_weights = np.where(edge, 1.0, 2.0) * spectrum[cos_modes] / n
    sin_weights = 2.0 * spectrum[sin_modes] / n
    return (np.ascontiguousarray(cos_table), cos_weights, np.ascontiguousarray(sin_table),
            sin_weights)


def _numba_kernels():
    """Compile (once, cached on disk) the fused 1-D field; None without numba."""
    global _KERNELS
    if _KERNELS is not None:
        return _KERNELS or None
    try:
        import numba
    except ImportError:
        _KERNELS = False
        return None

    @numba.njit(cache=True, nogil=True)
    def normalised_rates(u, k_norm):
        # r = u_+^2 / (1 + k sum_j u_j+^2), one row (trial) at a time
        rates = np.empty_like(u)
        for b in range(u.shape[0]):
            total = 0.0
            for i in range(u.shape[1]):
                v = u[b, i]
                sq = v * v if v > 0.0 else 0.0
                rates[b, i] = sq
                total += sq
            scale = 1.0 / (1.0 + k_norm * total)
            for i in range(u.shape[1]):
                rates[b, i] *= scale
        return rates

    @numba.njit(cache=True, nogil=True)
    def finish(u, recurrent, drive, inv_tau):
        shared = drive.shape[0] == 1
        for b in range(u.shape[0]):
            row = 0 if shared else b
            for i in range(u.shape[1]):
                recurrent[b, i] = (recurrent[b, i] - u[b, i] + drive[row, i]) * inv_tau
        return recurrent

    # Reassociation lets LLVM vectorise the dot products; no "nnan"/"ninf", so a
    # blow-up still propagates NaN and inf to simulate()'s check.
    @numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
    def one_row(u, drive, cos_table, cos_weights, sin_table, sin_weights, k_norm, inv_tau, out,
                even, odd):
        # even[i] = r_i + r_{n-i}, odd[i] = r_i - r_{n-i} on units 0..n//2: the cos
        # modes see the even part, the sin modes the odd part.
        n = u.shape[0]
        h = n // 2
        v = u[0]
        even[0] = v * v if v > 0.0 else 0.0
        odd[0] = 0.0
        for i in range(1, h + 1):
            a = u[i]
            b = u[n - i]
            a = a * a if a > 0.0 else 0.0
            b = b * b if b > 0.0 else 0.0
            if n - i == i:
                even[i] = a
                odd[i] = 0.0
            else:
                even[i] = a + b
                odd[i] = a - b
        total = 0.0
        for i in range(h + 1):
            total += even[i]
        scale = 1.0 / (1.0 + k_norm * total)
        sym = np.zeros(h + 1)
        anti = np.zeros(h + 1)
        for m in range(cos_table.shape[0]):
            row = cos_table[m]
            c = 0.0
            for i in range(h + 1):
                c += even[i] * row[i]
            c *= cos_weights[m] * scale
            for i in range(h + 1):
                sym[i] += c * row[i]
        for m in range(sin_table.shape[0]):
            row = sin_table[m]
            c = 0.0
            for i in range(h + 1):
                c += odd[i] * row[i]
            c *= sin_weights[m] * scale
            for i in range(h + 1):
                anti[i] += c * row[i]
        for i in range(h + 1):
            out[i] = (drive[i] - u[i] + sym[i] + anti[i]) * inv_tau
        for i in range(1, h + 1):
            j = n - i
            if j != i:
                out[j] = (drive[j] - u[j] + sym[i] - anti[i]) * inv_tau

    @numba.njit(cache=True, nogil=True)
    def field_one(u, drive, cos_table, cos_weights, sin_table, sin_weights, k_norm, inv_tau):
        # One trial (a 1-D state): no reshaping on the Python side.
        out = np.empty_like(u)
        h = u.shape[0] // 2 + 1
        one_row(u, drive, cos_table, cos_weights, sin_table, sin_weights, k_norm, inv_tau, out,
                np.empty(h), np.empty(h))
        return out

    @numba.njit(cache=True, nogil=True)
    def field_rows(u, drive, cos_table, cos_weights, sin_table, sin_weights, k_norm, inv_tau):
        # One pass per trial, for few trials, where a BLAS call per product costs
        # more than its arithmetic.  The same code runs for every trial, so a
        # batch gives the same numbers as its trials run alone.
        out = np.empty_like(u)
        h = u.shape[1] // 2 + 1
        even = np.empty(h)
        odd = np.empty(h)
        shared = drive.shape[0] == 1
        for b in range(u.shape[0]):
            one_row(u[b], drive[0 if shared else b], cos_table, cos_weights, sin_table,
                    sin_weights, k_norm, inv_tau, out[b], even, odd)
        return out

    @numba.njit(cache=True, nogil=True)
    def decode(u, cos, sin):
        # Population vector of u_+ and the peak of u, one pass per state.
        n_states, n = u.shape
        position = np.empty(n_states)
        height = np.empty(n_states)
        for t in range(n_states):
            c = 0.0
            s = 0.0
            top = u[t, 0]
            for i in range(n):
                v = u[t, i]
                if v > top:
                    top = v
                if v > 0.0:
                    c += v * cos[i]
                    s += v * sin[i]
            angle = np.arctan2(s, c) if c * c + s * s > 0.0 else np.nan
            position[t] = np.pi if angle == -np.pi else angle  # in (-pi, pi]
            height[t] = top
        return position, height

    @numba.njit(cache=True, nogil=True)
    def field_modes(u, drive, basis_t, basis_w, k_norm, inv_tau):
        rates = normalised_rates(u, k_norm)
        return finish(u, (rates @ basis_t) @ basis_w, drive, inv_tau)

    @numba.njit(cache=True, nogil=True)
    def field_dense(u, drive, matrix_t, k_norm, inv_tau):
        rates = normalised_rates(u, k_norm)
        return finish(u, rates @ matrix_t, drive, inv_tau)

    _KERNELS = (field_rows, field_modes, field_dense, field_one, decode)
    return _KERNELS


_KERNELS = None
#: From this many trials on, the modes are applied by two BLAS products.
_BLAS_TRIALS = 16


# --------------------------------------------------------------------------- models


def _population_vector(activity, angles):
    r"""Bump position :math:`\arg \sum_i a_i e^{i\theta_i}` in :math:`(-\pi, \pi]`; NaN when flat.

    The same estimate as :func:`attractors.analysis.bump_position`, computed
    with one real matrix product (a whole record of 10,000 states in ~2 ms
    rather than ~100 ms for the complex product).
    """
    from ..analysis._bump import wrap_angle

    projection = activity @ np.stack([np.cos(angles), np.sin(angles)], axis=1)
    length = np.hypot(projection[..., 0], projection[..., 1])
    flat = length <= 1e-12 * np.maximum(np.abs(activity).sum(axis=-1), 1e-300)
    return np.where(flat, np.nan, wrap_angle(np.arctan2(projection[..., 1], projection[..., 0])))


def _check_model(model, shape_name, shape_value, minimum):
    check_integer(shape_name, shape_value, minimum=minimum)
    for name in ("tau", "k", "a", "J0"):
        object.__setattr__(model, name, check_positive(name, getattr(model, name)))
    check_choice("method", model.method, model._METHODS)
    check_choice("backend", model.backend, ("auto", "numba", "numpy"))
    if model.a > math.pi:
        raise ParameterError(
            f"a must be at most pi (the half-circumference of the feature space), got {model.a!r}")


class _CANN(ContinuousSystem):
    """What CANN1D and CANN2D share: theory, stimuli, rates, leak."""

    time_unit = "tau"
    dim: int

    @property
    def rho(self) -> float:
        r"""Density of units in feature space, :math:`\rho = N / (2\pi)^D`."""
        return self.n_units / (2.0 * math.pi) ** self.dim

    def theory(self) -> CANNBump:
        """The analytic stationary bump at this model's parameters (:func:`cann_bump_theory`)."""
        return cann_bump_theory(self.k, a=self.a, J0=self.J0, rho=self.rho, dim=self.dim)

    @property
    def critical_inhibition(self) -> float:
        r"""The critical inhibition :math:`k_c` above which no bump exists."""
        return self.theory().k_c

    def bump_profile(self, position):
        r"""The analytic stationary bump centred at ``position``, on this model's grid.

        :math:`u_0 \sum_{\mathbf n} e^{-|\mathbf x - \mathbf z + 2\pi\mathbf n|^2/(4a^2)}`:
        the closed form of :func:`cann_bump_theory` wrapped on the ring or torus.
        On the finite grid it is the exact stationary state up to the overlap
        of neighbouring images in the normalisation and the rates, relative
        :math:`2 e^{-\pi^2/(2a^2)}` (5e-9 at a = 0.5).  Zero where no bump exists.
        """
        position = np.asarray(position, dtype=np.float64)
        offsets = self._offsets(position)
        profile = np.ones(offsets[0].shape)
        for d in offsets:
            profile = profile * _wrapped_gaussian(d, math.sqrt(2.0) * self.a)
        return self.theory().u0 * profile

    def firing_rate(self, u):
        r"""Firing rates :math:`r = u_+^2 / (1 + k\rho\int u_+^2 dx)`, same shape as ``u``."""
        u = np.asarray(u, dtype=np.float64)
        squared = np.square(np.maximum(u, 0.0))
        # k rho * integral of u_+^2 is k * sum over units, since rho dx = 1 on the grid.
        return squared / (1.0 + self.k * np.sum(squared, axis=-1, keepdims=True))

    def leak_rate(self):
        return 1.0 / self.tau

    def energy(self, x, inputs=None):
        raise NotImplementedError(
            f"{self.name} has no known Lyapunov function: the divisive normalisation makes "
            "the recurrent drive non-gradient, so no energy is recorded")

    def initial_state(self, rng, n_trials=None):
        """Independent uniform noise on [0, u0) per unit (u0: the stable bump's height)."""
        height = self.theory().u0 or 1.0
        return height * rng.uniform(0.0, 1.0, self._batch_shape(n_trials))


@dataclass(frozen=True, repr=False, eq=False)
class CANN1D(_CANN):
    r"""A continuous attractor neural network on a ring (Wu, Hamaguchi & Amari 2008).

    .. math::

        \tau \frac{du_i}{dt} = -u_i + \sum_j J(x_i - x_j)\, r_j + I^{ext}_i, \qquad
        r_i = \frac{u_{i+}^2}{1 + k \sum_j u_{j+}^2}, \qquad
        J(d) = \frac{J_0}{\sqrt{2\pi}\, a} \sum_{n} e^{-(d + 2\pi n)^2/(2a^2)},

    the discretisation of the continuum model (module docstring) on the grid
    :math:`x_i = -\pi + 2\pi i / N` with density :math:`\rho = N/(2\pi)`, so
    that :math:`\rho\,dx = 1` (the convention of brainpy's and canns's
    ``CANN1D``; :math:`k_c` grows with N).  The kernel is the Gaussian wrapped on
    the ring (a sum over periodic images); brainpy and canns take the Gaussian
    of the shortest distance, which differs by less than
    :math:`e^{-\pi^2/(2a^2)}` of the peak (3e-9 at a = 0.5) but has a kink at
    the antipode.  The state is :math:`u`; firing
    rates are :meth:`firing_rate`.  The analytic bump is :meth:`theory`.

    Parameters
    ----------
    n_units : int
        Number of units on the ring (>= 8).
    tau : float
        Time constant; time is measured in units of ``tau`` only if tau = 1.
    k : float
        Global inhibition (> 0); a bump exists for ``k < critical_inhibition``.
    a : float
        Range of the excitatory connections, in radians (0 < a <= pi).
    J0 : float
        Connection strength.
    method : {"auto", "modes", "dense", "fft"}
        How the recurrent input is computed: from the kernel's Fourier modes
        above round-off (exact to round-off), by the dense matrix product, or
        by the FFT; ``"auto"`` takes ``"modes"`` when they are fewer than a
        quarter of the units, else ``"dense"`` up to 1024 units, else ``"fft"``.
    backend : {"auto", "numba", "numpy"}
        ``"numba"`` runs the field as one compiled pass (numba required);
        ``"auto"`` uses it when numba is installed and the method is not FFT.

    Observables
    -----------
    ``bump_position`` (population vector of :math:`u_+` on the ring, radians)
    and ``bump_height`` (:math:`\max_i u_i`).

    References
    ----------
    Wu, Hamaguchi & Amari (2008), Neural Comput. 20, 994-1025.
    Fung, Wong & Wu (2010), Neural Comput. 22, 752-792.

    Examples
    --------
    A bump held by a stimulus, then released, keeps the analytic height:

    >>> import attractors
    >>> cann = CANN1D(n_units=128)
    >>> run = attractors.simulate(cann, cann.theory().u0 * cann.stimulus(0.0) * 0.8,
    ...                           t_span=40.0, dt=0.1, seed=0)
    >>> round(float(run.bump_height[-1]) / cann.theory().u0, 6)
    1.0
    """

    n_units: int = 256
    tau: float = 1.0
    k: float = 8.1
    a: float = 0.5
    J0: float = 4.0
    method: str = "auto"
    backend: str = "auto"

    dim = 1
    _METHODS = ("auto", "modes", "dense", "fft")

    def __post_init__(self):
        _check_model(self, "n_units", self.n_units, 8)
        object.__setattr__(self, "n_units", int(self.n_units))
        n = self.n_units
        kernel = _ring_kernel(n, self.a, self.J0)
        basis, weights, modes_kept = _fourier_modes(kernel)
        method = check_choice("method", self.method, self._METHODS)
        if method == "auto":
            method = "modes" if basis.shape[0] <= n // 4 else ("dense" if n <= 1024 else "fft")
        backend = check_choice("backend", self.backend, ("auto", "numba", "numpy"))
        kernels = None
        if backend != "numpy" and method != "fft":
            kernels = _numba_kernels()
            if kernels is None and backend == "numba":
                raise ParameterError("backend='numba' needs numba installed (pip install numba)")
        index = np.arange(n)
        matrix = kernel[(index[:, None] - index[None, :]) % n]
        fast = {
            "kernel": kernel, "matrix": matrix, "method": method,
            "basis": basis, "basis_t": np.ascontiguousarray(basis.T), "weights": weights,
            "basis_w": np.ascontiguousarray(weights[:, None] * basis),
            "half_tables": _half_tables(kernel, modes_kept),
            "matrix_t": np.ascontiguousarray(matrix.T),
            "kernel_fft": np.fft.rfft(kernel), "kernels": kernels,
            "k_norm": self.k, "inv_tau": 1.0 / self.tau, "no_drive": np.zeros((1, n)),
            "x": -np.pi + 2.0 * np.pi * index / n,
        }
        fast["cos_sin"] = (np.cos(fast["x"]), np.sin(fast["x"]))
        object.__setattr__(self, "_fast", fast)

    # -- structure -------------------------------------------------------------

    @property
    def x(self) -> np.ndarray:
        r"""Preferred stimuli :math:`x_i = -\pi + 2\pi i/N` (radians)."""
        return self._fast["x"]

    @property
    def weights(self) -> np.ndarray:
        r"""The dense connection matrix :math:`J_{ij} = J(x_i - x_j)` (times :math:`\rho\,dx = 1`)."""
        return self._fast["matrix"]

    @property
    def recurrent_method(self) -> str:
        """The method ``"auto"`` resolved to (``"modes"``, ``"dense"`` or ``"fft"``)."""
        return self._fast["method"]

    @property
    def coords(self):
        return {"x": ("unit", self.x)}

    def _offsets(self, position):
        return (_ring_distance(self.x - position[..., None]),)

    def stimulus(self, position, amplitude=1.0):
        r"""A Gaussian stimulus :math:`A e^{-d(x, z)^2/(4a^2)}` centred at ``position``.

        ``position`` (and ``amplitude``) may be arrays; the result has shape
        ``broadcast(position, amplitude).shape + (n_units,)``.
        """
        position = np.asarray(position, dtype=np.float64)[..., None]
        amplitude = np.asarray(amplitude, dtype=np.float64)[..., None]
        if not (np.all(np.isfinite(position)) and np.all(np.isfinite(amplitude))):
            raise ParameterError("stimulus position and amplitude must be finite")
        distance = _ring_distance(self.x - position)
        return amplitude * np.exp(-0.25 * (distance / self.a) ** 2)

    def moving_stimulus(self, amplitude, speed, start=0.0):
        r"""A stimulus moving at constant ``speed``: :math:`z_0(t) = z_{start} + v t`, for ``inputs=``.

        Returns a callable ``u(t)`` giving :meth:`stimulus` at the stimulus
        position; ``position(t)`` (an attribute of the callable) gives
        :math:`z_0(t)` unwrapped.  Arrays of speeds give one stimulus per trial.
        """
        amplitude = check_positive("amplitude", amplitude, allow_zero=True)
        speed = np.asarray(speed, dtype=np.float64)
        start = np.asarray(start, dtype=np.float64)
        if not (np.all(np.isfinite(speed)) and np.all(np.isfinite(start))):
            raise ParameterError(f"speed and start must be finite, got {describe(speed)}, {describe(start)}")
        stimulus = self.stimulus

        def moving(t):
            return stimulus(start + speed * t, amplitude)

        moving.position = lambda t: start + speed * np.asarray(t, dtype=np.float64)
        moving.__name__ = f"moving_stimulus(amplitude={amplitude:g}, speed={speed.tolist()})"
        return moving

    # -- dynamics --------------------------------------------------------------

    def recurrent_input(self, rates):
        r"""The recurrent input :math:`\sum_j J(x_i - x_j) r_j`, shape of ``rates``."""
        fast = self._fast
        rates = np.asarray(rates, dtype=np.float64)
        method = fast["method"]
        if method == "modes":
            return (rates @ fast["basis_t"]) @ fast["basis_w"]
        if method == "dense":
            return rates @ fast["matrix_t"]
        return np.fft.irfft(np.fft.rfft(rates, axis=-1) * fast["kernel_fft"], n=self.n_units, axis=-1)

    def vector_field(self, t, x, inputs=None):
        fast = self._fast
        kernels = fast["kernels"]
        if kernels is not None:
            if x.ndim == 1 and fast["method"] == "modes" and (
                    inputs is None or inputs.shape == x.shape):
                return kernels[3](x, fast["no_drive"][0] if inputs is None else inputs,
                                  *fast["half_tables"], fast["k_norm"], fast["inv_tau"])
            u = x if x.ndim == 2 else x.reshape(-1, self.n_units)
            if inputs is None:
                drive = fast["no_drive"]
            elif inputs.shape == (self.n_units,):
                drive = inputs.reshape(1, self.n_units)
            else:  # per-trial or other broadcastable inputs: give the kernel full rows
                drive = np.ascontiguousarray(np.broadcast_to(
                    np.asarray(inputs, dtype=np.float64), x.shape).reshape(u.shape))
            if fast["method"] == "dense":
                out = kernels[2](u, drive, fast["matrix_t"], fast["k_norm"], fast["inv_tau"])
            elif u.shape[0] < _BLAS_TRIALS:  # few trials: one fused pass each
                out = kernels[0](u, drive, *fast["half_tables"], fast["k_norm"], fast["inv_tau"])
            else:  # many: two BLAS products
                out = kernels[1](u, drive, fast["basis_t"], fast["basis_w"], fast["k_norm"],
                                 fast["inv_tau"])
            return out.reshape(x.shape)
        rates = self.firing_rate(x)
        du = self.recurrent_input(rates) - x
        if inputs is not None:
            du = du + inputs
        return du / self.tau

    def observables(self, x):
        kernels = self._fast["kernels"]
        if kernels is not None:  # one compiled pass over the record
            flat = np.ascontiguousarray(x, dtype=np.float64).reshape(-1, self.n_units)
            position, height = kernels[4](flat, *self._fast["cos_sin"])
            return {"bump_position": ((), position.reshape(x.shape[:-1])),
                    "bump_height": ((), height.reshape(x.shape[:-1]))}
        return {
            "bump_position": ((), _population_vector(np.maximum(x, 0.0), self.x)),
            "bump_height": ((), np.max(x, axis=-1)),
        }


@dataclass(frozen=True, repr=False, eq=False)
class CANN2D(_CANN):
    r"""A continuous attractor neural network on a torus (Wu, Hamaguchi & Amari 2008, in 2-D).

    .. math::

        \tau \frac{du_{\mathbf i}}{dt} = -u_{\mathbf i}
            + \sum_{\mathbf j} J(\mathbf x_{\mathbf i} - \mathbf x_{\mathbf j})\, r_{\mathbf j}
            + I^{ext}_{\mathbf i}, \qquad
        r_{\mathbf i} = \frac{u_{\mathbf i+}^2}{1 + k \sum_{\mathbf j} u_{\mathbf j+}^2}, \qquad
        J(\mathbf d) = \frac{J_0}{2\pi a^2} \sum_{\mathbf n}
            e^{-|\mathbf d + 2\pi \mathbf n|^2/(2a^2)},

    on the ``n_side x n_side`` grid :math:`x, y \in \{-\pi + 2\pi i/n\}` of the
    torus (the Gaussian wrapped on the torus), with :math:`\rho = n^2/(2\pi)^2` and
    :math:`\rho\,dx\,dy = 1`.  Units are numbered row-major: unit
    ``i * n_side + j`` sits at ``(x_j, y_i)``.  The stationary bump is
    :math:`u_0 e^{-|\mathbf x - \mathbf z|^2/(4a^2)}` with
    :math:`k_c = \rho J_0^2/(32\pi a^2)` (:func:`cann_bump_theory` with ``dim=2``).
    The recurrent input is a 2-D circular convolution by the FFT.

    Parameters
    ----------
    n_side : int
        Units per side (n_units = n_side**2), >= 8.
    tau, k, a, J0 : float
        As in :class:`CANN1D`.

    Observables
    -----------
    ``bump_position`` with dimension ``axis`` (x, y): the population vector of
    :math:`u_+` along each axis of the torus.

    Examples
    --------
    >>> import attractors
    >>> cann = CANN2D(n_side=16, k=2.0)
    >>> run = attractors.simulate(cann, 0.5 * cann.stimulus((0.3, -1.0)), t_span=30.0, dt=0.2,
    ...                           seed=0)
    >>> np.round(run.bump_position[-1].values, 6).tolist()
    [0.3, -1.0]
    """

    n_side: int = 32
    tau: float = 1.0
    k: float = 8.1
    a: float = 0.5
    J0: float = 4.0
    method: str = "fft"
    backend: str = "numpy"

    dim = 2
    _METHODS = ("fft",)

    def __post_init__(self):
        _check_model(self, "n_side", self.n_side, 8)
        object.__setattr__(self, "n_side", int(self.n_side))
        n = self.n_side
        line = -np.pi + 2.0 * np.pi * np.arange(n) / n
        d = _ring_distance(line - line[0])
        g = _wrapped_gaussian(d, self.a)
        kernel = self.J0 / (2.0 * math.pi * self.a**2) * np.outer(g, g)
        grid_y, grid_x = np.meshgrid(line, line, indexing="ij")
        object.__setattr__(self, "_fast", {
            "line": line, "kernel_fft": np.fft.rfft2(kernel),
            "x": grid_x.ravel(), "y": grid_y.ravel()})

    @property
    def n_units(self) -> int:
        return self.n_side**2

    @property
    def coords(self):
        return {"x": ("unit", self._fast["x"]), "y": ("unit", self._fast["y"]),
                "axis": ("axis", np.array(["x", "y"]))}

    def _offsets(self, position):
        if position.shape[-1:] != (2,):
            raise ParameterError(f"position must be (x, y) pairs, shape (..., 2), got {describe(position)}")
        return (_ring_distance(self._fast["x"] - position[..., 0:1]),
                _ring_distance(self._fast["y"] - position[..., 1:2]))

    def stimulus(self, position, amplitude=1.0):
        r"""A Gaussian stimulus :math:`A e^{-|\mathbf d|^2/(4a^2)}` centred at ``position = (x, y)``.

        ``position`` has shape ``(..., 2)``; the result ``(..., n_units)``.
        """
        position = np.asarray(position, dtype=np.float64)
        if position.shape[-1:] != (2,) or not np.all(np.isfinite(position)):
            raise ParameterError(f"position must be finite (x, y) pairs, shape (..., 2), got {describe(position)}")
        amplitude = np.asarray(amplitude, dtype=np.float64)[..., None]
        dx = _ring_distance(self._fast["x"] - position[..., 0:1])
        dy = _ring_distance(self._fast["y"] - position[..., 1:2])
        return amplitude * np.exp(-0.25 * (dx**2 + dy**2) / self.a**2)

    def recurrent_input(self, rates):
        r"""The recurrent input :math:`\sum_{\mathbf j} J(\mathbf x_{\mathbf i} - \mathbf x_{\mathbf j}) r_{\mathbf j}`."""
        rates = np.asarray(rates, dtype=np.float64)
        n = self.n_side
        grid = rates.reshape(rates.shape[:-1] + (n, n))
        out = np.fft.irfft2(np.fft.rfft2(grid) * self._fast["kernel_fft"], s=(n, n))
        return out.reshape(rates.shape)

    def vector_field(self, t, x, inputs=None):
        du = self.recurrent_input(self.firing_rate(x)) - x
        if inputs is not None:
            du = du + inputs
        return du / self.tau

    def observables(self, x):
        n = self.n_side
        grid = np.maximum(x, 0.0).reshape(x.shape[:-1] + (n, n))
        line = self._fast["line"]
        along_x = _population_vector(grid.sum(axis=-2), line)
        along_y = _population_vector(grid.sum(axis=-1), line)
        return {"bump_position": (("axis",), np.stack([along_x, along_y], axis=-1))}
