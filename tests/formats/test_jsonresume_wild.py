"""JSON Resumes as people publish them (issue 21): pre-1.0 keys, empty and "present"
dates, undated entries, expected ends, theme sections, kinds of publications; every
value stored or named in the report, every problem of a file at once.

The fixtures in ``tests/fixtures/jsonresume/wild/`` copy the shapes of public
``resume.json`` files (invented people): ``pre-1.0-student`` (``company``, ``website``,
``picture``, ``gpa``, ``"endDate": ""``, ``"Present"``, ``"current"``, ``expected 2029``,
education ``location``/``thesis``, award ``url``, ``internships``, ``visiting``,
``reviewing``, ``academic_service``), ``thirty-years`` (a degree begun in 1989 with no end,
undated work and education, ``"NOW"``), ``many-problems`` (five problems in one file).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import AS_OF, PROJECT

import cvdata
from cvdata.charts import timeline
from cvdata.formats._format import Report
from cvdata.formats.jsonresume import JsonResumeError, to_tables
from cvdata.formats.jsonresume._keys import paper_kind

WILD = PROJECT / "tests" / "fixtures" / "jsonresume" / "wild"


def _doc(name: str) -> dict:
    return json.loads((WILD / f"{name}.json").read_text(encoding="utf-8"))


def _read(name: str) -> tuple[dict[str, list[dict[str, str]]], Report]:
    report = Report()
    return to_tables(_doc(name), as_of=AS_OF, report=report), report


def _by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in rows}


def test_pre_1_0_keys_are_read_as_their_1_0_names_and_said() -> None:
    rows, report = _read("pre-1.0-student")
    person = rows["person"][0]
    assert person["image"] == "https://example.org/ines.jpg"  # picture
    assert {c["url"] for c in rows["contacts"] if c["kind"] == "website"} == {
        "https://ines.example.org"  # basics.website
    }
    roles = _by_id(rows["roles"])
    assert roles["tiny-robotics-ltd-software-engineer"]["organisation"] == "Tiny Robotics Ltd"
    assert roles["tiny-robotics-ltd-software-engineer"]["url"] == "http://tiny-robotics.example.com"
    assert rows["volunteering"][0]["url"] == "https://codeclub.example.org"
    assert {(e["gpa"], e["gpa_scale"]) for e in rows["education"]} >= {("3.8", "4.0")}
    assert [r["language"] for r in rows["languages"]] == ["Hungarian", "English"]
    assert rows["paper_links"][0]["url"] == "https://papers.example.org/small"
    assert "work[0].company: a pre-1.0 key, read as work[0].name" in report.warnings
    assert "basics.picture: a pre-1.0 key, read as basics.image" in report.warnings


def test_a_1_0_key_wins_over_its_old_name_and_the_old_value_is_set_aside() -> None:
    doc = {"basics": {"name": "A"}, "work": [{"name": "New", "company": "Old", "position": "P"}]}
    report = Report()
    rows = to_tables(doc, as_of=AS_OF, report=report)
    assert rows["roles"][0]["organisation"] == "New"
    assert report.sections["work"].set_aside == [
        ("work[0].company", "'Old': a pre-1.0 key, and work[0].name is given too")
    ]


@pytest.mark.parametrize("word", ["", "present", "Present", "CURRENT", "now", " Ongoing "])
def test_empty_and_present_ends_are_ongoing(word: str) -> None:
    doc = {
        "basics": {"name": "A"},
        "work": [{"name": "X", "position": "Y", "startDate": "2020", "endDate": word}],
    }
    (role,) = to_tables(doc, as_of=AS_OF)["roles"]
    assert (role["start"], role["end"]) == ("2020", "")


def test_a_present_start_is_still_refused_by_its_json_path() -> None:
    doc = {"basics": {"name": "A"}, "work": [{"name": "X", "startDate": "present"}]}
    with pytest.raises(JsonResumeError) as caught:
        to_tables(doc, as_of=AS_OF)
    assert [p.split(":")[0] for p in caught.value.problems] == ["work[0].startDate"]


def test_a_job_without_name_or_position_imports_and_is_said() -> None:
    report = Report()
    doc = {"basics": {"name": "A"}, "work": [{"summary": "Odd jobs"}]}
    (role,) = to_tables(doc, as_of=AS_OF, report=report)["roles"]
    assert (role["organisation"], role["title"]) == ("Organisation not given", "Position not given")
    assert report.warnings == [
        "work[0].name: not given; shown as 'Organisation not given'",
        "work[0].position: not given; shown as 'Position not given'",
    ]


def test_undated_entries_and_education_without_study_type_are_taken() -> None:
    rows, _ = _read("thirty-years")
    roles = _by_id(rows["roles"])
    assert (roles["freelance-consultant"]["start"], roles["freelance-consultant"]["end"]) == (
        "",
        "",
    )
    assert roles["evening-school-of-design"]["title"] == "Studies"
    student, _ = _read("pre-1.0-student")
    assert _by_id(student["roles"])["summer-school-of-data"]["title"] == "Studies"
    assert _by_id(student["roles"])["corner-shop-weekend-cashier"]["start"] == ""
    assert [v["start"] for v in student["volunteering"]] == ["2021", ""]


def test_an_expected_end_of_education_is_taken_and_of_a_job_refused() -> None:
    rows, _ = _read("pre-1.0-student")
    phd = _by_id(rows["roles"])["example-university-phd-informatics"]
    assert (phd["start"], phd["end"]) == ("2023-09", "2029")
    with pytest.raises(JsonResumeError) as caught:
        to_tables(_doc("many-problems"), as_of=AS_OF)
    assert caught.value.problems[0].startswith(
        "work[0].endDate: '2030' is after the as-of date 2026-11-26; only the end of an "
        "education entry may be an expected one"
    )


def test_an_old_degree_without_an_end_is_warned_about_not_drawn(tmp_path: Path) -> None:
    rows, report = _read("thirty-years")
    assert any(
        w.startswith("education[0].endDate: no end date for a degree begun in 1989")
        for w in report.warnings
    )
    cv = cvdata.load(_write(rows, tmp_path / "cv"), as_of=AS_OF)
    drawn = set(timeline.table(cv)["role_id"])
    assert drawn == {"nordic-ledger-as-chief-architect", "fjord-systems-developer"}


def test_every_problem_of_a_file_comes_at_once_in_json_path_terms() -> None:
    with pytest.raises(JsonResumeError) as caught:
        to_tables(_doc("many-problems"), as_of=AS_OF)
    paths = sorted(p.split(":")[0] for p in caught.value.problems)
    assert paths == [
        "awards[0].date",
        "basics.url",
        "work[0].endDate",
        "work[1].startDate",
        "work[2].url",
    ]
    # The input's terms: never a table or a folder that does not exist yet.
    assert not [p for p in caught.value.problems if ".csv" in p or "/" in p.split(":")[0]]


def test_values_without_a_column_are_named_in_the_report() -> None:
    rows, report = _read("pre-1.0-student")
    aside = {where for part in report.sections.values() for where, _ in part.set_aside}
    assert aside == {"awards[0].url", "internships", "visiting", "reviewing", "academic_service"}
    assert report.sections["internships"].came_in == 1
    assert report.sections["internships"].stored == 0
    assert report.sections["work"].came_in == 3
    # Education's location and thesis have a home: the role's location and summary.
    phd = _by_id(rows["roles"])["example-university-phd-informatics"]
    assert phd["location"] == "Edinburgh, UK"
    assert phd["summary"] == "Thesis: Learning from few examples with small models"


@pytest.mark.parametrize(
    ("venue", "kind"),
    [
        ("NeurIPS 2024", ("conference", "published", True)),
        ("Proceedings of ICML", ("conference", "published", True)),
        ("arXiv preprint arXiv:2401.00001", ("preprint", "preprint", True)),
        ("CoRR abs/2401.00001", ("preprint", "preprint", True)),
        ("Journal of Machine Learning Research", ("journal", "published", True)),
        ("Self-published", ("journal", "published", False)),
        ("Aclinic Press", ("journal", "published", False)),  # ACL as a word only
    ],
)
def test_kinds_of_publications_come_from_the_evidence(venue: str, kind: tuple) -> None:
    assert paper_kind(venue) == kind


def test_an_uncertain_kind_is_flagged_in_the_report_not_guessed_silently() -> None:
    rows, report = _read("pre-1.0-student")
    papers = {p["title"]: (p["type"], p["status"]) for p in rows["papers"]}
    assert papers == {
        "Small models, few examples": ("conference", "published"),
        "A note on label noise": ("preprint", "preprint"),
        "Teaching notes on kernels": ("journal", "published"),
    }
    flagged = [w for w in report.warnings if ".publisher:" in w]
    assert flagged == [
        "publications[2].publisher: 'Self-published' names no known conference, journal or "
        "preprint server: filed as a journal paper; check its type in papers.csv"
    ]


def _write(rows: dict[str, list[dict[str, str]]], folder: Path) -> Path:
    from cvdata.formats._land import init_data_dir

    init_data_dir(folder)
    package = cvdata.schema.default_package()
    for table in package.tables:
        with (folder / table.path).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, table.field_names, lineterminator="\n")
            w.writeheader()
            w.writerows(rows[table.name])
    return folder


@pytest.mark.parametrize("name", ["pre-1.0-student", "thirty-years"])
def test_wild_resumes_give_tables_that_validate(name: str, tmp_path: Path) -> None:
    rows, _ = _read(name)
    result = cvdata.validate(_write(rows, tmp_path / "cv"), as_of=AS_OF)
    assert result.ok, result.problems


def _leaves(node: object, path: str = "") -> list[tuple[str, str]]:
    """Every leaf of a JSON document with its JSON path."""
    if isinstance(node, dict):
        return [x for k, v in node.items() for x in _leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(node, list):
        return [x for i, v in enumerate(node) for x in _leaves(v, f"{path}[{i}]")]
    return [(path, str(node).strip())]


def test_a_pre_1_0_resume_imports_in_one_command_every_value_kept_or_reported(
    run_cvdata, tmp_path: Path
) -> None:
    source = WILD / "pre-1.0-student.json"
    done = run_cvdata("import", "jsonresume", str(source), "cv", cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Traceback" not in out and "the data validates" in out
    assert "  internships: 1 came in, 0 stored, 1 set aside" in done.stdout
    assert "  work: 3 came in, 3 stored" in done.stdout
    assert "warning: work[0].company: a pre-1.0 key, read as work[0].name" in done.stdout
    cells = "\n".join(p.read_text(encoding="utf-8") for p in (tmp_path / "cv").glob("*.csv"))
    lost = [
        (path, value)
        for path, value in _leaves(json.loads(source.read_text(encoding="utf-8")))
        if value
        and value.lower() not in ("present", "current")
        and value.removeprefix("expected ") not in cells
        # A GPA '3.8/4.0' is kept as its two columns, gpa and gpa_scale.
        and not (path.endswith(".gpa") and all(x in cells for x in value.split("/")))
        and not any(f"set aside {where}" in done.stdout for where in _prefixes(path))
    ]
    assert lost == []


def _prefixes(path: str) -> list[str]:
    """``a[0].b`` -> ``a[0].b: ``, ``a[0]: ``, ``a: ``: the set-aside lines that cover it."""
    out, cut = [], path
    while cut:
        out.append(cut + ":")
        cut = cut[: max(cut.rfind("."), cut.rfind("["), 0)]
    return out


@pytest.mark.render
def test_a_pre_1_0_resume_renders_with_its_undated_expected_and_kinds(
    run_cvdata, render_data, tmp_path_factory
) -> None:
    from test_hostile import _squash, _text_of_html, _text_of_pdf

    folder = tmp_path_factory.mktemp("wild")
    done = run_cvdata("import", "jsonresume", str(WILD / "pre-1.0-student.json"), "cv", cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    out = render_data(folder / "cv")
    page, pdf = _text_of_html(out / "cv.html"), _text_of_pdf(out / "cv.pdf")
    for text in (page, pdf):
        squashed = _squash(text)
        for wanted in (
            "Sep 2023 – expected 2029",  # an expected end, not refused
            "Weekend cashier",  # undated: shown without dates
            "Marshal",
            "Thesis: Learning from few examples with small models",
            "Edinburgh, UK",
            "Conference papers",
            "Preprints",
            "Studies",
        ):
            assert _squash(wanted) in squashed, wanted
    # The timeline draws the dated roles, not the undated ones.
    timeline_page = (out / "notebooks" / "timeline.html").read_text(encoding="utf-8")
    assert "Tiny Robotics" in timeline_page and "Weekend cashier" not in timeline_page


def test_a_themes_location_keys_are_read_as_location() -> None:
    # jsonresume-theme-professional's resumes write work.jobLocation and
    # education.schoolLocation (seen in published resumes); 1.0 has `location` for both.
    rows, report = _read("theme-professional")
    places = {r["organisation"]: r["location"] for r in rows["roles"]}
    assert places["Perros Limpios SL"] == "Oviedo"
    assert places["Academia Canina del Norte"] == "Oviedo, Asturias"  # "" gives way
    assert places["Universidad de Ejemplo"] == "León"  # 1.0's key wins ...
    aside = report.sections["education"].set_aside
    assert (  # ... and the theme's is named, not dropped
        "education[1].schoolLocation",
        "'León, Castilla y León': a theme's key, and education[1].location is given too",
    ) in aside
    assert "work[0].jobLocation: a theme's key, read as work[0].location" in report.warnings
