"""Bring a data folder made for an older cvdata up to date: ``cvdata upgrade DATA_DIR``.

cvdata's own descriptor (``cvdata/datapackage.json``, :func:`cvdata.schema.default_package`)
is the reference. A fork made with an older cvdata has fewer tables and columns; after it
pulls a newer cvdata, validation reports them missing. :func:`upgrade` adds them, empty,
and changes nothing else: every byte of every existing cell stays as it is, and so does
everything the fork decided on purpose. The whole change is made in one
:func:`cvdata.transaction.data_transaction`: staged, validated with the rest of the data,
then committed, or not written at all.

What is merged into the folder's ``datapackage.json`` and what is kept:

- **No descriptor**: the reference is written, byte for byte.
- **Tables**: each resource of the reference that the descriptor lacks (by ``name``) is
  added whole, after the reference's previous table that the descriptor has (so at the
  reference's position). A table the fork added is kept (validation then says whether
  cvdata knows it).
- **Fields**: in a table both have, each field of the reference that the table lacks (by
  ``name``) is added whole, right after the reference's previous field that the table
  has. The fork's own fields are kept, in their order.
- **Definitions an older cvdata shipped**: a field, or the package ``description``,
  exactly as an older cvdata shipped it and this one changed (:data:`SUPERSEDED`, e.g.
  ``roles.start``, once a ``yearmonth``, now a ``date`` of any precision) takes this
  cvdata's definition. One that differs in any way (a type, an enum value, a description
  edited) was changed on purpose and is kept as it is.
- **Everything else is kept**: the fork's enum values, patterns, constraints, titles and
  descriptions, its tables' ``path``, ``primaryKey`` and ``foreignKeys``, its order of
  tables and fields, and any other property. A top-level property it lacks is added.

The CSV files:

- A table of the merged descriptor with no file is created with its header row only.
- A table whose header lacks columns of the merged descriptor gets them, each with an
  empty cell in every row, placed in the descriptor's order (after the previous declared
  column the file has). Only separators and the new names are inserted: every existing
  cell keeps its bytes, quotes and all, and every row its line ending (a byte-order mark
  too). Empty lines, and rows whose width differs from the header's (reported by
  validation), are left as they are.

Refused, with nothing written (:class:`UpgradeRefused`): a descriptor that is not a
regular file inside the folder, cannot be read, is not UTF-8 JSON or not a data package;
a table that is not a regular file inside the folder (:mod:`cvdata._files`, the checks
loading uses); a table or descriptor that is a symbolic link and would have to change
(the commit would replace the link by a file).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._files import MAX_DESCRIPTOR_BYTES, MAX_TABLE_BYTES, FileRefused, check_location, read_bytes
from ._upgrade_csv import header_only, with_columns
from ._upgrade_descriptor import (
    SUPERSEDED,
    SUPERSEDED_PACKAGE,
    UpgradeRefused,
    _dump,
    _reference,
    fingerprint,
    merge_descriptor,
)
from .problems import Problem
from .schema import DESCRIPTOR, check_nesting, default_package

HINT = (
    "This folder was made for an older cvdata: `cvdata upgrade {folder}` adds the new "
    "tables and columns (empty)."
)


@dataclass(frozen=True)
class Change:
    """One change, for a person to read: ``data/roles.csv: new columns url, summary``."""

    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


@dataclass
class Upgrade:
    """What :func:`upgrade` did, or would do.

    ``changes`` lists each change (empty when the folder was up to date); ``problems``
    what still keeps the result from validating (then nothing was written); ``rows`` the
    rows of the (upgraded) data; ``written`` whether files were changed; ``notes``
    anything else a person should know.
    """

    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    written: bool = False
    #: What the transaction found first: an interrupted import finished or undone, files
    #: an older cvdata's import left (:func:`cvdata.transaction.legacy_leftovers`).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- the folder


def _shown(path: Path) -> str:
    from .problems import display_path

    return display_path(path)


def _read(path: Path, root: Path, limit: int) -> bytes | None:
    """The file's bytes, None when it does not exist; refused as loading refuses it."""
    try:
        return read_bytes(path, root, limit)
    except FileNotFoundError:
        return None
    except FileRefused as e:
        raise UpgradeRefused(f"{_shown(path)}: {e.reason}") from None


