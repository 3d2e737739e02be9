"""The CV as a document: sections of entries, built from the tables, independent of format.

``build(cv)`` arranges the data the way a CV reads (experience with its projects,
education with grades and awards, publications by type, ...); :mod:`cvdata.writers` turns
the result into HTML or Typst. User text stays plain strings here; only the writers escape.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import re
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from . import dates
from .load import CV


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with one style; ``href`` makes it a link."""

    text: str
    strong: bool = False
    emph: bool = False
    href: str | None = None


Text = tuple[Run, ...]


def plain(*parts: str | None, sep: str = ", ") -> Text:
    """Non-empty parts joined as one unstyled run."""
    joined = sep.join(p for p in parts if p)
    return (Run(joined),) if joined else ()


@dataclass(frozen=True, slots=True)
class Entry:
    """One item: a bold title with a date on the right, a subtitle with a place on the right,
    then lines, bullets and nested entries (a role's projects)."""

    title: Text
    subtitle: Text = ()
    date: str = ""
    place: str = ""
    lines: tuple[Text, ...] = ()
    bullets: tuple[Text, ...] = ()
    children: tuple[Entry, ...] = ()
    group: str = ""  # heading shown before this entry when it differs from the previous one
    #: A compact entry's list, shown after the title joined by ", " (a category's skills).
    #: Each item counts as an entry where a web page shortens a section.
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    entries: tuple[Entry, ...] = field(default_factory=tuple)
    compact: bool = False  # entries are one-liners (skills, memberships)
    noun: str = "entries"  # what the entries are, in counts: "Showing 350 of 3,526 {noun}"


@dataclass(frozen=True, slots=True)
class Header:
    name: str
    headline: str
    contacts: tuple[Text, ...]
    quote: str
    quote_author: str


# ---------------------------------------------------------------- formatting helpers


def _na(value: object) -> bool:
    """A missing cell (what :func:`_s` shows as '')."""
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _s(value: object) -> str:
    """A cell as text; missing values become ''."""
    return "" if _na(value) else str(value)


def _month(ts: pd.Timestamp | None, precision: object = None) -> str:
    # At the precision given (cvdata.dates): '2019', 'Mar 2019' or '21 Mar 2019'.
    return "" if ts is None or pd.isna(ts) else dates.show(ts, precision)


def _precision(row: object, column: str) -> object:
    """The precision of a row's date (``None`` where the table keeps none: month)."""
    return getattr(row, dates.precision_column(column), None)


def month_range(
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    start_precision: object = None,
    end_precision: object = None,
) -> str:
    """'May 2024 – Present', 'Mar 2024 – Sep 2024', 'Feb 2026' (same month); a year-only
    date prints as '2019', a day as '21 Mar 2019'."""
    a, b = _month(start, start_precision), _month(end, end_precision)
    if not a:
        return b
    if not b:
        return f"{a} – Present"
    return a if a == b else f"{a} – {b}"


def day_range(
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    start_precision: object = None,
    end_precision: object = None,
) -> str:
    """'Jan 31 – Feb 4, 2026', 'Apr 24 – 28, 2025', 'Jul 11, 2020'."""
    if {str(start_precision), str(end_precision)} & {"year", "month"}:
        # Not every day is known: print each date at its own precision.
        if end is None or pd.isna(end) or end == start:
            return _month(start, start_precision)
        return month_range(start, end, start_precision, end_precision or "day")
    if start is None or pd.isna(start):
        return ""
    if end is None or pd.isna(end) or end == start:
        return f"{start:%b} {start.day}, {start.year}"
    if start.year != end.year:
        return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"
    if start.month != end.month:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day} – {end.day}, {end.year}"


def _flag(x: object) -> bool:
    """A boolean cell; missing counts as false."""
    return bool(_s(x)) and bool(x)


def _num(x: object) -> str:
    return f"{float(x):g}" if _s(x) else ""


def _grade(x: object) -> str:
    """A grade as people write one: ``4.0`` and ``3.81`` on a 4- or 5-point scale (the
    typed table keeps 4.0 as the number 4), ``92`` on a 100-point scale."""
    text = _num(x)
    return text + ".0" if text and float(text) < 10 and text.isdigit() else text


