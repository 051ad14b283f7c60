"""Stored events straight into view changes: the state's JSON as orjson reads it, no domain
event objects (a replay spends most of its time building them otherwise).

projection.py, through the library's mapper, stays the reference: each handler here is
the twin of one of its handlers, and a test holds both to the same views byte for byte.
What this path does not know (a topic it has no twin for, a class that upcasts old
states, a mapper that compresses or encrypts) the runner sends that way instead.

Wrapped values are read as the transcoder wrote them: {"_type_": ..., "_data_": text}.
A decimal's text is str(Decimal), which reads back to the same text, and a timestamp's
is datetime.isoformat(), which begins with its date: so the views get the stored text.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson
from eventsourcing.persistence import Mapper
from eventsourcing.utils import resolve_topic

from adapters.event_log import Row
from adapters.transcoding import OrjsonTranscoder
from domain.cashier import CashierTransaction
from domain.codes import Code
from domain.commands import Action
from domain.player import Player
from domain.transaction import IN_DOUBT, OperatorTransaction, Status
from projections.schema import TRANSACTIONS
from projections.views import LedgerViews

Fields = dict[str, Any]
Handler = Callable[[LedgerViews, int, str, Fields], None]


def _text(wrapped: Fields | None) -> str | None:
    return None if wrapped is None else str(wrapped["_data_"])


def _opened(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    views.open(stream, f["user_id"], position)


def _blocked(views: LedgerViews, position: int, stream: str, _: Fields) -> None:
    views.block(stream, True, position)


def _unblocked(views: LedgerViews, position: int, stream: str, _: Fields) -> None:
    views.block(stream, False, position)


def _moved(total: str, tally: str, debit: bool) -> Handler:
    def moved(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
        amount, currency = Decimal(f["amount"]["_data_"]), f["currency"]
        views.move(stream, currency, -amount if debit else amount, position)
        views.count(f["timestamp"]["_data_"][:10], currency, total, amount, tally)

    return moved


_REFUND = _moved("stake_refunds", "rollbacks", debit=False)
_REVERSAL = _moved("payout_reversals", "rollbacks", debit=True)


def _rollback_applied(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    refund = f["reversed_action"] == Action.BET
    (_REFUND if refund else _REVERSAL)(views, position, stream, f)


def _entry(source: str, external_id: str, position: int, stream: str, f: Fields) -> Fields:
    return dict.fromkeys(TRANSACTIONS.nullable) | {
        "source": source,
        "external_id": external_id,
        "client_transaction_id": stream,
        "status": Status.RECORDED.value,
        "position": position,
        "recorded_at": f["timestamp"]["_data_"],
        "updated_position": position,
    }


def _arrival(f: Fields) -> Fields:
    return {
        "action": f["action"],
        "user_id": f["user_id"],
        "currency": f["currency"],
        "status": f["status"],
        "error": f["error"],
        "rollback_of": f["rollback_of"],
        "amount": _text(f["amount"]),
        "balance_after": _text(f["balance_after"]),
        "reversed_amount": _text(f["reversed_amount"]),
        "reversed_user_id": f["reversed_user_id"],
        "reversed_currency": f["reversed_currency"],
    }


def _recorded(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    entry = _entry("operator", f["operator_transaction_id"], position, stream, f)
    views.record(entry | _arrival(f))
    if f["error"] == Code.LIMIT_EXCEEDED:
        views.tally(f["timestamp"]["_data_"][:10], f["currency"], "limit_declines")


def _no_view(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    """Limits and self-exclusion live on the Player (the API reads it): no view to change."""


def _tombstone(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    entry = _entry("operator", f["operator_transaction_id"], position, stream, f)
    views.record(entry | {"rolled_back_by": f["rolled_back_by"]})


def _late(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    views.update(stream, position, **_arrival(f))


def _rolled_back(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    views.update(stream, position, rolled_back_by=f["rolled_back_by"])


def _reversed(views: LedgerViews, position: int, stream: str, _: Fields) -> None:
    views.update(stream, position, rolled_back_by=IN_DOUBT)


def _nothing(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    """An event no view shows (a bet answered again); its position is tracked all the same."""


def _cashier(views: LedgerViews, position: int, stream: str, f: Fields) -> None:
    entry = _entry("cashier", f["reference"], position, stream, f)
    views.record(
        entry
        | {
            "action": f["kind"],
            "user_id": f["user_id"],
            "currency": f["currency"],
            "amount": _text(f["amount"]),
            "status": Status.APPLIED.value,
            "balance_after": _text(f["balance_after"]),
        }
    )


# Exact classes only: a subclass added later goes the mapper's way until it has a twin.
TWINS: dict[type, Handler] = {
    Player.Opened: _opened,
    Player.Blocked: _blocked,
    Player.Unblocked: _unblocked,
    Player.BetDebited: _moved("stakes", "bets", debit=True),
    Player.ResultCredited: _moved("payouts", "results", debit=False),
    Player.RollbackApplied: _rollback_applied,
    Player.BetReversed: _moved("stake_refunds", "rollbacks", debit=False),
    Player.Deposited: _moved("deposits", "", debit=False),
    Player.Withdrawn: _moved("withdrawals", "", debit=True),
    Player.LimitChanged: _no_view,
    Player.SelfExcluded: _no_view,
    Player.StakeReleased: _no_view,
    OperatorTransaction.Recorded: _recorded,
    OperatorTransaction.RolledBackBeforeArrival: _tombstone,
    OperatorTransaction.ArrivedAfterRollback: _late,
    OperatorTransaction.RolledBack: _rolled_back,
    OperatorTransaction.ReversedInDoubt: _reversed,
    OperatorTransaction.AnsweredAgain: _nothing,
    CashierTransaction.Recorded: _cashier,
}


class DirectDecoder:
    """Applies a stored event's state to the views when it has the twin of its handler."""

    def __init__(self, views: LedgerViews, mapper: Mapper[Any] | None) -> None:
        """mapper: the one the events were stored with (None: send every event the other way)."""
        self.views = views
        self._usable = (
            mapper is not None
            and mapper.cipher is None
            and mapper.compressor is None
            and isinstance(mapper.transcoder, OrjsonTranscoder)
        )
        self._handlers: dict[str, Handler | None] = {}

    def apply(self, row: Row) -> str | None:
        """The event's timestamp (ISO text) once applied; None: the mapper's way instead."""
        position, stream, _, topic, state = row
        try:
            handler = self._handlers[topic]
        except KeyError:
            handler = self._handlers[topic] = self._handler(topic)
        if handler is None:
            return None
        fields = orjson.loads(state)
        handler(self.views, position, stream, fields)
        return str(fields["timestamp"]["_data_"])

    def _handler(self, topic: str) -> Handler | None:
        if not self._usable:
            return None
        cls = resolve_topic(topic)
        if getattr(cls, "class_version", 1) != 1:  # old states are upcast by the mapper
            return None
        return TWINS.get(cls)
