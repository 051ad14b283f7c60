"""A real pg_auto_failover formation on this machine: a monitor and N data nodes, each in
its own data directory under a temporary directory, on its own ports, run as `postgres`.

Each node's `pg_autoctl` is its own process group; killing a node's "host" SIGKILLs that
group and the node's postgres with every process it forked (they put themselves in
sessions of their own), so nothing of the node is left to answer.

Start-up is as fast as pg_autoctl allows: the monitor's and the first node's clusters
initialised together (pg_autoctl takes an initialised PGDATA over), `create ... --run` (one
process creates and runs each member: no stop and restart), the standbys created together
once the first node is `single`, and a CHECKPOINT on the primary while any node joins
(pg_basebackup waits for a spread checkpoint otherwise: a minute and a half after writes).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PORTS = (6500, 6501, 6502, 6503, 6504)  # the monitor's, then each data node's
DBNAME = "ledger"
SYNC_STANDBYS = 1  # every commit on a second node before it is acknowledged
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
WRITABLE = ("primary", "wait_primary", "single")


def available() -> bool:
    """pg_autoctl and PostgreSQL 15 are installed, and this process may become postgres."""
    return bool(shutil.which("pg_autoctl")) and (PG_BIN / "pg_ctl").exists() and os.geteuid() == 0


@dataclass
class Member:
    """One pg_autoctl service: the monitor or a node."""

    name: str
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Formation:
    """The monitor (the first port) and nodes node1, node2, ... (one per further port)."""

    def __init__(self, root: Path, ports: tuple[int, ...] = PORTS[:4], tuned: bool = True) -> None:
        if len(ports) < 3:
            raise ValueError("a monitor and at least two nodes")
        self.root, self.tuned = root, tuned
        self.monitor = Member("monitor", ports[0])
        self.nodes = [Member(f"node{n}", port) for n, port in enumerate(ports[1:], 1)]
        root.mkdir(parents=True, exist_ok=True)
        shutil.chown(root, "postgres", "postgres")

    def pg_autoctl(self, *args: str, check: bool = True) -> str:
        """Run pg_autoctl as postgres with this formation's own XDG directories."""
        done = subprocess.run(["pg_autoctl", *args], **self._as_postgres(), capture_output=True,
                              text=True, check=False)  # fmt: skip
        if check and done.returncode != 0:
            raise RuntimeError(f"pg_autoctl {args[:2]} failed: {done.stderr[-2000:]}")
        return done.stdout

    def start(self) -> None:
        """The monitor; the first node until it is `single`; then every other node at once,
        until each is a secondary of the first and the formation asks one synchronous
        standby of each commit."""
        common = ["--skip-pg-hba", "--no-ssl", "--hostname", "127.0.0.1",
                  "--pgctl", str(PG_BIN / "pg_ctl")]  # fmt: skip
        self._initdb(self.monitor, self.nodes[0])  # both at once; pg_autoctl takes them over
        self._spawn(self.monitor, "create", "monitor", *self._data(self.monitor), *common, "--run")
        self._wait(lambda: self._running(self.monitor) and self._monitor_answers(), 30,
                   "the monitor")  # fmt: skip
        if self.tuned:
            self._tune_monitor()
        monitor = f"postgres://autoctl_node@127.0.0.1:{self.monitor.port}/pg_auto_failover"
        node_args = ["--listen", "127.0.0.1", "--monitor", f"{monitor}?sslmode=disable",
                     "--dbname", DBNAME, *common, "--run"]  # fmt: skip
        first, *others = self.nodes  # the first one registered is the primary
        self._spawn(first, "create", "postgres", *self._data(first), "--name", first.name,
                    *node_args)  # fmt: skip
        self._wait(lambda: self._running(first) and self._reports(first, "single"), 60,
                   f"{first.name} to start")  # fmt: skip
        self.checkpoint(first)
        for node in others:
            self._spawn(node, "create", "postgres", *self._data(node), "--name", node.name,
                        *node_args)  # fmt: skip
        self.wait_settled(120, "every node to join")
        if len(self.nodes) > 2:  # two nodes cannot: "At least 2 standby nodes are required"
            with psycopg.connect(self._monitor_url(), autocommit=True) as conn:
                conn.execute("SELECT pgautofailover.set_formation_number_sync_standbys"
                             "('default', %s)", (SYNC_STANDBYS,))  # fmt: skip
        if self.tuned:  # the running keepers reload it
            for node in self.nodes:
                for key, value in NODE_TIMEOUTS.items():
                    self.pg_autoctl("config", "set", "--pgdata", self._pgdata(node), key, value)
        self.wait_settled(30, "the formation's settings")

    def run(self, member: Member) -> None:
        """Start (or restart) `pg_autoctl run` for a member: its host is back."""
        self._spawn(member, "run", "--pgdata", self._pgdata(member))

    def kill(self, member: Member) -> None:
        """The member's host dies: SIGKILL its pg_autoctl and its postgres, all at once
        (again until none is left: one may have forked meanwhile)."""
        if member.process is None:
            return
        group, pgdata = member.process.pid, Path(self._pgdata(member))
        deadline = time.monotonic() + 10
        while victims := _processes_of(group, pgdata):
            for pid in victims:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{member.name} still runs: {victims}")
            time.sleep(0.05)
        member.process.wait(timeout=10)

    def stop(self) -> None:
        """Everything this formation started, nodes first, at once (a clean stop waits for
        pg_autoctl's own timeouts); the data stays for the post-mortem."""
        for member in [*self.nodes, self.monitor]:
            self.kill(member)

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

    def number_sync_standbys(self) -> int:
        with psycopg.connect(self._monitor_url(), connect_timeout=2) as conn:
            row = conn.execute("SELECT number_sync_standbys FROM pgautofailover.formation "
                               "WHERE formationid = 'default'").fetchone()  # fmt: skip
        assert row is not None
        return int(row[0])

    def primary(self) -> Member:
        """The node that is primary (or wait_primary) and assigned to stay so; a dead
        primary keeps reporting "primary" until it is back, but is assigned otherwise."""
        states = self.states()
        for node in self.nodes:
            reported, goal = states.get(node.name, ("", ""))
            if reported == goal and goal in WRITABLE:
                return node
        raise RuntimeError(f"no primary: {states}")

    def settled(self) -> bool:
        """Every running node is where the monitor wants it, at rest: one primary (or a
        single node) and the rest secondaries."""
        try:
            states = self.states()
        except psycopg.Error:
            return False
        running = [states.get(n.name, ("", "")) for n in self.nodes if n.alive]
        if any(r != g or r not in ("primary", "secondary", "single") for r, g in running):
            return False
        leaders = [r for r, _ in running if r != "secondary"]
        return not running or leaders in (["primary"], ["single"])

    def wait_settled(self, timeout: float, what: str) -> None:
        """Until settled, a CHECKPOINT on the primary now and then: a node that joins or
        rejoins copies from it once a checkpoint is done, and a spread one is slow."""
        self._wait(lambda: self.settled() or self._nudge(), timeout, what)

    def checkpoint(self, node: Member) -> None:
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(self.node_url(node), connect_timeout=2, autocommit=True) as conn,
        ):
            conn.execute("CHECKPOINT")

    def node_url(self, node: Member, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{node.port}/{dbname}"

    def _nudge(self) -> bool:
        for node in self.nodes:
            if node.alive:
                self.checkpoint(node)  # a standby's restartpoint is harmless
        return False

    def _running(self, member: Member) -> bool:
        if not member.alive:
            log = (self.root / f"{member.name}.log").read_text(errors="replace")
            raise RuntimeError(f"pg_autoctl for {member.name} exited: {log[-2000:]}")
        return True

    def _reports(self, node: Member, state: str) -> bool:
        try:
            return self.states().get(node.name, ("", ""))[0] == state
        except psycopg.Error:
            return False

    def _initdb(self, *members: Member) -> None:
        """Empty clusters (trust, UTF-8, no fsync of the fresh files: nothing in them yet)."""
        argv = [str(PG_BIN / "initdb"), "--no-sync", "--auth", "trust", "--encoding", "UTF8",
                "--locale", "C.UTF-8"]  # fmt: skip
        runs = [subprocess.Popen([*argv, "--pgdata", self._pgdata(m)], **self._as_postgres(),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for m in members]  # fmt: skip
        for run in runs:
            _, err = run.communicate(timeout=120)
            if run.returncode != 0:
                raise RuntimeError(f"initdb failed: {err.decode(errors='replace')[-2000:]}")

    def _spawn(self, member: Member, *args: str) -> None:
        """A pg_autoctl service for the member, in a process group of its own."""
        with (self.root / f"{member.name}.log").open("ab") as log:
            member.process = subprocess.Popen(
                ["pg_autoctl", *args], **self._as_postgres(), stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def _as_postgres(self) -> dict[str, Any]:
        """pg_autoctl itself as postgres (no runuser between: it would SIGKILL pg_autoctl
        two seconds into a clean stop), with this formation's own XDG directories."""
        env = {"LANG": "C.UTF-8", **os.environ, "HOME": str(self.root), "USER": "postgres",
               "LOGNAME": "postgres", "XDG_CONFIG_HOME": str(self.root / "config"),
               "XDG_DATA_HOME": str(self.root / "data")}  # fmt: skip
        return {"user": "postgres", "group": "postgres", "extra_groups": [], "env": env,
                "cwd": self.root}  # fmt: skip

    def _tune_monitor(self) -> None:
        with psycopg.connect(self._monitor_url(), autocommit=True) as conn:
            for key, value in MONITOR_TIMEOUTS.items():
                conn.execute(f"ALTER SYSTEM SET {key} = '{value}'")
            conn.execute("SELECT pg_reload_conf()")

    def _monitor_answers(self) -> bool:
        try:
            with psycopg.connect(self._monitor_url(), connect_timeout=2) as conn:
                conn.execute("SELECT 1 FROM pgautofailover.formation")
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
    def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f}s for {what}")
            time.sleep(0.25)


def _processes_of(group: int | None, pgdata: Path) -> list[int]:
    """The pids in process group `group`, and every postgres of pgdata (each works in it;
    the postmaster's children leave its group, and outlive it by a moment)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cwd = os.readlink(entry / "cwd") if stat[0] != "Z" else ""
        except OSError:
            continue
        if stat[0] != "Z" and (int(stat[2]) == group or cwd == str(pgdata)):
            found.append(int(entry.name))
    return found
