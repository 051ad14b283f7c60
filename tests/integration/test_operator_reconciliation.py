"""Reconciliation on every store: each class produced by a planted discrepancy, a clean export
exits 0, CSV and JSON lines agree, the command and the API agree."""

import asyncio
import csv
import io
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from adapters.operator_export import read_rows, text_lines
from adapters.store import StoreSettings
from domain.commands import CreditResult, Deposit, PlaceBet, RollBack, SettleInDoubt
from domain.reconciliation import Agreement
from ledger.bootstrap import open_ledger
from projections import agreement, reconciliation_runs
from projections.agreement import Window
from projections.runner import BatchRunner
from scripts import reconcile
from service.app import create_app
from service.settings import Secret, Settings
from tests.support.pg import fresh_database

COLUMNS = "transaction_id,action,user_id,currency,amount,rollback_transaction_id,status,created_at"
WHEN = "2026-11-27T12:00:00+00:00"
U = Decimal


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('recon')}/ledger.sqlite3"
        return
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def history(store: str) -> str:
    """What the ledger saw; the exports below plant one discrepancy per class."""
    ledger = open_ledger(StoreSettings(store))
    try:
        for cmd in (
            Deposit("top-up", "p1", "USD", U("100")),
            PlaceBet("b-ok", "p1", "USD", U("4.00")),
            PlaceBet("b-lost", "p1", "USD", U("3.00")),  # its answer never reached the OPERATOR
            PlaceBet("b-undone", "p1", "USD", U("2.00")),
            RollBack("r-undone", "p1", "USD", U("2.00"), "b-undone"),
            PlaceBet("b-short", "p2", "USD", U("5.00")),  # declined: p2 has nothing
            PlaceBet("b-short-2", "p2", "USD", U("5.00")),
            PlaceBet("b-unknown", "p1", "USD", U("1.00")),
            PlaceBet("b-amount", "p1", "USD", U("4.00")),
            PlaceBet("b-player", "p1", "USD", U("1.00")),
            PlaceBet("b-currency", "p1", "USD", U("1.00")),
            CreditResult("w-ok", "p1", "USD", U("8.00")),
            # Answered INTERNAL_ERROR, then undone by the ledger (the stake given back).
            PlaceBet("b-reversed", "p1", "USD", U("1.50"), delivery="d1"),
            SettleInDoubt("b-reversed", "p1", "USD", U("1.50"), delivery="d1"),
            PlaceBet("b-reversed-2", "p1", "USD", U("1.25"), delivery="d2"),
            SettleInDoubt("b-reversed-2", "p1", "USD", U("1.25"), delivery="d2"),
        ):
            ledger.execute([cmd])
        BatchRunner.of(ledger).catch_up()
    finally:
        ledger.close()
    return store


def line(tid: str, status: str = "accepted", action: str = "bet", **over: str) -> dict[str, str]:
    fields = {"transaction_id": tid, "action": action, "user_id": "p1", "currency": "USD",
              "amount": "4.00", "rollback_transaction_id": "", "status": status,
              "created_at": WHEN}  # fmt: skip
    return fields | over


CLEAN = [
    line("b-ok"),
    line("b-lost", amount="3.00"),
    line("b-undone", amount="2.00"),
    line("r-undone", action="rollback", amount="2.00", rollback_transaction_id="b-undone"),
    line("b-short", "INSUFFICIENT_FUNDS", user_id="p2", amount="5.00"),
    line("b-short-2", "INSUFFICIENT_FUNDS", user_id="p2", amount="5.00"),
    line("b-unknown", amount="1.00"),
    line("b-amount"),
    line("b-player", amount="1.00"),
    line("b-currency", amount="1.00"),
    line("w-ok", action="result", amount="8.00"),
    line("b-reversed", "INTERNAL_ERROR", amount="1.50"),
    line("b-reversed-2", "INTERNAL_ERROR", amount="1.25"),
]
PLANTED = [
    line("b-ok"),
    line("b-ok"),  # a repeated row counts once
    line("b-lost", "unanswered", amount="3.00"),
    line("b-undone", "unanswered", amount="2.00"),  # rolled back since: nothing moved
    line("r-undone", action="rollback", amount="2.00", rollback_transaction_id="b-undone"),
    line("b-short", "INSUFFICIENT_FUNDS", user_id="p2", amount="5.00"),
    line("b-short-2", user_id="p2", amount="5.00"),
    line("b-missing", amount="9.00"),
    line("b-amount", amount="5.00"),
    line("b-player", user_id="p9", amount="1.00"),
    line("b-currency", currency="EUR", amount="1.00"),
    line("w-ok", action="result", amount="8.00"),
    line("b-reversed", amount="1.50"),  # accepted, never rolled back: the ledger undid it
    line("b-reversed-2", "INTERNAL_ERROR", amount="1.25"),
]
EXPECTED = {
    Agreement.REVERSED_BUT_ACCEPTED: 1,
    Agreement.APPLIED_BUT_NOT_ACCEPTED: 1,
    Agreement.DECLINED_BUT_ACCEPTED: 1,
    Agreement.MISSING_IN_LEDGER: 1,
    Agreement.UNKNOWN_TO_OPERATOR: 1,
    Agreement.AMOUNT_MISMATCH: 1,
    Agreement.PLAYER_MISMATCH: 1,
    Agreement.CURRENCY_MISMATCH: 1,
}


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS.split(","))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def as_jsonl(rows: list[dict[str, str]]) -> str:
    return "".join(orjson.dumps(r).decode() + "\n" for r in rows)


