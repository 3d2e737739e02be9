"""The one landing path of every import: rows merged into a data folder by primary key,
all or nothing.

Every format of :data:`cvdata.formats.IMPORTS` lands through :func:`land`: its inputs are
checked before the folder's lock is asked for; under the lock the format's ``read`` turns
them into rows (:class:`cvdata.formats._format.Incoming`), rows whose key is already in the
folder are skipped (so importing a file twice adds nothing), the others are appended in a
:mod:`cvdata.transaction`, the staged result is validated with the rest of the data, and
only then committed. A folder that does not exist yet is made from the default descriptor
first (:func:`init_data_dir`), beside the target, and appears whole or not at all.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal

from .._files import STDIN, FileRefused, check_input, check_location, read_input, shown_input
from .._read import RawTable, read_raw
from ..problems import Problem, display_path
from ..schema import DESCRIPTOR, Package, default_package, read_package
from ..transaction import (
    STAGING,
    DataTransaction,
    csv_with_rows,
    data_transaction,
    legacy_leftovers,
    new_folder,
)
from ._format import ImportFormat, Incoming, Report

if TYPE_CHECKING:
    from ..load import CV

#: Tables of one row per CV: an import into a folder that has its row keeps that row.
SINGLE_ROW = ("person", "meta")


def init_data_dir(folder: Path, person: Mapping[str, str] | None = None) -> Path:
    """Write an empty data folder: the default descriptor and every table's header row
    (and, when given, the one row of ``person``, without which it does not validate)."""
    package = default_package()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(__file__).parents[1] / DESCRIPTOR, folder / DESCRIPTOR)
    for table in package.tables:
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow(table.field_names)
        rows = [person] if person is not None and table.name == "person" else []
        data, _ = csv_with_rows(header.getvalue().encode("utf-8"), rows)
        (folder / table.path).write_bytes(data)
    return folder


def _key(package: Package, name: str, row: Mapping[str, str | None]) -> tuple[str, ...]:
    """A row's primary key as the CSV spells it (every column, for a table without one)."""
    table = package[name]
    return tuple((row.get(c) or "").strip() for c in table.primary_key or table.field_names)


def _read_tables(folder: Path, package: Package) -> tuple[dict[str, RawTable], list[Problem]]:
    """Every table of ``folder`` read the one checked way (:func:`cvdata._files.read_bytes`
    through :func:`cvdata._read.read_raw`): a regular file inside the folder, of bounded
    size. A table that cannot be used at all (a link out of the folder, a pipe, a device,
    missing, not UTF-8) is a problem; the import then reads and writes nothing, so no
    table is staged from a file the folder's own checks refuse."""
    raws: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for table in package.tables:
        path = folder / table.path
        try:
            check_location(table.path, folder)
        except FileRefused as e:
            problems.append(Problem(display_path(folder / DESCRIPTOR), None, None, e.reason))
            continue
        raw, found = read_raw(table, path, display_path(path), folder)
        if raw is None:
            problems += found
        else:
            raws[table.name] = raw
    return raws, problems


def _keys(raw: RawTable) -> tuple[set[tuple], int]:
    """The primary keys already in a table (cells stripped, as :func:`_key` makes them),
    and its row count (blank rows left out)."""
    table = raw.table
    columns = [raw.cells[c] for c in table.primary_key or table.field_names]
    count = len(raw.lines)
    return {tuple(col[i] or "" for col in columns) for i in range(count)}, count


def _plan(
    package: Package,
    raws: Mapping[str, RawTable],
    tables: Mapping[str, list[dict[str, str]]],
    landed: Landed,
) -> dict[str, list[Mapping[str, str]]]:
    """The rows of ``tables`` whose key is not in the folder yet (nor earlier in the
    import); the others are counted in ``landed.skipped``, a kept one-row table in
    ``landed.kept``."""
    new: dict[str, list[Mapping[str, str]]] = {}
    for name, rows in tables.items():
        if not rows:
            continue
        have, count = _keys(raws[name])
        if name in SINGLE_ROW and count:
            landed.kept.append(name)
            landed.skipped[name] = len(rows)
            continue
        fresh = []
        for row in rows:
            k = _key(package, name, row)
            if k in have:
                landed.skipped[name] = landed.skipped.get(name, 0) + 1
            else:
                have.add(k)
                fresh.append(row)
        if fresh:
            new[name] = fresh
    return new


def _missing_tables(
    folder: Path, package: Package, tables: Mapping[str, list[dict[str, str]]]
) -> list[Problem]:
    """A folder made for an older cvdata lacks tables this one imports into."""
    where = display_path(folder / DESCRIPTOR)
    return [
        Problem(
            where,
            None,
            None,
            f"has no table {name!r} for the imported rows; "
            f"`cvdata upgrade {shlex.quote(display_path(folder))}` adds it",
        )
        for name, rows in tables.items()
        if rows and name not in package.names
    ]


