"""A hypothesis state machine that drives a Ledger with random commands against ContractModel."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from domain.answers import Answer
from domain.codes import Code
from domain.commands import (
    Block,
    CashierCommand,
    Command,
    CreditResult,
    Deposit,
    OperatorCommand,
    PlaceBet,
    RollBack,
    Unblock,
    Withdraw,
)
from domain.ids import cashier_transaction_id, operator_transaction_id
from domain.player import Player
from ledger.application import Ledger
from ledger.retry import RetryPolicy, WriteStats, commit
from tests.support.model import ContractModel, Move

USERS = ("ann", "bob", "cy")
CURRENCIES = ("USD", "EUR")
IDS = tuple(f"t{i}" for i in range(10))  # a small pool, so ids collide across actions
REFERENCES = tuple(f"ref{i}" for i in range(4))
CENTS = ("0.01", "0.50", "1.00", "2.50", "5.00", "10.00", "20.00", "99.99")

users = st.sampled_from(USERS)
currencies = st.sampled_from(CURRENCIES)
ids = st.sampled_from(IDS)
stakes = st.sampled_from(CENTS).map(Decimal)
payouts = st.sampled_from(("0.00", *CENTS)).map(Decimal)

bets = st.builds(PlaceBet, ids, users, currencies, stakes)
results = st.builds(CreditResult, ids, users, currencies, payouts)
rollbacks = st.builds(RollBack, ids, users, currencies, payouts, ids)
cash = st.builds(
    lambda kind, ref, user, cur, amount: kind(ref, user, cur, amount),
    st.sampled_from((Deposit, Withdraw)),
    st.sampled_from(REFERENCES),
    users,
    currencies,
    stakes,
)
blocks = st.builds(lambda kind, user: kind(user), st.sampled_from((Block, Unblock)), users)
commands = st.one_of(bets, results, rollbacks, cash, blocks)


@dataclass(frozen=True)
class Wire:
    """What an answer shows on the wire: a repeat must show exactly this again."""

    error: Code | None
    transaction_id: object
    currency: str | None
    balance: Decimal | None

    @classmethod
    def of(cls, answer: Answer) -> "Wire":
        return cls(answer.error, answer.transaction_id, answer.currency, answer.balance)


class LedgerMachine(RuleBasedStateMachine):
    """Every command is checked against the model; balances after every step.

    A subclass sets `ledgers` in its __init__ (one or more Ledgers on one store, used in
    turn) and may set `prefix` (so examples sharing a store never share a player or an id).
    """

    sent = Bundle("sent")

    def __init__(self) -> None:
        super().__init__()
        self.model = ContractModel()
        self.first: dict[str, Wire] = {}
        self.turn = 0
        self.applied_operator_ids: set[str] = set()

    ledgers: list[Ledger]
    prefix: str = ""

    # The rules: each sends one command (or a batch) and keeps it for repeats.
    @rule(target=sent, cmd=bets)
    def bet(self, cmd: PlaceBet) -> Command:
        return self.send(cmd)

    @rule(target=sent, cmd=results)
    def result(self, cmd: CreditResult) -> Command:
        return self.send(cmd)

    @rule(target=sent, cmd=rollbacks)
    def rollback(self, cmd: RollBack) -> Command:
        return self.send(cmd)

    @rule(target=sent, tid=ids, user=users, currency=currencies, amount=payouts)
    def rollback_naming_itself(
        self, tid: str, user: str, currency: str, amount: Decimal
    ) -> Command:
        return self.send(RollBack(tid, user, currency, amount, tid))

    @rule(target=sent, cmd=cash)
    def cashier(self, cmd: CashierCommand) -> Command:
        return self.send(cmd)

    @rule(cmd=blocks)
    def block_or_unblock(self, cmd: Block | Unblock) -> None:
        self.send(cmd)

    @rule(cmd=sent)
    def repeat(self, cmd: Command) -> None:
        self.send(cmd)

    @rule(batch=st.lists(commands, min_size=2, max_size=5))
    def batch(self, batch: list[Command]) -> None:
        """Several commands decided together and saved at once, as the writer's group commit."""
        self.run(batch)

    @rule(first=sent, second=sent)
    def repeats_in_one_batch(self, first: Command, second: Command) -> None:
        self.run([second, first, second])

    def send(self, cmd: Command) -> Command:
        self.run([cmd])
        return cmd

    # The checks.
    def run(self, batch: list[Command]) -> None:
        local = [self.local(cmd) for cmd in batch]
        ledger = self.ledgers[self.turn % len(self.ledgers)]
        self.turn += 1
        # Through the writer's commit(): a stale copy in one ledger's memory (the other
        # ledger wrote since) is a conflict the writer resolves by reading again.
        answers = commit(ledger, local, RetryPolicy(), WriteStats()).answers
        assert len(answers) == len(batch)
        for cmd, answer in zip(batch, answers, strict=True):
            expected, moves = self.model.apply(cmd)
            assert answer.error == expected, (cmd, answer, expected)
            self.check_answer(cmd, answer, moves)

    def check_answer(self, cmd: Command, answer: Answer, moves: list[Move]) -> None:
        if isinstance(cmd, OperatorCommand):
            self.check_operator_answer(cmd, answer, moves)
        elif isinstance(cmd, CashierCommand) and answer.error is None:
            key = f"cashier:{cmd.reference}"
            wire = self.first.setdefault(key, Wire.of(answer))
            assert Wire.of(answer) == wire, (cmd, answer, wire)
            assert answer.transaction_id == cashier_transaction_id(self.prefix + cmd.reference)
            if moves:
                assert answer.balance == self.model.balances[moves[0].wallet]

    def check_operator_answer(
        self, cmd: OperatorCommand, answer: Answer, moves: list[Move]
    ) -> None:
        if cmd.transaction_id in self.first:
            assert Wire.of(answer) == self.first[cmd.transaction_id], (cmd, answer)
            assert not moves
            return
        self.first[cmd.transaction_id] = Wire.of(answer)
        if moves:
            self.applied_operator_ids.add(cmd.transaction_id)
        if answer.error is not None:
            return
        assert answer.transaction_id == operator_transaction_id(self.prefix + cmd.transaction_id)
        wallet = moves[0].wallet if moves else (cmd.user_id, cmd.currency)
        assert (answer.currency, answer.balance) == (wallet[1], self.model.balances[wallet]), (
            cmd,
            answer,
        )

    def local(self, cmd: Command) -> Command:
        """The command with this example's prefix on every id, user and reference."""
        p = self.prefix
        match cmd:
            case RollBack():
                return RollBack(
                    p + cmd.transaction_id,
                    p + cmd.user_id,
                    cmd.currency,
                    cmd.amount,
                    p + cmd.rollback_transaction_id,
                )
            case PlaceBet() | CreditResult():
                return type(cmd)(p + cmd.transaction_id, p + cmd.user_id, cmd.currency, cmd.amount)
            case Deposit() | Withdraw():
                return type(cmd)(p + cmd.reference, p + cmd.user_id, cmd.currency, cmd.amount)
            case Block() | Unblock():
                return type(cmd)(p + cmd.user_id)
        raise AssertionError(cmd)

    @invariant()
    def balances_and_blocks_match_the_model(self) -> None:
        ledger = self.ledgers[self.turn % len(self.ledgers)]
        for user in USERS:
            player = ledger.player(self.prefix + user)
            for currency in CURRENCIES:
                shown = player.balance(currency) if player else Decimal(0)
                assert shown == self.model.balances[(user, currency)], (user, currency)
            assert bool(player and player.blocked) == (user in self.model.blocked), user

    def money_events_per_operator_id(self, notifications: list[Any]) -> Counter[str]:
        """How many Player money events each OPERATOR id caused, from the stored log."""
        ledger = self.ledgers[0]
        counted: Counter[str] = Counter()
        for stored in notifications:
            event = ledger.mapper.to_domain_event(stored)
            tid = getattr(event, "operator_transaction_id", None)
            if isinstance(event, Player.MoneyMoved) and tid and tid.startswith(self.prefix):
                counted[tid.removeprefix(self.prefix)] += 1
        return counted

    def check_event_log(self) -> None:
        """No OPERATOR id moved money twice, and exactly the applied ones moved any."""
        notifications = self.ledgers[0].recorder.select_notifications(start=1, limit=10**9)
        counted = self.money_events_per_operator_id(list(notifications))
        assert all(n == 1 for n in counted.values()), counted
        assert set(counted) == self.applied_operator_ids

    def teardown(self) -> None:
        self.check_event_log()
