"""``make preview``: the site served from ``_site``, kept up to date with the data folder.

Quarto's preview watches the pages' sources, not the tables they read: an edit of
``data/talks.csv`` changes nothing on screen. Here ``make preview`` renders the project
once (``quarto render``, every format: the PDF too), serves ``_site`` itself (a small
threaded HTTP server on ``127.0.0.1:PORT``), and a watcher polls the data folder and the
pages' sources (no file-watching dependency: a few dozen ``stat`` calls a poll). When a
file changed and stayed the same for a moment, it

1. validates the folder. A table that no longer validates is reported in the terminal and
   on every open page (a banner the preview's pages poll for, ``cvdata-preview.json`` in
   the site), and nothing is rendered: the preview keeps running, and fixing the table
   renders again (edits made meanwhile included);
2. does the pre-render step's work itself, in this process, where pandas and the data are
   loaded already (:mod:`cvdata.quarto.prerendered`: the render's own step then does
   nothing);
3. renders again the pages that read a changed table, as their kernels recorded
   (:mod:`cvdata.quarto.freeze`; every page when the descriptor, another file of the folder
   or the project's configuration changed), and a page whose own source (``cv.qmd``,
   ``notebooks/skills.py``) changed, each in its web format (``html``; ``dashboard`` for
   the dashboard), with Quarto's kernel daemon, so a page's kernel stays warm from one edit
   to the next (:mod:`cvdata.quarto.execution` tells it each execution's format). The full
   CV first, on its own, then the other pages a format at a time; the PDF is made by the
   first render and by ``make render``;
4. once a batch's HTML is written, bumps the count in ``cvdata-preview.json``: the open
   pages reload.

While a batch renders, the server holds back the requests for its pages and the search
index until it is done, so a page is never served half written (the whole site is held
while the whole project renders). How long each step of the last edit took is written to
``_cvdata/preview-timings.json`` (``benchmarks/preview_latency.py`` reads it).

Why not ``quarto preview``: its server renders a page again itself whenever the page's HTML
changed since its own last render and the browser asks for it (``fileRequiresReRender``
in Quarto's ``project/serve``, whatever ``--no-watch-inputs`` says: that flag only stops
its watcher of the sources). Every render of the watcher changes the HTML, so each request
after it started a second render of the same page, which collided with the watcher's next
one (``NotFound ... cv.html``) and, on a loaded machine, kept the edit off the page for
minutes. Its render request (as RStudio sends it) did not render here. Serving the files
ourselves leaves one renderer, the watcher; the reload it needs is the status file that
the pages already poll for the banner.

Quarto's kernel daemons run in sessions of their own: they outlive the preview by at most
``--daemon`` seconds (300) of idleness, then end.

The banner and the reload come from a small script that the ``preview`` profile
(``_quarto-preview.yml``) adds to every HTML page of the preview; ``make render`` renders
without it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import signal
import sys
import time
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import env
from .._paths import (
    META_DIR,
    PREVIEW_STAMP,
    PREVIEW_TIMINGS,
    find_project_root,
    project_data_dir,
)
from ..problems import display_path, format_report
from . import prerendered
from .freeze import READS_DIR
from .prerendered import snapshot
from .preview_render import QuartoRender, Render
from .preview_server import STATUS, Hold, serve

#: The profile that adds that script (``_quarto-preview.yml``).
PROFILE = "preview"
#: A changed file must stay unchanged this long before it is read. An editor or a
#: spreadsheet program saves a CSV of a CV in one write or a rename, well within this;
#: a save caught half written does not validate, and its end is seen at the next look.
SETTLE = 0.1
#: The sources a page may have, in the order looked for.
SOURCES = (".qmd", ".py", ".ipynb", ".md")
#: Project files every page depends on: a change renders every page.
CONFIG = ("_quarto*.yml", "_brand.yml", "*.css", "*.scss")
#: The page rendered first, on its own: the one that shows every table.
FIRST = "cv.qmd"
#: The formats of the PDF: the preview renders the web ones.
PRINT_FORMATS = frozenset({"typst", "pdf", "latex", "docx"})
#: In the meta folder: the stamp of the pre-render work done ahead, and the timings.
STAMP = PREVIEW_STAMP
TIMINGS = PREVIEW_TIMINGS
#: What the site serves beside the pages that a render of some pages rewrites.
SHARED_OUTPUTS = ("search.json",)

__all__ = ["Hold", "Watcher", "main", "page_records", "pages_to_render", "render_batches"]
__all__ += ["serve", "snapshot"]


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _record_files(project: Path) -> list[tuple[str, str, Path]]:
    """The reads records: ``(page stem, format, file)``, ``notebooks/skills.html.json``
    giving ``("notebooks/skills", "html", ...)``."""
    folder = project / META_DIR / READS_DIR
    found = []
    for record in sorted(folder.rglob("*.json")):
        stem, fmt = record.relative_to(folder).as_posix().rsplit(".", 2)[:2]
        found.append((stem, fmt, record))
    return found


def page_records(project: Path) -> dict[str, set[str]]:
    """Each page with a reads record (``notebooks/skills``) and the tables it read in any
    format."""
    pages: dict[str, set[str]] = {}
    for stem, _fmt, record in _record_files(project):
        try:
            tables = set(json.loads(record.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            tables = {"*"}  # unreadable: re-render it
        pages.setdefault(stem, set()).update(tables)
    return pages


def _source(project: Path, stem: str) -> str | None:
    return next((f"{stem}{s}" for s in SOURCES if (project / f"{stem}{s}").is_file()), None)


def page_sources(project: Path) -> list[str]:
    """The sources of the pages with a reads record (``cv.qmd``, ``notebooks/skills.py``);
    from the records' names alone (the watcher looks several times a second)."""
    stems = {stem for stem, _fmt, _record in _record_files(project)}
    return sorted(filter(None, (_source(project, stem) for stem in stems)))


