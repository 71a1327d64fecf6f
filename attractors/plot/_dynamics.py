r"""Plots of attractors beyond fixed points: Lyapunov spectra, periodic orbits, attractor types.

Each function takes the Dataset of one analysis and returns what it drew on:

- :func:`plot_lyapunov_convergence`: the running estimates of
  :func:`~attractors.analysis.lyapunov_spectrum` against time, with the band
  within which ``settled`` was tested;
- :func:`plot_spectrum`: the exponents against their index, with the
  Kaplan-Yorke dimension;
- :func:`plot_periodic_orbit`: a cycle of :func:`~attractors.analysis.periodic_orbit`
  in two units, and its Floquet multipliers against the unit circle;
- :func:`plot_attractor_types`: the fractions of starts per attractor type
  (:func:`~attractors.analysis.classify_attractor`) or per attractor
  (:func:`~attractors.analysis.basins` with ``AttractorType``), with their
  Wilson intervals.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, describe
from ._common import _label, _new_axes

__all__ = ["TYPE_COLOURS", "plot_attractor_types", "plot_lyapunov_convergence", "plot_periodic_orbit",
           "plot_spectrum"]

#: Colours of the attractor types (ATTRACTOR_TYPES order), shared by the plots and the gallery.
TYPE_COLOURS = {"fixed_point": "C0", "periodic": "C1", "quasi_periodic": "C2", "chaotic": "C3",
                "divergent": "0.5"}


def _check(result, variable, source):
    if not (hasattr(result, "data_vars") and variable in result.data_vars):
        raise ParameterError(f"result must be a Dataset from {source} (with a {variable!r} "
                             f"variable), got {describe(result)}")


def _lead(result):
    """The batch dimension of a spectrum (``trial`` or ``system``), or None."""
    return next((dim for dim in ("trial", "system") if dim in result["exponent"].dims), None)


def _one_or_mean(variable, lead, trial):
    """``variable`` for one trial / system, or its mean over the batch: (values, caption)."""
    if lead is None:
        if trial is not None:
            raise ParameterError(f"trial={trial!r} given, but the result has no batch dimension")
        return variable, ""
    if trial is None:
        return variable.mean(lead), f"mean of {variable.sizes[lead]} {lead}s"
    if trial not in variable[lead].values:
        raise ParameterError(f"trial={trial!r} is not a {lead} of the result (0.."
                             f"{variable.sizes[lead] - 1})")
    return variable.sel({lead: trial}), f"{lead} {trial}"


def plot_lyapunov_convergence(result, ax=None, *, trial=None):
    r"""The running estimates of the Lyapunov exponents against the measurement time.

    .. math:: \lambda_i(T) = \frac1T \sum_{\text{renorm.} \le T} \ln |R_{ii}|

    (Benettin et al. 1980), one line per exponent, with the band
    :math:`\lambda_i(T_{end}) \pm` ``settle_tolerance`` over the last half of the
    measurement: the run is ``settled`` when each line stays inside its band.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`~attractors.analysis.lyapunov_spectrum` or
        :func:`~attractors.analysis.largest_lyapunov_exponent`.
    ax : matplotlib.axes.Axes, optional
    trial : int, optional
        One trial (or system) of a batch; default the mean over the batch.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.analysis import lyapunov_spectrum
    >>> from attractors.models import LinearSystem
    >>> result = lyapunov_spectrum(LinearSystem([[-1.0, 0.0], [0.0, -2.0]]), [1.0, 1.0],
    ...                            t_span=10.0, seed=0)
    >>> ax = plot_lyapunov_convergence(result)
    >>> len(ax.lines)
    2
    """
    _check(result, "running_exponent", "attractors.analysis.lyapunov_spectrum")
    ax = _new_axes(ax)
    running, caption = _one_or_mean(result["running_exponent"], _lead(result), trial)
    if "exponent_index" not in running.dims:
        running = running.expand_dims(exponent_index=[0])
    times = result["time"].values
    late = times >= times[-1] / 2
    tolerance = float(result.attrs.get("settle_tolerance", 0.0))
    for index in running["exponent_index"].values:
        values = running.sel(exponent_index=index).values
        line, = ax.plot(times, values, label=rf"$\lambda_{{{index + 1}}}$")
        if tolerance > 0:
            ax.fill_between(times[late], values[-1] - tolerance, values[-1] + tolerance,
                            color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel(_label(result["time"], "measurement time"))
    ax.set_ylabel(_label(result["running_exponent"], "running estimate"))
    ax.set_title("Running Lyapunov exponents" + (f" ({caption})" if caption else ""))
    ax.legend(loc="best")
    return ax


def plot_spectrum(result, ax=None, *, trial=None):
    r"""The Lyapunov exponents against their index, with the Kaplan-Yorke dimension.

    Exponents :math:`\lambda_1 \ge \lambda_2 \ge \dots` as points (for a batch:
    the mean, with the standard deviation over the batch as error bars), zero
    marked, and in the title

    .. math:: D_{KY} = j + \frac{\sum_{i \le j} \lambda_i}{|\lambda_{j+1}|}

    (Kaplan & Yorke 1979), averaged over the batch.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`~attractors.analysis.lyapunov_spectrum`.
    ax : matplotlib.axes.Axes, optional
    trial : int, optional
        One trial (or system) of a batch; default the mean over the batch.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from attractors.analysis import lyapunov_spectrum
    >>> from attractors.models import LinearSystem
    >>> result = lyapunov_spectrum(LinearSystem([[-1.0, 0.0], [0.0, -2.0]]), [1.0, 1.0],
    ...                            t_span=10.0, seed=0)
    >>> plot_spectrum(result).get_title()
    'Lyapunov spectrum, $D_{KY}$ = 0'
    """
    _check(result, "exponent", "attractors.analysis.lyapunov_spectrum")
    if "exponent_index" not in result["exponent"].dims:
        raise ParameterError("plot_spectrum needs a spectrum (an exponent_index dimension); "
                             "plot a largest_lyapunov_exponent result with "
                             "plot_lyapunov_convergence")
    ax = _new_axes(ax)
    lead = _lead(result)
    exponents, caption = _one_or_mean(result["exponent"], lead, trial)
    index = result["exponent_index"].values + 1
    spread = (result["exponent"].std(lead).values if lead is not None and trial is None
              else None)
    ax.errorbar(index, exponents.values, yerr=spread, marker="o", linestyle="-", capsize=3)
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    dimension, _ = _one_or_mean(result["kaplan_yorke_dimension"], lead, trial)
    dimension = float(dimension)
    ax.set_xlabel("index i (largest first)")
    ax.set_ylabel(_label(result["exponent"], "Lyapunov exponent"))
    ax.set_xticks(index if index.size <= 20 else ax.get_xticks())
    shown = "unknown (more exponents needed)" if np.isnan(dimension) else f"{dimension:.4g}"
    ax.set_title(f"Lyapunov spectrum, $D_{{KY}}$ = {shown}"
                 + (f" ({caption})" if caption else ""))
    return ax


def plot_periodic_orbit(orbit, units=(0, 1), axes=None):
    r"""A periodic orbit in two units, and its Floquet multipliers against the unit circle.

    Left: the polished orbit over one period, unit ``units[1]`` against unit
    ``units[0]`` (against time within the period for a one-unit model).
    Right: the eigenvalues :math:`\mu_i` of the monodromy matrix in the complex
    plane with the unit circle; the cycle is stable when all but the trivial
    :math:`\mu = 1` lie inside (Kuznetsov 2004, sec. 1.5).

    Parameters
    ----------
    orbit : xarray.Dataset
        From :func:`~attractors.analysis.periodic_orbit` (``found`` True).
    units : (int, int)
        The units on the horizontal and vertical axes.
    axes : (Axes, Axes), optional
        Where to draw; default a new figure with two panels.

    Returns
    -------
    (matplotlib.axes.Axes, matplotlib.axes.Axes)

    Examples
    --------
    >>> import numpy as np
    >>> import attractors
    >>> from attractors.analysis import periodic_orbit
    >>> class Hopf(attractors.ContinuousSystem):
    ...     n_units = 2
    ...     def vector_field(self, t, x, inputs=None):
    ...         r2 = np.sum(x * x, axis=-1)
    ...         return np.stack([(1 - r2) * x[..., 0] - x[..., 1],
    ...                          (1 - r2) * x[..., 1] + x[..., 0]], axis=-1)
    >>> cycle = periodic_orbit(Hopf(), [0.5, 0.0], transient=20.0, t_search=20.0)
    >>> left, right = plot_periodic_orbit(cycle)
    >>> len(left.lines), len(right.collections)
    (1, 1)
    """
    _check(orbit, "orbit", "attractors.analysis.periodic_orbit")
    if not bool(orbit["found"]):
        raise ParameterError(f"the result holds no periodic orbit: "
                             f"{orbit.attrs.get('message', 'not found')}")
    n_units = orbit.sizes["unit"]
    try:
        a, b = (int(u) for u in units)
    except (TypeError, ValueError):
        raise ParameterError(f"units must be two unit indices, got {describe(units)}") from None
    if n_units > 1 and not (0 <= a < n_units and 0 <= b < n_units and a != b):
        raise ParameterError(f"units must be two different indices in 0..{n_units - 1}, got "
                             f"{units!r}")
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
    left, right = axes
    states = orbit["orbit"].values
    closed = np.concatenate([states, states[:1]])  # one period, closed
    state_units = orbit["orbit"].attrs.get("units", "")
    if n_units == 1:
        phase = np.append(orbit["phase"].values, float(orbit["period"]))
        left.plot(phase, closed[:, 0], marker="o" if len(states) < 20 else None)
        left.set_xlabel(_label(orbit["phase"], "time within the period"))
        left.set_ylabel(f"unit 0 ({state_units})" if state_units else "unit 0")
    else:
        left.plot(closed[:, a], closed[:, b], color="black", linewidth=1.5)
        left.set_xlabel(f"unit {a} ({state_units})" if state_units else f"unit {a}")
        left.set_ylabel(f"unit {b} ({state_units})" if state_units else f"unit {b}")
    left.set_title(f"Periodic orbit, T = {float(orbit['period']):.4g}")
    multipliers = orbit["floquet_multiplier_real"].values + 1j * orbit[
        "floquet_multiplier_imag"].values
    angle = np.linspace(0.0, 2.0 * np.pi, 256)
    right.plot(np.cos(angle), np.sin(angle), color="0.5", linewidth=0.8)
    stable = "stable" if bool(orbit["is_stable"]) else "unstable"
    right.scatter(multipliers.real, multipliers.imag, color="C3", zorder=3,
                  label=f"Floquet multipliers ({stable})")
    right.set_aspect("equal", adjustable="datalim")
    right.set_xlabel(r"Re $\mu$")
    right.set_ylabel(r"Im $\mu$")
    right.set_title("Floquet multipliers and the unit circle")
    right.legend(loc="upper left", fontsize="small")
    return left, right


def plot_attractor_types(result, ax=None):
    r"""Fractions of starts per attractor type, or per attractor, with Wilson intervals.

    For a :func:`~attractors.analysis.classify_attractor` result one bar per
    type; for a :func:`~attractors.analysis.basins` result with
    :class:`~attractors.analysis.AttractorType` one bar per attractor, coloured
    by its type.  Error bars: the Wilson score interval (Wilson 1927) of the
    fraction :math:`\hat p = n_a / n`.

    Parameters
    ----------
    result : xarray.Dataset
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import attractors
    >>> from attractors.analysis import classify_attractor
    >>> class Logistic(attractors.DiscreteSystem):
    ...     n_units = 1
    ...     def update(self, x, rng=None, inputs=None):
    ...         return 3.2 * x * (1 - x)
    >>> result = classify_attractor(Logistic(), [[0.3], [0.6], [1.5]], transient=200,
    ...                             t_search=50)
    >>> ax = plot_attractor_types(result)
    >>> [float(p.get_height()) for p in ax.patches][:2]
    [0.0, 0.6666666666666666]
    """
    _check(result, "fraction", "attractors.analysis.classify_attractor or basins")
    ax = _new_axes(ax)
    if "attractor_type" in result.dims:
        names = [str(kind) for kind in result["attractor_type"].values]
        kinds = names
        title = "Attractor types reached"
    elif "attractor_type" in result.data_vars:
        names = [str(name) for name in result["name"].values]
        kinds = [str(kind) for kind in result["attractor_type"].values]
        title = "Basin fractions by attractor"
    else:
        raise ParameterError("result must come from classify_attractor or from basins with "
                             "classifier=AttractorType() (an attractor_type variable)")
    fraction = result["fraction"].values
    error = np.array([fraction - result["fraction_low"].values,
                      result["fraction_high"].values - fraction])
    positions = np.arange(len(names))
    ax.bar(positions, fraction, yerr=error, capsize=3,
           color=[TYPE_COLOURS.get(kind, "C7") for kind in kinds])
    ax.set_xticks(positions, [name.replace("_", " ") for name in names], rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(result["fraction"].attrs.get("long_name", "fraction of starts"))  # units "1"
    ax.set_title(f"{title}, {result.attrs.get('model', '')}".rstrip(", ")
                 + f" (n = {int(np.sum(result['count'].values))})")
    return ax
