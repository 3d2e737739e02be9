"""cvdata.formats.jsonresume: JSON Resume documents to tables and back, losing nothing.

Each resume in ``tests/fixtures/jsonresume/`` (the official sample and three of our own:
a new graduate, a career changer, a senior engineer) goes through
``to_tables`` -> CSV files -> ``cvdata.load`` -> ``from_cv`` and must come back equal,
field for field. The only differences, each asserted below:

- private values (the phone, the street address, references) are left out of an export
  unless ``include_private=True``: a published résumé must not carry them;
- empty strings (the sample's ``"image": ""``) say nothing and are left out, and text is
  stripped of surrounding spaces (as the CSV reader strips every cell);
- key order within objects is not kept (JSON objects are unordered); list order is,
  as long as work, education and volunteering are listed most recent first, the order
  the CV prints them in (every fixture is).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_export import jsonresume_schema_dir  # noqa: F401 (the npm package, as a fixture)

import cvdata
from cvdata.formats import jsonresume
from cvdata.formats.jsonresume import JsonResumeError, from_cv, to_tables
from cvdata.schema import DESCRIPTOR, default_package

FIXTURES = Path(__file__).parents[1] / "fixtures" / "jsonresume"
RESUMES = sorted(FIXTURES.glob("*.json"))
AS_OF = dt.date(2026, 11, 26)
#: Leaf values (strings, numbers, ...; empty strings left out) of each fixture.
LEAVES = {
    "career-changer": 93,
    "new-graduate": 91,
    "official-sample": 89,
    "senior-engineer": 119,
}


def write_tables(rows: dict[str, list[dict[str, str]]], folder: Path) -> Path:
    """The rows as a data folder: one CSV per table with its header, and the descriptor."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in default_package().tables:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.field_names)
        for row in rows[table.name]:
            writer.writerow([row[name] for name in table.field_names])
        (folder / table.path).write_text(out.getvalue(), encoding="utf-8")
    shutil.copy(Path(cvdata.__file__).with_name(DESCRIPTOR), folder / DESCRIPTOR)
    return folder


def round_trip(doc: dict[str, Any], tmp_path: Path, **options: bool) -> dict[str, Any]:
    folder = write_tables(to_tables(doc), tmp_path / "data")
    return from_cv(cvdata.load(folder, as_of=AS_OF), **options)


def leaves(node: object, path: str = "") -> list[tuple[str, object]]:
    """Every leaf of a JSON document with its path; empty strings are not leaves."""
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in leaves(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in leaves(v, f"{path}[{i}]")]
    return [] if node == "" else [(path, node)]


def without_empty(node: Any) -> Any:
    """The document with empty strings, lists and objects left out."""
    if isinstance(node, dict):
        kept = {k: without_empty(v) for k, v in node.items()}
        return {k: v for k, v in kept.items() if v not in ("", [], {})}
    if isinstance(node, list):
        return [without_empty(v) for v in node]
    return node


def without_private(doc: dict[str, Any]) -> dict[str, Any]:
    """What a published export keeps: no phone, no street address, no references."""
    doc = copy.deepcopy(doc)
    doc.get("basics", {}).pop("phone", None)
    doc.get("basics", {}).get("location", {}).pop("address", None)
    doc.pop("references", None)
    return without_empty(doc)


