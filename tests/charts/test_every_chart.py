"""What every chart does: captions, alt text, colours, escaping; and at scale.

Figures are checked as data: how many bars and markers, where ongoing roles end, what the
hover text says, what is left out and whether the figure says so.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import pytest
from chart_helpers import all_figures
from conftest import AS_OF, edit_cell
from figure_checks import (  # noqa: F401 (fixtures)
    BRAND,
    all_ongoing,
    bar_ends,
    bars,
    count,
    hover_of,
    no_papers,
    notes,
    nothing,
    one_role,
    timeline_of,
    traces,
)

import cvdata
from cvdata import charts, synth

# --------------------------------------------------------------------------- every figure


@pytest.mark.parametrize("which", ["cv", "one_role", "all_ongoing", "no_papers", "nothing"])
def test_every_figure_has_a_caption_alt_text_and_the_brand(which, request) -> None:
    cv = request.getfixturevalue(which)
    for name, (fig, (caption, alt)) in all_figures(cv).items():
        assert caption.strip() and alt.strip(), name
        assert caption.endswith("."), (name, caption)
        assert alt.endswith(".") and ".." not in alt, (name, alt)
        assert fig.layout.height and fig.layout.height >= 150, name
        assert list(fig.layout.template.layout.colorway) == BRAND.colorway, name


def test_figures_use_only_colour_blind_safe_brand_colours(cv) -> None:
    allowed = {c.upper() for c in BRAND.palette.values()} | {"#FFFFFF"}
    for name, (fig, _) in all_figures(cv).items():
        for t in fig.data:
            colour = getattr(t.marker, "color", None) if hasattr(t, "marker") else None
            values = colour if isinstance(colour, list | tuple) else [colour]
            for c in values:
                if isinstance(c, str):
                    assert c.upper() in allowed, (name, t.name, c)


def test_hover_text_is_escaped(broken_copy) -> None:
    data = broken_copy()
    edit_cell(data / "roles.csv", "dolby", "title", "Intern <script>alert(1)</script> & Co")
    cv = cvdata.load(data, as_of=AS_OF)
    fig, _, _ = timeline_of(cv)
    text = hover_of(fig, "roles")["dolby"]
    assert "<script>" not in text and "&lt;script&gt;" in text and "&amp; Co" in text


def test_as_of_defaults_to_the_cv(cv) -> None:
    later = dt.date(2027, 1, 1)
    roles = charts.timeline.table(cv, later)
    fig = charts.timeline.figure(roles, as_of=later, brand=BRAND)
    assert bar_ends(fig)["together-ai"] == pd.Timestamp(later)
    # The day as the CV prints days (CLDR through cvdata.i18n): not zero-padded.
    assert any(re.search(r"as of 1 Jan 2027", n) for n in notes(fig))


# --------------------------------------------------------------------------- at scale (L)


@pytest.fixture(scope="module")
def large() -> cvdata.CV:
    """The benchmark's L size: 5,000 papers, 200 roles, 1,000 projects, 1,000 skills."""
    return synth.make_cv(n_papers=5000, n_roles=200, n_projects=1000, n_skills=1000, seed=0)


@pytest.fixture(scope="module")
def large_figures(large) -> dict[str, tuple[go.Figure, tuple[str, str]]]:
    built = all_figures(large)
    people = charts.coauthors.table(large, top=25)  # as the collaborators page asks
    built["coauthors top=25"] = (
        charts.coauthors.figure(people, brand=BRAND),
        charts.coauthors.describe(people),
    )
    return built


def test_every_figure_stays_readable_and_small_at_scale(large_figures, cv) -> None:
    # Every chart at most ~1,200 px tall at 820 px wide, except the all-skills chart, which
    # is allowed the height of the shipped CV's own (all 107 skills, nothing cut there).
    # The timeline may add the lines of its wrapped row labels (a role's title and
    # organisation are never cut): here at most two more a row; so may the projects chart.
    tallest_skills = charts.skills.figure(charts.skills.table(cv), brand=BRAND).layout.height
    for name, (fig, (caption, alt)) in large_figures.items():
        limit = tallest_skills if name == "skills" else 1200
        if name == "timeline":
            wrapped = sum(t.count("<br>") for t in fig.layout.yaxis.ticktext)
            assert wrapped <= 2 * len(fig.layout.yaxis.ticktext)
            limit += wrapped * charts.timeline._sizing._SCREEN.line
        if name == "projects":  # its role labels wrap too (never cut)
            wrapped = sum(t.count("<br>") for t in fig.layout.yaxis.categoryarray)
            limit += wrapped * charts.projects.LABEL_LINE
        assert fig.layout.height <= limit, (name, fig.layout.height)
        assert len(fig.to_json()) < 150_000, (name, len(fig.to_json()))
        assert caption.endswith(".") and alt.endswith(".") and ".." not in alt, name


