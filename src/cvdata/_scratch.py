"""New data folders, built beside their place and published whole; the leftovers of a
killed import removed; see :mod:`cvdata.transaction`."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ._journal import _DIR_FLAGS
from ._lock import _shown

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