def _years(n: object) -> str:
    if not _s(n):
        return ""
    n = int(n)  # type: ignore[arg-type]
    return f"{n} yr" if n == 1 else f"{n} yrs"


def _records(df: pd.DataFrame) -> list:
    """The rows as named tuples (``row.title``), in file order, read column by column
    once per table: looking rows up in a frame one by one made the CV slow at a few
    thousand papers. Missing cells are ``pd.NA`` (``NaT`` for dates), as in the frame."""
    row = namedtuple("Row", map(str, df.columns), rename=True)
    return list(map(row._make, zip(*(df[c].tolist() for c in df.columns), strict=True)))


def _group(df: pd.DataFrame, column: str) -> dict[object, list]:
    """The rows of ``df`` (named tuples) by their value in ``column``, each list in file
    order; rows where ``column`` is missing belong to no group."""
    groups: dict[object, list] = {}
    for key, row in zip(df[column].tolist(), _records(df), strict=True):
        if _na(key):
            continue
        rows = groups.get(key)
        if rows is None:
            groups[key] = [row]
        else:
            rows.append(row)
    return groups


def _link_runs(rows: Iterable) -> Text:
    """Links that have an address; the rest are known to exist but cannot be shown."""
    runs: list[Run] = []
    for row in rows:
        if _s(row.url):
            if runs:
                runs.append(Run(" · "))
            runs.append(Run(_s(row.label), href=_s(row.url)))
    return tuple(runs)


def _links(df: pd.DataFrame) -> Text:
    """The links of a table of links (``label``, ``url``), in file order."""
    return _link_runs(_records(df))


def _texts(rows: Iterable) -> tuple[Text, ...]:
    """One plain line per row's ``text`` (bullets)."""
    return tuple(plain(_s(r.text)) for r in rows)


def _sorted_roles(roles: pd.DataFrame) -> pd.DataFrame:
    """Ongoing first, then by end and start, most recent first (the CV's order)."""
    end = roles["end"].astype("datetime64[ns]").fillna(pd.Timestamp.max)
    key = roles.assign(_end=end, _start=roles["start"])
    return key.sort_values(["_end", "_start"], ascending=False, kind="stable").drop(
        columns=["_end", "_start"]
    )


# ---------------------------------------------------------------- sections


def _bare_address(url: str) -> str:
    """An address without its scheme, ``www.`` and trailing slash: what two spellings of
    one web address share (``https://www.x.org/`` and ``x.org``)."""
    bare = re.sub(r"^(?:https?://|mailto:)", "", url.strip(), flags=re.I)
    return re.sub(r"^www\.", "", bare, flags=re.I).rstrip("/").lower()


def person_location(person: pd.Series) -> str:
    """Where the person lives, as written: 'Portland, Oregon 97214, US' (city, region
    and postal code, country); '' when ``person.csv`` says nothing. The street address is
    a private contact, never part of it."""
    region = " ".join(x for x in (_s(person.get("region")), _s(person.get("postal_code"))) if x)
    return ", ".join(
        x for x in (_s(person.get("city")), region, _s(person.get("country_code"))) if x
    )


def header(cv: CV) -> Header:
    p = cv.owner
    contacts = []
    where = person_location(p)
    if where:
        contacts.append((Run(where),))
    for c in cv.contacts[cv.contacts["visibility"] == "public"].itertuples():
        url = _s(c.url)
        if not (_s(c.value) or url):
            continue  # a profile whose address is unknown has nothing to show
        text = _s(c.value) or _s(c.label)
        same = _s(c.value) == _s(c.label) or (
            bool(url) and _bare_address(_s(c.value)) == _bare_address(url)
        )
        if c.kind != "email" and _s(c.value) and _s(c.label) and not same:
            # "GitHub: ytberg"; but a value that is the address itself is shown once,
            # not after a label that only says what it is ("Website: https://x.org").
            text = f"{c.label}: {c.value}"
        if url:
            contacts.append((Run(text, href=url),))
        else:
            contacts.append((Run(text),))
    return Header(
        name=_s(p["name"]),
        headline=_s(p["headline"]),
        contacts=tuple(contacts),
        quote=_s(p["quote"]),
        quote_author=_s(p["quote_author"]),
    )


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
            lines.append((Run(description),))
        keywords = [_s(k.keyword) for k in self.keywords.get(prj.id, ()) if _s(k.keyword)]
        if keywords:
            lines.append((Run("Keywords: ", strong=True), Run(", ".join(keywords))))
        if self.details and _s(prj.motivation):
            lines.append((Run("Motivation: ", strong=True), Run(_s(prj.motivation))))
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
    mode = {"remote": "Remote", "remote-and-on-site": "Remote & on-site"}.get(_s(role.work_mode))
    where = _s(role.location)
    if mode and mode.lower() in where.lower():  # "Remote" already says it
        mode = None
    return " · ".join(p for p in (where, mode) if p)


