"""The chain verified incrementally: a checkpoint (position, link) advanced from the bytes,
so a look at the integrity page checks only the events that arrived since the last one."""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.persistence import Mapper

from adapters.event_log import EventLog
from adapters.sql import Database
from projections import chain
from projections.schema import VERIFIED
from projections.verify import Break, verify

NAME = "ledger"
STEP = 20_000  # at most this many events per look, so a page view stays quick


@dataclass(frozen=True)
class Checked:
    """Where verification stands: verified up to a position, and the first break if any."""

    position: int
    link: str
    checked_now: int
    broken: Break | None
    checked_at: str | None


def checkpoint(database: Database) -> tuple[int, str, str | None]:
    """The last verified position, its link and when it was checked (0, genesis, None)."""
    rows = database.query(
        f"SELECT position, link, checked_at FROM {VERIFIED.name} WHERE name = %s", (NAME,)
    )
    if not rows:
        return 0, chain.GENESIS, None
    return int(rows[0]["position"]), str(rows[0]["link"]), str(rows[0]["checked_at"])


def advance(log: EventLog, mapper: Mapper[UUID], up_to: int) -> Checked:
    """Verify from the checkpoint to up_to (at most STEP events) and move the checkpoint."""
    database = log.database
    after, link, when = checkpoint(database)
    if after and _link_at(database, after) != (after, link):
        reason = "the verified link is no longer in the chain (changed, or a replay is running)"
        return Checked(after, link, 0, Break(after, reason), when)
    target = min(up_to, after + STEP)
    if target <= after:
        return Checked(after, link, 0, None, when)
    checked, broken = verify(log, mapper, target, after=after, start=link)
    if broken is not None:
        return Checked(after, link, checked, broken, when)
    found = _link_at(database, target)
    if found is None or found[0] <= after:
        return Checked(after, link, checked, None, when)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    _save(database, *found, now)
    return Checked(found[0], found[1], checked, None, now)


def _link_at(database: Database, position: int) -> tuple[int, str] | None:
    """The stored link at the last position up to this one."""
    rows = database.query(
        "SELECT position, link FROM rm_chain WHERE position <= %s ORDER BY position DESC LIMIT 1",
        (position,),
    )
    return (int(rows[0]["position"]), str(rows[0]["link"])) if rows else None


def _save(database: Database, position: int, link: str, when: str) -> None:
    with database.transaction() as cursor:
        cursor.execute(database.sql(f"DELETE FROM {VERIFIED.name} WHERE name = %s"), (NAME,))
        cursor.execute(
            database.sql(f"INSERT INTO {VERIFIED.name} VALUES (%s, %s, %s, %s)"),
            (NAME, position, link, when),
        )
