"""orjson transcoding: every event class round-trips, in the library's own JSON layout."""

from datetime import UTC, datetime
from decimal import Decimal

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from adapters.transcoding import OrjsonTranscoder
from domain.commands import CreditResult, Deposit, PlaceBet, RollBack
from ledger.application import Ledger
from tests.behaviour import run


def library_transcoder() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


def every_kind_of_event() -> list[object]:
    ledger = Ledger(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    d = Decimal
    run(ledger, Deposit("r1", "u1", "USD", d("10.00")), PlaceBet("b1", "u1", "USD", d("2.50")))
    run(
        ledger,
        RollBack("rb1", "u1", "USD", d("2.50"), "b1"),
        RollBack("rb2", "u1", "USD", d(1), "x"),
    )
    run(ledger, PlaceBet("x", "u1", "USD", d("1.00")), CreditResult("w", "u1", "USD", d("0.00")))
    events = [
        ledger.mapper.to_domain_event(n) for n in ledger.recorder.select_notifications(1, 100)
    ]
    assert len({type(e) for e in events}) >= 8
    return events


def test_every_event_round_trips_exactly() -> None:
    transcoder = OrjsonTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    for event in every_kind_of_event():
        state = {
            k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")
        }
        decoded = transcoder.decode(transcoder.encode(state))
        assert decoded == state
        assert {k: type(v) for k, v in decoded.items()} == {k: type(v) for k, v in state.items()}


def test_bytes_match_the_librarys_transcoder_both_ways() -> None:
    ours, theirs = OrjsonTranscoder(), library_transcoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        ours.register(transcoding)
    state = {"amount": Decimal("63727092.34"), "at": datetime(2026, 11, 26, tzinfo=UTC), "x": None}
    assert ours.encode(state) == theirs.encode(state)
    assert theirs.decode(ours.encode(state)) == ours.decode(theirs.encode(state)) == state