def _advisor_line(adv: list) -> Text:
    if not adv:
        return ()
    people = "; ".join(f"{a.name} ({a.title})" if _s(a.title) else _s(a.name) for a in adv)
    label = "Advisor: " if len(adv) == 1 else "Advisors: "
    return (Run(label, strong=True), Run(people))


def experience(cv: CV, details: bool = True) -> Section:
    """Roles other than degrees with their projects; ``details=False`` leaves out advisors,
    project headings, motivations and links (résumé)."""
    roles = _sorted_roles(cv.roles[cv.roles["kind"] != "education"])
    projects = _group(cv.projects[cv.projects["listing"] == "experience"], "role_id")
    build_project = _Projects(cv, details)
    advisors = _group(cv.advisors, "role_id") if details else {}
    highlights = _group(cv.role_highlights, "role_id")
    entries = []
    for role in _records(roles):
        # The role in the person's words first (JSON Resume's summary and description).
        lines: list[Text] = [
            (Run(text),)
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
                date=month_range(
                    role.start, role.end, _precision(role, "start"), _precision(role, "end")
                ),
                place=_role_place(role),
                lines=tuple(lines),
                bullets=_texts(highlights.get(role.id, ())),
                children=children,
            )
        )
    return Section("experience", "Experience", tuple(entries), noun="roles")


def _organisation(row) -> Text:
    """'Organisation, unit', the organisation linked to the role's ``url`` when it has one."""
    org, unit = _s(row.organisation), _s(getattr(row, "unit", None))
    url = _s(getattr(row, "url", None))
    if not url or not org:
        return plain(org, unit)
    return (Run(org, href=url), *((Run(f", {unit}"),) if unit else ()))


def _award_when(award: object) -> str:
    """When an award was given: its period as written, else its date at its precision,
    else its year."""
    period, year = _s(getattr(award, "period", None)), _s(getattr(award, "year", None))
    date = getattr(award, "date", None)
    if period or date is None or pd.isna(date):
        return period or year
    return dates.show(date, _precision(award, "date"))


def _award_lines(awards: Iterable) -> tuple[Text, ...]:
    """One line per award; the same award in several years is one line with every year.
    ``awards``: a table of awards, or its rows (named tuples)."""
    rows = _records(awards) if isinstance(awards, pd.DataFrame) else awards
    same: dict[tuple[str, str, str], list] = {}
    for a in rows:  # grouped by name, issuer and note, in order of first appearance
        same.setdefault((_s(a.name), _s(a.issuer), _s(a.note)), []).append(a)
    out = []
    for group in same.values():
        first = group[0]
        when = ", ".join(w for w in map(_award_when, group) if w)
        name = _s(first.name) + (f" ({first.note})" if _s(first.note) else "")
        line = plain(name, _s(first.issuer), when)
        # What it was for (JSON Resume's summary), each distinct one once.
        said = dict.fromkeys(_s(getattr(a, "summary", None)) for a in group)
        said.pop("", None)
        out.append(line + ((Run(" — " + " ".join(said)),) if said else ()))
    return tuple(out)


_EDUCATION_COLUMNS = [
    "role_id", "gpa", "gpa_scale", "gpa_label", "gpa_note",
    "title", "organisation", "unit", "start", "end", "location", "work_mode",
    "start_precision", "end_precision", "url", "score",
]  # fmt: skip


