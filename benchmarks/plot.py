"""A PNG of throughput and p99 latency per implementation and concurrency (headless)."""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported: no display on a server or in CI
import matplotlib.pyplot as plt

Cell = dict[str, Any]
IMPLS = ("ledger", "crud")
COLOURS = {"ledger": "#1f77b4", "crud": "#ff7f0e", "db ceiling": "#7f7f7f"}


def plot(path: Path, cells: list[Cell], ceilings: list[Cell], title: str) -> None:
    """Grouped bars: callbacks/s (beside the database's ceiling) and p99 ms, by concurrency."""
    concs = sorted({c["concurrency"] for c in cells} | {c["connections"] for c in ceilings})
    rate = {i: [_metric(cells, i, k, "callbacks_per_s") for k in concs] for i in IMPLS}
    top = {c["connections"]: float(c.get("ops_per_s", 0.0)) for c in ceilings}
    rate["db ceiling"] = [top.get(k, 0.0) for k in concs]
    p99 = {i: [_metric(cells, i, k, "p99") for k in concs] for i in IMPLS}
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    _bars(left, concs, rate, "callbacks/s (ceiling: INSERT+COMMIT/s)")
    _bars(right, concs, p99, "p99 latency, ms")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _metric(cells: list[Cell], impl: str, conc: int, key: str) -> float:
    for cell in cells:
        if cell["implementation"] == impl and cell["concurrency"] == conc:
            value = cell.get("latency_ms", {}).get(key) if key == "p99" else cell.get(key)
            return float(value or 0.0)
    return 0.0


def _bars(axis: Any, concs: list[int], series: dict[str, list[float]], label: str) -> None:
    width = 0.8 / len(series)
    for n, (name, values) in enumerate(series.items()):
        spots = [i + (n - (len(series) - 1) / 2) * width for i in range(len(concs))]
        bars = axis.bar(spots, values, width, label=name, color=COLOURS[name])
        axis.bar_label(bars, fmt="%.0f", fontsize=8)
    axis.set_xticks(range(len(concs)), [f"{k} connections" for k in concs])
    axis.set_ylabel(label)
    axis.legend()
