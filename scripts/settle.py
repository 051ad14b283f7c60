"""sportsbook-ledger settle RECORD: settle the bets a server wrote down in its error record,
for a server that will not come back (its machine lost, its disk moved elsewhere).

    python -m scripts.settle var/error-record-8080.log

The record is taken over with its lock, so a server still running on it is refused
(settle it by restarting that server instead). Each bet answered with an error is made
true through the same writer a server uses: its stake given back if that delivery landed
it, its id closed if nothing did. Prints a line per bet; exits 0 once every bet is
settled, 1 if the store did not take them all (run it again), 2 if it cannot start.
"""

import argparse
import asyncio
import sys
from pathlib import Path

from adapters.record_file import RecordFile
from domain.errors import SettingsError
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from ledger.record import ErrorRecord
from ledger.writer import Writer
from scripts.opening import settings_or_exit
from service.settling import settle_once


async def settle(record: ErrorRecord, writer: Writer) -> int:
    """One pass; what is left unsettled (the store did not take it)."""
    for doubt, outcome in await settle_once(record, writer):
        print(
            f"{doubt.transaction_id}: {outcome} "
            f"({doubt.user_id}, {doubt.amount} {doubt.currency}, delivery {doubt.delivery})"
        )
    return len(record.doubts())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sportsbook-ledger settle", description=__doc__)
    parser.add_argument("record", type=Path, help="the error record a lost server left")
    args = parser.parse_args(argv)
    settings = settings_or_exit("settle")
    if not args.record.exists():
        print(f"settle: no error record at {args.record}", file=sys.stderr)
        return 2
    try:
        record = ErrorRecord(RecordFile(args.record))
    except SettingsError as error:
        print(f"settle: {error.message}", file=sys.stderr)
        return 2
    try:
        ledger = open_ledger(settings.store)
        return asyncio.run(_settled(record, ledger))
    finally:
        record.close()


async def _settled(record: ErrorRecord, ledger: Ledger) -> int:
    writer = Writer(ledger, lanes=1, batch_max=16, record=record)
    try:
        left = await settle(record, writer)
    finally:
        await writer.close()
        ledger.close()
    print(f"{left} bets left: the store did not take them, run it again" if left else
          "every bet in the record is settled")  # fmt: skip
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