def education(cv: CV, awards: bool = True) -> Section:
    """Degrees and student posts with grades; ``awards`` lists the awards under each."""
    edu = cv.education.merge(cv.roles, left_on="role_id", right_on="id", how="left")
    advisors = _group(cv.advisors, "role_id")
    listed = _group(cv.awards, "role_id") if awards else {}
    courses = _group(cv.education_courses, "role_id")
    entries = []
    columns = [c for c in _EDUCATION_COLUMNS if c in edu]  # precisions: date columns only
    for row in _records(_sorted_roles(edu)[columns]):
        lines = [t for t in (_advisor_line(advisors.get(row.role_id, [])),) if t]
        if _s(row.gpa):
            gpa = _grade(row.gpa)
            if _s(row.gpa_scale):
                gpa += f"/{_grade(row.gpa_scale)}"
            label = _s(row.gpa_label) or "GPA"
            lines.append(plain(f"{label}: {gpa}", _s(row.gpa_note)))
        score = _s(getattr(row, "score", None))
        if score:  # a result that is not a number on a scale ("First-class honours")
            lines.append((Run("Result: ", strong=True), Run(score)))
        taken = [_s(c.name) for c in courses.get(row.role_id, ()) if _s(c.name)]
        if taken:
            lines.append((Run("Courses: ", strong=True), Run(", ".join(taken))))
        entries.append(
            Entry(
                title=(Run(_s(row.title), strong=True),),
                subtitle=_organisation(row),
                date=month_range(
                    row.start, row.end, _precision(row, "start"), _precision(row, "end")
                ),
                place=_role_place(row),
                lines=tuple(lines),
                bullets=_award_lines(listed.get(row.role_id, ())),
            )
        )
    return Section("education", "Education", tuple(entries))


def other_awards(cv: CV) -> Section:
    """Awards not listed under an education entry."""
    rest = cv.awards[cv.awards["role_id"].isna()]
    return Section(
        "awards",
        "Honours and awards",
        tuple(Entry(title=t) for t in _award_lines(rest)),
        compact=True,
        noun="awards",
    )


PAPER_TYPES = {
    "conference": "Conference papers",
    "journal": "Journal papers",
    "book": "Books",
    "preprint": "Preprints",
    "patent": "Patents",
    "thesis": "Theses",
    "blog": "Blog posts and reports",
}
STATUS_LABELS = {
    "accepted": "Accepted",
    "submitted": "Submitted",
    "under-review": "Under review",
    "forthcoming": "Forthcoming",
}

_COMMA = Run(", ")
_ET_AL = Run(", et al.")


def _flags(column: pd.Series) -> list[bool]:
    """A boolean column as Python booleans; missing counts as false (as :func:`_flag`)."""
    if pd.api.types.is_bool_dtype(column.dtype):
        return column.fillna(False).astype(bool).tolist()
    return [_flag(x) for x in column]


def _author_lists(authors: pd.DataFrame) -> dict[object, list[Run]]:
    """Each paper's authors as runs, in file order and comma-separated: the owner in bold,
    '*' after equal contributors. Names are built column-wise; one run per distinct
    (name, bold) pair, since co-authors recur across papers."""
    star = pd.Series(_flags(authors["equal_contribution"]), index=authors.index, dtype=bool)
    names = authors["name"].astype("string").fillna("") + star.map({True: "*", False: ""})
    made: dict[tuple[str, bool], Run] = {}
    by_paper: dict[object, list[Run]] = {}
    for paper_id, name, owner in zip(
        authors["paper_id"].tolist(), names.tolist(), _flags(authors["is_owner"]), strict=True
    ):
        if _na(paper_id):
            continue
        run = made.get((name, owner))
        if run is None:
            run = made[(name, owner)] = Run(name, strong=owner)
        runs = by_paper.get(paper_id)
        if runs is None:
            by_paper[paper_id] = [run]
        else:
            runs += (_COMMA, run)
    return by_paper


