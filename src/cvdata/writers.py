"""HTML and Typst writers for :mod:`cvdata.document`.

User text never becomes markup: in HTML it is entity-escaped, in Typst it is passed as
string literals (``#"..."``), which Typst shows verbatim. Braces and backticks are escaped
too, so no Quarto shortcode (``{{< >}}``) or code fence can form inside a raw block.
"""

from __future__ import annotations

import html
import re

from .document import Entry, Header, Run, Section, Text, first_entries, section_size

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_href(url: str | None) -> str | None:
    """Only http, https and mailto addresses become links (validation already enforces it)."""
    return url if url and url.startswith(SAFE_SCHEMES) else None


# ---------------------------------------------------------------- HTML


#: Finds a character that :func:`esc_html` changes (most text has none: returned as is).
_HTML_SPECIAL = re.compile(r"[&<>\"'{`]").search


def esc_html(text: str) -> str:
    if not _HTML_SPECIAL(text):
        return text
    return html.escape(text, quote=True).replace("{", "&#123;").replace("`", "&#96;")


def html_text(runs: Text) -> str:
    out = []
    for r in runs:
        s = esc_html(r.text)
        if r.strong:
            s = f"<strong>{s}</strong>"
        if r.emph:
            s = f"<em>{s}</em>"
        href = safe_href(r.href)
        if href:
            s = f'<a href="{esc_html(href)}">{s}</a>'
        out.append(s)
    return "".join(out)


def _with_items(e: Entry) -> Text:
    """The title, and a compact entry's list after it."""
    return (*e.title, Run(", ".join(e.items))) if e.items else e.title


def html_entry(e: Entry) -> str:
    parts = ['<div class="cv-entry">']
    parts.append(
        f'<div class="cv-row"><span class="cv-title">{html_text(_with_items(e))}</span>'
        f'<span class="cv-date">{esc_html(e.date)}</span></div>'
    )
    if e.subtitle or e.place:
        parts.append(
            f'<div class="cv-row"><span class="cv-subtitle">{html_text(e.subtitle)}</span>'
            f'<span class="cv-place">{esc_html(e.place)}</span></div>'
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
    pdf = "The PDF CV"
    if pdf_href:
        pdf = f'<a href="{esc_html(pdf_href)}">{pdf}</a>'
    return (
        f'<p class="cv-more text-body-secondary"><em>Showing {shown:,} of {total:,} '
        f"{esc_html(noun)}. {pdf} lists them all.</em></p>"
    )


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


def html_header(h: Header) -> str:
    contacts = ' <span class="cv-sep">·</span> '.join(
        f'<span class="cv-contact">{html_text(c)}</span>' for c in h.contacts
    )
    quote = ""
    if h.quote:
        by = f"<footer>{esc_html(h.quote_author)}</footer>" if h.quote_author else ""
        quote = f'<blockquote class="cv-quote"><p>{esc_html(h.quote)}</p>{by}</blockquote>'
    return (
        '<header class="cv-header">'
        f'<p class="cv-name">{esc_html(h.name)}</p>'
        f'<p class="cv-headline">{esc_html(h.headline)}</p>'
        f'<p class="cv-contacts">{contacts}</p>{quote}</header>'
    )


# ---------------------------------------------------------------- Typst


# One pass over the text: escaping in sequence would re-escape the braces of ``\u{60}``.
_TYPST_ESCAPES = str.maketrans(
    {"\\": "\\\\", '"': '\\"', "\n": "\\n", "`": "\\u{60}", "{": "\\u{7b}"}
)


#: Finds a character that :func:`typst_str` changes (most text has none).
_TYPST_SPECIAL = re.compile(r'[\\"\n\r`{]').search


def typst_str(text: str) -> str:
    """A Typst string literal that shows ``text`` exactly."""
    if not _TYPST_SPECIAL(text):
        return f'"{text}"'
    body = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TYPST_ESCAPES)
    return f'"{body}"'


def typst_text(runs: Text) -> str:
    """Content that shows the runs: ``[#"a"#strong("b")]``."""
    out = []
    for r in runs:
        s = typst_str(r.text)
        if r.strong:
            s = f"strong({s})"
        if r.emph:
            s = f"emph({s})"
        href = safe_href(r.href)
        if href:
            s = f"link({typst_str(href)})[#{s}]"
        out.append(f"#{s}")
    return "[" + "".join(out) + "]"


