"""Skills: years per skill in a panel per category, or tiles when the CV gives no years;
its table, figure and description (and the skills page's opening sentence)."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..load import CV
from ..theme import Brand, load_brand
from ._chart import ITEMS, Drawn
from ._common import (
    _empty,
    _esc,
    _escs,
    _plural,
    _title,
    _unique,
)
from ._skill_tiles import (
    _panel_count,
    _skills_grid,
    _titles_over_panels,
    panel_title,
    title_height,
)
from ._theme import plotly_template

YEARS_NOT_GIVEN = "years not given"


def _years_label(years: object) -> str:
    """A skill's years as its bar is labelled: ``6 yrs`` (CLDR's short unit in another
    language), or the word for none given."""
    words = i18n.current()
    if pd.isna(years):
        return words("chart.years-not-given")
    if i18n.catalogue_language(words.tag) == i18n.DEFAULT:
        return f"{years} yr" if years == 1 else f"{years} yrs"
    return words.years_short(years)  # type: ignore[arg-type]


#: Skill levels as CVs write them (JSON Resume's ``level`` is free text), by rank on one
#: ordinal scale; a level not listed here has no rank, and charts then show levels as
#: written rather than guess an order.
LEVEL_RANKS = {
    **dict.fromkeys(["beginner", "novice", "basic", "elementary", "entry level"], 1),
    **dict.fromkeys(["intermediate", "competent", "working knowledge", "moderate"], 2),
    **dict.fromkeys(["advanced", "proficient", "experienced", "strong"], 3),
    **dict.fromkeys(["expert", "master", "excellent"], 4),
}


#: At most this many skills are drawn when no ``per_category`` is asked for: the shipped
#: CV's 107 all fit, a CV with 1,000 skills gets a chart no taller than the shipped one.
SKILLS_SHOWN = 110


def _per_category_for(sizes: pd.Series, budget: int) -> int | None:
    """The largest top-k per category that keeps at most ``budget`` skills shown (a
    category with one more than k shows all, as in :func:`_mark_top`); None when every
    skill fits."""
    if int(sizes.sum()) <= budget:
        return None
    k = 1
    while k < int(sizes.max()):
        shown = int(sizes.where(sizes <= k + 2, k + 1).sum())  # what k + 1 would show
        if shown > budget:
            break
        k += 1
    return k


def level_rank(level: object) -> int | None:
    """Where a level as written sits on :data:`LEVEL_RANKS`' scale (1 lowest), or None."""
    if level is None or level is pd.NA or (isinstance(level, float) and math.isnan(level)):
        return None
    return LEVEL_RANKS.get(" ".join(str(level).casefold().replace("-", " ").split()))


def _category_levels(cv: CV) -> dict[str, str]:
    """Category -> its level as written (``skill_categories.csv``), for those that give one."""
    cats = cv.skill_categories
    given = cats[cats["level"].notna() & (cats["level"].str.strip() != "")]
    return dict(zip(given["name"], given["level"].str.strip(), strict=True))


