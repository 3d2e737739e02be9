"""Values that pass their Table Schema type but that the render cannot take are refused at
validation, in every column they can reach, with ``file:line: column: message``.

- control characters (XML 1.0 forbids them, so a chart's SVG breaks Typst);
- dates before ``MIN_YEAR`` (pandas' nanosecond times) and years more than
  ``FUTURE_YEARS`` after the as-of date;
- whole numbers past ``INTEGER_DIGITS`` digits (they wrapped to -9223372036854775808),
  numbers that overflow to infinity;
- an ``email`` contact that is not an address;
- a pattern in ``datapackage.json`` that backtracks exponentially (it hung validation).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import edit_cell, edit_rows

import cvdata
from cvdata.schema import Table, default_package
from cvdata.validate import FUTURE_YEARS, INTEGER_DIGITS, MIN_YEAR

PACKAGE = default_package()


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _rows(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows and the line each row starts on."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    header = next(reader)
    rows, lines, start = [], [], reader.line_num + 1
    for row in reader:
        rows.append(row)
        lines.append(start)
        start = reader.line_num + 1
    return header, rows, lines


def _set_first_row(folder: Path, table: Table, values: dict[str, str]) -> int | None:
    """Write ``values`` into the first row of ``table``; returns its line (None: no rows)."""
    _, rows, lines = _rows(folder / table.path)
    if not rows:
        return None

    def change(h: list[str], r: list[list[str]]) -> None:
        for name, value in values.items():
            r[0][h.index(name)] = value

    edit_rows(folder / table.path, change)
    return lines[0]


def _free_text(table: Table) -> list[str]:
    """Text columns no other rule constrains (no enum, pattern or key)."""
    keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.fields}
    return [
        f.name
        for f in table.fields
        if f.type == "string" and f.enum is None and f.pattern is None and f.name not in keys
    ]


def _of_type(*types: str) -> list[tuple[Table, str]]:
    return [(t, f.name) for t in PACKAGE.tables for f in t.fields if f.type in types]


def _problems(folder: Path, as_of: dt.date) -> list[str]:
    return [str(p) for p in cvdata.validate(folder, as_of=as_of).problems]


# ----------------------------------------------------------------- control characters

CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\ufffe"]


def test_a_control_character_is_refused_in_every_text_cell(broken_copy, as_of) -> None:
    folder = broken_copy()
    expected = []
    for i, table in enumerate(PACKAGE.tables):
        columns = _free_text(table)
        values = {}
        for j, name in enumerate(columns):
            char = CONTROL[(i + j) % len(CONTROL)]
            values[name] = f"a{char}b"
        line = _set_first_row(folder, table, values)
        if line is None:
            continue
        for name, value in values.items():
            code = f"U+{ord(value[1]):04X}"
            expected.append(
                f"data/{table.path}:{line}: {name}: {value!r} holds the control character "
                f"{code}, which cannot be printed; only tabs and line breaks may be in a cell"
            )
    assert len(expected) > 60  # every free-text column of every table with a row
    assert sorted(_problems(folder, as_of)) == sorted(expected)


@pytest.mark.parametrize("column", ["skill", "category", "note"])
@pytest.mark.parametrize("char", CONTROL, ids=[f"U+{ord(c):04X}" for c in CONTROL])
def test_each_control_character_is_named(broken_copy, as_of, column: str, char: str) -> None:
    folder = broken_copy()
    line = edit_cell(folder / "skills.csv", "cpp", column, f"C{char}++")
    assert _problems(folder, as_of) == [
        f"data/skills.csv:{line}: {column}: {'C' + char + '++'!r} holds the control character "
        f"U+{ord(char):04X}, which cannot be printed; only tabs and line breaks may be in a cell"
    ]


def test_tabs_and_line_breaks_are_text(broken_copy, as_of) -> None:
    folder = broken_copy()
    edit_cell(folder / "skills.csv", "cpp", "note", "tab\there")
    edit_cell(folder / "skills.csv", "c", "note", "two\nlines")
    edit_cell(folder / "skills.csv", "python", "note", "windows\r\nlines")
    assert _problems(folder, as_of) == []


def test_a_control_character_in_an_id_or_a_typed_cell(broken_copy, as_of) -> None:
    # Also refused where another rule applies: both problems are reported.
    folder = broken_copy()
    line = edit_cell(folder / "skills.csv", "cpp", "years", "1\x012")
    problems = _problems(folder, as_of)
    assert f"data/skills.csv:{line}: years: '1\\x012' is not a whole number" in problems
    assert any("years: '1\\x012' holds the control character U+0001" in p for p in problems)


# ----------------------------------------------------------------- dates and years

EARLY = {"year": "1799", "yearmonth": "1799-12", "date": "1799-12-31"}
FIRST = {"year": "1800", "yearmonth": "1800-01", "date": "1800-01-01"}


def _dated_columns(table: Table) -> dict[str, str]:
    return {f.name: f.type for f in table.fields if f.type in EARLY}


@pytest.mark.parametrize("early", ["0000", "1024", "1678", "1799"])
def test_dates_before_1800_are_refused_in_every_dated_column(broken_copy, as_of, early) -> None:
    folder = broken_copy()
    expected = []
    for table in PACKAGE.tables:
        dated = _dated_columns(table)
        values = {n: early + EARLY[t][4:] for n, t in dated.items()}
        if not values or (line := _set_first_row(folder, table, values)) is None:
            continue
        expected += [
            f"data/{table.path}:{line}: {n}: {v!r} is before {MIN_YEAR}, the earliest year a CV "
            "may have"
            for n, v in values.items()
        ]
    assert len(expected) >= 15
    assert sorted(_problems(folder, as_of)) == sorted(expected)


def test_dates_from_1800_are_accepted(broken_copy, as_of) -> None:
    folder = broken_copy()
    for table in PACKAGE.tables:
        # Starts only: an end of 1800 would come before its start.
        dated = {n: FIRST[t] for n, t in _dated_columns(table).items() if "end" not in n}
        if dated:
            _set_first_row(folder, table, dated)
    assert _problems(folder, as_of) == []


def test_years_far_after_the_as_of_date_are_refused(broken_copy, as_of) -> None:
    folder = broken_copy()
    far, near = as_of.year + FUTURE_YEARS + 1, as_of.year + FUTURE_YEARS
    expected = []
    for table, name in _of_type("year"):
        if table.name == "papers":
            continue  # a published paper may not be after the as-of date at all
        line = _set_first_row(folder, table, {name: str(far)})
        if line is not None:
            expected.append(
                f"data/{table.path}:{line}: {name}: {far} is more than {FUTURE_YEARS} years "
                f"after the as-of date {as_of.isoformat()}"
            )
    assert len(expected) >= 4
    assert sorted(_problems(folder, as_of)) == sorted(expected)
    for table, name in _of_type("year"):
        if table.name != "papers":
            _set_first_row(folder, table, {name: str(near)})
    assert _problems(folder, as_of) == []


def test_a_submitted_paper_may_be_dated_next_year_not_next_century(broken_copy, as_of) -> None:
    folder = broken_copy()
    edit_cell(folder / "papers.csv", "jsidentify", "status", "submitted")
    line = edit_cell(folder / "papers.csv", "jsidentify", "year", str(as_of.year + 1))
    assert _problems(folder, as_of) == []
    edit_cell(folder / "papers.csv", "jsidentify", "year", "2999")
    assert _problems(folder, as_of) == [
        f"data/papers.csv:{line}: year: 2999 is more than {FUTURE_YEARS} years after the as-of "
        f"date {as_of.isoformat()}"
    ]


# ----------------------------------------------------------------- numbers

TOO_MANY = "9" * (INTEGER_DIGITS + 1)
MOST = "9" * INTEGER_DIGITS


@pytest.mark.parametrize("value", [TOO_MANY, "99999999999999999999", "+" + TOO_MANY, "-1" + MOST])
def test_whole_numbers_too_large_are_refused_in_every_integer_column(
    broken_copy, as_of, value: str
) -> None:
    folder = broken_copy()
    expected = []
    for table, name in _of_type("integer"):
        line = _set_first_row(folder, table, {name: value})
        if line is None:
            continue
        expected.append(
            f"data/{table.path}:{line}: {name}: {value!r} is too large: whole numbers have at "
            f"most {INTEGER_DIGITS} digits"
        )
        if value.startswith("-") and table.field(name).minimum is not None:
            expected.append(
                f"data/{table.path}:{line}: {name}: {value!r} is below the minimum "
                f"{table.field(name).minimum:g}"
            )
    assert len(expected) >= 9
    assert sorted(_problems(folder, as_of)) == sorted(expected)


def test_whole_numbers_of_15_digits_and_leading_zeros_are_accepted(broken_copy, as_of, cv):
    folder = broken_copy()
    edit_cell(folder / "skills.csv", "cpp", "years", MOST)
    edit_cell(folder / "skills.csv", "c", "years", "0" * 30 + "7")
    loaded = cvdata.load(folder, as_of=as_of)
    years = dict(zip(loaded.skills["id"], loaded.skills["years"], strict=True))
    assert years["cpp"] == int(MOST) and years["c"] == 7


@pytest.mark.parametrize("value", ["1e999", "-1e400", "1E309"])
def test_numbers_that_overflow_are_refused_in_every_number_column(
    broken_copy, as_of, value: str
) -> None:
    folder = broken_copy()
    expected = []
    for table, name in _of_type("number"):
        line = _set_first_row(folder, table, {name: value})
        if line is None:
            continue
        expected.append(f"data/{table.path}:{line}: {name}: {value!r} is too large to be a number")
        if value.startswith("-") and table.field(name).minimum is not None:
            expected.append(
                f"data/{table.path}:{line}: {name}: {value!r} is below the minimum "
                f"{table.field(name).minimum:g}"
            )
    assert len(expected) >= 3
    assert sorted(_problems(folder, as_of)) == sorted(expected)


# ----------------------------------------------------------------- email contacts

NOT_ADDRESSES = [
    "not an address",
    "zhongzhu",
    "zhongzhu@",
    "@together.ai",
    "a@b",
    "a@@b.org",
    "a b@c.org",
    "<a@b.org>",
    "a@b.org.",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("value", NOT_ADDRESSES)
def test_an_email_contact_must_be_an_address(broken_copy, as_of, value: str) -> None:
    folder = broken_copy()
    line = edit_cell(folder / "contacts.csv", "email-together", "value", value)
    assert _problems(folder, as_of) == [
        f"data/contacts.csv:{line}: value: {value!r} is not an email address (name@example.org)"
    ]


@pytest.mark.parametrize("value", ["a@b.org", "first.last+cv@mail.example.co.uk", "名@例え.jp"])
def test_addresses_are_accepted(broken_copy, as_of, value: str) -> None:
    folder = broken_copy()
    edit_cell(folder / "contacts.csv", "email-together", "value", value)
    assert _problems(folder, as_of) == []


def test_every_bad_email_is_reported_at_once(broken_copy, as_of) -> None:
    folder = broken_copy()
    header, rows, lines = _rows(folder / "contacts.csv")
    emails = [i for i, r in enumerate(rows) if r[header.index("kind")] == "email"]
    assert len(emails) >= 2

    def change(h: list[str], r: list[list[str]]) -> None:
        for i in emails:
            r[i][h.index("value")] = "nobody"

    edit_rows(folder / "contacts.csv", change)
    assert _problems(folder, as_of) == [
        f"data/contacts.csv:{lines[i]}: value: 'nobody' is not an email address (name@example.org)"
        for i in emails
    ]


# ----------------------------------------------------------------- patterns of a fork

CATASTROPHIC = [
    "^(a+)+$",
    "^(a*)*$",
    "^(a|aa)+$",
    "^(a|a?)+$",
    "^(\\w+\\s?)+$",
    "^([a-zA-Z0-9]+)*@$",
    "^(.*a){12}$",
    "^(a?){25}a{25}$",
    "^((ab)*)+$",
    "^(x+x+)+y$",
]
SAFE = [
    "^[a-z0-9]+(?:-[a-z0-9]+)*$",
    "^(https?://|mailto:)\\S+$",
    "^[A-Z]{2,8}$",
    "^\\d{4}(-\\d{2})?$",
    "^([a-z]+,)*[a-z]+$",
    "^[a-z]+(?:_[a-z]+)*$",
    "^(?:[0-9]{3}-){2}[0-9]{4}$",
    "^[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*$",
]


def _with_pattern(folder: Path, pattern: str) -> None:
    d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    skills = next(r for r in d["resources"] if r["name"] == "skills")
    field = next(f for f in skills["schema"]["fields"] if f["name"] == "skill")
    field.setdefault("constraints", {})["pattern"] = pattern
    (folder / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_pattern_that_backtracks_exponentially_is_refused(
    broken_copy, as_of, pattern: str
) -> None:
    folder = broken_copy()
    _with_pattern(folder, pattern)
    # Short enough that matching it takes milliseconds even where the pattern is kept.
    edit_cell(folder / "skills.csv", "cpp", "skill", "a" * 10 + "!")
    assert _problems(folder, as_of) == [
        f"data/datapackage.json: not a valid data package descriptor: resource 'skills': "
        f"field 'skill': pattern {pattern!r} can take exponential time on some cells (a "
        "repetition inside a repetition, like (a+)+); pin each repetition with a character "
        "the inner one cannot match, like ^[a-z0-9]+(?:-[a-z0-9]+)*$"
    ]


def test_validation_with_catastrophic_patterns_does_not_hang(broken_copy, tmp_path) -> None:
    """Thirty a's and a '!' against each pattern: minutes each if the pattern ran. In a
    child process, since Python's re cannot be interrupted, so a regression fails here
    rather than hanging the suite."""
    folders = []
    for i, pattern in enumerate(CATASTROPHIC):
        folder = broken_copy(f"data{i}")
        _with_pattern(folder, pattern)
        edit_cell(folder / "skills.csv", "cpp", "skill", "a" * 30 + "!")
        folders.append(str(folder))
    code = (
        "import sys, cvdata\n"
        "for f in sys.argv[1:]:\n"
        "    print(len(cvdata.validate(f, as_of='2026-11-26').problems), flush=True)\n"
    )
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *folders], capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired as e:
        done_lines = (e.stdout or b"").splitlines()
        pytest.fail(f"validation hung after {len(done_lines)} of {len(folders)} folders")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1"] * len(CATASTROPHIC)
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_are_kept(broken_copy, as_of, pattern: str) -> None:
    folder = broken_copy()
    _with_pattern(folder, pattern)
    problems = _problems(folder, as_of)
    # The pattern is applied (the shipped skills are not all of its shape), not refused.
    assert problems and all(p.startswith("data/skills.csv:") for p in problems)


def test_the_shipped_patterns_are_safe() -> None:
    patterns = {f.pattern for t in PACKAGE.tables for f in t.fields if f.pattern}
    assert patterns and all(p in SAFE for p in patterns)
