"""The CRUD wallet keeps CONTRACT.md rules 1-7, so the benchmark compares like with like."""

import asyncio
from decimal import Decimal

import pytest

from benchmarks.tests.conftest import ADMIN, Wallet, bet, result, rollback

pytestmark = pytest.mark.postgres
WRONG_KEY = "not-the-shared-secret"


async def test_repeat_of_a_bet_answers_the_first_answer_and_debits_once(wallet: Wallet) -> None:
    await wallet.deposit("u1", "10.00", "top-1")
    first = await wallet.post(bet("b1", "3.00"))
    again = await wallet.post(bet("b1", "3.00"))
    assert first == again == {**first, "error": None, "balance": "7.00"}
    assert await wallet.balance("u1") == Decimal("7.00")


async def test_concurrent_duplicates_apply_once(wallet: Wallet) -> None:
    await wallet.deposit("u1", "10.00", "top-1")
    answers = await asyncio.gather(*(wallet.post(bet("b1", "2.00")) for _ in range(8)))
    assert len({a["transaction_id"] for a in answers}) == 1
    assert await wallet.balance("u1") == Decimal("8.00")


async def test_bet_racing_its_rollback_leaves_the_balance_whole(wallet: Wallet) -> None:
    await wallet.deposit("u1", "100.00", "top-1")
    pairs = [(bet(f"b{n}", "2.00"), rollback(f"x{n}", f"b{n}", "2.00")) for n in range(10)]
    answers = await asyncio.gather(*(wallet.post(f) for pair in pairs for f in pair))
    assert {a["error"] for a in answers} <= {None, "TRANSACTION_ROLLED_BACK"}
    assert await wallet.balance("u1") == Decimal("100.00")


async def test_declined_bet_stays_declined_after_a_deposit(wallet: Wallet) -> None:
    assert await wallet.post(bet("b1", "5.00")) == {"error": "INSUFFICIENT_FUNDS"}
    await wallet.deposit("u1", "10.00", "top-1")
    assert await wallet.post(bet("b1", "5.00")) == {"error": "INSUFFICIENT_FUNDS"}
    assert await wallet.balance("u1") == Decimal("10.00")


async def test_rollback_reverses_the_recorded_amount_once(wallet: Wallet) -> None:
    await wallet.deposit("u1", "10.00", "top-1")
    await wallet.post(bet("b1", "4.00"))
    first = await wallet.post(rollback("x1", "b1", amount="9.99"))
    assert first["error"] is None
    assert await wallet.post(rollback("x1", "b1", amount="9.99")) == first
    assert (await wallet.post(rollback("x2", "b1", amount="4.00")))["error"] is None
    assert await wallet.balance("u1") == Decimal("10.00")


async def test_rollback_of_a_result_may_go_below_zero(wallet: Wallet) -> None:
    await wallet.post(result("r1", "5.00"))
    await wallet.deposit("u1", "1.00", "top-1")
    await wallet.post(bet("b1", "6.00"))
    await wallet.post(rollback("x1", "r1", amount="5.00"))
    assert await wallet.balance("u1") == Decimal("-5.00")


async def test_rollback_of_a_declined_bet_moves_nothing(wallet: Wallet) -> None:
    await wallet.post(bet("b1", "5.00"))
    assert (await wallet.post(rollback("x1", "b1", amount="5.00")))["error"] is None
    assert await wallet.balance("u1") == Decimal("0")


async def test_rollback_before_its_bet_declines_the_late_bet(wallet: Wallet) -> None:
    await wallet.deposit("u1", "10.00", "top-1")
    assert (await wallet.post(rollback("x1", "b1", amount="2.00")))["error"] is None
    assert await wallet.post(bet("b1", "2.00")) == {"error": "TRANSACTION_ROLLED_BACK"}
    assert await wallet.post(bet("b1", "2.00")) == {"error": "TRANSACTION_ROLLED_BACK"}
    assert await wallet.balance("u1") == Decimal("10.00")


async def test_result_after_its_rollback_succeeds_without_credit(wallet: Wallet) -> None:
    await wallet.post(rollback("x1", "r1", amount="3.00"))
    late = await wallet.post(result("r1", "3.00"))
    assert late["error"] is None
    assert late["transaction_id"]
    assert await wallet.post(result("r1", "3.00")) == late
    assert await wallet.balance("u1") == Decimal("0")


async def test_refused_delivery_records_nothing(wallet: Wallet) -> None:
    await wallet.deposit("u1", "10.00", "top-1")
    assert await wallet.post(bet("b1", "1.001")) == {"error": "INVALID_AMOUNT"}
    assert await wallet.post(bet("b1", "1.00"), secret=WRONG_KEY) == {"error": "INVALID_SIGNATURE"}
    assert await wallet.post(bet("b1", "1.00") | {"currency": "usd"}) == {
        "error": "UNSUPPORTED_CURRENCY"
    }
    assert (await wallet.post(bet("b1", "1.00")))["balance"] == "9.00"


async def test_client_ids_are_unique_across_actions(wallet: Wallet) -> None:
    answers = [await wallet.post(result("r1")), await wallet.post(rollback("x1", "r9"))]
    await wallet.deposit("u1", "5.00", "top-1")
    answers.append(await wallet.post(bet("b1")))
    assert len({a["transaction_id"] for a in answers}) == 3


async def test_deposits_are_idempotent_by_reference(wallet: Wallet) -> None:
    first = await (await wallet.deposit("u1", "10.00", "top-1")).json()
    assert await (await wallet.deposit("u1", "10.00", "top-1")).json() == first
    assert (await wallet.deposit("u1", "11.00", "top-1")).status == 409
    assert await wallet.balance("u1") == Decimal("10.00")


async def test_wallet_routes_need_the_token(wallet: Wallet) -> None:
    assert (await wallet.client.get("/api/wallets/u1")).status == 401
    never_seen = await wallet.client.get("/api/wallets/nobody", headers=ADMIN)
    assert await never_seen.json() == {"user_id": "nobody", "blocked": False, "balances": {}}
