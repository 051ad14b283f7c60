"""End-to-end fixtures: a real service process on PostgreSQL, and a client for it."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from tests.support.client import LedgerClient
from tests.support.pg import fresh_database
from tests.support.proxy import TcpProxy
from tests.support.server import Server, running_service


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def server(database: str, log_dir: Path) -> Iterator[Server]:
    with running_service(database, log_dir) as running:
        yield running


@pytest.fixture(scope="module")
def proxy(database: str) -> Iterator[TcpProxy]:
    """A TCP proxy between a server and PostgreSQL, for tests that cut the database."""
    target = urlsplit(database)
    running = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    yield running
    running.close()


@pytest.fixture(scope="module")
def proxied(
    request: pytest.FixtureRequest, database: str, proxy: TcpProxy, log_dir: Path
) -> Iterator[Server]:
    """A server whose every database connection goes through the proxy."""
    parts = urlsplit(database)
    url = parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}").geturl()
    with running_service(url, log_dir, f"{request.module.__name__}-proxied") as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


@pytest.fixture
async def client(server: Server, http: aiohttp.ClientSession) -> LedgerClient:
    return LedgerClient(http, server.base)
