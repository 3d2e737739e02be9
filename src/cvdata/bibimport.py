"""Papers from a BibTeX file into the CV tables: ``cvdata import bibtex FILE``.

The file is parsed with bibtexparser (v2); any block it cannot read stops the import with
one message per block (line and entry key). Each entry becomes a row of ``papers.csv`` and
its authors rows of ``paper_authors.csv`` (DOI, ISBN and arXiv ids go to
``paper_identifiers.csv``, a ``url`` to ``paper_links.csv``). Entries already in the CV are
skipped: the same ``x-cvdata-id`` (written by ``cvdata export bibtex``), the same DOI, or the
same title and year once case, accents and punctuation are set aside.

Nothing in the data folder changes until the result is known to be valid: the new rows are
appended to copies of the tables in a temporary folder, the copy is validated like the data
itself, and only then is each changed file swapped in (``os.replace``, one atomic step per
file). Existing rows stay byte for byte as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser import model
from pylatexenc.latex2text import LatexNodes2Text

from .export import ID_FIELD, text
from .load import CV
from .problems import Problem
from .validate import Result, check, display_path

#: BibTeX entry type -> paper type. ``misc`` is decided by :func:`paper_type`.
ENTRY_TYPES = {
    "inproceedings": "conference",
    "conference": "conference",
    "proceedings": "conference",
    "article": "journal",
    "book": "book",
    "inbook": "book",
    "incollection": "book",
    "booklet": "book",
    "patent": "patent",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "online": "blog",
    "electronic": "blog",
    "www": "blog",
    "techreport": "blog",
    "report": "blog",
    "unpublished": "preprint",
}
#: Fields that may name the venue, in the order they are looked at.
VENUE_FIELDS = (
    "booktitle",
    "journal",
    "journaltitle",
    "publisher",
    "school",
    "institution",
    "organization",
    "howpublished",
)
#: biblatex ``pubstate`` values -> paper status (cvdata's own values pass through).
PUBSTATES = {
    "inpress": "accepted",
    "forthcoming": "forthcoming",
    "inpreparation": "forthcoming",
    "prepublished": "preprint",
    "submitted": "submitted",
    "under review": "under-review",
}
STATUSES = ("published", "accepted", "submitted", "under-review", "preprint", "forthcoming")
#: Fields holding LaTeX text (decoded to Unicode); the others (url, doi, ...) are kept as is.
TEXT_FIELDS = {"title", "author", "type", "pubstate", *VENUE_FIELDS}
_URL = re.compile(r"^(https?://|mailto:)\S+$")
_latex = LatexNodes2Text()


class BibImportError(Exception):
    """The file cannot be imported; ``messages`` says why, one line per problem."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class Skipped:
    """An entry that is not imported, and why."""

    key: str
    line: int
    reason: str


@dataclass
class NewPaper:
    """One entry as rows of the CV tables (cells as text, by column name)."""

    key: str
    line: int
    paper: dict[str, str]
    authors: list[dict[str, str]] = field(default_factory=list)
    identifiers: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ImportPlan:
    """What an import would do: the entries read, the papers to add, the entries skipped."""

    source: str
    entries: int
    added: list[NewPaper]
    skipped: list[Skipped]

    def rows(self) -> dict[str, list[dict[str, str]]]:
        """New rows by table name (only tables that get rows)."""
        tables = {
            "papers": [p.paper for p in self.added],
            "paper_authors": [a for p in self.added for a in p.authors],
            "paper_identifiers": [i for p in self.added for i in p.identifiers],
            "paper_links": [link for p in self.added for link in p.links],
        }
        return {name: rows for name, rows in tables.items() if rows}


@dataclass
class ImportResult:
    """The outcome of :func:`apply_plan`: the validation of the staged copy, the rows
    added per file, and whether the data folder was changed."""

    validation: Result
    added_rows: dict[str, int]
    written: bool


# ---------------------------------------------------------------- reading


