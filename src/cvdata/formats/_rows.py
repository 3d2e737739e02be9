"""New rows for the tables, made against the CV already in the data folder.

The LinkedIn and ORCID imports build their rows here. Each row of a top-level table has a
*signature* (the few cells that say which fact it is: a role's organisation, title and
start year; a skill's name); a row whose signature is already in the folder, or earlier in
the same import, is not added again (``merged``), so a second import adds nothing even when
the first had to pick a new id. Ids are slugs, made unique against the folder's ids: a row
of the folder that merely shares an id with an imported one is never taken for it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .. import dates
from ..cells import text
from ..schema import default_package
from ._format import Incoming, Report, SectionReport
from .bibtex import norm_doi, norm_title

if TYPE_CHECKING:
    import pandas as pd

    from ..load import CV
    from ..problems import Problem


def fold(value: str) -> str:
    """Text for comparison: case and spacing set aside."""
    return " ".join(value.casefold().split())


def digits(value: str) -> str:
    """The digits of a phone number (``+1 (555) 010-2030`` -> ``15550102030``)."""
    return "".join(ch for ch in value if ch.isdigit())


def slug(value: str) -> str:
    """A stable id from text: ASCII-folded, lowercase, words joined by single hyphens."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))


#: Profile sites a contact's kind is read from: a host that is, or ends with, the name's
#: labels (``x.com`` is Twitter, ``dropbox.com`` is not); a name ending in a dot matches
#: any ending (``scholar.google.`` is Scholar in every country).
_SITES = (
    ("github.com", "github"),
    ("scholar.google.", "scholar"),
    ("orcid.org", "orcid"),
    ("dblp.", "dblp"),
    ("twitter.com", "twitter"),
    ("x.com", "twitter"),
    ("linkedin.com", "linkedin"),
)


def site_kind(url: str) -> str:
    """The contact kind of a profile's address (``github``, ``scholar``, ...), by its
    host; ``website`` for any other site."""
    try:
        host = f".{(urlsplit(url).hostname or '').casefold()}."
    except ValueError:  # a malformed address (an unclosed IPv6 bracket): no known site
        return "website"
    return next((kind for name, kind in _SITES if f".{name.rstrip('.')}." in host), "website")


def tally(section: SectionReport, added: str | None) -> None:
    """Count one entry of ``section``: stored when ``added`` (its new id), else merged."""
    section.came_in += 1
    if added is None:
        section.merged += 1
    else:
        section.stored += 1


def _contact(r: Mapping[str, str]) -> tuple[str, ...]:
    kind = r["kind"]
    value = r.get("value", "") or r.get("url", "") or r.get("label", "")
    if kind == "phone":
        return (kind, digits(value)[-9:])  # the last nine digits: with or without +44 / 0
    if kind in ("email",):
        return (kind, fold(value))
    return (kind, fold(value).removeprefix("mailto:").rstrip("/"))


#: The cells that say which fact a row of a top-level table is.
SIGNATURES: dict[str, Callable[[Mapping[str, str]], tuple[str, ...]]] = {
    "roles": lambda r: (fold(r["organisation"]), fold(r["title"]), r["start"][:4]),
    "volunteering": lambda r: (fold(r["organisation"]), fold(r["role"]), r["start"][:4]),
    "skills": lambda r: (fold(r["skill"]),),
    "skill_categories": lambda r: (fold(r["name"]),),
    "languages": lambda r: (fold(r["language"]),),
    "certifications": lambda r: (fold(r["name"]), fold(r["issuer"])),
    "projects": lambda r: (fold(r["title"]),),
    "awards": lambda r: (fold(r["name"]), r["year"]),
    "activities": lambda r: (fold(r["category"]), fold(r["name"])),
    "service": lambda r: (r["category"], fold(r["role"]), fold(r["organisation"])),
    "contacts": _contact,
    "references": lambda r: (fold(r["name"]), fold(r["reference"])[:200]),
    "interests": lambda r: (fold(r["name"]),),
    "talks": lambda r: (fold(r["title"]), fold(r["event"])),
}


def _cells(df: pd.DataFrame) -> list[dict[str, str]]:
    """A loaded table's rows as text cells: dates at their precision, whole numbers whole."""
    out = []
    for rec in df.to_dict("records"):
        row = {}
        for column, value in rec.items():
            column = str(column)
            precision = rec.get(dates.precision_column(column))
            if precision is not None and text(precision):
                row[column] = dates.iso(value, precision)
            elif isinstance(value, float) and value.is_integer():
                row[column] = str(int(value))
            else:
                row[column] = text(value)
        out.append(row)
    return out


