"""Compare an OPERATOR export with the ledger, id by id; exit 0 when everything matched.

    python -m scripts.reconcile export.csv [--from 2026-11-01 --to 2026-11-30] [--format text]

The export is CSV with a header row or JSON lines (CONTRACT, "OPERATOR reconciliation"):
transaction_id, action, user_id, currency, amount, rollback_transaction_id, status
(accepted, an error code, or unanswered), created_at. Exit 1 on any discrepancy, 2 when
the export cannot be read.
"""

import argparse
import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TextIO

import orjson

from adapters.operator_export import read_rows, text_lines
from adapters.spreadsheet import DictWriter
from domain.errors import InvalidRequestError
from projections.agreement import Finding, Window, compare
from projections.agreement_report import RECORD_COLUMNS, Tally, record
from scripts.opening import opened_ledger


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.reconcile",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("export", type=Path, help="the OPERATOR's export (CSV or JSON lines)")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first day (UTC)")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last day (UTC)")
    parser.add_argument("--format", choices=["text", "csv", "json"], default="text")
    return parser.parse_args(argv)


def write(findings: Iterable[Finding], tally: Tally, form: str, out: TextIO) -> None:
    """Every discrepancy as it is found, then the counts (text, csv or json)."""
    found = (record(f) for f in tally.discrepancies(findings))
    if form == "csv":
        writer = DictWriter(out, fieldnames=RECORD_COLUMNS)
        writer.writeheader()
        writer.writerows(found)
    elif form == "json":
        out.write('{"discrepancies": [')
        for n, item in enumerate(found):
            out.write(("," if n else "") + "\n  " + orjson.dumps(item).decode())
        summary = orjson.dumps({**tally.summary(), "matched": tally.clean}).decode()
        out.write(f"\n], {summary[1:]}\n")
    else:
        for item in found:
            out.write(_line(item) + "\n")
        out.write(_summary(tally))


def _line(item: dict[str, str | None]) -> str:
    ours = f"{item['operator_action']} {item['operator_user_id']} {item['operator_amount']} "
    ours += f"{item['operator_currency']} {item['operator_status']}"
    theirs = f"{item['ledger_action']} {item['ledger_user_id']} {item['ledger_amount']} "
    theirs += f"{item['ledger_currency']} {item['ledger_status']} {item['ledger_error'] or ''}"
    return f"{item['class']:<26} {item['transaction_id']}  OPERATOR: {ours}  ledger: {theirs}"


def _summary(tally: Tally) -> str:
    lines = [f"{name:<26} {count}" for name, count in tally.summary()["counts"].items()]
    verdict = "everything matched" if tally.clean else "DISCREPANCIES FOUND"
    return "\n".join([f"{tally.ids} OPERATOR ids compared: {verdict}", *lines, ""])


def main(argv: list[str]) -> int:
    args = parse(argv)
    started, tally = time.monotonic(), Tally()
    with opened_ledger("reconcile") as (_, runner), args.export.open("rb") as export:
        runner.catch_up()  # the index holds every committed event before comparing
        rows = read_rows(text_lines(export))  # a line at a time, never the whole file
        findings = compare(runner.database, rows, Window(args.start, args.end))
        try:
            write(findings, tally, args.format, sys.stdout)
        except InvalidRequestError as error:
            print(f"reconcile: {error.message}", file=sys.stderr)
            return 2
    elapsed = max(time.monotonic() - started, 1e-9)
    print(
        f"reconciled {tally.ids} ids in {elapsed:.1f}s ({tally.ids / elapsed:,.0f}/s)",
        file=sys.stderr,
    )
    return 0 if tally.clean else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