def test_timeline_at_scale_counts_what_it_leaves_out(large, large_figures) -> None:
    fig, (caption, alt) = large_figures["timeline"]
    roles = charts.timeline.table(large)
    left = int((~roles["shown"]).sum())
    assert (
        count(fig, "roles") == charts.timeline.TIMELINE_ROLES
        and left == 200 - charts.timeline.TIMELINE_ROLES
    )
    assert any(n.startswith(f"+ {left} earlier roles not shown (") for n in notes(fig))
    assert f"the {charts.timeline.TIMELINE_ROLES} most recent of 200 roles" in caption
    assert f"{left} earlier roles not drawn" in alt
    # Papers are per-year bars whose counts add up to every dated paper; awards (at most a
    # dozen a year here) stay one star each.
    papers = traces(fig, "paper")
    assert all(t.meta.get("per_year") for t in papers)
    assert sum(sum(t.y) for t in papers) == int(large.papers["year"].notna().sum())
    assert count(fig, "award") == int(large.awards["year"].notna().sum())
    assert not any(t.meta.get("per_year") for t in traces(fig, "award"))


def test_projects_at_scale_draw_the_most_recent_roles(large, large_figures) -> None:
    fig, (caption, alt) = large_figures["projects"]
    table = charts.projects.table(large)
    shown, left = table[table["shown"]], table[~table["shown"]]
    assert shown["role_id"].notna().sum() == charts.projects.PROJECT_ROLES
    assert shown["role_id"].isna().sum() == 1  # "Other projects" is never cut
    assert sum(len(t.x) for t in bars(fig)) == len(shown)
    # Every project is in a bar or in the note.
    drawn = sum(sum(t.x) for t in bars(fig))
    assert drawn + int(left["projects"].sum()) == len(large.projects)
    note = (
        f"+ {len(left)} earlier roles with {int(left['projects'].sum()):,} projects not shown "
        f"(at most {int(left['projects'].max())} each)"
    )
    assert note in notes(fig), notes(fig)
    assert (
        f"the {charts.projects.PROJECT_ROLES} most recent roles drawn, {len(left)} earlier"
        in caption
    )
    assert f"({len(shown)} bars; {len(left)} earlier roles with" in alt
    # Earlier: every role left out ended no later than every role drawn.
    ends = charts.timeline.table(large, top=None).set_index("role_id")["end"]
    assert ends[left["role_id"]].max() <= ends[shown["role_id"].dropna()].min()


def test_more_notes_count_what_is_left_out_at_scale(large, large_figures) -> None:
    fig, (caption, _) = large_figures["coauthors top=25"]
    people = charts.coauthors.table(large, top=25).drop_duplicates("key")
    left = people[~people["shown"]]
    assert len({y for t in bars(fig) for y in t.y}) == 25
    assert (
        f"+ {len(left)} more co-authors not shown (each shares {int(left['total'].max())} "
        "papers or fewer)"
    ) in notes(fig)
    assert f"25 of {len(people)} co-authors" in caption
    counts = charts.venues.table(large)
    fig = charts.venues.figure(counts, brand=BRAND)
    hidden = counts[~counts["shown"]]
    assert (
        f"+ {hidden['venue'].nunique()} more venues with {int(hidden['papers'].sum()):,} papers "
        f"not shown (at most {int(hidden['venue_papers'].max())} each)"
    ) in notes(fig)


def test_venue_caption_of_papers_without_any_venue(cv) -> None:
    counts = charts.venues.table(cv)
    none = counts[~counts["has_venue"]]
    caption, _ = charts.venues.describe(none)
    total = int(none["papers"].sum())
    # No chart is drawn for them (issue 21): the caption says why, not "0 venues".
    assert caption == f"No venue chart: none of the {total} papers names its venue."
    assert charts.venues.figure(none, brand=BRAND).data == ()
