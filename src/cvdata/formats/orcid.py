"""An ORCID record (public API v3.0, JSON) as rows of the CV's tables.

``cvdata import orcid RECORD.json [WORKS...]``: the record is what
``https://pub.orcid.org/v3.0/<ORCID iD>/record`` gives with ``Accept: application/json``;
each further file is a work's full record (``/work/<put-code>``, or several at once from
``/works/<put-code>,<put-code>``), which, unlike the record's summaries, names the authors.

=====================  ==================================================================
``person``             ``person`` (credit name, else given and family names; biography
                       as the summary; country) when the folder has none; other names
                       in its ``notes`` (and used to find the owner among authors);
                       researcher URLs, public emails, the iD and other identifiers as
                       ``contacts``; keywords as ``interests``
``employments``        ``roles`` (``research`` at a university or institute, else
                       ``industry``: guessed, and said so in the report)
``educations``         ``roles`` (education) and ``education``
``qualifications``     ``certifications`` (the organisation as issuer)
``invited-positions``  ``roles`` (research)
``distinctions``       ``awards``
``fundings``           ``awards`` (the funder as issuer, the years as the period)
``memberships``        ``service`` (membership)
``services``           ``service`` (reviewer, programme committee or chair from the role's
                       words; membership otherwise, said so in the report)
``peer-reviews``       ``service`` (reviewer): one row per convening organisation, with
                       the number of reviews and their years
``works``              ``papers`` (one per group, the preferred source first; the type
                       mapped, uncertain mappings in the report), ``paper_identifiers``
                       (DOI lower-cased, arXiv, ISBN), ``paper_links`` (the URL), and
                       ``paper_authors`` from the full records when given
=====================  ==================================================================

Dates are read at the precision given (a year, a month, a day; any part may be null); a
day that does not exist (29 February 1929) is kept at its month and reported. A work
already in the folder (same DOI, else the same title and year) or listed twice in the
record is stored once, so ORCID and a BibTeX import of the same papers combine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import dates
from .._files import FileRefused, read_input, shown_input
from ..problems import Problem
from ._format import Incoming, Report
from ._rows import Rows, fold, norm_doi

if TYPE_CHECKING:
    from ..load import CV

_URL = re.compile(r"^(https?://|mailto:)\S+$")
_ACADEMIC = re.compile(
    r"univers|institut|college|école|ecole|hochschule|academy|academia|school|laborator|"
    r"\bcnrs\b|\binria\b|max planck|fraunhofer|research|hospital|universidad|università",
    re.I,
)

#: ORCID work types with a sure home; the others are mapped by :data:`GUESSED_TYPES`.
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
_SITE_KINDS = (
    ("github.com", "github"),
    ("scholar.google", "scholar"),
    ("dblp.", "dblp"),
    ("twitter.com", "twitter"),
    ("x.com/", "twitter"),
    ("linkedin.com", "linkedin"),
)


class OrcidError(ValueError):
    """A file that is not an ORCID record (or work) cvdata can read; ``line`` where known."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(message)

    def problem(self, name: str) -> Problem:
        """The problem, naming the file as the command line did."""
        return Problem(shown_input(name), self.line, None, str(self))


# ---------------------------------------------------------------- JSON helpers


def _get(node: Any, *keys: str | int) -> Any:
    """``node[k1][k2]...``, or ``None`` where any step is missing or null."""
    for k in keys:
        if isinstance(k, int):
            node = node[k] if isinstance(node, list) and -len(node) <= k < len(node) else None
        else:
            node = node.get(k) if isinstance(node, Mapping) else None
        if node is None:
            return None
    return node


def _s(node: Any, *keys: str | int) -> str:
    """A text value: ``{"value": "x"}`` or a bare ``"x"`` (ORCID writes both), stripped."""
    value = _get(node, *keys) if keys else node
    if isinstance(value, Mapping):
        value = value.get("value", value.get("content"))
    if value is None or isinstance(value, (Mapping, list)):
        return ""
    return " ".join(str(value).split())


def _list(node: Any, *keys: str) -> list:
    value = _get(node, *keys)
    return value if isinstance(value, list) else []


