"""The document as Typst: user text passed as string literals (``#"..."``), which Typst
shows verbatim; braces and backticks escaped, so no Quarto shortcode or code fence forms
inside a raw block."""

from __future__ import annotations

import dataclasses
import re

from .. import i18n
from ..cells import safe_href
from ._icons import ICON_PATHS, icon_for
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


#: The PDF's designs, chosen in ``_brand.yml`` (``meta: cvdata-pdf-design: compact``):
#: each is a set of Typst values read by :data:`_PREAMBLE`. ``default`` is set in Lato,
#: lines of about 95 characters with open leading; ``compact`` (long academic CVs) in Linux
#: Libertine, narrower margins and tighter spacing: more entries a page, the same hierarchy.
#: Both faces are Debian packages (``scripts/setup-system.sh``), found by Typst in the
#: system's fonts and embedded in the PDF; Liberation and Noto CJK cover what they lack.
DESIGNS: dict[str, dict[str, str]] = {
    "default": {
        "font": '("Lato", "Liberation Sans", "Noto Sans CJK SC", "Noto Color Emoji")',
        "size": "10pt",
        "leading": "0.7em",
        "margin": "(x: 2cm, top: 1.7cm, bottom: 2cm)",
        "date-width": "4.6cm",
        "gap-entry": "1.05em",
        "gap-line": "0.5em",
        "gap-list": "0.5em",
        "indent": "1em",
        "heading-size": "1.25em",
        "heading-above": "1.5em",
        "name-size": "24pt",
    },
    "compact": {
        "font": (
            '("Linux Libertine O", "Liberation Serif", "Noto Serif CJK SC", "Noto Color Emoji")'
        ),
        "size": "10pt",
        "leading": "0.55em",
        "margin": "(x: 1.5cm, top: 1.3cm, bottom: 1.6cm)",
        "date-width": "4cm",
        "gap-entry": "0.7em",
        "gap-line": "0.35em",
        "gap-list": "0.35em",
        "indent": "0.9em",
        "heading-size": "1.2em",
        "heading-above": "1.1em",
        "name-size": "20pt",
    },
}

#: Each design's face for the charts' labels in the PDF (SVG text, drawn by Typst from the
#: same installed fonts), so that they match the text.
CHART_FONTS: dict[str, str] = {"default": "Lato", "compact": "Linux Libertine O"}

#: The design when ``_brand.yml`` names none.
DEFAULT_DESIGN = "default"

#: The short résumé's values over its design's: smaller type, tighter entries (two pages).
_RESUME = {
    "size": "9pt",
    "leading": "0.5em",
    "gap-entry": "0.8em",
    "gap-line": "0.3em",
    "gap-list": "0.4em",
    "heading-above": "1.1em",
}

