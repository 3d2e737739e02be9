"""The CV's files of the export, one reader each."""

from __future__ import annotations

import re

from .._rows import fold
from ._cells import line, paragraph, split_description
from ._import import _URL, _Import, _Row


def _positions(im: _Import) -> None:
    t = im.table("Positions")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        org, title = line(r.get("Company Name")), line(r.get("Title"))
        description, highlights = split_description(r.get("Description"))
        kind = "internship" if re.search(r"\bintern(ship)?\b", title, re.I) else "industry"
        rid = im.rows.add(
            "roles",
            org,
            title,
            fallback="position",
            organisation=org,
            title=title,
            kind=kind,
            location=line(r.get("Location")),
            description=description,
            start=im.date(t, r, "Started On", "Start Date"),
            end=im.date(t, r, "Finished On", "End Date"),
        )
        if rid:
            im.rows.children("role_highlights", "role_id", rid, "text", highlights)
        return rid

    im.each(t, ["Company Name", "Title"], add)
    im.unused(t, ["Company Name", "Title", "Description", "Location", "Started On", "Finished On"])


def _education(im: _Import) -> None:
    t = im.table("Education")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        school, degree = line(r.get("School Name")), line(r.get("Degree Name"))
        activities = paragraph(r.get("Activities"))
        notes = "\n".join(
            x
            for x in (
                paragraph(r.get("Notes")),
                activities and f"Activities and societies: {activities}",
            )
            if x
        )
        area = line(r.get("Field Of Study", "Fields Of Study"))
        title = " in ".join(x for x in (degree, area) if x)
        if not title:
            title = "Student"
            im.report.warnings.append(f"{t.name}:{r.line}: no degree given; titled 'Student'")
        rid = im.rows.add(
            "roles",
            school,
            degree,
            area,
            fallback="education",
            organisation=school,
            title=title,
            kind="education",
            summary=notes,
            start=im.date(t, r, "Start Date", "Started On"),
            end=im.date(t, r, "End Date", "Finished On", expected=True),
        )
        if rid:
            im.rows.child(
                "education", role_id=rid, study_type=degree, area=area, score=line(r.get("Grade"))
            )
        return rid

    im.each(t, ["School Name"], add)
    im.unused(
        t,
        [
            "School Name",
            "Degree Name",
            "Field Of Study",
            "Fields Of Study",
            "Notes",
            "Activities",
            "Grade",
            "Start Date",
            "End Date",
            "Started On",
            "Finished On",
        ],
    )


def _skills(im: _Import) -> None:
    t = im.table("Skills")
    if t is None:
        return
    if t.rows:
        im.rows.add("skill_categories", name="Skills")

    def add(r: _Row) -> str | None:
        name = line(r.get("Name"))
        return im.rows.add(
            "skills", "skills", name, fallback="skill", category="Skills", skill=name
        )

    im.each(t, ["Name"], add)
    im.unused(t, ["Name"])


def _languages(im: _Import) -> None:
    t = im.table("Languages")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        name = line(r.get("Name"))
        return im.rows.add(
            "languages",
            name,
            fallback="language",
            language=name,
            fluency=line(r.get("Proficiency")),
        )

    im.each(t, ["Name"], add)
    im.unused(t, ["Name", "Proficiency"])