TYPST_PREAMBLE = r"""
#let cv-muted = rgb("#6B7280")
#let cv-accent = rgb("#0072B2")
#set text(font: ("Liberation Sans", "Noto Sans CJK SC", "Noto Color Emoji"), size: 9.5pt)
#set par(justify: false, leading: 0.55em)
#set list(indent: 0.6em, body-indent: 0.4em, spacing: 0.45em)
#let cv-entry(title, date: "", subtitle: none, place: "", long: false, body) = block(
  width: 100%, breakable: true, above: 0.85em, below: 0.2em,
  {
    // Keep the title block with its first line (sticky); let long bodies break across pages.
    // A long title (a category's thousand skills) breaks too: an unbreakable block taller
    // than the page is clipped, and the PDF must show every entry.
    block(breakable: long, sticky: true, below: 0.35em, grid(
      columns: (1fr, auto), column-gutter: 1em, row-gutter: 0.3em,
      title, align(right, text(fill: cv-muted, date)),
      ..(if subtitle != none { (subtitle, align(right, text(fill: cv-muted, place))) } else { () }),
    ))
    body
  },
)
#let cv-line(body) = block(above: 0.3em, below: 0.3em, body)
#let cv-group(name) = block(
  above: 0.7em, below: 0.25em, text(fill: cv-accent, weight: "bold", name),
)
#let cv-children(body) = pad(left: 0.9em, top: 0.1em, body)
"""

#: Added after the preamble in the short résumé: smaller type, tighter entries, ruled headings.
TYPST_RESUME = r"""
#set text(size: 9pt)
#set par(leading: 0.5em)
#set list(spacing: 0.4em)
#show heading: it => block(above: 1.1em, below: 0.55em, width: 100%, sticky: true, {
  text(size: 10.5pt, weight: "bold", fill: cv-accent, upper(it.body))
  v(-0.65em)
  line(length: 100%, stroke: 0.6pt + cv-accent)
})
"""


def typst_entry(e: Entry) -> str:
    sub = typst_text(e.subtitle) if (e.subtitle or e.place) else "none"
    body = [f"#cv-line({typst_text(line)})" for line in e.lines]
    if e.bullets:
        body.append("#list(" + ", ".join(typst_text(b) for b in e.bullets) + ")")
    if e.children:
        body.append("#cv-children[" + "\n".join(_typst_entries(e.children)) + "]")
    long = ", long: true" if _header_chars(e) > LONG_HEADER else ""
    return (
        f"#cv-entry({typst_text(_with_items(e))}, date: {typst_str(e.date)}, subtitle: {sub}, "
        f"place: {typst_str(e.place)}{long})[" + "\n".join(body) + "]"
    )


#: Characters of an entry's title and subtitle past which their block may break across
#: pages: about ten lines, far less than a page, so shorter ones stay whole.
LONG_HEADER = 1000


def _header_chars(e: Entry) -> int:
    runs = (*_with_items(e), *e.subtitle)
    return sum(len(r.text) for r in runs) + len(e.date) + len(e.place)


def _typst_entries(entries: tuple[Entry, ...]) -> list[str]:
    out, group = [], ""
    for e in entries:
        if e.group and e.group != group:
            out.append(f"#cv-group({typst_str(e.group)})")
        group = e.group
        out.append(typst_entry(e))
    return out


def typst_section(section: Section) -> str:
    return "\n".join(_typst_entries(section.entries))


def typst_header(h: Header) -> str:
    contacts = " #text(fill: cv-muted)[ · ] ".join("#" + typst_text(c) for c in h.contacts)
    quote = ""
    if h.quote:
        said = h.quote + (f" — {h.quote_author}" if h.quote_author else "")
        quote = f'#block(above: 0.9em, text(style: "italic", fill: cv-muted)[#{typst_str(said)}])'
    return (
        "#align(center)[\n"
        f'  #text(size: 22pt, weight: "bold")[#{typst_str(h.name)}]\n'
        f"  #v(-0.4em)\n  #text(size: 11pt, fill: cv-accent)[#{typst_str(h.headline)}]\n"
        f"  #v(-0.2em)\n  #text(size: 8.5pt)[{contacts}]\n"
        f"  {quote}\n]"
    )