@pytest.fixture(params=RESUMES, ids=[p.stem for p in RESUMES])
def resume(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    path: Path = request.param
    return path.stem, json.loads(path.read_text(encoding="utf-8"))


def test_fixtures_are_the_official_sample_and_three_of_our_own() -> None:
    assert set(LEAVES) == {p.stem for p in RESUMES}
    sample = (FIXTURES / "official-sample.json").read_text(encoding="utf-8")
    assert "Richard Hendriks" in sample


def test_every_fixture_is_valid_json_resume(resume: tuple[str, dict]) -> None:
    assert jsonresume.schema_problems(resume[1]) == []
    assert jsonresume.unmapped(resume[1]) == []  # every property has a column


def test_round_trip_with_private_values_is_exact(resume: tuple[str, dict], tmp_path: Path) -> None:
    _, doc = resume
    assert round_trip(doc, tmp_path, include_private=True) == without_empty(doc)


def test_round_trip_keeps_every_leaf_value(resume: tuple[str, dict], tmp_path: Path) -> None:
    name, doc = resume
    given = leaves(doc)
    back = set(map(repr, leaves(round_trip(doc, tmp_path, include_private=True))))
    kept = [leaf for leaf in given if repr(leaf) in back]
    assert (len(kept), len(given)) == (LEAVES[name], LEAVES[name]), (
        f"{name}: kept {len(kept)} of {len(given)} leaf values; lost "
        f"{[p for p, _ in given if repr((p, _)) not in back]}"
    )


def test_published_export_leaves_out_only_the_private_values(
    resume: tuple[str, dict], tmp_path: Path
) -> None:
    _, doc = resume
    published = round_trip(doc, tmp_path)
    assert published == without_private(doc)
    text = json.dumps(published, ensure_ascii=False)
    for secret in (
        doc["basics"].get("phone"),
        doc["basics"].get("location", {}).get("address"),
        *(r["reference"] for r in doc.get("references", [])),
    ):
        if secret:
            assert secret not in text


def test_the_shipped_cv_survives_export_and_import(cv: cvdata.CV, tmp_path: Path) -> None:
    """The other way round: the project's own CV, exported, imported and exported again."""
    doc = from_cv(cv, include_private=True)
    assert len(leaves(doc)) > 500
    assert round_trip(doc, tmp_path, include_private=True) == doc


def test_the_tables_hold_the_document_tidily(tmp_path: Path) -> None:
    doc = json.loads((FIXTURES / "career-changer.json").read_text(encoding="utf-8"))
    rows = to_tables(doc)
    assert set(rows) == set(default_package().names)
    contacts = {r["kind"]: r for r in rows["contacts"]}
    assert contacts["phone"]["visibility"] == "private"
    assert contacts["address"]["visibility"] == "private"
    assert contacts["address"]["value"] == "48 Alder Street, Apt 3"
    assert contacts["linkedin"]["label"] == "LinkedIn"
    assert contacts["other"]["label"] == "Tableau Public"
    assert [r["id"] for r in rows["roles"]][:2] == [
        "greenleaf-grocers-junior-data-analyst",
        "casa-lupita-kitchen-manager",
    ]
    # One skill row per keyword; the category keeps the level.
    assert [r["skill"] for r in rows["skills"] if r["category"] == "Analysis"] == [
        "SQL",
        "Excel",
        "Python",
    ]
    assert {r["name"]: r["level"] for r in rows["skill_categories"]}["Operations"] == "Expert"
    assert [r["visibility"] for r in rows["references"]] == ["private"]
    # A year-only date stays year-only: in the tables and once loaded.
    lupita = next(r for r in rows["roles"] if r["organisation"] == "Casa Lupita")
    assert (lupita["start"], lupita["end"]) == ("2018", "2023")
    cv = cvdata.load(write_tables(rows, tmp_path / "data"), as_of=AS_OF)
    loaded = cv.roles.set_index("organisation").loc["Casa Lupita"]
    assert loaded["start_precision"] == "year"
    education = cv.education.set_index("role_id")
    assert education.loc["portland-community-college-certificate-data-analytics", "gpa"] == 3.9


def test_ids_are_stable_slugs_and_unique() -> None:
    doc = {
        "basics": {"name": "Zoë Ünal"},
        "skills": [{"name": "C++", "keywords": ["C++", "C++", "中文"]}],
    }
    rows = to_tables(doc)
    assert rows["person"][0]["id"] == "zoe-unal"
    assert [r["id"] for r in rows["skills"]] == ["c-c", "c-c-2", "c"]
    assert to_tables(doc) == rows  # same document, same ids


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "(document): [] is not of type 'object'"),
        ({"work": "none"}, "work: 'none' is not of type 'array'"),
        ({"basics": {"name": 7}}, "basics.name: 7 is not of type 'string'"),
        (
            {"basics": {"name": "A"}, "work": [{"startDate": "2019-1"}]},
            "work[0].startDate: '2019-1' does not match",
        ),
        (
            {"basics": {"name": "A"}, "work": [{"name": "X", "position": "Y", "endDate": "2099"}]},
            "work[0].endDate: '2099' is after the as-of date",
        ),
        (
            {
                "basics": {"name": "A"},
                "work": [{"name": "X", "position": "Y", "startDate": "2019-13"}],
            },
            "work[0].startDate: '2019-13' is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (
            {"basics": {"name": "A"}, "awards": [{"title": "T", "date": "2019-02-30"}]},
            "awards[0].date: '2019-02-30' is not a day of the calendar",
        ),
        (
            {"basics": {"name": "A", "profiles": [{"network": "X", "url": "ftp://x.org/a"}]}},
            "basics.profiles[0].url: 'ftp://x.org/a' is not an http://, https:// or mailto:",
        ),
        ({"basics": {}}, "basics.name: missing; cvdata needs the person's name"),
        (
            {"basics": {"name": "A"}, "skills": [{"name": "Go"}, {"name": "Go"}]},
            "skills[1].name: 'Go' is also skills[0]",
        ),
    ],
)
def test_what_cannot_be_imported_is_named_by_its_json_path(doc: object, message: str) -> None:
    with pytest.raises(JsonResumeError) as caught:
        to_tables(doc)  # type: ignore[arg-type]
    assert any(p.startswith(message) for p in caught.value.problems), caught.value.problems
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    doc = {
        "basics": {"name": "A"},
        "work": [{}, {"name": "X", "position": "Y", "url": "ftp://x"}],
        "awards": [{}],
    }
    with pytest.raises(JsonResumeError) as caught:
        to_tables(doc)
    # An undated entry, even without name or position (work[0]), is taken.
    assert caught.value.problems == [
        "work[1].url: 'ftp://x' is not an http://, https:// or mailto: address; cvdata "
        "publishes no other links",
        "awards[0].title: missing; cvdata needs the award's title",
    ]


