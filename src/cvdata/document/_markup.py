"""Markdown in prose, the safe subset: emphasis, strong, code and links, nothing else.

A JSON Resume's highlights and summaries are often written in Markdown (``**Kotlin**``,
``[the paper](https://...)``). The builders mark such text (:func:`prose`); both writers
turn it into styled runs here (:func:`expand`), so the page and the PDF show the same
thing. The parser is markdown-it-py's inline parser with only those four rules and the
backslash escape on: no raw HTML, entities, images, autolinks, headings or lists, so
``<script>``, ``&amp;``, ``# title`` and Typst's ``#`` stay the text they are, escaped by
the writer like any other. A link keeps its address only under the URL rules of
:func:`cvdata.cells.safe_href` (the writers check every ``href``): ``javascript:`` is
shown as its text, unlinked.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from markdown_it import MarkdownIt

from ._model import Run, Text

#: What a marked run may hold. ``newline`` keeps a line break a line break.
RULES = ("emphasis", "backticks", "link", "escape", "newline")
#: Finds the characters that can start Markdown of the subset (most prose has none).
_MARKS = frozenset("*_`[\\\n")


@cache
def _parser() -> MarkdownIt:
    # "zero": every rule off; then only the subset. html=False: raw HTML is text.
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    return md.enable(list(RULES))


def prose(text: str) -> Text:
    """A run of the person's prose, read as Markdown of the safe subset by the writers;
    no run for empty text."""
    return (Run(text, markdown=True),) if text else ()


def _runs(text: str, base: Run) -> list[Run]:
    """The styled runs of one Markdown run; ``base``'s own style and link carry over."""
    tokens = _parser().parseInline(text)
    out: list[Run] = []
    strong = emph = 0
    href: str | None = None
    for tok in tokens[0].children or () if tokens else ():
        kind = tok.type
        if kind in ("strong_open", "strong_close"):
            strong += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            emph += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            href = str(tok.attrGet("href") or "")
        elif kind == "link_close":
            href = None
        else:
            content = "\n" if kind in ("softbreak", "hardbreak") else tok.content
            if not content:
                continue
            out.append(
                Run(
                    content,
                    strong=base.strong or strong > 0,
                    emph=base.emph or emph > 0,
                    # The text's own link, unless the whole run already is one.
                    href=base.href or href or None,
                    code=base.code or kind == "code_inline",
                )
            )
    return out


def expand(runs: Text) -> Text:
    """The runs with each Markdown run turned into plain styled runs (the writers call
    this first). Text without a Markdown mark is returned as it is, unparsed."""
    if not any(r.markdown for r in runs):
        return runs
    out: list[Run] = []
    for r in runs:
        if not r.markdown:
            out.append(r)
        elif _MARKS.isdisjoint(r.text):
            out.append(dataclasses.replace(r, markdown=False))
        else:
            out += _runs(r.text, dataclasses.replace(r, markdown=False))
    return tuple(out)
