"""cvdata.formats.bibtex and ``cvdata import bibtex``: new papers from a .bib file, safely."""

from __future__ import annotations

import argparse
import hashlib
import os
import textwrap
from pathlib import Path

import pytest
from conftest import AS_OF, read_csv

import cvdata
from cvdata.formats import IMPORTS, export
from cvdata.formats._land import land
from cvdata.formats.bibtex import (
    natural_name,
    norm_title,
    paper_type,
    plan_import,
    read_bibtex,
    same_name,
    split_authors,
)

NEW = r"""
@inproceedings{zhou2025fast,
  title     = {Fast {LLM} Serving with M{\"u}ller Kernels},
  author    = {Zhou, Zhongzhu and Jane Doe* and others},
  booktitle = {ICML},
  year      = {2025},
  doi       = {https://doi.org/10.1000/XYZ.1},
  url       = {https://example.org/fast},
}

@article{doe2024journal,
  title   = {A Journal Paper},
  author  = {John Smith and ZHONGZHU   ZHOU},
  journal = {Journal of Things},
  year    = 2024,
}

@misc{doe2023arxiv,
  title         = {An arXiv Preprint},
  author        = {Jane Doe},
  eprint        = {2301.00001},
  archiveprefix = {arXiv},
  year          = {2023},
}

@inproceedings{again,
  title     = {CARE: Covariance-aware and Rank-Enhanced Decomposition for Enabling
               Multi-Head Latent Attention},
  author    = {Someone Else},
  booktitle = {ICLR},
  year      = {2026},
}

@inproceedings{samedoi,
  title  = {Whatever, Other Title},
  author = {A Person},
  year   = {2019},
  doi    = {10.1000/xyz.1},
}

@dataset{data2022,
  title = {A Data Set},
  year  = {2022},
}

@inproceedings{zhou2025fast2,
  title  = {Second Paper With Key Clash},
  author = {Zhongzhu Zhou},
  year   = {2025},
}
"""


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    return _write(tmp_path / "refs.bib", NEW)


# ------------------------------------------------------------------------- round trip


def test_import_of_an_exported_file_adds_nothing(cv: cvdata.CV, tmp_path: Path) -> None:
    path = tmp_path / "cv.bib"
    path.write_text(export.bibtex(cv), encoding="utf-8")
    plan = plan_import(cv, read_bibtex(path), str(path))
    assert plan.entries == 22
    assert plan.added == []
    assert len(plan.skipped) == 22
    assert all("already in the CV" in s.reason for s in plan.skipped)


def test_import_of_an_exported_file_without_ids_still_finds_every_duplicate(
    cv: cvdata.CV, tmp_path: Path
) -> None:
    """Another tool may drop the x-cvdata-id field: title and year still match."""
    text = "\n".join(line for line in export.bibtex(cv).splitlines() if export.ID_FIELD not in line)
    path = _write(tmp_path / "cv.bib", text)
    plan = plan_import(cv, read_bibtex(path), str(path))
    assert plan.added == []
    assert all("(same title and year)" in s.reason for s in plan.skipped)


