"""The event history as auditors read it: every event with its position, rendered as JSON."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification

from adapters.event_log import EventLog
from domain.ids import cashier_transaction_id, operator_transaction_id, player_id
from domain.player import Player

_HIDDEN = {"originator_topic"}


def plain(value: Any) -> Any:
    """JSON-safe: exact decimals and ids as text, times in ISO 8601."""
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class History:
    """Decodes the log for auditors."""

    log: EventLog
    mapper: Mapper[UUID]

    def render(self, stored: Notification) -> dict[str, Any]:
        """One event: where it is, what it is, and every field it recorded."""
        event = self.mapper.to_domain_event(stored)
        fields = {k: plain(v) for k, v in vars(event).items() if k not in _HIDDEN}
        rendered = {
            "position": stored.id,
            "type": stored.topic.split(":", 1)[1],
            "stream_id": str(stored.originator_id),
            "version": stored.originator_version,
            "time": fields.pop("timestamp"),
            **{k: v for k, v in fields.items() if k not in ("originator_id", "originator_version")},
        }
        return rendered | _client_ids(rendered)

    def ledger(self, after: int, limit: int) -> list[dict[str, Any]]:
        """The whole ledger in commit order."""
        return [self.render(n) for n in self.log.page(after, limit)]

    def player(self, user_id: str, after: int, limit: int) -> list[dict[str, Any]]:
        """One player's events, oldest first."""
        return [self.render(n) for n in self.log.stream(player_id(user_id), after, limit)]

    def balances_at(
        self, user_id: str, *, position: int | None = None, moment: datetime | None = None
    ) -> tuple[dict[str, Decimal], bool]:
        """The player's balances and block flag as they stood at a position or a time."""
        balances: dict[str, Decimal] = {}
        blocked = False
        after = 0
        while page := self.log.stream(player_id(user_id), after, 1000):
            for stored in page:
                event = self.mapper.to_domain_event(stored)
                if (position is not None and stored.id > position) or (
                    moment is not None and event.timestamp > moment  # type: ignore[attr-defined]
                ):
                    return balances, blocked
                if isinstance(event, Player.MoneyMoved):
                    balances[event.currency] = event.balance_after
                blocked = {Player.Blocked: True, Player.Unblocked: False}.get(type(event), blocked)
            after = page[-1].id
        return balances, blocked


def _client_ids(event: dict[str, Any]) -> dict[str, Any]:
    if operator := event.get("operator_transaction_id"):
        return {"client_transaction_id": str(operator_transaction_id(operator))}
    if reference := event.get("reference"):
        return {"client_transaction_id": str(cashier_transaction_id(reference))}
    return {}