def author_runs(authors: pd.DataFrame, truncated: bool = False) -> Text:
    """Authors in order, the owner in bold, equal-contribution marks as '*'."""
    runs = [r for _, rs in _author_lists(authors.assign(paper_id="")).items() for r in rs]
    if truncated and runs:
        runs.append(_ET_AL)
    return tuple(runs)


class _Papers:
    """Builds paper entries with the paper tables grouped once."""

    def __init__(self, cv: CV, details: bool = True) -> None:
        self.details = details
        self.authors = _author_lists(cv.paper_authors)
        self.venues: dict[object, object] = {}
        for v in _records(cv.venues):
            if not _na(v.id):
                self.venues.setdefault(v.id, v)  # the first row with the id
        self.identifiers = _group(cv.paper_identifiers, "paper_id") if details else {}
        self.links = _group(cv.paper_links, "paper_id") if details else {}

    def venue_line(self, paper) -> str:
        if _s(paper.venue_display):
            return _s(paper.venue_display)
        v = self.venues.get(paper.venue_id)
        if v is None:
            return ""
        name = f"{v.acronym} ({v.name})" if _s(v.acronym) else _s(v.name)
        return f"{name} {paper.year}" if _s(paper.year) else name

    def entry(self, paper) -> Entry:
        """A paper: title, authors, venue and status; with details, also the track,
        identifiers and links."""
        lines: list[Text] = []
        authors = self.authors.get(paper.id)
        if authors:
            note = _s(paper.author_note)
            lines.append(
                (*authors, *((_ET_AL,) if _flag(paper.authors_truncated) else ()))
                + ((Run(f" ({note})", emph=True),) if note else ())
            )
        venue = self.venue_line(paper)
        status = STATUS_LABELS.get(_s(paper.status), "")
        if status.lower() in venue.lower():  # "Submitted to ICML 2026" says it already
            status = ""
        where: list[Run] = [Run(venue, emph=True)] if venue else []
        if status:
            where.append(Run(f" [{status}]" if venue else status, strong=True))
        if self.details and _s(paper.track):
            where.append(Run(f"{' · ' if where else ''}Track: {paper.track}"))
        if where:
            lines.append(tuple(where))
        ids = self.identifiers.get(paper.id) if self.details else None
        if ids:
            lines.append(plain(*(f"{_s(i.label) or i.scheme}: {i.value}" for i in ids), sep="; "))
        summary = _s(getattr(paper, "summary", None)) if self.details else ""
        if summary:
            lines.append((Run(summary),))
        links = _link_runs(self.links.get(paper.id, ())) if self.details else ()
        if links:
            lines.append(links)
        # The release date at its precision where it is known ('17 Feb 2011'), else the year.
        released = getattr(paper, "date", None)
        when = (
            _s(paper.year)
            if _na(released) or released is pd.NaT
            else dates.show(released, _precision(paper, "date"))
        )
        return Entry(
            title=(Run(_s(paper.title), strong=True),),
            date=when,
            lines=tuple(lines),
        )

    def entries(self, papers: pd.DataFrame) -> tuple[Entry, ...]:
        return tuple(self.entry(p) for p in _records(papers))


def _row(series: pd.Series):
    """One row of a table (a Series) as the named tuple the builders read."""
    return namedtuple("Row", series.index)(*series.tolist())


def venue_line(cv: CV, paper: pd.Series) -> str:
    """How a paper's venue is shown: its own display text, else the venue and the year."""
    return _Papers(cv, details=False).venue_line(_row(paper))


def paper_entry(cv: CV, paper: pd.Series, details: bool = True) -> Entry:
    """A paper: title, authors, venue and status; ``details`` adds the track, identifiers
    and links. (For many papers, :func:`publications` groups the tables once.)"""
    authors = cv.paper_authors
    one = authors.iloc[0:0] if _na(paper["id"]) else authors[authors["paper_id"] == paper["id"]]
    return _Papers(dataclasses.replace(cv, paper_authors=one), details).entry(_row(paper))


def _newest_first(papers: pd.DataFrame) -> pd.DataFrame:
    return papers.sort_values("year", ascending=False, na_position="last", kind="stable")


