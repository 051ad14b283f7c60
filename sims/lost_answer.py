"""make demo's reconciliation scene: a bet whose answer is lost on its way back to the
OPERATOR, the OPERATOR's export, and `python -m scripts.reconcile` finding it.

It runs on a player of its own, through the same HTTP a real OPERATOR and casino use; the
reconciliation runs as its own process, like finance would run it.
"""

import subprocess
import sys
import urllib.request
from pathlib import Path

from sims.processes import ROOT, http, inherited

PLAYER = "demo-lost-answer"


def stage(urls: dict[str, str], token: str, currency: str) -> None:
    """Fund the player, open a session, place one bet normally and one whose answer is lost."""
    wallet = f"{urls['ledger']}/api/wallets/{PLAYER}/deposits"
    http("POST", wallet, {"currency": currency, "amount": "20.00", "reference": PLAYER}, token)
    player = {"user_id": PLAYER, "currency": currency}
    status, session = http("POST", f"{urls['ledger']}/api/sportsbook/sessions", player, token)
    if status != 200:
        raise RuntimeError(f"no sportsbook session for the reconciliation scene (HTTP {status})")
    play = session["url"]
    http("POST", f"{play}/bets", {"match_id": "m1", "pick": "home", "stake": "2.00"})
    http("POST", f"{urls['operator']}/_sim/faults", {"lose_answers": 1.0})
    try:
        http("POST", f"{play}/bets", {"match_id": "m2", "pick": "away", "stake": "3.00"})
    finally:
        http("POST", f"{urls['operator']}/_sim/faults", {"lose_answers": 0.0})


def reconcile(urls: dict[str, str], database_url: str, var: Path) -> str:
    """Save the OPERATOR's export, reconcile it, and give back what finance would read."""
    export = var / "operator-export.csv"
    with urllib.request.urlopen(f"{urls['operator']}/_sim/export", timeout=5) as answer:  # noqa: S310
        export.write_bytes(answer.read())
    found = subprocess.run(
        [sys.executable, "-m", "scripts.reconcile", str(export)],
        cwd=ROOT,
        env=inherited() | {"DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout


def show(urls: dict[str, str], token: str, currency: str, database_url: str, var: Path) -> None:
    """Print the finding: one bet the player paid for that the sportsbook thinks failed."""
    stage(urls, token, currency)
    lines = reconcile(urls, database_url, var).splitlines()
    lost = [line for line in lines if line.startswith("applied_but_not_accepted ")]
    print(f"  reconciliation: {PLAYER} placed a bet whose answer was lost on its way to")
    print("  the OPERATOR; the ledger charged it, the sportsbook counts it failed. Finance sees:")
    for line in lost[:1]:
        print(f"    {line}", flush=True)
    print(f"  (export: {var / 'operator-export.csv'}; rerun: python -m scripts.reconcile FILE)")
