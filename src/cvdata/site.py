"""Which pages of the website fit the CV: a page with nothing to show is left out.

A CV without papers has no Publications or Collaborators page: the pre-render step writes
one metadata file per page into ``_cvdata/`` (git-ignored) that the page's front matter
includes (``metadata-files: [../_cvdata/publications.yml]``), with ``draft: true`` where the
CV has nothing for the page. Quarto's ``draft-mode: gone`` then keeps the page out of the
navbar and the search index and renders it empty; the post-render step deletes that empty
file, so the site has no such page at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .load import CV
from .shape import coauthors

#: Where the pre-render step writes the pages' metadata, relative to the project root.
META_DIR = "_cvdata"
#: Where the pages are, relative to the project root.
PAGES_DIR = "notebooks"

#: Each page of ``notebooks/`` and what the CV must hold for it to be shown.
PAGES: dict[str, Callable[[CV], bool]] = {
    "timeline": lambda cv: not cv.roles.empty,
    "publications": lambda cv: not cv.papers.empty,
    "skills": lambda cv: not cv.skills.empty,
    "projects": lambda cv: not cv.projects.empty,
    "collaborators": lambda cv: not coauthors(cv, top=1).empty,
}


def shown_pages(cv: CV) -> dict[str, bool]:
    """For each page of ``notebooks/``, whether the CV has something for it."""
    return {name: bool(has(cv)) for name, has in PAGES.items()}


def write_page_metadata(project: Path, cv: CV) -> list[str]:
    """Write ``_cvdata/<page>.yml`` for every page; returns the pages left out.

    A file is rewritten only when its content changes, so that an unchanged CV leaves
    every file (and Quarto's view of it) as it was.
    """
    folder = project / META_DIR
    folder.mkdir(exist_ok=True)
    hidden = []
    for name, shown in shown_pages(cv).items():
        path = folder / f"{name}.yml"
        text = (
            "# Written by the pre-render step (cvdata.site): is the page shown?\n"
            f"draft: {'false' if shown else 'true'}\n"
        )
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        if not shown:
            hidden.append(name)
    return hidden


def remove_hidden_pages(project: Path, output_dir: Path) -> list[Path]:
    """Delete the empty files Quarto writes for the pages left out (post-render)."""
    removed = []
    for name in PAGES:
        meta = project / META_DIR / f"{name}.yml"
        page = output_dir / PAGES_DIR / f"{name}.html"
        hidden = meta.is_file() and "draft: true" in meta.read_text(encoding="utf-8")
        # Only Quarto's empty stand-in (no <body>), never a real page.
        if hidden and page.is_file() and b"<body" not in page.read_bytes():
            page.unlink()
            removed.append(page)
    return removed
