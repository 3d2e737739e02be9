"""Undated roles, degrees and volunteering (issue 21): shown without dates, off the
timeline and the counts of years, and nothing else breaks on them."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import AS_OF, PROJECT

import cvdata
from cvdata.cells import end_state, sorted_roles
from cvdata.charts import career_time, timeline
from cvdata.charts.numbers import headline_numbers
from cvdata.dashboard import value_boxes
from cvdata.document import build, html_section, typst_section

UNDATED_ROLES = (
    "old-lab,Old Lab,,Visiting Researcher,research,,,,,,,,,,\n"
    "until-job,Until Co,,Clerk,industry,,2019,,,,,,,,\n"
    "old-school,Old School,,Diploma,education,,,,,,,,,,\n"
)


def _folder(tmp_path: Path, undated: bool) -> Path:
    folder = tmp_path / ("undated" if undated else "dated")
    shutil.copytree(PROJECT / "examples" / "minimal", folder)
    if undated:
        with (folder / "roles.csv").open("a", encoding="utf-8") as f:
            f.write(UNDATED_ROLES)
        with (folder / "education.csv").open("a", encoding="utf-8") as f:
            f.write("old-school,,,,,Diploma,,,\n")
        with (folder / "volunteering.csv").open("a", encoding="utf-8") as f:
            f.write("helping,Code Club,Mentor,,,,,,\n")
    return folder


@pytest.fixture
def cvs(tmp_path: Path) -> tuple[cvdata.CV, cvdata.CV]:
    return (
        cvdata.load(_folder(tmp_path, False), as_of=AS_OF),
        cvdata.load(_folder(tmp_path, True), as_of=AS_OF),
    )


def test_undated_rows_validate(tmp_path: Path) -> None:
    result = cvdata.validate(_folder(tmp_path, True), as_of=AS_OF)
    assert result.ok, result.problems


def test_undated_roles_are_off_the_timeline_and_the_years(cvs) -> None:
    dated, undated = cvs
    assert set(undated.roles["id"]) - set(dated.roles["id"]) == {
        "old-lab",
        "old-school",
        "until-job",  # an end but no start: printed "2019", not drawn
    }
    assert list(timeline.table(undated)["role_id"]) == list(timeline.table(dated)["role_id"])
    # Not a present role: no years counted for them, no research lane.
    assert career_time.table(undated).equals(career_time.table(dated))
    numbers = {
        name: headline_numbers(cv).set_index("key")["value"]
        for name, cv in zip("du", cvs, strict=True)
    }
    assert numbers["u"]["experience_years"] == numbers["d"]["experience_years"] > 0
    assert numbers["u"]["roles"] == numbers["d"]["roles"] + 3  # counted as roles, not years
    assert [b.key for b in value_boxes(undated)] == [b.key for b in value_boxes(dated)]


def test_undated_roles_sort_last_not_as_ongoing(cvs) -> None:
    _, cv = cvs
    # example-lab is ongoing (no end, a start): first; the undated ones after it.
    assert list(sorted_roles(cv.roles, AS_OF)["id"]) == [
        "example-lab",
        "until-job",
        "old-lab",
        "old-school",
    ]


def test_undated_entries_are_printed_without_dates(cvs) -> None:
    _, cv = cvs
    _, sections = build(cv, ["experience", "education", "volunteering"])
    by_id = {s.id: s for s in sections}
    entries = {"".join(r.text for r in e.title): e for s in sections for e in s.entries}
    assert entries["Visiting Researcher"].date == ""
    assert entries["Diploma"].date == ""
    assert entries["Mentor"].date == ""
    assert "Present" not in html_section(by_id["education"])
    for section in sections:  # both writers take an entry without a date
        assert "Present" not in typst_section(section) or section.id == "experience"
        html_section(section)


# ---------------------------------------------------------------- item 8: reading an end

DEGREES = (
    "old-degree,Old University,,PhD in History,education,1989,,,,,,,,,\n"
    "new-degree,New University,,BSc in Physics,education,2023-09,2029,,,,,,,,\n"
)


@pytest.fixture
def degrees(tmp_path: Path) -> cvdata.CV:
    folder = _folder(tmp_path, False)
    with (folder / "roles.csv").open("a", encoding="utf-8") as f:
        f.write(DEGREES)
    with (folder / "education.csv").open("a", encoding="utf-8") as f:
        f.write("old-degree,,,,,,,,\nnew-degree,,,,,,,,\n")
    return cvdata.load(folder, as_of=AS_OF)


def test_an_expected_end_of_a_degree_validates_but_not_of_a_job(tmp_path: Path) -> None:
    folder = _folder(tmp_path, False)
    with (folder / "roles.csv").open("a", encoding="utf-8") as f:
        f.write(DEGREES + "future-job,Acme,,Engineer,industry,2023,2029,,,,,,,,\n")
    problems = [str(p) for p in cvdata.validate(folder, as_of=AS_OF).problems]
    assert len(problems) == 1 and "roles.csv:5: end: 2029 is after the as-of date" in problems[0]


def test_an_old_degree_without_an_end_is_not_drawn_as_37_years(degrees) -> None:
    drawn = timeline.table(degrees).set_index("role_id")
    assert "old-degree" not in drawn.index  # its end is unknown, not ongoing
    assert end_state(pd.Timestamp("1989"), None, "education", AS_OF) == "unknown"
    assert end_state(pd.Timestamp("2020"), None, "education", AS_OF) == "ongoing"
    assert end_state(pd.Timestamp("1989"), None, "industry", AS_OF) == "ongoing"
    education = career_time.table(degrees).set_index("kind").loc["education"]
    # Only the new degree, Sep 2023 to the as-of date (not to 2029): 3 years 2 months.
    assert (education["roles"], education["months"]) == (1, 38)


def test_an_expected_end_is_drawn_to_the_as_of_date_and_printed_as_expected(degrees) -> None:
    row = timeline.table(degrees).set_index("role_id").loc["new-degree"]
    assert row["ongoing"] and row["end"] == pd.Timestamp(AS_OF)
    assert row["dates"] == "Sep 2023 – expected 2029 (drawn to 26 Nov 2026)"
    _, (education,) = build(degrees, ["education"])
    dates = {"".join(r.text for r in e.title): e.date for e in education.entries}
    assert dates == {
        "BSc in Physics": "Sep 2023 – expected 2029",
        "PhD in History": "1989 – end not given",
    }
    # The expected degree is the current one; the old one sorts by its start.
    degrees_only = degrees.roles[degrees.roles["kind"] == "education"]
    assert list(sorted_roles(degrees_only, AS_OF)["id"]) == ["new-degree", "old-degree"]


def test_a_degree_prints_its_summary(degrees) -> None:
    roles = degrees.roles.copy()
    roles.loc[roles["id"] == "old-degree", "summary"] = "Thesis: Ledgers of the Hansa"
    _, (education,) = build(dataclasses.replace(degrees, roles=roles), ["education"])
    lines = ["".join(r.text for r in line) for e in education.entries for line in e.lines]
    assert lines == ["Thesis: Ledgers of the Hansa"]
