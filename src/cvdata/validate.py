"""Validation of the CV tables against their descriptor, and the typed tables it yields.

Column rules (type, required, enum, pattern, minimum, uniqueness, primary keys) run as
vectorised pandera checks built from ``datapackage.json``. pandera has no notion of other
tables or of a reference date, so the rules across tables are ours: foreign keys, start
before end, nothing dated after the as-of date, GPA within its scale, one person.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import dates, i18n
from ._files import FileRefused, check_location
from ._read import RawTable, read_raw
from .problems import Problem, display_path
from .schema import DESCRIPTOR, DescriptorError, Field, Package, default_package, read_package

if TYPE_CHECKING:
    import pandera.pandas as pa

TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
_BOOLEAN_OF = dict.fromkeys(TRUE_VALUES, True) | dict.fromkeys(FALSE_VALUES, False)

_TYPE_PATTERNS = {
    # [0-9], not \d: \d also matches full-width and other scripts' digits, which
    # numeric conversion cannot read.
    "integer": r"[+-]?[0-9]+",
    "number": r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?",
    "year": r"[0-9]{4}",
    "yearmonth": r"[0-9]{4}-(?:0[1-9]|1[0-2])",
    "date": r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])",
}
_TYPE_MESSAGES = {
    "integer": "is not a whole number",
    "number": "is not a number",
    "boolean": "is not true or false",
    "year": "is not a year",
    "yearmonth": "is not a month in the form YYYY-MM",
    "date": "is not a date in the form YYYY-MM-DD",
}
# Friendlier words for the patterns the shipped descriptor uses.
_PATTERN_MESSAGES = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "is not a valid id (lowercase letters and digits, "
    "words joined by single hyphens)",
    r"^(https?://|mailto:)\S+$": "is not a link that may be published "
    "(only http://, https:// and mailto: addresses)",
}
#: The earliest year a date may have. Charts measure roles in nanoseconds (pandas), which
#: reach back to 1677 and span at most 292 years; a CV has nothing earlier than this.
MIN_YEAR = 1800
#: How many years after the as-of date a ``year`` may be (a paper planned, a term booked).
FUTURE_YEARS = 10
#: The most digits a whole number may have: larger ones do not fit the typed tables
#: (64-bit integers; past 15 digits a float conversion is not exact either).
INTEGER_DIGITS = 15
#: An email address as a CV prints it: one @, no spaces or brackets, a dot in the domain.
_EMAIL = r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]+"
# Pairs of columns where the second must not come before the first.
_DATE_PAIRS = (("start", "end"), ("start_date", "end_date"))


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _python_strings(s: pd.Series) -> bool:
    """Whether ``s`` holds Python ``str`` objects, matched by ``re`` as ``.str`` would."""
    return getattr(s.dtype, "storage", None) == "python"


def _fullmatch(s: pd.Series, pattern: str) -> pd.Series:
    """``s.str.fullmatch(pattern)`` with missing cells False, without ``.str``'s overhead."""
    if not _python_strings(s):
        return s.str.fullmatch(pattern).fillna(False).astype(bool)
    match = _regex(pattern).fullmatch
    ok = [isinstance(v, str) and match(v) is not None for v in s.tolist()]
    return pd.Series(ok, index=s.index, name=s.name, dtype=bool)


#: The most time one descriptor pattern may take over a validation, in seconds, and over
#: one cell. A fork's ``datapackage.json`` may hold a pattern that is slow on long cells
#: (``^.*a.*$`` is quadratic: minutes on a 131,072-character cell); the safety check
#: (:mod:`cvdata._regex_safety`) refuses the exponential ones, this bounds the rest.
PATTERN_BUDGET = 5.0
PATTERN_CELL_LIMIT = 1.0
#: (pattern, cell) pairs that ran out of time: reported as such, not as a mismatch.
_TIMED_OUT: set[tuple[str, str]] = set()
_SPENT: dict[str, float] = {}


@cache
def _bounded(pattern: str) -> Any:
    import regex

    return regex.compile(pattern, flags=regex.VERSION0)


def _pattern_ok(s: pd.Series, pattern: str) -> pd.Series:
    """Which cells match a descriptor's ``pattern`` whole, each within a time bound; a cell
    that runs out of time fails, and its message says so (:data:`PATTERN_BUDGET`)."""
    import regex

    match = _bounded(pattern).fullmatch
    ok = []
    for v in s.tolist():
        if not isinstance(v, str):
            ok.append(False)
            continue
        left = PATTERN_BUDGET - _SPENT.get(pattern, 0.0)
        start = time.perf_counter()
        try:
            if left <= 0:
                raise TimeoutError
            ok.append(match(v, timeout=min(PATTERN_CELL_LIMIT, left)) is not None)
        except (TimeoutError, regex.error):
            _TIMED_OUT.add((pattern, v))
            ok.append(False)
        _SPENT[pattern] = _SPENT.get(pattern, 0.0) + time.perf_counter() - start
    return pd.Series(ok, index=s.index, name=s.name, dtype=bool)


