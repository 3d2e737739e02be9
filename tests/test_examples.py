"""The example people of ``examples/``: each made from a JSON Resume with one command, and
each rendered by ``quarto render`` with every shown row in the site and the PDF."""

from __future__ import annotations

import html
import itertools
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pytest
from conftest import AS_OF, PROJECT
from test_hostile import _leaks, _reconcile, _squash, _text_of_html, _text_of_pdf

import cvdata
from cvdata import dates

EXAMPLES = PROJECT / "examples"
RESUMES = PROJECT / "tests" / "fixtures" / "jsonresume"
#: The examples made from a resume of tests/fixtures/jsonresume/ (``cvdata import
#: jsonresume FIXTURE examples/NAME``).
FROM_RESUMES = ("new-graduate", "career-changer", "senior-engineer")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("name", FROM_RESUMES)
def test_example_is_its_resume_imported(name: str, tmp_path: Path) -> None:
    # The example never drifts from its resume: a fresh import gives the same files.
    source = PROJECT / "tests" / "fixtures" / "jsonresume" / f"{name}.json"
    done = subprocess.run(
        [sys.executable, "-m", "cvdata", "import", "jsonresume", str(source), str(tmp_path / "cv"),
         "--as-of", AS_OF.isoformat()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert _files(tmp_path / "cv") == _files(EXAMPLES / name)


@pytest.mark.render
@pytest.mark.parametrize("name", FROM_RESUMES)
def test_example_person_is_rendered_whole(name: str, render_data) -> None:
    data = EXAMPLES / name
    out = render_data(data)
    cv = cvdata.load(data, as_of=AS_OF)
    page, pdf = _text_of_html(out / "cv.html"), _text_of_pdf(out / "cv.pdf")
    assert _reconcile(cv, page, pdf) == []
    # Nothing that is not theirs: no "nothing here yet" text, no page they have nothing for.
    for page_file in out.rglob("*.html"):
        assert not re.search(r"\byet\b", _text_of_html(page_file)), page_file.name
    assert not re.search(r"\byet\b", pdf)
    if cv.papers.empty:
        assert not (out / "notebooks" / "publications.html").exists()
    opens_with_the_person(out / "cv.pdf", cv)
    assert blank_stretches(out / "cv.pdf") == []
    # No chart of one thing in the PDF (one venue, no skill with years): the web page has
    # the chart, the PDF the text only.
    for caption in ("Publications by venue", "Years of experience per skill"):
        assert (caption in pdf) == (caption in page and caption in _figures_drawn(data)), caption


def _figures_drawn(data: Path) -> str:
    """The captions of the charts the PDF draws (fewer than two things: none)."""
    from cvdata import charts, page

    cv = cvdata.load(data, as_of=AS_OF)
    venues = charts.venues.table(cv)
    skills = charts.skills.table(cv, per_category=3)
    drawn = []
    for fig, (caption, _) in (
        (charts.venues.figure(venues), charts.venues.describe(venues)),
        (charts.skills.figure(skills), charts.skills.describe(skills)),
    ):
        if fig.data and (page.drawn_items(fig) or 0) >= page.PDF_MIN_ITEMS:
            drawn.append(caption)
    return " ".join(drawn)


def _first_page(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return _squash(out.stdout)


def opens_with_the_person(pdf: Path, cv: cvdata.CV) -> None:
    """The PDF's first page starts with the person's name and, when the CV has one, the
    summary (before any chart or section); the text of the CV starts on that page too."""
    from cvdata.document import build

    first = _first_page(pdf)
    assert first.startswith(cv.owner["name"]), first[:200]
    _, sections = build(cv)
    lead = sections[0]
    entry = "".join(run.text for run in lead.entries[0].title)
    assert _squash(lead.title) in first and _squash(entry) in first, first[:600]
    summary = cv.owner.get("summary")
    if isinstance(summary, str) and summary.strip():
        at = first.find(_squash(summary))
        assert at > 0, first[:600]
        later = [first.find(t) for t in (_squash(lead.title), "Figure 1") if t in first]
        assert at < min(later), first[:600]


#: The PDF's page margin at top and bottom (cv.qmd: ``margin: y: 1.5cm``) in points.
_MARGIN_PT = 1.5 / 2.54 * 72
_DPI = 30


def _ink_rows(pdf: Path, page: int) -> list[bool]:
    """For each pixel row of the page's body (within the margins, so no page number):
    whether anything is drawn on it."""
    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(_DPI), "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    _, width, height, _, pixels = re.match(
        rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", pgm, re.S
    ).groups()
    w, h = int(width), int(height)
    margin = round(_MARGIN_PT / 72 * _DPI)
    return [min(pixels[r * w : (r + 1) * w]) < 200 for r in range(margin, h - margin)]


def blank_stretches(pdf: Path, share: float = 1 / 3) -> list[str]:
    """The pages with a blank stretch of at least ``share`` of the body's height: between
    two things on any page, or under the last thing on a page that is not the last
    (the end of the CV may leave its page part blank)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    found = []
    for page in range(1, pages + 1):
        rows = _ink_rows(pdf, page)
        inked = [i for i, ink in enumerate(rows) if ink]
        assert inked, f"page {page} is blank"
        gaps = [b - a - 1 for a, b in itertools.pairwise(inked)]
        if page < pages:
            gaps.append(len(rows) - 1 - inked[-1])
        if max(gaps, default=0) >= share * len(rows):
            found.append(f"page {page}: {max(gaps) / len(rows):.0%} blank")
    return found


def test_blank_stretches_are_measured(tmp_path: Path) -> None:
    import typst

    for name, body in {
        "full": "#lorem(1400)",
        "gap": "#lorem(100)\n#v(1fr)\n#lorem(100)",
        "short-end": "#lorem(1400)\n#pagebreak()\n#lorem(50)",
        "early-break": "#lorem(100)\n#pagebreak()\n#lorem(100)",
    }.items():
        (tmp_path / f"{name}.typ").write_text(
            '#set page(paper: "a4", margin: (x: 1.6cm, y: 1.5cm))\n' + body, encoding="utf-8"
        )
        typst.compile(str(tmp_path / f"{name}.typ"), output=str(tmp_path / f"{name}.pdf"))
    assert blank_stretches(tmp_path / "full.pdf") == []
    assert blank_stretches(tmp_path / "short-end.pdf") == []  # the last page may end early
    for name in ("gap", "early-break"):  # a hole in a page; a page left after a few lines
        found = blank_stretches(tmp_path / f"{name}.pdf")
        assert len(found) == 1 and found[0].startswith("page 1: "), (name, found)


@pytest.mark.render
def test_skills_of_a_resume_without_years_are_drawn_as_what_it_holds(render_data) -> None:
    # career-changer's JSON Resume gives a level per category and no years per skill.
    data = EXAMPLES / "career-changer"
    out = render_data(data)  # the render of test_example_person_is_rendered_whole
    cv = cvdata.load(data, as_of=AS_OF)
    assert cv.skills["years"].isna().all()
    levels = cv.skill_categories.set_index("name")["level"]
    page = out / "notebooks" / "skills.html"
    raw, text = page.read_text(encoding="utf-8"), _text_of_html(page)
    # The page's words and captions say what the data holds, and nothing about years.
    assert "Every skill of the CV by category, with each category's level." in text
    assert "the CV gives no years per skill" in text
    for said in ("years not given", "Years of experience", "median", '"Years"'):
        assert said not in raw, said
    # The overview's level scale names the CV's levels; every skill is named on a tile, on
    # the skills page and on the overview (index) page.
    assert '"ticktext":["Intermediate","Expert"]' in raw
    for html_page in (raw, (out / "index.html").read_text(encoding="utf-8")):
        for category, part in cv.skills.groupby("category", sort=False):
            # plotly writes its JSON compact or spaced, as its JSON engine does
            tiles = [f'"text":{json.dumps(list(part["skill"]), separators=sep)}'
                     for sep in ((",", ":"), (", ", ": "))]  # fmt: skip
            assert any(t in html_page for t in tiles), category
        assert "years not given" not in html_page
    # The PDF's chart is text in the PDF too: panel titles with the level, every tile.
    pdf = _text_of_pdf(out / "cv.pdf")
    for category in cv.skills["category"].unique():
        assert f"{category} · {levels[category]} · " in pdf, category
    for skill in cv.skills["skill"]:
        assert pdf.count(skill) >= 2, skill  # the CV's skills section and the chart's tile
    assert "the CV gives no years per skill" in pdf and "years not given" not in pdf


# ------------------------------------------------------------ every fact of the resume

#: Leaves of a resume that are not facts the CV prints, each with why (JSON paths, a
#: prefix covering what is under it).
NOT_PRINTED = {
    "$schema": "the format of the document, not a fact about the person",
    "meta": "about the document (its address, version, last change), not the person",
    "basics.image": "a picture on another server: the site fetches nothing while viewed "
    "and the PDF is compiled offline, so it is kept in person.csv, not shown",
}
#: Leaves that must never reach any output file (README: phone and street address are
#: private; references are private unless marked public, which JSON Resume cannot say).
PRIVATE = ("basics.phone", "basics.location.address", "references")
#: Keys whose values are dates: printed at their precision (``2019-03`` as ``Mar 2019``).
DATE_KEYS = {"startDate", "endDate", "date", "releaseDate"}


def _leaves(node: object, path: str = "") -> list[tuple[str, str, object]]:
    """(JSON path, key, value) of every leaf: a string, number or boolean."""
    if isinstance(node, dict):
        return [
            leaf
            for key, value in node.items()
            for leaf in _leaves(value, f"{path}.{key}" if path else key)
        ]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in _leaves(value, f"{path}[{i}]")]
    return [(path, path.rsplit(".", 1)[-1].split("[")[0], node)]


def _under(path: str, prefixes: Iterable[str]) -> bool:
    return any(path == p or path.startswith((p + ".", p + "[")) for p in prefixes)


def _norm(text: str) -> str:
    """Text as both outputs are compared: ligatures and compatibility forms unfolded (a
    PDF's 'ﬁ'), whitespace and line breaks after hyphens squashed as in test_hostile."""
    return _squash(unicodedata.normalize("NFKC", text))


def _printed(key: str, value: object) -> str:
    """How a leaf appears in the CV's text: a date at its precision, the rest as written."""
    if key in DATE_KEYS:
        day, precision = dates.parse(str(value))
        return dates.show(pd.Timestamp(day), precision)
    return str(value)


def _is_url(key: str, value: object) -> bool:
    return key == "url" or (isinstance(value, str) and value.startswith(("http://", "https://")))


def _hrefs(page: Path) -> set[str]:
    raw = page.read_text(encoding="utf-8")
    return {html.unescape(h) for h in re.findall(r'\bhref="([^"]*)"', raw)}


def _pdf_links(pdf: Path) -> set[str]:
    """The targets of the PDF's links (its URI actions, which Typst writes as literal
    strings outside compressed streams): where a URL is in a PDF CV that shows a word
    ('Website') rather than the address."""
    raw = pdf.read_bytes()
    found = re.findall(rb"/URI\s*\(((?:[^()\\]|\\.)*)\)", raw)
    return {re.sub(rb"\\(.)", rb"\1", f).decode("latin-1") for f in found}


def _missing_facts(
    document: dict, page: str, pdf: str, hrefs: set[str], links: set[str]
) -> tuple[list[str], int]:
    """The leaves of ``document`` not found in the page's or the PDF's text (URLs: among
    the links), and how many were checked."""
    missing, checked = [], 0
    page, pdf = _norm(page), _norm(pdf)
    for path, key, value in _leaves(document):
        if _under(path, NOT_PRINTED) or _under(path, PRIVATE):
            continue
        checked += 1
        if _is_url(key, value):
            if value not in hrefs and _norm(str(value)) not in page:
                missing.append(f"html: {path}: {value} (no link to it)")
            if value not in links and _norm(str(value)) not in pdf:
                missing.append(f"pdf: {path}: {value} (no link to it)")
            continue
        shown = _norm(_printed(key, value))
        for where, text in (("html", page), ("pdf", pdf)):
            if shown not in text:
                missing.append(f"{where}: {path}: {shown!r}")
    return missing, checked


def _private_leaves(document: dict) -> list[str]:
    values = []
    for path, _, value in _leaves(document):
        if _under(path, PRIVATE) and isinstance(value, str) and value:
            values.append(value)
            digits = re.sub(r"\D", "", value)
            if len(digits) >= 7:
                values.append(digits)  # a phone number written another way
    return values


def test_the_fact_walk_sees_every_leaf() -> None:
    # The walk itself: nested lists and objects, every kind of leaf, the paths named.
    doc = {"a": {"b": [1, {"c": "x"}], "d": True}, "e": [["y"]]}
    assert _leaves(doc) == [
        ("a.b[0]", "b", 1), ("a.b[1].c", "c", "x"), ("a.d", "d", True), ("e[0][0]", "e", "y")
    ]  # fmt: skip
    assert _printed("startDate", "2019-03") == "Mar 2019"
    assert _printed("releaseDate", "2011-02-17") == "17 Feb 2011"
    assert _printed("date", "2018") == "2018"
    missing, checked = _missing_facts({"basics": {"name": "Ann"}, "meta": {"version": "1"}},
                                      "Bob", "Ann", set(), set())  # fmt: skip
    assert (missing, checked) == (["html: basics.name: 'Ann'"], 1)


@pytest.mark.render
@pytest.mark.parametrize("name", FROM_RESUMES)
def test_every_fact_of_the_resume_is_in_the_html_and_the_pdf(name: str, render_data) -> None:
    document = json.loads((RESUMES / f"{name}.json").read_text(encoding="utf-8"))
    out = render_data(EXAMPLES / name)
    missing, checked = _missing_facts(
        document,
        _text_of_html(out / "cv.html"),
        _text_of_pdf(out / "cv.pdf"),
        _hrefs(out / "cv.html"),
        _pdf_links(out / "cv.pdf"),
    )
    assert checked >= 40, checked  # the resume's facts were walked, not skipped
    assert missing == []
    # What is private stays out of every file of the site, the PDF included.
    private = _private_leaves(document)
    assert private or name == "new-graduate"  # she gives no phone, address or reference
    assert _leaks(out, private) == []
