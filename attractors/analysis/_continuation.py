r"""Pseudo-arclength continuation of equilibria in one model parameter (:func:`continuation`).

The branch of equilibria :math:`F(x, p) = 0` of a
:class:`~attractors.ContinuousSystem` is followed as a curve in
:math:`(x, p)` space by Keller's predictor-corrector: an Euler step along the
unit tangent, then Newton's method on :math:`F = 0` together with the
pseudo-arclength condition, so folds (where :math:`p` turns back) are passed
like any other point.  Models are rebuilt at each parameter value with
:func:`dataclasses.replace`.  Equivariant models (rings, CANNs), whose
equilibria come in continuous families, get a phase condition appended.

The continuation problem itself (unknowns, residual, bordered Jacobian,
correctors) is :class:`~attractors.analysis._arclength._Branch`.  The
eigenvalues along the branch, the test functions and the location of
folds, Hopf and branch points are in :mod:`attractors.analysis._bifurcation`;
branch switching is in :mod:`attractors.analysis._branch_switch`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np

from .._system import ContinuousSystem
from .._validate import (
    ParameterError,
    check_finite_array,
    check_integer,
    check_model_field,
    check_positive,
    describe,
)
from ._arclength import _Branch, _eig, _singular_range
from ._bifurcation import follow

__all__ = ["ContinuationError", "continuation"]


class ContinuationError(ParameterError):
    """Newton's method found no equilibrium where one was needed; the message gives the residual."""


def _check_parameter(system, parameter, start, stop, name="parameter"):
    if not isinstance(system, ContinuousSystem):
        raise ParameterError(
            f"system must be a ContinuousSystem (continuation follows equilibria of flows), "
            f"got {describe(system)}")
    check_model_field(system, parameter, name=name)
    for name, bound in (("start", start), ("stop", stop)):
        if isinstance(bound, bool) or not isinstance(bound, numbers.Real) or not math.isfinite(bound):
            raise ParameterError(f"{name} must be a finite real number, got {describe(bound)}")
    if start == stop:
        raise ParameterError(f"stop must differ from start, got start = stop = {describe(start)}")
    return float(start), float(stop)


def _zero_mode(system, jacobian_method, x, p, parameter, phase_condition):
    """The phase-condition direction at the start: None, the user's vector, or the zero mode found."""
    if phase_condition is None or (isinstance(phase_condition, str) and phase_condition == "none"):
        return None, "none"
    model = dataclasses.replace(system, **{parameter: p})
    if isinstance(phase_condition, str):
        if phase_condition != "auto":
            raise ParameterError(
                f"phase_condition must be 'auto', 'none', None or a vector of {system.n_units} "
                f"numbers, got {describe(phase_condition)}")
        values, vectors = _eig(model, x, jacobian_method)
        index = int(np.argmin(np.abs(values)))
        if abs(values[index]) > 1e-6 * max(1.0, float(np.max(np.abs(values)))):
            return None, "auto: no zero mode at the start"
        vector = np.real(vectors[:, index])
        return vector, f"auto: zero mode at the start (|lambda| = {abs(values[index]):.2e})"
    vector = check_finite_array("phase_condition", phase_condition, dtype=np.float64)
    if vector.shape != (system.n_units,) or not np.any(vector):
        raise ParameterError(
            f"phase_condition must be a non-zero vector of shape ({system.n_units},), "
            f"got {describe(phase_condition)}")
    return vector, "given"


def _state_scale(rms):
    """Unit of state length in the arclength: the start's RMS, at least 0.1; 1 at the origin."""
    return max(rms, 0.1) if rms > 0 else 1.0


def _check_steps(ds, ds_min, ds_max, max_steps, tol, max_iter):
    ds = check_positive("ds", ds)
    ds_min = check_positive("ds_min", ds_min)
    ds_max = check_positive("ds_max", ds_max)
    if not ds_min <= ds <= ds_max:
        raise ParameterError(f"need ds_min <= ds <= ds_max, got {ds_min}, {ds}, {ds_max}")
    return (ds, ds_min, ds_max, check_integer("max_steps", max_steps, minimum=1),
            check_positive("tol", tol), check_integer("max_iter", max_iter, minimum=1))


