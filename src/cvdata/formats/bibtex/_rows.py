"""What the import checks against the CV already there: papers it has (by id, DOI or title
and year) and venues (by name or acronym), and the venues an import adds."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ...cells import text
from ...load import CV
from ..export import ID_FIELD
from ._entry import Venue


def norm_title(title: str) -> str:
    """A title for comparison: case, accents, punctuation and spacing set aside."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    kept = "".join(ch if ch.isalnum() else " " for ch in folded if not unicodedata.combining(ch))
    return " ".join(kept.split())


def norm_doi(doi: str) -> str:
    doi = doi.strip().lower()
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi)


def slug(s: str) -> str:
    """An id made of lowercase ASCII letters and digits joined by single hyphens."""
    folded = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", folded))


@dataclass
class Venues:
    """The CV's venues, found by name or acronym (case and spacing set aside), and the
    ones this import adds (``new``, rows of ``venues.csv``)."""

    by_text: dict[str, str] = field(default_factory=dict)
    by_acronym: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    new: list[dict[str, str]] = field(default_factory=list)

    def __init__(self, cv: CV):
        self.by_text, self.by_acronym, self.new = {}, {}, []
        self.ids = {text(i) for i in cv.venues["id"]}
        for v in cv.venues.itertuples():
            vid = text(v.id)
            for label in (text(v.name), text(v.acronym)):
                if label:
                    self.by_text.setdefault(self._norm(label), vid)
            if text(v.acronym):
                self.by_acronym.setdefault(text(v.acronym).casefold(), vid)
                for both in (f"{v.acronym} ({v.name})", f"{v.name} ({v.acronym})"):
                    self.by_text.setdefault(self._norm(both), vid)

    @staticmethod
    def _norm(s: str) -> str:
        s = " ".join(s.casefold().split())
        return re.sub(r"^proceedings of (the )?", "", s)

    def find(self, venue: str) -> str:
        return self.by_text.get(self._norm(venue), "")

    def place(self, venue: Venue) -> tuple[str, str]:
        """``(venue_id, venue_display)`` of a paper: a venue of the CV named exactly as the
        entry does (shown as the CV says); else the venue of its short name, found or made
        here (the entry's own text shown); else no venue id and the entry's text."""
        whole = self.find(venue.display) if venue.display else ""
        if whole:
            return whole, ""
        if not venue.acronym:
            return "", venue.display
        vid = self.by_acronym.get(venue.acronym.casefold())
        if vid is None:
            base, n = slug(venue.acronym) or "venue", 1
            vid = base
            while vid in self.ids:
                n += 1
                vid = f"{base}-{n}"
            self.ids.add(vid)
            self.by_acronym[venue.acronym.casefold()] = vid
            self.new.append(
                {"id": vid, "acronym": venue.acronym, "name": venue.name, "kind": venue.kind}
            )
        return vid, venue.display


@dataclass
class Known:
    """The papers of the CV (and of this import so far), to find an entry already there."""

    ids: set[str]
    dois: dict[str, str]
    titles: dict[tuple[str, str], str]

    @classmethod
    def of(cls, cv: CV) -> Known:
        ids = {text(i) for i in cv.papers["id"]}
        dois = {
            norm_doi(text(r.value)): text(r.paper_id)
            for r in cv.paper_identifiers[cv.paper_identifiers["scheme"] == "doi"].itertuples()
        }
        titles = {
            (norm_title(text(p.title)), text(p.year)): text(p.id) for p in cv.papers.itertuples()
        }
        return cls(ids, dois, titles)

    def duplicate(self, cvdata_id: str, doi: str, title: str, year: str) -> str:
        """Why the entry is already in the CV, or ''."""
        if cvdata_id and cvdata_id in self.ids:
            return f"already in the CV as {cvdata_id!r} (same {ID_FIELD})"
        if doi and norm_doi(doi) in self.dois:
            return f"already in the CV as {self.dois[norm_doi(doi)]!r} (same DOI)"
        match = self.titles.get((norm_title(title), year))
        if match:
            return f"already in the CV as {match!r} (same title and year)"
        return ""

    def add(self, pid: str, doi: str, title: str, year: str) -> None:
        self.ids.add(pid)
        if doi:
            self.dois[norm_doi(doi)] = pid
        self.titles[(norm_title(title), year)] = pid

    def new_id(self, *candidates: str) -> str:
        base = next((c for c in (slug(x) for x in candidates) if c), "paper")
        pid, n = base, 1
        while pid in self.ids:
            n += 1
            pid = f"{base}-{n}"
        return pid


__all__ = ["Known", "Venues", "norm_doi", "norm_title", "slug"]