def read_json(name: str) -> Any:
    """A file's JSON (UTF-8, a byte-order mark allowed).

    Raises
    ------
    OrcidError
        Naming the file, and the line and column where the JSON breaks.
    """
    try:
        raw = read_input(name)
    except FileNotFoundError:
        raise OrcidError("no such file") from None
    except FileRefused as e:
        raise OrcidError(e.reason) from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise OrcidError("not UTF-8 (ORCID's API sends UTF-8)") from None
    except json.JSONDecodeError as e:
        raise OrcidError(f"column {e.colno}: not valid JSON: {e.msg}", e.lineno) from None
    except RecursionError:
        raise OrcidError("nested too deeply to read") from None


# ---------------------------------------------------------------- dates


def fuzzy_date(node: Any) -> tuple[str, str]:
    """An ORCID date ``{"year": {"value": "2022"}, "month": ..., "day": null}`` as ISO
    text at its precision, and a warning ('' when none).

    A month without a year, or a day without a month, is left out; a day that is not in
    the calendar (29 February 1929) is kept at its month, with a warning.
    """
    year, month, day = (_s(node, part) for part in ("year", "month", "day"))
    if not re.fullmatch(r"\d{4}", year):
        return "", (f"date with no usable year ({year!r}): left out" if year else "")
    out = year
    if re.fullmatch(r"\d{1,2}", month) and 1 <= int(month) <= 12:
        out = f"{year}-{int(month):02d}"
        if re.fullmatch(r"\d{1,2}", day):
            full = f"{out}-{int(day):02d}"
            try:
                dates.parse(full)
            except ValueError:
                return out, f"{full} is not a day of the calendar: kept as {out}"
            out = full
    elif month:
        return out, f"month {month!r} is not a month: kept as {year}"
    return out, ""


# ---------------------------------------------------------------- the import


class _Import:
    def __init__(self, existing: CV | None, as_of: dt.date, shown: str) -> None:
        self.rows = Rows(existing)
        self.report = Report()
        self.problems: list[Problem] = []
        self.as_of = as_of
        self.shown = shown
        self.owner_names: set[str] = set()
        self.orcid_id = ""

    def date(
        self, section: str, path: str, node: Any, *, end: bool = False, expected: bool = False
    ) -> str:
        """A date of the record; reported where it is impossible or after the as-of date.
        ``expected``: a degree's end, which may lie ahead (printed "expected 2029")."""
        from ..validate import FUTURE_YEARS

        iso, warning = fuzzy_date(node)
        if warning:
            self.report.warnings.append(f"{path}: {warning}")
        if expected and iso and int(iso[:4]) <= self.as_of.year + FUTURE_YEARS:
            return iso
        if iso and dates.parse(iso)[0] > self.as_of:
            if not end:
                self.report.section(section).set_aside.append(
                    (path, f"{iso} is after the as-of date {self.as_of}: date left out")
                )
            return ""  # an end after today: ongoing today
        if iso and int(iso[:4]) < 1800:
            self.report.section(section).set_aside.append(
                (path, f"{iso} is before 1800, the first year a CV date may have: left out")
            )
            return ""
        return iso

    def count(self, section: str, added: str | None) -> None:
        s = self.report.section(section)
        s.came_in += 1
        if added is None:
            s.merged += 1
        else:
            s.stored += 1


def _location(org: Any) -> str:
    parts = (_s(org, "address", "city"), _s(org, "address", "region"))
    return ", ".join(p for p in parts if p)


