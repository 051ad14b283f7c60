"""Bets whose outcome is in doubt, kept in a small local journal until the store settles them.

The OPERATOR sends a bet once and takes its answer as final, so a bet it got INTERNAL_ERROR
for, or no answer at all, must cost the player nothing, even if its commit landed. The
writer notes each bet here before its commit is attempted and again once its answer is
known; a bet answered INTERNAL_ERROR is marked in doubt (fsynced before the answer goes
out), and so is every bet left attempted by a process that died. Each is settled through
the writer as soon as the store answers (domain/settling.py), and only then leaves the
journal. The file is emptied whenever nothing is attempted or in doubt.

Only the in-doubt marks are fsynced: the attempt and answer marks are plain writes, which
survive the process dying (the kernel keeps them), at a few microseconds per batch.
"""

import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path

import orjson

from domain.commands import PlaceBet
from ledger.doubts import Doubt


class Journal:
    """attempt / answered / doubt / settled lines, one JSON object each."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._attempted: dict[str, Doubt] = {}
        self._doubts = _recovered(path)  # a dead process's attempts are in doubt now
        path.parent.mkdir(parents=True, exist_ok=True)
        # Open once: a bet costs one write() to note and one to cross off, no open or stat.
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._size = 0
        self._rewrite()

    def attempting(self, bets: Iterable[PlaceBet]) -> None:
        """Before a commit is attempted: these bets may land from now on."""
        with self._lock:
            # A thread abandoned at the deadline may try again: what is in doubt stays so.
            doubts = [Doubt.of(b) for b in bets if b.transaction_id not in self._doubts]
            self._attempted.update((d.transaction_id, d) for d in doubts)
            self._write([{"attempt": d} for d in doubts], sync=False)

    def answered(self, transaction_ids: Iterable[str]) -> None:
        """Their outcome is known and their answer is about to go out."""
        with self._lock:
            done = [t for t in transaction_ids if self._attempted.pop(t, None) is not None]
            self._write([{"answered": t} for t in done], sync=False)
            self._compact()

    def in_doubt(self, transaction_ids: Iterable[str]) -> list[Doubt]:
        """Answered INTERNAL_ERROR (or not at all): durable before the answer goes out."""
        with self._lock:
            moved = [self._attempted.pop(t) for t in transaction_ids if t in self._attempted]
            self._doubts.update((d.transaction_id, d) for d in moved)
            self._write([{"doubt": d} for d in moved], sync=True)
        return moved

    def settled(self, transaction_id: str) -> None:
        """The store holds the settlement: nothing more to do for this bet."""
        with self._lock:
            if self._doubts.pop(transaction_id, None) is not None:
                self._write([{"settled": transaction_id}], sync=True)
            self._compact()

    def holds(self, transaction_id: str) -> Doubt | None:
        """The bet, when it is in doubt and not settled yet."""
        with self._lock:
            return self._doubts.get(transaction_id)

    def doubts_of(self, user_id: str) -> list[Doubt]:
        """The player's bets in doubt."""
        with self._lock:
            return [d for d in self._doubts.values() if d.user_id == user_id]

    def doubts(self) -> list[Doubt]:
        """Bets in doubt, oldest first."""
        with self._lock:
            return list(self._doubts.values())

    def close(self) -> None:
        """Done with the file (what it holds stays for the next process)."""
        with self._lock:
            os.close(self._fd)

    def _compact(self) -> None:
        if not self._attempted and not self._doubts and self._size:
            os.ftruncate(self._fd, 0)  # O_APPEND: the next line goes at the new end
            self._size = 0

    def _rewrite(self) -> None:
        with self._lock:
            os.ftruncate(self._fd, 0)
            self._size = 0
            self._write([{"doubt": d} for d in self._doubts.values()], sync=True)

    def _write(self, records: list[dict[str, object]], *, sync: bool) -> None:
        if not records:
            return
        # orjson writes a Doubt (a dataclass of strings) as its fields, one line each.
        data = b"".join([orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records])
        os.write(self._fd, data)
        self._size += len(data)
        if sync:
            os.fsync(self._fd)


def _recovered(path: Path) -> dict[str, Doubt]:
    """What a journal left by an earlier process still holds open: all of it is in doubt."""
    open_bets: dict[str, Doubt] = {}
    if not path.exists():
        return open_bets
    for line in path.read_text().splitlines():
        record = _record(line)
        for kind in ("attempt", "doubt"):
            if isinstance(record.get(kind), dict):
                doubt = Doubt(**record[kind])
                open_bets[doubt.transaction_id] = doubt
        for kind in ("answered", "settled"):
            if isinstance(record.get(kind), str):
                open_bets.pop(record[kind], None)
    return open_bets


def _record(line: str) -> dict[str, object]:
    try:
        found = json.loads(line)
    except ValueError:  # a line torn by a crash mid-write
        return {}
    return found if isinstance(found, dict) else {}
