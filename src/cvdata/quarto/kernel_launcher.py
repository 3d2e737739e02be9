"""What the ``cvdata`` kernelspec runs for each kernel: a warm kernel, else a plain one.

Jupyter (Quarto's engine) starts ``python -m cvdata.quarto.kernel_launcher -f FILE``. This
process asks the project's fork server (:mod:`cvdata.quarto.kernels`, started by the
pre-render step) for a kernel forked from a process that has already imported ipykernel,
pandas, plotly and cvdata, handing it this process's arguments, environment, working
folder and standard streams. It then stays as the kernel's process for Jupyter: it relays
the signals Jupyter sends (interrupt, terminate) to the forked kernel and exits as it did;
killed, the server kills the kernel. When no server answers (``quarto render cv.qmd``
without the pre-render step, a crash, ``CVDATA_WARM_KERNELS=0``, no ``fork``), or the
server refuses (another Python, a socket that is not the user's), it becomes a plain
ipykernel (``exec``), the kernel the ``python3`` spec starts.

Standard library only (and :mod:`cvdata.env`, which is): it runs before every kernel.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import runpy
import select
import signal
import socket
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import env

#: The kernelspec's name: the pages' ``jupyter:`` front matter names it.
KERNEL_NAME = "cvdata"
#: Bumped when the launcher and the server stop understanding each other.
PROTOCOL = 2
#: What a forked child may become: a kernel (Jupyter's engine), or the runner of one page
#: (cvdata's engine extension: ``--run NOTEBOOK RESULT``, :mod:`cvdata.quarto.runner`).
KERNEL_MODULE = "ipykernel_launcher"
RUNNER_MODULE = "cvdata.quarto.runner"
MODULES = (KERNEL_MODULE, RUNNER_MODULE)
#: How long a kernel waits for the server's answer (it may still be importing).
REPLY_TIMEOUT = 30.0
#: Relayed to the forked kernel as Jupyter sends them to this process.
RELAYED = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


#: The process that started this one (Jupyter's), taken first thing.
_PARENT = os.getppid()


class Unavailable(Exception):
    """No warm kernel: the reason, for the server's log or the person."""


