"""Tamper evidence: recompute the chain from the stored events and compare it with what the
projection stored and with closing links kept outside the database."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from eventsourcing.persistence import Mapper

from adapters.event_log import EventLog
from projections import chain
from projections.projection import day
from projections.queries import stored_links


@dataclass(frozen=True)
class Break:
    """The first place where the history no longer matches its chain."""

    position: int
    reason: str

    def __str__(self) -> str:
        return f"position {self.position}: {self.reason}"


def recomputed(
    log: EventLog,
    mapper: Mapper,  # type: ignore[type-arg]
    up_to: int,
    after: int = 0,
    link: str = chain.GENESIS,
) -> Iterator[tuple[int, str, str]]:
    """(position, day, link) for every stored event after one (whose link is given) up to
    a position, from the bytes."""
    while page := log.page(after, 2000):
        for stored in page:
            if stored.id > up_to:
                return
            link = chain.link(link, stored)
            try:
                moment = day(mapper.to_domain_event(stored).timestamp)  # type: ignore[attr-defined]
            except Exception:  # an event rewritten into nonsense still has a position
                moment = "?"
            yield stored.id, moment, link
        after = page[-1].id


def verify(
    log: EventLog,
    mapper: Mapper,
    up_to: int,
    anchors: Mapping[str, str] | None = None,  # type: ignore[type-arg]
    *,
    after: int = 0,
    start: str = chain.GENESIS,
) -> tuple[int, Break | None]:
    """How many events were checked, and the first break (None when the chain holds).

    after, start: begin after a position already verified, whose link is known good.
    """
    stored = _stored(log, up_to, after)
    closing: dict[str, str] = {}
    checked = 0
    for position, moment, link in recomputed(log, mapper, up_to, after, start):
        expected = next(stored, None)
        if expected is None or expected[0] != position:
            missing = expected[0] if expected and expected[0] < position else position
            return checked, Break(missing, "an event is missing or was inserted")
        if expected[1] != link:
            return checked, Break(position, "the stored event no longer matches its link")
        closing[moment] = link
        checked += 1
    if (extra := next(stored, None)) is not None:
        return checked, Break(extra[0], "the event at this position is gone from the log")
    for anchor_day, anchor_link in (anchors or {}).items():
        if closing.get(anchor_day) != anchor_link:
            return checked, Break(0, f"day {anchor_day} no longer closes with its kept link")
    return checked, None


def _stored(log: EventLog, up_to: int, after: int = 0) -> Iterator[tuple[int, str]]:
    while page := stored_links(log.database, after, 2000):
        for position, link in page:
            if position > up_to:
                return
            yield position, link
        after = page[-1][0]