def source_snapshot(project: Path) -> dict[str, tuple[int, int]]:
    """The pages' sources and the project's configuration (:data:`CONFIG`) with their
    time changed and size."""
    names = set(page_sources(project))
    names |= {f.name for pattern in CONFIG for f in project.glob(pattern) if f.is_file()}
    found = {}
    for name in sorted(names):
        with contextlib.suppress(OSError):
            st = (project / name).stat()
            found[name] = (st.st_mtime_ns, st.st_size)
    return found


def pages_to_render(project: Path, changed: set[str] | None) -> list[str] | None:
    """The sources of the pages that read a table of ``changed`` (``None``: something
    every page depends on changed, so every page with a record); ``None`` when no page has
    a record (nothing is known)."""
    records = page_records(project)
    if not records:
        return None
    chosen = []
    for stem, tables in records.items():
        if changed is None or "*" in tables or tables & changed:
            source = _source(project, stem)
            if source is not None:
                chosen.append(source)
    return sorted(chosen)


def web_format(project: Path, source: str) -> str:
    """The format a page is shown in on the site, as its kernel recorded it (``html``,
    ``dashboard``); ``html`` for a page with no record yet (or only the PDF's)."""
    stem = Path(source).with_suffix("").as_posix()
    found = {fmt for s, fmt, _ in _record_files(project) if s == stem} - PRINT_FORMATS
    # A format of its own (``dashboard``) wins over ``html``: a record of an HTML pass
    # may be left from an older preview, which rendered every page ``--to html``.
    return min(found - {"html"}, default="html")


def render_batches(project: Path, pages: Sequence[str]) -> list[tuple[str, list[str]]]:
    """The renders of an edit, in order: ``(format, pages)``. The full CV (:data:`FIRST`)
    on its own first, then the others a format at a time: one ``quarto render --to`` for
    every page of a format (``--to html`` would turn the dashboard into an HTML page)."""
    batches: list[tuple[str, list[str]]] = []
    if FIRST in pages:
        batches.append((web_format(project, FIRST), [FIRST]))
    by_format: dict[str, list[str]] = {}
    for page in sorted(set(pages) - {FIRST}):
        by_format.setdefault(web_format(project, page), []).append(page)
    return batches + sorted(by_format.items())


def site_path(source: str) -> str:
    """Where a page's HTML is on the site (``notebooks/skills.py``: ``notebooks/skills.html``)."""
    return Path(source).with_suffix(".html").as_posix()


