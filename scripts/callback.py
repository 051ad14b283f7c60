"""Send one signed OPERATOR callback and print the answer: for integrators and on-call.

    python -m scripts.callback bet --id T1 --user demo-player --amount 5.00
    python -m scripts.callback rollback --id R1 --target T1 --user demo-player --amount 5.00
    python -m scripts.callback getBalance --user demo-player --one-endpoint

The secret comes from --secret, else IGPX_SECURITY_HASH (environment or .env).
"""

import argparse
import sys
import urllib.request

from scripts.dev import DEV_DEFAULTS
from scripts.opening import settings_or_exit
from scripts.signed import callback_url, signed_body


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scripts.callback", description=__doc__)
    parser.add_argument("action", choices=["bet", "result", "rollback", "getBalance"])
    parser.add_argument("--id", help="the OPERATOR transaction_id")
    parser.add_argument("--user", required=True, help="the casino user_id")
    parser.add_argument("--amount", help="decimal text, e.g. 5.00")
    parser.add_argument("--currency", default="USD")
    parser.add_argument("--target", help="rollback only: the transaction_id to roll back")
    parser.add_argument("--url", default=None, help="base URL, default http://HOST:PORT")
    parser.add_argument("--secret", default=None)
    parser.add_argument("--callback-path", default=None)
    parser.add_argument(
        "--one-endpoint", action="store_true", help="post to CALLBACK_PATH itself, not a leaf"
    )
    args = parser.parse_args(argv)
    if args.action != "getBalance" and not (args.id and args.amount):
        parser.error(f"{args.action} needs --id and --amount")
    if args.action == "rollback" and not args.target:
        parser.error("rollback needs --target")
    return args


def callback_fields(args: argparse.Namespace) -> dict[str, str]:
    """The body's fields, in the order the OPERATOR's examples give them."""
    if args.action == "getBalance":
        return {"action": "getBalance", "user_id": args.user, "currency": args.currency}
    fields = {"transaction_id": args.id, "action": args.action, "user_id": args.user}
    if args.target:
        fields["rollback_transaction_id"] = args.target
    return fields | {"currency": args.currency, "amount": args.amount}


def main(argv: list[str]) -> int:
    """Sign, post, print the status and the JSON answer."""
    args = parse(argv)
    settings = settings_or_exit("callback")
    secret = args.secret or settings.security_hash or DEV_DEFAULTS["IGPX_SECURITY_HASH"]
    base = args.url or f"http://{settings.host}:{settings.port}"
    path = args.callback_path or settings.callback_path
    fields = callback_fields(args)
    body, signature = signed_body(fields, secret)
    request = urllib.request.Request(  # noqa: S310 - the operator chooses the URL
        f"{base}{path}" if args.one_endpoint else callback_url(base, path, fields),
        data=body,
        headers={"X-Security-Hash": signature, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        print(response.read().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
