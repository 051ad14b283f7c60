"""The back office in a real Chromium, on `make demo`: an auditor answers "what happened to
this bet?" and finds no admin controls; an admin's block and deposit reach the ledger with
the admin's name and reason. Every input has a label; login and forms work by keyboard."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from tests.e2e import test_demo_browser
from tests.e2e.test_demo_browser import ARTIFACTS, SECRETS, pump, start_chromium
from tests.support.callbacks import CALLBACK_PATH, bet, body_of, sign
from tests.support.operator_sim import get_json
from tests.support.server import ROOT

PLAYER = "demo-player"
pytestmark = test_demo_browser.pytestmark  # skipped likewise where Chromium is absent


@dataclass
class Demo:
    """Where the back office is and who may log in."""

    base: str  # the ledger, http://host:port
    passwords: dict[str, str]


def settled(browser: WebDriver, seconds: float = 10) -> WebDriverWait:  # type: ignore[type-arg]
    """A wait that rides out a page being replaced (a form submitted) while it looks."""
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(browser, seconds, ignored_exceptions=ignored)


def read_demo(lines: "queue.Queue[str]", timeout: float) -> Demo:
    base, passwords = "", {}
    while len(passwords) < 2:
        line = lines.get(timeout=timeout)
        if line.startswith("demo: back office "):
            base = line.split()[3].removesuffix("/backoffice/")
        elif base and line.strip().startswith(("admin:", "auditor:")):
            _, name, _, password = line.split()
            passwords[name] = password
    return Demo(base, passwords)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("bo-demo")
    process = subprocess.Popen(
        [sys.executable, "-m", "sims.demo", "--port", "0", "--dir", str(folder)],
        cwd=ROOT, env=os.environ | SECRETS | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(target=pump, args=(process.stdout, lines), daemon=True).start()
    try:
        yield read_demo(lines, timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
        process.stdout.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


@contextmanager
def screenshot_on_failure(browser: WebDriver, name: str) -> Iterator[None]:
    """Keep what the browser showed when a step failed, as a CI artifact."""
    try:
        yield
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / f"backoffice-{name}-failed.png"))
        raise


def keep_page(browser: WebDriver, name: str) -> None:
    """A tall screenshot of the page as it is (the README's pictures come from these)."""
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(1280, 1300)
    try:
        browser.save_screenshot(str(ARTIFACTS / name))
    finally:
        browser.set_window_size(1280, 900)


def send_bet(demo: Demo, tid: str, amount: str = "5.00", user: str = PLAYER) -> dict[str, Any]:
    body = body_of(**bet(tid, user, amount))
    request = urllib.request.Request(  # noqa: S310
        demo.base + CALLBACK_PATH + "/transaction",
        data=body,
        headers={"X-Security-Hash": sign(body, SECRETS["IGPX_SECURITY_HASH"])},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return dict(orjson.loads(answer.read()))


def every_input_has_a_label(browser: WebDriver) -> None:
    for field in browser.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), select"):
        ident = field.get_attribute("id")
        labelled = ident and browser.find_elements(By.CSS_SELECTOR, f'label[for="{ident}"]')
        assert labelled or field.get_attribute("aria-label"), field.get_attribute("outerHTML")


def log_in_by_keyboard(browser: WebDriver, demo: Demo, name: str) -> None:
    browser.delete_all_cookies()
    browser.get(demo.base + "/backoffice/")
    settled(browser).until(lambda d: d.find_elements(By.ID, "username"))
    every_input_has_a_label(browser)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("id") == "username"  # autofocus: type straight away
    focused.send_keys(name, Keys.TAB)
    browser.switch_to.active_element.send_keys(demo.passwords[name], Keys.ENTER)
    settled(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, "h1"))
    assert name in browser.find_element(By.CSS_SELECTOR, ".who").text


def find_player(browser: WebDriver, demo: Demo, user: str = PLAYER) -> None:
    browser.get(demo.base + "/backoffice/players")
    every_input_has_a_label(browser)
    browser.find_element(By.ID, "user_id").send_keys(user, Keys.ENTER)
    settled(browser).until(lambda d: d.find_elements(By.ID, "history"))
    every_input_has_a_label(browser)


def test_an_auditor_finds_what_happened_to_a_bet(demo: Demo, browser: WebDriver) -> None:
    answer = send_bet(demo, "bo-bet-1")
    assert answer["error"] is None
    with screenshot_on_failure(browser, "auditor"):
        log_in_by_keyboard(browser, demo, "demo-auditor")
        find_player(browser, demo)
        balance = browser.find_element(By.CSS_SELECTOR, '#wallet .balance[data-currency="USD"]')
        assert balance.text == "95.00"
        history = browser.find_element(By.ID, "history").text
        assert "Deposited" in history
        assert "BetDebited" in history
        assert "bo-bet-1" in history
        assert not browser.find_elements(By.ID, "admin-controls")
        assert not browser.find_elements(By.CSS_SELECTOR, "button#block, button#deposit")

        browser.get(demo.base + "/backoffice/transactions")
        browser.find_element(By.ID, "id").send_keys(answer["transaction_id"], Keys.ENTER)
        settled(browser).until(lambda d: d.find_elements(By.ID, "status"))
        assert browser.find_element(By.ID, "status").text == "applied"
        assert "bo-bet-1" in browser.find_element(By.ID, "entry").text
        every_input_has_a_label(browser)

        browser.get(demo.base + "/backoffice/reports")
        every_input_has_a_label(browser)
        assert browser.find_elements(By.CSS_SELECTOR, "figure.chart svg polyline")
        keep_page(browser, "backoffice-report.png")
        csv = download(browser, browser.find_element(By.ID, "csv"))
        assert csv.startswith("day,currency,stakes")
        # Today's stakes: this bet, and the demo's reconciliation scene (2.00 and 3.00).
        assert ",USD,10.00," in csv


