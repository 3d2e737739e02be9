"""The pieces every part of a transaction shares: its names and steps, the error, the
folder's lock (``flock``), and the signals held back while a commit runs; see
:mod:`cvdata.transaction`."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import env

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
