"""The rendered pages in a real browser (Debian's Chromium through Playwright), offline."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import RenderedSite

pytestmark = [pytest.mark.browser, pytest.mark.render]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: Pages and the number of charts each draws.
CHARTS = {"index.html": 1, "cv.html": 1, "notebooks/timeline.html": 1}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(rendered_site: RenderedSite) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(rendered_site.root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is not installed (scripts/setup-system.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Visit:
    """A page opened with every request off 127.0.0.1 blocked and recorded."""

    def __init__(self, browser, url: str):
        self.console_errors: list[str] = []
        self.outside: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_page_draws_its_charts_offline(browser, site_url: str, name: str) -> None:
    visit = Visit(browser, f"{site_url}/{name}")
    page = visit.page
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    assert page.locator(".js-plotly-plot").count() == CHARTS[name]
    # Each chart really drew bars, not an empty frame.
    assert page.locator(".js-plotly-plot .trace.bars path, .js-plotly-plot .point").count() > 5
    assert visit.outside == []
    assert visit.console_errors == []
    page.close()


def test_timeline_hover_shows_the_role_title(browser, site_url: str) -> None:
    visit = Visit(browser, f"{site_url}/notebooks/timeline.html")
    page = visit.page
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    # Plotly's drag layer sits over the bars, so move the mouse there as a person would.
    box = page.locator(".js-plotly-plot .trace.bars .point path").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(".hoverlayer")
    hover.wait_for(state="attached")
    page.wait_for_function("document.querySelector('.hoverlayer').textContent.length > 0")
    assert "Senior Research Scientist" in hover.text_content()
    page.close()