_PREAMBLE = r"""
#let cv-muted = rgb("#6B7280")
#let cv-accent = rgb("#0072B2")
#set text(font: cv-font, size: cv-size)
#set par(justify: false, leading: cv-leading, spacing: cv-gap-line + cv-leading)
#set list(indent: 0pt, body-indent: 0.5em, spacing: cv-gap-list)
#show list: set block(above: cv-gap-list + 0.15em, below: cv-gap-list)
// Section headings: a rule under each; sticky, so none is left alone at a page's foot.
#show heading.where(level: 1): it => block(
  above: cv-heading-above, below: 0.75em, width: 100%, sticky: true,
  {
    // The face of the text (the brand's heading rule names the site's face).
    text(font: cv-font, size: cv-heading-size, weight: "bold", fill: cv-accent, it.body)
    v(-0.55em)
    line(length: 100%, stroke: 0.6pt + cv-accent)
  },
)
#show heading.where(level: 2): it => block(
  above: 1.1em, below: 0.6em, sticky: true,
  text(font: cv-font, size: 1.05em, weight: "bold", it.body),
)
// One indentation scheme: titles, lines and bullet markers at the entry's edge; a role's
// projects one step in. The date and place sit in a column of their own width, wrapping
// inside it, so they never run into the title.
// A place too wide for the column breaks where its " · " was (city, then work mode), not
// inside a part, and no separator is left dangling at a line's end.
#let cv-place(place) = context {
  if measure(place).width <= cv-date-width or not place.contains(" · ") { place } else {
    place.split(" · ").map(part => [#part]).join(linebreak())
  }
}
#let cv-entry(title, date: "", subtitle: none, place: "", length: "", long: false, body) = block(
  width: 100%, breakable: true, above: cv-gap-entry, below: 0.2em,
  {
    // Keep the title block with its first line (sticky); let long bodies break across pages.
    // A long title (a category's thousand skills) breaks too: an unbreakable block taller
    // than the page is clipped, and the PDF must show every entry.
    let head = if date == "" and place == "" {
      stack(spacing: 0.45em, title, ..(if subtitle != none { (subtitle,) } else { () }))
    } else {
      grid(
        columns: (1fr, cv-date-width), column-gutter: 1.2em, row-gutter: 0.45em,
        title, align(right, text(fill: cv-muted, date)),
        ..(if subtitle != none {
          (subtitle, align(right, text(fill: cv-muted, cv-place(place))))
        } else { () }),
        ..(if length != "" {
          ([], align(right, text(fill: cv-muted, size: 0.9em, length)))
        } else { () }),
      )
    }
    block(breakable: long, sticky: true, below: cv-gap-line + 0.1em, head)
    body
  },
)
#let cv-line(body) = block(above: cv-gap-line, below: cv-gap-line, body)
// One-line entries (a title and nothing else) as the items of a list, not as headings.
#let cv-items(..items) = block(above: cv-gap-entry, below: 0.2em, list(..items))
// One-liners after a group's full entries: under a label at a title's level, so that they
// do not read as the bullets of the entry before them.
#let cv-tail(label, ..items) = block(above: cv-gap-entry, below: 0.2em, sticky: true, {
  strong(label)
  block(above: cv-gap-line, list(..items))
})
#let cv-group(name) = block(
  above: cv-gap-entry + 0.2em, below: 0.1em, sticky: true,
  text(fill: cv-accent, weight: "bold", name),
)
#let cv-children(body) = block(inset: (left: cv-indent), above: cv-gap-line, breakable: true, body)
// Contact icons: SVG outlines drawn by Typst, decorations (artifacts) in the tagged PDF.
#let cv-icon(path) = pdf.artifact(box(height: 0.85em, baseline: 0.1em, image(
  bytes("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 300 300'><path fill='"
    + cv-accent.to-hex() + "' d='" + path + "'/></svg>"),
  format: "svg",
)))
"""


def typst_preamble(design: str = DEFAULT_DESIGN, *, resume: bool = False) -> str:
    """The Typst definitions of the document in ``design`` (one of :data:`DESIGNS`), with
    the résumé's tighter spacing when ``resume``; the page's margins are the design's
    in the full CV (the résumé keeps its own, in ``resume.qmd``).

    Raises
    ------
    ValueError
        When ``design`` is not one of :data:`DESIGNS` (the message lists them).
    """
    if design not in DESIGNS:
        raise ValueError(
            f"_brand.yml: meta: cvdata-pdf-design: {design!r} is not a design of the PDF; "
            f"use one of {', '.join(DESIGNS)}"
        )
    values = {**DESIGNS[design], **(_RESUME if resume else {})}
    lets = "".join(f"#let cv-{k} = {v}\n" for k, v in values.items())
    page = "" if resume else "#set page(margin: cv-margin)\n"
    return "\n" + lets + page + _PREAMBLE.lstrip("\n") + (TYPST_RESUME if resume else "")


#: The default design's definitions (see :func:`typst_preamble`).
TYPST_PREAMBLE = typst_preamble()

#: Added after the preamble in the short résumé: headings in capitals on a rule.
TYPST_RESUME = r"""
#show heading.where(level: 1): it => block(
  above: cv-heading-above, below: 0.55em, width: 100%, sticky: true, {
  text(font: cv-font, size: 10.5pt, weight: "bold", fill: cv-accent, upper(it.body))
  v(-0.65em)
  line(length: 100%, stroke: 0.6pt + cv-accent)
})
"""


def _bare(e: Entry) -> bool:
    """An entry that is only a title (a project named in one line): shown as an item."""
    return not (
        e.subtitle or e.date or e.place or e.length or e.lines or e.bullets or e.children
        or e.items
    )  # fmt: skip


