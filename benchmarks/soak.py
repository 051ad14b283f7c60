"""make soak: the ledger under a steady load for ten minutes; its memory at the start and end.

    python -m benchmarks.soak [--minutes 10] [--rate 600]

RSS is sampled every 10 s; "start" is after the first minute (caches warm, pools open),
"end" is the last sample. Exits 1 if the money check fails.
"""

import argparse
import json
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks import servers
from benchmarks.databases import scratch_database
from benchmarks.run import SECRET, TOKEN, server_env


def sample_rss(
    pid: int, every_s: float, samples: list[tuple[float, int]], stop: threading.Event
) -> None:
    started = time.monotonic()
    while not stop.wait(every_s):
        samples.append((time.monotonic() - started, servers.rss_bytes(pid)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=600.0, help="deliveries per second")
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    settings = argparse.Namespace(
        log_level="warning", workers=1, write_lanes=None, write_batch_max=None
    )
    samples: list[tuple[float, int]] = []
    stop = threading.Event()
    with (
        scratch_database(f"soak_{secrets.token_hex(4)}") as url,
        (args.out / f"soak-{stamp}.log").open("wb") as log,
    ):
        port = servers.free_port()
        process = servers.start("ledger", server_env("ledger", url, port, settings), log)
        try:
            servers.wait_ready(process, port)
            sampler = threading.Thread(target=sample_rss, args=(process.pid, 10.0, samples, stop))
            sampler.start()
            out = args.out / f"soak-{stamp}.json"
            subprocess.run(
                [sys.executable, "-m", "benchmarks.load", "--url", f"http://127.0.0.1:{port}",
                 "--secret", SECRET, "--token", TOKEN, "--concurrency", "64",
                 "--rate", str(args.rate), "--duration", str(args.minutes * 60),
                 "--json-out", str(out)],
                cwd=servers.ROOT, check=False, capture_output=True, timeout=args.minutes * 60 + 600,
            )  # fmt: skip
        finally:
            stop.set()
            servers.stop(process)
    report = json.loads(out.read_text())
    warm = [rss for t, rss in samples if t >= 60] or [rss for _, rss in samples]
    start_mb, end_mb = warm[0] / 2**20, warm[-1] / 2**20
    growth = end_mb / start_mb - 1
    money = "OK" if report["money_ok"] else "FAIL"
    print(f"soak: {args.minutes:g} min at {report['callbacks_per_s']:.0f} callbacks/s, "
          f"p99 {report['latency_ms']['p99']} ms, money {money}")  # fmt: skip
    print(f"RSS after 1 min {start_mb:.1f} MB, at the end {end_mb:.1f} MB ({growth:+.1%}); "
          f"peak {max(rss for _, rss in samples) / 2**20:.1f} MB")  # fmt: skip
    (args.out / f"soak-{stamp}-rss.json").write_text(json.dumps(samples))
    return 0 if report["money_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