def table(
    cv: CV, per_category: int | None = None, *, budget: int | None = SKILLS_SHOWN
) -> pd.DataFrame:
    """Every skill with its years, categories in file order, skills by years within each.

    Skills without years stay (``years`` NA, ``years_label`` "years not given") and sort
    last in their category; a CV that gives no years keeps its own order. ``level`` is the
    skill's category's level as written ("" when none). With ``per_category``, only the
    first that many of each category are ``shown`` (all of a category that has just one
    more). Without it, at most ``budget`` skills are shown: the same top-k of every
    category, k as large as fits (None: all). Columns: ``skill_id, category, skill, years,
    years_label, level, note, rank, category_skills, shown``.
    """
    s = cv.skills
    cols = [
        "skill_id",
        "category",
        "skill",
        "years",
        "years_label",
        "level",
        "note",
        "rank",
        "category_skills",
        "shown",
    ]
    if s.empty:
        return pd.DataFrame(columns=cols)
    cat_order = {c: i for i, c in enumerate(dict.fromkeys(s["category"]))}
    levels = _category_levels(cv)
    out = pd.DataFrame(
        {
            "skill_id": s["id"],
            "category": s["category"],
            "skill": s["skill"],
            "years": s["years"],
            "years_label": pd.Series(
                [_years_label(y) for y in s["years"]],
                index=s.index,
                dtype="string",
            ),
            "level": pd.Series(
                [levels.get(c, "") for c in s["category"]], index=s.index, dtype="string"
            ),
            "note": s["note"].fillna(""),
        }
    )
    out["_c"] = out["category"].map(cat_order)
    out["_y"] = out["years"].fillna(-1)
    out = out.sort_values(["_c", "_y"], ascending=[True, False], kind="stable")
    out["rank"] = out.groupby("_c").cumcount() + 1
    out["category_skills"] = out.groupby("_c")["skill"].transform("size").astype(int)
    if per_category is None and budget is not None:
        per_category = _per_category_for(out.groupby("_c").size(), budget)
    if per_category is None:
        out["shown"] = True
    else:  # as _mark_top, per category
        out["shown"] = (out["rank"] <= per_category) | (out["category_skills"] <= per_category + 1)
    return out[cols].reset_index(drop=True)


SKILL_ROW = 20  # pixels per skill in the skills chart


def figure(
    table: pd.DataFrame,
    *,
    columns: int = 1,
    brand: Brand | None = None,
    title: str | None = None,
) -> go.Figure:
    """Years per skill, one panel per category (file order), skills by years in each.

    Skills without years are named at zero as "years not given". When no skill has years,
    there is no years axis to draw: the skills are a grid of labelled tiles instead, one
    panel per category with its level (:func:`_skills_grid`). ``table`` from
    :func:`table`; a category that shows only its first skills says so in its panel title
    ("3 of 16 shown"). ``columns`` lays the panels out in a grid (e.g. 2 for a compact
    overview)."""
    brand = brand or load_brand()
    if table.empty:
        return _empty(brand, i18n.current()("empty.skills"), title)
    if not table["years"].notna().any():
        return _skills_grid(table, columns=columns, brand=brand, title=title)
    cats = list(dict.fromkeys(table["category"]))
    shown = table[table["shown"]]
    nrows = math.ceil(len(cats) / columns)
    grid = [cats[i * columns : (i + 1) * columns] for i in range(nrows)]
    per_row = [max(int((shown["category"] == c).sum()) for c in row) for row in grid]
    titles = []
    for row in grid:
        for c in row:
            part = table[table["category"] == c]
            count = _panel_count(part, columns, "top")  # longest-held first
            titles.append(panel_title(str(c), [count], 104 if columns == 1 else 44))
        titles += [""] * (columns - len(row))
    title_h = title_height(titles)
    plot_h = sum(SKILL_ROW * n for n in per_row) + title_h * nrows
    fig = make_subplots(
        rows=nrows,
        cols=columns,
        row_heights=[max(1, n) for n in per_row],
        vertical_spacing=title_h / plot_h if nrows > 1 else 0,
        horizontal_spacing=0.26 if columns > 1 else 0.02,
        subplot_titles=titles,
        shared_xaxes="all",
    )
    top = float(table["years"].max()) if table["years"].notna().any() else 1.0
    for i, c in enumerate(cats):
        r, col = i // columns + 1, i % columns + 1
        part = shown[shown["category"] == c]
        _years_panel(fig, part, c, (r, col), rows=per_row[r - 1], columns=columns, brand=brand)
    fig.update_xaxes(range=[0, top * 1.12 + 0.5], showgrid=True, dtick=max(1, math.ceil(top / 8)))
    fig.update_xaxes(title=i18n.current()("chart.years"), row=nrows)
    _titles_over_panels(fig, len(cats))
    fig.update_layout(
        template=plotly_template(brand),
        title=_title(title),
        height=plot_h + 56 + title_h,
        bargap=0.3,
        hovermode="closest",
        margin={"t": 6 + title_h + (30 if title else 0), "b": 50, "l": 10, "r": 30},
    )
    # What the chart tells: skills with years (one without is a mark saying so).
    fig.layout.meta = {ITEMS: int(shown["years"].notna().sum())}
    return fig


