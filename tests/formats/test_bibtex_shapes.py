"""``cvdata import bibtex`` on the shapes real exports have (tests/fixtures/bibtex/: DBLP with
and without crossref, al-folio, Google Scholar, Zotero, a vita, patents, a broken file), and
the owner found across the spellings of a name (:mod:`cvdata.names`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF

import cvdata
from cvdata.formats.bibtex import ImportPlan, plan_import, read_bibtex
from cvdata.formats.bibtex._latex import decode
from cvdata.names import is_owner_name, near_names, person_keys

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex"


def _new_cv(tmp_path: Path, name: str) -> cvdata.CV:
    folder = tmp_path / "cv"
    subprocess.run(
        [sys.executable, "-m", "cvdata", "init", str(folder), "--name", name],
        check=True,
        capture_output=True,
    )
    return cvdata.load(folder, as_of=AS_OF)


def _plan(tmp_path: Path, fixture: str, owner: str = "Avery B. Quinn") -> ImportPlan:
    path = FIXTURES / fixture
    return plan_import(_new_cv(tmp_path, owner), read_bibtex(path), str(path))


def _by_key(plan: ImportPlan) -> dict:
    return {p.key: p for p in plan.added}


def test_dblp_preprints_venues_math_and_owner(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "dblp.bib")
    papers = _by_key(plan)
    corr = papers["DBLP:journals/corr/abs-2408-03465"]
    assert (corr.paper["type"], corr.paper["status"]) == ("preprint", "preprint")
    assert {"scheme": "arxiv", "value": "2408.03465"}.items() <= corr.identifiers[1].items()
    # The arXiv id from DBLP's volume alone (no eprint field).
    bare = papers["DBLP:journals/corr/abs-2301-00042"]
    assert [i["value"] for i in bare.identifiers if i["scheme"] == "arxiv"] == ["2301.00042"]
    eccc = papers["DBLP:journals/eccc/QuinnO23"]
    assert eccc.paper["type"] == "preprint" and eccc.paper["venue_id"] == "eccc"
    assert "TR23-012" in eccc.paper["venue_display"]
    # ICML 2023 and 2024: one venue, named by the acronym in DBLP's braces.
    icml = [papers[k].paper["venue_id"] for k in papers if "conf/icml" in k]
    assert icml == ["icml", "icml"]
    made = {v["id"]: v for v in plan.venues}
    assert made["icml"] == {
        "id": "icml",
        "acronym": "ICML",
        "name": "International Conference on Machine Learning",
        "kind": "conference",
    }
    assert made["arxiv"]["kind"] == "preprint-server"
    titles = {p.paper["title"] for p in plan.added}
    assert "Lower Bounds for #NC¹ and AC⁰[⊕] Circuits" in titles
    assert "TallFormerᵀᴹ: Scaling Laws Revisited" in titles
    assert "Rank-One Updates in O(n log n) Time with α-Smoothing" in titles
    assert "A Note on 𝒪-Notation for 𝔤-Modules" in titles
    # Every paper has the owner, 'Avery Quinn 0002' (DBLP's namesake number) included.
    assert all(any(a["is_owner"] == "true" for a in p.authors) for p in plan.added)
    assert plan.warnings == []


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\#}NC\({}^{\mbox{1}}\)", "#NC¹"),
        (r"AC\({}^{\mbox{0}}\)[{\(\oplus\)}]", "AC⁰[⊕]"),
        (r"\(x_{ij}\) and \(\mathbb{R}^n\)", "xᵢⱼ and ℝⁿ"),
        (r"\(\sqrt{n}\)-approximation", "√n-approximation"),
        # No exact Unicode: the source is kept, never fewer characters.
        (r"A \(\frac{1}{2}\)-approximation", r"A \(\frac{1}{2}\)-approximation"),
        (r"\(\sqrt{n+1}\) steps", r"\(\sqrt{n+1}\) steps"),
        (r"\(2^{O(\sqrt{n})}\)", r"\(2^{O(\sqrt{n})}\)"),
    ],
)
def test_math_in_titles_is_kept_whole(latex: str, text: str) -> None:
    assert decode(latex) == text


def test_dblp_crossref_parents_fill_children_and_are_not_papers(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "dblp-crossref.bib")
    assert sorted(p.key for p in plan.added) == [
        "DBLP:conf/colt/QuinnO22",
        "DBLP:conf/icml/QuinnL23",
    ]
    assert {s.key for s in plan.skipped} == {"DBLP:conf/icml/2023", "DBLP:conf/colt/2022"}
    assert all("crossref" in s.reason for s in plan.skipped)
    colt = _by_key(plan)["DBLP:conf/colt/QuinnO22"].paper
    # No booktitle or year of its own: both from the parent volume.
    assert colt["year"] == "2022"
    assert colt["venue_display"].startswith("Conference on Learning Theory")


def test_alfolio_fields_markers_and_owner_with_diacritics(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "alfolio.bib", owner="Zoë Ångström-Lind")
    papers = _by_key(plan)
    lattice = papers["angstrom2024lattice"]
    assert lattice.paper["resume"] == "true"  # selected={true}
    assert papers["angstrom2022survey"].paper["resume"] == ""  # selected={false}
    assert [(a["name"], a["equal_contribution"]) for a in lattice.authors] == [
        ("Zoë Ångström-Lind", "false"),
        ("Tomás Ferreira", "true"),
        ("Ida Brandt", "true"),
    ]
    flows = papers["ferreira2023flows"].authors  # Doe$^\dagger$
    assert [a["name"] for a in flows] == ["Tomás Ferreira", "Zoe Angstrom-Lind", "Ida Brandt"]
    assert [a["equal_contribution"] for a in flows] == ["false", "true", "true"]
    # The owner in every spelling: accents dropped, an initial.
    assert all(any(a["is_owner"] == "true" for a in p.authors) for p in plan.added)
    assert [(link["kind"], link["url"]) for link in lattice.links] == [
        ("paper", "https://papers.example.cc/lattice-priors"),
        ("code", "https://github.com/example-lab/lattice-priors"),
    ]
    assert any("lattice_priors.pdf" in d for d in lattice.dropped)  # a file of the site
    assert [i["value"] for i in lattice.identifiers if i["scheme"] == "arxiv"] == ["2405.01234"]
    assert [a["name"] for a in lattice.awards] == ["Outstanding Paper Award"]
    assert lattice.paper["venue_id"] == papers["ferreira2023flows"].paper["venue_id"] == "neurips"
    assert papers["angstrom2025preprint"].paper["type"] == "preprint"
    assert plan.warnings == []


def test_scholar_and_zotero_shapes(tmp_path: Path) -> None:
    scholar = _by_key(_plan(tmp_path / "s", "scholar.bib"))
    assert scholar["quinn2021sparse"].paper["venue_id"] == "cvpr"  # "(CVPR)" in the name
    assert scholar["quinn2021sparse"].paper["authors_truncated"] == "true"  # and others
    arxiv = scholar["quinn2022scaling"]
    assert arxiv.paper["type"] == "preprint"
    assert [i["value"] for i in arxiv.identifiers if i["scheme"] == "arxiv"] == ["2203.01234"]
    zotero = _by_key(_plan(tmp_path / "z", "zotero.bib"))
    lattices = zotero["quinn_lattices_2021"]
    assert (lattices.paper["type"], lattices.paper["venue_id"]) == ("preprint", "arxiv")
    assert [i["value"] for i in lattices.identifiers if i["scheme"] == "arxiv"] == ["2106.01234"]
    assert zotero["quinn_budgets_2020"].paper["type"] == "journal"


def test_mendeley_and_alfolio_preprints_by_the_evidence(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "mendeley.bib")
    papers = _by_key(plan)
    # Mendeley adds the preprint's arXiv id to the published article: a journal paper,
    # published, with both its DOI and its arXiv id.
    article = papers["Quinn2016"]
    assert (article.paper["type"], article.paper["status"]) == ("journal", "published")
    assert article.paper["venue_display"] == "Journal of Tall Things"
    schemes = {i["scheme"]: i["value"] for i in article.identifiers}
    assert schemes == {"doi": "10.1000/jtt.2016.0042", "arxiv": "1609.01234"}
    # A year after the acronym belongs to the year, never to the acronym.
    assert papers["Quinn2018c"].paper["venue_id"] == "tallag"
    assert [v["acronym"] for v in plan.venues if v["id"] == "tallag"] == ["TallAg"]
    # al-folio's preprint: an @article with an arXiv id and no journal.
    preprint = papers["quinn2024visual"]
    assert (preprint.paper["type"], preprint.paper["status"]) == ("preprint", "preprint")
    assert preprint.paper["venue_id"] == "arxiv"


def test_arxivs_own_shapes_are_preprints_with_their_ids(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "arxiv-export.bib")
    papers = _by_key(plan)
    for key, arxiv in (
        ("quinn2019tall", "1911.01234"),
        ("quinn2022corpus", ""),  # publisher = {arXiv} is its only venue
        ("quinn2025linear", "2501.01234"),  # eprint = {arXiv:ID}
    ):
        paper = papers[key]
        assert (paper.paper["type"], paper.paper["venue_id"]) == ("preprint", "arxiv"), key
        ids = [i["value"] for i in paper.identifiers if i["scheme"] == "arxiv"]
        assert ids == ([arxiv] if arxiv else []), key
    assert not [w for w in plan.warnings if "no arXiv id" in w]


def test_vita_talks_editorial_board_and_guesses(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "vita.bib")
    talks = {t["id"]: t for t in plan.talks}
    assert talks["keynote-tallconf-2024"]["kind"] == "keynote"
    assert talks["keynote-tallconf-2024"]["date"] == "2024-05"
    assert talks["talk-seminar-2023"]["kind"] == "invited-talk"
    assert talks["talk-seminar-2023"]["date"] == "2023-11-14"
    assert [p.key for p in plan.added] == ["quinn2019notes"]
    assert [s.key for s in plan.skipped] == ["editorial-jtt"]
    assert "service.csv" in plan.skipped[0].reason
    assert any("'quinn2019notes'" in w and "check its kind" in w for w in plan.warnings)
    assert not any("'editorial-jtt'" in w for w in plan.warnings)  # set aside says it


def test_patents_keep_number_country_and_status(tmp_path: Path) -> None:
    papers = _by_key(_plan(tmp_path, "patents.bib"))
    granted, applied = papers["quinn2021patent"], papers["quinn2023application"]
    assert (granted.paper["venue_display"], granted.paper["status"]) == ("US patent", "published")
    assert ("patent-publication", "US 11,234,567 B2") in {
        (i["scheme"], i["value"]) for i in granted.identifiers
    }
    assert applied.paper["venue_display"] == "EP patent application"  # country from the number
    assert applied.paper["status"] == "submitted"
    assert [(i["scheme"], i["value"]) for i in applied.identifiers] == [
        ("patent-application", "EP4012345A1")
    ]


def test_broken_entry_is_skipped_with_its_line_and_a_field_twice_keeps_the_first(
    tmp_path: Path,
) -> None:
    plan = _plan(tmp_path, "broken.bib")
    assert [p.key for p in plan.added] == ["good2020", "twice2021", "after2023"]
    assert _by_key(plan)["twice2021"].paper["title"] == "The First Title Wins"
    assert [(s.key, s.line) for s in plan.skipped] == [("stray2022", 17)]
    (warning,) = plan.warnings
    assert warning.endswith(
        "broken.bib:8: entry 'twice2021': title given twice; the first value is kept"
    )


def test_cli_imports_the_good_entries_of_a_broken_file_all_or_nothing(
    tmp_path: Path, run_cvdata
) -> None:
    _new_cv(tmp_path, "Avery B. Quinn")
    folder = tmp_path / "cv"
    proc = run_cvdata("import", "bibtex", str(FIXTURES / "broken.bib"), str(folder))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "skip stray2022 (line 17)" in proc.stdout
    assert "3 to add, 1 skipped" in proc.stdout
    assert len(cvdata.load(folder, as_of=AS_OF).papers) == 3


def test_owner_not_found_warns_with_near_matches(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "scholar.bib", owner="Avery Quin")  # a letter short
    assert not any(a["is_owner"] == "true" for p in plan.added for a in p.authors)
    (warning,) = plan.warnings
    assert "'Avery Quin' (person.csv) matches no author of the 3 papers added" in warning
    assert "; near matches: 'A Quinn' (1 paper), " in warning
    assert "'Avery B Quinn' (1 paper)" in warning and "Lemaire" not in warning


@pytest.mark.parametrize(
    "name",
    [
        "Quinn, Avery",
        "A. Quinn",
        "Quinn, A. B.",
        "Avery Quinn 0002",
        "Ávery Quinn*",
        "Quinn Avery B",  # family name first, no comma
        "QUINN, AVERY BELL",
    ],
)
def test_owner_variants(name: str) -> None:
    assert is_owner_name("Avery B. Quinn", name)


@pytest.mark.parametrize("name", ["Bob Quinn", "A. Quinnell", "Avery C. Quinn", "Quinn"])
def test_not_the_owner(name: str) -> None:
    assert not is_owner_name("Avery B. Quinn", name)


def test_near_names() -> None:
    assert near_names("Avery Quin", ["Avery B Quinn", "Bob Lemaire", "Ilse Okonkwo"]) == [
        "Avery B Quinn"
    ]


def test_person_keys_merge_conservatively() -> None:
    keys = person_keys(["Jane Doe", "J. Doe", "Jane Q. Doe", "Bo Lee"])
    assert keys["Jane Doe"] == keys["J. Doe"] == keys["Jane Q. Doe"] != keys["Bo Lee"]
    # 'J. Doe' could be Jane or John: nothing is merged with it.
    keys = person_keys(["Jane Doe", "John Doe", "J. Doe"])
    assert len(set(keys.values())) == 3


def test_an_article_whose_journal_is_a_conference_is_a_conference_paper(tmp_path: Path) -> None:
    """al-folio files write `@article{..., journal = {ICML}}`: the venue is a conference."""
    paper = _by_key(_plan(tmp_path, "mendeley.bib"))["quinn2023conf"].paper
    assert (paper["type"], paper["status"]) == ("conference", "published")
    assert paper["venue_display"] == "ICML"


def test_words_in_the_year_become_the_status_and_are_reported(tmp_path: Path) -> None:
    """`year = {2020, in press, journal track}`: 2020, accepted, and a warning naming what
    is not stored (it was dropped without a word)."""
    plan = _plan(tmp_path, "mendeley.bib")
    paper = _by_key(plan)["quinn2020press"].paper
    assert (str(paper["year"]), paper["status"]) == ("2020", "accepted")
    (said,) = [w for w in plan.warnings if "quinn2020press" in w]
    assert "year: '2020, in press, journal track'" in said and "'in press, journal track'" in said
