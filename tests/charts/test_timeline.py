"""The timeline: its table, its rows and labels, its markers and sizes.

Figures are checked as data: how many bars and markers, where ongoing roles end, what the
hover text says, what is left out and whether the figure says so.
"""

from __future__ import annotations

import html
import re
import shutil
from xml.etree import ElementTree

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import AS_OF, PROJECT, edit_cell
from figure_checks import (  # noqa: F401 (fixtures)
    BRAND,
    all_ongoing,
    bar_ends,
    count,
    cv_with_one_role,
    hover_of,
    many_papers,
    many_roles,
    no_papers,
    notes,
    one_role,
    timeline_of,
    traces,
)

import cvdata
from cvdata import charts, synth

# --------------------------------------------------------------------------- timeline


def test_timeline_draws_every_role_once_and_every_dated_paper_and_award(cv) -> None:
    fig, roles, _ = timeline_of(cv)
    assert count(fig, "roles") == len(cv.roles) == len(roles)
    assert sorted(bar_ends(fig)) == sorted(cv.roles["id"])
    dated_papers = int(cv.papers["year"].notna().sum())
    dated_awards = int(cv.awards["year"].notna().sum())
    assert count(fig, "paper") == dated_papers
    assert count(fig, "award") == dated_awards
    assert 0 < dated_papers < len(cv.papers)  # the shipped data has undated papers


def test_timeline_ongoing_roles_end_at_the_as_of_date(cv) -> None:
    fig, _, _ = timeline_of(cv)
    ends = bar_ends(fig)
    ongoing = cv.roles[cv.roles["end"].isna()]["id"].tolist()
    assert ongoing  # the shipped CV has current roles
    for rid in ongoing:
        assert ends[rid] == pd.Timestamp(AS_OF), rid
    # Ended roles run to the end of their last month.
    ended = cv.roles.dropna(subset=["end"]).set_index("id")["end"]
    for rid, end in ended.items():
        assert ends[rid] == end + pd.offsets.MonthEnd(0), rid
    # Ongoing bars are hatched; ended ones are not.
    for t in traces(fig, "roles"):
        hatched = t.marker.pattern.shape == "/"
        assert hatched == all(rid in ongoing for rid in t.ids)


def test_timeline_hover_has_title_organisation_dates_location_advisors(cv) -> None:
    fig, roles, _ = timeline_of(cv)
    hover = hover_of(fig, "roles")
    for r in roles.itertuples():
        text = hover[r.role_id]
        for field in (r.title, r.organisation, r.dates, r.location):
            assert field.replace("&", "&amp;") in text, (r.role_id, field)
        assert "present (as of 26 Nov 2026)" in text if r.ongoing else "present" not in text
    advisors = cv.advisors[cv.advisors["role_id"] == "together-ai"]["name"]
    assert all(name in hover["together-ai"] for name in advisors)
    # No empty "Advisors:" line for a role without advisors.
    lonely = set(cv.roles["id"]) - set(cv.advisors["role_id"])
    assert lonely and all("Advisors" not in hover[rid] for rid in lonely)


def test_timeline_markers_sit_at_mid_year_and_say_so(cv) -> None:
    fig, _, _ = timeline_of(cv)
    for part in ("paper", "award"):
        for t in traces(fig, part):
            for x, h in zip(t.x, t.hovertext, strict=True):
                assert x.endswith("-07-01")
                assert "year only: placed at mid-year" in h
    hover = hover_of(fig, "paper")
    flash = hover["flash-llm"]
    assert "Flash-LLM" in flash and "VLDB" in flash and "2024" in flash


def test_timeline_caption_counts_what_it_cannot_place(cv) -> None:
    _, roles, markers = timeline_of(cv)
    caption, alt = charts.timeline.describe(roles, cv.as_of, markers)
    undated = int(cv.papers["year"].isna().sum())
    assert f"{undated} papers without a year not placed" in caption
    assert "1 award without a year not placed" in caption
    assert f"{len(cv.roles)} roles" in caption and f"{len(cv.roles)} roles" in alt
    assert "mid-year" in caption
    assert "Senior Research Scientist" in alt  # the ongoing roles are named


def rows(fig: go.Figure) -> dict[str, float]:
    """Role id -> where its row is on the roles' y axis (pixels from the top)."""
    return {i: y for t in traces(fig, "roles") for i, y in zip(t.ids, t.y, strict=True)}