def _first_point(branch, x0, p0, tol, max_iter):
    """Newton at fixed p = start from x0; a ContinuationError with the residual when it fails."""
    z0 = np.concatenate([x0 / branch.scale, [0.0], [0.0] if branch.phase is not None else []])
    branch.x_ref = x0
    fixed = np.zeros(branch.size)
    fixed[branch.n] = 1.0
    z, converged, iterations = branch.correct(z0, fixed, z0, 0.0, tol=tol, max_iter=max_iter)
    residual = float(np.max(np.abs(branch.residual(z)))) if np.all(np.isfinite(z)) else math.inf
    if not converged or residual > tol:
        start_residual = float(np.max(np.abs(branch.residual(z0))))
        raise ContinuationError(
            f"x0 is not near an equilibrium of {branch.system.name} at {branch.parameter} = "
            f"{describe(p0)}: Newton's method stopped after {iterations} iterations at residual "
            f"max|F| = {residual:.3g} (tol = {tol:g}; max|F(x0)| = {start_residual:.3g}); "
            f"start from a state closer to an equilibrium (e.g. a settled simulation)")
    jac = branch.jacobian(z)
    smallest, largest = _singular_range(np.delete(jac, branch.n, axis=1))
    # Rates are measured against 1 / (unit of time): the smallest singular value
    # is compared with max(1, largest), so a 1 x 1 zero Jacobian counts too.
    if smallest <= 1e-8 * max(1.0, largest):
        raise ContinuationError(
            f"the Jacobian of {branch.system.name} is singular at the start ({branch.parameter} = "
            f"{describe(p0)}, smallest singular value {smallest:.2e}): the start is a "
            f"bifurcation point or has a zero mode; start away from it, or pass "
            f"phase_condition='auto' (or the symmetry direction) for an equivariant model")
    return z