def _type_ok(ftype: str, s: pd.Series) -> pd.Series:
    if ftype == "boolean":
        return s.isin(TRUE_VALUES + FALSE_VALUES)
    ok = _fullmatch(s, _TYPE_PATTERNS[ftype])
    if ftype == "date":  # the pattern admits 2024-02-30; the calendar does not
        ok &= pd.to_datetime(s.where(ok), format="%Y-%m-%d", errors="coerce").notna()
    return ok


def _minimum_ok(f: Field, s: pd.Series) -> pd.Series:
    n = pd.to_numeric(s, errors="coerce")
    ok = pd.Series(True, index=s.index)
    if f.minimum is not None:
        ok &= ~(n < f.minimum).fillna(False)
    if f.maximum is not None:
        ok &= ~(n > f.maximum).fillna(False)
    return ok


def _digits_ok(s: pd.Series) -> pd.Series:
    """Whole numbers of at most ``INTEGER_DIGITS`` digits (leading zeros aside); other
    cells pass (their type check reports them)."""
    whole = _regex(_TYPE_PATTERNS["integer"]).fullmatch
    ok = [
        not isinstance(v, str)
        or len(v) <= INTEGER_DIGITS
        or whole(v) is None
        or len(v.lstrip("+-").lstrip("0")) <= INTEGER_DIGITS
        for v in s.tolist()
    ]
    return pd.Series(ok, index=s.index, dtype=bool)


def _min_year_ok(s: pd.Series) -> pd.Series:
    """Dates from ``MIN_YEAR`` on; cells that are not dates pass (see :func:`_type_ok`)."""
    first = f"{MIN_YEAR:04d}"
    ok = [
        not isinstance(v, str) or not (v[:4] < first and v[:4].isdigit() and v[:4].isascii())
        for v in s.tolist()
    ]
    return pd.Series(ok, index=s.index, dtype=bool)


def _finite_ok(s: pd.Series) -> pd.Series:
    """Numbers that stay finite as floats ('1e999' does not)."""
    if all(len(v) < 300 and "e" not in v and "E" not in v for v in s.dropna().tolist()):
        return pd.Series(True, index=s.index, dtype=bool)  # no exponent: at most 1e300
    n = pd.to_numeric(s.where(_type_ok("number", s)), errors="coerce").astype("Float64")
    return ~(n.abs() == float("inf")).fillna(False).astype(bool)


def _rules(f: Field) -> list[tuple[str, Callable[[pd.Series], pd.Series]]]:
    """The cell rules of a column that is present: each a name (the key of its message,
    see :func:`_message`) and a check giving True for every cell that keeps it.

    The one definition of these rules: pandera runs them to report problems
    (:func:`_column_schema`), and :func:`_cells_pass` runs them to find clean tables fast.
    """
    rules: list[tuple[str, Callable[[pd.Series], pd.Series]]] = []
    if f.partial_date:
        rules.append(("type:date-any", dates.cells_ok))
    elif f.type != "string":
        rules.append((f"type:{f.type}", lambda s, t=f.type: _type_ok(t, s)))
    # Values of the right type that the typed tables and charts cannot hold. Each passes
    # a cell that fails its type check, which is reported once, as that.
    if f.type == "integer":
        rules.append(("digits", _digits_ok))
    elif f.type == "number":
        rules.append(("finite", _finite_ok))
    elif f.type in ("year", "yearmonth", "date"):
        rules.append(("min-year", _min_year_ok))
    if f.enum is not None:
        rules.append(("enum", lambda s, e=f.enum: s.isin(e)))
    if f.pattern is not None:
        # Matched whole as written (the anchors change nothing under fullmatch): stripping
        # them turned a pattern ending in \$ into one ending in a lone backslash, whose
        # error pandera swallowed, so the column was never checked.
        rules.append(("pattern", lambda s, p=f.pattern: _pattern_ok(s, p)))
    if f.minimum is not None or f.maximum is not None:
        rules.append(("range", lambda s, f=f: _minimum_ok(f, s)))
    return rules