def typst_entry(e: Entry) -> str:
    sub = typst_text(e.subtitle) if (e.subtitle or e.place) else "none"
    body = [f"#cv-line({typst_text(line)})" for line in e.lines]
    if e.bullets:
        body.append("#list(" + ", ".join(typst_text(b) for b in e.bullets) + ")")
    if e.children:
        body.append("#cv-children[" + "\n".join(_typst_entries(e.children)) + "]")
    long = ", long: true" if _header_chars(e) > LONG_HEADER else ""
    length = f", length: {typst_str(e.length)}" if e.length else ""
    return (
        f"#cv-entry({typst_text(with_items(e))}, date: {typst_str(e.date)}, subtitle: {sub}, "
        f"place: {typst_str(e.place)}{length}{long})[" + "\n".join(body) + "]"
    )


#: Characters of an entry's title and subtitle past which their block may break across
#: pages: about ten lines, far less than a page, so shorter ones stay whole.
LONG_HEADER = 1000


def _header_chars(e: Entry) -> int:
    runs = (*with_items(e), *e.subtitle)
    return sum(len(r.text) for r in runs) + len(e.date) + len(e.place)


def _typst_entries(entries: tuple[Entry, ...], *, as_items: bool = True) -> list[str]:
    """The entries' Typst; with ``as_items``, runs of title-only entries as one list (a
    compact section's one-liners, "Git (Advanced)" among "Data: pandas, ...", stay lines).
    A run that follows full entries of its group gets a label (:func:`_typst_items`)."""
    out, group, items = [], "", []
    after_full = False  # the run follows a full entry of the same group
    for e in entries:
        if items and (not _bare(e) or (e.group and e.group != group)):
            out.append(_typst_items(items, labelled=after_full))
            items = []
        if e.group and e.group != group:
            out.append(f"#cv-group({typst_str(e.group)})")
            after_full = False
        group = e.group
        if as_items and _bare(e):
            items.append(e)
        else:
            out.append(typst_entry(e))
            after_full = True
    if items:
        out.append(_typst_items(items, labelled=after_full))
    return out


def _typst_items(entries: list[Entry], *, labelled: bool = False) -> str:
    """Title-only entries as one list, in the body's weight (their bold was a heading's);
    under "More" when ``labelled``."""
    plain_titles = (tuple(dataclasses.replace(r, strong=False) for r in e.title) for e in entries)
    items = ", ".join(typst_text(t) for t in plain_titles)
    if labelled:
        return f"#cv-tail({typst_str(i18n.current()('word.more'))}, {items})"
    return f"#cv-items({items})"


def typst_section(section: Section) -> str:
    return "\n".join(_typst_entries(section.entries, as_items=not section.compact))


def typst_header(h: Header) -> str:
    """The person: name, headline, contacts with their icons, quote; the running footer
    ("name – n/N" on every page, the last-updated date at the right of the first's)."""
    kinds = h.kinds if len(h.kinds) == len(h.contacts) else ("link",) * len(h.contacts)
    contacts = " #h(1.1em, weak: true) ".join(
        f"#box[#cv-icon({typst_str(ICON_PATHS[icon_for(k)])})#h(0.3em)#{typst_text(c)}]"
        for k, c in zip(kinds, h.contacts, strict=True)
    )
    quote = ""
    if h.quote:
        said = h.quote + (f" — {h.quote_author}" if h.quote_author else "")
        quote = f'#block(above: 1em, text(style: "italic", fill: cv-muted)[#{typst_str(said)}])'
    # The running footer: "name – n/N" on every page; the last-updated date at the right
    # of the first page's (at the top it sat against the name).
    updated = ""
    if h.updated:
        said = i18n.current()("word.last-updated", date=h.updated)
        updated = f"if here().page() == 1 {{ align(right, [#{typst_str(said)}]) }}"
    footer = (
        "#set page(footer: context text(size: 0.85em, fill: cv-muted, grid(\n"
        "  columns: (1fr, auto, 1fr), [],\n"
        f"  [#{typst_str(h.name)} – #str(here().page())/#str(counter(page).final().first())],\n"
        f"  {{ {updated} }},\n"
        ")))\n"
    )
    headline = (
        f"  #v(0.45em)#block(text(size: 1.15em, fill: cv-accent)[#{typst_str(h.headline)}])\n"
        if h.headline
        else ""
    )
    return (
        footer + "#align(center)[\n"
        f'  #block(below: 0pt, text(size: cv-name-size, weight: "bold")[#{typst_str(h.name)}])\n'
        f"{headline}"
        f"  #block(above: 1em, text(size: 0.92em)[{contacts}])\n"
        f"  {quote}\n]"
    )
