"""The JSON Resume schema and documents: the bundled schema, reading a file, JSON
paths, the schema's problems and the values it does not define."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..._files import MAX_DESCRIPTOR_BYTES, STDIN, FileRefused, read_input, shown_input

#: The copy shipped with cvdata (MIT licence, ``vendor/jsonresume-schema-LICENSE.md``).
VENDORED_SCHEMA = "vendor/jsonresume-schema.json"


class JsonResumeError(ValueError):
    """A document cvdata cannot take; ``problems`` lists each as ``"<json path>: why"``."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the JSON Resume document:\n{shown}")


# ---------------------------------------------------------------- the official schema


def find_schema(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The schema file to use instead of the bundled one: ``path`` when given, else
    ``None`` (the copy shipped with cvdata serves, see :func:`load_schema`).

    No folder is searched: a schema found under the working folder or one above it could
    be anyone's (a pattern that never ends would hang the import).
    """
    return Path(path) if path is not None else None


def load_schema(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The JSON Resume schema: from ``path`` when given (the tests pass the official npm
    package's copy this way), else the copy bundled with cvdata.

    Raises
    ------
    JsonResumeError
        When ``path`` cannot be read as JSON.
    """
    found = find_schema(path)
    if found is None:
        return _vendored_schema()
    why = ""
    try:
        schema = json.loads(read_input(found, MAX_DESCRIPTOR_BYTES).decode("utf-8"))
    except FileNotFoundError:
        why = "no such file"
    except FileRefused as e:
        why = e.reason
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        why = str(e) or type(e).__name__
    if why:
        raise JsonResumeError([f"{found}: cannot read the JSON Resume schema: {why}"])
    if not isinstance(schema, dict):
        raise JsonResumeError([f"{found}: the JSON Resume schema is not a JSON object"])
    return schema


@cache
def _vendored_schema() -> dict[str, Any]:
    text_ = resources.files("cvdata").joinpath(VENDORED_SCHEMA).read_text(encoding="utf-8")
    return json.loads(text_)


def json_path(parts: Iterable[object]) -> str:
    """``("work", 0, "url")`` -> ``work[0].url``; the document itself is ``(document)``."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"


def read_document(path: str | os.PathLike[str]) -> Any:
    """The parsed JSON of a résumé file (UTF-8, a byte-order mark allowed).

    Raises
    ------
    JsonResumeError
        Naming the file, and the line and column where the JSON breaks.
    """
    from ...validate import display_path

    where = shown_input(path) if os.fspath(path) == STDIN else display_path(Path(path))
    try:
        raw = read_input(path)  # a regular file of bounded size (or stdin for "-"), only
    except FileNotFoundError:
        raise JsonResumeError([f"{where}: cannot read the file: no such file"]) from None
    except FileRefused as e:
        raise JsonResumeError([f"{where}: {e.reason}"]) from None
    try:
        data = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise JsonResumeError([f"{where}:{line}: not UTF-8; save the file as UTF-8"]) from None
    try:
        document = json.loads(data)
    except json.JSONDecodeError as e:
        raise JsonResumeError(
            [f"{where}:{e.lineno}: column {e.colno}: not valid JSON: {e.msg}"]
        ) from None
    except RecursionError:
        raise JsonResumeError([f"{where}: nested too deeply to read"]) from None
    if (found := _lone_surrogate(document)) is not None:
        path, char = found
        raise JsonResumeError(
            [
                f"{path}: holds \\u{ord(char):04x}, half of a UTF-16 surrogate pair "
                "and not a character (no file can store it); write the character itself"
            ]
        )
    return document


def _lone_surrogate(document: object) -> tuple[str, str] | None:
    """The JSON path and character of the first string (or key) holding an unpaired
    surrogate: JSON's ``\\ud800`` escapes decode to one, and UTF-8 cannot encode it."""
    stack: list[tuple[tuple[object, ...], object]] = [((), document)]
    while stack:
        parts, node = stack.pop()
        texts: list[tuple[tuple[object, ...], str]] = []
        if isinstance(node, str):
            texts.append((parts, node))
        elif isinstance(node, dict):
            texts += [((*parts, k), k) for k in node]
            stack += [((*parts, k), v) for k, v in reversed(node.items())]
        elif isinstance(node, list):
            stack += [((*parts, i), v) for i, v in reversed(list(enumerate(node)))]
        for at, string in texts:
            for char in string:
                if "\ud800" <= char <= "\udfff":
                    return json_path(at), char
    return None


def schema_problems(document: object, schema: Mapping[str, Any] | None = None) -> list[str]:
    """Every way ``document`` breaks the JSON Resume schema, as ``"<json path>: why"``,
    in document order; empty when it is valid.

    Raises
    ------
    JsonResumeError
        When ``schema`` is not a usable JSON Schema.
    """
    import jsonschema

    schema = schema or load_schema()
    try:
        jsonschema.Draft7Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise JsonResumeError([f"(schema): not a JSON Schema: {e.message}"]) from None
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.path])
    return [f"{json_path(e.absolute_path)}: {e.message}" for e in errors]


def unmapped(document: object, schema: Mapping[str, Any] | None = None) -> list[str]:
    """JSON paths of the values :func:`to_tables` has no column for: properties the
    schema does not define (it allows any), e.g. ``basics.x-pronouns``. Empty for a
    document that uses only the schema's properties."""
    root = dict(schema or load_schema())

    def walk(node: object, spec: Mapping[str, Any], path: tuple) -> Iterable[str]:
        if "$ref" in spec:
            spec = root.get("definitions", {}).get(spec["$ref"].rsplit("/", 1)[-1], {})
        if isinstance(node, Mapping):
            props = spec.get("properties", {})
            for key, value in node.items():
                if key not in props:
                    yield json_path((*path, key))
                else:
                    yield from walk(value, props[key], (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, spec.get("items", {}), (*path, i))

    return list(walk(document, root, ()))
