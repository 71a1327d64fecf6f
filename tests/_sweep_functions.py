"""Functions swept in tests/test_sweep.py, in a module so worker processes can import them."""

import time

import numpy as np


def random_walk(drift, scale, rng, n_steps=6):
    """A seeded random walk: its end point and its path (an array-valued result)."""
    path = np.cumsum(drift + scale * rng.standard_normal(n_steps))
    return {"end": path[-1], "path": path}


def slow_draw(x, rng, delay=0.0):
    """One random number per point, taking ``delay`` seconds (for the interruption test)."""
    time.sleep(delay)
    return {"value": x + rng.random()}
