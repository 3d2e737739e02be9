"""The fork server behind the warm kernels (see :mod:`cvdata.quarto.kernels`).

One process per project render: it imports what every page's kernel imports (pandas,
plotly, cvdata's page; ipykernel before the first Jupyter kernel), runs nothing else, and
forks one child per kernel asked for by :mod:`cvdata.quarto.kernel_launcher`. While nothing
is asked and no page runs it warms up, a step at a time: it imports what pages import on
first use and reads and checks the data folder once (each page's first
:func:`cvdata.load.load` takes it when the folder is unchanged); a page asking meanwhile is
not kept waiting for the rest.
The child takes the launcher's standard streams, environment, working folder and
arguments, starts its own session and becomes ``ipykernel_launcher``: a kernel like a
plain one, minus the imports.

Fork safety: nothing runs in the server but imports and that read, so at a fork it has
one thread, no ZMQ context, no event loop and no open file but its own sockets, which the
child closes (a fork with a second thread alive is refused, and the launcher starts a
plain kernel).
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import json
import os
import runpy
import selectors
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .. import env
from . import kernel_launcher as launcher

#: What the server imports before it serves: what every page imports.
PRELOAD = ("pandas", "plotly.graph_objects", "plotly.io", "cvdata.page")
#: What it imports once it serves, one module at a time between requests (a page asking
#: meanwhile is forked at once and imports what it needs itself): what a page imports on
#: its first chart or date, together 0.15-0.4 s of each page's run here (a child forked
#: per page). Plotly's renderers, which look for IPython and nbformat when a figure is
#: shown, the subplots and the static export, Babel's formatting, the charts cvdata
#: imports when drawn. Not the runner: a child runs it as ``__main__``, and runpy warns
#: about a module imported before.
WARM_IMPORTS = (
    "plotly.io._renderers",
    "IPython.display",
    "nbformat",
    "plotly.io._html",
    "plotly.io.json",
    "plotly.animation",
    "plotly.io._kaleido",
    "plotly.subplots",
    "plotly.validator_cache",
    "babel.dates",
    "babel.lists",
    "babel.numbers",
    "babel.units",
    "cvdata._regex_safety",
    "cvdata.charts.skills",
    "cvdata.charts.venues",
)
#: What a Jupyter kernel imports besides: imported before the first kernel is forked, not
#: at the start (cvdata's engine runs pages without ipykernel; 0.25-0.5 s sooner ready).
KERNEL_PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel")
#: Variables that change how Python starts (paths, encodings, hashing): a kernel whose
#: environment sets them otherwise than the server's is not forked (its imports would
#: differ from a plain kernel's).
STARTUP_PREFIXES = ("PYTHON",)
STARTUP_NAMES = ("LC_ALL", "LC_CTYPE", "LANG")
#: A server with no kernel and no request for this long ends (a render that crashed
#: before its post-render step, without ending Quarto).
IDLE = 600.0
#: How often the server looks at the render it serves.
TICK = 1.0


def log(text: str) -> None:
    """A line of the server's log (its standard error: ``_cvdata/kernels.log``)."""
    now = time.time()  # to the millisecond: a page's wait is a fraction of a second
    stamp = f"{time.strftime('%H:%M:%S', time.localtime(now))}.{int(now * 1000) % 1000:03d}"
    print(f"{stamp} kernels[{os.getpid()}]: {text}", file=sys.stderr)
    sys.stderr.flush()


def preload(modules: tuple[str, ...] = PRELOAD) -> None:
    """Import ``modules``. Plotly picks its default renderer when imported: as in an
    IPython kernel (``plotly_mimetype``), not by looking for a web browser."""
    before = os.environ.get("PLOTLY_RENDERER")
    os.environ["PLOTLY_RENDERER"] = before or "plotly_mimetype"
    try:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception as e:  # the kernel will say what is wrong, as a plain one does
                log(f"import {name}: {type(e).__name__}: {e}")
    finally:
        if before is None:
            del os.environ["PLOTLY_RENDERER"]


