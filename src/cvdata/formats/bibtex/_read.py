"""Reading a ``.bib`` file as BibTeX does: leniently.

A block bibtexparser cannot parse, or an entry whose braces real BibTeX would read
differently, is reported with its line and skipped; the other entries import. A field
given twice keeps its first value (as BibTeX does) with a warning. Only a file that is not
UTF-8 is refused whole.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser import model

from ..._files import STDIN, FileRefused, read_input, shown_input
from ...problems import display_path


class BibImportError(Exception):
    """The file cannot be imported; ``messages`` says why, one line per problem."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def entry_type(raw: str) -> str:
    """The ``@type`` an entry's text starts with, lower case ('' when it has none)."""
    m = re.match(r"\s*@\s*(\w+)", raw or "")
    return m.group(1).lower() if m else ""


def _entry_key(raw: str) -> str:
    m = re.match(r"\s*@\s*(\w+)\s*[{(]\s*([^,\s{}()]*)", raw or "")
    return m.group(2) if m else ""


def _block_reason(block: model.Block) -> str:
    err = getattr(block, "error", None)
    reason = getattr(err, "abort_reason", None) or str(err or "").split("Note:")[0]
    reason = " ".join(reason.split()).rstrip(". ")
    if isinstance(block, model.DuplicateBlockKeyBlock):
        return f"the key {getattr(block, 'key', '')!r} is used by an earlier entry too"
    return reason or "cannot be read"


