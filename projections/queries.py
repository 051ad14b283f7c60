"""Reads of the read models: one ledger entry, daily totals, projected balances."""

from datetime import date
from decimal import Decimal
from typing import Any

from adapters.sql import Database
from domain.money import ZERO

_NOT_SUMS = ("day", "currency", "bets", "results", "rollbacks")
ENTRY = (
    "source, external_id, client_transaction_id, action, user_id, currency, amount, status, "
    "error, balance_after, rollback_of, rolled_back_by, reversed_user_id, reversed_currency, "
    "reversed_amount, position, recorded_at, updated_position"
)


def transaction_entry(database: Database, any_id: str) -> dict[str, Any] | None:
    """One entry by OPERATOR id (first) or CLIENT id, as the auditor reads it."""
    rows = database.query(
        f"SELECT {ENTRY} FROM rm_transactions WHERE (source = 'operator' AND external_id = %s) "
        "OR client_transaction_id = %s ORDER BY source DESC",
        (any_id, any_id),
    )
    if not rows:
        return None
    row = dict(rows[0])
    operator = row.pop("source") == "operator"
    external = row.pop("external_id")
    return {
        "operator_transaction_id": external if operator else None,
        "reference": None if operator else external,
        **row,
    }


def daily_totals(
    database: Database, start: date, end: date, currency: str | None = None
) -> list[dict[str, Any]]:
    """Stakes, payouts, rollbacks and GGR per day and currency, with each day's closing link."""
    params: tuple[Any, ...] = (start.isoformat(), end.isoformat())
    where = "day >= %s AND day <= %s"
    if currency:
        where, params = where + " AND currency = %s", (*params, currency)
    rows = database.query(f"SELECT * FROM rm_daily WHERE {where} ORDER BY day, currency", params)
    links = _closing_links(database, start, end)
    return [_report_row(dict(row), links.get(row["day"])) for row in rows]


def _report_row(row: dict[str, Any], link: str | None) -> dict[str, Any]:
    sums = {
        k: Decimal(row[k])
        for k in row
        if k not in ("day", "currency", "bets", "results", "rollbacks")
    }
    ggr = (sums["stakes"] - sums["stake_refunds"]) - (sums["payouts"] - sums["payout_reversals"])
    return {
        "day": row["day"],
        "currency": row["currency"],
        **{k: str(v) for k, v in sums.items()},
        "ggr": str(ggr),
        "bets": int(row["bets"]),
        "results": int(row["results"]),
        "rollbacks": int(row["rollbacks"]),
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
