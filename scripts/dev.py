"""make run: a dev configuration on the embedded SQLite store, announced, then the service.

It prints where the service will listen, the dev secrets it uses, and a signed curl
to paste; then it becomes `python -m service` with that environment.
"""

import os
import sys

from scripts.signed import callback_url, curl, signed_body
from service.settings import environment_with, with_defaults

DEV_DEFAULTS = {
    "DATABASE_URL": "sqlite:///var/ledger.sqlite3",
    "IGPX_SECURITY_HASH": "dev-security-hash",
    "ADMIN_TOKEN": "dev-admin-token",
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


def banner(env: dict[str, str]) -> str:
    """The first lines make run prints."""
    base = f"http://{env['HOST']}:{env['PORT']}"
    body, signature = signed_body(EXAMPLE, env["IGPX_SECURITY_HASH"])
    url = callback_url(base, env["CALLBACK_PATH"], EXAMPLE)
    wallet = f"{base}/api/wallets/{EXAMPLE['user_id']}"
    return "\n".join(
        [
            f"sportsbook-ledger (dev): listening on {base}, store {env['DATABASE_URL']}",
            f"  dev secrets: IGPX_SECURITY_HASH={env['IGPX_SECURITY_HASH']}"
            f"  ADMIN_TOKEN={env['ADMIN_TOKEN']}",
            f"  callbacks:   {base}{env['CALLBACK_PATH']}/transaction and /transaction-rollback",
            "  send a signed test callback (a 25.00 USD result for demo-player):",
            f"    {curl(url, body, signature)}",
            "  then read the wallet:",
            f"    curl -s -H 'Authorization: Bearer {env['ADMIN_TOKEN']}' {wallet}",
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
