"""Quarto's pre-render step (``scripts/prerender.py``), run before any page executes.

1. Validate the data; on any problem print the full report and exit 1, which makes
   ``quarto render`` stop before a single page runs.
2. Copy plotly.js into the site's assets, once for all pages (plotly.js's basic bundle,
   see :mod:`cvdata._plotlyjs`).
3. Clear frozen results when the data changed: ``freeze: auto`` only notices edits to a
   page's own source, and every page here reads ``data/``.
4. Say which pages the CV has something for (:mod:`cvdata.site`): the others are left out.

``post_render`` (``scripts/postrender.py``) deletes the empty files Quarto writes for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
from pathlib import Path

from . import _plotlyjs
from .load import CV, find_data_dir, resolve_as_of
from .page import PLOTLY_JS
from .problems import DataDirError, format_report
from .site import remove_hidden_pages, write_page_metadata
from .validate import check, display_path

FREEZE_DIR = "_freeze"
STAMP = ".cvdata-data.sha256"


def data_fingerprint(data_dir: Path, as_of: dt.date | None = None) -> str:
    """A hash of every file in the data folder (names and bytes) and of the as-of date,
    which the pages show ("ongoing as of ...") and count with (years of experience)."""
    h = hashlib.sha256(f"as of {as_of}\n".encode() if as_of else b"")
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        h.update(path.relative_to(data_dir).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def refresh_freeze(project: Path, data_dir: Path, as_of: dt.date | None = None) -> bool:
    """Drop frozen results made from other data or on another as-of date; returns True
    when something was dropped."""
    freeze = project / FREEZE_DIR
    stamp = freeze / STAMP
    now = data_fingerprint(data_dir, as_of)
    before = stamp.read_text().strip() if stamp.is_file() else None
    dropped = False
    if before != now and freeze.is_dir():
        for child in freeze.iterdir():
            if child.name != STAMP:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
                dropped = True
    freeze.mkdir(exist_ok=True)
    stamp.write_text(now + "\n")
    return dropped


def copy_plotly_js(project: Path) -> Path:
    """The site's plotly.js (the basic bundle when it matches plotly's; see _plotlyjs)."""
    src = _plotlyjs.bundle()
    dest = project / PLOTLY_JS
    if not dest.is_file() or dest.read_bytes() != src.read_bytes():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    return dest


def main(project: Path | None = None) -> int:
    project = (project or Path(os.environ.get("QUARTO_PROJECT_ROOT") or Path.cwd())).resolve()
    try:
        data_dir = find_data_dir(None if os.environ.get("CVDATA_DIR") else project / "data")
        as_of = resolve_as_of()
    except (DataDirError, ValueError) as e:
        print(f"pre-render: {e}", file=sys.stderr)
        return 1
    result = check(data_dir, as_of)
    if not result.ok:
        print(
            f"pre-render: {display_path(data_dir)} does not validate; nothing was rendered.",
            file=sys.stderr,
        )
        print(format_report(result.problems), file=sys.stderr)
        return 1
    copy_plotly_js(project)
    dropped = refresh_freeze(project, data_dir, as_of)
    hidden = write_page_metadata(project, CV(as_of=as_of, data_dir=data_dir, **result.tables))
    print(
        f"pre-render: {display_path(data_dir)}: {result.rows} rows valid (as of {as_of})"
        + ("; data or as-of date changed, frozen pages cleared" if dropped else "")
        + (f"; nothing to show on: {', '.join(hidden)}" if hidden else "")
    )
    return 0


def post_render(project: Path | None = None) -> int:
    """Quarto's post-render step: delete the empty files of the pages left out."""
    project = (project or Path(os.environ.get("QUARTO_PROJECT_ROOT") or Path.cwd())).resolve()
    out = os.environ.get("QUARTO_PROJECT_OUTPUT_DIR")
    remove_hidden_pages(project, project / out if out else project / "_site")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
