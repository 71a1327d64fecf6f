r"""Stability along a branch, and detection and location of folds, Hopf and branch points.

The stepping loop of :func:`attractors.analysis.continuation` (:func:`follow`)
calls :func:`_analyse` at every accepted point: the eigenvalues of
:math:`\partial F/\partial x` (less the symmetry's zero mode), the count of
unstable modes and the parameter component of the tangent.  Between two points
a codimension-one bifurcation shows as the sign change of a test function
(Kuznetsov 2004, sec. 10.2):

=================  ==========================================================
special point      test function :math:`\psi`
=================  ==========================================================
fold               :math:`t_p`, the parameter component of the unit tangent
hopf               real part of the complex pair nearest the imaginary axis
branch_point       the real eigenvalue nearest zero, with no fold between
=================  ==========================================================

and is located by the Illinois (modified regula falsi) iteration on the
arclength, each trial point corrected back onto the branch, to a bracket of
``locate_tol``.  The result is assembled into a Dataset by :func:`_dataset`.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import xarray as xr

from ._stability import _time_units

__all__: list[str] = []

#: Relative size of an imaginary part below which an eigenvalue counts as real.
_REAL_TOL = 1e-8

#: The tangent's turn per step (radians) the step-length control aims at; a step
#: that turns it by more than 37 degrees (cos < 0.8) is refused and halved.
_TURN = 0.3


def _eigenvalues(branch, z):
    """Eigenvalues of dF/dx at z, the symmetry's zero mode removed, by decreasing real part."""
    values = branch.eigenvalues(branch.x(z), branch.p(z))
    if branch.phase is not None:
        values = np.delete(values, int(np.argmin(np.abs(values))))
    return values[np.lexsort((-values.imag, -values.real))]


def _analyse(branch, z, tangent, stability):
    info = {"z": z, "t": tangent, "tq": float(tangent[branch.n])}
    if stability:
        values = _eigenvalues(branch, z)
        scale = max(1.0, float(np.max(np.abs(values)))) if values.size else 1.0
        real = np.abs(values.imag) <= _REAL_TOL * np.maximum(1.0, np.abs(values))
        unstable = values.real > 1e-9 * scale
        info.update(values=values, n_unstable=int(unstable.sum()),
                    n_real=int((unstable & real).sum()), n_complex=int((unstable & ~real).sum()))
    return info


def _psi_hopf(info):
    values = info["values"]
    complex_ = values[np.abs(values.imag) > _REAL_TOL * np.maximum(1.0, np.abs(values))]
    if complex_.size == 0:
        return math.nan
    return float(complex_.real[np.argmin(np.abs(complex_.real))])


def _psi_branch(info):
    values = info["values"]
    real = values[np.abs(values.imag) <= _REAL_TOL * np.maximum(1.0, np.abs(values))].real
    return float(real[np.argmin(np.abs(real))]) if real.size else math.nan


_TESTS = {"fold": lambda info: info["tq"], "hopf": _psi_hopf, "branch_point": _psi_branch}


def _trial(branch, left, s, steps, stability, lu=None):
    """The branch point at arclength s from ``left`` (None when Newton fails).

    With ``lu``, the factorisation at ``left``, the corrector is the chord
    iteration (its matrix's last row is the tangent before ``left``'s, a few
    degrees off: the iteration still converges to the same point).
    """
    tol, max_iter = steps[4], steps[5]
    guess = left["z"] + s * left["t"]
    if lu is None:
        z, ok, _ = branch.correct(guess, left["t"], left["z"], s, tol=tol, max_iter=max_iter)
        tangent = branch.tangent(branch.jacobian(z), left["t"]) if ok else None
    else:
        z, ok, _ = branch.chord(guess, left["t"], left["z"], s, lu, tol=tol, max_iter=max_iter,
                                reach=math.inf)
        tangent = branch.factor(z, left["t"])[0] if ok else None
    if not ok:
        return None
    return _analyse(branch, z, tangent, stability)


def _locate(branch, kind, left, right, width, steps, locate_tol, stability, lu=None):
    """Illinois iteration on the arclength for the zero of the test function of ``kind``."""
    test = _TESTS[kind]
    s_lo, s_hi, f_lo, f_hi = 0.0, width, test(left), test(right)
    best, side = right, 0
    for _ in range(80):
        if s_hi - s_lo <= locate_tol:
            break
        s = (s_lo * f_hi - s_hi * f_lo) / (f_hi - f_lo)
        if not s_lo < s < s_hi:
            s = 0.5 * (s_lo + s_hi)
        info = _trial(branch, left, s, steps, stability, lu)
        if info is None:
            break
        best, value = info, test(info)
        if value == 0.0 or not math.isfinite(value):
            break
        if math.copysign(1.0, value) == math.copysign(1.0, f_lo):
            s_lo, f_lo = s, value
            f_hi = f_hi / 2 if side == -1 else f_hi
            side = -1
        else:
            s_hi, f_hi = s, value
            f_lo = f_lo / 2 if side == 1 else f_lo
            side = 1
    return best


