r"""Point attractors and continuous attractors side by side, on one protocol.

:func:`compare` applies the same protocol to every model (cue the attractor
with noise, let it run until at rest, then hold it under ongoing noise) and
returns one Dataset over ``model``: recall, convergence time, energy descent,
the eigenvalue spectrum at the attractor and the type of fixed point, and the
drift along the attractor under noise (:func:`drift_along_attractor`).

Honest defaults: each model's attractor is its own stationary state where it
has one (a ``stationary_state()`` method, or a ``bump_profile`` closed form),
otherwise the end of a run from a random state that is checked to be at rest;
an attractor that is not stable or marginal is reported loudly and marked.
Models with different time units are put on one time axis, and the result says
how.
"""

from __future__ import annotations

import warnings

import numpy as np
import xarray as xr

from .._system import DiscreteSystem
from .._validate import ParameterError, check_integer, check_positive
from ._bump import bump_position
from ._compare_steps import _cue_and_run, _named, _overlaps, _own_stationary_state, _run_to_rest, _time_scales
from ._drift import _polish, _ring_angles, _settle_time, drift_along_attractor
from ._fixed_points_discrete import _alphabet
from ._stability import _labelled

__all__ = ["compare"]

_DRIFT_KEYS = ("diffusion_coefficient", "diffusion_stderr", "diffusion_theory",
               "stationary_variance", "return_distance")


