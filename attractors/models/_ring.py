r"""Zhang's (1996) ring attractor for head direction: the model, its weights, dynamics and energy.

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
``benchmarks/bench_ring.py``), or, for smooth profiles, goes through their
Fourier modes.  With Zhang's transfer function the activation, the modes
product and the leak run as one compiled (numba) pass per trial for one trial
and small batches, and the decoded observables as one compiled pass over the
record (:mod:`attractors.models._ring_kernels`); both agree with the numpy
computation to round-off.

The stationary bump and tracking are in :mod:`attractors.models._ring_bump`,
the weight profiles and products in :mod:`attractors.models._ring_weights`,
the velocity conversions in :mod:`attractors.models._ring_common`, and the
two-population ring (built on this one) in :mod:`attractors.models._ring_double`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .._bump import bump_amplitude, bump_width, ring_angles
from .._validate import ParameterError, check_choice, check_finite_array, check_positive
from ..transfer import ZhangSigmoid, get_transfer
from ._ring_bump import stationary_bump, track_heading
from ._ring_common import (
    check_allocation,
    check_n_units,
    frozen,
    gamma_for_velocity,
    relax,
    velocity_for_gamma,
)
from ._ring_dynamics import _RingDynamics
from ._ring_weights import (
    _PARAMETRIC,
    FFT_CROSSOVER,
    FFT_CROSSOVER_BATCH,
    MODE_CUTOFF,
    _Convolver,
    _spectral_derivative,
    _spectral_shift,
    _TabulatedIntegral,
    cosine_profile,
    default_tuning_curve,
    difference_of_gaussians_profile,
    von_mises_profile,
    zhang_profile,
)

__all__ = [
    "FFT_CROSSOVER",
    "FFT_CROSSOVER_BATCH",
    "MODE_CUTOFF",
    "RingAttractor",
    "cosine_profile",
    "default_tuning_curve",
    "difference_of_gaussians_profile",
    "gamma_for_velocity",
    "velocity_for_gamma",
    "von_mises_profile",
    "zhang_profile",
]


# -- the Zhang ring --------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class RingAttractor(_RingDynamics):
    r"""Zhang's (1996) head-direction ring: a bump held by circulant weights, moved by their odd part.

    .. math::

        \tau \frac{du_i}{dt} = -u_i + \frac1N \sum_j \big[w(\theta_i - \theta_j)
            + \gamma(t)\, w'(\theta_i - \theta_j)\big]\, f(u_j) + I_i(t)

    with :math:`u_i` the input (potential) of unit :math:`i`, :math:`f` the
    transfer function (Zhang's :class:`~attractors.transfer.ZhangSigmoid` by
    default), :math:`w` the even weight profile and :math:`w'` its derivative
    (computed spectrally, so that :math:`W' r = \partial_\theta (W r)` holds on
    the grid).  The state is :math:`u`; rates are :math:`f(u)`.

    What ``inputs`` of :func:`attractors.simulate` means is set by ``drive``:

    * ``"current"`` (default): an external current :math:`I_i(t)`, shape
      ``(n_units,)`` (a landmark cue); :math:`\gamma = 0`.  A scalar is
      refused (it would add the same current to every unit and never move the
      bump; to turn it use ``"velocity"``); write a uniform current per unit,
      :meth:`uniform_current`.
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
        n = check_n_units(self.n_units)
        object.__setattr__(self, "n_units", n)
        # The profile, its derivative, spectra and (below the FFT crossover) two dense
        # N x N products: sized before anything is allocated.
        check_allocation("n_units", n, 8.0 * n * (12 + (2 * n if n < FFT_CROSSOVER else 0)),
                         "the ring's weights")
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
        object.__setattr__(self, "profile", frozen(profile))
        if self.target_rates is not None:
            target = check_finite_array("target_rates", self.target_rates, dtype=np.float64)
            if target.shape != (n,):
                raise ParameterError(f"target_rates must have shape ({n},), got {target.shape}")
            object.__setattr__(self, "target_rates", frozen(target))
        if self.regularization is not None:
            object.__setattr__(self, "regularization",
                               check_positive("regularization", self.regularization, allow_zero=True))
        # Everything derived is computed here, once: the model never changes afterwards.
        derivative = frozen(_spectral_derivative(self.profile))
        object.__setattr__(self, "_profile_derivative", derivative)
        object.__setattr__(self, "_convolver", _Convolver([self.profile, derivative], self.product))
        object.__setattr__(self, "_integral", (
            _TabulatedIntegral(self.transfer, 2.0**-10 * min(1.0, 10.0 / self.transfer.b))
            if isinstance(self.transfer, ZhangSigmoid) else self.transfer.integral))
        object.__setattr__(self, "_fast", self._compiled())

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
            n_units = check_n_units(n_units)
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
        n_units = check_n_units(n_units)
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

    def initial_state(self, rng, n_trials=None):
        r"""Random potentials whose rates are uniform between 0 and the top of the target tuning (or 1)."""
        top = float(np.max(self.target_rates)) if self.target_rates is not None else 1.0
        rates = rng.uniform(0.02 * top, top, size=self._batch_shape(n_trials))
        try:
            return np.asarray(self.transfer.inverse(rates), dtype=np.float64)
        except (NotImplementedError, ParameterError):
            return rng.uniform(-1.0, 1.0, size=self._batch_shape(n_trials))

    # -- the bump ---------------------------------------------------------------------------

    def stationary_state(self, position: float = 0.0, n_trials: int | None = None):
        r"""The stationary bump of the static ring, centred at ``position`` (radians).

        Found once per set of parameters by relaxing the dynamics
        (:math:`\gamma = 0`, no input) from the target tuning curve (or from a
        bump-shaped start) to :math:`\max_i |\dot u_i| < 10^{-10}/\tau`, then
        moved to ``position`` by exact translation of its trigonometric
        interpolant.

        Returns
        -------
        ndarray, shape (n_units,) or (n_trials, n_units)
        """
        position = float(position)
        if not np.isfinite(position):
            raise ParameterError(f"position must be finite, got {position!r}")
        state = _spectral_shift(stationary_bump(self, _find_bump), position)
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
            from :func:`attractors.analysis.tracking_error`; ``settled`` (1: the
            starting bump was checked to change by less than ``settle_tolerance``
            of its size per tau, measured ``settle_rate``) and ``settle_time``
            (0: no settling run was needed; a bump that is not settled is refused).
        """
        return track_heading(self, angular_velocity, dt=dt, initial_heading=initial_heading,
                             solver=solver, record_every=record_every, seed=seed)


def _find_bump(ring):
    """Relax the static ring to its stationary bump at position 0 (see stationary_state)."""
    if ring.target_rates is not None:
        centre = int(np.argmax(ring.target_rates))
        guesses = [np.roll(ring.transfer.inverse(ring.target_rates), -centre)]
    else:
        # Cue-shaped rates of a few heights; the dynamics choose the bump's height.
        cue = np.exp(4.0 * (np.cos(ring.theta) - 1.0))
        guesses = [ring.recurrent_input(height * cue) for height in (1.0, 10.0, 100.0)]
    for guess in guesses:
        state, converged = relax(lambda u: ring.vector_field(0.0, u), guess, ring.tau)
        # Remove any drift round-off may have started: symmetrise about theta = 0.
        state = 0.5 * (state + np.roll(state[::-1], 1))
        rates = ring.transfer(state)
        bump = bump_amplitude(rates) > 1e-6 * max(1.0, float(np.abs(rates).max()))
        # A single bump, not a multi-peaked state (circular std < 2 rad).
        if converged and bump and bump_width(rates, ring.theta) < 2.0:
            return state
    raise ParameterError(
        f"{ring!r} settles to no stationary bump from a bump-shaped start "
        f"({'did not converge' if not converged else 'it died out or split into several'}); "
        f"choose other weights or another transfer function")