def _certifications(im: _Import) -> None:
    t = im.table("Certifications")
    if t is not None:

        def add(r: _Row) -> str | None:
            name, number = line(r.get("Name")), line(r.get("License Number"))
            end = line(r.get("Finished On", "End Date"))
            im.date(t, r, "Finished On", "End Date")  # reported when it is no date
            about = [
                f"Licence number {number}" if number else "",
                f"valid until {end}" if end else "",
            ]
            url = line(r.get("Url"))
            if url and not _URL.match(url):
                im.aside(t, r, "Url", f"{url!r} is not an http(s) address: not imported")
                url = ""
            return im.rows.add(
                "certifications",
                name,
                fallback="certification",
                name=name,
                issuer=line(r.get("Authority")),
                url=url,
                date=im.date(t, r, "Started On", "Start Date"),
                description="; ".join(a for a in about if a),
            )

        im.each(t, ["Name"], add)
        im.unused(
            t,
            [
                "Name",
                "Url",
                "Authority",
                "Started On",
                "Finished On",
                "License Number",
                "Start Date",
                "End Date",
            ],
        )
    t2 = im.table("Courses")
    if t2 is not None:

        def course(r: _Row) -> str | None:
            name, number = line(r.get("Name")), line(r.get("Number"))
            return im.rows.add(
                "certifications",
                name,
                fallback="course",
                name=name,
                description=f"Course {number}" if number else "Course",
            )

        im.each(t2, ["Name"], course)
        im.unused(t2, ["Name", "Number"])


def _projects(im: _Import) -> None:
    t = im.table("Projects")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        title = line(r.get("Title"))
        pid = im.rows.add(
            "projects",
            title,
            fallback="project",
            listing="other",
            title=title,
            description=paragraph(r.get("Description")),
            start=im.date(t, r, "Started On", "Start Date"),
            end=im.date(t, r, "Finished On", "End Date"),
        )
        url = line(r.get("Url"))
        if pid and url:
            if _URL.match(url):
                im.rows.child(
                    "project_links",
                    project_id=pid,
                    position="1",
                    kind="website",
                    label="Link",
                    url=url,
                )
            else:
                im.aside(t, r, "Url", f"{url!r} is not an http(s) address: not imported")
        return pid

    im.each(t, ["Title"], add)
    im.unused(
        t, ["Title", "Description", "Url", "Started On", "Finished On", "Start Date", "End Date"]
    )


#: A publication's kind from words of its publisher, else a journal paper (flagged).
_PAPER_KINDS = (
    (re.compile(r"arxiv|biorxiv|medrxiv|ssrn|preprint", re.I), "preprint", "preprint"),
    (re.compile(r"conference|proceedings|symposium|workshop", re.I), "conference", "published"),
    (re.compile(r"patent", re.I), "patent", "published"),
    (re.compile(r"blog|medium\.com|substack", re.I), "blog", "published"),
    (re.compile(r"press|books?\b|publishing", re.I), "book", "published"),
)


def _publications(im: _Import) -> None:
    t = im.table("Publications")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        title, publisher = line(r.get("Name")), line(r.get("Publisher"))
        date = im.date(t, r, "Published On")
        known = im.rows.papers.find("", title, date[:4])
        if known:
            return None
        kind, status = next(
            ((k, s) for rx, k, s in _PAPER_KINDS if rx.search(publisher)), ("journal", "published")
        )
        url = line(r.get("Url"))
        if url and not _URL.match(url):
            im.aside(t, r, "Url", f"{url!r} is not an http(s) address: not imported")
            url = ""
        pid = im.rows.paper(
            [title],
            "publication",
            doi="",
            url=url,
            title=title,
            type=kind,
            status=status,
            venue_display=publisher,
            year=date[:4],
            date=date,
            summary=paragraph(r.get("Description")),
            notes="Imported from LinkedIn, which gives no kind: check 'type'.",
        )
        im.report.warnings.append(
            f"{t.name}:{r.line}: {title!r} filed as a {kind} paper (LinkedIn gives no kind; "
            "guessed from the publisher): check papers.csv 'type'"
        )
        return pid

    im.each(t, ["Name"], add)
    im.unused(t, ["Name", "Published On", "Description", "Publisher", "Url"])


def _honors(im: _Import) -> None:
    t = im.table("Honors")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        name = line(r.get("Title"))
        date = im.date(t, r, "Issued On")
        return im.rows.add(
            "awards",
            name,
            fallback="award",
            name=name,
            issuer=line(r.get("Issuer")),
            date=date,
            year=date[:4],
            summary=paragraph(r.get("Description")),
        )

    im.each(t, ["Title"], add)
    im.unused(t, ["Title", "Description", "Issued On", "Issuer"])


