"""After the chaos: answers against ContractModel, balances, the event log, the read models."""

from collections import Counter
from decimal import Decimal
from typing import Any

from adapters.store import StoreSettings
from domain.commands import OperatorCommand
from ledger.bootstrap import open_ledger
from projections.reconcile import reconcile
from projections.runner import BatchRunner
from tests.chaos.load import Player as Story
from tests.support.model import ContractModel
from tests.support.moves import collect

Wallets = dict[tuple[str, str], Decimal]


def replay_answers(stories: list[Story]) -> tuple[ContractModel, set[str], list[str]]:
    """Feed the model each player's operations in answer order; every code and balance in
    the answers must be the model's. Returns the model, the OPERATOR ids that moved money,
    and the mismatches."""
    model, applied, problems = ContractModel(), set[str](), []
    for story in stories:
        problems += story.problems
        # In limbo from its first failed bet on (see limbo()): what came before is checked
        # on a model of its own, so the shared one holds only players it can follow.
        own = ContractModel() if story.uncertain else model
        for sent in story.certain:
            cmd = sent.command
            code, moves = own.apply(cmd)
            got = sent.answer.get("error")
            if (code.value if code else None) != got:
                problems.append(f"{cmd}: answered {got}, the model says {code}")
                continue
            if got is None and "balance" in sent.answer:
                wallet = moves[0].wallet if moves else (cmd.user_id, cmd.currency)
                if Decimal(sent.answer["balance"]) != own.balances[wallet]:
                    problems.append(
                        f"{cmd}: balance {sent.answer['balance']}, "
                        f"the model says {own.balances[wallet]} for {wallet}"
                    )
            if moves and isinstance(cmd, OperatorCommand) and own is model:
                applied.add(cmd.transaction_id)
    return model, applied, problems


def limbo(stories: list[Story]) -> set[str]:
    """Players of the OPERATOR that never rolls back, with a bet answered INTERNAL_ERROR or
    left unanswered after it may have reached a server (not one whose connection was
    refused).

    An unanswered one stands if it landed (the ledger cannot know whether an answer left);
    one answered INTERNAL_ERROR holds its stake until its server settles it, which another
    server's answers may come before. Either way the player's next bets are decided on a
    balance the model cannot know, so it checks their answers only up to that bet
    (Story.certain). What is checked for them after it holds whatever the timing: no bet
    answered error: null was undone, every bet answered INTERNAL_ERROR moved nothing by the
    end, and no id moved twice. Players of the first OPERATOR are never in limbo: it rolls
    such a bet back at once, before the player's next operation.
    """
    return {s.user for s in stories if s.uncertain}


def compare_wallets(
    model: ContractModel, shown: dict[str, dict[str, Any]], where: str, skip: set[str]
) -> list[str]:
    """Every wallet a server shows, to the cent, against the model."""
    problems = []
    for user, wallet in shown.items():
        if user in skip:
            continue
        balances = {c: Decimal(v) for c, v in wallet["balances"].items() if Decimal(v) != 0}
        expected = {c: b for (u, c), b in model.nonzero_balances().items() if u == user}
        if balances != expected:
            problems.append(f"{where} shows {user} {balances}, the model says {expected}")
    return problems


def event_log(
    database_url: str, model: ContractModel, applied: set[str], stories: list[Story]
) -> list[str]:
    """The contract's promises in the event log: no bet answered error: null was undone by
    the ledger; every bet answered INTERNAL_ERROR, and with the first OPERATOR every failed
    bet with its rollback, nets to nothing; no OPERATOR id moved money twice; exactly the
    applied ones moved any; the events sum to the model's balances; and the read models
    reconcile with the aggregates."""
    skip = limbo(stories)
    ledger = open_ledger(StoreSettings(database_url, pool_size=2))
    try:
        moves = collect(ledger)
        undone = moves.reversed_by_ledger
        problems = [f"bet {t} answered error: null was reversed by the ledger"
                    for s in stories for t in sorted(s.ok_bets & undone)]  # fmt: skip
        settled = {t: s for s in stories for t in _must_net_nothing(s)}
        for bet, story in settled.items():
            undo = story.undone_by.get(bet)
            net = moves.net(bet) + (moves.net(undo) if undo else 0)
            if net != 0:
                problems.append(f"bet {bet} failed for the OPERATOR but moved {net} in all")
        aside = set(settled) | {u for s in stories for u in s.undone_by.values()}
        counts = Counter({t: len(d) for t, d in moves.by_id.items() if t not in aside})
        problems += [f"{tid} moved money {n} times" for tid, n in counts.items() if n > 1]
        modelled = {t for t in counts if moves.owners[t] not in skip}
        if modelled != applied:
            problems.append(f"ids that moved money differ: {sorted(modelled ^ applied)[:10]}")
        sums = {w: b for w, b in moves.wallets.items() if b != 0 and w[0] not in skip}
        if sums != model.nonzero_balances():
            problems.append("the event log's sums differ from the model")
        runner = BatchRunner.of(ledger)
        problems += [f"reconcile: {m}" for m in reconcile(ledger, runner)]
        return problems
    finally:
        ledger.close()


def _must_net_nothing(story: Story) -> set[str]:
    """An error answer costs nothing; an unanswered bet nothing once the OPERATOR rolled it
    back (one it never rolls back stands, as the store has it: promise 3)."""
    return story.failed_bets if story.rolls_back else story.internal_bets
