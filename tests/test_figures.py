"""The chart shapes and figure builders, on the shipped data and on synthetic edge cases.

Figures are checked as data: how many bars and markers, where ongoing roles end, what the
hover text says, what is left out and whether the figure says so.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil

import pandas as pd
import plotly.graph_objects as go
import pytest
from chart_helpers import all_figures
from conftest import AS_OF, PROJECT, edit_cell, edit_rows

import cvdata
from cvdata import charts, synth
from cvdata.theme import load_brand

BRAND = load_brand()


# --------------------------------------------------------------------------- helpers


def traces(fig: go.Figure, part: str) -> list:
    """The traces of a figure that draw one part (``meta.part``): roles, paper, award."""
    return [t for t in fig.data if isinstance(t.meta, dict) and t.meta.get("part") == part]


def count(fig: go.Figure, part: str) -> int:
    return sum(len(t.x) for t in traces(fig, part))


def bar_ends(fig: go.Figure) -> dict[str, pd.Timestamp]:
    """Role id -> where its bar ends (base + length)."""
    ends = {}
    for t in traces(fig, "roles"):
        for rid, base, ms in zip(t.ids, t.base, t.x, strict=True):
            ends[rid] = pd.Timestamp(base) + pd.Timedelta(milliseconds=ms)
    return ends


def hover_of(fig: go.Figure, part: str) -> dict[str, str]:
    return {i: h for t in traces(fig, part) for i, h in zip(t.ids, t.hovertext, strict=True)}


def notes(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def bars(fig: go.Figure) -> list[go.Bar]:
    return [t for t in fig.data if isinstance(t, go.Bar) and t.x and t.x[0] is not None]


def timeline_of(cv: cvdata.CV) -> tuple[go.Figure, pd.DataFrame, pd.DataFrame]:
    roles = charts.timeline.table(cv)
    markers = charts.timeline.markers(cv)
    return (
        charts.timeline.figure(roles, as_of=cv.as_of, markers=markers, brand=BRAND),
        roles,
        markers,
    )


# --------------------------------------------------------------------------- edge-case CVs


@pytest.fixture(scope="module")
def one_role() -> cvdata.CV:
    return synth.make_cv(n_papers=3, n_roles=1, n_projects=2, n_skills=5, seed=1)


@pytest.fixture(scope="module")
def all_ongoing() -> cvdata.CV:
    return synth.make_cv(n_papers=10, n_roles=8, n_projects=5, n_skills=10, all_ongoing=True)


@pytest.fixture(scope="module")
def no_papers() -> cvdata.CV:
    return synth.make_cv(n_papers=0, n_roles=6, n_projects=4, n_skills=12, seed=2)


@pytest.fixture(scope="module")
def many_roles() -> cvdata.CV:
    return synth.make_cv(n_papers=60, n_roles=100, n_projects=150, n_skills=40, seed=3)


@pytest.fixture(scope="module")
def many_papers() -> cvdata.CV:
    return synth.make_cv(n_papers=5000, n_roles=20, n_projects=60, n_skills=300, seed=4)


@pytest.fixture(scope="module")
def nothing() -> cvdata.CV:
    return synth.make_cv(n_papers=0, n_roles=1, n_projects=0, n_skills=0, seed=5)


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


def test_timeline_one_role(one_role) -> None:
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
    ended = _one_role(tmp_path, "2013-12", "2014-12")
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
    import shutil

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

    from cvdata.page import _static_export

    multilingual = cvdata.load(PROJECT / "examples" / "multilingual", as_of=AS_OF)
    cases = [(long_names, True), (long_names, False), (multilingual, True)]
    for i, (data, compact) in enumerate(cases):
        fig = charts.timeline.figure(charts.timeline.table(data), as_of=AS_OF, compact=compact)
        svg = tmp_path / f"{i}.svg"
        _static_export(fig, svg, 820, int(fig.layout.height))
        plot = re.search(
            r'id="clip\w*xyplot" class="plotclip"><rect width="([\d.]+)"', svg.read_text()
        )
        assert plot and float(plot[1]) > 0.55 * 820, (i, plot and plot[1])


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


# --------------------------------------------------------------------------- career time


def test_career_time_counts_overlaps_once(cv) -> None:
    time = charts.career_time.table(cv).set_index("kind")
    roles = charts.timeline.table(cv)
    intern = roles[roles["kind"] == "internship"]
    summed = ((intern["end"] - intern["start"]).dt.days / 365.25).sum()
    assert time.loc["internship", "years"] < summed  # the internships overlap
    headline = charts.numbers.headline_numbers(cv).set_index("key").loc["experience_years", "value"]
    assert round(time.loc["work", "years"], 1) == headline
    fig = charts.career_time.figure(charts.career_time.table(cv), brand=BRAND)
    assert len(fig.data[0].x) == len(time)


def _one_role(tmp_path, start: str, end: str) -> cvdata.CV:
    """examples/minimal with its one role from ``start`` to ``end``."""
    data = tmp_path / "cv"
    shutil.copytree(PROJECT / "examples" / "minimal", data)
    edit_cell(data / "roles.csv", "example-lab", "start", start)
    edit_cell(data / "roles.csv", "example-lab", "end", end)
    return cvdata.load(data, as_of=AS_OF)


@pytest.mark.parametrize(
    ("start", "end", "said", "years"),
    [
        ("2013-12", "2014-12", "1 year", 1.0),  # not the 1.1 its 396 days would make it
        ("2013-12", "2015-01", "1 year 1 month", 1.1),
        ("2013", "2014", "1 year", 1.0),
        ("2013-12-01", "2014-05-31", "6 months", 0.5),  # the last day worked too
        ("2013-12-15", "2014-06-13", "5 months", 0.4),  # whole months only
    ],
)
def test_career_time_says_durations_in_whole_months(tmp_path, start, end, said, years) -> None:
    cv = _one_role(tmp_path, start, end)
    time = charts.career_time.table(cv).set_index("kind")
    assert time.loc["industry", "duration"] == said
    fig = charts.career_time.figure(charts.career_time.table(cv), brand=BRAND)
    assert fig.data[0].text[0] == f"{said} · 1 role"
    assert "yrs" not in " ".join(fig.data[0].text)
    assert said in charts.career_time.describe(charts.career_time.table(cv))[1]
    headline = charts.numbers.headline_numbers(cv).set_index("key").loc["experience_years", "value"]
    assert headline == years


def test_covered_months_merges_overlapping_spans() -> None:
    spans = [
        charts.numbers.month_span(
            pd.Timestamp("2020-01-01"), "month", pd.Timestamp("2021-01-01"), "month"
        ),
        charts.numbers.month_span(
            pd.Timestamp("2020-07-01"), "month", pd.Timestamp("2021-07-01"), "month"
        ),
        charts.numbers.month_span(
            pd.Timestamp("2023-01-01"), "year", pd.Timestamp("2024-01-01"), "year"
        ),
        None,  # a role without dates adds nothing
    ]
    assert charts.numbers.covered_months(spans) == 18 + 12


def test_covered_years_merges_overlapping_spans() -> None:
    ts = pd.to_datetime
    starts = pd.Series(ts(["2020-01-01", "2020-07-01", "2023-01-01"]))
    ends = pd.Series(ts(["2021-01-01", "2021-07-01", "2024-01-01"]))
    assert charts.numbers.covered_years(starts, ends) == pytest.approx(2.5, abs=0.01)


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
    assert people.loc["xiaoxia wu", "name"] == "Xiaoxia Wu"
    assert people.loc["xiaoxia wu", "total"] == 9
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


# --------------------------------------------------------------------------- skills


def test_every_skill_is_in_the_skills_chart_and_findable_by_hover(cv) -> None:
    table = charts.skills.table(cv)
    fig = charts.skills.figure(table, brand=BRAND)
    ids = [i for t in fig.data for i in t.ids]
    assert sorted(ids) == sorted(cv.skills["id"])  # all 107, none twice
    hover = " ".join(h for t in fig.data for h in t.hovertext)
    for skill in cv.skills["skill"]:
        assert skill.replace("&", "&amp;") in hover, skill
    # The one skill without years is there and says so.
    cicd = next(t for t in fig.data if "ci-cd" in t.ids)
    assert isinstance(cicd, go.Scatter) and "years not given" in cicd.text
    caption, _ = charts.skills.describe(table)
    assert "all 107 skills" in caption and "years not given" in caption


def test_skills_top_per_category_says_how_many_more(cv) -> None:
    table = charts.skills.table(cv, per_category=3)
    fig = charts.skills.figure(table, columns=2, brand=BRAND)
    drawn = [i for t in fig.data for i in t.ids]
    per_cat = cv.skills.groupby("category").size()
    expected = sum(n if n <= 4 else 3 for n in per_cat)
    assert len(drawn) == expected
    titles = " ".join(notes(fig))
    assert "Machine Learning and AI</b> · top 3 of 25" in titles
    assert "Mobile Development</b> · 4 skills" in titles  # 4 fit: no "1 more"
    # Within a category, the longest-held come first.
    ml = table[(table["category"] == "Machine Learning and AI") & table["shown"]]
    assert ml["years"].tolist() == sorted(ml["years"].tolist(), reverse=True)


def test_skills_overview_lists_every_skill_in_its_hover(cv) -> None:
    cats = charts.skills_overview.table(cv)
    assert cats["skills"].sum() == len(cv.skills)
    fig = charts.skills_overview.figure(cats, brand=BRAND)
    hover = " ".join(fig.data[0].hovertext).replace("<br>", " ")
    found = [s for s in cv.skills["skill"] if s.replace("&", "&amp;") in hover]
    assert len(found) == len(cv.skills)
    back_end = cats.set_index("category").loc["Back-end Development"]
    assert back_end["with_years"] == back_end["skills"] - 1


def test_skill_charts_without_skills(nothing) -> None:
    assert any("No skills" in n for n in notes(charts.skills.figure(charts.skills.table(nothing))))
    fig = charts.skills_overview.figure(charts.skills_overview.table(nothing))
    assert any("No skills" in n for n in notes(fig))


def test_skills_chart_with_300_skills(many_papers) -> None:
    # Uncut (budget=None) every skill is drawn, a row each.
    table = charts.skills.table(many_papers, budget=None)
    fig = charts.skills.figure(table, brand=BRAND)
    assert sorted(i for t in fig.data for i in t.ids) == sorted(many_papers.skills["id"])
    assert fig.layout.height >= 300 * charts.skills.SKILL_ROW


def test_skills_chart_with_300_skills_shows_the_top_of_each_category(many_papers, cv) -> None:
    table = charts.skills.table(many_papers)
    shown = table[table["shown"]]
    assert len(shown) <= charts.skills.SKILLS_SHOWN < len(table)
    per_cat = shown.groupby("category").size()
    assert per_cat.nunique() == 1  # the same top k in every category (all have 50)
    k = int(per_cat.iloc[0])
    fig = charts.skills.figure(table, brand=BRAND)
    assert sorted(i for t in fig.data for i in t.ids) == sorted(shown["skill_id"])
    # Each panel says how many more its category has.
    titles = " ".join(notes(fig))
    for cat, n in table.groupby("category").size().items():
        assert f"<b>{cat}</b> · {n} skills ({k} shown, {n - k} more)" in titles
    caption, alt = charts.skills.describe(table)
    assert f"the {len(shown)} longest-held of 300 skills (the top {k} of each category" in caption
    assert f"{len(shown)} of 300 skills drawn" in alt
    # No taller than the shipped CV's own chart, which shows all its 107 skills.
    full = charts.skills.figure(charts.skills.table(cv), brand=BRAND)
    assert charts.skills.table(cv)["shown"].all()
    assert fig.layout.height <= full.layout.height


# ------------------------------------------------------------ skills without years
# JSON Resume imports give no years per skill, often a level per category.

EXAMPLES = PROJECT / "examples"


def _example(name: str) -> cvdata.CV:
    return cvdata.load(EXAMPLES / name, as_of=AS_OF)


@pytest.fixture(scope="module")
def career_changer() -> cvdata.CV:
    return _example("career-changer")


def _copy_with(tmp_path, source, skills=None, categories=None) -> cvdata.CV:
    """A copy of a data folder with ``skills.csv`` (``[(id, category, skill, years)]``)
    and ``skill_categories.csv`` (``[(name, level)]``) replaced where given."""
    import shutil

    folder = shutil.copytree(source, tmp_path / "cv")
    if skills is not None:

        def put_skills(header: list[str], rows: list[list[str]]) -> None:
            rows[:] = [[i, c, s, y, "", "", ""] for i, c, s, y in skills]

        edit_rows(folder / "skills.csv", put_skills)
    if categories is not None:

        def put_categories(header: list[str], rows: list[list[str]]) -> None:
            rows[:] = [[n, level, ""] for n, level in categories]

        edit_rows(folder / "skill_categories.csv", put_categories)
    return cvdata.load(folder, as_of=AS_OF)


def _axes(fig: go.Figure) -> list:
    return [fig.layout[k] for k in fig.layout if k.startswith(("xaxis", "yaxis"))]


def _texts(fig: go.Figure) -> str:
    """Every text the figure draws (not its hover), unescaped as plotly shows it."""
    parts = [str(a.text) for a in fig.layout.annotations]
    for t in fig.data:
        parts += [str(v) for v in (t.text or ()) if v is not None]
    for a in _axes(fig):
        parts += [str(a.title.text or "")] + [str(v) for v in (a.ticktext or ())]
    return html.unescape(" ".join(parts))


def test_skills_without_years_are_named_tiles_with_no_years_axis(career_changer) -> None:
    table = charts.skills.table(career_changer)
    assert table["years"].isna().all()
    fig = charts.skills.figure(table, brand=BRAND)
    tiles = traces(fig, "skill-tiles")
    assert tiles and len(tiles) == len(fig.data) == 3  # one panel per category, nothing else
    assert all(isinstance(t, go.Bar) for t in tiles)
    # Every skill once, named on its tile, in the CV's order.
    assert [i for t in tiles for i in t.ids] == career_changer.skills["id"].tolist()
    assert [v for t in tiles for v in t.text] == career_changer.skills["skill"].tolist()
    # No years anywhere, no axis to read, no marker that could sit on a label.
    drawn = _texts(fig)
    assert "years" not in drawn.casefold() and "Years" not in drawn
    assert all(a.visible is False for a in _axes(fig))
    assert not [t for t in fig.data if isinstance(t, go.Scatter)]
    # Each panel is titled with its category, level and count.
    titles = notes(fig)
    assert "<b>Analysis</b> · Intermediate · 3 skills" in titles
    assert "<b>Operations</b> · Expert · 3 skills" in titles
    # Tiles never overlap: one slot (column, line) each, inside the panel.
    for t in tiles:
        slots = list(zip(t.base, t.y, strict=True))
        assert len(set(slots)) == len(slots)
        width = fig.layout[t.xaxis.replace("x", "xaxis")].range[1]
        assert all(b + x <= width for b, x in zip(t.base, t.x, strict=True))
    # The hover has the rest: category and level.
    assert "<b>SQL</b><br>Analysis · Intermediate" in tiles[0].hovertext[0]


def test_skill_tiles_cut_long_names_to_fit_and_keep_them_whole_in_the_hover(tmp_path) -> None:
    long = ("Distributed stream processing with exactly-once delivery guarantees " * 2).strip()
    wide = "分散システムの設計と運用" * 6  # East Asian wide: twice as wide per character
    cv = _copy_with(
        tmp_path,
        EXAMPLES / "minimal",
        skills=[("a", "Data", long, ""), ("b", "Data", wide, ""), ("c", "Data", "SQL", "")],
    )
    fig = charts.skills.figure(charts.skills.table(cv), brand=BRAND)
    (tile,) = fig.data
    assert len(tile.text) == 3 and tile.text[2] == "SQL"
    for shown, whole in zip(tile.text[:2], (long, wide), strict=True):
        assert shown.endswith("…") and whole.startswith(shown[:-1].rstrip())
        assert (
            charts._common._width(shown) <= 104 and whole in tile.hovertext[tile.text.index(shown)]
        )
    assert (
        charts._common._width(tile.text[1]) <= charts._common._width(tile.text[0]) + 1
    )  # by width, not len


def test_skills_without_years_cut_to_the_first_of_each_category(tmp_path) -> None:
    # 300 skills in 6 categories, each with a level, none with years: the first k of each.
    source = synth.write_cv(tmp_path / "src", n_papers=0, n_roles=2, n_projects=0, n_skills=300)
    edit_rows(
        source / "skills.csv",
        lambda header, rows: [r.__setitem__(header.index("years"), "") for r in rows],
    )
    cv = cvdata.load(source, as_of=AS_OF)
    table = charts.skills.table(cv)
    shown = table[table["shown"]]
    assert len(shown) < len(table) == 300
    k = int(shown.groupby("category").size().iloc[0])
    fig = charts.skills.figure(table, brand=BRAND)
    assert sorted(i for t in fig.data for i in t.ids) == sorted(shown["skill_id"])
    first = cv.skills.groupby("category", sort=False)["id"].apply(lambda ids: list(ids)[:k])
    assert sorted(i for ids in first for i in ids) == sorted(shown["skill_id"])
    titles = " ".join(notes(fig))
    for cat, n in table.groupby("category").size().items():
        assert f"<b>{cat}</b> · {cv.skill_categories.set_index('name').loc[cat, 'level']}" in titles
        assert f"{n} skills ({k} shown, {n - k} more)" in titles
    caption, alt = charts.skills.describe(table)
    assert caption.startswith(f"The first {k} skills of each category: {len(shown)} of 300")
    assert "longest-held" not in caption and "Years" not in caption
    assert f"{len(shown)} of 300 skills drawn" in alt
    page = charts.skills.describe_page(table)
    assert "names the first of each category" in page and "names each one" not in page
    # Compact: tiles side by side, so far shorter than one row per skill.
    assert fig.layout.height < len(shown) * charts.skills.SKILL_ROW
    top = charts.skills.figure(charts.skills.table(cv, per_category=3), columns=2, brand=BRAND)
    assert f"first 3 of {n}" in " ".join(notes(top))


def test_level_rank_reads_levels_as_cvs_write_them() -> None:
    assert [charts.skills.level_rank(v) for v in ("Beginner", " entry-level ", "INTERMEDIATE")] == [
        1,
        1,
        2,
    ]
    assert [charts.skills.level_rank(v) for v in ("Advanced", "Master", "expert")] == [3, 4, 4]
    # No guess for what is not a level word (or no level at all).
    assert [charts.skills.level_rank(v) for v in ("5/5", "Fluent", "", None, pd.NA)] == [None] * 5


def test_skills_overview_without_years_shows_each_categorys_level(career_changer) -> None:
    cats = charts.skills_overview.table(career_changer)
    assert cats["level_rank"].tolist() == [2, 2, 4]
    fig = charts.skills_overview.figure(cats, brand=BRAND)
    assert "<b>Level</b>" in notes(fig) and not any("Years" in n for n in notes(fig))
    level = next(t for t in fig.data if t.name == "level")
    assert list(level.x) == [2, 2, 4] and list(level.y) == [
        "Analysis",
        "Visualisation",
        "Operations",
    ]
    # The scale names only the levels the CV uses, at their place on the whole scale.
    assert list(fig.layout.xaxis2.tickvals) == [2, 4]
    assert list(fig.layout.xaxis2.ticktext) == ["Intermediate", "Expert"]
    assert fig.layout.xaxis2.title.text == "Level" and fig.layout.xaxis2.range == (0.5, 4.5)
    assert "Years" not in _texts(fig) and {t.name for t in fig.data} == {"skills", "level"}
    # Counts in whole numbers, each category's skills in its hover, with no "years not given".
    assert fig.layout.xaxis.dtick == 1 and list(fig.data[0].x) == [3, 2, 3]
    assert "SQL, Excel, Python" in fig.data[0].hovertext[0]
    assert "years" not in " ".join(fig.data[0].hovertext)


def test_skills_overview_levels_off_the_scale_are_shown_as_written(tmp_path) -> None:
    cv = _copy_with(
        tmp_path,
        EXAMPLES / "career-changer",
        categories=[("Analysis", "5 of 5"), ("Visualisation", "Expert")],  # Operations: none
    )
    cats = charts.skills_overview.table(cv)
    fig = charts.skills_overview.figure(cats, brand=BRAND)
    assert "<b>Level</b> as written" in notes(fig)
    level = next(t for t in fig.data if t.name == "level")
    assert level.mode == "text" and list(level.text) == ["5 of 5", "Expert"]  # no order guessed
    assert fig.layout.xaxis2.visible is False
    missing = next(t for t in fig.data if t.name == "no level given")
    assert list(missing.y) == ["Operations"]  # the category says it has none, not blank
    caption, alt = charts.skills_overview.describe(cats)
    assert "level per category (given for 2 of 3): Analysis 5 of 5, Visualisation Expert" in caption
    assert "Operations not given" in alt


def test_skills_overview_with_neither_years_nor_levels_is_one_panel(tmp_path) -> None:
    cats = charts.skills_overview.table(_example("minimal"))
    assert (cats["level"] == "").all() and cats["with_years"].eq(0).all()
    fig = charts.skills_overview.figure(cats, brand=BRAND)
    assert len(fig.data) == 1 and "xaxis2" not in fig.layout  # no empty panel
    assert notes(fig) == ["<b>Skills listed</b>"]
    caption, alt = charts.skills_overview.describe(cats)
    assert (
        caption
        == "Skills by category: 3 skills in 2 categories; hover a category to list its skills."
    )
    assert alt == "Bars of the number of skills in each of 2 categories: Programming 2, Tools 1."


def test_a_category_with_a_level_and_no_skills_is_in_the_overview() -> None:
    # new-graduate's JSON Resume: {"name": "Git", "level": "Advanced"}, no keywords.
    cats = charts.skills_overview.table(_example("new-graduate"))
    git = cats.set_index("category").loc["Git"]
    assert (git["skills"], git["level"], git["level_rank"]) == (0, "Advanced", 3)
    fig = charts.skills_overview.figure(cats, brand=BRAND)
    assert "Git" in fig.data[0].y and "no skills listed" in fig.data[0].hovertext[-1]
    caption, _ = charts.skills_overview.describe(cats)
    assert "7 skills in 3 categories" in caption and "Git lists no skills" in caption


@pytest.mark.parametrize("name", ["career-changer", "new-graduate", "senior-engineer"])
def test_captions_of_a_cv_without_years_claim_no_years(name: str) -> None:
    cv = _example(name)
    table, cats = charts.skills.table(cv), charts.skills_overview.table(cv)
    said = [
        *charts.skills.describe(table),
        *charts.skills.describe(charts.skills.table(cv, per_category=3)),
        *charts.skills_overview.describe(cats),
        charts.skills.describe_page(table),
    ]
    for text in said:
        for claim in (
            "Years of experience",
            "years of experience",
            "longest",
            "median",
            "not given",
        ):
            assert claim not in text, (claim, text)
    caption, alt = charts.skills.describe(table)
    assert f"The {len(table)} skills of the CV in" in caption and "in the CV's order" in caption
    assert "the CV gives no years per skill" in caption
    levels = cv.skill_categories.set_index("name")["level"]
    for cat in table["category"].unique():
        assert f"{cat} {levels[cat]}" in caption  # every category's level, as written
    for skill in cv.skills["skill"]:
        assert skill in alt  # the alt text names every skill the tiles show
    assert charts.skills.describe_page(table).startswith(
        "Every skill of the CV by category, with each category's level."
    )


def test_captions_of_a_cv_with_some_years_say_which(tmp_path) -> None:
    # multilingual: 7 of 8 skills give years (Jupyter does not).
    cv = _example("multilingual")
    table = charts.skills.table(cv)
    fig = charts.skills.figure(table, brand=BRAND)
    assert any(a.title.text == "Years" for a in _axes(fig))
    missing = next(t for t in fig.data if "s7" in (t.ids or ()))
    # Named in words next to the axis, no marker on the label's end.
    assert missing.mode == "text" and list(missing.text) == ["years not given"]
    assert missing.marker.symbol is None
    caption, _ = charts.skills.describe(table)
    assert caption == (
        "Years of experience per skill: all 8 skills in 4 categories; "
        "1 skill without years shown as “years not given”."
    )
    assert "(7 of 8 skills)" in charts.skills.describe_page(table)
    # A category whose skills give no years says so in the overview's years panel.
    cv = _copy_with(
        tmp_path,
        EXAMPLES / "minimal",
        skills=[("a", "Data", "SQL", "4"), ("b", "Data", "R", ""), ("c", "Tools", "Git", "")],
    )
    cats = charts.skills_overview.table(cv)
    fig = charts.skills_overview.figure(cats, brand=BRAND)
    gap = next(t for t in fig.data if t.name == "years not given")
    assert list(gap.y) == ["Tools"] and gap.xaxis == "x2"
    assert "SQL (4 yrs), R (years not given)" in fig.data[0].hovertext[0].replace("\xa0", " ")
    caption, _ = charts.skills_overview.describe(cats)
    assert "median and range of years per skill (given in 1 of 2 categories)" in caption


def test_captions_of_a_cv_whose_every_skill_has_years(tmp_path) -> None:
    import shutil

    folder = shutil.copytree(PROJECT / "data", tmp_path / "data")
    edit_cell(folder / "skills.csv", "ci-cd", "years", "3")
    cv = cvdata.load(folder, as_of=AS_OF)
    table = charts.skills.table(cv)
    caption, _ = charts.skills.describe(table)
    assert caption == "Years of experience per skill: all 107 skills in 10 categories."
    page = charts.skills.describe_page(table)
    assert page.startswith("Every skill of the CV with its years of experience, by category.")
    fig = charts.skills.figure(table, brand=BRAND)
    assert all(isinstance(t, go.Bar) for t in fig.data) and not traces(fig, "skill-tiles")


def test_hostile_names_in_a_cv_without_years_are_drawn_as_text(tmp_path) -> None:
    link = '<a href="https://evil.example/">Rust</a>'
    big = '<span style="font-size:99px">Huge</span>'
    cv = _copy_with(
        tmp_path,
        EXAMPLES / "minimal",
        skills=[("a", f"{big} ops", link, ""), ("b", "<b>bold</b> & <br>break", "C&amp;D", "")],
        categories=[(f"{big} ops", "<i>Expert</i>"), ("<b>bold</b> & <br>break", big)],
    )
    table, cats = charts.skills.table(cv), charts.skills_overview.table(cv)
    for fig in (
        charts.skills.figure(table, brand=BRAND),
        charts.skills.figure(table, columns=2, brand=BRAND),
        charts.skills_overview.figure(cats, brand=BRAND),
    ):
        spec = json.loads(fig.to_json())
        drawn = [
            str(v)
            for t in spec["data"]
            for key in ("text", "hovertext", "y", "name")
            for v in (t.get(key) or [])
            if isinstance(t.get(key), list)
        ]
        drawn += [a["text"] for a in spec["layout"]["annotations"]]
        drawn += [
            v
            for k, a in spec["layout"].items()
            if k.startswith("xaxis")
            for v in a.get("ticktext", [])
        ]
        for raw in ("<a ", "<span", "<b>bold", "<i>", "<br>break"):
            assert not [d for d in drawn if raw in d], raw
        assert any("&lt;a href=" in d for d in drawn) and any("&lt;span style" in d for d in drawn)
        assert any("C&amp;amp;D" in d for d in drawn)  # an entity stays as typed
    tiles = charts.skills.figure(table, brand=BRAND)
    assert html.unescape(" ".join(t for tr in tiles.data for t in tr.text)) == f"{link} C&amp;D"
    assert html.unescape(" ".join(notes(tiles))).count("<i>Expert</i>") == 1
    overview = charts.skills_overview.figure(cats, brand=BRAND)
    assert overview.layout.xaxis2.visible is False  # "<span..." is no level on the scale
    assert html.unescape(" ".join(next(t for t in overview.data if t.name == "level").text)) == (
        f"<i>Expert</i> {big}"
    )


# --------------------------------------------------------------------------- projects


def test_projects_per_role(cv) -> None:
    table = charts.projects.table(cv)
    assert table["projects"].sum() == len(cv.projects)
    assert table["contributions"].sum() == len(cv.project_contributions)
    fig = charts.projects.figure(table, brand=BRAND)
    assert sum(len(t.x) for t in bars(fig)) == len(table)
    without = charts.projects.roles_without_projects(cv)
    caption, _ = charts.projects.describe(table, without)
    assert f"{len(without)} roles list no projects" in caption
    hover = " ".join(h for t in bars(fig) for h in t.hovertext)
    assert "Ladder-Residual" in hover
    # Most recent role first, projects without a role last.
    assert table.iloc[0]["role_id"] == "together-ai"
    assert pd.isna(table.iloc[-1]["role_id"])


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
    assert any(re.search(r"as of 01 Jan 2027", n) for n in notes(fig))


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
    # organisation are never cut): here at most two more a row.
    tallest_skills = charts.skills.figure(charts.skills.table(cv), brand=BRAND).layout.height
    for name, (fig, (caption, alt)) in large_figures.items():
        limit = tallest_skills if name == "skills" else 1200
        if name == "timeline":
            wrapped = sum(t.count("<br>") for t in fig.layout.yaxis.ticktext)
            assert wrapped <= 2 * len(fig.layout.yaxis.ticktext)
            limit += wrapped * charts.timeline._sizing._SCREEN.line
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
    assert caption.startswith(f"Publications by venue: {total} papers, none with a venue given")
    assert "0 venues" not in caption
