"""Reading files safely: the data folder's (regular files inside the folder, of bounded
size) and the files a command is given to import (regular files of bounded size).

A table or a ``datapackage.json`` is read only when it is a regular file whose real path
(symbolic links resolved) lies inside the data folder: a link to ``/etc/passwd``, a
resource ``path`` of ``../../etc/hostname``, a folder, a pipe (which would block) or a
device such as ``/dev/zero`` (which never ends) is refused with a reason instead. Links
that stay inside the folder are followed (a table may be shared under two names).

Every reader of the data folder goes through :func:`read_bytes`; every file named on the
command line (a ``.bib`` or a JSON Resume to import) through :func:`read_input`.

The caches of a render (the PDF's figures, the compiled theme) are written with
:func:`write_whole` and trimmed with :func:`keep_newest`; :func:`snapshot` notes a folder's
files without reading them (has the data folder changed since?).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

#: The largest table read, in bytes: a CV with 100,000 papers is about 20 MB of CSV.
MAX_TABLE_BYTES = 50 * 1024 * 1024
#: The largest ``datapackage.json`` read: the shipped one is under 100 KB.
MAX_DESCRIPTOR_BYTES = 5 * 1024 * 1024
#: The largest file read for an import (a ``.bib``, a JSON Resume): as large as a table.
MAX_INPUT_BYTES = MAX_TABLE_BYTES
#: The name that means standard input on the command line.
STDIN = "-"
_INPUT = "a file to import"


class FileRefused(Exception):
    """A file of the data folder that is not read; ``reason`` says why, in words."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _limit(n: int) -> str:
    """A limit in words: '50 MB (52,428,800 bytes)'."""
    mb = n / (1024 * 1024)
    return f"{mb:g} MB ({n:,} bytes)" if mb >= 1 else f"{n:,} bytes"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def check_location(relative: str, root: Path) -> None:
    """Refuse a resource ``path`` that names a place outside ``root`` by its spelling
    (absolute, or climbing out with ``..``), before anything is opened.

    Raises
    ------
    FileRefused
    """
    given = Path(relative)
    if given.is_absolute() or given.drive:
        raise FileRefused(f"path {relative!r} is absolute; tables are files in the data folder")
    if ".." in given.parts:
        raise FileRefused(f"path {relative!r} leaves the data folder ('..')")


def read_bytes(path: Path, root: Path, limit: int) -> bytes:
    """The bytes of ``path``, a regular file inside ``root`` of at most ``limit`` bytes.

    Raises
    ------
    FileNotFoundError
        When nothing is there (a dangling link counts as nothing).
    FileRefused
        When the file is somewhere else, is not a regular file, is too big or unreadable.
    """
    real = Path(os.path.realpath(path))
    if not _inside(real, Path(os.path.realpath(root))):
        if not os.path.lexists(path):
            raise FileNotFoundError(path)
        raise FileRefused(f"is a link to {real.as_posix()}, outside the data folder")
    try:
        # stat, not open: opening a pipe would wait for a writer.
        st = os.stat(real)
    except FileNotFoundError:
        raise
    except OSError as e:
        raise FileRefused(f"cannot be read: {e.strerror or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileRefused("is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise FileRefused("is not a regular file (a pipe, a socket or a device)")
    if st.st_size > limit:
        raise FileRefused(f"is {st.st_size:,} bytes; a file may be at most {_limit(limit)}")
    return _read_regular(real, limit, "a file")


def _read_regular(path: Path | str | os.PathLike[str], limit: int, noun: str) -> bytes:
    """At most ``limit`` bytes of ``path``, checked again on the open file: what was a
    regular file when looked at may have been swapped for a pipe or a device since.

    Raises
    ------
    FileRefused
    """
    try:
        # O_NONBLOCK: opening a pipe that appeared since the stat must not wait for a
        # writer; O_NOCTTY: a terminal device never becomes the controlling one.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as e:
        raise FileRefused(f"cannot be read: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused("is not a regular file (a pipe, a socket or a device)")
        if st.st_size > limit:
            raise FileRefused(f"is {st.st_size:,} bytes; {noun} may be at most {_limit(limit)}")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            # At most one byte past the limit, should the file grow while it is read.
            data = f.read(limit + 1)
    except OSError as e:
        raise FileRefused(f"cannot be read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(f"is larger than {_limit(limit)}, the most {noun} may be")
    return data


def shown_input(name: str | os.PathLike[str]) -> str:
    """How a file named on the command line is named in messages."""
    return "standard input" if os.fspath(name) == STDIN else os.fspath(name)


def check_input(name: str | os.PathLike[str], limit: int = MAX_INPUT_BYTES) -> None:
    """Refuse a file named on the command line that is not a regular file of at most
    ``limit`` bytes, without opening it (so a pipe cannot make the command wait, and a
    device cannot fill the memory). A symbolic link to a regular file is followed: the
    user named it. ``-`` (standard input) passes; :func:`read_input` bounds its read.

    Raises
    ------
    FileNotFoundError
        When nothing is there.
    FileRefused
        Saying why, with the limit when the file is too big.
    """
    if os.fspath(name) == STDIN:
        return
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as e:  # ValueError: a NUL byte in the name
        raise FileRefused(f"cannot be read: {getattr(e, 'strerror', None) or e}") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileRefused("is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise FileRefused("is not a regular file (a pipe, a socket or a device); give a file")
    if st.st_size > limit:
        raise FileRefused(f"is {st.st_size:,} bytes; {_INPUT} may be at most {_limit(limit)}")


def read_input(name: str | os.PathLike[str], limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file named on the command line (see :func:`check_input`), or of
    standard input for ``-``, at most ``limit`` of them.

    Raises
    ------
    FileNotFoundError
        When nothing is there.
    FileRefused
        When it is not a regular file, is too big, or cannot be read.
    """
    if os.fspath(name) == STDIN:
        try:
            data = sys.stdin.buffer.read(limit + 1)
        except (OSError, AttributeError, ValueError) as e:
            raise FileRefused(f"cannot be read: {getattr(e, 'strerror', None) or e}") from None
        if len(data) > limit:
            raise FileRefused(f"is larger than {_limit(limit)}, the most {_INPUT} may be")
        return data
    check_input(name, limit)
    return _read_regular(name, limit, _INPUT)


def write_whole(path: Path, data: bytes) -> None:
    """Written whole or not at all: another process may read it at any moment, or write
    it too (each writes a file of its own, then puts it in place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def keep_newest(folder: Path, pattern: str, keep: int) -> None:
    """Delete all but the ``keep`` most recently used files of ``folder`` that match
    ``pattern`` (a reader marks a file used by touching it)."""
    found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in found[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of ``folder`` (recursively) with its time changed and size, from
    ``lstat``: nothing is opened, and no link is followed."""
    found: dict[str, tuple[int, int]] = {}

    def walk(here: Path, prefix: str) -> None:
        with contextlib.suppress(OSError), os.scandir(here) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    if entry.is_dir(follow_symlinks=False):
                        walk(Path(entry.path), f"{prefix}{entry.name}/")
                    else:
                        found[prefix + entry.name] = (st.st_mtime_ns, st.st_size)

    walk(folder, "")
    return found
