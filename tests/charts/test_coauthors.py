"""The co-authors chart.

Figures are checked as data: how many bars and markers, where ongoing roles end, what the
hover text says, what is left out and whether the figure says so.
"""

from __future__ import annotations

from conftest import AS_OF, edit_cell
from figure_checks import (
    BRAND,
    bars,
    many_papers,  # noqa: F401 (fixtures)
    notes,
)

import cvdata
from cvdata import charts

# --------------------------------------------------------------------------- collaborators


def test_coauthors_exclude_the_owner_and_count_shared_papers(cv) -> None:
    people = charts.coauthors.table(cv)
    owner = cv.owner["name"]
    assert owner not in set(people["name"])
    totals = people.drop_duplicates("key").set_index("name")["total"]
    a = cv.paper_authors
    assert (
        totals["Shuaiwen Leon Song"] == a[a["name"] == "Shuaiwen Leon Song"]["paper_id"].nunique()
    )
    assert totals.is_monotonic_decreasing


def test_coauthor_names_are_matched_by_case_and_spacing(broken_copy) -> None:
    data = broken_copy()
    path = data / "paper_authors.csv"
    # Two of Xiaoxia Wu's papers spelt differently; the common spelling stays on display.
    edit_cell(path, {"paper_id": "kitty", "name": "Xiaoxia Wu"}, "name", "xiaoxia  WU")
    edit_cell(path, {"paper_id": "quant-llm", "name": "Xiaoxia Wu"}, "name", " Xiaoxia Wu")
    cv = cvdata.load(data, as_of=AS_OF)
    people = charts.coauthors.table(cv).drop_duplicates("key").set_index("key")
    # One person with 'Xiaoxia Shirley Wu' too (cvdata.names: a middle name one spelling
    # leaves out): 9 papers as Xiaoxia Wu, 1 with the middle name.
    assert people.loc["xiaoxia shirley wu", "name"] == "Xiaoxia Wu"
    assert people.loc["xiaoxia shirley wu", "total"] == 10
    assert not people["name"].str.contains("WU|  ").any()


def test_coauthor_chart_top_n_and_hover(cv) -> None:
    people = charts.coauthors.table(cv, top=5)
    fig = charts.coauthors.figure(people, brand=BRAND)
    names = {y for t in bars(fig) for y in t.y}
    assert len(names) == 5
    more = people["key"].nunique() - 5
    assert any(f"+ {more} more co-authors not shown" in n for n in notes(fig))
    hover = " ".join(h for t in bars(fig) for h in t.hovertext)
    assert "Shuaiwen Leon Song" in hover and "Flash-LLM" in hover
    caption, alt = charts.coauthors.describe(people)
    assert f"{more} more" in caption and "Shuaiwen Leon Song 12" in alt


def test_coauthors_with_5000_papers(many_papers) -> None:
    people = charts.coauthors.table(many_papers, top=20)
    fig = charts.coauthors.figure(people, brand=BRAND)
    assert len({y for t in bars(fig) for y in t.y}) == 20
    # Spelling variants from the generator were merged.
    raw = many_papers.paper_authors[~many_papers.paper_authors["is_owner"]]["name"]
    assert raw.nunique() > people["key"].nunique()