def download(browser: WebDriver, link: Any) -> str:
    """Click a download link with Chromium saving into a fresh folder; the file's text."""
    folder = ARTIFACTS / f"downloads-{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir(parents=True)
    browser.execute_cdp_cmd(  # type: ignore[attr-defined]
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    link.click()
    WebDriverWait(browser, 15).until(lambda _: list(folder.glob("*.csv")))
    return next(folder.glob("*.csv")).read_text()


def test_an_admin_blocks_and_deposits_and_the_ledger_records_who_and_why(
    demo: Demo, browser: WebDriver
) -> None:
    with screenshot_on_failure(browser, "admin"):
        log_in_by_keyboard(browser, demo, "demo-admin")
        find_player(browser, demo)
        reason = browser.find_element(By.ID, "block-reason")
        reason.send_keys("suspicious pattern, ticket 9", Keys.ENTER)  # the keyboard submits
        settled(browser).until(lambda d: d.find_element(By.ID, "block-state").text == "Blocked")
        assert send_bet(demo, "bo-bet-blocked")["error"] == "PLAYER_BLOCKED"

        browser.find_element(By.ID, "deposit-amount").send_keys("12.50")
        browser.find_element(By.ID, "deposit-reason").send_keys("goodwill for the delay")
        browser.find_element(By.ID, "deposit").click()
        settled(browser).until(
            lambda d: "Deposited:" in d.find_element(By.CSS_SELECTOR, ".flash").text
        )
        keep_page(browser, "backoffice-player.png")
        assert "goodwill for the delay" in browser.find_element(By.ID, "history").text

    events = get_json(f"{demo.base}/api/audit/players/{PLAYER}/events", SECRETS["ADMIN_TOKEN"])[
        "events"
    ]
    manual = [(e["type"].rsplit(".", 1)[-1], e.get("actor"), e.get("reason")) for e in events]
    assert ("Blocked", "demo-admin", "suspicious pattern, ticket 9") in manual
    assert ("Deposited", "demo-admin", "goodwill for the delay") in manual


def submitted(browser: WebDriver, text: str) -> None:
    settled(browser).until(lambda d: text in d.find_element(By.CSS_SELECTOR, ".flash").text)


def test_an_admin_sets_a_limit_and_the_next_bet_over_it_is_declined(
    demo: Demo, browser: WebDriver
) -> None:
    player = "rg-player"
    with screenshot_on_failure(browser, "limits"):
        log_in_by_keyboard(browser, demo, "demo-admin")
        find_player(browser, demo, player)
        Select(browser.find_element(By.ID, "deposit-currency")).select_by_visible_text("USD")
        browser.find_element(By.ID, "deposit-amount").send_keys("50.00")
        browser.find_element(By.ID, "deposit-reason").send_keys("first deposit")
        browser.find_element(By.ID, "deposit").click()
        submitted(browser, "Deposited:")
        Select(browser.find_element(By.ID, "limit-currency")).select_by_visible_text("USD")
        Select(browser.find_element(By.ID, "limit-kind")).select_by_visible_text("stake")
        Select(browser.find_element(By.ID, "limit-period")).select_by_visible_text("day")
        browser.find_element(By.ID, "limit-amount").send_keys("10.00")
        browser.find_element(By.ID, "limit-reason").send_keys("asked by the player, ticket 31")
        browser.find_element(By.ID, "set-limit").click()
        submitted(browser, "Limit asked for:")
        assert send_bet(demo, "rg-bet-1", "6.00", player)["error"] is None
        assert send_bet(demo, "rg-bet-2", "5.00", player) == {"error": "LIMIT_EXCEEDED"}
        browser.refresh()
        row = settled(browser).until(
            lambda d: d.find_element(By.CSS_SELECTOR, '#limits tr[data-limit="USD stake day"]')
        )
        assert row.find_element(By.CSS_SELECTOR, ".amount").text == "10.00"
        assert row.find_element(By.CSS_SELECTOR, ".used").text == "6.00"
        assert row.find_element(By.CSS_SELECTOR, ".remaining").text == "4.00"

        browser.find_element(By.ID, "limit-amount").send_keys("20.00")  # looser: it waits
        browser.find_element(By.ID, "limit-reason").send_keys("the player asked for more")
        browser.find_element(By.ID, "set-limit").click()
        submitted(browser, "Limit asked for:")
        pending = browser.find_element(By.CSS_SELECTOR, '#limits tr[data-limit="USD stake day"]')
        assert "20.00 from" in pending.find_element(By.CSS_SELECTOR, ".pending").text
        every_input_has_a_label(browser)
        keep_page(browser, "backoffice-limits.png")
        assert send_bet(demo, "rg-bet-3", "5.00", player) == {"error": "LIMIT_EXCEEDED"}
        assert "LimitChanged" in browser.find_element(By.ID, "history").text