def _crossed(test, left, right):
    a, b = test(left), test(right)
    return math.isfinite(a) and math.isfinite(b) and a * b < 0


def _detect(branch, left, right, width, steps, locate_tol, stability, lu=None):
    """Special points between two accepted points: a list of (kind, located info)."""
    found = []
    fold = left["tq"] * right["tq"] < 0
    if fold:
        found.append("fold")
    if stability:
        if left["n_complex"] != right["n_complex"] and _crossed(_psi_hopf, left, right):
            found.append("hopf")
        if left["n_real"] != right["n_real"] and not fold and _crossed(_psi_branch, left, right):
            found.append("branch_point")
    # A fold's test function is the tangent: its trial points need no eigenvalues.
    return [(kind, _locate(branch, kind, left, right, width, steps, locate_tol,
                           stability and kind != "fold", lu))
            for kind in found]


def _to_bound(branch, left, right, steps, stability):
    """The point where the branch crosses q = 0 or q = 1 between ``left`` and ``right``."""
    n = branch.n
    bound = 1.0 if right["z"][n] > 1.0 else 0.0
    weight = (bound - left["z"][n]) / (right["z"][n] - left["z"][n])
    guess = left["z"] + weight * (right["z"] - left["z"])
    natural = np.zeros(branch.size)
    natural[n] = 1.0
    z, ok, _ = branch.correct(guess, natural, np.zeros(branch.size), bound,
                              tol=steps[4], max_iter=2 * steps[5])
    if not ok:
        return None
    return _analyse(branch, z, branch.tangent(branch.jacobian(z), left["t"]), stability)


def follow(branch, z, steps, *, locate_tol, stability, phase_note, direction=None):
    """The predictor-corrector loop from the equilibrium ``z``; the branch as a Dataset."""
    ds, ds_min, ds_max, max_steps, tol, max_iter = steps
    branch.accept(z)
    if direction is None:
        direction = np.zeros(branch.size)
        direction[branch.n] = 1.0
    tangent, lu = branch.factor(z, direction)
    current = _analyse(branch, z, tangent, stability)
    points, specials = [current], [("endpoint", 0, current)]
    status = f"stopped after max_steps = {max_steps} steps"
    row, bend = direction, np.zeros(branch.size)
    for _ in range(max_steps):
        # Second-order predictor (the tangent's turn per unit arclength, ``bend``, from
        # the last step), then the chord corrector on the hyperplane through the
        # prediction normal to the row the last factorisation was bordered with.
        prediction = current["z"] + ds * current["t"] + 0.5 * ds * ds * bend
        z_new, ok, fast = branch.chord(prediction, row, current["z"],
                                       float(row @ (prediction - current["z"])), lu, tol=tol,
                                       max_iter=max_iter, reach=0.3 * ds)
        # Newton failed, landed far from the prediction, or the tangent turned by > 37 degrees
        ok = ok and np.linalg.norm(z_new - prediction) <= 0.3 * ds
        if ok:
            tangent, new_lu = branch.factor(z_new, current["t"])
        if not ok or tangent @ current["t"] < 0.8:
            ds /= 2
            bend = np.zeros(branch.size)
            if ds < ds_min:
                status = f"step fell below ds_min = {ds_min:g} (no convergence)"
                break
            continue
        new = _analyse(branch, z_new, tangent, stability)
        width = float(current["t"] @ (z_new - current["z"]))
        leaving = not 0.0 <= z_new[branch.n] <= 1.0
        if leaving:
            new = _to_bound(branch, current, new, steps, stability)
            if new is None:
                status = "could not land on the end of the parameter interval"
                break
            width = float(current["t"] @ (new["z"] - current["z"]))
        for kind, info in _detect(branch, current, new, width, steps, locate_tol, stability, lu):
            specials.append((kind, len(points) - 1, info))
        points.append(new)
        branch.accept(new["z"], None if leaving else new_lu, new["t"])
        # Step length from the tangent's turn: aim at _TURN rad a step (so the step
        # shrinks where the branch bends, as at a fold), at most x3, and no
        # growth when the chord corrector had to factorise again.
        turn = math.acos(min(1.0, float(tangent @ current["t"])))
        bend = (tangent - current["t"]) / ds
        current, row, lu = new, current["t"], new_lu
        if leaving:
            specials.append(("endpoint", len(points) - 1, new))
            status = "reached the end of the parameter interval"
            break
        factor = min(3.0, _TURN / max(turn, 1e-12))
        ds = min(ds * (min(factor, 1.0) if not fast else factor), ds_max)
    if specials[-1][0] != "endpoint" or specials[-1][1] != len(points) - 1:
        specials.append(("endpoint", len(points) - 1, points[-1]))
    return _dataset(branch, points, specials, status=status, phase_note=phase_note,
                    stability=stability, locate_tol=locate_tol, tol=tol)


