"""The record's works (and works' full records) as papers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..._files import shown_input
from ...problems import Problem
from .._rows import fold, norm_doi
from ._json import OrcidError, _get, _list, _s, read_json
from ._record import _URL, _Import

WORK_TYPES = {
    "journal-article": ("journal", "published"),
    "conference-paper": ("conference", "published"),
    "book": ("book", "published"),
    "edited-book": ("book", "published"),
    "preprint": ("preprint", "preprint"),
    "dissertation": ("thesis", "published"),
    "dissertation-thesis": ("thesis", "published"),
    "patent": ("patent", "published"),
    "blog-post": ("blog", "published"),
}
#: Work types filed where they most nearly belong, and flagged in the report.
GUESSED_TYPES = {
    "book-chapter": ("book", "published"),
    "conference-abstract": ("conference", "published"),
    "conference-poster": ("conference", "published"),
    "conference-output": ("conference", "published"),
    "conference-presentation": ("conference", "published"),
    "working-paper": ("preprint", "preprint"),
    "report": ("preprint", "published"),
    "supervised-student-publication": ("thesis", "published"),
    "website": ("blog", "published"),
    "online-resource": ("blog", "published"),
}

#: Sites with a contact kind of their own.
# ---------------------------------------------------------------- works


def _ids(node: Any) -> list[tuple[str, str, str]]:
    """``(type, value, relationship)`` of a work's external ids."""
    return [
        (
            _s(x, "external-id-type").lower(),
            _s(x, "external-id-value"),
            _s(x, "external-id-relationship").lower(),
        )
        for x in _list(node, "external-ids", "external-id")
    ]


def _full_records(im: _Import, names: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """Works' full records by put-code, from files of one work, a list, or a bulk answer."""
    out: dict[str, Mapping[str, Any]] = {}
    for name in names:
        try:
            doc = read_json(name)
        except OrcidError as e:
            im.problems.append(e.problem(name))
            continue
        items = doc if isinstance(doc, list) else _list(doc, "bulk") or [doc]
        for item in items:
            work = item.get("work", item) if isinstance(item, Mapping) else None
            code = _s(work, "put-code") if isinstance(work, Mapping) else ""
            if code:
                out[code] = work
            elif isinstance(item, Mapping) and "error" in item:
                im.report.section("works").set_aside.append(
                    (
                        shown_input(name),
                        f"an error from ORCID's API: {_s(item, 'error', 'developer-message')}",
                    )
                )
            else:
                im.problems.append(
                    Problem(shown_input(name), None, None, "is not an ORCID work (no put-code)")
                )
    return out


def _title(versions: Sequence[Any]) -> str:
    """The title of the first version that has one, with the first subtitle any gives."""
    title = _first(versions, lambda v: _s(v, "title", "title"))
    subtitle = _first(versions, lambda v: _s(v, "title", "subtitle"))  # {"value"} or bare
    return f"{title}: {subtitle}" if title and subtitle else title


def _works(im: _Import, record: Any, full: dict[str, Mapping[str, Any]]) -> None:
    section = im.report.section("works")
    used: set[str] = set()
    without_authors = 0
    groups = _list(_get(record, "activities-summary", "works"), "group")
    for g, group in enumerate(groups):
        summaries = [s for s in _list(group, "work-summary") if isinstance(s, Mapping)]
        if not summaries:
            continue
        section.came_in += 1
        path = f"works.group[{g}]"
        codes = [_s(s, "put-code") for s in summaries]
        detail = next((full[c] for c in codes if c in full), None)
        used.update(c for c in codes if c in full)
        # The preferred version first, then the other sources fill what it leaves empty.
        versions = ([detail] if detail else []) + summaries
        if not _work(im, path, versions):
            continue
        without_authors += detail is None
    for code in full.keys() - used:
        section.set_aside.append(
            (f"work {code}", "a full record of no work in the record: not imported")
        )
    if without_authors:
        im.report.warnings.append(
            f"works: {without_authors} without authors (the record's summaries name none): "
            "pass the works' full records, cvdata import orcid RECORD.json WORKS.json"
        )


def _first(versions: Sequence[Any], get: Any) -> str:
    return next((v for v in map(get, versions) if v), "")


def _work(im: _Import, path: str, versions: Sequence[Any]) -> bool:
    """Add one work; whether it was new (not already in the folder or the record)."""
    section = im.report.section("works")
    title = _title(versions)
    if not title:
        section.set_aside.append((path, "no title: not imported"))
        return False
    ids = [i for v in versions for i in _ids(v) if i[2] != "part-of"]
    doi = next((norm_doi(v) for t, v, _ in ids if t == "doi" and v), "")
    arxiv = next(
        (re.sub(r"^arxiv:", "", v, flags=re.I) for t, v, _ in ids if t == "arxiv" and v), ""
    )
    isbn = next((v for t, v, _ in ids if t == "isbn" and v), "")
    date = ""
    for v in versions:  # the most precise date any source gives
        d = im.date("works", f"{path}.publication-date", v.get("publication-date"))
        if len(d) > len(date):
            date = d
    found = im.rows.papers.find(doi, title, date[:4])
    if found:
        section.merged += 1
        return False
    wtype = _first(versions, lambda v: _s(v, "type")).lower()
    kind, status = WORK_TYPES.get(wtype) or GUESSED_TYPES.get(wtype) or ("journal", "published")
    notes = ""
    if wtype not in WORK_TYPES:
        notes = f"ORCID type {wtype or '(none)'!r}: filed as {kind}; check 'type'."
        im.report.warnings.append(
            f"{path}: {title!r}: ORCID type {wtype or '(none)'!r} filed as {kind}: "
            "check papers.csv 'type'"
        )
    url = _first(versions, lambda v: _s(v, "url"))
    im.rows.origin = path
    pid = im.rows.paper(
        title.split()[:8],
        "work",
        doi=doi,
        url=url if _URL.match(url) else "",
        title=title,
        type=kind,
        status=status,
        venue_display=_first(versions, lambda v: _s(v, "journal-title")),
        year=date[:4],
        date=date,
        summary=_first(versions, lambda v: _s(v, "short-description")),
        notes=notes,
    )
    section.stored += 1
    for scheme, value in (("doi", doi), ("arxiv", arxiv), ("isbn", isbn)):
        if value:
            im.rows.child("paper_identifiers", paper_id=pid, scheme=scheme, value=value)
    translated = _first(versions, lambda v: _s(v, "title", "translated-title"))
    if translated:
        section.set_aside.append((path, f"translated title {translated!r}: no column for it"))
    kept = {"doi", "arxiv", "isbn"}
    others = sorted({t for t, v, _ in ids if t not in kept and v})
    if others:
        section.set_aside.append((path, f"identifiers {', '.join(others)}: no column for them"))
    _authors(im, pid, versions[0])
    return True


def _authors(im: _Import, pid: str, work: Any) -> None:
    for pos, c in enumerate(_list(work, "contributors", "contributor"), 1):
        name = _s(c, "credit-name")
        if not name:
            continue
        owner = (im.orcid_id and _s(c, "contributor-orcid", "path") == im.orcid_id) or (
            fold(name) in im.owner_names
        )
        im.rows.child(
            "paper_authors",
            paper_id=pid,
            position=str(pos),
            name=name,
            equal_contribution="false",
            is_owner="true" if owner else "false",
        )
