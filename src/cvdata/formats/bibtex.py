"""Papers from a BibTeX file into the CV tables: ``cvdata import bibtex FILE``.

The file is parsed with bibtexparser (v2); any block it cannot read stops the import with
one message per block (line and entry key). Each entry becomes a row of ``papers.csv`` and
its authors rows of ``paper_authors.csv`` (DOI, ISBN and arXiv ids go to
``paper_identifiers.csv``, a ``url`` to ``paper_links.csv``). Entries already in the CV are
skipped: the same ``x-cvdata-id`` (written by ``cvdata export bibtex``), the same DOI, or the
same title and year once case, accents and punctuation are set aside.

Nothing in the data folder changes until the result is known to be valid, and then every
changed file changes or none does: :func:`read` hands the rows to the landing path of every
import (:func:`cvdata.formats._land.land`), which stages them in a transaction, validates
them with the rest of the data, and commits. Existing rows stay byte for byte as they were.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser import model
from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from .._files import STDIN, FileRefused, read_input, shown_input
from ..cells import STATUS_ORDER, text
from ..load import CV
from ..problems import Problem, display_path
from ._format import Incoming, Report
from .export import ID_FIELD

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
#: The statuses a paper may have (the descriptor's vocabulary, :mod:`cvdata.cells`).
STATUSES = STATUS_ORDER
#: Fields holding LaTeX text (decoded to Unicode); the others (url, doi, ...) are kept as is.
TEXT_FIELDS = {"title", "author", "type", "pubstate", *VENUE_FIELDS}
_URL = re.compile(r"^(https?://|mailto:)\S+$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def _latex_contexts() -> tuple[macrospec.LatexContextDb, macrospec.LatexContextDb]:
    """pylatexenc's macros, plus those it reads wrongly: ``\\href{url}{text}`` (its text;
    the default has no arguments for it and fails) and the brace commands cvdata's own
    BibTeX export writes (``\\textbraceleft{}``)."""
    walker = latexwalker.get_default_latex_context_db()
    walker.add_context_category("cvdata", macros=[macrospec.MacroSpec("href", "{{")], prepend=True)
    to_text = get_default_latex_context_db()
    to_text.add_context_category(
        "cvdata",
        macros=[
            MacroTextSpec("href", simplify_repl="%(2)s"),
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
        ],
        prepend=True,
    )
    return walker, to_text


_WALKER_CONTEXT, _TEXT_CONTEXT = _latex_contexts()
_latex = LatexNodes2Text(latex_context=_TEXT_CONTEXT)
#: Control characters (terminal escapes, NUL, line and paragraph separators): read as
#: spaces, so that none reaches the tables or a terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class BibImportError(Exception):
    """The file cannot be imported; ``messages`` says why, one line per problem."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class LatexError(ValueError):
    """A field's LaTeX cannot be read as text; ``str(e)`` says why."""


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
    #: Values left out, and why (``url 'javascript:x' is not an http(s) or mailto address``).
    dropped: list[str] = field(default_factory=list)


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


