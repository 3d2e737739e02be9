"""What an import of a ``.bib`` file adds to a CV: the plan, entry by entry.

Each entry becomes a paper (with its authors, identifiers and links), a talk, or is set
aside with its line and why: already in the CV, no title, a kind cvdata has no place for,
an editorial board (for ``service.csv``), the ``@proceedings`` volume other entries
cross-reference (its fields fill theirs: DBLP's crossref export), or a broken entry
(:func:`~._read.damaged`). What the user should check goes to ``warnings``: a guessed kind,
a field given twice, an owner whose name matches no author (with the near matches).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser import model

from ...cells import text
from ...load import CV
from ...names import is_owner_name, near_names
from ...problems import display_path
from ..export import ID_FIELD
from ._entry import (
    URL,
    arxiv_id,
    fields_of,
    links_of,
    patent,
    status_of,
    venue_of,
    year_of,
    year_rest,
)
from ._entry import kind as entry_kind
from ._latex import CONTROL, LatexError
from ._names import author, split_authors
from ._read import BibImportError, Damage, damaged
from ._rows import Known, Venues, norm_doi, slug

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


@dataclass(frozen=True)
class Skipped:
    """An entry that is not imported, and why."""

    key: str
    line: int
    reason: str
    #: The entry's ``@type`` (lower case; '' when it could not be read).
    entry_type: str = ""


@dataclass
class NewPaper:
    """One entry as rows of the CV tables (cells as text, by column name)."""

    key: str
    line: int
    paper: dict[str, str]
    authors: list[dict[str, str]] = field(default_factory=list)
    identifiers: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    #: Values left out, and why (``url 'javascript:x' is not an http(s) or mailto address``).
    dropped: list[str] = field(default_factory=list)
    #: al-folio's ``award``, as a row of ``awards.csv``.
    awards: list[dict[str, str]] = field(default_factory=list)
    #: The entry's ``@type``, lower case.
    entry_type: str = ""


@dataclass
class ImportPlan:
    """What an import would do: the entries read, the papers and talks to add, the
    entries skipped, the venues made, and what the user should check."""

    source: str
    entries: int
    added: list[NewPaper]
    skipped: list[Skipped]
    warnings: list[str] = field(default_factory=list)
    talks: list[dict[str, str]] = field(default_factory=list)
    venues: list[dict[str, str]] = field(default_factory=list)
    #: ``(type, line)`` of the entry each talk came from, in the order of ``talks``.
    talk_entries: list[tuple[str, int]] = field(default_factory=list)
    #: ``(line, entry key)`` of each talk's entry, in the order of ``talks``.
    talk_keys: list[tuple[int, str]] = field(default_factory=list)

    def rows(self) -> dict[str, list[dict[str, str]]]:
        """New rows by table name (only tables that get rows)."""
        tables = {
            "venues": self.venues,
            "papers": [p.paper for p in self.added],
            "paper_authors": [a for p in self.added for a in p.authors],
            "paper_identifiers": [i for p in self.added for i in p.identifiers],
            "paper_links": [link for p in self.added for link in p.links],
            "awards": [a for p in self.added for a in p.awards],
            "talks": self.talks,
        }
        return {name: rows for name, rows in tables.items() if rows}

    def origins(self) -> dict[str, list[str | tuple[int, str]]]:
        """Where each row of :meth:`rows` came from, ``(line, "entry 'key'")`` (parallel
        to it; a venue, made for every entry that names it, has none): a problem only the
        whole folder's validation finds is told as the entry's."""

        def of(p: NewPaper) -> tuple[int, str]:
            return p.line, f"entry {p.key!r}"

        origins: dict[str, list[str | tuple[int, str]]] = {
            "venues": ["" for _ in self.venues],
            "papers": [of(p) for p in self.added],
            "paper_authors": [of(p) for p in self.added for _ in p.authors],
            "paper_identifiers": [of(p) for p in self.added for _ in p.identifiers],
            "paper_links": [of(p) for p in self.added for _ in p.links],
            "awards": [of(p) for p in self.added for _ in p.awards],
            "talks": [(line, f"entry {key!r}") for line, key in self.talk_keys],
        }
        return {name: rows for name, rows in origins.items() if rows}


@dataclass
class _Context:
    """What every entry of one import shares."""

    cv: CV
    shown: str
    note: str
    known: Known
    venues: Venues
    owner: str
    talk_ids: set[str]
    award_ids: set[str]
    talk_keys: set[tuple[str, str]]


def _crossref(library: bibtexparser.Library) -> tuple[dict[str, model.Entry], set[str]]:
    """The entries by key (case folded), and the keys other entries cross-reference."""
    by_key = {e.key.casefold(): e for e in library.entries}
    parents = {
        str(e.fields_dict["crossref"].value).strip().casefold()
        for e in library.entries
        if "crossref" in e.fields_dict
    }
    return by_key, parents & set(by_key)


def _inherit(entry: model.Entry, by_key: dict[str, model.Entry]) -> model.Entry:
    """The entry with the fields of its crossref parent it lacks (BibTeX's rule; the
    parent's ``title`` is the child's ``booktitle``)."""
    ref = entry.fields_dict.get("crossref")
    parent = by_key.get(str(ref.value).strip().casefold()) if ref else None
    if parent is None:
        return entry
    have = {f.key.lower() for f in entry.fields}
    extra = []
    for f in parent.fields:
        name = "booktitle" if f.key.lower() == "title" else f.key.lower()
        if name not in have and name not in ("editor", "crossref"):
            extra.append(model.Field(name, f.value))
            have.add(name)
    if not extra:
        return entry
    return model.Entry(
        entry.entry_type, entry.key, [*entry.fields, *extra], entry.start_line, entry.raw
    )


def plan_import(cv: CV, library: bibtexparser.Library, source: str = "") -> ImportPlan:
    """Decide, entry by entry, what an import of ``library`` adds to ``cv`` and what it
    sets aside (module docstring).

    Raises
    ------
    BibImportError
        With one message per entry whose LaTeX cannot be read (line, entry and field).
    """
    shown = display_path(Path(source)) if source else "<bibtex>"
    damage = damaged(library, shown)
    ctx = _Context(
        cv,
        shown,
        f"Imported from {Path(source).name}" if source else "Imported from BibTeX",
        Known.of(cv),
        Venues(cv),
        text(cv.owner["name"]) if not cv.owner.empty else "",
        {text(i) for i in cv.talks["id"]},
        {text(i) for i in cv.awards["id"]},
        {(_norm(text(t.title)), text(t.date)[:4]) for t in cv.talks.itertuples()},
    )
    # Entries read, with those bibtexparser could not parse (one failed block each).
    plan = ImportPlan(source, len(library.entries) + len(library.failed_blocks), [], [])
    plan.warnings += damage.warnings
    plan.skipped += [Skipped(k, line, why, t) for k, line, why, t in damage.broken]
    by_key, parents = _crossref(library)
    unreadable: list[str] = []
    for entry in _entries(library, damage):
        line = (entry.start_line or 0) + 1
        if entry.key.casefold() in parents:
            why = "a volume other entries cross-reference (crossref): its fields fill theirs"
            plan.skipped.append(Skipped(entry.key, line, why, entry.entry_type.lower()))
            continue
        try:
            _plan_entry(ctx, plan, _inherit(entry, by_key))
        except LatexError as e:
            unreadable.append(f"{shown}:{line}: entry {entry.key!r}: {e}")
    if unreadable:
        noun = "entry" if len(unreadable) == 1 else "entries"
        raise BibImportError(
            [*unreadable, f"{len(unreadable)} {noun} cannot be read; nothing was imported"]
        )
    plan.skipped.sort(key=lambda s: s.line)
    plan.venues = ctx.venues.new
    plan.warnings += _owner_warnings(ctx, plan)
    return plan


def _entries(library: bibtexparser.Library, damage: Damage) -> list[model.Entry]:
    """The entries to plan, in file order: the readable ones (not broken) and the ones
    read again with each field's first value."""
    kept = [e for e in library.entries if e.start_line not in damage.lines]
    return sorted([*kept, *damage.repaired], key=lambda e: e.start_line or 0)


