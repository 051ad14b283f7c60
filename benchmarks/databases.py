"""Scratch PostgreSQL databases on the shared server: created for a run, dropped after it."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def admin_url() -> str:
    """The server to create scratch databases on: TEST_POSTGRES_URL, or the local default."""
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_ADMIN_URL


def url_of(name: str, admin: str | None = None) -> str:
    """The admin URL pointed at another database on the same server."""
    return urlunsplit(urlsplit(admin or admin_url())._replace(path=f"/{name}"))


def drop(name: str, admin: str | None = None) -> None:
    """Drop the database and end its connections; no error if it is gone."""
    with psycopg.connect(admin or admin_url(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def scratch_database(name: str, admin: str | None = None) -> Iterator[str]:
    """A new empty database's URL; dropped, with its connections, on exit."""
    with psycopg.connect(admin or admin_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield url_of(name, admin)
    finally:
        drop(name, admin)


def drop_leftovers(prefix: str, admin: str | None = None) -> list[str]:
    """Drop every database whose name starts with prefix (a crashed run's); their names."""
    with psycopg.connect(admin or admin_url(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)
        ).fetchall()
    for (name,) in rows:
        drop(name, admin)
    return [name for (name,) in rows]