def test_unmapped_names_properties_the_schema_does_not_define() -> None:
    doc = {"basics": {"name": "A", "pronouns": "they"}, "work": [{"name": "X", "team": "Y"}]}
    assert jsonresume.unmapped(doc) == ["basics.pronouns", "work[0].team"]


def test_schema_is_the_vendored_one_unless_given(tmp_path: Path, monkeypatch) -> None:
    vendored = jsonresume.load_schema(
        Path(cvdata.__file__).with_name("vendor") / "jsonresume-schema.json"
    )
    monkeypatch.chdir(tmp_path)
    assert jsonresume.find_schema() is None
    assert jsonresume.load_schema() == vendored
    # npm's copy in the working folder is not searched for (it could be anyone's).
    npm = tmp_path / ".cache/npm/node_modules/@jsonresume/schema/schema.json"
    npm.parent.mkdir(parents=True)
    npm.write_text('{"type": "object"}', encoding="utf-8")
    assert jsonresume.find_schema() is None
    assert jsonresume.load_schema() == vendored
    assert jsonresume.find_schema(npm) == npm
    assert jsonresume.load_schema(npm) == {"type": "object"}
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(JsonResumeError, match="cannot read the JSON Resume schema"):
        jsonresume.load_schema(tmp_path / "bad.json")


def test_vendored_schema_is_the_official_one(jsonresume_schema_dir: Path) -> None:  # noqa: F811
    official = json.loads((jsonresume_schema_dir / "schema.json").read_text(encoding="utf-8"))
    vendored = Path(cvdata.__file__).with_name("vendor") / "jsonresume-schema.json"
    assert json.loads(vendored.read_text(encoding="utf-8")) == official
    assert "MIT" in vendored.with_name("jsonresume-schema-LICENSE.md").read_text(encoding="utf-8")


def test_read_document_names_the_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "resume.json"
    good.write_bytes(b'\xef\xbb\xbf{"basics": {"name": "A"}}')  # a BOM is fine
    assert jsonresume.read_document(good) == {"basics": {"name": "A"}}
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "basics": {"name": "A",}\n}', encoding="utf-8")
    with pytest.raises(JsonResumeError, match=r"broken.json:2: column 26: not valid JSON"):
        jsonresume.read_document(broken)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"basics": {"name": "Ren\xe9"}}')
    with pytest.raises(JsonResumeError, match=r"latin.json:1: not UTF-8"):
        jsonresume.read_document(latin)
    with pytest.raises(JsonResumeError, match="cannot read the file"):
        jsonresume.read_document(tmp_path / "missing.json")


def test_a_schema_that_is_not_one_is_reported() -> None:
    with pytest.raises(JsonResumeError, match=r"\(schema\): not a JSON Schema"):
        to_tables({"basics": {"name": "A"}}, schema={"type": 12})


def _mutations(doc: Any, rng: random.Random, n: int) -> list[Any]:
    """``n`` copies of ``doc``, each with one value swapped for something odd."""
    odd = [None, 0, -1.5, True, "", " ", "\n", "2019-99", "x" * 300, [], {}, ["a"], {"a": 1}]
    paths = []

    def walk(node: Any, path: tuple) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))

    walk(doc, ())
    out = []
    for _ in range(n):
        copy_ = copy.deepcopy(doc)
        path = rng.choice(paths[1:])
        node = copy_
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = rng.choice(odd)
        out.append(copy_)
    return out


def test_odd_documents_give_a_clear_error_or_tables_that_validate(tmp_path: Path) -> None:
    """No input makes a traceback: each odd document is refused with problems naming
    JSON paths, or gives tables that cvdata reads (and reports on) without one."""
    rng = random.Random(14)
    doc = json.loads((FIXTURES / "senior-engineer.json").read_text(encoding="utf-8"))
    refused = accepted = 0
    for i, odd in enumerate(_mutations(doc, rng, 60)):
        try:
            rows = to_tables(odd)
        except JsonResumeError as e:
            assert e.problems and all(": " in p for p in e.problems)
            refused += 1
            continue
        folder = write_tables(rows, tmp_path / f"odd-{i}")
        result = cvdata.validate(folder, as_of=AS_OF)
        assert all(p.path.endswith(".csv") for p in result.problems), result.problems
        accepted += 1
    assert refused and accepted  # both kinds were tried


def test_import_file_reads_checks_and_maps(tmp_path: Path) -> None:
    rows = jsonresume.import_file(FIXTURES / "official-sample.json")
    assert [r["name"] for r in rows["person"]] == ["Richard Hendriks"]
    assert rows == to_tables(json.loads((FIXTURES / "official-sample.json").read_text("utf-8")))
    strict = tmp_path / "strict.json"  # a schema of one's own, by path
    strict.write_text('{"type": "object", "required": ["work"]}', encoding="utf-8")
    with pytest.raises(JsonResumeError, match=r"\(document\): 'work' is a required property"):
        jsonresume.import_file(FIXTURES / "new-graduate.json", schema_path=strict)
