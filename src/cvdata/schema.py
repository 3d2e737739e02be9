"""The table descriptions: a Frictionless Data Package (``datapackage.json``).

The descriptor next to the data is the single description of every table: field types,
constraints, primary keys and foreign keys. This module reads the subset of the Table
Schema spec that the CV uses into small immutable objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

DESCRIPTOR = "datapackage.json"
T = TypeVar("T")

#: Table Schema field types that cvdata understands.
FIELD_TYPES = ("string", "integer", "number", "boolean", "year", "yearmonth", "date")


@dataclass(frozen=True)
class Field:
    """One column of a table."""

    name: str
    type: str = "string"
    description: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    #: Table Schema ``format``; ``"any"`` on a ``date`` takes YYYY, YYYY-MM or YYYY-MM-DD.
    format: str = "default"

    @property
    def partial_date(self) -> bool:
        """Whether the column holds dates at the precision given (see :mod:`cvdata.dates`)."""
        return self.type == "date" and self.format == "any"


@dataclass(frozen=True)
class ForeignKey:
    """Columns of one table that must match the key of another."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One resource (CSV file) of the package."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Package:
    """All tables of a CV, in the descriptor's order."""

    tables: tuple[Table, ...]
    source: str

    def __getitem__(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)


def _as_tuple(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _field(d: dict) -> Field:
    c = d.get("constraints", {})
    ftype = d.get("type", "string")
    if ftype not in FIELD_TYPES:
        raise ValueError(f"type {ftype!r} is not one of {', '.join(FIELD_TYPES)}")
    for key in ("required", "unique"):
        if not isinstance(c.get(key, False), bool):
            raise ValueError(f"constraint {key!r} must be true or false, not {c[key]!r}")
    for key in ("minimum", "maximum"):
        value = c.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError(f"constraint {key!r} must be a number, not {value!r}")
    pattern = c.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as e:
            raise ValueError(f"pattern {pattern!r} is not a regular expression: {e}") from None
        from ._regex_safety import refusal

        if (why := refusal(pattern)) is not None:
            raise ValueError(f"pattern {pattern!r} {why}")
    return Field(
        name=d["name"],
        type=ftype,
        description=d.get("description", ""),
        required=c.get("required", False),
        unique=c.get("unique", False),
        # Table Schema writes enum values in the field's type (2024, true); cells are text.
        enum=tuple(v if isinstance(v, str) else json.dumps(v) for v in c["enum"])
        if "enum" in c
        else None,
        pattern=pattern,
        minimum=c.get("minimum"),
        maximum=c.get("maximum"),
        format=str(d.get("format", "default")),
    )


def _table(r: dict) -> Table:
    schema = r["schema"]
    path = r["path"]
    # A file name the operating system can open: a NUL byte ends in a ValueError deep in
    # os.path, far from the descriptor that holds it.
    if not isinstance(path, str) or not path or "\x00" in path:
        raise ValueError(f"'path' must be the table's file name, not {path!r}")
    fields = _each("field", schema["fields"], _field)
    fks = tuple(
        ForeignKey(
            fields=_as_tuple(fk["fields"]),
            # Table Schema: an empty resource name is the table itself.
            resource=fk["reference"]["resource"] or r["name"],
            reference_fields=_as_tuple(fk["reference"]["fields"]),
        )
        for fk in schema.get("foreignKeys", [])
    )
    return Table(
        name=r["name"],
        path=path,
        title=r.get("title", r["name"]),
        description=r.get("description", ""),
        fields=tuple(fields),
        primary_key=_as_tuple(schema.get("primaryKey", [])),
        foreign_keys=fks,
    )


def _each(kind: str, items: list, parse: Callable[[dict], T]) -> list[T]:
    """``parse`` of every item; a malformed one is a ValueError naming it (by its
    ``name``, else its number) and saying what is wrong."""
    out = []
    for i, item in enumerate(items, 1):
        try:
            out.append(parse(item))
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            label = repr(item["name"]) if isinstance(item, dict) and "name" in item else None
            raise ValueError(f"{kind} {label or f'number {i}'}: {_reason(e)}") from None
    return out


def _reason(e: Exception) -> str:
    """What a malformed part of the descriptor lacks, in words."""
    if isinstance(e, KeyError):
        return f"{e.args[0]!r} is missing"
    if isinstance(e, TypeError | AttributeError):
        return "not the expected kind of value (an object, a list or a string)"
    return str(e)


def parse_descriptor(descriptor: dict, source: str = "<dict>") -> Package:
    """Build a :class:`Package` from a parsed ``datapackage.json``.

    Raises
    ------
    ValueError
        Naming the resource and field that is malformed or inconsistent.
    """
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise ValueError("expected an object with a list of 'resources'")
    check_nesting(descriptor)
    tables = _each("resource", descriptor["resources"], _table)
    _check_consistent(tables)
    return Package(tables=tuple(tables), source=source)


#: Lists and objects inside one another a descriptor may hold; the shipped one has 6.
MAX_NESTING = 64


def check_nesting(value: object, limit: int = MAX_NESTING) -> None:
    """Raise ValueError when ``value`` (parsed JSON) nests lists and objects more than
    ``limit`` deep: copying or comparing such a value recurses past Python's stack."""
    level = [value] if isinstance(value, dict | list) else []
    for _ in range(limit):
        if not level:
            return
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
    if not level:
        return
    raise ValueError(f"lists and objects are nested more than {limit} levels deep")


def _first_repeat(names: list[str] | tuple[str, ...]) -> str | None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None


def _check_consistent(tables: list[Table]) -> None:
    """Names declared once each, and keys that name declared tables and fields: what the
    reader and the key checks rely on (else a repeated field is a crash deep in pandas, a
    key naming no field is silently never checked)."""
    if (name := _first_repeat([t.name for t in tables])) is not None:
        raise ValueError(f"the resource {name!r} is declared twice")
    by_name = {t.name: t for t in tables}
    for t in tables:
        if (name := _first_repeat(t.field_names)) is not None:
            raise ValueError(f"resource {t.name!r}: the field {name!r} is declared twice")
        for name in t.primary_key:
            if name not in t.field_names:
                raise ValueError(f"resource {t.name!r}: primaryKey names {name!r}, not a field")
        for fk in t.foreign_keys:
            for name in fk.fields:
                if name not in t.field_names:
                    raise ValueError(
                        f"resource {t.name!r}: a foreign key names {name!r}, not a field"
                    )
            parent = by_name.get(fk.resource)
            if parent is None:
                raise ValueError(
                    f"resource {t.name!r}: a foreign key refers to {fk.resource!r}, "
                    "not a resource of this package"
                )
            for name in fk.reference_fields:
                if name not in parent.field_names:
                    raise ValueError(
                        f"resource {t.name!r}: a foreign key refers to {name!r}, "
                        f"not a field of {parent.name!r}"
                    )
            if len(fk.fields) != len(fk.reference_fields):
                raise ValueError(
                    f"resource {t.name!r}: a foreign key has {len(fk.fields)} field(s) "
                    f"but refers to {len(fk.reference_fields)}"
                )


@cache
def default_package() -> Package:
    """The descriptor shipped with cvdata (the same file as the project's ``data/``)."""
    text = resources.files("cvdata").joinpath(DESCRIPTOR).read_text(encoding="utf-8")
    return parse_descriptor(json.loads(text), source=f"cvdata/{DESCRIPTOR}")


class DescriptorError(ValueError):
    """``datapackage.json`` cannot be used; ``reason`` says why."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


def read_package(data_dir: Path) -> Package:
    """The descriptor in ``data_dir``, or the shipped one when the folder has none.

    Raises
    ------
    DescriptorError
        When the folder's ``datapackage.json`` is not valid JSON or not a data package, or
        is not a regular file inside the folder of at most ``MAX_DESCRIPTOR_BYTES``.
    """
    from ._files import MAX_DESCRIPTOR_BYTES, FileRefused, read_bytes

    path = data_dir / DESCRIPTOR
    try:
        data = read_bytes(path, data_dir, MAX_DESCRIPTOR_BYTES)
    except FileNotFoundError:
        return default_package()
    except FileRefused as e:
        raise DescriptorError(path, e.reason) from None
    try:
        return parse_descriptor(json.loads(data.decode("utf-8")), source=str(path))
    except RecursionError:
        # The JSON parser recurses per level: 100,000 nested lists exhaust the stack.
        raise DescriptorError(
            path, "not a valid data package descriptor: nested too deeply"
        ) from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, UnicodeDecodeError) as e:
        raise DescriptorError(path, f"not a valid data package descriptor: {e}") from e
