"""python -m sims.demo: the ledger, the OPERATOR simulator and a demo casino, wired, on one URL.

The ledger runs on a fresh SQLite file under var/demo/ with the IGPX_* variables pointing at
the simulator; the casino talks to the ledger with the admin token; a demo player is funded
through the deposits route. ADMIN_TOKEN, IGPX_SECURITY_HASH and IGPX_CLIENT_PASSWORD come from
the environment when set, else are made up for this run; none is ever printed. The back
office gets a demo admin and a demo auditor (python -m scripts.users, run as a child),
whose made-up passwords are printed: they guard nothing but this demo. Each process
logs to its own file beside the database. Ctrl-C stops everything.
"""

import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path

from sims import lost_answer
from sims.processes import HOST, Processes, fail, free_port, http, run_module

DEMO_ACCOUNTS = (("demo-admin", "admin"), ("demo-auditor", "auditor"))


def made_up(name: str) -> str:
    """The variable's value when the caller set one, else a secret made up for this run."""
    return os.environ.get(name) or secrets.token_urlsafe(24)


def environments(args: argparse.Namespace, var: Path) -> dict[str, dict[str, str]]:
    """Each process's variables; the OPERATOR and the ledger share the IGPX_* ones."""
    ledger_port, operator_port = free_port(), free_port()
    igpx = {
        "IGPX_SECURITY_HASH": made_up("IGPX_SECURITY_HASH"),
        "IGPX_API_VERSION": "v1",
        "IGPX_CLIENT_USERNAME": "demo-casino",
        "IGPX_CLIENT_PASSWORD": made_up("IGPX_CLIENT_PASSWORD"),
    }
    admin = {"ADMIN_TOKEN": made_up("ADMIN_TOKEN")}
    ledger_url = {"LEDGER_URL": f"http://{HOST}:{ledger_port}"}
    database = f"sqlite:///{(var / 'ledger.sqlite3').resolve()}"
    operator = {"OPERATOR_HOST": HOST, "OPERATOR_PORT": str(operator_port)}
    ledger = {"DATABASE_URL": database, "HOST": HOST, "PORT": str(ledger_port),
              "IGPX_API_URL": f"http://{HOST}:{operator_port}"}  # fmt: skip
    casino = {"CASINO_HOST": HOST, "CASINO_PORT": str(free_port(args.port)),
              "CASINO_PLAYER": args.player, "CASINO_CURRENCY": args.currency}  # fmt: skip
    return {
        "operator": igpx | ledger_url | operator,
        "ledger": igpx | admin | ledger,
        "casino": admin | ledger_url | casino,
    }


def fresh_dir(path: Path) -> Path:
    """The demo's folder with no database left from an earlier run."""
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("ledger.sqlite3*"):
        old.unlink()
    return path


def start_all(procs: Processes, envs: dict[str, dict[str, str]]) -> dict[str, str]:
    """Start the three processes and wait until each answers; their base URLs."""
    urls = {
        "operator": f"http://{HOST}:{envs['operator']['OPERATOR_PORT']}",
        "ledger": f"http://{HOST}:{envs['ledger']['PORT']}",
        "casino": f"http://{HOST}:{envs['casino']['CASINO_PORT']}",
    }
    procs.start("operator", "sims.operator", envs["operator"])
    procs.start("ledger", "service", envs["ledger"])
    procs.start("casino", "sims.casino", envs["casino"])
    procs.wait_ready("operator", lambda: http("GET", urls["operator"] + "/healthz")[0] == 200)
    procs.wait_ready("ledger", lambda: http("GET", urls["ledger"] + "/readyz")[0] == 200)
    procs.wait_ready("casino", lambda: http("GET", urls["casino"] + "/me")[0] == 200)
    return urls


def fund(ledger: str, token: str, player: str, currency: str, amount: str) -> None:
    """The demo player's welcome deposit, once per run."""
    payload = {"currency": currency, "amount": amount, "reference": f"demo-welcome-{player}"}
    status, _ = http("POST", f"{ledger}/api/wallets/{player}/deposits", payload, token)
    if status != 200:
        fail(f"the welcome deposit failed with HTTP {status}")


def accounts(database: str, var: Path) -> dict[str, str]:
    """The back office's demo admin and auditor, with passwords made up for this run."""
    made = {}
    for name, role in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        env = {"DATABASE_URL": database, "BACKOFFICE_PASSWORD": password}
        run_module("scripts.users", ["add", name, "--role", role], env, var / "users.log")
        made[name] = password
    return made


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sims.demo", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="the casino's port (0: any free)")
    parser.add_argument("--dir", default="var/demo", help="database and logs [var/demo]")
    parser.add_argument("--player", default="demo-player")
    parser.add_argument("--currency", default="USD")
    parser.add_argument("--deposit", default="100.00", help="the player's starting balance")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    var = fresh_dir(Path(args.dir))
    envs = environments(args, var)
    procs = Processes(var)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        urls = start_all(procs, envs)
        fund(
            urls["ledger"], envs["ledger"]["ADMIN_TOKEN"], args.player, args.currency, args.deposit
        )
        print(f"demo: open {urls['casino']}/ (Ctrl-C stops everything)", flush=True)
        print(
            f"  {args.player} starts with {args.deposit} {args.currency}; logs in {var}/",
            flush=True,
        )
        token, database = envs["ledger"]["ADMIN_TOKEN"], envs["ledger"]["DATABASE_URL"]
        lost_answer.show(urls, token, args.currency, database, var)
        made = accounts(envs["ledger"]["DATABASE_URL"], var)
        print(f"demo: back office {urls['ledger']}/backoffice/", flush=True)
        for name, role in DEMO_ACCOUNTS:
            print(f"  {role}: {name} / {made[name]}", flush=True)
        while not (gone := procs.any_exited()):
            time.sleep(0.5)
        fail(f"{gone} stopped; see {var / f'{gone}.log'}")
    except KeyboardInterrupt:
        print("\ndemo: stopping", flush=True)
    finally:
        procs.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
