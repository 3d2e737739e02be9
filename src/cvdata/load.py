"""Finding the data folder and loading it as a typed bundle of DataFrames."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from .problems import DataDirError, ValidationError
from .validate import Result, check

#: Environment variable that names the data folder (beats the search from the working folder).
DATA_DIR_ENV = "CVDATA_DIR"
#: Environment variable that fixes the as-of date (YYYY-MM-DD), e.g. for reproducible renders.
AS_OF_ENV = "CVDATA_AS_OF"


def find_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Locate the folder that holds the CV tables.

    Looks, in order, at ``data_dir``, the ``CVDATA_DIR`` environment variable, ``data/``
    under Quarto's ``QUARTO_PROJECT_ROOT``, and ``data/`` in the working folder or any
    folder above it (so a notebook in ``notebooks/`` finds the project's ``data/``).

    Raises
    ------
    DataDirError
        When no such folder exists.
    """
    given = data_dir if data_dir is not None else os.environ.get(DATA_DIR_ENV) or None
    if given is not None:
        path = Path(given).expanduser()
        if not path.is_dir():
            raise DataDirError(f"data folder {str(path)!r} does not exist")
        return path
    root = os.environ.get("QUARTO_PROJECT_ROOT")
    if root and (Path(root) / "data" / "datapackage.json").is_file():
        return Path(root) / "data"
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "data" / "datapackage.json").is_file():
            return folder / "data"
    raise DataDirError(
        f"no data/ folder with a datapackage.json in {here} or above it; "
        f"pass the folder or set {DATA_DIR_ENV}"
    )


def resolve_as_of(as_of: dt.date | str | None = None) -> dt.date:
    """The as-of date: the one given, else ``CVDATA_AS_OF``, else today."""
    if as_of is None:
        as_of = os.environ.get(AS_OF_ENV) or dt.date.today()
    if isinstance(as_of, str):
        try:
            return dt.date.fromisoformat(as_of)
        except ValueError as e:
            raise ValueError(f"as-of date {as_of!r} is not a date in the form YYYY-MM-DD") from e
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    return as_of


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
    result = check(folder, resolve_as_of(as_of))
    if not result.ok:
        raise ValidationError(result.problems)
    return CV(as_of=resolve_as_of(as_of), data_dir=folder, **result.tables)
