"""The career on one screen: what the dashboard page (``dashboard.qmd``, Quarto's
``format: dashboard``) shows of a CV, fitted to the person.

A row of value boxes (only the numbers the CV has: no "0 papers"), then rows of cards, each
a chart of the registry (:data:`cvdata.charts.CHARTS`) drawn as on every other page: the
timeline; the publications as tabs (by venue, by year, authorship); skills, collaborators
and projects. A chart with nothing to draw is left out, and a row or tab set with no chart
left is left out whole, so a CV without papers has no publications card.

:func:`layout` decides (data, testable without Quarto); :func:`write` writes it as the
dashboard's Markdown, from the page's one cell (``dashboard.write(page.setup())``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import i18n

if TYPE_CHECKING:
    from .charts import Drawn
    from .load import CV
    from .page import Page
    from .theme import Brand


@dataclass(frozen=True)
class ValueBox:
    """One number of the top row: ``value`` under ``title``, with a Bootstrap icon."""

    key: str
    title: str
    value: str
    icon: str
    color: str


@dataclass(frozen=True)
class Card:
    """One chart in a card: the registry's ``chart`` under ``title``."""

    chart: str
    title: str
    drawn: Drawn


@dataclass(frozen=True)
class Row:
    """Cards side by side, or (``tabs``) one card whose tabs are the cards."""

    cards: tuple[Card, ...]
    tabs: bool = False


#: The value boxes, in order: (key of :func:`cvdata.charts.numbers.headline_numbers` or
#: ``talks``, title, Bootstrap icon, colour). The years' title is the CV's own label.
VALUE_BOXES = (
    ("experience_years", None, "briefcase", "primary"),
    ("roles", "Positions and degrees", "diagram-3", "secondary"),
    ("papers", "Papers", "journal-text", "info"),
    ("first_author", "First-author papers", "pen", "info"),
    ("talks", "Talks", "megaphone", "success"),
    ("projects", "Projects", "kanban", "secondary"),
    ("skills", "Skills", "tools", "light"),
)

#: The rows of cards, in order: ((chart, card title), ...), and whether the row is tabs.
ROWS: tuple[tuple[tuple[tuple[str, str], ...], bool], ...] = (
    ((("timeline", "Career timeline"),), False),
    (
        (
            ("venues", "Publications by venue"),
            ("years", "Publications by year"),
            ("authorship", "Authorship"),
        ),
        True,
    ),
    ((("skills_top", "Skills"), ("coauthors", "Collaborators")), False),
    ((("projects", "Projects"),), False),
)


def value_boxes(cv: CV) -> list[ValueBox]:
    """The numbers the CV has (none that is zero), in :data:`VALUE_BOXES`' order."""
    from .charts.numbers import headline_numbers

    numbers = {r.key: (r.value, r.label) for r in headline_numbers(cv).itertuples()}
    numbers["talks"] = (len(cv.talks), i18n.current()("noun.talks"))
    boxes = []
    words = i18n.current()  # the titles in the CV's language
    for key, title, icon, color in VALUE_BOXES:
        value, label = numbers.get(key, (0, ""))
        if not value or value != value:  # zero or NaN: the CV has none of it
            continue
        title = title and words.get(f"tile.{key.replace('_', '-')}", title)
        shown = title or (label[:1].upper() + label[1:])
        boxes.append(ValueBox(key, shown, words.stat(value), icon, color))
    return boxes


def layout(cv: CV, brand: Brand | None = None) -> list[Row]:
    """The rows of cards for ``cv``: every chart of :data:`ROWS` that draws something."""
    from . import charts

    rows = []
    for entries, tabs in ROWS:
        cards = []
        for name, title in entries:
            drawn = charts.draw(name, cv, brand=brand)
            if drawn.figure.data:
                key = f"card.{name.removesuffix('_top')}"
                cards.append(Card(name, i18n.current().get(key, title), drawn))
        if cards:
            rows.append(Row(tuple(cards), tabs=tabs and len(cards) > 1))
    return rows


def value_box_markdown(box: ValueBox) -> str:
    """The value box as the dashboard's Markdown."""
    from .page import md_escape

    # The title as an attribute: as a paragraph, a title of several words would be a <p>
    # inside Quarto's own <p>. Our titles are our own words, never the CV's text.
    title = re.sub(r'["\\<>&]', "", box.title)
    return (
        f'::: {{.valuebox icon="{box.icon}" color="{box.color}" title="{title}"}}\n'
        f"{md_escape(box.value)}\n:::\n"
    )


def card_markdown(card: Card, plot: str, *, tabbed: bool) -> str:
    """The card as the dashboard's Markdown, written out whole (header, body, footer):
    Quarto's dashboard filter leaves a card printed by a cell as it is. ``plot`` is the
    chart's HTML. In a tab set (``tabbed``) the tab's name is the card's ``data-title``, and
    the caption goes under the chart: the tabs share one footer.
    """
    from .page import md_escape

    caption = md_escape(card.drawn.caption)
    below = f"::: {{.cvdata-caption}}\n{caption}\n:::\n" if tabbed else ""
    footer = "" if tabbed else f"::: {{.card-footer}}\n{caption}\n:::\n"
    tab = re.sub(r'["\\]', "", card.title)
    return (
        f'::: {{.card data-title="{tab}"}}\n'
        f"::: {{.card-header}}\n{md_escape(card.title)}\n:::\n"
        f"::: {{.card-body}}\n```{{=html}}\n{plot}\n```\n{below}:::\n"
        f"{footer}:::\n"
    )


def title_markdown(cv: CV) -> str:
    """The page's ``h1``, the person's name as on every other page, in a row of its own
    above the value boxes (``dashboard.css`` draws it without a card's frame)."""
    from .cells import text
    from .document.html import esc_html

    name = " ".join(text(cv.owner.get("name")).split()) or "CV"
    # esc_html also escapes "{" and "`": Quarto reads shortcodes ({{< meta >}}) even in a
    # raw HTML block.
    return (
        '## Row {height="auto" .cvdata-title}\n'
        f'```{{=html}}\n<h1 class="cvdata-name">{esc_html(name)}</h1>\n```\n'
    )


def write(page: Page) -> None:
    """The dashboard page's body: a row of value boxes, then rows of chart cards; only
    what the CV has. In a cell with ``output: asis``."""
    from . import charts

    out = [title_markdown(page.cv), '## Row {height="auto" .cvdata-values}\n']
    out += [value_box_markdown(box) for box in value_boxes(page.cv)]
    for row in layout(page.cv, page.brand):
        out.append("## Row {.tabset}\n" if row.tabs else "## Row\n")
        for card in row.cards:
            label = charts.chart(card.chart).label
            plot = page.plot_html(card.drawn.figure, label, card.drawn.alt, deferred=True)
            out.append(card_markdown(card, plot, tabbed=row.tabs))
    page.markdown("\n".join(out))


__all__ = [
    "ROWS",
    "VALUE_BOXES",
    "Card",
    "Row",
    "ValueBox",
    "card_markdown",
    "layout",
    "title_markdown",
    "value_box_markdown",
    "value_boxes",
    "write",
]
