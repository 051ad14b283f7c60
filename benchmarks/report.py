"""The run's results as a side-by-side table, ratios and a JSON file."""

import json
from pathlib import Path
from typing import Any

from benchmarks import replay_speed

Cell = dict[str, Any]
HEADER = (
    "impl", "conc", "callbacks/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "RSS MB",
    "CPU ms/cb", "child ms/cb", "load ms/cb", "cores", "money",
)  # fmt: skip
# CPU per answered callback: the server process, its children (the ledger's projections
# process), the load generator; and how many of the machine's cores were busy in all.
CPU = ("server", "children", "load", "cores_busy")


def rows(cells: list[Cell], ceilings: list[Cell]) -> list[tuple[str, ...]]:
    """One row per implementation and concurrency, then the database's ceiling."""
    table = []
    for cell in cells:
        lat = cell.get("latency_ms", {})
        table.append(
            (
                cell["implementation"],
                str(cell["concurrency"])
                + (" half" if "half_load_of" in cell else "")
                + (" flood" if "flood" in cell else ""),
                f"{cell.get('callbacks_per_s', 0):.0f}",
                *(f"{lat.get(p, 0):.1f}" for p in ("p50", "p95", "p99", "max")),
                f"{cell.get('rss_mb', 0):.0f}",
                *(f"{cell.get('cpu_ms', {}).get(k, 0):.3f}" for k in CPU[:3]),
                f"{cell.get('cpu_ms', {}).get('cores_busy', 0):.2f}",
                "OK" if cell.get("money_ok") else "FAIL",
            )
        )
    for ceiling in ceilings:
        ops = f"{ceiling.get('ops_per_s', 0):.0f}"
        table.append(("db ceiling", str(ceiling["connections"]), ops, *("-" * 10)))
    return table


def ratios(cells: list[Cell], ceilings: list[Cell]) -> dict[str, float]:
    """ledger/crud and each implementation/db ceiling, per concurrency."""
    rate = {
        (c["implementation"], c["concurrency"]): c.get("callbacks_per_s", 0)
        for c in cells
        if "half_load_of" not in c and "flood" not in c
    }
    ceiling = {c["connections"]: c.get("ops_per_s", 0) for c in ceilings}
    found: dict[str, float] = {}
    for conc in sorted({c for _, c in rate}):
        ledger, crud, top = rate.get(("ledger", conc)), rate.get(("crud", conc)), ceiling.get(conc)
        if ledger is not None and crud:
            found[f"ledger/crud @{conc}"] = round(ledger / crud, 3)
        for impl, value in (("ledger", ledger), ("crud", crud)):
            if value is not None and top:
                found[f"{impl}/db ceiling @{conc}"] = round(value / top, 3)
    return found


def render(cells: list[Cell], ceilings: list[Cell]) -> str:
    """The table and the ratios as aligned text."""
    table = [HEADER, *rows(cells, ceilings)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in table]
    lines.insert(1, "-" * len(lines[0]))
    lines += ["", *(f"{name:>24}: {value:.2f}" for name, value in ratios(cells, ceilings).items())]
    failed = [c for c in cells if not c.get("money_ok")]
    for cell in failed:
        lines.append(f"MONEY CHECK FAILED: {cell['implementation']} @{cell['concurrency']}")
        lines += [f"  {example}" for example in cell.get("examples", [])[:10]]
    return "\n".join(lines)


def write_json(path: Path, meta: dict[str, Any], cells: list[Cell], ceilings: list[Cell]) -> None:
    """Everything measured, for comparing runs later."""
    body = {**meta, "cells": cells, "db_ceiling": ceilings, "ratios": ratios(cells, ceilings)}
    path.write_text(json.dumps(body, indent=2) + "\n")


def flood_lines(cells: list[dict[str, Any]]) -> list[str]:
    """Callback p99 alone and beside a flood without credentials, side by side."""
    lines = []
    for flooded in (c for c in cells if "flood" in c):
        alone = next(
            (c for c in cells if c["implementation"] == flooded["implementation"]
             and c["concurrency"] == flooded["concurrency"] and "flood" not in c
             and "half_load_of" not in c),
            {},
        )  # fmt: skip
        p99 = [c.get("latency_ms", {}).get("p99") for c in (alone, flooded)]
        sent = flooded["flood"]
        lines.append(
            f"     flood: {flooded['implementation']} @{flooded['concurrency']}: callback p99 "
            f"{p99[0]} ms alone, {p99[1]} ms beside a flood without credentials "
            f"({sent['requests']} requests: gzip bombs, oversized forms, failed logins, "
            f"stalled bodies; {flooded.get('callbacks_per_s', 0):.0f} callbacks/s)"
        )
    return lines


def extras(cells: list[dict[str, Any]], long_history: dict[str, Any]) -> str:
    """Batching, half-load latency, replay speed and the long-history ratio, one line each."""
    lines = []
    for cell in cells:
        if cell.get("commands_per_commit"):
            lines.append(
                f"  batching: ledger @{cell['concurrency']}"
                + (" half" if "half_load_of" in cell else "")
                + f": {cell['commands_per_commit']} commands per store commit (over the run)"
            )
        if "half_load_of" in cell:
            p99 = cell.get("latency_ms", {}).get("p99")
            lines.append(
                f"{cell['implementation']:>10} at half load ({cell['callbacks_per_s']:.0f}/s of "
                f"{cell['half_load_of']:.0f}/s): p99 {p99} ms"
            )
        if "replay" in cell:
            lines.append(replay_speed.summary(cell["replay"]))
        if "reconcile" in cell:
            r = cell["reconcile"]
            lines.append(
                f" reconcile: {r['rows']:,} export rows in {r['seconds']} s, "
                f"{r['rows_per_s']:,} rows/s, peak memory {r['peak_rss_mb']} MB"
            )
    lines += flood_lines(cells)
    h = long_history
    lines.append(
        f"   history: bet for a player with {h['history_events']:,} events "
        f"{h['bet_ms_long_history']} ms, new player {h['bet_ms_new_player']} ms, "
        f"ratio {h['ratio']} (median, player loaded from the store)"
    )
    return "\n".join(lines)
