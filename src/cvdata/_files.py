"""Reading the data folder's files safely: regular files inside the folder, of bounded size.

A table or a ``datapackage.json`` is read only when it is a regular file whose real path
(symbolic links resolved) lies inside the data folder: a link to ``/etc/passwd``, a
resource ``path`` of ``../../etc/hostname``, a folder, a pipe (which would block) or a
device such as ``/dev/zero`` (which never ends) is refused with a reason instead. Links
that stay inside the folder are followed (a table may be shared under two names).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: The largest table read, in bytes: a CV with 100,000 papers is about 20 MB of CSV.
MAX_TABLE_BYTES = 50 * 1024 * 1024
#: The largest ``datapackage.json`` read: the shipped one is under 100 KB.
MAX_DESCRIPTOR_BYTES = 5 * 1024 * 1024


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
    try:
        with open(real, "rb") as f:
            # At most one byte past the limit, should the file grow while it is read.
            data = f.read(limit + 1)
    except OSError as e:
        raise FileRefused(f"cannot be read: {e.strerror or e}") from None
    if len(data) > limit:
        raise FileRefused(f"is larger than {_limit(limit)}, the most a file may be")
    return data
