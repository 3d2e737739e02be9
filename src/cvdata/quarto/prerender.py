"""Quarto's pre-render step (``scripts/prerender.py``), run before any page executes.

1. Validate the data; on any problem print the full report and exit 1, which makes
   ``quarto render`` stop before a single page runs.
2. Copy plotly.js into the site's assets, once for all pages (plotly.js's basic bundle,
   see :mod:`cvdata._plotlyjs`).
3. Clear a page's frozen results when data it read changed: ``freeze: auto`` only
   notices edits to a page's own source, and every page here reads ``data/``. Each
   page's kernel records which tables it read (:mod:`cvdata.quarto.freeze`), so an edit of
   ``skills.csv`` re-runs the pages that show skills and no other.
4. Say which pages the CV has something for (:mod:`cvdata.quarto.site`): the others are left out;
   and whose site it is (:mod:`cvdata.identity`: the title, description, favicon, photo).
5. In a whole-project render, start drawing the PDF's charts in the background
   (:mod:`cvdata.quarto.prefetch`), for the documents whose Typst pass will execute, while
   Quarto renders the other pages (:func:`cvdata.quarto.fastpath.drawing_ahead_wanted`).
6. Start the fork server of the warm kernels (:mod:`cvdata.quarto.kernels`) when some page
   will execute.

:mod:`cvdata.quarto.postrender` (``scripts/postrender.py``) deletes the empty files Quarto writes
for the pages left out, and waits for the drawing to end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import sys
from pathlib import Path

from .. import _plotlyjs, i18n, identity
from .._files import MAX_DESCRIPTOR_BYTES, MAX_TABLE_BYTES, FileRefused, read_bytes
from .._paths import META_DIR, PLOTLY_JS, find_project_root, project_data_dir
from ..load import CV, check, resolve_as_of
from ..problems import DataDirError, display_path, format_report
from ..schema import DESCRIPTOR
from ..theme import BRAND_FILE, PDF_DESIGN_KEY, Brand, load_brand
from ..upgrade import hint as upgrade_hint
from ..validate import Result
from . import fastpath
from . import kernels as _kernels
from . import prefetch as _prefetch
from .fastpath import executes_typst, input_files, pages_will_execute
from .freeze import tables_read
from .site import write_page_metadata

FREEZE_DIR = fastpath.FREEZE_DIR
STAMP = fastpath.FREEZE_STAMP
#: Besides the tables, what every page's output depends on: a change clears every page.
PROJECT_INPUTS = ("_brand.yml",)


def _sha(path: Path) -> str:
    """The hash of one of cvdata's own files (never a data folder's: see :func:`_data_sha`)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _data_sha(data_dir: Path, rel: str, limit: int) -> str:
    """The hash of a file of the data folder, read the one checked way (a regular file
    inside the folder, of at most ``limit`` bytes); what is refused is named by why (the
    validation before has refused it too)."""
    try:
        return hashlib.sha256(read_bytes(data_dir / rel, data_dir, limit)).hexdigest()
    except FileNotFoundError:
        return "missing"
    except FileRefused as e:
        return f"refused: {e.reason}"


def _listing(data_dir: Path, skip: set[str]) -> list[str]:
    """The data folder's other files as metadata only (name, kind, size, time changed),
    from ``lstat``: nothing is opened and no link is followed, so a link to a device or
    to a file outside the folder is never read; a new or changed file still shows."""
    out: list[str] = []

    def walk(folder: Path, prefix: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            rel = prefix + entry.name
            if rel in skip:
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                walk(Path(entry.path), rel + "/")
            else:
                kind = stat.S_IFMT(st.st_mode)
                out.append(f"{rel}\0{kind:o}\0{st.st_size}\0{st.st_mtime_ns}")

    walk(data_dir, "")
    return out


def fingerprint(
    project: Path, data_dir: Path, as_of: dt.date, tables: dict[str, str]
) -> dict[str, object]:
    """What the frozen pages were made from: a hash per table (``tables``: name -> file
    of the data folder), and one of everything else a page depends on (the as-of date,
    which pages show and count with; the descriptor; the other files of the data folder,
    by their metadata only; the brand; cvdata's own code).

    Only the descriptor and the tables are read, the checked way
    (:func:`cvdata._files.read_bytes`): a folder holding a link to ``/proc/self/pagemap``
    or a pipe is fingerprinted without reading it.
    """
    h = hashlib.sha256(f"as of {as_of}\n".encode())
    h.update(b"descriptor\0" + _data_sha(data_dir, DESCRIPTOR, MAX_DESCRIPTOR_BYTES).encode())
    for line in _listing(data_dir, {DESCRIPTOR, *(Path(f).as_posix() for f in tables.values())}):
        h.update(line.encode("utf-8", "surrogateescape") + b"\n")
    package = Path(__file__).parents[1]  # cvdata's own code, all of it
    files = {p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".json")}
    files |= {project / name for name in PROJECT_INPUTS if (project / name).is_file()}
    for path in sorted(files):
        h.update(path.as_posix().encode() + b"\0" + _sha(path).encode())
    return {
        "everything": h.hexdigest(),
        "tables": {
            name: _data_sha(data_dir, f, MAX_TABLE_BYTES) for name, f in sorted(tables.items())
        },
    }


