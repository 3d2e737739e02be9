"""cvdata.document: what the CV says, before it becomes HTML or Typst."""

from __future__ import annotations

from conftest import AS_OF, DATA_DIR, PROJECT

import cvdata
from cvdata.document import _grade, build


def _lines(section) -> list[str]:
    return ["".join(r.text for r in line) for e in section.entries for line in e.lines]


def test_grades_are_written_as_people_write_them() -> None:
    assert [_grade(x) for x in (4.0, 4, 3.81, 3.9, 92, 100, 5)] == [
        "4.0", "4.0", "3.81", "3.9", "92", "100", "5.0"
    ]  # fmt: skip


def test_the_seed_cv_prints_its_gpas_as_the_cv_does() -> None:
    _, (education,) = build(cvdata.load(DATA_DIR, as_of=AS_OF), ["education"])
    gpas = [line for line in _lines(education) if "GPA" in line]
    assert gpas == [
        "Accumulated GPA: 4.0/4.0, High Distinct (HD)",
        "Accumulated GPA: 3.41/4.0",
        "Overall GPA: 3.9/4.0",
    ]


def test_roles_show_their_summary_and_description() -> None:
    cv = cvdata.load(PROJECT / "examples" / "career-changer", as_of=AS_OF)
    _, (experience,) = build(cv, ["experience"])
    work = cv.roles[cv.roles["kind"] != "education"]
    wanted = [*work["summary"].dropna(), *work["description"].dropna()]
    assert wanted and [t for t in wanted if t not in _lines(experience)] == []
