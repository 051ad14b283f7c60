"""python -m benchmarks.run [--quick]: the ledger and the CRUD wallet under the same load."""

import argparse
import json
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import history, reconcile_speed, replay_speed, servers
from benchmarks.cpu import CpuSampler
from benchmarks.databases import drop_leftovers, scratch_database
from benchmarks.plot import plot
from benchmarks.report import extras, render, write_json

SECRET, TOKEN = "bench-security-hash", "bench-admin-token"


def server_env(impl: str, url: str, port: int, args: argparse.Namespace) -> dict[str, str]:
    """What each implementation is told; the CRUD wallet gets as many processes as the ledger."""
    env = {
        "DATABASE_URL": url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "IGPX_SECURITY_HASH": SECRET,
        "ADMIN_TOKEN": TOKEN,
        "LOG_LEVEL": args.log_level,
    }
    if impl == "crud":
        return env | {"WORKERS": str(args.workers)}
    lanes = {"WRITE_LANES": args.write_lanes, "WRITE_BATCH_MAX": args.write_batch_max}
    # The flood's failed logins come "through" a proxy on 127.0.0.1, from many addresses.
    env |= {"TRUSTED_PROXIES": "127.0.0.1"}
    return env | {k: str(v) for k, v in lanes.items() if v is not None}


def load_command(
    port: int, conc: int, args: argparse.Namespace, out: Path, rate: float | None
) -> list[str]:
    """The load generator, a process of its own, playing the OPERATOR."""
    return [
        sys.executable, "-m", "benchmarks.load", "--url", f"http://127.0.0.1:{port}",
        "--secret", SECRET, "--token", TOKEN, "--players", str(args.players),
        "--concurrency", str(conc), "--duration", str(args.duration), "--json-out", str(out),
        *(["--rate", str(rate)] if rate else []),
    ]  # fmt: skip


def run_cell(
    impl: str,
    conc: int,
    args: argparse.Namespace,
    run: str,
    logs: Path,
    *,
    rate: float | None = None,
    flood: bool = False,
) -> dict[str, Any]:
    """One implementation at one concurrency (or one rate, or beside a flood), on a
    database of its own."""
    name = f"{impl}-{conc}" + (f"-rate{rate:.0f}" if rate else "") + ("-flood" if flood else "")
    print(
        f"== {impl} @ {conc} connections"
        + (f", {rate:.0f}/s" if rate else "")
        + (", beside a flood without credentials" if flood else ""),
        flush=True,
    )
    cell: dict[str, Any] = {"implementation": impl, "concurrency": conc, "money_ok": False}
    with scratch_database(f"{run}_{name.replace('-', '_')}") as url:
        with (logs / f"{name}.log").open("wb") as log:
            port = servers.free_port()
            process = servers.start(impl, server_env(impl, url, port, args), log)
            try:
                servers.wait_ready(process, port)
                out = logs / f"{name}.json"
                cell |= drive(process.pid, port, conc, args, out, rate=rate, flood=flood)
                if impl == "ledger":
                    cell["commands_per_commit"] = servers.commands_per_commit(port, TOKEN)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                cell["examples"] = [f"{type(error).__name__}: {error}"]
            finally:
                servers.stop(process)
        if impl == "ledger" and rate is None and not flood and conc == max(args.concurrency):
            print("== replay of that ledger's events into fresh read models", flush=True)
            cell["replay"] = replay_speed.measure(url)
            rows = 100_000 if args.quick else 1_000_000
            print(f"== reconciliation of a {rows:,}-row OPERATOR export", flush=True)
            cell["reconcile"] = reconcile_speed.measure(url, rows)
    money = "OK" if cell["money_ok"] else "FAIL"
    print(f"   {cell.get('callbacks_per_s', 0):.0f} callbacks/s, money {money}", flush=True)
    return cell


def drive(
    pid: int,
    port: int,
    conc: int,
    args: argparse.Namespace,
    out: Path,
    *,
    rate: float | None,
    flood: bool = False,
) -> dict[str, Any]:
    """Run the load process against a ready server (and the flood beside it), weighing the
    server meanwhile."""
    sampler, cpu = servers.RssSampler(pid), CpuSampler(pid)
    sampler.start()
    flooding = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.flood", "--url", f"http://127.0.0.1:{port}",
         "--duration", str(args.duration), "--token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=servers.ROOT,
    ) if flood else None  # fmt: skip
    with subprocess.Popen(
        load_command(port, conc, args, out, rate),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=servers.ROOT,
    ) as load:
        cpu.load = load.pid
        cpu.start()
        _, stderr = load.communicate(timeout=args.duration + 600)
    cpu.finish()
    found: dict[str, Any] = {"rss_mb": round(sampler.finish() / 2**20, 1)}
    if flooding is not None:
        sent, _ = flooding.communicate(timeout=120)
        found["flood"] = json.loads(sent.decode().strip().splitlines()[-1])
    if not out.exists():
        return found | {"examples": [stderr.decode()[-2000:]]}
    report: dict[str, Any] = json.loads(out.read_text())
    window = tuple(report.pop("window"))
    return found | report | {"cpu_ms": cpu.per_callback_ms(window, report["requests"])}


