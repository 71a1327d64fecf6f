r"""Lyapunov spectra by the QR method on the tangent dynamics, for flows and maps.

The tangent dynamics of a flow :math:`\dot x = F(x)` carry k tangent vectors
:math:`Q` along the trajectory, :math:`\dot Q = J(x)\,Q`; those of a map carry
:math:`Q_{n+1} = J(x_n)\,Q_n`.  Every few steps the vectors are orthonormalised,
:math:`Q = \hat Q R`, and the logarithms of :math:`|R_{ii}|` summed; divided by the
elapsed time they converge to the k largest Lyapunov exponents (Benettin,
Galgani, Giorgilli & Strelcyn 1980; Shimada & Nagashima 1979).

The state and its tangent vectors are stepped together, as one array of shape
``(n_trials, k + 1, n_units)`` (row 0 the state, rows 1..k the tangent vectors),
by the solver's own stepper: an explicit Runge-Kutta method applied to the
augmented system is exactly the derivative of the numerical flow map, so the
exponents are those of the map the solver computes.  Tangent vectors come from
the model's analytic Jacobian or from finite differences evaluated in ONE batched
call of the vector field on the stacked states :math:`x \pm \epsilon q_j`.
"""

from __future__ import annotations

import numpy as np

from .._simulate import _resolve_rng
from .._system import ContinuousSystem, DiscreteSystem
from .._validate import (
    ParameterError,
    check_choice,
    check_finite_array,
    check_integer,
    check_positive,
    describe,
)
from ..solvers import Adaptive, EulerMaruyama, MapStepper, get_solver
from ._lyapunov_dataset import _spectrum_dataset, kaplan_yorke_dimension
from ._stacked import cache_groups, rate_tangent_field, stack_systems

__all__ = ["kaplan_yorke_dimension", "largest_lyapunov_exponent", "lyapunov_spectrum"]

#: Relative step of the finite-difference tangent (about the cube root of the
#: machine epsilon: the central difference then balances truncation and round-off).
_FD_STEP = 6e-6


class _Tangent(ContinuousSystem):
    """The augmented system (state and tangent vectors) that a solver steps as one array."""

    def __init__(self, system, tangent, n_exponents):
        self.system, self.n_units, self._k = system, system.n_units, n_exponents
        # An instance attribute: the solver's stepper looks up one bound method, no dispatch.
        self.vector_field = {"jacobian": self._analytic, "finite_difference": self._central,
                             "forward_difference": self._forward}[tangent]
        structured = rate_tangent_field(system) if tangent == "jacobian" else None
        if structured is not None:  # a rate network's exact tangent in one product
            self.vector_field = lambda t, y, inputs=None: structured(t, y, _stacked(inputs))

    def vector_field(self, t, y, inputs=None):  # replaced per instance in __init__
        raise NotImplementedError

    def _analytic(self, t, y, inputs=None):
        x, q = y[..., :1, :], y[..., 1:, :]
        jac = self.system.jacobian(t, x[..., 0, :], inputs)
        return np.concatenate([self.system.vector_field(t, x, _stacked(inputs)),
                               q @ np.swapaxes(jac, -1, -2)], axis=-2)

    def _central(self, t, y, inputs=None):
        return _central(lambda z: self.system.vector_field(t, z, _stacked(inputs)), y, self._k)

    def _forward(self, t, y, inputs=None):
        return _forward(lambda z: self.system.vector_field(t, z, _stacked(inputs)), y)

    def leak_rate(self):
        return self.system.leak_rate()


def _stacked(inputs):
    """Inputs of a batch, shape (n_trials, N), given an axis for the stacked rows."""
    return inputs[..., None, :] if inputs is not None and np.ndim(inputs) >= 2 else inputs


