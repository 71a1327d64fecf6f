r"""Branch switching at a branch point found by :func:`attractors.analysis.continuation`.

At a simple branch point :math:`z^*` of :math:`G(z) = F(x, p) = 0` the null
space of :math:`G_z` is two-dimensional: it holds the tangent :math:`t_1` of
the branch that was followed and the direction :math:`\phi` in which a second
branch leaves (Keller 1977; Kuznetsov 2004, sec. 10.2.2).  Taking :math:`\phi`
orthogonal to :math:`t_1` in that plane (exact for symmetry-breaking
pitchforks, where the new branch is perpendicular to the old one in
:math:`p`), the new branch is entered at :math:`z^* \pm \Delta s\, \phi`
(corrected by Newton on :math:`\langle \phi, z - z^* \rangle = \pm\Delta s`)
and followed in both directions by the same pseudo-arclength loop.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import ParameterError, describe
from ._bifurcation import follow
from ._continuation import (
    ContinuationError,
    _Branch,
    _check_parameter,
    _check_steps,
    _state_scale,
    _zero_mode,
)

__all__ = ["switch_branch"]


def _branch_point(branch, special):
    """Index of the branch point ``special`` (default: the first) in a continuation Dataset."""
    types = [str(kind) for kind in np.asarray(branch["special_type"].values)]
    points = [i for i, kind in enumerate(types) if kind == "branch_point"]
    if not points:
        raise ParameterError("branch has no special point of type 'branch_point' to switch at")
    if special is None:
        return points[0]
    if isinstance(special, bool) or not isinstance(special, numbers.Integral) or special not in points:
        raise ParameterError(
            f"special must be the index of a branch point of the branch ({points}), "
            f"got {describe(special)}")
    return int(special)


def switch_branch(system, branch, start, stop, *, special=None, ds=0.01, ds_min=1e-7, ds_max=0.05,
                  max_steps=500, tol=1e-10, max_iter=8, phase_condition="none",
                  jacobian="auto", locate_tol=1e-10, stability=True):
    r"""Follow the branch that bifurcates at a branch point, in both directions.

    With :math:`t_1` the old branch's tangent at the branch point :math:`z^*`
    and :math:`\{v_1, v_2\}` the two right singular vectors of :math:`G_z(z^*)`
    with the smallest singular values, the new branch leaves along
    :math:`\phi \propto (I - t_1 t_1^T)\,(\text{the part of } v_1, v_2
    \text{ orthogonal to } t_1)`; each half is started at
    :math:`z^* \pm \Delta s\,\phi` and followed with
    :func:`~attractors.analysis.continuation`'s predictor-corrector.

    Parameters
    ----------
    system : ContinuousSystem
        The model ``branch`` was computed for (any value of the parameter).
    branch : xarray.Dataset
        A result of :func:`~attractors.analysis.continuation` with a branch point.
    start, stop : float
        The interval of the parameter in which the new branch is followed.
    special : int, optional
        Index along ``special`` of the branch point (default: the first one).
    ds, ds_min, ds_max, max_steps, tol, max_iter, jacobian, locate_tol, stability
        As in :func:`~attractors.analysis.continuation`.
    phase_condition : {"none", "auto"} or array_like
        As in :func:`~attractors.analysis.continuation` (default ``"none"``:
        at a branch point "auto" would take the bifurcating mode for a symmetry).

    Returns
    -------
    list of xarray.Dataset
        The two halves of the new branch (along :math:`+\phi` and :math:`-\phi`),
        each a continuation Dataset whose first point lies ``ds`` from the
        branch point.

    References
    ----------
    Keller, H. B. (1977). Numerical solution of bifurcation and nonlinear
    eigenvalue problems. In Applications of Bifurcation Theory, 359-384.
    Kuznetsov, Y. A. (2004). Elements of Applied Bifurcation Theory, 3rd ed., sec. 10.2.

    Examples
    --------
    The pitchfork of :math:`\dot x = -x + w \tanh x` at :math:`w = 1`:

    >>> import dataclasses, math, numpy as np, attractors
    >>> @dataclasses.dataclass(frozen=True)
    ... class Unit(attractors.ContinuousSystem):
    ...     w: float = 0.5
    ...     n_units = 1
    ...     def vector_field(self, t, x, inputs=None):
    ...         return -x + self.w * np.tanh(x)
    >>> trivial = attractors.analysis.continuation(Unit(), "w", 0.5, 2.0)
    >>> upper, lower = switch_branch(Unit(), trivial, 0.5, 2.0)
    >>> x = float(upper.state[-1, 0]); round(x / math.tanh(x), 8)   # w = x / tanh(x)
    2.0
    """
    parameter = branch.attrs.get("parameter") if hasattr(branch, "attrs") else None
    start, stop = _check_parameter(system, parameter, start, stop)
    steps = _check_steps(ds, ds_min, ds_max, max_steps, tol, max_iter)
    index = _branch_point(branch, special)
    x_star = np.asarray(branch["special_state"].values[index], dtype=np.float64)
    p_star = float(branch["special_parameter"].values[index])
    if x_star.shape != (system.n_units,):
        raise ParameterError(
            f"branch has states of {x_star.shape[-1]} units but system has {system.n_units}")
    phase, note = _zero_mode(system, jacobian, x_star, p_star, parameter, phase_condition)
    rms = float(np.sqrt(np.mean(x_star * x_star)))
    new = _Branch(system, parameter, start, stop, jacobian=jacobian, phase=phase,
                  state_scale=_state_scale(rms))
    new.x_ref = x_star
    z_star = np.concatenate([x_star / new.scale, [(p_star - start) / (stop - start)],
                             [0.0] if phase is not None else []])
    phi = _new_direction(new, branch, index, z_star)
    halves = []
    for sign in (1.0, -1.0):
        new.x_ref, new.phase = x_star, None if phase is None else phase / np.linalg.norm(phase)
        z, ok, _ = new.correct(z_star + sign * steps[0] * phi, sign * phi, z_star, steps[0],
                               tol=steps[4], max_iter=steps[5])
        if not ok:
            raise ContinuationError(
                f"Newton's method did not converge on the bifurcating branch {steps[0]:g} from the "
                f"branch point at {parameter} = {p_star:.10g} (residual max|F| = "
                f"{np.max(np.abs(new.residual(z))):.3g}); try a smaller ds")
        halves.append(follow(new, z, steps, locate_tol=locate_tol, stability=bool(stability),
                             phase_note=note, direction=sign * phi))
    return halves


def _new_direction(new, branch, index, z_star):
    """Unit vector of the null plane of G_z at the branch point, orthogonal to the old tangent."""
    point = int(branch["special_point"].values[index])
    states = np.asarray(branch["state"].values, dtype=np.float64)
    values = np.asarray(branch["parameter"].values, dtype=np.float64)
    after = min(point + 1, states.shape[0] - 1)
    old = np.zeros(new.size)
    old[: new.n] = (states[after] - states[point]) / new.scale
    old[new.n] = (values[after] - values[point]) / new.span
    jac = new.jacobian(z_star)
    _, _, rows = np.linalg.svd(jac)
    plane = rows[-2:]  # the null space of the (size - 1) x size matrix is 2-dimensional here
    if np.linalg.norm(old) == 0:
        return plane[0]
    old = plane.T @ (plane @ old)
    old /= np.linalg.norm(old)
    for candidate in plane:
        phi = candidate - (candidate @ old) * old
        if np.linalg.norm(phi) > 1e-6:
            return phi / np.linalg.norm(phi)
    raise ContinuationError("the null space at the branch point is one-dimensional: not a branch point")
