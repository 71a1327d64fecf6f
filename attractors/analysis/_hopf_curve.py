r"""Two-parameter continuation of a Hopf point found by :func:`attractors.analysis.continuation`.

A Hopf point, where a complex pair :math:`\pm i\omega` of eigenvalues crosses
the imaginary axis, persists as a curve in two parameters.  :func:`hopf_curve`
follows it on the standard augmented system (Kuznetsov 2004, sec. 10.2.2) in
the unknowns :math:`(x, q_r, q_i, \omega, p_1, p_2)`, with
:math:`q = q_r + i q_i` the eigenvector,

.. math::

    F = 0, \qquad F_x q_r + \omega q_i = 0, \qquad F_x q_i - \omega q_r = 0,
    \qquad \langle l, q_r \rangle = 1, \qquad \langle l, q_i \rangle = 0,

(:math:`F_x q = i\omega q` split into real and imaginary parts, :math:`l` fixed
at the start), regular at a generic Hopf point with :math:`\omega \ne 0`.  It
is traced by the predictor-corrector of :func:`attractors.analysis.fold_curve`,
and :math:`\partial_x (F_x q)` comes from pairs of Jacobians in the same way.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import xarray as xr

from .._validate import ParameterError
from ._bifurcation import parameter_units
from ._continuation import ContinuationError, _check_parameter, _check_steps, _state_scale
from ._fold_curve import _FoldSystem, _special_index, _trace
from ._stability import _time_units, jacobian_matrix

__all__ = ["hopf_curve"]


class _HopfSystem(_FoldSystem):
    """Scaled unknowns z = (x / s_x, q_r, q_i, omega, q1, q2)."""

    def unpack(self, z):
        n = self.n
        return (z[:n] * self.sx, z[n:2 * n], z[2 * n:3 * n], z[3 * n],
                self.origin[0] + z[3 * n + 1] * self.spans[0],
                self.origin[1] + z[3 * n + 2] * self.spans[1])

    def residual(self, z):
        x, qr, qi, omega, p1, p2 = self.unpack(z)
        model = self._model(p1, p2)
        jac = jacobian_matrix(model, x)
        return np.concatenate([model.vector_field(0.0, x), jac @ qr + omega * qi, jac @ qi - omega * qr,
                               [self.left @ qr - 1.0, self.left @ qi]])

    def _second(self, model, x, v):
        eps = np.finfo(float).eps ** (1 / 3) * max(1.0, float(np.max(np.abs(x))))
        return (jacobian_matrix(model, x + eps * v) - jacobian_matrix(model, x - eps * v)) / (2 * eps)

    def jacobian(self, z):
        return self._plain_jacobian(*self.unpack(z))

    def _plain_jacobian(self, x, qr, qi, omega, p1, p2):
        """The Jacobian of the augmented system in the scaled (x, q_r, q_i, omega, q1, q2)."""
        n = self.n
        model = self._model(p1, p2)
        jac = jacobian_matrix(model, x)
        eye = np.eye(n)
        rows = np.zeros((3 * n + 2, 3 * n + 3))
        rows[:n, :n] = jac * self.sx
        rows[n:2 * n, :n] = self._second(model, x, qr) * self.sx
        rows[n:2 * n, n:2 * n], rows[n:2 * n, 2 * n:3 * n], rows[n:2 * n, 3 * n] = jac, omega * eye, qi
        rows[2 * n:3 * n, :n] = self._second(model, x, qi) * self.sx
        rows[2 * n:3 * n, n:2 * n], rows[2 * n:3 * n, 2 * n:3 * n] = -omega * eye, jac
        rows[2 * n:3 * n, 3 * n] = -qr
        rows[3 * n, n:2 * n] = self.left
        rows[3 * n + 1, 2 * n:3 * n] = self.left
        for column, (p, span) in enumerate(zip((p1, p2), self.spans)):
            h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(p))
            shifted = [(p1 + s * h, p2) if column == 0 else (p1, p2 + s * h) for s in (1, -1)]
            up, down = (self._model(*pair) for pair in shifted)
            djac = (jacobian_matrix(up, x) - jacobian_matrix(down, x)) / (2 * h) * span
            rows[:n, 3 * n + 1 + column] = (up.vector_field(0.0, x) - down.vector_field(0.0, x)) \
                / (2 * h) * span
            rows[n:2 * n, 3 * n + 1 + column] = djac @ qr
            rows[2 * n:3 * n, 3 * n + 1 + column] = djac @ qi
        return rows


class _EquivariantHopf(_HopfSystem):
    r"""The augmented system with one continuous symmetry: :math:`F + c\,\psi = 0` and
    :math:`\langle x - x_{ref}, \psi\rangle = 0` replace :math:`F = 0` (unknowns
    z = (x / s_x, q_r, q_i, omega, c, q1, q2)); the zero eigenvalue of the symmetry
    mode is distinct from :math:`\pm i\omega`, so the eigenvector rows need no change."""

    def __init__(self, system, names, origin, spans, state_scale, left, phase, x_ref):
        super().__init__(system, names, origin, spans, state_scale, left)
        self.phase, self.x_ref = phase, x_ref

    def unpack(self, z):
        n = self.n
        return (z[:n] * self.sx, z[n:2 * n], z[2 * n:3 * n], z[3 * n],
                self.origin[0] + z[3 * n + 2] * self.spans[0],
                self.origin[1] + z[3 * n + 3] * self.spans[1])

    def residual(self, z):
        n, psi = self.n, self.phase
        x, qr, qi, omega, p1, p2 = self.unpack(z)
        model = self._model(p1, p2)
        jac = jacobian_matrix(model, x)
        return np.concatenate([model.vector_field(0.0, x) + z[3 * n + 1] * psi,
                               [(x - self.x_ref) @ psi], jac @ qr + omega * qi,
                               jac @ qi - omega * qr, [self.left @ qr - 1.0, self.left @ qi]])

    def jacobian(self, z):
        n, psi = self.n, self.phase
        plain = self._plain_jacobian(*self.unpack(z))
        rows = np.zeros((3 * n + 3, 3 * n + 4))
        # Rows F (n), pin (1), then the plain rows; columns x, q_r, q_i, omega, c, q1, q2.
        rows[:n, :3 * n + 1], rows[:n, 3 * n + 2:] = plain[:n, :3 * n + 1], plain[:n, 3 * n + 1:]
        rows[n + 1:, :3 * n + 1], rows[n + 1:, 3 * n + 2:] = plain[n:, :3 * n + 1], plain[n:, 3 * n + 1:]
        rows[:n, 3 * n + 1] = psi
        rows[n, :n] = psi * self.sx
        return rows


def _hopf_start(branch, special):
    special = _special_index(branch, "hopf", "a Hopf point", special)
    return (np.asarray(branch["special_state"].values[special], dtype=np.float64),
            float(branch["special_parameter"].values[special]),
            float(branch["special_frequency"].values[special]))


def hopf_curve(system, branch, parameter2, stop2, *, special=None, ds=0.01, ds_min=1e-7,
               ds_max=0.05, max_steps=500, tol=1e-10, max_iter=8):
    r"""Follow a Hopf point of ``branch`` in a second parameter, with its frequency.

    Starting from the Hopf point located by
    :func:`~attractors.analysis.continuation` (at ``system``'s own value of
    ``parameter2``), the augmented system of the module docstring is followed
    until ``parameter2`` reaches ``stop2`` (or ``max_steps``, or the step falls
    below ``ds_min``, e.g. where :math:`\omega \to 0` at a Bogdanov-Takens point).
    For an equivariant model (the branch needed a phase condition) :math:`F = 0`
    becomes :math:`F + c\,\psi = 0,\ \langle x - x_0, \psi\rangle = 0` along the
    symmetry mode :math:`\psi` (``attrs["phase_condition"]``).

    Parameters
    ----------
    system : ContinuousSystem
    branch : xarray.Dataset
        A :func:`~attractors.analysis.continuation` result with a Hopf point.
    parameter2 : str
    stop2 : float
    special : int, optional
        Index along ``special`` of the Hopf point (default: the first).
    ds, ds_min, ds_max, max_steps, tol, max_iter
        As in :func:`~attractors.analysis.fold_curve`.

    Returns
    -------
    xarray.Dataset
        Over ``point``: ``parameter``, ``parameter2``, ``state`` (point, unit),
        ``frequency`` (:math:`\omega`) and ``arclength``.

    References
    ----------
    Kuznetsov, Y. A. (2004). Elements of Applied Bifurcation Theory, 3rd ed., sec. 10.2.2.

    Examples
    --------
    The Brusselator :math:`\dot x = A - (B + 1)x + x^2 y,\ \dot y = Bx - x^2 y`
    has its Hopf curve at :math:`B = 1 + A^2` with :math:`\omega = A`:

    >>> import dataclasses, numpy as np, attractors
    >>> @dataclasses.dataclass(frozen=True)
    ... class Brusselator(attractors.ContinuousSystem):
    ...     A: float = 1.0
    ...     B: float = 1.5
    ...     n_units = 2
    ...     def vector_field(self, t, z, inputs=None):
    ...         x, y = z[..., 0], z[..., 1]
    ...         return np.stack([self.A - (self.B + 1) * x + x * x * y, self.B * x - x * x * y], axis=-1)
    >>> branch = attractors.analysis.continuation(Brusselator(), "B", 1.5, 3.0, x0=[1.0, 1.5])
    >>> curve = hopf_curve(Brusselator(), branch, "A", 2.0)
    >>> A, B, omega = (float(curve[name][-1]) for name in ("parameter2", "parameter", "frequency"))
    >>> round(A, 10), abs(B - 1 - A * A) < 1e-8, abs(omega - A) < 1e-8
    (2.0, True, True)
    """
    parameter = branch.attrs.get("parameter") if hasattr(branch, "attrs") else None
    _check_parameter(system, parameter, 0.0, 1.0)
    start2 = getattr(system, parameter2, None) if isinstance(parameter2, str) else None
    start2, stop2 = _check_parameter(system, parameter2, start2, stop2, name="parameter2")
    if parameter2 == parameter:
        raise ParameterError(f"parameter2 must differ from the branch's parameter {parameter!r}")
    steps = _check_steps(ds, ds_min, ds_max, max_steps, tol, max_iter)
    x_star, p_star, omega = _hopf_start(branch, special)
    model = dataclasses.replace(system, **{parameter: p_star})
    values, vectors = np.linalg.eig(jacobian_matrix(model, x_star))
    q = vectors[:, int(np.argmin(np.abs(values - 1j * omega)))]
    left = q.real if np.linalg.norm(q.real) > 1e-8 else q.imag
    left = left / np.linalg.norm(left)
    q = q / (left @ q)
    rms = float(np.sqrt(np.mean(x_star * x_star)))
    args = (system, (parameter, parameter2), (p_star, start2), (max(abs(p_star), 1.0), stop2 - start2),
            _state_scale(rms) * math.sqrt(x_star.size), left)
    head = np.concatenate([x_star / args[4], q.real, q.imag, [omega]])
    equivariant = branch.attrs.get("phase_condition", "none").startswith(("auto: zero", "given"))
    if equivariant:
        psi = np.real(vectors[:, int(np.argmin(np.abs(values)))])
        hopf = _EquivariantHopf(*args, psi / np.linalg.norm(psi), x_star)
        z = np.concatenate([head, [0.0, 0.0, 0.0]])
    else:
        hopf = _HopfSystem(*args)
        z = np.concatenate([head, [0.0, 0.0]])
    natural = np.zeros(z.size)
    natural[-1] = 1.0
    z, ok = hopf.correct(z, natural, np.zeros(z.size), 0.0, steps[4], 2 * steps[5])
    if not ok:
        raise ContinuationError(
            f"Newton's method did not converge on the Hopf point at {parameter} = {p_star:.10g}: "
            f"residual max = {np.max(np.abs(hopf.residual(z))):.3g}")
    points, status = _trace(hopf, z, natural, steps)
    unpacked = [hopf.unpack(point) for point in points]
    zs = np.array(points)
    arclength = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(zs, axis=0), axis=1))])
    time = _time_units(system)
    return xr.Dataset(
        {"parameter": ("point", np.array([u[4] for u in unpacked]),
                       {"long_name": f"{parameter} at the Hopf point",
                        "units": parameter_units(system, parameter)}),
         "parameter2": ("point", np.array([u[5] for u in unpacked]),
                        {"long_name": parameter2, "units": parameter_units(system, parameter2)}),
         "state": (("point", "unit"), np.array([u[0] for u in unpacked]),
                   {"long_name": "equilibrium state at the Hopf point",
                    "units": "model state units"}),
         "frequency": ("point", np.abs([u[3] for u in unpacked]),
                       {"long_name": "angular frequency at the Hopf point", "units": f"rad/{time}"}),
         "arclength": ("point", arclength,
                       {"long_name": "arclength in the scaled unknowns (x / s_x, q_r, q_i, omega, "
                                     "q1, q2)", "units": "1"})},
        coords={"point": np.arange(len(points))},
        attrs={"model": system.name, "parameter": parameter, "parameter2": parameter2,
               "status": status, "special_type": "hopf",
               "phase_condition": "pinned: <x - x_hopf, psi> = 0 along the symmetry mode psi"
               if equivariant else "none",
               "method": "augmented Hopf system (Kuznetsov 2004), pseudo-arclength continuation"})
