"""The CV as a document: sections of entries, built from the tables, independent of format.

``build(cv)`` arranges the data the way a CV reads (experience with its projects,
education with grades and awards, publications by type, ...); :mod:`cvdata.writers` turns
the result into HTML or Typst. User text stays plain strings here; only the writers escape.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from .load import CV


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    entries: tuple[Entry, ...] = field(default_factory=tuple)
    compact: bool = False  # entries are one-liners (skills, memberships)


@dataclass(frozen=True)
class Header:
    name: str
    headline: str
    contacts: tuple[Text, ...]
    quote: str
    quote_author: str


# ---------------------------------------------------------------- formatting helpers


def _s(value: object) -> str:
    """A cell as text; missing values become ''."""
    return (
        ""
        if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))
        else str(value)
    )


def _month(ts: pd.Timestamp | None) -> str:
    return "" if ts is None or pd.isna(ts) else ts.strftime("%b %Y")


def month_range(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """'May 2024 – Present', 'Mar 2024 – Sep 2024', 'Feb 2026' (same month)."""
    a, b = _month(start), _month(end)
    if not a:
        return b
    if not b:
        return f"{a} – Present"
    return a if a == b else f"{a} – {b}"


def day_range(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """'Jan 31 – Feb 4, 2026', 'Apr 24 – 28, 2025', 'Jul 11, 2020'."""
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


def _years(n: object) -> str:
    if not _s(n):
        return ""
    n = int(n)  # type: ignore[arg-type]
    return f"{n} yr" if n == 1 else f"{n} yrs"


def _links(df: pd.DataFrame) -> Text:
    """Links that have an address; the rest are known to exist but cannot be shown."""
    runs: list[Run] = []
    for row in df.itertuples():
        if _s(row.url):
            if runs:
                runs.append(Run(" · "))
            runs.append(Run(_s(row.label), href=_s(row.url)))
    return tuple(runs)


# Row groups by (table, column), built once per table: filtering a whole table once
# per paper made the CV quadratic in its size. Keyed by id(); the frame is kept alive
# beside its groups so the id cannot be reused while cached.
_GROUPS: dict[tuple[int, str], tuple[pd.DataFrame, dict[object, pd.DataFrame]]] = {}


def _rows(df: pd.DataFrame, column: str, value: object) -> pd.DataFrame:
    """The rows of ``df`` whose ``column`` equals ``value``, in file order."""
    key = (id(df), column)
    cached = _GROUPS.get(key)
    if cached is None or cached[0] is not df:
        if len(_GROUPS) > 256:
            _GROUPS.clear()
        groups = {k: g for k, g in df.groupby(column, sort=False, dropna=True)}
        cached = _GROUPS[key] = (df, groups)
    return cached[1].get(value, df.iloc[0:0])


def _sorted_roles(roles: pd.DataFrame) -> pd.DataFrame:
    """Ongoing first, then by end and start, most recent first (the CV's order)."""
    end = roles["end"].astype("datetime64[ns]").fillna(pd.Timestamp.max)
    key = roles.assign(_end=end, _start=roles["start"])
    return key.sort_values(["_end", "_start"], ascending=False, kind="stable").drop(
        columns=["_end", "_start"]
    )


# ---------------------------------------------------------------- sections


def header(cv: CV) -> Header:
    p = cv.owner
    contacts = []
    for c in cv.contacts[cv.contacts["visibility"] == "public"].itertuples():
        url = _s(c.url)
        if not (_s(c.value) or url):
            continue  # a profile whose address is unknown has nothing to show
        text = _s(c.value) or _s(c.label)
        if c.kind != "email" and _s(c.value) and _s(c.label) and c.label != c.value:
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


def _project_entry(cv: CV, prj: pd.Series, dated: bool = False, details: bool = True) -> Entry:
    """A project; ``details=False`` leaves out the motivation and the links (résumé)."""
    lines: list[Text] = []
    if details and _s(prj["motivation"]):
        lines.append((Run("Motivation: ", strong=True), Run(_s(prj["motivation"]))))
    links = _links(_rows(cv.project_links, "project_id", prj["id"])) if details else ()
    if links:
        lines.append(links)
    bullets = tuple(
        plain(_s(t)) for t in _rows(cv.project_contributions, "project_id", prj["id"])["text"]
    )
    return Entry(
        title=(Run(_s(prj["title"]), strong=True),),
        subtitle=(Run(_s(prj["subtitle"]), emph=True),) if _s(prj["subtitle"]) else (),
        date=month_range(prj["start"], prj["end"]) if dated else "",
        lines=tuple(lines),
        bullets=bullets,
        group=_s(prj["group"]),
    )


def _role_place(role: pd.Series) -> str:
    mode = {"remote": "Remote", "remote-and-on-site": "Remote & on-site"}.get(_s(role["work_mode"]))
    where = _s(role["location"])
    if mode and mode.lower() in where.lower():  # "Remote" already says it
        mode = None
    return " · ".join(p for p in (where, mode) if p)


def _advisors(cv: CV, role_id: str) -> Text:
    adv = _rows(cv.advisors, "role_id", role_id)
    if adv.empty:
        return ()
    people = "; ".join(
        f"{a.name} ({a.title})" if _s(a.title) else _s(a.name) for a in adv.itertuples()
    )
    label = "Advisor: " if len(adv) == 1 else "Advisors: "
    return (Run(label, strong=True), Run(people))


def experience(cv: CV, details: bool = True) -> Section:
    """Roles other than degrees with their projects; ``details=False`` leaves out advisors,
    project headings, motivations and links (résumé)."""
    roles = _sorted_roles(cv.roles[cv.roles["kind"] != "education"])
    projects = cv.projects[cv.projects["listing"] == "experience"]
    entries = []
    for _, role in roles.iterrows():
        lines = [t for t in (_advisors(cv, role["id"]),) if t] if details else []
        children = tuple(
            _project_entry(cv, prj, details=details)
            for _, prj in _rows(projects, "role_id", role["id"]).iterrows()
        )
        if details and children and _s(role["projects_heading"]):
            lines.append((Run(_s(role["projects_heading"]), emph=True),))
        entries.append(
            Entry(
                title=(Run(_s(role["title"]), strong=True),),
                subtitle=plain(_s(role["organisation"]), _s(role["unit"])),
                date=month_range(role["start"], role["end"]),
                place=_role_place(role),
                lines=tuple(lines),
                bullets=tuple(
                    plain(_s(t)) for t in _rows(cv.role_highlights, "role_id", role["id"])["text"]
                ),
                children=children,
            )
        )
    return Section("experience", "Experience", tuple(entries))


def _award_lines(awards: pd.DataFrame) -> tuple[Text, ...]:
    """One line per award; the same award in several years is one line with every year."""
    out = []
    keys = ["name", "issuer", "note"]
    filled = awards[keys].astype(str).fillna("")
    for _, group in awards.groupby([filled[k] for k in keys], sort=False, dropna=False):
        first = group.iloc[0]
        when = ", ".join(
            _s(p) or _s(y)
            for p, y in zip(group["period"], group["year"], strict=True)
            if _s(p) or _s(y)
        )
        name = _s(first["name"]) + (f" ({first['note']})" if _s(first["note"]) else "")
        out.append(plain(name, _s(first["issuer"]), when))
    return tuple(out)


def education(cv: CV, awards: bool = True) -> Section:
    """Degrees and student posts with grades; ``awards`` lists the awards under each."""
    edu = cv.education.merge(cv.roles, left_on="role_id", right_on="id", how="left")
    entries = []
    for _, row in _sorted_roles(edu).iterrows():
        lines = [t for t in (_advisors(cv, row["role_id"]),) if t]
        if _s(row["gpa"]):
            gpa = (
                f"{_num(row['gpa'])}/{_num(row['gpa_scale'])}"
                if _s(row["gpa_scale"])
                else _num(row["gpa"])
            )
            label = _s(row["gpa_label"]) or "GPA"
            lines.append(plain(f"{label}: {gpa}", _s(row["gpa_note"])))
        listed = _rows(cv.awards, "role_id", row["role_id"]) if awards else cv.awards.iloc[0:0]
        entries.append(
            Entry(
                title=(Run(_s(row["title"]), strong=True),),
                subtitle=plain(_s(row["organisation"]), _s(row["unit"])),
                date=month_range(row["start"], row["end"]),
                place=_role_place(row),
                lines=tuple(lines),
                bullets=_award_lines(listed),
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


def author_runs(authors: pd.DataFrame, truncated: bool = False) -> Text:
    """Authors in order, the owner in bold, equal-contribution marks as '*'."""
    runs: list[Run] = []
    for i, a in enumerate(authors.itertuples()):
        if i:
            runs.append(Run(", "))
        name = _s(a.name) + ("*" if _flag(a.equal_contribution) else "")
        runs.append(Run(name, strong=_flag(a.is_owner)))
    if truncated and runs:
        runs.append(Run(", et al."))
    return tuple(runs)


def venue_line(cv: CV, paper: pd.Series) -> str:
    if _s(paper["venue_display"]):
        return _s(paper["venue_display"])
    venue = _rows(cv.venues, "id", paper["venue_id"])
    if venue.empty:
        return ""
    v = venue.iloc[0]
    name = f"{v['acronym']} ({v['name']})" if _s(v["acronym"]) else _s(v["name"])
    return f"{name} {paper['year']}" if _s(paper["year"]) else name


def paper_entry(cv: CV, paper: pd.Series, details: bool = True) -> Entry:
    """A paper: title, authors, venue and status; ``details`` adds the track, identifiers
    and links."""
    lines: list[Text] = []
    authors = author_runs(
        _rows(cv.paper_authors, "paper_id", paper["id"]), _flag(paper["authors_truncated"])
    )
    if authors:
        note = _s(paper["author_note"])
        lines.append(authors + ((Run(f" ({note})", emph=True),) if note else ()))
    venue = venue_line(cv, paper)
    status = STATUS_LABELS.get(_s(paper["status"]), "")
    if status.lower() in venue.lower():  # "Submitted to ICML 2026" says it already
        status = ""
    where: list[Run] = [Run(venue, emph=True)] if venue else []
    if status:
        where.append(Run(f" [{status}]" if venue else status, strong=True))
    if details and _s(paper["track"]):
        where.append(Run(f"{' · ' if where else ''}Track: {paper['track']}"))
    if where:
        lines.append(tuple(where))
    ids = _rows(cv.paper_identifiers, "paper_id", paper["id"])
    if details and not ids.empty:
        lines.append(
            plain(*(f"{_s(i.label) or i.scheme}: {i.value}" for i in ids.itertuples()), sep="; ")
        )
    links = _links(_rows(cv.paper_links, "paper_id", paper["id"])) if details else ()
    if links:
        lines.append(links)
    return Entry(
        title=(Run(_s(paper["title"]), strong=True),),
        date=_s(paper["year"]),
        lines=tuple(lines),
    )


def publications(cv: CV) -> list[Section]:
    papers = cv.papers.sort_values("year", ascending=False, na_position="last", kind="stable")
    sections = []
    known = list(PAPER_TYPES)
    for ptype in known + sorted(set(papers["type"].dropna()) - set(known)):
        group = papers[papers["type"] == ptype]
        if group.empty:
            continue
        sections.append(
            Section(
                f"publications-{ptype}",
                PAPER_TYPES.get(ptype, ptype.title()),
                tuple(paper_entry(cv, p) for _, p in group.iterrows()),
            )
        )
    return sections


def _by_category(df: pd.DataFrame, name: str) -> tuple[Entry, ...]:
    """One line per category: 'Category: A (6 yrs), B (2 yrs, note), C'."""

    def item(row: pd.Series) -> str:
        extra = ", ".join(x for x in (_years(row["years"]), _s(row["note"])) if x)
        return _s(row[name]) + (f" ({extra})" if extra else "")

    return tuple(
        Entry(title=(Run(f"{category}: ", strong=True), Run(", ".join(map(item, rows)))))
        for category, group in df.groupby("category", sort=False)
        for rows in [[r for _, r in group.iterrows()]]
    )


def skills(cv: CV) -> Section:
    return Section("skills", "Skills", _by_category(cv.skills, "skill"), compact=True)


def talks(cv: CV) -> Section:
    return Section(
        "talks",
        "Talks",
        tuple(
            Entry(
                title=(Run(_s(t.title), strong=True),),
                subtitle=(Run(_s(t.event), href=_s(t.url) or None),),
                date=day_range(t.date, None),
                place=_s(t.kind).replace("-", " ").capitalize(),
            )
            for t in cv.talks.itertuples()
        ),
    )


SERVICE_LABELS = {
    "membership": "Memberships",
    "reviewer": "Reviewing",
    "program-committee": "Program committees",
    "chair": "Chairs",
}


def service(cv: CV) -> Section:
    entries = []
    for category, group in cv.service.groupby("category", sort=False):
        for s in group.itertuples():
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
                date=day_range(e.start_date, e.end_date) or _s(e.year),
                place=", ".join(x for x in (how, _s(e.participation)) if x),
            )
        )
    return Section("events", "Conferences attended", tuple(entries), compact=True)


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
    )