def _plan_entry(ctx: _Context, plan: ImportPlan, entry: model.Entry) -> None:
    line = (entry.start_line or 0) + 1
    fields = fields_of(entry)
    title = fields.get("title", "")
    if not title:
        plan.skipped.append(Skipped(entry.key, line, "has no title", entry.entry_type.lower()))
        return
    kind = entry_kind(entry.entry_type, fields)
    if kind is None:
        reason = f"@{entry.entry_type} is not a kind of publication cvdata knows"
        plan.skipped.append(Skipped(entry.key, line, reason, entry.entry_type.lower()))
        return
    where = f"{ctx.shown}:{line}: entry {entry.key!r}"
    if kind.table == "service":
        why = "an editorial role, not a publication: add it to service.csv by hand"
        plan.skipped.append(Skipped(entry.key, line, why, entry.entry_type.lower()))
        return
    if kind.table == "talks":
        _plan_talk(ctx, plan, entry, fields, kind.value)
        return
    if kind.guessed:
        plan.warnings.append(f"{where}: {kind.guessed}; check its kind")
    year, doi = year_of(fields), fields.get("doi", "")
    if rest := year_rest(fields):  # nothing dropped without a word: the status takes it
        plan.warnings.append(
            f"{where}: year: {fields['year']!r} is read as {year or 'no year'}; "
            f"the rest ({rest!r}) is not stored (a status like 'in press' is)"
        )
    cvdata_id = fields.get(ID_FIELD, "")
    why = ctx.known.duplicate(cvdata_id, doi, title, year)
    if why:
        plan.skipped.append(Skipped(entry.key, line, why, entry.entry_type.lower()))
        return
    pid = ctx.known.new_id(cvdata_id, entry.key, " ".join(title.split()[:6]))
    ctx.known.add(pid, doi, title, year)
    plan.added.append(_new_paper(ctx, entry, fields, pid, kind.value, year))


