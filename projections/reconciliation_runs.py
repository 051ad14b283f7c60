"""Reconciliation runs kept in the database: a run's counts, and its discrepancies saved as
they are found (a batch at a time, never all in memory) so that any server can page them.
Only the newest KEPT runs are kept."""

import secrets
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import orjson

from adapters.sql import Database
from domain.reconciliation import OperatorRow
from projections.agreement import Finding, Window, compare_in
from projections.agreement_report import Tally, record
from projections.schema import RECON_FINDINGS, RECON_RUNS

KEPT = 20  # runs; an older one is removed when a new one is saved
BATCH = 500  # discrepancies saved per statement
_PRUNE_LOCK = 0x7265636F6E  # one pruner at a time: "recon"


def new_run_id() -> str:
    """An id nobody can guess (the run holds player ids and amounts)."""
    return "run-" + secrets.token_hex(12)


def save_run(
    database: Database,
    rows: Iterable[OperatorRow],
    window: Window,
    name: str,
    first: int,
) -> dict[str, Any]:
    """Compare, saving every discrepancy as found; the counts, the run id and its first page."""
    run_id, tally, shown = new_run_id(), Tally(), []
    with database.transaction() as cursor:
        found = _numbered(tally.discrepancies(compare_in(database, cursor, rows, window)))
        while batch := list(islice(found, BATCH)):
            _insert(database, cursor, run_id, batch)
            shown.extend(item for item in batch if item["seq"] <= first)
        summary = {**tally.summary(), "matched": tally.clean}
        cursor.execute(
            database.sql(
                f"INSERT INTO {RECON_RUNS.name} (run_id, started_at, name, summary, found) "
                "VALUES (%s, %s, %s, %s, %s)"
            ),
            (run_id, datetime.now(UTC).isoformat(), name, orjson.dumps(summary).decode(),
             _found(summary)),
        )  # fmt: skip
    _prune(database)
    return _answer(run_id, name, summary, shown, 0)


def run_page(database: Database, run_id: str, after: int, limit: int) -> dict[str, Any] | None:
    """The counts and one page of a run's discrepancies, after the `after`-th; None: no run."""
    runs = database.query(
        f"SELECT name, summary FROM {RECON_RUNS.name} WHERE run_id = %s", (run_id,)
    )
    if not runs:
        return None
    items = database.query(
        f"SELECT seq, record FROM {RECON_FINDINGS.name} WHERE run_id = %s AND seq > %s "
        f"ORDER BY seq LIMIT {int(limit)}",
        (run_id, after),
    )
    shown = [{"seq": r["seq"], **orjson.loads(r["record"])} for r in items]
    return _answer(run_id, runs[0]["name"], orjson.loads(runs[0]["summary"]), shown, after)


def _answer(
    run_id: str, name: str, summary: dict[str, Any], shown: list[dict[str, Any]], after: int
) -> dict[str, Any]:
    last, total = (shown[-1]["seq"] if shown else after), _found(summary)
    return {
        "run": run_id, "name": name, **summary, "discrepancies": shown,
        "found": total, "next_after": last, "more": last < total,
    }  # fmt: skip


def _found(summary: dict[str, Any]) -> int:
    return int(summary["ids"]) - int(summary["counts"]["matched"])


def _numbered(findings: Iterable[Finding]) -> Iterator[dict[str, Any]]:
    for seq, finding in enumerate(findings, start=1):
        yield {"seq": seq, **record(finding)}


def _insert(database: Database, cursor: Any, run_id: str, batch: list[dict[str, Any]]) -> None:
    values = [
        (run_id, item["seq"], orjson.dumps({k: v for k, v in item.items() if k != "seq"}).decode())
        for item in batch
    ]
    cursor.executemany(
        database.sql(
            f"INSERT INTO {RECON_FINDINGS.name} (run_id, seq, record) VALUES (%s, %s, %s)"
        ),
        values,
    )


def _prune(database: Database) -> None:
    """Remove every run but the newest KEPT, one pruner at a time (no two deleting the same
    rows in different orders)."""
    with database.transaction() as cursor:
        if database.postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_PRUNE_LOCK,))
        every = "ALL" if database.postgres else "-1"
        cursor.execute(
            f"SELECT run_id FROM {RECON_RUNS.name} "
            f"ORDER BY started_at DESC, run_id LIMIT {every} OFFSET {KEPT}"
        )
        old = [(row["run_id"],) for row in cursor.fetchall()]
        for table in (RECON_FINDINGS.name, RECON_RUNS.name):
            cursor.executemany(database.sql(f"DELETE FROM {table} WHERE run_id = %s"), old)
