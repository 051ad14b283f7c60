"""A player at the simulator's sportsbook, funded on a ledger, doing what the iframe page does."""

from decimal import Decimal
from typing import Any

from tests.support.callbacks import ADMIN_TOKEN
from tests.support.client import new_user
from tests.support.operator_sim import get_json, post_json
from tests.support.server import Server


class Table:
    """Funded on the ledger, a session via its sessions route, bets via the iframe's API."""

    def __init__(self, ledger: Server, deposit: str) -> None:
        self.ledger = ledger
        self.user = new_user()
        funding = {"currency": "USD", "amount": deposit, "reference": self.user}
        status, _ = post_json(self._wallet() + "/deposits", funding, ADMIN_TOKEN)
        assert status == 200
        player = {"user_id": self.user, "currency": "USD"}
        status, answer = post_json(f"{ledger.base}/api/sportsbook/sessions", player, ADMIN_TOKEN)
        assert status == 200, answer
        self.play = str(answer["url"])

    def _wallet(self) -> str:
        return f"{self.ledger.base}/api/wallets/{self.user}"

    def bet(self, stake: str, match: str = "m1", pick: str = "home") -> dict[str, Any]:
        """Place a bet as the page does; the bet as the simulator then shows it."""
        body = {"match_id": match, "pick": pick, "stake": stake}
        status, state = post_json(f"{self.play}/bets", body)
        assert status == 200, state
        return dict(state["bets"][0])

    def act(self, bet: dict[str, Any], path: str, body: Any = None) -> int:
        """settle or rollback a bet; the HTTP status."""
        return post_json(f"{self.play}/bets/{bet['id']}/{path}", body)[0]

    def state(self) -> dict[str, Any]:
        return dict(get_json(f"{self.play}/state"))

    def callbacks(self, action: str | None = None) -> list[dict[str, Any]]:
        """The callbacks sent for this player, oldest first."""
        sent = self.state()["callbacks"][::-1]
        return [c for c in sent if action is None or c["action"] == action]

    def all_answered(self) -> bool:
        return all(c["state"] == "answered" for c in self.callbacks())

    def balance(self) -> Decimal:
        wallet = get_json(self._wallet(), ADMIN_TOKEN)
        return Decimal(wallet["balances"].get("USD", "0"))