def _norm(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title.casefold())
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def _plan_talk(
    ctx: _Context, plan: ImportPlan, entry: model.Entry, fields: dict[str, str], kind: str
) -> None:
    """A talk or keynote as a row of ``talks.csv`` (its event from ``howpublished``,
    ``booktitle``, ``organization`` or ``note``; its date as precise as the entry says)."""
    line = (entry.start_line or 0) + 1
    date = _date(fields)
    if (_norm(fields["title"]), date[:4]) in ctx.talk_keys:
        plan.skipped.append(
            Skipped(
                entry.key,
                line,
                "already in the CV as a talk (same title and year)",
                entry.entry_type.lower(),
            )
        )
        return
    ctx.talk_keys.add((_norm(fields["title"]), date[:4]))
    tid = _unique(slug(entry.key) or slug(fields["title"]) or "talk", ctx.talk_ids)
    event = next(
        (fields[f] for f in ("howpublished", "booktitle", "organization", "note") if fields.get(f)),
        "",
    )
    url = fields.get("url", "")
    plan.talk_entries.append((entry.entry_type.lower(), line))
    plan.talk_keys.append((line, entry.key))
    plan.talks.append(
        {
            "id": tid,
            "title": fields["title"],
            "kind": kind,
            "event": event,
            "date": date,
            "url": url if URL.match(url) else "",
            "notes": CONTROL.sub(" ", f"{ctx.note} (entry {entry.key}, @{entry.entry_type})."),
        }
    )


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def _date(fields: dict[str, str]) -> str:
    """``date`` as ISO where it is (``2023-05`` or ``2023-05-17``), else year and month."""
    m = re.match(r"^(\d{4})(-\d{2})?(-\d{2})?$", fields.get("date", "").strip())
    if m:
        return m.group(0)
    year = year_of(fields)
    month = fields.get("month", "").strip().lower()[:3]
    if year and month.isdigit() and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    return f"{year}-{_MONTHS[month]:02d}" if year and month in _MONTHS else year


def _unique(base: str, taken: set[str]) -> str:
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}-{n}"
    taken.add(out)
    return out


