"""Rows from an import, merged into a data folder by primary key, all or nothing.

Any importer that turns a file into rows of the tables (:mod:`cvdata.formats.jsonresume`) uses
:func:`import_rows`: rows whose key is already in the folder are skipped (so importing a
file twice adds nothing), the others are appended in a :mod:`cvdata.transaction`, the
staged result is validated with the rest of the data, and only then committed. A folder
that does not exist yet is made from the default descriptor first (:func:`init_data_dir`),
beside the target, and appears whole or not at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .._files import FileRefused, check_location
from .._read import RawTable, read_raw
from ..problems import Problem, display_path
from ..schema import DESCRIPTOR, Package, default_package, read_package
from ..transaction import DataTransaction, csv_with_rows, data_transaction, new_folder

#: Tables of one row per CV: an import into a folder that has its row keeps that row.
SINGLE_ROW = ("person", "meta")


@dataclass
class Merge:
    """What an import adds and skips, and whether the result validates."""

    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: bool = False
    #: The folder's tables could not all be read (``problems`` says which): nothing planned.
    unreadable: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows(self) -> int:
        return sum(self.added.values())


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
    package: Package, raws: Mapping[str, RawTable], tables: Mapping[str, list[Mapping[str, str]]]
) -> tuple[dict[str, list[Mapping[str, str]]], Merge]:
    merge = Merge()
    new: dict[str, list[Mapping[str, str]]] = {}
    for name, rows in tables.items():
        if not rows:
            continue
        have, count = _keys(raws[name])
        if name in SINGLE_ROW and count:
            merge.kept.append(name)
            merge.skipped[name] = len(rows)
            continue
        fresh = []
        for row in rows:
            k = _key(package, name, row)
            if k in have:
                merge.skipped[name] = merge.skipped.get(name, 0) + 1
            else:
                have.add(k)
                fresh.append(row)
        if fresh:
            new[name] = fresh
    return new, merge


def _apply(
    txn: DataTransaction,
    package: Package,
    tables: Mapping[str, list[Mapping[str, str]]],
    as_of: dt.date,
    dry_run: bool,
) -> Merge:
    # A folder made for an older cvdata lacks tables this one imports into.
    missing = [name for name, rows in tables.items() if rows and name not in package.names]
    if missing:
        where = display_path(txn.data_dir / DESCRIPTOR)
        return Merge(
            problems=[
                Problem(
                    where,
                    None,
                    None,
                    f"has no table {name!r} for the imported rows; "
                    f"`cvdata upgrade {shlex.quote(display_path(txn.data_dir))}` adds it",
                )
                for name in missing
            ]
        )
    raws, refused = _read_tables(txn.data_dir, package)
    if refused:
        return Merge(problems=refused, unreadable=True)
    new, merge = _plan(package, raws, tables)
    for name, rows in new.items():
        merge.added[name] = txn.append_rows(package[name].path, rows)
    if not new:
        return merge
    result = txn.check(as_of)
    merge.problems = list(result.problems)
    if merge.ok and not dry_run:
        txn.commit()
    return merge


def import_rows(
    data_dir: Path,
    tables: Mapping[str, list[Mapping[str, str]]],
    as_of: dt.date,
    *,
    dry_run: bool = False,
) -> Merge:
    """Merge ``tables`` (rows by table name, cells as CSV text) into ``data_dir``.

    Parameters
    ----------
    data_dir
        The data folder; made from the default descriptor when it does not exist (or is
        an empty folder).
    tables
        The rows to import, e.g. :func:`cvdata.formats.jsonresume.import_file`'s.
    as_of
        The as-of date the result is validated against.
    dry_run
        Plan and validate; change nothing.

    Returns
    -------
    Merge
        Rows added and skipped per table; ``problems`` when the result would not validate
        (then nothing was written).
    """
    if data_dir.is_dir() and any(data_dir.iterdir()):
        with data_transaction(data_dir) as txn:
            return _apply(txn, read_package(data_dir), tables, as_of, dry_run)
    # A new folder: built and validated beside the target, then renamed into place in one
    # step, so no half-made data folder is ever seen at the target. A kill leaves the
    # scratch folder, which the next command on this place removes (new_folder's notes).
    with new_folder(data_dir) as scratch:
        init_data_dir(scratch.path)
        with data_transaction(scratch.path) as txn:
            merge = _apply(txn, default_package(), tables, as_of, dry_run=False)
        merge.created = True
        shown, target = display_path(scratch.path), display_path(data_dir)
        if merge.ok and merge.rows and not dry_run:
            scratch.publish()  # an empty target folder is replaced too
        merge.problems = [
            Problem(p.path.replace(shown, target, 1), p.line, p.column, p.message)
            for p in merge.problems
        ]
        return merge


__all__ = ["SINGLE_ROW", "Merge", "import_rows", "init_data_dir"]