def test_timeline_rows_are_grouped_in_lanes_by_kind(cv) -> None:
    fig, roles, _ = timeline_of(cv)
    where = rows(fig)
    order = sorted(where, key=where.get)  # top to bottom
    kinds = roles.set_index("role_id").loc[order, "kind"].tolist()
    # Each kind is one contiguous block, in the lane order.
    blocks = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
    assert blocks == [k for k in charts._tables.KIND_LABELS if k in set(kinds)]
    # A rule between lanes, between the last row of one and the first of the next.
    rules = sorted(s.y0 for s in fig.layout.shapes if s.yref == "y")
    ends = [i for i in range(1, len(kinds)) if kinds[i] != kinds[i - 1]]
    assert len(rules) == len(blocks) - 1 == len(ends)
    for rule, i in zip(rules, ends, strict=True):
        assert where[order[i - 1]] < rule < where[order[i]]


def test_timelinecv_with_one_role(one_role) -> None:
    fig, roles, markers = timeline_of(one_role)
    assert count(fig, "roles") == 1
    assert fig.layout.height < 700
    caption, alt = charts.timeline.describe(roles, one_role.as_of, markers)
    assert caption.startswith("Career timeline: 1 role from")
    assert "timeline of 1 role between" in alt


def test_timeline_all_ongoing(all_ongoing) -> None:
    fig, roles, _ = timeline_of(all_ongoing)
    assert roles["ongoing"].all()
    ends = bar_ends(fig)
    assert len(ends) == 8
    assert set(ends.values()) == {pd.Timestamp(AS_OF)}
    assert any(t.name == "ongoing (hatched)" for t in fig.data)


def test_timeline_says_hatched_only_when_a_role_is_ongoing(tmp_path) -> None:
    ended = cv_with_one_role(tmp_path, "2013-12", "2014-12")
    fig, roles, markers = timeline_of(ended)
    caption, _ = charts.timeline.describe(roles, ended.as_of, markers)
    assert "hatched" not in caption and "ongoing" not in caption
    assert not any(t.name == "ongoing (hatched)" for t in fig.data)
    ongoing = cvdata.load(PROJECT / "examples" / "minimal", as_of=AS_OF)  # 2023-01 to now
    fig, roles, markers = timeline_of(ongoing)
    caption, _ = charts.timeline.describe(roles, ongoing.as_of, markers)
    assert "hatched bars are ongoing and run to 26 November 2026" in caption
    assert any(t.name == "ongoing (hatched)" for t in fig.data)


def test_timeline_no_papers(no_papers) -> None:
    fig, roles, markers = timeline_of(no_papers)
    assert traces(fig, "paper") == []
    assert count(fig, "roles") == 6
    caption, _ = charts.timeline.describe(roles, no_papers.as_of, markers)
    assert "paper" not in caption


def test_timeline_100_roles_each_on_its_own_row(many_roles) -> None:
    # Uncut (top=None), every role gets its own row, tall enough for a label.
    roles = charts.timeline.table(many_roles, top=None)
    fig = charts.timeline.figure(roles, as_of=many_roles.as_of, brand=BRAND)
    assert count(fig, "roles") == 100
    ys = [y for t in traces(fig, "roles") for y in t.y]
    assert len(set(ys)) == 100  # overlapping roles never share a row
    assert len(fig.layout.yaxis.tickvals) == len(fig.layout.yaxis.ticktext) == 100
    assert fig.layout.height >= 100 * charts.timeline._sizing.ROW_HEIGHT


def test_timeline_100_roles_draws_the_most_recent_and_counts_the_rest(many_roles) -> None:
    fig, roles, markers = timeline_of(many_roles)
    top = charts.timeline.TIMELINE_ROLES
    assert count(fig, "roles") == top and roles["shown"].sum() == top
    ys = [y for t in traces(fig, "roles") for y in t.y]
    assert len(set(ys)) == top  # still one row each
    # The most recent: no role left out ends after a role drawn.
    drawn, left = roles[roles["shown"]], roles[~roles["shown"]]
    assert left["end"].max() <= drawn["end"].min()
    assert count(fig, "paper") == int(many_roles.papers["year"].notna().sum())  # dots still
    assert fig.layout.height <= 1200
    # The note says how many were left out, per lane.
    per_lane = left.groupby("kind_label", sort=False).size()
    expected = f"+ {100 - top} earlier roles not shown (" + ", ".join(
        f"{k.lower()} {n}" for k, n in per_lane.items()
    )
    assert any(n.startswith(expected) for n in notes(fig)), notes(fig)
    caption, alt = charts.timeline.describe(roles, many_roles.as_of, markers)
    assert f"the {top} most recent of 100 roles" in caption
    assert f"{100 - top} earlier roles are counted below the chart" in caption
    assert f"the {top} most recent of 100 roles" in alt and f"{100 - top} earlier roles" in alt


