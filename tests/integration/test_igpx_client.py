"""The OPERATOR's client against the simulator process: one auth, renewals, bounded failures."""

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import web

from service.igpx.client import (
    IgpxClient,
    OperatorBadAnswerError,
    OperatorRefusedError,
    OperatorUnavailableError,
    Timeouts,
)
from service.settings import OperatorApi, Secret
from tests.support.operator_sim import (
    PASSWORD,
    USERNAME,
    VERSION,
    Simulator,
    post_json,
    running_simulator,
)
from tests.support.server import free_port, wait_until
from tests.support.slow_server import SilentServer

FAST = Timeouts(connect=0.5, total=1.0)


class FakeClock:
    """The client's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    with running_simulator(tmp_path_factory.mktemp("sim")) as running:
        yield running


@pytest.fixture(scope="module")
def short_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    with running_simulator(
        tmp_path_factory.mktemp("short"), "http://127.0.0.1:9", "--token-lifetime", "1"
    ) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(sim: Simulator, clock: FakeClock) -> AsyncIterator[IgpxClient]:
    sim.faults()
    igpx = IgpxClient.open(sim.operator_api(), clock=clock)
    yield igpx
    await igpx.close()


class Counts:
    """How many auth and start-session calls the simulator saw since this was made."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.before = sim.stats()

    def __getitem__(self, name: str) -> int:
        return int(self.sim.stats()[name]) - int(self.before[name])


async def test_a_hundred_sessions_cost_one_auth_call(sim: Simulator, client: IgpxClient) -> None:
    counts = Counts(sim)
    urls = [await client.start_session(f"p{i}", "USD", "en") for i in range(100)]
    assert all(url.startswith(f"{sim.base}/play/") for url in urls)
    assert (counts["auth_calls"], counts["session_calls"]) == (1, 100)


async def test_fifty_concurrent_sessions_without_a_token_make_one_auth_call(
    sim: Simulator, client: IgpxClient
) -> None:
    counts = Counts(sim)
    urls = await asyncio.gather(*(client.start_session(f"p{i}", "EUR") for i in range(50)))
    assert len(set(urls)) == 50
    assert (counts["auth_calls"], counts["session_calls"]) == (1, 50)


async def test_a_token_near_expiry_is_renewed_before_use(
    sim: Simulator, client: IgpxClient, clock: FakeClock
) -> None:
    counts = Counts(sim)
    await client.start_session("p1", "USD")
    clock.now += 3600 - 31  # 31 s left of an hour: still used
    await client.start_session("p1", "USD")
    assert counts["auth_calls"] == 1
    clock.now += 2  # 29 s left: renewed before the call, so the OPERATOR never says 401
    await client.start_session("p1", "USD")
    assert (counts["auth_calls"], counts["session_refused"]) == (2, 0)


async def test_a_401_renews_the_token_once_and_retries_once(
    sim: Simulator, client: IgpxClient
) -> None:
    await client.start_session("p1", "USD")
    counts = Counts(sim)
    sim.revoke()
    assert (await client.start_session("p1", "USD")).startswith(sim.base)
    assert (counts["auth_calls"], counts["session_calls"], counts["session_refused"]) == (1, 2, 1)


async def test_concurrent_401s_share_one_renewal(sim: Simulator, client: IgpxClient) -> None:
    await client.start_session("p1", "USD")
    counts = Counts(sim)
    sim.revoke()
    await asyncio.gather(*(client.start_session(f"p{i}", "USD") for i in range(20)))
    assert counts["auth_calls"] == 1


async def test_a_401_after_the_renewal_is_refused_without_another_renewal(
    sim: Simulator, client: IgpxClient
) -> None:
    await client.start_session("p1", "USD")
    counts = Counts(sim)
    sim.faults(session_status=401)
    with pytest.raises(OperatorRefusedError, match="HTTP 401"):
        await client.start_session("p1", "USD")
    assert (counts["auth_calls"], counts["session_calls"]) == (1, 2)


