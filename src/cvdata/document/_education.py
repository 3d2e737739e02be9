"""Degrees with their grades, courses and awards, and the awards listed on their own."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .. import i18n
from ..cells import sorted_roles as _sorted_roles
from ..cells import text as _s
from ..load import CV
from ._experience import _advisor_line, _organisation, _role_place
from ._format import _grade, _group, _label, _month, _precision, _records, role_range
from ._markup import prose
from ._model import Entry, Run, Section, Text, plain


def _award_when(award: object) -> str:
    """When an award was given: its period as written, else its date at its precision,
    else its year."""
    period, year = _s(getattr(award, "period", None)), _s(getattr(award, "year", None))
    date = getattr(award, "date", None)
    if period or date is None or pd.isna(date):
        return period or year
    return _month(date, _precision(award, "date"))


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
        out.append(line + ((Run(" — "), *prose(" ".join(said))) if said else ()))
    return tuple(out)


_EDUCATION_COLUMNS = [
    "role_id", "gpa", "gpa_scale", "gpa_label", "gpa_note",
    "title", "organisation", "unit", "start", "end", "location", "work_mode",
    "start_precision", "end_precision", "url", "score", "summary",
]  # fmt: skip


def education(cv: CV, awards: bool = True) -> Section:
    """Degrees and student posts with grades; ``awards`` lists the awards under each."""
    edu = cv.education.merge(cv.roles, left_on="role_id", right_on="id", how="left")
    advisors = _group(cv.advisors, "role_id")
    listed = _group(cv.awards, "role_id") if awards else {}
    courses = _group(cv.education_courses, "role_id")
    entries = []
    columns = [c for c in _EDUCATION_COLUMNS if c in edu]  # precisions: date columns only
    for row in _records(_sorted_roles(edu, cv.as_of)[columns]):
        # The degree in the person's words first (an imported thesis: "Thesis: ...").
        summary = _s(getattr(row, "summary", None))
        lines = [(Run(summary),)] if summary else []
        lines += [t for t in (_advisor_line(advisors.get(row.role_id, [])),) if t]
        if _s(row.gpa):
            gpa = _grade(row.gpa)
            if _s(row.gpa_scale):
                gpa += f"/{_grade(row.gpa_scale)}"
            words = i18n.current()
            label = _s(row.gpa_label) or words("label.gpa")
            lines.append(plain(f"{label}{words('punct.colon')}{gpa}", _s(row.gpa_note)))
        score = _s(getattr(row, "score", None))
        if score:  # a result that is not a number on a scale ("First-class honours")
            lines.append((_label("label.result"), Run(score)))
        taken = [_s(c.name) for c in courses.get(row.role_id, ()) if _s(c.name)]
        if taken:
            lines.append((_label("label.courses"), Run(", ".join(taken))))
        entries.append(
            Entry(
                title=(Run(_s(row.title), strong=True),),
                subtitle=_organisation(row),
                date=role_range(row, cv.as_of, "education"),
                place=_role_place(row),
                lines=tuple(lines),
                bullets=_award_lines(listed.get(row.role_id, ())),
            )
        )
    words = i18n.current()
    return Section(
        "education", words("section.education"), tuple(entries), noun=words("noun.entries")
    )


def other_awards(cv: CV) -> Section:
    """Awards not listed under an education entry."""
    rest = cv.awards[cv.awards["role_id"].isna()]
    words = i18n.current()
    return Section(
        "awards",
        words("section.awards"),
        tuple(Entry(title=t) for t in _award_lines(rest)),
        compact=True,
        noun=words("noun.awards"),
    )
