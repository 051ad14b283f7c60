"""A plain model of CONTRACT.md's rules, written independently of domain/, for checking it."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

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

Wallet = tuple[str, str]  # user, currency


@dataclass
class Entry:
    kind: str
    wallet: Wallet
    amount: Decimal
    applied: bool
    error: Code | None
    rolled_back: bool = False


@dataclass(frozen=True)
class Move:
    """Money that moved: which wallet, by how much, and why."""

    wallet: Wallet
    delta: Decimal
    kind: str  # bet, result, bet_refund, result_reversal, deposit, withdraw


@dataclass
class ContractModel:
    """Balances and outcomes as the contract says, one command at a time."""

    balances: dict[Wallet, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    blocked: set[str] = field(default_factory=set)
    entries: dict[str, Entry] = field(default_factory=dict)
    tombstones: set[str] = field(default_factory=set)
    references: dict[str, tuple[str, Wallet, Decimal]] = field(default_factory=dict)

    def apply(self, cmd: Command) -> tuple[Code | None, list[Move]]:
        """The expected error code (None for success) and the money it moves."""
        match cmd:
            case PlaceBet() | CreditResult() | RollBack() if cmd.transaction_id in self.entries:
                return self.entries[cmd.transaction_id].error, []
            case PlaceBet():
                return self._bet(cmd)
            case CreditResult():
                return self._result(cmd)
            case RollBack():
                return self._rollback(cmd)
            case Deposit() | Withdraw():
                return self._cash(cmd)
            case Block():
                self.blocked.add(cmd.user_id)
            case Unblock():
                self.blocked.discard(cmd.user_id)
        return None, []

    def _record(self, tid: str, entry: Entry, moves: list[Move]) -> tuple[Code | None, list[Move]]:
        self.entries[tid] = entry
        for move in moves:
            self.balances[move.wallet] += move.delta
        return entry.error, moves

    def _bet(self, cmd: PlaceBet) -> tuple[Code | None, list[Move]]:
        wallet = (cmd.user_id, cmd.currency)
        error = None
        if cmd.transaction_id in self.tombstones:
            error = Code.TRANSACTION_ROLLED_BACK
        elif cmd.user_id in self.blocked:
            error = Code.PLAYER_BLOCKED
        elif cmd.amount > self.balances[wallet]:
            error = Code.INSUFFICIENT_FUNDS
        moves = [] if error else [Move(wallet, -cmd.amount, "bet")]
        entry = Entry("bet", wallet, cmd.amount, applied=not error, error=error)
        return self._record(cmd.transaction_id, entry, moves)

    def _result(self, cmd: CreditResult) -> tuple[Code | None, list[Move]]:
        wallet = (cmd.user_id, cmd.currency)
        late = cmd.transaction_id in self.tombstones
        moves = [] if late else [Move(wallet, cmd.amount, "result")]
        entry = Entry("result", wallet, cmd.amount, applied=not late, error=None)
        return self._record(cmd.transaction_id, entry, moves)

    def _rollback(self, cmd: RollBack) -> tuple[Code | None, list[Move]]:
        own = Entry("rollback", (cmd.user_id, cmd.currency), cmd.amount, False, None)
        target_id = cmd.rollback_transaction_id
        if cmd.transaction_id in self.tombstones or target_id == cmd.transaction_id:
            return self._record(cmd.transaction_id, own, [])
        target = self.entries.get(target_id)
        if target is None:
            self.tombstones.add(target_id)
            return self._record(cmd.transaction_id, own, [])
        moves = []
        if target.applied and target.kind in ("bet", "result") and not target.rolled_back:
            sign = 1 if target.kind == "bet" else -1
            kind = "bet_refund" if target.kind == "bet" else "result_reversal"
            moves = [Move(target.wallet, sign * target.amount, kind)]
        target.rolled_back = True
        own.applied = bool(moves)
        return self._record(cmd.transaction_id, own, moves)

    def _cash(self, cmd: Deposit | Withdraw) -> tuple[Code | None, list[Move]]:
        wallet = (cmd.user_id, cmd.currency)
        kind = "deposit" if isinstance(cmd, Deposit) else "withdraw"
        if cmd.reference in self.references:
            same = self.references[cmd.reference] == (kind, wallet, cmd.amount)
            return (None if same else Code.DUPLICATE_REFERENCE), []
        if kind == "withdraw" and cmd.amount > self.balances[wallet]:
            return Code.INSUFFICIENT_FUNDS, []
        self.references[cmd.reference] = (kind, wallet, cmd.amount)
        delta = cmd.amount if kind == "deposit" else -cmd.amount
        self.balances[wallet] += delta
        return None, [Move(wallet, delta, kind)]

    def nonzero_balances(self) -> dict[Wallet, Decimal]:
        return {w: b for w, b in self.balances.items() if b != 0}