async def test_an_expired_token_is_refused_by_the_operator_then_renewed(
    short_sim: Simulator, clock: FakeClock
) -> None:
    igpx = IgpxClient.open(short_sim.operator_api(), clock=clock)  # its clock stands still
    try:
        await igpx.start_session("p1", "USD")
        token = short_sim.stats()["issued_tokens"][-1]
        session = f"{short_sim.api_url}/start-session"
        player = {"user_id": "p1", "currency": "USD"}
        wait_until(lambda: post_json(session, player, token)[0] == 401, 5, "the token to expire")
        counts = Counts(short_sim)
        assert (await igpx.start_session("p1", "USD")).startswith(short_sim.base)
        assert (counts["auth_calls"], counts["session_refused"]) == (1, 1)
    finally:
        await igpx.close()


async def test_wrong_credentials_are_refused_and_never_repeated(
    sim: Simulator, clock: FakeClock
) -> None:
    igpx = IgpxClient.open(sim.operator_api(password="not-the-password"), clock=clock)
    try:
        with pytest.raises(OperatorRefusedError) as raised:
            await igpx.start_session("p1", "USD")
    finally:
        await igpx.close()
    shown = f"{raised.value} {raised.value!r} {raised.value.__cause__!r}"
    assert "auth: HTTP 401" in shown
    assert "not-the-password" not in shown
    assert USERNAME not in shown


async def test_a_refusal_names_the_operators_code(client: IgpxClient) -> None:
    with pytest.raises(OperatorRefusedError, match="HTTP 400 UNSUPPORTED_CURRENCY"):
        await client.start_session("p1", "JPY")


async def test_an_operator_answering_5xx_is_unavailable(sim: Simulator, clock: FakeClock) -> None:
    igpx = IgpxClient.open(sim.operator_api(), clock=clock)
    sim.faults(auth_status=503)
    try:
        with pytest.raises(OperatorUnavailableError, match="503"):
            await igpx.start_session("p1", "USD")
    finally:
        sim.faults()
        await igpx.close()


async def test_an_operator_that_is_down_is_unavailable_at_once() -> None:
    api = OperatorApi(
        f"http://127.0.0.1:{free_port()}", VERSION, Secret(USERNAME), Secret(PASSWORD)
    )
    igpx = IgpxClient.open(api)
    started = time.monotonic()
    try:
        with pytest.raises(OperatorUnavailableError):
            await igpx.start_session("p1", "USD")
    finally:
        await igpx.close()
    assert time.monotonic() - started < 3


async def test_a_silent_operator_is_unavailable_within_the_total_timeout() -> None:
    async with SilentServer() as silent:
        api = OperatorApi(silent.base, VERSION, Secret(USERNAME), Secret(PASSWORD))
        igpx = IgpxClient.open(api, FAST)
        started = time.monotonic()
        try:
            with pytest.raises(OperatorUnavailableError, match="within 1 s"):
                await igpx.start_session("p1", "USD")
        finally:
            await igpx.close()
        assert FAST.total <= time.monotonic() - started < FAST.total + 1
        assert silent.connections == 1


async def test_a_slow_operator_gives_up_within_the_total_timeout(sim: Simulator) -> None:
    igpx = IgpxClient.open(sim.operator_api(), FAST)
    sim.faults(delay_s=3)
    started = time.monotonic()
    try:
        with pytest.raises(OperatorUnavailableError):
            await igpx.start_session("p1", "USD")
    finally:
        sim.faults()
        await igpx.close()
    assert time.monotonic() - started < FAST.total + 1


async def _fake_operator(answer: dict[str, Any]) -> tuple[web.AppRunner, str]:
    async def auth(_: web.Request) -> web.Response:
        return web.json_response(answer)

    app = web.Application()
    app.router.add_post(f"/{VERSION}/auth", auth)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    "answer", [{"token": "tok-x"}, {"token": "tok-x", "expires_in": "-1"}, {"expires_in": 60}]
)
async def test_an_auth_answer_without_a_usable_token_is_a_bad_answer(
    answer: dict[str, Any],
) -> None:
    runner, base = await _fake_operator(answer)
    igpx = IgpxClient.open(OperatorApi(base, VERSION, Secret(USERNAME), Secret(PASSWORD)))
    try:
        with pytest.raises(OperatorBadAnswerError) as raised:
            await igpx.start_session("p1", "USD")
        assert "tok-x" not in str(raised.value)
    finally:
        await igpx.close()
        await runner.cleanup()


def test_the_client_config_never_shows_the_credentials() -> None:
    api = OperatorApi("http://x", VERSION, Secret(USERNAME), Secret(PASSWORD))
    assert PASSWORD not in repr(api)
    assert USERNAME not in repr(api)
