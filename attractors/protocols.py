r"""Built-in experiment protocols: one seeded measurement per call, ready to sweep.

Each protocol takes its parameters as keywords and ``rng`` (a
:class:`numpy.random.Generator`), and returns a mapping of named results, so it
can be run once or over a grid with :func:`attractors.sweep`::

    attractors.sweep("capacity", {"load": [0.05, 0.1, 0.15, 0.2]},
                     fixed={"n_units": 1000}, trials=10)
"""

from __future__ import annotations

import numpy as np

from ._validate import ParameterError, check_integer, check_positive

__all__ = ["PROTOCOLS", "capacity", "ring_diffusion"]


def capacity(n_units: int, load: float, *, rng: np.random.Generator, rule: str = "hebb",
             flip: float = 0.1, dynamics: str = "async", max_sweeps: int = 100,
             threshold: float = 0.9) -> dict:
    r"""Retrieval quality of a Hopfield network at load :math:`\alpha = P/N`.

    Stores :math:`P = \mathrm{round}(\alpha N)` random :math:`\pm1` patterns with
    ``rule``, cues *every* stored pattern with exactly ``round(flip * N)`` bits
    flipped, runs each cue to a fixed point (:meth:`HopfieldNetwork.recall`) and
    measures the final overlap with the cued pattern,

    .. math::

        m = \frac{1}{N} \sum_i \xi_i^\mu s_i(\infty).

    For Hebbian storage and large :math:`N`, :math:`m` stays near 1 (above 0.96)
    below :math:`\alpha_c \approx 0.138` and collapses above it (Amit, Gutfreund
    & Sompolinsky 1985, Phys. Rev. Lett. 55:1530; 1987, Ann. Phys. 173:30).

    Parameters
    ----------
    n_units : int
        Network size :math:`N`.
    load : float
        :math:`\alpha = P/N` (at least one pattern is stored).
    rng : numpy.random.Generator
        Draws the patterns, the flipped bits and the update orders.
    rule : {"hebb", "storkey", "pseudo-inverse"}
        Storage rule (Hebb is stored as exact integers).
    flip : float
        Fraction of bits flipped in each cue.
    dynamics : {"async", "sync"}
        Update rule.
    max_sweeps : int
        Most sweeps per cue.
    threshold : float
        Overlap counted as a successful recall.

    Returns
    -------
    dict
        ``overlap`` (mean final overlap with the cued pattern), ``overlap_min``,
        ``recalled`` (fraction of cues with overlap >= ``threshold``),
        ``sweeps`` (mean sweeps to converge), ``converged`` (fraction),
        ``n_patterns``.
    """
    from . import patterns as pattern_tools
    from .models._hopfield import HopfieldNetwork

    n_units = check_integer("n_units", n_units, minimum=2)
    load = check_positive("load", load)
    flip = check_positive("flip", flip, allow_zero=True)
    if flip > 1:
        raise ParameterError(f"flip must be a fraction in [0, 1], got {flip}")
    n_patterns = max(1, int(round(load * n_units)))
    xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_patterns, n_units))
    exact = rule.lower() == "hebb" if isinstance(rule, str) else False
    network = HopfieldNetwork.from_patterns(xi, rule=rule, exact=exact, dynamics=dynamics)
    cues = pattern_tools.flip(xi, flip, rng=rng)
    result = network.recall(cues, max_sweeps=max_sweeps, threshold=threshold, rng=rng)
    own = result["overlap"].values[np.arange(n_patterns), np.arange(n_patterns)]
    return {
        "overlap": float(own.mean()),
        "overlap_min": float(own.min()),
        "recalled": float(np.mean(own >= threshold)),
        "sweeps": float(result["sweeps"].mean()),
        "converged": float(result["converged"].mean()),
        "n_patterns": n_patterns,
    }


