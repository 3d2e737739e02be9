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
- **New folders.** :func:`new_folder` builds a new data folder in
  ``.NAME.cvdata-new-XXXX`` beside it, marked by a file whose lock it holds; the next
  command on that place removes what a killed import left (:func:`remove_leftovers`).
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
import tempfile
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


def _checked_read(path: Path, root: Path, shown: Path | None = None) -> bytes:
    """A table's bytes through the one checked opener (:func:`cvdata._files.read_bytes`):
    a regular file inside ``root``, of bounded size. Anything else is a TransactionError
    that says why; a missing file is FileNotFoundError."""
    from ._files import MAX_TABLE_BYTES, FileRefused, read_bytes

    try:
        return read_bytes(path, root, MAX_TABLE_BYTES)
    except FileRefused as e:
        raise TransactionError(f"{_shown(shown or path)}: {e.reason}") from None


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
#
# The data folder is untrusted (a fork, a pull request, a shared zip may hold a planted
# ``.cvdata-transaction``): recovery moves only files of this folder's tables, named
# plainly, between two real folders, and follows no link on the way. Anything else is
# refused with the staging left in place for a person to look at.

#: The most a journal may hold: cvdata's own name a few dozen tables in well under 4 KB.
MAX_JOURNAL_BYTES = 64 * 1024
#: The most a descriptor read for its table names may hold (as :mod:`cvdata._files`).
MAX_DESCRIPTOR_BYTES = 5 * 1024 * 1024
_DESCRIPTOR = "datapackage.json"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def _look_and_delete(staging: Path) -> str:
    return (
        f"nothing was moved. If no import of yours was interrupted here, this was not left "
        f"by cvdata: look at {_shown(staging)}/ (it may hold private data), then delete it "
        f"(rm -r {_shown(staging)}) and run the command again"
    )


def _refused(staging: Path, what: str) -> TransactionError:
    """The error for a staging folder recovery does not touch, saying what to do."""
    return TransactionError(
        f"{_shown(staging)}: {what}; the interrupted import it records is refused and "
        f"{_look_and_delete(staging)}"
    )


def _named(name: object) -> str:
    """A name from the journal, fit for a message (shortened, escaped)."""
    shown = ascii(name) if isinstance(name, str) else type(name).__name__
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _plain_name_problem(name: object) -> str | None:
    """Why ``name`` is not a plain file name (no folder, no link, no escape), or None."""
    if not isinstance(name, str):
        return f"a path that is not text ({_named(name)})"
    if name in ("", ".", "..") or any(c in name for c in "/\\\0"):
        return f"{_named(name)}, which is not a plain file name (no '/', '\\', '..' or NUL)"
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        return f"{_named(name)}, which is not a file name (a lone surrogate)"
    if len(encoded) > 255:
        return f"{_named(name)}, which is too long for a file name"
    if name == STAGING:
        return f"{_named(name)}, the staging folder itself"
    return None


