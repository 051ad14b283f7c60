"""Reading one environment variable each, checked: a refusal names the variable, never
its value. The settings object (service/settings.py) is built from these."""

from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_network
from urllib.parse import urlsplit

from domain.errors import SettingsError
from domain.money import valid_currency_code

MIN_SECRET_LENGTH = 16
DEFAULT_CALLBACK_PATH = "/api/payment/webhook/igpx"
# Published in the README and printed by `make run`: anyone may know them, so only the dev
# configuration accepts them, whatever their length.
DEV_SECRETS = {"IGPX_SECURITY_HASH": "dev-security-hash", "ADMIN_TOKEN": "dev-admin-token"}
Networks = tuple[IPv4Network | IPv6Network, ...]


class Secret(str):
    """A string that never shows itself in a repr, a log line or an error."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('***')"


@dataclass(frozen=True)
class OperatorApi:
    """Where and how the casino calls the OPERATOR (auth, start-session)."""

    url: str
    version: str
    username: Secret
    password: Secret


def secret(env: Mapping[str, str], name: str, *, required: bool, dev: bool) -> Secret:
    value = env.get(name, "")
    if not value and required:
        raise SettingsError(f"{name} is not set: the service refuses to start without it")
    if value and len(value) < MIN_SECRET_LENGTH and not dev:
        raise SettingsError(f"{name} must have at least {MIN_SECRET_LENGTH} characters")
    if value in DEV_SECRETS.values() and not dev:
        raise SettingsError(f"{name} is a published dev value: choose a secret of your own")
    return Secret(value)


def auditor_token(env: Mapping[str, str], *, dev: bool) -> Secret:
    token = secret(env, "AUDITOR_TOKEN", required=False, dev=dev)
    if token and token == env.get("ADMIN_TOKEN"):
        raise SettingsError("AUDITOR_TOKEN must differ from ADMIN_TOKEN")
    return token


def flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").lower() in ("1", "true", "yes")


def whole(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
        raise SettingsError(f"{name} must be a whole number")
    value = int(raw) if raw else default
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}")
    return value


def items(env: Mapping[str, str], name: str, default: str) -> frozenset[str]:
    items = frozenset(i.strip() for i in env.get(name, default).split(",") if i.strip())
    if not items:
        raise SettingsError(f"{name} must list at least one value")
    return items


def currencies(env: Mapping[str, str]) -> frozenset[str]:
    codes = items(env, "CURRENCIES", "USD,EUR,GBP")
    if not all(valid_currency_code(c) for c in codes):
        raise SettingsError("CURRENCIES must be upper-case 3-letter codes")
    return codes


def callback_path(env: Mapping[str, str]) -> str:
    path = env.get("CALLBACK_PATH", DEFAULT_CALLBACK_PATH).rstrip("/")
    if not path.startswith("/") or "//" in path or not path.isascii() or not path.isprintable():
        raise SettingsError(f"CALLBACK_PATH must be an absolute path like {DEFAULT_CALLBACK_PATH}")
    if " " in path or any(c in path for c in "{}?#%"):
        raise SettingsError("CALLBACK_PATH must be a plain path: no spaces, {}, ?, # or %")
    return path


def networks(env: Mapping[str, str], name: str) -> Networks:
    """Comma-separated addresses or CIDRs (10.0.0.0/8, ::1); empty: none."""
    items = [i.strip() for i in env.get(name, "").split(",") if i.strip()]
    try:
        return tuple(ip_network(item, strict=False) for item in items)
    except ValueError:
        raise SettingsError(f"{name} must list IP addresses or CIDRs, comma separated") from None


def choice(env: Mapping[str, str], name: str, default: str, options: tuple[str, ...]) -> str:
    value = env.get(name, default).lower()
    if value not in options:
        raise SettingsError(f"{name} must be one of {', '.join(options)}")
    return value


def operator(env: Mapping[str, str]) -> OperatorApi | None:
    names = ("IGPX_API_URL", "IGPX_API_VERSION", "IGPX_CLIENT_USERNAME", "IGPX_CLIENT_PASSWORD")
    values = [env.get(n, "") for n in names]
    if not any(values):
        return None
    missing = [n for n, v in zip(names, values, strict=True) if not v]
    if missing:
        raise SettingsError(f"{', '.join(missing)} must be set with the other IGPX_ variables")
    url = values[0].rstrip("/")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise SettingsError("IGPX_API_URL must be an http:// or https:// URL")
    # The OPERATOR issues these credentials: their length is not ours to judge.
    return OperatorApi(url, values[1].strip("/"), Secret(values[2]), Secret(values[3]))
