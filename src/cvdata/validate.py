"""Validation of the CV tables against their descriptor, and the typed tables it yields.

Column rules (type, required, enum, pattern, minimum, uniqueness, primary keys) run as
vectorised pandera checks built from ``datapackage.json``. pandera has no notion of other
tables or of a reference date, so the rules across tables are ours: foreign keys, start
before end, nothing dated after the as-of date, GPA within its scale, one person.

The column rules live in :mod:`cvdata._validate_columns`, the rules across columns and
tables in :mod:`cvdata._validate_rows`; this module reads the folder and puts them together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import i18n
from ._files import FileRefused, check_location
from ._read import RawTable, read_raw
from .problems import Problem, display_path
from .schema import DESCRIPTOR, DescriptorError, Package, default_package, read_package

if TYPE_CHECKING:
    pass
# Re-exported: the module's names as they were before the split (tests and forks use them).
from ._validate_columns import _SPENT, _TIMED_OUT, _cast, _column_problems
from ._validate_columns import FALSE_VALUES as FALSE_VALUES
from ._validate_columns import FUTURE_YEARS as FUTURE_YEARS
from ._validate_columns import INTEGER_DIGITS as INTEGER_DIGITS
from ._validate_columns import MIN_YEAR as MIN_YEAR
from ._validate_columns import PATTERN_BUDGET as PATTERN_BUDGET
from ._validate_columns import PATTERN_CELL_LIMIT as PATTERN_CELL_LIMIT
from ._validate_columns import TRUE_VALUES as TRUE_VALUES
from ._validate_columns import _columns_pass as _columns_pass
from ._validate_columns import _pandera_problems as _pandera_problems
from ._validate_rows import _cross_problems
from ._validate_rows import _unknown_keys as _unknown_keys


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
