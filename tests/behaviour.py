"""The ledger's rules as one body of tests; each store runs it by subclassing with a `ledger`."""

from decimal import Decimal

from domain.answers import Answer
from domain.codes import Code
from domain.commands import (
    Block,
    Command,
    CreditResult,
    Deposit,
    PlaceBet,
    RollBack,
    Unblock,
    Withdraw,
)
from domain.ids import operator_transaction_id
from domain.transaction import OperatorTransaction, Status
from ledger.application import SNAPSHOT_INTERVAL, Ledger

D = Decimal


def run(ledger: Ledger, *commands: Command) -> Answer:
    """Execute commands one per save and return the last answer."""
    answers = [ledger.execute([cmd])[0] for cmd in commands]
    return answers[-1]


def balance(ledger: Ledger, user: str, currency: str = "USD") -> Decimal:
    player = ledger.player(user)
    return player.balance(currency) if player else D(0)


def fund(ledger: Ledger, user: str, amount: str, currency: str = "USD") -> None:
    run(ledger, Deposit(f"fund-{user}-{amount}-{currency}", user, currency, D(amount)))


def bet(tid: str, user: str = "u1", amount: str = "1.00", currency: str = "USD") -> PlaceBet:
    return PlaceBet(tid, user, currency, D(amount))


def result(tid: str, user: str = "u1", amount: str = "1.00", currency: str = "USD") -> CreditResult:
    return CreditResult(tid, user, currency, D(amount))


def rollback(
    tid: str, target: str, user: str = "u1", amount: str = "1.00", currency: str = "USD"
) -> RollBack:
    return RollBack(tid, user, currency, D(amount), target)


def entry(ledger: Ledger, tid: str) -> OperatorTransaction:
    found = ledger.load(operator_transaction_id(tid), OperatorTransaction)
    assert isinstance(found, OperatorTransaction)
    return found


