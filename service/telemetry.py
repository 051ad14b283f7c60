"""The app's Prometheus registry: callbacks, latency, writer counters, projection lag and
the projections child's restarts; everything is read from memory when scraped."""

import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from adapters.logsetup import dropped_lines

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The app's own registry, so several apps in one process never share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.callbacks = Counter(
            "ledger_callbacks", "OPERATOR callbacks answered, by action and outcome",
            ["action", "outcome"], registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "ledger_callback_duration_seconds", "Time from request to answer, by action",
            ["action"], buckets=BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.projection_restarts = Counter(
            "ledger_projections_restarts", "Times the projections child died and was restarted",
            registry=self.registry,
        )  # fmt: skip
        self.store_reading: tuple[int, float] | None = None  # the last lag probe; None: down
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}

        self.recent = PerMinute()
        self.doubts_settled = Counter(
            "ledger_in_doubt_settled", "Bets answered INTERNAL_ERROR, settled by the ledger: "
            "reversed (it had landed) or closed (it had not)", ["outcome"], registry=self.registry,
        )  # fmt: skip
        self.doubts_pending = Gauge(
            "ledger_in_doubt_pending", "Bets answered with an error the store has not settled yet",
            registry=self.registry,
        )  # fmt: skip
        self.record_healthy = Gauge(
            "ledger_error_record_healthy", "1 while the error record can be written (else no "
            "new bet's commit starts and /readyz is not ready)", registry=self.registry,
        )  # fmt: skip
        self.log_dropped = Gauge(
            "ledger_log_lines_dropped", "Log lines the disk refused (full, a file-size limit)",
            registry=self.registry,
        )  # fmt: skip
        self.log_dropped.set_function(dropped_lines)
        self.record_damaged = Gauge(
            "ledger_error_record_damaged_lines", "Lines of the error record skipped at start-up "
            "because they did not check out", registry=self.registry,
        )  # fmt: skip

    def observe(self, action: str, outcome: str, started: float) -> None:
        """Count one answered callback and its latency."""
        counter, latency = self._children.get((action, outcome)) or self._child(action, outcome)
        counter.inc()
        self.recent.count(outcome)
        latency.observe(time.perf_counter() - started)

    def _child(self, action: str, outcome: str) -> tuple[Any, Any]:
        # labels() resolves its arguments on every call; the few pairs are kept instead.
        found = self.callbacks.labels(action, outcome), self.latency.labels(action)
        self._children[action, outcome] = found
        return found

    def watch_record(self, record: Any) -> None:
        """Report the error record's state when scraped."""
        self.doubts_pending.set_function(lambda: len(record.doubts()))
        self.record_healthy.set_function(lambda: int(record.healthy))
        self.record_damaged.set_function(lambda: record.damaged)

    def watch_store(self, stats: Callable[[], Any]) -> None:
        """Report the writer's counters and the last store reading when scraped."""
        self.registry.register(StoreCollector(stats, lambda: self.store_reading))


Reading = Callable[[], tuple[int, float] | None]


class PerMinute:
    """Callbacks answered in each of the last minutes, by outcome, for the back office."""

    def __init__(self, minutes: int = 15) -> None:
        self.minutes = minutes
        self._counts: dict[int, dict[str, int]] = {}

    def count(self, outcome: str, now: float | None = None) -> None:
        """One more answered callback in this minute."""
        minute = int((time.time() if now is None else now) // 60)
        tally = self._counts.setdefault(minute, {})
        tally[outcome] = tally.get(outcome, 0) + 1
        if len(self._counts) > self.minutes:
            del self._counts[min(self._counts)]

    def last(self, now: float | None = None) -> list[tuple[int, dict[str, int]]]:
        """(minute start as epoch seconds, outcomes) for each recent minute, oldest first."""
        current = int((time.time() if now is None else now) // 60)
        return [(m * 60, dict(self._counts.get(m, {})))
                for m in range(current - self.minutes + 1, current + 1)]  # fmt: skip


class StoreCollector(Collector):
    """Writer counters and projection lag, read when scraped."""

    def __init__(self, stats: Callable[[], Any], lag: Reading) -> None:
        self._stats, self._lag = stats, lag

    def describe(self) -> Iterator[Metric]:
        return iter(())  # described when scraped, once the store is open

    def collect(self) -> Iterator[Metric]:
        stats = self._stats()
        for name, value, text in (
            ("ledger_write_batches", stats.batches, "Store transactions committed by the writer"),
            ("ledger_write_commands", stats.commands, "Commands committed by the writer"),
            ("ledger_store_conflicts", stats.conflicts, "Saves refused because another writer won"),
            ("ledger_store_retries", stats.store_errors, "Store errors retried by the writer"),
            ("ledger_write_abandoned", stats.abandoned,
             "Batches answered at the deadline while the store still had not answered"),
            ("ledger_outcomes_unknown", stats.unknown,
             "Commands answered INTERNAL_ERROR whose commit may have landed"),
            ("ledger_write_refused_late", stats.refused_late,
             "Commits the store refused because their deadline had passed (nothing landed)"),
            ("ledger_write_failed", stats.failed,
             "Batches answered INTERNAL_ERROR because of a fault in the writer itself"),
            ("ledger_write_lane_restarts", stats.lane_restarts,
             "Write lanes that stopped and were started again"),
        ):  # fmt: skip
            yield CounterMetricFamily(name, text, value=value)
        reading = self._lag()
        if reading is None:  # the store did not answer: report that, not a stale lag
            yield GaugeMetricFamily("ledger_store_up", "The store answered this scrape", value=0)
            return
        events, seconds = reading
        yield GaugeMetricFamily("ledger_store_up", "The store answered this scrape", value=1)
        yield GaugeMetricFamily(
            "ledger_projection_lag_events", "Events not yet in the read models", value=events
        )
        yield GaugeMetricFamily(
            "ledger_projection_lag_seconds", "Age of the oldest event not yet projected",
            value=seconds,
        )  # fmt: skip
