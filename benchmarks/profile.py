"""make profile: the bench's load at 64 connections with py-spy recording the ledger server.

Writes bench-results/profile-<stamp>.svg, a flame graph of every thread that was not idle,
so anyone can see where a callback's time goes (HTTP, deciding, appending, projecting).
"""

import argparse
import secrets
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import servers
from benchmarks.databases import scratch_database
from benchmarks.run import SECRET, TOKEN, server_env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    svg = args.out / f"profile-{time.strftime('%Y%m%d-%H%M%S')}.svg"
    settings = argparse.Namespace(
        log_level="warning", workers=1, write_lanes=None, write_batch_max=None
    )
    with (
        scratch_database(f"profile_{secrets.token_hex(4)}") as url,
        (args.out / "profile-server.log").open("wb") as log,
    ):
        port = servers.free_port()
        process = servers.start("ledger", server_env("ledger", url, port, settings), log)
        try:
            servers.wait_ready(process, port)
            spy = subprocess.Popen(
                [Path(sys.executable).parent / "py-spy", "record", "--pid", str(process.pid),
                 "--output", str(svg), "--duration", str(int(args.seconds) + 5), "--rate", "200",
                 "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            subprocess.run(
                [sys.executable, "-m", "benchmarks.load", "--url", f"http://127.0.0.1:{port}",
                 "--secret", SECRET, "--token", TOKEN, "--concurrency", "64",
                 "--duration", str(args.seconds)],
                cwd=servers.ROOT, check=True, capture_output=True, timeout=args.seconds + 600,
            )  # fmt: skip
            spy.wait(timeout=120)
        finally:
            servers.stop(process)
    print(f"flame graph: {svg}")
    return 0 if svg.exists() else 1


if __name__ == "__main__":
    sys.exit(main())
