"""The error record's file on the server's own disk (ledger/record.py says what it holds).

One process at a time: an exclusive flock on RECORD.lock, taken when the file is opened and
held until it is closed, refuses a second server (or `sportsbook-ledger settle`) on the
same record. Appends are fsynced before they return. A rewrite is atomic: a temporary
file in the same directory, fsynced, renamed over the record, the directory fsynced.
"""

import contextlib
import fcntl
import os
from pathlib import Path

from domain.errors import SettingsError


class RecordInUseError(SettingsError):
    """Another process holds the record: each server needs its own."""


class RecordFile:
    """The record's bytes: read once, appended and fsynced, rewritten atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _locked(path.with_name(path.name + ".lock"))
        self._fd = self._open()

    def read(self) -> bytes:
        """Everything the record holds now."""
        return self.path.read_bytes() if self.path.exists() else b""

    def append(self, data: bytes) -> None:
        """Write all of it and fsync; OSError when the disk refuses (full, a size limit)."""
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        os.fsync(self._fd)

    def replace(self, data: bytes) -> None:
        """The record becomes exactly this, or stays as it was (a crash at any point)."""
        temporary = self.path.with_name(self.path.name + ".new")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, self.path)
        _sync_directory(self.path.parent)
        os.close(self._fd)
        self._fd = self._open()

    def close(self) -> None:
        """Done with it; the lock goes with the last descriptor."""
        with contextlib.suppress(OSError):
            os.close(self._fd)
        os.close(self._lock)

    def _open(self) -> int:
        return os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)


def _locked(lock_path: Path) -> int:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise RecordInUseError(
            f"ERROR_RECORD {lock_path.with_suffix('')} is held by another process "
            f"(pid {holder}): each server needs a record of its own"
        ) from None
    with contextlib.suppress(OSError):  # a full disk: the lock holds all the same
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
