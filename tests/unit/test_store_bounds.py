"""Every wait on the store is bounded: the libpq parameters each connection gets, and the
projections child's restart backoff."""

from urllib.parse import parse_qsl

from adapters.store import StoreSettings, library_env
from service.follower import MAX_BACKOFF_S, STEADY_AFTER_S, Backoff
from service.settings import Settings

URL = "postgresql://ledger@db1:5432,db2:5433/ledger?target_session_attrs=read-write"


def libpq(url: str, **settings: float) -> dict[str, str]:
    env = library_env(StoreSettings(url, **settings))  # type: ignore[arg-type]
    return dict(parse_qsl(env["LIBPQ_OPTIONS"]))


def test_every_connection_is_bounded_shorter_than_the_answer_deadline() -> None:
    params = libpq(URL)
    assert params["connect_timeout"] == "2"
    assert params["keepalives"] == "1"
    assert int(params["keepalives_idle"]) + int(params["keepalives_count"]) <= 5
    assert int(params["tcp_user_timeout"]) <= 5000
    assert params["options"] == "-c statement_timeout=3000"
    assert params["target_session_attrs"] == "read-write"
    env = library_env(StoreSettings(URL))
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db1,db2", "5432,5433")
    assert int(env["POSTGRES_CONNECT_TIMEOUT"]) <= 2  # the pool wait


def test_the_urls_own_libpq_parameters_win_and_its_options_are_kept() -> None:
    params = libpq(URL + "&connect_timeout=5&options=-c%20work_mem%3D8MB")
    assert params["connect_timeout"] == "5"
    assert params["options"] == "-c statement_timeout=3000 -c work_mem=8MB"


def test_the_server_bounds_statements_and_command_lines_do_not() -> None:
    env = {"DATABASE_URL": URL, "IGPX_SECURITY_HASH": "s" * 16, "ADMIN_TOKEN": "t" * 16}
    assert Settings.from_env(env).store.statement_timeout_s == 3.0
    assert Settings.from_env(env, serving=False).store.statement_timeout_s == 0
    assert libpq(URL, statement_timeout_s=0)["options"] == "-c statement_timeout=0"


def test_a_dying_projections_child_is_restarted_with_a_doubling_backoff() -> None:
    backoff = Backoff()
    waits = [backoff.after(lived_s=0.5) for _ in range(9)]
    assert waits == [0, 1, 2, 4, 8, 16, 32, MAX_BACKOFF_S, MAX_BACKOFF_S]
    assert backoff.after(lived_s=STEADY_AFTER_S) == 0
    assert backoff.after(lived_s=0.5) == 1
