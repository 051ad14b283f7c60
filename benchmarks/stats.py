"""Latency summaries: nearest-rank percentiles in milliseconds."""

import math


def percentile(ordered: list[float], pct: float) -> float:
    """The nearest-rank percentile of an already sorted, non-empty list."""
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarize(latencies_s: list[float]) -> dict[str, float]:
    """p50, p95, p99, max and mean of request latencies, in milliseconds."""
    if not latencies_s:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0, "mean": 0.0}
    ordered = sorted(latencies_s)
    summary = {f"p{p}": percentile(ordered, p) for p in (50, 95, 99)}
    summary |= {"max": ordered[-1], "mean": sum(ordered) / len(ordered)}
    return {name: round(value * 1000, 3) for name, value in summary.items()}
