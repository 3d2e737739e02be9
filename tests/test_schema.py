"""The descriptor: a fork's edited ``datapackage.json`` is checked before any table is read."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable

import pytest
from conftest import DATA_DIR

import cvdata
from cvdata.schema import DESCRIPTOR, parse_descriptor


@pytest.fixture
def descriptor() -> dict:
    return json.loads((DATA_DIR / DESCRIPTOR).read_text(encoding="utf-8"))


def _resource(d: dict, name: str) -> dict:
    return next(r for r in d["resources"] if r["name"] == name)


def _first_fk(d: dict) -> dict:
    return _resource(d, "papers")["schema"]["foreignKeys"][0]


def _field(d: dict, table: str, name: str) -> dict:
    return next(f for f in _resource(d, table)["schema"]["fields"] if f["name"] == name)


def _constraints(d: dict, table: str, name: str) -> dict:
    return _field(d, table, name).setdefault("constraints", {})


def _repeat_field(d: dict) -> None:
    fields = _resource(d, "venues")["schema"]["fields"]
    fields.append(dict(fields[1]))


def _repeat_resource(d: dict) -> None:
    d["resources"].append(copy.deepcopy(_resource(d, "venues")))


EDITS: list[tuple[str, Callable[[dict], object], str]] = [
    ("field-twice", _repeat_field, "resource 'venues': the field 'acronym' is declared twice"),
    ("resource-twice", _repeat_resource, "the resource 'venues' is declared twice"),
    (
        "pk-not-a-field",
        lambda d: _resource(d, "venues")["schema"].update(primaryKey=["venue"]),
        "resource 'venues': primaryKey names 'venue', not a field",
    ),
    (
        "fk-not-a-field",
        lambda d: _first_fk(d).update(fields=["venue"]),
        "resource 'papers': a foreign key names 'venue', not a field",
    ),
    (
        "fk-no-such-resource",
        lambda d: _first_fk(d)["reference"].update(resource="venue"),
        "resource 'papers': a foreign key refers to 'venue', not a resource of this package",
    ),
    (
        "fk-not-a-parent-field",
        lambda d: _first_fk(d)["reference"].update(fields=["key"]),
        "resource 'papers': a foreign key refers to 'key', not a field of 'venues'",
    ),
    (
        "field-without-a-name",
        lambda d: _resource(d, "venues")["schema"]["fields"].append({"type": "string"}),
        "resource 'venues': field number 7: 'name' is missing",
    ),
    (
        "unknown-type",
        lambda d: _field(d, "venues", "name").update(type="text"),
        "resource 'venues': field 'name': type 'text' is not one of string, integer, number, "
        "boolean, year, yearmonth, date",
    ),
    (
        "required-not-boolean",
        lambda d: _constraints(d, "venues", "name").update(required="no"),
        "resource 'venues': field 'name': constraint 'required' must be true or false, not 'no'",
    ),
    (
        "minimum-not-a-number",
        lambda d: _constraints(d, "paper_authors", "position").update(minimum="1"),
        "resource 'paper_authors': field 'position': constraint 'minimum' must be a number, "
        "not '1'",
    ),
    (
        "pattern-not-a-regex",
        lambda d: _constraints(d, "venues", "id").update(pattern="^[a-z("),
        "resource 'venues': field 'id': pattern '^[a-z(' is not a regular expression: "
        "unterminated character set at position 1",
    ),
    (
        "fk-widths-differ",
        lambda d: _first_fk(d)["reference"].update(fields=["id", "name"]),
        "resource 'papers': a foreign key has 1 field(s) but refers to 2",
    ),
]


def test_the_edits_below_break_the_shipped_descriptor_where_they_say(descriptor) -> None:
    # Each edit changes what its message names (so a test below cannot pass by accident).
    assert _resource(descriptor, "venues")["schema"]["fields"][1]["name"] == "acronym"
    assert _first_fk(descriptor) == {
        "fields": ["venue_id"],
        "reference": {"resource": "venues", "fields": ["id"]},
    }
    parse_descriptor(descriptor)  # as shipped: consistent


@pytest.mark.parametrize(
    ("edit", "message"), [(e, m) for _, e, m in EDITS], ids=[i for i, *_ in EDITS]
)
def test_an_inconsistent_descriptor_is_one_clear_problem(
    descriptor, broken_copy, monkeypatch, as_of: dt.date, edit, message: str
) -> None:
    folder = broken_copy()
    monkeypatch.chdir(folder.parent)  # paths in problems are shown relative to here
    edited = copy.deepcopy(descriptor)
    edit(edited)
    (folder / DESCRIPTOR).write_text(json.dumps(edited, indent=2), encoding="utf-8")
    result = cvdata.validate(folder, as_of=as_of)
    assert [str(p) for p in result.problems] == [
        f"data/{DESCRIPTOR}: not a valid data package descriptor: {message}"
    ]


def test_an_empty_resource_name_in_a_foreign_key_is_the_table_itself(descriptor) -> None:
    # Table Schema: "resource": "" refers to the same resource (e.g. a parent row).
    edited = copy.deepcopy(descriptor)
    schema = _resource(edited, "venues")["schema"]
    schema["fields"].append({"name": "parent_id", "type": "string"})
    schema["foreignKeys"] = [
        {"fields": ["parent_id"], "reference": {"resource": "", "fields": ["id"]}}
    ]
    venues = parse_descriptor(edited)["venues"]
    assert venues.foreign_keys[0].resource == "venues"


def test_validate_and_load_report_a_table_dropped_or_added(
    descriptor, broken_copy, monkeypatch, as_of: dt.date
) -> None:
    # The CV's tables are fixed: `cvdata validate` (and the pre-render gate, which runs the
    # same check) must say so, not only load() in each page.
    folder = broken_copy()
    monkeypatch.chdir(folder.parent)
    edited = copy.deepcopy(descriptor)
    edited["resources"] = [r for r in edited["resources"] if r["name"] != "awards"]
    hobbies = {"name": "hobbies", "path": "hobbies.csv", "schema": {"fields": [{"name": "x"}]}}
    edited["resources"].append(hobbies)
    (folder / "hobbies.csv").write_text("x\nchess\n", encoding="utf-8")
    (folder / DESCRIPTOR).write_text(json.dumps(edited, indent=2), encoding="utf-8")
    expected = [
        f"data/{DESCRIPTOR}: table 'awards' is missing from the descriptor",
        f"data/{DESCRIPTOR}: table 'hobbies' is not one cvdata knows",
    ]
    assert [str(p) for p in cvdata.validate(folder, as_of=as_of).problems] == expected
    with pytest.raises(cvdata.ValidationError) as raised:
        cvdata.load(folder, as_of=as_of)
    assert [str(p) for p in raised.value.problems] == expected


def test_enum_values_written_in_the_field_type_match_the_cells(
    descriptor, broken_copy, monkeypatch, as_of: dt.date
) -> None:
    # Table Schema writes an integer field's enum as numbers; the cells are text.
    folder = broken_copy()
    monkeypatch.chdir(folder.parent)
    edited = copy.deepcopy(descriptor)
    positions = sorted({int(p) for p in cvdata.load(folder, as_of=as_of).paper_authors["position"]})
    _constraints(edited, "paper_authors", "position")["enum"] = positions[:-1]
    (folder / DESCRIPTOR).write_text(json.dumps(edited, indent=2), encoding="utf-8")
    problems = [str(p) for p in cvdata.validate(folder, as_of=as_of).problems]
    allowed = ", ".join(map(str, positions[:-1]))
    assert problems
    assert all(
        p.startswith("data/paper_authors.csv:")
        and p.endswith(f"position: '{positions[-1]}' is not one of: {allowed}")
        for p in problems
    ), problems
