"""The CV's tables as a JSON Resume document (:func:`from_cv`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ... import dates
from ...cells import flag as _flag
from ...cells import safe_image, text
from ...cells import sorted_roles as _sorted_roles
from .._paper_fields import _authors, _paper_url, _papers, _venue, safe_url
from ._builder import _score

if TYPE_CHECKING:
    from ...load import CV

_NOT_PROFILES = ("email", "website", "phone", "address")


def _iso(row: object, column: str, default: str) -> str:
    """A date cell as ISO text at its precision; ``default`` where the table keeps none
    (a fork's descriptor with the older ``yearmonth`` type)."""
    value = getattr(row, column, None)
    precision = getattr(row, dates.precision_column(column), None)
    return dates.iso(value, precision if precision is not None else default)


def _get(row: object, column: str) -> str:
    """A row's cell as text; '' when missing or when the table has no such column."""
    return text(getattr(row, column, None))


def _compact(d: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty strings, lists and mappings (the schema wants no empty dates)."""
    return {k: v for k, v in d.items() if v not in ("", [], {}, None)}


def _rows(df: pd.DataFrame) -> list[Any]:
    return list(df.itertuples(index=False))


def _by_position(df: pd.DataFrame, column: str, value: str) -> pd.DataFrame:
    rows = df[df[column] == value]
    return rows.sort_values("position") if "position" in rows else rows


def _texts(df: pd.DataFrame, column: str, value: str, field: str) -> list[str]:
    """The ``field`` of ``df``'s rows whose ``column`` is ``value``, by position."""
    return [text(t) for t in _by_position(df, column, value)[field]]


def _visible(df: pd.DataFrame, include_private: bool) -> pd.DataFrame:
    return df if include_private else df[df["visibility"] == "public"]


def _basics(cv: CV, include_private: bool) -> dict[str, Any]:
    person = cv.person.iloc[0]
    contacts = _visible(cv.contacts, include_private)

    def first(kind: str, column: str) -> str:
        rows = contacts[(contacts["kind"] == kind) & contacts[column].notna()]
        return text(rows.iloc[0][column]) if not rows.empty else ""

    profiles = []
    for c in _rows(contacts[~contacts["kind"].isin(_NOT_PROFILES)]):
        if not (text(c.value) or text(c.url)):
            continue  # a profile whose address is unknown says nothing
        profiles.append(
            _compact({"network": text(c.label), "username": text(c.value), "url": text(c.url)})
        )
    location = {
        "address": first("address", "value") or first("address", "label"),
        "postalCode": _get(person, "postal_code"),
        "city": _get(person, "city"),
        "countryCode": _get(person, "country_code"),
        "region": _get(person, "region"),
    }
    return _compact(
        {
            "name": text(person["name"]),
            "label": text(person["headline"]),
            "image": safe_image(_get(person, "image")),
            "email": first("email", "value"),
            "phone": first("phone", "value") or first("phone", "label"),
            "url": first("website", "url"),
            "summary": _get(person, "summary"),
            "location": _compact(location),
            "profiles": profiles,
        }
    )


def _work(cv: CV) -> list[dict[str, Any]]:
    out = []
    for role in _rows(_sorted_roles(cv.roles[cv.roles["kind"] != "education"], cv.as_of)):
        rid = text(role.id)
        out.append(
            _compact(
                {
                    "name": text(role.organisation),
                    "location": text(role.location),
                    # The unit (team, lab) says what the description would, when none.
                    "description": _get(role, "description") or text(role.unit),
                    "position": text(role.title),
                    "url": _get(role, "url"),
                    "startDate": _iso(role, "start", "month"),
                    "endDate": _iso(role, "end", "month"),
                    "summary": _get(role, "summary"),
                    "highlights": _texts(cv.role_highlights, "role_id", rid, "text"),
                }
            )
        )
    return out


def _education(cv: CV) -> list[dict[str, Any]]:
    out = []
    for role in _rows(_sorted_roles(cv.roles[cv.roles["kind"] == "education"], cv.as_of)):
        rid = text(role.id)
        grades = _rows(cv.education[cv.education["role_id"] == rid])
        g = grades[0] if grades else None
        study, area = _get(g, "study_type"), _get(g, "area")
        if not (study or area):  # the title says both: 'Bachelor of Science in Physics'
            study, _, area = text(role.title).partition(" in ")
            area = area or text(role.unit)
        score = _get(g, "score") or _score(
            _get(g, "gpa"), _get(g, "gpa_scale"), _get(g, "gpa_note")
        )
        out.append(
            _compact(
                {
                    "institution": text(role.organisation),
                    "url": _get(role, "url"),
                    "area": area,
                    "studyType": study,
                    "startDate": _iso(role, "start", "month"),
                    "endDate": _iso(role, "end", "month"),
                    "score": score,
                    "courses": _texts(cv.education_courses, "role_id", rid, "name"),
                }
            )
        )
    return out


def _volunteer(cv: CV) -> list[dict[str, Any]]:
    out = []
    for v in _rows(_sorted_roles(cv.volunteering, cv.as_of)):
        vid = text(v.id)
        out.append(
            _compact(
                {
                    "organization": text(v.organisation),
                    "position": text(v.role),
                    "url": _get(v, "url"),
                    "startDate": _iso(v, "start", "month"),
                    "endDate": _iso(v, "end", "month"),
                    "summary": _get(v, "summary"),
                    "highlights": _texts(cv.volunteering_items, "volunteering_id", vid, "text"),
                }
            )
        )
    return out


def _awards(cv: CV) -> list[dict[str, Any]]:
    out = []
    for a in _rows(cv.awards):
        composed = "; ".join(x for x in (text(a.note), text(a.period)) if x)
        out.append(
            _compact(
                {
                    "title": text(a.name),
                    "date": _iso(a, "date", "day") or text(a.year),
                    "awarder": text(a.issuer),
                    "summary": _get(a, "summary") or composed,
                }
            )
        )
    return out


def _certificates(cv: CV) -> list[dict[str, Any]]:
    return [
        _compact(
            {
                "name": text(c.name),
                "date": _iso(c, "date", "day"),
                "url": _get(c, "url"),
                "issuer": text(c.issuer),
            }
        )
        for c in _rows(cv.certifications)
    ]


def _publications(cv: CV) -> list[dict[str, Any]]:
    out = []
    for paper in _papers(cv):
        pid = text(paper["id"])
        summary = text(paper.get("summary"))
        if not summary:  # the authors and where the work stands
            authors = _authors(cv, pid)
            summary = ", ".join(authors) + (", et al." if _flag(paper["authors_truncated"]) else "")
            status = text(paper["status"])
            if status != "published":
                summary += ("; " if summary else "") + status.replace("-", " ").capitalize()
        date = ""
        if "date" in paper.index:
            date = dates.iso(paper["date"], paper.get("date_precision"))
        out.append(
            _compact(
                {
                    "name": text(paper["title"]),
                    "publisher": _venue(cv, paper),
                    "releaseDate": date or text(paper["year"]),
                    "url": _paper_url(cv, pid),
                    "summary": summary,
                }
            )
        )
    return out


def _skills(cv: CV) -> list[dict[str, Any]]:
    """One entry per category: those of ``skill_categories`` in its order (with their
    level), then any other category of ``skills`` in order of first appearance."""
    categories = getattr(cv, "skill_categories", None)
    levels: dict[str, str] = {}
    if categories is not None:
        levels = {text(c.name): text(c.level) for c in _rows(categories)}
    keywords: dict[str, list[str]] = {name: [] for name in levels}
    for s in _rows(cv.skills):
        keywords.setdefault(text(s.category), []).append(text(s.skill))
    return [
        _compact({"name": name, "level": levels.get(name, ""), "keywords": kws})
        for name, kws in keywords.items()
    ]


def _languages(cv: CV) -> list[dict[str, Any]]:
    return [
        _compact({"language": text(lang.language), "fluency": text(lang.fluency)})
        for lang in _rows(cv.languages)
    ]


def _interests(cv: CV) -> list[dict[str, Any]]:
    return [
        _compact(
            {
                "name": text(i.name),
                "keywords": _texts(cv.interest_keywords, "interest_id", text(i.id), "keyword"),
            }
        )
        for i in _rows(cv.interests)
    ]


def _references(cv: CV, include_private: bool) -> list[dict[str, Any]]:
    refs = cv.references
    if not include_private:  # private unless marked public
        refs = refs[refs["visibility"] == "public"]
    return [_compact({"name": text(r.name), "reference": text(r.reference)}) for r in _rows(refs)]


def _projects(cv: CV) -> list[dict[str, Any]]:
    out = []
    orgs = dict(zip(cv.roles["id"], cv.roles["organisation"], strict=True))
    for prj in _rows(cv.projects):
        pid = text(prj.id)
        links = _by_position(cv.project_links, "project_id", pid)
        links = links[links["url"].notna()]
        role_org = text(orgs.get(prj.role_id)) if text(prj.role_id) else ""
        out.append(
            _compact(
                {
                    "name": text(prj.title),
                    "description": _get(prj, "description")
                    or text(prj.motivation)
                    or text(prj.subtitle),
                    "highlights": _texts(cv.project_contributions, "project_id", pid, "text"),
                    "keywords": _texts(cv.project_keywords, "project_id", pid, "keyword"),
                    "startDate": _iso(prj, "start", "month"),
                    "endDate": _iso(prj, "end", "month"),
                    "url": text(links.iloc[0]["url"]) if not links.empty else "",
                    "roles": _texts(cv.project_roles, "project_id", pid, "role"),
                    "entity": _get(prj, "entity") or role_org,
                    "type": _get(prj, "type"),
                }
            )
        )
    return out


def _meta(cv: CV) -> dict[str, Any]:
    rows = _rows(cv.meta)
    if not rows:
        return {}
    m = rows[0]
    return _compact(
        {
            "canonical": text(m.canonical),
            "version": text(m.version),
            "lastModified": text(m.last_modified),
            "language": text(getattr(m, "language", None)),
        }
    )


def from_cv(cv: CV, *, include_private: bool = False) -> dict[str, Any]:
    """The whole CV as a JSON Resume document (https://jsonresume.org/schema).

    ``basics`` (the person, the first public email, phone and website, location, public
    profiles with an address), ``work`` (every role but degrees, most recent first),
    ``volunteer``, ``education`` (degrees with their grades and courses), ``awards``,
    ``certificates``, ``publications`` (authors and status in the summary when it has
    none), ``skills`` (one entry per category, with its level), ``languages``,
    ``interests``, ``references`` (those marked public), ``projects`` and ``meta``. Dates
    are ISO at the precision the tables give. Empty sections are left out.

    Parameters
    ----------
    cv
        A loaded CV (:func:`cvdata.load`).
    include_private
        Also the private contacts (phone, street address) and private references: for a
        copy of the data, never for publishing.
    """
    sections: dict[str, Any] = {
        "basics": _basics(cv, include_private),
        "work": _work(cv),
        "volunteer": _volunteer(cv),
        "education": _education(cv),
        "awards": _awards(cv),
        "certificates": _certificates(cv),
        "publications": _publications(cv),
        "skills": _skills(cv),
        "languages": _languages(cv),
        "interests": _interests(cv),
        "references": _references(cv, include_private),
        "projects": _projects(cv),
        "meta": _meta(cv),
    }
    schema_url = text(cv.meta.iloc[0]["schema"]) if len(cv.meta) else ""
    doc = {"$schema": schema_url} if schema_url else {}
    return _guard_urls(doc | {k: v for k, v in sections.items() if v})


#: Keys whose value is an address a reader may follow.
_URL_KEYS = frozenset({"url", "canonical", "$schema"})


def _guard_urls(value: Any) -> Any:
    """The document with every address the site would not link (not http, https or
    mailto: a fork may loosen the descriptor's URL pattern) left out, at any depth."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in _URL_KEYS and isinstance(v, str):
                if safe_url(v):
                    out[k] = v
            else:
                out[k] = _guard_urls(v)
        return out
    if isinstance(value, list):
        return [_guard_urls(v) for v in value]
    return value