def test_cli_import_of_an_export_changes_no_file(broken_copy, run_cvdata, tmp_path: Path) -> None:
    folder = broken_copy()
    before = _fingerprint(folder)
    exported = tmp_path / "cv.bib"
    export_proc = run_cvdata("export", "bibtex", str(folder), "-o", str(exported), cwd=tmp_path)
    assert export_proc.returncode == 0
    proc = run_cvdata("import", "bibtex", str(exported), str(folder), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "cv.bib: 22 entries read" in proc.stdout
    assert proc.stdout.count("  skip ") == 22
    assert "nothing to add (0 to add, 22 skipped); no file changed" in proc.stdout
    assert _fingerprint(folder) == before


# ------------------------------------------------------------------------- the plan


def test_plan_adds_new_papers_and_skips_duplicates(cv: cvdata.CV, bib: Path) -> None:
    plan = plan_import(cv, read_bibtex(bib), str(bib))
    assert plan.entries == 7
    added = {p.key: p for p in plan.added}
    assert list(added) == ["zhou2025fast", "doe2024journal", "doe2023arxiv", "zhou2025fast2"]
    skipped = {s.key: s.reason for s in plan.skipped}
    assert skipped == {
        "again": "already in the CV as 'care' (same title and year)",
        "samedoi": "already in the CV as 'zhou2025fast' (same DOI)",
        "data2022": "@dataset is not a kind of publication cvdata knows",
    }
    fast = added["zhou2025fast"]
    assert fast.paper["id"] == "zhou2025fast"
    assert fast.paper["title"] == "Fast LLM Serving with Müller Kernels"
    assert fast.paper["type"] == "conference" and fast.paper["status"] == "published"
    assert fast.paper["venue_id"] == "icml" and fast.paper["venue_display"] == ""
    assert fast.paper["authors_truncated"] == "true"
    assert [(a["name"], a["is_owner"], a["equal_contribution"]) for a in fast.authors] == [
        ("Zhongzhu Zhou", "true", "false"),
        ("Jane Doe", "false", "true"),
    ]
    assert fast.identifiers == [
        {"paper_id": "zhou2025fast", "scheme": "doi", "value": "10.1000/xyz.1", "label": "DOI"}
    ]
    assert fast.links[0]["url"] == "https://example.org/fast"
    journal = added["doe2024journal"]
    assert journal.paper["type"] == "journal"
    assert journal.paper["venue_id"] == "" and journal.paper["venue_display"] == "Journal of Things"
    assert [a["is_owner"] for a in journal.authors] == ["false", "true"]
    arxiv = added["doe2023arxiv"]
    assert arxiv.paper["type"] == "preprint" and arxiv.paper["status"] == "preprint"
    assert arxiv.identifiers[0]["scheme"] == "arxiv"
    assert added["zhou2025fast2"].paper["id"] == "zhou2025fast2"


def test_new_ids_never_clash_with_existing_ones(cv: cvdata.CV, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "x.bib",
        """
        @misc{care, title = {Something New}, year = {2021}}
        @misc{care, title = {Something Newer}, year = {2021}}
        """,
    )
    # The same key twice: BibTeX keeps the first entry; so does the import, and says so.
    plan = plan_import(cv, read_bibtex(path), str(path))
    assert [p.paper["title"] for p in plan.added] == ["Something New"]
    assert [(s.key, s.line) for s in plan.skipped] == [("care", 3)]
    assert "used by an earlier entry too" in plan.skipped[0].reason
    _write(
        path,
        """
        @misc{care, title = {Something New}, year = {2021}}
        @misc{Care, title = {Something Newer}, year = {2021}}
        @misc{x-cvdata, title = {Third}, x-cvdata-id = {my-own-id}}
        """,
    )
    plan = plan_import(cv, read_bibtex(path), str(path))
    assert [p.paper["id"] for p in plan.added] == ["care-2", "care-3", "my-own-id"]


@pytest.mark.parametrize(
    ("entry_type", "fields", "kind"),
    [
        ("inproceedings", {}, "conference"),
        ("article", {}, "journal"),
        ("article", {"journal": "arXiv preprint arXiv:2301.1"}, "preprint"),
        ("book", {}, "book"),
        ("misc", {}, "preprint"),
        ("misc", {"howpublished": "Together AI Blog"}, "blog"),
        ("online", {}, "blog"),
        ("patent", {}, "patent"),
        ("phdthesis", {}, "thesis"),
        ("techreport", {}, "blog"),
        ("dataset", {}, None),
    ],
)
def test_paper_type(entry_type: str, fields: dict, kind: str | None) -> None:
    assert paper_type(entry_type, fields) == kind


def test_names() -> None:
    assert split_authors("Zhou, Zhongzhu and {Barnes and Noble} AND Jane Doe") == [
        "Zhou, Zhongzhu",
        "Barnes and Noble",
        "Jane Doe",
    ]
    assert natural_name("Zhou, Zhongzhu") == "Zhongzhu Zhou"
    assert natural_name("King, Jr., Martin") == "Martin King Jr."
    assert same_name("ZHOU,  zhongzhu", "Zhongzhu Zhou")
    assert not same_name("Zhongzhu Zhu", "Zhongzhu Zhou")
    assert norm_title("CARE: Covariance-Aware") == norm_title("care —  covariance aware")
    assert norm_title("Ünïcode") == "unicode"


# ------------------------------------------------------------------------- writing


def test_import_writes_valid_rows_and_keeps_existing_bytes(
    broken_copy, run_cvdata, bib: Path
) -> None:
    folder = broken_copy()
    before = {name: (folder / name).read_bytes() for name in os.listdir(folder)}
    proc = run_cvdata("import", "bibtex", str(bib), str(folder), cwd=bib.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "refs.bib: 7 entries read" in out
    assert "  skip again (line 26): already in the CV as 'care' (same title and year)" in out
    assert "  add  zhou2025fast (line 2): 'Fast LLM Serving with Müller Kernels'" in out
    # The arXiv entry's venue is new to the seed: one row of venues.csv.
    assert (
        "4 to add, 3 skipped; wrote venues.csv (+1 row), papers.csv (+4 rows), "
        "paper_authors.csv (+6 rows)"
    ) in out
    assert "paper_identifiers.csv (+2 rows), paper_links.csv (+1 row); the data validates" in out
    changed = {"venues.csv", "papers.csv", "paper_authors.csv", "paper_identifiers.csv"}
    changed.add("paper_links.csv")
    for name, data in before.items():
        now = (folder / name).read_bytes()
        if name in changed:
            assert now.startswith(data) and len(now) > len(data), name
        else:
            assert now == data, name
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no staging leftovers
    loaded = cvdata.load(folder, as_of=AS_OF)
    assert len(loaded.papers) == 26
    row = loaded.papers.set_index("id").loc["zhou2025fast"]
    assert row["venue_id"] == "icml" and row["year"] == 2025
    assert "Imported from refs.bib (entry zhou2025fast)" in row["notes"]
    owners = loaded.paper_authors[loaded.paper_authors["is_owner"]]["paper_id"]
    assert {"zhou2025fast", "doe2024journal", "zhou2025fast2"} <= set(owners)
    # Importing the same file again adds nothing.
    again = run_cvdata("import", "bibtex", str(bib), str(folder), cwd=bib.parent)
    assert again.returncode == 0
    assert "nothing to add (0 to add, 7 skipped)" in again.stdout


def test_dry_run_changes_nothing(broken_copy, run_cvdata, bib: Path) -> None:
    folder = broken_copy()
    before = _fingerprint(folder)
    proc = run_cvdata("import", "bibtex", str(bib), str(folder), "--dry-run", cwd=bib.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "dry run: would write venues.csv (+1 row), papers.csv (+4 rows)" in proc.stdout
    assert "the result validates; no file changed" in proc.stdout
    assert _fingerprint(folder) == before


def test_malformed_entry_is_skipped_with_its_line_and_the_others_import(
    broken_copy, run_cvdata, tmp_path: Path
) -> None:
    folder = broken_copy()
    bad = _write(
        tmp_path / "bad.bib",
        """\
        @article{fine2020, title = {Fine}, author = {A B}, year = {2020}, journal = {J}}

        @inproceedings{broken2021,
          title = {Missing brace,
          author = {A B},
          year = {2021}
        }

        @misc{twice, title = {A}, title = {B}, eprint = {2101.00001}, archiveprefix = {arXiv}}
        """,
    )
    proc = run_cvdata("import", "bibtex", str(bad), str(folder), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "skip broken2021 (line 3): " in out
    assert "bad.bib:9: entry 'twice': title given twice; the first value is kept" in out
    assert "Traceback" not in out + proc.stderr and "Parsing of" not in out
    _, rows, _ = read_csv(folder / "papers.csv")
    titles = [r[1] for r in rows]
    assert "Fine" in titles and "A" in titles and "B" not in titles


def test_result_that_would_not_validate_leaves_data_untouched(
    broken_copy, run_cvdata, tmp_path: Path
) -> None:
    folder = broken_copy()
    before = _fingerprint(folder)
    future = _write(
        tmp_path / "future.bib",
        "@article{late, title = {From the Future}, author = {A B}, year = {2031}}\n",
    )
    proc = run_cvdata("import", "bibtex", str(future), str(folder), cwd=tmp_path)
    assert proc.returncode == 1
    # Found only by validating the folder with the new row, told as the entry's problem.
    assert "future.bib:1: entry 'late': year: a published paper dated 2031 is after the" in (
        proc.stdout
    )
    assert "papers.csv:" not in proc.stdout
    assert str(folder.name) in proc.stdout and "cvdata-import" not in proc.stdout
    assert "nothing was imported and no file changed" in proc.stdout
    assert _fingerprint(folder) == before


def test_not_utf8_and_missing_files(broken_copy, run_cvdata, tmp_path: Path) -> None:
    folder = broken_copy()
    latin = tmp_path / "latin.bib"
    latin.write_bytes(b"@misc{a, title = {M\xfcller}}\n")
    proc = run_cvdata("import", "bibtex", str(latin), str(folder), cwd=tmp_path)
    assert proc.returncode == 1
    assert "latin.bib:1: the file is not UTF-8" in proc.stderr
    proc = run_cvdata("import", "bibtex", str(tmp_path / "nope.bib"), str(folder), cwd=tmp_path)
    assert proc.returncode == 1
    assert "nope.bib: cannot read the file" in proc.stderr


def test_bibtex_lands_through_the_one_landing_path(cv: cvdata.CV, broken_copy, bib: Path) -> None:
    folder = broken_copy()
    fmt, options = IMPORTS["bibtex"], argparse.Namespace()
    dry = land(fmt, [str(bib)], folder, options, AS_OF, dry_run=True)
    assert dry.ok and not dry.written
    assert dry.added == {
        "venues": 1,
        "papers": 4,
        "paper_authors": 6,
        "paper_identifiers": 2,
        "paper_links": 1,
    }
    # The report: per entry type, what came in, was stored, merged or set aside (named).
    sections = dry.report.sections
    assert sum(s.came_in for s in sections.values()) == 7
    assert sum(s.stored for s in sections.values()) == 4
    assert sum(s.merged for s in sections.values()) == 2
    aside = [where for s in sections.values() for where, _ in s.set_aside]
    assert len(aside) == 1 and "refs.bib:" in aside[0] and "data2022" in aside[0]
    header, rows, _ = read_csv(folder / "papers.csv")
    assert len(rows) == len(cv.papers)
    done = land(fmt, [str(bib)], folder, options, AS_OF)
    assert done.written
    header, rows, _ = read_csv(folder / "papers.csv")
    assert len(rows) == len(cv.papers) + 4
    assert rows[-1][header.index("id")] == "zhou2025fast2"


def test_a_problem_of_an_entrys_rows_names_its_line_and_key(
    broken_copy, run_cvdata, tmp_path: Path
) -> None:
    # The second entry's year is past what the folder allows, in its paper and in the
    # award al-folio's 'award' makes of it (a row of another table): both are told as
    # the entry's, by its line and key, never as a line of papers.csv or awards.csv.
    folder = broken_copy()
    refs = _write(
        tmp_path / "refs.bib",
        """\
        @article{good, title = {A Good One}, author = {Ann Example}, year = {2020}}

        @article{odd,
          title = {An Odd One}, author = {Ann Example}, year = {2040}, award = {Best Paper}}
        """,
    )
    proc = run_cvdata("import", "bibtex", str(refs), str(folder), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout
    told = [ln for ln in proc.stdout.splitlines() if ln.startswith("refs.bib:3: entry 'odd': ")]
    assert len(told) == 3, proc.stdout  # the paper twice (late, published), the award once
    assert "year: 2040 is more than 10 years after the as-of date" in told[0]
    assert ".csv:" not in proc.stdout


_BROKEN_ENTRIES = """\
@article{nobrace2021,
  title = {Missing brace,
  author = {A B},
  year = {2021}
}

@inproceedings{nocomma2020 title = {No comma}, year = {2020}}

@book{notitle2019, author = {A B}, year = {2019}}
"""


def test_a_file_of_only_broken_entries_fails_naming_each_and_changes_nothing(
    broken_copy, run_cvdata, tmp_path: Path
) -> None:
    folder = broken_copy()
    before = _fingerprint(folder)
    bad = _write(tmp_path / "bad.bib", _BROKEN_ENTRIES)
    proc = run_cvdata("import", "bibtex", str(bad), str(folder), cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    err = proc.stderr
    assert "bad.bib:1: entry 'nobrace2021': " in err
    assert "bad.bib:7: entry 'nocomma2020': Expected comma after entry key" in err
    assert "bad.bib:9: entry 'notitle2019': has no title" in err
    assert "bad.bib: no entry can be imported (all 3 entries above set aside)" in err
    assert "nothing was imported" in err and "Traceback" not in err
    assert _fingerprint(folder) == before


def test_a_file_of_no_entries_fails_and_a_second_import_does_not(
    broken_copy, run_cvdata, tmp_path: Path
) -> None:
    folder = broken_copy()
    empty = _write(tmp_path / "empty.bib", "% nothing here but a comment\n")
    proc = run_cvdata("import", "bibtex", str(empty), str(folder), cwd=tmp_path)
    assert proc.returncode == 1
    assert "empty.bib: holds no BibTeX entry" in proc.stderr
    # Every entry already in the CV is no failure: the second import adds nothing.
    one = _write(tmp_path / "one.bib", "@article{one, title = {One}, author = {A B}, year = 2020}")
    assert run_cvdata("import", "bibtex", str(one), str(folder), cwd=tmp_path).returncode == 0
    again = run_cvdata("import", "bibtex", str(one), str(folder), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "nothing to add" in again.stdout


def test_broken_entries_beside_a_good_one_are_set_aside_and_it_imports(
    broken_copy, run_cvdata, tmp_path: Path
) -> None:
    folder = broken_copy()
    good = "\n@article{good2022, title = {Still Good}, author = {A B}, year = {2022}}\n"
    mixed = _write(tmp_path / "mixed.bib", _BROKEN_ENTRIES + good)
    proc = run_cvdata("import", "bibtex", str(mixed), str(folder), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "set aside mixed.bib:7 (entry nocomma2020): Expected comma" in proc.stdout
    assert "set aside mixed.bib:9 (entry notitle2019): has no title" in proc.stdout
    _, rows, _ = read_csv(folder / "papers.csv")
    assert "Still Good" in [r[1] for r in rows]
