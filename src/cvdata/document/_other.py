"""The shorter sections: skills, talks, service, events, teaching, certifications,
activities, languages, interests and references."""

from __future__ import annotations

import pandas as pd

from .. import i18n
from ..cells import missing as _na
from ..cells import text as _s
from ..load import CV
from ._format import _group, _month, _num, _precision, _records, _years, day_range
from ._markup import prose
from ._model import Entry, Run, Section, Text, plain


def _titled(sid: str, entries: tuple[Entry, ...], noun: str, compact: bool = False) -> Section:
    """A section headed and counted in the CV's language (``section.<sid>``, ``noun.<noun>``)."""
    words = i18n.current()
    title, counted = words(f"section.{sid}"), words(f"noun.{noun}")
    return Section(sid, title, entries, compact=compact, noun=counted)


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
    entries = _by_category(cv.skills, "skill", cv.skill_categories, alone=alone)
    return _titled("skills", entries, "skills", compact=True)


def talks(cv: CV) -> Section:
    return _titled(
        "talks",
        tuple(
            Entry(
                title=(Run(_s(t.title), strong=True),),
                subtitle=(Run(_s(t.event), href=_s(t.url) or None),),
                date=day_range(t.date, None, _precision(t, "date")),
                place=_s(t.kind).replace("-", " ").capitalize(),
            )
            for t in cv.talks.itertuples()
        ),
        "talks",
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
            member = i18n.current()("label.member_id") + i18n.current()("punct.colon")
            detail = f"{member}{s.identifier}" if _s(s.identifier) else ""
            entries.append(
                Entry(
                    title=(Run(f"{s.role}, ", strong=True), Run(name)),
                    date=_s(s.year),
                    lines=(plain(detail),) if detail else (),
                    group=i18n.current().get(f"service.{category}", _s(category)),
                )
            )
    return _titled("service", tuple(entries), "entries", compact=True)


def events(cv: CV) -> Section:
    entries = []
    for e in cv.events.itertuples():
        how = i18n.current()(
            "attendance.in-person" if e.attendance == "in-person" else "attendance.online"
        )
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
    return _titled("events", tuple(entries), "conferences", compact=True)


def teaching(cv: CV) -> Section:
    return _titled(
        "teaching",
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
        "courses",
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
        # Issuer and provider as a list in the CV's language ('A and B', 'A et B').
        by = _and(x for x in (_s(c.issuer), _s(c.provider)) if x)
        entries.append(
            Entry(
                title=(Run(_s(c.name), strong=True, href=_s(getattr(c, "url", None)) or None),),
                subtitle=plain(
                    _s(c.description),
                    by,
                    sep=f", {i18n.current()('join.by')} " if _s(c.description) and by else "",
                ),
                # One date, at its precision, as awards print theirs ('12 Oct 2023').
                date=_month(c.date, _precision(c, "date")),
                lines=tuple(lines),
            )
        )
    return _titled("certifications", tuple(entries), "certifications")


def _and(parts: object) -> str:
    from babel.lists import format_list

    return format_list(list(parts), locale=i18n.current().locale)  # type: ignore[call-overload]


def activities(cv: CV) -> Section:
    return _titled("activities", _by_category(cv.activities, "name"), "activities", compact=True)


def languages(cv: CV) -> Section:
    """One line per language: 'Spanish: Native speaker'."""
    return _titled(
        "languages",
        tuple(
            Entry(
                # As skills and interests: the name and its colon bold, then the words.
                title=(Run(_s(lang.language) + (": " if _s(lang.fluency) else ""), strong=True),)
                + ((Run(_s(lang.fluency)),) if _s(lang.fluency) else ())
            )
            for lang in _records(cv.languages)
            if _s(lang.language)
        ),
        "languages",
        compact=True,
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
    return _titled("interests", tuple(entries), "interests", compact=True)


def references(cv: CV) -> Section:
    """The references marked ``public``, each with what its author wrote. What someone
    else wrote about the person is private unless marked so: the rest never reach a page."""
    public = cv.references[cv.references["visibility"] == "public"]
    return _titled(
        "references",
        tuple(
            Entry(
                title=(Run(_s(r.name), strong=True),),
                lines=(prose(_s(r.reference)),) if _s(r.reference) else (),
            )
            for r in _records(public)
        ),
        "references",
    )
