"""Exports of hostile tables: whatever a cell holds, the BibTeX parses into exactly the
entries and fields meant (checked with pybtex in strict mode, which follows BibTeX's own
brace rules, and with bibtexparser), and the JSON exports cannot be broken out of.

Every field that reaches BibTeX gets each payload: paper id, title, authors, venue name,
venue line, status, every identifier scheme, link URL and the owner's name (the header
comment). A fork may loosen datapackage.json's patterns, so nothing here is assumed valid.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import bibtexparser
import pandas as pd
import pybtex.database
import pybtex.errors
import pytest
from conftest import AS_OF, CVDATA_ENV, PROJECT, edit_cell

import cvdata
from cvdata.formats import export
from cvdata.formats.bibtex import _decode, split_authors

PAYLOADS = [
    "10.1000/x}, abstract = {HIJACKED}, keywords = {",
    "x}\n@misc{evil4, title = {E}}\n",
    '10.1000/x", abstract = "HIJACKED',
    "{",
    "}",
    "a } b { c",
    "}}}}",
    "{{{{",
    "\\",
    "\\}",
    "\\{",
    "\\textbf{",
    "%",
    "% }",
    '"',
    '" # "',
    "#",
    "@misc{evil,",
    "\n@misc{evil2, title={x}}",
    "\r@misc{evil3, title={x}}",
    "\x0b@misc{e5,}",
    "\x0c@misc{e6,}",
    "\x1c@misc{e7,}",
    "\x85@misc{e8,}",
    "\u2028@misc{e9,}",
    "\u2029@misc{e10,}",
    "\x1b[31mred\x1b[0m",
    "\x00nul",
    " and ",
    "Barnes and Noble",
    "others",
    "a, b, c, d",
    "--",
    "~^$&_",
    "Ünïcødé 中文",
]
#: The LaTeX-text fields of an entry (one line each).
TEXT_FIELDS = {"title", "booktitle", "journal", "publisher", "howpublished", "type", "school"}
TEXT_FIELDS |= {"organization", "pubstate", "number", "note"}


def _hostile_cv(cv: cvdata.CV, p: str) -> cvdata.CV:
    """Every BibTeX-bound cell of ``cv`` with ``p`` in it."""

    def pid(s: pd.Series) -> pd.Series:
        return s.map(lambda v: f"{v}{p}")

    papers = cv.papers.assign(
        id=pid(cv.papers["id"]),
        title=cv.papers["title"].map(lambda t: f"{t} {p} end"),
        venue_display=f"Venue {p} line",
        status=cv.papers["status"].map(lambda s: s if s == "published" else f"{s}{p}"),
    )
    authors = cv.paper_authors.assign(
        paper_id=pid(cv.paper_authors["paper_id"]),
        name=cv.paper_authors["name"].map(lambda n: f"{n} {p}"),
    )
    identifiers = cv.paper_identifiers.assign(
        paper_id=pid(cv.paper_identifiers["paper_id"]),
        value=cv.paper_identifiers["value"].map(lambda v: f"{v}{p}"),
    )
    links = cv.paper_links.assign(
        paper_id=pid(cv.paper_links["paper_id"]),
        url=[f"https://example.org/{i}{p}" for i in range(len(cv.paper_links))],
    )
    # Every paper gets one identifier of each scheme, so each field is exercised.
    extra = pd.DataFrame(
        [
            {"paper_id": i, "scheme": scheme, "value": f"v{p}", "label": "x"}
            for i in papers["id"]
            for scheme in ("doi", "isbn", "arxiv", "patent-publication", "patent-application")
        ]
    ).astype(identifiers.dtypes.to_dict())
    venues = cv.venues.assign(name=cv.venues["name"].map(lambda n: f"{n} {p}"))
    person = cv.person.assign(name=f"Owner {p}")
    return dataclasses.replace(
        cv,
        papers=papers,
        paper_authors=authors,
        paper_identifiers=pd.concat([identifiers, extra], ignore_index=True),
        paper_links=links,
        venues=venues,
        person=person,
    )


def _clean(s: str) -> str:
    """A cell as BibTeX text means it: control characters and line breaks read as spaces."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", s).split())


def _pybtex(text: str) -> pybtex.database.BibliographyData:
    pybtex.errors.set_strict_mode(True)
    try:
        return pybtex.database.parse_string(text, "bibtex")
    finally:
        pybtex.errors.set_strict_mode(False)


