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
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import dates
from .._files import MAX_DESCRIPTOR_BYTES, STDIN, FileRefused, read_input, shown_input
from ..cells import flag as _flag
from ..cells import safe_image, text
from ..cells import sorted_roles as _sorted_roles
from ..schema import default_package
from ._paper_fields import _authors, _paper_url, _papers, _venue, safe_url

if TYPE_CHECKING:
    from ..load import CV

#: The copy shipped with cvdata (MIT licence, ``vendor/jsonresume-schema-LICENSE.md``).
VENDORED_SCHEMA = "vendor/jsonresume-schema.json"

#: Profile networks that have a contact kind of their own (the rest are ``other``).
PROFILE_KINDS = {
    "linkedin": "linkedin",
    "github": "github",
    "twitter": "twitter",
    "x": "twitter",
    "google scholar": "scholar",
    "scholar": "scholar",
    "dblp": "dblp",
    "orcid": "orcid",
}
_NOT_PROFILES = ("email", "website", "phone", "address")
_URL = re.compile(r"^(https?://|mailto:)\S+$")
_SCORE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(?:/([0-9]+(?:\.[0-9]+)?))?$")


class JsonResumeError(ValueError):
    """A document cvdata cannot take; ``problems`` lists each as ``"<json path>: why"``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the JSON Resume document:\n{shown}")


# ---------------------------------------------------------------- the official schema


def find_schema(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The schema file to use instead of the bundled one: ``path`` when given, else
    ``None`` (the copy shipped with cvdata serves, see :func:`load_schema`).

    No folder is searched: a schema found under the working folder or one above it could
    be anyone's (a pattern that never ends would hang the import).
    """
    return Path(path) if path is not None else None


def load_schema(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The JSON Resume schema: from ``path`` when given (the tests pass the official npm
    package's copy this way), else the copy bundled with cvdata.

    Raises
    ------
    JsonResumeError
        When ``path`` cannot be read as JSON.
    """
    found = find_schema(path)
    if found is None:
        return _vendored_schema()
    why = ""
    try:
        schema = json.loads(read_input(found, MAX_DESCRIPTOR_BYTES).decode("utf-8"))
    except FileNotFoundError:
        why = "no such file"
    except FileRefused as e:
        why = e.reason
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        why = str(e) or type(e).__name__
    if why:
        raise JsonResumeError([f"{found}: cannot read the JSON Resume schema: {why}"])
    if not isinstance(schema, dict):
        raise JsonResumeError([f"{found}: the JSON Resume schema is not a JSON object"])
    return schema


@cache
def _vendored_schema() -> dict[str, Any]:
    text_ = resources.files("cvdata").joinpath(VENDORED_SCHEMA).read_text(encoding="utf-8")
    return json.loads(text_)


def json_path(parts: Iterable[object]) -> str:
    """``("work", 0, "url")`` -> ``work[0].url``; the document itself is ``(document)``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"


def read_document(path: str | os.PathLike[str]) -> Any:
    """The parsed JSON of a résumé file (UTF-8, a byte-order mark allowed).

    Raises
    ------
    JsonResumeError
        Naming the file, and the line and column where the JSON breaks.
    """
    from ..validate import display_path

    where = shown_input(path) if os.fspath(path) == STDIN else display_path(Path(path))
    try:
        raw = read_input(path)  # a regular file of bounded size (or stdin for "-"), only
    except FileNotFoundError:
        raise JsonResumeError([f"{where}: cannot read the file: no such file"]) from None
    except FileRefused as e:
        raise JsonResumeError([f"{where}: {e.reason}"]) from None
    try:
        data = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise JsonResumeError([f"{where}:{line}: not UTF-8; save the file as UTF-8"]) from None
    try:
        document = json.loads(data)
    except json.JSONDecodeError as e:
        raise JsonResumeError(
            [f"{where}:{e.lineno}: column {e.colno}: not valid JSON: {e.msg}"]
        ) from None
    except RecursionError:
        raise JsonResumeError([f"{where}: nested too deeply to read"]) from None
    if (found := _lone_surrogate(document)) is not None:
        path, char = found
        raise JsonResumeError(
            [
                f"{path}: holds \\u{ord(char):04x}, half of a UTF-16 surrogate pair "
                "and not a character (no file can store it); write the character itself"
            ]
        )
    return document


def _lone_surrogate(document: object) -> tuple[str, str] | None:
    """The JSON path and character of the first string (or key) holding an unpaired
    surrogate: JSON's ``\\ud800`` escapes decode to one, and UTF-8 cannot encode it."""
    stack: list[tuple[tuple[object, ...], object]] = [((), document)]
    while stack:
        parts, node = stack.pop()
        texts: list[tuple[tuple[object, ...], str]] = []
        if isinstance(node, str):
            texts.append((parts, node))
        elif isinstance(node, dict):
            texts += [((*parts, k), k) for k in node]
            stack += [((*parts, k), v) for k, v in reversed(node.items())]
        elif isinstance(node, list):
            stack += [((*parts, i), v) for i, v in reversed(list(enumerate(node)))]
        for at, string in texts:
            for char in string:
                if "\ud800" <= char <= "\udfff":
                    return json_path(at), char
    return None


def schema_problems(document: object, schema: Mapping[str, Any] | None = None) -> list[str]:
    """Every way ``document`` breaks the JSON Resume schema, as ``"<json path>: why"``,
    in document order; empty when it is valid.

    Raises
    ------
    JsonResumeError
        When ``schema`` is not a usable JSON Schema.
    """
    import jsonschema

    schema = schema or load_schema()
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise JsonResumeError([f"(schema): not a JSON Schema: {e.message}"]) from None
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.path])
    return [f"{json_path(e.absolute_path)}: {e.message}" for e in errors]


