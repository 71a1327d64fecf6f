r"""Fixed points, slow points and short cycles of any DynamicalSystem: the search.

:func:`find_fixed_points` is the one verb.  It takes its starts (given, drawn
from the model, or from a trajectory with :func:`states_from_trajectory`) and
hands them to the continuous search (batched Levenberg-Marquardt on the vector
field, :mod:`._fixed_points_continuous`) or the discrete one (iterating the
map, :mod:`._fixed_points_discrete`), then labels what was found with the
spectrum of the Jacobian (:mod:`._stability`) and assembles one Dataset over
``fixed_point`` whose schema never depends on the numbers.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._system import ContinuousSystem, DiscreteSystem
from .._trajectory import encode_json_attr
from .._validate import (
    ParameterError,
    check_finite_array,
    check_integer,
    check_positive,
    describe,
    plain,
)
from ._fixed_points_continuous import _continuous_fixed_points
from ._fixed_points_discrete import (
    _all_states,
    _discrete_fixed_points,
    _from_state_space,
)
from ._stability import _check_system, _labelled, _time_units

__all__ = ["find_fixed_points", "states_from_trajectory"]


def states_from_trajectory(trajectory, n_states: int | None = None, *, transient: float = 0.0,
                           rng=None, seed=None) -> np.ndarray:
    """Starting states for :func:`find_fixed_points` drawn from a simulated trajectory.

    States visited by the dynamics lie where the flow is slow and near the
    manifolds that connect fixed points, the places worth searching (Sussillo &
    Barak 2013).

    Parameters
    ----------
    trajectory : xarray.Dataset
        Output of :func:`attractors.simulate` (variable ``state``).
    n_states : int, optional
        Number of states drawn uniformly, without replacement, from all
        (time, trial) records after ``transient``; all of them when None.
    transient : float
        Records with ``time < transient`` are left out.
    rng, seed : optional
        Random generator or seed for the draw.

    Returns
    -------
    ndarray, shape (n_states, n_units)
    """
    if not isinstance(trajectory, xr.Dataset) or "state" not in trajectory:
        raise ParameterError(f"trajectory must be a Dataset from simulate() with a 'state' "
                             f"variable, got {describe(trajectory)}")
    state = trajectory["state"]
    if "time" in state.dims:
        state = state.sel(time=state.time >= transient)
    batch = [d for d in state.dims if d != "unit"]
    flat = state.transpose(*batch, "unit").values.reshape(-1, state.sizes["unit"])
    flat = flat[np.all(np.isfinite(flat), axis=-1)]
    if flat.shape[0] == 0:
        raise ParameterError(f"the trajectory has no finite state at time >= {plain(transient)}")
    if n_states is None:
        return flat.copy()
    n_states = check_integer("n_states", n_states, minimum=1)
    if rng is not None and seed is not None:
        raise ParameterError("give rng or seed, not both")
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
        seed if rng is None else rng)
    pick = generator.choice(flat.shape[0], size=min(n_states, flat.shape[0]), replace=False)
    return flat[np.sort(pick)]



def _initial_array(system, initial_states, n_samples, rng):
    if isinstance(initial_states, xr.Dataset):
        return states_from_trajectory(initial_states, 100 if n_samples is None else n_samples,
                                      rng=rng)
    if initial_states is None:
        count = 100 if n_samples is None else check_integer("n_samples", n_samples, minimum=1)
        return np.asarray(system.initial_state(rng, count), dtype=np.float64)
    x = check_finite_array("initial_states", initial_states, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[-1] != system.n_units:
        raise ParameterError(f"initial_states must have shape (n_starts, {system.n_units}) "
                             f"for {system.name}, got shape {x.shape}")
    return x.copy()




# --------------------------------------------------------------------------- public


def find_fixed_points(system, initial_states=None, *, t: float = 0.0, inputs=None,
                      n_samples: int | None = None, tol: float = 1e-10, max_q: float = 1e-6,
                      max_iter: int = 200, n_newton: int = 3, merge_tol: float = 1e-6,
                      stability_tol: float = 1e-6, jacobian: str = "auto",
                      eigenvectors: bool = True, exhaustive: bool | None = None,
                      max_steps: int = 100, max_period: int = 2, rng=None,
                      seed=None) -> xr.Dataset:
    r"""Find the fixed points (and slow points, or short cycles) of a dynamical system.

    **Continuous systems.**  From every starting state, minimise
    :math:`q(x) = \frac12 \lVert F(t, x, u) \rVert^2` by batched
    Levenberg-Marquardt steps on :math:`F` (see the module notes), polish the
    results with ``n_newton`` Newton steps, merge duplicates, and analyse each
    point: Jacobian :math:`J = \partial F/\partial x` (analytic where the model
    gives it, central differences otherwise), eigenvalues sorted by decreasing
    real part, eigenvectors, and a stability label (:func:`classify_stability`).
    Saddles and unstable points are found as well as attractors.  Points with
    :math:`\max_i |F_i| \le` ``tol`` are fixed points; local minima of
    :math:`q` above that with :math:`q \le` ``max_q`` are kept as *slow
    points* (``kind == "slow point"``), where the flow is slow without stopping
    (Sussillo & Barak 2013).

    **Discrete systems.**  Iterate the map from every start for up to
    ``max_steps`` steps and detect fixed points and cycles of period up to
    ``max_period`` (:math:`x_k = x_{k-p}`).  With ``exhaustive`` (default: for
    networks of at most 16 units when ``initial_states`` is None) the starts
    are all :math:`2^N` binary states, so every attractor is found (for a
    deterministic :class:`~attractors.HopfieldNetwork` the answer is read from
    :func:`~attractors.analysis.state_space`, which tabulates every state's
    successor at once: ``n_found`` is then the exact basin size, for
    asynchronous updates the states all of whose descents end there);
    otherwise ``n_samples`` random states (``system.initial_state``).  For a
    random asynchronous order, a state that one sweep leaves unchanged is a
    fixed point of every order.

    Parameters
    ----------
    system : DynamicalSystem
    initial_states : array_like, shape (n_starts, n_units), or Dataset, optional
        Starting states, or a trajectory from :func:`attractors.simulate` to
        draw them from (:func:`states_from_trajectory`).  Default:
        ``n_samples`` (100) states from ``system.initial_state``.
    t : float
        Time at which the (autonomous part of the) vector field is taken.
    inputs : array_like, optional
        A constant input held during the search.
    n_samples : int, optional
        Number of starts drawn when ``initial_states`` is None or a Dataset
        (default 100).
    tol : float
        A point is a fixed point when :math:`\max_i |F_i| \le` tol.  After
        Newton polishing a regular zero reaches round-off,
        :math:`|F| \sim \epsilon\,\lVert W\rVert\,\lVert x\rVert \sim 10^{-14}`
        for states of order one; 1e-10 leaves a margin for ill-conditioned
        Jacobians.
    max_q : float
        Largest :math:`q` of a slow point worth reporting.
    max_iter, n_newton : int
        Levenberg-Marquardt iterations (at most) and Newton polishing steps.
    merge_tol : float
        Two points are one when they differ by at most
        :math:`\text{merge\_tol}\,(1 + \max_i |x_i|)` in every unit.  The
        polished points are accurate to about :math:`\text{tol}/\sigma_{min}(J)`;
        1e-6 merges copies of one regular zero while keeping apart points a
        finite distance apart, such as neighbours on a line of fixed points.
    stability_tol : float
        Eigenvalues with :math:`|\mathrm{Re}\,\lambda| \le` stability_tol count
        as zero (marginal).
    jacobian : {"auto", "analytic", "finite_differences"} or callable
        Where the Jacobian comes from; a callable ``jacobian(t, x, inputs)``
        returning shape ``(..., n_units, n_units)`` supplies one for a model
        that gives none.
    eigenvectors : bool
        Also compute eigenvectors (``eigenvectors[fixed_point, unit, mode]``).
    exhaustive : bool, optional
        Discrete systems: start from all :math:`2^N` binary states.
    max_steps, max_period : int
        Discrete systems: iterations, and the longest cycle detected.
    rng, seed : optional
        Random generator or seed (initial states, random update orders).

    Returns
    -------
    xarray.Dataset
        Continuous: dims ``fixed_point``, ``unit``, ``wrt_unit``, ``mode``;
        variables ``state``, ``q``, ``speed`` (:math:`\max_i|F_i|`),
        ``is_fixed_point``, ``kind`` ("fixed point" / "slow point"),
        ``stability`` (:func:`classify_stability`), ``point_type`` (node,
        focus, saddle, saddle-focus, centre, marginal, degenerate:
        :func:`classify_fixed_point`), ``is_stable``, ``n_unstable_modes``,
        ``n_zero_modes``, ``n_found`` (starts that ended there), ``jacobian``,
        ``eigenvalue_real`` and ``eigenvalue_imag`` (fixed_point, mode; by
        decreasing real part), ``eigenvector_real`` and ``eigenvector_imag``
        (fixed_point, unit, mode; unit norm, columns over ``mode``) and
        ``energy`` where defined.  Discrete: ``state`` (a cycle's smallest
        state), ``period``, ``kind``, ``cycle`` (fixed_point, phase, unit;
        NaN-padded), ``n_found``, ``energy``; attrs ``method`` ("state_space"
        or "iterated map").  The schema never depends on the numbers: complex
        spectra are stored as two real variables (join them with
        :func:`as_complex`), so every result saves with a plain ``to_netcdf``.
        Every variable carries ``long_name`` and ``units`` attrs (rates in
        the inverse of the model's ``time_unit``).

    References
    ----------
    D. Sussillo and O. Barak, Neural Computation 25, 626 (2013).
    M. D. Golub and D. Sussillo, J. Open Source Software 3, 1003 (2018).
    J. J. More, in Numerical Analysis, Lecture Notes in Math. 630, 105 (1978).

    Examples
    --------
    The double well :math:`\dot x = x - x^3` has two stable points at
    :math:`\pm1` (eigenvalue :math:`1 - 3x^2 = -2`) and an unstable one at 0
    (eigenvalue 1):

    >>> import numpy as np
    >>> import attractors
    >>> class DoubleWell(attractors.ContinuousSystem):
    ...     n_units = 1
    ...     def vector_field(self, t, x, inputs=None):
    ...         return x - x**3
    >>> fp = find_fixed_points(DoubleWell(), np.linspace(-2, 2, 9)[:, None])
    >>> fp.state.values.ravel().round(12).tolist(), fp.stability.values.tolist()
    ([-1.0, 0.0, 1.0], ['stable', 'unstable', 'stable'])
    >>> fp.eigenvalue_real.values.ravel().round(8).tolist(), fp.point_type.values.tolist()
    ([-2.0, 1.0, -2.0], ['stable node', 'unstable node', 'stable node'])
    """
    _check_system(system)
    for name, value in (("tol", tol), ("merge_tol", merge_tol), ("stability_tol", stability_tol),
                        ("max_q", max_q)):
        check_positive(name, value, allow_zero=True)
    max_iter = check_integer("max_iter", max_iter, minimum=0)
    n_newton = check_integer("n_newton", n_newton, minimum=0)
    if rng is not None and seed is not None:
        raise ParameterError("give rng or seed, not both")
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(
        seed if rng is None else rng)
    if isinstance(system, DiscreteSystem):
        max_steps = check_integer("max_steps", max_steps, minimum=1)
        max_period = check_integer("max_period", max_period, minimum=1)
        if exhaustive is None:
            exhaustive = initial_states is None and system.n_units <= 16
        delegated = None
        if exhaustive:
            if initial_states is not None:
                raise ParameterError("give initial_states or exhaustive=True, not both")
            if system.n_units > 22:
                raise ParameterError(f"exhaustive=True needs 2**n_units starts; n_units = "
                                     f"{system.n_units} is above the limit of 22")
            if inputs is None:
                delegated = _from_state_space(system, max_period)
            x0 = _all_states(system)
        else:
            x0 = _initial_array(system, initial_states, n_samples, generator).astype(
                system.state_dtype)
        if delegated is not None:
            data, attrs = delegated
        else:
            data, attrs = _discrete_fixed_points(system, x0, inputs=inputs, max_steps=max_steps,
                                                 max_period=max_period, rng=generator)
        attrs["exhaustive"] = int(bool(exhaustive))
    else:
        if exhaustive:
            raise ParameterError("exhaustive=True is for discrete systems (a finite state space); "
                                 f"{system.name} is continuous")
        x0 = _initial_array(system, initial_states, n_samples, generator)
        data, attrs = _continuous_fixed_points(
            system, x0, t=float(t), inputs=inputs, tol=tol, max_q=max_q, max_iter=max_iter,
            n_newton=n_newton, merge_tol=merge_tol, stability_tol=stability_tol,
            jacobian=jacobian, eigenvectors=eigenvectors)
    coords = {"unit": np.arange(system.n_units)}
    for name, (dim, values) in system.coords.items():
        if dim == "unit":
            coords[name] = ("unit", np.asarray(values))
    result = xr.Dataset(data, coords=coords)
    result = result.assign_coords(fixed_point=np.arange(result.sizes["fixed_point"]))
    if "mode" in result.dims:
        result = result.assign_coords(mode=np.arange(result.sizes["mode"]))
    try:
        parameters = encode_json_attr(system.params)
    except (TypeError, ValueError):
        parameters = "{}"
    result.attrs.update({"model": system.name, "parameters": parameters, **attrs,
                         "message": _message(system, result)})
    return _labelled(result, _labels(system))


def _labels(system) -> dict:
    """``long_name`` and ``units`` of every variable find_fixed_points may return."""
    time = _time_units(system)
    rate = f"1/{time}" if isinstance(system, ContinuousSystem) else "1"
    return {
        "state": ("state at the fixed point (a cycle's smallest state)", "model state units"),
        "q": ("speed function q = |F|^2 / 2", f"(model state units/{time})^2"),
        "speed": ("max_i |F_i| at the point", f"model state units/{time}"),
        "is_fixed_point": ("max_i |F_i| <= tol (else a slow point)", "1"),
        "kind": ("fixed point, slow point or cycle", "1"),
        "stability": ("stability from the real parts of the eigenvalues", "1"),
        "point_type": ("type of fixed point from its eigenvalues", "1"),
        "is_stable": ("every mode decays", "1"),
        "n_unstable_modes": ("number of growing modes", "1"),
        "n_zero_modes": ("number of modes with |Re lambda| <= stability_tol", "1"),
        "n_found": ("starts that ended at this point", "1"),
        "jacobian": ("Jacobian dF_i/dx_j", rate),
        "eigenvalue_real": ("eigenvalue of the Jacobian (real part)", rate),
        "eigenvalue_imag": ("eigenvalue of the Jacobian (imaginary part)", rate),
        "eigenvector_real": ("unit eigenvector of the Jacobian (real part)", "1"),
        "eigenvector_imag": ("unit eigenvector of the Jacobian (imaginary part)", "1"),
        "energy": ("energy (Lyapunov function) at the point", "model energy units"),
        "period": ("period of the cycle (1: a fixed point)", "updates"),
        "cycle": ("states of the cycle, NaN-padded", "model state units"),
        "unit": ("unit index", "1"),
        "wrt_unit": ("unit differentiated against", "1"),
        "mode": ("mode, by decreasing real part", "1"),
        "fixed_point": ("fixed point index", "1"),
        "phase": ("step along the cycle", "updates"),
    }


def _message(system, result) -> str:
    if "stability" in result:
        labels, counts = np.unique(result.stability.values, return_counts=True)
        summary = ", ".join(f"{c} {s}" for s, c in zip(labels, counts))
        slow = int(np.sum(~result.is_fixed_point.values))
        return (f"{result.sizes['fixed_point']} points of {system.name}: {summary or 'none'}"
                + (f" ({slow} slow points)" if slow else ""))
    periods, counts = np.unique(result.period.values, return_counts=True)
    return f"{system.name}: " + (", ".join(f"{c} of period {p}" for p, c in zip(periods, counts))
                                 or "no attractor reached")
