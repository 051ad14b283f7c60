"""The service's side of bets in doubt: a task that settles them and says so."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from adapters.logsetup import log
from ledger.in_doubt import Journal
from ledger.settler import settle_doubts
from ledger.writer import Writer
from service.telemetry import Metrics

SETTLE_EVERY_S = 1.0


async def settle_forever(journal: Journal, writer: Writer, metrics: Metrics) -> None:
    """Every second: count what is in doubt, settle what the store takes, log each one."""
    while True:
        try:
            settled = await settle_doubts(journal, writer.submit)
        except Exception:  # a bug: say so, and try again next time
            log.exception("in_doubt_settling_failed")
            settled = []
        for doubt, outcome in settled:
            metrics.doubts_settled.labels(outcome).inc()
            log.warning(
                "bet_in_doubt_settled",
                operator_transaction_id=doubt.transaction_id,
                user_id=doubt.user_id,
                currency=doubt.currency,
                amount=doubt.amount,
                outcome=outcome,  # reversed: it had landed, the stake is back; closed: it had not
            )
        await asyncio.sleep(SETTLE_EVERY_S)


@contextlib.asynccontextmanager
async def settling(journal: Journal, writer: Writer, metrics: Metrics) -> AsyncIterator[None]:
    """Run settle_forever() while the server runs."""
    metrics.doubts_pending.set_function(lambda: len(journal.doubts()))  # read when scraped
    task = asyncio.create_task(settle_forever(journal, writer, metrics))
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
