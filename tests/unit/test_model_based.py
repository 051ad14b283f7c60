"""Random sequences of callbacks and cashier moves on the in-memory store, step by step
against ContractModel: codes, answers, repeats, balances and the event log."""

from hypothesis.stateful import run_state_machine_as_test

from adapters.store import StoreSettings
from ledger.bootstrap import open_ledger
from tests.support.machine import LedgerMachine


class InMemoryLedgerMachine(LedgerMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ledgers = [open_ledger(StoreSettings("memory://"))]

    def teardown(self) -> None:
        try:
            super().teardown()
        finally:
            self.ledgers[0].close()


def test_random_histories_in_memory_follow_the_contract_model() -> None:
    run_state_machine_as_test(InMemoryLedgerMachine)  # settings: tests/unit/conftest.py
