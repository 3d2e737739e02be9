"""Skills overview: per category, how many skills and their years, or the category's
level; its table, figure and description."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..load import CV
from ..theme import Brand, load_brand
from . import skills
from ._chart import Drawn
from ._common import _cut, _empty, _esc, _escs, _plural, _title, _wrap
from ._theme import plotly_template
from .skills import (
    LEVEL_RANKS,
    _category_levels,
    _levels_said,
    _listing,
    level_rank,
)


def table(cv: CV) -> pd.DataFrame:
    """Per category: ``skills`` listed, how many give years, and the median, smallest and
    largest years among those; its ``level`` as written ("" when none) and that level's
    ``level_rank`` (:func:`level_rank`, NA when not on the scale); ``skill_list`` names
    every skill, with its years when the CV gives any.

    Categories of ``skills.csv`` in file order, then those of ``skill_categories.csv`` that
    list no skill (a JSON Resume skill with a level and no keywords), with ``skills`` 0.
    """
    s = skills.table(cv)
    cols = [
        "category",
        "skills",
        "with_years",
        "median_years",
        "min_years",
        "max_years",
        "level",
        "level_rank",
        "skill_list",
    ]
    levels = _category_levels(cv)
    if s.empty:
        return pd.DataFrame(columns=cols)
    # "Python (years not given)" only tells something when other skills give years.
    dated = bool(s["years"].notna().any())
    g = s.groupby("category", sort=False)
    out = pd.DataFrame(
        {
            "skills": g.size(),
            "with_years": g["years"].count(),
            "median_years": g["years"].median(),
            "min_years": g["years"].min(),
            "max_years": g["years"].max(),
            "skill_list": g.apply(
                lambda d: ", ".join(
                    f"{r.skill} ({r.years_label})" if dated else str(r.skill)
                    for r in d.itertuples()
                ),
                include_groups=False,
            ),
        }
    ).reset_index()
    listed = set(out["category"])
    bare = [c for c in cv.skill_categories["name"] if c not in listed]
    if bare:
        empty = pd.DataFrame(
            {"category": bare, "skills": 0, "with_years": 0, "skill_list": ""}
        ).astype({"category": out["category"].dtype})
        out = pd.concat([out, empty], ignore_index=True)
    out["level"] = pd.Series([levels.get(c, "") for c in out["category"]], dtype="string")
    out["level_rank"] = pd.array([level_rank(v) if v else None for v in out["level"]], "Int64")
    out = out.astype(
        {
            "skills": int,
            "with_years": int,
            "median_years": "Float64",
            "min_years": "Int64",
            "max_years": "Int64",
        }
    )
    return out[cols]


def _level_ticks(cats: pd.DataFrame) -> tuple[list[int], list[str]]:
    """The level scale's ticks: each rank the data uses, named by its levels as written."""
    words: dict[int, list[str]] = {}
    for level, rank in zip(cats["level"], cats["level_rank"], strict=True):
        if level and pd.notna(rank) and level not in words.setdefault(int(rank), []):
            words[int(rank)].append(str(level))
    ranks = sorted(words)
    return ranks, [_esc(" / ".join(words[r])) for r in ranks]


