"""The demo in a real browser: a bet lowers the casino page's balance, a won result raises it."""

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.wait import WebDriverWait

from tests.support.operator_sim import get_json, post_json
from tests.support.server import ROOT, http_status

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = ROOT / "test-artifacts"
SECRETS = {
    "ADMIN_TOKEN": "browser-test-admin-token-5b8e",
    "IGPX_CLIENT_PASSWORD": "browser-test-operator-password-0f4a",
    "IGPX_SECURITY_HASH": "browser-test-security-hash-c2d9",
}

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and os.environ.get("CI") != "true",
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)


def pump(stream: IO[str], lines: "queue.Queue[str]") -> None:
    for line in stream:
        lines.put(line)


def first_line(lines: "queue.Queue[str]", start: str, timeout: float) -> str:
    """The first line (stripped) that starts with `start`, read with a deadline."""
    while True:
        line = lines.get(timeout=timeout).strip()
        if line.startswith(start):
            return line


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """python -m sims.demo on free ports with known secrets; Ctrl-C'd at the end."""
    folder = tmp_path_factory.mktemp("demo")
    process = subprocess.Popen(
        [sys.executable, "-m", "sims.demo", "--port", "0", "--dir", str(folder)],
        cwd=ROOT,
        env=os.environ | SECRETS | {"PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=pump, args=(process.stdout, lines), daemon=True)
    reader.start()
    try:
        url = first_line(lines, "demo: open ", timeout=40).split()[2]
        finding = first_line(lines, "applied_but_not_accepted", timeout=40)
        yield url, finding
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C does
        process.wait(timeout=20)
        reader.join(timeout=5)
        process.stdout.close()
    assert process.returncode == 0
    assert http_status(url + "me") == 0  # the casino, and the rest with it, are gone


@pytest.fixture(scope="module")
def demo(demo_output: tuple[str, str]) -> str:
    return demo_output[0]


def test_the_demo_shows_a_lost_answer_found_by_the_reconciliation(
    demo_output: tuple[str, str],
) -> None:
    finding = demo_output[1].split()
    assert finding[0] == "applied_but_not_accepted"
    assert "demo-lost-answer" in finding
    assert "unanswered" in finding
    assert "applied" in finding


def start_chromium(profile: Path) -> WebDriver:
    """Headless Chromium driven by chromedriver, with its own profile folder."""
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium"))
    yield driver
    driver.quit()


def test_a_bet_lowers_the_balance_and_a_won_result_raises_it(demo: str, browser: WebDriver) -> None:
    wait = WebDriverWait(browser, 15)
    balance = lambda: browser.find_element(By.ID, "balance").text  # noqa: E731
    browser.get(demo)
    try:
        wait.until(lambda _: balance() == "100.00")
        wait.until(lambda d: d.find_element(By.ID, "sportsbook").get_attribute("src"))
        browser.switch_to.frame("sportsbook")
        pick = 'button.pick[data-match="m1"][data-pick="home"]'  # 1.85
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, pick)).click()
        stake = browser.find_element(By.ID, "stake")
        stake.clear()
        stake.send_keys("10.00")
        wait.until(lambda d: d.find_element(By.ID, "place").is_enabled())
        browser.find_element(By.ID, "place").click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#bets td.status").text == "open")
        browser.switch_to.default_content()
        wait.until(lambda _: balance() == "90.00")

        browser.switch_to.frame("sportsbook")
        browser.find_element(By.CSS_SELECTOR, 'button[data-action="win"]').click()
        answered = '#callbacks li[data-action="result"][data-state="answered"] code.answer'
        wait.until(lambda d: '"error":null' in d.find_element(By.CSS_SELECTOR, answered).text)
        browser.switch_to.default_content()
        wait.until(lambda _: balance() == "108.50")
    finally:
        browser.switch_to.default_content()
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "demo-browser.png"))


def test_no_secret_reaches_the_browser(demo: str, browser: WebDriver) -> None:
    browser.get(demo)
    wait = WebDriverWait(browser, 15)
    wait.until(lambda d: d.find_element(By.ID, "sportsbook").get_attribute("src"))
    seen = [browser.page_source, str(get_json(demo + "me")), str(get_json(demo + "me/wallet"))]
    seen.append(str(post_json(demo + "me/sportsbook")))
    browser.switch_to.frame("sportsbook")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "button.pick"))
    seen.append(browser.page_source)
    browser.switch_to.default_content()
    for name, value in SECRETS.items():
        assert all(value not in text for text in seen), name
