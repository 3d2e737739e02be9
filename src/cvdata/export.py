"""The CV in other people's formats: BibTeX and CSL-JSON for the papers, JSON Resume for all.

Each builder takes a loaded :class:`~cvdata.load.CV` and returns a string (BibTeX) or plain
JSON-ready data (CSL-JSON, JSON Resume); :func:`to_json` writes the latter. Contacts marked
``private`` never appear in any of them.

    from cvdata import load
    from cvdata.export import bibtex, csl, jsonresume, to_json

    cv = load()
    text = bibtex(cv)                # @inproceedings{zhou2026care, ...}
    items = csl(cv)                  # [{"id": "care", "type": "paper-conference", ...}]
    resume = jsonresume(cv)          # {"basics": ..., "work": [...], ...}
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import bibtexparser
import pandas as pd
from bibtexparser import model

from .load import CV

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


def text(value: object) -> str:
    """A cell as text; missing values (``None``, ``pd.NA``, NaN, NaT) become ''."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and pd.isna(value):
        return ""
    return str(value)


def _flag(value: object) -> bool:
    return bool(text(value)) and bool(value)


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


def _venue(cv: CV, paper: pd.Series) -> str:
    """The venue's full name, else the venue line the CV prints."""
    vid = text(paper["venue_id"])
    if vid:
        match = cv.venues[cv.venues["id"] == vid]
        if not match.empty:
            return text(match.iloc[0]["name"])
    return text(paper["venue_display"])


def _authors(cv: CV, paper_id: str) -> list[str]:
    rows = cv.paper_authors[cv.paper_authors["paper_id"] == paper_id]
    return [text(n) for n in rows.sort_values("position")["name"]]


def _identifiers(cv: CV, paper_id: str, scheme: str) -> list[str]:
    rows = cv.paper_identifiers[
        (cv.paper_identifiers["paper_id"] == paper_id) & (cv.paper_identifiers["scheme"] == scheme)
    ]
    return [text(v) for v in rows["value"]]


def _paper_url(cv: CV, paper_id: str) -> str:
    """The first link of the paper that has an address, preferring ``paper`` links."""
    links = cv.paper_links[
        (cv.paper_links["paper_id"] == paper_id) & cv.paper_links["url"].notna()
    ].sort_values("position")
    if links.empty:
        return ""
    papers = links[links["kind"] == "paper"]
    return text((papers if not papers.empty else links).iloc[0]["url"])


def _papers(cv: CV) -> Iterable[pd.Series]:
    for _, paper in cv.papers.iterrows():
        yield paper


# ---------------------------------------------------------------- BibTeX

_TEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


def tex_escape(s: str) -> str:
    """Text for a BibTeX field that LaTeX prints as written (UTF-8 is kept as it is)."""
    escaped = s.translate(_TEX_ESCAPES)
    while "--" in escaped:  # no en/em-dash ligatures
        escaped = escaped.replace("--", "-{}-")
    return escaped


def bibtex_keys(cv: CV) -> dict[str, str]:
    """Citation key of every paper, by paper id: first author's family name, year and the
    first word of the title (``zhou2026care``); repeats get ``b``, ``c``, ... in file order.
    Papers without authors use the title word alone."""
    keys: dict[str, str] = {}
    used: set[str] = set()
    for paper in _papers(cv):
        pid = text(paper["id"])
        authors = _authors(cv, pid)
        family = ""
        if authors:
            parts = split_name(authors[0])
            family = parts.get("family") or parts.get("literal", "")
        stem = _key_stem(family, text(paper["year"]), text(paper["title"])) or _ascii_word(pid)
        key, n = stem, 1
        while key in used:
            n += 1
            key = stem + chr(ord("a") + n - 1) if n <= 26 else f"{stem}{n}"
        used.add(key)
        keys[pid] = key
    return keys


def bibtex_entry(cv: CV, paper: pd.Series, key: str) -> model.Entry:
    """One paper as a bibtexparser entry (values without enclosing braces)."""
    pid, ptype = text(paper["id"]), text(paper["type"])
    fields: list[tuple[str, str]] = [("title", "{" + tex_escape(text(paper["title"])) + "}")]
    authors = [tex_escape(a) for a in _authors(cv, pid)]
    if _flag(paper["authors_truncated"]) and authors:
        authors.append("others")
    if authors:
        fields.append(("author", " and ".join(authors)))
    venue = _venue(cv, paper)
    if venue:
        fields.append((BIBTEX_VENUE_FIELDS.get(ptype, "howpublished"), tex_escape(venue)))
    if text(paper["year"]):
        fields.append(("year", text(paper["year"])))
    status = text(paper["status"])
    if status != "published":
        fields.append(("pubstate", status))
    for doi in _identifiers(cv, pid, "doi")[:1]:
        fields.append(("doi", doi))
    for isbn in _identifiers(cv, pid, "isbn")[:1]:
        fields.append(("isbn", isbn))
    for arxiv in _identifiers(cv, pid, "arxiv")[:1]:
        fields += [("eprint", arxiv), ("archiveprefix", "arXiv"), ("eprinttype", "arxiv")]
    numbers = _identifiers(cv, pid, "patent-publication")
    if numbers:
        fields.append(("number", ", ".join(numbers)))
    applications = _identifiers(cv, pid, "patent-application")
    if applications:
        fields.append(("note", "Application " + ", ".join(applications)))
    url = _paper_url(cv, pid)
    if url:
        fields.append(("url", url))
    fields.append((ID_FIELD, pid))
    etype = BIBTEX_TYPES.get(ptype, "misc")
    return model.Entry(etype, key, [model.Field(k, v) for k, v in fields])


def bibtex(cv: CV) -> str:
    """Every paper as BibTeX (UTF-8, biblatex types for patents and blog posts).

    Entry types: conference -> ``@inproceedings`` (``booktitle``), journal -> ``@article``
    (``journal``), book -> ``@book`` (``publisher``), preprint -> ``@misc`` (with ``eprint``
    when an arXiv id is known), patent -> ``@patent`` (``type``, ``number``), thesis ->
    ``@phdthesis`` (``school``), blog -> ``@online`` (``organization``). Authors keep their
    order and spelling, joined with `` and ``; a cut author list ends with ``others``. Work
    that is not published carries ``pubstate``; the paper id is kept in ``x-cvdata-id``.
    """
    library = bibtexparser.Library()
    keys = bibtex_keys(cv)
    for paper in _papers(cv):
        library.add(bibtex_entry(cv, paper, keys[text(paper["id"])]))
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.value_column = "auto"
    fmt.block_separator = "\n"
    fmt.trailing_comma = True
    header = f"% {len(cv.papers)} entries exported by cvdata from the CV of {cv.owner['name']}\n\n"
    return header + bibtexparser.write_string(library, bibtex_format=fmt)


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
    """The whole CV as a JSON Resume document: :func:`cvdata.jsonresume.from_cv`, where
    the mapping both ways lives."""
    from .jsonresume import from_cv  # imports this module's paper helpers

    return from_cv(cv, include_private=include_private)


def to_json(data: Any) -> str:
    """Pretty UTF-8 JSON (non-ASCII kept as it is), ending in a newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


__all__ = [
    "ID_FIELD",
    "bibtex",
    "bibtex_keys",
    "csl",
    "jsonresume",
    "split_name",
    "tex_escape",
    "text",
    "to_json",
]
