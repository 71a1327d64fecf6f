r"""The continuous attractor neural network on a torus (:class:`CANN2D`), Wu, Hamaguchi & Amari (2008) in 2-D.

The model and what it shares with the 1-D network are described in
:mod:`attractors.models._cann_base`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validate import ParameterError, describe
from ._cann_base import _CANN, _check_model, _population_vector
from ._cann_kernels import ring_distance, wrapped_gaussian
from ._ring_common import check_allocation, frozen_tables

__all__ = ["CANN2D"]


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
    :math:`k_c = \rho J_0^2/(32\pi a^2)` (:func:`~attractors.analysis.cann_bump_theory` with ``dim=2``).
    The recurrent input is a 2-D circular convolution by the FFT.

    Parameters
    ----------
    n_side : int
        Units per side (n_units = n_side**2), >= 8.
    tau, k, a, J0 : float
        As in :class:`CANN1D`.
    method : {"fft"}
        The recurrent input is a 2-D FFT convolution (the only method).
    backend : {"numpy"}
        numpy only.

    Notes
    -----
    Recorded with every state: ``bump_position`` with dimension ``axis``
    (x, y), the population vector of :math:`u_+` along each axis of the torus.

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
    _BACKENDS = ("numpy",)

    def __post_init__(self):
        _check_model(self, "n_side", self.n_side, 8)
        object.__setattr__(self, "n_side", int(self.n_side))
        n = self.n_side
        # The kernel and its spectrum (n^2 each, complex) and the x, y grids.
        check_allocation("n_side", n, 8.0 * 8 * n * n, "the CANN's kernel on the torus")
        line = -np.pi + 2.0 * np.pi * np.arange(n) / n
        d = ring_distance(line - line[0])
        g = wrapped_gaussian(d, self.a)
        kernel = self.J0 / (2.0 * math.pi * self.a**2) * np.outer(g, g)
        grid_y, grid_x = np.meshgrid(line, line, indexing="ij")
        object.__setattr__(self, "_fast", frozen_tables({
            "line": line, "kernel_fft": np.fft.rfft2(kernel),
            "x": grid_x.ravel(), "y": grid_y.ravel()}))

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
        return (ring_distance(self._fast["x"] - position[..., 0:1]),
                ring_distance(self._fast["y"] - position[..., 1:2]))

    def stimulus(self, position, amplitude=1.0):
        r"""A Gaussian stimulus :math:`A e^{-|\mathbf d|^2/(4a^2)}` centred at ``position = (x, y)``.

        ``position`` has shape ``(..., 2)``; the result ``(..., n_units)``.
        """
        position = np.asarray(position, dtype=np.float64)
        if position.shape[-1:] != (2,) or not np.all(np.isfinite(position)):
            raise ParameterError(
                f"position must be finite (x, y) pairs, shape (..., 2), got {describe(position)}")
        amplitude = np.asarray(amplitude, dtype=np.float64)[..., None]
        dx = ring_distance(self._fast["x"] - position[..., 0:1])
        dy = ring_distance(self._fast["y"] - position[..., 1:2])
        return amplitude * np.exp(-0.25 * (dx**2 + dy**2) / self.a**2)

    def recurrent_input(self, rates):
        r"""The recurrent input :math:`\sum_{\mathbf j} J(\mathbf x_{\mathbf i} - \mathbf x_{\mathbf j})
        r_{\mathbf j}`, by a 2-D FFT."""
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
