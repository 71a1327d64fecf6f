r"""The two-population (double-ring) head-direction ring: turning cells with offset projections.

See :class:`TwoPopulationRing`; it shares its weights, transfer function and
products with :class:`~attractors.models._ring.RingAttractor`, which it imports
(this module is above ``_ring``; nothing imports it back).
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .._bump import bump_amplitude, bump_position, bump_width, unwrap_heading
from .._system import ContinuousSystem
from .._validate import ParameterError, check_finite_array, describe
from ._ring import RingAttractor
from ._ring_bump import stationary_bump
from ._ring_common import fields_state, frozen, relax, restore_fields
from ._ring_weights import _circulant, _Convolver, _spectral_shift

__all__ = ["TwoPopulationRing"]


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

    Usable drive: :math:`|v| \lesssim 0.12` for the default 64-unit ring (the
    drive excites one population and inhibits the other, and a strong
    imbalance unbinds the bump).  Measured from the stationary bump (amplitude
    29 Hz) over 400 ms: at :math:`v` = 0.05, 0.1, 0.12 the bump keeps 98, 89, 82 %
    of its amplitude and turns at a steady 0.0105-0.0114 rad/ms per unit of
    :math:`v`; at 0.15 it is still shrinking (64 % after 400 ms) and
    accelerating; at 0.2 it falls to 8 % and at 0.25-0.5 it dies within
    100-300 ms (amplitude below 0.1 Hz: the decoded heading then reads a flat
    profile).  :meth:`measure_velocity` warns when a drive is out of range.

    Examples
    --------
    >>> import attractors
    >>> double = TwoPopulationRing(RingAttractor(n_units=64))
    >>> x0 = double.stationary_state(position=0.0)
    >>> run = attractors.simulate(double, x0, t_span=200.0, dt=0.5, inputs=0.1)
    >>> round(float(run.heading[-1]), 2)   # right-turning cells driven: counter-clockwise
    0.22
    >>> bool(run.bump_amplitude[-1] > 0.85 * run.bump_amplitude[0])   # the bump survives
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
        # Source population L projects with w(. + delta), R with w(. - delta); computed
        # once here (the model never changes after construction).
        profiles = (frozen(_spectral_shift(self.ring.profile, -self.offset)),
                    frozen(_spectral_shift(self.ring.profile, self.offset)))
        object.__setattr__(self, "_profiles", profiles)
        object.__setattr__(self, "_convolver", _Convolver(list(profiles), self.ring.product))

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

    def __getstate__(self):
        # The fields only: derived arrays are rebuilt, read-only, on unpickling.
        return fields_state(self)

    def __setstate__(self, state):
        restore_fields(self, state)

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

    @property
    def observable_attrs(self):
        """CF attributes (``units``, ``long_name``) of the observables."""
        return self.ring.observable_attrs

    def initial_state(self, rng, n_trials=None):
        n = self.ring.n_units
        half = self.ring.initial_state(rng, None if n_trials is None else 2 * n_trials)
        if n_trials is None:
            return np.concatenate([half, self.ring.initial_state(rng)])
        return half.reshape(n_trials, 2 * n)

    def stationary_state(self, position: float = 0.0, n_trials: int | None = None):
        """The stationary bump (no drive) of both populations, centred at ``position``."""
        n = self.ring.n_units
        base = stationary_bump(self, _find_bump)
        state = np.concatenate([_spectral_shift(base[:n], float(position)),
                                _spectral_shift(base[n:], float(position))])
        if n_trials is not None:
            state = np.broadcast_to(state, (int(n_trials), 2 * n)).copy()
        return state

    def measure_velocity(self, drive, *, duration: float = 350.0, dt: float = 0.5,
                         transient: float = 150.0):
        r"""The bump's angular velocity (rad/ms) under constant drive(s) ``v``, measured.

        One batched run from the stationary bump; the velocity is the
        least-squares slope of the unwrapped heading after ``transient`` ms
        (default 150 ms: on the default ring the speed settles to 1 % by then;
        after 50 ms it is still 5 % off).  The fit assumes the bump has settled into steady motion: the slopes
        over the two halves of the fitted window must agree to 2 % (of the
        larger, or 1e-6 rad/ms for a bump at rest) and the bump must keep half
        its height; otherwise a :class:`RuntimeWarning` names the drives whose
        bump is still changing or dying (see the usable range in the class
        docstring) and lengthen ``duration`` or ``transient``.

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
        heading = run["heading"].values[keep].reshape(len(times), -1)  # (time, trial)
        slope = np.polyfit(times, heading, 1)[0]
        half = len(times) // 2
        if half >= 2:
            first = np.polyfit(times[:half], heading[:half], 1)[0]
            second = np.polyfit(times[half:], heading[half:], 1)[0]
            scale = np.maximum(np.maximum(np.abs(first), np.abs(second)), 1e-6)
            moving = np.abs(second - first) > 0.02 * scale
            amplitude = run["bump_amplitude"].values.reshape(len(run["time"]), -1)
            dying = amplitude[-1] < 0.5 * amplitude[0]
            if np.any(moving | dying):
                bad = flat[moving | dying]
                warnings.warn(
                    f"TwoPopulationRing.measure_velocity: for drive(s) {bad.tolist()} the bump has "
                    f"not settled into steady motion after {duration:g} ms (slopes over the two "
                    f"halves of the fit differ by more than 2 %, or the bump lost half its "
                    f"height): the fit reads a transient; the usable drive is |v| <~ 0.12 for "
                    f"the default ring", RuntimeWarning, stacklevel=2)
        return slope.reshape(drive.shape)


def _find_bump(double):
    """Relax the two-population ring (no drive) from the ring's bump at position 0."""
    guess = np.tile(double.ring.stationary_state(0.0), 2)
    state, converged = relax(lambda u: double.vector_field(0.0, u), guess, double.ring.tau)
    n = double.ring.n_units
    mirror = np.roll(state[..., :n][::-1], 1)
    state = np.concatenate([0.5 * (state[:n] + np.roll(state[n:][::-1], 1)),
                            0.5 * (state[n:] + mirror)])
    if not converged:
        raise ParameterError(f"{double!r} settles to no stationary bump from the ring's bump")
    return state
