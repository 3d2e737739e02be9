"""The CV as a document: a header and sections of entries, made of styled runs of text.

Format-independent: :mod:`cvdata.document.html` and :mod:`cvdata.document.typst` turn
these into markup. User text stays plain strings here; only the writers escape.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with one style; ``href`` makes it a link. ``markdown``: the
    person's prose, read as Markdown of the safe subset by the writers
    (:mod:`cvdata.document._markup`); ``code``: shown as code."""

    text: str
    strong: bool = False
    emph: bool = False
    href: str | None = None
    markdown: bool = False
    code: bool = False


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
    #: How long a role lasted ("2 years 7 months"), under the place; '' when not shown.
    length: str = ""
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
    #: Each contact's kind (``contacts.csv``; ``location`` for where the person lives), in
    #: the order of ``contacts``: the PDF draws its icon.
    kinds: tuple[str, ...] = ()
    #: The as-of date as printed ("30 Nov 2026"): when the CV was last brought up to date.
    updated: str = ""


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


def with_items(e: Entry) -> Text:
    """The title, and a compact entry's list after it (both writers show them so)."""
    return (*e.title, Run(", ".join(e.items))) if e.items else e.title
