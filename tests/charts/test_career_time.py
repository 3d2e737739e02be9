"""Time per kind of role, and the month counting it shares with the landing page.

Figures are checked as data: how many bars and markers, where ongoing roles end, what the
hover text says, what is left out and whether the figure says so.
"""

from __future__ import annotations

import pandas as pd
import pytest
from figure_checks import BRAND, cv_with_one_role

from cvdata import charts

# --------------------------------------------------------------------------- career time


def test_career_time_counts_overlaps_once(cv) -> None:
    time = charts.career_time.table(cv).set_index("kind")
    roles = charts.timeline.table(cv)
    intern = roles[roles["kind"] == "internship"]
    summed = ((intern["end"] - intern["start"]).dt.days / 365.25).sum()
    assert time.loc["internship", "years"] < summed  # the internships overlap
    headline = charts.numbers.headline_numbers(cv).set_index("key").loc["experience_years", "value"]
    assert round(time.loc["work", "years"], 1) == headline
    fig = charts.career_time.figure(charts.career_time.table(cv), brand=BRAND)
    assert len(fig.data[0].x) == len(time)


@pytest.mark.parametrize(
    ("start", "end", "said", "years"),
    [
        ("2013-12", "2014-12", "1 year", 1.0),  # not the 1.1 its 396 days would make it
        ("2013-12", "2015-01", "1 year 1 month", 1.1),
        ("2013", "2014", "1 year", 1.0),
        ("2013-12-01", "2014-05-31", "6 months", 0.5),  # the last day worked too
        ("2013-12-15", "2014-06-13", "5 months", 0.4),  # whole months only
    ],
)
def test_career_time_says_durations_in_whole_months(tmp_path, start, end, said, years) -> None:
    cv = cv_with_one_role(tmp_path, start, end)
    time = charts.career_time.table(cv).set_index("kind")
    assert time.loc["industry", "duration"] == said
    fig = charts.career_time.figure(charts.career_time.table(cv), brand=BRAND)
    assert fig.data[0].text[0] == f"{said} · 1 role"
    assert "yrs" not in " ".join(fig.data[0].text)
    assert said in charts.career_time.describe(charts.career_time.table(cv))[1]
    headline = charts.numbers.headline_numbers(cv).set_index("key").loc["experience_years", "value"]
    assert headline == years


def test_covered_months_merges_overlapping_spans() -> None:
    spans = [
        charts.numbers.month_span(
            pd.Timestamp("2020-01-01"), "month", pd.Timestamp("2021-01-01"), "month"
        ),
        charts.numbers.month_span(
            pd.Timestamp("2020-07-01"), "month", pd.Timestamp("2021-07-01"), "month"
        ),
        charts.numbers.month_span(
            pd.Timestamp("2023-01-01"), "year", pd.Timestamp("2024-01-01"), "year"
        ),
        None,  # a role without dates adds nothing
    ]
    assert charts.numbers.covered_months(spans) == 18 + 12


def test_covered_years_merges_overlapping_spans() -> None:
    ts = pd.to_datetime
    starts = pd.Series(ts(["2020-01-01", "2020-07-01", "2023-01-01"]))
    ends = pd.Series(ts(["2021-01-01", "2021-07-01", "2024-01-01"]))
    assert charts.numbers.covered_years(starts, ends) == pytest.approx(2.5, abs=0.01)