def figure(
    cats: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Per category: how many skills (left) and, on the right, what the CV says of them:
    their years, median and range, when any skill gives years; else the category's level,
    on a Beginner-to-Expert scale when every level given is on it
    (:data:`cvdata.LEVEL_RANKS`), as written otherwise; else nothing (one panel).
    A category the right panel has nothing for says so there ("years not given", "no level
    given"). Hovering a category lists every skill in it. ``cats`` from
    :func:`table`."""
    brand = brand or load_brand()
    if cats.empty:
        return _empty(brand, i18n.current()("empty.skills"), title)
    dated = cats[cats["with_years"] > 0]
    has_level = cats["level"].fillna("") != ""
    right = "years" if not dated.empty else ("level" if has_level.any() else None)
    ordinal = right == "level" and bool(cats.loc[has_level, "level_rank"].notna().all())
    w = i18n.current()
    if right == "years":
        second = [w("overview.panel-years", title=f"<b>{w('overview.years-per-skill')}</b>")]
    elif right == "level":
        level = f"<b>{w('chart.level')}</b>"
        second = [level if ordinal else w("overview.panel-level-written", title=level)]
    else:
        second = []
    fig = make_subplots(
        rows=1,
        cols=2 if right else 1,
        shared_yaxes=True,
        column_widths=[0.4, 0.6] if right else None,
        horizontal_spacing=0.04,
        subplot_titles=[f"<b>{w('overview.skills-listed')}</b>", *second],
    )
    y = _escs(cats["category"])
    hover = _hover(cats, years=right == "years")
    blue = brand.palette.get("blue", brand.colorway[0])
    fig.add_trace(
        go.Bar(
            orientation="h",
            x=[int(v) for v in cats["skills"]],
            y=y,
            text=[str(int(v)) for v in cats["skills"]],
            textposition="outside",
            cliponaxis=False,
            marker={"color": blue},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            name="skills",
        ),
        row=1,
        col=1,
    )
    if right == "years":
        _years_panel(fig, cats, dated, hover, brand)
    elif right == "level":
        _level_panel(fig, cats, hover, brand, ordinal)
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=y,
        autorange="reversed",
        automargin=True,
        showgrid=False,
    )
    fig.update_xaxes(title=i18n.current()("chart.skills"), rangemode="tozero", row=1, col=1)
    fig.update_xaxes(range=[0, float(cats["skills"].max()) * 1.15 + 0.5], row=1, col=1)
    if int(cats["skills"].max()) <= 5:  # a count: no ticks at 0.5
        fig.update_xaxes(dtick=1, row=1, col=1)
    for ann in fig.layout.annotations:
        ann.update(font={"size": 13})
    fig.update_layout(
        template=plotly_template(brand),
        title=_title(title),
        height=110 + 30 * len(cats),
        bargap=0.35,
        hovermode="closest",
        margin={"t": 50, "b": 50},
    )
    return fig


def _num(x: float) -> str:
    """A median of years: ``2.5``, ``2,5`` (Babel's, in another language than English)."""
    words = i18n.current()
    return f"{x:g}" if i18n.catalogue_language(words.tag) == i18n.DEFAULT else words.number(x)


def _hover(cats: pd.DataFrame, *, years: bool) -> list[str]:
    """Each category's hover: its count, its years or level, and every skill in it;
    ``years``: the right panel shows years (so say how many skills give none)."""
    w = i18n.current()
    return [
        f"<b>{_esc(r.category)}</b><br>"
        + (_plural(int(r.skills), "skill") if r.skills else w("overview.no-skills"))
        + (
            w("overview.without-years", n=w.number(int(r.skills) - int(r.with_years)))
            if years and r.with_years < r.skills
            else ""
        )
        + (
            "<br>"
            + w(
                "overview.median-hover",
                median=_num(r.median_years),
                low=r.min_years,
                high=r.max_years,
            )
            if r.with_years
            else ""
        )
        + ("<br>" + w("overview.level-hover", level=_esc(r.level)) if r.level else "")
        + ("<br>" if r.skills else "")
        # No line break inside "(5 yrs)": a no-break space is not whitespace to textwrap.
        + _wrap(
            str(r.skill_list).replace(" yr", "\u00a0yr").replace(" not ", "\u00a0not\u00a0"),
            70,
            12,
        )
        for r in cats.itertuples()
    ]


def _missing_text(fig: go.Figure, cats: pd.DataFrame, x: float, text: str, brand: Brand) -> None:
    """``text`` on the rows of ``cats`` in the right panel, which draws nothing for them."""
    if cats.empty:
        return
    fig.add_trace(
        go.Scatter(
            x=[x] * len(cats),
            y=_escs(cats["category"]),
            mode="text",
            text=[text] * len(cats),
            textposition="middle right",
            textfont={"color": brand.muted, "size": 11},
            hoverinfo="skip",
            cliponaxis=False,
            showlegend=False,
            name=text,
        ),
        row=1,
        col=2,
    )


def _years_panel(
    fig: go.Figure, cats: pd.DataFrame, dated: pd.DataFrame, hover: list[str], brand: Brand
) -> None:
    """Years per skill of each category: median dot on a min–max line."""
    blue = brand.palette.get("blue", brand.colorway[0])
    xs: list[float | None] = []
    ys: list[str | None] = []
    for r in dated.itertuples():
        xs += [float(r.min_years), float(r.max_years), None]
        ys += [_esc(r.category), _esc(r.category), None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": brand.muted, "width": 3},
            hoverinfo="skip",
            showlegend=False,
            name="range",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=[float(v) for v in dated["median_years"]],
            y=_escs(dated["category"]),
            mode="markers",
            marker={"color": blue, "size": 11, "line": {"color": "#FFFFFF", "width": 1}},
            hovertext=[h for h, w in zip(hover, cats["with_years"], strict=True) if w > 0],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            name="median",
        ),
        row=1,
        col=2,
    )
    _missing_text(
        fig, cats[cats["with_years"] == 0], 0, i18n.current()("chart.years-not-given"), brand
    )
    top = float(cats["max_years"].max()) if cats["max_years"].notna().any() else 1.0
    fig.update_xaxes(title=i18n.current()("chart.years"), range=[0, top + 1], row=1, col=2)


def _level_panel(
    fig: go.Figure, cats: pd.DataFrame, hover: list[str], brand: Brand, ordinal: bool
) -> None:
    """Each category's level: a dot on the level scale, or the level as written when some
    level is not on the scale (no order is guessed)."""
    given = cats["level"].fillna("") != ""
    part = cats[given]
    tips = [h for h, g in zip(hover, given, strict=True) if g]
    if ordinal:
        ranks, words = _level_ticks(cats)
        fig.add_trace(
            go.Scatter(
                x=[int(v) for v in part["level_rank"]],
                y=_escs(part["category"]),
                mode="markers",
                marker={
                    "color": brand.palette.get("blue", brand.colorway[0]),
                    "size": 12,
                    "line": {"color": "#FFFFFF", "width": 1},
                },
                hovertext=tips,
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                name="level",
            ),
            row=1,
            col=2,
        )
        _missing_text(fig, cats[~given], 0.6, i18n.current()("chart.no-level"), brand)
        # The whole scale, so that the highest level given is not drawn as the top.
        top = max(LEVEL_RANKS.values())
        fig.update_xaxes(
            title=i18n.current()("chart.level"),
            range=[0.5, top + 0.5],
            tickmode="array",
            tickvals=ranks,
            ticktext=words,
            row=1,
            col=2,
        )
        return
    fig.add_trace(
        go.Scatter(
            x=[0] * len(part),
            y=_escs(part["category"]),
            mode="text",
            text=[_esc(_cut(str(v), 40)) for v in part["level"]],
            textposition="middle right",
            textfont={"color": brand.foreground, "size": 13},
            hovertext=tips,
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
            showlegend=False,
            name="level",
        ),
        row=1,
        col=2,
    )
    _missing_text(fig, cats[~given], 0, i18n.current()("chart.no-level"), brand)
    fig.update_xaxes(range=[0, 1], visible=False, row=1, col=2)


def describe(cats: pd.DataFrame) -> tuple[str, str]:
    """Caption and alt text of :func:`skills_overview`, for what its right panel shows:
    years, levels, or nothing."""
    w = i18n.current()
    if cats.empty:
        return w("empty.skills"), w("empty-alt.skills")
    total = int(cats["skills"].sum())
    biggest = cats.sort_values("skills", ascending=False, kind="stable").iloc[0]
    bare = [str(c) for c in cats.loc[cats["skills"] == 0, "category"]]
    lead = w(
        "overview.lead", skills=_plural(total, "skill"), categories=_plural(len(cats), "category")
    )
    hover = w("overview.hover")
    if bare:  # a category with a level and no skills of its own (JSON Resume)
        key = "overview.bare-one" if len(bare) == 1 else "overview.bare-many"
        hover = w(key, names=_listing(bare, 5)) + hover
    dated = cats[cats["with_years"] > 0]
    levels = {str(r.category): str(r.level) for r in cats.itertuples()}
    n_cats = w.number(len(cats))
    if not dated.empty:
        some = (
            ""
            if len(dated) == len(cats)
            else w("overview.some", n=w.number(len(dated)), total=n_cats)
        )
        caption = w("overview.caption-years", lead=lead, some=some, hover=hover)
        alt = w(
            "overview.alt-years",
            cats=n_cats,
            biggest=biggest["category"],
            n=w.number(int(biggest["skills"])),
            medians=", ".join(
                w("overview.median-item", category=r.category, median=_num(r.median_years))
                for r in dated.itertuples()
            ),
        )
        return caption, alt
    counts = _listing([f"{r.category} {w.number(int(r.skills))}" for r in cats.itertuples()], 20)
    if any(levels.values()):
        caption = w("overview.caption-levels", lead=lead, levels=_levels_said(levels), hover=hover)
        alt = w(
            "overview.alt-levels",
            cats=n_cats,
            counts=counts,
            levels=_listing([f"{c} {v or w('overview.not-given')}" for c, v in levels.items()], 20),
        )
        return caption, alt
    caption = w("overview.caption", lead=lead, hover=hover)
    alt = w("overview.alt", cats=n_cats, counts=counts)
    return caption, alt


def draw(cv: CV, *, brand: Brand | None = None) -> Drawn:
    """Per category of skills: their years, or the category's level."""
    t = table(cv)
    return Drawn(figure(t, brand=brand), *describe(t))