@dataclass
class Landed:
    """What :func:`land` did: the rows added and skipped per table, the format's report,
    and the problems that stopped it (then nothing was written).

    ``stage`` says where it stopped: ``"input"`` (the input's own problems, in its terms;
    the data folder was not read), ``"folder"`` (the data folder cannot be read, or does
    not validate as it is), ``"result"`` (the folder with the new rows would not
    validate), or ``""`` (it did not stop).
    """

    report: Report = field(default_factory=Report)
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    #: The file of each table rows were added to (``papers.csv``), as its descriptor says.
    paths: dict[str, str] = field(default_factory=dict)
    #: One-row tables the folder has already (``person``): kept, the input's row not taken.
    kept: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stage: Literal["", "input", "folder", "result"] = ""
    #: The data folder did not exist (or was empty) and is made by this import.
    created: bool = False
    #: Whether the data folder was changed (never on a dry run).
    written: bool = False
    #: What recovery did first (an interrupted import finished, leftovers removed).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return sum(self.added.values())


def _input_problems(
    inputs: Sequence[str], folders: bool = False
) -> tuple[list[Problem], bytes | None]:
    """Check every input before the data folder's lock is asked for: a pipe, a device or
    a folder named as a file is refused without waiting, and standard input (``-``) is
    read now (the format reads these bytes), so no import holds the lock while it waits
    for a writer. Returns the problems (in the input's terms) and standard input's bytes."""
    problems: list[Problem] = []
    stdin: bytes | None = None
    for name in inputs:
        shown = shown_input(name) if name == STDIN else display_path(Path(name))
        try:
            if name == STDIN:
                stdin = read_input(name) if stdin is None else stdin
            elif folders and os.path.isdir(name):
                pass  # the format reads the folder's files through the checked opener
            else:
                check_input(name)
        except FileNotFoundError:
            problems.append(Problem(shown, None, None, "cannot read the file: no such file"))
        except FileRefused as e:
            problems.append(Problem(shown, None, None, e.reason))
    return problems, stdin


@contextlib.contextmanager
def _stdin_as(data: bytes | None) -> Iterator[None]:
    """Standard input replaced by ``data`` (read before the lock) while the format reads
    it through :func:`cvdata._files.read_input`, as any other input."""
    if data is None:
        yield
        return
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    try:
        yield
    finally:
        sys.stdin = saved


@dataclass(frozen=True)
class _Job:
    """One import: the format's module and what :func:`land` was given."""

    module: ModuleType
    inputs: Sequence[str]
    options: argparse.Namespace
    as_of: dt.date
    dry_run: bool

    def read(self, existing: CV | None) -> Incoming:
        incoming: Incoming = self.module.read(self.inputs, self.options, existing, self.as_of)
        return incoming


def _existing(folder: Path, as_of: dt.date) -> tuple[CV | None, list[Problem]]:
    """The CV in ``folder`` (locked) with its problems; None when a table of this cvdata
    cannot be loaded at all (a folder made for an older cvdata, a descriptor refused)."""
    from ..load import CV
    from ..validate import check

    result = check(folder, as_of)
    if result.package is None or set(CV.table_names()) - set(result.tables):
        return None, list(result.problems)
    return CV(as_of=as_of, data_dir=folder, **result.tables), list(result.problems)


