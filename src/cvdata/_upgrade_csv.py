"""A CSV file with new, empty columns, every existing byte kept; see
:mod:`cvdata.upgrade`."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable

from ._upgrade_descriptor import _insert_missing

_QUOTED = re.compile(r'"(?:[^"]|"")*"', re.DOTALL)
_UNQUOTED = re.compile(r"[^,\r\n]*")


def _records(text: str) -> list[tuple[list[str], str]] | None:
    """Each record of CSV ``text`` as the raw text of its fields (quotes and all) and its
    line ending ('' for a last line without one; an empty line has no fields). None when
    the text is not CSV as the csv module reads it (strict), or is empty."""
    out: list[tuple[list[str], str]] = []
    i, n = 0, len(text)
    while i < n:
        fields: list[str] = []
        if text[i] not in "\r\n":
            while True:
                m = (_QUOTED if text[i : i + 1] == '"' else _UNQUOTED).match(text, i)
                if m is None:
                    return None  # a quote that never closes
                i = m.end()
                fields.append(m.group())
                if i < n and text[i] == ",":
                    i += 1
                    continue
                if i < n and text[i] not in "\r\n":
                    return None  # text after a closing quote
                break
        ending = "\r\n" if text.startswith("\r\n", i) else text[i : i + 1]
        i += len(ending)
        out.append((fields, ending))
    # The csv module is what validation reads with: the split must be the same as its.
    unquoted = [[_unquote(f) for f in fields] for fields, _ in out]
    try:
        if unquoted != list(csv.reader(io.StringIO(text, newline=""), strict=True)):
            return None
    except csv.Error:
        return None
    return out or None


def _unquote(raw: str) -> str:
    return raw[1:-1].replace('""', '"') if raw.startswith('"') else raw


def _csv_name(name: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([name])
    return out.getvalue()


def header_only(names: Iterable[str]) -> bytes:
    """A table's file with its header row only (as :func:`cvdata.formats._land.init_data_dir`)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(list(names))
    return out.getvalue().encode("utf-8")


def with_columns(data: bytes, declared: Iterable[str]) -> tuple[bytes, list[str]] | None:
    """``data`` (a CSV file's bytes) with each of ``declared`` its header lacks inserted
    after the previous declared column it has, empty in every row of the header's width;
    every other byte is kept. Returns the bytes and the names added (none: ``data`` as it
    is), or None when the file cannot be read as CSV (validation reports why)."""
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        return None
    records = _records(text)
    if records is None:
        return None
    if not records[0][0]:
        return None  # an empty first line: validation says the header is missing
    header = [_unquote(f).strip() for f in records[0][0]]
    slots, added = _insert_missing(list(range(len(header))), declared, _slot_key(header))
    if not added:
        return data, []
    width = len(header)
    lines = []
    for n, (fields, ending) in enumerate(records):
        if n == 0:
            fields = [fields[s] if isinstance(s, int) else _csv_name(s) for s in slots]
        elif len(fields) == width:
            fields = [fields[s] if isinstance(s, int) else "" for s in slots]
        lines.append(",".join(fields) + ending)
    return bom + "".join(lines).encode("utf-8"), added


def _slot_key(header: list[str]) -> Callable[[int | str], str]:
    """The column name of a slot: an index into ``header``, or a new column's name."""
    return lambda slot: header[slot] if isinstance(slot, int) else slot
