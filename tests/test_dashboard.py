"""The dashboard page (``dashboard.qmd``): what it shows of a CV (cvdata.dashboard), the
Markdown it writes, and the rendered page in Chromium at 1440×900 and on a phone."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import io
import re
import threading
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from conftest import AS_OF, PROJECT, RenderedSite
from test_browser import Visit, browser  # noqa: F401  (the module's Chromium fixture)

import cvdata
from cvdata import charts, dashboard
from cvdata.page import Page
from cvdata.theme import load_brand

NEW_GRADUATE = PROJECT / "examples" / "new-graduate"
PUBLICATION_CHARTS = {"venues", "years", "authorship", "coauthors"}


def _charts(rows: list[dashboard.Row]) -> list[list[str]]:
    return [[c.chart for c in row.cards] for row in rows]


@pytest.fixture(scope="module")
def graduate() -> cvdata.CV:
    return cvdata.load(NEW_GRADUATE, as_of=AS_OF)


# ------------------------------------------------------------------ what it shows


def test_value_boxes_are_the_numbers_the_cv_has(cv: cvdata.CV) -> None:
    boxes = {b.key: b for b in dashboard.value_boxes(cv)}
    assert list(boxes) == [
        "experience_years",
        "roles",
        "papers",
        "first_author",
        "talks",
        "projects",
        "skills",
    ]
    assert boxes["papers"].value == str(len(cv.papers))
    assert boxes["talks"].value == str(len(cv.talks))
    assert boxes["roles"].value == str(len(cv.roles))
    # The years' title is the CV's own words for its kinds of roles.
    assert boxes["experience_years"].title.startswith("Years of")


def test_a_cv_without_papers_has_no_paper_boxes_or_cards(graduate: cvdata.CV) -> None:
    assert graduate.papers.empty
    keys = [b.key for b in dashboard.value_boxes(graduate)]
    assert "papers" not in keys and "first_author" not in keys and "talks" not in keys
    assert keys and all(b.value not in ("0", "nan") for b in dashboard.value_boxes(graduate))
    drawn = {name for row in _charts(dashboard.layout(graduate)) for name in row}
    assert drawn and not drawn & PUBLICATION_CHARTS


def test_the_seed_has_the_timeline_then_publication_tabs(cv: cvdata.CV) -> None:
    rows = dashboard.layout(cv, load_brand(PROJECT / "_brand.yml"))
    assert _charts(rows) == [
        ["timeline"],
        ["venues", "years", "authorship"],
        ["skills_top", "coauthors"],
        ["projects"],
    ]
    assert [r.tabs for r in rows] == [False, True, False, False]
    # Every card is a chart of the registry, as drawn on the other pages.
    for row in rows:
        for card in row.cards:
            assert card.chart in charts.CHARTS and card.drawn.figure.data


def test_card_markdown_keeps_the_cvs_text_literal() -> None:
    fig = charts.draw("venues", cvdata.load(PROJECT / "data", as_of=AS_OF)).figure
    hostile = '<script>alert(1)</script> **bold** {{< pagebreak >}} [x](javascript:y) "q"'
    card = dashboard.Card("venues", 'Say "hi" \\ <b>', charts.Drawn(fig, hostile, "alt"))
    for tabbed in (False, True):
        text = dashboard.card_markdown(card, "<div>PLOT</div>", tabbed=tabbed)
        assert '::: {.card data-title="Say hi  <b>"}' in text  # no quote ends the attribute
        assert "<script>" not in text and "**bold**" not in text and "{{<" not in text
        assert ("{.card-footer}" in text) is not tabbed  # a tab's caption is under its chart
        assert ("{.cvdata-caption}" in text) is tabbed


def test_the_page_writes_rows_of_value_boxes_and_cards(cv: cvdata.CV) -> None:
    page = Page(cv=cv, format="dashboard", brand=load_brand(PROJECT / "_brand.yml"),
                project_root=PROJECT, document=PROJECT / "dashboard.qmd")  # fmt: skip
    out = io.StringIO()
    with redirect_stdout(out):
        dashboard.write(page)
    text = out.getvalue()
    rows = re.findall(r"^## Row.*$", text, flags=re.M)
    assert rows == [
        '## Row {height="auto" .cvdata-title}',
        '## Row {height="auto" .cvdata-values}',
        "## Row",
        "## Row {.tabset}",
        "## Row",
        "## Row",
    ]
    assert text.count("{.valuebox ") == len(dashboard.value_boxes(cv))
    # The page's h1 is the person's name, as on the other pages (issue 22), escaped.
    assert f'<h1 class="cvdata-name">{cv.owner["name"]}</h1>' in text
    hostile = dataclasses.replace(cv, person=cv.person.assign(name="<b>A & B</b> {{< meta >}}"))
    assert (
        '<h1 class="cvdata-name">&lt;b&gt;A &amp; B&lt;/b&gt; &#123;&#123;&lt; meta &gt;}}</h1>'
        in (dashboard.title_markdown(hostile))
    )  # no shortcode for Quarto to run
    assert text.count('<div class="cvdata-plot"') == 7
    assert text.count("assets/plotly.min.js") == 1  # plotly.js once, from the site
    # Drawn once the page is shown: drawn hidden, plotly.js measures its text as empty.
    assert text.count('document.addEventListener("DOMContentLoaded", function () {') == 7


# ------------------------------------------------------------------ the rendered page


@contextlib.contextmanager
def _serve(root: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


_MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const outside = [...document.querySelectorAll('body *')].filter(e => {
    // A chart's own drawing is clipped to it; plotly.js measures text off-screen.
    if (e.closest('.js-plotly-plot, #js-plotly-tester')) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > vw + 1 || r.left < -1);
  }).map(e => e.tagName + '.' + String(e.className).slice(0, 40));
  const visible = [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.offsetParent);
  const legends = visible.map(p => [...p.querySelectorAll('.legend .traces')].map(t => {
    const r = t.getBoundingClientRect(); return [r.left, r.right, r.top];
  }));
  return {
    scrollWidth: document.documentElement.scrollWidth, vw,
    outside,
    boxes: [...document.querySelectorAll('.bslib-value-box')].map(b => {
      const r = b.getBoundingClientRect(); return [b.innerText.trim(), r.top, r.bottom, r.left];
    }),
    plots: visible.map(p => [
      p.id, p.getBoundingClientRect().top, p.querySelectorAll('.trace').length]),
    legends,
    tabs: [...document.querySelectorAll('.card-header .nav-link')].map(a => a.innerText.trim()),
    navbars: [...document.querySelectorAll('nav.navbar')].filter(n => n.offsetParent).length,
  };
}"""


