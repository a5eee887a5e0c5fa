"""Every page of the site loads in Chromium with no console error (issue 17, "Tested in a real browser" 1).

The pages are loaded by ``load_pages.js``: several at a time, into same-origin frames of one
window: two to three times faster than one ``driver.get`` per page. A frame's console errors
reach Chromium's browser log like a window's; each is traced to its page by the URL it names
(the page, or a resource that page asked for). ``broken_site/`` proves that the test can fail.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver

from tests.browser.conftest import console_errors
from tests.support.site import SITE_GROUP

pytestmark = pytest.mark.xdist_group(SITE_GROUP)

HERE = Path(__file__).parent
LOAD_PAGES = (HERE / "load_pages.js").read_text(encoding="utf-8")
#: Pages loaded at once; how long each stays after its load event (for what it does after load);
#: how long the test waits for the next page to finish loading before it names those in flight.
PARALLEL, LINGER_MS, STALL_S = 4, 500, 30


def page_errors(driver: WebDriver, urls: list[str]) -> dict[str, list[str]]:
    """Load every page of ``urls`` in ``driver``: the console errors (and a status other than 200) of each
    page that has any; an error no page can be blamed for is listed under ``"?"``."""
    driver.get(urls[0])  # the frames' host: a page of their origin (so it may read them), with an icon
    console_errors(driver)  # forget what came before
    driver.execute_script(LOAD_PAGES, urls, PARALLEL, LINGER_MS)
    messages: list[str] = []
    done, progressed = 0, time.monotonic()
    while True:
        time.sleep(0.5)
        messages += console_errors(driver)
        state: dict[str, Any] = driver.execute_script(
            "const p = window.loadPages; return {done: p.report.length, finished: p.finished,"
            " error: p.error, loading: p.loading}")
        assert state["error"] is None, state["error"]
        if state["finished"]:
            break
        if state["done"] > done:
            done, progressed = state["done"], time.monotonic()
        assert time.monotonic() - progressed < STALL_S, f"no page loaded in {STALL_S} s: {state['loading']}"
    report: list[dict[str, Any]] = driver.execute_script("return window.loadPages.report")
    messages += console_errors(driver)
    assert sorted(page["url"] for page in report) == sorted(urls)
    errors: dict[str, list[str]] = {page["url"]: [] for page in report}
    for page in report:
        if page["status"] != 200:
            errors[page["url"]].append(f"HTTP status {page['status']}")
    for message in messages:
        source = message.split(" ", 1)[0]  # the page's or the resource's URL, as Chromium logs it
        blamed = [page["url"] for page in report if source == page["url"] or source in page["resources"]]
        for url in blamed or ["?"]:
            errors.setdefault(url, []).append(message)
    return {url: found for url, found in errors.items() if found}


def test_every_page_of_the_site_loads_without_console_errors(quiet_browser: WebDriver, base_url: str,
                                                            site_dir: Path) -> None:
    """All the pages of both languages, as the site folder holds them (the crawler test checks that
    each is reached by a link)."""
    pages = sorted(path.relative_to(site_dir).as_posix() for path in site_dir.rglob("*.html"))
    assert "index.html" in pages and "ja/index.html" in pages and "sparql.html" in pages
    started = time.monotonic()
    errors = page_errors(quiet_browser, [urljoin(base_url, page) for page in pages])
    print(f"loaded {len(pages)} pages in {time.monotonic() - started:.1f} s")
    assert errors == {}, f"{len(errors)} pages with console errors, the first: {sorted(errors.items())[:5]}"


@pytest.fixture(scope="module")
def broken_site_url() -> Iterator[str]:
    """``broken_site/`` served over HTTP on a free port: its root URL."""
    handler = functools.partial(_QuietHandler, directory=str(HERE / "broken_site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test's output clean of one line per request."""


def test_a_js_error_or_a_missing_resource_in_a_page_is_found_and_named(quiet_browser: WebDriver,
                                                                       broken_site_url: str) -> None:
    """Each broken page of ``broken_site/`` is named with its error; the page without one is not."""
    names = sorted(path.name for path in (HERE / "broken_site").glob("*.html"))
    errors = page_errors(quiet_browser, [urljoin(broken_site_url, name) for name in names])
    found = {url.removeprefix(broken_site_url): messages for url, messages in errors.items()}
    assert sorted(found) == sorted(set(names) - {"fine.html"})
    expected = {"thrown.html": "Uncaught Error: thrown on purpose",
                "external-script-throws.html": "Uncaught Error: thrown on purpose by an external script",
                "missing-image.html": "no-such-image.png - Failed to load resource",
                "missing-script.html": "no-such-script.js - Failed to load resource",
                "fetch-fails-after-load.html": "no-such-index.json - Failed to load resource"}
    for name, message in expected.items():
        assert len(found[name]) == 1 and message in found[name][0], (name, found[name])
