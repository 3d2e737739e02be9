"""Broken and hostile input: nothing lost, nothing injected, nothing stale, nothing private.

Every test renders for real, with ``quarto render``, and looks at the output a reader gets.
"""

from __future__ import annotations

import csv
import functools
import html
import html.parser
import http.server
import io
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, PROJECT, RenderedSite, copy_project, render, render_site
from test_browser import ARGS, CHROMIUM, Visit, _Quiet
from test_validate import CASES, _fill

import cvdata
from cvdata.document._markup import expand, prose
from cvdata.schema import default_package

pytestmark = pytest.mark.render

EXAMPLES = PROJECT / "examples"


def _text_of_html(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<script\b.*?</script>", " ", raw, flags=re.S)
    return _squash(html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def _text_of_pdf(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return _squash(out.stdout)


def _squash(text: str) -> str:
    return re.sub(r"-\s+", "-", " ".join(str(text).split()))


# ------------------------------------------------------------------ 1. broken data stops


@pytest.fixture(scope="module")
def stopped_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scratch project for the renders that must stop before any page."""
    return copy_project(tmp_path_factory.mktemp("stop") / "project")


@pytest.mark.parametrize(("mutate", "expected"), [pytest.param(m, e, id=i) for i, m, e in CASES])
def test_broken_data_stops_the_render_before_any_page(
    mutate, expected, broken_copy, stopped_project: Path
) -> None:
    data = broken_copy()
    where = mutate(data)
    where = {"line": where} if isinstance(where, int) else (where or {})
    out = stopped_project / "_site"
    done = render(stopped_project, data=data)
    output = done.stdout + done.stderr
    assert done.returncode == 1
    assert "does not validate; nothing was rendered" in output
    assert "Traceback" not in output
    # The report names file, line and column exactly as `cvdata validate` does.
    report = output.replace(str(data) + "/", "data/")
    for template in expected if isinstance(expected, tuple) else (expected,):
        shown = _fill(template, where)
        if isinstance(shown, str):
            assert shown in report, shown
        else:
            assert re.search(shown.pattern, report, re.M), shown.pattern
    # No page executed, nothing published.
    assert "Executing" not in output and "Starting python3 kernel" not in output
    assert not [p for p in out.rglob("*") if p.suffix in (".html", ".pdf")]


# ------------------------------------------------------------------ 2. text is shown, never run

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<b>not bold</b> <br> <a href='https://evil.example/'>plotly tags</a>",
    # Markdown: Quarto must never read it; the CV's prose reads its safe subset, where a
    # javascript: link stays text (cvdata.document._markup).
    "*bold* _it_ [x](javascript:alert(3)) # head `code` | a | b |",
    "{{< pagebreak >}} {{< meta title >}}",
    "#set page(fill: red) $x^2$ @ref <lbl> \\ * = eq",
    "\\textbf{x} \\\\ % & ~ ^ _ $",
    "'single' \"double\" “curly” «guillemets»",
    "emoji 🎓🚀 and 中文",
    "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3,
]
LONG_FIELD = "A very long field. " * 150


def _hostile_copy(target: Path) -> dict[tuple[str, str], list[str]]:
    """data/ with every free-text column of every table holding hostile strings.

    Returns what each (table, column) now holds, row by row.
    """
    shutil.copytree(DATA_DIR, target)
    placed: dict[tuple[str, str], list[str]] = {}
    for table in default_package().tables:
        free = [
            f.name
            for f in table.fields
            if f.type == "string"
            and f.enum is None
            and f.pattern is None
            and f.name not in table.primary_key
        ]
        path = target / table.path
        reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
        header, *rows = list(reader)
        for c, name in enumerate(free):
            col = header.index(name)
            values = []
            for r, row in enumerate(rows):
                value = HOSTILE[(r + c) % len(HOSTILE)]
                if table.name == "contacts" and name == "value" and "@" in row[col]:
                    value = row[col]  # an email contact's value must stay an address
                if name in ("motivation", "text") and r == 0:
                    value = LONG_FIELD + value
                row[col] = value
                values.append(value)
            placed[(table.name, name)] = values
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *rows])
        path.write_text(buf.getvalue(), encoding="utf-8")
    return placed


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    data = tmp_path_factory.mktemp("hostile") / "data"
    placed = _hostile_copy(data)
    assert cvdata.validate(data, as_of=AS_OF).ok
    return render_site(data.parent / "project", data).root, placed


#: Columns the CV shows; the hostile strings in them must come out literally.
SHOWN = [
    ("roles", "title"),
    ("roles", "organisation"),
    ("projects", "title"),
    ("project_contributions", "text"),
    ("papers", "title"),
    ("paper_authors", "name"),
    ("skills", "skill"),
    ("awards", "name"),
    ("talks", "title"),
    ("service", "organisation"),
    ("events", "name"),
    ("person", "name"),
]


#: Columns printed as prose: Markdown of the safe subset (emphasis, strong, code, links)
#: is read there, so what a reader sees is its text; anything else stays literal.
PROSE = {
    ("project_contributions", "text"),
    ("role_highlights", "text"),
    ("volunteering_items", "text"),
    ("projects", "motivation"),
    ("projects", "description"),
    ("references", "reference"),
}


def _as_shown(table: str, column: str, value: str) -> str:
    """The text a reader sees for a cell: a prose cell's Markdown as the writers show it."""
    if (table, column) not in PROSE:
        return value
    return "".join(r.text for r in expand(prose(value)))


def test_hostile_text_appears_literally_in_html_and_pdf(hostile) -> None:
    out, placed = hostile
    page = _text_of_html(out / "cv.html")
    pdf = _text_of_pdf(out / "cv.pdf")
    for key in SHOWN:
        for value in set(placed[key]):
            shown = _as_shown(*key, value)
            assert _squash(shown) in page, (key, value)
            assert _squash(shown) in pdf, (key, value)


class _Elements(html.parser.HTMLParser):
    """Every start tag with its attributes, and the text of every script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def test_the_markup_search_finds_markup() -> None:
    parsed = _Elements()
    parsed.feed('<p title="<img src=x>">a</p><img src=x onerror=alert(2)><script>x</script>')
    assert [t for t, _ in parsed.tags] == ["p", "img", "script"]
    assert parsed.tags[1][1] == {"src": "x", "onerror": "alert(2)"} and parsed.scripts == ["x"]


def test_hostile_text_makes_no_markup(hostile) -> None:
    out, _ = hostile
    for page in out.rglob("*.html"):
        # Elements and attributes as a browser parses them: Quarto re-serialises the page,
        # and text inside a quoted attribute (e.g. a chart's aria-label) keeps its `<`
        # unescaped there, inert.
        parsed = _Elements()
        parsed.feed(page.read_text(encoding="utf-8"))
        assert [a for t, a in parsed.tags if t == "img" and a.get("src") == "x"] == []
        handlers = [v for _, a in parsed.tags for k, v in a.items() if k.startswith("on")]
        assert [v for v in handlers if "alert" in (v or "")] == []
        assert [a for t, a in parsed.tags if "evil.example" in (a.get("href") or "")] == []
        assert [s for s in parsed.scripts if "<script>alert" in s or "<img src=x" in s] == []
    # Quarto expands shortcodes and Markdown in what the pages print: none may form, so the
    # literal shortcode stays on the page (and in the PDF, tested above).
    page = _text_of_html(out / "cv.html")
    assert "{{< pagebreak >}}" in page and "{{< meta title >}}" in page


def test_hostile_text_runs_nothing_in_a_browser(hostile) -> None:
    out, placed = hostile
    sync_api = pytest.importorskip("playwright.sync_api")
    dialogs: list[str] = []
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            for name in ("index.html", "cv.html", "notebooks/timeline.html"):
                visit = Visit(browser, f"{base}/{name}")
                visit.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                visit.page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
                visit.page.wait_for_timeout(500)
                shown = _squash(visit.page.inner_text("body"))
                # The CV page shows every title in full; chart pages show the owner's name.
                wanted = placed[("roles", "title")] if name == "cv.html" else []
                for value in {*wanted, *placed[("person", "name")]}:
                    assert _squash(value) in shown, (name, value)
                assert visit.outside == [], visit.outside
                visit.page.close()
            # Chart hover: the timeline bar of a role with a hostile title shows it as text.
            visit = Visit(browser, f"{base}/notebooks/timeline.html")
            page = visit.page
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
            ticks = " ".join(page.locator(".js-plotly-plot .ytick").all_text_contents())
            assert "<script>alert(1)</script>"[:20] in ticks or "<img src=x" in ticks, ticks
            bars = page.locator(".js-plotly-plot").first.locator(".trace.bars .point path")
            seen = []
            for i in range(min(bars.count(), 8)):
                box = bars.nth(i).bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_timeout(150)
                seen.append(" ".join(page.locator(".hoverlayer").all_text_contents()))
            hover = " ".join(seen)
            assert any(
                v in hover for v in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>")
            )
            browser.close()
    finally:
        server.shutdown()
    assert dialogs == []


# ------------------------------------------------------------------ 3. nothing lost

#: For each table, the column whose every value must be findable in the CV.
RECONCILE = {
    "roles": ["title", "organisation"],
    "projects": ["title"],
    "project_contributions": ["text"],
    "papers": ["title"],
    "paper_authors": ["name"],
    "skills": ["skill"],
    "awards": ["name"],
    "talks": ["title"],
    "service": ["organisation"],
    "events": ["name"],
    "teaching": ["course_title"],
    "certifications": ["name"],
    "certification_scores": ["component"],
    "activities": ["name"],
    "volunteering": ["role", "organisation"],
    "volunteering_items": ["text"],
    "advisors": ["name"],
    "role_highlights": ["text"],
}


def _reconcile(cv: cvdata.CV, page: str, pdf: str) -> list[str]:
    missing = []
    for table, columns in RECONCILE.items():
        df = getattr(cv, table)
        for column in columns:
            for value in df[column].dropna():
                for where, text in (("html", page), ("pdf", pdf)):
                    if _squash(_as_shown(table, column, value)) not in text:
                        missing.append(f"{where}: {table}.{column}: {value}")
    return missing


def test_every_row_reaches_the_site_and_the_pdf(rendered_site: RenderedSite, cv) -> None:
    page = _text_of_html(rendered_site.page("cv.html"))
    pdf = _text_of_pdf(rendered_site.page("cv.pdf"))
    assert _reconcile(cv, page, pdf) == []


@pytest.mark.parametrize("example", ["minimal", "multilingual"])
def test_every_row_of_the_examples_is_rendered(example: str, render_data) -> None:
    data = EXAMPLES / example
    out = render_data(data)
    cv = cvdata.load(data, as_of=AS_OF)
    page = _text_of_html(out / "cv.html")
    pdf = _text_of_pdf(out / "cv.pdf")
    assert _reconcile(cv, page, pdf) == []


# ------------------------------------------------------------------ 4. nothing stale
# tests/test_render.py: test_freeze_reuses_pages_until_the_data_changes


# ------------------------------------------------------------------ 5. nothing private


def _private_values(cv: cvdata.CV) -> list[str]:
    values = []
    for row in cv.contacts[cv.contacts["visibility"] == "private"].itertuples():
        for v in (row.value, row.label):
            if isinstance(v, str) and v:
                values.append(v)
                digits = re.sub(r"\D", "", v)
                if len(digits) >= 7:
                    values.append(digits)  # the number written another way
    return values


def _leaks(root: Path, private: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".pdf":
            text = _text_of_pdf(path)
            text += re.sub(r"\s", "", text)
        else:
            raw = path.read_bytes().decode("utf-8", errors="ignore")
            text = raw + html.unescape(raw)
        found += [f"{path.relative_to(root)}: {v}" for v in private if v in text]
    return found


def test_private_contacts_appear_in_no_output_file(rendered_site: RenderedSite, cv) -> None:
    private = _private_values(cv)
    assert len(private) >= 4  # three phones (two spellings each) and the address
    assert _leaks(rendered_site.root, private) == []


def test_private_contacts_of_an_example_stay_private(render_data) -> None:
    data = EXAMPLES / "multilingual"
    private = _private_values(cvdata.load(data, as_of=AS_OF))
    assert private
    assert _leaks(render_data(data), private) == []


def test_the_leak_search_finds_a_leak(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>call +1&#32;555 0100</p>", encoding="utf-8")
    assert _leaks(tmp_path, ["+1 555 0100"]) == ["page.html: +1 555 0100"]


# ------------------------------------------------------------------ 6. any CV


def test_minimal_example_leaves_out_empty_sections(render_data) -> None:
    out = render_data(EXAMPLES / "minimal")
    raw = (out / "cv.html").read_text(encoding="utf-8")
    # The page's own content, not the site navigation (which lists every page).
    main = re.search(r"<main\b.*?</main>", raw, re.S)
    page = _squash(html.unescape(re.sub(r"<[^>]+>", " ", main.group(0) if main else raw)))
    for heading in ("Publications", "Education", "Talks", "Honours and awards"):
        assert heading not in page
    assert "Experience" in page and "Skills" in page


@pytest.mark.parametrize("example", ["minimal", "multilingual"])
def test_examples_draw_no_empty_chart(example: str, render_data) -> None:
    out = render_data(EXAMPLES / example)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for spec in re.findall(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", text, re.S):
            traces = json.loads(spec)
            drawn = [t for t in traces if any(v is not None for v in (t.get("x") or []))]
            assert drawn, f"{page.name}: a chart with no data"