class Rows:
    """Rows of every table for one import, with what the folder already holds."""

    def __init__(self, existing: CV | None) -> None:
        package = default_package()
        self.fields = {t.name: t.field_names for t in package.tables}
        self.tables: dict[str, list[dict[str, str]]] = {name: [] for name in package.names}
        self.ids: dict[str, set[str]] = {name: set() for name in package.names}
        self.seen: dict[str, dict[tuple[str, ...], str]] = {name: {} for name in SIGNATURES}
        self.has_person = False
        self.papers = PaperIndex()
        #: Where in the input the entry being read is (``Positions.csv:3``, an ORCID
        #: record's JSON path): every row added while it is set is told as coming from it.
        self.origin = ""
        self._origins: dict[int, str] = {}
        if existing is None:
            return
        for name in package.names:
            df = getattr(existing, name, None)
            if df is None:
                continue
            rows = _cells(df)
            if "id" in df.columns:
                self.ids[name].update(r["id"] for r in rows)
            if name in SIGNATURES:
                for r in rows:
                    padded = {f: r.get(f, "") for f in self.fields[name]}
                    self.seen[name].setdefault(SIGNATURES[name](padded), r.get("id", ""))
            if name == "person":
                self.has_person = bool(rows)
        self.papers.add_existing(existing)

    def row(self, table: str, cells: Mapping[str, str]) -> dict[str, str]:
        return {name: cells.get(name, "") for name in self.fields[table]}

    def new_id(self, table: str, *parts: str, fallback: str) -> str:
        """An id for ``table`` made from ``parts``, unused in the folder and this import."""
        stem = slug("-".join(p for p in parts if p))[:60].strip("-") or fallback
        key, n = stem, 1
        while key in self.ids[table]:
            n += 1
            key = f"{stem}-{n}"
        self.ids[table].add(key)
        return key

    def known(self, table: str, cells: Mapping[str, str]) -> str | None:
        """The id (or '') of the row already holding this fact, else ``None``."""
        return self.seen[table].get(SIGNATURES[table](self.row(table, cells)))

    def add(self, table: str, *id_parts: str, fallback: str = "", **cells: str) -> str | None:
        """Add a row of a top-level table; its new id, or ``None`` when the fact is already
        in the folder or earlier in this import (then nothing is added).

        ``id_parts`` make the id (tables keyed by ``id``); ``fallback`` when they slug to
        nothing.
        """
        row = self.row(table, cells)
        signature = SIGNATURES[table](row)
        if signature in self.seen[table]:
            return None
        if "id" in row and id_parts:
            row["id"] = self.new_id(table, *id_parts, fallback=fallback or table)
        self.seen[table][signature] = row.get("id", "")
        self._keep(table, row)
        return row.get("id", "") or "added"

    def child(self, table: str, **cells: str) -> None:
        """Add a row of a child table (its parent is new in this import), or of a table
        without a signature (``person``, ``papers``)."""
        self._keep(table, self.row(table, cells))

    def _keep(self, table: str, row: dict[str, str]) -> None:
        self.tables[table].append(row)
        if self.origin:
            self._origins[id(row)] = self.origin

    def contact(
        self, section: SectionReport, kind: str, label: str, value: str, url: str, visibility: str
    ) -> None:
        """Add a contact (merged when the folder has it: same kind and address) and count
        it as an entry of ``section``."""
        added = self.add(
            "contacts",
            kind,
            fallback=kind,
            kind=kind,
            label=label,
            value=value,
            url=url,
            visibility=visibility,
        )
        tally(section, added)

    def paper(
        self, id_parts: Sequence[str], fallback: str, *, doi: str, url: str, **cells: str
    ) -> str:
        """Add a paper the folder does not have (the caller asked :attr:`papers`), with its
        address as a link when it has one; its new id (made from ``id_parts``)."""
        pid = self.new_id("papers", *id_parts, fallback=fallback)
        self.papers.add(pid, doi, cells["title"], cells.get("year", ""))
        self.child("papers", id=pid, **cells)
        if url:
            self.child(
                "paper_links", paper_id=pid, position="1", kind="paper", label="Link", url=url
            )
        return pid

    def origins(self) -> dict[str, list[str | tuple[int, str]]]:
        """Each row's origin, parallel to :attr:`tables` ('' where none was set)."""
        return {
            name: [self._origins.get(id(row), "") for row in rows]
            for name, rows in self.tables.items()
            if rows
        }

    def incoming(self, report: Report, problems: list[Problem], source: str) -> Incoming:
        """What the format's ``read`` returns: the tables that got rows, with each row's
        origin in ``source`` (the input as messages name it)."""
        tables = {name: rows for name, rows in self.tables.items() if rows}
        return Incoming(
            tables=tables,
            report=report,
            problems=problems,
            origins=self.origins(),
            source=source,
        )

    def children(self, table: str, key: str, parent: str, column: str, items: list[str]) -> int:
        """Add ``items`` as numbered child rows of ``parent``; how many were added."""
        kept = [i for i in items if i]
        for pos, item in enumerate(kept, 1):
            self.child(table, **{key: parent, "position": str(pos), column: item})
        return len(kept)


class PaperIndex:
    """Papers by DOI and by normalised title and year: the folder's and this import's."""

    def __init__(self) -> None:
        self.dois: dict[str, str] = {}
        self.titles: dict[tuple[str, str], str] = {}

    def add_existing(self, cv: CV) -> None:
        ids = cv.paper_identifiers
        for r in ids[ids["scheme"] == "doi"].itertuples():
            self.dois.setdefault(norm_doi(text(r.value)), text(r.paper_id))
        for p in _cells(cv.papers):
            self.add(p["id"], "", p["title"], p["year"])

    def find(self, doi: str, title: str, year: str) -> tuple[str, str] | None:
        """``(paper id, "same DOI" or "same title and year")`` of a paper already known."""
        if doi and norm_doi(doi) in self.dois:
            return self.dois[norm_doi(doi)], "same DOI"
        match = self.titles.get((norm_title(title), year))
        return (match, "same title and year") if match else None

    def add(self, pid: str, doi: str, title: str, year: str) -> None:
        if doi:
            self.dois.setdefault(norm_doi(doi), pid)
        self.titles.setdefault((norm_title(title), year), pid)


__all__ = [
    "SIGNATURES",
    "PaperIndex",
    "Rows",
    "digits",
    "fold",
    "norm_doi",
    "site_kind",
    "slug",
    "tally",
]
