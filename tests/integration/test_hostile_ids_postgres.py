"""Ids the OPERATOR may send that PostgreSQL's text columns cannot hold."""

from decimal import Decimal

import orjson
import pytest

from adapters.store import StoreSettings
from domain.commands import Deposit
from domain.errors import InvalidRequestError
from ledger.bootstrap import open_ledger
from projections.reconcile import reconcile
from projections.runner import BatchRunner
from service.parsing import parse_callback
from tests.support.pg import fresh_database

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("field", ["transaction_id", "user_id"])
def test_a_nul_in_a_callbacks_ids_is_refused_or_projected(field: str) -> None:
    fields = {"transaction_id": "t-nul", "action": "result", "user_id": "u-nul"}
    fields |= {"currency": "USD", "amount": "1.00", field: fields[field] + "\x00x"}
    try:
        cmd = parse_callback(orjson.dumps(fields), "transaction", {"USD"})
    except InvalidRequestError:
        return  # refused as INVALID_REQUEST: one acceptable fix
    with fresh_database() as url:
        ledger = open_ledger(StoreSettings(url, pool_size=2))
        try:
            ledger.execute([cmd])
            ledger.execute([Deposit("after", "someone-else", "USD", Decimal("5.00"))])
            runner = BatchRunner.of(ledger)
            runner.catch_up()
            assert runner.position() == runner.log.head()
            assert reconcile(ledger, runner) == []
        finally:
            ledger.close()
