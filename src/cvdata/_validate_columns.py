"""The rules of one column at a time, from the descriptor: types, required values, enums,
patterns (time-bounded), minimums, digits, uniqueness and primary keys (pandera, built
from ``datapackage.json``), and the typed columns they yield; see :mod:`cvdata.validate`."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import dates
from ._read import RawTable
from .problems import Problem
from .schema import Field

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
#: (:mod:`cvdata._regex_safety`) refuses the exponential ones, this bounds the rest. The
#: budget is this process's CPU time, not the wall clock: on a machine busy with other work
#: a large valid table (100,000 skills) must not fail for time it never spent.
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
        start = time.process_time()
        try:
            if left <= 0:
                raise TimeoutError
            ok.append(match(v, timeout=min(PATTERN_CELL_LIMIT, left)) is not None)
        except (TimeoutError, regex.error):
            _TIMED_OUT.add((pattern, v))
            ok.append(False)
        _SPENT[pattern] = _SPENT.get(pattern, 0.0) + time.process_time() - start
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
        typed = _cast_checked(f, raw.cells[f.name]) if types_ok else None
        if typed is None:
            # From the cells: the reader's frame need never be built.
            typed = _cast_strings(f, _strings(raw.cells[f.name]), types_ok)
        if typed is not None:
            out[f.name] = typed
    return pd.DataFrame(out | companions, index=pd.RangeIndex(len(raw.lines)))


def _cast_strings(f: Field, s: pd.Series, types_ok: bool) -> object:
    """The typed column of ``f`` from its cells as strings (failed cells missing), or None
    for a type cvdata does not know."""
    if f.type == "string":
        return s.astype("string")
    if f.type in ("integer", "year"):
        if not types_ok:
            s = s.where(_type_ok(f.type, s))
        return pd.to_numeric(s, errors="coerce").astype("Int64")
    if f.type == "number":
        n = pd.to_numeric(s, errors="coerce").astype("Float64")
        # '1e999' passes the type check as inf; it is reported, and missing here.
        return n.where(n.abs() != float("inf"))
    if f.type == "boolean":
        return s.map(_BOOLEAN_OF).astype("boolean")
    if f.type == "yearmonth":
        if not types_ok:
            s = s.where(_type_ok("yearmonth", s))
        return pd.to_datetime(s + "-01", format="%Y-%m-%d", errors="coerce")
    if f.type == "date":
        return pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    return None


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
