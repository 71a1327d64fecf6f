r"""What the 1-D and 2-D continuous attractor neural networks (CANNs) share: the model, theory, rates.

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

(:func:`~attractors.analysis.cann_bump_theory`), and a Gaussian stimulus
:math:`I^{ext} = A\, e^{-|x - z_0(t)|^2 / (4a^2)}` moves the bump, which
follows a moving stimulus with a lag (:func:`~attractors.analysis.cann_tracking_lag`).

The recurrent input is a circular convolution.  It is computed from the
kernel's Fourier modes above round-off (``method="modes"``, exact to round-off
and cheapest for smooth kernels), the dense matrix (``"dense"``) or the FFT
(``"fft"``); ``"auto"`` picks the cheapest.  With numba installed, the 1-D
field is one compiled pass per step (``backend="numba"``); the numpy backend
gives the same numbers to round-off.

:class:`_CANN` is the private base of :class:`~attractors.models.CANN1D`
(in :mod:`attractors.models._cann`) and :class:`~attractors.models.CANN2D`
(in :mod:`attractors.models._cann2d`).
"""

from __future__ import annotations

import math

import numpy as np

from .._bump import BUMP_ATTRS, wrap_angle
from .._cann_closed_form import CANNBump, cann_bump_theory
from .._system import ContinuousSystem
from .._validate import ParameterError, check_choice, check_integer, check_positive
from ._cann_kernels import wrapped_gaussian
from ._ring_common import fields_state, restore_fields

__all__: list[str] = []


def _population_vector(activity, angles):
    r"""Bump position :math:`\arg \sum_i a_i e^{i\theta_i}` in :math:`(-\pi, \pi]`; NaN when flat.

    The same estimate as :func:`attractors.analysis.bump_position`, computed
    with one real matrix product (a whole record of 10,000 states in ~2 ms
    rather than ~100 ms for the complex product).
    """
    projection = activity @ np.stack([np.cos(angles), np.sin(angles)], axis=1)
    length = np.hypot(projection[..., 0], projection[..., 1])
    flat = length <= 1e-12 * np.maximum(np.abs(activity).sum(axis=-1), 1e-300)
    return np.where(flat, np.nan, wrap_angle(np.arctan2(projection[..., 1], projection[..., 0])))


def _check_model(model, shape_name, shape_value, minimum):
    if type(shape_value) is not int or shape_value < minimum:
        check_integer(shape_name, shape_value, minimum=minimum)
    for name in ("tau", "k", "a", "J0"):
        value = getattr(model, name)
        # Plain positive floats (every rebuild by dataclasses.replace) skip the general check.
        if type(value) is not float or not 0.0 < value < math.inf:
            object.__setattr__(model, name, check_positive(name, value))
    if model.method not in model._METHODS:
        check_choice("method", model.method, model._METHODS)
    if model.backend not in model._BACKENDS:
        check_choice("backend", model.backend, model._BACKENDS)
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
        """The analytic stationary bump at this model's parameters.

        :func:`~attractors.analysis.cann_bump_theory` at ``k``, ``a``, ``J0``,
        :attr:`rho` and the dimension.
        """
        return cann_bump_theory(self.k, a=self.a, J0=self.J0, rho=self.rho, dim=self.dim)

    @property
    def critical_inhibition(self) -> float:
        r"""The critical inhibition :math:`k_c` above which no bump exists."""
        return self.theory().k_c

    def bump_profile(self, position):
        r"""The analytic stationary bump centred at ``position``, on this model's grid.

        :math:`u_0 \sum_{\mathbf n} e^{-|\mathbf x - \mathbf z + 2\pi\mathbf n|^2/(4a^2)}`:
        the closed form of :func:`~attractors.analysis.cann_bump_theory` wrapped on the ring or torus.
        On the finite grid it is the exact stationary state up to the overlap
        of neighbouring images in the normalisation and the rates, relative
        :math:`2 e^{-\pi^2/(2a^2)}` (5e-9 at a = 0.5).  Zero where no bump exists.
        """
        position = np.asarray(position, dtype=np.float64)
        offsets = self._offsets(position)
        profile = np.ones(offsets[0].shape)
        for d in offsets:
            profile = profile * wrapped_gaussian(d, math.sqrt(2.0) * self.a)
        return self.theory().u0 * profile

    def firing_rate(self, u):
        r"""Firing rates :math:`r = u_+^2 / (1 + k\rho\int u_+^2 dx)`, same shape as ``u``."""
        u = np.asarray(u, dtype=np.float64)
        squared = np.square(np.maximum(u, 0.0))
        # k rho * integral of u_+^2 is k * sum over units, since rho dx = 1 on the grid.
        return squared / (1.0 + self.k * np.sum(squared, axis=-1, keepdims=True))

    def leak_rate(self):
        return 1.0 / self.tau

    def __getstate__(self):
        # The fields only: derived arrays are rebuilt, read-only, on unpickling.
        return fields_state(self)

    def __setstate__(self, state):
        restore_fields(self, state)

    @property
    def observable_attrs(self):
        """CF attributes (``units``, ``long_name``) of ``bump_position`` and ``bump_height``."""
        return {name: BUMP_ATTRS[name] for name in ("bump_position", "bump_height")}

    def jacobian(self, t, x, inputs=None):
        r"""Analytic Jacobian of the field, shape ``(..., N, N)``.

        With :math:`u_+ = \max(u, 0)`, :math:`B = 1 + k \sum_j u_{+j}^2` and
        :math:`r = u_+^2 / B`,

        .. math::

            \frac{\partial r_j}{\partial u_l} = \frac{2 u_{+j}}{B}\,\delta_{jl}
                - \frac{2k}{B^2}\, u_{+j}^2\, u_{+l}, \qquad
            \frac{\partial \dot u_i}{\partial u_l} = \frac{1}{\tau}\Big(
                J_{il}\,\frac{2u_{+l}}{B} - \frac{2k}{B^2} (J u_+^2)_i\, u_{+l}
                - \delta_{il}\Big).

        The input does not enter.  (At :math:`u_l = 0` exactly, the one-sided
        derivatives agree: both are 0.)
        """
        u = np.asarray(x, dtype=np.float64)
        positive = np.maximum(u, 0.0)
        squared = positive * positive
        b = 1.0 + self.k * squared.sum(axis=-1, keepdims=True)
        matrix = self._connection_matrix()
        jac = matrix * (2.0 * positive / b)[..., None, :]
        jac -= ((2.0 * self.k / b**2) * self.recurrent_input(squared))[..., :, None] * positive[..., None, :]
        diagonal = np.arange(self.n_units)
        jac[..., diagonal, diagonal] -= 1.0
        return jac / self.tau

    def _connection_matrix(self):
        """J itself (symmetric), from the field's own product; built per call (an N x N
        matrix, like the Jacobian) rather than kept."""
        return self.recurrent_input(np.eye(self.n_units))

    def energy(self, x, inputs=None):
        raise NotImplementedError(
            f"{self.name} has no known Lyapunov function: the global divisive normalisation "
            "takes the rates out of the Cohen-Grossberg (Hopfield) form, so no energy is recorded")

    def initial_state(self, rng, n_trials=None):
        """Independent uniform noise on [0, u0) per unit (u0: the stable bump's height)."""
        height = self.theory().u0 or 1.0
        return height * rng.uniform(0.0, 1.0, self._batch_shape(n_trials))
