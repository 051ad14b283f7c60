"""A player's limit history for compliance: every limit asked for and every self-exclusion,
oldest first, with when it applies, who asked (an admin's name or "api") and why.

python -m scripts.limits USER_ID [--format csv|json]
"""

import argparse
import sys

import orjson

from adapters.spreadsheet import Writer
from projections.limits_history import COLUMNS, limit_history
from scripts.opening import opened_ledger


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.limits",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("user_id")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    args = parser.parse_args(argv)
    with opened_ledger("limits") as (_, runner):
        rows = limit_history(runner.read_models, args.user_id)
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        writer = Writer(sys.stdout)
        writer.writerow(COLUMNS)
        writer.writerows([row[c] for c in COLUMNS] for row in rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