def compare(models, *, targets=None, cue_noise: float = 0.3, run_noise: float = 0.0,
            t_span: float = 50.0, dt: float = 0.05, noise_t_span: float | None = None,
            max_t_span: float | None = None, n_trials: int = 20,
            recall_threshold: float = 0.95, tol: float = 1e-4, time_scales=None,
            n_records: int = 200, seed: int = 0) -> xr.Dataset:
    r"""One protocol, several attractor models: recall, convergence, energy, spectrum, drift.

    **Time.**  All times (``t_span``, ``dt``, ``noise_t_span``,
    ``max_t_span``, the result's ``time`` and ``convergence_time``) are on one
    axis.  When every model has the same ``time_unit`` it is that unit.
    Otherwise each model's time is counted in its own time constant
    :math:`\tau_m = 1/\lambda_m` (the mean of ``leak_rate()``; one sweep of
    updates for a map) and the unit is ``"tau"``; or give ``time_scales``
    (model time units per common unit) explicitly.  Rates (eigenvalues) and
    diffusion coefficients are converted to the common unit, and the noise
    :math:`\sigma` is per :math:`\sqrt{\text{common unit}}`.  The result's
    ``time_scale``, ``model_time_unit`` and attrs ``time_unit`` and
    ``time_scaling`` say what was done.

    **The attractor** :math:`x^*` of each model, polished to a fixed point:
    its ``target`` if given; else its own stationary state (a
    ``stationary_state()`` method, e.g.
    :meth:`~attractors.models.RingAttractor.stationary_state`, or the closed
    form ``bump_profile(0)`` of a CANN); else the end of a run from a random
    state, refused (:class:`~attractors.ParameterError`) if not at rest by
    ``max_t_span``.  An attractor that is not stable or marginal (a saddle, an
    unstable point) is warned about and marked ``target_stable = False``.

    Then for each model:

    1. **Cue**: :math:`x_0 = x^* + \epsilon\,\mathrm{rms}(x^*)\,\xi`,
       :math:`\xi \sim \mathcal N(0, I)`, with :math:`\epsilon` = ``cue_noise``.
    2. **Run** without noise (RK4) until at rest, up to ``max_t_span``
       (default ``20 * t_span``; the energy is recorded along the whole run,
       densely over the first ``t_span``).  A trial is *at rest* when its state changes by less
       than a fraction ``tol`` of the attractor's size per unit of time:
       :math:`\max_i |\dot x_i| \le \mathrm{tol}\,\max_i |x^*_i|` (a map: an
       update leaves it unchanged).  ``fraction_converged`` is the fraction at
       rest at the end; a trial counts as recalled only if it is at rest and
       its overlap (Pearson correlation with :math:`x^*`) is at least
       ``recall_threshold``, so ``recall_accuracy`` never exceeds
       ``fraction_converged``.  Trials not at rest are warned about.
    3. **Spectrum** of the Jacobian at :math:`x^*` (decreasing real part;
       rows padded with NaN to the largest model), its stability, type of
       fixed point (:func:`classify_fixed_point`) and number of zero modes.
    4. **Noise** (if ``run_noise`` > 0): :func:`drift_along_attractor` from
       :math:`x^*` for ``noise_t_span`` (default: ``4 * t_span``, or 40
       decay times of the slowest non-zero mode if longer, so that the fit
       starts after the other modes have settled).

    Parameters
    ----------
    models : dict of name -> DynamicalSystem, or list of them
        Flows, or maps such as :class:`~attractors.HopfieldNetwork`: a map is
        cued with the same Gaussian noise projected onto its binary states
        (:math:`\mathrm{sgn}(x^* + \epsilon\,\mathrm{rms}\,\xi)` for spins), and
        has no Jacobian spectrum or drift (NaN); its ``stability`` is "stable"
        (a fixed point of the map) and its ``point_type`` "map fixed point".
    targets : dict of name -> array_like, optional
        The attractor state of some models (e.g. a stored pattern).
    cue_noise, run_noise : float
        Relative cue noise, and :math:`\sigma` of the additive noise of step 4.
    t_span, dt, noise_t_span, max_t_span : float
        In the common time unit (a map takes no ``dt``).
    n_trials : int
    recall_threshold : float
    tol : float
        Relative rate of change below which a state is at rest (see step 2).
    time_scales : dict of name -> float, optional
        Model time units per common time unit, for every model.
    n_records : int
        Records of the first ``t_span``; the energy curves are put on
        ``n_records + 1`` points from 0 to the end of the longest run.
    seed : int
        Same seed, same cues and noise.

    Returns
    -------
    xarray.Dataset
        Dims ``model``, ``time``, ``mode``.  Every variable carries
        ``long_name`` and ``units`` (``T`` below is attrs ``time_unit``).

        ======================  ===========  ==========================================
        variable                units        meaning
        ======================  ===========  ==========================================
        recall_overlap          1            mean overlap of the final states with x*
        recall_accuracy         1            fraction of trials at rest and recalled
        fraction_converged      1            fraction of trials at rest at the end
        convergence_time        T            mean time to rest of those at rest
        final_distance          1            mean distance to x*, relative to x*
        position_error          rad          RMS bump position error (rings; else NaN)
        energy                  energy       (model, time) mean energy, held after rest
        energy_descent          energy       E(0) - E(end)
        eigenvalue_real/_imag   1/T          (model, mode) spectrum at x*
        leading_eigenvalue      1/T          largest real part
        n_zero_modes            1            modes with real part within 1e-6 of 0
        stability               1            stable / marginal / saddle / unstable
        point_type              1            node, focus, saddle, ... (or map)
        kind                    1            "ring" (units with angles) or "point"
        target_source           1            given / stationary_state() / closed
                                             form / run to rest
        target_distance         1            polishing's move of the target, relative
        target_stable           1            stability is stable or marginal
        time_scale              model/T      model time units per common unit
        model_time_unit         1            the model's own time_unit
        diffusion_coefficient   coord^2/T    (with run_noise) measured drift
        diffusion_stderr        coord^2/T    its standard error
        diffusion_theory        coord^2/T    predicted from the Jacobian (rings)
        stationary_variance     coord^2      variance of the coordinate at the end
        return_distance         1            final_distance under noise
        drift_settled           1            the noise runs outlasted the transient
        noise_t_span            T            length of the noisy runs
        drift_units             1            coord: "rad" (ring) or "state" (point)
        ======================  ===========  ==========================================

        Attrs: the arguments, ``time_unit``, ``time_scaling``.

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
    >>> result.point_type.values.tolist(), result.n_zero_modes.values.tolist()
    (['stable node', 'marginal'], [0, 1])
    >>> result.recall_accuracy.values.tolist(), result.fraction_converged.values.tolist()
    ([1.0, 1.0], [1.0, 1.0])
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
    n_records = check_integer("n_records", n_records, minimum=2)
    t_span, dt = check_positive("t_span", t_span), check_positive("dt", dt)
    tol = check_positive("tol", tol)
    recall_threshold = float(recall_threshold)
    if not -1.0 <= recall_threshold <= 1.0:
        raise ParameterError(f"recall_threshold must be a correlation in [-1, 1], got "
                             f"{recall_threshold!r}")
    if noise_t_span is not None:
        noise_t_span = check_positive("noise_t_span", noise_t_span)
    max_t_span = 20 * t_span if max_t_span is None else check_positive("max_t_span", max_t_span)
    if max_t_span < t_span:
        raise ParameterError(f"max_t_span ({max_t_span:g}) must be at least t_span ({t_span:g})")
    scales, time_unit, how = _time_scales(names, systems, time_scales)

    rows = {key: [] for key in (
        "recall_overlap", "recall_accuracy", "fraction_converged", "convergence_time",
        "final_distance", "position_error", "energy_descent", "leading_eigenvalue",
        "n_zero_modes", "stability", "point_type", "kind", "target_source", "target_distance",
        "target_stable", "time_scale", "model_time_unit")}
    curves, spectra, drifts = [], [], []
    for index, (name, system, scale) in enumerate(zip(names, systems, scales)):
        discrete = isinstance(system, DiscreteSystem)
        step = None if discrete else dt * scale
        target = targets.get(name)
        source = "given"
        if target is None:
            target, source = _own_stationary_state(system)
        if target is None:
            target = _run_to_rest(system, name, seed, max_t_span * scale, step, tol / scale)
            source = "run to rest"
        fixed = _polish(system, target, seed)
        x_star = fixed.state.values.astype(np.float64)
        size = max(float(np.max(np.abs(x_star))), 1e-300)
        target = np.asarray(target, dtype=np.float64)
        rows["target_distance"].append(float(np.linalg.norm(x_star - target)
                                             / max(np.linalg.norm(x_star), 1e-300)))
        # The cues, and the runs until at rest.
        rng = np.random.default_rng([seed, index])
        rms = np.sqrt(np.mean(x_star**2))
        cues = x_star + cue_noise * rms * rng.standard_normal((n_trials, system.n_units))
        if discrete:  # the same Gaussian cue, projected onto the network's binary states
            low, high = _alphabet(system)
            cues = np.where(cues > 0.5 * (low + high), high, low).astype(system.state_dtype)
        total = int(round(t_span / dt))
        final, at_rest, t_rest, length, record = _cue_and_run(
            system, cues, t_span=t_span * scale, max_t_span=max_t_span * scale,
            dt=step, every=max(1, total // n_records), tol_abs=tol * size / scale, seed=seed)
        if not at_rest.all():
            warnings.warn(f"compare: {int(np.sum(~at_rest))} of {n_trials} trials of {name!r} are "
                          f"not at rest after {max_t_span:g} {time_unit} (tol {tol:g}); they "
                          "count as not recalled (raise max_t_span to let them settle)",
                          stacklevel=2)
        if np.ptp(x_star) <= 1e-12 * max(1.0, size):
            # A flat state has no shape to correlate with: the overlap is undefined.
            warnings.warn(f"compare: the attractor of {name!r} ({source}) is flat (every unit "
                          f"{x_star[0]:.3g}; a bump model with no bump at these parameters?): "
                          "recall_overlap and recall_accuracy are NaN", stacklevel=2)
            rows["recall_overlap"].append(np.nan)
            rows["recall_accuracy"].append(np.nan)
        else:
            overlap = _overlaps(final.astype(np.float64), x_star)
            rows["recall_overlap"].append(float(np.mean(overlap)))
            rows["recall_accuracy"].append(float(np.mean(at_rest
                                                         & (overlap >= recall_threshold))))
        rows["fraction_converged"].append(float(np.mean(at_rest)))
        rows["convergence_time"].append(float(np.mean(t_rest[at_rest])) / scale
                                        if at_rest.any() else np.nan)
        rows["final_distance"].append(float(np.mean(
            np.linalg.norm(final - x_star, axis=-1) / max(np.linalg.norm(x_star), 1e-300))))
        angles = _ring_angles(system)
        rows["kind"].append("ring" if angles is not None else "point")
        if angles is not None:
            shift = (bump_position(final - final.min(-1, keepdims=True), angles)
                     - bump_position(x_star - x_star.min(), angles))
            rows["position_error"].append(float(np.sqrt(np.mean(np.angle(np.exp(1j * shift))**2))))
        else:
            rows["position_error"].append(np.nan)
        curves.append(None if record is None else (record[0] / scale, record[1]))
        rows["energy_descent"].append(np.nan if record is None else
                                      float(record[1][0] - record[1][-1]))
        # The spectrum at the attractor, in the common time unit.
        if discrete:  # a map's fixed point has no Jacobian spectrum here
            spectra.append(np.zeros(0, dtype=np.complex128))
            rows["leading_eigenvalue"].append(np.nan)
            rows["n_zero_modes"].append(0)
            rows["stability"].append("stable")  # reached by the map from itself: a fixed point
            rows["point_type"].append("map fixed point")
        else:
            values = (fixed.eigenvalue_real.values + 1j * fixed.eigenvalue_imag.values) * scale
            spectra.append(values)
            rows["leading_eigenvalue"].append(float(values.real[0]))
            rows["n_zero_modes"].append(int(fixed.n_zero_modes.values))
            rows["stability"].append(str(fixed.stability.values))
            rows["point_type"].append(str(fixed.point_type.values))
        stable = rows["stability"][-1] in ("stable", "marginal")
        if not stable:
            warnings.warn(f"compare: the attractor of {name!r} ({source}) is a "
                          f"{rows['point_type'][-1]} ({rows['stability'][-1]}, leading "
                          f"eigenvalue {rows['leading_eigenvalue'][-1]:+.3g} per {time_unit}), "
                          "not an attractor: give targets= a stable state; the result marks it "
                          "target_stable = False", stacklevel=2)
        rows["target_source"].append(source)
        rows["target_stable"].append(stable)
        rows["time_scale"].append(scale)
        rows["model_time_unit"].append(getattr(system, "time_unit", "") or "model time units")
        if run_noise > 0 and not discrete:
            span = noise_t_span
            if span is None:  # long enough for the other modes to settle before the fit
                settle = _settle_time(values / scale, float(fixed.attrs["stability_tol"]))[1]
                settle = settle / scale if np.isfinite(settle) else 0.0
                span = dt * np.ceil(max(4 * t_span, 4 * settle) / dt)  # whole steps
            rows.setdefault("noise_t_span", []).append(span)
            drift = drift_along_attractor(system, x_star, run_noise / np.sqrt(scale),
                                          t_span=span * scale, dt=step,
                                          n_trials=max(n_trials, 2), seed=seed + 1 + index)
            # Diffusion coefficients per model time unit -> per common time unit.
            row = {key: float(drift[key]) for key in _DRIFT_KEYS}
            for key in ("diffusion_coefficient", "diffusion_stderr", "diffusion_theory"):
                row[key] *= scale
            drifts.append(row | {"drift_settled": bool(drift.settled),
                                 "drift_units": drift.attrs["units"]})
        elif run_noise > 0:
            rows.setdefault("noise_t_span", []).append(np.nan)
            drifts.append(None)
    return _assemble(names, rows, curves, spectra, drifts, t_span, n_records, time_unit, how,
                     attrs={"cue_noise": cue_noise, "run_noise": run_noise, "t_span": t_span,
                            "dt": dt, "max_t_span": max_t_span,
                            "n_trials": n_trials, "seed": seed, "tol": tol,
                            "recall_threshold": recall_threshold})


def _assemble(names, rows, curves, spectra, drifts, t_span, n_records, time_unit, how, attrs):
    """The Dataset over model: rows as variables, energy curves on one grid, labels."""
    end = max([t_span] + [c[0][-1] for c in curves if c is not None])
    grid = np.linspace(0.0, end, n_records + 1)
    energy = np.full((len(names), grid.size), np.nan)
    for k, curve in enumerate(curves):
        if curve is not None:  # after a run stopped at rest the energy stays at its last value
            energy[k] = np.interp(grid, curve[0], curve[1])
    width = max(1, max(len(s) for s in spectra))
    padded = np.full((len(names), width), np.nan + 0j)
    for k, values in enumerate(spectra):
        padded[k, :len(values)] = values
    data = {key: ("model", np.asarray(values)) for key, values in rows.items()}
    data.update({"energy": (("model", "time"), energy),
                 "eigenvalue_real": (("model", "mode"), padded.real.copy()),
                 "eigenvalue_imag": (("model", "mode"), padded.imag.copy())})
    if drifts:
        for key in _DRIFT_KEYS + ("drift_settled",):
            fill = False if key == "drift_settled" else np.nan
            data[key] = ("model", np.array([fill if d is None else d[key] for d in drifts]))
        data["drift_units"] = ("model", np.array(["" if d is None else d["drift_units"]
                                                  for d in drifts]))
    result = xr.Dataset(data, coords={"model": names, "time": grid, "mode": np.arange(width)},
                        attrs={**attrs, "time_unit": time_unit, "time_scaling": how})
    T = time_unit
    return _labelled(result, {
        "recall_overlap": ("mean overlap (Pearson correlation) of the final state with x*", "1"),
        "recall_accuracy": ("fraction of trials at rest with overlap >= recall_threshold", "1"),
        "fraction_converged": ("fraction of trials at rest at the end of the run", "1"),
        "convergence_time": ("mean time to rest (trials at rest)", T),
        "final_distance": ("mean |x(end) - x*| / |x*|", "1"),
        "position_error": ("RMS error of the bump position (rings)", "rad"),
        "energy": ("mean energy over trials (held after rest)", "model energy units"),
        "energy_descent": ("E(0) - E(end) of the mean energy", "model energy units"),
        "eigenvalue_real": ("eigenvalue of the Jacobian at x* (real part)", f"1/{T}"),
        "eigenvalue_imag": ("eigenvalue of the Jacobian at x* (imaginary part)", f"1/{T}"),
        "leading_eigenvalue": ("largest real part of the eigenvalues at x*", f"1/{T}"),
        "n_zero_modes": ("number of zero modes at x*", "1"),
        "stability": ("stability of x* from the real parts of the eigenvalues", "1"),
        "point_type": ("type of fixed point x* from its eigenvalues", "1"),
        "kind": ("ring (units with angles) or point", "1"),
        "target_source": ("where x* came from", "1"),
        "target_distance": ("|x* - target| / |x*|: how far polishing moved the target", "1"),
        "target_stable": ("x* is stable or marginal", "1"),
        "time_scale": ("model time units per common time unit", f"model time units/{T}"),
        "model_time_unit": ("the model's own time unit", "1"),
        "diffusion_coefficient": ("diffusion coefficient along the attractor (measured)",
                                  f"drift_units^2/{T}"),
        "diffusion_stderr": ("standard error of the diffusion coefficient", f"drift_units^2/{T}"),
        "diffusion_theory": ("diffusion coefficient predicted from the Jacobian",
                             f"drift_units^2/{T}"),
        "stationary_variance": ("variance of the drift coordinate at the end", "drift_units^2"),
        "return_distance": ("mean |x(T) - x*| / |x*| under noise", "1"),
        "drift_settled": ("the noisy runs outlasted 10 decay times of the slowest mode", "1"),
        "drift_units": ("units of the drift coordinate", "1"),
        "noise_t_span": ("length of the noisy runs", T),
        "time": ("time since the cue", T),
        "mode": ("mode, by decreasing real part", "1"),
        "model": ("model", "1"),
    })