def _central(function, y, k):
    r"""``function`` at the state (row 0) and its central-difference JVPs along rows 1..k.

    One call on ``(..., 2k + 1, N)``: :math:`x`, :math:`x + s_j q_j`, :math:`x - s_j q_j`
    with :math:`s_j = \epsilon (1 + \max|x|) / |q_j|`; exact for quadratic maps.
    """
    x, q = y[..., :1, :], y[..., 1:, :]
    norms = np.sqrt(np.einsum("...i,...i->...", q, q))[..., None]
    norms[norms == 0] = 1.0
    scale = (_FD_STEP * (1.0 + np.abs(x).max(axis=-1, keepdims=True))) / norms
    step = scale * q
    out = function(np.concatenate([x, x + step, x - step], axis=-2))
    return np.concatenate([out[..., :1, :], (out[..., 1:k + 1, :] - out[..., k + 1:, :])
                           / (2.0 * scale)], axis=-2)


def _forward(function, y):
    r"""``function`` at the state and forward-difference JVPs: one call on ``(..., k + 1, N)``.

    Half the evaluations of :func:`_central` (the state's own row is needed anyway),
    with step :math:`\sqrt{\epsilon_{mach}}` and relative error ~1e-8.
    """
    x, q = y[..., :1, :], y[..., 1:, :]
    norms = np.sqrt(np.einsum("...i,...i->...", q, q))[..., None]
    norms[norms == 0] = 1.0
    scale = (1.5e-8 * (1.0 + np.abs(x).max(axis=-1, keepdims=True))) / norms
    out = function(np.concatenate([x, x + scale * q], axis=-2))
    return np.concatenate([out[..., :1, :], (out[..., 1:, :] - out[..., :1, :]) / scale],
                          axis=-2)


def _check_run(system, x0, n_exponents, t_span, n_steps, dt, transient, renormalize_every):
    """Validated run settings: (x0, k, dt, n_steps, n_transient, every)."""
    if not isinstance(system, (ContinuousSystem, DiscreteSystem)):
        raise ParameterError(f"system must be a ContinuousSystem or DiscreteSystem, got "
                             f"{describe(system)}")
    n = system.n_units
    x0 = check_finite_array("x0", x0, dtype=np.float64)
    if x0.ndim not in (1, 2) or x0.shape[-1] != n:
        raise ParameterError(f"x0 must have shape ({n},) or (n_trials, {n}) for {system.name}, "
                             f"got shape {x0.shape}")
    k = n if n_exponents is None else check_integer("n_exponents", n_exponents, minimum=1)
    if k > n:
        raise ParameterError(f"n_exponents must be <= n_units = {n}, got {k}")
    is_map = isinstance(system, DiscreteSystem)
    dt = 1.0 if is_map else check_positive("dt", dt)
    if (t_span is None) == (n_steps is None):
        raise ParameterError(f"give exactly one of t_span and n_steps, got t_span={t_span!r} "
                             f"and n_steps={n_steps!r}")
    if n_steps is None:
        n_steps = int(round(check_positive("t_span", t_span) / dt))
    n_steps = check_integer("n_steps", n_steps, minimum=1)
    n_transient = int(round(check_positive("transient", transient, allow_zero=True) / dt))
    every = (1 if is_map else 10) if renormalize_every is None else check_integer(
        "renormalize_every", renormalize_every, minimum=1)
    if n_steps < every:
        raise ParameterError(f"the run has {n_steps} steps, fewer than renormalize_every = "
                             f"{every}; lengthen t_span / n_steps")
    return x0, k, dt, n_steps, n_transient, every


def _steppers(system, solver, tangent, k, dt, inputs, rng):
    """(augmented step, names): ``step(t, y) -> y_next`` for the state and its tangent."""
    if isinstance(system, DiscreteSystem):
        def augmented(t, y):
            return _central(lambda z: system.update(z, rng, _stacked(inputs)), y, k)

        def state(t, x):
            return system.update(x, rng, inputs)

        return augmented, state, ("update", "finite_difference")
    solver = get_solver(solver)
    if isinstance(solver, (Adaptive, MapStepper)) or (
            isinstance(solver, EulerMaruyama) and np.any(solver.noise != 0)):
        raise ParameterError(f"solver must be a deterministic fixed-step solver (euler, heun, "
                             f"rk4, exponential_euler), got {solver!r}")
    tangent = check_choice("tangent", tangent,
                           ["auto", "jacobian", "finite_difference", "forward_difference"])
    if tangent == "auto":
        # The Jacobian costs N columns per state; central differences 2k + 1 batched
        # evaluations of the vector field: take the Jacobian only where it is cheaper,
        # or where the model's structure gives J q directly (rate networks).
        tangent = "finite_difference"
        if rate_tangent_field(system) is not None:
            tangent = "jacobian"
        elif 2 * k + 1 >= system.n_units:
            try:
                system.jacobian(0.0, np.zeros(system.n_units), inputs)
                tangent = "jacobian"
            except NotImplementedError:
                pass
    u = None if inputs is None else (lambda t: inputs)
    augmented = solver.make_stepper(_Tangent(system, tangent, k), dt, u, rng)
    return augmented, solver.make_stepper(system, dt, u, rng), (solver.name, tangent)