def test_timeline_5000_papers(many_papers) -> None:
    fig, roles, markers = timeline_of(many_papers)
    dated = int(many_papers.papers["year"].notna().sum())
    # Too many for dots: one bar per year and status, whose counts add up to every paper.
    papers = traces(fig, "paper")
    assert papers and all(t.meta.get("per_year") for t in papers)
    assert sum(sum(t.y) for t in papers) == dated
    years = many_papers.papers["year"].dropna().nunique()
    assert len({x for t in papers for x in t.x}) == years
    assert sum(len(t.x) for t in papers) <= years * len(charts._tables.STATUS_ORDER)
    # Stacked: each year's bars touch, and the tallest reaches that year's count.
    per_year = many_papers.papers["year"].value_counts()
    tops: dict[str, int] = {}
    for t in papers:
        for x, y, base in zip(t.x, t.y, t.base, strict=True):
            tops[x] = max(tops.get(x, 0), base + y)
    assert {int(x[:4]): n for x, n in tops.items()} == per_year.to_dict()
    # Each bar's hover: its year, status and count, and the year's count when it is a part.
    for t in papers:
        status = t.name.removeprefix("Paper: ")
        for x, y, h in zip(t.x, t.y, t.hovertext, strict=True):
            year = int(x[:4])
            assert h.startswith(f"<b>{year}</b>: {status.capitalize()}: {y:,} paper"), h
            assert (f"of {per_year[year]:,}" in h) == (y != per_year[year]), h
    busiest = int(per_year.idxmax())
    caption, alt = charts.timeline.describe(roles, many_papers.as_of, markers)
    assert f"{dated:,} papers counted in bars per year and status" in caption
    assert f"{5000 - dated:,} papers without a year" in caption
    assert "hover a bar for its count" in caption
    assert f"most in {busiest} ({per_year.max():,})" in alt
    # The strip stays a strip: its height is bounded however many papers there are.
    assert fig.layout.height < 120 + charts.timeline._sizing.ROW_HEIGHT * 20 + 600
    assert len(fig.to_json()) < 100_000


def test_markers_per_year_count_every_dated_item_once(many_papers, cv) -> None:
    for data in (many_papers, cv):
        markers = charts.timeline.markers(data)
        counts = charts.timeline.markers_per_year(markers)
        dated = markers[markers["date"].notna()]
        assert counts.groupby("marker")["items"].sum().to_dict() == (
            dated.groupby("marker").size().to_dict()
        )
        per_year = counts.groupby(["marker", "year"])["items"].transform("sum")
        assert (counts["year_items"] == per_year).all()
        assert not counts.duplicated(["marker", "year", "status"]).any()
    # The shipped CV is far from the threshold: its timeline keeps one dot per paper.
    assert not charts.timeline._markers._per_year(dated[dated["marker"] == "paper"])


LONG_ORG = "Universidad Nacional Autónoma de México, Instituto de Investigaciones en Matemáticas"
LONG_TITLE = "Research Intern, Testing, Technical-Architecture and Developer Tools Department"
CJK_ORG = "中国科学院计算技术研究所智能计算机研究中心"  # no spaces: broken between characters


def row_labels(fig: go.Figure) -> dict[str, str]:
    """Role id -> its row's label as a reader sees it: our markup gone, entities decoded."""
    axis = fig.layout.yaxis
    at = dict(zip(axis.tickvals, axis.ticktext, strict=True))
    plain = {i: re.sub("</?b>", "", at[y].replace("<br>", "\n")) for i, y in rows(fig).items()}
    return {i: html.unescape(text) for i, text in plain.items()}


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> cvdata.CV:
    """The shipped CV with a long organisation, a long title and a Chinese name."""

    from conftest import DATA_DIR

    data = tmp_path_factory.mktemp("long") / "data"
    shutil.copytree(DATA_DIR, data)
    edit_cell(data / "roles.csv", "dolby", "organisation", LONG_ORG)
    edit_cell(data / "roles.csv", "tencent-wechat", "title", LONG_TITLE)
    edit_cell(data / "roles.csv", "microsoft-deepspeed", "organisation", CJK_ORG)
    return cvdata.load(data, as_of=AS_OF)


