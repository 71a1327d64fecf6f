r"""The doubled (bipartite) network whose asynchronous dynamics reproduce synchronous ones.

Two copies :math:`x, y` of the N units, coupled only across by
:math:`W + \epsilon I`, updated in the fixed order "all of x, then all of y",
follow the synchronous orbit :math:`(x, y) = (s(2k-1), s(2k))` (Bruck 1990;
Goles, Fogelman-Soulie & Pellegrin 1985).  :func:`doubled_couplings` builds its
weights and thresholds; :func:`doubled_network` (public as
:func:`attractors.models.doubled_network`) wraps them in a network.
"""

from __future__ import annotations

import numpy as np

from .._validate import ParameterError, check_positive, describe
from ._hopfield import HopfieldNetwork

__all__ = ["doubled_network"]


def doubled_couplings(network, tie_coupling):
    """(weights, thresholds, weight_scale) of the doubled network of ``network``.

    Integer couplings with integer thresholds (in coupling units) give integer
    doubled couplings with a tie coupling of 1/2 (spins) or 1/4 (binary units) of
    the smallest non-zero field, so the orbit is reproduced exactly; otherwise
    float weights in units of W with ``tie_coupling`` (default 1e-9 max|W|).
    """
    c = network.weights
    n = network.n_units
    theta_c = network._theta_c
    binary = network.units == "binary"
    integral = (c.dtype.kind in "iu" or np.array_equal(c, np.rint(c))) and np.array_equal(
        theta_c, np.rint(theta_c))
    if tie_coupling is None and integral:
        # Integer fields: non-zero ones are at least 1, so eps = 1/2 (spins) or 1/4
        # (binary) is safe; scale everything by m so the doubled couplings stay integers.
        m = 4 if binary else 2
        block = m * c.astype(np.int64)
        block[np.diag_indices(n)] += 2 if binary else 1
        theta2 = m * np.concatenate([theta_c, theta_c]) + (1.0 if binary else 0.0)
        big = np.zeros((2 * n, 2 * n), dtype=np.int64)
        scale = network._scale / m
        # Thresholds in W units; the network takes them back to integer coupling units
        # exactly (thresholds within round-off of an integer there are that integer).
        thresholds = theta2 * scale
    else:  # in units of W
        block = c.astype(np.float64) * network._scale
        if tie_coupling is None:
            eps = 1e-9 * (float(np.max(np.abs(block), initial=0.0)) or 1.0)
        else:
            eps = check_positive("tie_coupling", tie_coupling)
        block[np.diag_indices(n)] += 2 * eps if binary else eps
        theta = np.zeros(n) if network.thresholds is None else network.thresholds
        thresholds = np.concatenate([theta, theta]) + (eps if binary else 0.0)
        big = np.zeros((2 * n, 2 * n))
        scale = None
    big[:n, n:] = block
    big[n:, :n] = block
    return big, thresholds, scale


def doubled_network(network: HopfieldNetwork, *,
                    tie_coupling: float | None = None) -> HopfieldNetwork:
    r"""The bipartite network of 2N units whose asynchronous dynamics reproduce synchronous ones.

    Two copies :math:`x, y` of the units, coupled only across,

    .. math:: W_2 = \begin{pmatrix} 0 & W + \epsilon I \\ W + \epsilon I & 0 \end{pmatrix},
        \qquad \theta_2 = (\theta, \theta),

    updated asynchronously in the fixed order "all of x, then all of y"
    (units within a copy do not interact, so their order does not matter).
    Started from :math:`(s(0), s(0))`, sweep :math:`k` ends in
    :math:`(x, y) = (s(2k-1), s(2k))`, the synchronous orbit, and the energy of
    the doubled network is the two-step Lyapunov function of the synchronous
    one (Bruck 1990, J. Complexity 6:129; Goles et al. 1985).

    The small coupling :math:`\epsilon > 0` between a unit and its copy
    implements the synchronous tie rule: a unit whose field is zero keeps its
    state, which in the doubled network is its copy's latest value.  It must be
    smaller than every non-zero :math:`|h_i - \theta_i|`: by default 1/2 in
    coupling units for integer couplings and integer thresholds (where non-zero
    fields are at least 1, so the orbit is reproduced exactly), otherwise
    :math:`10^{-9} \max|W|`.  (For binary units, the copy's state enters as
    :math:`\epsilon(2y_i - 1)`, i.e. coupling :math:`2\epsilon` and threshold
    :math:`+\epsilon`.)

    Parameters
    ----------
    network : HopfieldNetwork
        Any network (its dynamics and order are replaced).
    tie_coupling : float, optional
        :math:`\epsilon` in units of :math:`W`.

    Returns
    -------
    HopfieldNetwork
        ``dynamics="async"``, ``order="fixed"``, 2N units.
    """
    if not isinstance(network, HopfieldNetwork):
        raise ParameterError(f"network must be a HopfieldNetwork, got {describe(network)}")
    weights, thresholds, scale = doubled_couplings(network, tie_coupling)
    return HopfieldNetwork(weights, thresholds, units=network.units, dynamics="async",
                           order="fixed", weight_scale=scale, symmetric=network.symmetric)