def supported() -> bool:
    """Whether kernels can be forked here: Linux (``fork`` of a process that imported
    numpy and plotly is not safe on macOS, whose system libraries forbid it), with Unix
    sockets that pass file descriptors."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


def enabled() -> bool:
    """Forked kernels are supported and not switched off (``CVDATA_WARM_KERNELS=0``)."""
    return supported() and env.get(env.WARM_KERNELS) != "0"


def socket_dir() -> Path:
    """The user's private folder for the servers' sockets (a short path: a Unix socket's
    path has at most 107 bytes, a project's may be longer)."""
    return Path(tempfile.gettempdir()) / f"cvdata-kernels-{os.getuid()}"


def socket_path(project: Path) -> Path:
    """The socket of ``project``'s fork server, named by the project's resolved path."""
    key = hashlib.sha256(str(Path(project).resolve()).encode("utf-8", "surrogateescape"))
    return socket_dir() / f"{key.hexdigest()[:24]}.sock"


def private_dir(folder: Path, *, create: bool = False) -> None:
    """Check that ``folder`` is a folder of this user that no one else may enter
    (creating it so when asked).

    Raises
    ------
    Unavailable
        When it is missing, a link, someone else's or open to others.
    """
    if create:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
    st = _owned(folder, stat.S_ISDIR, "folder")
    if st.st_mode & 0o077:
        raise Unavailable(f"{folder} is open to other users (mode {st.st_mode & 0o777:o})")


def check_socket(path: Path) -> None:
    """Check that ``path`` is a socket of this user in a private folder.

    Raises
    ------
    Unavailable
        When it is missing or is not (a server started by someone else is never used).
    """
    private_dir(path.parent)
    _owned(path, stat.S_ISSOCK, "socket")


def _owned(path: Path, is_kind: Callable[[int], bool], kind: str) -> os.stat_result:
    """``path``'s own status (a link is not followed) when it is a ``kind`` of this user.

    Raises
    ------
    Unavailable
        When it is missing, not a ``kind`` or someone else's.
    """
    try:
        st = path.lstat()
    except OSError as e:
        raise Unavailable(f"{path}: {e.strerror}") from None
    if not is_kind(st.st_mode):
        raise Unavailable(f"{path} is not a {kind}")
    if st.st_uid != os.getuid():
        raise Unavailable(f"{path} belongs to another user (uid {st.st_uid})")
    return st


def project_root() -> Path | None:
    """The project this kernel runs for: ``QUARTO_PROJECT_ROOT`` (Quarto sets it before
    every execution), else the nearest folder with a ``_quarto.yml`` above the working one."""
    root = env.get(env.PROJECT_ROOT)
    if root:
        return Path(root)
    here = Path.cwd()
    return next((f for f in (here, *here.parents) if (f / "_quarto.yml").is_file()), None)


def connect(path: Path, timeout: float = REPLY_TIMEOUT) -> socket.socket:
    """A connection to the server at ``path``, checked first (:func:`check_socket`).

    Raises
    ------
    Unavailable
        When the socket is refused or no server listens on it.
    """
    check_socket(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
    except OSError as e:
        sock.close()
        raise Unavailable(f"{path}: {e.strerror or e}") from None
    return sock


def send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    """One message: a byte carrying ``fds`` (when given), then a line of JSON."""
    if fds is not None:
        socket.send_fds(sock, [b"F"], fds)
    sock.sendall(json.dumps(message).encode() + b"\n")


def receive(reader: Any) -> dict[str, Any] | None:
    """The next line of JSON from ``reader`` (a socket's file); None at its end."""
    line = reader.readline()
    if not line:
        return None
    data = json.loads(line)
    return data if isinstance(data, dict) else None


def kernel_request(args: list[str], module: str = KERNEL_MODULE) -> dict[str, Any]:
    """What the forked child takes from this process: the module it runs as ``python -m``
    (:data:`MODULES`) and its arguments, the environment and working folder Jupyter or
    the engine gave this process (``QUARTO_*`` included), the umask, and which Python this
    is (the server forks only for its own)."""
    mask = os.umask(0)
    os.umask(mask)
    return {
        "op": "kernel",
        "protocol": PROTOCOL,
        "module": module,
        "args": args,
        "env": dict(os.environ),
        "cwd": os.getcwd(),
        "umask": mask,
        "prefix": sys.prefix,
        "version": sys.version,
    }


class _Relay:
    """Signals received before and after the kernel's pid is known, passed on to it."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.pending: list[int] = []

    def __call__(self, signum: int, frame: object) -> None:
        if self.pid is None:
            self.pending.append(signum)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def install(self) -> None:
        for signum in RELAYED:
            signal.signal(signum, self)

    def started(self, pid: int) -> None:
        self.pid = pid
        for signum in self.pending:
            self(signum, None)


def warm_kernel(args: list[str], relay: _Relay, module: str = KERNEL_MODULE) -> int:
    """Ask the project's server for a kernel, relay signals to it until it ends; its exit
    status (negative: the signal that ended it).

    Raises
    ------
    Unavailable
        When no kernel was forked (the caller starts a plain one).
    """
    if not enabled():
        raise Unavailable("warm kernels are off here")
    root = project_root()
    if root is None:
        raise Unavailable("not in a Quarto project")
    sock = connect(socket_path(root))
    with sock:
        reader = sock.makefile("rb")
        try:
            send(sock, kernel_request(args, module), [0, 1, 2])
            answer = receive(reader)
        except (OSError, ValueError) as e:
            raise Unavailable(f"the server did not answer: {e}") from None
        if not answer or not isinstance(answer.get("pid"), int):
            raise Unavailable(str((answer or {}).get("refused", "the server went away")))
        relay.started(answer["pid"])
        done = wait_for_exit(sock, reader, answer["pid"])
    # No status: the server died; the kernel, which held the socket too, is gone.
    return int(done["exit"]) if done and isinstance(done.get("exit"), int) else 1


def wait_for_exit(sock: socket.socket, reader: Any, pid: int) -> dict[str, Any] | None:
    """The server's word on how the kernel ended; None when it went away. A plain kernel
    ends when Jupyter's process does (ipykernel watches its parent): so does this one,
    which is the forked kernel's parent for Jupyter."""
    parent = _PARENT
    while True:
        ready, _, _ = select.select([sock], [], [], 1.0)
        if ready:
            try:
                return receive(reader)
            except (OSError, ValueError):
                return None
        if parent > 1 and os.getppid() != parent:  # Jupyter's process is gone
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def exit_as(status: int) -> None:
    """Exit as the kernel did: with its code, or killed by its signal."""
    if status < 0:
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
        status = 128 - status
    sys.exit(status)


def plain_kernel(args: list[str]) -> None:
    """Become the kernel the ``python3`` spec starts (this process's arguments)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", KERNEL_MODULE, *args])


def plain_run(args: list[str]) -> None:
    """Run the page in this process, with imports of its own (not ``exec``: on Windows it
    starts another process and this one ends, and the engine would read no result)."""
    sys.argv = [sys.argv[0], *args]
    runpy.run_module(RUNNER_MODULE, run_name="__main__", alter_sys=True)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    module = KERNEL_MODULE
    if args[:1] == ["--run"]:  # cvdata's engine extension: one page's run, not a kernel
        module, args = RUNNER_MODULE, args[1:]
    relay = _Relay()
    relay.install()  # a signal before the kernel exists is kept for it, not lost
    try:
        status = warm_kernel(args, relay, module)
    except Unavailable as e:
        ended = [s for s in relay.pending if s != signal.SIGINT]
        if ended:  # told to end before any kernel ran
            exit_as(-ended[0])
        if "belongs to another user" in str(e) or "open to other users" in str(e):
            print(f"cvdata kernel: {e}; starting a plain kernel", file=sys.stderr)
        for signum in RELAYED:
            signal.signal(signum, signal.SIG_DFL)
        if module == RUNNER_MODULE:
            plain_run(args)
        else:
            plain_kernel(args)
        return
    exit_as(status)


if __name__ == "__main__":
    main()