def continuation(system, parameter, start, stop, *, x0=None, ds=0.01, ds_min=1e-7, ds_max=0.05,
                 max_steps=500, tol=1e-10, max_iter=8, phase_condition="auto", jacobian="auto",
                 locate_tol=1e-10, stability=True):
    r"""Follow a branch of equilibria of ``system`` as ``parameter`` goes from ``start`` towards ``stop``.

    Pseudo-arclength continuation (Keller 1977): with the unknowns
    :math:`z = (x, p)` and :math:`G(z) = F(x, p)` the vector field, each step
    predicts :math:`z_{i+1}^{(0)} = z_i + \Delta s\, t_i` along the unit tangent
    (:math:`G_z t_i = 0`) and corrects by Newton's method on

    .. math::

        G(z) = 0, \qquad \langle t_i, z - z_i \rangle = \Delta s ,

    which stays regular at folds, where :math:`p` turns back.  The step
    :math:`\Delta s` halves after a failure, when the corrector lands farther
    than :math:`0.3\,\Delta s` from the prediction or the tangent turns by more
    than 37 degrees (so it cannot jump to another branch); otherwise it aims at
    a turn of 0.3 rad a step.  The corrector is a chord iteration on the LU
    factorisation that also gives the tangent (theory page: cost per point), and
    a model with a low-rank Jacobian (a CANN) gets its eigenvalues from a
    K x K problem.  Lengths are measured in
    :math:`(x / (\sqrt{N} s_x), q)`, :math:`s_x` the RMS of ``x0`` (at least 0.1; 1
    at the origin), with
    :math:`q = (p - \text{start}) / (\text{stop} - \text{start})`, so ``ds``
    is a fraction of the parameter range.  The branch ends where :math:`p`
    leaves the interval between ``start`` and ``stop`` (the last point located
    exactly on the bound), after ``max_steps``, or when the step falls below
    ``ds_min``.  A model with a continuous symmetry (a ring's rotations) has a
    zero mode :math:`v` that makes :math:`G_z` singular; then the equations
    become :math:`F(x, p) + c\,v = 0,\ \langle x - x_i, v\rangle = 0` with one
    more unknown :math:`c` (zero at solutions; Kuznetsov 2004, sec. 10.2),
    and :math:`v` is updated to the zero mode at each accepted point.

    Along the branch the eigenvalues of :math:`\partial F / \partial x` give
    the stability (the symmetry's zero mode excluded), and folds, Hopf points
    and branch points are detected and located (see
    :func:`attractors.analysis.switch_branch` to follow a bifurcating branch).

    Parameters
    ----------
    system : ContinuousSystem
        A dataclass model; ``parameter`` names one of its real-valued fields.
    parameter : str
    start, stop : float
        The branch starts at ``parameter = start`` and is followed towards ``stop``.
    x0 : array_like, shape (n_units,), optional
        A state near an equilibrium at ``start`` (default: the origin).
    ds, ds_min, ds_max : float
        Initial, smallest and largest step, in the scaled arclength.
    max_steps : int
    tol : float
        Newton's tolerance on :math:`\max_i |F_i|`.
    max_iter : int
        Newton iterations per step.
    phase_condition : {"auto", "none"} or array_like, shape (n_units,)
        ``"auto"`` appends a phase condition when the Jacobian at the start has
        an eigenvalue :math:`|\lambda| \le 10^{-6} \max(1, \max|\lambda|)`,
        along its eigenvector; a vector gives the symmetry direction.
    jacobian : {"auto", "analytic", "finite_differences"}
        As in :func:`attractors.analysis.jacobian_matrix`; :math:`\partial F /
        \partial p` is always a central difference.
    locate_tol : float
        Special points are located to this length of the scaled arclength
        (the parameter to about ``locate_tol * |stop - start|``).
    stability : bool
        Compute eigenvalues and find Hopf and branch points (folds are always found).

    Returns
    -------
    xarray.Dataset
        Over ``point``: ``parameter``, ``state`` (point, unit), ``norm``,
        ``arclength``, ``eigenvalue_real``/``eigenvalue_imag`` (point, mode;
        decreasing real part), ``n_unstable``, ``stable`` and the model's
        observables; over ``special``: ``special_type`` ("endpoint", "fold",
        "hopf", "branch_point"), ``special_parameter``, ``special_state``,
        ``special_frequency`` (Hopf) and ``special_point`` (the point before it).

    Raises
    ------
    ParameterError
        Bad arguments, before any work.
    ContinuationError
        ``x0`` is not near an equilibrium (the residual is given), or the
        Jacobian is singular at the start.

    References
    ----------
    Keller, H. B. (1977). Numerical solution of bifurcation and nonlinear
    eigenvalue problems. In Applications of Bifurcation Theory, 359-384.
    Kuznetsov, Y. A. (2004). Elements of Applied Bifurcation Theory, 3rd ed.,
    chapter 10. Springer.

    Examples
    --------
    The fold of a CANN bump at the closed-form critical inhibition:

    >>> import attractors
    >>> cann = attractors.CANN1D(n_units=64, k=2.0)
    >>> branch = continuation(cann, "k", 2.0, 20.0, x0=cann.bump_profile(0.0))
    >>> fold = branch.special_parameter[branch.special_type == "fold"]
    >>> round(float(fold[0]) / cann.critical_inhibition, 6)
    1.0
    """
    start, stop = _check_parameter(system, parameter, start, stop)
    steps = _check_steps(ds, ds_min, ds_max, max_steps, tol, max_iter)
    locate_tol = check_positive("locate_tol", locate_tol)
    if jacobian not in ("auto", "analytic", "finite_differences"):
        raise ParameterError(
            f"jacobian must be 'auto', 'analytic' or 'finite_differences', got {describe(jacobian)}")
    if x0 is None:
        x0 = np.zeros(system.n_units)
    x0 = check_finite_array("x0", x0, dtype=np.float64)
    if x0.shape != (system.n_units,):
        raise ParameterError(f"x0 must have shape ({system.n_units},), got shape {x0.shape}")
    phase, phase_note = _zero_mode(system, jacobian, x0, start, parameter, phase_condition)
    rms = float(np.sqrt(np.mean(x0 * x0)))
    branch = _Branch(system, parameter, start, stop, jacobian=jacobian, phase=phase,
                     state_scale=_state_scale(rms))
    z = _first_point(branch, x0, start, steps[4], steps[5])
    return follow(branch, z, steps, locate_tol=locate_tol, stability=bool(stability),
                  phase_note=phase_note)
