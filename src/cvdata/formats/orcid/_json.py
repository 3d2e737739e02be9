"""ORCID's JSON: values that may be null or bare, its dates at their precision."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ... import dates
from ..._files import FileRefused, read_input, shown_input
from ...problems import Problem


class OrcidError(ValueError):
    """A file that is not an ORCID record (or work) cvdata can read; ``line`` where known."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(message)

    def problem(self, name: str) -> Problem:
        """The problem, naming the file as the command line did."""
        return Problem(shown_input(name), self.line, None, str(self))


# ---------------------------------------------------------------- JSON helpers


def _get(node: Any, *keys: str | int) -> Any:
    """``node[k1][k2]...``, or ``None`` where any step is missing or null."""
    for k in keys:
        if isinstance(k, int):
            node = node[k] if isinstance(node, list) and -len(node) <= k < len(node) else None
        else:
            node = node.get(k) if isinstance(node, Mapping) else None
        if node is None:
            return None
    return node


def _s(node: Any, *keys: str | int) -> str:
    """A text value: ``{"value": "x"}`` or a bare ``"x"`` (ORCID writes both), stripped."""
    value = _get(node, *keys) if keys else node
    if isinstance(value, Mapping):
        value = value.get("value", value.get("content"))
    if value is None or isinstance(value, (Mapping, list)):
        return ""
    return " ".join(str(value).split())


def _paragraphs(node: Any, *keys: str | int) -> str:
    """Prose (a biography): as :func:`_s`, but its paragraphs kept apart by a blank line
    (ORCID keeps the ``\\r\\n\\r\\n`` the person typed between them)."""
    value = _get(node, *keys) if keys else node
    if isinstance(value, Mapping):
        value = value.get("value", value.get("content"))
    if value is None or isinstance(value, (Mapping, list)):
        return ""
    blocks = re.split(r"\n\s*\n", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return "\n\n".join(" ".join(b.split()) for b in blocks if b.strip())


def _list(node: Any, *keys: str) -> list:
    value = _get(node, *keys)
    return value if isinstance(value, list) else []


def read_json(name: str) -> Any:
    """A file's JSON (UTF-8, a byte-order mark allowed).

    Raises
    ------
    OrcidError
        Naming the file, and the line and column where the JSON breaks.
    """
    try:
        raw = read_input(name)
    except FileNotFoundError:
        raise OrcidError("no such file") from None
    except FileRefused as e:
        raise OrcidError(e.reason) from None
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise OrcidError("not UTF-8 (ORCID's API sends UTF-8)") from None
    except json.JSONDecodeError as e:
        raise OrcidError(f"column {e.colno}: not valid JSON: {e.msg}", e.lineno) from None
    except RecursionError:
        raise OrcidError("nested too deeply to read") from None


# ---------------------------------------------------------------- dates


def fuzzy_date(node: Any) -> tuple[str, str]:
    """An ORCID date ``{"year": {"value": "2022"}, "month": ..., "day": null}`` as ISO
    text at its precision, and a warning ('' when none).

    A month without a year, or a day without a month, is left out; a day that is not in
    the calendar (29 February 1929) is kept at its month, with a warning.
    """
    year, month, day = (_s(node, part) for part in ("year", "month", "day"))
    if not re.fullmatch(r"\d{4}", year):
        return "", (f"date with no usable year ({year!r}): left out" if year else "")
    out = year
    if re.fullmatch(r"\d{1,2}", month) and 1 <= int(month) <= 12:
        out = f"{year}-{int(month):02d}"
        if re.fullmatch(r"\d{1,2}", day):
            full = f"{out}-{int(day):02d}"
            try:
                dates.parse(full)
            except ValueError:
                return out, f"{full} is not a day of the calendar: kept as {out}"
            out = full
    elif month:
        return out, f"month {month!r} is not a month: kept as {year}"
    return out, ""
