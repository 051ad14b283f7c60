"""The error record: the bets this server answered with an error, until the store settles them.

A bet answered INTERNAL_ERROR (or whose answer could not be handed to the connection) is
written here, fsynced, before that answer leaves: it is what lets the ledger make the
error true after a crash, a restart, or on another machine (`sportsbook-ledger settle`).
Nothing else is written on the hot path.

Each fact is one line, `<crc32 hex> <json>`: {"doubt": {...}} or {"settled": "<id>"}. A
line that does not check out (torn by a crash, a flipped byte, a missing field) is
skipped, logged and counted, never a reason not to start. At start the record is
rewritten to what is still open, and again each time nothing is open.

When the disk refuses a line (full, a file-size limit) the bet is kept in memory, settled
from there as usual, and the record is not healthy: /readyz says not ready and the writer
starts no new bet's commit (nothing can land that could not be written down), until a
retry writes what memory holds.
"""

import threading
import zlib
from typing import Any, Protocol

import orjson

from adapters.logsetup import log
from ledger.doubts import Doubt

_FIELDS = tuple(Doubt.__dataclass_fields__)


class Disk(Protocol):
    """The record's bytes (adapters/record_file.py; a simulation's own in the tests)."""

    def read(self) -> bytes: ...
    def append(self, data: bytes) -> None: ...
    def replace(self, data: bytes) -> None: ...
    def close(self) -> None: ...


class ErrorRecord:
    """The open doubts, in memory and on disk.

    Two locks: one for the doubts in memory, only ever held for a dictionary operation
    (the event loop asks for a player's doubts before each command), and one for the disk,
    held through its writes and fsyncs by the record's own thread.
    """

    def __init__(self, disk: Disk) -> None:
        self._disk = disk
        self._lock, self._writing = threading.Lock(), threading.Lock()
        self._open, self.damaged = _read(disk.read())
        self._unwritten: dict[str, Doubt] = {}
        self._healthy = True
        self._rewrite()

    @property
    def healthy(self) -> bool:
        """Whether a doubt could be written down now (the last write went through)."""
        return self._healthy

    def add(self, doubts: list[Doubt]) -> bool:
        """Durable before the error answers leave; False (kept in memory) if the disk refused."""
        with self._lock:
            new = [d for d in doubts if d.transaction_id not in self._open]
            self._open.update((d.transaction_id, d) for d in new)
            self._unwritten.update((d.transaction_id, d) for d in new)
        return self._flush()

    def settled(self, transaction_id: str) -> None:
        """The store holds its settlement; a line lost here only means settling it again."""
        with self._lock:
            if self._open.pop(transaction_id, None) is None:
                return
            written = self._unwritten.pop(transaction_id, None) is None
            empty = not self._open
        if empty:
            self._rewrite()
        elif written:
            self._write([{"settled": transaction_id}])

    def retry(self) -> bool:
        """Write what memory holds that the disk refused before, or, with nothing to write,
        a line that says nothing: True once the disk takes a line again."""
        with self._lock:
            pending = bool(self._unwritten)
        if pending:
            return self._flush()
        with self._writing:
            return self._write([{"probe": True}])

    def holds(self, transaction_id: str) -> Doubt | None:
        with self._lock:
            return self._open.get(transaction_id)

    def doubts_of(self, user_id: str) -> list[Doubt]:
        with self._lock:
            return [d for d in self._open.values() if d.user_id == user_id]

    def doubts(self) -> list[Doubt]:
        with self._lock:
            return list(self._open.values())

    def close(self) -> None:
        self._disk.close()

    def _flush(self) -> bool:
        with self._writing:
            with self._lock:
                pending = list(self._unwritten.values())
            if pending and self._write([{"doubt": d} for d in pending]):
                with self._lock:
                    for doubt in pending:
                        self._unwritten.pop(doubt.transaction_id, None)
            return self._healthy

    def _rewrite(self) -> bool:
        with self._writing:
            with self._lock:
                kept = list(self._open.values())
            try:
                self._disk.replace(_encode([{"doubt": d} for d in kept]))
            except OSError as error:
                return self._refused(error)
            with self._lock:
                for doubt in kept:
                    self._unwritten.pop(doubt.transaction_id, None)
            if kept:  # an empty file proves nothing about the next line
                self._healthy = True
            return True

    def _write(self, records: list[dict[str, Any]]) -> bool:
        try:
            self._disk.append(_encode(records))
        except OSError as error:
            return self._refused(error)
        self._healthy = True
        return True

    def _refused(self, error: OSError) -> bool:
        if self._healthy:
            log.error("error_record_refused", error=error.strerror or type(error).__name__)
        self._healthy = False
        return False


def _encode(records: list[dict[str, Any]]) -> bytes:
    lines = []
    for record in records:
        body = orjson.dumps(record)
        lines.append(b"%08x %s\n" % (zlib.crc32(body), body))
    return b"".join(lines)


def _read(data: bytes) -> tuple[dict[str, Doubt], int]:
    """The doubts still open, and how many lines did not check out."""
    open_doubts: dict[str, Doubt] = {}
    damaged = 0
    for line in data.splitlines():
        record = _decode(line)
        if record is None:
            damaged += 1
            log.error("error_record_line_damaged", length=len(line))
        elif isinstance(record, Doubt):
            open_doubts[record.transaction_id] = record
        else:
            open_doubts.pop(record, None)
    return open_doubts, damaged


def _decode(line: bytes) -> Doubt | str | None:
    """A doubt, a settled id ("" for a line that says nothing), or None for a line that
    does not check out."""
    checksum, _, body = line.partition(b" ")
    try:
        if int(checksum, 16) != zlib.crc32(body) or len(checksum) != 8:
            return None
        record = orjson.loads(body)
    except ValueError:
        return None
    if isinstance(record, dict) and isinstance(record.get("settled"), str):
        return str(record["settled"])
    if isinstance(record, dict) and record.get("probe") is True:
        return ""  # a retry's test of the disk
    fields = record.get("doubt") if isinstance(record, dict) else None
    return Doubt(**fields) if _doubt_fields(fields) else None


def _doubt_fields(fields: Any) -> bool:
    """Exactly a doubt's fields, strings all (the delivery may be null)."""
    return (
        isinstance(fields, dict)
        and set(fields) == set(_FIELDS)
        and all(isinstance(fields[f], str) for f in _FIELDS[:4])
        and isinstance(fields["delivery"], str | None)
    )
