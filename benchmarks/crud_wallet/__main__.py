"""python -m benchmarks.crud_wallet: create the tables, then serve with WORKERS processes."""

import os
import sys

from benchmarks.crud_wallet.config import Config, ConfigError
from benchmarks.crud_wallet.schema import create_tables
from benchmarks.crud_wallet.server import serve, supervise


def main() -> int:
    """Start, or print one line saying which variable stops the start."""
    try:
        config = Config.from_env(os.environ)
    except ConfigError as error:
        print(f"crud_wallet: {error}", file=sys.stderr)
        return 2
    create_tables(config.database_url)
    if config.workers == 1:
        serve(config)
        return 0
    return supervise(config)


if __name__ == "__main__":
    sys.exit(main())
