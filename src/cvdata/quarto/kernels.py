"""Kernels that start warm: forked from a process that has already imported pandas, plotly
and cvdata (and ipykernel, before the first Jupyter kernel: cvdata's engine needs none).

Each executed page costs a kernel: a fresh ipykernel, then Quarto's set-up cell and the
page's imports, about a second before its first cell, eight times in a cold render. The
pages name the ``cvdata`` kernelspec (their ``jupyter:`` front matter), installed into the
project's environment by ``make setup`` (:func:`install`); it runs
:mod:`cvdata.quarto.kernel_launcher`, which asks the project's fork server for a kernel
and falls back to a plain ipykernel when there is none.

- The pre-render step starts the server (:func:`start`) when some page will execute; it
  binds a socket of the user's, mode 0600 in a private folder
  (:func:`cvdata.quarto.kernel_launcher.socket_path`), imports, and forks a child per
  kernel (:mod:`cvdata.quarto._forkserver`). Each kernel gets the environment, working
  folder, connection file and standard streams Jupyter gave its launcher, a session of its
  own, and nothing of another page: the server runs no page code, only imports and one
  read of the data folder, which a page's first load takes
  (:func:`cvdata.load.load_ahead`).
- The post-render step stops it (:func:`stop`): it takes no more kernels and ends when the
  last one it forked has (a kernel Quarto's daemon keeps lives on). It also ends when the
  render that started it is gone, or after :data:`~cvdata.quarto._forkserver.IDLE`
  seconds with nothing to do.
- ``CVDATA_WARM_KERNELS=0`` switches it off: plain kernels, the same pages and charts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .._paths import KERNELS_LOG
from .kernel_launcher import (
    KERNEL_NAME,
    Unavailable,
    connect,
    enabled,
    receive,
    send,
    socket_path,
)

#: The server's log, in the pre-render step's folder of the project.
LOG = KERNELS_LOG


def kernelspec() -> dict[str, object]:
    """The ``cvdata`` kernelspec: the launcher, run by the Python Jupyter runs (``python``
    stands for it), interrupted by a signal it relays."""
    return {
        "argv": ["python", "-m", "cvdata.quarto.kernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (cvdata, warm start)",
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": True},
    }


def install(prefix: str | os.PathLike[str] = sys.prefix) -> Path:
    """Write the kernelspec into ``prefix``'s ``share/jupyter/kernels/cvdata/`` (the
    environment's own, which Quarto's ``jupyter --paths`` lists); returns its file."""
    folder = Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "kernel.json"
    spec.write_text(json.dumps(kernelspec(), indent=1) + "\n", encoding="utf-8")
    return spec


def ask(project: Path, op: str, timeout: float = 2.0) -> dict[str, object] | None:
    """Send ``op`` (``ping``, ``stop``) to ``project``'s server; its answer, or None when
    none runs (or it is busy importing past ``timeout``)."""
    try:
        with connect(socket_path(project), timeout=timeout) as sock:
            send(sock, {"op": op})
            return receive(sock.makefile("rb"))
    except (Unavailable, OSError, ValueError):
        return None


def running(project: Path) -> bool:
    """Whether a server listens for ``project`` (a connection is taken, even while it
    still imports)."""
    try:
        connect(socket_path(project), timeout=1).close()
    except Unavailable:
        return False
    return True


def start(project: Path, watch: int | None = None) -> subprocess.Popen | None:
    """Start ``project``'s fork server in the background (none when switched off, not
    supported here, or one already listens); ``watch`` is the render's pid: the server
    ends when it is gone."""
    if not enabled() or running(project):
        return None
    log = project / LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "cvdata.quarto.kernels", "serve", str(project)]
    with open(log, "a", encoding="utf-8") as out:
        return subprocess.Popen(
            [*command, *(["--watch", str(watch)] if watch else [])],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=out,
            cwd=project,
            start_new_session=True,  # not stopped with the pre-render step
        )


def stop(project: Path) -> bool:
    """Tell ``project``'s server to take no more kernels; False when none was running."""
    return ask(project, "stop") is not None


def main(argv: list[str]) -> int:
    """``python -m cvdata.quarto.kernels install [PREFIX] | serve PROJECT [--watch PID] |
    stop PROJECT | ping PROJECT``."""
    if argv[:1] == ["install"]:
        print(f"installed the {KERNEL_NAME} kernelspec: {install(*argv[1:2])}")
        return 0
    if argv[:1] == ["serve"] and len(argv) in (2, 4):
        from . import _forkserver

        watch = int(argv[3]) if len(argv) == 4 and argv[2] == "--watch" else None
        job = _forkserver.serve(Path(argv[1]).resolve(), watch)
        if job is not None:  # a forked child: the kernel, until it exits
            _forkserver.become_kernel(job)
        return 0
    if argv[:1] in (["stop"], ["ping"]) and len(argv) == 2:
        answer = ask(Path(argv[1]).resolve(), argv[0])
        print(json.dumps(answer) if answer else "no server")
        return 0 if answer else 1
    print(main.__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