def _orthonormalise(y):
    """``y`` with its tangent rows orthonormalised, and ``log |R_ii|`` of the QR step."""
    basis, upper = np.linalg.qr(np.swapaxes(y[:, 1:, :], 1, 2))
    growth = np.log(np.abs(np.diagonal(upper, axis1=1, axis2=2)))
    return np.concatenate([y[:, :1, :], np.swapaxes(basis, 1, 2)], axis=1), growth


def _qr_run(augmented, state, x0, q0, n_steps, n_transient, every, dt, n_record):
    """Step, orthonormalise every ``every`` steps; (exponents, records, times, final state).

    The first half of the transient steps the state alone (a fraction of the cost
    for a small system, where each call's overhead dominates): it brings the
    state onto the attractor, whose measure a start off it reaches only slowly
    (Lorenz: 5 time units of transient bias lambda_1 by about -0.3/T).  The second
    half steps the tangent vectors too (renormalised, not counted), so they are
    aligned with the Oseledets directions when the measurement starts: otherwise
    their initial alignment biases each exponent by O(1)/T.
    """
    x, t = x0, 0.0
    n_free = n_transient // 2
    with np.errstate(all="ignore"):  # a diverging trial becomes NaN, not an exception
        for _ in range(n_free):
            x = state(t, x)
            t += dt
    y = np.concatenate([x[:, None, :], q0], axis=1)
    with np.errstate(all="ignore"):
        for step in range(n_free + 1, n_transient + 1):
            y = augmented(t, y)
            t += dt
            if step % every == 0 or step == n_transient:
                y, _ = _orthonormalise(y)
        n_blocks = n_steps // every
        record_at = set(np.unique(np.linspace(1, n_blocks, min(n_record, n_blocks)).astype(int)))
        total = np.zeros(q0.shape[:2])
        records, record_times = [], []
        for block in range(1, n_blocks + 1):
            for _ in range(every):
                y = augmented(t, y)
                t += dt
            y, growth = _orthonormalise(y)
            total += growth
            if block in record_at:
                elapsed = block * every * dt
                records.append(total / elapsed)
                record_times.append(elapsed)
    return total / (n_blocks * every * dt), np.array(records), np.array(record_times), y[:, 0]


