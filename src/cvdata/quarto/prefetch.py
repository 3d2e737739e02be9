"""Draw a PDF document's static figures ahead, while Quarto does its own work.

A Typst render spends most of its cells in kaleido: Chromium's start (about 1.3 s) and
one SVG per chart. The pre-render step (:func:`start`) runs the document's own cells in a
process of its own, in the Typst format, with what they print thrown away: each figure
goes into the figure cache (:data:`cvdata._paths.FIGURE_CACHE`), named by what it draws.
Its browser starts first, in the background, while the cells import, load the data and
build the first figure (:func:`cvdata.quarto.static.start_browser_early`).
Quarto meanwhile starts, renders the other pages and starts the document's kernel, whose
:meth:`cvdata.page.Page.figure` then takes the SVG from the cache
(:mod:`cvdata.quarto.static`), waiting for it while this process runs
(:data:`cvdata._paths.PREFETCH_LOCK`). Nothing here is needed for a correct render: a
figure this process did not draw (it failed, or the page drew a different one) is drawn by
the page as before.

Running the page's cells, not a list of its figures, keeps the page the one place that
says which charts the PDF has.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

from .. import env
from .._files import keep_newest
from .._paths import FIGURE_CACHE, FORMAT_ENV, PREFETCH_ENV, PREFETCH_LOCK

#: Figures kept in the cache (the most recently used); an edit makes new ones.
KEEP = 200
LOG = "prefetch.log"
#: The number of the lock's file descriptor in the drawing process.
LOCK_FD_ENV = env.PREFETCH_LOCK_FD
#: ``CVDATA_NO_PREFETCH=1``: the pre-render step draws nothing ahead (to compare).
OFF_ENV = env.NO_PREFETCH
_CELL = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```\s*$", re.DOTALL | re.MULTILINE)
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def code_cells(text: str) -> list[str]:
    """The Python code cells of a ``.qmd`` document, in order."""
    return [m[1] for m in _CELL.finditer(text)]


def draws_static_figures(document: Path) -> bool:
    """Whether ``document`` is a ``.qmd`` with a Typst format whose cells draw figures."""
    if document.suffix != ".qmd" or not document.is_file():
        return False
    text = document.read_text(encoding="utf-8")
    front = _FRONT.match(text)
    try:
        meta = yaml.safe_load(front[1]) if front else None
    except yaml.YAMLError:
        return False
    formats = meta.get("format") if isinstance(meta, dict) else None
    typst = (isinstance(formats, dict) and "typst" in formats) or formats == "typst"
    return bool(typst) and any(".figure(" in cell or ".chart(" in cell for cell in code_cells(text))


def prune(cache: Path, keep: int = KEEP) -> None:
    """Drop all but the ``keep`` most recently used figures."""
    keep_newest(cache, "*.svg", keep)


def start(project: Path, documents: list[Path]) -> subprocess.Popen | None:
    """Start drawing the figures of ``documents`` (project paths) in the background.

    The lock is taken here, before Quarto can start a kernel, and handed to the process,
    which holds it until its cells are done: a page never misses a figure still coming.
    """
    documents = [d for d in documents if draws_static_figures(project / d)]
    if not documents:
        return None
    cache = project / FIGURE_CACHE
    cache.mkdir(parents=True, exist_ok=True)
    prune(cache)
    lock = os.open(cache / PREFETCH_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)  # another render of this project is drawing them
        return None
    try:
        with open(cache / LOG, "w", encoding="utf-8") as log:
            return subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cvdata.quarto.prefetch",
                    str(project),
                    *map(str, documents),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=(lock,),
                env={**os.environ, PREFETCH_ENV: "1", FORMAT_ENV: "typst", LOCK_FD_ENV: str(lock)},
                start_new_session=True,  # not stopped with the pre-render step
            )
    finally:
        os.close(lock)  # the process holds it now


def run(project: Path, document: Path) -> None:
    """Run the cells of ``document`` as its Typst render would, output thrown away."""
    os.environ[env.PROJECT_ROOT] = str(project)
    os.environ[env.DOCUMENT_PATH] = str(document.parent)
    os.environ[env.DOCUMENT_FILE] = document.name
    os.chdir(document.parent)
    namespace: dict[str, object] = {"__name__": "__prefetch__"}
    from .static import drawing_in_background

    # As the runner does: the next figure is built while the browser draws this one.
    with contextlib.redirect_stdout(io.StringIO()), drawing_in_background():
        for i, cell in enumerate(code_cells(document.read_text(encoding="utf-8")), 1):
            exec(compile(cell, f"{document.name}, cell {i}", "exec"), namespace)


def main(argv: list[str]) -> int:
    from .static import start_browser_early

    start_browser_early()  # every document here draws figures
    project, documents = Path(argv[0]).resolve(), argv[1:]
    failed = 0
    for doc in documents:
        began = time.monotonic()
        try:
            run(project, project / doc)
        except Exception as e:  # the page draws what is missing and reports real errors
            failed += 1
            print(f"prefetch: {doc}: {type(e).__name__}: {e}", file=sys.stderr)
        else:
            print(f"prefetch: {doc}: {time.monotonic() - began:.2f} s", file=sys.stderr)
    # Done: no page waits any longer (nor the post-render step) while the browser closes.
    with contextlib.suppress(KeyError, ValueError, OSError):
        os.close(int(env.get(LOCK_FD_ENV) or -1))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