def _entry_key(raw: str) -> str:
    m = re.match(r"\s*@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)", raw or "")
    return m.group(2) if m else ""


def _block_reason(block: model.Block) -> str:
    err = getattr(block, "error", None)
    reason = getattr(err, "abort_reason", None) or str(err or "").split("Note:")[0]
    reason = " ".join(reason.split()).rstrip(". ")
    if isinstance(block, model.DuplicateBlockKeyBlock):
        return f"the key {getattr(block, 'key', '')!r} is used by an earlier entry too"
    return reason or "cannot be read"


def read_bibtex(path: str | os.PathLike[str]) -> bibtexparser.Library:
    """Parse a ``.bib`` file.

    Raises
    ------
    BibImportError
        When the file cannot be read as UTF-8, or with one message per block that bibtexparser
        could not parse (``refs.bib:12: entry 'zhou2026care': <what is wrong>``).
    """
    p = Path(path)
    shown = display_path(p)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise BibImportError([f"{shown}: cannot read the file: {e.strerror or e}"]) from e
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise BibImportError([f"{shown}:{line}: the file is not UTF-8; save it as UTF-8"]) from e
    # bibtexparser also logs each failed block; the messages below say it for a person.
    quiet = logging.getLogger("bibtexparser")
    level, quiet.level = quiet.level, logging.CRITICAL
    try:
        library = bibtexparser.parse_string(source)
    finally:
        quiet.setLevel(level)
    messages = []
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        key = _entry_key(block.raw) or getattr(block, "key", "") or "?"
        messages.append(f"{shown}:{line}: entry {key!r}: {_block_reason(block)}")
    if messages:
        noun = "entry" if len(messages) == 1 else "entries"
        messages.append(f"{len(messages)} {noun} cannot be read; nothing was imported")
        raise BibImportError(messages)
    return library


# ---------------------------------------------------------------- one entry


def _decode(value: str) -> str:
    """LaTeX text as Unicode: accents, escapes and protective braces resolved."""
    if not re.search(r"[\\{}~$]|--", value):
        return " ".join(value.split())
    plain = _latex.latex_to_text(value).replace("\xa0", " ").replace("ˆ", "^")
    return " ".join(plain.split())


def _fields(entry: model.Entry) -> dict[str, str]:
    out = {}
    for f in entry.fields:
        key = f.key.lower()
        value = str(f.value)
        out[key] = _decode(value) if key in TEXT_FIELDS and key != "author" else value.strip()
    return out


def split_authors(value: str) -> list[str]:
    """The names of a BibTeX ``author`` field: split on ``and`` outside braces."""
    names, depth, start, i = [], 0, 0, 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            m = re.match(r"\s+and\s+", value[i:], re.IGNORECASE)
            if m:
                names.append(value[start:i])
                i += m.end()
                start = i
                continue
        i += 1
    names.append(value[start:])
    return [n for n in (" ".join(_decode(n).split()) for n in names) if n]


