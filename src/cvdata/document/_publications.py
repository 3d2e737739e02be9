"""Papers: one section per type, each paper with its authors, venue and status."""

from __future__ import annotations

import dataclasses
from collections import namedtuple
from collections.abc import Iterable

import pandas as pd

from .. import i18n
from ..cells import PENDING_STATUSES
from ..cells import flag as _flag
from ..cells import missing as _na
from ..cells import text as _s
from ..load import CV
from ._format import _group, _link_runs, _month, _precision, _records
from ._markup import prose
from ._model import Entry, Run, Section, Text, plain

PAPER_TYPES = {
    "conference": "Conference papers",
    "journal": "Journal papers",
    "book": "Books",
    "preprint": "Preprints",
    "patent": "Patents",
    "thesis": "Theses",
    "blog": "Blog posts and reports",
}

_COMMA = Run(", ")


def _et_al() -> tuple[Run]:
    return (Run(", " + i18n.current()("word.et-al")),)


def _flags(column: pd.Series) -> list[bool]:
    """A boolean column as Python booleans; missing counts as false (as :func:`_flag`)."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return column.fillna(False).astype(bool).tolist()
    return [_flag(x) for x in column]


def _author_lists(authors: pd.DataFrame) -> dict[object, list[Run]]:
    """Each paper's authors as runs, in file order and comma-separated: the owner in bold,
    '*' after equal contributors. Names are built column-wise; one run per distinct
    (name, bold) pair, since co-authors recur across papers."""
    star = pd.Series(_flags(authors["equal_contribution"]), index=authors.index, dtype=bool)
    names = authors["name"].astype("string").fillna("") + star.map({True: "*", False: ""})
    made: dict[tuple[str, bool], Run] = {}
    by_paper: dict[object, list[Run]] = {}
    for paper_id, name, owner in zip(
        authors["paper_id"].tolist(), names.tolist(), _flags(authors["is_owner"]), strict=True
    ):
        if _na(paper_id):
            continue
        run = made.get((name, owner))
        if run is None:
            run = made[(name, owner)] = Run(name, strong=owner)
        runs = by_paper.get(paper_id)
        if runs is None:
            by_paper[paper_id] = [run]
        else:
            runs += (_COMMA, run)
    return by_paper


def author_runs(authors: pd.DataFrame, truncated: bool = False) -> Text:
    """Authors in order, the owner in bold, equal-contribution marks as '*'."""
    runs = [r for _, rs in _author_lists(authors.assign(paper_id="")).items() for r in rs]
    if truncated and runs:
        runs += _et_al()
    return tuple(runs)


class _Papers:
    """Builds paper entries with the paper tables grouped once."""

    def __init__(self, cv: CV, details: bool = True) -> None:
        self.details = details
        self.authors = _author_lists(cv.paper_authors)
        self.venues: dict[object, object] = {}
        for v in _records(cv.venues):
            if not _na(v.id):
                self.venues.setdefault(v.id, v)  # the first row with the id
        self.identifiers = _group(cv.paper_identifiers, "paper_id") if details else {}
        self.links = _group(cv.paper_links, "paper_id") if details else {}

    def venue_line(self, paper) -> str:
        if _s(paper.venue_display):
            return _s(paper.venue_display)
        v = self.venues.get(paper.venue_id)
        if v is None:
            return ""
        name = f"{v.acronym} ({v.name})" if _s(v.acronym) else _s(v.name)
        return f"{name} {paper.year}" if _s(paper.year) else name

    def entry(self, paper) -> Entry:
        """A paper: title, authors, venue and status; with details, also the track,
        identifiers and links."""
        lines: list[Text] = []
        authors = self.authors.get(paper.id)
        if authors:
            note = _s(paper.author_note)
            lines.append(
                (*authors, *(_et_al() if _flag(paper.authors_truncated) else ()))
                + ((Run(f" ({note})", emph=True),) if note else ())
            )
        venue = self.venue_line(paper)
        said = _s(paper.status)
        status = i18n.current()(f"status.{said}") if said in PENDING_STATUSES else ""
        if status.lower() in venue.lower():  # "Submitted to ICML 2026" says it already
            status = ""
        where: list[Run] = [Run(venue, emph=True)] if venue else []
        if status:
            where.append(Run(f" [{status}]" if venue else status, strong=True))
        if self.details and _s(paper.track):
            words = i18n.current()
            track = f"{words('label.track')}{words('punct.colon')}{paper.track}"
            where.append(Run(f"{' · ' if where else ''}{track}"))
        if where:
            lines.append(tuple(where))
        ids = self.identifiers.get(paper.id) if self.details else None
        if ids:
            lines.append(plain(*(f"{_s(i.label) or i.scheme}: {i.value}" for i in ids), sep="; "))
        summary = _s(getattr(paper, "summary", None)) if self.details else ""
        if summary:
            lines.append(prose(summary))
        links = _link_runs(self.links.get(paper.id, ())) if self.details else ()
        if links:
            lines.append(links)
        # The release date at its precision where it is known ('17 Feb 2011'), else the year.
        released = getattr(paper, "date", None)
        when = (
            _s(paper.year)
            if _na(released) or released is pd.NaT
            else _month(released, _precision(paper, "date"))
        )
        return Entry(
            title=(Run(_s(paper.title), strong=True),),
            date=when,
            lines=tuple(lines),
        )

    def entries(self, papers: pd.DataFrame) -> tuple[Entry, ...]:
        return tuple(self.entry(p) for p in _records(papers))


def _row(series: pd.Series):
    """One row of a table (a Series) as the named tuple the builders read."""
    return namedtuple("Row", series.index)(*series.tolist())


def venue_line(cv: CV, paper: pd.Series) -> str:
    """How a paper's venue is shown: its own display text, else the venue and the year."""
    return _Papers(cv, details=False).venue_line(_row(paper))


def paper_entry(cv: CV, paper: pd.Series, details: bool = True) -> Entry:
    """A paper: title, authors, venue and status; ``details`` adds the track, identifiers
    and links. (For many papers, :func:`publications` groups the tables once.)"""
    authors = cv.paper_authors
    one = authors.iloc[0:0] if _na(paper["id"]) else authors[authors["paper_id"] == paper["id"]]
    return _Papers(dataclasses.replace(cv, paper_authors=one), details).entry(_row(paper))


def _newest_first(papers: pd.DataFrame) -> pd.DataFrame:
    return papers.sort_values("year", ascending=False, na_position="last", kind="stable")


def _paper_types(papers: pd.DataFrame) -> list[str]:
    """The known types in their order, then any others alphabetically."""
    known = list(PAPER_TYPES)
    return known + sorted(set(papers["type"].dropna()) - set(known))


def publications(cv: CV, ids: Iterable[str] | None = None) -> list[Section]:
    """One section per type of paper, newest first; only the sections named in ``ids``
    (``publications-journal``, ...) when given."""
    papers = _newest_first(cv.papers)
    wanted = None if ids is None else set(ids)
    build_paper: _Papers | None = None
    sections = []
    for ptype in _paper_types(papers):
        if wanted is not None and f"publications-{ptype}" not in wanted:
            continue
        group = papers[papers["type"] == ptype]
        if group.empty:
            continue
        build_paper = build_paper or _Papers(cv)
        words = i18n.current()
        title = words(f"papers.{ptype}") if ptype in PAPER_TYPES else ptype.title()
        sections.append(
            Section(
                f"publications-{ptype}",
                title,
                build_paper.entries(group),
                noun=title.lower() if ptype in PAPER_TYPES else words("noun.publications"),
            )
        )
    return sections
