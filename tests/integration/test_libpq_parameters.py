"""DATABASE_URL's libpq parameters reach every connection (they were once dropped silently)."""

import pytest

from adapters.failures import StoreUnavailableError
from adapters.store import StoreSettings
from ledger.bootstrap import open_ledger
from tests.support.pg import ADMIN_URL

pytestmark = pytest.mark.postgres


def with_query(query: str) -> str:
    return f"{ADMIN_URL}{'&' if '?' in ADMIN_URL else '?'}{query}"


def test_application_name_from_the_url_is_what_the_server_sees() -> None:
    ledger = open_ledger(StoreSettings(with_query("application_name=ledger-libpq-test")))
    try:
        rows = ledger.recorder.datastore.transaction(commit=False)  # type: ignore[attr-defined]
        with rows as cursor:
            cursor.execute("SELECT current_setting('application_name') AS name")
            assert cursor.fetchone()["name"] == "ledger-libpq-test"
    finally:
        ledger.close()


def test_sslmode_require_is_honoured_against_a_server_without_ssl() -> None:
    # The shared test server has ssl off: a URL that demands SSL must not connect.
    with pytest.raises(StoreUnavailableError):
        open_ledger(StoreSettings(with_query("sslmode=require"), connect_timeout_s=2))
    open_ledger(StoreSettings(with_query("sslmode=disable"))).close()