def run_command(
    history: str, tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> tuple[int, Any]:
    export = tmp_path / "export"
    export.write_text(text)
    monkeypatch.setenv("DATABASE_URL", history)
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    code = reconcile.main([str(export), "--format", "json", *extra])
    return code, orjson.loads(out.getvalue())


def by_class(result: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for item in result["discrepancies"]:
        found.setdefault(item["class"], set()).add(item["transaction_id"])
    return found


def test_a_clean_export_exits_zero(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, result = run_command(history, tmp_path, as_csv(CLEAN), monkeypatch)
    assert (code, result["matched"], result["discrepancies"]) == (0, True, [])
    assert result["ids"] == len(CLEAN)


def test_each_planted_discrepancy_is_found_in_its_class(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, result = run_command(history, tmp_path, as_csv(PLANTED), monkeypatch)
    assert code == 1
    # Matched: b-ok (twice in the export, counted once), b-undone, r-undone, b-short, w-ok,
    # b-reversed-2.
    assert result["counts"] == {"matched": 6} | {a.value: n for a, n in EXPECTED.items()}
    assert by_class(result) == {
        "applied_but_not_accepted": {"b-lost"},
        "declined_but_accepted": {"b-short-2"},
        "missing_in_ledger": {"b-missing"},
        "unknown_to_operator": {"b-unknown"},
        "amount_mismatch": {"b-amount"},
        "player_mismatch": {"b-player"},
        "currency_mismatch": {"b-currency"},
        "reversed_but_accepted": {"b-reversed"},
    }


def test_a_rollback_further_down_the_export_still_counts(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of one row: b-undone is read (and found reversed by the ledger) before r-undone
    # says the OPERATOR undid it too; it must wait for the end of the export, then match.
    _, whole = run_command(history, tmp_path, as_csv(PLANTED), monkeypatch)
    monkeypatch.setattr(agreement, "CHUNK", 1)
    code, clean = run_command(history, tmp_path, as_csv(CLEAN), monkeypatch)
    assert (code, clean["discrepancies"]) == (0, [])
    _, planted = run_command(history, tmp_path, as_csv(PLANTED), monkeypatch)
    assert by_class(planted) == by_class(whole)
    assert planted["counts"] == whole["counts"]


def test_the_csv_output_never_runs_an_operator_id_as_a_formula(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = ['=HYPERLINK("http://evil.example","open")', "@SUM(1+1)", "+1+1", "-2+3"]
    rows = [line(tid, user_id="=1+1", amount="-5.00") for tid in hostile]
    export = tmp_path / "hostile.csv"
    export.write_text(as_csv(rows))
    monkeypatch.setenv("DATABASE_URL", history)
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert reconcile.main([str(export), "--format", "csv"]) == 1
    found = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["operator_action"]]
    assert sorted(r["transaction_id"] for r in found) == sorted("'" + t for t in hostile)
    assert {r["operator_user_id"] for r in found} == {"'=1+1"}
    assert {r["operator_amount"] for r in found} == {"-5.00"}  # a plain number stays one


def test_csv_and_json_lines_agree(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, from_csv = run_command(history, tmp_path, as_csv(PLANTED), monkeypatch)
    _, from_jsonl = run_command(history, tmp_path, as_jsonl(PLANTED), monkeypatch)
    assert from_csv == from_jsonl


def test_a_window_leaves_out_other_days(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_day = [r | {"created_at": "2026-10-01T00:00:00Z"} for r in PLANTED]
    code, result = run_command(
        history,
        tmp_path,
        as_csv(other_day),
        monkeypatch,
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-01",
    )
    # The rows are all in October, the ledger's entries were recorded today: ids the export
    # has are still looked up by id, but the ledger's own entries outside the window are not.
    assert result["counts"]["unknown_to_operator"] == 0
    assert by_class(result)["missing_in_ledger"] == {"b-missing"}
    assert code == 1
    assert by_class(result)["applied_but_not_accepted"] == {"b-lost"}


def test_an_unreadable_export_exits_two(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = tmp_path / "bad.csv"
    export.write_text(as_csv(CLEAN) + "x,bet,p1,USD,1e9,,accepted,2026-11-27\n")
    monkeypatch.setenv("DATABASE_URL", history)
    assert reconcile.main([str(export)]) == 2


def api_settings(history: str, folder: Path, **over: Any) -> Settings:
    return Settings(
        store=StoreSettings(history),
        security_hash=Secret("s" * 16),
        admin_token=Secret("t" * 16),
        projections="off",
        error_record=str(folder / "error-record.log"),
        **over,
    )


HEADERS = {"Authorization": "Bearer " + "t" * 16}


async def every_page(http: ClientSession, base: str, first: dict[str, Any]) -> list[Any]:
    """Every discrepancy of a run, page after page from the first answer."""
    found, answer = list(first["discrepancies"]), first
    while answer["more"]:
        url = f"{base}/api/reconciliations/{first['run']}?after={answer['next_after']}&limit=2"
        async with http.get(url, headers=HEADERS) as response:
            assert response.status == 200
            answer = await response.json()
        assert answer["counts"] == first["counts"]
        found += answer["discrepancies"]
    return found


async def test_the_api_and_the_command_agree_page_by_page(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, from_command = run_command(history, tmp_path, as_csv(PLANTED), monkeypatch)
    async with (
        TestServer(create_app(api_settings(history, tmp_path)), host="127.0.0.1") as server,
        ClientSession() as http,
    ):
        base = str(server.make_url("")).rstrip("/")
        url = base + "/api/reconciliations?limit=3"
        async with http.post(url, data=as_csv(PLANTED).encode(), headers=HEADERS) as response:
            assert response.status == 200
            first = await response.json()
        assert len(first["discrepancies"]) == 3
        assert first["run"].startswith("run-")
        assert (first["more"], first["found"]) == (True, len(from_command["discrepancies"]))
        found = await every_page(http, base, first)
        bad = as_csv(CLEAN) + "x,bet,p1,USD,1e9,,accepted,2026-11-27\n"
        async with http.post(url, data=bad.encode(), headers=HEADERS) as response:
            assert response.status == 400
            assert f"line {len(CLEAN) + 2}" in (await response.json())["message"]
        async with http.get(base + "/api/reconciliations/run-nope", headers=HEADERS) as response:
            assert (response.status, (await response.json())["error"]) == (404, "NOT_FOUND")
    assert [f["seq"] for f in found] == list(range(1, len(found) + 1))
    assert [{k: v for k, v in f.items() if k != "seq"} for f in found] == (
        from_command["discrepancies"]
    )
    assert {k: first[k] for k in ("ids", "counts", "matched")} == {
        k: from_command[k] for k in ("ids", "counts", "matched")
    }


async def test_only_the_newest_runs_are_kept(
    history: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reconciliation_runs, "KEPT", 2)
    async with (
        TestServer(create_app(api_settings(history, tmp_path)), host="127.0.0.1") as server,
        ClientSession() as http,
    ):
        base = str(server.make_url("")).rstrip("/")
        runs = []
        for _ in range(3):
            async with http.post(
                base + "/api/reconciliations", data=as_csv(PLANTED).encode(), headers=HEADERS
            ) as response:
                runs.append((await response.json())["run"])
        statuses = []
        for run in runs:
            async with http.get(f"{base}/api/reconciliations/{run}", headers=HEADERS) as response:
                statuses.append(response.status)
    assert statuses == [404, 200, 200]


HOSTILE_UPLOADS = {
    "nested JSON": b'{"transaction_id": ' + b"[" * 30_000 + b"]" * 30_000 + b"}\n",
    "a JSON field that is an object": b'{"transaction_id": {"a": {"b": 1}}}\n',
    "a JSON line that is a list": b'{"transaction_id": "x"}\n[1, 2]\n',
    "an oversized CSV field": (
        COLUMNS.encode() + b'\n"' + b"x\n" * 70_000 + b'",bet,p1,USD,1,,accepted,2026-11-27\n'
    ),
    "a line without end": b"x" * 200_000,
    "a NUL in CSV": COLUMNS.encode() + b"\nx\x00,bet,p1,USD,1,,accepted,2026-11-27\n",
    "not UTF-8": COLUMNS.encode() + b"\n\xff\xfe,bet,p1,USD,1,,accepted,2026-11-27\n",
    "a header only": COLUMNS.encode() + b"\n",
    "nothing": b"",
}


async def test_a_hostile_upload_is_4xx_json_never_500(history: str, tmp_path: Path) -> None:
    settings = api_settings(history, tmp_path, reconcile_max_bytes=512 * 1024)
    async with (
        TestServer(create_app(settings), host="127.0.0.1") as server,
        ClientSession(auto_decompress=False) as http,
    ):
        url = str(server.make_url("/api/reconciliations"))
        for name, body in HOSTILE_UPLOADS.items():
            async with http.post(url, data=body, headers=HEADERS) as response:
                answer = await response.json()
                assert response.status in (200, 400), (name, response.status, answer)
                assert "error" in answer or "run" in answer, name
        over = COLUMNS.encode() + b"\n" + b"b,bet,p1,USD,1,,accepted,2026-11-27\n" * 20_000

        async def chunked() -> Any:
            yield over

        async with http.post(url, data=chunked(), headers=HEADERS) as response:
            assert response.status == 413  # no length declared: refused while it arrives
            assert (await response.json())["error"] == "BODY_TOO_LARGE"
        assert await declared_too_large(server.port or 0) == 413  # refused before it is read


async def declared_too_large(port: int) -> int:
    """The status of an upload whose Content-Length is over the cap, its body never sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /api/reconciliations HTTP/1.1\r\nHost: ledger\r\n"
        + f"Authorization: {HEADERS['Authorization']}\r\n".encode()
        + b"Content-Length: 10000000\r\n\r\n"
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 10)
    writer.close()
    return int(status.split()[1])


def test_every_id_is_looked_up_in_bounded_chunks(history: str) -> None:
    # More rows than a chunk, mostly unknown ids: counted once each, none kept in memory.
    rows = [line(f"ghost-{n}", "unanswered") for n in range(agreement.CHUNK * 2 + 7)]
    ledger = open_ledger(StoreSettings(history))
    try:
        runner = BatchRunner.of(ledger)
        findings = list(
            agreement.compare(
                runner.database, read_rows(as_csv(rows + rows).splitlines(keepends=True)), Window()
            )
        )
    finally:
        ledger.close()
    ghosts = [f for f in findings if f.row is not None]
    assert len(ghosts) == len(rows)
    assert {f.agreement for f in ghosts} == {Agreement.MATCHED}


def test_a_large_upload_is_compared_in_bounded_memory(history: str, tmp_path: Path) -> None:
    # 30,000 discrepancies: held whole (as the answer used to be) they took 23 MiB; now 1.5.
    export = tmp_path / "large.csv"
    with export.open("w") as out:
        out.write(COLUMNS + "\n")
        for n in range(30_000):
            out.write(f"ghost-large-{n:06},bet,p{n},USD,{n}.25,,accepted,{WHEN}\n")
    ledger = open_ledger(StoreSettings(history))
    try:
        read_models = BatchRunner.of(ledger).read_models
        tracemalloc.start()
        try:
            with export.open("rb") as upload:
                result = read_models.reconcile_export(text_lines(upload), Window(), "large", 50)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        last = read_models.reconciliation(result["run"], 29_990, 100)
    finally:
        ledger.close()
    assert result["counts"]["missing_in_ledger"] == 30_000
    assert len(result["discrepancies"]) == 50
    assert last is not None
    assert [d["transaction_id"] for d in last["discrepancies"] if d["operator_action"]][-1] == (
        "ghost-large-029999"
    )
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