def _organizations(im: _Import) -> None:
    t = im.table("Organizations")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        org = line(r.get("Name"))
        start = im.date(t, r, "Started On", "Start Date")
        end = im.date(t, r, "Finished On", "End Date")
        span = f"{start or '?'} to {end or 'now'}" if start or end else ""
        notes = "; ".join(x for x in (paragraph(r.get("Description")), span) if x)
        return im.rows.add(
            "service",
            org,
            fallback="membership",
            category="membership",
            role=line(r.get("Position")) or "Member",
            organisation=org,
            year=start[:4],
            notes=notes,
        )

    im.each(t, ["Name"], add)
    im.unused(
        t,
        ["Name", "Position", "Description", "Started On", "Finished On", "Start Date", "End Date"],
    )


def _volunteering(im: _Import) -> None:
    t = im.table("Volunteering", "Volunteer Experiences")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        org, role = line(r.get("Company Name", "Organization")), line(r.get("Role"))
        vid = im.rows.add(
            "volunteering",
            org,
            role,
            fallback="volunteering",
            organisation=org,
            role=role,
            summary=paragraph(r.get("Description")),
            start=im.date(t, r, "Started On", "Start Date"),
            end=im.date(t, r, "Finished On", "End Date"),
        )
        cause = line(r.get("Cause"))
        if vid and cause:
            im.rows.children(
                "volunteering_items", "volunteering_id", vid, "text", [f"Cause: {cause}"]
            )
        return vid

    im.each(t, ["Company Name", "Role"], add)
    im.unused(
        t,
        [
            "Company Name",
            "Organization",
            "Role",
            "Cause",
            "Description",
            "Started On",
            "Finished On",
            "Start Date",
            "End Date",
        ],
    )


def _emails(im: _Import) -> None:
    t = im.table("Email Addresses", "EmailAddresses")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        address = line(r.get("Email Address"))
        primary = fold(r.get("Primary")) in ("yes", "true")
        url = f"mailto:{address}" if _URL.match(f"mailto:{address}") else ""
        return im.rows.add(
            "contacts",
            "email",
            fallback="email",
            kind="email",
            label=address,
            value=address,
            url=url,
            visibility="public" if primary else "private",
        )

    im.each(t, ["Email Address"], add)
    if len(t.rows) > 1:
        im.report.warnings.append(
            f"{t.name}: the primary address is public; the others are private"
        )
    im.unused(t, ["Email Address", "Confirmed", "Primary", "Updated On"])


def _phones(im: _Import) -> None:
    t = im.table("PhoneNumbers", "Phone Numbers")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        number, ext = line(r.get("Number")), line(r.get("Extension"))
        shown = f"{number} ext. {ext}" if ext else number
        kind = line(r.get("Type"))
        return im.rows.add(
            "contacts",
            "phone",
            fallback="phone",
            kind="phone",
            label=shown,
            value=shown,
            visibility="private",
            notes=f"{kind} (LinkedIn)" if kind else "",
        )

    im.each(t, ["Number"], add)
    im.unused(t, ["Number", "Extension", "Type"])


def _recommendations(im: _Import) -> None:
    t = im.table("Recommendations_Received", "Recommendations Received")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        name = line(f"{r.get('First Name')} {r.get('Last Name')}")
        about = ", ".join(x for x in (line(r.get("Job Title")), line(r.get("Company"))) if x)
        return im.rows.add(
            "references",
            name,
            fallback="reference",
            name=name,
            reference=paragraph(r.get("Text")),
            visibility="private",
            notes=f"{about} (LinkedIn recommendation)" if about else "",
        )

    im.each(t, ["First Name", "Text"], add)
    im.unused(
        t, ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date", "Status"]
    )
