"""Random histories on a fresh PostgreSQL database, through two Ledgers used in turn (two
processes' worth), step by step against ContractModel."""

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from adapters.store import StoreSettings
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from tests.support.machine import LedgerMachine
from tests.support.pg import fresh_database

pytestmark = pytest.mark.postgres

CI = settings(
    derandomize=True,
    deadline=None,
    max_examples=40,
    stateful_step_count=40,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def ledgers() -> Iterator[list[Ledger]]:
    with fresh_database() as url:
        opened = [open_ledger(StoreSettings(url, pool_size=2)) for _ in range(2)]
        yield opened
        for ledger in opened:
            ledger.close()


def test_random_histories_on_postgres_follow_the_contract_model(ledgers: list[Ledger]) -> None:
    examples = itertools.count()

    class PostgresLedgerMachine(LedgerMachine):
        def __init__(self) -> None:
            super().__init__()
            self.ledgers = ledgers
            self.prefix = f"x{next(examples)}-"

    run_state_machine_as_test(PostgresLedgerMachine, settings=CI)
