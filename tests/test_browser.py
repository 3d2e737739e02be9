"""The rendered pages in a real browser (Debian's Chromium through Playwright), offline."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PROJECT, RenderedSite

pytestmark = [pytest.mark.browser, pytest.mark.render]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: Pages and the number of charts each draws: one per ``p.chart(...)`` in its source (on
#: the shipped CV every chart has something to draw).
CHARTS = {
    str(Path(src).with_suffix(".html")): (PROJECT / src)
    .read_text(encoding="utf-8")
    .count(".chart(")
    for src in (
        "index.qmd",
        "cv.qmd",
        *(f"notebooks/{p.name}" for p in PROJECT.glob("notebooks/*.py")),
    )
}


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
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {CHARTS[name]}"
    )
    # As many drawn charts as figures the page emits, and as many as it should.
    assert page.locator(".js-plotly-plot").count() == CHARTS[name]
    assert page.locator(".cvdata-plot").count() == CHARTS[name]
    # Each chart really drew bars or points, not an empty frame.
    plots = page.locator(".js-plotly-plot")
    for i in range(CHARTS[name]):
        assert plots.nth(i).locator(".trace.bars path, .point").count() >= 3, (name, i)
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
    hover = page.locator(".js-plotly-plot .hoverlayer").first  # the timeline is the first chart
    hover.wait_for(state="attached")
    page.wait_for_function("document.querySelector('.hoverlayer').textContent.length > 0")
    assert "Senior Research Scientist" in hover.text_content()
    page.close()


def test_every_timeline_bar_shows_its_own_role_on_hover(browser, site_url: str, cv) -> None:
    """Move the mouse over each bar; the hover box names that bar's role (by its id)."""
    visit = Visit(browser, f"{site_url}/notebooks/timeline.html")
    page = visit.page
    page.wait_for_selector("#timeline-plot .main-svg", timeout=20_000)
    page.evaluate(
        "() => document.getElementById('timeline-plot')"
        ".on('plotly_hover', e => { window.hovered = e.points[0].id; })"
    )
    titles = cv.roles.set_index("id")["title"]
    points = page.locator("#timeline-plot .barlayer .trace.bars .point path")
    hover = "document.querySelector('#timeline-plot .hoverlayer').textContent.length"
    seen = set()
    for i in range(points.count()):
        box = points.nth(i).bounding_box()
        if not box or not box["width"]:
            continue  # the legend's "ongoing" swatch is a bar trace with no data
        # The chart may be taller than the window (rows grow with their labels): the bar
        # is scrolled into view first, so the mouse can reach it.
        points.nth(i).scroll_into_view_if_needed()
        box = points.nth(i).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function(f"{hover} > 0")
        role = page.evaluate("() => window.hovered")
        text = page.locator("#timeline-plot .hoverlayer").text_content()
        assert titles[role] in text, (role, text)
        if role == "together-ai":  # ongoing, to the fixed as-of date of the render
            assert "present (as of 26 Nov 2026)" in text, text
        seen.add(role)
        page.mouse.move(5, 5)
        page.wait_for_function(f"{hover} === 0")
    assert seen == set(titles.index)
    assert visit.console_errors == [] and visit.outside == []
    page.close()
