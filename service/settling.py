"""The service's side of the error record: settle what it holds as soon as the store
answers (a pass every quarter second: another server may answer the player meanwhile
on a stake still held), and say so (a log line and a count each)."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

from adapters.logsetup import log
from ledger.doubts import Doubt
from ledger.record import ErrorRecord
from ledger.writer import Writer
from service.telemetry import Metrics

SETTLE_EVERY_S = 0.25


async def settle_once(record: ErrorRecord, writer: Writer) -> list[tuple[Doubt, str]]:
    """One pass over the players with doubts, each within a delivery's deadline."""
    if not record.healthy:
        await writer.retry_record()
    settled: list[tuple[Doubt, str]] = []
    for user_id in dict.fromkeys(d.user_id for d in record.doubts()):
        due = asyncio.get_running_loop().time() + writer.policy.answer_s
        settled += await writer.settle_player(user_id, due) or []
    return settled


async def settle_forever(record: ErrorRecord, writer: Writer, metrics: Metrics) -> None:
    """Every SETTLE_EVERY_S: settle what the store takes, log and count each one."""
    while True:
        try:
            settled = await settle_once(record, writer)
        except Exception:  # a bug: say so, and try again next time
            log.exception("error_record_settling_failed")
            settled = []
        for doubt, outcome in settled:
            metrics.doubts_settled.labels(outcome).inc()
            log.warning(
                "bet_in_doubt_settled",
                operator_transaction_id=doubt.transaction_id,
                user_id=doubt.user_id,
                currency=doubt.currency,
                amount=doubt.amount,
                delivery=doubt.delivery,
                # reversed: it had landed, the stake is back; closed: it had not, its id is
                # closed; unchanged: another delivery decided it, or a rollback undid it
                outcome=outcome,
            )
        await asyncio.sleep(SETTLE_EVERY_S)


@contextlib.asynccontextmanager
async def settling(record: ErrorRecord, writer: Writer, metrics: Metrics) -> AsyncIterator[None]:
    """Run settle_forever() while the server runs."""
    metrics.watch_record(record)
    task = asyncio.create_task(settle_forever(record, writer, metrics))
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
