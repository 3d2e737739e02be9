"""cvdata.cells: one rule for a cell as text, one status vocabulary, one order of roles."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF, DATA_DIR

import cvdata
from cvdata import cells, document
from cvdata.formats import export
from cvdata.schema import default_package

#: Every kind of missing value a loaded table holds, and the ones Python and numpy make.
MISSING = {
    "None": None,
    "pd.NA": pd.NA,
    "NaT": pd.NaT,
    "float NaN": float("nan"),
    "numpy NaN": np.float64("nan"),
    "float32 NaN": np.float32("nan"),
}


@pytest.mark.parametrize("value", MISSING.values(), ids=MISSING.keys())
def test_every_missing_value_is_empty_text(value: object) -> None:
    assert cells.missing(value)
    assert cells.text(value) == ""
    assert cells.flag(value) is False


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("", ""),
        ("  spaced  ", "  spaced  "),  # as written: validation decides about spaces
        (0, "0"),
        (0.0, "0.0"),
        (2024, "2024"),
        (np.int64(7), "7"),
        (3.5, "3.5"),
        (True, "True"),
        (False, "False"),
        (pd.Timestamp("2024-03-01"), "2024-03-01 00:00:00"),
        ("NaT", "NaT"),  # a title that says "NaT" is text, not a missing date
        ("nan", "nan"),
    ],
)
def test_a_present_value_is_its_str(value: object, shown: str) -> None:
    assert not cells.missing(value)
    assert cells.text(value) == shown


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (np.bool_(True), True), (False, False), (np.bool_(False), False), ("", False)],
)
def test_flag(value: object, expected: bool) -> None:
    assert cells.flag(value) is expected


def test_the_exports_read_cells_by_the_one_rule() -> None:
    # Before cvdata.cells, the document showed a missing date as 'NaT' and the exports as
    # ''; the document's side is tests/document/test_cells_rule.py.
    assert export.text is cells.text


def test_a_missing_date_in_a_text_column_prints_nothing() -> None:
    # A cell read as a date where a builder expects text: '' (it used to print 'NaT').
    cv = cvdata.load(DATA_DIR, as_of=AS_OF)
    talks = cv.talks.head(1).assign(event=pd.NaT, url=pd.NaT)
    (talk,) = document.talks(dataclasses.replace(cv, talks=talks)).entries
    assert talk.subtitle[0].text == "" and "NaT" not in repr(talk)


def test_status_vocabulary() -> None:
    assert set(cells.STATUS_ORDER) == set(cells.STATUS_LABELS)
    assert set(cells.STATUS_LABELS) > cells.PENDING_STATUSES
    # The descriptor's allowed statuses are the vocabulary, no more and no fewer.
    (papers,) = (t for t in default_package().tables if t.name == "papers")
    (status,) = (f for f in papers.fields if f.name == "status")
    assert status.enum is not None and set(status.enum) == set(cells.STATUS_ORDER)


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("under-review", "[Under review]"),
        ("accepted", "[Accepted]"),
        ("published", None),  # a published paper says nothing
        ("preprint", None),  # its type says it
    ],
)
def test_the_cv_prints_pending_statuses_only(status: str, shown: str | None) -> None:
    cv = cvdata.load(DATA_DIR, as_of=AS_OF)
    paper = cv.papers.iloc[0].copy()
    paper["status"], paper["venue_display"] = status, "Venue 2026"
    entry = document.paper_entry(cv, paper, details=False)
    (where,) = (t for t in ("".join(r.text for r in line) for line in entry.lines) if "Venue" in t)
    assert where.startswith("Venue 2026")
    assert (shown in where) if shown else ("[" not in where)


def test_sorted_roles_ongoing_first_then_most_recent() -> None:
    ts = pd.Timestamp
    roles = pd.DataFrame(
        {
            "id": ["old", "ongoing-late", "recent", "ongoing-early", "recent-tie"],
            "start": [ts("2010-01-01"), ts("2020-01-01"), ts("2015-01-01"), ts("2012-01-01"),
                      ts("2015-01-01")],
            "end": [ts("2011-01-01"), pd.NaT, ts("2019-01-01"), pd.NaT, ts("2019-01-01")],
        }
    )  # fmt: skip
    ordered = cells.sorted_roles(roles)
    assert ordered["id"].tolist() == [
        "ongoing-late",
        "ongoing-early",
        "recent",
        "recent-tie",
        "old",
    ]
    assert list(ordered.columns) == ["id", "start", "end"]  # no helper columns left over


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://a.example/", True),
        ("http://a.example/", True),
        ("mailto:a@example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_href(url: str | None, linked: bool) -> None:
    assert (cells.safe_href(url) == url) if linked else cells.safe_href(url) is None
