"""Which page read which table: the bookkeeping that lets ``freeze: auto`` follow the data.

Quarto's freeze re-executes a page only when its own source changes. The pre-render step
clears a page's frozen results when a table the page read last time changed
(:func:`cvdata.quarto.prerender.refresh_freeze`): each page's kernel records the tables it
reads in ``_cvdata/reads/<page>.<format>.json`` through a :class:`TrackedCV`, the CV the
page loaded with a :class:`Reads` of its own.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from .._paths import META_DIR
from ..load import CV

READS_DIR = "reads"


class Reads:
    """The tables one page's execution has read, written to ``path`` as each new one is
    read (when ``path`` is given)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.tables: set[str] = set()

    def add(self, name: str) -> None:
        """Note that table ``name`` was read; a table already noted costs nothing."""
        if name in self.tables:
            return
        self.tables.add(name)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = self.path.with_name(self.path.name + ".part")
            part.write_text(json.dumps(sorted(self.tables)), encoding="utf-8")
            part.replace(self.path)  # whole or not at all: a killed kernel leaves no half


class TrackedCV(CV):
    """A :class:`~cvdata.load.CV` whose tables note, in its :attr:`reads`, that they were
    read: each table field is a property (below) that notes its name before handing the
    table back. A copy made by :func:`dataclasses.replace` reads every field it keeps from
    this one (so they are noted) and tracks nothing itself."""

    reads: Reads | None = None

    def __init__(self, *args: object, reads: Reads | None = None, **tables: object) -> None:
        super().__init__(*args, **tables)  # type: ignore[arg-type]
        object.__setattr__(self, "reads", reads)  # frozen: set past the dataclass's guard


def _tracked(name: str) -> property:
    """The table field ``name`` of a :class:`TrackedCV`: noted in its reads when read."""

    def get(self: TrackedCV) -> object:
        if self.reads is not None:
            self.reads.add(name)
        return self.__dict__[name]

    def put(self: TrackedCV, value: object) -> None:
        self.__dict__[name] = value  # CV's own __init__, for copies (dataclasses.replace)

    return property(get, put, doc=f"The {name} table (its reading noted).")


for _name in CV.table_names():
    setattr(TrackedCV, _name, _tracked(_name))


def reads_path(project: Path, document: Path, fmt: str) -> Path:
    """Where the page ``document`` records what it read when rendered to ``fmt``."""
    rel = document.resolve().relative_to(project.resolve()).with_suffix("")
    return project / META_DIR / READS_DIR / f"{rel.as_posix()}.{fmt}.json"


def track_reads(cv: CV, project: Path, document: Path, fmt: str) -> TrackedCV:
    """``cv`` as a :class:`TrackedCV` whose reads are recorded for ``document`` rendered to
    ``fmt`` (a record from an earlier run is dropped first)."""
    path = reads_path(project, document, fmt)
    path.unlink(missing_ok=True)
    return TrackedCV(**{f.name: getattr(cv, f.name) for f in fields(CV)}, reads=Reads(path))


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
