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


def random_walk_renamed(drift, scale, rng, n_steps=6):
    """The same walk under another name (a store must not mix it with random_walk's)."""
    path = np.cumsum(drift + scale * rng.standard_normal(n_steps))
    return {"end": path[-1], "path": path}


def blas_threads(x, rng):
    """How many BLAS threads the point ran with (threadpoolctl's view)."""
    from threadpoolctl import threadpool_info

    counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    return {"threads": max(counts) if counts else -1}
