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
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import fcntl
import io
import json
import os
import shutil
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from . import env

if TYPE_CHECKING:
    from .validate import Result

#: The staging folder inside the data folder (a name no table may use).
STAGING = ".cvdata-transaction"
#: The staged copy of the descriptor and the tables, inside :data:`STAGING`.
TABLES = "tables"
#: The journal: its presence inside :data:`STAGING` means "committed, finish the renames".
JOURNAL = "COMMIT.json"
#: Test-only: ``CVDATA_CRASH_AT=<step>[:<SIGNAL>]`` sends the signal (default ``KILL``) to
#: this process when the transaction reaches ``step`` (see :data:`STEPS`).
CRASH_ENV = env.CRASH_AT
#: The steps a transaction goes through, in order (``replaced-N`` after the N-th rename).
STEPS = (
    "locked",
    "checked",
    "staged",
    "journal-written",
    "committed",
    "replaced-N",
    "replaced",
    "cleaned",
)
#: Seconds a transaction waits for another one on the same folder, by default.
DEFAULT_WAIT = 120.0
_HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class TransactionError(Exception):
    """The data folder cannot be changed (busy, read-only, damaged staging); ``str(e)``
    says which file and why. Nothing was changed."""


def _step(name: str) -> None:
    """A crash point for the tests (``CVDATA_CRASH_AT``); does nothing otherwise."""
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    step, _, sig = wanted.partition(":")
    if step == name:
        os.kill(os.getpid(), getattr(signal, f"SIG{sig or 'KILL'}"))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems cannot sync a folder
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes, mode: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if mode is not None:
        os.chmod(path, stat.S_IMODE(mode))


def _shown(path: Path) -> str:
    from .problems import display_path

    return display_path(path)


# ---------------------------------------------------------------- lock


#: Folders (device, inode, thread) a thread of this process holds a transaction on: reading
#: or recovering them from inside that transaction must neither wait for it nor touch its
#: staging. (Another thread waits, as another process does.)
_OWN: dict[tuple[int, int, int], int] = {}


def _identity(folder: Path) -> tuple[int, int, int] | None:
    try:
        st = folder.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, threading.get_ident())


def _held_here(folder: Path) -> bool:
    ident = _identity(folder)
    return ident is not None and _OWN.get(ident, 0) > 0


class _Lock:
    """``flock`` on the folder's own descriptor: exclusive for a transaction, shared for a
    reader. Waits up to ``wait`` seconds, calling ``on_wait`` once when it has to."""

    def __init__(self, folder: Path, exclusive: bool):
        self.folder, self.exclusive, self.fd = folder, exclusive, -1

    def acquire(self, wait: float, on_wait: Callable[[str], None] | None) -> None:
        try:
            self.fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as e:
            raise TransactionError(f"{_shown(self.folder)}: cannot open: {e.strerror}") from e
        op = fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(self.fd, op | fcntl.LOCK_NB)
                return
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    self.release()
                    raise TransactionError(
                        f"{_shown(self.folder)}: cannot lock: {e.strerror}"
                    ) from e
            if time.monotonic() >= deadline:
                self.release()
                raise TransactionError(
                    f"{_shown(self.folder)}: another cvdata command is changing this folder "
                    f"(still busy after {wait:g} s); nothing was changed, try again later"
                )
            if not told and on_wait is not None:
                on_wait(f"{_shown(self.folder)}: waiting for another cvdata command to finish")
                told = True
            time.sleep(0.05)

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor releases the flock
            self.fd = -1


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back Ctrl-C and termination signals until the block is done (then they act as
    usual), so that a commit is never cut in two by them. A Python-level handler rather
    than a signal mask: the signal may reach any thread (BLAS starts some), and Python runs
    handlers in the main thread, which is also the only one that can set them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    old = {sig: signal.signal(sig, lambda signum, _frame: pending.append(signum)) for sig in _HELD}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if pending:
            signal.raise_signal(pending[0])


# ---------------------------------------------------------------- recovery


def _journal_files(staging: Path) -> list[str] | None:
    """The files a committed transaction changes, or None when it did not commit."""
    journal = staging / JOURNAL
    if not journal.is_file():
        return None
    try:
        files = json.loads(journal.read_text(encoding="utf-8"))["files"]
        return [str(f["path"]) for f in files]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise TransactionError(
            f"{_shown(journal)}: the record of an interrupted import cannot be read ({e}); "
            "restore the folder from a backup or version control"
        ) from e


def _roll_forward(data_dir: Path, staging: Path, files: list[str]) -> None:
    for n, rel in enumerate(files, start=1):
        staged = staging / TABLES / rel
        if staged.exists():  # not yet moved: a rename that already happened left no file
            os.replace(staged, data_dir / rel)
        _step(f"replaced-{n}")
    for folder in {(data_dir / rel).parent for rel in files}:
        _fsync_dir(folder)
    _step("replaced")


