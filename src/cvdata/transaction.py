"""All-or-nothing changes to a data folder, for every importer.

    from cvdata.transaction import data_transaction

    with data_transaction(data_dir) as txn:        # exclusive lock, crash recovery
        txn.append_rows("papers.csv", rows)        # staged, data_dir unchanged
        result = txn.check(as_of)                  # the staged folder, validated
        if result.ok:
            txn.commit()                           # every file, or none
    # leaving the block without commit() (or by an exception) changes nothing

How it holds together:

- **Lock.** ``fcntl.flock`` on the data folder itself (no lock file is left behind, and a
  read-only folder can still be locked for reading). A transaction holds it exclusively
  from start to end; :func:`reading` holds it shared while the data is read, so a reader
  never sees half a commit. A second transaction waits for the first (``wait`` seconds),
  then fails with :class:`TransactionError`; it never overwrites the first one's rows.
- **Staging.** Inside the data folder, in ``.cvdata-transaction/`` (the same filesystem,
  so the final renames are atomic, and private data never leaves the folder): a copy of the
  descriptor and of every table, with the changed ones rewritten. Validation reads that copy.
  Nothing in it is ever read as data: tables are only read at the paths the descriptor names.
- **Commit.** The list of changed files is written to ``.cvdata-transaction/COMMIT.json``
  (written to a temporary name, synced, renamed: it exists whole or not at all); this is the
  commit point. Then each staged file is renamed over its original, and the staging folder
  is removed. Ctrl-C and ``SIGTERM`` are held back during these steps.
- **Recovery.** :func:`recover` (run by every transaction and by :func:`reading` before
  anything is read) finishes a commit whose journal exists, and deletes a staging folder
  without one. A process killed at any point so leaves the folder as it was before, or
  with the whole import in it.
- **Untrusted folders.** A data folder may come from someone else, planted journal
  included, so recovery trusts nothing in it: the journal (a bounded regular file, not a
  link) may name only plain names, ``datapackage.json`` or a table the descriptor lists
  (the staged descriptor's too, when the journal replaces it); the staging folder and
  ``tables/`` must be real folders, each staged file a regular file of its own, each
  target a regular file or absent. The renames go by folder descriptors with plain names,
  so no link is followed anywhere. Anything else is refused before the first rename, with
  the staging left for a person. Hence a transaction changes only regular files directly
  in the data folder: a table in a subfolder (``tables/papers.csv``), or one that is a
  link, is refused before anything is staged (it is still read and validated).
- **Modules.** The lock, the names and the steps are :mod:`cvdata._lock`'s; recovery
  (the journal read and rolled forward) :mod:`cvdata._journal`'s; new folders
  :mod:`cvdata._scratch`'s. This module is the one to import: every name is here.
- **New folders.** :func:`new_folder` builds a new data folder in
  ``.NAME.cvdata-new-XXXX`` beside it, marked by a file whose lock it holds; the next
  command on that place removes what a killed import left (:func:`remove_leftovers`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ._journal import (
    _DESCRIPTOR,
    _DIR_FLAGS,
    _allowed,
    _named,
    _recover_locked,
    _remove_staging,
    _roll_forward,
    legacy_leftovers,
    recover,
)
from ._lock import (
    _OWN,
    CRASH_ENV,
    DEFAULT_WAIT,
    JOURNAL,
    STAGING,
    STEPS,
    TABLES,
    TransactionError,
    _checked_read,
    _fsync_dir,
    _held_here,
    _identity,
    _Lock,
    _shown,
    _signals_held,
    _step,
    _write_file,
)
from ._scratch import SCRATCH_INFIX, SCRATCH_MARKER, ScratchFolder, new_folder, remove_leftovers

if TYPE_CHECKING:
    from .validate import Result


@contextlib.contextmanager
def reading(
    data_dir: Path, *, wait: float = DEFAULT_WAIT, on_wait: Callable[[str], None] | None = None
) -> Iterator[str | None]:
    """Read the folder as a whole: recover an interrupted transaction first, then hold a
    shared lock so that no commit happens halfway through the read.

    Yields what :func:`recover` and :func:`remove_leftovers` did (or None).
    """
    data_dir = Path(data_dir)
    if _held_here(data_dir):
        # Inside this thread's own transaction, which holds the folder exclusively.
        yield None
        return
    swept = remove_leftovers(data_dir)
    if not data_dir.is_dir():
        yield swept  # nothing to lock (the caller reports a missing folder)
        return
    lock = _Lock(data_dir, exclusive=False)
    done: str | None = None
    while True:
        lock.acquire(wait, on_wait)
        if not os.path.lexists(data_dir / STAGING):  # a dangling link is something too
            break
        lock.release()  # recovery needs the exclusive lock
        done = recover(data_dir, wait=wait, on_wait=on_wait) or done
    try:
        yield "; ".join(n for n in (swept, done) if n) or None
    finally:
        lock.release()


# ---------------------------------------------------------------- the transaction


class DataTransaction:
    """Staged changes to one data folder; see :func:`data_transaction`."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.staging = self.data_dir / STAGING
        #: The staged copy of the folder: the descriptor and every table.
        self.tables = self.staging / TABLES
        #: Changed files, by path relative to the data folder, in the order first changed.
        self.changed: dict[str, None] = {}
        self.committed = False
        #: What recovery did before this transaction started (see :func:`recover`), or None.
        self.recovered: str | None = None
        self._copied = False

    # -- paths

    def _rel(self, name: str | os.PathLike[str]) -> str:
        """A table path as given in the descriptor, checked to stay inside the folder."""
        rel = PurePosixPath(Path(name).as_posix())
        if rel.is_absolute() or ".." in rel.parts or not rel.parts or rel.parts[0] == STAGING:
            raise TransactionError(f"{name}: not a file inside {_shown(self.data_dir)}")
        return rel.as_posix()

    def staged_dir(self) -> Path:
        """The staged folder: the descriptor and every table, with the changes made so far.
        Validate this folder, never write to it directly."""
        self._stage_all()
        return self.tables

    def _stage_all(self) -> None:
        if self._copied:
            return
        from .schema import DESCRIPTOR, read_package

        try:
            self.tables.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise TransactionError(
                f"{_shown(self.data_dir)}: cannot write in this folder: {e.strerror}"
            ) from e
        names = [DESCRIPTOR]
        with contextlib.suppress(Exception):  # a broken descriptor is validation's to report
            names += [t.path for t in read_package(self.data_dir).tables]
        for name in names:
            try:
                rel = self._rel(name)
            except TransactionError:
                continue  # a path outside the folder is never staged (nor written)
            src = self.data_dir / rel
            if rel in self.changed:
                continue
            try:
                # The one checked opener (a regular file inside the folder, bounded): a
                # table linked elsewhere, a pipe or a device is never copied in.
                data = _checked_read(src, self.data_dir)
            except FileNotFoundError:
                continue  # validation reports a missing table
            try:
                (self.tables / rel).parent.mkdir(parents=True, exist_ok=True)
                _write_file(self.tables / rel, data)
            except OSError as e:
                raise TransactionError(f"{_shown(src)}: cannot copy: {e.strerror}") from e
        self._copied = True

    # -- changes

    def read_bytes(self, name: str) -> bytes:
        """The file's content as it stands in the transaction (staged, else the original)."""
        rel = self._rel(name)
        root = self.tables if rel in self.changed else self.data_dir
        try:
            return _checked_read(root / rel, root, shown=self.data_dir / rel)
        except FileNotFoundError as e:
            raise TransactionError(
                f"{_shown(self.data_dir / rel)}: cannot read: no such file"
            ) from e

    def write_bytes(self, name: str, data: bytes) -> None:
        """Stage the whole new content of a file of the data folder.

        Raises
        ------
        TransactionError
            When the file is read-only (its mode has no write bit, or this user may not
            write it): importing into it would override that choice.
        """
        rel = self._rel(name)
        target = self.data_dir / rel
        if "/" in rel:
            # Recovery moves only plain names (a journal naming a folder could be made to
            # walk through a link), so a commit does too: refused before anything is staged.
            raise TransactionError(
                f"{_shown(target)}: cvdata changes only tables directly in the data folder; "
                f"move the file to {_shown(self.data_dir)}/ and set its path in "
                f"datapackage.json to {PurePosixPath(rel).name!r} to import into it"
            )
        mode: int | None = None
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            st = None
        except OSError as e:
            raise TransactionError(f"{_shown(target)}: cannot read: {e.strerror}") from e
        if st is not None and not stat.S_ISREG(st.st_mode):
            # A commit renames over the file: a link would be replaced, not followed.
            what = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a regular file"
            raise TransactionError(
                f"{_shown(target)}: is {what}; cvdata imports only into a regular file "
                "(replace it with a copy of the table to import into it)"
            )
        if st is not None:
            if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
                raise TransactionError(
                    f"{_shown(target)}: the file is read-only; make it writable "
                    f"(chmod u+w {_shown(target)}) to import into it"
                )
            mode = st.st_mode
        self._stage_all()
        try:
            _write_file(self.tables / rel, data, mode)
        except OSError as e:
            raise TransactionError(f"{_shown(target)}: cannot stage: {e.strerror}") from e
        self.changed[rel] = None

    def append_rows(self, name: str, rows: Iterable[Mapping[str, str]]) -> int:
        """Stage rows appended to a CSV file, in the order of its header row; every
        existing byte (byte-order mark, line endings) stays as it is.

        Returns
        -------
        int
            The number of rows appended.
        """
        data = self.read_bytes(name)
        new, n = csv_with_rows(data, rows)
        self.write_bytes(name, new)
        return n

    def check(self, as_of: dt.date) -> Result:
        """Validate the staged folder like the data itself; problems name the data
        folder's files (``data/papers.csv:24``), not the staged copies."""
        from .problems import Problem
        from .validate import check

        result = check(self.staged_dir(), as_of)
        _step("checked")
        staged, real = _shown(self.tables), _shown(self.data_dir)
        result.problems = [
            Problem(p.path.replace(staged, real, 1), p.line, p.column, p.message)
            for p in result.problems
        ]
        return result

    # -- the end

    def commit(self) -> None:
        """Replace the changed files of the data folder, all of them or (if the process
        dies first) none: see the module's notes. Does nothing when nothing changed.

        Raises
        ------
        TransactionError
            When the journal cannot be written (nothing changed), or the renames cannot be
            finished (the next transaction or :func:`reading` finishes them).
        """
        if self.committed:
            return
        if not self.changed:
            self.committed = True
            return
        files = list(self.changed)
        self._check_recoverable(files)
        _step("staged")
        journal = {"version": 1, "files": [{"path": rel} for rel in files]}
        tmp = self.staging / (JOURNAL + ".tmp")
        with _signals_held():
            try:
                _write_file(tmp, json.dumps(journal, indent=1).encode("utf-8"))
                _step("journal-written")
                os.replace(tmp, self.staging / JOURNAL)
                _fsync_dir(self.staging)
            except OSError as e:
                raise TransactionError(
                    f"{_shown(self.staging)}: cannot commit: {e.strerror}; nothing was changed"
                ) from e
            self.committed = True  # from here on, the import happens (recovery finishes it)
            _step("committed")
            try:
                _roll_forward(self.data_dir, self.staging, files)
                _remove_staging(self.data_dir, self.staging)
            except OSError as e:
                raise TransactionError(
                    f"{_shown(self.data_dir)}: the import was committed but could not be "
                    f"finished ({e.strerror}); the next cvdata command finishes it"
                ) from e

    def _check_recoverable(self, files: list[str]) -> None:
        """Refuse, before the commit point, a journal that recovery would refuse (a file
        no descriptor lists): a crash after it would leave the import unfinishable."""
        try:
            data_fd = os.open(self.data_dir, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as e:
            raise TransactionError(f"{_shown(self.data_dir)}: cannot open: {e.strerror}") from e
        try:
            tables_fd = os.open(self.tables, _DIR_FLAGS)
            try:
                _allowed(self.staging, files, data_fd, tables_fd)
            except TransactionError:
                raise TransactionError(
                    f"{_shown(self.data_dir)}: cannot commit: the import changes a file that "
                    f"{_DESCRIPTOR} (a regular file of the folder, not a link) does not list "
                    f"({', '.join(map(_named, files))}); nothing was changed"
                ) from None
            finally:
                os.close(tables_fd)
        finally:
            os.close(data_fd)

    def rollback(self) -> None:
        """Forget every staged change (the data folder was never touched)."""
        journal = self.staging / JOURNAL
        if not self.committed and self.staging.exists() and not journal.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
            _fsync_dir(self.data_dir)
        self.changed.clear()


@contextlib.contextmanager
def data_transaction(
    data_dir: str | os.PathLike[str],
    *,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[DataTransaction]:
    """An all-or-nothing change to a data folder.

    Takes the folder's exclusive lock (waiting up to ``wait`` seconds for another
    transaction, telling ``on_wait`` once), recovers an interrupted transaction, and yields
    a :class:`DataTransaction`. Read the data inside the block (so that what you decide is
    based on what you will change), stage changes with ``write_bytes`` / ``append_rows``,
    validate with ``check`` and call ``commit()``. Leaving the block without ``commit()``,
    or by an exception, changes nothing.

    Raises
    ------
    TransactionError
        When the folder is busy for longer than ``wait``, cannot be written, or holds an
        interrupted transaction that cannot be finished.
    """
    folder = Path(data_dir)
    if _held_here(folder):
        raise TransactionError(f"{_shown(folder)}: a transaction on it is already open here")
    lock = _Lock(folder, exclusive=True)
    lock.acquire(wait, on_wait)
    ident = _identity(folder)
    if ident is not None:
        _OWN[ident] = _OWN.get(ident, 0) + 1
    try:
        _step("locked")
        notes = (remove_leftovers(folder), _recover_locked(folder))
        txn = DataTransaction(folder)
        txn.recovered = "; ".join(n for n in notes if n) or None
        try:
            yield txn
        except BaseException:
            if txn.committed:  # finish what the commit started; else the next command will
                with contextlib.suppress(TransactionError):
                    _recover_locked(folder)
            else:
                txn.rollback()
            raise
        if not txn.committed:
            txn.rollback()
    finally:
        if ident is not None:
            _OWN[ident] -= 1
        lock.release()


# ---------------------------------------------------------------- CSV


def csv_with_rows(data: bytes, rows: Iterable[Mapping[str, str]]) -> tuple[bytes, int]:
    """``data`` (a CSV file's bytes) with ``rows`` appended in the order of its header row,
    in its own line ending; the existing bytes are kept. Returns the bytes and the count."""
    decoded = data.decode("utf-8-sig")
    header = [h.strip() for h in next(csv.reader(io.StringIO(decoded, newline="")), [])]
    ending = "\r\n" if b"\r\n" in data else "\n"
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=ending)
    n = 0
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
        n += 1
    prefix = b"" if not data or data.endswith((b"\n", b"\r")) else ending.encode()
    return data + prefix + out.getvalue().encode("utf-8"), n


__all__ = [
    "CRASH_ENV",
    "DEFAULT_WAIT",
    "JOURNAL",
    "SCRATCH_INFIX",
    "SCRATCH_MARKER",
    "STAGING",
    "STEPS",
    "TABLES",
    "DataTransaction",
    "ScratchFolder",
    "TransactionError",
    "csv_with_rows",
    "data_transaction",
    "legacy_leftovers",
    "new_folder",
    "reading",
    "recover",
    "remove_leftovers",
]