def _read_small(dir_fd: int, name: str, limit: int) -> bytes | None:
    """A regular file (not a link) of at most ``limit`` bytes in the folder ``dir_fd``, or
    None when there is none. Raises ValueError saying what it is otherwise."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ValueError("is a symbolic link, not a file cvdata wrote") from None
        raise ValueError(f"cannot be opened: {e.strerror or e}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise ValueError("is not a regular file")
    with os.fdopen(fd, "rb") as f:
        if st.st_size > limit:
            raise ValueError(f"is {st.st_size:,} bytes, more than the {limit:,} it may be")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"is more than the {limit:,} bytes it may be")
    return data


def _table_names(dir_fd: int | None) -> set[str]:
    """The plain names of the tables a ``datapackage.json`` in the folder ``dir_fd`` lists
    (empty when it cannot be read: then no table is trusted). A table in a subfolder
    (``tables/papers.csv``) is never among them: cvdata changes only files directly in
    the data folder (see :meth:`DataTransaction.write_bytes`)."""
    if dir_fd is None:
        return set()
    try:
        data = _read_small(dir_fd, _DESCRIPTOR, MAX_DESCRIPTOR_BYTES)
        doc = json.loads(data.decode("utf-8")) if data is not None else None
    except (ValueError, RecursionError):
        return set()
    resources = doc.get("resources") if isinstance(doc, dict) else None
    if not isinstance(resources, list):
        return set()
    paths = [r.get("path") for r in resources if isinstance(r, dict)]
    # "./papers.csv" is papers.csv, as DataTransaction._rel spells it.
    plain = [PurePosixPath(p).as_posix() for p in paths if isinstance(p, str) and "\0" not in p]
    return {p for p in plain if _plain_name_problem(p) is None}


def _journal_files(staging: Path, staging_fd: int) -> list[str] | None:
    """The files a committed transaction changes, as the journal spells them, or None when
    it did not commit. Each must be a plain file name (see :func:`_allowed`)."""
    journal = staging / JOURNAL
    try:
        data = _read_small(staging_fd, JOURNAL, MAX_JOURNAL_BYTES)
    except ValueError as e:
        raise _refused(staging, f"{JOURNAL} {e}") from None
    if data is None:
        return None
    try:
        doc = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as e:
        raise TransactionError(
            f"{_shown(journal)}: the record of an interrupted import cannot be read "
            f"({str(e)[:200]}); restore the folder from a backup or version control; "
            + _look_and_delete(staging)
        ) from None
    entries = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or doc.get("version") != 1 or not isinstance(entries, list):
        raise _refused(
            staging, f"{JOURNAL} is not a record cvdata writes (version 1, a list of files)"
        )
    names: list[str] = []
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or set(entry) != {"path"}:
            raise _refused(staging, f'{JOURNAL}: file {n} is not {{"path": NAME}}')
        name = entry["path"]
        problem = _plain_name_problem(name)
        if problem is None and name in names:
            problem = f"{_named(name)} twice"
        if problem is not None:
            raise _refused(staging, f"{JOURNAL} names, as file {n}, {problem}")
        names.append(name)
    return names


def _allowed(staging: Path, names: list[str], data_fd: int, tables_fd: int | None) -> None:
    """Refuse a journal that names anything but ``datapackage.json`` and the tables the
    folder's descriptor lists (or the staged one's, when the journal replaces the
    descriptor: an upgrade may add a table)."""
    allowed = _table_names(data_fd) | {_DESCRIPTOR}
    if _DESCRIPTOR in names:
        allowed |= _table_names(tables_fd)
    for n, name in enumerate(names, start=1):
        if name not in allowed:
            raise _refused(
                staging,
                f"{JOURNAL} names, as file {n}, {_named(name)}, which is neither "
                f"{_DESCRIPTOR} nor a table it lists directly in the data folder",
            )


def _open_dir(name: str, dir_fd: int) -> int | None:
    """A folder of the staging area, opened without following a link (None if missing).

    Raises
    ------
    ValueError
        Saying what is there instead of a folder.
    """
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR):  # Linux says ENOTDIR for a link
            with contextlib.suppress(OSError):
                if stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode):
                    raise ValueError("is a symbolic link") from None
            raise ValueError("is not a folder") from None
        raise ValueError(f"cannot be opened ({e.strerror or e})") from None


def _check_move(data_dir: Path, staging: Path, name: str, data_fd: int, tables_fd: int) -> bool:
    """Whether ``name`` is still staged (False: already moved); refuses a staged file
    that is not a plain regular file, or a target that is not one (or absent)."""
    try:
        st = os.stat(name, dir_fd=tables_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        raise _refused(staging, f"the staged {TABLES}/{name} is a symbolic link")
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        raise _refused(staging, f"the staged {TABLES}/{name} is not a regular file of its own")
    try:
        st = os.stat(name, dir_fd=data_fd, follow_symlinks=False)
    except FileNotFoundError:
        return True
    if stat.S_ISLNK(st.st_mode):
        raise _refused(staging, f"{_shown(data_dir / name)} is a symbolic link, not a table file")
    if not stat.S_ISREG(st.st_mode):
        raise _refused(staging, f"{_shown(data_dir / name)} is not a regular file")
    return True


def _roll_forward(
    data_dir: Path, staging: Path, files: list[str] | None = None
) -> list[str] | None:
    """Finish a commit: rename each staged file over its original.

    ``files`` is the committing transaction's own list; None reads the journal
    (recovery), and returns None when there is none. Every file is checked before the
    first one is moved, and each rename goes from the staged folder to the data folder by
    their descriptors, with a plain name: a link anywhere (the staging folder,
    ``tables/``, a staged file, a target) is refused, never followed.
    """
    fds: list[int] = []
    try:
        data_fd = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
        fds.append(data_fd)
        try:
            staging_fd = _open_dir(STAGING, data_fd)
        except ValueError as e:  # checked before; changed since
            raise _refused(staging, str(e)) from None
        if staging_fd is None:
            return files
        fds.append(staging_fd)
        if files is None:
            files = _journal_files(staging, staging_fd)
            if files is None:
                return None
            check_names = True
        else:
            check_names = False
        try:
            tables_fd = _open_dir(TABLES, staging_fd)
        except ValueError as e:
            raise _refused(staging, f"{TABLES}/ {e}") from None
        if tables_fd is not None:
            fds.append(tables_fd)
        if check_names:
            _allowed(staging, files, data_fd, tables_fd)
        if tables_fd is None:
            return files  # every file moved already; only the cleaning up was left
        todo = {n for n in files if _check_move(data_dir, staging, n, data_fd, tables_fd)}
        for n, name in enumerate(files, start=1):
            if name in todo:
                os.replace(name, name, src_dir_fd=tables_fd, dst_dir_fd=data_fd)
            _step(f"replaced-{n}")
        with contextlib.suppress(OSError):  # some filesystems cannot sync a folder
            os.fsync(data_fd)
        _step("replaced")
        return files
    finally:
        for fd in fds:
            os.close(fd)


def _remove_staging(data_dir: Path, staging: Path) -> None:
    # The journal goes first: a staging folder without one is only ever deleted.
    with contextlib.suppress(FileNotFoundError):
        (staging / JOURNAL).unlink()
    _fsync_dir(staging)
    shutil.rmtree(staging, ignore_errors=True)  # never follows a link inside
    _fsync_dir(data_dir)
    if os.path.lexists(staging):  # else every command would find it again, forever
        raise TransactionError(
            f"{_shown(staging)}: cannot be removed (a file in it is not writable?); "
            f"nothing else was changed: delete it (rm -r {_shown(staging)}) and run the "
            "command again"
        )
    _step("cleaned")


def _staging_problem(staging: Path) -> str | None:
    """Why ``staging`` (which exists) is not a folder recovery may enter, or None."""
    st = os.lstat(staging)
    if stat.S_ISLNK(st.st_mode):
        try:
            where = os.readlink(staging)
        except OSError:
            where = "?"
        return f"is a symbolic link (to {_named(where)[1:-1]})"
    if not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    return None


def _recover_locked(data_dir: Path) -> str | None:
    """Finish or undo an interrupted transaction; the exclusive lock is held."""
    staging = data_dir / STAGING
    try:
        problem = _staging_problem(staging)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise TransactionError(f"{_shown(staging)}: cannot be read: {e.strerror or e}") from e
    if problem is not None:
        # Never entered nor deleted: it may point at anything (a home folder).
        raise TransactionError(
            f"{_shown(staging)}: {problem}, not the folder in which cvdata stages an "
            f"import; nothing was changed. Remove it (rm {_shown(staging)}: what a link "
            "points to stays as it is) and run the command again"
        )
    files: list[str] | None = None
    try:
        files = _roll_forward(data_dir, staging)
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
    if not os.path.lexists(data_dir / STAGING) or _held_here(data_dir):
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


# ---------------------------------------------------------------- new folders

#: A new data folder is built in ``.NAME.cvdata-new-XXXXXXXX`` beside it (the same
#: filesystem, so it appears in one rename); ``.gitignore`` ignores the pattern.
SCRATCH_INFIX = ".cvdata-new-"
#: The file cvdata writes in each such folder: what makes it one cvdata may delete.
SCRATCH_MARKER = ".cvdata-scratch"
_MARKER_TEXT = b"cvdata: a data folder being built by an import; deleted when it is done\n"


def _scratch_place(data_dir: Path) -> tuple[Path, str]:
    """Where the scratch folders of a new ``data_dir`` go, and the prefix of their names."""
    target = Path(os.path.abspath(data_dir))
    return Path(os.path.realpath(target.parent)), f".{target.name}{SCRATCH_INFIX}"


class ScratchFolder:
    """A folder in which a new data folder is built, beside it; see :func:`new_folder`.

    While it lives, its marker file is locked (``flock``): :func:`remove_leftovers` of
    another command never takes a folder that an import is still building.
    """

    def __init__(self, data_dir: Path):
        self.target = Path(data_dir)
        parent, prefix = _scratch_place(self.target)
        parent.mkdir(parents=True, exist_ok=True)
        #: The scratch folder (private: mode 0700, as ``mkdtemp`` makes it).
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self._fd = -1
        try:
            # Written and locked under another name, then renamed: whoever sees the
            # marker sees it locked.
            fd = os.open(
                self.path / (SCRATCH_MARKER + ".tmp"),
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                0o600,
            )
            self._fd = fd
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, _MARKER_TEXT)
            os.rename(self.path / (SCRATCH_MARKER + ".tmp"), self.path / SCRATCH_MARKER)
        except OSError:
            self.remove()
            raise

    def publish(self) -> None:
        """Rename the folder to the target (an empty folder there is replaced), then drop
        its marker (one a crash left in between is removed by :func:`remove_leftovers`)."""
        os.replace(self.path, self.target)
        self.path = self.target
        with contextlib.suppress(FileNotFoundError):
            (self.target / SCRATCH_MARKER).unlink()
        self._release()

    def remove(self) -> None:
        """Delete the folder, unless :meth:`publish` made it the data folder."""
        if self.path != self.target:
            shutil.rmtree(self.path, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


@contextlib.contextmanager
def new_folder(data_dir: Path) -> Iterator[ScratchFolder]:
    """A scratch folder for building the data folder ``data_dir`` (which does not exist,
    or is empty), removed at the end unless published. Leftovers of an earlier import
    into the same place that was killed are removed first."""
    remove_leftovers(data_dir)
    scratch = ScratchFolder(data_dir)
    try:
        yield scratch
    finally:
        scratch.remove()


def _abandoned_scratch(dir_fd: int, name: str) -> int:
    """A descriptor of the locked marker of the scratch folder ``name`` when cvdata made it
    and no import is building it any more (its marker's lock is free), else -1. Only a real
    folder (not a link) of this user, holding cvdata's marker file, qualifies."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
            return -1
        folder = os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except OSError:
        return -1
    try:
        fd = os.open(SCRATCH_MARKER, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return -1
    finally:
        os.close(folder)
    try:
        st = os.fstat(fd)
        if (
            stat.S_ISREG(st.st_mode)
            and st.st_uid == os.geteuid()
            and os.read(fd, len(_MARKER_TEXT) + 1) == _MARKER_TEXT
        ):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
    except OSError:
        pass  # not ours, or still locked by the import building it
    os.close(fd)
    return -1


def remove_leftovers(data_dir: Path) -> str | None:
    """Delete the scratch folders a killed import into a new ``data_dir`` left beside it
    (they may hold private data), and a marker a crash left inside ``data_dir``.

    Returns
    -------
    str or None
        What was removed, for a person to read, or None.
    """
    if "\0" in os.fspath(data_dir):
        return None  # not a path (the command reports it)
    parent, prefix = _scratch_place(Path(data_dir))
    removed: list[str] = []
    try:
        dir_fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        with contextlib.suppress(OSError):
            names = [n for n in os.listdir(dir_fd) if n.startswith(prefix)]
            for name in names:
                fd = _abandoned_scratch(dir_fd, name)
                if fd < 0:
                    continue
                try:
                    shutil.rmtree(name, dir_fd=dir_fd, ignore_errors=True)
                finally:
                    os.close(fd)
                if not os.path.lexists(parent / name):
                    removed.append(name)
    finally:
        os.close(dir_fd)
    marker = Path(data_dir) / SCRATCH_MARKER
    with contextlib.suppress(OSError):
        fd = os.open(marker, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            if os.read(fd, len(_MARKER_TEXT) + 1) == _MARKER_TEXT:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                marker.unlink()
        finally:
            os.close(fd)
    if not removed:
        return None
    return (
        f"{_shown(parent)}: removed {', '.join(removed)}, left by an import into "
        f"{_shown(Path(data_dir))} that was interrupted"
    )


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
    "new_folder",
    "reading",
    "recover",
    "remove_leftovers",
]
