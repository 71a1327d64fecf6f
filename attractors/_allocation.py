"""Refusing an allocation larger than the memory available, before making it (issue 15 item 18).

Used by the pattern generators, the storage rules and the Hopfield family, so that
``random_patterns(10**6, 10**6)`` fails at once with the size and the parameter
named instead of in numpy's allocator or the out-of-memory killer.
"""

from __future__ import annotations

import os

import numpy as np

from ._validate import ParameterError

__all__ = ["available_memory", "check_allocation", "check_bytes"]


def available_memory() -> int:
    """Bytes of memory available now (Linux ``MemAvailable``; else the free pages)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 2**63


def check_allocation(name: str, value, shape, dtype, what: str) -> None:
    """Refuse, before allocating, an array of ``shape`` and ``dtype`` larger than the memory
    available, naming the parameter ``name`` (whose value was ``value``) and the size.

    Used by the pattern generators, the storage rules and the Hopfield family, so
    ``random_patterns(10**6, 10**6)`` fails at once with the size instead of in
    numpy's allocator or the out-of-memory killer.
    """
    n_bytes = float(np.prod([float(d) for d in shape])) * np.dtype(dtype).itemsize
    detail = (f" (shape {' x '.join(f'{int(d):,}' for d in shape)}, "
              f"{np.dtype(dtype).name})")
    check_bytes(name, value, n_bytes, what + detail)


def check_bytes(name: str, value, n_bytes: float, what: str, *, estimate: bool = False) -> None:
    """Refuse ``n_bytes`` for ``what`` when more than the memory available (see check_allocation).

    ``estimate``: the size is an estimate (a model's derived tables), said as "about".
    """
    available = available_memory()
    if n_bytes > available:
        shown = value if isinstance(value, str) else (
            f"{value:,}" if isinstance(value, int) else str(value))
        size = f"{'about ' if estimate else ''}{n_bytes / 2**30:,.1f} GiB"
        raise ParameterError(
            f"{name}={shown} needs {size} for {what}, but only "
            f"{available / 2**30:,.1f} GiB of memory is available; choose a smaller {name}")