@pytest.mark.parametrize("payload", PAYLOADS, ids=[ascii(p) for p in PAYLOADS])
def test_bibtex_of_hostile_cells_parses_into_exactly_the_entries_meant(
    cv: cvdata.CV, payload: str
) -> None:
    hostile = _hostile_cv(cv, payload)
    keys = export.bibtex_keys(hostile)
    meant = {
        keys[export.text(p["id"])]: export.bibtex_entry(hostile, p, keys[export.text(p["id"])])
        for _, p in hostile.papers.iterrows()
    }
    out = export.bibtex(hostile)

    # bibtexparser: the same entries, the same fields in order, the same values.
    library = bibtexparser.parse_string(out)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == list(meant)
    for e in library.entries:
        want = meant[e.key]
        assert e.entry_type == want.entry_type
        assert [(f.key, f.value) for f in e.fields] == [(f.key, f.value) for f in want.fields]
    assert all(type(b).__name__ in ("Entry", "ImplicitComment") for b in library.blocks)

    # pybtex, strict: BibTeX's brace rules; a stray brace is an error there.
    data = _pybtex(out)
    assert list(data.entries) == list(meant)
    for key, entry in data.entries.items():
        want = {f.key: f.value for f in meant[key].fields}
        authors = want.pop("author", None)
        assert dict(entry.fields) == want, key
        got = len(entry.persons.get("author", []))
        assert got == (len(split_authors(authors)) if authors else 0), key

    # The values mean what the cells say.
    for _, paper in hostile.papers.iterrows():
        pid = export.text(paper["id"])
        fields = {f.key: f.value for f in meant[keys[pid]].fields}
        assert _decode(fields["title"]) == _clean(paper["title"])
        assert unquote(fields[export.ID_FIELD]) == pid
        names = hostile.paper_authors[hostile.paper_authors["paper_id"] == pid]
        # As written (a comma is BibTeX's "Family, Given", as in the cell).
        got = split_authors(fields.get("author", ""))
        if export.text(paper["authors_truncated"]) == "True":
            assert got.pop() == "others"
        assert got == [_clean(n) for n in names.sort_values("position")["name"]]
        ids = hostile.paper_identifiers[hostile.paper_identifiers["paper_id"] == pid]

        def of(scheme: str, ids: pd.DataFrame = ids) -> list[str]:
            return list(ids[ids["scheme"] == scheme]["value"])

        assert unquote(fields["doi"]) == of("doi")[0]
        assert unquote(fields["isbn"]) == of("isbn")[0]
        assert unquote(fields["eprint"]) == of("arxiv")[0]
        assert _decode(fields["number"]) == _clean(", ".join(of("patent-publication")))
        assert _decode(fields["note"]) == _clean(
            "Application " + ", ".join(of("patent-application"))
        )
        for name in set(fields) & TEXT_FIELDS:
            assert "\n" not in fields[name] and "\r" not in fields[name]
        if "url" in fields:
            assert unquote(fields["url"]).startswith("https://example.org/")
            assert unquote(fields["url"]).endswith(payload)
    assert "HIJACKED" not in {f for e in library.entries for f in e.fields_dict}
    header = out.splitlines()[0]
    assert header.startswith("% 22 entries exported by cvdata from the CV of Owner")
    assert "@" not in header and out.splitlines()[1] == ""


@pytest.mark.parametrize("payload", PAYLOADS, ids=[ascii(p) for p in PAYLOADS])
def test_json_exports_of_hostile_cells_round_trip(cv: cvdata.CV, payload: str) -> None:
    hostile = _hostile_cv(cv, payload)
    for data in (export.csl(hostile), export.jsonresume(hostile)):
        text = export.to_json(data)
        assert json.loads(text) == data
        # One JSON document, nothing after it.
        decoder = json.JSONDecoder()
        _, end = decoder.raw_decode(text)
        assert text[end:] == "\n"
    items = {i["id"]: i for i in export.csl(hostile)}
    assert set(items) == set(hostile.papers["id"])
    assert all(payload in i["title"] for i in items.values())
    resume = export.jsonresume(hostile)
    assert resume["basics"]["name"] == f"Owner {payload}"


def test_header_name_cannot_add_an_entry(cv: cvdata.CV) -> None:
    hostile = dataclasses.replace(
        cv, person=cv.person.assign(name="X\n@misc{evil, title = {x}} @misc{evil2,}")
    )
    out = export.bibtex(hostile)
    assert len(bibtexparser.parse_string(out).entries) == 22
    assert len(_pybtex(out).entries) == 22


# ------------------------------------------------------------------------- URL guard

UNSAFE = ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "//x"]


@pytest.mark.parametrize("url", UNSAFE)
def test_exports_leave_out_unsafe_urls(cv: cvdata.CV, url: str) -> None:
    url += "#unsafe-marker"
    links = cv.paper_links.assign(url=url)
    contacts = cv.contacts.assign(url=cv.contacts["url"].map(lambda u: url if pd.notna(u) else u))
    projects = cv.project_links.assign(url=url)
    hostile = dataclasses.replace(cv, paper_links=links, contacts=contacts, project_links=projects)
    outputs = [
        export.bibtex(hostile),
        export.to_json(export.csl(hostile)),
        export.to_json(export.jsonresume(hostile)),
    ]
    for out in outputs:
        assert "unsafe-marker" not in out
    assert len(export.unsafe_urls(hostile)) >= len(links)


