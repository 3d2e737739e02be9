"""The folder's ``datapackage.json`` merged with this cvdata's: what is added, what
takes this cvdata's definition, what is kept; see :mod:`cvdata.upgrade`."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from .schema import DESCRIPTOR

#: Definitions an older cvdata shipped that this one changed, by (table, field): the
#: :func:`fingerprint` of each. A field exactly like one of them was never edited by the
#: fork, so it takes this cvdata's definition. When the shipped descriptor changes a
#: definition, add the fingerprint of the old one here (``fingerprint(old_field)``).
SUPERSEDED: dict[tuple[str, str], frozenset[str]] = {
    # efe4d97: every date column takes any precision (YYYY, YYYY-MM or YYYY-MM-DD).
    # Issue 21: the start of roles and volunteering is optional (undated entries), and
    # roles.end says when an empty end is unknown and that a degree may give its expected one.
    ("roles", "start"): frozenset({"f3811565acbabc58", "7b65aa1d47d12c01"}),
    ("roles", "end"): frozenset({"c255b62d84fb1f5b", "cc260481cfadd768"}),
    ("projects", "start"): frozenset({"1badd13e82efeb42"}),
    ("projects", "end"): frozenset({"9cdf002bb1455937"}),
    ("events", "start_date"): frozenset({"fec9a77dc9179218"}),
    ("events", "end_date"): frozenset({"4057c96024e7009c"}),
    ("talks", "date"): frozenset({"f43ac66af996f3fe"}),
    ("certifications", "date"): frozenset({"f43ac66af996f3fe"}),
    ("volunteering", "start"): frozenset({"f3811565acbabc58", "7b65aa1d47d12c01"}),
    ("volunteering", "end"): frozenset({"c255b62d84fb1f5b"}),
}
#: The same for the package's top-level properties.
SUPERSEDED_PACKAGE: dict[str, frozenset[str]] = {
    "description": frozenset({"b26e3361e751f18b"}),  # efe4d97: dates at any precision
}


class UpgradeRefused(Exception):
    """The folder is not upgraded, for the reason ``str(e)`` gives (naming the file);
    nothing was written."""


def fingerprint(value: Any) -> str:
    """A short hash of a JSON value that ignores key order and spacing."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _reference() -> tuple[dict[str, Any], bytes]:
    """The shipped descriptor, parsed and as bytes."""
    data = resources.files("cvdata").joinpath(DESCRIPTOR).read_bytes()
    return json.loads(data.decode("utf-8")), data


def _dump(descriptor: dict[str, Any]) -> bytes:
    """JSON as the shipped descriptor is written (so an unchanged one is byte-equal)."""
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _name(item: object) -> object:
    return item.get("name") if isinstance(item, dict) else None


def _insert_missing(
    theirs: list[Any], ours: Iterable[Any], key: Callable[[Any], object]
) -> tuple[list[Any], list[Any]]:
    """``theirs`` with each item of ``ours`` it lacks (by ``key``) inserted after the
    previous item of ``ours`` that it has (at the start when there is none). Returns the
    merged list and the items added, in ``ours``' order."""
    merged = list(theirs)
    keys = [key(x) for x in merged]
    added = []
    before: list[object] = []
    for item in ours:
        k = key(item)
        if k not in keys:
            pos = next((keys.index(b) + 1 for b in reversed(before) if b in keys), 0)
            merged.insert(pos, item)
            keys.insert(pos, k)
            added.append(item)
        before.append(k)
    return merged, added


def merge_descriptor(
    theirs: dict[str, Any], reference: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """``theirs`` (a parsed ``datapackage.json``) with what ``reference`` has and it
    lacks, as the module's notes say; ``theirs`` is not modified.

    Returns
    -------
    tuple
        The merged descriptor and what changed, in words (empty when nothing did).

    Raises
    ------
    UpgradeRefused
        When ``theirs`` is not an object with a list of ``resources``.
    """
    if not isinstance(theirs, dict) or not isinstance(theirs.get("resources"), list):
        raise UpgradeRefused("not a data package descriptor (no list of 'resources')")
    merged = copy.deepcopy(theirs)
    notes: list[str] = []
    updated: list[str] = []  # definitions of an older cvdata, never edited: now this one's
    notes += _merge_properties(merged, reference, updated)
    resources_, new_tables = _insert_missing(
        merged["resources"], copy.deepcopy(reference["resources"]), _name
    )
    merged["resources"] = resources_
    if new_tables:
        notes.append(f"new tables {', '.join(str(_name(t)) for t in new_tables)}")
    added_names = {id(t) for t in new_tables}
    by_name = {r["name"]: r for r in reference["resources"]}
    for resource in resources_:
        ref = by_name.get(_name(resource))
        if ref is not None and id(resource) not in added_names:
            notes += _merge_fields(resource, ref, updated)
    if updated:
        notes.append(
            f"this cvdata's definition of {', '.join(updated)} (each as an older cvdata "
            "shipped it, never edited here)"
        )
    return merged, notes


def _merge_properties(
    merged: dict[str, Any], reference: dict[str, Any], updated: list[str]
) -> list[str]:
    """The package's top-level properties: each one missing added, each one an older
    cvdata shipped (never edited) made this cvdata's. Returns the notes."""
    notes: list[str] = []
    for key, value in reference.items():
        if key == "resources":
            continue
        if key not in merged:
            merged[key] = copy.deepcopy(value)
            notes.append(f"new property {key}")
        elif merged[key] != value and fingerprint(merged[key]) in SUPERSEDED_PACKAGE.get(key, ()):
            merged[key] = copy.deepcopy(value)
            updated.append(f"the package's {key}")
    return notes


def _merge_fields(resource: Any, ref: dict[str, Any], updated: list[str]) -> list[str]:
    """A table both have: each field of the reference it lacks added, each field an older
    cvdata shipped (never edited) made this cvdata's. Returns the notes."""
    schema = resource.get("schema") if isinstance(resource, dict) else None
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return []  # malformed: validation says what is wrong with it
    name = resource["name"]
    fields, new_fields = _insert_missing(
        schema["fields"], copy.deepcopy(ref["schema"]["fields"]), _name
    )
    schema["fields"] = fields
    notes = []
    if new_fields:
        notes.append(f"{name}: new fields {', '.join(str(_name(f)) for f in new_fields)}")
    ref_fields = {f["name"]: f for f in ref["schema"]["fields"]}
    for i, f in enumerate(fields):
        new = ref_fields.get(_name(f))
        older = SUPERSEDED.get((name, str(_name(f))), frozenset())
        if new is not None and f != new and fingerprint(f) in older:
            fields[i] = copy.deepcopy(new)
            updated.append(f"{name}.{_name(f)}")
    return notes
