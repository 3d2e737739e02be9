"""The example people of ``examples/``: each made from a JSON Resume with one command, and
each rendered by ``quarto render`` with every shown row in the site and the PDF."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, PROJECT
from test_hostile import _reconcile, _squash, _text_of_html, _text_of_pdf

import cvdata

EXAMPLES = PROJECT / "examples"
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
    for html in out.rglob("*.html"):
        assert not re.search(r"\byet\b", _text_of_html(html)), html.name
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
    from cvdata import figures, page, shape

    cv = cvdata.load(data, as_of=AS_OF)
    venues = shape.venue_counts(cv)
    skills = shape.skills_years(cv, per_category=3)
    drawn = []
    for fig, (caption, _) in (
        (figures.publications_by_venue(venues), figures.describe_publications_by_venue(venues)),
        (figures.skills(skills), figures.describe_skills(skills)),
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
