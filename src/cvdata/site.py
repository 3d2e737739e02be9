"""Which pages of the website fit the CV: a page with nothing to show is left out.

A CV without papers has no Publications or Collaborators page: the pre-render step writes
one metadata file per page into ``_cvdata/`` (git-ignored) that the page's front matter
includes (``metadata-files: [../_cvdata/publications.yml]``), with ``draft: true`` where the
CV has nothing for the page. Quarto's ``draft-mode: gone`` then keeps the page out of the
navbar and the search index and renders it empty; the post-render step deletes that empty
file (:func:`cvdata.postrender.remove_hidden_pages`), so the site has no such page at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from ._paths import META_DIR
from .charts._tables import coauthor_rows
from .load import CV

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
            "# Written by the pre-render step (cvdata.site): is the page shown?\n"
            f"draft: {'false' if shown else 'true'}\n"
        )
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        if not shown:
            hidden.append(name)
    return hidden


# ------------------------------------------------------------------ which page reads what
#
# Quarto's freeze re-executes a page only when its own source changes. The pre-render step
# clears a page's frozen results when a table the page read last time changed: each page's
# kernel records the tables it reads in ``_cvdata/reads/<page>.<format>.json``.

READS_DIR = "reads"
_TABLES = frozenset(CV.table_names())


class _Reads:
    """The tables this process's page has read, written out as each new one is read."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.tables: set[str] = set()

    def add(self, name: str) -> None:
        self.tables.add(name)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = self.path.with_name(self.path.name + ".part")
            part.write_text(json.dumps(sorted(self.tables)), encoding="utf-8")
            part.replace(self.path)  # whole or not at all: a killed kernel leaves no half


#: One page per kernel: Quarto runs each document in a process of its own.
_reads = _Reads()


class TrackedCV(CV):
    """A :class:`~cvdata.load.CV` that notes which of its tables are read."""

    def __getattribute__(self, name: str) -> object:
        if name in _TABLES and name not in _reads.tables:
            _reads.add(name)
        return super().__getattribute__(name)


def reads_path(project: Path, document: Path, fmt: str) -> Path:
    """Where the page ``document`` records what it read when rendered to ``fmt``."""
    rel = document.resolve().relative_to(project.resolve()).with_suffix("")
    return project / META_DIR / READS_DIR / f"{rel.as_posix()}.{fmt}.json"


def track_reads(cv: CV, project: Path, document: Path, fmt: str) -> TrackedCV:
    """``cv`` as a :class:`TrackedCV` whose reads are recorded for ``document``."""
    _reads.path = reads_path(project, document, fmt)
    _reads.tables = set()
    _reads.path.unlink(missing_ok=True)
    return TrackedCV(**{f.name: getattr(cv, f.name) for f in fields(CV)})


def tables_read(project: Path, page: str) -> set[str] | None:
    """The tables the page (``notebooks/timeline``) read in any format, or None when a
    format's render left no record (then nothing is known and the page must re-run)."""
    folder = project / META_DIR / READS_DIR
    records = sorted(folder.glob(f"{page}.*.json"))
    if not records:
        return None
    read: set[str] = set()
    for path in records:
        try:
            read |= set(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None
    return read