def _column_schema(f: Field, present: bool) -> pa.Column:
    import pandera.pandas as pa

    return pa.Column(
        dtype=None,
        checks=[pa.Check(check, error=name) for name, check in _rules(f)] if present else [],
        # A missing column is reported once by the reader, not once per row here.
        nullable=not (f.required and present),
        unique=f.unique and present,
        required=False,
    )


def _message(f: Field, check: str, value: object) -> str:
    shown = repr(str(value))
    if check == "not_nullable":
        return "required value is missing"
    if check == "type:date-any":
        return _partial_date_message(str(value))
    if check.startswith("type:"):
        return f"{shown} {_TYPE_MESSAGES[f.type]}"
    if check == "enum":
        return f"{shown} is not one of: {', '.join(f.enum or ())}"
    if check == "pattern" and (f.pattern, str(value)) in _TIMED_OUT:
        return (
            f"{shown} could not be checked: the pattern {f.pattern} takes too long on it "
            f"(more than {PATTERN_CELL_LIMIT:g} s a cell, {PATTERN_BUDGET:g} s in all); "
            "simplify the pattern in datapackage.json"
        )
    if check == "pattern":
        words = _PATTERN_MESSAGES.get(f.pattern or "")
        return f"{shown} {words}" if words else f"{shown} does not match the pattern {f.pattern}"
    if check == "digits":
        return f"{shown} is too large: whole numbers have at most {INTEGER_DIGITS} digits"
    if check == "finite":
        return f"{shown} is too large to be a number"
    if check == "min-year":
        return f"{shown} is before {MIN_YEAR}, the earliest year a CV may have"
    if check == "range":
        if f.minimum is not None and float(str(value)) < f.minimum:
            return f"{shown} is below the minimum {f.minimum:g}"
        return f"{shown} is above the maximum {f.maximum:g}"
    return f"{shown} fails {check}"


def _partial_date_message(value: str) -> str:
    """Why a cell is not a date at one of the three precisions."""
    try:
        dates.parse(value)
    except ValueError as e:
        return str(e)
    return f"{value!r} {dates.MESSAGE}"


def _cells_pass(f: Field, cells: list[str]) -> bool:
    """Whether a column's cells (none missing) keep every rule of :func:`_rules`, the
    rules pandera runs, on the same ``string`` Series as the reader's frame holds."""
    rules = _rules(f)
    if not rules:
        return True
    s = _strings(cells)
    return all(bool(check(s).all()) for _, check in rules)


def _strings(cells: list[str | None]) -> pd.Series:
    """Cells as a ``string`` Series, as the reader's frame holds them."""
    return pd.Series(pd.array(cells, dtype="string"))


def _columns_pass(raw: RawTable, present: set[str], pk: list[str]) -> bool:
    """Whether every rule of the table's pandera schema holds, checked directly.

    Building and running a pandera schema costs far more than the checks themselves, so
    pandera runs only when something fails: it then reports the failures. ``False`` when
    in doubt (including any error here); pandera decides those cases.
    """
    if pd.StringDtype().storage != "python":
        return False
    try:
        for f in raw.table.fields:
            if f.name not in present:
                continue  # nullable, not unique and unchecked: see _column_schema
            values = raw.cells[f.name]
            missing = None in values
            if missing and f.required:
                return False
            if (f.unique or pk == [f.name]) and len(set(values)) != len(values):
                return False
            cells = [v for v in values if v is not None] if missing else values
            if cells and not _cells_pass(f, cells):  # type: ignore[arg-type]
                return False
        if len(pk) > 1:
            keys = list(zip(*(raw.cells[c] for c in pk), strict=True))
            if len(set(keys)) != len(keys):
                return False
    except Exception:
        return False
    return True


def _column_problems(raw: RawTable) -> tuple[list[Problem], bool]:
    """The problems of single columns, and whether every column rule held."""
    table = raw.table
    present = {n for n in table.field_names if n not in raw.missing_columns}
    # A key with a missing column cannot be checked (the missing column is reported).
    pk = list(table.primary_key) if set(table.primary_key) <= present else []
    if _columns_pass(raw, present, pk):
        return [], True
    return _pandera_problems(raw, present, pk), False


