r"""Figures of barcodes and persistence diagrams; matplotlib is imported only when one is drawn."""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, describe

__all__ = ["plot_barcode", "plot_diagram"]

_COLOURS = ("C0", "C1", "C2")


def _check(result):
    if not hasattr(result, "data_vars") or "persistence" not in result:
        raise ParameterError(f"result must be a Dataset from persistent_homology, got {describe(result)}")


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4.5, 4), layout="constrained")
    return ax


def plot_diagram(result, *, ax=None):
    """Persistence diagram: one point (birth, death) per bar, coloured by homology dimension.

    Bars still alive at the largest scale are drawn on the top edge (at ``max_scale``);
    the band under the dashed line ``death = birth + shuffle_longest`` holds what the
    shuffled copies reach, per dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.manifold import persistent_homology
    >>> angle = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    >>> ax = plot_diagram(persistent_homology(np.c_[np.cos(angle), np.sin(angle)]))
    """
    _check(result)
    ax = _axes(ax)
    dims = result["homology_dimension"].values
    births, deaths = result["birth"].values, result["death"].values
    scale = float(result.attrs.get("max_scale", np.inf))
    finite = deaths[np.isfinite(deaths)]
    top = scale if np.isfinite(scale) else 1.05 * (finite.max() if finite.size else 1.0)
    for dim in range(result.sizes["dimension"]):
        mine = dims == dim
        ax.scatter(births[mine], np.minimum(deaths[mine], top), s=14, color=_COLOURS[dim % 3],
                   label=f"H{dim}")
        if int(result.attrs.get("n_shuffles", 0)):
            reach = float(result["shuffle_longest"][dim])
            ax.plot([0, top], [reach, top + reach], "--", color=_COLOURS[dim % 3], linewidth=0.8)
    ax.plot([0, top], [0, top], "k-", linewidth=0.8)
    ax.set(xlim=(0, top * 1.02), ylim=(0, top * 1.05), xlabel="birth (scale)",
           ylabel="death (scale)", title="Persistence diagram")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_barcode(result, *, ax=None, max_bars: int = 20):
    """Barcode: the ``max_bars`` longest bars of each dimension as horizontal segments.

    A vertical tick marks each dimension's shuffle threshold (``shuffle_longest``
    after the bar's birth is what a bar must beat to count in :func:`betti_numbers`).

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.manifold import persistent_homology
    >>> angle = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    >>> ax = plot_barcode(persistent_homology(np.c_[np.cos(angle), np.sin(angle)]))
    """
    _check(result)
    ax = _axes(ax)
    dims = result["homology_dimension"].values
    births, persistence = result["birth"].values, result["persistence"].values
    scale = float(result.attrs.get("max_scale", np.inf))
    ends = births + persistence
    top = scale if np.isfinite(scale) else 1.05 * np.max(ends[np.isfinite(ends)], initial=1.0)
    row, ticks, labels = 0, [], []
    for dim in range(result.sizes["dimension"]):
        mine = np.flatnonzero(dims == dim)[:max_bars]  # sorted longest first
        for k in mine:
            end = min(ends[k], top)
            ax.plot([births[k], end], [row, row], color=_COLOURS[dim % 3], linewidth=2.5,
                    solid_capstyle="butt")
            if not np.isfinite(ends[k]) or ends[k] >= top:
                ax.plot(end, row, ">", color=_COLOURS[dim % 3], markersize=4)
            row += 1
        ticks.append(row - max(len(mine), 1) / 2 - 0.5)
        labels.append(f"H{dim}")
        if int(result.attrs.get("n_shuffles", 0)):
            reach = float(result["shuffle_longest"][dim])
            ax.axvline(reach, ymin=0, ymax=1, color=_COLOURS[dim % 3], linestyle=":", linewidth=1)
        row += 1
    ax.set_yticks(ticks, labels)
    ax.set(xlim=(0, top * 1.02), xlabel="scale", title="Barcode")
    ax.invert_yaxis()
    return ax