def _record_lines(data: bytes) -> list[int]:
    """The line each data record of a CSV file starts on (the header is line 1; a cell
    with line breaks spans several)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    starts, line = [], 1
    for record in reader:
        if record:
            starts.append(line)
        line = reader.line_num + 1
    return starts[1:]


def _in_input_terms(
    txn: DataTransaction,
    package: Package,
    fresh: Mapping[str, list[Mapping[str, str]]],
    incoming: Incoming,
    problems: list[Problem],
) -> list[Problem]:
    """``problems`` of the staged folder, those in a row the import brought told as the
    input's (``resume.json: work[0]: end: ...``, not ``cv/roles.csv:2`` of a folder that
    may not exist yet), when the format says where its rows came from."""
    if not incoming.source or not incoming.origins:
        return problems
    origin_of = {
        id(row): origin
        for name, rows in incoming.tables.items()
        for row, origin in zip(rows, incoming.origins.get(name, ()), strict=False)
    }
    at: dict[tuple[str, int], str | tuple[int, str]] = {}
    for name, rows in fresh.items():
        path = package[name].path
        starts = _record_lines(txn.read_bytes(path))
        first = len(starts) - len(rows)
        shown = display_path(txn.data_dir / path)
        for i, row in enumerate(rows):
            if first + i >= 0 and origin_of.get(id(row)):
                at[shown, starts[first + i]] = origin_of[id(row)]
    told = []
    for p in problems:
        origin = at.get((p.path, p.line)) if p.line is not None else None
        if origin:
            what = f"{p.column}: {p.message}" if p.column else p.message
            line, where = origin if isinstance(origin, tuple) else (None, origin)
            told.append(Problem(incoming.source, line, where, what))
        else:
            told.append(p)
    return told


def _land_into(txn: DataTransaction, package: Package, job: _Job, *, new: bool) -> Landed:
    """The landing itself, under ``txn``'s lock: the CV there, the format's rows, the
    rows not there yet appended, the staged folder validated, committed."""
    existing: CV | None = None
    folder_problems: list[Problem] = []
    if not new:
        raws, refused = _read_tables(txn.data_dir, package)
        if refused:
            return Landed(problems=refused, stage="folder")
        # The CV there, as it is: a folder that does not validate yet may still be one the
        # import completes (a row taken out comes back); the staged result must validate.
        existing, folder_problems = _existing(txn.data_dir, job.as_of)
    incoming = job.read(existing)
    landed = Landed(report=incoming.report)
    if not new:
        # A folder made for an older cvdata lacks tables: say what upgrade adds, first.
        missing = _missing_tables(txn.data_dir, package, incoming.tables)
        if missing or existing is None:
            landed.problems, landed.stage = missing or folder_problems, "folder"
            return landed
    if incoming.problems:
        landed.problems, landed.stage = list(incoming.problems), "input"
        return landed
    if new:
        raws, _ = _read_tables(txn.data_dir, package)
    fresh = _plan(package, raws, incoming.tables, landed)
    for name, rows in fresh.items():
        landed.paths[name] = package[name].path
        landed.added[name] = txn.append_rows(package[name].path, rows)
    if not fresh:
        return landed
    landed.problems = list(txn.check(job.as_of).problems)
    if landed.problems:
        landed.problems = _in_input_terms(txn, package, fresh, incoming, landed.problems)
        landed.stage = "result"
    elif not job.dry_run:
        txn.commit()
        landed.written = True
    return landed


def land(
    fmt: ImportFormat,
    inputs: Sequence[str],
    data_dir: Path,
    options: argparse.Namespace,
    as_of: dt.date,
    *,
    dry_run: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Landed:
    """Import ``inputs`` with ``fmt`` into ``data_dir``: every import's one way in.

    The inputs are checked first (nothing of the folder is read before its lock is
    held); then, under the lock, the CV already there is loaded (None for a new folder),
    the format's ``read`` turns the inputs into rows, the rows whose primary key is not
    there yet are appended (a one-row table the folder has is kept), the staged folder is
    validated and committed. A new folder is built beside the target and appears whole.

    Parameters
    ----------
    fmt
        The registry line of the format (:data:`cvdata.formats.IMPORTS`).
    inputs
        The files named on the command line (``-``: standard input).
    data_dir
        The data folder; made when it does not exist or is empty.
    options
        The command line's options, for the format's own (``add_arguments``).
    as_of
        The as-of date the result is validated against.
    dry_run
        Read, plan and validate; change nothing.
    on_wait
        Told once when another cvdata command holds the folder.

    Returns
    -------
    Landed
        The rows added and skipped, the format's report, and any problems (then nothing
        was written: all or nothing).

    Raises
    ------
    cvdata.transaction.TransactionError
        The folder is busy, cannot be written, or holds an import that cannot be finished.
    cvdata.schema.DescriptorError
        The folder's ``datapackage.json`` cannot be used.
    """
    problems, stdin = _input_problems(inputs, fmt.folders)
    if problems:
        return Landed(problems=problems, stage="input")
    job = _Job(fmt.load(), inputs, options, as_of, dry_run)
    with _stdin_as(stdin):
        if data_dir.is_dir():
            with data_transaction(data_dir, on_wait=on_wait) as txn:
                notes = [n for n in (txn.recovered, *legacy_leftovers(data_dir)) if n]
                if _has_files(data_dir):
                    landed = _land_into(txn, read_package(data_dir), job, new=False)
                else:
                    landed = _land_new(data_dir, job)  # an empty folder is replaced
                landed.notes = notes
                return landed
        return _land_new(data_dir, job)


def _has_files(folder: Path) -> bool:
    """Whether ``folder`` (locked) holds anything but a lock's or a crash's leftovers."""
    return any(p.name != STAGING for p in folder.iterdir())


def _land_new(data_dir: Path, job: _Job) -> Landed:
    # A new folder: built and validated beside the target, then renamed into place in one
    # step, so no half-made data folder is ever seen at the target. A kill leaves the
    # scratch folder, which the next command on this place removes (new_folder's notes).
    with new_folder(data_dir) as scratch:
        init_data_dir(scratch.path)
        with data_transaction(scratch.path) as txn:
            # Committed in the scratch folder even on a dry run: publishing is the write.
            landed = _land_into(txn, default_package(), replace(job, dry_run=False), new=True)
        landed.created = True
        if landed.ok and landed.rows and not job.dry_run:
            scratch.publish()  # an empty target folder is replaced too
        else:
            landed.written = False
        # Problems name the target, never the scratch folder the user never sees.
        shown, target = display_path(scratch.path), display_path(data_dir)
        landed.problems = [
            Problem(p.path.replace(shown, target, 1), p.line, p.column, p.message)
            for p in landed.problems
        ]
        return landed


__all__ = ["SINGLE_ROW", "Landed", "init_data_dir", "land"]
