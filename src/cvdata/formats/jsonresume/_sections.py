"""The rows of each section of a JSON Resume (``basics``, ``work``, ``education``, ...):
one function per section, each problem with its JSON path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import i18n
from ._builder import _URL, PROFILE_KINDS, _Builder, _list, _s, _score_cells
from ._keys import paper_kind


def _basics_rows(b: _Builder, document: Mapping[str, Any]) -> str:
    basics = document.get("basics") if isinstance(document.get("basics"), Mapping) else {}
    name = b.need(_s(basics.get("name")), "basics.name", "the person's name")
    location = basics.get("location") if isinstance(basics.get("location"), Mapping) else {}
    person_id = b.ids["person"].make(name, fallback="owner")
    b.add(
        "person",
        id=person_id,
        name=name,
        headline=_s(basics.get("label")),
        summary=_s(basics.get("summary")),
        image=b.image(_s(basics.get("image")), "basics.image"),
        city=_s(location.get("city")),
        region=_s(location.get("region")),
        postal_code=_s(location.get("postalCode")),
        country_code=_s(location.get("countryCode")),
    )
    ids = b.ids["contacts"]
    email = _s(basics.get("email"))
    if email:
        mailto = "mailto:" + email if _URL.match("mailto:" + email) else ""
        b.add("contacts", id=ids.make("email", fallback="email"), kind="email", label=email,
              value=email, url=mailto, visibility="public")  # fmt: skip
    phone = _s(basics.get("phone"))
    if phone:
        b.add("contacts", id=ids.make("phone", fallback="phone"), kind="phone", label=phone,
              value=phone, visibility="private")  # fmt: skip
    url = b.url(_s(basics.get("url")), "basics.url")
    if url:
        b.add("contacts", id=ids.make("website", fallback="website"), kind="website",
              label="Website", url=url, visibility="public")  # fmt: skip
    address = _s(location.get("address"))
    if address:
        b.add("contacts", id=ids.make("address", fallback="address"), kind="address",
              label=address, value=address, visibility="private")  # fmt: skip
    for i, p in b.entries(basics, "profiles", "basics."):
        network, username = _s(p.get("network")), _s(p.get("username"))
        link = b.url(_s(p.get("url")), f"basics.profiles[{i}].url")
        if not (network or username or link):
            continue
        b.add(
            "contacts",
            id=ids.make(network or "profile", fallback="profile"),
            kind=PROFILE_KINDS.get(network.lower(), "other"),
            label=b.need(network, f"basics.profiles[{i}].network", "the profile's network"),
            value=username,
            url=link,
            visibility="public",
        )
    return person_id


def _dates(b: _Builder, item: Mapping[str, Any], path: str) -> dict:
    """Start and end cells; either may be empty (an undated entry is shown without
    dates and left off the timeline)."""
    start = b.date(_s(item.get("startDate")), f"{path}.startDate")
    return {"start": start, "end": b.date(_s(item.get("endDate")), f"{path}.endDate")}


def _work_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, w in b.entries(document, "work"):
        path = f"work[{i}]"
        org = b.given(_s(w.get("name")), f"{path}.name", "Organisation not given")
        title = b.given(_s(w.get("position")), f"{path}.position", "Position not given")
        rid = b.ids["roles"].make(org, title, fallback=f"work-{i + 1}")
        b.add(
            "roles",
            id=rid,
            organisation=org,
            title=title,
            kind="industry",
            location=_s(w.get("location")),
            description=_s(w.get("description")),
            summary=_s(w.get("summary")),
            url=b.url(_s(w.get("url")), f"{path}.url"),
            **_dates(b, w, path),
        )
        b.children("role_highlights", "role_id", rid, "text", _list(w, "highlights"))


def resume_language(document: Mapping[str, Any]) -> str:
    """The resume's language, under whichever name its ``meta`` gives it; '' for none."""
    meta = document.get("meta")
    meta = meta if isinstance(meta, Mapping) else {}
    return next((_s(meta[k]) for k in ("language", "lang", "x-lang") if meta.get(k)), "")


def _education_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    # A degree's title in the resume's language: "Grado en Ingeniería", not "Grado in ...".
    words = i18n.Words(resume_language(document) or i18n.DEFAULT)
    for i, e in b.entries(document, "education"):
        path = f"education[{i}]"
        org = b.given(_s(e.get("institution")), f"{path}.institution", "Institution not given")
        study, area = _s(e.get("studyType")), _s(e.get("area"))
        # The schema requires neither: 'Studies' at the institution, when both are missing.
        if study and area:
            title = words("import.degree-in", degree=study, area=area)
        else:
            title = study or area or words("import.studies")
        rid = b.ids["roles"].make(org, study, area, fallback=f"education-{i + 1}")
        thesis = _s(e.get("thesis"))  # a theme's key (not the schema's): kept as the summary
        b.add(
            "roles",
            id=rid,
            organisation=org,
            title=title,
            kind="education",
            location=_s(e.get("location")),  # likewise
            summary=f"Thesis: {thesis}" if thesis else "",
            url=b.url(_s(e.get("url")), f"{path}.url"),
            **_dates(b, e, path),
        )
        score = _s(e.get("score"))
        b.add(
            "education",
            role_id=rid,
            study_type=study,
            area=area,
            **(_score_cells(score) if score else {}),
        )
        b.children("education_courses", "role_id", rid, "name", _list(e, "courses"))


