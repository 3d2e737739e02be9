"""Which pages of the website fit the CV: a page with nothing to show is left out.

A CV without papers has no Publications or Collaborators page: the pre-render step writes
one metadata file per page into ``_cvdata/`` (git-ignored) that the page's front matter
includes (``metadata-files: [../_cvdata/publications.yml]``), with ``draft: true`` where the
CV has nothing for the page. Quarto's ``draft-mode: gone`` then keeps the page out of the
navbar and the search index and renders it empty; the post-render step deletes that empty
file (:func:`cvdata.quarto.postrender.remove_hidden_pages`), so the site has no such page at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .._paths import META_DIR
from ..charts._tables import coauthor_rows
from ..load import CV

#: Each page of ``notebooks/`` (and the dashboard) and what the CV must hold for it to be
#: shown.
PAGES: dict[str, Callable[[CV], bool]] = {
    "dashboard": lambda cv: not (cv.roles.empty and cv.papers.empty and cv.skills.empty),
    "timeline": lambda cv: bool(cv.roles["start"].notna().any()),  # undated: not drawn
    "publications": lambda cv: not cv.papers.empty,
    "skills": lambda cv: not cv.skills.empty,
    "projects": lambda cv: not cv.projects.empty,
    "collaborators": lambda cv: not coauthor_rows(cv).empty,
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
            "# Written by the pre-render step (cvdata.quarto.site): is the page shown?\n"
            f"draft: {'false' if shown else 'true'}\n"
        )
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        if not shown:
            hidden.append(name)
    return hidden
