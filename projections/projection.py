"""How each domain event changes the read models (the library's Projection, one event at a time)."""

from datetime import datetime
from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.cashier import CashierTransaction
from domain.codes import Code
from domain.commands import Action
from domain.player import Player
from domain.transaction import IN_DOUBT, Arrival, OperatorTransaction, Status
from projections.schema import TRANSACTIONS
from projections.views import LedgerViews

_ARRIVAL_TEXT = ("action", "user_id", "currency", "status", "error", "rollback_of")
_ARRIVAL_AMOUNTS = ("amount", "balance_after", "reversed_amount")


def day(moment: datetime) -> str:
    """The UTC date an event belongs to."""
    return moment.date().isoformat()


def arrival_fields(event: Arrival) -> dict[str, Any]:
    """An arrival's fields as index columns: amounts as exact decimal text."""
    fields = {name: getattr(event, name) for name in _ARRIVAL_TEXT}
    fields |= {
        n: None if getattr(event, n) is None else str(getattr(event, n)) for n in _ARRIVAL_AMOUNTS
    }
    return fields | {
        "reversed_user_id": event.reversed_user_id,
        "reversed_currency": event.reversed_currency,
    }


class LedgerProjection(Projection[Any]):
    """Events the read models do not use are ignored; the batch still tracks their position."""

    name = "ledger"

    @property
    def views(self) -> LedgerViews:
        view: LedgerViews = self.view
        return view

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Ignore what no read model needs."""

    @process_event.register
    def _opened(self, event: Player.Opened, tracking: Tracking) -> None:
        self.views.open(str(event.originator_id), event.user_id, tracking.notification_id)

    @process_event.register
    def _blocked(self, event: Player.Blocked, tracking: Tracking) -> None:
        self.views.block(str(event.originator_id), True, tracking.notification_id)

    @process_event.register
    def _unblocked(self, event: Player.Unblocked, tracking: Tracking) -> None:
        self.views.block(str(event.originator_id), False, tracking.notification_id)

    @process_event.register
    def _moved(self, event: Player.MoneyMoved, tracking: Tracking) -> None:
        player = str(event.originator_id)
        self.views.move(player, event.currency, event.delta, tracking.notification_id)
        total, tally = _daily_column(event)
        self.views.count(day(event.timestamp), event.currency, total, event.amount, tally)

    @process_event.register
    def _recorded(self, event: OperatorTransaction.Recorded, tracking: Tracking) -> None:
        self.views.record(
            _entry("operator", event.operator_transaction_id, event, tracking)
            | arrival_fields(event)
        )
        if event.error == Code.LIMIT_EXCEEDED:
            self.views.tally(day(event.timestamp), event.currency, "limit_declines")

    @process_event.register
    def _tombstone(
        self, event: OperatorTransaction.RolledBackBeforeArrival, tracking: Tracking
    ) -> None:
        self.views.record(
            _entry("operator", event.operator_transaction_id, event, tracking)
            | {"status": Status.RECORDED, "rolled_back_by": event.rolled_back_by}
        )

    @process_event.register
    def _late(self, event: OperatorTransaction.ArrivedAfterRollback, tracking: Tracking) -> None:
        self._update_operator(event, tracking, **arrival_fields(event))

    @process_event.register
    def _rolled_back(self, event: OperatorTransaction.RolledBack, tracking: Tracking) -> None:
        self._update_operator(event, tracking, rolled_back_by=event.rolled_back_by)

    @process_event.register
    def _reversed(self, event: OperatorTransaction.ReversedInDoubt, tracking: Tracking) -> None:
        self._update_operator(event, tracking, rolled_back_by=IN_DOUBT)

    @process_event.register
    def _cashier(self, event: CashierTransaction.Recorded, tracking: Tracking) -> None:
        self.views.record(
            _entry("cashier", event.reference, event, tracking)
            | {
                "action": event.kind,
                "user_id": event.user_id,
                "currency": event.currency,
                "amount": str(event.amount),
                "status": Status.APPLIED,
                "balance_after": str(event.balance_after),
            }
        )

    def _update_operator(self, event: Any, tracking: Tracking, **fields: Any) -> None:
        self.views.update(str(event.originator_id), tracking.notification_id, **fields)


def _entry(source: str, external_id: str, event: Any, tracking: Tracking) -> dict[str, Any]:
    return dict.fromkeys(TRANSACTIONS.nullable) | {
        "source": source,
        "external_id": external_id,
        "client_transaction_id": str(event.originator_id),
        "status": Status.RECORDED,
        "position": tracking.notification_id,
        "recorded_at": event.timestamp.isoformat(),
        "updated_position": tracking.notification_id,
    }


def _daily_column(event: Player.MoneyMoved) -> tuple[str, str]:
    if isinstance(event, Player.BetDebited):
        return "stakes", "bets"
    if isinstance(event, Player.ResultCredited):
        return "payouts", "results"
    if isinstance(event, Player.RollbackApplied):
        refund = event.reversed_action == Action.BET
        return ("stake_refunds" if refund else "payout_reversals"), "rollbacks"
    if isinstance(event, Player.BetReversed):  # the ledger gave a stake back itself
        return "stake_refunds", "rollbacks"
    return ("deposits" if isinstance(event, Player.Deposited) else "withdrawals"), ""