# ---------------------------------------------------------------- document -> tables


def slug(value: str) -> str:
    """A stable id from text: ASCII-folded, lowercase, words joined by single hyphens
    (``"Pied Piper"`` -> ``pied-piper``); '' when nothing of it is ASCII."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))


class _Ids:
    """Unique slugs within one table: repeats get ``-2``, ``-3``, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, *parts: str, fallback: str) -> str:
        stem = slug("-".join(p for p in parts if p))[:60].strip("-") or fallback
        key, n = stem, 1
        while key in self.used:
            n += 1
            key = f"{stem}-{n}"
        self.used.add(key)
        return key


class _Builder:
    """Rows of every table, and the problems found on the way (with their JSON paths)."""

    def __init__(self) -> None:
        package = default_package()
        self.fields = {t.name: t.field_names for t in package.tables}
        self.rows: dict[str, list[dict[str, str]]] = {name: [] for name in package.names}
        self.ids: dict[str, _Ids] = {name: _Ids() for name in package.names}
        self.problems: list[str] = []

    def add(self, table: str, **cells: str) -> dict[str, str]:
        # Every declared column, '' where there is nothing: what a CSV writer needs.
        row = {name: cells.get(name, "") for name in self.fields[table]}
        self.rows[table].append(row)
        return row

    def need(self, value: str, path: str, what: str) -> str:
        if not value:
            self.problems.append(f"{path}: missing; cvdata needs {what}")
        return value

    def url(self, value: str, path: str) -> str:
        if value and not _URL.match(value):
            self.problems.append(
                f"{path}: {value!r} is not an http://, https:// or mailto: address; "
                "cvdata publishes no other links"
            )
            return ""
        return value

    def image(self, value: str, path: str) -> str:
        if value and not safe_image(value):
            self.problems.append(
                f"{path}: {value!r} is not an http:// or https:// address nor a file name "
                "in the data folder; cvdata keeps no other image"
            )
            return ""
        return value

    def date(self, value: str, path: str) -> str:
        if value:
            try:
                dates.parse(value)
            except ValueError as e:
                self.problems.append(f"{path}: {e}")
                return ""
        return value

    def children(self, table: str, key: str, parent: str, column: str, items: list) -> None:
        for pos, item in enumerate(items, 1):
            if _s(item):
                self.add(table, **{key: parent, "position": str(pos), column: _s(item)})


def _s(value: object) -> str:
    """A document value as a cell: text stripped of surrounding space; '' for none."""
    if value is None:
        return ""
    return (value if isinstance(value, str) else str(value)).strip()


def _list(node: Mapping[str, Any], key: str) -> list:
    value = node.get(key)
    return value if isinstance(value, list) else []


