"""Venues and co-authors of imported papers: a paper's own venue text counts in the venue
chart (grouped across years), no venue chart without venues, and the owner's spellings are
never the owner's own co-authors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
from conftest import AS_OF

import cvdata
from cvdata import charts
from cvdata.charts._tables import venue_label

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex"


def _imported(tmp_path: Path, run_cvdata, name: str, *bibs: str) -> cvdata.CV:
    folder = tmp_path / "cv"
    assert run_cvdata("init", str(folder), "--name", name).returncode == 0
    for bib in bibs:
        proc = run_cvdata("import", "bibtex", str(FIXTURES / bib), str(folder))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return cvdata.load(folder, as_of=AS_OF)


def test_dblp_cv_venue_chart_names_venues_and_counts_preprints(tmp_path: Path, run_cvdata) -> None:
    cv = _imported(tmp_path, run_cvdata, "Avery B. Quinn", "dblp.bib")
    counts = charts.venues.table(cv)
    assert counts["has_venue"].all()  # every paper names its venue
    per = counts.groupby(["venue", "status"])["papers"].sum().to_dict()
    assert per[("ICML", "published")] == 2  # 2023 and 2024: one venue
    assert per[("arXiv", "preprint")] == 2 and per[("ECCC", "preprint")] == 1
    assert per[("J. Mach. Learn. Res.", "published")] == 1  # venue_display only
    caption, _ = charts.venues.describe(counts)
    assert "none with a venue given" not in caption
    assert caption.startswith("Publications by venue: 7 papers at 5 venues")


def test_venue_display_is_grouped_across_years(cv: cvdata.CV) -> None:
    papers = cv.papers.head(3).copy()
    papers["venue_id"] = pd.NA
    papers["venue_display"] = pd.array(
        ["Proceedings of the 3rd Workshop on Things 2021", "workshop on things 2022", pd.NA],
        dtype="string",
    )
    counts = charts.venues.table(dataclasses.replace(cv, papers=papers))
    real = counts[counts["has_venue"]]
    assert set(real["venue"]) == {"Workshop on Things"}
    assert int(real["papers"].sum()) == 2
    assert venue_label("ICML 2023") == "ICML"


def test_no_venue_chart_when_no_paper_names_one(cv: cvdata.CV) -> None:
    papers = cv.papers.copy()
    papers["venue_id"] = pd.NA
    papers["venue_display"] = pd.NA
    counts = charts.venues.table(dataclasses.replace(cv, papers=papers))
    fig = charts.venues.figure(counts)
    assert not fig.data  # Page.figure leaves a figure without data out, page and PDF
    assert charts.venues.describe(counts)[0].startswith("No venue chart")


def test_owner_spellings_are_not_coauthors_and_variants_merge(tmp_path: Path, run_cvdata) -> None:
    cv = _imported(tmp_path, run_cvdata, "Avery B. Quinn", "scholar.bib", "dblp.bib")
    authors = cv.paper_authors.copy()
    # An owner row left unmarked (a hand-made CV): still not a co-author.
    authors["is_owner"] = authors["is_owner"].where(authors["name"] != "A Quinn", False)
    people = charts.coauthors.table(dataclasses.replace(cv, paper_authors=authors))
    names = set(people["name"])
    assert not {n for n in names if "Quinn" in n}
    # 'I Okonkwo' (Scholar) and 'Ilse Okonkwo' (DBLP) are one person.
    assert (
        len({k for k, n in zip(people["key"], people["name"], strict=True) if "Okonkwo" in n}) == 1
    )
