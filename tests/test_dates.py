"""Dates at the precision given: parsing, printing, durations, validation and loading."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

import cvdata
from cvdata import dates
from cvdata.document import day_range, month_range


@pytest.mark.parametrize(
    ("text", "first", "precision"),
    [
        ("2019", dt.date(2019, 1, 1), "year"),
        ("2019-03", dt.date(2019, 3, 1), "month"),
        ("2019-03-21", dt.date(2019, 3, 21), "day"),
    ],
)
def test_parse_keeps_the_precision(text: str, first: dt.date, precision: str) -> None:
    assert dates.parse(text) == (first, precision)
    assert dates.iso(pd.Timestamp(first), precision) == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2019-13", "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
        ("21/03/2019", "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2019-3", "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"),
        ("2019-02-30", "is not a day of the calendar"),
        ("", "is not a date in the form"),
    ],
)
def test_parse_says_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        dates.parse(text)


def test_show_prints_at_the_precision() -> None:
    ts = pd.Timestamp("2019-03-21")
    assert dates.show(ts, "year") == "2019"
    assert dates.show(ts, "month") == "Mar 2019"
    assert dates.show(ts, "day") == "21 Mar 2019"
    assert dates.show(pd.NaT, "day") == ""


@pytest.mark.parametrize(
    ("start", "end", "length"),
    [
        (("2013-12-01", "month"), ("2014-12-01", "month"), "1 year"),
        (("2013-12-01", "day"), ("2014-12-01", "day"), "1 year"),
        (("2013-01-01", "year"), ("2014-01-01", "year"), "1 year"),
        # A year-only end says nothing about the month: only whole years are honest.
        (("2013-12-01", "month"), ("2015-01-01", "year"), "2 years"),
        (("2019-01-01", "month"), ("2020-04-01", "month"), "1 year 3 months"),
        (("2019-01-01", "month"), ("2019-02-01", "month"), "1 month"),
    ],
)
def test_duration_is_honest(start: tuple, end: tuple, length: str) -> None:
    assert dates.duration(pd.Timestamp(start[0]), start[1], pd.Timestamp(end[0]), end[1]) == length


def test_duration_of_a_missing_date_is_empty() -> None:
    assert dates.duration(pd.NaT, "month", pd.Timestamp("2020-01-01"), "month") == ""


def test_last_day_of_a_period() -> None:
    assert dates.last_day(pd.Timestamp("2019-01-01"), "year") == pd.Timestamp("2019-12-31")
    assert dates.last_day(pd.Timestamp("2024-02-01"), "month") == pd.Timestamp("2024-02-29")
    assert dates.last_day(pd.Timestamp("2024-02-03"), "day") == pd.Timestamp("2024-02-03")


def test_document_ranges_print_each_date_at_its_precision() -> None:
    year, month = pd.Timestamp("2019-01-01"), pd.Timestamp("2020-03-01")
    assert month_range(year, month, "year", "month") == "2019 – Mar 2020"
    assert month_range(year, None, "year") == "2019 – Present"
    assert month_range(month, month) == "Mar 2020"  # no precision: the month, as before
    assert day_range(pd.Timestamp("2024-03-21"), None, "day") == "Mar 21, 2024"
    assert day_range(pd.Timestamp("2024-03-01"), None, "month") == "Mar 2024"


def _copy(data_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(data_dir, folder)
    return folder


def _set(path: Path, row_id: str, column: str, value: str) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[df["id"] == row_id, column] = value
    df.to_csv(path, index=False)


def test_a_year_only_and_a_day_role_load_with_their_precision(
    data_dir: Path, tmp_path: Path, as_of: dt.date
) -> None:
    folder = _copy(data_dir, tmp_path)
    _set(folder / "roles.csv", "dolby", "start", "2024")
    _set(folder / "roles.csv", "dolby", "end", "2024-09-15")
    cv = cvdata.load(folder, as_of=as_of)
    dolby = cv.roles.set_index("id").loc["dolby"]
    assert dolby["start"] == pd.Timestamp("2024-01-01")
    assert dolby["start_precision"] == "year"
    assert dolby["end"] == pd.Timestamp("2024-09-15")
    assert dolby["end_precision"] == "day"


def test_a_year_only_end_in_the_start_year_is_not_before_the_start(
    data_dir: Path, tmp_path: Path, as_of: dt.date
) -> None:
    folder = _copy(data_dir, tmp_path)
    _set(folder / "roles.csv", "dolby", "end", "2024")  # started 2024-03: ended in 2024
    assert cvdata.validate(folder, as_of=as_of).ok
    _set(folder / "roles.csv", "dolby", "end", "2023")
    problems = [str(p) for p in cvdata.validate(folder, as_of=as_of).problems]
    assert len(problems) == 1
    assert problems[0].endswith("end: 2023 is before start 2024-03")


def test_a_year_only_and_a_day_role_draw_on_the_timeline(
    data_dir: Path, tmp_path: Path, as_of: dt.date
) -> None:
    from cvdata import charts

    folder = _copy(data_dir, tmp_path)
    _set(folder / "roles.csv", "dolby", "start", "2023")
    _set(folder / "roles.csv", "dolby", "end", "2024")
    _set(folder / "roles.csv", "together-ai", "start", "2024-05-20")
    cv = cvdata.load(folder, as_of=as_of)
    roles = charts.timeline.table(cv).set_index("role_id")
    dolby, together = roles.loc["dolby"], roles.loc["together-ai"]
    # A year-only role spans its years, to the end of the last one, and says only years.
    assert (dolby["start"], dolby["end"]) == (
        pd.Timestamp("2023-01-01"),
        pd.Timestamp("2024-12-31"),
    )
    assert dolby["dates"] == "2023 – 2024"
    assert together["start"] == pd.Timestamp("2024-05-20")
    assert together["dates"].startswith("20 May 2024 – present")
    # Unchanged roles print as before.
    assert roles.loc["usyd-phd", "dates"] == "Oct 2022 – Feb 2026"
    fig = charts.timeline.figure(roles.reset_index(), as_of=as_of)
    drawn = " ".join(str(t.customdata) + str(t.hovertext) + str(t.text) for t in fig.data)
    assert "2023 – 2024" in drawn


def test_months_are_said_in_years_and_months() -> None:
    said = [dates.months_text(m) for m in (0, 1, 5, 12, 13, 24, 26)]
    assert said == [
        "less than a month", "1 month", "5 months", "1 year", "1 year 1 month", "2 years",
        "2 years 2 months",
    ]  # fmt: skip
