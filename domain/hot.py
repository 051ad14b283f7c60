"""Committed aggregates kept in memory, so the next decision on a hot player needs no read.

Only committed state is held, and every reader gets its own copy, so a batch that fails
leaves nothing behind. A stale entry (another process wrote the stream) is harmless for
decisions that write the stream, since its next version is taken already and the save
conflicts; decisions that only read are checked against the store before committing.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable
from uuid import UUID

from eventsourcing.domain import Aggregate


def private_copy(aggregate: Aggregate) -> Aggregate:
    """A copy whose dicts and lists are its own, for one unit of work to change."""
    clone = object.__new__(type(aggregate))
    clone.__dict__.update(
        {k: v.copy() if type(v) in (dict, list) else v for k, v in vars(aggregate).items()}
    )
    return clone


class HotAggregates:
    """A bounded, thread-safe, least-recently-used store of committed aggregates."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._held: OrderedDict[UUID, Aggregate] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._held)

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        """A private copy of the committed aggregate, or None when not held."""
        with self._lock:
            held = self._held.get(aggregate_id)
            if held is None:
                return None
            self._held.move_to_end(aggregate_id)
        return private_copy(held)

    def keep(self, aggregates: Iterable[Aggregate]) -> None:
        """Hold these just-committed aggregates (never replacing a newer version)."""
        with self._lock:
            for aggregate in aggregates:
                held = self._held.get(aggregate.id)
                if held is None or held.version <= aggregate.version:
                    self._held[aggregate.id] = aggregate
                    self._held.move_to_end(aggregate.id)
            while len(self._held) > self._capacity:
                self._held.popitem(last=False)

    def forget(self, aggregate_ids: Iterable[UUID]) -> None:
        """Drop entries a failed batch touched: the store says what is true."""
        with self._lock:
            for aggregate_id in aggregate_ids:
                self._held.pop(aggregate_id, None)