def lyapunov_spectrum(system, x0, *, n_exponents=None, t_span=None, n_steps=None, dt=0.01,
                      solver="rk4", transient=0.0, renormalize_every=None, tangent="auto",
                      inputs=None, settle_tolerance=0.01, n_record=100, rng=None, seed=None):
    r"""The k largest Lyapunov exponents by the QR method on the tangent dynamics.

    Along a trajectory :math:`x(t)` the k tangent vectors evolve by the
    linearised dynamics, :math:`\dot Q = J(x)\,Q` for a flow and
    :math:`Q_{n+1} = J(x_n)\,Q_n` for a map.  Every ``renormalize_every`` steps
    they are orthonormalised, :math:`Q = \hat Q R` (numpy's batched QR), and

    .. math:: \lambda_i = \lim_{T\to\infty} \frac{1}{T} \sum_{\text{renorm.}} \ln |R_{ii}|

    (Benettin, Galgani, Giorgilli & Strelcyn 1980; Shimada & Nagashima 1979).
    The state and its tangent vectors are stepped as one array by ``solver``,
    so the exponents are those of the numerical flow map; a batch of initial
    states runs vectorised (no loop over trials).

    Parameters
    ----------
    system : ContinuousSystem or DiscreteSystem, or a sequence of ContinuousSystems
        The model; a map must be smooth (deterministic, differentiable).  A
        list of flows of one class and size (e.g. 20 random networks) runs as
        one batch, with a leading ``system`` dimension in the result:
        :class:`~attractors.models.RateNetwork` s sharing a transfer function
        by one batched product with their stacked weights per step.
    x0 : array_like, shape (n_units,) or (n_trials, n_units)
        Initial state(s); for a sequence of systems, one state for all or one
        per system, shape (n_systems, n_units).
    n_exponents : int, optional
        k, the number of exponents (default: all ``n_units``).
    t_span, n_steps : float or int
        Length of the measurement (after the transient), in time units or in
        steps; give exactly one.  For a map one step is one time unit.
    dt : float
        Time step of a flow (ignored for a map).
    solver : str or Solver
        A deterministic fixed-step solver (default ``"rk4"``).
    transient : float
        Time run first and not counted: the first half moves the state alone
        (to reach the attractor and its invariant measure), the second half
        also the tangent vectors (to align them with the directions of growth).
    renormalize_every : int, optional
        Steps between orthonormalisations (default 1 for a map, 10 for a flow).
        Between two of them the tangent vectors turn towards the most unstable
        direction, and the part of :math:`q_k` orthogonal to the others shrinks by
        :math:`e^{-(\lambda_1-\lambda_k)\tau}`: the finite-difference error
        (~1e-11 relative) grows by the inverse factor, so keep
        :math:`(\lambda_1-\lambda_k)\tau` of order one.
    tangent : {"auto", "jacobian", "finite_difference", "forward_difference"}
        Flows: the model's analytic ``jacobian`` or central differences of the
        vector field, evaluated in one batched call on the 2k + 1 states
        :math:`x, x \pm s q_j`.  "auto" takes the Jacobian where the model has
        one and 2k + 1 >= n_units (it then costs no more than the differences).
        "forward_difference" evaluates k + 1 states (half the cost, relative
        error ~1e-8 instead of ~1e-10).  For a
        :class:`~attractors.models.RateNetwork` "jacobian" (and "auto") never
        forms the N x N Jacobian: the rows :math:`\phi(u)` and
        :math:`\phi'(u) \odot q_j` go through one product with :math:`W^\top`.  Maps always use
        central differences of ``update``.
    inputs : array_like, optional
        A constant external input, shape ``input_shape`` or per trial.
    settle_tolerance : float
        ``settled`` is True for a trial whose running estimate stayed within
        this distance of the final one over the last half of the measurement.
    n_record : int
        Number of times at which the running estimate is recorded.
    rng, seed : numpy.random.Generator or int, optional
        Random orthonormal initial tangent vectors (same seed, same result).

    Returns
    -------
    xarray.Dataset
        ``exponent`` (``trial`` for a batch, or ``system`` for a sequence of
        systems; ``exponent_index``: largest first),
        ``running_exponent`` (also over ``time``), ``settled``,
        ``kaplan_yorke_dimension`` and ``final_state``; attrs say how it was computed.

    References
    ----------
    G. Benettin, L. Galgani, A. Giorgilli and J.-M. Strelcyn, Meccanica 15, 9 (1980).
    I. Shimada and T. Nagashima, Prog. Theor. Phys. 61, 1605 (1979).

    Examples
    --------
    A linear flow has exponents equal to the real parts of its eigenvalues:

    >>> import numpy as np
    >>> import attractors
    >>> from attractors.analysis import lyapunov_spectrum
    >>> class Linear(attractors.ContinuousSystem):
    ...     n_units = 2
    ...     def vector_field(self, t, x, inputs=None):
    ...         return x @ np.array([[-1.0, 2.0], [-2.0, -1.0]]).T
    >>> result = lyapunov_spectrum(Linear(), [1.0, 0.0], t_span=20.0, dt=0.01, seed=0)
    >>> np.round(result.exponent.values, 6)
    array([-1., -1.])
    """
    lead_dim = "trial"
    if isinstance(system, (list, tuple)):
        system, x0, lead_dim = _stacked_run(system, x0)
    x0, k, dt, n_steps, n_transient, every = _check_run(
        system, x0, n_exponents, t_span, n_steps, dt, transient, renormalize_every)
    settle_tolerance = check_positive("settle_tolerance", settle_tolerance)
    n_record = check_integer("n_record", n_record, minimum=2)
    if inputs is not None:
        inputs = check_finite_array("inputs", inputs, dtype=np.float64)
    rng, seed = _resolve_rng(rng, seed)
    batched = x0.ndim == 2
    x = x0 if batched else x0[None]
    random = rng.standard_normal(x.shape[:1] + (system.n_units, k))
    q0 = np.swapaxes(np.linalg.qr(random)[0], 1, 2)
    # A batch of large networks runs in groups that keep their weights in cache (one
    # group otherwise); the groups' numbers are those of one run: the same q0, no noise.
    shared_inputs = inputs is None or inputs.ndim <= 1
    groups = cache_groups(system) if lead_dim == "system" and shared_inputs else [slice(None)]
    parts = []
    for part in groups:
        member = system if len(groups) == 1 else stack_systems(system.systems[part])
        augmented, state, (solver_name, tangent_used) = _steppers(member, solver, tangent, k,
                                                                  dt, inputs, rng)
        parts.append(_qr_run(augmented, state, x[part], q0[part], n_steps, n_transient, every,
                             dt, n_record))
    tangent = tangent_used
    final = np.concatenate([p[0] for p in parts])
    running = np.concatenate([p[1] for p in parts], axis=1)
    times, last = parts[0][2], np.concatenate([p[3] for p in parts])
    # Sorted largest first: QR keeps the order only up to near-degenerate pairs.
    order = np.argsort(-final, axis=-1)
    final = np.take_along_axis(final, order, axis=-1)
    running = np.take_along_axis(running, order[None], axis=-1)
    late = times >= times[-1] / 2
    settled = np.all(np.abs(running[late] - final) <= settle_tolerance, axis=(0, 2))
    return _spectrum_dataset(system, final, running, times, settled, last, batched,
                             lead_dim=lead_dim, attrs={
        "method": "QR (Benettin et al. 1980; Shimada & Nagashima 1979)", "solver": solver_name,
        "tangent": tangent, "dt": dt, "n_steps": n_steps, "transient": n_transient * dt,
        "renormalize_every": every, "settle_tolerance": settle_tolerance,
        "seed": -1 if seed is None else seed, "model": system.name})


