"""Daily totals for finance: stakes, payouts, rollbacks, GGR and each day's closing link.

python -m scripts.report --from 2026-11-01 --to 2026-11-30 [--currency USD] [--format csv]
"""

import argparse
import sys
from datetime import date

import orjson

from adapters.spreadsheet import DictWriter
from projections.queries import REPORT_COLUMNS
from scripts.opening import opened_ledger


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.report",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    parser.add_argument("--currency")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    args = parser.parse_args(argv)
    with opened_ledger("report") as (_, runner):
        runner.catch_up()
        rows = runner.read_models.daily(args.start, args.end, args.currency)
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        writer = DictWriter(sys.stdout, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