def _measure(browser, url: str, width: int, height: int) -> tuple[dict, Visit]:  # noqa: F811
    visit = Visit(browser, url)
    visit.page.set_viewport_size({"width": width, "height": height})
    visit.page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    visit.page.wait_for_timeout(500)  # the deferred charts and the resize
    return visit.page.evaluate(_MEASURE), visit


def _overlapping(entries: list[list[float]]) -> list[tuple[int, int]]:
    """Legend entries on one line that overlap (plotly measured their text as empty)."""
    return [
        (i, j)
        for i, a in enumerate(entries)
        for j, b in enumerate(entries)
        if i < j and abs(a[2] - b[2]) < 2 and a[0] < b[1] - 1 and b[0] < a[1] - 1
    ]


@pytest.mark.render
@pytest.mark.browser
def test_dashboard_at_1440_shows_the_numbers_and_the_first_chart_on_one_screen(
    browser,  # noqa: F811
    rendered_site: RenderedSite,
    cv: cvdata.CV,
    tmp_path: Path,
) -> None:
    with _serve(rendered_site.root) as url:
        seen, visit = _measure(browser, f"{url}/dashboard.html", 1440, 900)
        # For a person to look at (pytest's temporary folder), never inside the project.
        visit.page.screenshot(path=str(tmp_path / "dashboard-1440.png"))
    assert visit.outside == [] and visit.console_errors == []
    boxes = dashboard.value_boxes(cv)
    assert [b[0].split("\n")[0] for b in seen["boxes"]] == [b.title for b in boxes]
    assert all(b[2] <= 900 for b in seen["boxes"])  # the value boxes on the first screen
    first = seen["plots"][0]
    assert first[0] == "timeline-plot" and first[1] < 900 and first[2] > 0
    assert seen["tabs"] == ["Publications by venue", "Publications by year", "Authorship"]
    assert len(seen["plots"]) == 5  # the tabs' hidden charts are not measured
    assert seen["navbars"] == 1  # the site's; the dashboard's own title bar is hidden
    assert [_overlapping(entries) for entries in seen["legends"]] == [[]] * 5
    assert seen["scrollWidth"] <= seen["vw"] and seen["outside"] == []


@pytest.mark.render
@pytest.mark.browser
def test_dashboard_on_a_phone_does_not_scroll_sideways(
    browser,  # noqa: F811
    rendered_site: RenderedSite,
    tmp_path: Path,
) -> None:
    with _serve(rendered_site.root) as url:
        seen, visit = _measure(browser, f"{url}/dashboard.html", 390, 844)
        visit.page.screenshot(path=str(tmp_path / "dashboard-390.png"))
    assert seen["scrollWidth"] <= seen["vw"] == 390
    assert seen["outside"] == []
    lefts = sorted({round(b[3]) for b in seen["boxes"]})
    assert len(lefts) == 2  # two value boxes a row, not one a screen
    assert seen["boxes"][-1][2] < 844  # all of them on the first screen


@pytest.mark.render
@pytest.mark.browser
def test_dashboard_of_a_person_without_papers(browser, render_data) -> None:  # noqa: F811
    root = render_data(NEW_GRADUATE)
    html = (root / "dashboard.html").read_text(encoding="utf-8")
    assert "Publications by venue" not in html and "Collaborators" not in html
    with _serve(root) as url:
        seen, visit = _measure(browser, f"{url}/dashboard.html", 1440, 900)
    assert visit.outside == [] and visit.console_errors == []
    assert seen["plots"] and seen["plots"][0][1] < 900
    assert "Papers" not in " ".join(b[0] for b in seen["boxes"])
