"""Manual movements and blocks record who made them and why; events stored before those
fields existed still read, with neither."""

from dataclasses import replace
from decimal import Decimal

import orjson

from domain.commands import Block, Deposit, Unblock, Withdraw
from domain.player import Player
from ledger.application import Ledger
from tests.behaviour import run


def memory_ledger() -> Ledger:
    return Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def stored(ledger: Ledger) -> list[object]:
    return list(ledger.recorder.select_notifications(1, 100))


def events(ledger: Ledger) -> list[object]:
    return [ledger.mapper.to_domain_event(n) for n in stored(ledger)]  # type: ignore[arg-type]


def test_each_manual_change_names_the_person_and_the_reason() -> None:
    ledger = memory_ledger()
    why = {"actor": "alice", "reason": "ticket 42"}
    run(
        ledger,
        Deposit("r1", "u1", "USD", Decimal("10.00"), **why),
        Withdraw("r2", "u1", "USD", Decimal("1.00"), **why),
        Block("u1", **why),
        Unblock("u1", **why),
    )
    kinds = (Player.Deposited, Player.Withdrawn, Player.Blocked, Player.Unblocked)
    manual = [e for e in events(ledger) if isinstance(e, kinds)]
    assert len(manual) == 4
    assert all((e.actor, e.reason) == ("alice", "ticket 42") for e in manual)


def test_the_cashier_api_records_no_person() -> None:
    ledger = memory_ledger()
    run(ledger, Deposit("r1", "u1", "USD", Decimal("10.00")), Block("u1"))
    manual = [e for e in events(ledger) if isinstance(e, Player.Deposited | Player.Blocked)]
    assert [(e.actor, e.reason) for e in manual] == [(None, None), (None, None)]


def test_an_event_stored_without_the_fields_still_reads() -> None:
    ledger = memory_ledger()
    run(ledger, Deposit("r1", "u1", "USD", Decimal("10.00"), "bob", "why"), Block("u1", "bob"))
    checked = 0
    for notification in stored(ledger):
        state = orjson.loads(notification.state)  # type: ignore[attr-defined]
        if "actor" not in state:
            continue
        old = {k: v for k, v in state.items() if k not in ("actor", "reason")}
        event = ledger.mapper.to_domain_event(replace(notification, state=orjson.dumps(old)))  # type: ignore[type-var]
        assert (event.actor, event.reason) == (None, None)  # type: ignore[attr-defined]
        assert "actor" not in vars(event)
        checked += 1
    assert checked == 2