def _objects(document: Mapping[str, Any], key: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    for i, item in enumerate(_list(document, key)):
        if isinstance(item, Mapping):
            yield i, item


def _score_cells(score: str) -> dict[str, str]:
    """A score as GPA columns when :func:`_score` gives it back exactly (``3.8/4.0``),
    else as written in ``score`` (``4``, ``First-class honours``)."""
    m = _SCORE.match(score)
    if m:
        gpa, scale = m.group(1), m.group(2) or ""
        if not scale or float(gpa) <= float(scale):
            cells = {"gpa": gpa, "gpa_scale": scale}
            if _score(gpa, scale, "") == score:
                return cells
    return {"score": score}


def to_tables(
    document: Mapping[str, Any], *, schema: Mapping[str, Any] | None = None
) -> dict[str, list[dict[str, str]]]:
    """A JSON Resume document as rows of every CV table.

    The document is checked against the official JSON Resume schema first. Ids are stable
    slugs made from names (``pied-piper-ceo-president``); the phone, the street address
    and references are ``private``. Every table of the package is a key (most with no
    rows); each row has every column of its table, as CSV cells ('' where empty).

    Parameters
    ----------
    document
        The parsed JSON (``json.load``).
    schema
        The JSON Resume schema; :func:`load_schema` when omitted.

    Returns
    -------
    dict[str, list[dict[str, str]]]
        Rows by table name, in the descriptor's order; write them with the header of
        each table (``default_package()[name].field_names``).

    Raises
    ------
    JsonResumeError
        Listing every problem with its JSON path (``work[0].startDate: ...``): a schema
        violation, or a value cvdata cannot hold (a role without a start date, a link
        that is not http, https or mailto, a date such as ``2019-13``).
    """
    problems = schema_problems(document, schema)
    if problems:
        raise JsonResumeError(problems)
    if not isinstance(document, Mapping):  # the schema says so too; for type checkers
        raise JsonResumeError(["(document): not a JSON object"])
    b = _Builder()
    person_id = _basics_rows(b, document)
    _work_rows(b, document)
    _education_rows(b, document)
    _volunteer_rows(b, document)
    _award_rows(b, document)
    _certificate_rows(b, document)
    _publication_rows(b, document)
    _skill_rows(b, document)
    _simple_rows(b, document)
    _project_rows(b, document)
    meta = document.get("meta") if isinstance(document.get("meta"), Mapping) else {}
    cells = {
        "canonical": b.url(_s(meta.get("canonical")), "meta.canonical"),
        "version": _s(meta.get("version")),
        "last_modified": _s(meta.get("lastModified")),
        "schema": b.url(_s(document.get("$schema")), "$schema"),
        # The CV's language (cvdata.i18n), under whichever name the resume gives it.
        "language": next((_s(meta[k]) for k in ("language", "lang", "x-lang") if meta.get(k)), ""),
    }
    if any(cells.values()):
        b.add("meta", person_id=person_id, **cells)
    if b.problems:
        raise JsonResumeError(b.problems)
    return b.rows


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
    for i, p in _objects(basics, "profiles"):
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


def _dates(b: _Builder, item: Mapping[str, Any], path: str, *, start_required: bool) -> dict:
    start = b.date(_s(item.get("startDate")), f"{path}.startDate")
    if start_required:
        b.need(start, f"{path}.startDate", "a start date for it (the timeline draws it)")
    return {"start": start, "end": b.date(_s(item.get("endDate")), f"{path}.endDate")}


def _work_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, w in _objects(document, "work"):
        path = f"work[{i}]"
        org = b.need(_s(w.get("name")), f"{path}.name", "the organisation's name")
        title = b.need(_s(w.get("position")), f"{path}.position", "the position held")
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
            **_dates(b, w, path, start_required=True),
        )
        b.children("role_highlights", "role_id", rid, "text", _list(w, "highlights"))


