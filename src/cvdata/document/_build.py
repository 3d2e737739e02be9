"""The whole CV and the short résumé, section by section, in reading order."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import Callable, Iterable, Iterator

import pandas as pd

from .. import i18n
from ..load import CV
from ._education import _award_lines, education, other_awards
from ._experience import experience, other_projects, volunteering
from ._header import header, header_of
from ._model import Entry, Header, Section
from ._other import (
    activities,
    certifications,
    events,
    interests,
    languages,
    references,
    service,
    skills,
    talks,
    teaching,
)
from ._publications import _newest_first, _Papers, publications

#: The CV's sections in reading order, by id; ``publications-`` stands for one section per
#: type of paper (``publications-journal``, ...).
SECTIONS: dict[str, Callable[[CV], Section]] = {
    "experience": experience,
    "education": education,
    "awards": other_awards,
    "publications-": publications,  # type: ignore[dict-item]
    "skills": skills,
    "talks": talks,
    "service": service,
    "events": events,
    "teaching": teaching,
    "certifications": certifications,
    "other-projects": other_projects,
    "activities": activities,
    "volunteering": volunteering,
    "languages": languages,
    "interests": interests,
    "references": references,
}


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a document is built: building allocates
    objects by the hundred thousand at a few thousand papers (none of them in cycles), and
    the full collections that triggers cost as much as the building itself."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def build(cv: CV, ids: Iterable[str] | None = None) -> tuple[Header, list[Section]]:
    """The whole CV in reading order, or only the sections whose ids are given (only those
    are built); empty sections are left out."""
    wanted = None if ids is None else set([ids] if isinstance(ids, str) else ids)
    sections: list[Section] = []
    with _gc_paused(), i18n.use(_words(cv)):
        for sid, make in SECTIONS.items():
            if sid == "publications-":
                if wanted is None or any(i.startswith(sid) for i in wanted):
                    sections += publications(cv, wanted)
            elif wanted is None or sid in wanted:
                sections.append(make(cv))
        head = header(cv)
    return head, [s for s in sections if s.entries]


def _words(cv: CV) -> i18n.Words:
    """The CV's own words: a document is in its CV's language wherever it is built."""
    return i18n.words_of(cv)


# ---------------------------------------------------------------- the short résumé

#: The column that tags rows for the short résumé (true: include; empty or false: leave out).
RESUME_COLUMN = "resume"


def _tagged(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose ``resume`` cell is true; none when the table has no such column."""
    if RESUME_COLUMN not in df:
        return df.iloc[0:0]
    return df[df[RESUME_COLUMN].fillna(False).astype(bool)]


def resume_selection(cv: CV) -> CV:
    """The CV cut down to what the short résumé shows.

    Roles, projects, project bullets, papers, skills, awards, certifications and
    volunteering are kept when their ``resume`` cell is true; rows that belong to kept rows
    come along (a kept role's grades, advisors and highlights, a kept paper's authors, links
    and identifiers, a kept certificate's scores, a kept volunteer role's items; a kept
    project under a role that is left out is left out too). Tables without the column
    (talks, service, events, teaching, activities; languages, interests and references
    unless a fork's descriptor gives them one) are emptied; the person, contacts, venues,
    skill categories and meta stay whole.
    """
    roles = _tagged(cv.roles)
    role_ids = set(roles["id"])
    projects = _tagged(cv.projects)
    projects = projects[projects["role_id"].isna() | projects["role_id"].isin(role_ids)]
    project_ids = set(projects["id"])
    contributions = _tagged(cv.project_contributions)
    papers = _tagged(cv.papers)
    paper_ids = set(papers["id"])
    # A career changer's strongest items: certificates and volunteering can be tagged too.
    certifications = _tagged(cv.certifications)
    cert_ids = set(certifications["id"])
    volunteer = _tagged(cv.volunteering)
    volunteer_ids = set(volunteer["id"])
    interests = _tagged(cv.interests)

    def of(df: pd.DataFrame, column: str, keep: set) -> pd.DataFrame:
        return df[df[column].isin(keep)]

    def none(df: pd.DataFrame) -> pd.DataFrame:
        return df.iloc[0:0]

    return dataclasses.replace(
        cv,
        roles=roles,
        education=of(cv.education, "role_id", role_ids),
        advisors=of(cv.advisors, "role_id", role_ids),
        role_highlights=of(cv.role_highlights, "role_id", role_ids),
        projects=projects,
        project_contributions=of(contributions, "project_id", project_ids),
        project_links=of(cv.project_links, "project_id", project_ids),
        # The JSON Resume tables (issue #14): children follow their parents.
        education_courses=of(cv.education_courses, "role_id", role_ids),
        project_roles=of(cv.project_roles, "project_id", project_ids),
        project_keywords=of(cv.project_keywords, "project_id", project_ids),
        # No résumé column in the shipped descriptor: none, unless a fork adds one.
        languages=_tagged(cv.languages),
        interests=interests,
        interest_keywords=of(cv.interest_keywords, "interest_id", set(interests["id"])),
        references=_tagged(cv.references),
        papers=papers,
        paper_authors=of(cv.paper_authors, "paper_id", paper_ids),
        paper_links=of(cv.paper_links, "paper_id", paper_ids),
        paper_identifiers=of(cv.paper_identifiers, "paper_id", paper_ids),
        skills=_tagged(cv.skills),
        awards=_tagged(cv.awards),
        events=none(cv.events),
        talks=none(cv.talks),
        service=none(cv.service),
        teaching=none(cv.teaching),
        certifications=certifications,
        certification_scores=of(cv.certification_scores, "certification_id", cert_ids),
        activities=none(cv.activities),
        volunteering=volunteer,
        volunteering_items=of(cv.volunteering_items, "volunteering_id", volunteer_ids),
    )


def build_resume(cv: CV) -> tuple[Header, list[Section]]:
    """The short résumé: the rows tagged ``resume`` (see :func:`resume_selection`), laid
    out tighter than the CV: no quote, advisors, motivations, links or identifiers; the
    tagged papers as one list, newest first; the tagged awards as one list."""
    sel = resume_selection(cv)
    head = header_of(cv, resume=True)
    with _gc_paused(), i18n.use(_words(cv)):
        words = i18n.current()
        sections = [
            experience(sel, details=False),
            education(sel, awards=False),
            Section(
                "selected-publications",
                words("section.selected-publications"),
                _Papers(sel, details=False).entries(_newest_first(sel.papers)),
                noun=words("noun.publications"),
            ),
            skills(sel, alone=False),
            Section(
                "honours",
                words("section.honours"),
                tuple(Entry(title=t) for t in _award_lines(sel.awards)),
                compact=True,
                noun=words("noun.honours"),
            ),
            other_projects(sel, details=False),
            certifications(sel),
            volunteering(sel),
            languages(sel),
            interests(sel),
            references(sel),
        ]
    return head, [s for s in sections if s.entries]