def warmup(project: Path) -> list[Callable[[], object]]:
    """The server's steps once it serves: :data:`WARM_IMPORTS`, one each, then the data
    folder read ahead (:func:`load_data_ahead`), then a line in the log."""
    began = time.monotonic()
    steps: list[Callable[[], object]] = [partial(preload, (name,)) for name in WARM_IMPORTS]
    steps.append(partial(load_data_ahead, project))
    steps.append(lambda: log(f"warm in {time.monotonic() - began:.2f} s"))
    return steps


def load_data_ahead(project: Path) -> None:
    """Read and check the project's data folder once, for the pages forked after
    (:func:`cvdata.load.load_ahead`: each page's first load takes it when the folder is
    unchanged). A folder that is missing or does not validate is left to the pages, which
    report it as they would."""
    began = time.monotonic()
    try:
        from .. import load
        from .._paths import project_data_dir

        valid = load.load_ahead(project_data_dir(project))
    except Exception as e:  # the pages read the folder themselves
        log(f"data not loaded ahead: {type(e).__name__}: {e}")
        return
    said = "loaded ahead" if valid else "not valid: left to the pages"
    log(f"data {said} in {time.monotonic() - began:.2f} s")


def startup_environment(environ: dict[str, str]) -> dict[str, str]:
    """The variables of ``environ`` that change how Python starts."""
    return {
        k: v for k, v in environ.items() if k.startswith(STARTUP_PREFIXES) or k in STARTUP_NAMES
    }


def refusal(request: dict[str, Any]) -> str:
    """Why this server cannot fork the kernel ``request`` asks for, or ''."""
    if request.get("protocol") != launcher.PROTOCOL:
        return f"protocol {request.get('protocol')!r}, the server speaks {launcher.PROTOCOL}"
    if request.get("module") not in launcher.MODULES:
        return f"module {request.get('module')!r}: a child runs only {launcher.MODULES}"
    if request.get("prefix") != sys.prefix or request.get("version") != sys.version:
        return f"another Python ({request.get('prefix')}), the server runs {sys.prefix}"
    theirs = request.get("env")
    if not isinstance(theirs, dict) or not isinstance(request.get("args"), list):
        return "a malformed request"
    if startup_environment(theirs) != startup_environment(dict(os.environ)):
        return "Python's start-up variables (PYTHON*, LC_*, LANG) differ from the server's"
    if threading.active_count() != 1:
        return f"{threading.active_count()} threads in the server (fork is unsafe)"
    return ""


def peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket (Linux)."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


@dataclass
class KernelJob:
    """What a forked child runs: the launcher's request, its streams and its socket."""

    request: dict[str, Any]
    fds: list[int]
    conn: socket.socket


class Forked(BaseException):
    """Raised in the child right after the fork: it leaves the server's loop (its frames
    unwind, their clean-up checks the pid) and :func:`main` runs the kernel."""

    def __init__(self, job: KernelJob) -> None:
        super().__init__("forked")
        self.job = job


