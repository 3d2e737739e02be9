"""LinkedIn's data export ("Get a copy of your data") as rows of the CV's tables.

``cvdata import linkedin EXPORT`` reads the ZIP as downloaded (Settings & Privacy -> Data
privacy -> Get a copy of your data), or the folder it unzips to. The archive is read in
memory, never extracted: members only at its root or one folder deep, no absolute or
``..`` names, at most :data:`MAX_MEMBERS` members, each at most 50 MB and all together at
most :data:`MAX_TOTAL_BYTES` once uncompressed (a ZIP bomb is refused). A folder is read
through :func:`cvdata._files.read_bytes`: a link that points outside it is refused.

Columns are found by name, never by position, across the export's vintages (2018's
``Phone Numbers.csv`` and later ``PhoneNumbers.csv``; Projects' ``Start Date`` and
``Started On``; Honors with or without ``Issuer``). Where each file goes:

==========================  ===============================================================
``Profile.csv``             ``person`` (first and last name, headline, summary, geo
                            location as the city; industry and maiden name in ``notes``)
                            when the folder has no person yet; websites, Twitter handles
                            and instant messengers as ``contacts``; the address and zip
                            code as a *private* ``address`` contact. The birth date
                            (``Apr 22``, no year) is not stored.
``Profile Summary.csv``     the summary, when Profile.csv's ``Summary`` is empty (later
                            exports keep it here)
``Positions.csv``           ``roles`` (industry; ``internship`` for an intern) with the
                            description's first line as ``description`` and each further
                            line or bullet a ``role_highlights`` row
``Education.csv``           ``roles`` (education), ``education`` (degree, field, grade);
                            notes and activities as the role's ``summary``, printed
                            under the degree
``Skills.csv``              ``skills`` of the category "Skills"
``Languages.csv``           ``languages``
``Certifications.csv``      ``certifications`` (authority -> issuer; licence number and
                            expiry in the description); duplicates stored once
``Courses.csv``             ``certifications`` (the course number in the description)
``Projects.csv``            ``projects`` and a ``project_links`` row for the URL
``Publications.csv``        ``papers`` (publisher -> venue); LinkedIn gives no kind: it is
                            guessed from the publisher and flagged in the report
``Honors.csv``              ``awards``
``Organizations.csv``       ``service`` (membership)
``Volunteering.csv``        ``volunteering``, the cause as an item
``Email Addresses.csv``     ``contacts``: the primary address public, the others private
``PhoneNumbers.csv``        ``contacts``, *private*; one number in two forms stored once
``Recommendations_          ``references``, *private*
Received.csv``
==========================  ===============================================================

Every other file and column is named in the report as not imported. Dates are read as
LinkedIn writes them (``Jun 2018``, ``2018``, ``Apr 3, 2023``, ``6/19/15, 10:16 AM``) at
their precision; an empty end means current; a row without dates stays undated.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..._files import shown_input as _shown
from ...problems import Problem
from .._format import Incoming
from ._cells import line, paragraph, parse_date, split_description
from ._export import MAX_MEMBERS, MAX_TOTAL_BYTES, ExportError, _Export, _key, _parse, read_export
from ._import import NOT_CV, _Import, _profile, profile_summary
from ._sections import (
    _certifications,
    _education,
    _emails,
    _honors,
    _languages,
    _organizations,
    _phones,
    _positions,
    _projects,
    _publications,
    _recommendations,
    _skills,
    _volunteering,
)

if TYPE_CHECKING:
    from ...load import CV


_READERS: tuple[tuple[tuple[str, ...], Callable[[_Import], None]], ...] = (
    (("Profile",), _profile),
    (("Profile Summary",), profile_summary),
    (("Positions",), _positions),
    (("Education",), _education),
    (("Skills",), _skills),
    (("Languages",), _languages),
    (("Certifications", "Courses"), _certifications),
    (("Projects",), _projects),
    (("Publications",), _publications),
    (("Honors",), _honors),
    (("Organizations",), _organizations),
    (("Volunteering", "Volunteer Experiences"), _volunteering),
    (("Email Addresses", "EmailAddresses"), _emails),
    (("PhoneNumbers", "Phone Numbers"), _phones),
    (("Recommendations_Received", "Recommendations Received"), _recommendations),
)


def _not_imported(im: _Import) -> None:
    """Name every other file of the export in the report, with its row count."""
    read = {_key(n) for names, _ in _READERS for n in names}
    for fname, data in im.export.files.items():
        stem = fname.rsplit("/", 1)[-1]
        if "/" not in fname and _key(stem.removesuffix(".csv")) in read and stem.endswith(".csv"):
            continue
        section = im.report.section(fname)
        if fname.lower().endswith(".csv"):
            with contextlib.suppress(ExportError):
                section.came_in = len(_parse(fname, fname, data).rows)
        section.set_aside.append((fname, NOT_CV))
    for fname, why in im.export.skipped:
        im.report.section(fname).set_aside.append((fname, why))


def tables_from_export(export: _Export, existing: CV | None, as_of: dt.date) -> Incoming:
    """The rows of an export already read (:func:`read_export`), against ``existing``."""
    im = _Import(export, existing, as_of)
    if not any(
        _key(f.removesuffix(".csv")) in {_key(n) for ns, _ in _READERS for n in ns}
        for f in export.files
    ):
        im.problems.append(
            Problem(
                export.shown,
                None,
                None,
                "holds none of the files of a LinkedIn export (Profile.csv, Positions.csv, ...)",
            )
        )
        return Incoming(report=im.report, problems=im.problems)
    try:
        for _, reader in _READERS:
            reader(im)
    except ExportError as e:
        im.problems.append(Problem(export.shown, None, None, str(e)))
    _not_imported(im)
    return im.rows.incoming(im.report, im.problems, export.shown)


def read(
    inputs: Sequence[str], options: argparse.Namespace, existing: CV | None, as_of: dt.date
) -> Incoming:
    """The rows of a LinkedIn data export (a ZIP or its folder), against ``existing``.

    Parameters
    ----------
    inputs
        One path: the ZIP as downloaded, its unzipped folder, or ``-`` (a ZIP on standard
        input).
    options
        Unused (the command has no options of its own).
    existing
        The CV already in the data folder, or ``None`` for a new folder.
    as_of
        The as-of date (two-digit years, dates after it left out).

    Returns
    -------
    Incoming
        Rows by table, the report per file of the export, and the problems that stop the
        import (an archive that is not safe to read, an export without ``Profile.csv``
        for a new folder, which needs the person's name).
    """
    (name,) = inputs
    try:
        export = read_export(name)
    except FileNotFoundError:
        return Incoming(problems=[Problem(_shown(name), None, None, "no such file or folder")])
    except ExportError as e:
        return Incoming(problems=[Problem(_shown(name), None, None, str(e))])
    return tables_from_export(export, existing, as_of)


__all__ = [
    "MAX_MEMBERS",
    "MAX_TOTAL_BYTES",
    "ExportError",
    "line",
    "paragraph",
    "parse_date",
    "read",
    "read_export",
    "split_description",
    "tables_from_export",
]
