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
changed file changes or none does: :func:`read` hands the rows to the landing path of every
import (:func:`cvdata.formats._land.land`), which stages them in a transaction, validates
them with the rest of the data, and commits. Existing rows stay byte for byte as they were.

The package: :mod:`._read` (reading and repair), :mod:`._latex` (LaTeX and math to
Unicode), :mod:`._names` (author lists), :mod:`._entry` (one entry's kind, venue,
identifiers, links), :mod:`._rows` (what the CV has already), :mod:`._plan` (the plan),
:mod:`._adapter` (the import format's ``read``: the plan as rows and a report).
"""

from __future__ import annotations

from ._adapter import read
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

__all__ = [
    "ENTRY_TYPES",
    "VENUE_FIELDS",
    "BibImportError",
    "ImportPlan",
    "LatexError",
    "NewPaper",
    "Skipped",
    "check_entry",
    "damaged",
    "natural_name",
    "norm_doi",
    "norm_title",
    "paper_type",
    "plan_import",
    "read",
    "read_bibtex",
    "read_input_bib",
    "same_name",
    "slug",
    "split_authors",
    "structure_problems",
]
