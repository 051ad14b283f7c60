"""Random bets, results, rollbacks, deposits, limit changes, self-exclusions and clock moves
on the in-memory store, step by step against LimitsModel: every answer, every window's
usage and every limit in force, to the cent."""

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from adapters.store import StoreSettings
from ledger.bootstrap import open_ledger
from tests.support.limits_machine import Clock, LimitsMachine


class InMemoryLimitsMachine(LimitsMachine):
    def __init__(self) -> None:
        self.clock = Clock()
        super().__init__()
        self.ledgers = [open_ledger(StoreSettings("memory://"), clock=self.clock)]

    def teardown(self) -> None:
        try:
            super().teardown()
        finally:
            self.ledgers[0].close()


def test_random_histories_with_limits_follow_the_model_of_the_windows() -> None:
    # Half the examples of tests/unit/conftest.py's profile: each one is a long history.
    run_state_machine_as_test(
        InMemoryLimitsMachine, settings=settings(max_examples=settings().max_examples // 2)
    )
