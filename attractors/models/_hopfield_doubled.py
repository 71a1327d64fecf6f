r"""The doubled (bipartite) network whose asynchronous dynamics reproduce synchronous ones.

Two copies :math:`x, y` of the N units, coupled only across by
:math:`W + \epsilon I`, updated in the fixed order "all of x, then all of y",
follow the synchronous orbit :math:`(x, y) = (s(2k-1), s(2k))` (Bruck 1990;
Goles, Fogelman-Soulie & Pellegrin 1985).  :func:`doubled_couplings` builds its
weights and thresholds; :func:`attractors.models.doubled_network` wraps them in
a network.
"""

from __future__ import annotations

import numpy as np

from .._validate import check_positive


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