@pytest.mark.parametrize("compact", [False, True])
def test_timeline_rows_name_every_title_and_organisation_in_full(
    cv, long_names, compact: bool
) -> None:
    from conftest import PROJECT

    multilingual = cvdata.load(PROJECT / "examples" / "multilingual", as_of=AS_OF)
    for data in (cv, long_names, multilingual):
        roles = charts.timeline.table(data)
        fig = charts.timeline.figure(roles, as_of=data.as_of, brand=BRAND, compact=compact)
        labels = row_labels(fig)
        assert sorted(labels) == sorted(data.roles["id"])
        for role in data.roles.itertuples():
            label = labels[role.id]
            assert "…" not in label, label
            # Lines break at spaces (or between Chinese characters): squashed, both whole.
            assert _squashed(role.organisation) in _squashed(label), (role.id, label)
            assert _squashed(role.title) in _squashed(label), (role.id, label)
            # Title first, then the organisation.
            assert label.index(role.title.split()[0]) < label.rindex(role.organisation[0])
        # No line wider than the label column: the bars keep the rest.
        for label in labels.values():
            for line in label.split("\n"):
                assert (
                    charts.timeline._labels._cells(line) <= charts.timeline._labels.LABEL_CELLS
                ), line
    dolby = row_labels(charts.timeline.figure(charts.timeline.table(long_names), as_of=AS_OF))[
        "dolby"
    ]
    assert dolby.count("\n") >= 2  # the long name took more than one line under the title


def test_timeline_rows_grow_with_their_labels_and_bars_keep_one_thickness(cv, long_names) -> None:
    short_fig = timeline_of(cv)[0]
    long_fig = timeline_of(long_names)[0]
    assert long_fig.layout.height > short_fig.layout.height  # the same roles, longer labels
    where = rows(long_fig)
    order = sorted(where, key=where.get)
    lines = {i: label.count("\n") + 1 for i, label in row_labels(long_fig).items()}
    # Each row as tall as its lines (rows touch: each one's top is the last one's bottom).
    size, top = charts.timeline._sizing._SCREEN, 0.0
    for rid in order:
        height = size.pad + size.line * lines[rid]
        assert where[rid] == pytest.approx(top + height / 2), rid
        top += height
    assert list(long_fig.layout.yaxis.range) == [pytest.approx(top), 0]
    assert lines["dolby"] == 3 and lines["together-ai"] == 1
    widths = {w for t in traces(long_fig, "roles") for w in t.width}
    assert widths == {charts.timeline._sizing._SCREEN.bar}


def test_the_label_column_leaves_the_bars_most_of_the_width(long_names, tmp_path) -> None:
    # Drawn as the PDF draws it (Chromium through kaleido, 820 px wide): the roles' plot
    # area, what the labels leave, keeps more than half of the width (about two thirds).
    from conftest import PROJECT

    from cvdata.quarto.static import static_export

    multilingual = cvdata.load(PROJECT / "examples" / "multilingual", as_of=AS_OF)
    cases = [(long_names, True), (long_names, False), (multilingual, True)]
    for i, (data, compact) in enumerate(cases):
        fig = charts.timeline.figure(charts.timeline.table(data), as_of=AS_OF, compact=compact)
        svg = tmp_path / f"{i}.svg"
        static_export(fig, svg, 820, int(fig.layout.height))
        ns = "{http://www.w3.org/2000/svg}"
        clips = ElementTree.parse(svg).getroot().iter(f"{ns}clipPath")
        plot = [c.find(f"{ns}rect") for c in clips if c.get("id", "").endswith("xyplot")]
        assert len(plot) == 1 and float(plot[0].get("width")) > 0.55 * 820, (i, plot)


def test_row_labels_keep_hostile_text_as_text() -> None:
    label, n = charts.timeline._labels._row_label("<br>Intern & <b>x</b>", '<a href="x">Org</a>')
    assert n == 1
    assert label == (
        '&lt;br&gt;Intern &amp; &lt;b&gt;x&lt;/b&gt; · <b>&lt;a href="x"&gt;Org&lt;/a&gt;</b>'
    )
    long, n = charts.timeline._labels._row_label("<br>" * 30, "<i>" * 30)
    assert n > 1 and "<br><br>" not in long and "<i>" not in long
    # Only a paragraph is cut, to LABEL_PART_LINES lines each, its last line saying so.
    huge, n = charts.timeline._labels._row_label("word " * 400, "name " * 400)
    assert n == 2 * charts.timeline._labels.LABEL_PART_LINES and huge.count("…") == 2


