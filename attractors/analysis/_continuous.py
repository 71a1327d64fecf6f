r"""Continuous attractors: the line of fixed points of a ring, and its zero mode.

A ring network whose weights depend only on :math:`\theta_i - \theta_j` is
symmetric under rotations, so a stationary bump :math:`u^*(\theta)` comes with
the whole family :math:`u^*(\theta - \phi)`, one fixed point per angle
:math:`\phi`: a line attractor closed into a ring.  Differentiating
:math:`F(u^*(\cdot - \phi)) = 0` with respect to :math:`\phi` gives

.. math:: J(u^*)\, \partial_\theta u^* = 0 ,

so the Jacobian has a zero eigenvalue whose eigenvector is the bump's
derivative: the neutral direction along the ring, in which noise makes the
bump diffuse (Zhang 1996; Burak & Fiete 2012).  On a lattice of N units the
continuous symmetry holds only up to the aliasing of the rate profile's
Fourier modes above N/2; for a smooth bump that error is exponentially small
in N, and :func:`line_of_fixed_points` measures it (``q_shifted``).

Written against :class:`~attractors.ContinuousSystem` only: any model whose
units carry a uniform angular coordinate (``"theta"``, or ``"x"`` as on
:class:`~attractors.CANN1D`) works, a user's ring included.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._system import ContinuousSystem
from .._validate import ParameterError, check_finite_array, check_integer
from ._bump import bump_position
from ._stability import (
    _check_system,
    _field,
    _jacobian_function,
    _labelled,
    _time_units,
)

__all__ = ["line_of_fixed_points", "ring_coordinate", "ring_derivative", "shift_on_ring"]


def ring_coordinate(system, coord: str | None = None) -> tuple[str, np.ndarray]:
    """The name and values of a system's uniform angular unit coordinate.

    Parameters
    ----------
    system : DynamicalSystem
    coord : str, optional
        The coordinate's name; default ``"theta"`` if the system has it, else ``"x"``.

    Returns
    -------
    (str, ndarray of shape (n_units,))

    Raises
    ------
    ParameterError
        When the coordinate is missing or is not uniform on the circle
        (consecutive angles :math:`2\\pi/N` apart, modulo :math:`2\\pi`).
    """
    coords = {name: values for name, (dim, values) in system.coords.items() if dim == "unit"}
    if coord is None:
        coord = "theta" if "theta" in coords else ("x" if "x" in coords else None)
    if coord is None or coord not in coords:
        raise ParameterError(
            f"{system.name} has no angular unit coordinate {coord or 'theta'!r} (its unit "
            f"coordinates: {sorted(coords) or 'none'}); ring analyses need the preferred "
            "angle of every unit")
    angles = np.asarray(coords[coord], dtype=np.float64)
    n = system.n_units
    steps = np.mod(np.diff(np.append(angles, angles[0] + 2 * np.pi)), 2 * np.pi)
    if angles.shape != (n,) or not np.allclose(steps, 2 * np.pi / n, rtol=0, atol=1e-9):
        raise ParameterError(f"coordinate {coord!r} of {system.name} must hold {n} angles "
                             f"2*pi/{n} apart in increasing order (a uniform ring)")
    return coord, angles


def shift_on_ring(states, delta):
    r"""Rotate profiles on a uniform ring by any angle, by trigonometric interpolation.

    .. math:: (S_\delta u)(\theta_i) = \sum_k \hat u_k\, e^{\mathrm{i} k (\theta_i - \delta)}

    exact for profiles band-limited to :math:`|k| < N/2` (the Nyquist mode of an
    even N is split symmetrically, so the result is real).

    Parameters
    ----------
    states : array_like, shape (..., n_units)
    delta : float or array_like, shape (...)
        Angles in radians (positive: towards increasing :math:`\theta`).

    Returns
    -------
    ndarray, shape (..., n_units)

    Examples
    --------
    >>> theta = 2 * np.pi * np.arange(16) / 16
    >>> np.allclose(shift_on_ring(np.cos(theta), 0.3), np.cos(theta - 0.3))
    True
    """
    states = np.asarray(states, dtype=np.float64)
    n = states.shape[-1]
    k = np.fft.fftfreq(n, 1.0 / n)
    phase = np.exp(-1j * k * np.asarray(delta, dtype=np.float64)[..., None])
    if n % 2 == 0:
        phase[..., n // 2] = np.cos(np.asarray(delta)[..., None] * (n // 2))[..., 0]
    return np.real(np.fft.ifft(np.fft.fft(states, axis=-1) * phase, axis=-1))


def ring_derivative(states):
    r"""The spectral derivative :math:`\partial_\theta u` of profiles on a uniform ring.

    Examples
    --------
    >>> theta = 2 * np.pi * np.arange(16) / 16
    >>> np.allclose(ring_derivative(np.cos(2 * theta)), -2 * np.sin(2 * theta))
    True
    """
    states = np.asarray(states, dtype=np.float64)
    n = states.shape[-1]
    k = np.fft.fftfreq(n, 1.0 / n)
    if n % 2 == 0:
        k[n // 2] = 0.0  # the Nyquist mode has no well-defined (real) derivative
    return np.real(np.fft.ifft(1j * k * np.fft.fft(states, axis=-1), axis=-1))


def _real_eigenvector(vectors):
    """Real unit vectors from complex ones belonging to real eigenvalues (phase removed)."""
    largest = np.argmax(np.abs(vectors), axis=-1)
    pivot = np.take_along_axis(vectors, largest[..., None], axis=-1)
    real = np.real(vectors * np.conj(pivot) / np.abs(pivot))
    return real / np.linalg.norm(real, axis=-1, keepdims=True)


def _phase_fixed_newton(field, jac, x, n_steps):
    r"""Newton steps orthogonal to the ring: the bordered system

    .. math:: \begin{pmatrix} J & d \\ d^\top & 0 \end{pmatrix}
              \begin{pmatrix} \delta \\ \mu \end{pmatrix}
              = \begin{pmatrix} -F \\ 0 \end{pmatrix},
              \qquad d = \partial_\theta x / \lVert \partial_\theta x \rVert ,

    (a phase condition, as in continuation methods), nonsingular when the zero
    mode is simple.  The bump keeps its position: on an exact ring this
    converges to the fixed point at that angle; where the lattice pins the bump
    it converges to the point whose residual :math:`F = -\mu d` points along
    the ring (the slow drift there).
    """
    x = np.array(x, dtype=np.float64)
    n = x.shape[-1]
    for _ in range(n_steps):
        F = field(x)
        d = ring_derivative(x)
        d /= np.linalg.norm(d, axis=-1, keepdims=True)
        bordered = np.zeros(x.shape[:-1] + (n + 1, n + 1))
        bordered[..., :n, :n] = jac(x)
        bordered[..., :n, n] = d
        bordered[..., n, :n] = d
        rhs = np.concatenate([-F, np.zeros(x.shape[:-1] + (1,))], axis=-1)
        x = x + np.linalg.solve(bordered, rhs[..., None])[..., :n, 0]
    return x


def line_of_fixed_points(system, state, *, n_angles: int = 32, coord: str | None = None,
                         t: float = 0.0, inputs=None, n_newton: int = 6,
                         jacobian: str = "auto", max_q: float = 1e-6) -> xr.Dataset:
    r"""The ring of fixed points through a bump, with its zero mode at every angle.

    Polishes ``state`` to a fixed point :math:`u^*` by Newton steps with the
    bump's position held (a bordered system with the phase condition
    :math:`\langle \partial_\theta u, \delta\rangle = 0`), rotates it to
    ``n_angles`` angles around the ring (:func:`shift_on_ring`), polishes each
    rotated bump the same way, and at each computes the Jacobian's spectrum, the
    eigenvector of the eigenvalue nearest zero, and its alignment with the
    bump's derivative :math:`\partial_\theta u^*` (:func:`ring_derivative`):

    .. math:: \text{alignment} = \frac{|\langle v_0, \partial_\theta u^*\rangle|}
              {\lVert v_0\rVert\, \lVert \partial_\theta u^*\rVert} ,

    1 on an exact continuous attractor.  By first-order perturbation theory the
    angle between them is at most about :math:`\lVert J\,\partial_\theta u^*\rVert
    / (g\, \lVert\partial_\theta u^*\rVert)` for a spectral gap g (for a Jacobian
    similar to a symmetric one, as for rate networks with symmetric weights);
    ``derivative_residual`` reports that numerator ratio.

    Parameters
    ----------
    system : ContinuousSystem
        A ring: units with a uniform angular coordinate (:func:`ring_coordinate`).
    state : array_like, shape (n_units,), or Dataset
        A state on or near the bump (e.g. the end of a simulation), or the
        output of :func:`find_fixed_points` (its point with the most zero modes
        and the lowest q is used).
    n_angles : int
        Number of angles, evenly spaced from the bump's own position.
    coord : str, optional
        Name of the angular coordinate (default ``"theta"``, else ``"x"``).
    t, inputs, jacobian
        As for :func:`find_fixed_points`.
    n_newton : int
        Newton steps polishing each rotated bump.
    max_q : float
        Largest :math:`q` accepted at the polished starting bump (a slow point
        on a lattice-pinned ring has a small nonzero q).

    Returns
    -------
    xarray.Dataset
        Dims ``angle`` (coordinate: the rotation :math:`\phi`, radians),
        ``unit``, ``mode``.  Variables: ``state`` (polished fixed points),
        ``bump_position`` (population vector), ``q_shifted`` (speed
        :math:`\frac12|F|^2` of the rotated bump before polishing: the lattice's
        breaking of the symmetry), ``q`` and ``speed`` after polishing,
        ``displacement`` (max-norm change made by polishing),
        ``ring_velocity`` (:math:`\langle F, \partial_\theta u\rangle /
        \lVert\partial_\theta u\rVert^2`, the drift of the bump along the ring
        in radians per time unit: zero on an exact continuous attractor, the
        pinning by the lattice otherwise), ``eigenvalue_real`` and
        ``eigenvalue_imag`` (angle, mode; by decreasing real part; join them
        with :func:`as_complex`), ``zero_eigenvalue`` (its real part: the
        eigenvalue nearest zero, real for a simple zero mode),
        ``zero_mode`` and ``bump_derivative`` (unit vectors, sign matched),
        ``alignment``, ``derivative_residual``
        (:math:`\lVert J\partial_\theta u\rVert / \lVert\partial_\theta u\rVert`)
        and ``spectral_gap`` (largest real part among the other modes, negative
        for a stable ring).

    References
    ----------
    K. Zhang, J. Neurosci. 16, 2112 (1996).
    Y. Burak and I. R. Fiete, PNAS 109, 17645 (2012).

    Examples
    --------
    A ring of 32 rate units with cosine weights, :math:`W_{ij} = 6\cos(\theta_i -
    \theta_j)/N`, holds a bump at every angle:

    >>> import numpy as np
    >>> from attractors.models import RateNetwork
    >>> class Ring(RateNetwork):
    ...     @property
    ...     def coords(self):
    ...         return {"theta": ("unit", 2 * np.pi * np.arange(self.n_units) / self.n_units)}
    >>> theta = 2 * np.pi * np.arange(32) / 32
    >>> ring = Ring(6 * np.cos(theta[:, None] - theta) / 32)
    >>> line = line_of_fixed_points(ring, 2 * np.cos(theta), n_angles=8)
    >>> bool(line.speed.max() < 1e-10), bool(line.alignment.min() > 1 - 1e-10)
    (True, True)
    """
    _check_system(system, ContinuousSystem)
    coord, angles = ring_coordinate(system, coord)
    n_angles = check_integer("n_angles", n_angles, minimum=1)
    if isinstance(state, xr.Dataset):
        if "state" not in state or "fixed_point" not in state.dims or state.sizes["fixed_point"] == 0:
            raise ParameterError("state must be a state or a non-empty find_fixed_points() result")
        key = np.lexsort((state.q.values, -state.n_zero_modes.values))
        state = state.state.values[key[0]]
    state = check_finite_array("state", state, dtype=np.float64)
    if state.shape != (system.n_units,):
        raise ParameterError(f"state must have shape ({system.n_units},), got {state.shape}")
    if np.ptp(state) <= 1e-12 * max(1.0, float(np.max(np.abs(state)))):
        raise ParameterError(f"state is flat (no bump): every unit is {state[0]:g}; give a "
                             "state with a bump, e.g. the end of a simulation")
    jac_function, method = _jacobian_function(system, jacobian)
    u = None if inputs is None else np.asarray(inputs, dtype=np.float64)

    def field(x):
        return _field(system, x, float(t), u)

    def jac(x):
        return jac_function(x, float(t), u)

    bump = _phase_fixed_newton(field, jac, state[None], n_newton)[0]
    q_bump = 0.5 * float(np.sum(field(bump) ** 2))
    if not q_bump <= max_q:
        raise ParameterError(f"state does not lead to a fixed or slow point of {system.name} "
                             f"(q = {q_bump:.3g} > max_q = {max_q:g} after {n_newton} Newton "
                             "steps): start from a settled bump")
    centre = float(bump_position(bump - bump.min(), angles))
    rotations = 2 * np.pi * np.arange(n_angles) / n_angles
    shifted = shift_on_ring(bump, rotations)
    F_shifted = field(shifted)
    polished = _phase_fixed_newton(field, jac, shifted, n_newton)
    F = field(polished)
    J = jac(polished)
    values, vectors = np.linalg.eig(J)
    order = np.argsort(-values.real, axis=-1, kind="stable")
    values = np.take_along_axis(values, order, axis=-1)
    vectors = np.take_along_axis(vectors, order[:, None, :], axis=-1)
    zero = np.argmin(np.abs(values), axis=-1)
    rows = np.arange(n_angles)
    zero_value = values[rows, zero]
    zero_mode = _real_eigenvector(vectors[rows, :, zero])
    derivative = ring_derivative(polished)
    derivative_norm = np.linalg.norm(derivative, axis=-1)
    derivative_unit = derivative / derivative_norm[:, None]
    dot = np.sum(zero_mode * derivative_unit, axis=-1)
    zero_mode *= np.where(dot < 0, -1.0, 1.0)[:, None]
    others = np.where(np.arange(values.shape[-1])[None, :] == zero[:, None], -np.inf, values.real)
    residual = np.linalg.norm(np.einsum("aij,aj->ai", J, derivative), axis=-1) / derivative_norm
    velocity = np.sum(F * derivative, axis=-1) / derivative_norm**2
    data = {
        "state": (("angle", "unit"), polished),
        "bump_position": ("angle", bump_position(polished - polished.min(axis=-1, keepdims=True),
                                                 angles)),
        "q_shifted": ("angle", 0.5 * np.sum(F_shifted**2, axis=-1)),
        "q": ("angle", 0.5 * np.sum(F**2, axis=-1)),
        "speed": ("angle", np.max(np.abs(F), axis=-1)),
        "ring_velocity": ("angle", velocity),
        "displacement": ("angle", np.max(np.abs(polished - shifted), axis=-1)),
        # Real and imaginary parts apart: a fixed schema that saves with plain to_netcdf.
        "eigenvalue_real": (("angle", "mode"), values.real.astype(np.float64)),
        "eigenvalue_imag": (("angle", "mode"), values.imag.astype(np.float64)),
        "zero_eigenvalue": ("angle", zero_value.real.astype(np.float64)),
        "zero_mode": (("angle", "unit"), zero_mode),
        "bump_derivative": (("angle", "unit"), derivative_unit),
        "alignment": ("angle", np.abs(dot)),
        "derivative_residual": ("angle", residual),
        "spectral_gap": ("angle", np.max(others, axis=-1)),
    }
    coords = {"angle": rotations, "unit": np.arange(system.n_units), coord: ("unit", angles),
              "mode": np.arange(system.n_units)}
    time = _time_units(system)
    result = xr.Dataset(data, coords=coords, attrs={
        "model": system.name, "coordinate": coord, "bump_centre": centre,
        "jacobian_method": method, "n_newton": n_newton, "max_ring_velocity":
            float(np.max(np.abs(velocity))),
        "message": (f"{n_angles} bumps around the ring of {system.name}: max speed "
                    f"{np.max(np.abs(F)):.2g}, |zero eigenvalue| <= {np.max(np.abs(zero_value)):.2g}, "
                    f"alignment with the bump derivative >= {np.min(np.abs(dot)):.12f}")})
    return _labelled(result, {
        "state": ("polished fixed point (bump rotated by angle)", "model state units"),
        "bump_position": ("bump position (population vector)", "rad"),
        "q_shifted": ("q = |F|^2 / 2 of the rotated bump before polishing",
                      f"(model state units/{time})^2"),
        "q": ("q = |F|^2 / 2 after polishing", f"(model state units/{time})^2"),
        "speed": ("max_i |F_i| after polishing", f"model state units/{time}"),
        "ring_velocity": ("drift of the bump along the ring", f"rad/{time}"),
        "displacement": ("max-norm change made by polishing", "model state units"),
        "eigenvalue_real": ("eigenvalue of the Jacobian (real part)", f"1/{time}"),
        "eigenvalue_imag": ("eigenvalue of the Jacobian (imaginary part)", f"1/{time}"),
        "zero_eigenvalue": ("eigenvalue nearest zero (real part)", f"1/{time}"),
        "zero_mode": ("unit eigenvector of the zero mode", "1"),
        "bump_derivative": ("unit bump derivative d u / d theta", "1"),
        "alignment": ("|cos| of the angle between zero mode and bump derivative", "1"),
        "derivative_residual": ("|J du/dtheta| / |du/dtheta|", f"1/{time}"),
        "spectral_gap": ("largest real part among the other modes", f"1/{time}"),
        "angle": ("rotation of the bump", "rad"),
        coord: ("preferred angle of the unit", "rad"),
    })
