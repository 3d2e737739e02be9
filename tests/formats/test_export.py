"""cvdata.formats.export and ``cvdata export``: BibTeX, CSL-JSON and JSON Resume from the tables."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import jsonschema
import pandas as pd
import pytest
from conftest import PROJECT, TABLES

import cvdata
from cvdata.document import resume_selection
from cvdata.formats import export
from cvdata.formats.bibtex import natural_name, split_authors

SCHEMA_VERSION = (Path(__file__).parents[1] / "jsonresume-schema.version").read_text().strip()
NPM_PREFIX = PROJECT / ".cache" / "npm"
SCHEMA_DIR = NPM_PREFIX / "node_modules" / "@jsonresume" / "schema"
CHINESE_TITLE = "KUBERNETES 用户态应用中基于虚拟文件系统的小文件存储优化系统"


@pytest.fixture(scope="session")
def jsonresume_schema_dir() -> Path:
    """The official JSON Resume schema package from npm (``make test-deps`` fetches it; so
    does this fixture when it is missing). Fails, rather than skips, without npm."""
    if not (SCHEMA_DIR / "schema.json").is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: run scripts/setup-system.sh (or make test)")
        if not (PROJECT / ".cache").exists():  # a link out of the project, as make makes it
            made = subprocess.run([str(PROJECT / "scripts" / "state-dir.sh"), ".cache"],
                                  capture_output=True, text=True, timeout=60)  # fmt: skip
            assert made.returncode == 0, made.stderr
        NPM_PREFIX.mkdir(parents=True, exist_ok=True)
        cmd = [npm, "install", "--prefix", str(NPM_PREFIX), "--no-save", "--no-audit"]
        done = subprocess.run(
            [*cmd, "--no-fund", f"@jsonresume/schema@{SCHEMA_VERSION}"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    package = json.loads((SCHEMA_DIR / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == SCHEMA_VERSION
    return SCHEMA_DIR


@pytest.fixture(scope="session")
def bib_text(cv: cvdata.CV) -> str:
    return export.bibtex(cv)


@pytest.fixture(scope="session")
def parsed(bib_text: str) -> bibtexparser.Library:
    library = bibtexparser.parse_string(bib_text)
    assert library.failed_blocks == []
    return library


@pytest.fixture(scope="session")
def resume_doc(cv: cvdata.CV) -> dict:
    return export.jsonresume(cv)


def _by_id(library: bibtexparser.Library) -> dict[str, bibtexparser.model.Entry]:
    return {e.fields_dict[export.ID_FIELD].value: e for e in library.entries}


def _plain(value: str) -> str:
    """A BibTeX value as text (protective braces and escapes resolved)."""
    from cvdata.formats.bibtex import _decode

    return _decode(value)


# ------------------------------------------------------------------------- BibTeX


def test_bibtex_has_one_entry_per_paper(cv: cvdata.CV, parsed) -> None:
    assert len(parsed.entries) == len(cv.papers) == 22
    assert set(_by_id(parsed)) == set(cv.papers["id"])


def test_bibtex_round_trip_loses_no_title_author_year_or_venue(cv: cvdata.CV, parsed) -> None:
    entries = _by_id(parsed)
    venues = dict(zip(cv.venues["id"], cv.venues["name"], strict=True))
    for _, paper in cv.papers.iterrows():
        pid = paper["id"]
        e = entries[pid].fields_dict
        assert _plain(e["title"].value) == paper["title"], pid
        authors = cv.paper_authors[cv.paper_authors["paper_id"] == pid]
        wanted = list(authors.sort_values("position")["name"])
        got = [natural_name(a) for a in split_authors(e["author"].value)] if "author" in e else []
        if export.text(paper["authors_truncated"]) == "True":
            assert got.pop() == "others"
        assert got == wanted, pid
        year = "" if pd.isna(paper["year"]) else str(paper["year"])
        assert (e["year"].value if "year" in e else "") == year, pid
        venue = venues.get(paper["venue_id"], "") or export.text(paper["venue_display"])
        field = export.BIBTEX_VENUE_FIELDS[paper["type"]]
        assert (_plain(e[field].value) if field in e else "") == venue, pid


def test_bibtex_entry_types_follow_the_paper_type(cv: cvdata.CV, parsed) -> None:
    entries = _by_id(parsed)
    types = dict(zip(cv.papers["id"], cv.papers["type"], strict=True))
    assert {pid: e.entry_type for pid, e in entries.items()} == {
        pid: export.BIBTEX_TYPES[t] for pid, t in types.items()
    }
    assert entries["care"].entry_type == "inproceedings"
    assert entries["care"].fields_dict["booktitle"].value == (
        "International Conference on Learning Representations"
    )
    assert entries["renaissance"].fields_dict["journal"].value.startswith("IEEE Transactions")
    assert entries["c-language-programming"].fields_dict["publisher"].value == (
        "Tianjin University Press"
    )
    assert entries["c-language-programming"].fields_dict["isbn"].value == "9787561847251"
    assert entries["phd-thesis"].entry_type == "phdthesis"
    assert entries["phd-thesis"].fields_dict["school"].value == "The University of Sydney"
    assert entries["phd-thesis"].fields_dict["pubstate"].value == "under-review"
    patent = entries["kubernetes-small-file-patent"].fields_dict
    assert patent["number"].value == "CN111475469A, CN111475469B"
    assert entries["coderforge-preview"].entry_type == "online"
    assert entries["deepspeed-chat"].entry_type == "misc"


def test_bibtex_keys_are_stable_unique_and_readable(cv: cvdata.CV, parsed) -> None:
    keys = export.bibtex_keys(cv)
    assert keys == export.bibtex_keys(cv)
    assert len(set(keys.values())) == len(keys)
    assert keys["care"] == "zhou2026care"
    assert keys["ladder-residual"] == "zhang2025ladder"
    assert keys["flash-llm"] == "xia2024flash"
    assert keys["kubernetes-small-file-patent"] == "du2020kubernetes"
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys.values())
    assert [e.key for e in parsed.entries] == [keys[p] for p in cv.papers["id"]]


def test_bibtex_keys_of_repeats_get_letters(cv: cvdata.CV) -> None:
    import dataclasses

    twice = cv.papers[cv.papers["id"] == "care"].assign(id="care-again")
    authors = cv.paper_authors[cv.paper_authors["paper_id"] == "care"].assign(paper_id="care-again")
    bigger = dataclasses.replace(
        cv,
        papers=pd.concat([cv.papers, twice], ignore_index=True),
        paper_authors=pd.concat([cv.paper_authors, authors], ignore_index=True),
    )
    keys = export.bibtex_keys(bigger)
    assert keys["care"] == "zhou2026care"
    assert keys["care-again"] == "zhou2026careb"


def test_bibtex_keeps_the_chinese_title_and_utf8(bib_text: str, parsed) -> None:
    assert CHINESE_TITLE in bib_text
    e = _by_id(parsed)["kubernetes-small-file-patent"]
    assert e.entry_type == "patent"
    assert _plain(e.fields_dict["title"].value) == CHINESE_TITLE


def test_bibtex_marks_cut_author_lists_and_status(parsed) -> None:
    entries = _by_id(parsed)
    assert entries["deepspeed4science"].fields_dict["author"].value.endswith(" and others")
    assert entries["imitate-optimal-policy"].fields_dict["pubstate"].value == "submitted"
    assert "pubstate" not in entries["care"].fields_dict


def test_tex_escape_round_trips_through_the_import_decoder() -> None:
    from cvdata.formats.bibtex import _decode

    for s in ["50% of A & B", "a_b #1 $5 {x}", "C:\\path ~ ^", "1B--405B", "Ünïcødé 中文"]:
        assert _decode(export.tex_escape(s)) == s


# ------------------------------------------------------------------------- CSL-JSON

CSL_TYPES = {"paper-conference", "article-journal", "book", "article", "patent", "thesis"}


def test_csl_items(cv: cvdata.CV) -> None:
    items = {i["id"]: i for i in export.csl(cv)}
    assert set(items) == set(cv.papers["id"])
    assert {i["type"] for i in items.values()} <= CSL_TYPES | {"post-weblog"}
    care = items["care"]
    assert care["type"] == "paper-conference"
    assert care["author"][0] == {"family": "Zhou", "given": "Zhongzhu"}
    assert care["issued"] == {"date-parts": [[2026]]}
    assert care["container-title"] == "International Conference on Learning Representations"
    assert "status" not in care
    assert items["imitate-optimal-policy"]["status"] == "submitted"
    assert items["phd-thesis"]["status"] == "under review"
    assert items["phd-thesis"]["publisher"] == "The University of Sydney"
    assert items["c-language-programming"]["ISBN"] == "9787561847251"
    assert items["kubernetes-small-file-patent"]["title"] == CHINESE_TITLE
    assert items["deepspeed-chat"]["type"] == "article"
    assert items["coderforge-preview"]["type"] == "post-weblog"
    assert "issued" not in items["lcfs"] and "author" not in items["lcfs"]
    json.dumps(list(items.values()))  # plain JSON data


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Zhongzhu Zhou", {"given": "Zhongzhu", "family": "Zhou"}),
        ("Shuaiwen Leon Song", {"given": "Shuaiwen Leon", "family": "Song"}),
        ("Zhou, Zhongzhu", {"given": "Zhongzhu", "family": "Zhou"}),
        ("Ludwig van Beethoven", {"given": "Ludwig", "family": "van Beethoven"}),
        ("Martin Luther King Jr.", {"given": "Martin Luther", "family": "King", "suffix": "Jr."}),
        ("Plato", {"literal": "Plato"}),
        ("周忠柱", {"literal": "周忠柱"}),
    ],
)
def test_split_name(name: str, parts: dict) -> None:
    assert export.split_name(name) == parts


# ------------------------------------------------------------------------- JSON Resume


def test_jsonresume_validates_against_the_official_schema(
    resume_doc: dict, jsonresume_schema_dir: Path
) -> None:
    schema = json.loads((jsonresume_schema_dir / "schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(resume_doc)]
    assert errors == []


def test_jsonresume_uses_only_properties_the_schema_defines(
    resume_doc: dict, jsonresume_schema_dir: Path
) -> None:
    """The schema allows any extra property; we use none, so that themes show everything."""
    schema = json.loads((jsonresume_schema_dir / "schema.json").read_text(encoding="utf-8"))

    def strict(node: object) -> object:
        if isinstance(node, dict):
            out = {k: strict(v) for k, v in node.items()}
            if out.get("type") == "object" and "properties" in out:
                out["additionalProperties"] = False
            return out
        if isinstance(node, list):
            return [strict(v) for v in node]
        return node

    errors = [e.message for e in jsonschema.Draft7Validator(strict(schema)).iter_errors(resume_doc)]
    assert errors == []


def test_jsonresume_passes_the_npm_packages_own_validator(
    resume_doc: dict, jsonresume_schema_dir: Path, tmp_path: Path
) -> None:
    node = shutil.which("node")
    assert node, "node is missing: run scripts/setup-system.sh"
    doc = tmp_path / "resume.json"
    doc.write_text(export.to_json(resume_doc), encoding="utf-8")
    script = (
        "const v = require(process.argv[1]); const fs = require('fs');"
        "v.validate(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')), (err, ok) => {"
        " if (err) { console.log(JSON.stringify(err)); process.exit(1); }"
        " console.log('valid'); });"
    )
    done = subprocess.run(
        [node, "-e", script, str(jsonresume_schema_dir), str(doc)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "valid"


def test_jsonresume_sections(resume_doc: dict, cv: cvdata.CV) -> None:
    assert set(resume_doc) >= {
        "basics",
        "work",
        "education",
        "projects",
        "publications",
        "skills",
        "awards",
        "volunteer",
    }
    basics = resume_doc["basics"]
    assert basics["name"] == "Zhongzhu Zhou"
    assert basics["email"] == "zhongzhu@together.ai"
    assert resume_doc["work"][0]["name"] == "Together.AI"
    assert "endDate" not in resume_doc["work"][0]  # ongoing
    assert len(resume_doc["work"]) == (cv.roles["kind"] != "education").sum()
    assert len(resume_doc["education"]) == (cv.roles["kind"] == "education").sum()
    phd = resume_doc["education"][0]
    assert phd["studyType"] == "Doctor of Philosophy (Ph.D.)"
    assert phd["score"] == "4.0/4.0, High Distinct (HD)"
    beng = next(e for e in resume_doc["education"] if e["startDate"] == "2015-09")
    assert beng["studyType"] == "Bachelor of Engineering"
    assert beng["area"] == "Computer Science and Technology"
    assert len(resume_doc["projects"]) == len(cv.projects)
    assert len(resume_doc["publications"]) == len(cv.papers)
    assert {s["name"] for s in resume_doc["skills"]} == set(cv.skills["category"])
    assert sum(len(s["keywords"]) for s in resume_doc["skills"]) == len(cv.skills)
    assert len(resume_doc["awards"]) == len(cv.awards)
    assert len(resume_doc["volunteer"]) == len(cv.volunteering)


def _dates(node: object, key: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [d for k, v in node.items() for d in _dates(v, k)]
    if isinstance(node, list):
        return [d for v in node for d in _dates(v, key)]
    return [(key, str(node))] if key.endswith("Date") or key == "date" else []


def test_jsonresume_dates_are_iso(resume_doc: dict) -> None:
    dates = _dates(resume_doc)
    assert len(dates) > 50
    bad = [d for d in dates if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d[1])]
    assert bad == []


def test_no_private_contact_in_any_export(cv: cvdata.CV, bib_text: str, resume_doc: dict) -> None:
    outputs = [bib_text, export.to_json(export.csl(cv)), export.to_json(resume_doc)]
    private = cv.contacts[cv.contacts["visibility"] == "private"]
    values = [v for col in ("value", "label") for v in private[col].dropna()]
    assert values
    for out in outputs:
        for value in values:
            assert value not in out
        assert "13508482354" not in out and "Waterloo" not in out


def test_exports_of_the_resume_selection(cv: cvdata.CV) -> None:
    sel = resume_selection(cv)
    assert len(re.findall(r"^@", export.bibtex(sel), re.M)) == 9
    doc = export.jsonresume(sel)
    assert {p["name"] for p in doc["publications"]} == set(sel.papers["title"])
    assert "volunteer" not in doc  # no resume column there: not in the résumé


# ------------------------------------------------------------------------- command line


def test_cli_export_bibtex_to_stdout(run_cvdata, bib_text: str) -> None:
    proc = run_cvdata("export", "bibtex")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == bib_text
    assert f"read {TABLES} tables, 678 rows from data" in proc.stderr
    assert "wrote 22 papers as BibTeX entries" in proc.stderr


def test_cli_export_to_files(run_cvdata, tmp_path: Path, cv: cvdata.CV) -> None:
    for fmt, name in (("bibtex", "cv.bib"), ("csl", "cv.json"), ("jsonresume", "resume.json")):
        target = tmp_path / name
        proc = run_cvdata("export", fmt, "-o", str(target))
        assert proc.returncode == 0, proc.stderr
        assert f"to {target}" in proc.stdout
        assert target.stat().st_size > 1000
    assert len(json.loads((tmp_path / "cv.json").read_text(encoding="utf-8"))) == 22
    resume = json.loads((tmp_path / "resume.json").read_text(encoding="utf-8"))
    assert resume == json.loads(export.to_json(export.jsonresume(cv)))
    proc = run_cvdata("export", "jsonresume", "--resume", "-o", str(tmp_path / "short.json"))
    assert proc.returncode == 0, proc.stderr
    assert "rows tagged for the résumé only" in proc.stdout
    assert "9 publications" in proc.stdout


def test_cli_export_on_bad_data_reports_and_fails(broken_copy, run_cvdata, tmp_path: Path) -> None:
    folder = broken_copy()
    papers = folder / "papers.csv"
    papers.write_text(papers.read_text(encoding="utf-8").replace(",2024,", ",20x4,", 1), "utf-8")
    proc = run_cvdata("export", "bibtex", str(folder), cwd=tmp_path)
    assert proc.returncode == 1
    assert "year: '20x4' is not a year" in proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), ["validate", "export", "import"]),
        (("export",), ["bibtex", "csl", "jsonresume", "--output", "--resume", "private"]),
        (("import",), ["FILE", "--dry-run", "DOI", "untouched", "x-cvdata-id"]),
        (("validate",), ["--as-of", "data_dir"]),
    ],
)
def test_help_explains_each_command(run_cvdata, args: tuple[str, ...], words: list[str]) -> None:
    proc = run_cvdata(*args, "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    for word in words:
        assert word in text, word


@pytest.mark.parametrize(
    ("image", "exported"),
    [
        ("javascript:alert(1)", None),
        ("data:image/png;base64,AAAA", None),
        ("file:///home/eve/.ssh/id_rsa", None),
        ("/etc/passwd", None),
        ("../outside.png", None),
        ("https://example.org/eve.jpg", "https://example.org/eve.jpg"),
        ("photos/eve.jpg", "photos/eve.jpg"),
    ],
)
def test_the_json_resume_keeps_an_image_only_as_a_web_address_or_a_file_name(
    tmp_path: Path, image: str, exported: str | None
) -> None:
    """Issue 19: a fork's person.csv may hold any image value; exports keep only http and
    https addresses (and a file name in the data folder)."""
    from conftest import DATA_DIR, edit_rows

    folder = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))

    def change(header: list[str], rows: list[list[str]]) -> None:
        rows[0][header.index("image")] = image

    edit_rows(folder / "person.csv", change)
    basics = export.jsonresume(cvdata.load(folder))["basics"]
    assert basics.get("image") == exported
