"""The journal of bets in doubt: what a process that dies leaves behind is settled after."""

from decimal import Decimal
from pathlib import Path

from domain.commands import PlaceBet
from ledger.in_doubt import Journal


def bet(tid: str) -> PlaceBet:
    return PlaceBet(tid, "p1", "USD", Decimal("2.50"))


def test_answered_bets_leave_nothing_and_the_file_is_emptied(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.attempting([bet("a"), bet("b")])
    journal.answered(["a", "b"])
    assert journal.doubts() == []
    assert (tmp_path / "j.jsonl").read_text() == ""


def test_a_bet_answered_internal_error_is_in_doubt_until_settled(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.jsonl")
    journal.attempting([bet("a"), bet("b")])
    journal.answered(["a"])
    assert [d.transaction_id for d in journal.in_doubt(["b"])] == ["b"]
    assert journal.doubts()[0].settle.amount == Decimal("2.50")
    assert [d.transaction_id for d in Journal(tmp_path / "j.jsonl").doubts()] == ["b"]
    journal.settled("b")
    assert journal.doubts() == []
    assert Journal(tmp_path / "j.jsonl").doubts() == []


def test_bets_a_dead_process_left_attempted_are_in_doubt_after_a_restart(tmp_path: Path) -> None:
    dead = Journal(tmp_path / "j.jsonl")
    dead.attempting([bet("a"), bet("b"), bet("c")])
    dead.answered(["b"])  # "a" and "c" were in flight when the process was killed
    with (tmp_path / "j.jsonl").open("a") as torn:
        torn.write('{"attempt": {"transaction_id": "d", "us')  # died mid-write
    restarted = Journal(tmp_path / "j.jsonl")
    assert sorted(d.transaction_id for d in restarted.doubts()) == ["a", "c"]
    assert sorted(d.transaction_id for d in Journal(tmp_path / "j.jsonl").doubts()) == ["a", "c"]
