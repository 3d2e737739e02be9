"""What an import format is and what it hands to the landing path.

An import format is one module of :mod:`cvdata.formats` and one line of
:data:`cvdata.formats.IMPORTS`. Its module turns the user's files into :class:`Incoming`:
the rows for the tables, a :class:`Report` of what came in and what was set aside, and the
problems of the input in the input's own terms (a JSON path, a file and line). It never
writes: :mod:`cvdata.formats._land` takes the data folder's lock, hands the module the CV
already there (to merge against), appends the new rows in one transaction, validates and
commits, all or nothing.

A format module provides::

    def read(inputs: Sequence[str], options: argparse.Namespace,
             existing: CV | None, as_of: datetime.date) -> Incoming

and, when it has options of its own, ``add_arguments(parser)``. ``inputs`` are the paths
given on the command line (``-`` is standard input), read through
:func:`cvdata._files.read_input`; ``existing`` is the CV in the folder as it is (it may
not validate yet: the result must), ``None`` for a new data folder or one whose tables
cannot all be loaded (the import then stops, naming the folder's problems). Each input
is checked before the folder's lock is taken (a pipe or a folder is refused without
waiting; standard input is read then and handed to ``read_input`` again). ``read`` is
called with the lock held; what it returns is merged by primary key, so a second
identical import adds nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

from ..problems import Problem


@dataclass
class SectionReport:
    """One section of the input (``work``, ``@inproceedings``, ``Positions.csv``, ...)."""

    #: Entries (or values) of this section in the input.
    came_in: int = 0
    #: Rows written to the tables from this section.
    stored: int = 0
    #: Entries already in the data folder (same key, same DOI or title): not added again.
    merged: int = 0
    #: ``(where in the input, why)`` for each entry or value that was not stored.
    set_aside: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Report:
    """What an import read, per section of its input, and what it could not decide."""

    sections: dict[str, SectionReport] = field(default_factory=dict)
    #: Things the user should check: a guessed kind, an owner name that matched no author.
    warnings: list[str] = field(default_factory=list)
    #: The format's own lines, printed first, as they are (``refs.bib: 7 entries read``,
    #: one line per entry added or skipped).
    lines: list[str] = field(default_factory=list)

    def section(self, name: str) -> SectionReport:
        """The report of section ``name``, made empty on first use."""
        return self.sections.setdefault(name, SectionReport())


@dataclass
class Incoming:
    """An input, read: rows per table (cells as CSV text), the report, the problems."""

    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    #: Problems of the input; any problem means nothing is written.
    problems: list[Problem] = field(default_factory=list)
    #: Where each row came from in the input (parallel to ``tables``: ``work[3]``, or
    #: ``(line, "entry 'key'")`` for an input read by lines), and the input as messages
    #: name it: a problem that only the validation of the whole folder finds in a new row
    #: is told in the input's terms (``r.json: work[3]: end: ...``, ``refs.bib:12: entry
    #: 'key': year: ...``), not a table's line; '' where a row has none.
    origins: dict[str, list[str | tuple[int, str]]] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class ImportFormat:
    """One line of the registry: the command's name, its module and its help."""

    name: str
    #: Module under ``cvdata.formats`` that provides ``read`` (and ``add_arguments``).
    module: str
    #: One line for ``cvdata import --help``.
    help: str
    #: How the inputs are shown in the usage line (``RESUME.json``, ``EXPORT``).
    metavar: str = "FILE"
    #: Whether more than one input may be given (ORCID: the record and its works); then
    #: the data folder is given as ``--data-dir``.
    many: bool = False
    #: More for ``cvdata import NAME --help``: what is read, where it goes, what is skipped.
    description: str = ""
    #: Whether the module has ``add_arguments(parser)``: it is then imported when the
    #: command line is built, so it must import its heavy dependencies inside ``read``.
    options: bool = False
    #: Whether an input may be a folder (LinkedIn's export unzipped), which the format
    #: then reads through the checked opener; otherwise a folder is refused.
    folders: bool = False

    def load(self) -> ModuleType:
        """The module (``cvdata.formats.<module>``), imported on first use, so that
        ``cvdata --help`` imports no format's dependencies."""
        return importlib.import_module(f"{__package__}.{self.module}")


@dataclass(frozen=True)
class ExportFormat:
    """One line of the export registry: ``cvdata export NAME`` calls ``function`` of
    :mod:`cvdata.formats.export`, which returns the text and what it holds in words."""

    name: str
    #: One line for ``cvdata export --help``.
    help: str
    #: ``(cv) -> (text, what)``, a function of :mod:`cvdata.formats.export`.
    function: str


__all__ = ["ExportFormat", "ImportFormat", "Incoming", "Report", "SectionReport"]
