r"""The dynamics of Zhang's ring attractor: weights, recurrent product, field, Jacobian, energy, observables.

:class:`_RingDynamics` is the private base of
:class:`~attractors.models.RingAttractor` (in :mod:`attractors.models._ring`,
which holds the parameters, their validation, the constructors and the
stationary bump): never instantiated on its own, it computes everything from
the attributes that ``RingAttractor.__post_init__`` sets once (``profile``,
``transfer``, ``tau``, ``drive``, ``_convolver``, ``_integral``,
``_profile_derivative`` and ``_fast``, the compiled kernels of
:mod:`attractors.models._ring_kernels` and their data).  See
``RingAttractor`` for the equations.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .._bump import BUMP_ATTRS, bump_amplitude, bump_position, bump_width, unwrap_heading
from .._system import ContinuousSystem
from .._validate import ParameterError, describe
from ..transfer import ZhangSigmoid
from ._ring_common import fields_state, frozen, restore_fields
from ._ring_kernels import BLAS_TRIALS, numba_kernels, pack_field
from ._ring_weights import _by_blocks, _circulant

__all__: list[str] = []

_F64 = np.dtype(np.float64)


class _RingDynamics(ContinuousSystem):
    """Weights, field, Jacobian, energy and observables of :class:`RingAttractor` (its private base)."""

    time_unit: ClassVar[str] = "ms"

    # -- weights ------------------------------------------------------------------------

    @property
    def weights(self) -> np.ndarray:
        r"""The dense weight matrix :math:`W_{ij} = w(\theta_i - \theta_j)/N`, shape (N, N)."""
        return _circulant(self.profile)

    @property
    def profile_derivative(self) -> np.ndarray:
        r""":math:`w'(\theta_k)`, the spectral derivative of the profile (read-only)."""
        return self._profile_derivative

    @property
    def shift_weights(self) -> np.ndarray:
        r"""The dense odd part :math:`W'_{ij} = w'(\theta_i - \theta_j)/N`.

        The weights are :math:`W + \gamma W'`.
        """
        return _circulant(self.profile_derivative)

    def uniform_current(self, current) -> np.ndarray:
        """A current equal on every unit, shape (n_units,): a uniform ``inputs`` for ``drive="current"``.

        Examples
        --------
        >>> from attractors.models import RingAttractor
        >>> RingAttractor(n_units=8).uniform_current(0.5).tolist()
        [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
        """
        return np.full(self.n_units, float(current))

    def check_input(self, value):
        """Refuse a scalar (or per-trial scalar) input to the per-unit current drive.

        With ``drive="current"`` a scalar would broadcast to the same current on
        every unit, which cannot move the bump; what was meant is almost always
        a turn (``drive="velocity"`` or ``"gamma"``).
        """
        value = np.asarray(value)
        if self.drive == "current" and value.shape[-1:] != (self.n_units,):
            shown = (f"the scalar {float(value):g}" if value.ndim == 0 else
                     f"shape {value.shape} ({describe(value)})")
            raise ParameterError(
                f"RingAttractor(drive='current') reads inputs as one current per unit, shape "
                f"({self.n_units},); got {shown}, which would add "
                f"the same current to every unit and never move the bump. To turn the bump, build "
                f"the ring with drive='velocity' (inputs in rad/ms) or drive='gamma' (the shift "
                f"strength); for a uniform current, write it per unit: "
                f"ring.uniform_current(value) or np.full({self.n_units}, value)")

    def recurrent_input(self, rates, gamma=None):
        r""":math:`(W + \gamma W') r`, shape of ``rates`` (FFT or dense product, per ``product``)."""
        rates = np.asarray(rates, dtype=np.float64)
        if gamma is None:
            return self._convolver.apply(rates)
        gamma = np.asarray(gamma, dtype=np.float64)[..., None]
        return self._convolver.apply_shifted(rates, gamma)

    # -- dynamics -------------------------------------------------------------------------

    def _compiled(self):
        """The compiled kernels and their data (Zhang's transfer function only), or None."""
        if not isinstance(self.transfer, ZhangSigmoid):
            return None
        kernels = numba_kernels()
        if kernels is None:
            return None
        fused = self._convolver.method == "modes"
        # pack_field's head [a, b, c, beta, 1/tau] is all the activation needs.
        pack = (pack_field(self._convolver, self.transfer, self.tau) if fused else
                np.array([self.transfer.a, self.transfer.b, self.transfer.c, self.transfer.beta,
                          1.0 / self.tau]))
        return {"kernels": kernels, "fused": fused, "pack": frozen(pack),
                "free": kernels["field_free"] if fused else None,
                "no_drive": frozen(np.zeros((1, self.n_units))), "no_gamma": frozen(np.zeros(1)),
                "cos": frozen(np.cos(self.theta)), "sin": frozen(np.sin(self.theta))}

    def __getstate__(self):
        # The fields only: the compiled kernels (100 kB pickled) and derived arrays are
        # rebuilt, read-only, on unpickling, not shipped to workers.
        return fields_state(self)

    def __setstate__(self, state):
        restore_fields(self, state)

    def rates(self, x):
        """Firing rates :math:`f(u)`."""
        x = np.asarray(x, dtype=np.float64)
        fast = self._fast
        if fast is None:
            return self.transfer(x)
        rates = fast["kernels"]["activation"](x, fast["pack"])
        return rates if rates.ndim else rates[()]

    def _gamma(self, inputs):
        if inputs is None or self.drive == "current":
            return None
        inputs = np.asarray(inputs, dtype=np.float64)
        return inputs if self.drive == "gamma" else -self.tau * inputs

    def _fused_field(self, fast, x, inputs):
        """The compiled field for one trial or < BLAS_TRIALS trials; None where it does not apply."""
        n = self.n_units
        scalar = inputs is not None and np.ndim(inputs) == 0
        if x.ndim == 1 and self.drive != "current" and scalar:
            # One trial moved by a scalar gamma (or velocity): the other hot path.
            gamma = float(inputs) if self.drive == "gamma" else -self.tau * float(inputs)
            return fast["kernels"]["field_one"](x, fast["no_drive"][0], gamma, fast["pack"])
        inputs = None if inputs is None else np.asarray(inputs, dtype=np.float64)
        if x.ndim == 1:
            if self.drive != "current" or inputs is None or inputs.shape != (n,):
                return None
            return fast["kernels"]["field_one"](x, inputs, 0.0, fast["pack"])
        if x.ndim != 2 or x.shape[0] >= BLAS_TRIALS:
            return None
        rows = x.shape[0]
        drive, gamma = fast["no_drive"], fast["no_gamma"]
        if inputs is not None:
            if self.drive == "current":
                if inputs.shape not in ((n,), (rows, n)):
                    return None
                drive = np.ascontiguousarray(inputs.reshape(-1, n))
            else:
                if inputs.shape not in ((), (rows,)):
                    return None
                gamma = self._gamma(inputs).reshape(-1)
        return fast["kernels"]["field_rows"](x, drive, gamma, fast["pack"])

    def vector_field(self, t, x, inputs=None):
        fast = self._fast
        if fast is not None and fast["fused"] and x.__class__ is np.ndarray and x.dtype is _F64:
            if inputs is None and x.ndim == 1:  # the hot path of simulate(): one call
                return fast["free"](x, fast["pack"])
            out = self._fused_field(fast, x, inputs)
            if out is not None:
                return out
        rates = self.rates(x)
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
            energy = energy - np.sum(np.asarray(inputs) * self.rates(x), axis=-1)
        return energy

    def _energy_without_input(self, x):
        rates = self.rates(x)
        recurrent = self.recurrent_input(rates)
        return (-0.5 * np.sum(rates * recurrent, axis=-1)
                + np.sum(x * rates - self._integral(x), axis=-1))

    def observables(self, x):
        r"""Bump position, amplitude, width (circular std) and unwrapped heading, all from the rates.

        ``heading`` is the position unwrapped along the first axis, which is
        time in the records that :func:`attractors.simulate` passes (a single
        state has heading = position); it is right as long as the bump moves
        less than half a turn between records (choose ``record_every`` so).
        """
        x = np.asarray(x, dtype=np.float64)
        fast = self._fast
        if fast is not None:  # one compiled pass over the record: rates, then the decoding
            flat = np.ascontiguousarray(x).reshape(-1, self.n_units)
            position, amplitude, width = fast["kernels"]["decode"](flat, fast["pack"],
                                                                   fast["cos"], fast["sin"])
            position, amplitude, width = (v.reshape(x.shape[:-1]) for v in
                                          (position, amplitude, width))
        else:
            rates = self.rates(x)
            position = bump_position(rates, self.theta)
            amplitude, width = bump_amplitude(rates), bump_width(rates, self.theta)
        heading = unwrap_heading(position) if position.ndim >= 1 and np.ndim(x) >= 2 else position
        return {
            "bump_position": ((), position),
            "bump_amplitude": ((), amplitude),
            "bump_width": ((), width),
            "heading": ((), heading),
        }

    @property
    def observable_attrs(self):
        """CF attributes (``units``, ``long_name``) of the observables (rates in Hz for Zhang's f)."""
        rate_units = "Hz" if isinstance(self.transfer, ZhangSigmoid) else "1"
        return {**BUMP_ATTRS, "bump_amplitude": {**BUMP_ATTRS["bump_amplitude"], "units": rate_units}}

