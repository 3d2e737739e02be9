"""Rows from an import, merged into a data folder by primary key, all or nothing.

Any importer that turns a file into rows of the tables (:mod:`cvdata.jsonresume`) uses
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
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem, display_path
from .schema import DESCRIPTOR, Package, default_package, read_package
from .transaction import DataTransaction, csv_with_rows, data_transaction

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
    shutil.copyfile(Path(__file__).with_name(DESCRIPTOR), folder / DESCRIPTOR)
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


def _keys(txn: DataTransaction, package: Package, name: str) -> tuple[set[tuple], int]:
    """The primary keys already in a table, and its row count."""
    text = txn.read_bytes(package[name].path).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return {_key(package, name, r) for r in rows}, len(rows)


def _plan(
    txn: DataTransaction, package: Package, tables: Mapping[str, list[Mapping[str, str]]]
) -> tuple[dict[str, list[Mapping[str, str]]], Merge]:
    merge = Merge()
    new: dict[str, list[Mapping[str, str]]] = {}
    for name, rows in tables.items():
        if not rows:
            continue
        have, count = _keys(txn, package, name)
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
    new, merge = _plan(txn, package, tables)
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
        The rows to import, e.g. :func:`cvdata.jsonresume.import_file`'s.
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
    # step, so no half-made data folder is ever seen at the target.
    parent = data_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.cvdata-new-", dir=parent))
    try:
        init_data_dir(scratch)
        with data_transaction(scratch) as txn:
            merge = _apply(txn, default_package(), tables, as_of, dry_run=False)
        merge.created = True
        if merge.ok and merge.rows and not dry_run:
            os.replace(scratch, data_dir)  # an empty target folder is replaced too
        shown, target = display_path(scratch), display_path(data_dir)
        merge.problems = [
            Problem(p.path.replace(shown, target, 1), p.line, p.column, p.message)
            for p in merge.problems
        ]
        return merge
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


__all__ = ["SINGLE_ROW", "Merge", "import_rows", "init_data_dir"]
