r"""Point attractors and continuous attractors side by side, on one protocol.

:func:`compare` applies the same protocol to every model (cue the attractor
with noise, let it run, then hold it under ongoing noise) and returns one
Dataset over ``model``: recall, convergence time, energy descent, the
eigenvalue spectrum at the attractor, and the drift along the attractor under
noise.  The last one is where the two kinds differ in kind: perturbations of a
point attractor decay in every direction, so the state returns and its mean
squared displacement saturates; a ring has a zero mode, along which noise is
not opposed, so the bump diffuses and the displacement grows linearly in time
(Burak & Fiete 2012).  :func:`drift_along_attractor` measures that drift and,
for a ring, predicts it from the Jacobian: with additive noise
:math:`dx = F\,dt + \sigma\,dW`, projecting onto the zero mode with the left
null vector :math:`l` of :math:`J` (:math:`l^\top J = 0`) gives

.. math:: d\phi = \frac{\sigma\, l^\top dW}{l^\top \partial_\theta u^*}, \qquad
          D = \frac{\sigma^2 \lVert l\rVert^2}{2\,(l^\top \partial_\theta u^*)^2},
          \qquad \langle (\phi(t) - \phi(0))^2 \rangle = 2 D t .
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._simulate import simulate
from .._system import ContinuousSystem, DiscreteSystem
from .._validate import ParameterError, check_finite_array, check_integer, check_positive, \
    describe
from ..solvers import EulerMaruyama
from ._bump import bump_position
from ._fixed_points import find_fixed_points
from ._stability import _check_system, jacobian_matrix

__all__ = ["compare", "drift_along_attractor"]


def _ring_angles(system):
    from ._continuous import ring_coordinate

    try:
        return ring_coordinate(system)[1]
    except ParameterError:
        return None


def _attractor(system, target, seed, t_span, dt, solver):
    """A polished fixed point near target (or the end of a run from a random state)."""
    discrete = isinstance(system, DiscreteSystem)
    if target is None:
        start = system.initial_state(np.random.default_rng(seed), None)
        run = simulate(system, start, t_span=t_span, dt=None if discrete else dt, solver=solver,
                       seed=seed, stop_at_fixed_point=True)
        target = run.state.values[-1]
    target = check_finite_array("target", target, dtype=np.float64)
    if target.shape != (system.n_units,):
        raise ParameterError(f"the target of {system.name} must have shape ({system.n_units},), "
                             f"got {target.shape}")
    if discrete:
        found = find_fixed_points(system, target[None].astype(system.state_dtype),
                                  exhaustive=False, seed=seed)
        if found.sizes["fixed_point"] == 0 or int(found.period.values[0]) != 1:
            raise ParameterError(f"no fixed point of {system.name} is reached from its target: "
                                 "give a target on an attractor")
        return found.isel(fixed_point=0)
    found = find_fixed_points(system, target[None], max_q=1e300)
    if found.sizes["fixed_point"] == 0 or not bool(found.is_fixed_point.values[0]):
        raise ParameterError(f"no fixed point of {system.name} near its target (max |F| after "
                             "polishing is above 1e-10): give a target on an attractor")
    return found.isel(fixed_point=0)


def _slope(lags, msd):
    """Least-squares slope of msd against lag, per row."""
    lag = lags - lags.mean()
    return (msd - msd.mean(axis=-1, keepdims=True)) @ lag / np.sum(lag**2)


def drift_along_attractor(system, state, noise, *, t_span, dt, n_trials: int = 50,
                          transient: float | None = None, n_records: int = 400,
                          seed: int = 0) -> xr.Dataset:
    r"""Diffusion along an attractor under additive noise, measured and (for a ring) predicted.

    Runs ``n_trials`` copies from the fixed point ``state`` with
    Euler-Maruyama, :math:`dx = F\,dt + \sigma\,dW`, and follows a coordinate
    along the attractor: for a ring (units with an angular coordinate) the
    unwrapped bump position :math:`\phi` (radians); otherwise the projection
    :math:`c = v^\top (x - x^*)` on the unit eigenvector of the slowest mode
    (the direction in which the attractor is softest).  The mean squared
    displacement over lag :math:`\tau`, averaged over trials and start times
    after ``transient``, gives the diffusion coefficient from its slope,

    .. math:: D = \frac{1}{2} \frac{d}{d\tau}
              \big\langle (c(t + \tau) - c(t))^2 \big\rangle ,

    fitted over lags from 1/4 to 1/2 of the record after the transient (long
    against the decay of the other modes).  For a point attractor the MSD
    saturates at :math:`2\,\mathrm{Var}(c)` and D tends to 0; for a ring D is
    the bump's diffusion coefficient, compared with the prediction from the
    Jacobian (module notes).  The standard error comes from the spread of the
    per-trial slopes.

    Parameters
    ----------
    system : ContinuousSystem
    state : array_like, shape (n_units,)
        A fixed point (polished first).
    noise : float
        :math:`\sigma`, per unit of :math:`\sqrt{\text{time}}`.
    t_span, dt : float
        Length of the noisy runs and the step.
    n_trials : int
    transient : float, optional
        Time left out at the start (default: 10 / (the slowest non-zero decay rate),
        at most a quarter of the run).
    n_records : int
        Records per run.
    seed : int

    Returns
    -------
    xarray.Dataset
        ``coordinate`` (trial, time), ``msd`` (lag), and scalars
        ``diffusion_coefficient``, ``diffusion_stderr``,
        ``diffusion_theory`` (NaN for a point attractor without a zero mode;
        zero when every mode decays), ``stationary_variance`` (the variance of
        the coordinate over trials at the end), ``return_distance`` (mean
        :math:`\lVert x(T) - x^*\rVert / \lVert x^*\rVert`); attrs ``kind``
        ("ring" or "point") and ``units`` of the coordinate.

    References
    ----------
    Y. Burak and I. R. Fiete, PNAS 109, 17645 (2012).
    """
    _check_system(system, ContinuousSystem)
    noise = check_positive("noise", noise)
    n_trials = check_integer("n_trials", n_trials, minimum=2)
    n_records = check_integer("n_records", n_records, minimum=8)
    fixed = _attractor(system, state, seed, t_span, dt, None)
    x_star = fixed.state.values
    J = jacobian_matrix(system, x_star)
    values, vectors = np.linalg.eig(J)
    order = np.argsort(-values.real)
    values, vectors = values[order], vectors[:, order]
    angles = _ring_angles(system)
    total = int(round(t_span / dt))
    every = max(1, total // n_records)
    run = simulate(system, np.repeat(x_star[None], n_trials, axis=0), t_span=t_span, dt=dt,
                   solver=EulerMaruyama(noise), record_every=every, seed=seed)
    states = run.state.transpose("trial", "time", "unit").values
    times = run.time.values - run.time.values[0]
    if angles is not None:
        from ._continuous import ring_derivative

        kind, units = "ring", "rad"
        activity = states - states.min(axis=-1, keepdims=True)
        position = np.unwrap(bump_position(activity, angles), axis=-1)
        coordinate = position - position[:, :1]
        derivative = ring_derivative(x_star)
        left_values, left_vectors = np.linalg.eig(J.T)
        left = np.real(left_vectors[:, np.argmin(np.abs(left_values))])
        theory = noise**2 * np.sum(left**2) / (2 * (left @ derivative) ** 2)
        # The other modes: all but the zero one.
        rest = np.delete(values.real, np.argmin(np.abs(values)))
    else:
        kind, units = "point", "state"
        slowest = np.real(vectors[:, 0])
        slowest /= np.linalg.norm(slowest)
        coordinate = (states - x_star) @ slowest
        theory = 0.0 if np.all(values.real < 0) else np.nan
        rest = values.real
    decay = np.max(rest) if rest.size else -1.0
    if transient is None:
        transient = min(10.0 / abs(decay) if decay < 0 else 0.0, 0.25 * times[-1])
    keep = times >= transient
    c = coordinate[:, keep]
    n = c.shape[1]
    lags = np.arange(1, max(2, n // 2) + 1)
    msd_trials = np.stack([np.mean((c[:, k:] - c[:, :-k]) ** 2, axis=1) for k in lags], axis=1)
    lag_times = lags * every * dt
    window = lags >= max(1, n // 8)
    slopes = _slope(lag_times[window], msd_trials[:, window]) / 2
    distance = np.linalg.norm(states[:, -1] - x_star, axis=-1) / max(np.linalg.norm(x_star),
                                                                      1e-300)
    return xr.Dataset(
        {"coordinate": (("trial", "time"), coordinate),
         "msd": ("lag", msd_trials.mean(axis=0)),
         "diffusion_coefficient": ((), float(np.mean(slopes))),
         "diffusion_stderr": ((), float(np.std(slopes, ddof=1) / np.sqrt(n_trials))),
         "diffusion_theory": ((), float(theory)),
         "stationary_variance": ((), float(np.var(coordinate[:, -1]))),
         "return_distance": ((), float(np.mean(distance)))},
        coords={"trial": np.arange(n_trials), "time": times, "lag": lag_times},
        attrs={"model": system.name, "kind": kind, "units": units, "noise": noise,
               "transient": float(transient), "slowest_decay": float(decay)})


def _named(models):
    if isinstance(models, dict):
        items = list(models.items())
    else:
        try:
            items = [(m.name, m) for m in models]
        except (TypeError, AttributeError):
            raise ParameterError(f"models must be a dict name -> system or a list of systems, got "
                                 f"{describe(models)}") from None
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        names = [f"{name} {k}" for k, name in enumerate(names)]
    for name, system in items:
        _check_system(system)
    if not items:
        raise ParameterError("models is empty")
    return names, [system for _, system in items]


def _pad(rows, width, fill=np.nan, dtype=np.float64):
    out = np.full((len(rows), width), fill, dtype=dtype)
    for k, row in enumerate(rows):
        out[k, :len(row)] = row
    return out


def compare(models, *, targets=None, cue_noise: float = 0.3, run_noise: float = 0.0,
            t_span: float = 50.0, dt: float = 0.05, noise_t_span: float | None = None,
            n_trials: int = 20, recall_threshold: float = 0.95, tol: float = 1e-6,
            n_records: int = 200, seed: int = 0) -> xr.Dataset:
    r"""One protocol, several attractor models: recall, convergence, energy, spectrum, drift.

    For each model with attractor :math:`x^*` (its ``target``, polished to a
    fixed point; by default the end of a run from a random state):

    1. **Cue**: :math:`x_0 = x^* + \epsilon\,\mathrm{rms}(x^*)\,\xi`,
       :math:`\xi \sim \mathcal N(0, I)`, with :math:`\epsilon` = ``cue_noise``.
    2. **Run** without noise until rest (``t_span``, ``dt``, RK4): recall
       overlap (Pearson correlation of the final state with :math:`x^*`),
       recall accuracy (fraction of trials with overlap at least
       ``recall_threshold``), distance to :math:`x^*`, for a ring the error of
       the bump position, convergence time (:math:`\max|F| \le` ``tol``) and
       the mean energy against time.
    3. **Spectrum** of the Jacobian at :math:`x^*` (decreasing real part;
       rows padded with NaN to the largest model), its stability and the
       number of zero modes.
    4. **Noise** (if ``run_noise`` > 0): :func:`drift_along_attractor` from
       :math:`x^*` for ``noise_t_span`` (default ``4 * t_span``): the diffusion
       coefficient along the attractor, its standard error and, for a ring,
       the prediction from the Jacobian.

    Parameters
    ----------
    models : dict of name -> DynamicalSystem, or list of them
        Flows, or maps such as :class:`~attractors.HopfieldNetwork`: a map is
        cued with the same Gaussian noise projected onto its binary states
        (:math:`\mathrm{sgn}(x^* + \epsilon\,\mathrm{rms}\,\xi)` for spins), runs
        ``t_span`` of its own time units, and has no Jacobian spectrum or
        drift (NaN); its ``stability`` is "stable" (a fixed point of the map).
    targets : dict of name -> array_like, optional
        The attractor state of each model (e.g. a stored pattern mapped to the
        model's state, a bump).
    cue_noise, run_noise : float
        Relative cue noise, and :math:`\sigma` of the additive noise of step 4.
    t_span, dt, noise_t_span : float
    n_trials : int
    recall_threshold, tol : float
    n_records : int
        Records of the noiseless runs (the grid of the energy curves).
    seed : int
        Same seed, same cues and noise.

    Returns
    -------
    xarray.Dataset
        Dims ``model``, ``time``, ``mode``, ``trial``.  Variables:
        ``recall_overlap``, ``recall_accuracy``, ``final_distance``,
        ``position_error`` (RMS, rings only), ``convergence_time``,
        ``fraction_converged``, ``energy`` (model, time; mean over trials,
        held after rest), ``energy_descent`` (:math:`E(0) - E(T)`),
        ``eigenvalues`` (model, mode), ``leading_eigenvalue``,
        ``n_zero_modes``, ``stability``, ``kind`` ("ring"/"point"); with noise
        ``diffusion_coefficient``, ``diffusion_stderr``,
        ``diffusion_theory``, ``stationary_variance``, ``return_distance``.

    References
    ----------
    Y. Burak and I. R. Fiete, PNAS 109, 17645 (2012).

    Examples
    --------
    A rate network storing one pattern against a ring of 32 rate units with
    cosine weights (a user subclass that labels its units with angles):

    >>> import numpy as np
    >>> from attractors.models import RateNetwork
    >>> class Ring(RateNetwork):
    ...     @property
    ...     def coords(self):
    ...         return {"theta": ("unit", 2 * np.pi * np.arange(self.n_units) / self.n_units)}
    >>> theta = 2 * np.pi * np.arange(32) / 32
    >>> xi = np.where(np.arange(32) % 3 == 0, 1.0, -1.0)
    >>> models = {"point": RateNetwork(3 * np.outer(xi, xi) / 32),
    ...           "ring": Ring(3 * np.cos(theta[:, None] - theta) / 32)}
    >>> result = compare(models, targets={"point": 3 * xi, "ring": 1.5 * np.cos(theta)},
    ...                  t_span=30.0, dt=0.1, n_trials=5)
    >>> result.stability.values.tolist(), result.n_zero_modes.values.tolist()
    (['stable', 'marginal'], [0, 1])
    >>> result.recall_accuracy.values.tolist()
    [1.0, 1.0]
    """
    names, systems = _named(models)
    targets = {} if targets is None else dict(targets)
    unknown = set(targets) - set(names)
    if unknown:
        raise ParameterError(f"targets name models that are not compared: {sorted(unknown)} "
                             f"(models: {names})")
    cue_noise = check_positive("cue_noise", cue_noise, allow_zero=True)
    run_noise = check_positive("run_noise", run_noise, allow_zero=True)
    n_trials = check_integer("n_trials", n_trials, minimum=1)
    t_span, dt = check_positive("t_span", t_span), check_positive("dt", dt)
    noise_t_span = 4 * t_span if noise_t_span is None else check_positive("noise_t_span",
                                                                         noise_t_span)
    total = int(round(t_span / dt))
    every = max(1, total // n_records)
    grid = np.arange(0, total + 1, every) * dt
    if grid[-1] < total * dt:
        grid = np.append(grid, total * dt)
    rows = {key: [] for key in ("recall_overlap", "recall_accuracy", "final_distance",
                                "position_error", "convergence_time", "fraction_converged",
                                "energy_descent", "leading_eigenvalue", "n_zero_modes")}
    energies, spectra, stability, kinds, drifts = [], [], [], [], []
    for index, (name, system) in enumerate(zip(names, systems)):
        discrete = isinstance(system, DiscreteSystem)
        fixed = _attractor(system, targets.get(name), seed, t_span, dt, None)
        x_star = fixed.state.values.astype(np.float64)
        rng = np.random.default_rng([seed, index])
        rms = np.sqrt(np.mean(x_star**2))
        cues = x_star + cue_noise * rms * rng.standard_normal((n_trials, system.n_units))
        if discrete:
            # The same Gaussian cue, projected onto the network's binary states.
            from ._fixed_points_discrete import _alphabet

            low, high = _alphabet(system)
            cues = np.where(cues > 0.5 * (low + high), high, low).astype(system.state_dtype)
            run = simulate(system, cues, t_span=t_span, stop_at_fixed_point=True, seed=seed)
        else:
            run = simulate(system, cues, t_span=t_span, dt=dt, record_every=every,
                           stop_at_fixed_point=True, tol=tol, seed=seed)
        final = run.state.transpose("trial", "time", "unit").values[:, -1]
        centred = final - final.mean(axis=-1, keepdims=True)
        target = x_star - x_star.mean()
        with np.errstate(invalid="ignore", divide="ignore"):
            overlap = centred @ target / (np.linalg.norm(centred, axis=-1)
                                          * np.linalg.norm(target))
        overlap = np.nan_to_num(overlap)
        angles = _ring_angles(system)
        kinds.append("ring" if angles is not None else "point")
        if angles is not None:
            error = np.angle(np.exp(1j * (bump_position(final - final.min(-1, keepdims=True),
                                                        angles)
                                          - bump_position(x_star - x_star.min(), angles))))
            rows["position_error"].append(float(np.sqrt(np.mean(error**2))))
        else:
            rows["position_error"].append(np.nan)
        rows["recall_overlap"].append(float(np.mean(overlap)))
        rows["recall_accuracy"].append(float(np.mean(overlap >= recall_threshold)))
        rows["final_distance"].append(float(np.mean(
            np.linalg.norm(final - x_star, axis=-1) / max(np.linalg.norm(x_star), 1e-300))))
        converged = np.asarray(run.converged.values, dtype=bool)
        t_conv = np.asarray(run.t_converged.values, dtype=np.float64)
        rows["fraction_converged"].append(float(np.mean(converged)))
        rows["convergence_time"].append(float(np.mean(t_conv[converged])) if converged.any()
                                        else np.nan)
        if "energy" in run:
            mean_energy = run.energy.mean("trial").values
            curve = np.interp(grid, run.time.values - run.time.values[0], mean_energy)
            # After the run stopped at rest the energy stays at its last value.
            curve[grid > run.time.values[-1] - run.time.values[0]] = mean_energy[-1]
        else:
            curve = np.full(grid.size, np.nan)
        energies.append(curve)
        rows["energy_descent"].append(float(curve[0] - curve[-1]))
        if discrete:  # a map's fixed point has no Jacobian spectrum here
            spectra.append(np.zeros(0, dtype=np.complex128))
            rows["leading_eigenvalue"].append(np.nan)
            rows["n_zero_modes"].append(0)
            stability.append("stable")  # reached by the map from itself: a fixed point
        else:
            eigenvalues = fixed.eigenvalue_real.values + 1j * fixed.eigenvalue_imag.values
            spectra.append(eigenvalues)
            rows["leading_eigenvalue"].append(float(eigenvalues.real[0]))
            rows["n_zero_modes"].append(int(fixed.n_zero_modes.values))
            stability.append(str(fixed.stability.values))
        if run_noise > 0 and discrete:
            drifts.append(None)
        elif run_noise > 0:
            drifts.append(drift_along_attractor(system, x_star, run_noise, t_span=noise_t_span,
                                                dt=dt, n_trials=max(n_trials, 2),
                                                seed=seed + 1 + index))
    width = max(1, max(len(s) for s in spectra))
    data = {key: ("model", np.asarray(values)) for key, values in rows.items()}
    data.update({
        "energy": (("model", "time"), np.stack(energies)),
        "eigenvalues": (("model", "mode"), _pad(spectra, width, np.nan + 0j, np.complex128)),
        "stability": ("model", np.array(stability)),
        "kind": ("model", np.array(kinds)),
    })
    if drifts:
        for key in ("diffusion_coefficient", "diffusion_stderr", "diffusion_theory",
                    "stationary_variance", "return_distance"):
            data[key] = ("model", np.array([np.nan if d is None else float(d[key])
                                            for d in drifts]))
        data["drift_units"] = ("model", np.array(["" if d is None else d.attrs["units"]
                                                  for d in drifts]))
    return xr.Dataset(data, coords={"model": names, "time": grid, "mode": np.arange(width)},
                      attrs={"cue_noise": cue_noise, "run_noise": run_noise, "t_span": t_span,
                             "dt": dt, "noise_t_span": noise_t_span, "n_trials": n_trials,
                             "seed": seed, "recall_threshold": recall_threshold})