def _stacked_run(systems, x0):
    """A sequence of systems as one stacked system; x0 broadcast to one state per system."""
    stacked = stack_systems(systems)
    n_systems, n = len(stacked.systems), stacked.n_units
    x0 = check_finite_array("x0", x0, dtype=np.float64)
    if x0.shape not in ((n,), (n_systems, n)):
        raise ParameterError(f"x0 must have shape ({n},) or (n_systems, {n}) = ({n_systems}, "
                             f"{n}) for a sequence of {n_systems} systems, got shape {x0.shape}")
    return stacked, np.array(np.broadcast_to(x0, (n_systems, n))), "system"


def largest_lyapunov_exponent(system, x0, **options):
    r"""The largest Lyapunov exponent: :func:`lyapunov_spectrum` with one tangent vector.

    .. math:: \lambda_1 = \lim_{T\to\infty} \frac1T \ln \frac{|q(T)|}{|q(0)|},
              \qquad \dot q = J(x)\, q ,

    renormalising :math:`q` as it grows (Benettin et al. 1980).  Takes the same
    keywords as :func:`lyapunov_spectrum` (except ``n_exponents``).

    Returns
    -------
    xarray.Dataset
        As :func:`lyapunov_spectrum`, without the ``exponent_index`` dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.models import RateNetwork
    >>> net = RateNetwork.random(100, gain=0.5, seed=1)
    >>> result = largest_lyapunov_exponent(net, np.full(100, 0.1), t_span=20.0, dt=0.1, seed=0)
    >>> bool(result.exponent < 0)
    True
    """
    if "n_exponents" in options:
        raise ParameterError("largest_lyapunov_exponent computes one exponent; use "
                             "lyapunov_spectrum for n_exponents")
    data = lyapunov_spectrum(system, x0, n_exponents=1, **options)
    return data.drop_vars("kaplan_yorke_dimension").squeeze("exponent_index", drop=True)
