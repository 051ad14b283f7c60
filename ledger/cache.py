"""Committed aggregates kept in memory, so the next decision on a hot player needs no read.

Only committed state is held, and every reader gets its own copy, so a batch that fails
leaves nothing behind. A stale entry (another process wrote the stream) is harmless for
decisions that write the stream, since its next version is taken already and the save
conflicts; decisions that only read are checked against the store before committing.

Entries are held frozen: the aggregate's class by number, its attributes' names, and their
values with each dict or list turned into a tuple. An aggregate's state is flat (balances
by currency, immutable values), which tests/unit/test_hot.py holds every aggregate type
to, so a frozen aggregate holds nothing but strings, numbers, Decimals, datetimes and
bytes, and the cyclic garbage collector stops tracking it: tens of thousands of aggregates
held as objects made every full collection walk them (30-130 ms pauses under the bench's
load). Whole pickles, held before for the same reason, cost 10-17 µs an aggregate; a
player now freezes or thaws in 2-4 µs. Only values the collector would track are pickled:
a transaction's arrival (a dataclass of enums), so a transaction still costs 11-12 µs.
"""

import gc
import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterable
from itertools import chain
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate


class HotAggregates:
    """A bounded, thread-safe, least-recently-used store of committed aggregates."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._held: OrderedDict[int, Frozen] = OrderedDict()  # id: the aggregate, frozen
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._held)

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        """A private copy of the committed aggregate, or None when not held."""
        with self._lock:
            held = self._held.get(aggregate_id.int)
            if held is None:
                return None
            self._held.move_to_end(aggregate_id.int)
        return thaw(aggregate_id, held)

    def keep(self, aggregates: Iterable[Aggregate]) -> None:
        """Hold these just-committed aggregates (never replacing a newer version)."""
        frozen = [(a.id.int, freeze(a)) for a in aggregates]
        with self._lock:
            for key, state in frozen:
                held = self._held.get(key)
                if held is None or held[1] <= state[1]:
                    self._held[key] = state
                    self._held.move_to_end(key)
            while len(self._held) > self._capacity:
                self._held.popitem(last=False)

    def forget(self, aggregate_ids: Iterable[UUID]) -> None:
        """Drop entries a failed batch touched: the store says what is true."""
        with self._lock:
            for aggregate_id in aggregate_ids:
                self._held.pop(aggregate_id.int, None)


# (class number, version, attribute names, *attribute values): each dict or list value a
# flat tuple after a marker, any other value the collector would track (a transaction's
# arrival, an enum member) pickled, nothing nested deeper. The collector stops tracking a
# held aggregate on the passes it survives while young, before it is long-lived.
Frozen = tuple[Any, ...]
_CLASSES: list[type[Aggregate]] = []
_NUMBERS: dict[type[Aggregate], int] = {}
_REGISTERING = threading.Lock()
# The first of a tuple standing for a dict, a list, or an object the collector tracks.
_DICT, _LIST, _PICKLED = "\0dict", "\0list", "\0pickled"


def freeze(aggregate: Aggregate) -> Frozen:
    """The aggregate's state, held apart from it (the id is the key it is held under)."""
    cls = type(aggregate)
    number = _NUMBERS.get(cls)
    if number is None:
        with _REGISTERING:
            number = _NUMBERS.get(cls)
            if number is None:
                number = _NUMBERS[cls] = len(_CLASSES)
                _CLASSES.append(cls)
    state = {k: v for k, v in aggregate.__dict__.items() if k != "_id"}
    return (number, aggregate.version, tuple(state), *map(_frozen, state.values()))


def _frozen(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return (_DICT, *chain.from_iterable(value.items()))
    if kind is list:
        return (_LIST, *value)
    if kind is not tuple and gc.is_tracked(value):  # a dataclass, an enum member: as bytes
        return (_PICKLED, pickle.dumps(value, protocol=5))
    return value


def thaw(aggregate_id: UUID, frozen: Frozen) -> Aggregate:
    """A new aggregate with the frozen state: nothing in it is shared with anything held."""
    clone: Aggregate = object.__new__(_CLASSES[frozen[0]])
    state = clone.__dict__
    state["_id"] = aggregate_id
    for name, value in zip(frozen[2], frozen[3:], strict=True):
        state[name] = _thawed(value) if type(value) is tuple and value else value
    return clone


def _thawed(value: tuple[Any, ...]) -> Any:
    if value[0] is _DICT:
        return dict(zip(value[1::2], value[2::2], strict=True))
    if value[0] is _LIST:
        return list(value[1:])
    if value[0] is _PICKLED:
        return pickle.loads(value[1])  # noqa: S301 - bytes this process pickled
    return value
