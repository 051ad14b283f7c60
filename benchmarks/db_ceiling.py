"""python -m benchmarks.db_ceiling: how many durable single-row commits PostgreSQL takes per second.

N connections each insert one row per transaction into a fresh table for a fixed time, with
synchronous_commit as the server has it: the most a wallet could write if each callback
were one INSERT and nothing else. The table is dropped afterwards.
"""

import argparse
import asyncio
import json
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

from psycopg import AsyncConnection, sql

CREATE = """
CREATE TABLE {} (
    id uuid PRIMARY KEY,
    user_id text NOT NULL,
    amount numeric NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""
INSERT = "INSERT INTO {} (id, user_id, amount) VALUES (%s, %s, %s)"


async def writer(url: str, table: sql.Identifier, until: float, name: str) -> int:
    """One connection inserting and committing one row at a time; how many it committed."""
    insert = sql.SQL(INSERT).format(table)
    amount = Decimal("1.00")
    done = 0
    # Autocommit: each INSERT is its own transaction, committed in the same round trip.
    async with await AsyncConnection.connect(url, autocommit=True) as conn:
        while time.monotonic() < until:
            await conn.execute(insert, (uuid4(), name, amount))
            done += 1
    return done


async def measure(url: str, connections: int, duration: float) -> dict[str, Any]:
    """ops/s of `connections` concurrent writers over `duration` seconds."""
    table = sql.Identifier(f"ceiling_{secrets.token_hex(4)}")
    async with await AsyncConnection.connect(url, autocommit=True) as admin:
        await admin.execute(sql.SQL(CREATE).format(table))
        try:
            started = time.perf_counter()
            until = time.monotonic() + duration
            jobs = (writer(url, table, until, f"w{n}") for n in range(connections))
            counts = await asyncio.gather(*jobs)
            elapsed = time.perf_counter() - started
        finally:
            await admin.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
    ops = sum(counts)
    return {"connections": connections, "ops": ops, "ops_per_s": round(ops / elapsed, 1)}


def main(argv: list[str] | None = None) -> int:
    """Measure and print the ops/s as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="postgresql:// URL of a scratch database")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.url, args.connections, args.duration))
    text = json.dumps(result)
    if args.json_out:
        args.json_out.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
