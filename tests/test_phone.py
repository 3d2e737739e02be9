"""The site on a phone (issue 22 item 6), in Debian's Chromium at 390 px: nothing wider than
the page on any page, each chart reflowed (labels above their bars, legends below), and a
tap shows what a hover shows."""

from __future__ import annotations

import pytest
from test_browser import ARGS, CHROMIUM, site_url  # noqa: F401 (a fixture)

from cvdata import identity

pytestmark = [pytest.mark.browser, pytest.mark.render]

PHONE = {"width": 390, "height": 844}
PAGES = (
    "index.html",
    "cv.html",
    "dashboard.html",
    *(f"notebooks/{n}.html" for n in ("timeline", "publications", "skills", "projects")),
    "notebooks/collaborators.html",
)

#: Every element drawn (an SVG text of a chart too) that reaches past the page's edges,
#: except inside a box that scrolls or clips on its own (a code block, a table's wrapper).
WIDER = """() => {
  const vw = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (p.classList.contains('cvdata-plot')) return false;  // a chart must fit itself
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('#js-plotly-tester')) continue;  // plotly's text measurer, off-screen
    if ((r.right > vw + 1 || r.left < -1) && !clipped(el)) {
      out.push(`${el.tagName}.${el.getAttribute('class') || ''} ` +
               `[${Math.round(r.left)}, ${Math.round(r.right)}] ` +
               (el.textContent || '').trim().slice(0, 40));
    }
  }
  return {scroll: document.documentElement.scrollWidth, vw: vw, wider: out.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def phone():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is not installed (scripts/setup-system.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
        yield context
        context.close()
        browser.close()


def _open(context, url: str):
    """The page at ``url`` with its charts drawn and reflowed; nothing fetched elsewhere."""
    page = context.new_page()
    outside: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(url, wait_until="load")
    if page.locator(".cvdata-plot").count():
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
        page.wait_for_function(
            "[...document.querySelectorAll('.cvdata-plot .js-plotly-plot')]"
            ".every(gd => gd._cvdataPhone === true || gd.clientWidth === 0)",
            timeout=20_000,
        )
        page.wait_for_timeout(300)
    assert outside == []
    return page


@pytest.mark.parametrize("name", PAGES)
def test_nothing_is_wider_than_the_page_at_390_px(phone, site_url: str, name: str) -> None:  # noqa: F811
    page = _open(phone, f"{site_url}/{name}")
    seen = page.evaluate(WIDER)
    assert seen["vw"] == PHONE["width"]
    assert seen["scroll"] <= seen["vw"], seen
    assert seen["wider"] == [], seen["wider"]
    page.close()


def test_bar_labels_go_above_their_bars_and_come_back_when_wide(phone, site_url: str) -> None:  # noqa: F811
    page = _open(phone, f"{site_url}/notebooks/projects.html")
    plot = page.locator("#projects-plot")
    # On a phone: no row labels left of the axis; each label is above its bar, the bars
    # start at the left edge of the chart.
    assert plot.locator(".ytick text").count() == 0
    labels = plot.locator(".annotation-text")
    texts = [labels.nth(i).text_content() for i in range(labels.count())]
    assert any("Senior Research Scientist" in t for t in texts), texts
    bar = plot.locator(".trace.bars .point path").first.bounding_box()
    box = plot.bounding_box()
    assert bar["x"] - box["x"] < 0.15 * box["width"], (bar, box)
    # Legends below the plot, in a row.
    legend = plot.locator(".legend").first.bounding_box()
    area = plot.locator(".cartesianlayer").first.bounding_box()
    assert (
        legend["y"] >= area["y"] + area["height"] - 1
        or legend["y"] + legend["height"] <= area["y"] + 1
    )
    # Wide again: the chart's own layout, its labels left of the bars.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("document.getElementById('projects-plot')._cvdataPhone === false")
    page.wait_for_timeout(300)
    assert plot.locator(".ytick text").count() > 0
    page.close()


def test_a_tap_shows_what_a_hover_shows(phone, site_url: str) -> None:  # noqa: F811
    page = _open(phone, f"{site_url}/notebooks/timeline.html")
    bar = page.locator("#timeline-plot .barlayer .trace.bars .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "document.querySelector('#timeline-plot .hoverlayer').textContent.length > 0",
        timeout=5_000,
    )
    assert "Senior Research Scientist" in page.locator("#timeline-plot .hoverlayer").text_content()
    page.close()


def test_the_mode_bar_offers_only_the_download(phone, site_url: str) -> None:  # noqa: F811
    page = _open(phone, f"{site_url}/index.html")
    buttons = page.locator(".cvdata-plot .modebar-btn")
    names = {buttons.nth(i).get_attribute("data-title").lower() for i in range(buttons.count())}
    assert names == {"download plot as a png"}, names
    assert page.locator(".modebar-btn--logo").count() == 0
    # The favicon is served.
    icon = page.evaluate("() => document.querySelector('link[rel=icon]').href")
    assert icon.endswith(identity.FAVICON)
    page.close()