def read_input_bib(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the ``.bib`` file named on the command line (``-``: standard input),
    read the checked way (:func:`cvdata._files.read_input`): a regular file of bounded size.

    Raises
    ------
    BibImportError
        Naming the file and why it is not read (a pipe, a device, a folder, too big).
    """
    shown = _shown_input(path)
    try:
        return read_input(path)
    except FileNotFoundError:
        raise BibImportError([f"{shown}: cannot read the file: no such file"]) from None
    except FileRefused as e:
        raise BibImportError([f"{shown}: {e.reason}"]) from None


def _shown_input(path: str | os.PathLike[str]) -> str:
    return shown_input(path) if os.fspath(path) == STDIN else display_path(Path(path))


def read_bibtex(path: str | os.PathLike[str], data: bytes | None = None) -> bibtexparser.Library:
    """Parse a ``.bib`` file (``data``: its bytes, when read already with
    :func:`read_input_bib`). Blocks that cannot be read stay in the library's
    ``failed_blocks``: :func:`damaged` says which entries they are, and the import skips
    them.

    Raises
    ------
    BibImportError
        When the file cannot be read as UTF-8 (the line of the first byte that is not).
    """
    shown = _shown_input(path)
    if data is None:
        data = read_input_bib(path)
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise BibImportError([f"{shown}:{line}: the file is not UTF-8; save it as UTF-8"]) from e
    # bibtexparser also logs each failed block; the import's report says it for a person.
    quiet = logging.getLogger("bibtexparser")
    level, quiet.level = quiet.level, logging.CRITICAL
    try:
        return bibtexparser.parse_string(source)
    finally:
        quiet.setLevel(level)


@dataclass
class Damage:
    """What :func:`damaged` found: entries to skip (``(key, line, why, type)``), entries read
    again with each field's first value, and warnings."""

    broken: list[tuple[str, int, str, str]] = field(default_factory=list)
    repaired: list[model.Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Lines (0-based, as bibtexparser counts) of parsed entries that are broken.
    lines: set[int] = field(default_factory=set)


def _first_values(block: model.DuplicateFieldKeyBlock) -> model.Entry | None:
    """The entry of a block with a field given twice, each field with its first value (as
    BibTeX reads it); None when it cannot be read even so."""
    entry = getattr(block, "ignore_error_block", None)
    if not isinstance(entry, model.Entry):
        return None
    first: dict[str, model.Field] = {}
    for f in entry.fields:
        first.setdefault(f.key.lower(), f)
    # Read again as one entry, so that its values are what bibtexparser's other entries
    # hold (enclosing braces and quotes removed by its default middleware).
    text = ",\n".join(f"{f.key} = {f.value}" for f in first.values())
    again = bibtexparser.parse_string(f"@{entry.entry_type}{{{entry.key},\n{text}\n}}")
    if len(again.entries) != 1 or again.failed_blocks:
        return None
    return model.Entry(
        entry.entry_type, entry.key, again.entries[0].fields, block.start_line, block.raw
    )


#: Control characters (terminal escapes): shown escaped in what the import prints.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(text: str) -> str:
    """``text`` with control characters written as escapes (``\\x1b``), never raw."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def damaged(library: bibtexparser.Library, shown: str) -> Damage:
    """The entries of ``library`` that cannot be imported as they are: blocks bibtexparser
    could not parse and entries real BibTeX reads differently (skipped, with their line),
    and entries with a field given twice (read with the first value, with a warning)."""
    out = Damage()
    quiet = logging.getLogger("bibtexparser")
    level, quiet.level = quiet.level, logging.CRITICAL
    try:
        for block in library.failed_blocks:
            line = (block.start_line or 0) + 1
            key = _escaped(_entry_key(block.raw) or getattr(block, "key", "") or "?")
            entry = (
                _first_values(block) if isinstance(block, model.DuplicateFieldKeyBlock) else None
            )
            if entry is not None:
                twice = ", ".join(sorted(getattr(block, "duplicate_keys", None) or ())) or "a field"
                out.warnings.append(
                    f"{shown}:{line}: entry {key!r}: {twice} given twice; the first value is kept"
                )
                out.repaired.append(entry)
            else:
                reason = _escaped(_block_reason(block))
                out.broken.append((key, line, reason, entry_type(block.raw)))
    finally:
        quiet.setLevel(level)
    # One reason per entry: an early '}' is found both in the entry and in the text after it.
    for entry, line, why in structure_problems(library):
        if entry.start_line not in out.lines:
            out.lines.add(entry.start_line)
            out.broken.append((_escaped(entry.key), line, _escaped(why), entry.entry_type))
    return out


# ---------------------------------------------------------------- braces

_NAME = re.compile(r"[^\s=,{}\"#()%]+")
_FIELDS_OUTSIDE = re.compile(r"^\s*[,})]|[\w-]+\s*=\s*[{\"]")


class _Malformed(ValueError):
    def __init__(self, pos: int, message: str):
        self.pos = pos
        super().__init__(message)


def _skip_space(raw: str, i: int, comments: bool = False) -> int:
    while i < len(raw):
        if raw[i].isspace():
            i += 1
        elif comments and raw[i] == "%":  # a comment line between fields (bibtexparser's)
            end = raw.find("\n", i)
            i = len(raw) if end < 0 else end + 1
        else:
            break
    return i


def _braced(raw: str, i: int, name: str) -> int:
    """The end of the ``{...}`` value at ``i``: every brace counts, as in BibTeX (a
    backslash does not protect one)."""
    depth = 0
    for j in range(i, len(raw)):
        if raw[j] == "{":
            depth += 1
        elif raw[j] == "}":
            depth -= 1
            if depth == 0:
                return j + 1
    raise _Malformed(i, f"field {name!r}: the value's '{{' is never closed")


def _quoted(raw: str, i: int, name: str) -> int:
    depth = 0
    for j in range(i + 1, len(raw)):
        ch = raw[j]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise _Malformed(j, f"field {name!r}: a '}}' without its '{{' in the quoted value")
        elif ch == '"' and depth == 0:
            return j + 1
    raise _Malformed(i, f"field {name!r}: the value's '\"' is never closed")


def check_entry(raw: str) -> None:
    """Check one entry's text against BibTeX's own rules: ``@type{key, name = value, ...}``
    where a value is ``{...}`` or ``"..."`` with balanced braces, a number or a macro name,
    joined by ``#``. bibtexparser is more lenient (``title = {Broken} title},`` ends the
    entry after ``title``, and the fields after it are silently lost).

    Raises
    ------
    _Malformed
        With the position in ``raw`` and what is wrong.
    """
    m = re.match(r"\s*@\s*\w+\s*([{(])", raw)
    if not m:
        raise _Malformed(0, "not an entry")
    close = "}" if m.group(1) == "{" else ")"
    i = raw.find(",", m.end())
    if i < 0:
        i = _skip_space(raw, m.end())
        while i < len(raw) and raw[i] not in f"{close},":
            i += 1
    i = i + 1 if i < len(raw) and raw[i] == "," else i
    while True:
        i = _skip_space(raw, i, comments=True)
        if i >= len(raw):
            raise _Malformed(i, f"the entry's '{m.group(1)}' is never closed")
        if raw[i] == close:
            break
        name_m = _NAME.match(raw, i)
        if not name_m:
            raise _Malformed(i, f"{raw[i : i + 20]!r} where a field name belongs")
        name = name_m.group(0)
        i = _skip_space(raw, name_m.end())
        if i >= len(raw) or raw[i] != "=":
            raise _Malformed(i, f"field {name!r} has no '=' after its name")
        while True:
            i = _skip_space(raw, i + 1)
            if i < len(raw) and raw[i] == "{":
                i = _braced(raw, i, name)
            elif i < len(raw) and raw[i] == '"':
                i = _quoted(raw, i, name)
            else:
                piece = _NAME.match(raw, i)
                if not piece:
                    raise _Malformed(i, f"field {name!r} has no value")
                i = piece.end()
            i = _skip_space(raw, i)
            if i < len(raw) and raw[i] == "#":
                continue
            break
        if i < len(raw) and raw[i] == ",":
            i += 1
            continue
        if i < len(raw) and raw[i] == close:
            break
        after = raw[i : i + 20]
        raise _Malformed(
            i,
            f"field {name!r}: {after!r} follows the value; a brace in the value is "
            "probably not balanced",
        )
    rest = raw[i + 1 :].strip()
    if rest:
        raise _Malformed(i + 1, f"{rest[:20]!r} after the end of the entry")


def structure_problems(library: bibtexparser.Library) -> list[tuple[model.Entry, int, str]]:
    """Entries that real BibTeX would read differently from bibtexparser (unbalanced
    braces), and entries followed by text that looks like their lost fields (a ``}`` closed
    them too early): ``(entry, line, why)`` for each."""
    found: list[tuple[model.Entry, int, str]] = []
    previous: model.Entry | None = None
    for block in library.blocks:
        start = block.start_line or 0
        if isinstance(block, model.Entry):
            previous = block
            try:
                check_entry(block.raw or "")
            except _Malformed as e:
                line = start + (block.raw or "")[: e.pos].count("\n") + 1
                found.append((block, line, str(e)))
        elif isinstance(block, model.ImplicitComment):
            kept = "\n".join(
                x for x in (block.raw or "").splitlines() if not x.lstrip().startswith("%")
            )
            if _FIELDS_OUTSIDE.search(kept) and previous is not None:
                found.append(
                    (
                        previous,
                        start + 1,
                        f"{' '.join(kept.split())[:40]!r} outside any entry looks like fields "
                        "of this entry: a '}' probably closes the entry too early",
                    )
                )
    return found
