"""Dates at the precision they are given: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A date column declared ``{"type": "date", "format": "any"}`` accepts all three. Loaded, it
holds the first day of the period (so tables sort and the timeline draws a year-only role
from 1 January) and a companion column ``<column>_precision`` says how much of it is known:
``"year"``, ``"month"`` or ``"day"``. The helpers here print a date at that precision and
count the months between two of them without inventing the parts nobody gave.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pandas as pd

#: The precisions, coarsest first.
PRECISIONS = ("year", "month", "day")
#: Suffix of the companion column that holds a date column's precision.
PRECISION_SUFFIX = "_precision"
#: The Table Schema ``format`` that marks a date column as taking any of the three forms.
PARTIAL_FORMAT = "any"
#: A date at any of the three precisions; the calendar check is separate.
PATTERN = r"[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?"
MESSAGE = "is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD"

_PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}
_PAD = {4: "-01-01", 7: "-01", 10: ""}


#: The span of dates the typed tables can hold (pandas' nanosecond timestamps).
FIRST_DAY = dt.date(1678, 1, 1)
LAST_DAY = dt.date(2261, 12, 31)


def precision_column(column: str) -> str:
    """The name of the companion column that holds ``column``'s precision."""
    return column + PRECISION_SUFFIX


def precision_of(text: str) -> str:
    """``"year"``, ``"month"`` or ``"day"`` for a date written in one of the three forms.

    Raises
    ------
    ValueError
        When ``text`` is none of them (or not a day of the calendar).
    """
    parse(text)
    return _PRECISION_OF_LENGTH[len(text)]


def parse(text: str) -> tuple[dt.date, str]:
    """The first day of the period ``text`` names, and its precision.

    Raises
    ------
    ValueError
        With the words of the validation message, e.g. ``'2019-13' is not a date ...``.
    """
    if not isinstance(text, str) or not re.fullmatch(PATTERN, text):
        raise ValueError(f"{text!r} {MESSAGE}")
    full = text + _PAD[len(text)]
    if full.startswith("0000"):  # no year 0 in Python's calendar: check month and day in a
        full = "0004" + full[4:]  # leap year; validation names the year (dates from 1800)
    try:
        day = dt.date.fromisoformat(full)
    except ValueError:
        raise ValueError(f"{text!r} is not a day of the calendar") from None
    if day > LAST_DAY:  # the typed tables hold dates up to pandas' bound
        raise ValueError(f"{text!r} is after {LAST_DAY.year}, the last year a date may have")
    return day, _PRECISION_OF_LENGTH[len(text)]


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[dt.date, str] | None:
    # Cached: a CV repeats few distinct dates, and pandas' string methods cost more here.
    try:
        return parse(text)
    except ValueError:
        return None


def cells_ok(cells: pd.Series) -> pd.Series:
    """True for each cell that is a date at one of the three precisions (missing: False)."""
    ok = [isinstance(v, str) and _parsed(v) is not None for v in cells.tolist()]
    return pd.Series(ok, index=cells.index, dtype=bool)


def cast(cells: list[str | None]) -> tuple[pd.Series, pd.Series]:
    """Typed dates (first day of each period; NaT where missing or malformed) and their
    precisions (``string``; missing where the date is)."""
    if all(v is None for v in cells):  # an empty column (papers.date, mostly): no parsing
        n = len(cells)
        return pd.Series([pd.NaT] * n, dtype="datetime64[ns]"), pd.Series(
            pd.array([None] * n, dtype="string")
        )
    parsed = [None if v is None else _parsed(v) for v in cells]
    # Before pandas' first day (1677) a date cannot be typed: NaT, and validation names the
    # cell (dates are from 1800 on), so nothing is lost in silence.
    firsts = [None if p is None or p[0] < FIRST_DAY else p[0] for p in parsed]
    precisions = [None if p is None else p[1] for p in parsed]
    days = pd.Series(pd.to_datetime(firsts), dtype="datetime64[ns]") if cells else None
    if days is None:
        days = pd.Series([], dtype="datetime64[ns]")
    return days, pd.Series(pd.array(precisions, dtype="string"))


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value))


