"""One BibTeX entry read the way DBLP, arXiv, Google Scholar, Zotero and al-folio write it.

- **Kind.** The entry type decides (``@inproceedings``: a conference paper), except where the
  content says more: ``journal = {CoRR}`` (DBLP's arXiv), ``{arXiv}`` or ECCC is a preprint;
  an ``@article`` whose journal is only a known conference's name (``ICML``) a conference paper;
  a ``@misc`` that is a talk or keynote (its title, ``howpublished``, ``type`` or ``note``
  says so) goes to ``talks.csv``; an editorial board is set aside for ``service.csv``; any
  other ``@misc`` without an arXiv id is a preprint, flagged as a guess.
- **arXiv id**, from ``eprint`` (with ``archiveprefix``/``eprinttype`` arXiv, or in a CoRR
  entry), DBLP's ``volume = {abs/2408.03465}``, al-folio's ``arxiv``, an arxiv.org ``url``
  or a ``10.48550/arXiv.*`` DOI.
- **Venue short name**: al-folio's ``abbr``; DBLP's braced acronym before the year
  (``{ICML} 2023``); an ACM ``series`` (``KDD '23``); an acronym in parentheses
  (``(NeurIPS)``). Papers with one short name share one venue across years.
- **Patents** keep their number, country and status (granted, or an application).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bibtexparser import model

from ...cells import STATUS_ORDER
from .._venues import only_a_conference
from ._latex import CONTROL, LatexError, decode

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
#: Fields holding LaTeX text (decoded to Unicode); the others (url, doi, ...) are kept as is.
TEXT_FIELDS = {
    "title",
    "author",
    "type",
    "pubstate",
    "abbr",
    "award",
    "note",
    "series",
    "location",
    "address",
    "nationality",
    *VENUE_FIELDS,
}
URL = re.compile(r"^(https?://|mailto:)\S+$")
#: Preprint servers as journals: (pattern of the journal, acronym, name).
SERVERS = (
    (re.compile(r"^(corr|arxiv\b.*|arxiv e-prints)$", re.I), "arXiv", "arXiv"),
    (
        re.compile(
            r"^(eccc|electron\. colloquium comput\. complex\.?|electronic colloquium "
            r"on computational complexity.*)$",
            re.I,
        ),
        "ECCC",
        "Electronic Colloquium on Computational Complexity",
    ),
)
_TALK = re.compile(
    r"\b(keynote|invited (talk|lecture)|talk|seminar|colloquium|presentation|lecture|panel|"
    r"poster|tutorial)\b",
    re.I,
)
_EDITORIAL = re.compile(
    r"\b(editorial board|associate editor|editor[- ]in[- ]chief|guest editor|area editor|"
    r"action editor)\b",
    re.I,
)
_ARXIV_ID = r"(\d{4}\.\d{4,5}(v\d+)?|[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?)"


@dataclass(frozen=True)
class Kind:
    """Where an entry goes: ``table`` is ``papers``, ``talks`` or ``service`` (set aside);
    ``value`` the paper type or talk kind; ``guessed`` says why when the kind is a guess."""

    table: str
    value: str
    guessed: str = ""


def fields_of(entry: model.Entry) -> dict[str, str]:
    """The entry's fields by lower-case name; text fields decoded, the others (doi, url,
    ...) stripped. Raises :class:`LatexError` naming the field."""
    out = {}
    for f in entry.fields:
        key = f.key.lower()
        value = str(f.value)
        if key in TEXT_FIELDS and key != "author":
            try:
                out[key] = decode(value)
            except LatexError as e:
                raise LatexError(f"field {key!r}: {e}") from e
        else:
            out[key] = " ".join(CONTROL.sub(" ", value).split())
    return out


def _server(fields: dict[str, str]) -> tuple[str, str] | None:
    """The preprint server the entry names as its journal (DBLP's ``CoRR``), or, with no
    journal, as its publisher (arXiv's own export: ``publisher = {arXiv}``)."""
    journal = fields.get("journal", "") or fields.get("journaltitle", "")
    journal = journal or fields.get("publisher", "")
    for pattern, acronym, name in SERVERS:
        if pattern.match(journal.strip()):
            return acronym, name
    return None


def _is_arxiv(fields: dict[str, str]) -> bool:
    return "arxiv" in (fields.get("archiveprefix", "") + fields.get("eprinttype", "")).lower()


def arxiv_id(fields: dict[str, str]) -> str:
    """The entry's arXiv id, from the first field that gives one (module docstring)."""
    server = _server(fields)
    if fields.get("eprint") and (_is_arxiv(fields) or (server and server[0] == "arXiv")):
        return re.sub(r"^arxiv:\s*", "", fields["eprint"].strip(), flags=re.I)
    m = re.match(rf"^arxiv:\s*{_ARXIV_ID}$", fields.get("eprint", "").strip(), re.I)
    if m:  # `eprint = {arXiv:2501.01087}`, the prefix saying which server
        return m.group(1)
    if server and server[0] == "arXiv":
        m = re.match(rf"^abs/{_ARXIV_ID}$", fields.get("volume", "").strip())
        if m:
            return m.group(1)
    if fields.get("arxiv"):
        m = re.search(rf"{_ARXIV_ID}$", fields["arxiv"].strip().rstrip("/"))
        return m.group(1) if m else ""
    for name in ("journal", "note", "howpublished"):  # Scholar's "arXiv preprint arXiv:ID"
        m = re.search(rf"\barxiv:\s*{_ARXIV_ID}", fields.get(name, ""), re.I)
        if m:
            return m.group(1)
    for value in (fields.get("url", ""), fields.get("doi", "")):
        m = re.search(rf"(arxiv\.org/(abs|pdf)/|10\.48550/arxiv\.){_ARXIV_ID}", value, re.I)
        if m:
            return m.group(3)
    return ""


def paper_type(entry_type: str, fields: dict[str, str]) -> str | None:
    """The paper type of an entry, or ``None`` for entry types cvdata has no place for."""
    etype = entry_type.lower()
    journal = fields.get("journal", "") or fields.get("journaltitle", "")
    if etype == "article" and (_server(fields) or journal.lower().startswith("arxiv")):
        return "preprint"
    # An arXiv id beside a journal is the published paper's preprint (Mendeley and Zotero
    # add eprint/archivePrefix to journal articles); with no journal, the preprint itself
    # (al-folio's `arxiv = {...}` with `abbr = {arXiv}`).
    if etype == "article" and not journal.strip() and (_is_arxiv(fields) or arxiv_id(fields)):
        return "preprint"
    # al-folio and hand-written files put a conference in `journal` (`@article{...,
    # journal = {ICML}}`): a conference paper, when the field is nothing but its name.
    if etype == "article" and only_a_conference(journal):
        return "conference"
    if etype == "misc":
        where = " ".join(fields.get(f, "") for f in ("howpublished", "organization", "note"))
        return "blog" if "blog" in where.lower() and not _is_arxiv(fields) else "preprint"
    return ENTRY_TYPES.get(etype)


def kind(entry_type: str, fields: dict[str, str]) -> Kind | None:
    """Where the entry goes (see the module docstring); ``None`` for an entry type cvdata
    has no place for."""
    ptype = paper_type(entry_type, fields)
    if entry_type.lower() != "misc" or ptype is None:
        return None if ptype is None else Kind("papers", ptype)
    said = " ".join(fields.get(f, "") for f in ("type", "howpublished", "note", "title"))
    if _EDITORIAL.search(said):
        return Kind("service", "editorial")
    if arxiv_id(fields) or _server(fields):
        return Kind("papers", "preprint")
    m = _TALK.search(" ".join(fields.get(f, "") for f in ("type", "howpublished", "note")))
    m = m or _TALK.search(fields.get("title", ""))
    if m:
        word = m.group(1).lower()
        talk = {"keynote": "keynote", "panel": "panel", "poster": "poster"}.get(word, "talk")
        if word.startswith("invited") or (talk == "talk" and re.search(r"\binvited\b", said, re.I)):
            talk = "invited-talk"
        return Kind("talks", talk)
    if ptype == "blog":
        return Kind("papers", "blog")
    return Kind(
        "papers",
        "preprint",
        "a @misc entry with no arXiv id and no word of a talk: imported as a preprint",
    )


def year_of(fields: dict[str, str]) -> str:
    for name in ("year", "date"):
        m = re.search(r"\b(\d{4})\b", fields.get(name, ""))
        if m:
            return m.group(1)
    return ""


#: A state written into the year field (``year = {2020, in press}``), as ``pubstate`` says it.
_YEAR_STATES = (
    (re.compile(r"\bin\s*press\b", re.I), "accepted"),
    (re.compile(r"\b(?:to appear|forthcoming)\b", re.I), "forthcoming"),
    (re.compile(r"\bunder\s+review\b", re.I), "under-review"),
    (re.compile(r"\bsubmitted\b", re.I), "submitted"),
)


def year_rest(fields: dict[str, str]) -> str:
    """What the year field says besides its year (``in press, journal track``), or ''."""
    said = fields.get("year", "")
    return re.sub(r"\b\d{4}\b", "", said, count=1).strip(" \t,;.()") if said else ""


def status_of(ptype: str, fields: dict[str, str]) -> str:
    state = fields.get("pubstate", "").strip().lower()
    if state in STATUS_ORDER:
        return state
    if state in PUBSTATES:
        return PUBSTATES[state]
    rest = year_rest(fields)
    for pattern, status in _YEAR_STATES if rest else ():
        if pattern.search(rest):
            return status
    return "preprint" if ptype == "preprint" else "published"


@dataclass(frozen=True)
class Venue:
    """Where an entry appeared: the text to print, and a short name when the entry gives one
    (``acronym``; ``name`` the venue without its year, ``kind`` as in ``venues.csv``)."""

    display: str
    acronym: str = ""
    name: str = ""
    kind: str = ""


_VENUE_KINDS = {"conference": "conference", "journal": "journal", "preprint": "preprint-server"}
#: DBLP's braced acronym before a year: ``{ICML} 2023``, ``{(PAIS} 2020)``.
_DBLP_ACRONYM = re.compile(r"\{\(?([A-Za-z][\w\-/&+@.]*)\}\s*'?(\d{4}|\d{2})\b")
_SERIES = re.compile(r"^([A-Z][\w\-&/+@]*)\s*['’]\s*\d{2}$")
#: An acronym in parentheses, with its year: ``(IJCAI 2020)``, ``(OptMAS-18)``: a hyphen
#: inside the acronym joins letters (``AAMAS-DC``), before the year it is not the acronym's.
_PAREN = re.compile(r"\(([A-Z][A-Za-z]*[A-Z](?:[A-Za-z]|-(?=[A-Za-z]))*)(\s*[-'’]?\s*\d{2,4})?\)")


def venue_of(ptype: str, fields: dict[str, str], raw: dict[str, str]) -> Venue:
    """The entry's venue (module docstring); ``raw`` holds the fields as written, where
    DBLP's braces still mark the acronym."""
    server = _server(fields) if ptype == "preprint" else None
    said = next((fields[f] for f in VENUE_FIELDS if fields.get(f)), "")
    if ptype == "preprint" and not server and arxiv_id(fields) and said.lower() in ("", "arxiv"):
        server = ("arXiv", "arXiv")  # Zotero's and Scholar's arXiv entries
    if server:
        number = fields.get("volume", "") if server[0] != "arXiv" else ""  # ECCC's TR23-012
        shown = f"{server[1]}, {number}" if number else server[1]
        return Venue(shown, server[0], server[1], "preprint-server")
    field = next((f for f in VENUE_FIELDS if fields.get(f)), "")
    display = fields.get(field, "")
    kind = _VENUE_KINDS.get(ptype, "")
    abbr = fields.get("abbr", "").strip()
    if abbr and kind and display:
        return Venue(display, abbr, _venue_name(display, abbr), kind)
    if not display or not kind:
        return Venue(display)
    m = _DBLP_ACRONYM.search(raw.get(field, ""))
    acronym = m.group(1) if m else ""
    series = _SERIES.match(fields.get("series", "").strip())
    if not acronym and series:
        acronym = series.group(1)
    paren = _PAREN.search(display)
    if not acronym and paren:
        acronym = paren.group(1)
    if not acronym:
        return Venue(display)
    return Venue(display, acronym, _venue_name(display, acronym), kind)


def _venue_name(display: str, acronym: str) -> str:
    """The venue's name without the year, place and dates DBLP appends: the text before
    the acronym, else before the first comma."""
    at = display.find(acronym)
    before = display[:at] if at > 0 else ""
    before = re.sub(r"^\s*(proceedings of (the )?)?(\d+(st|nd|rd|th) )?", "", before, flags=re.I)
    before = before.strip(" ,;:-–—(")
    if len(before) >= 4:
        return before
    first = re.split(r",|\s[-–—]\s", display[at + len(acronym) :] if at >= 0 else display)
    rest = re.sub(r"^\s*'?\d{2,4}\b", "", first[0] if first else "").strip(" ,;:-–—()")
    return rest if len(rest) >= 4 else acronym


_COUNTRY = re.compile(r"^([A-Z]{2})\s*[\d/,]")
_APPLICATION = re.compile(r"\b(application|pending|filed|provisional)\b", re.I)


def patent(fields: dict[str, str]) -> tuple[str, str, list[tuple[str, str, str]]]:
    """A patent's venue text (``US patent``, ``EP patent application``), status and
    identifiers ``(scheme, value, label)``: its number is kept whole."""
    said = " ".join(fields.get(f, "") for f in ("type", "note", "pubstate"))
    application = bool(_APPLICATION.search(said))
    number = fields.get("number", "").strip()
    country = next(
        (
            fields[f].strip()
            for f in ("nationality", "location", "address", "country")
            if fields.get(f)
        ),
        "",
    )
    m = _COUNTRY.match(number)
    if not country and m:
        country = m.group(1)
    what = "patent application" if application else "patent"
    display = f"{country} {what}".strip()
    display = display[:1].upper() + display[1:]
    ids = []
    if number:
        scheme = "patent-application" if application else "patent-publication"
        ids.append((scheme, number, display))
    return display, "submitted" if application else "published", ids


#: al-folio's link fields: field -> (paper_links kind, label).
LINK_FIELDS = {
    "url": ("paper", "Paper"),
    "html": ("paper", "HTML"),
    "pdf": ("paper", "PDF"),
    "code": ("code", "Code"),
    "website": ("website", "Website"),
    "slides": ("slides", "Slides"),
    "poster": ("document", "Poster"),
    "video": ("video", "Video"),
    "blog": ("blog", "Blog"),
    "supp": ("document", "Supplement"),
}


def links_of(fields: dict[str, str], pid: str) -> tuple[list[dict[str, str]], list[str]]:
    """Rows of ``paper_links.csv`` from ``url`` and al-folio's link fields, and the values
    left out (a file name of the site, not an address)."""
    links: list[dict[str, str]] = []
    dropped = []
    seen = set()
    for name, (kind_, label) in LINK_FIELDS.items():
        value = fields.get(name, "").strip()
        if not value or value in seen:
            continue
        seen.add(value)
        if not URL.match(value):
            dropped.append(f"{name} {value!r} is not an http, https or mailto address")
            continue
        links.append(
            {"paper_id": pid, "position": str(len(links) + 1), "kind": kind_, "label": label,
             "url": value}
        )  # fmt: skip
    return links, dropped


__all__ = [
    "ENTRY_TYPES",
    "Kind",
    "Venue",
    "arxiv_id",
    "fields_of",
    "kind",
    "links_of",
    "paper_type",
    "patent",
    "status_of",
    "venue_of",
    "year_of",
    "year_rest",
]
