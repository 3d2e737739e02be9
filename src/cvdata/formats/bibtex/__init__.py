"""Papers from a BibTeX file into the CV tables: ``cvdata import bibtex FILE``.

The file is read as BibTeX reads it, leniently (:mod:`._read`): a broken entry is reported
with its line and skipped, a field given twice keeps its first value with a warning. Each
entry becomes a row of ``papers.csv`` and its authors rows of ``paper_authors.csv`` (DOI,
ISBN, arXiv and patent numbers go to ``paper_identifiers.csv``, ``url`` and al-folio's
links to ``paper_links.csv``, a venue's short name to ``venues.csv``), or a talk
(``talks.csv``); DBLP, arXiv, Google Scholar, Zotero and al-folio conventions are read as
:mod:`._entry` says. Entries already in the CV are skipped: the same ``x-cvdata-id``
(written by ``cvdata export bibtex``), the same DOI, or the same title and year once case,
accents and punctuation are set aside. The owner is found among the authors across the
spellings of a name (:mod:`cvdata.names`), with a warning when no author matches.

Nothing in the data folder changes until the result is known to be valid, and then every
changed file changes or none does: the rows are staged in a transaction on the folder
(:mod:`cvdata.transaction`), validated with the rest of the data, and committed. Existing
rows stay byte for byte as they were.

The package: :mod:`._read` (reading and repair), :mod:`._latex` (LaTeX and math to
Unicode), :mod:`._names` (author lists), :mod:`._entry` (one entry's kind, venue,
identifiers, links), :mod:`._rows` (what the CV has already), :mod:`._plan` (the plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..._files import MAX_TABLE_BYTES, read_bytes
from ...transaction import DataTransaction, csv_with_rows, data_transaction
from ...validate import Result
from ._entry import ENTRY_TYPES, VENUE_FIELDS, paper_type
from ._latex import LatexError
from ._latex import decode as _decode  # noqa: F401  (tests read LaTeX through it)
from ._names import natural_name, same_name, split_authors
from ._plan import ImportPlan, NewPaper, Skipped, plan_import
from ._read import (
    BibImportError,
    check_entry,
    damaged,
    read_bibtex,
    read_input_bib,
    structure_problems,
)
from ._rows import norm_doi, norm_title, slug


@dataclass
class ImportResult:
    """The outcome of :func:`apply_plan`: the validation of the staged copy, the rows
    added per file, and whether the data folder was changed."""

    validation: Result
    added_rows: dict[str, int]
    written: bool


def append_rows(path: Path, rows: Iterable[dict[str, str]]) -> int:
    """Append rows to a CSV file in the order of its header row, keeping every existing
    byte (byte-order mark, line endings) as it is. Returns the number of rows written.

    Not atomic: the data folder is changed through :func:`apply_plan` (a transaction).
    Read the checked way (:func:`cvdata._files.read_bytes`, the file's folder as the root).
    """
    data, n = csv_with_rows(read_bytes(path, path.parent, MAX_TABLE_BYTES), rows)
    path.write_bytes(data)
    return n


def apply_plan(
    plan: ImportPlan,
    data_dir: Path,
    as_of: dt.date,
    *,
    dry_run: bool = False,
    txn: DataTransaction | None = None,
) -> ImportResult:
    """Stage the new rows, validate the staged folder, and (unless ``dry_run`` or it does
    not validate) commit them: every changed file of ``data_dir`` is replaced, or none.

    Parameters
    ----------
    txn
        The transaction the plan was made in (see :func:`cvdata.transaction.data_transaction`);
        plan inside it, so that a concurrent import cannot change the data in between.
        Without one, a transaction of its own is used.

    Raises
    ------
    cvdata.transaction.TransactionError
        When the folder is busy, or a file to change is read-only (nothing is changed).
    """
    if txn is None:
        with data_transaction(data_dir) as own:
            return apply_plan(plan, data_dir, as_of, dry_run=dry_run, txn=own)
    from ...schema import read_package

    package = read_package(data_dir)
    added: dict[str, int] = {}
    for name, rows in plan.rows().items():
        table = package[name]
        added[table.path] = txn.append_rows(table.path, rows)
    result = txn.check(as_of)
    if dry_run or not result.ok or not added:
        txn.rollback()
        return ImportResult(result, added, written=False)
    txn.commit()
    return ImportResult(result, added, written=True)


__all__ = [
    "ENTRY_TYPES",
    "VENUE_FIELDS",
    "BibImportError",
    "ImportPlan",
    "ImportResult",
    "LatexError",
    "NewPaper",
    "Skipped",
    "append_rows",
    "apply_plan",
    "check_entry",
    "damaged",
    "natural_name",
    "norm_doi",
    "norm_title",
    "paper_type",
    "plan_import",
    "read_bibtex",
    "read_input_bib",
    "same_name",
    "slug",
    "split_authors",
    "structure_problems",
]