def _summaries(record: Any, section: str, kind: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """The affiliation summaries of ``section`` with their JSON paths (v3.0's
    ``affiliation-group[].summaries[]``, and the flat list of earlier records)."""
    base = _get(record, "activities-summary", section)
    for g, group in enumerate(_list(base, "affiliation-group")):
        for i, s in enumerate(_list(group, "summaries")):
            node = _get(s, f"{kind}-summary")
            if isinstance(node, Mapping):
                yield f"{section}.affiliation-group[{g}].summaries[{i}]", node
    for i, node in enumerate(_list(base, f"{kind}-summary")):
        if isinstance(node, Mapping):
            yield f"{section}[{i}]", node


def _person(im: _Import, record: Any) -> None:
    person = _get(record, "person")
    im.orcid_id = _s(record, "orcid-identifier", "path")
    given, family = _s(person, "name", "given-names"), _s(person, "name", "family-name")
    credit = _s(person, "name", "credit-name")
    name = credit or " ".join(x for x in (given, family) if x)
    others = [_s(o, "content") for o in _list(person, "other-names", "other-name")]
    others = [o for o in others if o]
    im.owner_names = {fold(n) for n in (name, f"{given} {family}", *others) if n.strip()}
    section = im.report.section("person")
    section.came_in = 1
    if im.rows.has_person:
        section.merged = 1
        section.set_aside.append(("person.name", "person.csv already has the person: kept"))
    elif not name:
        im.problems.append(
            Problem(
                im.shown,
                None,
                "person.name",
                "no name is public in this record; "
                "cvdata needs the person's name (import into a folder that has one)",
            )
        )
    else:
        countries = [_s(a, "country") for a in _list(person, "addresses", "address")]
        notes = f"Other names (ORCID): {'; '.join(others)}" if others else ""
        pid = im.rows.new_id("person", name, fallback="owner")
        im.rows.tables["person"].append(
            im.rows.row(
                "person",
                {
                    "id": pid,
                    "name": name,
                    "summary": _s(person, "biography", "content"),
                    "country_code": next((c for c in countries if c), ""),
                    "notes": notes,
                },
            )
        )
        section.stored = 1
    _contacts(im, person)
    for i, k in enumerate(_list(person, "keywords", "keyword")):
        word = _s(k, "content")
        if word:
            im.count("keywords", im.rows.add("interests", word, fallback="interest", name=word))
        else:
            im.report.section("keywords").set_aside.append((f"keywords[{i}]", "empty"))


def _contacts(im: _Import, person: Any) -> None:
    def add(kind: str, label: str, value: str, url: str) -> None:
        done = im.rows.add(
            "contacts",
            kind,
            fallback=kind,
            kind=kind,
            label=label,
            value=value,
            url=url,
            visibility="public",
        )
        im.count("contacts", done)

    if im.orcid_id:
        add("orcid", "ORCID", im.orcid_id, f"https://orcid.org/{im.orcid_id}")
    for i, u in enumerate(_list(person, "researcher-urls", "researcher-url")):
        url = _s(u, "url")
        if not _URL.match(url):
            im.report.section("contacts").set_aside.append(
                (f"person.researcher-urls[{i}]", f"{url!r} is not an http(s) address")
            )
            continue
        kind = next((k for d, k in _SITE_KINDS if d in url.lower()), "website")
        add(kind, _s(u, "url-name") or "Website", "", url)  # the label links it
    for e in _list(person, "emails", "email"):
        address = _s(e, "email")
        if address:
            url = f"mailto:{address}" if _URL.match(f"mailto:{address}") else ""
            add("email", address, address, url)
    for x in _list(person, "external-identifiers", "external-identifier"):
        label, value = _s(x, "external-id-type"), _s(x, "external-id-value")
        url = _s(x, "external-id-url")
        if label and value:
            add("other", label, value, url if _URL.match(url) else "")


def _affiliations(im: _Import, record: Any) -> None:
    for path, s in _summaries(record, "employments", "employment"):
        org = s.get("organization")
        name, title = _s(org, "name"), _s(s, "role-title")
        kind = "research" if _ACADEMIC.search(f"{name} {title}") else "industry"
        _role(im, "employments", path, s, kind, title or _s(s, "department-name") or "Staff")
    for path, s in _summaries(record, "invited-positions", "invited-position"):
        _role(
            im, "invited-positions", path, s, "research", _s(s, "role-title") or "Invited position"
        )
    for path, s in _summaries(record, "educations", "education"):
        title = _s(s, "role-title")
        rid = _role(im, "educations", path, s, "education", title or "Student")
        if rid:
            im.rows.child("education", role_id=rid, study_type=title, area=_s(s, "department-name"))
    if im.report.sections.get("employments"):
        im.report.warnings.append(
            "employments: 'research' or 'industry' guessed from the organisation's name: "
            "check roles.csv 'kind'"
        )


def _role(im: _Import, section: str, path: str, s: Any, kind: str, title: str) -> str | None:
    org = _s(s, "organization", "name")
    if not org:
        im.report.section(section).came_in += 1
        im.report.section(section).set_aside.append((path, "no organisation: not imported"))
        return None
    rid = im.rows.add(
        "roles",
        org,
        title,
        fallback=section,
        organisation=org,
        title=title,
        kind=kind,
        unit=_s(s, "department-name") if kind != "education" else "",
        location=_location(s.get("organization")),
        url=_url(s),
        start=im.date(section, f"{path}.start-date", s.get("start-date")),
        end=im.date(
            section,
            f"{path}.end-date",
            s.get("end-date"),
            end=True,
            expected=kind == "education",
        ),
    )
    im.count(section, rid)
    return rid


def _url(s: Any) -> str:
    url = _s(s, "url")
    return url if _URL.match(url) else ""


def _honours(im: _Import, record: Any) -> None:
    for path, s in _summaries(record, "distinctions", "distinction"):
        org = _s(s, "organization", "name")
        name = _s(s, "role-title") or _s(s, "department-name") or org
        date = im.date("distinctions", f"{path}.start-date", s.get("start-date"))
        im.count(
            "distinctions",
            im.rows.add(
                "awards",
                name,
                fallback="distinction",
                name=name,
                issuer=org,
                date=date,
                year=date[:4],
                summary=_s(s, "department-name") if name != _s(s, "department-name") else "",
            ),
        )
    for path, s in _summaries(record, "qualifications", "qualification"):
        org = _s(s, "organization", "name")
        name = _s(s, "role-title") or _s(s, "department-name") or org
        start = im.date("qualifications", f"{path}.start-date", s.get("start-date"))
        end = im.date("qualifications", f"{path}.end-date", s.get("end-date"), end=True)
        im.count(
            "qualifications",
            im.rows.add(
                "certifications",
                name,
                fallback="qualification",
                name=name,
                issuer=org,
                date=end or start,
                description=_s(s, "department-name"),
                url=_url(s),
            ),
        )
    fundings = _get(record, "activities-summary", "fundings")
    for g, group in enumerate(_list(fundings, "group")):
        for i, f in enumerate(_list(group, "funding-summary")):
            path = f"fundings.group[{g}].funding-summary[{i}]"
            title = _s(f, "title", "title")
            if not title:
                im.report.section("fundings").came_in += 1
                im.report.section("fundings").set_aside.append((path, "no title: not imported"))
                continue
            start = im.date("fundings", f"{path}.start-date", f.get("start-date"))
            end = im.date("fundings", f"{path}.end-date", f.get("end-date"), end=True)
            period = f"{start[:4]}-{end[:4]}" if start and end and start[:4] != end[:4] else ""
            kind = _s(f, "type").replace("-", " ").capitalize()
            im.count(
                "fundings",
                im.rows.add(
                    "awards",
                    title,
                    fallback="funding",
                    name=title,
                    issuer=_s(f, "organization", "name"),
                    date=start,
                    year=start[:4],
                    period=period,
                    summary=f"{kind} (funding)" if kind else "Funding",
                ),
            )
            break  # one summary per group: the others are the same grant from other sources


def _service(im: _Import, record: Any) -> None:
    for path, s in _summaries(record, "memberships", "membership"):
        org = _s(s, "organization", "name")
        start = im.date("memberships", f"{path}.start-date", s.get("start-date"))
        im.count(
            "memberships",
            im.rows.add(
                "service",
                org,
                fallback="membership",
                category="membership",
                role=_s(s, "role-title") or "Member",
                organisation=org,
                year=start[:4],
            )
            if org
            else None,
        )
    guessed = 0
    for path, s in _summaries(record, "services", "service"):
        org, role = _s(s, "organization", "name"), _s(s, "role-title") or "Service"
        words = role.lower()
        category = (
            "reviewer"
            if "review" in words
            else "program-committee"
            if re.search(r"program|programme|committee|\bpc\b", words)
            else "chair"
            if re.search(r"chair|editor", words)
            else "membership"
        )
        guessed += category == "membership"
        start = im.date("services", f"{path}.start-date", s.get("start-date"))
        im.count(
            "services",
            im.rows.add(
                "service",
                org,
                role,
                fallback="service",
                category=category,
                role=role,
                organisation=org or "(organisation not given)",
                year=start[:4],
            ),
        )
    if guessed:
        im.report.warnings.append(
            f"services: {guessed} filed as 'membership' (their role names no review, committee "
            "or chair): check service.csv 'category'"
        )
    _peer_reviews(im, record)


def _peer_reviews(im: _Import, record: Any) -> None:
    """One reviewer row per convening organisation: how many reviews, in which years."""
    by_org: dict[str, list[str]] = {}
    section = im.report.section("peer-reviews")
    groups = _list(_get(record, "activities-summary", "peer-reviews"), "group")
    for group in groups:
        for sub in _list(group, "peer-review-group"):
            for r in _list(sub, "peer-review-summary"):
                section.came_in += 1
                org = _s(r, "convening-organization", "name") or _s(r, "review-group-id")
                year, _ = fuzzy_date(r.get("completion-date"))
                by_org.setdefault(org or "(organisation not given)", []).append(year[:4])
    for org, years in by_org.items():
        known = sorted(y for y in years if y)
        span = f"{known[0]}-{known[-1]}" if known and known[0] != known[-1] else "".join(known[:1])
        n = len(years)
        added = im.rows.add(
            "service",
            org,
            "reviewer",
            fallback="reviewer",
            category="reviewer",
            role=f"Reviewer ({n} review{'s' if n != 1 else ''}{', ' + span if span else ''})",
            organisation=org,
            year=known[-1] if known else "",
        )
        section.stored += n if added is not None else 0
        section.merged += n if added is None else 0


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
    pid = im.rows.new_id("papers", *title.split()[:8], fallback="work")
    im.rows.papers.add(pid, doi, title, date[:4])
    im.rows.child(
        "papers",
        id=pid,
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
    url = _first(versions, lambda v: _s(v, "url"))
    if _URL.match(url):
        im.rows.child(
            "paper_links", paper_id=pid, position="1", kind="paper", label="Link", url=url
        )
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


def tables_from_record(
    record: Any,
    existing: CV | None,
    as_of: dt.date,
    *,
    shown: str = "record",
    works: Mapping[str, Mapping[str, Any]] | None = None,
) -> Incoming:
    """The rows of a parsed ORCID record (and works' full records by put-code)."""
    im = _Import(existing, as_of, shown)
    if not isinstance(record, Mapping) or not (
        "person" in record or "activities-summary" in record
    ):
        return Incoming(
            problems=[
                Problem(
                    shown,
                    None,
                    None,
                    "is not an ORCID record: no 'person' or 'activities-summary' (fetch "
                    "https://pub.orcid.org/v3.0/<ORCID iD>/record with Accept: application/json)",
                )
            ]
        )
    _person(im, record)
    _affiliations(im, record)
    _honours(im, record)
    _service(im, record)
    _works(im, record, dict(works or {}))
    for key in ("research-resources",):
        n = len(_list(_get(record, "activities-summary", key), "group"))
        if n:
            im.report.section(key).came_in = n
            im.report.section(key).set_aside.append((key, "no place in the CV: not imported"))
    tables = {k: v for k, v in im.rows.tables.items() if v}
    return Incoming(tables=tables, report=im.report, problems=im.problems)


def read(
    inputs: Sequence[str], options: argparse.Namespace, existing: CV | None, as_of: dt.date
) -> Incoming:
    """The rows of an ORCID record and, optionally, its works' full records.

    Parameters
    ----------
    inputs
        The record (``/v3.0/<iD>/record`` as JSON), then any number of works' full
        records (``/v3.0/<iD>/work/<put-code>`` or ``/works/<put-codes>``).
    options
        Unused (the command has no options of its own).
    existing
        The CV already in the data folder, or ``None`` for a new folder.
    as_of
        The as-of date: a date after it is left out and reported.

    Returns
    -------
    Incoming
        Rows by table, the report per section of the record, and the problems (a file
        that is not JSON or not an ORCID record).
    """
    first, *rest = inputs
    try:
        record = read_json(first)
    except OrcidError as e:
        return Incoming(problems=[e.problem(first)])
    probe = _Import(existing, as_of, shown_input(first))
    works = _full_records(probe, rest)
    incoming = tables_from_record(record, existing, as_of, shown=shown_input(first), works=works)
    incoming.problems = probe.problems + incoming.problems
    for key, s in probe.report.sections.items():
        incoming.report.section(key).set_aside.extend(s.set_aside)
    return incoming


__all__ = [
    "GUESSED_TYPES",
    "WORK_TYPES",
    "OrcidError",
    "fuzzy_date",
    "read",
    "read_json",
    "tables_from_record",
]