def _education_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, e in _objects(document, "education"):
        path = f"education[{i}]"
        org = b.need(_s(e.get("institution")), f"{path}.institution", "the institution")
        study, area = _s(e.get("studyType")), _s(e.get("area"))
        title = " in ".join(x for x in (study, area) if x)
        b.need(title, f"{path}.studyType", "the kind of study or its area for the title")
        rid = b.ids["roles"].make(org, study, area, fallback=f"education-{i + 1}")
        b.add(
            "roles",
            id=rid,
            organisation=org,
            title=title,
            kind="education",
            url=b.url(_s(e.get("url")), f"{path}.url"),
            **_dates(b, e, path, start_required=True),
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
    for i, v in _objects(document, "volunteer"):
        path = f"volunteer[{i}]"
        org = b.need(_s(v.get("organization")), f"{path}.organization", "the organisation")
        role = b.need(_s(v.get("position")), f"{path}.position", "the position held")
        vid = b.ids["volunteering"].make(org, role, fallback=f"volunteer-{i + 1}")
        b.add(
            "volunteering",
            id=vid,
            organisation=org,
            role=role,
            url=b.url(_s(v.get("url")), f"{path}.url"),
            summary=_s(v.get("summary")),
            **_dates(b, v, path, start_required=True),
        )
        b.children("volunteering_items", "volunteering_id", vid, "text", _list(v, "highlights"))


def _award_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, a in _objects(document, "awards"):
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
    for i, c in _objects(document, "certificates"):
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
    for i, p in _objects(document, "publications"):
        path = f"publications[{i}]"
        title = b.need(_s(p.get("name")), f"{path}.name", "the publication's title")
        date = b.date(_s(p.get("releaseDate")), f"{path}.releaseDate")
        pid = b.ids["papers"].make(title, fallback=f"publication-{i + 1}")
        b.add(
            "papers",
            id=pid,
            title=title,
            # JSON Resume says neither kind nor status: a released work, filed as a journal
            # paper (notes say so, for the owner to correct).
            type="journal",
            status="published",
            venue_display=_s(p.get("publisher")),
            year=date[:4],
            date=date,
            summary=_s(p.get("summary")),
            notes="Imported from JSON Resume, which gives no type: check 'type'.",
        )
        url = b.url(_s(p.get("url")), f"{path}.url")
        if url:
            b.add("paper_links", paper_id=pid, position="1", kind="paper", label="Link", url=url)


def _skill_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    seen: dict[str, int] = {}
    for i, s in _objects(document, "skills"):
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
    for i, lang in _objects(document, "languages"):
        name = b.need(_s(lang.get("language")), f"languages[{i}].language", "the language")
        b.add(
            "languages",
            id=b.ids["languages"].make(name, fallback=f"language-{i + 1}"),
            language=name,
            fluency=_s(lang.get("fluency")),
        )
    for i, it in _objects(document, "interests"):
        name = b.need(_s(it.get("name")), f"interests[{i}].name", "the interest's name")
        iid = b.ids["interests"].make(name, fallback=f"interest-{i + 1}")
        b.add("interests", id=iid, name=name)
        b.children("interest_keywords", "interest_id", iid, "keyword", _list(it, "keywords"))
    for i, r in _objects(document, "references"):
        name = b.need(_s(r.get("name")), f"references[{i}].name", "who gives the reference")
        b.add(
            "references",
            id=b.ids["references"].make(name, fallback=f"reference-{i + 1}"),
            name=name,
            reference=_s(r.get("reference")),
            visibility="private",  # what someone else wrote: published only when marked
        )


def _project_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    for i, p in _objects(document, "projects"):
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
            **_dates(b, p, path, start_required=False),
        )
        b.children("project_contributions", "project_id", pid, "text", _list(p, "highlights"))
        b.children("project_keywords", "project_id", pid, "keyword", _list(p, "keywords"))
        b.children("project_roles", "project_id", pid, "role", _list(p, "roles"))
        url = b.url(_s(p.get("url")), f"{path}.url")
        if url:
            b.add("project_links", project_id=pid, position="1", kind="website",
                  label="Website", url=url)  # fmt: skip


def import_file(
    path: str | os.PathLike[str], *, schema_path: str | os.PathLike[str] | None = None
) -> dict[str, list[dict[str, str]]]:
    """The rows of every CV table from a JSON Resume file: :func:`read_document`, then
    :func:`to_tables` against :func:`load_schema` (``schema_path``, else the bundled one).
    What ``cvdata import jsonresume`` calls.

    Raises
    ------
    JsonResumeError
        Every problem, each naming the file and line, or the JSON path.
    """
    return to_tables(read_document(path), schema=load_schema(schema_path))


def unmapped(document: object, schema: Mapping[str, Any] | None = None) -> list[str]:
    """JSON paths of the values :func:`to_tables` has no column for: properties the
    schema does not define (it allows any), e.g. ``basics.x-pronouns``. Empty for a
    document that uses only the schema's properties."""
    root = dict(schema or load_schema())

    def walk(node: object, spec: Mapping[str, Any], path: tuple) -> Iterable[str]:
        if "$ref" in spec:
            spec = root.get("definitions", {}).get(spec["$ref"].rsplit("/", 1)[-1], {})
        if isinstance(node, Mapping):
            props = spec.get("properties", {})
            for key, value in node.items():
                if key not in props:
                    yield json_path((*path, key))
                else:
                    yield from walk(value, props[key], (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, spec.get("items", {}), (*path, i))

    return list(walk(document, root, ()))


# ---------------------------------------------------------------- tables -> document


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
    for role in _rows(_sorted_roles(cv.roles[cv.roles["kind"] != "education"])):
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


def _score(gpa: str, scale: str, note: str) -> str:
    """The score as printed from the GPA columns: ``4.0/4.0, High Distinct (HD)``."""
    if not gpa:
        return ""
    score = str(float(gpa))
    if scale:
        score += f"/{float(scale)}"
    if note:
        score += f", {note}"
    return score


def _education(cv: CV) -> list[dict[str, Any]]:
    out = []
    for role in _rows(_sorted_roles(cv.roles[cv.roles["kind"] == "education"])):
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
    for v in _rows(_sorted_roles(cv.volunteering)):
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


__all__ = [
    "JsonResumeError",
    "find_schema",
    "from_cv",
    "import_file",
    "json_path",
    "load_schema",
    "read_document",
    "schema_problems",
    "slug",
    "to_tables",
    "unmapped",
]