def _paper_types(papers: pd.DataFrame) -> list[str]:
    """The known types in their order, then any others alphabetically."""
    known = list(PAPER_TYPES)
    return known + sorted(set(papers["type"].dropna()) - set(known))


def publications(cv: CV, ids: Iterable[str] | None = None) -> list[Section]:
    """One section per type of paper, newest first; only the sections named in ``ids``
    (``publications-journal``, ...) when given."""
    papers = _newest_first(cv.papers)
    wanted = None if ids is None else set(ids)
    build_paper: _Papers | None = None
    sections = []
    for ptype in _paper_types(papers):
        if wanted is not None and f"publications-{ptype}" not in wanted:
            continue
        group = papers[papers["type"] == ptype]
        if group.empty:
            continue
        build_paper = build_paper or _Papers(cv)
        sections.append(
            Section(
                f"publications-{ptype}",
                PAPER_TYPES.get(ptype, ptype.title()),
                build_paper.entries(group),
                noun=PAPER_TYPES[ptype].lower() if ptype in PAPER_TYPES else "publications",
            )
        )
    return sections


def _by_category(
    df: pd.DataFrame, name: str, levels: pd.DataFrame | None = None, alone: bool = False
) -> tuple[Entry, ...]:
    """One line per category: 'Category: A (6 yrs), B (2 yrs, note), C'; with ``levels``
    (``skill_categories``: ``name, level``), 'Category (Master): A, B'. ``alone``: the
    categories of ``levels`` with no row in ``df`` too, as a line of their own ('Git
    (Advanced)': a JSON Resume skill without keywords)."""
    level: dict[object, str] = {}
    if levels is not None:
        for category, said in zip(levels["name"].tolist(), levels["level"].tolist(), strict=True):
            if not _na(category):
                level.setdefault(category, _s(said))
    items: dict[object, list[str]] = {}
    for category, label, years, note in zip(
        df["category"].tolist(),
        df[name].tolist(),
        df["years"].tolist(),
        df["note"].tolist(),
        strict=True,
    ):
        if _na(category):
            continue  # as pandas' groupby: rows without a category are left out
        extra = ", ".join(x for x in (_years(years), _s(note)) if x)
        items.setdefault(category, []).append(_s(label) + (f" ({extra})" if extra else ""))
    if alone:
        for category in level:
            items.setdefault(category, [])

    def title(category: object, listed: bool) -> Text:
        said = level.get(category, "")
        head = (Run(str(category), strong=True),) + ((Run(f" ({said})"),) if said else ())
        return head + ((Run(": ", strong=True),) if listed else ())

    return tuple(
        Entry(title=title(category, bool(shown)), items=tuple(shown))
        for category, shown in items.items()
    )


def skills(cv: CV, alone: bool = True) -> Section:
    """Skills by category with each category's level; ``alone``: also the categories that
    list no skill (the résumé shows only the skills tagged for it)."""
    return Section(
        "skills",
        "Skills",
        _by_category(cv.skills, "skill", cv.skill_categories, alone=alone),
        compact=True,
        noun="skills",
    )


def talks(cv: CV) -> Section:
    return Section(
        "talks",
        "Talks",
        tuple(
            Entry(
                title=(Run(_s(t.title), strong=True),),
                subtitle=(Run(_s(t.event), href=_s(t.url) or None),),
                date=day_range(t.date, None, _precision(t, "date")),
                place=_s(t.kind).replace("-", " ").capitalize(),
            )
            for t in cv.talks.itertuples()
        ),
        noun="talks",
    )


SERVICE_LABELS = {
    "membership": "Memberships",
    "reviewer": "Reviewing",
    "program-committee": "Program committees",
    "chair": "Chairs",
}


def service(cv: CV) -> Section:
    entries = []
    for category, group in _group(cv.service, "category").items():
        for s in group:
            name = _s(s.organisation) + (f" ({s.acronym})" if _s(s.acronym) else "")
            detail = f"Member ID: {s.identifier}" if _s(s.identifier) else ""
            entries.append(
                Entry(
                    title=(Run(f"{s.role}, ", strong=True), Run(name)),
                    date=_s(s.year),
                    lines=(plain(detail),) if detail else (),
                    group=SERVICE_LABELS.get(_s(category), _s(category)),
                )
            )
    return Section("service", "Professional service", tuple(entries), compact=True)


