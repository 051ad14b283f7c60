"""CPU time per callback: who spent the machine's cores while the load was timed.

A sampler reads /proc a few times a second: the server process itself, its children (the
projections process), the load generator, and the whole machine. The load generator
reports its timed window on the same monotonic clock, so only the timed load counts, not
the funding before it or the audit after.
"""

import os
import threading
import time
from bisect import bisect_left
from pathlib import Path

from benchmarks.servers import tree

TICK = os.sysconf("SC_CLK_TCK")
Sample = tuple[float, dict[str, float]]


def process_cpu_s(pid: int) -> float:
    """User plus system CPU seconds of one process (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_busy_s() -> float:
    """CPU seconds the whole machine spent not idle, all cores together."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICK


class CpuSampler(threading.Thread):
    """Samples CPU seconds of the server, its children and the load, plus the machine."""

    def __init__(self, server: int, every_s: float = 0.1) -> None:
        super().__init__(daemon=True)
        self._server, self._every_s = server, every_s
        self._done = threading.Event()
        self.load: int | None = None
        self.samples: list[Sample] = []

    def sample(self) -> Sample:
        children = [p for p in tree(self._server) if p != self._server]
        return time.monotonic(), {
            "server": process_cpu_s(self._server),
            "children": sum(process_cpu_s(p) for p in children),
            "load": process_cpu_s(self.load) if self.load else 0.0,
            "machine": machine_busy_s(),
        }

    def run(self) -> None:
        while not self._done.wait(self._every_s):
            self.samples.append(self.sample())

    def finish(self) -> None:
        self._done.set()
        self.join()

    def per_callback_ms(self, window: tuple[float, float], callbacks: int) -> dict[str, float]:
        """Milliseconds of CPU per answered callback in the window, by whom."""
        inside = self._between(*window)
        if len(inside) < 2 or callbacks <= 0:
            return {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        share = (t1 - t0) / (window[1] - window[0])  # the window's part the samples cover
        spent = {who: last[who] - first[who] for who in first}
        per = {who: round(s / (callbacks * share) * 1000, 3) for who, s in spent.items()}
        return per | {"cores_busy": round(spent["machine"] / (t1 - t0), 2)}

    def _between(self, start: float, end: float) -> list[Sample]:
        times = [t for t, _ in self.samples]
        return self.samples[bisect_left(times, start) : bisect_left(times, end)]
