"""Back-office accounts: add (or reset), list, disable.

python -m scripts.users add NAME --role admin|auditor   (password: BACKOFFICE_PASSWORD, else asked)
python -m scripts.users list
python -m scripts.users disable NAME
"""

import argparse
import getpass
import sys

from adapters.logsetup import configure, log
from scripts.opening import opened_ledger, settings_or_exit
from service.backoffice.users import ROLES, AccountError, Users


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.users",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account, or reset its password and role")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    commands.add_parser("list", help="every account, its role and whether it is disabled")
    disable = commands.add_parser("disable", help="refuse the account's logins and sessions")
    disable.add_argument("name")
    return parser.parse_args(argv)


def password() -> str:
    """BACKOFFICE_PASSWORD, else asked twice on the terminal."""
    given = str(settings_or_exit("users").backoffice_password)
    if given:
        return given
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("users: the two passwords differ")
    return first


def main(argv: list[str]) -> int:
    args = parse(argv)
    configure("info")
    secret = password() if args.command == "add" else ""
    with opened_ledger("users") as (_, runner):
        users = Users(runner.database)
        users.create_table()
        if args.command == "list":
            for user in users.all():
                print(f"{user.name}\t{user.role}\t{'disabled' if user.disabled else 'active'}")
            return 0
        if args.command == "disable":
            if not users.disable(args.name):
                print(f"users: no account named {args.name}", file=sys.stderr)
                return 1
            log.info("backoffice_user_disabled", user=args.name)
            print(f"disabled {args.name}")
            return 0
        try:
            user = users.add(args.name, args.role, secret)
        except AccountError as error:
            print(f"users: {error}", file=sys.stderr)
            return 2
    log.info("backoffice_user_added", user=user.name, role=user.role)
    print(f"{user.name} can log in as {user.role}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
