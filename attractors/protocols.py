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
                   duration: float = 500.0, dt: float = 0.5, n_trials: int = 20,
                   settle: float = 50.0, **ring_options) -> dict:
    r"""Diffusion of a ring attractor's bump under additive noise.

    A bump is formed at a random heading, the ring then runs for ``duration``
    with white noise of strength ``noise`` added to every unit
    (:class:`~attractors.solvers.EulerMaruyama`), and the decoded bump position
    :math:`\phi(t)` (population vector, unwrapped) is compared with its start.
    For a continuous attractor the position performs a random walk along the
    ring, so its mean squared displacement grows linearly,

    .. math::

        \langle (\phi(t) - \phi(0))^2 \rangle = 2 D t,

    and the diffusion coefficient :math:`D` is the least-squares slope over
    :math:`2t` (Burak & Fiete 2012, PNAS 109:17645, for the scaling of
    :math:`D` with :math:`N` and noise).

    Parameters
    ----------
    n_units : int
        Number of units on the ring.
    noise : float
        Noise amplitude :math:`\sigma` per unit (``EulerMaruyama(noise=...)``).
    rng : numpy.random.Generator
        Draws the initial headings and the noise.
    duration, dt, settle : float
        Length of the noisy run, step, and the noise-free settling time first.
    n_trials : int
        Independent bumps simulated together (vectorised), averaged in the MSD.
    **ring_options
        Passed to :class:`~attractors.RingAttractor`.

    Returns
    -------
    dict
        ``diffusion`` (:math:`D`, rad² per time unit), ``msd`` over ``lag`` (the
        mean squared displacement curve), ``final_spread`` (circular std of the
        final positions).
    """
    import xarray as xr

    from . import simulate
    from .analysis._bump import bump_position, unwrap_heading
    from .models._ring import RingAttractor
    from .solvers import EulerMaruyama

    n_units = check_integer("n_units", n_units, minimum=8)
    noise = check_positive("noise", noise, allow_zero=True)
    duration = check_positive("duration", duration)
    n_trials = check_integer("n_trials", n_trials, minimum=2)
    ring = RingAttractor(n_units=n_units, **ring_options)
    headings = rng.uniform(-np.pi, np.pi, n_trials)
    x0 = ring.bump_state(headings) if hasattr(ring, "bump_state") else None
    if x0 is None:
        raise ParameterError("ring_diffusion needs RingAttractor.bump_state(headings)")
    settled = simulate(ring, x0, t_span=settle, dt=dt, rng=rng)
    start = settled["state"].isel(time=-1).values
    run = simulate(ring, start, t_span=duration, dt=dt, solver=EulerMaruyama(noise=noise), rng=rng)
    theta = ring.coords["theta"][1] if "theta" in ring.coords else None
    rates = ring.rate(run["state"].values) if hasattr(ring, "rate") else run["state"].values
    phi = unwrap_heading(bump_position(rates, theta), axis=0)  # (time, trial)
    displacement = phi - phi[0]
    msd = np.mean(displacement**2, axis=1)
    lag = run["time"].values - run["time"].values[0]
    diffusion = float(np.sum(msd * lag) / np.sum(2 * lag**2))
    final = phi[-1]
    spread = float(np.sqrt(-2 * np.log(np.abs(np.mean(np.exp(1j * final))))))
    return {
        "diffusion": diffusion,
        "msd": xr.DataArray(msd, dims="lag", coords={"lag": lag}),
        "final_spread": spread,
    }


#: Protocols by name, for :func:`attractors.sweep` and ``attractors sweep NAME``.
PROTOCOLS = {"capacity": capacity, "ring-diffusion": ring_diffusion}