def _frozen_pages(freeze: Path) -> list[str]:
    """Every page with frozen results (``notebooks/timeline``): Quarto keeps them in
    ``_freeze/<page>/execute-results/``."""
    return sorted(p.parent.relative_to(freeze).as_posix() for p in freeze.rglob("execute-results"))


def refresh_freeze(
    project: Path, data_dir: Path, as_of: dt.date, tables: dict[str, str]
) -> list[str]:
    """Drop the frozen results that other data would change; returns the pages dropped.

    A page's results go when a table it read (as its kernel recorded, see
    :mod:`cvdata.quarto.freeze`) changed; every page's go when anything else it depends on
    changed (see :func:`fingerprint`), or when what it read is not known.
    """
    freeze = project / FREEZE_DIR
    stamp = freeze / STAMP
    now = fingerprint(project, data_dir, as_of, tables)
    try:
        before = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = None
    dropped: list[str] = []
    if freeze.is_dir() and before != now:
        same = isinstance(before, dict) and before.get("everything") == now["everything"]
        old = before.get("tables", {}) if same else {}
        changed = {n for n, h in now["tables"].items() if old.get(n) != h}
        for page in _frozen_pages(freeze):
            read = tables_read(project, page) if same else None
            if read is None or read & changed:
                shutil.rmtree(freeze / page)
                dropped.append(page)
    freeze.mkdir(exist_ok=True)
    stamp.write_text(json.dumps(now, indent=1) + "\n", encoding="utf-8")
    return dropped


def _typst_to_run(project: Path) -> list[str]:
    return [d for d in input_files() if executes_typst(project, d)]


def start_kernels(project: Path) -> bool:
    """Start the warm kernels' fork server, watching the render (this step's parent)."""
    return _kernels.start(project, watch=os.getppid()) is not None


def copy_plotly_js(project: Path) -> Path:
    """The site's plotly.js (the basic bundle when it matches plotly's; see _plotlyjs)."""
    src = _plotlyjs.bundle()
    dest = project / PLOTLY_JS
    if not dest.is_file() or dest.read_bytes() != src.read_bytes():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    return dest


def pdf_design_problem(brand: Brand) -> str:
    """What is wrong with the PDF design ``_brand.yml`` names, or '' (a known design)."""
    from ..document.typst import DESIGNS

    if brand.pdf_design in DESIGNS:
        return ""
    return (
        f"{BRAND_FILE}: meta: {PDF_DESIGN_KEY}: {brand.pdf_design!r} is not a design of the "
        f"PDF; use one of {', '.join(DESIGNS)}"
    )


def main(project: Path | None = None, *, checked: Result | None = None) -> int:
    """The step; ``checked`` is the data folder's validation when the caller has just made
    it, for the folder as it is and the as-of date (the preview's), else it is made here."""
    project = (project or find_project_root(step=True) or Path.cwd()).resolve()
    inputs = fastpath.taken(project)  # before anything is read: an edit from now on is seen
    try:
        data_dir = project_data_dir(project)
        as_of = resolve_as_of()
    except (DataDirError, ValueError) as e:
        print(f"pre-render: {e}", file=sys.stderr)
        return 1
    if problem := pdf_design_problem(load_brand(project / BRAND_FILE)):
        print(f"pre-render: {problem}; nothing was rendered.", file=sys.stderr)
        return 1
    # The kernels' imports overlap the validation below (a page with data to show runs).
    kernels = pages_will_execute(project) and start_kernels(project)
    drawing = fastpath.drawing_ahead_wanted()
    # Where the PDF's pass will run whatever the data (a render of some files, or no frozen
    # result), the charts are drawn from now on, alongside the validation below; the
    # drawing checks the data itself, and a render of data that does not validate stops.
    started = drawing and _prefetch.start(project, _typst_to_run(project)) is not None
    result = checked if checked is not None else check(data_dir, as_of)
    if not result.ok:
        print(
            f"pre-render: {display_path(data_dir)} does not validate; nothing was rendered.",
            file=sys.stderr,
        )
        print(format_report(result.problems), file=sys.stderr)
        if line := upgrade_hint(result.problems, data_dir):
            print(line, file=sys.stderr)
        return 1
    copy_plotly_js(project)
    tables = {t.name: t.path for t in result.package.tables}
    dropped = refresh_freeze(project, data_dir, as_of, tables)
    cv = CV(as_of=as_of, data_dir=data_dir, **result.tables)
    hidden = write_page_metadata(project, cv)
    i18n.write_quarto_metadata(project / META_DIR, cv)  # Quarto's lang: the CV's language
    colours = load_brand(project / "_brand.yml").colorway
    notes = [f"pre-render: {note}" for note in identity.write_site(project, cv, *colours[:1])]
    for note in notes:
        print(note, file=sys.stderr)
    if drawing and not started:  # a frozen PDF pass whose data changed runs again
        _prefetch.start(project, _typst_to_run(project))
    if dropped and not kernels:  # frozen pages whose data changed run again
        start_kernels(project)
    valid = f"pre-render: {display_path(data_dir)}: {result.rows} rows valid (as of {as_of})"
    shown = f"; nothing to show on: {', '.join(hidden)}" if hidden else ""
    rerun = f"; re-running {', '.join(dropped)} (their data changed)" if dropped else ""
    print(valid + rerun + shown)
    fastpath.record(project, inputs, valid + shown, notes)  # the next render may skip all this
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