def ring_diffusion(n_units: int, noise: float, *, rng: np.random.Generator,
                   duration: float = 1000.0, dt: float = 0.5, n_trials: int = 20,
                   max_settle: float = 1000.0, **ring_options) -> dict:
    r"""Diffusion of a ring attractor's bump under additive noise.

    ``n_trials`` bumps start at the ring's stationary bump (heading 0) and run
    for ``duration`` with white noise of amplitude ``noise`` added to every
    unit's potential (:class:`~attractors.solvers.EulerMaruyama`).  The decoded
    heading :math:`\phi(t)` (population vector, unwrapped) performs a random walk
    along the ring, because the ring is a continuum of fixed points with no
    restoring force along it; its mean squared displacement grows linearly,

    .. math::

        \langle (\phi(t) - \phi(0))^2 \rangle = 2 D t,

    and the diffusion coefficient :math:`D` is the least-squares slope of the MSD
    over :math:`2t` (through the origin).  :math:`D` grows like
    :math:`\sigma^2` and falls like :math:`1/N` (Burak & Fiete 2012, PNAS
    109:17645).

    Parameters
    ----------
    n_units : int
        Number of units on the ring.
    noise : float
        Noise amplitude :math:`\sigma` per unit (``EulerMaruyama(noise=...)``).
    rng : numpy.random.Generator
        Draws the noise.
    duration, dt : float
        Length of the noisy run and its step (in the ring's time unit, ms).
    n_trials : int
        Independent bumps simulated together (one vectorised batch).
    **ring_options
        Passed to :class:`~attractors.RingAttractor`.

    The bumps must start at rest on the attractor, or the MSD adds the
    bump's own relaxation to the diffusion: the start is checked (relative
    rate of change per :math:`\tau` below 1e-6, see :func:`attractors._settle.settle`)
    and, if it is not at rest, the noise-free ring runs on (at most
    ``max_settle`` ms) until it is; ``settled`` and ``settle_time`` say what
    happened (a :class:`RuntimeWarning` when the bound is reached).

    Returns
    -------
    dict
        ``diffusion`` (:math:`D`, rad² per ms), ``msd`` over ``lag`` (the mean
        squared displacement curve), ``final_spread`` (standard deviation of the
        final headings), ``settled`` (1 if the start was at rest, else 0),
        ``settle_time`` (ms run without noise before the noisy run; 0 for the
        stationary bump, which is relaxed to 1e-10 of its size).
    """
    import xarray as xr

    from ._settle import settle
    from ._simulate import simulate
    from .models._ring import RingAttractor
    from .models._ring_bump import SETTLED_TOLERANCE
    from .solvers import EulerMaruyama

    n_units = check_integer("n_units", n_units, minimum=8)
    noise = check_positive("noise", noise, allow_zero=True)
    duration = check_positive("duration", duration)
    dt = check_positive("dt", dt)
    n_trials = check_integer("n_trials", n_trials, minimum=2)
    ring = RingAttractor(n_units=n_units, **ring_options)
    start = settle(ring, ring.stationary_state(0.0), tolerance=SETTLED_TOLERANCE, min_time=0.0,
                   max_time=max_settle, check_every=10 * ring.tau, dt=dt,
                   what="ring_diffusion's MSD")
    x0 = np.broadcast_to(start.state, (n_trials, ring.n_units)).copy()
    run = simulate(ring, x0, t_span=duration, dt=dt, solver=EulerMaruyama(noise=noise), rng=rng,
                   record_energy=False)
    phi = run["heading"].transpose("time", "trial").values
    displacement = phi - phi[0]
    msd = np.mean(displacement**2, axis=1)
    lag = run["time"].values - run["time"].values[0]
    diffusion = float(np.sum(msd * lag) / np.sum(2 * lag**2))
    return {
        "diffusion": diffusion,
        "msd": xr.DataArray(msd, dims="lag", coords={"lag": lag}),
        "final_spread": float(np.std(displacement[-1])),
        "settled": int(start.settled),
        "settle_time": float(start.settle_time),
    }


#: Protocols by name, for :func:`attractors.sweep` and ``attractors sweep NAME``.
PROTOCOLS = {"capacity": capacity, "ring-diffusion": ring_diffusion}
