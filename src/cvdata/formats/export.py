"""The CV in other people's formats: BibTeX and CSL-JSON for the papers, JSON Resume for all.

Each builder takes a loaded :class:`~cvdata.load.CV` and returns a string (BibTeX) or plain
JSON-ready data (CSL-JSON, JSON Resume); :func:`to_json` writes the latter. Contacts marked
``private`` never appear in any of them.

    from cvdata import load
    from cvdata.formats.export import bibtex, csl, jsonresume, to_json

    cv = load()
    text = bibtex(cv)                # @inproceedings{zhou2026care, ...}
    items = csl(cv)                  # [{"id": "care", "type": "paper-conference", ...}]
    resume = jsonresume(cv)          # {"basics": ..., "work": [...], ...}
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pandas as pd
from bibtexparser import model

from ..cells import flag as _flag
from ..cells import text
from ..load import CV
from ._paper_fields import _authors, _paper_url, _papers, _venue, safe_url

#: The BibTeX field that carries the paper's id, so that an import recognises the paper.
ID_FIELD = "x-cvdata-id"

#: Paper type -> BibTeX entry type (``patent`` and ``online`` are biblatex types).
BIBTEX_TYPES = {
    "conference": "inproceedings",
    "journal": "article",
    "book": "book",
    "preprint": "misc",
    "patent": "patent",
    "thesis": "phdthesis",
    "blog": "online",
}
#: Paper type -> the BibTeX field that names the venue.
BIBTEX_VENUE_FIELDS = {
    "conference": "booktitle",
    "journal": "journal",
    "book": "publisher",
    "preprint": "howpublished",
    "patent": "type",
    "thesis": "school",
    "blog": "organization",
}
#: Paper type -> CSL item type.
CSL_TYPES = {
    "conference": "paper-conference",
    "journal": "article-journal",
    "book": "book",
    "preprint": "article",
    "patent": "patent",
    "thesis": "thesis",
    "blog": "post-weblog",
}
#: Paper type -> the CSL variable that names the venue.
CSL_VENUE_FIELDS = {
    "conference": "container-title",
    "journal": "container-title",
    "book": "publisher",
    "preprint": "container-title",
    "patent": "authority",
    "thesis": "publisher",
    "blog": "container-title",
}

_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le"}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_STOPWORDS = {"a", "an", "the", "on", "of"}


# ---------------------------------------------------------------- helpers


def _cjk(s: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in s)


def split_name(name: str) -> dict[str, str]:
    """A person's name as CSL parts: ``{"family", "given"}`` (and ``suffix``), or
    ``{"literal"}`` when it cannot be split (one word, or written in a CJK script).

    ``"Zhongzhu Zhou"`` -> given ``Zhongzhu``, family ``Zhou``; ``"Zhou, Zhongzhu"`` the same;
    ``"Ludwig van Beethoven"`` -> family ``van Beethoven``; ``"Martin Luther King Jr."`` ->
    family ``King``, suffix ``Jr.``.
    """
    name = " ".join(name.split())
    if "," in name:
        family, _, given = (p.strip() for p in name.partition(","))
        if family and given:
            return {"family": family, "given": given}
    words = name.split(" ")
    if len(words) < 2 or _cjk(name):
        return {"literal": name}
    suffix = ""
    if words[-1].lower() in _SUFFIXES and len(words) > 2:
        suffix = words.pop()
    i = len(words) - 1
    while i > 1 and words[i - 1].lower() in _PARTICLES:
        i -= 1
    parts = {"family": " ".join(words[i:]), "given": " ".join(words[:i])}
    if suffix:
        parts["suffix"] = suffix
    return parts


def _ascii_word(s: str) -> str:
    folded = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _key_stem(family: str, year: str, title: str) -> str:
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in _STOPWORDS]
    return f"{_ascii_word(family)}{year}{words[0] if words else ''}"


def _identifiers(cv: CV, paper_id: str, scheme: str) -> list[str]:
    rows = cv.paper_identifiers[
        (cv.paper_identifiers["paper_id"] == paper_id) & (cv.paper_identifiers["scheme"] == scheme)
    ]
    return [text(v) for v in rows["value"]]


def unsafe_urls(cv: CV) -> list[str]:
    """The addresses the exports leave out (not http, https or mailto), each with where it
    is: ``paper_links: paper 'care': 'javascript:alert(1)'``."""
    out = []
    public = cv.contacts[cv.contacts["visibility"] == "public"]
    for table, frame, owner, noun, column in (
        ("paper_links", cv.paper_links, "paper_id", "paper", "url"),
        ("project_links", cv.project_links, "project_id", "project", "url"),
        ("contacts", public, "id", "contact", "url"),
        ("roles", cv.roles, "id", "role", "url"),
        ("certifications", cv.certifications, "id", "certification", "url"),
        ("volunteering", cv.volunteering, "id", "volunteering", "url"),
        ("meta", cv.meta, "canonical", "meta", "canonical"),
    ):
        for row in frame.itertuples():
            url = text(getattr(row, column, None))
            if url and not safe_url(url):
                out.append(f"{table}: {noun} {text(getattr(row, owner))!r}: {url!r}")
    return out


# ---------------------------------------------------------------- BibTeX
#
# BibTeX has no escape for a brace: inside a value every "{" and "}" counts, "\{" included,
# and an unbalanced one ends the value (and the entry) early, or swallows what follows.
# So nothing from the tables is written as a brace: LaTeX text gets \textbraceleft{} and
# \textbraceright{}, verbatim fields (doi, url, eprint, isbn) percent-encode it. Every
# value is one line: a line break would let "@misc{..." start a new entry (bibtexparser
# starts one at any "@" that begins a line), so control characters become spaces.

#: Control characters, line and paragraph separators (str.splitlines breaks on them).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

_TEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
#: Characters a verbatim BibTeX field (doi, url, ...) never holds as they are.
_VERBATIM_UNSAFE = re.compile(r"[{}\\\s\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Fields written verbatim (percent-encoded where needed), not as LaTeX text.
VERBATIM_FIELDS = ("doi", "isbn", "eprint", "url", ID_FIELD)


def one_line(s: str) -> str:
    """``s`` with every control character and line separator as a space."""
    return _CONTROL.sub(" ", s)


def tex_escape(s: str) -> str:
    """Text for a BibTeX field that LaTeX prints as written (UTF-8 is kept as it is).

    Braces become ``\\textbraceleft{}`` / ``\\textbraceright{}`` (BibTeX counts ``\\{`` as a
    brace, so a lone one would break the entry); control characters and line breaks are
    spaces, and runs of spaces one (as BibTeX and LaTeX read them anyway).
    """
    escaped = " ".join(one_line(s).split()).translate(_TEX_ESCAPES)
    while "--" in escaped:  # no en/em-dash ligatures
        escaped = escaped.replace("--", "-{}-")
    return escaped


def verbatim(s: str) -> str:
    """A DOI, URL or other identifier for a verbatim BibTeX field: braces, backslashes,
    spaces and control characters are percent-encoded (``{`` -> ``%7B``), as a URL would
    have them; the rest is kept."""
    return _VERBATIM_UNSAFE.sub(
        lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), s
    )


def _bib_name(name: str) -> str:
    """One author for the ``author`` list: a name that BibTeX would split or read as
    ``et al.`` (``Barnes and Noble``, ``others``, more than two commas) is kept whole in
    braces."""
    escaped = tex_escape(name).strip()
    if (
        re.search(r"(^|\s)and(\s|$)", escaped, re.IGNORECASE)
        or escaped.casefold() == "others"
        or escaped.count(",") > 2
    ):
        return "{" + escaped + "}"
    return escaped


def bibtex_keys(cv: CV) -> dict[str, str]:
    """Citation key of every paper, by paper id: first author's family name, year and the
    first word of the title (``zhou2026care``); repeats get ``b``, ``c``, ... in file order.
    Papers without authors use the title word alone. Keys are ASCII letters and digits."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for paper in _papers(cv):
        pid = text(paper["id"])
        authors = _authors(cv, pid)
        family = ""
        if authors:
            parts = split_name(authors[0])
            family = parts.get("family") or parts.get("literal", "")
        year = re.sub(r"[^0-9]", "", text(paper["year"]))
        stem = _key_stem(family, year, text(paper["title"])) or _ascii_word(pid) or "paper"
        key, n = stem, 1
        while key in used:
            n += 1
            key = stem + chr(ord("a") + n - 1) if n <= 26 else f"{stem}{n}"
        used.add(key)
        keys[pid] = key
    return keys


def bibtex_entry(cv: CV, paper: pd.Series, key: str) -> model.Entry:
    """One paper as a bibtexparser entry (values as written, without enclosing braces;
    every value is balanced and on one line)."""
    pid, ptype = text(paper["id"]), text(paper["type"])
    fields: list[tuple[str, str]] = [("title", "{" + tex_escape(text(paper["title"])) + "}")]
    authors = [_bib_name(a) for a in _authors(cv, pid) if a.strip()]
    if _flag(paper["authors_truncated"]) and authors:
        authors.append("others")
    if authors:
        fields.append(("author", " and ".join(authors)))
    venue = _venue(cv, paper)
    if venue:
        fields.append((BIBTEX_VENUE_FIELDS.get(ptype, "howpublished"), tex_escape(venue)))
    if text(paper["year"]):
        fields.append(("year", verbatim(text(paper["year"]))))
    status = text(paper["status"])
    if status != "published":
        fields.append(("pubstate", tex_escape(status)))
    for doi in _identifiers(cv, pid, "doi")[:1]:
        fields.append(("doi", verbatim(doi)))
    for isbn in _identifiers(cv, pid, "isbn")[:1]:
        fields.append(("isbn", verbatim(isbn)))
    for arxiv in _identifiers(cv, pid, "arxiv")[:1]:
        fields += [("eprint", verbatim(arxiv)), ("archiveprefix", "arXiv"), ("eprinttype", "arxiv")]
    numbers = _identifiers(cv, pid, "patent-publication")
    if numbers:
        fields.append(("number", tex_escape(", ".join(numbers))))
    applications = _identifiers(cv, pid, "patent-application")
    if applications:
        fields.append(("note", tex_escape("Application " + ", ".join(applications))))
    url = _paper_url(cv, pid)
    if url:
        fields.append(("url", verbatim(url)))
    fields.append((ID_FIELD, verbatim(pid)))
    etype = BIBTEX_TYPES.get(ptype, "misc")
    return model.Entry(etype, key, [model.Field(k, v) for k, v in fields])


def _write_entries(entries: list[model.Entry]) -> str:
    """BibTeX text of the entries: ``name = {value},`` one per line, aligned. Written here
    rather than by bibtexparser so that what reaches the file is exactly these values."""
    width = max((len(f.key) for e in entries for f in e.fields), default=0)
    blocks = []
    for e in entries:
        lines = [f"@{e.entry_type}{{{e.key},"]
        lines += [f"  {f.key:<{width}} = {{{f.value}}}," for f in e.fields]
        blocks.append("\n".join([*lines, "}"]) + "\n")
    return "\n".join(blocks)


def bibtex(cv: CV) -> str:
    """Every paper as BibTeX (UTF-8, biblatex types for patents and blog posts).

    Entry types: conference -> ``@inproceedings`` (``booktitle``), journal -> ``@article``
    (``journal``), book -> ``@book`` (``publisher``), preprint -> ``@misc`` (with ``eprint``
    when an arXiv id is known), patent -> ``@patent`` (``type``, ``number``), thesis ->
    ``@phdthesis`` (``school``), blog -> ``@online`` (``organization``). Authors keep their
    order and spelling, joined with `` and ``; a cut author list ends with ``others``. Work
    that is not published carries ``pubstate``; the paper id is kept in ``x-cvdata-id``.

    Whatever the tables hold, the text parses (with BibTeX's own brace rules) into exactly
    these entries and fields: braces in text are written ``\\textbraceleft{}`` and
    ``\\textbraceright{}``, in DOIs and URLs ``%7B`` and ``%7D``; control characters and
    line breaks are spaces; an ``@`` in the header comment (which would start an entry) is
    written ``(at)``; only http, https and mailto URLs are written.
    """
    keys = bibtex_keys(cv)
    entries = [bibtex_entry(cv, paper, keys[text(paper["id"])]) for paper in _papers(cv)]
    owner = one_line(text(cv.owner["name"])).replace("@", "(at)")
    header = f"% {len(cv.papers)} entries exported by cvdata from the CV of {owner}\n\n"
    return header + _write_entries(entries)


# ---------------------------------------------------------------- CSL-JSON


def csl_item(cv: CV, paper: pd.Series) -> dict[str, Any]:
    """One paper as a CSL-JSON item."""
    pid, ptype = text(paper["id"]), text(paper["type"])
    item: dict[str, Any] = {
        "id": pid,
        "type": CSL_TYPES.get(ptype, "article"),
        "title": text(paper["title"]),
    }
    authors = _authors(cv, pid)
    if authors:
        item["author"] = [split_name(a) for a in authors]
    if text(paper["year"]):
        item["issued"] = {"date-parts": [[int(paper["year"])]]}
    venue = _venue(cv, paper)
    if venue:
        item[CSL_VENUE_FIELDS.get(ptype, "container-title")] = venue
    if ptype == "thesis":
        item["genre"] = "PhD thesis"
    status = text(paper["status"])
    if status != "published":
        item["status"] = status.replace("-", " ")
    for doi in _identifiers(cv, pid, "doi")[:1]:
        item["DOI"] = doi
    for isbn in _identifiers(cv, pid, "isbn")[:1]:
        item["ISBN"] = isbn
    numbers = _identifiers(cv, pid, "patent-publication") or _identifiers(
        cv, pid, "patent-application"
    )
    if numbers:
        item["number"] = ", ".join(numbers)
    arxiv = _identifiers(cv, pid, "arxiv")
    if arxiv:
        item["number"] = f"arXiv:{arxiv[0]}"
    url = _paper_url(cv, pid)
    if url:
        item["URL"] = url
    return item


def csl(cv: CV) -> list[dict[str, Any]]:
    """Every paper as CSL-JSON items (for pandoc, Zotero, citeproc): id = paper id."""
    return [csl_item(cv, p) for p in _papers(cv)]


# ---------------------------------------------------------------- JSON Resume


def jsonresume(cv: CV, *, include_private: bool = False) -> dict[str, Any]:
    """The whole CV as a JSON Resume document: :func:`cvdata.formats.jsonresume.from_cv`, where
    the mapping both ways lives."""
    from ..formats.jsonresume import from_cv  # imports this module's paper helpers

    return from_cv(cv, include_private=include_private)


def to_json(data: Any) -> str:
    """Pretty UTF-8 JSON (non-ASCII kept as it is), ending in a newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- the export formats


def write_bibtex(cv: CV) -> tuple[str, str]:
    """``cvdata export bibtex``: the text, and what it holds in words."""
    return bibtex(cv), f"{len(cv.papers)} papers as BibTeX entries"


def write_csl(cv: CV) -> tuple[str, str]:
    """``cvdata export csl``: the text, and what it holds in words."""
    items = csl(cv)
    return to_json(items), f"{len(items)} papers as CSL-JSON items"


def write_jsonresume(cv: CV) -> tuple[str, str]:
    """``cvdata export jsonresume``: the text, and what it holds in words."""
    doc = jsonresume(cv)
    counts = ", ".join(
        f"{len(v)} {k}" for k, v in doc.items() if isinstance(v, list) and k != "basics"
    )
    return to_json(doc), f"JSON Resume with basics, {counts}"


__all__ = [
    "ID_FIELD",
    "bibtex",
    "bibtex_keys",
    "csl",
    "jsonresume",
    "one_line",
    "safe_url",
    "split_name",
    "tex_escape",
    "text",
    "to_json",
    "unsafe_urls",
    "verbatim",
    "write_bibtex",
    "write_csl",
    "write_jsonresume",
]
