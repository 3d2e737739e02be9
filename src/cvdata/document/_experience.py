"""Roles and projects: the experience section, other projects and volunteering."""

from __future__ import annotations

import pandas as pd

from .. import i18n
from ..cells import end_state
from ..cells import sorted_roles as _sorted_roles
from ..cells import text as _s
from ..dates import month_span, months_text
from ..load import CV
from ._format import (
    _group,
    _label,
    _link_runs,
    _precision,
    _records,
    _texts,
    month_range,
    role_range,
)
from ._markup import prose
from ._model import Entry, Run, Section, Text, plain


class _Projects:
    """Builds project entries with the project tables grouped once."""

    def __init__(self, cv: CV, details: bool) -> None:
        self.details = details
        self.contributions = _group(cv.project_contributions, "project_id")
        self.links = _group(cv.project_links, "project_id") if details else {}
        self.roles = _group(cv.project_roles, "project_id")
        self.keywords = _group(cv.project_keywords, "project_id")

    def entry(self, prj, dated: bool = False) -> Entry:
        """A project; without details, no motivation and no links (résumé)."""
        lines: list[Text] = []
        # The person's part in it, for whom and what it is: 'Team lead, Android developer
        # · Leeds Hack · application' (JSON Resume's roles, entity and type), as written.
        roles = ", ".join(_s(r.role) for r in self.roles.get(prj.id, ()) if _s(r.role))
        about = plain(
            roles, _s(getattr(prj, "entity", None)), _s(getattr(prj, "type", None)), sep=" · "
        )
        if about:
            lines.append(about)
        description = _s(getattr(prj, "description", None))
        if description:  # the project in the person's words (JSON Resume's description)
            lines.append(prose(description))
        keywords = [_s(k.keyword) for k in self.keywords.get(prj.id, ()) if _s(k.keyword)]
        if keywords:
            lines.append((_label("label.keywords"), Run(", ".join(keywords))))
        if self.details and _s(prj.motivation):
            lines.append((_label("label.motivation"), *prose(_s(prj.motivation))))
        links = _link_runs(self.links.get(prj.id, ())) if self.details else ()
        if links:
            lines.append(links)
        return Entry(
            title=(Run(_s(prj.title), strong=True),),
            subtitle=(Run(_s(prj.subtitle), emph=True),) if _s(prj.subtitle) else (),
            date=month_range(prj.start, prj.end, _precision(prj, "start"), _precision(prj, "end"))
            if dated
            else "",
            lines=tuple(lines),
            bullets=_texts(self.contributions.get(prj.id, ())),
            group=_s(prj.group),
        )


def _role_place(role) -> str:
    said = _s(role.work_mode)
    mode = i18n.current()(f"place.{said}") if said in ("remote", "remote-and-on-site") else None
    where = _s(role.location)
    if mode and mode.lower() in where.lower():  # "Remote" already says it
        mode = None
    return " · ".join(p for p in (where, mode) if p)


def _role_length(role, as_of) -> str:
    """How long a role lasted, or has so far ("2 years 7 months"): readers look for it in the
    date column. Counted as the career charts count it (:func:`cvdata.dates.month_span`),
    never more precise than the dates; '' for an expected, unknown or undated end."""
    state = end_state(role.start, role.end, getattr(role, "kind", None), as_of)
    if state not in ("ended", "ongoing"):
        return ""
    if state == "ongoing":
        end, end_precision = pd.Timestamp(as_of), "day"
    else:
        end, end_precision = role.end, _precision(role, "end")
    span = month_span(role.start, _precision(role, "start"), end, end_precision)
    return months_text(span[1] - span[0]) if span else ""


def _advisor_line(adv: list) -> Text:
    if not adv:
        return ()
    people = "; ".join(f"{a.name} ({a.title})" if _s(a.title) else _s(a.name) for a in adv)
    return (_label("label.advisor" if len(adv) == 1 else "label.advisors"), Run(people))


def experience(cv: CV, details: bool = True) -> Section:
    """Roles other than degrees with their projects; ``details=False`` leaves out advisors,
    project headings, motivations and links (résumé)."""
    roles = _sorted_roles(cv.roles[cv.roles["kind"] != "education"], cv.as_of)
    projects = _group(cv.projects[cv.projects["listing"] == "experience"], "role_id")
    build_project = _Projects(cv, details)
    advisors = _group(cv.advisors, "role_id") if details else {}
    highlights = _group(cv.role_highlights, "role_id")
    entries = []
    for role in _records(roles):
        # The role in the person's words first (JSON Resume's summary and description).
        lines: list[Text] = [
            prose(text)
            for text in (_s(getattr(role, "summary", None)), _s(getattr(role, "description", None)))
            if text
        ]
        if details and (adviser := _advisor_line(advisors.get(role.id, []))):
            lines.append(adviser)
        children = tuple(build_project.entry(prj) for prj in projects.get(role.id, ()))
        if details and children and _s(role.projects_heading):
            lines.append((Run(_s(role.projects_heading), emph=True),))
        entries.append(
            Entry(
                title=(Run(_s(role.title), strong=True),),
                subtitle=_organisation(role),
                date=role_range(role, cv.as_of),
                place=_role_place(role),
                length=_role_length(role, cv.as_of) if details else "",
                lines=tuple(lines),
                bullets=_texts(highlights.get(role.id, ())),
                children=children,
            )
        )
    words = i18n.current()
    return Section(
        "experience", words("section.experience"), tuple(entries), noun=words("noun.roles")
    )


def _organisation(row) -> Text:
    """'Organisation, unit', the organisation linked to the role's ``url`` when it has one."""
    org, unit = _s(row.organisation), _s(getattr(row, "unit", None))
    url = _s(getattr(row, "url", None))
    if not url or not org:
        return plain(org, unit)
    return (Run(org, href=url), *((Run(f", {unit}"),) if unit else ()))


def other_projects(cv: CV, details: bool = True) -> Section:
    prj = cv.projects[cv.projects["listing"] == "other"]
    build_project = _Projects(cv, details)
    words = i18n.current()
    return Section(
        "other-projects",
        words("section.other-projects"),
        tuple(build_project.entry(p, dated=True) for p in _records(prj)),
        noun=words("noun.projects"),
    )


def volunteering(cv: CV) -> Section:
    items = _group(cv.volunteering_items, "volunteering_id")
    entries = []
    for v in _sorted_roles(cv.volunteering, cv.as_of).itertuples():
        entries.append(
            Entry(
                title=(Run(_s(v.role), strong=True),),
                subtitle=_organisation(v),
                date=role_range(v, cv.as_of),
                lines=(prose(_s(v.summary)),) if _s(getattr(v, "summary", None)) else (),
                bullets=_texts(items.get(v.id, ())),
            )
        )
    words = i18n.current()
    return Section(
        "volunteering", words("section.volunteering"), tuple(entries), noun=words("noun.roles")
    )