def test_a_safe_link_is_used_when_an_unsafe_one_comes_first(cv: cvdata.CV) -> None:
    links = pd.DataFrame(
        [
            {
                "paper_id": "care",
                "position": 1,
                "kind": "paper",
                "label": "x",
                "url": "javascript:x",
            },
            {"paper_id": "care", "position": 2, "kind": "paper", "label": "y", "url": "https://ok"},
        ]
    ).astype(cv.paper_links.dtypes.to_dict())
    hostile = dataclasses.replace(cv, paper_links=links)
    care = next(i for i in export.csl(hostile) if i["id"] == "care")
    assert care["URL"] == "https://ok"


def _run(*args: str, cwd: Path, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    return subprocess.run(
        [sys.executable, "-m", "cvdata", *args],
        cwd=cwd,
        env={**env, "CVDATA_AS_OF": AS_OF.isoformat()},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_cli_export_of_a_fork_with_a_loose_url_pattern(broken_copy, tmp_path: Path) -> None:
    folder = broken_copy()
    descriptor = folder / "datapackage.json"
    descriptor.write_text(
        descriptor.read_text(encoding="utf-8").replace("^(https?://|mailto:)\\\\S+$", ".*"),
        encoding="utf-8",
    )
    key = {"paper_id": "flash-llm", "position": "1"}
    edit_cell(folder / "paper_links.csv", key, "url", "javascript:alert(1)")
    assert cvdata.validate(folder, as_of=AS_OF).ok  # the fork accepts it
    for fmt in ("bibtex", "csl", "jsonresume"):
        proc = _run("export", fmt, str(folder), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "javascript:" not in proc.stdout
        assert "left out paper_links: paper 'flash-llm': 'javascript:alert(1)'" in proc.stderr


# ------------------------------------------------------------------------- stdout


@pytest.mark.parametrize("fmt", ["bibtex", "csl", "jsonresume"])
def test_export_to_a_full_stdout_says_so(fmt: str, tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = _run("export", fmt, str(PROJECT / "data"), cwd=tmp_path, stdout=full)
    assert proc.returncode == 2
    assert proc.stderr == "cvdata: cannot write to standard output: No space left on device\n"


def test_validate_to_a_full_stdout_says_so(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = _run("validate", str(PROJECT / "data"), cwd=tmp_path, stdout=full)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "cannot write to standard output" in proc.stderr


def test_export_to_a_closed_pipe_says_so(tmp_path: Path) -> None:
    import os

    read, write = os.pipe()
    os.close(read)  # nobody will read: the first write fails with EPIPE
    try:
        proc = _run("export", "bibtex", str(PROJECT / "data"), cwd=tmp_path, stdout=write)
    finally:
        os.close(write)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert "cannot write to standard output: Broken pipe" in proc.stderr


@pytest.mark.parametrize("payload", PAYLOADS, ids=[ascii(p) for p in PAYLOADS])
def test_hostile_export_is_read_back_by_the_import(
    cv: cvdata.CV, payload: str, tmp_path: Path
) -> None:
    """The importer's own brace check accepts every export, and finds every paper again."""
    from cvdata.formats.bibtex import plan_import, read_bibtex

    hostile = _hostile_cv(cv, payload)
    path = tmp_path / "cv.bib"
    path.write_text(export.bibtex(hostile), encoding="utf-8")
    plan = plan_import(hostile, read_bibtex(path), str(path))
    assert plan.entries == len(hostile.papers)
    assert plan.added == []
    assert all("already in the CV" in s.reason for s in plan.skipped)


def test_import_then_export_of_a_balanced_but_hostile_bib(broken_copy, tmp_path: Path) -> None:
    """BibTeX-valid values with braces and field syntax inside: imported as text, then
    exported without adding a field or an entry (the route through a validated import)."""
    folder = broken_copy()
    bib = tmp_path / "evil.bib"
    bib.write_text(
        "@article{evil1,\n"
        "  title = {T {x}, abstract = {HIJACKED}},\n"
        "  author = {Ann Bee and Cy {Dee}},\n"
        "  journal = {J \\{ \\} end},\n"
        "  year = {2020},\n"
        "  doi = {10.1000/a{b}c},\n"
        "  url = {https://e.org/{x}/y},\n"
        "}\n",
        encoding="utf-8",
    )
    proc = _run("import", "bibtex", str(bib), str(folder), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = _run("export", "bibtex", str(folder), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    library = bibtexparser.parse_string(proc.stdout)
    assert library.failed_blocks == []
    evil = [e for e in library.entries if e.fields_dict[export.ID_FIELD].value == "evil1"]
    assert len(evil) == 1 and len(library.entries) == 23
    fields = evil[0].fields_dict
    assert set(fields) == {"title", "author", "journal", "year", "doi", "url", export.ID_FIELD}
    assert _decode(fields["title"].value) == "T x, abstract = HIJACKED"
    assert _decode(fields["journal"].value) == "J { } end"
    assert unquote(fields["doi"].value) == "10.1000/a{b}c"
    assert unquote(fields["url"].value) == "https://e.org/{x}/y"
    data = _pybtex(proc.stdout)
    assert len(data.entries) == 23
    entry = next(e for e in data.entries.values() if e.fields[export.ID_FIELD] == "evil1")
    assert set(entry.fields) == set(fields) - {"author"}
    assert len(entry.persons["author"]) == 2
