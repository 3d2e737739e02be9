"""``make preview``: ``quarto preview`` of the site, plus a watcher of the data folder.

Quarto's preview watches the pages' sources, not the tables they read: an edit of
``data/talks.csv`` changes nothing on screen. Here a watcher polls the data folder (no
file-watching dependency: a few dozen ``stat`` calls a poll) and, when a file changed and
stayed the same for a moment:

1. validates the folder. A table that no longer validates is reported in the terminal and
   on every open page (a banner the preview's pages poll for, ``cvdata-preview.json`` in
   the site), and nothing is rendered: the preview keeps running, and fixing the table
   renders again;
2. renders again, for HTML, the pages that read a changed table, as their kernels
   recorded (:mod:`cvdata.quarto.freeze`; every page when the descriptor or another file
   changed), with Quarto's kernel daemon, so a page's kernel stays warm from one edit to
   the next (:mod:`cvdata.quarto.execution` tells it each execution's format). The PDF is
   made by the preview's first render and by ``make render``, not after each edit;
3. once their HTML is written, bumps the count in ``cvdata-preview.json``: the open pages
   reload.

Known limit (tests/quarto/test_preview.py fails on it): Quarto's preview server renders a
page again itself when its HTML changed behind its back and the browser asks for it, at the
same time as the watcher's next render of that page; the two collide (``NotFound ...
cv.html``). Having the server do the watcher's renders (its render request) would avoid it,
but the request did not render here.

The banner and the reload come from a small script that the ``preview`` profile
(``_quarto-preview.yml``) adds to every HTML page of the preview; ``make render`` renders
without it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import env
from .._paths import META_DIR, find_data_dir, find_project_root
from ..problems import display_path, format_report
from .freeze import READS_DIR

#: Written into the site's output folder; the preview profile's script polls it.
STATUS = "cvdata-preview.json"
#: The profile that adds that script (``_quarto-preview.yml``).
PROFILE = "preview"
#: A changed file must stay unchanged this long before it is read (an editor's save may
#: write a file in more than one step).
SETTLE = 0.25
#: The sources a page may have, in the order looked for.
SOURCES = (".qmd", ".py", ".ipynb", ".md")


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


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def page_records(project: Path) -> dict[str, set[str]]:
    """Each page with a reads record (``notebooks/skills``) and the tables it read in any
    format."""
    folder = project / META_DIR / READS_DIR
    pages: dict[str, set[str]] = {}
    for record in sorted(folder.rglob("*.json")):
        stem = record.relative_to(folder).as_posix().rsplit(".", 2)[0]
        try:
            tables = set(json.loads(record.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            tables = {"*"}  # unreadable: re-render it
        pages.setdefault(stem, set()).update(tables)
    return pages


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
            source = next(
                (f"{stem}{s}" for s in SOURCES if (project / f"{stem}{s}").is_file()), None
            )
            if source is not None:
                chosen.append(source)
    return sorted(chosen)


class Watcher:
    """Polls the data folder; validates and re-renders after an edit (see the module)."""

    def __init__(
        self,
        project: Path,
        data_dir: Path,
        render: Callable[[list[str] | None], str | None],
        *,
        say: Callable[[str], None] = print,
    ) -> None:
        self.project, self.data_dir, self.render, self.say = project, data_dir, render, say
        self.seen = snapshot(data_dir)
        self.hashes = {name: _sha(data_dir / name) for name in self.seen}
        self.rendered = 0
        self.problems: list[str] = []
        #: Files changed since the last render (kept while the folder does not validate).
        self.pending: set[str] = set()

    @property
    def status_path(self) -> Path:
        out = env.get(env.PROJECT_OUTPUT_DIR) or "_site"
        return self.project / out / STATUS

    def write_status(self) -> None:
        """What the pages' script reads: the problems to show and the render count."""
        self.status_path.parent.mkdir(parents=True, exist_ok=True)
        part = self.status_path.with_name(STATUS + ".part")
        text = json.dumps({"rendered": self.rendered, "problems": self.problems})
        part.write_text(text, encoding="utf-8")
        part.replace(self.status_path)

    def poll(self) -> bool:
        """One look at the folder; handles an edit once it has settled. True when it did."""
        now = snapshot(self.data_dir)
        if now == self.seen:
            if not self.status_path.is_file():  # a full render cleaned the site
                self.write_status()
            return False
        while True:  # settled: the same twice, SETTLE apart
            time.sleep(SETTLE)
            again = snapshot(self.data_dir)
            if again == now:
                break
            now = again
        self.seen = now
        self.handle()
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
        result = check(self.data_dir, resolve_as_of())
        self.problems = [] if result.ok else format_report(result.problems).splitlines()
        if not result.ok:
            return set()
        by_file = {Path(t.path).as_posix(): t.name for t in result.package.tables}
        files, self.pending = self.pending, set()
        if any(f not in by_file for f in files):
            return None
        return {by_file[f] for f in files}

    def handle(self) -> None:
        """Validate, then render what the edit changed (or report why not)."""
        began = time.monotonic()
        changed = self._changed_tables()
        if self.problems:
            self.say(
                f"preview: {display_path(self.data_dir)} does not validate; the pages keep "
                "the data they had (fix the table and save it again):\n" + "\n".join(self.problems)
            )
            self.write_status()
            return
        if changed is not None and not changed:
            self.write_status()  # saved, nothing changed: only a banner to take down
            return
        pages = pages_to_render(self.project, changed)
        named = ", ".join(pages) if pages is not None else "every page"
        what = ", ".join(sorted(changed)) if changed is not None else "the data folder"
        self.say(f"preview: {what} changed: rendering {named}")
        failed = self.render(pages)
        if failed:
            self.problems = [f"The pages were not rendered again: {failed}"]
            self.say(f"preview: {self.problems[0]}")
            self.write_status()
            return
        self.rendered += 1
        self.write_status()
        self.say(f"preview: HTML updated in {time.monotonic() - began:.1f} s")