def half_load(
    cells: list[dict[str, Any]], args: argparse.Namespace, run: str, logs: Path
) -> list[dict[str, Any]]:
    """Each implementation again at half the rate it reached at the top concurrency."""
    top = max(args.concurrency)
    extra = []
    for cell in [c for c in cells if c["concurrency"] == top and c.get("callbacks_per_s")]:
        rate = cell["callbacks_per_s"] / 2
        half = run_cell(cell["implementation"], top, args, run, logs, rate=rate)
        extra.append(half | {"half_load_of": cell["callbacks_per_s"]})
    return extra


def flooded(
    cells: list[dict[str, Any]], args: argparse.Namespace, run: str, logs: Path
) -> list[dict[str, Any]]:
    """The ledger again at the top concurrency, with benchmarks.flood beside the load."""
    top = max(args.concurrency)
    if not any(c["implementation"] == "ledger" and c["concurrency"] == top for c in cells):
        return []
    return [run_cell("ledger", top, args, run, logs, flood=True)]


def run_history(args: argparse.Namespace, run: str) -> dict[str, Any]:
    """The long-history player against new ones, on a scratch database."""
    events = 20_000 if args.quick else 100_000
    print(f"== a bet for a player with {events:,} events against a new player's", flush=True)
    with scratch_database(f"{run}_history") as url:
        return history.measure(url, events=events)


def run_ceiling(conc: int, args: argparse.Namespace, run: str) -> dict[str, Any]:
    """The database's own ceiling at this many connections, on a scratch database."""
    print(f"== db ceiling @ {conc} connections", flush=True)
    with scratch_database(f"{run}_ceiling_{conc}") as url:
        command = [
            sys.executable, "-m", "benchmarks.db_ceiling", "--url", url,
            "--connections", str(conc), "--duration", str(args.ceiling_duration),
        ]  # fmt: skip
        done = subprocess.run(
            command, capture_output=True, check=True, cwd=servers.ROOT, timeout=600
        )
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Defaults fit `make bench` in a few minutes on 2 cores; --quick in about one."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 s per cell instead of 20 s")
    parser.add_argument("--duration", type=float, help="seconds of load per cell")
    parser.add_argument("--ceiling-duration", type=float, help="seconds per db ceiling run")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--impl", nargs="+", choices=("ledger", "crud"), default=["ledger", "crud"])
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="CRUD processes (ledger: 1)")
    parser.add_argument("--write-lanes", type=int, help="the ledger's WRITE_LANES")
    parser.add_argument("--write-batch-max", type=int, help="the ledger's WRITE_BATCH_MAX")
    parser.add_argument("--log-level", default="info", choices=("debug", "info", "warning"))
    parser.add_argument("--out", type=Path, default=Path("bench-results"))
    args = parser.parse_args(argv)
    args.duration = args.duration or (5.0 if args.quick else 20.0)
    args.ceiling_duration = args.ceiling_duration or (3.0 if args.quick else 10.0)
    return args


def main(argv: list[str] | None = None) -> int:
    """Every cell, the ceilings, then the table, JSON and PNG; 1 if any money check failed."""
    args = parse_args(argv)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run = f"bench_{secrets.token_hex(4)}"
    logs = args.out / f"bench-{stamp}-logs"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        cells = [run_cell(i, c, args, run, logs) for i in args.impl for c in args.concurrency]
        cells += half_load(cells, args, run, logs)
        cells += flooded(cells, args, run, logs)
        ceilings = [run_ceiling(c, args, run) for c in args.concurrency]
        long_history = run_history(args, run)
    finally:
        drop_leftovers(run)
    settings = ("quick", "duration", "players", "workers", "write_lanes", "write_batch_max")
    meta = {"stamp": stamp} | {name: getattr(args, name) for name in settings}
    print("\n" + render(cells, ceilings))
    print(extras(cells, long_history))
    meta |= {"long_history": long_history}
    write_json(args.out / f"bench-{stamp}.json", meta, cells, ceilings)
    plot(args.out / f"bench-{stamp}.png", cells, ceilings, f"sportsbook-ledger bench {stamp}")
    print(f"\nwrote {args.out}/bench-{stamp}.json, .png; server logs in {logs}/")
    return 0 if all(c.get("money_ok") for c in cells) else 1


if __name__ == "__main__":
    sys.exit(main())
