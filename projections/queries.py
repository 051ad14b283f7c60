"""Reads of the read models: one ledger entry, daily totals, projected balances."""

from datetime import date
from decimal import Decimal
from typing import Any

from adapters.sql import Database
from domain.money import ZERO
from projections.schema import DAILY, DAILY_COUNTS, DAILY_SUMS, TRANSACTIONS

_ENTRY = ", ".join(TRANSACTIONS.names)
# A daily report row: the stored sums and counts, GGR and the day's closing link.
REPORT_COLUMNS = (
    "day", "currency", *DAILY_SUMS[:4], "ggr", *DAILY_SUMS[4:], *DAILY_COUNTS, "closing_link"
)  # fmt: skip


def transaction_entry(database: Database, any_id: str) -> dict[str, Any] | None:
    """One entry by OPERATOR id (first), cashier reference, or CLIENT id, as the auditor
    reads it (a cashier reference is chosen by the casino and may repeat an OPERATOR id)."""
    rows = database.query(
        f"SELECT {_ENTRY}, CASE WHEN external_id = %s THEN 0 ELSE 1 END AS by_client "
        f"FROM {TRANSACTIONS.name} "
        "WHERE (source = 'operator' AND external_id = %s) "
        "OR (source = 'cashier' AND external_id = %s) OR client_transaction_id = %s "
        "ORDER BY by_client, source DESC",
        (any_id, any_id, any_id, any_id),
    )
    if not rows:
        return None
    row = dict(rows[0])
    row.pop("by_client")
    operator = row.pop("source") == "operator"
    external = row.pop("external_id")
    return {
        "operator_transaction_id": external if operator else None,
        "reference": None if operator else external,
        **row,
    }


def daily_totals(
    database: Database,
    start: date,
    end: date,
    currency: str | None = None,
    closed_through: date | None = None,
) -> list[dict[str, Any]]:
    """Stakes, payouts, rollbacks and GGR per day and currency, with each day's closing link.

    A day's link is given only for days up to closed_through (no commit can still land in
    them); a later day's link could still change, so it is None.
    """
    params: tuple[Any, ...] = (start.isoformat(), end.isoformat())
    where = "day >= %s AND day <= %s"
    if currency:
        where, params = where + " AND currency = %s", (*params, currency)
    rows = database.query(
        f"SELECT * FROM {DAILY.name} WHERE {where} ORDER BY day, currency", params
    )
    last = end if closed_through is None else min(end, closed_through)
    links = _closing_links(database, start, last) if last >= start else {}
    return [_report_row(dict(row), links.get(row["day"])) for row in rows]


def _report_row(row: dict[str, Any], link: str | None) -> dict[str, Any]:
    sums = {k: Decimal(row[k]) for k in DAILY_SUMS}
    ggr = (sums["stakes"] - sums["stake_refunds"]) - (sums["payouts"] - sums["payout_reversals"])
    return {
        "day": row["day"],
        "currency": row["currency"],
        **{k: str(v) for k, v in sums.items()},
        "ggr": str(ggr),
        **{k: int(row[k]) for k in DAILY_COUNTS},
        "closing_link": link,
    }


def _closing_links(database: Database, start: date, end: date) -> dict[str, str]:
    rows = database.query(
        "SELECT c.day, c.link FROM rm_chain c JOIN (SELECT day, MAX(position) AS last "
        "FROM rm_chain WHERE day >= %s AND day <= %s GROUP BY day) d "
        "ON c.day = d.day AND c.position = d.last",
        (start.isoformat(), end.isoformat()),
    )
    return {row["day"]: row["link"] for row in rows}


def projected_balances(database: Database) -> dict[tuple[str, str], Decimal]:
    """Every projected balance, by (player stream id, currency)."""
    rows = database.query("SELECT player_id, currency, balance FROM rm_balances")
    return {(r["player_id"], r["currency"]): Decimal(r["balance"]) for r in rows}


def stored_links(database: Database, after: int, limit: int) -> list[tuple[int, str]]:
    """The chain as the projection stored it, page by page."""
    rows = database.query(
        "SELECT position, link FROM rm_chain WHERE position > %s ORDER BY position LIMIT %s",
        (after, limit),
    )
    return [(int(r["position"]), str(r["link"])) for r in rows]


def nonzero(balances: dict[str, Decimal]) -> dict[str, Decimal]:
    """Drop currencies whose balance is zero (a never-used currency reads as zero)."""
    return {c: b for c, b in balances.items() if b != ZERO}
