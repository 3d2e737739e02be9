"""Text from the data reaches every chart as text, never as plotly markup.

plotly reads ``<a href>``, ``<b>``, ``<br>`` and ``<span style>`` in tick labels, category
values, legend entries, text, titles and annotations. A CV whose every free-text column
(and, through a fork's descriptor, the allowed values of role kinds and paper statuses)
holds markup is loaded, every figure builder is run on it, and the whole figure is
searched: no markup from the data survives, the escaped text is there, the page's HTML
has no live link, and a real SVG export (Chromium through kaleido) draws the text
literally and compiles in Typst.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path

import plotly.graph_objects as go
import pytest
from chart_helpers import FIGURE_NAMES, all_figures
from conftest import AS_OF, DATA_DIR

import cvdata
from cvdata.schema import default_package

LINK = '<a href="https://evil.example/">Pascal</a>'
BIG = '<span style="font-size:99px">Huge</span>'
BOLD = "<b>bold</b> & <br>break"
ENTITY = "&lt;i&gt;entity&lt;/i&gt;"  # already escaped text must stay as typed
PAYLOADS = [LINK, BIG, BOLD, ENTITY]
#: What the payloads would be as markup (ENTITY: what plotly would decode it into).
RAW = ["<a ", "<a>", "</a>", "<span", "</span", "<b>bold", "<br>break", "&lt;i&gt;entity"]
ESCAPED = ["&lt;a href=", "&lt;span style=", "&lt;b&gt;bold", "&amp;lt;i&amp;gt;entity"]
#: Keys plotly never draws as text.
SILENT = {"ids", "legendgroup", "meta", "uid", "template", "hovertemplate"}
#: An allowed value a fork adds to an enum, and where it goes.
ENUMS = {("roles", "kind"): LINK, ("papers", "status"): BIG, ("venues", "kind"): BOLD}


def _free_text(table) -> list[str]:
    keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.fields}
    return [
        f.name
        for f in table.fields
        if f.type == "string" and f.enum is None and f.pattern is None and f.name not in keys
    ]


def _hostile_data(target: Path) -> Path:
    shutil.copytree(DATA_DIR, target)
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    for (table, column), value in ENUMS.items():
        resource = next(r for r in descriptor["resources"] if r["name"] == table)
        field = next(f for f in resource["schema"]["fields"] if f["name"] == column)
        field["constraints"]["enum"].append(value)
    (target / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for table in default_package().tables:
        if table.name == "contacts":
            continue  # no chart draws them, and an email contact must stay an address
        path = target / table.path
        header, *rows = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
        for c, name in enumerate(_free_text(table)):
            col = header.index(name)
            for row in rows:
                if row[col]:  # keep empty cells empty (optional parts stay optional)
                    # The payload follows the value: equal cells (a category, a co-author)
                    # stay equal, and different ones stay different.
                    payload = PAYLOADS[(zlib.crc32(row[col].encode()) + c) % len(PAYLOADS)]
                    row[col] = f"{payload} {row[col]}"
        for (t, column), value in ENUMS.items():
            if t == table.name:
                col = header.index(column)
                for r in range(0, len(rows), 2):
                    rows[r][col] = value
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\n").writerows([header, *rows])
        path.write_text(out.getvalue(), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def hostile_cv(tmp_path_factory: pytest.TempPathFactory) -> cvdata.CV:
    folder = _hostile_data(tmp_path_factory.mktemp("markup") / "data")
    return cvdata.load(folder, as_of=AS_OF)  # markup is valid text: it must render


@pytest.fixture(scope="module")
def hostile_no_years(tmp_path_factory: pytest.TempPathFactory) -> cvdata.CV:
    """The hostile CV as a JSON Resume import has it: no years, a level per category (the
    levels markup too, so none is on the level scale and all are drawn as text)."""
    folder = _hostile_data(tmp_path_factory.mktemp("markup-no-years") / "data")
    path = folder / "skills.csv"
    header, *rows = list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))
    for row in rows:
        row[header.index("years")] = ""
    categories = list(dict.fromkeys(row[header.index("category")] for row in rows))
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(
        [["name", "level", "notes"]]
        + [[c, PAYLOADS[i % len(PAYLOADS)], ""] for i, c in enumerate(categories)]
    )
    (folder / "skill_categories.csv").write_text(out.getvalue(), encoding="utf-8")
    return cvdata.load(folder, as_of=AS_OF)


@pytest.fixture(scope="module")
def built(hostile_cv: cvdata.CV, hostile_no_years: cvdata.CV) -> dict[str, go.Figure]:
    from cvdata import charts

    figs = {name: fig for name, (fig, _) in all_figures(hostile_cv).items()}
    # Without years the skills charts are other figures: tiles and a level panel.
    figs["skills_tiles"] = charts.skills.figure(charts.skills.table(hostile_no_years))
    figs["skills_levels"] = charts.skills_overview.figure(
        charts.skills_overview.table(hostile_no_years)
    )
    return figs


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string of a figure's JSON with where it is, leaving out what is never drawn."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in SILENT:
                yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def test_the_hostile_cv_puts_markup_in_every_column_a_chart_draws(hostile_cv) -> None:
    assert hostile_cv.skills["skill"].str.contains("<a href", regex=False).any()
    assert hostile_cv.skills["category"].str.contains("<|&lt;").all()
    assert hostile_cv.venues["acronym"].str.contains("<|&lt;").any()
    assert hostile_cv.roles["title"].str.contains("<|&lt;").all()
    assert hostile_cv.paper_authors["name"].str.contains("<|&lt;").all()
    assert (hostile_cv.roles["kind"] == LINK).any() and (hostile_cv.papers["status"] == BIG).any()


# Every figure, and the two the skills charts are without years.
@pytest.mark.parametrize("name", [*FIGURE_NAMES, "skills_tiles", "skills_levels"])
def test_no_markup_from_the_data_reaches_a_figure(built, name: str) -> None:
    spec = json.loads(built[name].to_json())
    found = [(where, s) for where, s in _strings(spec) if any(r in s for r in RAW)]
    assert found == [], found[:5]
    # The text is there, escaped (plotly decodes the entities: it shows as typed).
    drawn = [s for where, s in _strings(spec) if "hover" not in where]
    assert any(e in s for s in drawn for e in ESCAPED), f"{name}: no data text drawn"


@pytest.mark.parametrize("name", ["skills", "skills_overview", "venues", "coauthors"])
def test_category_axes_hold_escaped_labels(built, name: str) -> None:
    fig = built[name]
    axes = [fig.layout[k] for k in fig.layout if k.startswith(("xaxis", "yaxis"))]
    arrays = [list(a.categoryarray) for a in axes if a.categoryarray is not None]
    assert arrays
    for values in arrays:
        for v in values:
            assert "<" not in v and ">" not in v
            assert html.escape(html.unescape(v), quote=False) == v  # escaped exactly once


def test_timeline_row_labels_are_escaped_text_in_our_lines(built) -> None:
    # The rows' labels wrap (our <br>) and set the organisation in bold (our <b>): the
    # text between is the data's, escaped exactly once.
    labels = list(built["timeline"].layout.yaxis.ticktext)
    assert any("&lt;" in label for label in labels)
    for label in labels:
        for line in label.split("<br>"):
            text = re.sub("</?b>", "", line)  # escaped data holds no "<b>": only ours go
            assert "<" not in text and ">" not in text, label
            assert html.escape(html.unescape(text), quote=False) == text, label


def test_the_page_html_has_no_live_link(built) -> None:
    for name, fig in built.items():
        page = fig.to_html(include_plotlyjs=False, full_html=False)
        # The figure's JSON is in a script, with quotes, "<", ">" and "/" escaped.
        for code, char in (("\\u002f", "/"), ("\\u003c", "<"), ("\\u003e", ">")):
            page = page.replace(code, char)
        for raw in ('<a href=\\"https://evil', '<span style=\\"', "<b>bold"):
            assert raw not in page, name
        if name not in ("years", "authorship"):  # no free text drawn there
            assert '&lt;a href=\\"https://evil' in page, name


def test_chart_titles_given_by_a_page_are_text_too(hostile_cv) -> None:
    from cvdata import charts

    fig = charts.career_time.figure(charts.career_time.table(hostile_cv), title=LINK)
    assert fig.layout.title.text == html.escape(LINK, quote=False)


@pytest.fixture(scope="module")
def svgs(built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from cvdata.quarto.static import static_export

    out = tmp_path_factory.mktemp("svg")
    texts = {}
    for name in (
        "skills",
        "venues",
        "coauthors",
        "timeline",
        "skills_overview",
        "projects",
        "skills_tiles",
        "skills_levels",
    ):
        fig = built[name]
        path = out / f"{name}.svg"
        static_export(fig, path, 820, int(fig.layout.height or 450))
        texts[name] = path.read_text(encoding="utf-8")
    return texts


def test_an_svg_export_draws_the_markup_as_literal_text(svgs: dict[str, str]) -> None:
    for name, svg in svgs.items():
        # No link and no style from the data: plotly would draw <a> as an SVG <a> element.
        assert "<a " not in svg and 'xlink:href="https://evil' not in svg, name
        assert "font-size: 99px" not in svg, name  # plotly writes styles so
        assert "font-size: 13px" in svg or "font-size: 12px" in svg, name
        # The markup is drawn as the text it is (XML-escaped in the SVG).
        literal = re.findall(r"(?:&#60;|&lt;)(?:a href|span style|b(?:&#62;|&gt;))", svg)
        assert literal, f"{name}: the labels' text is not drawn literally"


def test_the_svgs_compile_in_typst(svgs: dict[str, str], tmp_path: Path) -> None:
    import typst

    body = []
    for name, svg in svgs.items():
        (tmp_path / f"{name}.svg").write_text(svg, encoding="utf-8")
        body.append(f'#image("{name}.svg", width: 100%)')
    (tmp_path / "doc.typ").write_text("\n".join(body), encoding="utf-8")
    pdf = tmp_path / "doc.pdf"
    typst.compile(str(tmp_path / "doc.typ"), output=str(pdf), font_paths=["/usr/share/fonts"])
    assert pdf.stat().st_size > 1000
