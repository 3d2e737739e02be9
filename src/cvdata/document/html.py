"""The document as HTML: every piece of user text entity-escaped.

Braces and backticks are escaped too, so no Quarto shortcode (``{{< >}}``) or code fence
can form inside a raw block.
"""

from __future__ import annotations

import html
import re

from .. import i18n
from ..cells import safe_href
from ..identity import contact_icon
from ._markup import expand
from ._model import Entry, Header, Section, Text, first_entries, section_size, with_items

#: Finds a character that :func:`esc_html` changes (most text has none: returned as is).
_HTML_SPECIAL = re.compile(r"[&<>\"'{`]").search


def esc_html(text: str) -> str:
    if not _HTML_SPECIAL(text):
        return text
    return html.escape(text, quote=True).replace("{", "&#123;").replace("`", "&#96;")


def html_text(runs: Text) -> str:
    out = []
    for r in expand(runs):
        s = esc_html(r.text)
        if r.code:
            s = f"<code>{s}</code>"
        if r.strong:
            s = f"<strong>{s}</strong>"
        if r.emph:
            s = f"<em>{s}</em>"
        href = safe_href(r.href)
        if href:
            s = f'<a href="{esc_html(href)}">{s}</a>'
        out.append(s)
    return "".join(out)


def html_entry(e: Entry) -> str:
    parts = ['<div class="cv-entry">']
    parts.append(
        f'<div class="cv-row"><span class="cv-title">{html_text(with_items(e))}</span>'
        f'<span class="cv-date">{esc_html(e.date)}</span></div>'
    )
    if e.subtitle or e.place:
        parts.append(
            f'<div class="cv-row"><span class="cv-subtitle">{html_text(e.subtitle)}</span>'
            f'<span class="cv-place">{esc_html(e.place)}</span></div>'
        )
    if e.length:
        parts.append(
            f'<div class="cv-row"><span></span><span class="cv-length">{esc_html(e.length)}'
            "</span></div>"
        )
    parts += [f'<p class="cv-line">{html_text(line)}</p>' for line in e.lines]
    if e.bullets:
        items = "".join(f"<li>{html_text(b)}</li>" for b in e.bullets)
        parts.append(f'<ul class="cv-bullets">{items}</ul>')
    if e.children:
        parts.append('<div class="cv-children">')
        parts += _html_entries(e.children)
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def _html_entries(entries: tuple[Entry, ...]) -> list[str]:
    out, group = [], ""
    for e in entries:
        if e.group and e.group != group:
            out.append(f'<p class="cv-group">{esc_html(e.group)}</p>')
        group = e.group
        out.append(html_entry(e))
    return out


#: The most entries one section shows on a web page by default, a role's projects
#: included (see :func:`cvdata.document.first_entries`); the PDF shows every entry.
HTML_SECTION_LIMIT = 350


def html_more(shown: int, total: int, noun: str, pdf_href: str | None = None) -> str:
    """The note under a shortened section: how many entries are shown, and where the rest
    are. The counts are numbers and ``noun`` comes from the document, escaped like all
    text; ``pdf_href`` is a link the page makes (relative, to the PDF CV)."""
    words = i18n.current()  # the CV's language, numbers as CLDR writes them ('3 526')
    pdf = esc_html(words("more.pdf"))
    if pdf_href:
        pdf = f'<a href="{esc_html(pdf_href)}">{pdf}</a>'
    showing = words("more.showing", shown=words.number(shown), total=words.number(total), noun=noun)
    # The link is markup: the sentence around it is escaped, then the link put in.
    rest = esc_html(words("more.rest", pdf="\0")).replace("\0", pdf)
    return f'<p class="cv-more text-body-secondary"><em>{esc_html(showing)} {rest}</em></p>'


def html_section(section: Section, limit: int | None = None, pdf_href: str | None = None) -> str:
    """A section as HTML; with ``limit``, a long section shows its first entries (see
    :func:`cvdata.document.first_entries`) and a note that links to the PDF CV."""
    cls = "cv-section cv-compact" if section.compact else "cv-section"
    shown = first_entries(section, limit) if limit is not None else section
    more = ""
    if shown is not section:
        total, visible = section_size(section), section_size(shown)
        more = "\n" + html_more(visible, total, section.noun, pdf_href)
    return (
        f'<div class="{cls}" data-section="{esc_html(section.id)}">'
        + "\n".join(_html_entries(shown.entries))
        + more
        + "</div>"
    )


def _contact_html(c: Text) -> str:
    """A contact with its profile's icon (Bootstrap Icons, which Quarto's site ships)."""
    icon = contact_icon("".join(r.text for r in c), next((r.href for r in c if r.href), None))
    mark = f'<i class="bi {icon}" aria-hidden="true"></i> ' if icon else ""
    return f'<span class="cv-contact">{mark}{html_text(c)}</span>'


def html_header(h: Header) -> str:
    contacts = ' <span class="cv-sep">·</span> '.join(_contact_html(c) for c in h.contacts)
    quote = ""
    if h.quote:
        by = f"<footer>{esc_html(h.quote_author)}</footer>" if h.quote_author else ""
        quote = f'<blockquote class="cv-quote"><p>{esc_html(h.quote)}</p>{by}</blockquote>'
    return (
        '<header class="cv-header">'
        f'<h1 class="cv-name">{esc_html(h.name)}</h1>'
        f'<p class="cv-headline">{esc_html(h.headline)}</p>'
        f'<p class="cv-contacts">{contacts}</p>{quote}</header>'
    )
