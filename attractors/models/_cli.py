"""Models the command line builds from a few numbers (``attractors simulate NAME``).

Each entry is a function whose keyword parameters, all with defaults, become
``--name value`` options; its first docstring line is the ``--help`` summary.
Models whose parameters are arrays (weights, patterns) are built here from
seeded random patterns or weights, so every command is reproducible.
"""

from __future__ import annotations

__all__ = [
    "continuous_hopfield",
    "dense_associative_memory",
    "hopfield",
    "modern_hopfield",
    "rate_network",
    "ring",
]


def _patterns(n_patterns: int, n_units: int, seed: int):
    from ..patterns import random_patterns

    return random_patterns(n_patterns, n_units, seed=seed)


def hopfield(n_units: int = 100, n_patterns: int = 10, rule: str = "hebb", dynamics: str = "async",
             temperature: float = 0.0, pattern_seed: int = 0):
    """Hopfield network storing random +-1 patterns (HopfieldNetwork.from_patterns); time in sweeps."""
    from ._hopfield import HopfieldNetwork

    return HopfieldNetwork.from_patterns(_patterns(n_patterns, n_units, pattern_seed), rule=rule,
                                         dynamics=dynamics, temperature=temperature)


def rate_network(n_units: int = 100, gain: float = 1.5, symmetric: bool = False,
                 transfer: str = "tanh", tau: float = 1.0, weight_seed: int = 0):
    """Rate network tau du/dt = -u + W phi(u), Gaussian weights of std gain/sqrt(N) (RateNetwork.random)."""
    from ._rate import RateNetwork

    return RateNetwork.random(n_units, gain, symmetric=symmetric, seed=weight_seed,
                              transfer=transfer, tau=tau)


def continuous_hopfield(n_units: int = 100, n_patterns: int = 10, gain: float = 10.0,
                        output: str = "tanh", rule: str = "hebb", pattern_seed: int = 0):
    """Graded-response Hopfield network (Hopfield 1984) storing random patterns."""
    from ._continuous_hopfield import ContinuousHopfield

    return ContinuousHopfield.from_patterns(_patterns(n_patterns, n_units, pattern_seed), rule=rule,
                                            gain=gain, output=output)


def dense_associative_memory(n_units: int = 100, n_patterns: int = 50,
                             interaction: str = "polynomial", degree: int = 3,
                             pattern_seed: int = 0):
    """Dense associative memory (Krotov & Hopfield 2016) storing random +-1 patterns."""
    from ._dense import DenseAssociativeMemory

    return DenseAssociativeMemory.random(n_units, n_patterns, seed=pattern_seed,
                                         interaction=interaction, degree=degree)


def modern_hopfield(dim: int = 64, n_patterns: int = 100, beta: float = 1.0, pattern_seed: int = 0):
    """Modern Hopfield network (Ramsauer et al. 2021) storing Gaussian patterns of dimension dim."""
    from ._modern import ModernHopfield

    return ModernHopfield.random(n_patterns, dim, beta=beta, seed=pattern_seed)


def ring(n_units: int = 64, drive: str = "velocity", tau: float = 10.0, profile: str = "zhang",
         transfer: str = "zhang"):
    """Zhang (1996) head-direction ring (RingAttractor); --input: angular velocity in rad/ms; time in ms.

    ``profile="zhang"`` (default) builds the same weights as ``RingAttractor()``
    in Python (Zhang's construction for the default tuning curve); the names
    of :meth:`RingAttractor.from_profile` (``"cosine"``, ``"von_mises"``,
    ``"difference_of_gaussians"``) give a parametric profile with its default
    shape.  ``drive`` says what ``--input`` means: ``"velocity"`` (default: a
    turn, rad/ms), ``"gamma"`` (the shift strength) or ``"current"`` (one
    value per unit).
    """
    from ._ring import RingAttractor

    if profile == "zhang":
        return RingAttractor(n_units=n_units, transfer=transfer, tau=tau, drive=drive)
    return RingAttractor.from_profile(profile, n_units=n_units, transfer=transfer, tau=tau,
                                      drive=drive)