def test_wrap_breaks_between_chinese_characters_and_inside_overlong_words() -> None:
    lines = ["中国科学院", "计算技术研", "究所智能计", "算机研究中", "心"]
    assert charts.timeline._labels._wrap_cells(CJK_ORG, 10) == lines
    assert charts.timeline._labels._wrap_cells("a" * 12 + " bc", 5) == ["aaaaa", "aaaaa", "aa bc"]
    assert charts.timeline._labels._wrap_cells("Équipe Ὅμηρος", 20) == ["Équipe Ὅμηρος"]


def test_two_roles_with_the_same_title_and_organisation_say_which() -> None:
    roles = pd.DataFrame(
        {
            "title": ["Intern", "Intern", "Intern"],
            "employer": ["Acme", "Acme", "Acme"],
            "start": pd.to_datetime(["2019-01-01", "2020-01-01", "2020-06-01"]),
        }
    )
    assert charts.timeline._labels._row_names(roles) == [
        ("Intern", "Acme (2019)"),
        ("Intern", "Acme (2020) #1"),
        ("Intern", "Acme (2020) #2"),
    ]


def test_the_print_timeline_is_compact(cv) -> None:
    roles = charts.timeline.table(cv)
    screen = charts.timeline.figure(roles, as_of=cv.as_of, brand=BRAND)
    paper = charts.timeline.figure(roles, as_of=cv.as_of, brand=BRAND, compact=True)
    assert paper.layout.height < 0.8 * screen.layout.height
    assert paper.layout.yaxis.tickfont.size == paper.layout.font.size == 11
    # Height in proportion to the rows: per line of label, not a fixed frame.
    lines = sum(t.count("<br>") + 1 for t in paper.layout.yaxis.ticktext)
    frame = (
        paper.layout.height
        - len(roles) * charts.timeline._sizing._PRINT.pad
        - lines * charts.timeline._sizing._PRINT.line
    )
    assert (
        0
        < frame
        <= charts.timeline._sizing._PRINT.top + charts.timeline._sizing._PRINT.bottom_plain + 1
    )


def test_figures_say_how_many_things_they_draw(cv, one_role) -> None:
    from cvdata.page import drawn_items

    assert drawn_items(timeline_of(cv)[0]) == len(cv.roles)
    assert drawn_items(timeline_of(one_role)[0]) == 1
    venues = charts.venues.table(cv)
    assert drawn_items(charts.venues.figure(venues)) == venues["venue"][venues["shown"]].nunique()
    one = venues[venues["venue"] == venues["venue"].iloc[0]]
    assert drawn_items(charts.venues.figure(one)) == 1
    skills = charts.skills.table(cv, per_category=3)
    with_years = int(skills["years"][skills["shown"]].notna().sum())
    assert drawn_items(charts.skills.figure(skills)) == with_years > 0
    # Without years, a tile per skill shown.
    untimed = skills.assign(years=pd.NA)
    assert drawn_items(charts.skills.figure(untimed)) == int(untimed["shown"].sum()) > 1


def test_timeline_empty() -> None:
    roles = charts.timeline.table(synth.make_cv(n_roles=1)).iloc[0:0]
    fig = charts.timeline.figure(roles, as_of=AS_OF, brand=BRAND)
    assert "No roles yet." in notes(fig)


def test_year_bars_and_long_lists_speak_the_cvs_language() -> None:
    """A busy year's bar and a long hover list were English in a French CV ("(dated by
    year only)", "… and 3 more")."""
    from cvdata import i18n, synth
    from cvdata.charts import timeline
    from cvdata.charts._common import _list_hover

    cv = synth.make_cv(n_papers=500, n_roles=5, n_projects=5, n_skills=5, seed=0)
    with i18n.use(i18n.Words("fr")):
        fig = timeline.draw(cv).figure
        hovers = [h for t in fig.data if t.type == "bar" and t.hovertext for h in t.hovertext]
        listed = _list_hover([f"item {i}" for i in range(15)])
    year_bars = [h for h in hovers if "datés à l’année" in h]
    assert year_bars and not [h for h in hovers if "dated by year" in h]
    assert not [h for h in year_bars if re.search(r"\bof\b", h)]
    assert listed.endswith("… et 3 autres")
