"""sportsbook-ledger COMMAND [ARGS]: one console command for every entry point.

    serve         the HTTP service (python -m service)
    projections   keep the read models current (python -m projections)
    dev           make run: the dev configuration on SQLite, announced, then serve
    replay        rebuild the read models, reconcile, verify the chain (python -m scripts.replay)
    report        daily totals for finance (python -m scripts.report)
    callback      send one signed OPERATOR callback (python -m scripts.callback)
"""

import importlib
import sys
from collections.abc import Callable

# command -> module whose main() runs it; main() takes the remaining arguments, or none.
COMMANDS = {
    "serve": "service.__main__",
    "projections": "scripts.projections",
    "dev": "scripts.dev",
    "replay": "scripts.replay",
    "report": "scripts.report",
    "callback": "scripts.callback",
}
_TAKE_NO_ARGUMENTS = {"serve", "dev"}


def main(argv: list[str] | None = None) -> int:
    """Dispatch to the command's own main(); --help lists the commands."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if not args or args[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    name, rest = args[0], args[1:]
    entry: Callable[..., int | None] = importlib.import_module(COMMANDS[name]).main
    result = entry() if name in _TAKE_NO_ARGUMENTS else entry(rest)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
