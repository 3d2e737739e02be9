"""Author lists of BibTeX entries: names split, markers read, the owner found.

Whether two spellings are one person is :mod:`cvdata.names`' rule; this module reads
BibTeX's side of it (``and``-separated names, ``Family, Given``, the equal-contribution
marks al-folio and others write after a name: ``*``, ``†``, ``$^*$``, ``\\textsuperscript``).
"""

from __future__ import annotations

import re

from ...names import strip_markers
from ._latex import decode

#: Marks written in LaTeX after a name (``Doe$^*$``, ``Doe\\textsuperscript{\\dag}``); read
#: as the plain mark before the name is decoded.
_LATEX_MARK = re.compile(
    r"\$\s*\^\s*\{?\s*(\\ast|\*|\\dagger|\\dag|\\ddagger|\\#|\\S)\s*\}?\s*\$"
    r"|\\textsuperscript\{\s*(\\dagger|\\dag|\*|\\ddagger)\s*\}|\\(dagger|dag|ddagger)\b(\{\})?"
)


def split_authors(value: str) -> list[str]:
    """The names of a BibTeX ``author`` field: split on ``and`` outside braces, decoded,
    equal-contribution marks left in place (:func:`author` reads them)."""
    names, depth, start, i = [], 0, 0, 0
    while i < len(value):
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            m = re.match(r"\s+and\s+", value[i:], re.IGNORECASE)
            if m:
                names.append(value[start:i])
                i += m.end()
                start = i
                continue
        i += 1
    names.append(value[start:])
    marked = (_LATEX_MARK.sub("*", n) for n in names)
    return [n for n in (" ".join(decode(n).split()) for n in marked) if n]


def natural_name(name: str) -> str:
    """``"Zhou, Zhongzhu"`` -> ``"Zhongzhu Zhou"``; ``"King, Jr, Martin"`` -> ``"Martin King
    Jr"``; names without a comma are returned as written."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts):
        return f"{parts[2]} {parts[0]} {parts[1]}"
    return name


def author(raw: str) -> tuple[str, bool]:
    """An author as written (``"Doe*, Jane"``) as the name to store (``"Jane Doe"``) and
    whether it carried an equal-contribution mark."""
    plain, marked = strip_markers(raw)
    return natural_name(plain.strip()), marked


def same_name(a: str, b: str) -> bool:
    """Names compared without regard to case, spacing or ``Family, Given`` order."""

    def norm(s: str) -> str:
        return " ".join(natural_name(s).casefold().split())

    return norm(a) == norm(b)


__all__ = ["author", "natural_name", "same_name", "split_authors"]