def events(cv: CV) -> Section:
    entries = []
    for e in cv.events.itertuples():
        how = "In person" if e.attendance == "in-person" else "Online"
        acronym = f" ({e.acronym} {e.year})" if _s(e.acronym) else f" {e.year}"
        entries.append(
            Entry(
                title=plain(_s(e.name) + acronym),
                date=day_range(
                    e.start_date,
                    e.end_date,
                    _precision(e, "start_date"),
                    _precision(e, "end_date"),
                )
                or _s(e.year),
                place=", ".join(x for x in (how, _s(e.participation)) if x),
            )
        )
    return Section(
        "events", "Conferences attended", tuple(entries), compact=True, noun="conferences"
    )


def teaching(cv: CV) -> Section:
    return Section(
        "teaching",
        "Teaching",
        tuple(
            Entry(
                title=plain(
                    " ".join(
                        x
                        for x in (
                            _s(t.course_code) + ":" if _s(t.course_code) else "",
                            _s(t.course_title),
                        )
                        if x
                    )
                ),
                subtitle=plain(_s(t.role), _s(t.institution)),
                date=_s(t.term) or _s(t.year),
            )
            for t in cv.teaching.itertuples()
        ),
        noun="courses",
    )


def certifications(cv: CV) -> Section:
    scores = _group(cv.certification_scores, "certification_id")
    entries = []
    for c in cv.certifications.itertuples():
        lines = []
        if scores.get(c.id):
            lines.append(
                plain(*(f"{s.component}: {_num(s.score)}" for s in scores[c.id]), sep="; ")
            )
        by = " and ".join(x for x in (_s(c.issuer), _s(c.provider)) if x)
        entries.append(
            Entry(
                title=(Run(_s(c.name), strong=True, href=_s(getattr(c, "url", None)) or None),),
                subtitle=plain(
                    _s(c.description), by, sep=", by " if _s(c.description) and by else ""
                ),
                # One date, at its precision, as awards print theirs ('12 Oct 2023').
                date=_month(c.date, _precision(c, "date")),
                lines=tuple(lines),
            )
        )
    return Section("certifications", "Certifications", tuple(entries), noun="certifications")


def other_projects(cv: CV, details: bool = True) -> Section:
    prj = cv.projects[cv.projects["listing"] == "other"]
    build_project = _Projects(cv, details)
    return Section(
        "other-projects",
        "Other projects",
        tuple(build_project.entry(p, dated=True) for p in _records(prj)),
        noun="projects",
    )


def activities(cv: CV) -> Section:
    return Section(
        "activities",
        "Activities",
        _by_category(cv.activities, "name"),
        compact=True,
        noun="activities",
    )


def volunteering(cv: CV) -> Section:
    items = _group(cv.volunteering_items, "volunteering_id")
    entries = []
    for v in _sorted_roles(cv.volunteering).itertuples():
        entries.append(
            Entry(
                title=(Run(_s(v.role), strong=True),),
                subtitle=_organisation(v),
                date=month_range(v.start, v.end, _precision(v, "start"), _precision(v, "end")),
                lines=(plain(_s(v.summary)),) if _s(getattr(v, "summary", None)) else (),
                bullets=_texts(items.get(v.id, ())),
            )
        )
    return Section("volunteering", "Volunteering", tuple(entries), noun="roles")


def languages(cv: CV) -> Section:
    """One line per language: 'Spanish: Native speaker'."""
    return Section(
        "languages",
        "Languages",
        tuple(
            Entry(
                # As skills and interests: the name and its colon bold, then the words.
                title=(Run(_s(lang.language) + (": " if _s(lang.fluency) else ""), strong=True),)
                + ((Run(_s(lang.fluency)),) if _s(lang.fluency) else ())
            )
            for lang in _records(cv.languages)
            if _s(lang.language)
        ),
        compact=True,
        noun="languages",
    )


