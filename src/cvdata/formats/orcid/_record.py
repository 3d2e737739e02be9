"""The record's person and activities as rows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ... import dates
from ...problems import Problem
from .._format import Report
from .._rows import Rows, fold, site_kind, tally
from ._json import _get, _list, _paragraphs, _s, fuzzy_date

if TYPE_CHECKING:
    from ...load import CV


_URL = re.compile(r"^(https?://|mailto:)\S+$")
_ACADEMIC = re.compile(
    r"univers|institut|college|école|ecole|hochschule|academy|academia|school|laborator|"
    r"\bcnrs\b|\binria\b|max planck|fraunhofer|research|hospital|universidad|università",
    re.I,
)


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
        from ...validate import FUTURE_YEARS

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
        tally(self.report.section(section), added)


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
        im.rows.origin = "person"
        im.rows.child(
            "person",
            id=im.rows.new_id("person", name, fallback="owner"),
            name=name,
            summary=_paragraphs(person, "biography", "content"),
            country_code=next((c for c in countries if c), ""),
            notes=notes,
        )
        section.stored = 1
    _contacts(im, person)
    for i, k in enumerate(_list(person, "keywords", "keyword")):
        word = _s(k, "content")
        im.rows.origin = f"person.keywords.keyword[{i}]"
        if word:
            im.count("keywords", im.rows.add("interests", word, fallback="interest", name=word))
        else:
            im.report.section("keywords").set_aside.append((f"keywords[{i}]", "empty"))


def _contacts(im: _Import, person: Any) -> None:
    section = im.report.section("contacts")
    if im.orcid_id:
        im.rows.origin = "orcid-identifier"
        im.rows.contact(
            section, "orcid", "ORCID", im.orcid_id, f"https://orcid.org/{im.orcid_id}", "public"
        )
    for i, u in enumerate(_list(person, "researcher-urls", "researcher-url")):
        url = _s(u, "url")
        if not _URL.match(url):
            section.set_aside.append(
                (f"person.researcher-urls[{i}]", f"{url!r} is not an http(s) address")
            )
            continue
        im.rows.origin = f"person.researcher-urls.researcher-url[{i}]"
        # the label links it
        im.rows.contact(section, site_kind(url), _s(u, "url-name") or "Website", "", url, "public")
    for i, e in enumerate(_list(person, "emails", "email")):
        address = _s(e, "email")
        if address:
            url = f"mailto:{address}" if _URL.match(f"mailto:{address}") else ""
            im.rows.origin = f"person.emails.email[{i}]"
            im.rows.contact(section, "email", address, address, url, "public")
    for i, x in enumerate(_list(person, "external-identifiers", "external-identifier")):
        label, value = _s(x, "external-id-type"), _s(x, "external-id-value")
        url = _s(x, "external-id-url")
        if label and value:
            im.rows.origin = f"person.external-identifiers.external-identifier[{i}]"
            im.rows.contact(
                section, "other", label, value, url if _URL.match(url) else "", "public"
            )


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
    im.rows.origin = path
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
        im.rows.origin = path
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
        im.rows.origin = path
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
            im.rows.origin = path
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
        im.rows.origin = path
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
        im.rows.origin = path
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
        im.rows.origin = "peer-reviews"  # one row of many reviews: the section names them
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
