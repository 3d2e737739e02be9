"""The publication charts: venues, years and authorship.

Figures are checked as data: how many bars and markers, where ongoing roles end, what the
hover text says, what is left out and whether the figure says so.
"""

from __future__ import annotations

from figure_checks import BRAND, bars, many_papers, no_papers, notes, timeline_of, traces  # noqa: F401 (fixtures)

from cvdata import charts

# --------------------------------------------------------------------------- publications


def test_venue_counts_every_paper_once(cv) -> None:
    counts = charts.venues.table(cv)
    assert counts["papers"].sum() == len(cv.papers)
    assert counts["shown"].all()  # 13 venues fit under the default top 12 + 1
    buckets = set(counts.loc[~counts["has_venue"], "venue"])
    assert buckets == {"no venue (preprint)", "no venue (forthcoming)"}
    # Acronyms where there are, names otherwise.
    assert {"ICML", "VLDB", "Tianjin University Press"} <= set(counts["venue"])


def test_venue_chart_top_n_says_how_many_more(cv) -> None:
    counts = charts.venues.table(cv, top=3)
    fig = charts.venues.figure(counts, brand=BRAND)
    venues = counts[counts["has_venue"]]["venue"].nunique()
    shown = {y for t in bars(fig) for y in t.y}
    assert len(shown - {"no venue (preprint)", "no venue (forthcoming)"}) == 3
    hidden = counts[~counts["shown"]]
    text = " ".join(notes(fig))
    assert f"+ {venues - 3} more venues with {int(hidden['papers'].sum())} papers" in text
    caption, _ = charts.venues.describe(counts)
    assert f"{venues - 3} more" in caption
    # Every paper is either in a bar or counted in the note.
    drawn = sum(sum(t.x) for t in bars(fig))
    assert drawn + int(hidden["papers"].sum()) == len(cv.papers)


def test_top_n_never_cuts_a_single_item(cv) -> None:
    venues = charts.venues.table(cv)["venue"].nunique() - 2  # two no-venue buckets
    assert charts.venues.table(cv, top=venues - 1)["shown"].all()
    assert not charts.venues.table(cv, top=venues - 2)["shown"].all()


def test_status_colours_are_the_same_in_every_chart(cv) -> None:
    seen: dict[str, set[str]] = {}
    figs = [
        charts.venues.figure(charts.venues.table(cv), brand=BRAND),
        charts.years.figure(charts.years.table(cv), brand=BRAND),
        charts.authorship.figure(charts.authorship.table(cv), brand=BRAND),
        charts.coauthors.figure(charts.coauthors.table(cv), brand=BRAND),
    ]
    for fig in figs:
        for t in bars(fig):
            seen.setdefault(t.name, set()).add(t.marker.color)
    fig, _, _ = timeline_of(cv)
    for t in traces(fig, "paper"):
        seen.setdefault(t.name.removeprefix("Paper: ").capitalize(), set()).add(t.marker.color)
    assert {"Published", "Submitted", "Preprint", "Forthcoming"} <= set(seen)
    assert all(len(colours) == 1 for colours in seen.values()), seen
    assert len({next(iter(c)) for c in seen.values()}) == len(seen)  # one colour per status


def test_papers_by_year_has_every_year_and_a_no_year_slot(cv) -> None:
    counts = charts.years.table(cv)
    assert counts["papers"].sum() == len(cv.papers)
    slots = list(dict.fromkeys(counts["year_label"]))
    years = cv.papers["year"].dropna()
    assert slots[:-1] == [str(y) for y in range(int(years.min()), int(years.max()) + 1)]
    assert slots[-1] == "no year"
    undated = int(cv.papers["year"].isna().sum())
    assert counts[counts["year_label"] == "no year"]["papers"].sum() == undated
    caption, _ = charts.years.describe(counts)
    assert f"{undated} papers without a year" in caption
    fig = charts.years.figure(counts, brand=BRAND)
    assert list(fig.layout.xaxis.categoryarray) == slots


def test_authorship_counts_first_author_and_equal_contribution(cv) -> None:
    counts = charts.authorship.table(cv).groupby("group")["papers"].sum()
    owner = cv.paper_authors[cv.paper_authors["is_owner"]]
    assert counts["first"] == int((owner["position"] == 1).sum())
    assert counts["equal"] == int(owner["equal_contribution"].sum())
    assert counts["all"] == len(cv.papers)
    assert counts["first"] + counts["other"] + counts["unlisted"] <= counts["all"]
    caption, _ = charts.authorship.describe(charts.authorship.table(cv))
    assert f"first author on {counts['first']} of {len(cv.papers)} papers" in caption
    fig = charts.authorship.figure(charts.authorship.table(cv), brand=BRAND)
    assert {"All papers", "First author", "Equal contribution (*)"} <= {
        y for t in bars(fig) for y in t.y
    }


def test_publication_charts_without_papers(no_papers) -> None:
    for counts, build in (
        (charts.venues.table(no_papers), charts.venues.figure),
        (charts.years.table(no_papers), charts.years.figure),
        (charts.authorship.table(no_papers), charts.authorship.figure),
        (charts.coauthors.table(no_papers), charts.coauthors.figure),
    ):
        fig = build(counts, brand=BRAND)
        assert bars(fig) == []
        assert any("No " in n for n in notes(fig)), build.__name__
    assert charts.venues.describe(charts.venues.table(no_papers))[0] == ("No papers yet.")
    assert charts.coauthors.describe(charts.coauthors.table(no_papers))[0] == "No co-authors yet."


def test_publication_charts_with_5000_papers(many_papers) -> None:
    counts = charts.venues.table(many_papers, top=10)
    fig = charts.venues.figure(counts, brand=BRAND)
    hidden = counts[~counts["shown"]]
    drawn = sum(sum(t.x) for t in bars(fig))
    assert drawn + int(hidden["papers"].sum()) == 5000
    assert any("more venues" in n for n in notes(fig))
    years = charts.years.table(many_papers)
    assert years["papers"].sum() == 5000
    fig = charts.years.figure(years, brand=BRAND)
    assert sum(sum(t.y) for t in bars(fig)) == 5000
