"""The rules across columns and tables, which pandera has no notion of: foreign keys,
start before end, nothing dated after the as-of date, GPA within its scale, one person,
email addresses; see :mod:`cvdata.validate`."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import dates
from ._read import RawTable
from ._validate_columns import (
    _DATE_PAIRS,
    _EMAIL,
    FUTURE_YEARS,
    _regex,
)
from .problems import Problem
from .schema import Package, Table


def _unknown_keys(
    child: RawTable, fields: tuple[str, ...], parent: RawTable, reference: tuple[str, ...]
) -> list[tuple[int, tuple]]:
    """Rows of ``child`` whose complete key is not a key of ``parent``, with that key."""
    known = {k for k in zip(*(parent.cells[c] for c in reference), strict=True) if None not in k}
    keys = zip(*(child.cells[c] for c in fields), strict=True)
    return [(row, key) for row, key in enumerate(keys) if None not in key and key not in known]


def _fmt_date(value: pd.Timestamp, ftype: str) -> str:
    return value.strftime("%Y-%m") if ftype == "yearmonth" else value.strftime("%Y-%m-%d")


def _end_before_start(df: pd.DataFrame, a: str, b: str) -> pd.Series:
    """Rows whose end ``b`` comes before their start ``a``. At a coarser precision the end
    may mean its period's last day: 2019-05 to 2019 is fine, 2019-05 to 2018 is not."""
    bad = (df[b] < df[a]).fillna(False)
    pb = dates.precision_column(b)
    if pb not in df or not bad.any():  # an end on or after the start is fine at any precision
        return bad
    for row in bad[bad].index:
        latest = dates.last_day(df.at[row, b], df.at[row, pb])
        bad.at[row] = latest is not None and latest < df.at[row, a]
    return bad


def _fmt_cell(df: pd.DataFrame, row: int, column: str, ftype: str) -> str:
    """A date cell of a message as written: at its precision where the column keeps one."""
    pc = dates.precision_column(column)
    if pc in df:
        return dates.iso(df.at[row, column], df.at[row, pc])
    return _fmt_date(df.at[row, column], ftype)


def _cross_problems(
    package: Package, raws: dict[str, RawTable], typed: dict[str, pd.DataFrame], as_of: dt.date
) -> list[Problem]:
    """Every rule across columns and tables, for every table that could be read."""
    problems: list[Problem] = []
    for table in package.tables:
        raw, df = raws.get(table.name), typed.get(table.name)
        if raw is None or df is None:
            continue
        problems += _foreign_key_problems(table, raw, raws)
        problems += _date_order_problems(table, raw, df)
        problems += _late_problems(table, raw, df, as_of)
    problems += _specific_problems(raws, typed, as_of)
    return problems


def _foreign_key_problems(table: Table, raw: RawTable, raws: dict[str, RawTable]) -> list[Problem]:
    """Keys of ``table`` that name no row of the table they refer to."""
    problems: list[Problem] = []
    for fk in table.foreign_keys:
        parent = raws.get(fk.resource)
        if (
            parent is None
            or any(c in raw.missing_columns for c in fk.fields)
            or any(c in parent.missing_columns for c in fk.reference_fields)
        ):
            continue  # a missing table or column is reported by itself
        for row, key in _unknown_keys(raw, fk.fields, parent, fk.reference_fields):
            shown = key[0] if len(key) == 1 else ", ".join(key)
            problems.append(
                Problem(
                    raw.display,
                    raw.line(row),
                    ",".join(fk.fields),
                    f"{shown!r} is not an id in {parent.display.rsplit('/', 1)[-1]}",
                )
            )
    return problems


def _date_order_problems(table: Table, raw: RawTable, df: pd.DataFrame) -> list[Problem]:
    """Rows that end before they start."""
    problems: list[Problem] = []
    for a, b in _DATE_PAIRS:
        if a not in df or b not in df:
            continue
        bad = _end_before_start(df, a, b)
        ftype = table.field(b).type
        for row in bad[bad.fillna(False)].index:
            problems.append(
                Problem(
                    raw.display,
                    raw.line(row),
                    b,
                    f"{_fmt_cell(df, row, b, ftype)} is before {a} {_fmt_cell(df, row, a, ftype)}",
                )
            )
    return problems


def _late_problems(table: Table, raw: RawTable, df: pd.DataFrame, as_of: dt.date) -> list[Problem]:
    """Nothing dated after the as-of date; years at most FUTURE_YEARS after it."""
    problems: list[Problem] = []
    as_of_ts = pd.Timestamp(as_of)
    for f in table.fields:
        if f.type == "year":
            late = (df[f.name] > as_of.year + FUTURE_YEARS).fillna(False)
            problems += [
                Problem(
                    raw.display,
                    raw.line(row),
                    f.name,
                    f"{df.at[row, f.name]} is more than {FUTURE_YEARS} years after "
                    f"the as-of date {as_of.isoformat()}",
                )
                for row in late[late].index
            ]
        if f.type not in ("date", "yearmonth"):
            continue
        late = (df[f.name] > as_of_ts).fillna(False)
        if (table.name, f.name) == ("roles", "end") and "kind" in df:
            # A degree's expected end ("expected 2029") may lie ahead, as a year may.
            horizon = pd.Timestamp(as_of.year + FUTURE_YEARS, 12, 31)
            late &= ~((df["kind"] == "education") & (df[f.name] <= horizon)).fillna(False)
        problems += [
            Problem(
                raw.display,
                raw.line(row),
                f.name,
                f"{_fmt_cell(df, row, f.name, f.type)} is after the as-of date {as_of.isoformat()}",
            )
            for row in late[late].index
        ]
    return problems


def _specific_problems(
    raws: dict[str, RawTable], typed: dict[str, pd.DataFrame], as_of: dt.date
) -> list[Problem]:
    """Rules that belong to particular CV tables."""
    problems: list[Problem] = []
    if "person" in typed:
        n = len(typed["person"])
        if n != 1:
            problems.append(
                Problem(raws["person"].display, None, None, f"must have exactly one row, has {n}")
            )
    if "education" in typed:
        df, raw = typed["education"], raws["education"]
        over = (df["gpa"] > df["gpa_scale"]).fillna(False)
        for row in over[over].index:
            problems.append(
                Problem(
                    raw.display,
                    raw.line(row),
                    "gpa",
                    f"{df.at[row, 'gpa']:g} is above the scale {df.at[row, 'gpa_scale']:g}",
                )
            )
    if "contacts" in typed and {"kind", "value"} <= set(typed["contacts"]):
        df, raw = typed["contacts"], raws["contacts"]
        email = _regex(_EMAIL)
        for row, (kind, value) in enumerate(zip(df["kind"], df["value"], strict=True)):
            if kind == "email" and isinstance(value, str) and not email.fullmatch(value):
                problems.append(
                    Problem(
                        raw.display,
                        raw.line(row),
                        "value",
                        f"{value!r} is not an email address (name@example.org)",
                    )
                )
    if "papers" in typed:
        df, raw = typed["papers"], raws["papers"]
        late = ((df["status"] == "published") & (df["year"] > as_of.year)).fillna(False)
        for row in late[late].index:
            problems.append(
                Problem(
                    raw.display,
                    raw.line(row),
                    "year",
                    f"a published paper dated {df.at[row, 'year']} is after the as-of date "
                    f"{as_of.isoformat()}",
                )
            )
    return problems