def _authors(ctx: _Context, entry: model.Entry, pid: str) -> tuple[list[dict[str, str]], bool]:
    if "author" not in entry.fields_dict:
        return [], False
    try:
        names = split_authors(str(entry.fields_dict["author"].value))
    except LatexError as e:
        raise LatexError(f"field 'author': {e}") from e
    truncated = bool(names) and names[-1].casefold() == "others"
    rows = []
    for i, raw in enumerate(names[:-1] if truncated else names, start=1):
        name, equal = author(raw)
        rows.append(
            {
                "paper_id": pid,
                "position": str(i),
                "name": name,
                "equal_contribution": "true" if equal else "false",
                "is_owner": "true" if is_owner_name(ctx.owner, name) else "false",
            }
        )
    return rows, truncated


def _identifiers(fields: dict[str, str], pid: str, dropped: list[str]) -> list[dict[str, str]]:
    doi = norm_doi(fields.get("doi", ""))
    if doi and not _DOI.match(doi):
        dropped.append(f"doi {doi!r} is not a DOI (10.NNNN/...)")
        doi = ""
    out = []
    for scheme, label, value in (
        ("doi", "DOI", doi),
        ("isbn", "ISBN", fields.get("isbn", "")),
        ("arxiv", "arXiv", arxiv_id(fields)),
    ):
        if value:
            out.append({"paper_id": pid, "scheme": scheme, "value": value, "label": label})
    return out


def _new_paper(
    ctx: _Context, entry: model.Entry, fields: dict[str, str], pid: str, ptype: str, year: str
) -> NewPaper:
    authors, truncated = _authors(ctx, entry, pid)
    links, dropped = links_of(fields, pid)
    identifiers = _identifiers(fields, pid, dropped)
    status = status_of(ptype, fields)
    if ptype == "patent":
        display, status, ids = patent(fields)
        identifiers += [
            {"paper_id": pid, "scheme": s, "value": v, "label": lab} for s, v, lab in ids
        ]
        venue_id, display = "", display
    else:
        raw = {f.key.lower(): str(f.value) for f in entry.fields}
        venue = venue_of(ptype, fields, raw)
        venue_id, display = ctx.venues.place(venue)
    paper = {
        "id": pid,
        "title": fields["title"],
        "type": ptype,
        "status": status,
        "venue_id": venue_id,
        "venue_display": display,
        "year": year,
        "authors_truncated": "true" if truncated else "false",
        "resume": "true" if fields.get("selected", "").lower() in ("true", "yes", "1") else "",
        "notes": CONTROL.sub(" ", f"{ctx.note} (entry {entry.key})."),
    }
    line = (entry.start_line or 0) + 1
    new = NewPaper(entry.key, line, paper, authors, identifiers, links, dropped)
    new.entry_type = entry.entry_type.lower()
    if fields.get("award"):
        new.awards.append(_award(ctx, fields, pid, year, display or venue_id))
    return new


def _award(
    ctx: _Context, fields: dict[str, str], pid: str, year: str, venue: str
) -> dict[str, str]:
    """al-folio's ``award`` as a row of ``awards.csv``: the award, for the paper."""
    return {
        "id": _unique(slug(f"{fields['award']} {pid}")[:80] or "award", ctx.award_ids),
        "name": fields["award"],
        "issuer": venue,
        "year": year,
        "summary": f"For the paper “{fields['title']}”.",
        "notes": f"{ctx.note} (paper {pid}).",
    }


def _owner_warnings(ctx: _Context, plan: ImportPlan) -> list[str]:
    """A warning when the owner's name matches no author of the papers added, with the
    authors who may be the owner written otherwise."""
    names = [a["name"] for p in plan.added for a in p.authors]
    if (
        not ctx.owner
        or not names
        or any(a["is_owner"] == "true" for p in plan.added for a in p.authors)
    ):
        return []
    near = near_names(ctx.owner, names)
    counts = {n: names.count(n) for n in near}
    hint = (
        "; near matches: "
        + ", ".join(f"{n!r} ({counts[n]} paper{'' if counts[n] == 1 else 's'})" for n in near)
        if near
        else ""
    )
    return [
        f"the owner {ctx.owner!r} (person.csv) matches no author of the "
        f"{len(plan.added)} papers added{hint}; write the name in person.csv as the papers "
        "do, or set is_owner in paper_authors.csv"
    ]


__all__ = ["ImportPlan", "NewPaper", "Skipped", "plan_import"]
