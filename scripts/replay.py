"""make replay: rebuild the read models from position 0, then reconcile them with the aggregates.

    python -m scripts.replay            empty the read models, rebuild, reconcile
    python -m scripts.replay --check    reconcile only, rebuilding nothing
    python -m scripts.replay --verify   recompute the hash chain from the stored events;
                                        --anchors report.csv also checks each day's
                                        closing link as finance kept it

Exits non-zero on any mismatch or break. Safe beside a running server: each batch locks
the tracking row, so the server's own runner and this one never apply an event twice.
"""

import argparse
import csv
import sys
import time
from pathlib import Path

from tqdm import tqdm

from ledger.application import Ledger
from projections.reconcile import reconcile
from projections.runner import BatchRunner
from projections.verify import verify
from scripts.opening import opened_ledger


def rebuild(runner: BatchRunner) -> None:
    """Empty, then rebuild from the start with a progress bar."""
    runner.reset()
    started = time.monotonic()
    with tqdm(total=runner.log.head(), unit="ev", desc="replay", file=sys.stderr) as bar:
        while processed := runner.run_once():
            bar.update(processed)
    elapsed = time.monotonic() - started
    print(f"rebuilt {bar.n} events in {elapsed:.1f}s ({bar.n / max(elapsed, 1e-9):,.0f} events/s)")


def check(ledger: Ledger, runner: BatchRunner) -> int:
    """Print every mismatch; 1 if there is any."""
    mismatches = reconcile(ledger, runner)
    for mismatch in mismatches:
        print(f"MISMATCH {mismatch}")
    print(f"reconciled at position {runner.position()}: {len(mismatches)} mismatches")
    return 1 if mismatches else 0


def check_chain(runner: BatchRunner, anchors_file: Path | None) -> int:
    """Recompute the chain; name the first position that no longer matches."""
    anchors = None
    if anchors_file:
        with anchors_file.open() as handle:
            anchors = {
                r["day"]: r["closing_link"] for r in csv.DictReader(handle) if r["closing_link"]
            }
    up_to = runner.position()
    checked, broken = verify(runner.log, runner.mapper, up_to, anchors)
    if broken:
        print(f"CHAIN BROKEN at {broken} ({checked} events verified before it)")
        return 1
    print(f"chain verified: {checked} events, every link matches")
    holes = runner.log.gaps(up_to)
    if holes:
        # Each link commits to the position before it: a hole that was there when the
        # chain was built is in the links; an event removed later would have broken them.
        shown = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in holes[:20])
        print(f"{len(holes)} gaps in the positions, none hiding an event the chain saw: {shown}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true", help="reconcile without rebuilding")
    parser.add_argument("--verify", action="store_true", help="verify the hash chain")
    parser.add_argument("--anchors", type=Path, help="daily report CSV with closing links")
    args = parser.parse_args(argv)
    with opened_ledger("replay") as (ledger, runner):
        if args.verify:
            runner.catch_up()
            return check_chain(runner, args.anchors)
        if not args.check:
            rebuild(runner)
        return check(ledger, runner)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
