"""Start-up refusals that once leaked or let through too much: each failed before its fix."""

import ast
from pathlib import Path

import pytest

from adapters.store import StoreSettings
from domain import money
from domain.errors import SettingsError
from service.app import create_app
from service.settings import Secret, Settings

ROOT = Path(__file__).resolve().parents[2]
LONG = {"IGPX_SECURITY_HASH": "h" * 16, "ADMIN_TOKEN": "t" * 16}


def refusal(**env: str) -> str:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(LONG | env)
    return caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ledger:Qz/8TTk@db.example/ledger",  # an unencoded / in the password
        "postgresql://ledger:Qz8TTk@db.example:5432",  # no database
        "postgresql://ledger:Qz8TTk@db.example:port/ledger",
        "postgresql://ledger:Qz8TTk@db.example/ledger?bogus=Qz8TTk",
    ],
)
def test_no_start_up_error_echoes_any_part_of_the_database_url(url: str) -> None:
    message = refusal(DATABASE_URL=url)
    assert message.startswith("DATABASE_URL")
    for part in ("Qz", "8TTk", "ledger:", "db.example"):
        assert part not in message


@pytest.mark.parametrize("name", ["IGPX_SECURITY_HASH", "ADMIN_TOKEN"])
def test_a_secret_shorter_than_16_characters_is_refused(name: str) -> None:
    message = refusal(**{name: "short-secret"})
    assert message.startswith(name)
    assert "short-secret" not in message


def test_the_dev_configuration_accepts_short_dev_secrets() -> None:
    settings = Settings.from_env(LONG | {"ADMIN_TOKEN": "dev-admin-token", "LEDGER_DEV": "1"})
    assert settings.admin_token == "dev-admin-token"


def test_a_huge_number_is_refused_naming_the_variable() -> None:
    assert refusal(PORT="9" * 5000).startswith("PORT")


def app_with(callback_path: str) -> None:
    create_app(
        Settings(
            store=StoreSettings("memory://"),
            security_hash=Secret("s" * 16),
            admin_token=Secret("t" * 16),
            callback_path=callback_path,
        )
    )


@pytest.mark.parametrize(
    "path", ["/api", "/api/wallets", "/api/audit/transactions", "/healthz", "/api/wallets/x"]
)
def test_a_callback_path_that_overlaps_another_route_stops_start_up(path: str) -> None:
    with pytest.raises(SettingsError, match=r"^CALLBACK_PATH"):
        app_with(path)


@pytest.mark.parametrize("path", ["/api/payment/webhook/igpx", "/hooks/igpx", "/api/igpx"])
def test_a_callback_path_of_its_own_is_accepted(path: str) -> None:
    app_with(path)


def test_the_currency_helpers_keep_no_cache_per_code() -> None:
    for n in range(1000):
        assert money.quantum(f"Q{n}") == money.quantum("USD")
    assert not hasattr(money.quantum, "cache_info")


def test_no_assert_guards_a_rule_in_the_product() -> None:
    found = []
    for folder in ("domain", "ledger", "adapters", "projections", "service", "scripts"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text())
            found += [f"{path}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Assert)]
    assert found == []
