"""Configuration from the environment: defaults, refusals naming the variable, no secrets shown."""

from ipaddress import ip_network

import pytest

from adapters.store import redacted
from scripts.dev import DEV_DEFAULTS, banner
from service.settings import Settings, SettingsError
from service.variables import DEV_SECRETS

BASE = {"IGPX_SECURITY_HASH": "hash-value-123-abcdef", "ADMIN_TOKEN": "token-value-456-abcdef"}


def refusal(**env: str) -> str:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(BASE | env)
    return str(caught.value)


def test_defaults_follow_the_contract() -> None:
    config = Settings.from_env(BASE)
    assert config.store.url == "sqlite:///var/ledger.sqlite3"
    assert (config.host, config.port) == ("127.0.0.1", 8080)
    assert config.currencies == {"USD", "EUR", "GBP"}
    assert config.languages == {"en", "es", "fr"}
    assert config.callback_path == "/api/payment/webhook/igpx"
    assert config.operator is None


@pytest.mark.parametrize("name", ["IGPX_SECURITY_HASH", "ADMIN_TOKEN"])
def test_a_missing_secret_stops_start_up(name: str) -> None:
    env = dict(BASE)
    del env[name]
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://x/y"),
        ("DATABASE_URL", "postgresql://host-only"),
        ("DATABASE_URL", "postgresql://h:notaport/db"),
        ("DATABASE_URL", "sqlite://"),
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("CURRENCIES", " , "),
        ("CURRENCIES", "usd,EUR"),
        ("LANGUAGES", ""),
        ("CALLBACK_PATH", "no-slash"),
        ("WRITE_LANES", "0"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"),
        ("TRUSTED_PROXIES", "haproxy.internal"),
        ("CALLBACK_ALLOWED_IPS", "10.0.0.1,,x"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(name: str, value: str) -> None:
    message = refusal(**{name: value})
    assert message.startswith(name)
    assert "\n" not in message


def test_operator_api_needs_all_four_variables() -> None:
    assert "IGPX_CLIENT_PASSWORD" in refusal(
        IGPX_API_URL="http://op", IGPX_API_VERSION="v1", IGPX_CLIENT_USERNAME="u"
    )


def test_operator_api_url_must_be_http() -> None:
    message = refusal(
        IGPX_API_URL="ftp://op",
        IGPX_API_VERSION="v1",
        IGPX_CLIENT_USERNAME="u",
        IGPX_CLIENT_PASSWORD="p",
    )
    assert message.startswith("IGPX_API_URL")


def test_operator_api_when_configured() -> None:
    config = Settings.from_env(
        BASE
        | {
            "IGPX_API_URL": "https://op.example/",
            "IGPX_API_VERSION": "/v2/",
            "IGPX_CLIENT_USERNAME": "casino",
            "IGPX_CLIENT_PASSWORD": "pw-secret-789",
        }
    )
    assert config.operator is not None
    assert (config.operator.url, config.operator.version) == ("https://op.example", "v2")


def test_secrets_never_show_in_the_config_repr() -> None:
    config = Settings.from_env(BASE | {"DATABASE_URL": "postgresql://u:db-pass-000@h/db"})
    text = repr(config)
    for secret in ("hash-value-123", "token-value-456", "db-pass-000"):
        assert secret not in text


def test_proxies_and_callback_sources_are_networks_and_optional() -> None:
    config = Settings.from_env(BASE)
    assert (config.trusted_proxies, config.callback_allowed_ips) == ((), ())
    config = Settings.from_env(
        BASE | {"TRUSTED_PROXIES": "10.0.0.5, fd00::/8", "CALLBACK_ALLOWED_IPS": "203.0.113.0/24"}
    )
    assert config.trusted_proxies == (ip_network("10.0.0.5/32"), ip_network("fd00::/8"))
    assert config.callback_allowed_ips == (ip_network("203.0.113.0/24"),)


@pytest.mark.parametrize("name", sorted(DEV_SECRETS))
def test_the_published_dev_secrets_pass_only_the_dev_configuration(name: str) -> None:
    assert refusal(**{name: DEV_SECRETS[name]}).startswith(name)  # the README's, say
    assert Settings.from_env(BASE | {name: DEV_SECRETS[name], "LEDGER_DEV": "1"})


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://ledger:se#cret-pw@db.internal:5432/ledger",
        "postgresql://ledger:se?cret-pw@db.internal:5432/ledger",
        "postgresql://ledger:se@cret-pw@db.internal:5432/ledger",
        "postgresql://ledger:se%23cret-pw@db.internal:5432/ledger?sslmode=require",
    ],
)
def test_the_start_up_line_shows_no_part_of_a_database_password(url: str) -> None:
    shown = redacted(url)
    assert shown == "postgresql://db.internal:5432/ledger"
    assert "se" not in shown.replace("postgresql", "")
    assert "ledger:" not in shown


def test_the_dev_banner_prints_only_the_dev_defaults_it_chose() -> None:
    assert "IGPX_SECURITY_HASH=dev-security-hash" in banner(DEV_DEFAULTS)
    assert "ADMIN_TOKEN=dev-admin-token" in banner(DEV_DEFAULTS)
    real = {
        "IGPX_SECURITY_HASH": "real-hash-0123456789abcdef",
        "ADMIN_TOKEN": "real-token-0123456789abcdef",
        "DATABASE_URL": "postgresql://ledger:real-db-pw@db:5432/ledger",
    }
    shown = banner(DEV_DEFAULTS | real)
    for value in (*real.values(), "real-db-pw"):
        assert value not in shown
    assert "ADMIN_TOKEN (yours, not shown)" in shown
