"""Reconciliation speed and memory: a large OPERATOR export against a bench database.

    python -m benchmarks.reconcile_speed --url URL --rows 1000000

It writes an export of that many rows (ids the ledger never saw, answered with an error,
so each is looked up and matched), then compares it with the ledger, in a process of its
own so its peak memory is its own. Prints one JSON line: rows, seconds, rows/s, peak RSS.
"""

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from adapters.operator_export import COLUMNS, read_rows
from adapters.store import StoreSettings
from ledger.bootstrap import open_ledger
from projections.agreement import Window, compare
from projections.agreement_report import Tally
from projections.runner import BatchRunner

ROOT = Path(__file__).resolve().parents[1]


def write_export(path: Path, rows: int) -> None:
    """An export of ids unknown to the ledger, as a real OPERATOR's failed bets would be."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            writer.writerow(
                (f"bench-recon-{n}", "bet", f"player-{n % 5000}", "USD", "1.00", "",
                 "INTERNAL_ERROR", "2026-11-27T12:00:00Z")
            )  # fmt: skip


def run(url: str, rows: int) -> dict[str, Any]:
    """Write, then reconcile; the figures of the reconciliation alone."""
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "export.csv"
        write_export(export, rows)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        ledger = open_ledger(StoreSettings(url, pool_size=1))
        tally = Tally()
        try:
            runner = BatchRunner.of(ledger)
            started = time.perf_counter()
            with export.open(newline="") as handle:
                for _ in tally.discrepancies(compare(runner.database, read_rows(handle), Window())):
                    pass
            elapsed = time.perf_counter() - started
        finally:
            ledger.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": rows,
        "ids": tally.ids,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed),
        "peak_rss_mb": round(peak / 1024, 1),
        "rss_growth_mb": round((peak - before) / 1024, 1),
    }


def measure(url: str, rows: int) -> dict[str, Any]:
    """Run in a child process (its peak memory is the reconciliation's own)."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.reconcile_speed",
        "--url",
        url,
        "--rows",
        str(rows),
    ]
    done = subprocess.run(command, capture_output=True, check=True, cwd=ROOT, timeout=900)
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(json.dumps(run(args.url, args.rows)))
