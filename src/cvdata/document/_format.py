"""How the builders read rows and write dates, grades and counts (shared by every section)."""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Iterable

import pandas as pd

from .. import dates, i18n
from ..cells import end_state
from ..cells import missing as _na
from ..cells import text as _s
from ._markup import prose
from ._model import Run, Text


def _month(ts: pd.Timestamp | None, precision: object = None) -> str:
    # At the precision given (cvdata.dates), in the CV's language: '2019', 'Mar 2019' or
    # '21 Mar 2019'; 'mars 2019'; '2019年3月'.
    return "" if ts is None or pd.isna(ts) else dates.show(ts, precision)


def _precision(row: object, column: str) -> object:
    """The precision of a row's date (``None`` where the table keeps none: month)."""
    return getattr(row, dates.precision_column(column), None)


def month_range(
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    start_precision: object = None,
    end_precision: object = None,
) -> str:
    """'May 2024 – Present', 'Mar 2024 – Sep 2024', 'Feb 2026' (same month); a year-only
    date prints as '2019', a day as '21 Mar 2019'. In the CV's language (:mod:`cvdata.i18n`):
    'mai 2024 – aujourd’hui'."""
    a, b = _month(start, start_precision), _month(end, end_precision)
    if not a:
        return b
    return a if a == b else i18n.current().span(a, b)


def role_range(row: object, as_of: dt.date, kind: str | None = None) -> str:
    """A role's or volunteering row's dates as a reader reads them (:func:`end_state`):
    'Mar 2019 – Present', '2021 – expected 2029', '1989 – end not given', or '' for an
    undated entry. ``kind`` overrides the row's own (a degree's rows have none)."""
    start, end = getattr(row, "start", None), getattr(row, "end", None)
    sp, ep = _precision(row, "start"), _precision(row, "end")
    state = end_state(start, end, kind or getattr(row, "kind", None), as_of)
    a = _month(start, sp)
    words = i18n.current()
    if state == "expected":
        expected = words("word.expected", date=_month(end, ep))
        return " – ".join(x for x in (a, expected) if x)
    if state == "unknown":
        return f"{a} – {words('word.end-not-given')}"
    return month_range(start, end, sp, ep)


def day_range(
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    start_precision: object = None,
    end_precision: object = None,
) -> str:
    """'Jan 31 – Feb 4, 2026', 'Apr 24 – 28, 2025', 'Jul 11, 2020': CLDR's interval and
    date formats in the CV's language ('24–28 avr. 2025')."""
    if {str(start_precision), str(end_precision)} & {"year", "month"}:
        # Not every day is known: print each date at its own precision.
        if end is None or pd.isna(end) or end == start:
            return _month(start, start_precision)
        return month_range(start, end, start_precision, end_precision or "day")
    if start is None or pd.isna(start):
        return ""
    words = i18n.current()
    if end is None or pd.isna(end) or end == start:
        end = start
    return words.day_span(start.date(), end.date())


def _num(x: object) -> str:
    return f"{float(x):g}" if _s(x) else ""


def _grade(x: object) -> str:
    """A grade as people write one: ``4.0`` and ``3.81`` on a 4- or 5-point scale (the
    typed table keeps 4.0 as the number 4), ``92`` on a 100-point scale."""
    text = _num(x)
    return text + ".0" if text and float(text) < 10 and text.isdigit() else text


def _years(n: object) -> str:
    if not _s(n):
        return ""
    # CLDR's short unit: '1 yr', '6 yrs'; '6 ans', '6 J.', '6年'.
    return i18n.current().years_short(int(n))  # type: ignore[arg-type]


def _records(df: pd.DataFrame) -> list:
    """The rows as named tuples (``row.title``), in file order, read column by column
    once per table: looking rows up in a frame one by one made the CV slow at a few
    thousand papers. Missing cells are ``pd.NA`` (``NaT`` for dates), as in the frame."""
    row = namedtuple("Row", map(str, df.columns), rename=True)
    return list(map(row._make, zip(*(df[c].tolist() for c in df.columns), strict=True)))


def _group(df: pd.DataFrame, column: str) -> dict[object, list]:
    """The rows of ``df`` (named tuples) by their value in ``column``, each list in file
    order; rows where ``column`` is missing belong to no group."""
    groups: dict[object, list] = {}
    for key, row in zip(df[column].tolist(), _records(df), strict=True):
        if _na(key):
            continue
        rows = groups.get(key)
        if rows is None:
            groups[key] = [row]
        else:
            rows.append(row)
    return groups


def _label(key: str) -> Run:
    """A bold label in the CV's language with its colon: 'Keywords: ', 'Mots-clés : '."""
    words = i18n.current()
    return Run(words(key) + words("punct.colon"), strong=True)


def _link_runs(rows: Iterable) -> Text:
    """Links that have an address; the rest are known to exist but cannot be shown."""
    runs: list[Run] = []
    for row in rows:
        if _s(row.url):
            if runs:
                runs.append(Run(" · "))
            runs.append(Run(_s(row.label), href=_s(row.url)))
    return tuple(runs)


def _links(df: pd.DataFrame) -> Text:
    """The links of a table of links (``label``, ``url``), in file order."""
    return _link_runs(_records(df))


def _texts(rows: Iterable) -> tuple[Text, ...]:
    """One line per row's ``text`` (bullets), the person's prose (Markdown of the safe
    subset)."""
    return tuple(t for t in (prose(_s(r.text)) for r in rows) if t)
