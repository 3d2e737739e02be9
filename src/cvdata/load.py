"""Loading the data folder as a typed bundle of DataFrames, validated under the read lock.

``find_data_dir`` (:mod:`cvdata._paths`) and ``resolve_as_of`` (:mod:`cvdata.env`) are
standard library only, so that ``cvdata --help`` and the post-render step need no pandas;
they are named here too, where callers have always found them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

import pandas as pd

from . import validate as _validate
from ._files import snapshot
from ._paths import find_data_dir
from .env import resolve_as_of
from .problems import Problem, ValidationError, display_path
from .transaction import TransactionError, reading
from .validate import Result

__all__ = ["CV", "check", "find_data_dir", "load", "load_ahead", "resolve_as_of", "validate"]


@dataclass(frozen=True)
class CV:
    """Every table of one CV, typed (``string``, ``Int64``, ``Float64``, ``boolean``,
    ``datetime64``), in file order, with the as-of date the data was checked against.

    Date fields (``start``, ``end``, ``date``, ...) hold the first day of the period the
    cell names (``2019`` is 1 January 2019) and a ``<field>_precision`` column says how much
    is known (``year``, ``month`` or ``day``; see :mod:`cvdata.dates`); a missing ``end``
    means ongoing.
    """

    as_of: dt.date
    data_dir: Path
    person: pd.DataFrame
    contacts: pd.DataFrame
    roles: pd.DataFrame
    education: pd.DataFrame
    education_courses: pd.DataFrame
    advisors: pd.DataFrame
    role_highlights: pd.DataFrame
    venues: pd.DataFrame
    papers: pd.DataFrame
    paper_authors: pd.DataFrame
    paper_links: pd.DataFrame
    paper_identifiers: pd.DataFrame
    projects: pd.DataFrame
    project_contributions: pd.DataFrame
    project_links: pd.DataFrame
    project_roles: pd.DataFrame
    project_keywords: pd.DataFrame
    skills: pd.DataFrame
    skill_categories: pd.DataFrame
    awards: pd.DataFrame
    events: pd.DataFrame
    talks: pd.DataFrame
    service: pd.DataFrame
    teaching: pd.DataFrame
    certifications: pd.DataFrame
    certification_scores: pd.DataFrame
    activities: pd.DataFrame
    languages: pd.DataFrame
    interests: pd.DataFrame
    interest_keywords: pd.DataFrame
    references: pd.DataFrame
    volunteering: pd.DataFrame
    volunteering_items: pd.DataFrame
    meta: pd.DataFrame

    @classmethod
    def table_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name not in ("as_of", "data_dir"))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in the descriptor's order."""
        return {name: getattr(self, name) for name in self.table_names()}

    @property
    def owner(self) -> pd.Series:
        """The one row of ``person``."""
        return self.person.iloc[0]


def check(data_dir: Path, as_of: dt.date) -> Result:
    """Read and validate every table of ``data_dir`` (:func:`cvdata.validate.check`) under
    the transaction's read lock; never raises on bad data.

    An import interrupted in this folder is finished or undone first, and no import
    commits while the tables are read (:func:`cvdata.transaction.reading`).
    """
    try:
        with reading(data_dir):
            return _validate.check(data_dir, as_of)
    except TransactionError as e:
        problem = Problem(display_path(data_dir), None, None, str(e))
        return Result(package=None, tables={}, problems=[problem], rows=0)  # type: ignore[arg-type]


def validate(
    data_dir: str | os.PathLike[str] | None = None, *, as_of: dt.date | str | None = None
) -> Result:
    """Check every table; returns all problems found rather than stopping at the first.

    Parameters
    ----------
    data_dir
        The folder with the CSV files; found with :func:`find_data_dir` when omitted.
    as_of
        Nothing may be dated after it; defaults to ``CVDATA_AS_OF`` or today.
    """
    return check(find_data_dir(data_dir), resolve_as_of(as_of))


def load(
    data_dir: str | os.PathLike[str] | None = None, *, as_of: dt.date | str | None = None
) -> CV:
    """Load and validate the CV tables.

    Raises
    ------
    ValidationError
        With every problem found, each naming file, line, column and what is wrong.
    """
    folder = find_data_dir(data_dir)
    when = resolve_as_of(as_of)
    ahead = _take_ahead(folder, when)
    if ahead is not None:
        return ahead
    result = check(folder, when)
    if not result.ok:
        raise ValidationError(result.problems)
    return CV(as_of=when, data_dir=folder, **result.tables)


#: A load made ahead by :func:`load_ahead`: the folder (resolved), the as-of date, its
#: files as :func:`~cvdata._files.snapshot` saw them before the read, and the CV.
_ahead: tuple[Path, dt.date, dict[str, tuple[int, int]], CV] | None = None


def load_ahead(
    data_dir: str | os.PathLike[str] | None = None, *, as_of: dt.date | str | None = None
) -> bool:
    """Load ``data_dir`` now, for the first :func:`load` of the same folder and date in a
    process forked after this one; whether the data was valid (else nothing is kept, and
    that load reports the problems).

    The warm kernels' fork server calls it once, while no page is asking for a kernel
    (:mod:`cvdata.quarto._forkserver`): each page it forks after that starts with its data
    read and checked, as a page that read it itself would have it. The folder's files are
    noted (``lstat``) before they are read; a load whose folder no longer matches reads it
    again.
    """
    global _ahead
    _ahead = None
    folder = find_data_dir(data_dir)
    when = resolve_as_of(as_of)
    files = snapshot(folder)
    result = check(folder, when)
    if result.ok:
        cv = CV(as_of=when, data_dir=folder, **result.tables)
        _ahead = (folder.resolve(), when, files, cv)
    return result.ok


def _take_ahead(folder: Path, as_of: dt.date) -> CV | None:
    """The CV loaded ahead when it is of ``folder`` as it is now and ``as_of``; taken once
    (a second load reads the folder again, so no two loads share tables)."""
    global _ahead
    kept, _ahead = _ahead, None
    if kept is None:
        return None
    path, when, files, cv = kept
    if path != folder.resolve() or when != as_of or snapshot(folder) != files:
        return None
    return replace(cv, data_dir=folder)  # the folder as this caller named it
