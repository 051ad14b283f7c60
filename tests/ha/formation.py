"""A real pg_auto_failover formation on this machine: a monitor and two nodes, each in its
own data directory under a temporary directory, on its own ports, run as `postgres`.

Each `pg_autoctl run` is its own process group, so killing a node's "host" is one
SIGKILL of that group: its pg_autoctl and its postgres, nothing else.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PORTS = (6500, 6501, 6502)
DBNAME = "ledger"
# The monitor's defaults took about 50 s from the primary's death to a writable standby,
# 30 s of it waiting for the dead primary to demote itself. Shortened: about 10 s. An
# isolated old primary cannot acknowledge what its synchronous standby lacks (the ledger
# refuses a commit whose standby wait was cancelled), so the shorter wait loses nothing.
MONITOR_TIMEOUTS = {
    "pgautofailover.health_check_period": "1000",
    "pgautofailover.health_check_timeout": "1000",
    "pgautofailover.health_check_max_retries": "1",
    "pgautofailover.health_check_retry_delay": "500",
    "pgautofailover.node_considered_unhealthy_timeout": "3000",
    "pgautofailover.primary_demote_timeout": "5000",
}
NODE_TIMEOUTS = {"timeout.network_partition_timeout": "5"}


def available() -> bool:
    """pg_autoctl and PostgreSQL 15 are installed, and this process may become postgres."""
    return bool(shutil.which("pg_autoctl")) and (PG_BIN / "pg_ctl").exists() and os.geteuid() == 0


@dataclass
class Member:
    """One pg_autoctl service: the monitor or a node."""

    name: str
    port: int
    process: subprocess.Popen[bytes] | None = None


class Formation:
    """The monitor and nodes node1, node2, on the given ports (monitor first)."""

    def __init__(self, root: Path, ports: tuple[int, int, int] = PORTS, tuned: bool = True) -> None:
        self.root, self.tuned = root, tuned
        self.monitor = Member("monitor", ports[0])
        self.nodes = [Member(f"node{n}", ports[n]) for n in (1, 2)]
        root.mkdir(parents=True, exist_ok=True)
        shutil.chown(root, "postgres", "postgres")

    def pg_autoctl(self, *args: str, check: bool = True) -> str:
        """Run pg_autoctl as postgres with this formation's own XDG directories."""
        env = [f"XDG_{k}_HOME={self.root / k.lower()}" for k in ("CONFIG", "DATA")]
        argv = ["runuser", "-u", "postgres", "--", "env", *env, "pg_autoctl", *args]
        done = subprocess.run(argv, cwd=self.root, capture_output=True, text=True, check=False)
        if check and done.returncode != 0:
            raise RuntimeError(f"pg_autoctl {args[:2]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def start(self) -> None:
        """Create and run the monitor, then each node in turn until it is settled."""
        common = ["--auth", "trust", "--no-ssl", "--pgctl", str(PG_BIN / "pg_ctl")]
        where = ["--hostname", "127.0.0.1"]
        self.pg_autoctl("create", "monitor", *self._data(self.monitor), *where, *common)
        self.run(self.monitor)
        self._wait(self._monitor_answers, 30, "the monitor")
        if self.tuned:
            self._tune_monitor()
        monitor = f"postgres://autoctl_node@127.0.0.1:{self.monitor.port}/pg_auto_failover"
        for node in self.nodes:
            self.pg_autoctl(
                "create", "postgres", *self._data(node), *where, *common,
                "--listen", "127.0.0.1", "--monitor", f"{monitor}?sslmode=disable",
                "--dbname", DBNAME, "--name", node.name,
            )  # fmt: skip
            if self.tuned:
                for key, value in NODE_TIMEOUTS.items():
                    self.pg_autoctl("config", "set", "--pgdata", self._pgdata(node), key, value)
            self.run(node)
            self._wait(self.settled, 120, f"{node.name} to join")

    def run(self, member: Member) -> None:
        """Start (or restart) `pg_autoctl run` for a member, in a process group of its own."""
        env = [f"XDG_{k}_HOME={self.root / k.lower()}" for k in ("CONFIG", "DATA")]
        argv = ["runuser", "-u", "postgres", "--", "env", *env, "pg_autoctl", "run"]
        with (self.root / f"{member.name}.log").open("ab") as log:
            member.process = subprocess.Popen(
                [*argv, "--pgdata", self._pgdata(member)],
                cwd=self.root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def kill(self, member: Member) -> None:
        """The member's host dies: SIGKILL its pg_autoctl and postgres (its process group)."""
        if member.process is not None:
            _killpg(member.process)
            member.process.wait(timeout=10)

    def stop(self) -> None:
        """Everything this formation started, nodes first; data stays for the post-mortem."""
        for member in [*self.nodes, self.monitor]:
            if member.process is not None and member.process.poll() is None:
                os.killpg(member.process.pid, signal.SIGTERM)
        for member in [*self.nodes, self.monitor]:
            if member.process is not None:
                try:
                    member.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    _killpg(member.process)

    def uri(self, user: str = "postgres") -> str:
        """The formation's multi-host URL (`pg_autoctl show uri`), with the user named."""
        uri = self.pg_autoctl("show", "uri", "--pgdata", self._pgdata(self.monitor),
                              "--formation", "default").strip()  # fmt: skip
        return uri.replace("postgres://", f"postgresql://{user}@", 1)

    def states(self) -> dict[str, tuple[str, str]]:
        """Each node's reported and assigned state, as the monitor sees them."""
        with psycopg.connect(self._monitor_url(), connect_timeout=2) as conn:
            rows = conn.execute(
                "SELECT nodename, reportedstate, goalstate FROM pgautofailover.node"
            ).fetchall()
        return {name: (str(reported), str(goal)) for name, reported, goal in rows}

    def primary(self) -> Member:
        """The node that is primary (or wait_primary) and assigned to stay so; a dead
        primary keeps reporting "primary" until it is back, but is assigned otherwise."""
        states = self.states()
        for node in self.nodes:
            reported, goal = states.get(node.name, ("", ""))
            if reported == goal and goal in ("primary", "wait_primary", "single"):
                return node
        raise RuntimeError(f"no primary: {states}")

    def settled(self) -> bool:
        """Every started node reports the state it was assigned, one of them primary."""
        try:
            states = self.states()
        except psycopg.Error:
            return False
        started = [n.name for n in self.nodes if n.process is not None]
        if any(n not in states or states[n][0] != states[n][1] for n in started):
            return False
        return any(states[n][0] in ("primary", "single") for n in started) or not started

    def _tune_monitor(self) -> None:
        with psycopg.connect(self._monitor_url(), autocommit=True) as conn:
            for key, value in MONITOR_TIMEOUTS.items():
                conn.execute(f"ALTER SYSTEM SET {key} = '{value}'")
            conn.execute("SELECT pg_reload_conf()")

    def _monitor_answers(self) -> bool:
        try:
            with psycopg.connect(self._monitor_url(), connect_timeout=2):
                return True
        except psycopg.Error:
            return False

    def _monitor_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.monitor.port}/pg_auto_failover"

    def _pgdata(self, member: Member) -> str:
        return str(self.root / member.name)

    def _data(self, member: Member) -> list[str]:
        return ["--pgdata", self._pgdata(member), "--pgport", str(member.port)]

    @staticmethod
    def _wait(condition: object, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():  # type: ignore[operator]
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f}s for {what}")
            time.sleep(0.25)


def _killpg(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
