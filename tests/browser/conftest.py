"""A real browser for the site tests: Debian's Chromium, headless, driven by Selenium (issue 17).

Chromium and its driver come from ``scripts/browser install`` (run by ``scripts/with-stores``,
so ``make test`` installs them); Selenium never downloads a driver or a browser here: the
driver is ``/usr/bin/chromedriver``, given by path. Without them the tests fail, never skip.
One browser (``browser``, with the DevTools network log) and one ``ketrdf serve`` of the review's
site are shared by all the tests; ``quiet_browser`` (console log only) loads every page of the site
(``test_every_page.py``). ``xdist_group(SITE_GROUP)`` keeps them on one worker, with the site tests
of ``tests/present``: the site (``site_dir``, tests/support/site.py) is written once for all.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

from ketrdf.project import Project
from tests.support.paths import REPO
from tests.support.stores import served

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = REPO / "build" / "screenshots"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1280,1000")


@pytest.fixture(scope="session")
def base_url(review_build: Project, site_dir: Path) -> Iterator[str]:
    """``ketrdf serve`` of the review's build (its cache: no build in the server) with ``site_dir``."""
    with served(review_build.root, "--site", str(site_dir)) as (_server, port):
        yield f"http://127.0.0.1:{port}/"


@contextmanager
def chromium(profile: Path, logs: tuple[str, ...]) -> Iterator[WebDriver]:
    """Headless Chromium with the ``logs`` on ("browser": the console; "performance": DevTools events)
    and a new profile in ``profile``; once quit, every process it started must have ended."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run 'scripts/browser install' (as root)")
    os.environ["SE_OFFLINE"] = "true"  # should anything reach Selenium Manager, it must not download
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", dict.fromkeys(logs, "ALL"))
    service = Service(str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        started = _descendants(service.process.pid)
        driver.quit()
        left = _running(started, within=10.0)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"Chromium processes outlived the driver: {sorted(left)}"


def _start_time(pid: int) -> str | None:
    """The start time of a running (not zombie) process ``pid``, from ``/proc``; None once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its start time (so that a reused process id is not taken for it)."""
    found: dict[int, str] = {}
    parents = [pid]
    while parents:
        parent = parents.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            for child in map(int, children.read_text().split()):
                started = _start_time(child)
                if started is not None and child not in found:
                    found[child] = started
                    parents.append(child)
    return found


def _running(processes: dict[int, str], within: float) -> set[int]:
    """The ``processes`` still running after waiting up to ``within`` seconds for them to end."""
    deadline = time.monotonic() + within
    while True:
        left = {pid for pid, started in processes.items() if _start_time(pid) == started}
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium with its console and network logs on, shared by the tests of the session."""
    with chromium(tmp_path_factory.mktemp("chromium-profile"), ("browser", "performance")) as driver:
        yield driver


@pytest.fixture(scope="module")
def quiet_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium with only its console log on (no DevTools events to record), for one module."""
    with chromium(tmp_path_factory.mktemp("chromium-profile"), ("browser",)) as driver:
        yield driver


def console_errors(driver: WebDriver) -> list[str]:
    """The console's errors since the last call (the log is emptied as it is read)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return [entry["message"] for entry in entries if entry["level"] == "SEVERE"]


def requested_urls(driver: WebDriver) -> list[str]:
    """Every URL the browser asked for since the last call (Chrome DevTools ``Network.requestWillBeSent``)."""
    urls = []
    entries: list[dict[str, Any]] = driver.get_log("performance")  # type: ignore[no-untyped-call]
    for entry in entries:
        message: dict[str, Any] = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def screenshot_path(name: str) -> Path:
    """``build/screenshots/NAME.png`` (git-ignored), its folder made."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def screenshot(driver: WebDriver, name: str) -> Path:
    """Save what the browser shows as ``build/screenshots/NAME.png``."""
    path = screenshot_path(name)
    assert driver.save_screenshot(str(path)), path
    return path