def interests(cv: CV) -> Section:
    """One line per interest with its keywords: 'Woodworking: Japanese joinery, Hand
    tools'; an interest without keywords by itself."""
    keywords = _group(cv.interest_keywords, "interest_id")
    entries = []
    for it in _records(cv.interests):
        words = tuple(_s(k.keyword) for k in keywords.get(it.id, ()) if _s(k.keyword))
        title = (Run(_s(it.name), strong=True),) + ((Run(": ", strong=True),) if words else ())
        entries.append(Entry(title=title, items=words))
    return Section("interests", "Interests", tuple(entries), compact=True, noun="interests")


def references(cv: CV) -> Section:
    """The references marked ``public``, each with what its author wrote. What someone
    else wrote about the person is private unless marked so: the rest never reach a page."""
    public = cv.references[cv.references["visibility"] == "public"]
    return Section(
        "references",
        "References",
        tuple(
            Entry(
                title=(Run(_s(r.name), strong=True),),
                lines=(plain(_s(r.reference)),) if _s(r.reference) else (),
            )
            for r in _records(public)
        ),
        noun="references",
    )


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


def entry_count(entry: Entry) -> int:
    """An entry and the entries nested in it (a role and its projects)."""
    return 1 + sum(entry_count(c) for c in entry.children)


def shown_count(entry: Entry) -> int:
    """How much of a web page's budget an entry takes: itself and its nested entries, or
    each item of its list (a category of 1,000 skills counts 1,000)."""
    return max(1, len(entry.items)) + sum(shown_count(c) for c in entry.children)


def section_size(section: Section) -> int:
    """What a shortened section's note counts: its entries, or the items of its lists."""
    if any(e.items for e in section.entries):
        return sum(max(1, len(e.items)) for e in section.entries)
    return len(section.entries)


def first_entries(section: Section, limit: int) -> Section:
    """The section cut to its first entries, in its own order, such that no more than
    ``limit`` entries are shown counting nested ones (a role with five projects counts
    six) and the items of a list (see :func:`shown_count`); whole entries only, except
    that a list is cut to the items that fit, and always the first entry. The section
    itself when it fits.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit!r}")
    shown = 0
    for i, e in enumerate(section.entries):
        size = shown_count(e)
        if shown + size > limit:
            room = limit - shown
            if e.items and not e.children and room > 0:
                cut = dataclasses.replace(e, items=e.items[:room])
                return dataclasses.replace(section, entries=(*section.entries[:i], cut))
            return dataclasses.replace(section, entries=section.entries[: max(i, 1)])
        shown += size
    return section


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
    with _gc_paused():
        for sid, make in SECTIONS.items():
            if sid == "publications-":
                if wanted is None or any(i.startswith(sid) for i in wanted):
                    sections += publications(cv, wanted)
            elif wanted is None or sid in wanted:
                sections.append(make(cv))
    return header(cv), [s for s in sections if s.entries]


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


def header_of(cv: CV, *, resume: bool = False) -> Header:
    """The header of the CV, or of the résumé (which has no quote)."""
    head = header(cv)
    return dataclasses.replace(head, quote="", quote_author="") if resume else head


def build_resume(cv: CV) -> tuple[Header, list[Section]]:
    """The short résumé: the rows tagged ``resume`` (see :func:`resume_selection`), laid
    out tighter than the CV: no quote, advisors, motivations, links or identifiers; the
    tagged papers as one list, newest first; the tagged awards as one list."""
    sel = resume_selection(cv)
    head = header_of(cv, resume=True)
    with _gc_paused():
        sections = [
            experience(sel, details=False),
            education(sel, awards=False),
            Section(
                "selected-publications",
                "Selected publications",
                _Papers(sel, details=False).entries(_newest_first(sel.papers)),
                noun="publications",
            ),
            skills(sel, alone=False),
            Section(
                "honours",
                "Selected honours",
                tuple(Entry(title=t) for t in _award_lines(sel.awards)),
                compact=True,
                noun="honours",
            ),
            other_projects(sel, details=False),
            certifications(sel),
            volunteering(sel),
            languages(sel),
            interests(sel),
            references(sel),
        ]
    return head, [s for s in sections if s.entries]