def _observables(system, states):
    try:
        observed = system.observables(states)
    except Exception:  # observables are an optional extra: a model that cannot give them is skipped
        return {}
    out = {}
    for name, (dims, values) in dict(observed).items():
        values = np.asarray(values)
        if values.shape[:1] == states.shape[:1] and values.ndim == 1 + len(dims):
            out[name] = (("point", *dims), values, dict(system.observable_attrs.get(name, {})))
    return out


def _dataset(branch, points, specials, *, status, phase_note, stability, locate_tol, tol):
    """The branch as an xarray Dataset over ``point`` and ``special``."""
    system, parameter = branch.system, branch.parameter
    zs = np.array([info["z"] for info in points])
    states = zs[:, : branch.n] * branch.scale
    values = np.array([branch.p(z) for z in zs])
    scaled = np.concatenate([zs[:, : branch.n], zs[:, branch.n: branch.n + 1]], axis=1)
    arclength = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(scaled, axis=0), axis=1))])
    time = _time_units(system)
    units = parameter_units(system, parameter)
    data = {
        "parameter": ("point", values, {"long_name": parameter, "units": units}),
        "state": (("point", "unit"), states,
                  {"long_name": "equilibrium state", "units": "model state units"}),
        "norm": ("point", np.linalg.norm(states, axis=1),
                 {"long_name": "norm of the state, |x|", "units": "model state units"}),
        "arclength": ("point", arclength,
                      {"long_name": "arclength in (x / (sqrt(n_units) s_x), scaled parameter)",
                       "units": "1"}),
    }
    if stability:
        eigen = np.array([info["values"] for info in points]).reshape(len(points), -1)
        n_unstable = np.array([info["n_unstable"] for info in points])
        data.update({
            "eigenvalue_real": (("point", "mode"), eigen.real,
                                {"long_name": "Re(eigenvalue) of dF/dx", "units": f"1/{time}"}),
            "eigenvalue_imag": (("point", "mode"), eigen.imag,
                                {"long_name": "Im(eigenvalue) of dF/dx", "units": f"1/{time}"}),
            "n_unstable": ("point", n_unstable,
                           {"long_name": "unstable modes (symmetry zero mode excluded)",
                            "units": "1"}),
            "stable": ("point", (n_unstable == 0).astype(np.int8),
                       {"long_name": "stable (1) or unstable (0)", "units": "1"}),
        })
    data.update(_observables(system, states))
    kinds = [kind for kind, _, _ in specials]
    frequency = [abs(_psi_freq(info)) if kind == "hopf" else math.nan for kind, _, info in specials]
    data.update({
        "special_type": ("special", np.array(kinds, dtype=str),
                         {"long_name": "type of special point (endpoint, fold, hopf, "
                                       "branch_point)", "units": "1"}),
        "special_parameter": ("special", np.array([branch.p(info["z"]) for _, _, info in specials]),
                              {"long_name": f"{parameter} at the special point", "units": units}),
        "special_state": (("special", "unit"),
                          np.array([branch.x(info["z"]) for _, _, info in specials]),
                          {"long_name": "state at the special point", "units": "model state units"}),
        "special_point": ("special", np.array([index for _, index, _ in specials]),
                          {"long_name": "index of the point before the special point", "units": "1"}),
        "special_frequency": ("special", np.array(frequency),
                              {"long_name": "angular frequency at a Hopf point",
                               "units": f"rad/{time}"}),
    })
    attrs = {
        "model": system.name, "parameter": parameter,
        "params": json.dumps({k: v for k, v in system.params.items()
                              if isinstance(v, (int, float, str, bool))}),
        "status": status, "phase_condition": phase_note, "tol": tol,
        "locate_tol": locate_tol,
        "method": "pseudo-arclength continuation (Keller 1977), Newton corrector",
    }
    return xr.Dataset(data, coords={"point": np.arange(len(points)), "special": np.arange(len(specials))},
                      attrs=attrs)


def parameter_units(system, name):
    """Units of the model field ``name``: its ``metadata["units"]`` if given, else a generic label."""
    for field in dataclasses.fields(system):
        if field.name == name and field.metadata.get("units"):
            return str(field.metadata["units"])
    return "model parameter units"


def _psi_freq(info):
    """|Im| of the complex eigenvalue nearest the imaginary axis at a located Hopf point."""
    values = info["values"]
    complex_ = values[np.abs(values.imag) > _REAL_TOL * np.maximum(1.0, np.abs(values))]
    return float(complex_.imag[np.argmin(np.abs(complex_.real))]) if complex_.size else math.nan
