"""End-to-end fixtures: a real service process on PostgreSQL, and a client for it."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.support.client import LedgerClient
from tests.support.pg import fresh_database
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


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


@pytest.fixture
async def client(server: Server, http: aiohttp.ClientSession) -> LedgerClient:
    return LedgerClient(http, server.base)
