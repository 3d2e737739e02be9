"""The skills charts: years per skill, tiles without years, the overview.

Figures are checked as data: how many bars and markers, where ongoing roles end, what the
hover text says, what is left out and whether the figure says so.
"""

from __future__ import annotations

import html
import json
import shutil

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import AS_OF, PROJECT, edit_cell, edit_rows
from figure_checks import BRAND, many_papers, notes, nothing, traces  # noqa: F401 (fixtures)

import cvdata
from cvdata import charts, synth

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
