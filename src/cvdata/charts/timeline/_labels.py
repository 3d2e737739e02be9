"""The timeline's row labels: title and organisation wrapped by character cells."""

from __future__ import annotations

import unicodedata

import pandas as pd

from .._common import _esc

#: A timeline row label's lines hold at most this many character cells (a CJK character
#: takes two): the label column keeps about a third of the width, the bars the rest.
LABEL_CELLS = 46


#: Lines at most for a row's title, and again for its organisation; only a paragraph-long
#: title or name is cut (its last line ends in "…"; the hover and the CV have it whole).
LABEL_PART_LINES = 3


def _cells(text: str) -> int:
    """Width in character cells: CJK (wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pieces(word: str) -> list[str]:
    """A word's unbreakable pieces: each wide (CJK) character alone, which a line may break
    before or after, and the runs of other characters between them."""
    pieces: list[str] = []
    for ch in word:
        if _cells(ch) == 2 or not pieces or _cells(pieces[-1][-1]) == 2:
            pieces.append(ch)
        else:
            pieces[-1] += ch
    return pieces


def _wrap_cells(text: str, width: int) -> list[str]:
    """Plain text in lines of at most ``width`` cells: broken at spaces and between CJK
    characters (which need none); a word longer than a line is broken where it must."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        for i, piece in enumerate(_pieces(word)):
            sep = " " if i == 0 and line else ""
            if line and used + len(sep) + _cells(piece) > width:
                lines.append(line)
                line, used, sep = "", 0, ""
            for ch in piece:  # a piece longer than a line (a long word): hard breaks
                if line and used + len(sep) + _cells(ch) > width:
                    lines.append(line)
                    line, used, sep = "", 0, ""
                line, used, sep = line + sep + ch, used + len(sep) + _cells(ch), ""
    return [*lines, line] if line else lines


def _lines(text: str, width: int, limit: int) -> list[str]:
    """:func:`_wrap_cells` to at most ``limit`` lines, the last ending in "…" if cut."""
    lines = _wrap_cells(text, width) or [""]
    if len(lines) > limit:
        last = _wrap_cells(lines[limit - 1], width - 1)[0]
        lines = [*lines[: limit - 1], last + "…"]
    return lines


def _row_label(title: str, employer: str, *, width: int = LABEL_CELLS) -> tuple[str, int]:
    """A timeline row's label as plotly markup, and its number of lines: "Title ·
    **Organisation**" on one line when it fits, else the title's lines, then the
    organisation's (bold: what a reader looks for), never cut short of
    ``LABEL_PART_LINES`` lines each. The text is escaped line by line; the only markup
    (``<br>``, ``<b>``) is ours."""
    if _cells(f"{title} · {employer}") <= width:
        return f"{_esc(title)} · <b>{_esc(employer)}</b>", 1
    top = [_esc(line) for line in _lines(title, width, LABEL_PART_LINES)]
    org = [f"<b>{_esc(line)}</b>" for line in _lines(employer, width, LABEL_PART_LINES)]
    return "<br>".join(top + org), len(top) + len(org)


def _row_names(roles: pd.DataFrame) -> list[tuple[str, str]]:
    """Each role's title and organisation as its row names them; two rows that would read
    the same say their start year, then a number."""
    org = roles["employer"] if "employer" in roles else roles["organisation"]
    names = [(str(t), str(o)) for t, o in zip(roles["title"], org, strict=True)]
    for key in ("year", "number"):
        seen: dict[tuple[str, str], int] = {}
        for n in names:
            seen[n] = seen.get(n, 0) + 1
        count: dict[tuple[str, str], int] = {}
        for i, n in enumerate(list(names)):
            if seen[n] > 1:
                count[n] = count.get(n, 0) + 1
                extra = f" ({roles['start'].iloc[i]:%Y})" if key == "year" else f" #{count[n]}"
                names[i] = (n[0], n[1] + extra)
    return names
