"""JSON Resume (https://jsonresume.org/schema) both ways: the CV's tables as a résumé
document, and a résumé document as rows of the CV's tables.

    from cvdata import load
    from cvdata.formats.jsonresume import from_cv, to_tables

    doc = from_cv(load())                   # {"basics": ..., "work": [...], ...}
    rows = to_tables(json.load(open(path))) # {"person": [{"id": ..., ...}], "roles": [...]}

Where each field lives (the tidy model):

=========================  ==============================================================
``basics``                 ``person`` (name, label -> headline, image, summary, location's
                           city, region, postalCode, countryCode) and ``contacts`` (email,
                           phone *private*, url -> a ``website`` row, location.address ->
                           an ``address`` row *private*, each profile a row: network ->
                           label, username -> value, url)
``work``                   ``roles`` (kind ``industry``; name -> organisation, position ->
                           title, description, summary, url, location, dates) and
                           ``role_highlights``
``education``              ``roles`` (kind ``education``; title "<studyType> in <area>"),
                           ``education`` (study_type, area, GPA or score as written) and
                           ``education_courses``
``volunteer``              ``volunteering`` and ``volunteering_items``
``awards``                 ``awards`` (date, its year in ``year``; awarder -> issuer;
                           summary)
``certificates``           ``certifications`` (name, date, issuer, url)
``publications``           ``papers`` (publisher -> venue_display, releaseDate -> date and
                           year, summary) and a ``paper_links`` row for the url
``skills``                 ``skill_categories`` (name, level); each keyword a ``skills``
                           row of that category
``languages``              ``languages``
``interests``              ``interests`` and ``interest_keywords``
``references``             ``references`` (*private* unless marked public)
``projects``               ``projects`` (description, entity, type, dates),
                           ``project_contributions`` (highlights), ``project_keywords``,
                           ``project_roles`` and a ``project_links`` row for the url
``meta``, ``$schema``      ``meta`` (canonical, version, last_modified, schema)
=========================  ==============================================================

Private values (phone, street address, references not marked public) are left out of
:func:`from_cv` unless ``include_private=True``.

Where things are: ``_schema`` (the bundled schema, reading a file, JSON paths, the
schema's problems), ``_keys`` (resumes as people write them: pre-1.0 keys, date words,
expected ends, kinds of publications), ``_builder`` and ``_sections`` (the rows of each
section), ``_import`` (:func:`to_tables` and the import format's ``read``), ``_export``
(:func:`from_cv`).
"""

from __future__ import annotations

from ._builder import PROFILE_KINDS, slug
from ._export import from_cv
from ._import import import_file, read, to_tables
from ._schema import (
    VENDORED_SCHEMA,
    JsonResumeError,
    find_schema,
    json_path,
    load_schema,
    read_document,
    schema_problems,
    unmapped,
)

__all__ = [
    "PROFILE_KINDS",
    "VENDORED_SCHEMA",
    "JsonResumeError",
    "find_schema",
    "from_cv",
    "import_file",
    "json_path",
    "load_schema",
    "read",
    "read_document",
    "schema_problems",
    "slug",
    "to_tables",
    "unmapped",
]