def certifications(cv: CV) -> Section:
    entries = []
    for c in cv.certifications.itertuples():
        scores = _rows(cv.certification_scores, "certification_id", c.id)
        lines = []
        if not scores.empty:
            lines.append(
                plain(*(f"{s.component}: {_num(s.score)}" for s in scores.itertuples()), sep="; ")
            )
        by = " and ".join(x for x in (_s(c.issuer), _s(c.provider)) if x)
        entries.append(
            Entry(
                title=(Run(_s(c.name), strong=True),),
                subtitle=plain(
                    _s(c.description), by, sep=", by " if _s(c.description) and by else ""
                ),
                date=day_range(c.date, None),
                lines=tuple(lines),
            )
        )
    return Section("certifications", "Certifications", tuple(entries))


def other_projects(cv: CV, details: bool = True) -> Section:
    prj = cv.projects[cv.projects["listing"] == "other"]
    return Section(
        "other-projects",
        "Other projects",
        tuple(_project_entry(cv, p, dated=True, details=details) for _, p in prj.iterrows()),
    )


def activities(cv: CV) -> Section:
    return Section("activities", "Activities", _by_category(cv.activities, "name"), compact=True)


def volunteering(cv: CV) -> Section:
    vol = cv.volunteering
    entries = []
    for v in _sorted_roles(vol).itertuples():
        entries.append(
            Entry(
                title=(Run(_s(v.role), strong=True),),
                subtitle=plain(_s(v.organisation)),
                date=month_range(v.start, v.end),
                bullets=tuple(
                    plain(_s(t))
                    for t in _rows(cv.volunteering_items, "volunteering_id", v.id)["text"]
                ),
            )
        )
    return Section("volunteering", "Volunteering", tuple(entries))


