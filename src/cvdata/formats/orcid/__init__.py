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
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..._files import shown_input
from ...problems import Problem
from .._format import Incoming
from ._json import OrcidError, _get, _list, fuzzy_date, read_json
from ._record import _affiliations, _honours, _Import, _person, _service
from ._works import GUESSED_TYPES, WORK_TYPES, _full_records, _works

if TYPE_CHECKING:
    from ...load import CV


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
    return im.rows.incoming(im.report, im.problems, shown)


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