def _pandera_problems(raw: RawTable, present: set[str], pk: list[str]) -> list[Problem]:
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    table = raw.table
    schema = pa.DataFrameSchema(
        {f.name: _column_schema(f, f.name in present) for f in table.fields},
        # A one-column key is checked as that column's uniqueness.
        unique=pk if len(pk) > 1 else None,
    )
    if len(pk) == 1:
        schema.columns[pk[0]].unique = True
    try:
        schema.validate(raw.frame, lazy=True)
        return []
    except SchemaErrors as e:
        cases = e.failure_cases
    problems: list[Problem] = []
    uniq = cases["check"].isin(["field_uniqueness", "multiple_fields_uniqueness"])
    for case in cases[~uniq].itertuples(index=False):
        if pd.isna(case.index):
            continue
        f = table.field(case.column)
        problems.append(
            Problem(
                raw.display,
                raw.line(int(case.index)),
                case.column,
                _message(f, case.check, case.failure_case),
            )
        )
    problems += _duplicate_problems(raw, cases[uniq])
    return problems


def _duplicate_problems(raw: RawTable, cases: pd.DataFrame) -> list[Problem]:
    """One problem for each repeat of a key, pointing at the line where it first appears."""
    problems = []
    for column, group in cases.groupby(
        cases["check"].map({"field_uniqueness": "single", "multiple_fields_uniqueness": "multi"})
    ):
        cols = list(raw.table.primary_key) if column == "multi" else None
        for col in (cols and [None]) or group["column"].unique():
            key_cols = cols or [col]
            rows = sorted({int(i) for i in group["index"].dropna()})
            # An empty part of a key is shown as <empty> (it is also reported as missing).
            part = raw.frame.loc[rows, key_cols].astype(object)
            keys = _tuples(part.where(part.notna(), "<empty>"))
            first: dict[tuple, int] = {}
            for row, key in zip(rows, keys, strict=True):
                if key in first:
                    shown = repr(key[0]) if len(key) == 1 else "(" + ", ".join(key) + ")"
                    label = key_cols[0] if len(key_cols) == 1 else "+".join(key_cols)
                    problems.append(
                        Problem(
                            raw.display,
                            raw.line(row),
                            label,
                            f"{shown} appears more than once "
                            f"(first on line {raw.line(first[key])})",
                        )
                    )
                else:
                    first[key] = row
    return problems


def _cast(raw: RawTable, types_ok: bool = False) -> pd.DataFrame:
    """Typed columns; cells that failed their type check become missing.

    ``types_ok`` says every cell present passed its type check, so none need masking.
    """
    out: dict[str, object] = {}
    # Precision companions go after the declared columns, which keep the descriptor's order.
    companions: dict[str, object] = {}
    for f in raw.table.fields:
        if f.partial_date:
            out[f.name], companions[dates.precision_column(f.name)] = dates.cast(raw.cells[f.name])
            continue
        if types_ok:
            typed = _cast_checked(f, raw.cells[f.name])
            if typed is not None:
                out[f.name] = typed
                continue
        # From the cells: the reader's frame need never be built.
        s = _strings(raw.cells[f.name])
        if f.type == "string":
            out[f.name] = s.astype("string")
        elif f.type in ("integer", "year"):
            if not types_ok:
                s = s.where(_type_ok(f.type, s))
            out[f.name] = pd.to_numeric(s, errors="coerce").astype("Int64")
        elif f.type == "number":
            n = pd.to_numeric(s, errors="coerce").astype("Float64")
            # '1e999' passes the type check as inf; it is reported, and missing here.
            out[f.name] = n.where(n.abs() != float("inf"))
        elif f.type == "boolean":
            out[f.name] = s.map(_BOOLEAN_OF).astype("boolean")
        elif f.type == "yearmonth":
            if not types_ok:
                s = s.where(_type_ok("yearmonth", s))
            out[f.name] = pd.to_datetime(s + "-01", format="%Y-%m-%d", errors="coerce")
        elif f.type == "date":
            out[f.name] = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    return pd.DataFrame(out | companions, index=pd.RangeIndex(len(raw.lines)))


def _cast_checked(f: Field, cells: list[str | None]) -> pd.api.extensions.ExtensionArray | None:
    """The typed column straight from cells that passed the type check (``None``: use
    the general way), the same as :func:`_cast` makes it."""
    if f.type == "string":
        return pd.array(cells, dtype="string")
    if f.type == "boolean":
        return pd.array([None if v is None else _BOOLEAN_OF[v] for v in cells], dtype="boolean")
    if f.type in ("integer", "year") and all(v is None or len(v) <= 15 for v in cells):
        # At most 15 digits: exact as a float too, so to_numeric's way cannot differ.
        return pd.array([None if v is None else int(v) for v in cells], dtype="Int64")
    return None


