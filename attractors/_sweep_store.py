"""The results store of :func:`attractors.sweep`: a folder of checksummed points.

Layout of a store folder::

    sweep.json           what sweep this is (function and a hash of its code,
                         parameter names, trials, seed, fixed values)
    .lock                taken (fcntl) while the store is created, checked or
                         a point is committed, so concurrent sweeps never race
    points/NAME.nc       one finished point (netCDF)
    points/NAME.sha256   the SHA-256 of that file, written with it

A point is written to a uniquely named temporary file, hashed, and renamed into
place together with its checksum while the lock is held; a point whose file
cannot be read or whose bytes do not match its checksum is reported by name
and computed again, so one damaged file never stops a resumed sweep.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
import warnings
from pathlib import Path

from ._validate import ParameterError

__all__ = ["SweepStoreError", "SweepStoreWarning"]

_STORE_FORMAT = 2

try:  # POSIX; elsewhere concurrent sweeps on one store rely on atomic renames alone
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


class SweepStoreError(ParameterError):
    """A results store belongs to a different sweep, or is damaged."""


class SweepStoreWarning(UserWarning):
    """A point in a results store was damaged and is being computed again."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Store:
    """A store folder (see the module docstring), checked against ``description`` on opening."""

    def __init__(self, path, description: dict):
        self.path = Path(path)
        self.points = self.path / "points"
        self.manifest = self.path / "sweep.json"
        if self.path.exists() and not self.path.is_dir():
            raise SweepStoreError(f"store {str(self.path)!r} exists and is not a folder")
        if (self.path.is_dir() and not (self.path / ".lock").exists()
                and not self.manifest.exists() and any(self.path.iterdir())):
            raise SweepStoreError(
                f"store {str(self.path)!r} is a non-empty folder that is not a sweep store; "
                "refusing to write into it"
            )
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SweepStoreError(f"cannot create store {str(self.path)!r}: {error.strerror}") from error
        with self.locked():
            if self.manifest.exists():
                self._check(description)
            else:
                self.points.mkdir(exist_ok=True)
                self._write_json(self.manifest, {"format": _STORE_FORMAT, "sweep": description})
        self.points.mkdir(exist_ok=True)

    @contextlib.contextmanager
    def locked(self):
        """Hold the store's lock (a no-op where fcntl is missing)."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        try:
            handle = open(self.path / ".lock", "a")
        except PermissionError:  # a store shared read-only: flock works on a read handle too
            handle = open(self.path / ".lock")
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _write_json(self, path: Path, content: dict) -> None:
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        temporary.write_text(json.dumps(content, indent=1))
        os.replace(temporary, path)

    def _check(self, description: dict) -> None:
        try:
            existing = json.loads(self.manifest.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise SweepStoreError(f"store {str(self.path)!r} has a damaged sweep.json: {error}") from error
        if not isinstance(existing, dict) or existing.get("format") != _STORE_FORMAT:
            raise SweepStoreError(
                f"store {str(self.path)!r} was made by another version of attractors (store "
                f"format {existing.get('format') if isinstance(existing, dict) else '?'}, this "
                f"version reads format {_STORE_FORMAT}); use a new store"
            )
        stored = existing.get("sweep", {})
        differences = sorted(key for key in set(stored) | set(description)
                             if stored.get(key) != description.get(key))
        if "function" in differences and "code" in differences:
            differences.remove("code")  # another function: its code differs as a matter of course
        if differences:
            labels = {"code": "the function's code (it was rewritten)",
                      "parameters": "the swept parameter names"}
            detail = ", ".join(labels.get(key, key) for key in differences)
            raise SweepStoreError(
                f"store {str(self.path)!r} holds a different sweep (differs in: {detail}); use "
                "another store, or delete this one to start over"
            )

    def done(self) -> set[str]:
        """Names of the points on disk (not yet verified: see :meth:`read`)."""
        return {path.stem for path in self.points.glob("*.nc")}

    def write(self, name: str, dataset) -> None:
        """Write one point: unique temporary file, checksum, then both renamed under the lock."""
        token = f"{os.getpid()}.{uuid.uuid4().hex}"
        temporary = self.points / f".{name}.{token}.nc.tmp"
        try:
            dataset.to_netcdf(temporary)
            checksum = self.points / f".{name}.{token}.sha256.tmp"
            checksum.write_text(_sha256(temporary) + "\n")
            with self.locked():
                os.replace(checksum, self.points / f"{name}.sha256")
                os.replace(temporary, self.points / f"{name}.nc")
        finally:
            for leftover in self.points.glob(f".{name}.{token}.*"):
                leftover.unlink(missing_ok=True)

    def read(self, name: str):
        """The point's Dataset, or None (with a warning naming the file) if it is damaged."""
        import xarray as xr

        path = self.points / f"{name}.nc"
        with self.locked():
            try:
                expected = (self.points / f"{name}.sha256").read_text().strip()
                if _sha256(path) != expected:
                    problem = "its checksum does not match"
                else:
                    with xr.open_dataset(path) as dataset:
                        return dataset.load()
            except FileNotFoundError as error:
                if Path(error.filename or "").suffix != ".sha256":
                    return None  # the point itself is gone: simply missing
                problem = "its checksum file is missing"
            except Exception as error:  # netCDF/HDF errors come as OSError, KeyError, ValueError...
                problem = f"it cannot be read ({type(error).__name__}: {' '.join(str(error).split())})"
        warnings.warn(f"sweep store point {str(path)!r} is damaged ({problem}): computing it again",
                      SweepStoreWarning, stacklevel=3)
        return None
