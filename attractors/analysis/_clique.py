r"""A Hopfield network as an optimiser: its stable states are the maximal cliques of a graph.

One 0/1 unit per vertex; two vertices that are *not* adjacent inhibit each
other, and every unit is pushed on by a bias (the "unit that is always on").
A unit then switches on exactly when none of its non-neighbours is on, so
asynchronous updates grow a clique greedily and stop at a maximal one, and
the energy of a clique is minus its size: the deepest minima are the maximum
cliques.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import ParameterError, check_finite_array, describe, plain

__all__ = ["clique_network", "is_maximal_clique"]


def _check_adjacency(adjacency) -> np.ndarray:
    a = check_finite_array("adjacency", adjacency)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise ParameterError(f"adjacency must be a square (n, n) matrix, got shape {a.shape}")
    if not np.all((a == 0) | (a == 1)):
        raise ParameterError("adjacency must contain only 0/1 (or False/True) entries")
    a = a.astype(bool)
    if not np.array_equal(a, a.T):
        bad = tuple(int(i) for i in np.argwhere(a != a.T)[0])
        raise ParameterError(
            f"adjacency must be symmetric (an undirected graph), but adjacency{list(bad)} "
            f"!= adjacency{list(bad[::-1])}"
        )
    np.fill_diagonal(a, False)
    return a


def clique_network(adjacency, *, penalty=2, reward=1, **network_options):
    r"""A 0/1 Hopfield network whose fixed points are exactly the maximal cliques of a graph.

    With one unit :math:`V_i \in \{0, 1\}` per vertex, weights
    :math:`W_{ij} = -p` for non-adjacent :math:`i \ne j` (0 for edges) and
    thresholds :math:`\theta_i = -r` (a bias :math:`r` from an always-on unit),

    .. math::

        E(V) = p \sum_{i<j,\ (i,j) \notin \mathcal{E}} V_i V_j - r \sum_i V_i ,
        \qquad h_i = r - p \, \#\{j \notin \mathcal N(i) : V_j = 1\} .

    For :math:`p > r > 0` a unit is on in a fixed point exactly when no
    non-neighbour is on (the active set is a clique), and off exactly when
    some non-neighbour is on (no vertex can be added: the clique is
    maximal); no field is ever zero.  A clique of size :math:`k` has energy
    :math:`-rk`, so the global minima are the maximum cliques.  Started from
    all units off, asynchronous updates add vertices greedily; the update
    order decides which maximal clique is found.  This is the construction
    analysed by Jagota (1995); finding a *maximum* clique is NP-hard, and the
    greedy descent finds a maximal one.

    Parameters
    ----------
    adjacency : array_like, shape (n, n)
        Symmetric 0/1 adjacency matrix (the diagonal is ignored).
    penalty : int or float
        :math:`p`, the inhibition between non-adjacent vertices (> ``reward``).
    reward : int or float
        :math:`r > 0`, the bias towards switching a unit on.
    **network_options
        Passed to :class:`~attractors.models._hopfield.HopfieldNetwork`, for
        example ``order="fixed"`` or ``steps_per_sweep`` (the units are 0/1
        and the dynamics asynchronous).

    Returns
    -------
    HopfieldNetwork
        ``units="binary"``, ``dynamics="async"``; integer weights when
        ``penalty`` is an integer, so energies and fields are exact.

    References
    ----------
    Jagota, A. (1995). Approximating maximum clique with a Hopfield network.
    IEEE Trans. Neural Networks 6, 724-735.

    Hopfield, J. J. & Tank, D. W. (1985). "Neural" computation of decisions in
    optimization problems. Biol. Cybern. 52, 141-152.

    Examples
    --------
    A triangle 0-1-2 with a pendant vertex 3 attached to 2: the maximal
    cliques are {0, 1, 2} and {2, 3}.

    >>> import numpy as np
    >>> from attractors.analysis import clique_network, is_maximal_clique
    >>> a = np.zeros((4, 4), int)
    >>> for i, j in [(0, 1), (0, 2), (1, 2), (2, 3)]:
    ...     a[i, j] = a[j, i] = 1
    >>> net = clique_network(a)
    >>> final = net.recall(np.zeros((20, 4)), seed=0).state.values  # 20 random orders
    >>> sorted({tuple(np.flatnonzero(s).tolist()) for s in final})
    [(0, 1, 2), (2, 3)]
    >>> bool(is_maximal_clique(a, final).all())
    True
    """
    from ..models._hopfield import HopfieldNetwork

    a = _check_adjacency(adjacency)
    for name, value in (("penalty", penalty), ("reward", reward)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not \
                np.isfinite(value) or value <= 0:
            raise ParameterError(f"{name} must be a finite number > 0, got {describe(value)}")
    if not penalty > reward:
        raise ParameterError(
            f"penalty must exceed reward (otherwise a unit can switch on next to an active "
            f"non-neighbour and fixed points need not be cliques), got penalty={plain(penalty)}, "
            f"reward={plain(reward)}"
        )
    integer = isinstance(penalty, numbers.Integral)
    non_edge = ~a
    np.fill_diagonal(non_edge, False)
    weights = -np.where(non_edge, penalty, 0).astype(np.int64 if integer else np.float64)
    thresholds = np.full(a.shape[0], -float(reward))
    for fixed in ("units", "dynamics", "weight_scale", "thresholds"):
        if fixed in network_options:
            raise ParameterError(f"clique_network sets {fixed} itself; got {fixed}="
                                 f"{describe(network_options[fixed])}")
    return HopfieldNetwork(weights, thresholds, units="binary", dynamics="async",
                           **network_options)


def is_maximal_clique(adjacency, states) -> np.ndarray:
    r"""Whether each 0/1 state's active vertices form a maximal clique of the graph.

    A clique: every two active vertices are adjacent.  Maximal: no inactive
    vertex is adjacent to all active ones.  The empty set counts only for a
    graph with no vertices.

    Parameters
    ----------
    adjacency : array_like, shape (n, n)
        Symmetric 0/1 adjacency matrix.
    states : array_like, shape (..., n)
        0/1 states (active vertices).

    Returns
    -------
    ndarray of bool, shape ``states.shape[:-1]``

    Examples
    --------
    >>> import numpy as np
    >>> from attractors.analysis import is_maximal_clique
    >>> path = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> is_maximal_clique(path, [[1, 1, 0], [1, 0, 0], [1, 0, 1]]).tolist()
    [True, False, False]
    """
    a = _check_adjacency(adjacency)
    s = check_finite_array("states", states)
    if s.ndim < 1 or s.shape[-1] != a.shape[0] or not np.all((s == 0) | (s == 1)):
        raise ParameterError(
            f"states must be 0/1 arrays of shape (..., {a.shape[0]}), got {describe(s)}"
        )
    active = s.astype(np.int64)
    non_edge = (~a).astype(np.int64)
    np.fill_diagonal(non_edge, 0)
    # Active non-neighbours of every vertex; a clique has none at active vertices,
    # and it is maximal when every inactive vertex has at least one.
    conflicts = active @ non_edge
    on = active == 1
    return np.all(np.where(on, conflicts == 0, conflicts > 0), axis=-1)