def read_input_bib(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the ``.bib`` file named on the command line (``-``: standard input),
    read the checked way (:func:`cvdata._files.read_input`): a regular file of bounded size.

    Raises
    ------
    BibImportError
        Naming the file and why it is not read (a pipe, a device, a folder, too big).
    """
    shown = _shown_input(path)
    try:
        return read_input(path)
    except FileNotFoundError:
        raise BibImportError([f"{shown}: cannot read the file: no such file"]) from None
    except FileRefused as e:
        raise BibImportError([f"{shown}: {e.reason}"]) from None


def _shown_input(path: str | os.PathLike[str]) -> str:
    return shown_input(path) if os.fspath(path) == STDIN else display_path(Path(path))


def read_bibtex(path: str | os.PathLike[str], data: bytes | None = None) -> bibtexparser.Library:
    """Parse a ``.bib`` file (``data``: its bytes, when read already with
    :func:`read_input_bib`).

    Raises
    ------
    BibImportError
        When the file cannot be read as UTF-8, or with one message per block that bibtexparser
        could not parse (``refs.bib:12: entry 'zhou2026care': <what is wrong>``).
    """
    shown = _shown_input(path)
    if data is None:
        data = read_input_bib(path)
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
    messages += structure_problems(library, shown)
    if messages:
        noun = "entry" if len(messages) == 1 else "entries"
        messages.append(f"{len(messages)} {noun} cannot be read; nothing was imported")
        raise BibImportError(messages)
    return library


# ---------------------------------------------------------------- braces

_NAME = re.compile(r"[^\s=,{}\"#()%]+")
_FIELDS_OUTSIDE = re.compile(r"^\s*[,})]|[\w-]+\s*=\s*[{\"]")


class _Malformed(ValueError):
    def __init__(self, pos: int, message: str):
        self.pos = pos
        super().__init__(message)


def _skip_space(raw: str, i: int, comments: bool = False) -> int:
    while i < len(raw):
        if raw[i].isspace():
            i += 1
        elif comments and raw[i] == "%":  # a comment line between fields (bibtexparser's)
            end = raw.find("\n", i)
            i = len(raw) if end < 0 else end + 1
        else:
            break
    return i


def _braced(raw: str, i: int, name: str) -> int:
    """The end of the ``{...}`` value at ``i``: every brace counts, as in BibTeX (a
    backslash does not protect one)."""
    depth = 0
    for j in range(i, len(raw)):
        if raw[j] == "{":
            depth += 1
        elif raw[j] == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    raise _Malformed(i, f"field {name!r}: the value's '{{' is never closed")


def _quoted(raw: str, i: int, name: str) -> int:
    depth = 0
    for j in range(i + 1, len(raw)):
        ch = raw[j]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise _Malformed(j, f"field {name!r}: a '}}' without its '{{' in the quoted value")
        elif ch == '"' and depth == 0:
            return j + 1
    raise _Malformed(i, f"field {name!r}: the value's '\"' is never closed")


def check_entry(raw: str) -> None:
    """Check one entry's text against BibTeX's own rules: ``@type{key, name = value, ...}``
    where a value is ``{...}`` or ``"..."`` with balanced braces, a number or a macro name,
    joined by ``#``. bibtexparser is more lenient (``title = {Broken} title},`` ends the
    entry after ``title``, and the fields after it are silently lost).

    Raises
    ------
    _Malformed
        With the position in ``raw`` and what is wrong.
    """
    m = re.match(r"\s*@\s*\w+\s*([{(])", raw)
    if not m:
        raise _Malformed(0, "not an entry")
    close = "}" if m.group(1) == "{" else ")"
    i = raw.find(",", m.end())
    if i < 0:
        i = _skip_space(raw, m.end())
        while i < len(raw) and raw[i] not in f"{close},":
            i += 1
    i = i + 1 if i < len(raw) and raw[i] == "," else i
    while True:
        i = _skip_space(raw, i, comments=True)
        if i >= len(raw):
            raise _Malformed(i, f"the entry's '{m.group(1)}' is never closed")
        if raw[i] == close:
            break
        name_m = _NAME.match(raw, i)
        if not name_m:
            raise _Malformed(i, f"{raw[i : i + 20]!r} where a field name belongs")
        name = name_m.group(0)
        i = _skip_space(raw, name_m.end())
        if i >= len(raw) or raw[i] != "=":
            raise _Malformed(i, f"field {name!r} has no '=' after its name")
        while True:
            i = _skip_space(raw, i + 1)
            if i < len(raw) and raw[i] == "{":
                i = _braced(raw, i, name)
            elif i < len(raw) and raw[i] == '"':
                i = _quoted(raw, i, name)
            else:
                piece = _NAME.match(raw, i)
                if not piece:
                    raise _Malformed(i, f"field {name!r} has no value")
                i = piece.end()
            i = _skip_space(raw, i)
            if i < len(raw) and raw[i] == "#":
                continue
            break
        if i < len(raw) and raw[i] == ",":
            i += 1
            continue
        if i < len(raw) and raw[i] == close:
            break
        after = raw[i : i + 20]
        raise _Malformed(
            i,
            f"field {name!r}: {after!r} follows the value; a brace in the value is "
            "probably not balanced",
        )
    rest = raw[i + 1 :].strip()
    if rest:
        raise _Malformed(i + 1, f"{rest[:20]!r} after the end of the entry")


def structure_problems(library: bibtexparser.Library, shown: str) -> list[str]:
    """Entries that real BibTeX would read differently from bibtexparser (unbalanced
    braces), and text between entries that looks like the lost fields of the entry before
    it. One message per problem, with its line."""
    messages = []
    previous = ""
    for block in library.blocks:
        start = block.start_line or 0
        if isinstance(block, model.Entry):
            previous = block.key
            try:
                check_entry(block.raw or "")
            except _Malformed as e:
                line = start + (block.raw or "")[: e.pos].count("\n") + 1
                messages.append(f"{shown}:{line}: entry {block.key!r}: {e}")
        elif isinstance(block, model.ImplicitComment):
            kept = "\n".join(
                x for x in (block.raw or "").splitlines() if not x.lstrip().startswith("%")
            )
            if _FIELDS_OUTSIDE.search(kept):
                where = f" of entry {previous!r}" if previous else ""
                messages.append(
                    f"{shown}:{start + 1}: {' '.join(kept.split())[:40]!r} outside any entry "
                    f"looks like fields{where}: a '}}' probably closes the entry too early"
                )
    return messages


# ---------------------------------------------------------------- one entry


def _decode(value: str) -> str:
    """LaTeX text as Unicode: accents, escapes and protective braces resolved; control
    characters read as spaces.

    Raises
    ------
    LatexError
        When pylatexenc cannot read the LaTeX (it raises on a few macro forms).
    """
    value = _CONTROL.sub(" ", value)
    if not re.search(r"[\\{}~$]|--", value):
        return " ".join(value.split())
    quiet = logging.getLogger("pylatexenc")
    level, quiet.level = quiet.level, logging.CRITICAL  # it logs its own failures as well
    try:
        walker = latexwalker.LatexWalker(value, latex_context=_WALKER_CONTEXT)
        nodes, _, _ = walker.get_latex_nodes()
        plain = _latex.nodelist_to_text(nodes)
    except Exception as e:  # pylatexenc raises IndexError, KeyError, ValueError, ...
        raise LatexError(
            f"cannot read its LaTeX {value[:60]!r} (a command without its arguments, or an "
            "environment not closed?); write it as plain text"
        ) from e
    finally:
        quiet.setLevel(level)
    plain = _CONTROL.sub(" ", plain.replace("\xa0", " ").replace("ˆ", "^"))
    return " ".join(plain.split())


def _fields(entry: model.Entry) -> dict[str, str]:
    """The entry's fields by lower-case name; text fields decoded, the others (doi, url,
    ...) stripped. Raises :class:`LatexError` naming the field."""
    out = {}
    for f in entry.fields:
        key = f.key.lower()
        value = str(f.value)
        if key in TEXT_FIELDS and key != "author":
            try:
                out[key] = _decode(value)
            except LatexError as e:
                raise LatexError(f"field {key!r}: {e}") from e
        else:
            out[key] = " ".join(_CONTROL.sub(" ", value).split())
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
    skips (already in the CV, no title, an entry type cvdata has no place for).

    Raises
    ------
    BibImportError
        With one message per entry whose LaTeX cannot be read (line, entry and field).
    """
    known = _Known.of(cv)
    venues = _Venues(cv)
    owner = text(cv.owner["name"])
    added: list[NewPaper] = []
    skipped: list[Skipped] = []
    note = f"Imported from {Path(source).name}" if source else "Imported from BibTeX"
    shown = display_path(Path(source)) if source else "<bibtex>"
    unreadable: list[str] = []
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        try:
            fields = _fields(entry)
            authors = _names(entry)
        except LatexError as e:
            unreadable.append(f"{shown}:{line}: entry {entry.key!r}: {e}")
            continue
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
        added.append(_new_paper(entry, fields, authors, pid, ptype, year, venues, owner, note))
    if unreadable:
        noun = "entry" if len(unreadable) == 1 else "entries"
        raise BibImportError(
            [*unreadable, f"{len(unreadable)} {noun} cannot be read; nothing was imported"]
        )
    return ImportPlan(source, len(library.entries), added, skipped)


