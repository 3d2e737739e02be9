"""Validation of broken copies of the data: every problem, with its exact message and line.

Each test works in ``tmp_path`` with the copy in ``tmp_path/data``, so messages name
``data/<file>.csv``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import (
    append_row,
    drop_column,
    edit_cell,
    edit_rows,
    line_of,
    read_csv,
    rename_column,
    replace_once,
    rewrite_bytes,
    write_csv,
)

import cvdata
from cvdata import Problem, format_report
from cvdata._read import read_raw
from cvdata.schema import default_package

ID_WORDS = "is not a valid id (lowercase letters and digits, words joined by single hyphens)"
LINK_WORDS = "is not a link that may be published (only http://, https:// and mailto: addresses)"
PAPER_TYPES = "book, conference, journal, preprint, patent, thesis, blog"

#: What a mutation returns: the line of the row it broke, or several named values.
Where = int | dict[str, object] | None
Expected = str | re.Pattern[str] | tuple[str | re.Pattern[str], ...]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def check_problems(problems: list[Problem], expected: list[str | re.Pattern[str]]) -> None:
    """The problems, as printed, are exactly ``expected`` (strings or patterns), in order."""
    got = [str(p) for p in problems]
    assert len(got) == len(expected), "\n".join([*got[:20], "..."] if len(got) > 20 else got)
    for line, want in zip(got, expected, strict=True):
        if isinstance(want, re.Pattern):
            assert want.fullmatch(line), f"{line!r} does not match {want.pattern!r}"
        else:
            assert line == want


def _fill(template: str | re.Pattern[str], where: dict[str, object]) -> str | re.Pattern[str]:
    """Put the values a mutation returned into ``{name}`` placeholders."""
    if isinstance(template, re.Pattern):
        text = template.pattern
        for name, value in where.items():
            text = text.replace("{" + name + "}", re.escape(str(value)))
        return re.compile(text)
    for name, value in where.items():
        template = template.replace("{" + name + "}", str(value))
    return template


# --------------------------------------------------------------------------- mutations
# Each takes the copied data folder and returns where it broke it.


def _empty(name: str, content: bytes = b"") -> Callable[[Path], Where]:
    def mutate(d: Path) -> Where:
        (d / name).write_bytes(content)
        return None

    return mutate


def _cell(name: str, key, column: str, value: str) -> Callable[[Path], Where]:
    return lambda d: edit_cell(d / name, key, column, value)


def _add_extra_column(d: Path) -> Where:
    def change(header: list[str], rows: list[list[str]]) -> None:
        header.append("extra")
        for row in rows:
            row.append("x")

    edit_rows(d / "teaching.csv", change)
    return None


def _duplicate_id(d: Path) -> Where:
    first = line_of(d / "skills.csv", "c")
    return {"line": edit_cell(d / "skills.csv", "cpp", "id", "c"), "first": first}


def _duplicate_author_position(d: Path) -> Where:
    path = d / "paper_authors.csv"
    first = line_of(path, {"paper_id": "c-language-programming", "position": "1"})
    key = {"paper_id": "c-language-programming", "position": "2"}
    return {"line": edit_cell(path, key, "position", "1"), "first": first}


def _duplicate_key_with_empty_part(d: Path) -> Where:
    # Two rows share a key whose position is empty: reported, not a crash (it was one).
    path = d / "paper_authors.csv"
    first = edit_cell(path, {"paper_id": "c-language-programming", "position": "1"}, "position", "")
    key = {"paper_id": "c-language-programming", "position": "2"}
    return {"line": edit_cell(path, key, "position", ""), "first": first}


def _row_length(change: Callable[[list[str]], None]) -> Callable[[Path], Where]:
    def mutate(d: Path) -> Where:
        edit_rows(d / "teaching.csv", lambda header, rows: change(rows[0]))
        return line_of(d / "teaching.csv", "comp3520-2023")

    return mutate


def _not_utf8(d: Path) -> Where:
    line = line_of(d / "papers.csv", "jsidentify")
    rewrite_bytes(
        d / "papers.csv", replace_once(b"JSIdentify: A Hybrid", b"JSIdentify\xe9 A Hybrid")
    )
    return line


def _saved_as_gbk(d: Path) -> Where:
    """A spreadsheet on a Chinese system saves the patent identifiers in GBK."""
    path = d / "paper_identifiers.csv"
    text = path.read_text(encoding="utf-8")
    first = next(i for i, c in enumerate(text) if ord(c) > 127)
    path.write_bytes(text.encode("gbk"))
    return {"line": text.count("\n", 0, first) + 1, "byte": text[first].encode("gbk")[:1].hex()}


def _second_person(d: Path) -> Where:
    append_row(d / "person.csv", {"id": "someone-else", "name": "Someone Else"})
    return None


def _no_person(d: Path) -> Where:
    edit_rows(d / "person.csv", lambda header, rows: rows.clear())
    return None


# --------------------------------------------------------------------------- the table

CASES: list[tuple[str, Callable[[Path], Where], Expected]] = [
    (
        "missing-file",
        lambda d: (d / "teaching.csv").unlink(),
        "data/teaching.csv: missing file (the Teaching table)",
    ),
    (
        "empty-file",
        _empty("teaching.csv"),
        "data/teaching.csv: file is empty; expected a header row: "
        "id,course_code,course_title,term,year,role,institution,notes",
    ),
    (
        "blank-file",
        _empty("teaching.csv", b"\n  \r\n"),
        re.compile(r"data/teaching\.csv: file is empty; expected a header row: id,course_code,.*"),
    ),
    (
        "missing-column",
        lambda d: drop_column(d / "papers.csv", "notes"),
        "data/papers.csv:1: notes: missing column",
    ),
    (
        "misspelled-column",
        lambda d: rename_column(d / "papers.csv", "year", "yaer"),
        (
            "data/papers.csv:1: unknown column 'yaer' (did you mean 'year'?)",
            "data/papers.csv:1: year: missing column",
        ),
    ),
    (
        "extra-column",
        _add_extra_column,
        "data/teaching.csv:1: unknown column 'extra'",
    ),
    (
        "column-twice",
        lambda d: rename_column(d / "teaching.csv", "notes", "institution"),
        (
            "data/teaching.csv:1: institution: column appears twice in the header",
            "data/teaching.csv:1: notes: missing column",
        ),
    ),
    (
        "year-not-a-year",
        _cell("papers.csv", "jsidentify", "year", "20x4"),
        "data/papers.csv:{line}: year: '20x4' is not a year",
    ),
    (
        "negative-year",
        _cell("papers.csv", "jsidentify", "year", "-2020"),
        "data/papers.csv:{line}: year: '-2020' is not a year",
    ),
    (
        "integer-not-whole",
        _cell("advisors.csv", {"role_id": "together-ai", "position": "2"}, "position", "2.5"),
        "data/advisors.csv:{line}: position: '2.5' is not a whole number",
    ),
    (
        "integer-below-minimum",
        _cell("advisors.csv", {"role_id": "together-ai", "position": "2"}, "position", "0"),
        "data/advisors.csv:{line}: position: '0' is below the minimum 1",
    ),
    (
        "negative-years",
        _cell("skills.csv", "cpp", "years", "-1"),
        "data/skills.csv:{line}: years: '-1' is below the minimum 0",
    ),
    (
        "number-not-a-number",
        _cell("education.csv", "usyd-phd", "gpa", "A+"),
        "data/education.csv:{line}: gpa: 'A+' is not a number",
    ),
    (
        "boolean-not-true-or-false",
        _cell(
            "paper_authors.csv",
            {"paper_id": "c-language-programming", "position": "2"},
            "equal_contribution",
            "yes",
        ),
        "data/paper_authors.csv:{line}: equal_contribution: 'yes' is not true or false",
    ),
    (
        "impossible-month",
        _cell("roles.csv", "dolby", "start", "2024-13"),
        "data/roles.csv:{line}: start: '2024-13' is not a date in the form "
        "YYYY, YYYY-MM or YYYY-MM-DD",
    ),
    (
        "impossible-day",
        _cell("events.csv", "cgo-2026", "start_date", "2024-02-30"),
        "data/events.csv:{line}: start_date: '2024-02-30' is not a day of the calendar",
    ),
    (
        "date-in-another-form",
        _cell("certifications.csv", "pte-2024", "date", "21/03/2024"),
        "data/certifications.csv:{line}: date: '21/03/2024' is not a date in the form "
        "YYYY, YYYY-MM or YYYY-MM-DD",
    ),
    (
        "month-end-before-start",
        _cell("roles.csv", "dolby", "end", "2023-09"),
        "data/roles.csv:{line}: end: 2023-09 is before start 2024-03",
    ),
    (
        "day-end-before-start",
        _cell("events.csv", "cgo-2026", "end_date", "2026-01-30"),
        "data/events.csv:{line}: end_date: 2026-01-30 is before start_date 2026-01-31",
    ),
    (
        "duplicate-id",
        _duplicate_id,
        "data/skills.csv:{line}: id: 'c' appears more than once (first on line {first})",
    ),
    (
        "duplicate-composite-key",
        _duplicate_author_position,
        "data/paper_authors.csv:{line}: paper_id+position: (c-language-programming, 1) "
        "appears more than once (first on line {first})",
    ),
    (
        "duplicate-composite-key-with-an-empty-part",
        _duplicate_key_with_empty_part,
        (
            "data/paper_authors.csv:{first}: position: required value is missing",
            "data/paper_authors.csv:{line}: paper_id+position: (c-language-programming, "
            "<empty>) appears more than once (first on line {first})",
            "data/paper_authors.csv:{line}: position: required value is missing",
        ),
    ),
    (
        "dangling-foreign-key",
        _cell("advisors.csv", {"role_id": "together-ai", "position": "2"}, "role_id", "together"),
        "data/advisors.csv:{line}: role_id: 'together' is not an id in roles.csv",
    ),
    (
        "empty-required-value",
        _cell("papers.csv", "jsidentify", "type", ""),
        "data/papers.csv:{line}: type: required value is missing",
    ),
    (
        "blank-required-value",
        _cell("papers.csv", "jsidentify", "title", "   "),
        "data/papers.csv:{line}: title: required value is missing",
    ),
    (
        "too-few-fields",
        _row_length(lambda row: row.pop()),
        "data/teaching.csv:{line}: row has 7 fields but the header has 8",
    ),
    (
        "too-many-fields",
        _row_length(lambda row: row.append("")),
        "data/teaching.csv:{line}: row has 9 fields but the header has 8",
    ),
    (
        "not-utf8",
        _not_utf8,
        "data/papers.csv:{line}: byte 0xe9 is not UTF-8; save the file as UTF-8 (CSV UTF-8)",
    ),
    (
        "saved-as-gbk",
        _saved_as_gbk,
        "data/paper_identifiers.csv:{line}: byte 0x{byte} is not UTF-8; "
        "save the file as UTF-8 (CSV UTF-8)",
    ),
    (
        "enum-violation",
        _cell("papers.csv", "jsidentify", "type", "workshop"),
        f"data/papers.csv:{{line}}: type: 'workshop' is not one of: {PAPER_TYPES}",
    ),
    (
        "bad-id-pattern",
        _cell("skills.csv", "cpp", "id", "C++"),
        f"data/skills.csv:{{line}}: id: 'C++' {ID_WORDS}",
    ),
    (
        "id-with-double-hyphen",
        _cell("skills.csv", "cpp", "id", "c--plus"),
        f"data/skills.csv:{{line}}: id: 'c--plus' {ID_WORDS}",
    ),
    (
        "javascript-url",
        _cell("venues.csv", "icse", "url", "javascript:alert(1)"),
        f"data/venues.csv:{{line}}: url: 'javascript:alert(1)' {LINK_WORDS}",
    ),
    (
        "date-after-as-of",
        _cell("events.csv", "cgo-2026", "end_date", "2026-11-27"),
        "data/events.csv:{line}: end_date: 2026-11-27 is after the as-of date 2026-11-26",
    ),
    (
        "month-after-as-of",
        _cell("roles.csv", "dolby", "end", "2026-12"),
        "data/roles.csv:{line}: end: 2026-12 is after the as-of date 2026-11-26",
    ),
    (
        "published-paper-after-as-of",
        _cell("papers.csv", "jsidentify", "year", "2027"),
        "data/papers.csv:{line}: year: a published paper dated 2027 is after the as-of date "
        "2026-11-26",
    ),
    (
        "gpa-above-scale",
        _cell("education.csv", "usyd-phd", "gpa", "4.5"),
        "data/education.csv:{line}: gpa: 4.5 is above the scale 4",
    ),
    (
        "person-with-two-rows",
        _second_person,
        "data/person.csv: must have exactly one row, has 2",
    ),
    (
        "person-with-no-row",
        _no_person,
        "data/person.csv: must have exactly one row, has 0",
    ),
    # A missing column is reported once; rules that need it are not run on its absence.
    (
        "missing-column-of-a-composite-key",
        lambda d: drop_column(d / "paper_authors.csv", "position"),
        "data/paper_authors.csv:1: position: missing column",
    ),
    (
        "missing-column-that-others-refer-to",
        lambda d: drop_column(d / "venues.csv", "id"),
        "data/venues.csv:1: id: missing column",
    ),
    # \d also matches non-ASCII digits, which the typed tables cannot hold.
    (
        "full-width-digits-in-a-year",
        _cell("papers.csv", "jsidentify", "year", "２０２０"),
        "data/papers.csv:{line}: year: '２０２０' is not a year",
    ),
    (
        "full-width-digit-in-an-integer",
        _cell("advisors.csv", {"role_id": "together-ai", "position": "2"}, "position", "２"),
        "data/advisors.csv:{line}: position: '２' is not a whole number",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), [pytest.param(m, e, id=i) for i, m, e in CASES])
def test_broken_input_is_reported_exactly(
    broken_copy, as_of: dt.date, mutate: Callable[[Path], Where], expected: Expected
) -> None:
    folder = broken_copy()
    where = mutate(folder)
    where = {"line": where} if isinstance(where, int) else (where or {})
    wanted = expected if isinstance(expected, tuple) else (expected,)
    result = cvdata.validate(folder, as_of=as_of)
    check_problems(result.problems, [_fill(w, where) for w in wanted])
    assert not result.ok


def test_case_ids_are_unique() -> None:
    ids = [i for i, _, _ in CASES]
    assert len(ids) == len(set(ids))


def test_line_numbers_are_computed_not_guessed(broken_copy) -> None:
    """The line a helper reports is the line the row is on in the file."""
    folder = broken_copy()
    line = edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    lines = (folder / "papers.csv").read_text(encoding="utf-8").splitlines()
    assert lines[line - 1].startswith("jsidentify,")
    assert ",20x4," in lines[line - 1]


# --------------------------------------------------------------------------- several problems


def _break_several(folder: Path) -> list[str]:
    """Five files broken, papers.csv twice (a late row in an early column first)."""
    papers = folder / "papers.csv"
    late = edit_cell(papers, "kubernetes-small-file-patent", "title", "")
    early = edit_cell(papers, "jsidentify", "year", "20x4")
    skills = edit_cell(folder / "skills.csv", "cpp", "years", "-1")
    roles = edit_cell(folder / "roles.csv", "dolby", "end", "2023-09")
    (folder / "teaching.csv").unlink()
    volunteering = folder / "volunteering.csv"
    vline = line_of(volunteering, "sysu-cse-student-union")
    rewrite_bytes(volunteering, replace_once(b"Vice President", b"Vice Pr\xe9sident"))
    assert early < late
    return [
        f"data/papers.csv:{early}: year: '20x4' is not a year",
        f"data/papers.csv:{late}: title: required value is missing",
        f"data/roles.csv:{roles}: end: 2023-09 is before start 2024-03",
        f"data/skills.csv:{skills}: years: '-1' is below the minimum 0",
        "data/teaching.csv: missing file (the Teaching table)",
        f"data/volunteering.csv:{vline}: byte 0xe9 is not UTF-8; "
        "save the file as UTF-8 (CSV UTF-8)",
    ]


def test_every_problem_in_every_file_is_reported_sorted(broken_copy, as_of: dt.date) -> None:
    folder = broken_copy()
    expected = _break_several(folder)
    result = cvdata.validate(folder, as_of=as_of)
    check_problems(result.problems, expected)
    assert result.problems == sorted(result.problems, key=_report_order)


def _report_order(p: Problem) -> tuple:
    return (p.path, p.line or 0, p.column or "", p.message)


def test_report_lists_every_problem_and_counts_them(broken_copy, as_of: dt.date) -> None:
    folder = broken_copy()
    expected = _break_several(folder)
    report = format_report(cvdata.validate(folder, as_of=as_of).problems)
    assert report.splitlines() == [*expected, "6 problems in 5 files"]


def test_report_count_is_singular_for_one_problem() -> None:
    report = format_report([Problem("data/a.csv", 2, "x", "bad")])
    assert report == "data/a.csv:2: x: bad\n1 problem in 1 file"


def test_broken_file_does_not_stop_the_others(broken_copy, as_of: dt.date, cv) -> None:
    folder = broken_copy()
    rewrite_bytes(folder / "papers.csv", replace_once(b"JSIdentify: A", b"JSIdentify\xff A"))
    skills = edit_cell(folder / "skills.csv", "cpp", "years", "-1")
    result = cvdata.validate(folder, as_of=as_of)
    assert [p.path for p in result.problems] == ["data/papers.csv", "data/skills.csv"]
    assert (
        str(result.problems[1]) == f"data/skills.csv:{skills}: years: '-1' is below the minimum 0"
    )
    # Every other table was still read and typed.
    assert set(result.tables) == set(cv.tables()) - {"papers"}
    for name, df in result.tables.items():
        assert len(df) == len(cv.tables()[name]), name


# --------------------------------------------------------------------------- descriptor


def test_broken_descriptor_is_one_problem_naming_the_file(broken_copy, as_of: dt.date) -> None:
    folder = broken_copy()
    (folder / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = cvdata.validate(folder, as_of=as_of)
    assert not result.ok
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.path == "data/datapackage.json"
    assert problem.message.startswith("not a valid data package descriptor")
    assert not str(problem).endswith(": ")


def test_folder_without_descriptor_uses_the_shipped_one(broken_copy, as_of: dt.date) -> None:
    folder = broken_copy()
    (folder / "datapackage.json").unlink()
    result = cvdata.validate(folder, as_of=as_of)
    assert result.problems == []
    assert len(result.tables) == len(default_package().tables)


# --------------------------------------------------------------------------- paths


@pytest.mark.parametrize("cwd", ["above", "inside", "elsewhere"])
def test_paths_are_relative_to_the_working_folder(
    broken_copy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_of: dt.date, cwd: str
) -> None:
    folder = broken_copy()
    line = edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    where = {"above": tmp_path, "inside": folder, "elsewhere": tmp_path / "elsewhere"}[cwd]
    where.mkdir(exist_ok=True)
    monkeypatch.chdir(where)
    shown = {
        "above": "data/papers.csv",
        "inside": "papers.csv",
        "elsewhere": (folder / "papers.csv").as_posix(),
    }[cwd]
    (problem,) = cvdata.validate(folder, as_of=as_of).problems
    assert str(problem) == f"{shown}:{line}: year: '20x4' is not a year"


def test_problem_str() -> None:
    assert str(Problem("data/a.csv", 3, "year", "bad")) == "data/a.csv:3: year: bad"
    assert str(Problem("data/a.csv", 1, None, "bad")) == "data/a.csv:1: bad"
    assert str(Problem("data/a.csv", None, None, "bad")) == "data/a.csv: bad"


# --------------------------------------------------------------------------- accepted inputs


def test_csv_helpers_round_trip_the_shipped_files(broken_copy) -> None:
    folder = broken_copy()
    for path in sorted(folder.glob("*.csv")):
        before = path.read_bytes()
        header, rows, _ = read_csv(path)
        write_csv(path, header, rows)
        assert path.read_bytes() == before, path.name


def _assert_same_tables(folder: Path, as_of: dt.date, cv: cvdata.CV) -> None:
    result = cvdata.validate(folder, as_of=as_of)
    assert [str(p) for p in result.problems] == []
    for name, df in cv.tables().items():
        pd.testing.assert_frame_equal(result.tables[name], df, obj=name)


def test_utf8_bom_is_accepted(broken_copy, as_of: dt.date, cv) -> None:
    folder = broken_copy()
    for path in folder.glob("*.csv"):
        rewrite_bytes(path, lambda data: b"\xef\xbb\xbf" + data)
    _assert_same_tables(folder, as_of, cv)


def test_crlf_line_endings_are_accepted(broken_copy, as_of: dt.date, cv) -> None:
    folder = broken_copy()
    for path in folder.glob("*.csv"):
        rewrite_bytes(path, lambda data: data.replace(b"\n", b"\r\n"))
    _assert_same_tables(folder, as_of, cv)


def test_crlf_line_numbers(broken_copy, as_of: dt.date) -> None:
    folder = broken_copy()
    line = edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    rewrite_bytes(folder / "papers.csv", lambda data: data.replace(b"\n", b"\r\n"))
    check_problems(
        cvdata.validate(folder, as_of=as_of).problems,
        [f"data/papers.csv:{line}: year: '20x4' is not a year"],
    )


QUOTED = "Printed, bound and sold;\nsecond line, after a newline"


def test_quoted_comma_and_newline_are_kept(broken_copy, as_of: dt.date) -> None:
    folder = broken_copy()
    edit_cell(folder / "papers.csv", "c-language-programming", "notes", QUOTED)
    text = (folder / "papers.csv").read_text(encoding="utf-8")
    assert f'"{QUOTED}"' in text  # the field really is quoted and spans two lines
    cv = cvdata.load(folder, as_of=as_of)
    notes = cv.papers.set_index("id").at["c-language-programming", "notes"]
    assert notes == QUOTED


def test_line_numbers_count_a_quoted_newline(broken_copy, as_of: dt.date) -> None:
    folder = broken_copy()
    papers = folder / "papers.csv"
    before = line_of(papers, "jsidentify")
    edit_cell(papers, "c-language-programming", "notes", QUOTED)  # the row above jsidentify
    line = edit_cell(papers, "jsidentify", "year", "20x4")
    assert line == before + 1
    check_problems(
        cvdata.validate(folder, as_of=as_of).problems,
        [f"data/papers.csv:{line}: year: '20x4' is not a year"],
    )


def test_blank_lines_are_skipped_but_counted(broken_copy, as_of: dt.date, cv) -> None:
    folder = broken_copy()
    papers = folder / "papers.csv"
    line = edit_cell(papers, "jsidentify", "year", "20x4")
    rewrite_bytes(papers, lambda data: data.replace(b"\n", b"\n\n", 1))  # after the header
    result = cvdata.validate(folder, as_of=as_of)
    check_problems(result.problems, [f"data/papers.csv:{line + 1}: year: '20x4' is not a year"])
    assert len(result.tables["papers"]) == len(cv.papers)


def test_cells_are_trimmed(broken_copy, as_of: dt.date) -> None:
    folder = broken_copy()
    edit_cell(folder / "papers.csv", "jsidentify", "type", "  conference ")
    edit_cell(folder / "papers.csv", "jsidentify", "year", " 2020")
    cv = cvdata.load(folder, as_of=as_of)
    row = cv.papers.set_index("id").loc["jsidentify"]
    assert (row["type"], row["year"]) == ("conference", 2020)


@pytest.mark.parametrize(
    ("name", "key", "column", "value"),
    [
        ("events.csv", "cgo-2026", "end_date", "2026-11-26"),
        ("roles.csv", "dolby", "end", "2026-11"),
        ("papers.csv", "jsidentify", "year", "2026"),
        ("education.csv", "usyd-phd", "gpa", "4"),
        ("paper_authors.csv", {"paper_id": "jsidentify", "position": "1"}, "is_owner", "True"),
        ("venues.csv", "icse", "url", "mailto:someone@example.org"),
    ],
    ids=["day-is-as-of", "month-of-as-of", "year-of-as-of", "gpa-at-scale", "True", "mailto"],
)
def test_edge_values_are_accepted(
    broken_copy, as_of: dt.date, name: str, key, column: str, value: str
) -> None:
    folder = broken_copy()
    edit_cell(folder / name, key, column, value)
    assert [str(p) for p in cvdata.validate(folder, as_of=as_of).problems] == []


# ------------------------------------------------- the direct checks that let pandera rest

_validate = importlib.import_module("cvdata.validate")


@pytest.mark.parametrize("variant", ["shipped", "crlf", "quoted"])
def test_direct_checks_pass_exactly_where_pandera_finds_nothing(broken_copy, variant) -> None:
    """A table that passes the direct checks skips pandera; pandera must agree it is clean."""
    folder = broken_copy()
    if variant == "crlf":
        for path in folder.glob("*.csv"):
            rewrite_bytes(path, lambda data: data.replace(b"\n", b"\r\n"))
    elif variant == "quoted":
        edit_cell(folder / "papers.csv", "c-language-programming", "notes", QUOTED)
    package = default_package()
    for table in package.tables:
        raw, problems = read_raw(table, folder / table.path, table.path)
        assert raw is not None and problems == []
        present = set(table.field_names)
        pk = list(table.primary_key)
        assert _validate._columns_pass(raw, present, pk), table.name
        assert _validate._pandera_problems(raw, present, pk) == [], table.name


def test_direct_checks_leave_a_broken_table_to_pandera(broken_copy) -> None:
    folder = broken_copy()
    edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    table = default_package()["papers"]
    raw, _ = read_raw(table, folder / table.path, table.path)
    assert raw is not None
    assert not _validate._columns_pass(raw, set(table.field_names), list(table.primary_key))


def test_loading_clean_data_does_not_import_pandera(data_dir: Path, as_of: dt.date) -> None:
    """pandera is slow to import and needed only to report problems."""
    code = (
        "import sys, cvdata; "
        f"cvdata.load({str(data_dir)!r}, as_of={as_of.isoformat()!r}); "
        "print('pandera' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_unknown_keys_of_one_column_and_of_several() -> None:
    # Rows with any part of the key missing are not checked (the missing part is reported
    # as a missing value); a key of several columns must match as a whole.
    from types import SimpleNamespace

    child = SimpleNamespace(cells={"a": ["x", "y", None, "z"], "b": ["1", "2", "3", None]})
    parent = SimpleNamespace(cells={"a": ["x", "y", None], "b": ["1", "9", "2"]})
    assert _validate._unknown_keys(child, ("a",), parent, ("a",)) == [(3, ("z",))]
    assert _validate._unknown_keys(child, ("a", "b"), parent, ("a", "b")) == [(1, ("y", "2"))]


def test_a_header_of_thousands_of_unknown_columns_is_checked_in_bounded_work(
    broken_copy, as_of, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: 20,000 unknown column names took 26-48 s, a "did you mean" search per
    name over a scan of the whole header. Twenty are listed with a suggestion, the rest
    counted."""
    import cvdata._read as read

    folder = broken_copy()
    path = folder / "papers.csv"
    header, rows, _ = read_csv(path)
    unknown = [f"tit{i:x}" for i in range(2000)]
    write_csv(path, header[:1] + unknown, [r[:1] + [""] * len(unknown) for r in rows])
    searches: list[str] = []
    close = read.difflib.get_close_matches

    def counted(word: str, *args: object, **kwargs: object) -> list[str]:
        searches.append(word)
        return close(word, *args, **kwargs)

    monkeypatch.setattr(read.difflib, "get_close_matches", counted)
    problems = [str(p) for p in cvdata.validate(folder, as_of=as_of).problems]
    listed = [p for p in problems if p.startswith("data/papers.csv:1: unknown column")]
    assert searches == unknown[:20]
    assert len(listed) == 20
    assert "data/papers.csv:1: and 1,980 more unknown columns" in problems
    assert "data/papers.csv:1: title: missing column" in problems
