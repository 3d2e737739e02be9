"""The document as Typst: user text passed as string literals (``#"..."``), which Typst
shows verbatim; braces and backticks escaped, so no Quarto shortcode or code fence forms
inside a raw block."""

from __future__ import annotations

import re

from ..cells import safe_href
from ._markup import expand
from ._model import Entry, Header, Section, Text, with_items

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
    for r in expand(runs):
        s = typst_str(r.text)
        if r.code:
            s = f"raw({s})"
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
        f"#cv-entry({typst_text(with_items(e))}, date: {typst_str(e.date)}, subtitle: {sub}, "
        f"place: {typst_str(e.place)}{long})[" + "\n".join(body) + "]"
    )


#: Characters of an entry's title and subtitle past which their block may break across
#: pages: about ten lines, far less than a page, so shorter ones stay whole.
LONG_HEADER = 1000


def _header_chars(e: Entry) -> int:
    runs = (*with_items(e), *e.subtitle)
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
