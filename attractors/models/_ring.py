r"""Ring attractors for head direction: Zhang (1996) and the two-population (double-ring) drive.

A ring of :math:`N` units with preferred directions :math:`\theta_i = 2\pi i/N`
and circulant weights, the discretisation of

.. math::

    \tau \frac{\partial u(\theta, t)}{\partial t} = -u + (w * f(u))(\theta) + I(\theta, t),
    \qquad (w * r)(\theta) = \frac{1}{2\pi}\int_0^{2\pi} w(\theta - \theta')\, r(\theta')\, d\theta' ,

by the Riemann sum :math:`(W r)_i = \frac1N \sum_j w(\theta_i - \theta_j)\, r_j`.
With the :math:`1/2\pi` measure the Fourier coefficients multiply,
:math:`c_k(w * r) = c_k(w)\,c_k(r)` with :math:`c_k(g) = \frac{1}{2\pi}\int g\,e^{-ik\theta}`,
and the eigenvalues of :math:`W` are :math:`c_k(w)`, the DFT of the
profile divided by :math:`N`.

Conventions used throughout: angles in radians, positive = counter-clockwise
(increasing :math:`\theta`); time in ms (``tau`` = 10 ms by default, a
typical membrane time constant); rates in Hz with Zhang's transfer function.
The recurrent product is an FFT circular convolution from
:data:`FFT_CROSSOVER` units on for one trial (from :data:`FFT_CROSSOVER_BATCH`
for batches) and a dense matrix product below (crossovers measured in
``benchmarks/bench_ring.py``).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._system import ContinuousSystem
from .._validate import ParameterError, check_choice, check_finite_array, check_positive, describe
from ..analysis._bump import (
    bump_amplitude,
    bump_position,
    bump_width,
    ring_angles,
    tracking_error,
    unwrap_heading,
)
from ..transfer import ZhangSigmoid, get_transfer

__all__ = [
    "FFT_CROSSOVER",
    "FFT_CROSSOVER_BATCH",
    "MODE_CUTOFF",
    "RingAttractor",
    "TwoPopulationRing",
    "cosine_profile",
    "default_tuning_curve",
    "difference_of_gaussians_profile",
    "gamma_for_velocity",
    "velocity_for_gamma",
    "von_mises_profile",
    "zhang_profile",
]

#: Ring sizes from which the recurrent input is computed by FFT circular
#: convolution rather than by a dense product, for one trial and for batches
#: (>= 16 trials).  Measured with ``benchmarks/bench_ring.py`` (numpy's pocketfft
#: against OpenBLAS gemv/gemm, one thread, five runs on a loaded 2-core machine):
#: one trial, dense/FFT time 0.45-0.72 at N = 256, 0.95-1.45 at 384, 1.9-3.2 at
#: 512; 100 trials, 0.55-1.0 at 96, 1.08-1.18 at 128, 1.7-2.7 at 256.  Smooth
#: profiles use neither by default but the ``"modes"`` product (see
#: :data:`MODE_CUTOFF`), 1.4x (one trial) to 1.9x (100 trials) faster than the
#: better of the two at N = 256.
FFT_CROSSOVER = 512
FFT_CROSSOVER_BATCH = 128
_BATCH = 16
#: Fourier modes of a profile below this fraction of its largest are dropped by
#: the ``"modes"`` product.  The DFT of the sampled profile (and of its spectral
#: derivative, an inverse and a forward FFT later) carries round-off of ~1e-15 of
#: the largest coefficient, so a cut at 1e-14 drops round-off plus true
#: coefficients that change W r by less than 1e-14 relative; it keeps 33 basis
#: functions of Zhang's default ring whatever N (measured), 5 of a cosine profile.
MODE_CUTOFF = 1e-14


# -- profiles -----------------------------------------------------------------------


def _wrapped(theta):
    theta = np.asarray(theta, dtype=np.float64)
    return theta - 2.0 * np.pi * np.round(theta / (2.0 * np.pi))


def cosine_profile(theta, *, mean: float = -0.1, modulation: float = 0.15):
    r"""Cosine weight profile :math:`w(\Delta) = J_0 + J_1 \cos\Delta` (Ben-Yishai et al. 1995).

    Parameters
    ----------
    theta : array_like
        Angle differences :math:`\Delta` in radians.
    mean, modulation : float
        :math:`J_0` (uniform part; negative = global inhibition) and :math:`J_1`.

    The defaults of the three parametric profiles give a stable single bump of
    30-45 Hz with Zhang's transfer function (see the gallery).
    """
    return mean + modulation * np.cos(np.asarray(theta, dtype=np.float64))


def von_mises_profile(theta, *, excitation: float = 0.2, concentration: float = 2.0,
                      inhibition: float = 0.1):
    r"""Von Mises excitation with uniform inhibition, :math:`w(\Delta) = J_E e^{\kappa(\cos\Delta - 1)} - J_I`.

    Parameters
    ----------
    theta : array_like
        Angle differences in radians.
    excitation, concentration, inhibition : float
        :math:`J_E`, :math:`\kappa` and :math:`J_I`.
    """
    theta = np.asarray(theta, dtype=np.float64)
    return excitation * np.exp(concentration * (np.cos(theta) - 1.0)) - inhibition


def difference_of_gaussians_profile(theta, *, excitation: float = 0.3, width_excitation: float = 0.5,
                                    inhibition: float = 0.15, width_inhibition: float = 3.0):
    r"""Difference of Gaussians (Mexican hat): near excitation, far inhibition.

    .. math:: w(\Delta) = J_E\, e^{-\Delta^2 / 2\sigma_E^2} - J_I\, e^{-\Delta^2 / 2\sigma_I^2},

    with :math:`\Delta` wrapped to :math:`(-\pi, \pi]`.

    Parameters
    ----------
    theta : array_like
        Angle differences in radians.
    excitation, width_excitation, inhibition, width_inhibition : float
        :math:`J_E, \sigma_E, J_I, \sigma_I`.
    """
    delta = _wrapped(theta)
    return (excitation * np.exp(-0.5 * (delta / width_excitation) ** 2)
            - inhibition * np.exp(-0.5 * (delta / width_inhibition) ** 2))


_PARAMETRIC = {
    "cosine": cosine_profile,
    "von_mises": von_mises_profile,
    "difference_of_gaussians": difference_of_gaussians_profile,
}


def default_tuning_curve(theta, *, baseline: float = 1.0, peak: float = 40.0,
                         concentration: float = 3.0):
    r"""The default desired tuning curve, :math:`f(\theta) = A + B\,e^{K(\cos\theta - 1)}`.

    The form Zhang (1996) used for head-direction tuning curves (his eq. for
    the "desired activity profile"); the default numbers (A = 1 Hz baseline,
    peak A + B = 40 Hz, K = 3, a full width at half maximum of about 80
    degrees) are chosen to look like rat anterodorsal-thalamus HD cells and
    are not taken from the paper.
    """
    theta = np.asarray(theta, dtype=np.float64)
    return baseline + (peak - baseline) * np.exp(concentration * (np.cos(theta) - 1.0))


def zhang_profile(target_rates, transfer, *, regularization: float = 1e-3):
    r"""Weights whose stationary state is a desired tuning curve: Zhang's Fourier construction.

    A stationary bump :math:`u = w * f(u)` with rates :math:`r = f(u)` equal to
    the desired profile :math:`r(\theta)` needs :math:`u = f^{-1}(r)` and, in
    Fourier space, :math:`c_k(u) = c_k(w)\,c_k(r)`.  Dividing is ill-posed
    where :math:`c_k(r)` is tiny (the high harmonics of a smooth bump fall
    super-exponentially, those of :math:`f^{-1}(r)` only exponentially), so
    Zhang (1996) regularised the division; the regularised (Tikhonov) form
    used here is

    .. math::

        c_k(w) = \frac{c_k(u)\,\overline{c_k(r)}}{|c_k(r)|^2 + \lambda},
        \qquad \lambda = \varepsilon \max_k |c_k(r)|^2 ,

    here with the regulariser relative to the largest coefficient, so that
    ``regularization`` :math:`= \varepsilon` does not depend on the units of
    the rates.  The coefficients are the DFTs of the sampled profiles over
    :math:`N`.  As :math:`\varepsilon \to 0` the desired profile becomes an
    exact stationary state, but not a stable one: for Zhang's transfer function
    and the default tuning curve the target state has growing modes below
    :math:`\varepsilon \approx 10^{-3}` (measured: largest Jacobian
    eigenvalue +0.009/tau at 1e-3, +0.16/tau at 1e-4).  At the default
    :math:`\varepsilon = 10^{-3}` the stable bump the network settles into
    peaks at 35.6 Hz for a 40 Hz target and is 5 % wider (circular std): the
    price of stability.

    Parameters
    ----------
    target_rates : array_like, shape (n_units,)
        Desired rates :math:`r(\theta_i)` on the uniform ring, centred anywhere
        (the profile is a function of :math:`\theta_i - \theta_j` only).
    transfer : TransferFunction
        :math:`f`, invertible on the range of the rates.
    regularization : float
        :math:`\varepsilon \ge 0`.

    Returns
    -------
    ndarray, shape (n_units,)
        The weight profile :math:`w(\theta_k)`, :math:`\theta_k = 2\pi k/N`.

    References
    ----------
    K. Zhang (1996), J. Neurosci. 16, 2112-2126 (the weight construction from
    the desired activity profile in the Fourier domain, with regularisation).
    """
    rates = check_finite_array("target_rates", target_rates, dtype=np.float64)
    if rates.ndim != 1 or rates.size < 3:
        raise ParameterError(f"target_rates must be a 1-D array of >= 3 rates, got shape {rates.shape}")
    regularization = check_positive("regularization", regularization, allow_zero=True)
    transfer = get_transfer(transfer)
    try:
        potentials = np.asarray(transfer.inverse(rates), dtype=np.float64)
    except NotImplementedError as error:
        raise ParameterError(f"zhang_profile needs an invertible transfer function: {error}") from None
    if not np.all(np.isfinite(potentials)):
        raise ParameterError(
            f"target_rates lie outside the range of {transfer!r} (f^-1 is not finite there)")
    n = rates.size
    c_u = np.fft.rfft(potentials) / n
    c_r = np.fft.rfft(rates) / n
    power = np.abs(c_r) ** 2
    lam = regularization * power.max()
    with np.errstate(invalid="ignore", divide="ignore"):
        c_w = np.where(power + lam > 0, c_u * np.conj(c_r) / (power + lam), 0.0)
    return np.fft.irfft(c_w * n, n=n)


def gamma_for_velocity(angular_velocity, tau: float):
    r"""The shift strength :math:`\gamma` that moves the bump at angular velocity :math:`\omega`.

    In the continuum model with weights :math:`w + \gamma w'`, a stationary
    bump :math:`u^*` gives the travelling wave :math:`u^*(\theta - \theta_0(t))`
    with :math:`d\theta_0/dt = -\gamma/\tau`, exactly and for any
    :math:`\gamma` (Zhang 1996): the extra input :math:`\gamma\, w' * f(u^*) =
    \gamma\, \partial_\theta u^*` is what the moving profile needs.  Hence

    .. math:: \gamma = -\tau\,\omega .

    Examples
    --------
    >>> gamma_for_velocity(0.01, tau=10.0)   # 0.01 rad/ms = 573 deg/s
    -0.1
    """
    tau = check_positive("tau", tau)
    return -tau * np.asarray(angular_velocity, dtype=np.float64) if np.ndim(angular_velocity) \
        else -tau * float(angular_velocity)


def velocity_for_gamma(gamma, tau: float):
    r"""The bump's angular velocity :math:`\omega = -\gamma/\tau` (inverse of :func:`gamma_for_velocity`).

    Examples
    --------
    >>> velocity_for_gamma(-0.1, tau=10.0)
    0.01
    """
    tau = check_positive("tau", tau)
    return -np.asarray(gamma, dtype=np.float64) / tau if np.ndim(gamma) else -float(gamma) / tau


def _spectral_derivative(profile):
    r"""Exact derivative of the trigonometric interpolant (Nyquist mode dropped for even N)."""
    n = profile.size
    k = np.arange(n // 2 + 1, dtype=np.float64)
    if n % 2 == 0:
        k[-1] = 0.0
    return np.fft.irfft(np.fft.rfft(profile) * 1j * k, n=n)


def _spectral_shift(profile, delta):
    r""":math:`w(\theta - \delta)` from the trigonometric interpolant of the samples."""
    n = profile.size
    k = np.arange(n // 2 + 1, dtype=np.float64)
    return np.fft.irfft(np.fft.rfft(profile) * np.exp(-1j * k * delta), n=n)


def _circulant(profile):
    """W_ij = w(theta_i - theta_j) / N."""
    n = profile.size
    index = (np.arange(n)[:, None] - np.arange(n)[None, :]) % n
    return profile[index] / n


class _Convolver:
    """The recurrent products (1/N) sum_j w_k(theta_i - theta_j) r_j for a few profiles at once.

    Methods: ``"dense"`` (the circulant matrix), ``"fft"`` (circular convolution),
    ``"modes"`` (the profiles' Fourier modes above MODE_CUTOFF: two thin
    products through the 2M+1 kept cosines and sines), or ``"auto"``: modes
    when 2M+1 <= N/4, else per call FFT from FFT_CROSSOVER units for one trial
    and from FFT_CROSSOVER_BATCH for batches of >= 16 trials, dense below.
    """

    def __init__(self, profiles, method):
        self.n = profiles[0].size
        self.profiles = profiles
        if method == "auto" and self.mode_count <= self.n // 4:
            method = "modes"
        self.method = method

    @functools.cached_property
    def spectra(self):
        return [np.fft.rfft(p) / self.n for p in self.profiles]

    @functools.cached_property
    def matrices_t(self):
        return [np.ascontiguousarray(_circulant(p).T) for p in self.profiles]

    @functools.cached_property
    def _kept(self):
        keep = np.zeros(self.n // 2 + 1, dtype=bool)
        for profile in self.profiles:  # each profile's own round-off level
            magnitude = np.abs(np.fft.rfft(profile))
            keep |= magnitude > MODE_CUTOFF * max(magnitude.max(), 1e-300)
        keep[0] = True
        return np.flatnonzero(keep)

    @property
    def mode_count(self):
        """2M+1: the number of real basis functions of the kept modes."""
        kept = self._kept
        single = (kept == 0) | ((self.n % 2 == 0) & (kept == self.n // 2))
        return int(np.sum(np.where(single, 1, 2)))

    @functools.cached_property
    def _mode_factors(self):
        r"""Analysis rows A (cos, sin of the kept modes) and one synthesis matrix per profile.

        With :math:`R_m = \sum_j r_j e^{-im\theta_j} = C_m - iS_m` and the
        profile's DFT :math:`P_m = a_m + ib_m`,
        :math:`(W r)_i = N^{-2} \sum_m g_m \mathrm{Re}(P_m R_m e^{im\theta_i})
        = N^{-2} \sum_m g_m [C_m (a_m\cos m\theta_i - b_m\sin m\theta_i)
        + S_m (b_m\cos m\theta_i + a_m\sin m\theta_i)]`, with g = 1 for
        m = 0 and the Nyquist mode, 2 otherwise.
        """
        n, kept = self.n, self._kept
        theta = 2.0 * np.pi * np.arange(n) / n
        rows, columns = [], [[] for _ in self.profiles]
        spectra = [np.fft.rfft(p) for p in self.profiles]
        for m in kept:
            cos, sin = np.cos(m * theta), np.sin(m * theta)
            single = m == 0 or (n % 2 == 0 and m == n // 2)
            g = (1.0 if single else 2.0) / n**2
            rows.append(cos)
            for k, spectrum in enumerate(spectra):
                a, b = spectrum[m].real, spectrum[m].imag
                columns[k].append(g * (a * cos - b * sin))
            if not single:
                rows.append(sin)
                for k, spectrum in enumerate(spectra):
                    a, b = spectrum[m].real, spectrum[m].imag
                    columns[k].append(g * (b * cos + a * sin))
        analysis_t = np.ascontiguousarray(np.array(rows).T)  # (N, 2M+1)
        synthesis_t = [np.ascontiguousarray(np.array(c)) for c in columns]  # (2M+1, N)
        return analysis_t, synthesis_t

    def use_fft(self, rates):
        if self.method != "auto":
            return self.method == "fft"
        batch = rates.size // self.n
        return self.n >= (FFT_CROSSOVER_BATCH if batch >= _BATCH else FFT_CROSSOVER)

    def apply(self, rates, which=0):
        if self.method == "modes":
            analysis_t, synthesis_t = self._mode_factors
            return (rates @ analysis_t) @ synthesis_t[which]
        if self.use_fft(rates):
            return np.fft.irfft(np.fft.rfft(rates, axis=-1) * self.spectra[which], n=self.n, axis=-1)
        return rates @ self.matrices_t[which]

    def apply_shifted(self, rates, gamma):
        """(W_0 + gamma W_1) r; gamma broadcasts against rates[..., :1]."""
        if self.method == "modes":
            analysis_t, synthesis_t = self._mode_factors
            projected = rates @ analysis_t
            return projected @ synthesis_t[0] + gamma * (projected @ synthesis_t[1])
        if self.use_fft(rates):
            spectrum = self.spectra[0] + gamma * self.spectra[1]
            return np.fft.irfft(np.fft.rfft(rates, axis=-1) * spectrum, n=self.n, axis=-1)
        return rates @ self.matrices_t[0] + gamma * (rates @ self.matrices_t[1])


class _TabulatedIntegral:
    r"""F(u) = int_0^u f by cubic Hermite interpolation of exact values on a fine grid.

    For transfer functions whose integral is a quadrature (Zhang's): evaluating
    it for every unit of every record costs ~25 us a value; the table ~0.1 us.  Error bound of cubic Hermite interpolation with exact F and
    F' = f at the nodes: h^4 max|f'''| / 384; for Zhang's f, max|f'''| = 492
    (b = 10) and h = 2^-10 * 10/b give 1.5e-12 per unit, far below the
    round-off tolerance of the energy check (1e-9 relative).
    """

    def __init__(self, transfer, step):
        self.transfer, self.step = transfer, step
        self.lo = self.hi = None

    def _build(self, lo, hi):
        h = self.step
        self.lo = float(np.floor(lo / h) * h - h)
        n = int(np.ceil((hi - self.lo) / h)) + 2
        nodes = self.lo + h * np.arange(n + 1)
        self.hi = float(nodes[-1])
        values = np.asarray(self.transfer.integral(nodes), dtype=np.float64)
        slopes = h * np.asarray(self.transfer(nodes), dtype=np.float64)
        # The Hermite cubic on each cell as c0 + c1 t + c2 t^2 + c3 t^3, t in [0, 1].
        jump = values[1:] - values[:-1]
        self.coefficients = np.stack([
            values[:-1], slopes[:-1], 3.0 * jump - 2.0 * slopes[:-1] - slopes[1:],
            -2.0 * jump + slopes[:-1] + slopes[1:]], axis=-1)

    def __call__(self, u):
        u = np.asarray(u, dtype=np.float64)
        if u.size == 0:
            return np.zeros_like(u)
        low, high = float(u.min()), float(u.max())
        if (high - low) / self.step > 4e6:  # a table would be too large: evaluate directly
            return self.transfer.integral(u)
        if self.lo is None or low < self.lo or high > self.hi - self.step:
            lo = low if self.lo is None else min(low, self.lo)
            hi = high if self.hi is None else max(high, self.hi)
            self._build(lo - 1.0, hi + 1.0)
        s = (u - self.lo) / self.step
        k = np.clip(s.astype(np.intp), 0, self.coefficients.shape[0] - 1)
        t = s - k
        c = self.coefficients[k]
        return ((c[..., 3] * t + c[..., 2]) * t + c[..., 1]) * t + c[..., 0]


def _by_blocks(function, x, rows=256):
    """function(x) for a row-wise function, in blocks of rows that stay in cache.

    For the energy of a whole record (10,001 x 256 states) this is 3-5x faster
    than one pass over arrays of 20 MB temporaries (measured).
    """
    if x.ndim < 2 or x.shape[0] * int(np.prod(x.shape[1:-1])) <= rows:
        return function(x)
    flat = x.reshape(-1, x.shape[-1])
    out = np.concatenate([function(flat[i:i + rows]) for i in range(0, flat.shape[0], rows)])
    return out.reshape(x.shape[:-1])


def _check_n_units(n_units):
    if isinstance(n_units, bool) or not isinstance(n_units, (int, np.integer)) or n_units < 4:
        raise ParameterError(f"n_units must be an integer >= 4, got {describe(n_units)}")
    return int(n_units)


def _relax(field, x, tau, *, tol=1e-10, max_steps=200_000):
    """Integrate dx/dt = field(x) by Euler steps of 0.2 tau until max|dx/dt| * tau < tol."""
    h = 0.2 * tau
    for _ in range(max_steps):
        slope = field(x)
        if np.max(np.abs(slope)) * tau < tol:
            return x, True
        x = x + h * slope
        if not np.all(np.isfinite(x)):
            break
    return x, False


# -- the Zhang ring --------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class RingAttractor(ContinuousSystem):
    r"""Zhang's (1996) head-direction ring: a bump of activity held by circulant weights, moved by their odd part.

    .. math::

        \tau \frac{du_i}{dt} = -u_i + \frac1N \sum_j \big[w(\theta_i - \theta_j)
            + \gamma(t)\, w'(\theta_i - \theta_j)\big]\, f(u_j) + I_i(t)

    with :math:`u_i` the input (potential) of unit :math:`i`, :math:`f` the
    transfer function (Zhang's :class:`~attractors.transfer.ZhangSigmoid` by
    default), :math:`w` the even weight profile and :math:`w'` its derivative
    (computed spectrally, so that :math:`W' r = \partial_\theta (W r)` holds on
    the grid).  The state is :math:`u`; rates are :math:`f(u)`.

    What ``inputs`` of :func:`attractors.simulate` means is set by ``drive``:

    * ``"current"``: an external current :math:`I_i(t)`, shape ``(n_units,)``
      (a landmark cue); :math:`\gamma = 0`.
    * ``"gamma"``: the shift strength :math:`\gamma(t)`, a scalar (per trial).
    * ``"velocity"``: the angular velocity :math:`\omega(t)` in rad/ms, a
      scalar, converted by :math:`\gamma = -\tau\omega` (:func:`gamma_for_velocity`),
      so the bump follows the heading :math:`\int\omega\,dt`.

    In the continuum the bump moves at exactly :math:`d\theta_0/dt = -\gamma/\tau`
    and keeps its shape, for any :math:`\gamma` and any time course
    :math:`\gamma(t)` (the travelling bump is an exact solution, so it follows
    a changing angular velocity without lag).  On N units the lattice adds a
    correction of the order of :math:`a_N = |c_N|/|c_1|`, the ratio of the
    N-th to the first Fourier coefficient of the bump's rates: 1e-4 at N = 16,
    1e-7 at 32, 1e-13 at 64 for the default ring (see ``tests/test_ring.py``).

    Energy: with :math:`\gamma = 0`, an even profile and a non-decreasing
    :math:`f` the ring is a symmetric rate network with the Lyapunov function
    (Cohen & Grossberg 1983; Hopfield 1984)

    .. math::

        E(u) = -\tfrac12 r^\top W r - I^\top r + \sum_i \big[u_i f(u_i) - F(u_i)\big],
        \qquad r = f(u),\ F(u) = \int_0^u f ,

    with :math:`dE/dt = -\tau \sum_i f'(u_i)\,\dot u_i^2 \le 0` for constant
    :math:`I`.  With a velocity drive (``inputs`` given and ``drive`` not
    ``"current"``) or an odd part in the profile, the weights are not symmetric
    and no Lyapunov function exists (a moving bump never settles):
    :meth:`energy` raises :class:`NotImplementedError` saying so, and the
    trajectory records ``energy: "not defined: ..."``.

    Parameters
    ----------
    n_units : int
        Number of units N (>= 4).
    profile : array_like, shape (n_units,), optional
        The weight profile :math:`w(\theta_k)` at :math:`\theta_k = 2\pi k/N`.
        Default: Zhang's construction (:func:`zhang_profile`) for the
        :func:`default_tuning_curve` and ``transfer``.  Use
        :meth:`from_tuning_curve` and :meth:`from_profile` to build others.
    transfer : TransferFunction or str
        :math:`f` (default ``"zhang"``: :math:`a = 6.34, b = 10, c = 0.5, \beta = 0.8`).
    tau : float
        Time constant in ms (default 10).
    drive : {"current", "gamma", "velocity"}
        The meaning of ``inputs`` (see above).
    product : {"auto", "fft", "dense", "modes"}
        How to compute :math:`W r`: by FFT circular convolution, by the dense
        matrix, or through the profile's Fourier modes above
        :data:`MODE_CUTOFF` (two thin products with the 2M+1 kept cosines and
        sines; M = 16 for Zhang's default ring at any N).  ``"auto"``: modes
        when 2M+1 <= N/4, otherwise the FFT from :data:`FFT_CROSSOVER` units on
        for one trial and from :data:`FFT_CROSSOVER_BATCH` for batches of 16 or
        more trials, the dense product below (the measured crossovers).  All
        agree to round-off (modes: to 1e-14 relative).
    target_rates : array_like, shape (n_units,), optional
        The tuning curve the profile was built for (recorded for reference).
    regularization : float, optional
        The Zhang regulariser used to build the profile (recorded for reference).

    References
    ----------
    K. Zhang, "Representation of spatial orientation by the intrinsic dynamics
    of the head-direction cell ensemble: a theory", J. Neurosci. 16, 2112-2126 (1996).
    M. A. Cohen & S. Grossberg (1983), IEEE Trans. SMC 13, 815-826.

    Examples
    --------
    >>> import attractors
    >>> ring = RingAttractor(n_units=64)
    >>> x0 = ring.stationary_state(position=1.0)
    >>> run = attractors.simulate(ring, x0, t_span=50.0, dt=0.5)
    >>> round(float(run.bump_position[-1]), 6)            # no input: no drift
    1.0
    >>> moving = RingAttractor(n_units=64, drive="velocity")
    >>> run = attractors.simulate(moving, x0, t_span=100.0, dt=0.5, inputs=0.005)
    >>> round(float(run.heading[-1] - run.heading[0]), 3)  # 0.005 rad/ms for 100 ms
    0.5
    >>> run.attrs["energy"].startswith("not defined: RingAttractor with drive='velocity'")
    True
    """

    n_units: int = 64
    profile: np.ndarray | None = None
    transfer: Any = "zhang"
    tau: float = 10.0
    drive: str = "current"
    product: str = "auto"
    target_rates: np.ndarray | None = None
    regularization: float | None = None

    time_unit: ClassVar[str] = "ms"

    def __post_init__(self):
        n = _check_n_units(self.n_units)
        object.__setattr__(self, "n_units", n)
        object.__setattr__(self, "transfer", get_transfer(self.transfer))
        object.__setattr__(self, "tau", check_positive("tau", self.tau))
        object.__setattr__(self, "drive", check_choice("drive", self.drive,
                                                       ["current", "gamma", "velocity"]))
        object.__setattr__(self, "product", check_choice("product", self.product,
                                                         ["auto", "fft", "dense", "modes"]))
        if self.profile is None:
            if self.target_rates is not None:
                raise ParameterError("target_rates was given without a profile; use "
                                     "RingAttractor.from_tuning_curve to build the weights")
            rates = default_tuning_curve(ring_angles(n))
            regularization = 1e-3 if self.regularization is None else self.regularization
            object.__setattr__(self, "profile", zhang_profile(rates, self.transfer,
                                                              regularization=regularization))
            object.__setattr__(self, "target_rates", rates)
            object.__setattr__(self, "regularization", float(regularization))
        profile = check_finite_array("profile", self.profile, dtype=np.float64)
        if profile.shape != (n,):
            raise ParameterError(
                f"profile must hold w(theta_k) for the {n} units, shape ({n},), got shape "
                f"{profile.shape}")
        object.__setattr__(self, "profile", profile)
        if self.target_rates is not None:
            target = check_finite_array("target_rates", self.target_rates, dtype=np.float64)
            if target.shape != (n,):
                raise ParameterError(f"target_rates must have shape ({n},), got {target.shape}")
            object.__setattr__(self, "target_rates", target)
        if self.regularization is not None:
            object.__setattr__(self, "regularization",
                               check_positive("regularization", self.regularization, allow_zero=True))

    @property
    def params(self) -> dict:
        """The fields, with the transfer function as its parameter dictionary.

        ``RingAttractor(**attractors.parameters(run))`` rebuilds the model of a
        trajectory.
        """
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["transfer"] = self.transfer.params
        return values

    # -- construction --------------------------------------------------------------

    @classmethod
    def from_tuning_curve(cls, tuning=None, *, n_units: int = 64, regularization: float = 1e-3,
                          transfer="zhang", **options) -> RingAttractor:
        r"""A ring whose stationary bump has the given tuning curve (:func:`zhang_profile`).

        Parameters
        ----------
        tuning : callable or array_like, optional
            Desired rates: a function of the angle (radians, vectorised), or the
            rates at the N preferred directions.  Default:
            :func:`default_tuning_curve`.
        n_units : int
            N (ignored when ``tuning`` is an array: its length).
        regularization : float
            Zhang's regulariser, relative (see :func:`zhang_profile`).
        transfer : TransferFunction or str
            :math:`f`.
        **options
            ``tau``, ``drive``, ``product``.
        """
        if tuning is None:
            tuning = default_tuning_curve
        if callable(tuning):
            n_units = _check_n_units(n_units)
            rates = np.asarray(tuning(ring_angles(n_units)), dtype=np.float64)
        else:
            rates = check_finite_array("tuning", tuning, dtype=np.float64)
            n_units = rates.size
        transfer = get_transfer(transfer)
        profile = zhang_profile(rates, transfer, regularization=regularization)
        return cls(n_units=n_units, profile=profile, transfer=transfer, target_rates=rates,
                   regularization=regularization, **options)

    @classmethod
    def from_profile(cls, kind: str = "von_mises", *, n_units: int = 64, transfer="zhang",
                     tau: float = 10.0, drive: str = "current", product: str = "auto",
                     **shape) -> RingAttractor:
        r"""A ring with a parametric weight profile.

        Parameters
        ----------
        kind : {"cosine", "von_mises", "difference_of_gaussians"} or callable
            :func:`cosine_profile`, :func:`von_mises_profile`,
            :func:`difference_of_gaussians_profile`, or any vectorised
            :math:`w(\Delta)`.
        **shape
            The profile's parameters (e.g. ``concentration=4.0``).

        Examples
        --------
        >>> ring = RingAttractor.from_profile("cosine", n_units=32, transfer="threshold_linear",
        ...                                   mean=-2.0, modulation=6.0)
        >>> ring.weights.shape
        (32, 32)
        """
        n_units = _check_n_units(n_units)
        if callable(kind):
            function = kind
        else:
            function = _PARAMETRIC[check_choice("kind", kind, list(_PARAMETRIC))]
        try:
            profile = function(ring_angles(n_units), **shape)
        except TypeError as error:
            raise ParameterError(f"bad parameters for the {kind!r} profile: {error}") from None
        return cls(n_units=n_units, profile=np.asarray(profile, dtype=np.float64),
                   transfer=transfer, tau=tau, drive=drive, product=product)

    # -- labels and inputs -----------------------------------------------------------

    @property
    def theta(self) -> np.ndarray:
        """Preferred directions :math:`\\theta_i = 2\\pi i/N` (radians)."""
        return ring_angles(self.n_units)

    @property
    def coords(self):
        return {"theta": ("unit", self.theta)}

    @property
    def input_shape(self):
        return (self.n_units,) if self.drive == "current" else ()

    @property
    def input_dims(self):
        return ("unit",) if self.drive == "current" else ()

    # -- weights ------------------------------------------------------------------------

    @property
    def weights(self) -> np.ndarray:
        r"""The dense weight matrix :math:`W_{ij} = w(\theta_i - \theta_j)/N`, shape (N, N)."""
        return _circulant(self.profile)

    @functools.cached_property
    def profile_derivative(self) -> np.ndarray:
        r""":math:`w'(\theta_k)`, the spectral derivative of the profile."""
        return _spectral_derivative(self.profile)

    @property
    def shift_weights(self) -> np.ndarray:
        r"""The dense odd part :math:`W'_{ij} = w'(\theta_i - \theta_j)/N`; the weights are :math:`W + \gamma W'`."""
        return _circulant(self.profile_derivative)

    @functools.cached_property
    def _convolver(self):
        return _Convolver([self.profile, self.profile_derivative], self.product)

    @functools.cached_property
    def _integral(self):
        if isinstance(self.transfer, ZhangSigmoid):
            return _TabulatedIntegral(self.transfer, 2.0**-10 * min(1.0, 10.0 / self.transfer.b))
        return self.transfer.integral

    def recurrent_input(self, rates, gamma=None):
        r""":math:`(W + \gamma W') r`, shape of ``rates`` (FFT or dense product, per ``product``)."""
        rates = np.asarray(rates, dtype=np.float64)
        if gamma is None:
            return self._convolver.apply(rates)
        gamma = np.asarray(gamma, dtype=np.float64)[..., None]
        return self._convolver.apply_shifted(rates, gamma)

    # -- dynamics -------------------------------------------------------------------------

    def rates(self, x):
        """Firing rates :math:`f(u)`."""
        return self.transfer(np.asarray(x, dtype=np.float64))

    def _gamma(self, inputs):
        if inputs is None or self.drive == "current":
            return None
        inputs = np.asarray(inputs, dtype=np.float64)
        return inputs if self.drive == "gamma" else -self.tau * inputs

    def vector_field(self, t, x, inputs=None):
        rates = self.transfer(x)
        recurrent = self.recurrent_input(rates, self._gamma(inputs))
        if inputs is not None and self.drive == "current":
            recurrent = recurrent + inputs
        # In place: recurrent is a fresh array (the product's result).
        recurrent -= x
        recurrent /= self.tau
        return recurrent

    def jacobian(self, t, x, inputs=None):
        x = np.asarray(x, dtype=np.float64)
        weights = self.weights
        gamma = self._gamma(inputs)
        if gamma is not None:
            weights = weights + np.asarray(gamma)[..., None, None] * self.shift_weights
        jac = weights * self.transfer.derivative(x)[..., None, :]
        jac = jac - np.eye(self.n_units)
        return jac / self.tau

    def leak_rate(self):
        return 1.0 / self.tau

    def energy(self, x, inputs=None):
        if self.drive != "current" and inputs is not None:
            raise NotImplementedError(
                f"RingAttractor with drive={self.drive!r} has weights w + gamma(t) w', which are "
                "not symmetric when gamma != 0, so there is no Lyapunov function (the bump moves "
                "for ever); run without inputs, or with drive='current', to record the energy")
        if not np.allclose(self.profile, np.roll(self.profile[::-1], 1), rtol=0,
                           atol=1e-12 * max(1.0, np.abs(self.profile).max())):
            raise NotImplementedError(
                "RingAttractor has no energy for a weight profile that is not even "
                "(w(-theta) != w(theta)): the weights are not symmetric")
        if not self.transfer.monotone:
            raise NotImplementedError(
                f"RingAttractor has no energy for the non-monotone transfer {self.transfer!r}")
        x = np.asarray(x, dtype=np.float64)
        energy = _by_blocks(self._energy_without_input, x)
        if inputs is not None:
            energy = energy - np.sum(np.asarray(inputs) * self.transfer(x), axis=-1)
        return energy

    def _energy_without_input(self, x):
        rates = self.transfer(x)
        recurrent = self.recurrent_input(rates)
        return (-0.5 * np.sum(rates * recurrent, axis=-1)
                + np.sum(x * rates - self._integral(x), axis=-1))

    def observables(self, x):
        r"""Bump position, amplitude, width (circular std) and unwrapped heading, all from the rates.

        ``heading`` is the position unwrapped along the first axis, which is
        time in the records that :func:`attractors.simulate` passes (a single
        state has heading = position).
        """
        rates = self.rates(x)
        position = bump_position(rates, self.theta)
        heading = unwrap_heading(position) if position.ndim >= 1 and np.ndim(x) >= 2 else position
        return {
            "bump_position": ((), position),
            "bump_amplitude": ((), bump_amplitude(rates)),
            "bump_width": ((), bump_width(rates, self.theta)),
            "heading": ((), heading),
        }

    def initial_state(self, rng, n_trials=None):
        r"""Random potentials whose rates are uniform between 0 and the top of the target tuning (or 1)."""
        top = float(np.max(self.target_rates)) if self.target_rates is not None else 1.0
        rates = rng.uniform(0.02 * top, top, size=self._batch_shape(n_trials))
        try:
            return np.asarray(self.transfer.inverse(rates), dtype=np.float64)
        except (NotImplementedError, ParameterError):
            return rng.uniform(-1.0, 1.0, size=self._batch_shape(n_trials))

    # -- the bump ---------------------------------------------------------------------------

    @functools.cached_property
    def _bump_at_zero(self):
        if self.target_rates is not None:
            centre = int(np.argmax(self.target_rates))
            guesses = [np.roll(self.transfer.inverse(self.target_rates), -centre)]
        else:
            # Cue-shaped rates of a few heights; the dynamics choose the bump's height.
            cue = np.exp(4.0 * (np.cos(self.theta) - 1.0))
            guesses = [self.recurrent_input(height * cue) for height in (1.0, 10.0, 100.0)]
        for guess in guesses:
            state, converged = _relax(lambda u: self.vector_field(0.0, u), guess, self.tau)
            # Remove any drift round-off may have started: symmetrise about theta = 0.
            state = 0.5 * (state + np.roll(state[::-1], 1))
            rates = self.transfer(state)
            bump = bump_amplitude(rates) > 1e-6 * max(1.0, float(np.abs(rates).max()))
            # A single bump, not a multi-peaked state (circular std < 2 rad).
            if converged and bump and bump_width(rates, self.theta) < 2.0:
                return state
        raise ParameterError(
            f"{self!r} settles to no stationary bump from a bump-shaped start "
            f"({'did not converge' if not converged else 'it died out or split into several'}); "
            f"choose other weights or another transfer function")

    def stationary_state(self, position: float = 0.0, n_trials: int | None = None):
        r"""The stationary bump of the static ring, centred at ``position`` (radians).

        Found once by relaxing the dynamics (:math:`\gamma = 0`, no input) from
        the target tuning curve (or from a bump-shaped start) to
        :math:`\max_i |\dot u_i| < 10^{-10}/\tau`, then moved to ``position``
        by exact translation of its trigonometric interpolant.

        Returns
        -------
        ndarray, shape (n_units,) or (n_trials, n_units)
        """
        position = float(position)
        if not np.isfinite(position):
            raise ParameterError(f"position must be finite, got {position!r}")
        state = _spectral_shift(self._bump_at_zero, position)
        if n_trials is not None:
            state = np.broadcast_to(state, (int(n_trials), self.n_units)).copy()
        return state

    def angular_velocity(self, gamma):
        r"""The bump's angular velocity in rad/ms for shift strength ``gamma``: :math:`-\gamma/\tau`."""
        return velocity_for_gamma(gamma, self.tau)

    def gamma(self, angular_velocity):
        r"""The shift strength for an angular velocity in rad/ms: :math:`\gamma = -\tau\omega`."""
        return gamma_for_velocity(angular_velocity, self.tau)

    def track(self, angular_velocity, *, dt: float, initial_heading: float = 0.0, solver=None,
              record_every: int = 1, seed: int | None = 0):
        r"""Integrate an angular-velocity time series with the moving bump (head-direction tracking).

        The ring (with ``drive="velocity"``) starts from its stationary bump at
        ``initial_heading`` and is driven by :math:`\omega(t)`, linearly
        interpolated between samples; the true heading is
        :math:`\theta(t) = \theta(0) + \int_0^t \omega`, exact for the
        interpolated signal (cumulative trapezoid rule).  Since the moving bump
        solves the continuum equation exactly for any :math:`\omega(t)`, the
        error comes only from the lattice and the solver (on 64 units with RK4
        at dt = 0.5 ms: RMS error ~1e-9 rad).

        Parameters
        ----------
        angular_velocity : array_like, shape (n_samples,)
            :math:`\omega` in rad/ms at times ``0, dt, 2 dt, ...``.
        dt : float
            Sample spacing and integration step (ms).
        initial_heading : float
            Radians.
        solver, record_every, seed
            As in :func:`attractors.simulate` (default solver RK4).

        Returns
        -------
        xarray.Dataset
            The trajectory plus ``true_heading`` and ``heading_error`` (decoded
            minus true, unwrapped) over time, and attributes ``drift``
            (rad/ms, least-squares slope of the error) and ``rms_error`` (rad)
            from :func:`attractors.analysis.tracking_error`.
        """
        from .._simulate import simulate
        from ..inputs import Sampled

        dt = check_positive("dt", dt)
        omega = check_finite_array("angular_velocity", angular_velocity, dtype=np.float64)
        if omega.ndim != 1 or omega.size < 2:
            raise ParameterError(
                f"angular_velocity must be a 1-D series of >= 2 samples, got shape {omega.shape}")
        times = dt * np.arange(omega.size)
        model = dataclasses.replace(self, drive="velocity")
        run = simulate(model, self.stationary_state(initial_heading), n_steps=omega.size - 1,
                       dt=dt, solver=solver, inputs=Sampled(times, omega),
                       record_every=record_every, seed=seed)
        true_all = initial_heading + np.concatenate(
            ([0.0], np.cumsum(0.5 * dt * (omega[1:] + omega[:-1]))))
        index = np.rint(run["time"].values / dt).astype(int)
        true = true_all[index]
        result = tracking_error(run["heading"].values, true, run["time"].values)
        run["true_heading"] = ("time", true, {"long_name": "true heading", "units": "rad"})
        run["heading_error"] = ("time", result.error,
                                {"long_name": "decoded minus true heading", "units": "rad"})
        run.attrs["drift"] = float(result.drift)
        run.attrs["rms_error"] = float(result.rms)
        return run


# -- the two-population ring ------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class TwoPopulationRing(ContinuousSystem):
    r"""A ring moved by two populations of turning cells with offset projections (double ring).

    Two copies of the ring, left-turning (L, units ``0..N-1``) and
    right-turning (R, units ``N..2N-1``), share one bump; each population
    projects to both with its profile shifted by :math:`\mp\delta`, and the
    angular-velocity drive :math:`v(t)` excites one population and inhibits
    the other (Xie, Hahnloser & Seung 2002; the fly's P-EN neurons, Turner-Evans
    et al. 2017, Green et al. 2017):

    .. math::

        \tau \frac{du^{\sigma}_i}{dt} = -u^{\sigma}_i + \frac{1}{2N} \sum_j
            \big[w(\theta_i - \theta_j + \delta) f(u^L_j) + w(\theta_i - \theta_j - \delta) f(u^R_j)\big]
            + s_\sigma v(t),
        \qquad s_L = -1,\ s_R = +1 .

    To first order in :math:`\delta` the recurrent input is
    :math:`w * \bar r - \delta\, w' * (r^R - r^L)/2`, with
    :math:`\bar r = (r^L + r^R)/2`: Zhang's :math:`w + \gamma w'` with a
    :math:`\gamma` set by the imbalance the drive creates between the
    populations, so :math:`v > 0` turns the bump counter-clockwise
    (increasing :math:`\theta`).  The velocity gain is not a closed form (it
    depends on the slope of :math:`f` across the bump); :meth:`measure_velocity`
    measures it.  ``inputs`` is :math:`v`, a scalar per trial.

    Energy: only with no offset (:math:`\delta = 0`, symmetric weights) and a
    constant drive; otherwise :meth:`energy` raises :class:`NotImplementedError`.

    Parameters
    ----------
    ring : RingAttractor
        Gives N, the profile :math:`w`, the transfer function, ``tau`` and the
        product method.
    offset : float
        :math:`\delta` in radians (default two unit spacings).

    References
    ----------
    X. Xie, R. H. R. Hahnloser & H. S. Seung, "Double-ring network model of the
    head-direction system", Phys. Rev. E 66, 041902 (2002).
    D. Turner-Evans et al., eLife 6, e23496 (2017); J. Green et al., Nature
    546, 101-106 (2017).

    Examples
    --------
    >>> import attractors
    >>> double = TwoPopulationRing(RingAttractor(n_units=64))
    >>> x0 = double.stationary_state(position=0.0)
    >>> run = attractors.simulate(double, x0, t_span=100.0, dt=0.5, inputs=0.5)
    >>> bool(run.heading[-1] > 0.05)   # right-turning cells driven: counter-clockwise
    True
    """

    ring: RingAttractor = dataclasses.field(default_factory=RingAttractor)
    offset: float | None = None

    time_unit: ClassVar[str] = "ms"

    def __post_init__(self):
        if isinstance(self.ring, dict):  # as written into a trajectory's parameters
            object.__setattr__(self, "ring", RingAttractor(**self.ring))
        if not isinstance(self.ring, RingAttractor):
            raise ParameterError(f"ring must be a RingAttractor, got {describe(self.ring)}")
        if self.offset is None:
            object.__setattr__(self, "offset", 2 * 2.0 * np.pi / self.ring.n_units)
        offset = self.offset
        if isinstance(offset, bool) or not isinstance(offset, (int, float, np.integer, np.floating)) \
                or not np.isfinite(offset) or abs(offset) >= np.pi:
            raise ParameterError(f"offset must be a finite angle in (-pi, pi), got {describe(offset)}")
        object.__setattr__(self, "offset", float(offset))

    @property
    def n_units(self) -> int:
        return 2 * self.ring.n_units

    @property
    def params(self) -> dict:
        """``ring`` (its parameters) and ``offset``: ``TwoPopulationRing(**params)`` rebuilds it."""
        return {"ring": self.ring.params, "offset": self.offset}

    @property
    def tau(self) -> float:
        return self.ring.tau

    @property
    def theta(self):
        return np.tile(self.ring.theta, 2)

    @property
    def coords(self):
        n = self.ring.n_units
        return {"theta": ("unit", self.theta),
                "population": ("unit", np.array(["left"] * n + ["right"] * n))}

    @property
    def input_shape(self):
        return ()

    @property
    def input_dims(self):
        return ()

    @functools.cached_property
    def _profiles(self):
        # Source population L projects with w(. + delta), R with w(. - delta).
        return (_spectral_shift(self.ring.profile, -self.offset),
                _spectral_shift(self.ring.profile, self.offset))

    @functools.cached_property
    def _convolver(self):
        return _Convolver(list(self._profiles), self.ring.product)

    @property
    def weights(self) -> np.ndarray:
        """The dense (2N, 2N) weight matrix, blocks ``[[W_LL, W_LR], [W_RL, W_RR]]``."""
        from_left, from_right = (_circulant(p) / 2 for p in self._profiles)
        return np.block([[from_left, from_right], [from_left, from_right]])

    def rates(self, x):
        return self.ring.transfer(np.asarray(x, dtype=np.float64))

    def vector_field(self, t, x, inputs=None):
        n = self.ring.n_units
        rates = self.ring.transfer(x)
        conv = self._convolver
        if conv.use_fft(rates[..., :n]):
            spectrum = (np.fft.rfft(rates[..., :n], axis=-1) * conv.spectra[0]
                        + np.fft.rfft(rates[..., n:], axis=-1) * conv.spectra[1])
            recurrent = 0.5 * np.fft.irfft(spectrum, n=n, axis=-1)
        else:  # dense or modes
            recurrent = 0.5 * (conv.apply(rates[..., :n], 0) + conv.apply(rates[..., n:], 1))
        total = np.concatenate([recurrent, recurrent], axis=-1)
        if inputs is not None:
            v = np.asarray(inputs, dtype=np.float64)[..., None]
            sign = np.concatenate([-np.ones(n), np.ones(n)])
            total = total + v * sign
        return (total - x) / self.ring.tau

    def leak_rate(self):
        return 1.0 / self.ring.tau

    def energy(self, x, inputs=None):
        if self.offset != 0.0:
            raise NotImplementedError(
                f"TwoPopulationRing with offset {self.offset:g} rad has asymmetric weights (each "
                "population projects with a shifted profile), so there is no Lyapunov function")
        if not self.ring.transfer.monotone:
            raise NotImplementedError(
                f"TwoPopulationRing has no energy for the non-monotone {self.ring.transfer!r}")
        x = np.asarray(x, dtype=np.float64)
        rates = self.ring.transfer(x)
        n = self.ring.n_units
        mean_rates = 0.5 * (rates[..., :n] + rates[..., n:])
        recurrent = self.ring.recurrent_input(mean_rates)
        # -1/2 r^T W r with W = [[W/2, W/2], [W/2, W/2]] is -(rbar^T W rbar).
        energy = -np.sum(mean_rates * recurrent, axis=-1) + np.sum(
            x * rates - self.ring._integral(x), axis=-1)
        if inputs is not None:
            v = np.asarray(inputs, dtype=np.float64)
            energy = energy - v * np.sum(rates[..., n:] - rates[..., :n], axis=-1)
        return energy

    def observables(self, x):
        """Bump position, amplitude, width and heading of the mean rates of the two populations."""
        rates = self.rates(x)
        n = self.ring.n_units
        mean = 0.5 * (rates[..., :n] + rates[..., n:])
        theta = self.ring.theta
        position = bump_position(mean, theta)
        heading = unwrap_heading(position) if np.ndim(x) >= 2 else position
        return {
            "bump_position": ((), position),
            "bump_amplitude": ((), bump_amplitude(mean)),
            "bump_width": ((), bump_width(mean, theta)),
            "heading": ((), heading),
        }

    def initial_state(self, rng, n_trials=None):
        n = self.ring.n_units
        half = self.ring.initial_state(rng, None if n_trials is None else 2 * n_trials)
        if n_trials is None:
            return np.concatenate([half, self.ring.initial_state(rng)])
        return half.reshape(n_trials, 2 * n)

    @functools.cached_property
    def _bump_at_zero(self):
        guess = np.tile(self.ring.stationary_state(0.0), 2)
        state, converged = _relax(lambda u: self.vector_field(0.0, u), guess, self.ring.tau)
        n = self.ring.n_units
        mirror = np.roll(state[..., :n][::-1], 1)
        state = np.concatenate([0.5 * (state[:n] + np.roll(state[n:][::-1], 1)),
                                0.5 * (state[n:] + mirror)])
        if not converged:
            raise ParameterError(f"{self!r} settles to no stationary bump from the ring's bump")
        return state

    def stationary_state(self, position: float = 0.0, n_trials: int | None = None):
        """The stationary bump (no drive) of both populations, centred at ``position``."""
        n = self.ring.n_units
        base = self._bump_at_zero
        state = np.concatenate([_spectral_shift(base[:n], float(position)),
                                _spectral_shift(base[n:], float(position))])
        if n_trials is not None:
            state = np.broadcast_to(state, (int(n_trials), 2 * n)).copy()
        return state

    def measure_velocity(self, drive, *, duration: float = 200.0, dt: float = 0.5,
                         transient: float = 50.0):
        r"""The bump's angular velocity (rad/ms) under constant drive(s) ``v``, measured.

        One batched run from the stationary bump; the velocity is the
        least-squares slope of the unwrapped heading after ``transient`` ms.

        Returns
        -------
        ndarray, shape of ``drive``
        """
        from .._simulate import simulate

        drive = check_finite_array("drive", drive, dtype=np.float64)
        flat = drive.reshape(-1)
        x0 = self.stationary_state(0.0, n_trials=flat.size)
        run = simulate(self, x0, t_span=duration, dt=dt, inputs=flat[:, None].squeeze(-1),
                       seed=0)
        keep = run["time"].values >= transient
        times = run["time"].values[keep]
        heading = run["heading"].values[keep]  # (time, trial)
        slope = np.polyfit(times, heading, 1)[0]
        return slope.reshape(drive.shape)
