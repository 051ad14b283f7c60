"""The behaviour body on the library's in-memory store."""

from collections.abc import Iterator

import pytest

from adapters.store import StoreSettings
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from tests.behaviour import LedgerBehaviour


class TestLedgerInMemory(LedgerBehaviour):
    @pytest.fixture
    def ledger(self) -> Iterator[Ledger]:
        ledger = open_ledger(StoreSettings("memory://"))
        yield ledger
        ledger.close()
