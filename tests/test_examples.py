"""The example people of ``examples/``: each made from a JSON Resume with one command, and
each rendered by ``quarto render`` with every shown row in the site and the PDF."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, PROJECT
from test_hostile import _reconcile, _text_of_html, _text_of_pdf

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
    # The PDF opens with the person.
    first = subprocess.run(
        ["pdftotext", "-l", "1", str(out / "cv.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert first.split("\n")[0].strip() == cv.owner["name"]


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
            assert f'"text":{json.dumps(list(part["skill"]))}' in html_page, category
        assert "years not given" not in html_page
    # The PDF's chart is text in the PDF too: panel titles with the level, every tile.
    pdf = _text_of_pdf(out / "cv.pdf")
    for category in cv.skills["category"].unique():
        assert f"{category} · {levels[category]} · " in pdf, category
    for skill in cv.skills["skill"]:
        assert pdf.count(skill) >= 2, skill  # the CV's skills section and the chart's tile
    assert "the CV gives no years per skill" in pdf and "years not given" not in pdf