def quarto_render(
    quarto: str, project: Path, profile: str, daemon: int
) -> Callable[[list[str] | None], str | None]:
    """Renders pages (``None``: the project) for HTML with the preview's profile and
    Quarto's kernel daemon (a page's kernel kept ``daemon`` seconds for the next edit);
    returns the end of Quarto's log when it failed, else None."""

    def render(pages: list[str] | None) -> str | None:
        args = [quarto, "render", *(pages or []), "--to", "html", "--profile", profile]
        args += ["--execute-daemon", str(daemon)]
        done = subprocess.run(
            args,
            cwd=project,
            # The HTML alone on the machine's cores: no PDF charts drawn ahead.
            env={**os.environ, env.NO_PREFETCH: "1"},
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            check=False,
        )
        if done.returncode == 0:
            return None
        return "quarto render failed:\n" + "\n".join((done.stdout + done.stderr).splitlines()[-30:])

    return render


def _wait_for_server(port: int, preview: subprocess.Popen, timeout: float = 900) -> bool:
    """Whether the preview's server answers (it does once its first render is done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and preview.poll() is None:
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2),
        ):
            return True
        time.sleep(0.5)
    return False


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="make preview", description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=4848, help="the preview's port (PORT=)")
    ap.add_argument("--quarto", default="quarto", help="the Quarto to run")
    ap.add_argument("--profile", default="full", help="the project's profile (full)")
    ap.add_argument("--no-browser", action="store_true", help="open no browser")
    ap.add_argument("--poll", type=float, default=0.3, help="seconds between looks")
    ap.add_argument(
        "--daemon", type=int, default=300, help="seconds a kernel stays warm between edits"
    )
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    project = (find_project_root() or Path.cwd()).resolve()
    try:
        data_dir = find_data_dir(None if env.get(env.DATA_DIR) else project / "data")
    except ValueError as e:
        print(f"preview: {e}", file=sys.stderr)
        return 1
    profile = f"{args.profile},{PROFILE}"
    # --to all: the first render makes the PDF too.
    command = [args.quarto, "preview", "--port", str(args.port), "--profile", profile]
    command += ["--to", "all"]
    command += ["--no-browser"] if args.no_browser else []
    # Its own process group: stopped with everything it started when the preview ends.
    preview = subprocess.Popen(command, cwd=project, start_new_session=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    render = quarto_render(args.quarto, project, profile, args.daemon)
    watcher = Watcher(project, data_dir, render, say=_say)
    try:
        if not _wait_for_server(args.port, preview):
            return preview.wait() or 1
        watcher.write_status()
        _say(f"preview: watching {display_path(data_dir)} (an edit re-renders its pages)")
        while preview.poll() is None:
            try:
                watcher.poll()
            except Exception as e:  # the preview keeps running; the next edit tries again
                _say(f"preview: {type(e).__name__}: {e}")
            time.sleep(args.poll)
        return preview.returncode or 0
    except KeyboardInterrupt:
        return 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(preview.pid, signal.SIGTERM)


def _say(text: str) -> None:
    print(text, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