def _names(entry: model.Entry) -> list[str]:
    if "author" not in entry.fields_dict:
        return []
    try:
        return split_authors(str(entry.fields_dict["author"].value))
    except LatexError as e:
        raise LatexError(f"field 'author': {e}") from e


def _new_paper(
    entry: model.Entry,
    fields: dict[str, str],
    names: list[str],
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
    dropped = []
    doi = norm_doi(fields.get("doi", ""))
    if doi and not _DOI.match(doi):
        dropped.append(f"doi {doi!r} is not a DOI (10.NNNN/...)")
        doi = ""
    for scheme, label, value in (
        ("doi", "DOI", doi),
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
    elif url:
        dropped.append(f"url {url!r} is not an http, https or mailto address")
    paper = {
        "id": pid,
        "title": fields["title"],
        "type": ptype,
        "status": _status(ptype, fields),
        "venue_id": venue_id,
        "venue_display": "" if venue_id else venue,
        "year": year,
        "authors_truncated": "true" if truncated else "false",
        "notes": _CONTROL.sub(" ", f"{note} (entry {entry.key})."),
    }
    line = (entry.start_line or 0) + 1
    return NewPaper(entry.key, line, paper, authors, identifiers, links, dropped)


# ---------------------------------------------------------------- the import format


def _problem(message: str, shown: str) -> Problem:
    """One of :class:`BibImportError`'s messages as a problem of the input."""
    m = re.match(r"^(.+?):(\d+): (.*)$", message, re.S)
    if m and m.group(1) == shown:
        return Problem(shown, int(m.group(2)), None, m.group(3))
    rest = message.removeprefix(f"{shown}: ")
    return Problem(shown, None, None, rest)


def _report(plan: ImportPlan, library: bibtexparser.Library, shown: str) -> Report:
    """What came in, per entry type: stored, already in the CV, set aside and why; and
    the per-entry lines ``cvdata import bibtex`` has always printed."""
    report = Report()
    kinds = {(e.key, (e.start_line or 0) + 1): f"@{e.entry_type}" for e in library.entries}
    for e in library.entries:
        report.section(f"@{e.entry_type}").came_in += 1
    report.lines.append(f"{shown}: {plan.entries} entries read")
    for s in plan.skipped:
        section = report.section(kinds.get((s.key, s.line), "@?"))
        if s.reason.startswith("already in the CV"):
            section.merged += 1
        else:
            section.set_aside.append((f"{shown}:{s.line} (entry {s.key})", s.reason))
        report.lines.append(f"  skip {s.key} (line {s.line}): {s.reason}")
    for p in plan.added:
        report.section(kinds.get((p.key, p.line), "@?")).stored += 1
        row = p.paper
        detail = ", ".join(x for x in (row["type"], row["status"], row["year"]) if x)
        venue = row["venue_id"] or row["venue_display"]
        report.lines.append(
            f"  add  {row['id']} (line {p.line}): {row['title']!r} [{detail}]"
            f"{' at ' + venue if venue else ''}; {len(p.authors)} authors"
        )
        report.lines += [f"       left out: {note}" for note in p.dropped]
    return report


def read(
    inputs: Sequence[str], options: argparse.Namespace, existing: CV | None, as_of: dt.date
) -> Incoming:
    """``cvdata import bibtex FILE``: the papers of FILE not in ``existing`` yet, as rows
    (:func:`read_bibtex`, then :func:`plan_import`); see :mod:`cvdata.formats._format`."""
    name = inputs[0]
    shown = _shown_input(name)
    if existing is None:
        reason = (
            "papers are added to an existing CV; make one first "
            "(cvdata init DATA_DIR --name 'Your Name', or cvdata import jsonresume)"
        )
        return Incoming(problems=[Problem(shown, None, None, reason)])
    try:
        library = read_bibtex(name)
        plan = plan_import(existing, library, str(name))
    except BibImportError as e:
        return Incoming(problems=[_problem(m, shown) for m in e.messages])
    return Incoming(tables=plan.rows(), report=_report(plan, library, shown))


__all__ = [
    "BibImportError",
    "ImportPlan",
    "LatexError",
    "NewPaper",
    "Skipped",
    "natural_name",
    "norm_title",
    "paper_type",
    "plan_import",
    "read",
    "read_bibtex",
    "read_input_bib",
    "same_name",
    "split_authors",
    "structure_problems",
]