def iso(value: object, precision: object = "day") -> str:
    """The date as ISO text at its precision: ``2019``, ``2019-03`` or ``2019-03-21``;
    '' when missing. A missing precision means the whole day is known."""
    if _missing(value):
        return ""
    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    prec = "day" if _missing(precision) else str(precision)
    if prec == "year":
        return f"{ts.year:04d}"
    if prec == "month":
        return f"{ts.year:04d}-{ts.month:02d}"
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"


def show(value: object, precision: object = "month") -> str:
    """The date for a reader, at its precision: ``2019``, ``Mar 2019`` or ``21 Mar 2019``;
    '' when missing. A missing precision prints the month (the CV's usual form). In the
    CV's language, through CLDR (:func:`cvdata.i18n.current`): ``mars 2019``."""
    if _missing(value):
        return ""
    from . import i18n  # Babel is loaded when a date is first printed

    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    prec = "month" if _missing(precision) else str(precision)
    if prec not in PRECISIONS:
        prec = "day"
    return i18n.current().date(ts.date(), prec)


def months_between(
    start: object, start_precision: object, end: object, end_precision: object
) -> int | None:
    """Whole months from ``start`` to ``end``, counted at the coarser of the two
    precisions: Dec 2013 to Dec 2014 is 12, 2013 to 2014 is 12, 2013 to Jun 2014 is 12
    (only the years are comparable). ``None`` when either date is missing."""
    if _missing(start) or _missing(end):
        return None
    a, b = pd.Timestamp(start), pd.Timestamp(end)  # type: ignore[arg-type]
    coarse = "year" in (str(start_precision), str(end_precision))
    if coarse:
        return 12 * (b.year - a.year)
    return 12 * (b.year - a.year) + b.month - a.month


def month_span(
    start: object, start_precision: object, end: object, end_precision: object
) -> tuple[int, int] | None:
    """A period as whole months ``[first, past)`` counted from year 0, as
    :func:`months_between` counts it (Dec 2013 to Dec 2014 is 12 months;
    a year-only date counts whole years from January), except that between two known days
    the last day counts (1 Dec 2013 to 31 May 2014 is 6 months). ``None`` without both
    dates."""
    months = months_between(start, start_precision, end, end_precision)
    if months is None or months < 0:
        return None
    a = pd.Timestamp(start)  # type: ignore[arg-type]
    if str(start_precision) == str(end_precision) == "day":
        # Both days known: the end day is worked too, so 1 Oct 2012 to 31 Mar 2019 is
        # 6 years 6 months (to 1 Apr 2019), whole months only.
        b = pd.Timestamp(end) + pd.Timedelta(days=1)  # type: ignore[arg-type]
        months = 12 * (b.year - a.year) + b.month - a.month - (b.day < a.day)
    coarse = "year" in (str(start_precision), str(end_precision))
    first = 12 * a.year + (0 if coarse else a.month - 1)
    return first, first + months


def duration(start: object, start_precision: object, end: object, end_precision: object) -> str:
    """An honest length: ``1 year``, ``1 year 3 months``, ``5 months``; '' when a date is
    missing. Never more precise than the dates (a year-only date gives whole years)."""
    months = months_between(start, start_precision, end, end_precision)
    if months is None or months < 0:
        return ""
    return months_text(months)


def months_text(months: int) -> str:
    """A number of whole months as people say it: ``1 year``, ``1 year 1 month``,
    ``5 months`` (never '1.1 years')."""
    from . import i18n  # CLDR's unit names and plural rules, in the CV's language

    return i18n.current().duration(int(months))


def last_day(value: object, precision: object) -> pd.Timestamp | None:
    """The last day of the period (31 Dec for a year, the month's end for a month): what
    an end date at that precision may mean at the latest."""
    if _missing(value):
        return None
    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    prec = str(precision) if not _missing(precision) else "day"
    if prec == "year":
        return pd.Timestamp(ts.year, 12, 31)
    if prec == "month":
        return ts + pd.offsets.MonthEnd(0)
    return ts
