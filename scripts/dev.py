"""make run: a dev configuration on the embedded SQLite store, announced, then the service.

It prints where the service will listen, the dev secrets it uses, and a signed curl
to paste; then it becomes `python -m service` with that environment.
"""

import os
import sys

from adapters.store import redacted
from scripts.signed import callback_url, curl, signed_body
from service.settings import environment_with, with_defaults
from service.variables import DEV_SECRETS

DEV_DEFAULTS = {
    "DATABASE_URL": "sqlite:///var/ledger.sqlite3",
    **DEV_SECRETS,
    "HOST": "127.0.0.1",
    "PORT": "8080",
    "CALLBACK_PATH": "/api/payment/webhook/igpx",
    "LEDGER_DEV": "1",  # the dev configuration: short dev secrets are allowed
}
EXAMPLE = {
    "transaction_id": "demo-result-1",
    "action": "result",
    "user_id": "demo-player",
    "currency": "USD",
    "amount": "25.00",
}


def ours(env: dict[str, str], name: str) -> bool:
    """True when the value is the dev default make run supplied, not one of the person's."""
    return env[name] == DEV_DEFAULTS[name]


def shown(env: dict[str, str], name: str) -> str:
    """A secret as the banner may print it: only a published dev default."""
    return f"{name}={env[name]}" if ours(env, name) else f"{name} (yours, not shown)"


def _callback_line(env: dict[str, str], base: str) -> str:
    if not ours(env, "IGPX_SECURITY_HASH"):  # a body signed with a real key is a credential
        return "    .venv/bin/python -m scripts.callback result --id demo-result-1 ..."
    body, signature = signed_body(EXAMPLE, env["IGPX_SECURITY_HASH"])
    return f"    {curl(callback_url(base, env['CALLBACK_PATH'], EXAMPLE), body, signature)}"


def banner(env: dict[str, str]) -> str:
    """The first lines make run prints: the dev defaults it chose, never a value taken
    from the environment (nor any part of a database URL's password)."""
    base = f"http://{env['HOST']}:{env['PORT']}"
    wallet = f"{base}/api/wallets/{EXAMPLE['user_id']}"
    token = env["ADMIN_TOKEN"] if ours(env, "ADMIN_TOKEN") else "$ADMIN_TOKEN"
    return "\n".join(
        [
            f"sportsbook-ledger (dev): listening on {base}, store {redacted(env['DATABASE_URL'])}",
            f"  dev secrets: {shown(env, 'IGPX_SECURITY_HASH')}  {shown(env, 'ADMIN_TOKEN')}",
            f"  callbacks:   {base}{env['CALLBACK_PATH']}/transaction and /transaction-rollback",
            "  send a signed test callback (a 25.00 USD result for demo-player):",
            _callback_line(env, base),
            "  then read the wallet:",
            f"    curl -s -H 'Authorization: Bearer {token}' {wallet}",
            "",
        ]
    )


def main() -> None:
    """Print the banner, then exec the service with the dev environment."""
    env = with_defaults(DEV_DEFAULTS)
    print(banner(env), flush=True)
    if "--print-only" in sys.argv:
        return
    argv = [sys.executable, "-m", "service"]
    os.execve(sys.executable, argv, environment_with(env))  # noqa: S606


if __name__ == "__main__":
    main()
