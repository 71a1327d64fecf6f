r"""Energy landscapes: along paths between two states, on planes, and at the stable states.

- :func:`energy_along_path`: the energy along the straight line between two
  states, along the *dynamical* path (a string of states relaxed by the flow
  itself, which converges to the minimum-energy path through the saddle for a
  gradient-like system: the string method of E, Ren & Vanden-Eijnden 2002,
  2007), or, for binary networks, along a path of single flips.
- :func:`energy_surface`: the energy on a plane through state space,
  :math:`x(\alpha, \beta) = x_0 + \alpha d_1 + \beta d_2` (e.g. spanned by two
  stored patterns), and :func:`project_onto_plane` to draw trajectories on it.
- :func:`stable_state_energies`: the energies of the stable states, stored
  patterns against their reversals, mixtures and other spurious states
  (Amit, Gutfreund & Sompolinsky 1985).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._system import ContinuousSystem, DiscreteSystem
from .._validate import ParameterError, check_choice, check_finite_array, check_integer, check_positive
from ._basin_classifiers import NearestPattern
from ._fixed_points import find_fixed_points
from ._stability import _check_system, _labelled

__all__ = ["energy_along_path", "energy_surface", "project_onto_plane", "stable_state_energies"]


def _energy(system, x, inputs=None):
    try:
        return np.asarray(system.energy(x, inputs), dtype=np.float64)
    except NotImplementedError as reason:
        raise ParameterError(f"energy landscapes need an energy function: {reason}") from None


def _state(system, name, value):
    x = check_finite_array(name, value, dtype=np.float64)
    if x.shape != (system.n_units,):
        raise ParameterError(f"{name} must have shape ({system.n_units},), got {x.shape}")
    return x


def _reparametrise(images):
    """Equal arc-length spacing along a piecewise-linear string (endpoints kept)."""
    segment = np.linalg.norm(np.diff(images, axis=0), axis=-1)
    arc = np.concatenate([[0.0], np.cumsum(segment)])
    if arc[-1] == 0:
        return images
    target = np.linspace(0.0, arc[-1], images.shape[0])
    return np.stack([np.interp(target, arc, images[:, i]) for i in range(images.shape[1])],
                    axis=1)


def _string(system, start, end, n_points, *, dt, max_iter, tol, free_ends, t, inputs, seed):
    s = np.linspace(0.0, 1.0, n_points)[:, None]
    images = (1 - s) * start + s * end
    # A tiny seeded kick off the straight line: a string lying on a symmetry line of the
    # flow (e.g. through an unstable node) would otherwise stay on it.
    kick = np.random.default_rng(seed).standard_normal(images.shape)
    kick[[0, -1]] = 0
    images = images + 1e-4 * (1 + np.abs(images).max()) * kick * np.sin(np.pi * s)
    moving = slice(None) if free_ends else slice(1, -1)
    change = np.inf
    for iteration in range(max_iter):  # noqa: B007 (the count is returned after the loop)
        previous = images
        images = images.copy()
        images[moving] = images[moving] + dt * np.asarray(
            system.vector_field(t, images[moving], inputs), dtype=np.float64)
        images = _reparametrise(images)
        change = float(np.max(np.abs(images - previous))) / dt
        if change <= tol:
            break
    return images, iteration + 1, change


def _hamming_path(system, start, end, inputs):
    """Flip the differing units one at a time, each time the one giving the lowest energy."""
    path = [start.copy()]
    x = start.copy()
    remaining = list(np.flatnonzero(x != end))
    while remaining:
        candidates = np.repeat(x[None], len(remaining), axis=0)
        candidates[np.arange(len(remaining)), remaining] = end[remaining]
        k = int(np.argmin(_energy(system, candidates, inputs)))
        x = candidates[k]
        path.append(x.copy())
        remaining.pop(k)
    return np.array(path)


def energy_along_path(system, start, end, *, path: str = "straight", n_points: int = 101,
                      dt: float | None = None, max_iter: int = 20000, tol: float = 1e-6,
                      free_ends: bool = False, t: float = 0.0, inputs=None,
                      seed: int = 0) -> xr.Dataset:
    r"""Energy along a path between two states (e.g. two stored patterns).

    Paths:

    ``"straight"``
        :math:`x(s) = (1 - s)\,a + s\,b`, :math:`s \in [0, 1]`; for a binary
        network, a shortest path of single flips (the differing units flipped
        in a random order drawn from ``seed``), so that state k is k flips
        from :math:`a`.
    ``"dynamical"`` (flows)
        A string of ``n_points`` states between :math:`a` and :math:`b`,
        each moved by the flow, :math:`x_i \leftarrow x_i + \Delta t\,F(x_i)`,
        and then redistributed at equal arc length along the string, until it
        stops changing (the simplified string method, E, Ren &
        Vanden-Eijnden 2007).  For a gradient system :math:`F = -\nabla E` it
        converges to the minimum-energy path, whose highest point is the
        saddle between the two basins: the barrier the dynamics must cross.
    ``"hamming"`` (binary maps)
        The units where :math:`a` and :math:`b` differ are flipped one at a
        time, each step the flip with the lowest energy (a greedy
        lowest-barrier path of single flips).

    Parameters
    ----------
    system : DynamicalSystem
        A model with an energy.
    start, end : array_like, shape (n_units,)
    path : {"straight", "dynamical", "hamming"}
    n_points : int
        Points along the straight or dynamical path.
    dt : float, optional
        Step of the string's relaxation (default: 0.2 / the largest
        :math:`|\partial F_i/\partial x_i|` at the endpoints, at least 1e-3).
    max_iter, tol
        The string stops when it moves less than ``tol`` per unit time.
    free_ends : bool
        Let the endpoints relax too (to the attractors nearest them).
    t, inputs
        Time and constant input for the field and the energy.
    seed : int
        Seed of the tiny kick that takes the string off symmetry lines.

    Returns
    -------
    xarray.Dataset
        Dim ``point`` with coordinate ``s`` (arc length along the path,
        normalised to [0, 1]); ``state`` (point, unit), ``energy`` (point);
        attrs ``barrier`` (max energy less the start's energy),
        ``barrier_from_end`` and, for the dynamical path, ``iterations`` and
        ``residual_motion``.

    References
    ----------
    W. E, W. Ren and E. Vanden-Eijnden, Phys. Rev. B 66, 052301 (2002);
    J. Chem. Phys. 126, 164103 (2007).

    Examples
    --------
    >>> import numpy as np
    >>> import attractors
    >>> class Wells(attractors.ContinuousSystem):
    ...     n_units = 2
    ...     def vector_field(self, t, x, inputs=None):
    ...         return x - x**3
    ...     def energy(self, x, inputs=None):
    ...         return np.sum(x**4 / 4 - x**2 / 2, axis=-1)
    >>> straight = energy_along_path(Wells(), [1, 1], [-1, -1])
    >>> dynamical = energy_along_path(Wells(), [1, 1], [-1, -1], path="dynamical")
    >>> round(straight.attrs["barrier"], 3), round(dynamical.attrs["barrier"], 3)
    (0.5, 0.25)
    """
    _check_system(system)
    path = check_choice("path", path, ("straight", "dynamical", "hamming"))
    a, b = _state(system, "start", start), _state(system, "end", end)
    n_points = check_integer("n_points", n_points, minimum=2)
    u = None if inputs is None else np.asarray(inputs, dtype=np.float64)
    _energy(system, a, u)  # fails early without an energy
    attrs = {"model": system.name, "path": path}
    if path == "straight" and isinstance(system, DiscreteSystem):
        # The straight line of a binary space: a shortest (Hamming) path, flipping the
        # differing units in a seeded random order, so the k-th state is k flips from a.
        differ = np.flatnonzero(a != b)
        order = np.random.default_rng(seed).permutation(differ)
        states = np.repeat(a[None], order.size + 1, axis=0)
        for k, unit in enumerate(order):
            states[k + 1:, unit] = b[unit]
    elif path == "straight":
        s = np.linspace(0.0, 1.0, n_points)[:, None]
        states = (1 - s) * a + s * b
    elif path == "hamming":
        if not isinstance(system, DiscreteSystem):
            raise ParameterError("path='hamming' is for binary (discrete) networks; use "
                                 "'straight' or 'dynamical' for a flow")
        states = _hamming_path(system, a, b, u)
    else:
        if not isinstance(system, ContinuousSystem):
            raise ParameterError(f"path='dynamical' relaxes a string by a flow; {system.name} is "
                                 "a map: use path='hamming' (single flips) or 'straight'")
        if dt is None:
            from ._stability import jacobian_matrix

            stiffness = np.max(np.abs(np.diagonal(jacobian_matrix(system, np.stack([a, b]), t=t,
                                                                  inputs=inputs),
                                                  axis1=-2, axis2=-1)))
            dt = max(1e-3, 0.2 / max(float(stiffness), 1e-12))
        dt = check_positive("dt", dt)
        states, iterations, motion = _string(
            system, a, b, n_points, dt=dt, max_iter=check_integer("max_iter", max_iter, minimum=1),
            tol=check_positive("tol", tol), free_ends=free_ends, t=t, inputs=u, seed=seed)
        attrs.update({"iterations": iterations, "residual_motion": motion, "dt": dt,
                      "converged": int(motion <= tol)})
    energy = _energy(system, states, u)
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(states, axis=0), axis=-1))])
    arc = arc / arc[-1] if arc[-1] > 0 else arc
    peak = int(np.argmax(energy))
    attrs.update({"barrier": float(energy[peak] - energy[0]),
                  "barrier_from_end": float(energy[peak] - energy[-1]),
                  "peak_s": float(arc[peak])})
    return _labelled(xr.Dataset(
        {"state": (("point", "unit"), states), "energy": ("point", energy)},
        coords={"point": np.arange(len(states)), "s": ("point", arc),
                "unit": np.arange(system.n_units)}, attrs=attrs), {
        "state": ("state along the path", "model state units"),
        "energy": ("energy along the path", "model energy units"),
        "s": ("normalised arc length along the path", "1"),
    })


def _plane(system, origin, direction_1, direction_2):
    o = _state(system, "origin", origin)
    d1 = _state(system, "direction_1", direction_1)
    d2 = _state(system, "direction_2", direction_2)
    if np.linalg.matrix_rank(np.stack([d1, d2])) < 2:
        raise ParameterError("direction_1 and direction_2 must be linearly independent")
    return o, d1, d2


_SURFACE_LABELS = {
    "energy": ("energy on the plane (lowest of the states in a bin)", "model energy units"),
    "energy_mean": ("mean energy of the states in a bin", "model energy units"),
    "count": ("states projected into the bin", "1"),
    "alpha": ("coordinate along direction_1", "1"),
    "beta": ("coordinate along direction_2", "1"),
}


def energy_surface(system, origin, direction_1, direction_2, *, alpha=(-1.5, 1.5), beta=None,
                   n_grid: int = 61, states=None, inputs=None) -> xr.Dataset:
    r"""The energy on a 2-D projection of state space.

    For a flow, on the plane :math:`x(\alpha, \beta) = x_0 + \alpha d_1 + \beta d_2`:
    with :math:`x_0 = 0` and :math:`d_1, d_2` two stored patterns the plane holds
    both memories (at :math:`(1, 0)` and :math:`(0, 1)`), their reversals and
    mixtures; with :math:`x_0` a bump and :math:`d_1` its derivative it cuts
    across a ring attractor.

    For a binary network (or when ``states`` are given) the plane holds no
    states, so the states themselves are projected (:func:`project_onto_plane`;
    for :math:`x_0 = 0` and :math:`\pm1` patterns, :math:`(\alpha, \beta)`
    are the overlaps :math:`(m_1, m_2)` when the patterns are orthogonal) and
    binned on the grid: ``energy`` is the lowest energy in each bin
    (``energy_mean`` the mean, ``count`` the number of states).  By default
    the states are all :math:`2^N` configurations of a network of at most 16
    units.

    Parameters
    ----------
    system : DynamicalSystem
        A model with an energy.
    origin, direction_1, direction_2 : array_like, shape (n_units,)
    alpha, beta : (float, float)
        Ranges of the two coordinates (``beta`` defaults to ``alpha``).
    n_grid : int
        Grid points (plane) or bins (projection) per axis.
    states : array_like, shape (n_states, n_units), optional
        States to project and bin instead of evaluating the plane.
    inputs : array_like, optional

    Returns
    -------
    xarray.Dataset
        ``energy`` over (beta, alpha) (and ``energy_mean``, ``count`` for a
        projection); attrs name the model and the mode.

    Examples
    --------
    A linear gradient flow :math:`\dot x = -x` has :math:`E = |x|^2 / 2`:

    >>> import numpy as np
    >>> from attractors.models import LinearSystem
    >>> plane = energy_surface(LinearSystem(-np.eye(3)), np.zeros(3), [1, 0, 0], [0, 1, 1],
    ...                        alpha=(-1, 1), n_grid=3)
    >>> (plane.energy.values + 0.0).tolist()  # (alpha^2 + 2 beta^2) / 2
    [[1.5, 1.0, 1.5], [0.5, 0.0, 0.5], [1.5, 1.0, 1.5]]
    """
    _check_system(system)
    o, d1, d2 = _plane(system, origin, direction_1, direction_2)
    alpha = check_finite_array("alpha", alpha, dtype=np.float64)
    beta = alpha if beta is None else check_finite_array("beta", beta, dtype=np.float64)
    for name, pair in (("alpha", alpha), ("beta", beta)):
        if pair.shape != (2,) or not pair[1] > pair[0]:
            raise ParameterError(f"{name} must be a pair (low, high) with low < high")
    n_grid = check_integer("n_grid", n_grid, minimum=2)
    u = None if inputs is None else np.asarray(inputs, dtype=np.float64)
    a_values, b_values = np.linspace(*alpha, n_grid), np.linspace(*beta, n_grid)
    attrs = {"model": system.name}
    if states is None and not isinstance(system, DiscreteSystem):
        A, B = np.meshgrid(a_values, b_values)
        energy = _energy(system, o + A[..., None] * d1 + B[..., None] * d2, u)
        return _labelled(xr.Dataset({"energy": (("beta", "alpha"), energy)},
                                    coords={"alpha": a_values, "beta": b_values},
                                    attrs={**attrs, "mode": "plane"}), _SURFACE_LABELS)
    if states is None:
        if system.n_units > 16:
            raise ParameterError(f"give the states to project: all 2**{system.n_units} states of "
                                 f"{system.name} are too many to enumerate (limit 16 units)")
        from ._fixed_points_discrete import _all_states

        states = _all_states(system)
    states = check_finite_array("states", states, dtype=np.float64)
    if states.ndim != 2 or states.shape[1] != system.n_units:
        raise ParameterError(f"states must have shape (n_states, {system.n_units}), got "
                             f"{states.shape}")
    energy = _energy(system, states.astype(system.state_dtype), u)
    coords = project_onto_plane(states, o, d1, d2)
    # Bins centred on the grid values.
    def bin_index(values, grid):
        width = grid[1] - grid[0]
        index = np.floor((values - grid[0]) / width + 0.5).astype(np.int64)
        return index, (index >= 0) & (index < grid.size)

    ia, ok_a = bin_index(coords[:, 0], a_values)
    ib, ok_b = bin_index(coords[:, 1], b_values)
    ok = ok_a & ok_b
    flat = ib[ok] * n_grid + ia[ok]
    count = np.bincount(flat, minlength=n_grid * n_grid)
    total = np.bincount(flat, weights=energy[ok], minlength=n_grid * n_grid)
    lowest = np.full(n_grid * n_grid, np.inf)
    np.minimum.at(lowest, flat, energy[ok])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    lowest = np.where(count > 0, lowest, np.nan)
    shape = (n_grid, n_grid)
    return _labelled(xr.Dataset({"energy": (("beta", "alpha"), lowest.reshape(shape)),
                                 "energy_mean": (("beta", "alpha"), mean.reshape(shape)),
                                 "count": (("beta", "alpha"), count.reshape(shape))},
                                coords={"alpha": a_values, "beta": b_values},
                                attrs={**attrs, "mode": "projection", "n_states": len(states),
                                       "n_outside": int(np.sum(~ok))}), _SURFACE_LABELS)


def project_onto_plane(states, origin, direction_1, direction_2):
    r"""Coordinates :math:`(\alpha, \beta)` of states projected onto the plane.

    Least squares: :math:`\min_{\alpha,\beta} \lVert x - x_0 - \alpha d_1 -
    \beta d_2\rVert`, so trajectories can be drawn over :func:`energy_surface`.

    Parameters
    ----------
    states : array_like, shape (..., n_units)
    origin, direction_1, direction_2 : array_like, shape (n_units,)

    Returns
    -------
    ndarray, shape (..., 2)
    """
    x = np.asarray(states, dtype=np.float64)
    basis = np.stack([np.asarray(direction_1, float), np.asarray(direction_2, float)], axis=1)
    gram = basis.T @ basis
    return np.linalg.solve(gram, ((x - np.asarray(origin, float)) @ basis)[..., None])[..., 0]


def stable_state_energies(system, patterns, initial_states=None, *, threshold: float = 0.95,
                          mixtures: bool = True, n_bins: int = 30, seed=None,
                          **fixed_point_options) -> xr.Dataset:
    r"""Energies of the stable states, stored patterns against spurious ones.

    Stable states are found by :func:`find_fixed_points` (for a small binary
    network, all of them, exhaustively; otherwise from ``initial_states``,
    and for flows only the points labelled stable) and each is classified by
    its largest overlap (:class:`NearestPattern`): ``"stored"`` (a pattern),
    ``"reversal"``, ``"mixture"`` (a symmetric three-pattern mixture) or
    ``"spurious"`` (none above ``threshold``).  Below capacity the stored
    patterns lie deepest: for Hebbian weights with zero diagonal
    :math:`E = -\frac N2 \sum_\mu m_\mu^2 + \frac P2`, so :math:`E \approx -N/2`
    at a pattern, while a symmetric three-pattern mixture, with overlaps 1/2
    with each of its three patterns, sits at :math:`E \approx -\frac38 N`
    (Amit, Gutfreund & Sompolinsky 1985).

    Parameters
    ----------
    system : DynamicalSystem
    patterns : array_like, shape (n_patterns, n_units)
    initial_states : array_like, optional
        Starts for the search (required for flows and for large networks).
    threshold : float
        Overlap above which a state counts as a candidate.
    mixtures : bool
        Recognise symmetric three-pattern mixtures.
    n_bins : int
        Bins of the energy histogram (shared by all kinds).
    seed
        Seed of the search.
    **fixed_point_options
        Passed on to :func:`find_fixed_points`.

    Returns
    -------
    xarray.Dataset
        Dim ``state``: ``energy``, ``kind``, ``max_overlap``, ``nearest``
        (the candidate's name), ``stable_state`` (state, unit); over
        ``category`` (the four kinds) and ``bin``: ``histogram`` (counts),
        with ``bin_edges`` (bin_edge);
        attrs with the mean energy of each kind.

    References
    ----------
    D. J. Amit, H. Gutfreund and H. Sompolinsky, Phys. Rev. A 32, 1007 (1985).
    """
    _check_system(system)
    classifier = NearestPattern(patterns, reversals=True, mixtures=mixtures, threshold=threshold)
    if classifier.states.shape[1] != system.n_units:
        raise ParameterError(f"patterns must have {system.n_units} units, got "
                             f"{classifier.states.shape[1]}")
    n_bins = check_integer("n_bins", n_bins, minimum=1)
    found = find_fixed_points(system, initial_states, seed=seed, **fixed_point_options)
    if "period" in found:
        found = found.isel(fixed_point=found.period.values == 1)
    else:
        found = found.isel(fixed_point=(found.stability.values == "stable")
                           & found.is_fixed_point.values)
    states = found.state.values.astype(np.float64)
    energy = _energy(system, states)
    overlaps = classifier.overlaps(states)
    labels = classifier(states)
    n_patterns = len(np.asarray(patterns).reshape(-1, system.n_units))
    kind = np.where(labels < 0, "spurious",
                    np.where(labels < n_patterns, "stored",
                             np.where(labels < 2 * n_patterns, "reversal", "mixture")))
    names = np.array([classifier.names[k] if k >= 0 else "" for k in labels], dtype=str)
    kinds = ["stored", "reversal", "mixture", "spurious"]
    low, high = (float(energy.min()), float(energy.max())) if energy.size else (0.0, 1.0)
    edges = np.linspace(low, high + 1e-12 * max(1.0, abs(high)), n_bins + 1)
    histogram = np.stack([np.histogram(energy[kind == k], bins=edges)[0] for k in kinds])
    means = {f"mean_energy_{k}": float(np.mean(energy[kind == k])) if np.any(kind == k)
             else float("nan") for k in kinds}
    return _labelled(xr.Dataset(
        {"energy": ("state", energy), "kind": ("state", kind.astype(str)),
         "max_overlap": ("state", np.max(overlaps, axis=-1) if overlaps.size else np.zeros(0)),
         "nearest": ("state", names),
         "stable_state": (("state", "unit"), states),
         "histogram": (("category", "bin"), histogram),
         "bin_edges": ("bin_edge", edges)},
        coords={"state": np.arange(len(states)), "category": kinds, "unit": np.arange(system.n_units)},
        attrs={"model": system.name, "n_stable_states": len(states), **means,
               "exhaustive": found.attrs.get("exhaustive", 0)}), {
        "energy": ("energy of the stable state", "model energy units"),
        "kind": ("stored, reversal, mixture or spurious", "1"),
        "max_overlap": ("largest overlap with a stored pattern", "1"),
        "nearest": ("the stored pattern, reversal or mixture it matches", "1"),
        "stable_state": ("stable state", "model state units"),
        "histogram": ("number of stable states per energy bin", "1"),
        "bin_edges": ("edges of the energy bins", "model energy units"),
    })
