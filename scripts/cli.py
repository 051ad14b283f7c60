"""sportsbook-ledger COMMAND [ARGS]: one console command for every entry point."""

import importlib
import sys
from collections.abc import Callable

# command -> (module whose main() runs it, what it does)
COMMANDS = {
    "serve": ("service.__main__", "the HTTP service (python -m service)"),
    "projections": ("scripts.projections", "keep the read models current (python -m projections)"),
    "dev": ("scripts.dev", "make run: the dev configuration on SQLite, announced, then serve"),
    "replay": ("scripts.replay", "rebuild the read models, reconcile, verify the chain"),
    "report": ("scripts.report", "daily totals for finance"),
    "reconcile": ("scripts.reconcile", "compare an OPERATOR export with the ledger"),
    "limits": ("scripts.limits", "a player's limit and self-exclusion history, who and why"),
    "callback": ("scripts.callback", "send one signed OPERATOR callback"),
    "users": ("scripts.users", "back-office accounts: add, list, disable"),
    "settle": ("scripts.settle", "settle the error record of a server that will not come back"),
}
_TAKE_NO_ARGUMENTS = {"serve", "dev"}  # their main() reads only the environment


def usage() -> str:
    """The commands, a line each."""
    lines = [f"  {name:<12} {text}" for name, (_, text) in COMMANDS.items()]
    return "\n".join(["usage: sportsbook-ledger COMMAND [ARGS]", *lines])


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the command's own main(); --help lists the commands."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-h"], ["--help"]):
        print(usage())
        return 0
    if not args or args[0] not in COMMANDS:
        print(usage(), file=sys.stderr)
        return 2
    name, rest = args[0], args[1:]
    entry: Callable[..., int | None] = importlib.import_module(COMMANDS[name][0]).main
    result = entry() if name in _TAKE_NO_ARGUMENTS else entry(rest)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