def _writable(path: Path) -> None:
    """Refuse to replace a symbolic link (the commit would put a file in its place)."""
    if path.is_symlink():
        raise UpgradeRefused(
            f"{_shown(path)}: is a symbolic link (to {os.readlink(path)}); upgrading it would "
            "replace the link by a file: replace it by the file itself first"
        )


def _descriptor_plan(folder: Path) -> tuple[dict[str, Any], bytes | None, list[str]]:
    """The merged descriptor, its new bytes (None: unchanged) and the changes in words."""
    reference, reference_bytes = _reference()
    path = folder / DESCRIPTOR
    data = _read(path, folder, MAX_DESCRIPTOR_BYTES)
    if data is None:
        if os.path.lexists(path):  # a dangling link: not replaced behind the person's back
            _writable(path)
        return reference, reference_bytes, ["new descriptor (the one this cvdata ships)"]
    try:
        theirs = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise UpgradeRefused(f"{_shown(path)}: not JSON: nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        if re.search(rb"^<<<<<<< ", data, re.MULTILINE):
            raise UpgradeRefused(
                f"{_shown(path)}: not JSON: it holds the conflict markers of a git merge "
                "(<<<<<<<); finish the merge first (keep your version, or take upstream's "
                "and redo your edits), then upgrade"
            ) from None
        raise UpgradeRefused(f"{_shown(path)}: not JSON ({e}); fix it first") from None
    try:
        check_nesting(theirs)  # merge_descriptor copies it recursively
    except ValueError as e:
        raise UpgradeRefused(f"{_shown(path)}: not a data package descriptor: {e}") from None
    try:
        merged, notes = merge_descriptor(theirs, reference)
    except UpgradeRefused as e:
        raise UpgradeRefused(f"{_shown(path)}: {e}") from None
    if not notes:
        return merged, None, []
    _writable(path)
    new = reference_bytes if merged == reference else _dump(merged)
    return merged, new, notes


def _tables(descriptor: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each resource's path and field names, as far as the descriptor is well-formed (the
    rest is validation's to report)."""
    out = []
    for r in descriptor["resources"]:
        schema = r.get("schema") if isinstance(r, dict) else None
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(r.get("path") if isinstance(r, dict) else None, str):
            continue
        if not isinstance(fields, list):
            continue
        names = [
            f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)
        ]
        out.append((r["path"], names))
    return out


@dataclass
class _Plan:
    files: dict[str, bytes] = field(default_factory=dict)  # path in the folder -> new bytes
    changes: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # tables the descriptor names, as is


def plan(folder: Path) -> _Plan:
    """What :func:`upgrade` writes: every changed file's new bytes, and why.

    Raises
    ------
    UpgradeRefused
    """
    result = _Plan()
    descriptor, new, notes = _descriptor_plan(folder)
    if new is not None:
        result.files[DESCRIPTOR] = new
        shown = _shown(folder / DESCRIPTOR)
        result.changes += [Change(shown, note) for note in notes]
    for rel, names in _tables(descriptor):
        if "\x00" in rel:  # no file can have it; os.path raises a bare ValueError
            raise UpgradeRefused(
                f"{_shown(folder / DESCRIPTOR)}: the table path {rel!r} holds a NUL byte"
            )
        try:
            check_location(rel, folder)
        except FileRefused as e:
            raise UpgradeRefused(f"{_shown(folder / DESCRIPTOR)}: {e.reason}") from None
        path = folder / rel
        if rel in result.files:
            continue  # two resources, one file: the first decides
        data = _read(path, folder, MAX_TABLE_BYTES)
        if data is None:
            if os.path.lexists(path):  # a dangling link
                _writable(path)
            result.files[rel] = header_only(names)
            result.changes.append(Change(_shown(path), "new table (header only)"))
            continue
        made = with_columns(data, names)
        if made is None or not made[1]:
            result.unchanged.append(rel)
            continue
        _writable(path)
        result.files[rel] = made[0]
        what = "new column" if len(made[1]) == 1 else "new columns"
        result.changes.append(Change(_shown(path), f"{what} {', '.join(made[1])}"))
    return result


def upgrade(data_dir: Path, as_of: dt.date, *, dry_run: bool = False, **txn: Any) -> Upgrade:
    """Add the tables and columns of this cvdata that ``data_dir`` lacks, all or nothing.

    Parameters
    ----------
    data_dir
        The data folder (it must exist).
    as_of
        The as-of date the result is validated against.
    dry_run
        Plan and validate the result; write nothing.
    **txn
        Passed to :func:`cvdata.transaction.data_transaction` (``wait``, ``on_wait``).

    Returns
    -------
    Upgrade
        The changes, and the problems that remain (then nothing was written).

    Raises
    ------
    UpgradeRefused
        When a file of the folder is refused (see the module's notes); nothing was written.
    cvdata.transaction.TransactionError
        When the folder cannot be changed (busy, read-only).
    """
    from .load import check
    from .transaction import data_transaction, legacy_leftovers

    folder = Path(data_dir)
    with data_transaction(folder, **txn) as t:
        notes = [n for n in [t.recovered, *legacy_leftovers(folder)] if n]
        todo = plan(folder)
        if not todo.files:
            result = check(folder, as_of)
            return Upgrade(problems=list(result.problems), rows=result.rows, notes=notes)
        for rel, data in todo.files.items():
            t.write_bytes(rel, data)
        staged = t.staged_dir()
        for rel in todo.unchanged:
            # A table the old descriptor did not name is not staged by the transaction.
            data = None if (staged / rel).exists() else _read(folder / rel, folder, MAX_TABLE_BYTES)
            if data is not None:
                t.write_bytes(rel, data)
        result = t.check(as_of)
        done = Upgrade(todo.changes, list(result.problems), result.rows, notes=notes)
        if done.ok and not dry_run:
            t.commit()
            done.written = True
        return done


# ---------------------------------------------------------------- the hint


def made_for_older(problems: Iterable[Problem]) -> bool:
    """Whether every problem is one :func:`upgrade` fixes: a table of this cvdata missing
    from the descriptor, a table's file missing, or a column missing that this cvdata
    declares and that may be empty (a new table or column is added empty)."""
    problems = list(problems)
    if not problems:
        return False
    reference = default_package()
    by_path = {t.path: t for t in reference.tables}
    names = {repr(n) for n in reference.names}

    def table_of(p: Problem) -> Any:
        return next(
            (t for path, t in by_path.items() if p.path == path or p.path.endswith("/" + path)),
            None,
        )

    for p in problems:
        missing = re.fullmatch(r"table (.+) is missing from the descriptor", p.message)
        if missing and missing.group(1) in names:
            continue
        table = table_of(p)
        if table is None:
            return False
        if p.message.startswith("missing file (") and table.name != "person":
            continue  # person needs its one row; every other table may be empty
        new_column = p.message == "missing column" and p.column in table.field_names
        if new_column and not table.field(str(p.column)).required:
            continue  # added empty, which a column that may be empty takes
        return False
    return True


def hint(problems: Iterable[Problem], folder: Path) -> str | None:
    """The line that tells a person to run ``cvdata upgrade`` (see :func:`made_for_older`),
    or None."""
    return HINT.format(folder=shlex.quote(_shown(folder))) if made_for_older(problems) else None


__all__ = [
    "HINT",
    "SUPERSEDED",
    "SUPERSEDED_PACKAGE",
    "Change",
    "Upgrade",
    "UpgradeRefused",
    "fingerprint",
    "header_only",
    "hint",
    "made_for_older",
    "merge_descriptor",
    "plan",
    "upgrade",
    "with_columns",
]