class LedgerBehaviour:
    """Rules 1-7 of CONTRACT.md and its edge cases, on whatever store `ledger` uses."""

    # Rule 1: bets debit, unless declined.
    def test_bet_debits_and_answers_balance_after(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        answer = run(ledger, bet("b1", amount="2.50"))
        assert answer.error is None
        assert answer.balance == D("7.50")
        assert balance(ledger, "u1") == D("7.50")

    def test_bet_without_a_wallet_is_insufficient_and_opens_nothing(self, ledger: Ledger) -> None:
        assert run(ledger, bet("b1", user="nobody")).error is Code.INSUFFICIENT_FUNDS
        assert ledger.player("nobody") is None

    def test_bet_larger_than_balance_is_declined_and_changes_nothing(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "5.00")
        assert run(ledger, bet("b1", amount="5.01")).error is Code.INSUFFICIENT_FUNDS
        assert balance(ledger, "u1") == D("5.00")

    def test_bet_of_the_whole_balance_is_applied(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "5.00")
        assert run(ledger, bet("b1", amount="5.00")).balance == D("0.00")

    def test_balances_are_per_currency(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "5.00", "EUR")
        assert run(ledger, bet("b1", amount="1.00")).error is Code.INSUFFICIENT_FUNDS
        assert run(ledger, bet("b2", amount="1.00", currency="EUR")).balance == D("4.00")

    def test_blocked_player_bet_is_declined(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "5.00")
        run(ledger, Block("u1"))
        assert run(ledger, bet("b1")).error is Code.PLAYER_BLOCKED
        assert balance(ledger, "u1") == D("5.00")

    def test_blocked_wins_over_insufficient_funds(self, ledger: Ledger) -> None:
        run(ledger, Block("u1"))
        assert run(ledger, bet("b1", amount="100.00")).error is Code.PLAYER_BLOCKED

    def test_unblocked_player_bets_again(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "5.00")
        run(ledger, Block("u1"), Unblock("u1"))
        assert run(ledger, bet("b1")).error is None

    # Rule 2: results credit, and are never declined.
    def test_result_credits_even_zero(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "1.00")
        assert run(ledger, result("r0", amount="0.00")).balance == D("1.00")
        assert run(ledger, result("r1", amount="2.25")).balance == D("3.25")

    def test_result_for_a_blocked_player_or_missing_wallet_is_credited(
        self, ledger: Ledger
    ) -> None:
        run(ledger, Block("u1"))
        assert run(ledger, result("r1", amount="3.00")).balance == D("3.00")
        assert run(ledger, result("r2", user="new", amount="4.00")).balance == D("4.00")

    # Rule 3: repeats change nothing and answer the first answer.
    def test_repeat_of_bet_answers_the_same_and_debits_once(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        first = run(ledger, bet("b1", amount="3.00"))
        fund(ledger, "u1", "1.00")
        again = run(ledger, bet("b1", amount="3.00"))
        assert again == first
        assert balance(ledger, "u1") == D("8.00")

    def test_repeat_of_result_credits_once(self, ledger: Ledger) -> None:
        first = run(ledger, result("r1", amount="3.00"))
        assert run(ledger, result("r1", amount="3.00")) == first
        assert balance(ledger, "u1") == D("3.00")

    def test_repeat_of_declined_bet_stays_declined(self, ledger: Ledger) -> None:
        assert run(ledger, bet("b1", amount="3.00")).error is Code.INSUFFICIENT_FUNDS
        fund(ledger, "u1", "10.00")
        assert run(ledger, bet("b1", amount="3.00")).error is Code.INSUFFICIENT_FUNDS
        assert balance(ledger, "u1") == D("10.00")

    def test_declined_bet_stays_declined_after_unblock_and_rollback(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, Block("u1"))
        assert run(ledger, bet("b1")).error is Code.PLAYER_BLOCKED
        run(ledger, Unblock("u1"), rollback("rb1", "b1"))
        assert run(ledger, bet("b1")).error is Code.PLAYER_BLOCKED
        assert balance(ledger, "u1") == D("10.00")

    def test_one_id_space_across_actions(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        first = run(ledger, bet("x1", amount="2.00"))
        assert run(ledger, result("x1", amount="50.00")) == first
        assert run(ledger, rollback("x1", "x1")) == first
        assert balance(ledger, "u1") == D("8.00")

    # Rule 4: rollbacks reverse exactly what the ledger recorded.
    def test_rollback_of_bet_refunds_the_stake(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, bet("b1", amount="4.00"))
        answer = run(ledger, rollback("rb1", "b1", amount="4.00"))
        assert answer.error is None
        assert answer.balance == D("10.00")
        assert entry(ledger, "b1").rolled_back_by == "rb1"

    def test_rollback_of_result_debits_even_below_zero(self, ledger: Ledger) -> None:
        run(ledger, result("r1", amount="5.00"))
        run(ledger, bet("b1", amount="5.00"))
        assert run(ledger, rollback("rb1", "r1", amount="5.00")).balance == D("-5.00")

    def test_rollback_uses_the_originals_amount_player_and_currency(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, bet("b1", amount="4.00"))
        answer = run(ledger, rollback("rb1", "b1", user="u2", amount="400.00", currency="EUR"))
        assert answer.balance == D("10.00")
        assert set(answer.mismatch) == {"user_id", "amount", "currency"}
        assert balance(ledger, "u1") == D("10.00")
        assert ledger.player("u2") is None
        recorded = entry(ledger, "rb1").arrival
        assert recorded is not None
        assert (recorded.user_id, recorded.amount, recorded.reversed_amount) == (
            "u2",
            D("400.00"),
            D("4.00"),
        )

    def test_repeat_of_rollback_reverses_once(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, bet("b1", amount="4.00"))
        first = run(ledger, rollback("rb1", "b1", amount="4.00"))
        assert run(ledger, rollback("rb1", "b1", amount="4.00")) == first
        assert balance(ledger, "u1") == D("10.00")

    # Rule 5: rollbacks that move nothing still succeed.
    def test_rollback_of_declined_bet_changes_nothing(self, ledger: Ledger) -> None:
        run(ledger, bet("b1", amount="4.00"))
        answer = run(ledger, rollback("rb1", "b1", amount="4.00"))
        assert answer.error is None
        assert balance(ledger, "u1") == D("0")
        assert entry(ledger, "rb1").arrival.status == Status.RECORDED  # type: ignore[union-attr]

    def test_second_rollback_of_same_transaction_changes_nothing(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, bet("b1", amount="4.00"), rollback("rb1", "b1", amount="4.00"))
        assert run(ledger, rollback("rb2", "b1", amount="4.00")).error is None
        assert balance(ledger, "u1") == D("10.00")
        assert entry(ledger, "b1").rolled_back_by == "rb1"

    def test_rollback_of_a_rollback_changes_nothing(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, bet("b1", amount="4.00"), rollback("rb1", "b1", amount="4.00"))
        assert run(ledger, rollback("rb2", "rb1", amount="4.00")).error is None
        assert balance(ledger, "u1") == D("10.00")

    def test_rollback_naming_itself_changes_nothing(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        answer = run(ledger, rollback("rb1", "rb1"))
        assert answer.error is None
        assert answer.balance == D("10.00")
        assert run(ledger, rollback("rb1", "rb1")) == answer

    # Rule 6: a rollback before its original.
    def test_rollback_of_unseen_id_succeeds_and_changes_nothing(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        answer = run(ledger, rollback("rb1", "b1", amount="4.00"))
        assert answer.error is None
        assert answer.balance == D("10.00")

    def test_late_bet_after_its_rollback_is_declined(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, rollback("rb1", "b1", amount="4.00"))
        assert run(ledger, bet("b1", amount="4.00")).error is Code.TRANSACTION_ROLLED_BACK
        assert run(ledger, bet("b1", amount="4.00")).error is Code.TRANSACTION_ROLLED_BACK
        assert balance(ledger, "u1") == D("10.00")

    def test_rolled_back_wins_over_blocked(self, ledger: Ledger) -> None:
        run(ledger, Block("u1"), rollback("rb1", "b1"))
        assert run(ledger, bet("b1")).error is Code.TRANSACTION_ROLLED_BACK

    def test_late_result_after_its_rollback_succeeds_without_credit(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, rollback("rb1", "r1", amount="4.00"))
        first = run(ledger, result("r1", amount="4.00"))
        assert first.error is None
        assert first.balance == D("10.00")
        assert run(ledger, result("r1", amount="4.00")) == first
        assert balance(ledger, "u1") == D("10.00")

    def test_late_rollback_after_being_rolled_back_moves_nothing(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        run(ledger, bet("b1", amount="4.00"), rollback("rb2", "rb1"))
        assert run(ledger, rollback("rb1", "b1", amount="4.00")).error is None
        assert balance(ledger, "u1") == D("6.00")

    # Rule 7: CLIENT ids unique and stable.
    def test_client_ids_are_stable_and_unique(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "10.00")
        ids = [run(ledger, cmd).transaction_id for cmd in (bet("a"), result("b"), bet("a"))]
        assert ids[0] == ids[2]
        assert ids[0] != ids[1]
        assert ids[0] == entry(ledger, "a").id

    # Money is exact.
    def test_cents_add_exactly(self, ledger: Ledger) -> None:
        run(ledger, result("r1", amount="0.01"), result("r2", amount="0.02"))
        assert balance(ledger, "u1") == D("0.03")

    def test_large_amount_round_trips(self, ledger: Ledger) -> None:
        assert run(ledger, result("r1", amount="63727092.34")).balance == D("63727092.34")
        assert balance(ledger, "u1") == D("63727092.34")

    # The cashier.
    def test_deposit_is_idempotent_by_reference(self, ledger: Ledger) -> None:
        first = run(ledger, Deposit("ref1", "u1", "USD", D("5.00")))
        assert run(ledger, Deposit("ref1", "u1", "USD", D("5.00"))) == first
        assert balance(ledger, "u1") == D("5.00")

    def test_reference_reused_for_something_else_is_refused(self, ledger: Ledger) -> None:
        run(ledger, Deposit("ref1", "u1", "USD", D("5.00")))
        again = run(ledger, Deposit("ref1", "u1", "USD", D("6.00")))
        assert again.error is Code.DUPLICATE_REFERENCE
        assert run(ledger, Withdraw("ref1", "u1", "USD", D("5.00"))).error is (
            Code.DUPLICATE_REFERENCE
        )
        assert balance(ledger, "u1") == D("5.00")

    def test_short_withdrawal_is_refused_and_not_remembered(self, ledger: Ledger) -> None:
        run(ledger, Deposit("ref1", "u1", "USD", D("5.00")))
        assert run(ledger, Withdraw("w1", "u1", "USD", D("6.00"))).error is (
            Code.INSUFFICIENT_FUNDS
        )
        run(ledger, Deposit("ref2", "u1", "USD", D("5.00")))
        assert run(ledger, Withdraw("w1", "u1", "USD", D("6.00"))).balance == D("4.00")

    # Batches decide in order on one working set.
    def test_batch_decides_like_one_by_one(self, ledger: Ledger) -> None:
        fund(ledger, "u1", "3.00")
        batch: list[Command] = [
            bet("b1", amount="2.00"),
            bet("b2", amount="2.00"),
            bet("b1", amount="2.00"),
            rollback("rb1", "b1", amount="2.00"),
            bet("b3", amount="3.00"),
            result("r1", user="u2", amount="1.00"),
            rollback("rb2", "b9"),
            bet("b9"),
        ]
        answers = ledger.execute(batch)
        assert [a.error for a in answers] == [
            None,
            Code.INSUFFICIENT_FUNDS,
            None,
            None,
            None,
            None,
            None,
            Code.TRANSACTION_ROLLED_BACK,
        ]
        assert answers[0] == answers[2]
        assert balance(ledger, "u1") == D("0.00")
        assert balance(ledger, "u2") == D("1.00")

    # Snapshots keep a long history cheap and right.
    def test_long_history_loads_from_snapshot_with_the_right_balance(self, ledger: Ledger) -> None:
        count = SNAPSHOT_INTERVAL * 10 + 5
        commands: list[Command] = [result(f"r{i}", amount="0.01") for i in range(count)]
        for start in range(0, len(commands), 50):
            ledger.execute(commands[start : start + 50])
        assert balance(ledger, "u1") == D(count) / 100
        player = ledger.player("u1")
        assert player is not None
        assert ledger.snapshots is not None
        assert list(ledger.snapshots.get(player.id, desc=True, limit=1))