def _remove_staging(data_dir: Path, staging: Path) -> None:
    # The journal goes first: a staging folder without one is only ever deleted.
    with contextlib.suppress(FileNotFoundError):
        (staging / JOURNAL).unlink()
    _fsync_dir(staging)
    shutil.rmtree(staging, ignore_errors=True)
    _fsync_dir(data_dir)
    _step("cleaned")


def _recover_locked(data_dir: Path) -> str | None:
    """Finish or undo an interrupted transaction; the exclusive lock is held."""
    staging = data_dir / STAGING
    if not staging.exists():
        return None
    files = _journal_files(staging)
    try:
        if files is not None:
            _roll_forward(data_dir, staging, files)
        _remove_staging(data_dir, staging)
    except OSError as e:
        raise TransactionError(
            f"{_shown(staging)}: an interrupted import cannot be "
            f"{'finished' if files is not None else 'cleaned up'}: {e.strerror or e}"
        ) from e
    if files is None:
        return f"{_shown(data_dir)}: removed the staged files of an import that was interrupted"
    return (
        f"{_shown(data_dir)}: finished an import that was interrupted after it was committed "
        f"({', '.join(files)})"
    )


def legacy_leftovers(data_dir: Path) -> list[str]:
    """Warnings about ``.NAME.csv.cvdata-import`` files: left by an import of cvdata before
    transactions that was interrupted between its file replacements, so the folder may
    hold part of that import. They are never read as data; a person must decide."""
    return [
        f"{_shown(p)}: left by an interrupted import of an older cvdata; the folder may hold "
        f"part of that import: check {p.name.removeprefix('.').removesuffix('.cvdata-import')} "
        "(version control, a backup), then delete this file"
        for p in sorted(Path(data_dir).glob(".*.cvdata-import"))
    ]


def recover(
    data_dir: Path, *, wait: float = DEFAULT_WAIT, on_wait: Callable[[str], None] | None = None
) -> str | None:
    """Finish (committed) or undo (not committed) a transaction that was interrupted.

    Cheap when there is nothing to do (one ``stat``). Call it before reading the folder; a
    folder that cannot be written to is left as it is.

    Returns
    -------
    str or None
        What was done, for a person to read, or None when there was nothing to do.

    Raises
    ------
    TransactionError
        When the interrupted transaction can be neither finished nor undone.
    """
    data_dir = Path(data_dir)
    if not (data_dir / STAGING).exists() or _held_here(data_dir):
        return None  # nothing to do, or it is this process's own transaction in progress
    lock = _Lock(data_dir, exclusive=True)
    lock.acquire(wait, on_wait)
    try:
        return _recover_locked(data_dir)
    finally:
        lock.release()


@contextlib.contextmanager
def reading(
    data_dir: Path, *, wait: float = DEFAULT_WAIT, on_wait: Callable[[str], None] | None = None
) -> Iterator[str | None]:
    """Read the folder as a whole: recover an interrupted transaction first, then hold a
    shared lock so that no commit happens halfway through the read.

    Yields what :func:`recover` did (or None).
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir() or _held_here(data_dir):
        # Nothing to lock (the caller reports a missing folder), or inside this thread's
        # own transaction, which already holds the folder exclusively.
        yield None
        return
    lock = _Lock(data_dir, exclusive=False)
    done: str | None = None
    while True:
        lock.acquire(wait, on_wait)
        if not (data_dir / STAGING).exists():
            break
        lock.release()  # recovery needs the exclusive lock
        done = recover(data_dir, wait=wait, on_wait=on_wait) or done
    try:
        yield done
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
            if rel in self.changed or not src.is_file():
                continue
            try:
                (self.tables / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, self.tables / rel)
            except OSError as e:
                raise TransactionError(f"{_shown(src)}: cannot copy: {e.strerror}") from e
        self._copied = True

    # -- changes

    def read_bytes(self, name: str) -> bytes:
        """The file's content as it stands in the transaction (staged, else the original)."""
        rel = self._rel(name)
        path = self.tables / rel if rel in self.changed else self.data_dir / rel
        try:
            return path.read_bytes()
        except OSError as e:
            raise TransactionError(
                f"{_shown(self.data_dir / rel)}: cannot read: {e.strerror}"
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
        mode: int | None = None
        if target.exists():
            st = target.stat()
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
        recovered = _recover_locked(folder)
        txn = DataTransaction(folder)
        txn.recovered = recovered
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
    "STAGING",
    "DataTransaction",
    "TransactionError",
    "csv_with_rows",
    "data_transaction",
    "legacy_leftovers",
    "reading",
    "recover",
]