class Watcher:
    """Polls the data folder and the pages' sources; validates and re-renders after an
    edit (see the module)."""

    def __init__(
        self,
        project: Path,
        data_dir: Path,
        render: Render,
        *,
        say: Callable[[str], None] = print,
    ) -> None:
        self.project, self.data_dir, self.render, self.say = project, data_dir, render, say
        self.seen = snapshot(data_dir)
        self.seen_sources = source_snapshot(project)
        self.hashes = {name: _sha(data_dir / name) for name in self.seen}
        self.rendered = 0
        self.problems: list[str] = []
        #: Files of the data folder changed since the last render (kept while the folder
        #: does not validate).
        self.pending: set[str] = set()
        #: Pages' sources and configuration files changed since the last render.
        self.pending_sources: set[str] = set()
        #: The next render renders the whole project (the first render did not happen).
        self.whole = False
        #: What the server holds back while a render writes it.
        self.hold = Hold()
        #: When each step of the edit being handled began or ended (``time.time()``).
        self.timings: dict[str, Any] = {}
        #: The last validation and the folder it was of (:func:`prerendered.state`, taken
        #: before it): the pre-render work takes it when the folder is still so.
        self.checked: tuple[dict[str, object], Any] | None = None

    @property
    def site(self) -> Path:
        return self.project / (env.get(env.PROJECT_OUTPUT_DIR) or "_site")

    @property
    def status_path(self) -> Path:
        return self.site / STATUS

    def write_status(self) -> None:
        """What the pages' script reads: the problems to show and the render count."""
        self.status_path.parent.mkdir(parents=True, exist_ok=True)
        part = self.status_path.with_name(STATUS + ".part")
        text = json.dumps({"rendered": self.rendered, "problems": self.problems})
        part.write_text(text, encoding="utf-8")
        part.replace(self.status_path)

    def _stamp(self, step: str) -> None:
        self.timings[step] = time.time()

    def write_timings(self) -> None:
        """The last edit's timings, for ``benchmarks/preview_latency.py``."""
        path = self.project / META_DIR / TIMINGS
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(TIMINGS + ".part")
        part.write_text(json.dumps(self.timings, indent=1), encoding="utf-8")
        part.replace(path)

    def _look(self) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
        return snapshot(self.data_dir), source_snapshot(self.project)

    def poll(self) -> bool:
        """One look at the files; handles an edit once it has settled. True when it did."""
        now = self._look()
        if now == (self.seen, self.seen_sources):
            if not self.status_path.is_file():  # a full render cleaned the site
                self.write_status()
            return False
        self.timings = {"noticed": time.time()}
        while True:  # settled: the same twice, SETTLE apart
            time.sleep(SETTLE)
            again = self._look()
            if again == now:
                break
            now = again
        self._stamp("settled")
        sources = now[1]
        # A file changed, not one that appeared (a page's first reads record) or went.
        self.pending_sources |= {
            n
            for n in sources.keys() & self.seen_sources.keys()
            if sources[n] != self.seen_sources[n]
        }
        self.seen, self.seen_sources = now
        try:
            self.handle()
        finally:
            self.write_timings()
        return True

    def _changed_tables(self) -> set[str] | None:
        """Validates the folder; returns the tables whose files changed since the last
        render (an edit made while the folder did not validate included), or None when
        another file did (the descriptor: every page may change)."""
        from ..load import check, resolve_as_of

        hashes = {name: _sha(self.data_dir / name) for name in self.seen}
        self.pending |= {
            n for n in hashes.keys() | self.hashes.keys() if hashes.get(n) != self.hashes.get(n)
        }
        self.hashes = hashes
        checked_for = prerendered.state(self.data_dir)
        result = check(self.data_dir, resolve_as_of())
        self.checked = (checked_for, result)
        self.problems = [] if result.ok else format_report(result.problems).splitlines()
        if not result.ok:
            return set()
        by_file = {Path(t.path).as_posix(): t.name for t in result.package.tables}
        files, self.pending = self.pending, set()
        if any(f not in by_file for f in files):
            return None
        return {by_file[f] for f in files}

    def _pages(self, changed: set[str] | None) -> tuple[list[str] | None, str]:
        """The pages to render (None: the project) and what changed, in words."""
        sources, self.pending_sources = self.pending_sources, set()
        config = {n for n in sources if "/" not in n and not n.endswith(SOURCES)}
        what = [*(sorted(changed) if changed is not None else ["the data folder"])]
        what += sorted(sources)
        if config or self.whole:  # the whole site may change, pages without a record too
            self.whole = False
            return None, ", ".join(what)
        pages = pages_to_render(self.project, changed)
        if pages is not None:
            pages = sorted(set(pages) | sources)
        return pages, ", ".join(what)

    def prerender(self) -> Path | None:
        """The pre-render step's work, done here (see :mod:`cvdata.quarto.prerendered`);
        returns the stamp to name to the render, or None when the step found something
        wrong (the render's own step then runs, and reports it)."""
        from . import prerender

        done_for = prerendered.state(self.data_dir)
        # The validation just made, unless the folder changed since (not checked twice).
        checked, self.checked = self.checked, None
        result = checked[1] if checked is not None and checked[0] == done_for else None
        said = io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            code = prerender.main(self.project, checked=result)
        if code != 0:
            return None
        stamp = self.project / META_DIR / STAMP
        prerendered.write(stamp, done_for)
        return stamp

    def handle(self) -> None:
        """Validate, then render what the edit changed (or report why not)."""
        began = self.timings.get("noticed", time.time())
        changed = self._changed_tables()
        self._stamp("validated")
        if self.problems:
            self.say(
                f"preview: {display_path(self.data_dir)} does not validate; the pages keep "
                "the data they had (fix the table and save it again):\n" + "\n".join(self.problems)
            )
            self.write_status()
            return
        if changed is not None and not changed and not self.pending_sources and not self.whole:
            self.write_status()  # saved, nothing changed: only a banner to take down
            return
        pages, what = self._pages(changed)
        if pages is not None and not pages:
            self.say(f"preview: {what} changed: no page shows it")
            self.write_status()
            return
        named = ", ".join(pages) if pages is not None else "every page"
        self.say(f"preview: {what} changed: rendering {named}")
        if pages is None:  # the project, every format, its own pre-render step
            batches: list[tuple[str | None, list[str] | None]] = [(None, None)]
            stamp = None
        else:
            batches = [*render_batches(self.project, pages)]
            stamp = self.prerender()
            self._stamp("prerendered")
        self.timings["renders"] = []
        for to, batch in batches:
            if not self._render(to, batch, stamp):
                return
        self.say(f"preview: HTML updated in {time.time() - began:.1f} s")

    def _render(self, to: str | None, pages: list[str] | None, stamp: Path | None) -> bool:
        """One render of an edit; the open pages reload once it is written."""
        timing: dict[str, Any] = {"to": to, "pages": pages, "start": time.time()}
        self.timings["renders"].append(timing)
        held = None if pages is None else [*map(site_path, pages), *SHARED_OUTPUTS]
        self.hold.hold(held)
        try:
            failed = self.render(pages, to, stamp)
        finally:
            self.hold.release()
        timing["end"] = time.time()
        timing["quarto"] = getattr(self.render, "last", None)
        if failed:
            self.problems = [f"The pages were not rendered again: {failed}"]
            self.whole = True  # what it left half done is not known: the next save renders all
            self.say(f"preview: {self.problems[0]}")
            self.write_status()
            return False
        self.rendered += 1
        self.write_status()
        timing["status"] = time.time()
        return True

    def first_render(self, render: Callable[[], str | None]) -> None:
        """The preview's first render (every page, every format), unless the folder does
        not validate: then the problems are shown and the fix renders every page."""
        self._changed_tables()
        if self.problems:
            self.whole = True  # no page was rendered for this data: the fix renders all
            self.handle()
            return
        self.say("preview: rendering the site (every page, the PDF too)")
        self.hold.hold(None)
        try:
            failed = render()
        finally:
            self.hold.release()
        if failed:
            self.problems = [f"The site was not rendered: {failed}"]
            self.whole = True
            self.say(f"preview: {self.problems[0]}")
        self.write_status()


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="make preview", description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=4848, help="the preview's port (PORT=)")
    ap.add_argument("--quarto", default="quarto", help="the Quarto to run")
    ap.add_argument("--profile", default="full", help="the project's profile (full)")
    ap.add_argument("--no-browser", action="store_true", help="open no browser")
    ap.add_argument("--poll", type=float, default=0.1, help="seconds between looks")
    ap.add_argument(
        "--daemon", type=int, default=300, help="seconds a kernel stays warm between edits"
    )
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = (find_project_root() or Path.cwd()).resolve()
    try:
        data_dir = project_data_dir(project)
    except ValueError as e:
        print(f"preview: {e}", file=sys.stderr)
        return 1
    render = QuartoRender(args.quarto, project, f"{args.profile},{PROFILE}", args.daemon)
    watcher = Watcher(project, data_dir, render, say=_say)
    # Its own process group's end (make's Ctrl-C, the test's SIGTERM) ends the renders too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        watcher.site.mkdir(parents=True, exist_ok=True)
        try:
            server = serve(watcher.site, args.port, watcher.hold)
        except OSError as e:
            _say(f"preview: cannot serve on 127.0.0.1:{args.port} ({e.strerror}); try PORT=")
            return 1
        watcher.hold.hold(None)  # nothing is served before the first render
        url = f"http://127.0.0.1:{args.port}/"
        _say(f"preview: serving {display_path(watcher.site)} at {url}")
        watcher.first_render(lambda: render(None))
        from . import prerender  # noqa: F401 (imported now, not on the first edit)

        _say(f"preview: watching {display_path(data_dir)} (an edit re-renders its pages)")
        if not args.no_browser:
            with contextlib.suppress(webbrowser.Error):
                webbrowser.open(url)
        while True:
            try:
                watcher.poll()
            except Exception as e:  # the preview keeps running; the next edit tries again
                _say(f"preview: {type(e).__name__}: {e}")
                watcher.hold.release()
            time.sleep(args.poll)
    except KeyboardInterrupt:
        return 0
    finally:
        with contextlib.suppress(NameError):
            server.shutdown()


def _say(text: str) -> None:
    print(text, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
