"""Settling the bets in doubt through the writer, as soon as the store answers again."""

import asyncio
from collections.abc import Awaitable, Callable

from domain.answers import Answer
from domain.commands import Command
from ledger.doubts import Doubt
from ledger.in_doubt import Journal

Submit = Callable[[Command], Awaitable[Answer]]


async def settle_doubts(journal: Journal, submit: Submit) -> list[tuple[Doubt, str]]:
    """One pass over the doubts: (doubt, "reversed" or "closed") for each the store settled.

    Each settlement goes through the writer, in its player's lane, like any command; a
    pass stops at the first the store does not take (it is down still: try again later).
    """
    settled = []
    for doubt in journal.doubts():
        answer = await submit(doubt.settle)
        if answer.error is not None:
            break
        await asyncio.to_thread(journal.settled, doubt.transaction_id)
        settled.append((doubt, "reversed" if answer.transaction_id else "closed"))
    return settled
