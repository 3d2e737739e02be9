"""Recovery of an interrupted transaction: the journal read (trusting nothing in an
untrusted folder), the commit rolled forward or the staging removed; see
:mod:`cvdata.transaction`."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ._lock import (
    DEFAULT_WAIT,
    JOURNAL,
    STAGING,
    TABLES,
    TransactionError,
    _fsync_dir,
    _held_here,
    _Lock,
    _shown,
    _step,
)

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
        check_names = files is None  # a journal's names are checked; our own are known
        if files is None:
            files = _journal_files(staging, staging_fd)
            if files is None:
                return None
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
        _move_all(data_dir, staging, files, data_fd, tables_fd)
        return files
    finally:
        for fd in fds:
            os.close(fd)


def _move_all(
    data_dir: Path, staging: Path, files: list[str], data_fd: int, tables_fd: int
) -> None:
    """Rename each staged file still there over its original, every one checked first."""
    todo = {n for n in files if _check_move(data_dir, staging, n, data_fd, tables_fd)}
    for n, name in enumerate(files, start=1):
        if name in todo:
            os.replace(name, name, src_dir_fd=tables_fd, dst_dir_fd=data_fd)
        _step(f"replaced-{n}")
    with contextlib.suppress(OSError):  # some filesystems cannot sync a folder
        os.fsync(data_fd)
    _step("replaced")


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
