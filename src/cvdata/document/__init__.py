"""The CV as a document: sections of entries, built from the tables, and its writers.

``build(cv)`` arranges the data the way a CV reads (experience with its projects,
education with grades and awards, publications by type, ...); ``build_resume(cv)`` the
short résumé. :mod:`~cvdata.document.html` and :mod:`~cvdata.document.typst` turn the
result into markup. User text stays plain strings in the document; only the writers
escape it.

Where things are:

- ``_model``: the document itself (:class:`Header`, :class:`Section`, :class:`Entry`,
  :class:`Run`) and how a web page shortens a section;
- ``_format``: reading rows and writing dates, grades and counts, for every section;
- ``_header``, ``_experience`` (roles, projects, volunteering), ``_education`` (degrees
  and awards), ``_publications``, ``_other`` (the shorter sections): the builders;
- ``_build``: the order of the sections, the whole CV and the résumé;
- ``html``, ``typst``: the writers.
"""

from __future__ import annotations

from ..cells import SAFE_SCHEMES, safe_href
from ._build import RESUME_COLUMN, SECTIONS, build, build_resume, resume_selection
from ._education import education, other_awards
from ._experience import experience, other_projects, volunteering
from ._format import day_range, month_range
from ._header import header, header_of, person_location
from ._model import (
    Entry,
    Header,
    Run,
    Section,
    Text,
    entry_count,
    first_entries,
    plain,
    section_size,
    shown_count,
)
from ._other import (
    SERVICE_LABELS,
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
from ._publications import PAPER_TYPES, author_runs, paper_entry, publications, venue_line
from .html import (
    HTML_SECTION_LIMIT,
    esc_html,
    html_entry,
    html_header,
    html_more,
    html_section,
    html_text,
)
from .typst import (
    DESIGNS,
    LONG_HEADER,
    TYPST_PREAMBLE,
    TYPST_RESUME,
    typst_entry,
    typst_header,
    typst_preamble,
    typst_section,
    typst_str,
    typst_text,
)

__all__ = [
    "DESIGNS",
    "HTML_SECTION_LIMIT",
    "LONG_HEADER",
    "PAPER_TYPES",
    "RESUME_COLUMN",
    "SAFE_SCHEMES",
    "SECTIONS",
    "SERVICE_LABELS",
    "TYPST_PREAMBLE",
    "TYPST_RESUME",
    "Entry",
    "Header",
    "Run",
    "Section",
    "Text",
    "activities",
    "author_runs",
    "build",
    "build_resume",
    "certifications",
    "day_range",
    "education",
    "entry_count",
    "esc_html",
    "events",
    "experience",
    "first_entries",
    "header",
    "header_of",
    "html_entry",
    "html_header",
    "html_more",
    "html_section",
    "html_text",
    "interests",
    "languages",
    "month_range",
    "other_awards",
    "other_projects",
    "paper_entry",
    "person_location",
    "plain",
    "publications",
    "references",
    "resume_selection",
    "safe_href",
    "section_size",
    "service",
    "shown_count",
    "skills",
    "talks",
    "teaching",
    "typst_entry",
    "typst_header",
    "typst_preamble",
    "typst_section",
    "typst_str",
    "typst_text",
    "venue_line",
    "volunteering",
]