def _years_panel(
    fig: go.Figure,
    part: pd.DataFrame,
    category: str,
    at: tuple[int, int],
    *,
    rows: int,
    columns: int,
    brand: Brand,
) -> None:
    """One category's panel at ``at`` (row, column): a bar per skill with years, and the
    words "years not given" at zero for each skill without; ``rows`` skills tall."""
    r, col = at
    max_label = 26 if columns > 1 else 60
    labels = _escs(
        _unique([textwrap.shorten(str(s), max_label, placeholder="…") for s in part["skill"]])
    )
    hover = [
        f"<b>{_esc(s.skill)}</b><br>{_esc(category)}<br>{_esc(s.years_label)}"
        + (f"<br>{_esc(s.note)}" if s.note else "")
        for s in part.itertuples()
    ]
    has = part["years"].notna().to_numpy()
    fig.add_trace(
        go.Bar(
            orientation="h",
            x=[int(v) for v in part["years"][has]],
            y=[lab for lab, h in zip(labels, has, strict=True) if h],
            ids=list(part["skill_id"][has]),
            text=[str(v) for v in part["years"][has]],
            textposition="outside",
            cliponaxis=False,
            hovertext=[t for t, h in zip(hover, has, strict=True) if h],
            hovertemplate="%{hovertext}<extra></extra>",
            marker={"color": brand.palette.get("blue", brand.colorway[0])},
            showlegend=False,
            name=_esc(category),
        ),
        row=r,
        col=col,
    )
    if (~has).any():
        fig.add_trace(
            go.Scatter(
                x=[0] * int((~has).sum()),
                y=[lab for lab, h in zip(labels, has, strict=True) if not h],
                ids=list(part["skill_id"][~has]),
                # Words only: a marker at zero would sit on the end of the skill's label.
                mode="text",
                text=[i18n.current()("chart.years-not-given")] * int((~has).sum()),
                textposition="middle right",
                textfont={"color": brand.muted, "size": 11},
                hovertext=[t for t, h in zip(hover, has, strict=True) if not h],
                hovertemplate="%{hovertext}<extra></extra>",
                cliponaxis=False,
                showlegend=False,
                name=_esc(i18n.current()("skills.category-no-years", category=category)),
            ),
            row=r,
            col=col,
        )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels,
        automargin=True,
        # First skill on top; a panel with fewer skills than its row keeps the bar size.
        autorange=False,
        range=[rows - 0.5, -0.5],
        showgrid=False,
        row=r,
        col=col,
    )


def _top_per_category(table: pd.DataFrame) -> int:
    """How many skills a cut category shows (categories with one more show all)."""
    cut = table.groupby("category")["shown"].agg(["sum", "size"])
    cut = cut[cut["sum"] < cut["size"]]
    return int(cut["sum"].max()) if not cut.empty else int(table["rank"].max())


def _listing(items: list[str], limit: int) -> str:
    """Up to ``limit`` items joined by ", ", then how many more there are."""
    more = len(items) - limit
    words = i18n.current()
    return ", ".join(items[:limit]) + (
        words("list.and-more-plain", n=words.number(more)) if more > 0 else ""
    )


def _levels_said(levels: dict[str, str]) -> str:
    """ "; level per category: A Intermediate, B Expert" (those that give one), or ""."""
    given = [f"{c} {v}" for c, v in levels.items() if v]
    if not given:
        return ""
    words = i18n.current()
    which = (
        ""
        if len(given) == len(levels)
        else words(
            "skills.levels-which", n=words.number(len(given)), total=words.number(len(levels))
        )
    )
    return words("skills.levels", which=which, levels=_listing(given, 10))