def natural_name(name: str) -> str:
    """``"Zhou, Zhongzhu"`` -> ``"Zhongzhu Zhou"``; ``"King, Jr, Martin"`` -> ``"Martin King
    Jr"``; names without a comma are returned as written."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts):
        return f"{parts[2]} {parts[0]} {parts[1]}"
    return name


def same_name(a: str, b: str) -> bool:
    """Names compared without regard to case, spacing or ``Family, Given`` order."""

    def norm(s: str) -> str:
        return " ".join(natural_name(s).casefold().split())

    return norm(a) == norm(b)


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


def _is_arxiv(fields: dict[str, str]) -> bool:
    return "arxiv" in (fields.get("archiveprefix", "") + fields.get("eprinttype", "")).lower()


def paper_type(entry_type: str, fields: dict[str, str]) -> str | None:
    """The paper type of an entry, or ``None`` for entry types cvdata has no place for."""
    etype = entry_type.lower()
    arxiv = _is_arxiv(fields)
    journal = fields.get("journal", "") or fields.get("journaltitle", "")
    if etype == "article" and (arxiv or journal.lower().startswith("arxiv")):
        return "preprint"
    if etype == "misc":
        where = " ".join(fields.get(f, "") for f in ("howpublished", "organization", "note"))
        return "blog" if "blog" in where.lower() and not arxiv else "preprint"
    return ENTRY_TYPES.get(etype)


def _year(fields: dict[str, str]) -> str:
    for name in ("year", "date"):
        m = re.search(r"\b(\d{4})\b", fields.get(name, ""))
        if m:
            return m.group(1)
    return ""


def _status(ptype: str, fields: dict[str, str]) -> str:
    state = fields.get("pubstate", "").strip().lower()
    if state in STATUSES:
        return state
    if state in PUBSTATES:
        return PUBSTATES[state]
    return "preprint" if ptype == "preprint" else "published"


class _Venues:
    """Existing venues, found by name or acronym (case and spacing set aside)."""

    def __init__(self, cv: CV):
        self.by_text: dict[str, str] = {}
        for v in cv.venues.itertuples():
            for label in (text(v.name), text(v.acronym)):
                if label:
                    self.by_text.setdefault(self._norm(label), text(v.id))
            if text(v.acronym):
                for both in (f"{v.acronym} ({v.name})", f"{v.name} ({v.acronym})"):
                    self.by_text.setdefault(self._norm(both), text(v.id))

    @staticmethod
    def _norm(s: str) -> str:
        s = " ".join(s.casefold().split())
        return re.sub(r"^proceedings of (the )?", "", s)

    def find(self, venue: str) -> str:
        return self.by_text.get(self._norm(venue), "")


# ---------------------------------------------------------------- the plan


@dataclass
class _Known:
    ids: set[str]
    dois: dict[str, str]
    titles: dict[tuple[str, str], str]

    @classmethod
    def of(cls, cv: CV) -> _Known:
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


def plan_import(cv: CV, library: bibtexparser.Library, source: str = "") -> ImportPlan:
    """Decide, entry by entry, what an import of ``library`` adds to ``cv`` and what it
    skips (already in the CV, no title, an entry type cvdata has no place for)."""
    known = _Known.of(cv)
    venues = _Venues(cv)
    owner = text(cv.owner["name"])
    added: list[NewPaper] = []
    skipped: list[Skipped] = []
    note = f"Imported from {Path(source).name}" if source else "Imported from BibTeX"
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        fields = _fields(entry)
        title = fields.get("title", "")
        if not title:
            skipped.append(Skipped(entry.key, line, "has no title"))
            continue
        ptype = paper_type(entry.entry_type, fields)
        if ptype is None:
            reason = f"@{entry.entry_type} is not a kind of publication cvdata knows"
            skipped.append(Skipped(entry.key, line, reason))
            continue
        year, doi = _year(fields), fields.get("doi", "")
        cvdata_id = fields.get(ID_FIELD, "")
        why = known.duplicate(cvdata_id, doi, title, year)
        if why:
            skipped.append(Skipped(entry.key, line, why))
            continue
        pid = known.new_id(cvdata_id, entry.key, " ".join(title.split()[:6]))
        known.add(pid, doi, title, year)
        added.append(_new_paper(entry, fields, pid, ptype, year, venues, owner, note))
    return ImportPlan(source, len(library.entries), added, skipped)


def _new_paper(
    entry: model.Entry,
    fields: dict[str, str],
    pid: str,
    ptype: str,
    year: str,
    venues: _Venues,
    owner: str,
    note: str,
) -> NewPaper:
    venue = next((fields[f] for f in VENUE_FIELDS if fields.get(f)), "")
    if ptype == "patent" and fields.get("type"):
        venue = fields["type"]
    venue_id = venues.find(venue) if venue else ""
    names = (
        split_authors(entry.fields_dict["author"].value) if "author" in entry.fields_dict else []
    )
    truncated = bool(names) and names[-1].casefold() == "others"
    if truncated:
        names = names[:-1]
    authors = []
    for i, raw in enumerate(names, start=1):
        equal = raw.endswith("*")
        name = natural_name(raw.rstrip("*").strip())
        authors.append(
            {
                "paper_id": pid,
                "position": str(i),
                "name": name,
                "equal_contribution": "true" if equal else "false",
                "is_owner": "true" if same_name(name, owner) else "false",
            }
        )
    identifiers = []
    for scheme, label, value in (
        ("doi", "DOI", norm_doi(fields.get("doi", ""))),
        ("isbn", "ISBN", fields.get("isbn", "")),
        ("arxiv", "arXiv", fields.get("eprint", "") if _is_arxiv(fields) else ""),
    ):
        if value:
            identifiers.append({"paper_id": pid, "scheme": scheme, "value": value, "label": label})
    url = fields.get("url", "")
    links = []
    if _URL.match(url):
        links.append(
            {"paper_id": pid, "position": "1", "kind": "paper", "label": "Paper", "url": url}
        )
    paper = {
        "id": pid,
        "title": fields["title"],
        "type": ptype,
        "status": _status(ptype, fields),
        "venue_id": venue_id,
        "venue_display": "" if venue_id else venue,
        "year": year,
        "authors_truncated": "true" if truncated else "false",
        "notes": f"{note} (entry {entry.key}).",
    }
    return NewPaper(entry.key, (entry.start_line or 0) + 1, paper, authors, identifiers, links)


# ---------------------------------------------------------------- writing


def append_rows(path: Path, rows: Iterable[dict[str, str]]) -> int:
    """Append rows to a CSV file in the order of its header row, keeping every existing
    byte (byte-order mark, line endings) as it is. Returns the number of rows written."""
    data = path.read_bytes()
    decoded = data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(decoded, newline="")))
    header = [h.strip() for h in header]
    ending = "\r\n" if b"\r\n" in data else "\n"
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=ending)
    n = 0
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
        n += 1
    prefix = b"" if not data or data.endswith((b"\n", b"\r")) else ending.encode()
    path.write_bytes(data + prefix + out.getvalue().encode("utf-8"))
    return n


def apply_plan(
    plan: ImportPlan, data_dir: Path, as_of: dt.date, *, dry_run: bool = False
) -> ImportResult:
    """Stage the new rows in a copy of ``data_dir``, validate the copy, and (unless
    ``dry_run`` or the copy does not validate) replace the changed files of ``data_dir``.

    Problems found in the copy name the files of ``data_dir``.
    """
    from .schema import read_package

    package = read_package(data_dir)
    new_rows = plan.rows()
    with tempfile.TemporaryDirectory(prefix="cvdata-import-") as tmp:
        staged = Path(tmp) / data_dir.name
        shutil.copytree(data_dir, staged)
        added: dict[str, int] = {}
        for name, rows in new_rows.items():
            table = package[name]
            added[table.path] = append_rows(staged / table.path, rows)
        result = check(staged, as_of)
        shown_tmp, shown_data = display_path(staged), display_path(data_dir)
        result.problems = [
            Problem(p.path.replace(shown_tmp, shown_data, 1), p.line, p.column, p.message)
            for p in result.problems
        ]
        if dry_run or not result.ok or not added:
            return ImportResult(result, added, written=False)
        # Every file is complete and valid before the first one is swapped in.
        pending = []
        for rel in added:
            part = data_dir / f".{Path(rel).name}.cvdata-import"
            shutil.copyfile(staged / rel, part)
            pending.append((part, data_dir / rel))
        for part, target in pending:
            os.replace(part, target)
    return ImportResult(result, added, written=True)


__all__ = [
    "BibImportError",
    "ImportPlan",
    "ImportResult",
    "NewPaper",
    "Skipped",
    "append_rows",
    "apply_plan",
    "natural_name",
    "norm_title",
    "paper_type",
    "plan_import",
    "read_bibtex",
    "same_name",
    "split_authors",
]
