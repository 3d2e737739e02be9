"""Quarto's post-render step (``scripts/postrender.py``), run once after every page.

1. Delete the empty files Quarto writes for the pages left out (:mod:`cvdata.quarto.site`).
2. Wait for the PDF's charts being drawn ahead to be done (:mod:`cvdata.quarto.prefetch`): a
   render that used none of them (``--to html``) does not end while they are being drawn
   into its project (the drawing's browser may still be closing).
3. Stop the warm kernels' fork server (:mod:`cvdata.quarto.kernels`): no more kernels.

Standard library only, like :mod:`cvdata._paths` (and :mod:`cvdata.quarto` itself): this
runs at the end of every render, and ``import pandas`` alone would add a third of a second
to each.
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import env
from .._paths import FIGURE_CACHE, META_DIR, PAGES_DIR, find_project_root, prefetch_running
from . import kernels


def remove_hidden_pages(project: Path, output_dir: Path) -> list[Path]:
    """Delete the empty files Quarto writes for the pages left out; returns them.

    A page is left out when the pre-render step wrote ``draft: true`` into its metadata
    file, ``_cvdata/<page>.yml``."""
    removed = []
    for meta in sorted((project / META_DIR).glob("*.yml")):
        page = output_dir / PAGES_DIR / f"{meta.stem}.html"
        if not page.is_file():  # a page at the site's root (the dashboard)
            page = output_dir / f"{meta.stem}.html"
        hidden = "draft: true" in meta.read_text(encoding="utf-8")
        # Only Quarto's empty stand-in (no <body>), never a real page.
        if hidden and page.is_file() and b"<body" not in page.read_bytes():
            page.unlink()
            removed.append(page)
    return removed


def wait_for_prefetch(project: Path, timeout: float = 120.0) -> bool:
    """Wait while the pre-render step's process draws charts (it holds a lock); returns
    False when it still runs after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while prefetch_running(project / FIGURE_CACHE):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def main(project: Path | None = None) -> int:
    project = (project or find_project_root(step=True) or Path.cwd()).resolve()
    out = env.get(env.PROJECT_OUTPUT_DIR)
    remove_hidden_pages(project, project / out if out else project / "_site")
    wait_for_prefetch(project)
    kernels.stop(project)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