class Server:
    """The listening socket, the kernels forked and the render being served."""

    def __init__(
        self, path: Path, watch: int | None, warmup: list[Callable[[], object]] | None = None
    ) -> None:
        self.path = path
        self.watch = watch
        #: What is left to do once nothing is asked (:func:`warmup`), one step at a time.
        self.warmup = list(warmup or [])
        self.pid = os.getpid()
        self.children: dict[int, socket.socket] = {}
        self.kinds: dict[int, str] = {}  # a child's kind for the log: kernel or runner
        self.stopping = False
        self.last = time.monotonic()
        self.selector = selectors.DefaultSelector()
        self.wake_r, self.wake_w = os.pipe()
        self.listener = self._bind()

    def _bind(self) -> socket.socket:
        launcher.private_dir(self.path.parent, create=True)
        # One server per project: it holds this lock while it listens.
        self.lock_fd = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.lock_fd)
            raise launcher.Unavailable(f"a server already runs for {self.path}") from None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a server that did not end well
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # the socket is made 0600, never open for a moment
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old)
        sock.listen(64)
        self.inode = self.path.stat().st_ino
        return sock

    # -- the loop ---------------------------------------------------------------

    def run(self) -> None:
        """Serve until stopped (or the render is gone, or idle) and every kernel ended."""
        os.set_blocking(self.wake_w, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self.wake_w)
        self.selector.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.selector.register(self.listener, selectors.EVENT_READ, "listen")
        try:
            while not (self.stopping and not self.children):
                warming = bool(self.warmup) and not self.stopping and not self._page_running()
                events = self.selector.select(0 if warming else TICK)
                for key, _ in events:
                    self._event(key.data, key.fileobj)
                if warming and not events:  # nothing asked: the next step of the warm-up
                    self.warmup.pop(0)()
                self._reap()
                self._check_render()
        finally:
            if os.getpid() == self.pid:
                self.close_listener()

    def _page_running(self) -> bool:
        """Whether a page's run (cvdata's runner) is running: the warm-up then waits, not
        to compete for two cores with the page and its browser. Quarto runs pages one
        after the other, and between two (its Pandoc, its filters: one core) the warm-up
        goes on; a Jupyter kernel, which lives on, does not hold it up."""
        return "runner" in self.kinds.values()

    def _event(self, what: object, fileobj: Any) -> None:
        if what == "wake":
            with contextlib.suppress(BlockingIOError):
                os.read(self.wake_r, 512)
        elif what == "listen":
            with contextlib.suppress(OSError):
                conn, _ = self.listener.accept()
                self.last = time.monotonic()
                self._serve(conn)
        elif isinstance(what, int) and not _peek(fileobj):
            self._launcher_gone(what)  # a kernel's launcher said nothing more: it ended

    def _check_render(self) -> None:
        if self.watch is not None:
            try:
                os.kill(self.watch, 0)
            except ProcessLookupError:
                log(f"the render (pid {self.watch}) ended")
                self.watch = None
                self.stop()
        if not self.children and time.monotonic() - self.last > IDLE:
            self.stop()

    def stop(self) -> None:
        """No more kernels; the server ends when the last one has."""
        self.stopping = True
        self.close_listener()

    def close_listener(self) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(self.listener)
        self.listener.close()
        with contextlib.suppress(OSError):
            if self.path.stat().st_ino == self.inode:  # not a newer server's socket
                self.path.unlink()
        if self.lock_fd >= 0:  # a new server may start (this one waits for its kernels)
            os.close(self.lock_fd)
            self.lock_fd = -1

    # -- requests ---------------------------------------------------------------

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        fds: list[int] = []
        try:
            if peer_uid(conn) != os.getuid():
                raise ValueError("a request from another user")
            head, fds, _, _ = socket.recv_fds(conn, 1, 3)
            if head != b"F":  # a request without streams: ping or stop
                request = json.loads(head + conn.makefile("rb").readline())
            else:
                request = json.loads(conn.makefile("rb").readline())
        except (OSError, ValueError) as e:
            log(f"a request that could not be read: {e}")
            self._close(conn, fds)
            return
        op = request.get("op") if isinstance(request, dict) else None
        if op == "kernel" and len(fds) == 3:
            self._fork(conn, request, fds)
            return
        if op == "stop":
            log("stopped by the post-render step")
            self.stop()
        reply = {
            "pong": self.pid,
            "stopping": self.stopping,
            "kernels": len(self.children),
            "warming": len(self.warmup),
        }
        with contextlib.suppress(OSError):
            launcher.send(conn, reply)
        self._close(conn, fds)

    def _fork(self, conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
        why = refusal(request)
        if why:
            log(f"refused a kernel: {why}")
            with contextlib.suppress(OSError):
                launcher.send(conn, {"refused": why})
            self._close(conn, fds)
            return
        kernel = request["module"] == launcher.KERNEL_MODULE
        if kernel and not all(name in sys.modules for name in KERNEL_PRELOAD):
            began = time.monotonic()
            preload(KERNEL_PRELOAD)  # once: the kernels after this one start warm
            log(f"ipykernel imported in {time.monotonic() - began:.2f} s")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self._leave_for_child(conn)
            raise Forked(KernelJob(request, fds, conn))
        for fd in fds:
            os.close(fd)
        self.children[pid] = conn
        what = "kernel" if kernel else "runner"
        self.kinds[pid] = what
        log(f"{what} {pid} for {request['env'].get(env.DOCUMENT_FILE, '?')}")
        try:
            launcher.send(conn, {"pid": pid})
        except OSError:
            self._launcher_gone(pid)
            return
        conn.settimeout(None)
        self.selector.register(conn, selectors.EVENT_READ, pid)

    def _leave_for_child(self, conn: socket.socket) -> None:
        """In the child: drop everything of the server but ``conn``."""
        signal.set_wakeup_fd(-1)
        for other in self.children.values():
            other.close()
        self.selector.close()
        self.listener.close()
        os.close(self.wake_r)
        os.close(self.wake_w)
        if self.lock_fd >= 0:  # the lock stays the server's alone
            os.close(self.lock_fd)
        self.children = {}

    def _launcher_gone(self, pid: int) -> None:
        """The launcher ended (Jupyter killed it): so does its kernel."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)

    def _reap(self) -> None:
        """Tell each ended kernel's launcher how it ended."""
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            log(f"{self.kinds.pop(pid, 'kernel')} {pid} ended ({code})")
            self.last = time.monotonic()
            with contextlib.suppress(OSError):
                launcher.send(conn, {"exit": code})
            self._close(conn, [])

    def _close(self, conn: socket.socket, fds: list[int]) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(conn)
        conn.close()
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def _peek(conn: socket.socket) -> bytes:
    """What a launcher sent after its request (nothing: b'' when it ended)."""
    try:
        return conn.recv(1)
    except OSError:
        return b""


# -- the child ------------------------------------------------------------------


def become_kernel(job: KernelJob) -> None:
    """In the forked child: take the launcher's streams, environment, folder and
    arguments, then run ``ipykernel_launcher`` as ``python -m`` would."""
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()  # a session of its own, as jupyter_client starts a kernel
    for target, fd in zip((0, 1, 2), job.fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    request = job.request
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.umask(int(request["umask"]))
    time.tzset()
    _fresh_module_state(request["env"])
    # The launcher's socket stays open in the kernel: the launcher reads its end until
    # both the server and the kernel have let go of theirs.
    os.set_inheritable(job.conn.fileno(), False)
    sys.argv = [sys.argv[0], *request["args"]]
    sys.path[0] = request["cwd"]  # as `python -m` puts it (ipykernel_launcher removes it)
    runpy.run_module(request["module"], run_name="__main__", alter_sys=True)


def _fresh_module_state(environ: dict[str, str]) -> None:
    """What the server's imports fixed that a kernel of its own would not share: numpy's
    global random state (seeded once, in the server), ipykernel's defaults read from the
    environment when imported (the parent Jupyter names, whose end ends the kernel) and
    plotly's default renderer (from ``PLOTLY_RENDERER`` in the kernel's environment;
    Quarto's set-up cell sets it anyway)."""
    kernelapp = sys.modules.get("ipykernel.kernelapp")
    if kernelapp is not None:
        app = kernelapp.IPKernelApp
        for trait, variable in (
            ("parent_handle", "JPY_PARENT_PID"),
            ("interrupt", "JPY_INTERRUPT_EVENT"),
        ):
            with contextlib.suppress(KeyError, ValueError):
                value = int(environ.get(variable) or 0)
                app.class_traits()[trait].default_value = value
                # traitlets copies a static default into each instance from this cache
                if trait in getattr(app, "_static_immutable_initial_values", {}):
                    app._static_immutable_initial_values[trait] = value
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()
    pio = sys.modules.get("plotly.io")
    if pio is not None and environ.get("PLOTLY_RENDERER"):
        with contextlib.suppress(ValueError):
            pio.renderers.default = environ["PLOTLY_RENDERER"]


def serve(project: Path, watch: int | None) -> KernelJob | None:
    """Run the server for ``project``; in a forked child, return the kernel to run."""
    path = launcher.socket_path(project)
    try:
        server = Server(path, watch)
    except (launcher.Unavailable, OSError) as e:
        log(f"not started: {e}")
        return None
    began = time.monotonic()
    log(f"listening on {path} for {project}")
    preload()
    log(f"imports done in {time.monotonic() - began:.2f} s")
    server.warmup = warmup(project)
    try:
        server.run()
    except Forked as forked:
        return forked.job
    log("ended")
    return None