def _volunteer_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, v in b.entries(document, "volunteer"):
        path = f"volunteer[{i}]"
        org = b.given(_s(v.get("organization")), f"{path}.organization", "Organisation not given")
        role = b.given(_s(v.get("position")), f"{path}.position", "Position not given")
        vid = b.ids["volunteering"].make(org, role, fallback=f"volunteer-{i + 1}")
        b.add(
            "volunteering",
            id=vid,
            organisation=org,
            role=role,
            url=b.url(_s(v.get("url")), f"{path}.url"),
            summary=_s(v.get("summary")),
            **_dates(b, v, path),
        )
        b.children("volunteering_items", "volunteering_id", vid, "text", _list(v, "highlights"))


def _award_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, a in b.entries(document, "awards"):
        path = f"awards[{i}]"
        name = b.need(_s(a.get("title")), f"{path}.title", "the award's title")
        date = b.date(_s(a.get("date")), f"{path}.date")
        b.add(
            "awards",
            id=b.ids["awards"].make(name, fallback=f"award-{i + 1}"),
            name=name,
            issuer=_s(a.get("awarder")),
            year=date[:4],
            date=date,
            summary=_s(a.get("summary")),
        )


def _certificate_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, c in b.entries(document, "certificates"):
        path = f"certificates[{i}]"
        name = b.need(_s(c.get("name")), f"{path}.name", "the certificate's name")
        b.add(
            "certifications",
            id=b.ids["certifications"].make(name, fallback=f"certificate-{i + 1}"),
            name=name,
            issuer=_s(c.get("issuer")),
            date=b.date(_s(c.get("date")), f"{path}.date"),
            url=b.url(_s(c.get("url")), f"{path}.url"),
        )


def _publication_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, p in b.entries(document, "publications"):
        path = f"publications[{i}]"
        title = b.need(_s(p.get("name")), f"{path}.name", "the publication's title")
        date = b.date(_s(p.get("releaseDate")), f"{path}.releaseDate")
        pid = b.ids["papers"].make(title, fallback=f"publication-{i + 1}")
        publisher = _s(p.get("publisher"))
        # JSON Resume says neither kind nor status: read from the publisher where it names
        # a known conference, arXiv or a journal; else filed as a journal paper and flagged.
        kind, status, sure = paper_kind(publisher)
        if sure:
            notes = f"Imported from JSON Resume: type read from the publisher {publisher!r}."
        else:
            notes = "Imported from JSON Resume, which gives no type: check 'type'."
            b.report.warnings.append(
                f"{path}.publisher: {publisher!r} names no known conference, journal or "
                "preprint server: filed as a journal paper; check its type in papers.csv"
            )
        b.add(
            "papers",
            id=pid,
            title=title,
            type=kind,
            status=status,
            venue_display=publisher,
            year=date[:4],
            date=date,
            summary=_s(p.get("summary")),
            notes=notes,
        )
        url = b.url(_s(p.get("url")), f"{path}.url")
        if url:
            b.add("paper_links", paper_id=pid, position="1", kind="paper", label="Link", url=url)


def _skill_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    seen: dict[str, int] = {}
    for i, s in b.entries(document, "skills"):
        path = f"skills[{i}]"
        name = b.need(_s(s.get("name")), f"{path}.name", "the skill's name (its category)")
        if name in seen:
            b.problems.append(
                f"{path}.name: {name!r} is also skills[{seen[name]}]; cvdata keeps one "
                "group per name: merge their keywords"
            )
            continue
        seen[name] = i
        b.add("skill_categories", name=name, level=_s(s.get("level")))
        for kw in map(_s, _list(s, "keywords")):
            if kw:
                sid = b.ids["skills"].make(name, kw, fallback=f"skill-{i + 1}")
                b.add("skills", id=sid, category=name, skill=kw)


def _simple_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    """Languages, interests and references: a row each, keywords as child rows."""
    b.section = "languages"
    for i, lang in b.entries(document, "languages"):
        name = b.need(_s(lang.get("language")), f"languages[{i}].language", "the language")
        b.add(
            "languages",
            id=b.ids["languages"].make(name, fallback=f"language-{i + 1}"),
            language=name,
            fluency=_s(lang.get("fluency")),
        )
    b.section = "interests"
    for i, it in b.entries(document, "interests"):
        name = b.need(_s(it.get("name")), f"interests[{i}].name", "the interest's name")
        iid = b.ids["interests"].make(name, fallback=f"interest-{i + 1}")
        b.add("interests", id=iid, name=name)
        b.children("interest_keywords", "interest_id", iid, "keyword", _list(it, "keywords"))
    b.section = "references"
    for i, r in b.entries(document, "references"):
        name = b.need(_s(r.get("name")), f"references[{i}].name", "who gives the reference")
        b.add(
            "references",
            id=b.ids["references"].make(name, fallback=f"reference-{i + 1}"),
            name=name,
            reference=_s(r.get("reference")),
            visibility="private",  # what someone else wrote: published only when marked
        )


def _project_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, p in b.entries(document, "projects"):
        path = f"projects[{i}]"
        title = b.need(_s(p.get("name")), f"{path}.name", "the project's name")
        pid = b.ids["projects"].make(title, fallback=f"project-{i + 1}")
        b.add(
            "projects",
            id=pid,
            listing="other",
            title=title,
            description=_s(p.get("description")),
            entity=_s(p.get("entity")),
            type=_s(p.get("type")),
            **_dates(b, p, path),
        )
        b.children("project_contributions", "project_id", pid, "text", _list(p, "highlights"))
        b.children("project_keywords", "project_id", pid, "keyword", _list(p, "keywords"))
        b.children("project_roles", "project_id", pid, "role", _list(p, "roles"))
        url = b.url(_s(p.get("url")), f"{path}.url")
        if url:
            b.add("project_links", project_id=pid, position="1", kind="website",
                  label="Website", url=url)  # fmt: skip