def _tuples(frame: pd.DataFrame) -> pd.Series:
    """Each row as a tuple of strings (column-wise zip: row-wise agg was the bottleneck)."""
    cols = [frame[c].astype(str).tolist() for c in frame.columns]
    return pd.Series(list(zip(*cols, strict=True)), index=frame.index, dtype=object)


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
    problems: list[Problem] = []
    as_of_ts = pd.Timestamp(as_of)
    for table in package.tables:
        raw, df = raws.get(table.name), typed.get(table.name)
        if raw is None or df is None:
            continue
        # Foreign keys.
        for fk in table.foreign_keys:
            parent = raws.get(fk.resource)
            if (
                parent is None
                or any(c in raw.missing_columns for c in fk.fields)
                or any(c in parent.missing_columns for c in fk.reference_fields)
            ):
                continue
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
        # Start before end.
        for a, b in _DATE_PAIRS:
            if a in df and b in df:
                bad = _end_before_start(df, a, b)
                ftype = table.field(b).type
                for row in bad[bad.fillna(False)].index:
                    problems.append(
                        Problem(
                            raw.display,
                            raw.line(row),
                            b,
                            f"{_fmt_cell(df, row, b, ftype)} is before {a} "
                            f"{_fmt_cell(df, row, a, ftype)}",
                        )
                    )
        # Nothing dated after the as-of date; years at most FUTURE_YEARS after it.
        for f in table.fields:
            if f.type == "year":
                last = as_of.year + FUTURE_YEARS
                late = (df[f.name] > last).fillna(False)
                for row in late[late].index:
                    problems.append(
                        Problem(
                            raw.display,
                            raw.line(row),
                            f.name,
                            f"{df.at[row, f.name]} is more than {FUTURE_YEARS} years after "
                            f"the as-of date {as_of.isoformat()}",
                        )
                    )
            if f.type not in ("date", "yearmonth"):
                continue
            late = (df[f.name] > as_of_ts).fillna(False)
            for row in late[late].index:
                problems.append(
                    Problem(
                        raw.display,
                        raw.line(row),
                        f.name,
                        f"{_fmt_cell(df, row, f.name, f.type)} is after the as-of date "
                        f"{as_of.isoformat()}",
                    )
                )
    problems += _specific_problems(raws, typed, as_of)
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


@dataclass
class Result:
    """What validation found: the descriptor, typed tables and every problem."""

    package: Package
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check(data_dir: Path, as_of: dt.date) -> Result:
    """Read and validate every table of ``data_dir``; never raises on bad data.

    Takes no lock: :func:`cvdata.load.check` reads a data folder under the transaction's
    read lock (this module is below the transaction, which validates its staged copy).
    """
    _SPENT.clear()  # each validation has its own time for the descriptor's patterns
    _TIMED_OUT.clear()
    try:
        package = read_package(data_dir)
    except DescriptorError as e:
        problem = Problem(display_path(e.path), None, None, e.reason)
        return Result(package=None, tables={}, problems=[problem], rows=0)  # type: ignore[arg-type]
    raws: dict[str, RawTable] = {}
    typed: dict[str, pd.DataFrame] = {}
    problems = _table_set_problems(package, data_dir / DESCRIPTOR)
    for table in package.tables:
        try:
            check_location(table.path, data_dir)
        except FileRefused as e:
            where = display_path(data_dir / DESCRIPTOR)
            problems.append(Problem(where, None, None, f"resource {table.name!r}: {e.reason}"))
            continue
        path = data_dir / table.path
        raw, found = read_raw(table, path, display_path(path), root=data_dir)
        problems += found
        if raw is None:
            continue
        found, passed = _column_problems(raw)
        problems += found
        raws[table.name] = raw
        typed[table.name] = _cast(raw, types_ok=passed)
    problems += _cross_problems(package, raws, typed, as_of)
    # The CV's language (meta.csv) and the words that override the catalogue's.
    problems += i18n.problems(data_dir, typed.get("meta"))
    rows = sum(len(df) for df in typed.values())
    return Result(package, typed, sorted(set(problems), key=_order), rows)


def _table_set_problems(package: Package, path: Path) -> list[Problem]:
    """The CV's tables are the shipped descriptor's: a fork may change their columns and
    rules, not drop a table or add one (the pages would have nothing to show for it)."""
    known = default_package().names
    where = display_path(path)
    return [
        *(
            Problem(where, None, None, f"table {n!r} is not one cvdata knows")
            for n in package.names
            if n not in known
        ),
        *(
            Problem(where, None, None, f"table {n!r} is missing from the descriptor")
            for n in known
            if n not in package.names
        ),
    ]


def _order(p: Problem) -> tuple:
    return (p.path, p.line or 0, p.column or "", p.message)
