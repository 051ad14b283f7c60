"""The same behaviour body on a real SQLite file and a real PostgreSQL database."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.store import StoreSettings
from ledger.application import Ledger
from ledger.bootstrap import open_ledger
from tests.behaviour import LedgerBehaviour
from tests.support.pg import fresh_database


class TestLedgerOnSQLite(LedgerBehaviour):
    @pytest.fixture
    def ledger(self, tmp_path: Path) -> Iterator[Ledger]:
        ledger = open_ledger(StoreSettings(f"sqlite:///{tmp_path}/ledger.sqlite3"))
        yield ledger
        ledger.close()


class TestLedgerOnPostgres(LedgerBehaviour):
    @pytest.fixture
    def ledger(self) -> Iterator[Ledger]:
        with fresh_database() as url:
            ledger = open_ledger(StoreSettings(url, pool_size=4))
            yield ledger
            ledger.close()