def describe(table: pd.DataFrame) -> tuple[str, str]:
    """Caption and alt text of :func:`skills`, for what it draws: years per skill, or,
    when no skill gives years, the tiles of each category and its level."""
    w = i18n.current()
    if table.empty:
        return w("empty.skills"), w("empty-alt.skills")
    cats = table["category"].nunique()
    shown = table[table["shown"]]
    if not table["years"].notna().any():
        return _describe_skill_grid(table, shown, cats)
    missing = int(shown["years"].isna().sum())
    skills = _plural(len(table), "skill")
    if len(shown) == len(table):
        lead = w("skills.lead-all", skills=skills, categories=_plural(cats, "category"))
    else:
        # "longest-held" only when every skill drawn has years.
        which = w(
            "skills.which-some" if missing else "skills.which-longest",
            shown=w.number(len(shown)),
            skills=skills,
        )
        lead = w("skills.lead-cut", which=which, top=w.number(_top_per_category(table)))
    caption = (
        lead
        + (
            w("skills.missing", skills=_plural(missing, "skill"), label=w("chart.years-not-given"))
            if missing
            else ""
        )
        + w("punct.end")
    )
    longest = table.dropna(subset=["years"]).sort_values("years", ascending=False).head(3)
    alt = w(
        "skills.alt",
        cats=w.number(cats),
        shown=w.number(len(shown)),
        total=w.number(len(table)),
        longest=w(
            "skills.alt-longest",
            items=", ".join(
                w("skills.years-item", skill=r.skill, years=w.number(r.years))
                for r in longest.itertuples()
            ),
        )
        if not longest.empty
        else "",
    )
    return caption, alt


def _describe_skill_grid(table: pd.DataFrame, shown: pd.DataFrame, cats: int) -> tuple[str, str]:
    w = i18n.current()
    levels = dict(zip(table["category"], table["level"].fillna(""), strict=True))
    counts = {
        "skills": _plural(len(table), "skill"),
        "categories": _plural(cats, "category"),
        "shown": w.number(len(shown)),
        "top": w.number(_top_per_category(table)),
    }
    lead = w(
        "skills.grid-lead-all" if len(shown) == len(table) else "skills.grid-lead-cut", **counts
    )
    caption = lead + w("skills.grid-no-years") + _levels_said(levels) + w("punct.end")
    names: list[str] = []
    for c, part in shown.groupby("category", sort=False):
        level = f" ({levels[c]})" if levels[c] else ""
        names.append(f"{c}{level}: {_listing([str(v) for v in part['skill']], 12)}")
    alt = w(
        "skills.grid-alt",
        cats=w.number(cats),
        shown=w.number(len(shown)),
        total=w.number(len(table)),
        names=w("punct.semicolon").join(names[:20])
        + (w("skills.grid-alt-more", n=w.number(len(names) - 20)) if len(names) > 20 else ""),
    )
    return caption, alt


def describe_page(table: pd.DataFrame) -> str:
    """The skills page's opening sentence, for what its charts show. ``table`` from
    :func:`table`, as the page's chart of every skill draws it."""
    w = i18n.current()
    if table.empty:
        return ""
    dated = int(table["years"].notna().sum())
    if dated == len(table):
        lead = w("skills.page-all")
    elif dated:
        lead = w("skills.page-some", dated=w.number(dated), skills=_plural(len(table), "skill"))
    else:
        levels = table.groupby("category", sort=False)["level"].first().fillna("")
        with_level = (
            ""
            if not (levels != "").any()
            else w("skills.page-level-all")
            if (levels != "").all()
            else w("skills.page-level-some")
        )
        lead = w("skills.page-none", level=with_level)
    names = w("skills.page-names-all" if table["shown"].all() else "skills.page-names-cut")
    return w("skills.page", lead=lead, names=names)


def draw(
    cv: CV, *, brand: Brand | None = None, per_category: int | None = None, columns: int = 1
) -> Drawn:
    """Years per skill (tiles when no skill gives years); ``per_category``: the first
    that many of each category (see :func:`table`); ``columns``: panels side by side."""
    t = table(cv, per_category)
    return Drawn(figure(t, brand=brand, columns=columns), *describe(t))
