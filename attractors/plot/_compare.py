r"""The figure of :func:`attractors.analysis.compare`: one protocol, several attractor models.

:func:`plot_compare` reads the Dataset that ``compare`` returns (dims
``model``, ``time``, ``mode``; schema in its docstring) and draws, for every
model side by side, what the comparison measured: the mean energy during
recall, recall accuracy against the fraction of trials that converged, the
Jacobian spectrum at the attractor (zero modes are the continuous directions
of a ring), and, when the run had noise, the diffusion along the attractor
measured against the prediction.  Panels whose variables are absent are left
out; every axis is labelled from the variables' ``long_name`` and ``units``.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, describe

__all__ = ["plot_compare"]


def _short(variable, name: str) -> str:
    """An axis label: a short name, and the variable's ``units`` attribute when it has one."""
    units = variable.attrs.get("units")
    return f"{name} ({units})" if units else name


def _energy(ax, result, names, colours):
    energy = result["energy"].transpose("model", "time")
    for index, name in enumerate(names):
        ax.plot(result["time"].values, energy.values[index], color=colours[index], label=name)
    ax.set_xlabel(_short(result["time"], "time"))
    ax.set_ylabel(_short(result["energy"], "mean energy"))
    ax.set_title("energy during recall")
    ax.legend(fontsize="small")


def _recall(ax, result, names, colours):
    shown = [v for v in ("recall_accuracy", "fraction_converged") if v in result]
    legend = {"recall_accuracy": "recalled", "fraction_converged": "converged"}
    width = 0.8 / len(shown)
    positions = np.arange(len(names))
    for k, variable in enumerate(shown):
        values = np.asarray(result[variable].values, dtype=np.float64)
        ax.bar(positions + (k - (len(shown) - 1) / 2) * width, values, width,
               color=colours, alpha=1.0 if k == 0 else 0.45, edgecolor="k", linewidth=0.5,
               hatch=None if k == 0 else "//",
               label=legend[variable])
    ax.set_xticks(positions, names)
    ax.set_ylim(0, 1.3)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("fraction of trials")
    ax.set_title("recall")
    ax.legend(fontsize="small", loc="upper center", ncol=2)


def _spectrum(ax, result, names, colours):
    if "eigenvalues" in result:
        eigenvalues, variable = result["eigenvalues"].transpose("model", ...).values, "eigenvalues"
    else:  # the netCDF-safe split: real parts alone are drawn
        eigenvalues = result["eigenvalue_real"].transpose("model", ...).values
        variable = "eigenvalue_real"
    for index, name in enumerate(names):
        real = np.real(eigenvalues[index])
        real = real[np.isfinite(real)]
        if real.size == 0:  # a map: no Jacobian spectrum
            continue
        label = name
        if "n_zero_modes" in result:
            label += f" ({int(result['n_zero_modes'].values[index])} zero mode(s))"
        ax.plot(np.arange(1, real.size + 1), real, "o-", markersize=3, color=colours[index],
                label=label)
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    ax.set_xlabel("mode (decreasing real part)")
    ax.set_ylabel(_short(result[variable], "Re eigenvalue"))
    ax.set_title("Jacobian spectrum at the attractor")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="small")


def _diffusion(ax, result, names, colours):
    positions = np.arange(len(names))
    measured = np.asarray(result["diffusion_coefficient"].values, dtype=np.float64)
    error = (np.asarray(result["diffusion_stderr"].values, dtype=np.float64)
             if "diffusion_stderr" in result else None)
    ax.bar(positions, measured, 0.6, yerr=error, color=colours, edgecolor="k", linewidth=0.5,
           capsize=4, label="measured")
    if "diffusion_theory" in result:
        theory = np.asarray(result["diffusion_theory"].values, dtype=np.float64)
        ax.scatter(positions, theory, marker="_", s=900, color="k", zorder=3, label="theory")
    # Each model drifts in its own coordinate (an angle on a ring, the state
    # for a point attractor): the unit goes under its name.
    if "drift_units" in result:
        names = [f"{name}\n({unit}$^2$/t)" for name, unit in
                 zip(names, result["drift_units"].values.astype(str))]
    ax.set_xticks(positions, names)
    ax.set_ylabel("diffusion coefficient D")
    ax.set_title("drift along the attractor")
    ax.legend(fontsize="small")


def plot_compare(result, *, axes=None):
    """Draw the result of :func:`attractors.analysis.compare`, one colour per model.

    Panels (each drawn when its variables are in ``result``): the mean energy
    against time (``energy``); recall accuracy and fraction converged
    (``recall_accuracy``, ``fraction_converged``); the real parts of the
    Jacobian spectrum at each attractor, zero modes counted in the legend
    (``eigenvalues``, ``n_zero_modes``); measured diffusion along the
    attractor with its standard error against the prediction
    (``diffusion_coefficient``, ``diffusion_stderr``, ``diffusion_theory``).

    Parameters
    ----------
    result : xarray.Dataset
        The Dataset :func:`attractors.analysis.compare` returns.
    axes : sequence of matplotlib.axes.Axes, optional
        One axes per panel drawn; default a new figure with a row of panels.

    Returns
    -------
    numpy.ndarray of matplotlib.axes.Axes
        The panels, in the order above.

    Examples
    --------
    >>> import numpy as np
    >>> import attractors
    >>> from attractors.models import RateNetwork
    >>> xi = np.where(np.arange(16) % 3 == 0, 1.0, -1.0)
    >>> result = attractors.analysis.compare(
    ...     {"point": RateNetwork(3 * np.outer(xi, xi) / 16)}, targets={"point": 3 * xi},
    ...     t_span=10.0, dt=0.1, n_trials=3)
    >>> axes = attractors.plot.plot_compare(result)
    >>> [ax.get_title() for ax in axes]
    ['energy during recall', 'recall', 'Jacobian spectrum at the attractor']
    """
    import matplotlib.pyplot as plt

    if not (hasattr(result, "data_vars") and "model" in getattr(result, "dims", ())):
        raise ParameterError(
            "result must be the xarray.Dataset returned by attractors.analysis.compare "
            f"(with a 'model' dimension), got {describe(result)}"
        )
    # Each panel with the variables it needs ("!name": drawn only without that one).
    candidates = (
        (_energy, ("energy",)), (_recall, ("recall_accuracy",)),
        (_spectrum, ("eigenvalues",)), (_spectrum, ("eigenvalue_real", "!eigenvalues")),
        (_diffusion, ("diffusion_coefficient",)))
    panels = [
        (draw, needs) for draw, needs in candidates
        if all((name[1:] not in result) if name.startswith("!") else (name in result)
               for name in needs)
        and not (draw is _diffusion and not np.isfinite(result[needs[0]].values).any())]
    if not panels:
        raise ParameterError(
            "result has none of the variables plot_compare draws (energy, recall_accuracy, "
            f"eigenvalues, diffusion_coefficient); it has {sorted(result.data_vars)}"
        )
    if axes is None:
        _, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.6),
                               layout="constrained", squeeze=False)
    axes = np.ravel(np.asarray(axes, dtype=object))
    if axes.size < len(panels):
        raise ParameterError(f"axes must hold {len(panels)} axes (one per panel), got {axes.size}")
    names = [str(name) for name in result["model"].values]
    colours = [f"C{index % 10}" for index in range(len(names))]
    for ax, (draw, _) in zip(axes, panels):
        draw(ax, result, names, colours)
    return axes[: len(panels)]