def build(cv: CV) -> tuple[Header, list[Section]]:
    """The whole CV in reading order; empty sections are left out."""
    sections: Iterable[Section] = [
        experience(cv),
        education(cv),
        other_awards(cv),
        *publications(cv),
        skills(cv),
        talks(cv),
        service(cv),
        events(cv),
        teaching(cv),
        certifications(cv),
        other_projects(cv),
        activities(cv),
        volunteering(cv),
    ]
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

    Roles, projects, project bullets, papers, skills and awards are kept when their
    ``resume`` cell is true; rows that belong to kept rows come along (a kept role's grades,
    advisors and highlights, a kept paper's authors, links and identifiers; a kept project
    under a role that is left out is left out too). Tables without the column (talks,
    service, events, teaching, certifications, activities, volunteering) are emptied; the
    person, contacts and venues stay whole.
    """
    roles = _tagged(cv.roles)
    role_ids = set(roles["id"])
    projects = _tagged(cv.projects)
    projects = projects[projects["role_id"].isna() | projects["role_id"].isin(role_ids)]
    project_ids = set(projects["id"])
    contributions = _tagged(cv.project_contributions)
    papers = _tagged(cv.papers)
    paper_ids = set(papers["id"])

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
        certifications=none(cv.certifications),
        certification_scores=none(cv.certification_scores),
        activities=none(cv.activities),
        volunteering=none(cv.volunteering),
        volunteering_items=none(cv.volunteering_items),
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
    papers = sel.papers.sort_values("year", ascending=False, na_position="last", kind="stable")
    sections = [
        experience(sel, details=False),
        education(sel, awards=False),
        Section(
            "selected-publications",
            "Selected publications",
            tuple(paper_entry(sel, p, details=False) for _, p in papers.iterrows()),
        ),
        skills(sel),
        Section(
            "honours",
            "Selected honours",
            tuple(Entry(title=t) for t in _award_lines(sel.awards)),
            compact=True,
        ),
        other_projects(sel, details=False),
    ]
    return head, [s for s in sections if s.entries]
