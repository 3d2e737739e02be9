"""Projects per role: projects and contribution bullets per role, most recent first; its
table, figure and description."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..load import CV
from ..theme import Brand, load_brand
from . import timeline
from ._chart import Drawn
from ._common import (
    BAR_ROW,
    _empty,
    _esc,
    _legend_top,
    _list_hover,
    _more_note,
    _plural,
    _shown,
    _title,
    _unique,
    _wrap,
)
from ._tables import _mark_top
from ._theme import kind_color, plotly_template
from .timeline._labels import _wrap_cells

#: How many roles the projects chart draws (the most recent with projects).
PROJECT_ROLES = 30


#: A row label's lines hold at most this many character cells: wrapped, never cut.
LABEL_CELLS = 44
#: Pixels a row's label takes per line.
LABEL_LINE = 13


def _whole_label(role: pd.Series) -> str:
    """A role's label, "Title · Organisation", whole (the timeline's is cut to one line)."""
    title, org = str(role["title"]), str(role["organisation"])
    return f"{title} · {org}" if org and org != "<NA>" else title


def _wrapped(label: str) -> str:
    """A row label in lines of at most ``LABEL_CELLS`` cells, escaped line by line."""
    return "<br>".join(_esc(line) for line in _wrap_cells(label, LABEL_CELLS)) or _esc(label)


def table(cv: CV, as_of: dt.date | None = None, top: int | None = PROJECT_ROLES) -> pd.DataFrame:
    """Projects and contribution bullets per role, most recent role first; projects not
    tied to a role form one last row (``role_id`` NA, "Other projects").

    Only roles with at least one project are listed; ``roles_without_projects`` counts the
    others. The ``top`` most recent roles are ``shown`` (all when ``top`` is None or only
    one more); the "Other projects" row always is. Columns: ``role_id, label, kind,
    kind_label, projects, contributions, titles, rank, shown``.
    """
    cols = ["role_id", "label", "kind", "kind_label", "projects", "contributions", "titles"]
    t = timeline.table(cv, as_of, top=None).set_index("role_id")
    prj = cv.projects
    contrib = cv.project_contributions.groupby("project_id").size()
    prj = prj.assign(contributions=prj["id"].map(contrib).fillna(0).astype(int))
    order = t.assign(_end=t["end"]).sort_values(["_end", "start"], ascending=False, kind="stable")
    per = prj[prj["role_id"].isin(order.index)].groupby("role_id", sort=False)
    mine = pd.DataFrame(
        {
            "projects": per.size(),
            "contributions": per["contributions"].sum(),
            "titles": per["title"].agg("\n".join),
        }
    )
    mine = mine.reindex([r for r in order.index if r in mine.index])
    rows = [
        (
            role_id,
            _whole_label(role),
            role["kind"],
            role["kind_label"],
            int(m.projects),
            int(m.contributions),
            m.titles,
        )
        for (role_id, m), (_, role) in zip(
            mine.iterrows(), order.loc[mine.index].iterrows(), strict=True
        )
    ]
    loose = prj[prj["role_id"].isna() | ~prj["role_id"].isin(t.index)]
    if not loose.empty:
        rows.append(
            (
                pd.NA,
                i18n.current()("projects.other-row"),
                "other",
                i18n.current()("kind.other"),
                len(loose),
                int(loose["contributions"].sum()),
                "\n".join(loose["title"]),
            )
        )
    out = pd.DataFrame(rows, columns=cols).astype({"role_id": "string"})
    with_role = out["role_id"].notna()
    out["rank"] = with_role.cumsum().where(with_role, 0).astype(int)
    out["shown"] = ~with_role | _mark_top(out["rank"], top, int(with_role.sum()))
    return out


def roles_without_projects(cv: CV) -> pd.DataFrame:
    """Roles that list no project: ``role_id, title, organisation``."""
    has = set(cv.projects["role_id"].dropna())
    r = cv.roles[~cv.roles["id"].isin(has)]
    return pd.DataFrame(
        {"role_id": r["id"], "title": r["title"], "organisation": r["organisation"]}
    ).reset_index(drop=True)


def _counts(key: str, projects: float, contributions: float) -> str:
    """A role's projects and contribution bullets, as the word ``key`` says them."""
    return i18n.current()(
        key,
        projects=_plural(int(projects), "project"),
        contributions=_plural(int(contributions), "contribution"),
    )


def figure(
    table: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Projects per role (most recent role first), coloured by kind of role; the label says
    how many contribution bullets they carry, hovering lists the projects. The earlier roles
    the shape left out (``shown`` false) are counted under the plot.
    ``table`` from :func:`table`."""
    brand = brand or load_brand()
    if table.empty:
        return _empty(brand, i18n.current()("empty.projects"), title)
    table, hidden = _shown(table)
    fig = go.Figure(layout={"template": plotly_template(brand), "title": _title(title)})
    labels = [_wrapped(lab) for lab in _unique(list(table["label"]))]
    seen: set[str] = set()
    for kind in dict.fromkeys(table["kind"]):
        mask = (table["kind"] == kind).to_numpy()
        part = table[mask]
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=_esc(part["kind_label"].iloc[0]),
                x=[int(v) for v in part["projects"]],
                y=[lab for lab, m in zip(labels, mask, strict=True) if m],
                text=[
                    _counts("projects.bar", p, c)
                    for p, c in zip(part["projects"], part["contributions"], strict=True)
                ],
                textposition="outside",
                cliponaxis=False,
                marker={"color": kind_color(brand, str(kind))},
                hovertext=[
                    f"<b>{_wrap(str(r.label), 60)}</b><br>"
                    + _counts("projects.hover", r.projects, r.contributions)
                    + "<br>"
                    + _list_hover(str(r.titles).split("\n"), 15)
                    for r in part.itertuples()
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=kind not in seen,
            )
        )
        seen.add(str(kind))
    fig.update_xaxes(
        title=i18n.current()("chart.projects"),
        rangemode="tozero",
        tickformat=",d",
        dtick=1 if int(table["projects"].max()) <= 6 else None,
        range=[0, float(table["projects"].max()) * 1.6 + 0.5],
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels,
        autorange="reversed",
        automargin=True,
        title=None,
    )
    fig.update_layout(
        barmode="overlay",
        height=max(
            220, 140 + sum(max(BAR_ROW, LABEL_LINE * (lab.count("<br>") + 1) + 8) for lab in labels)
        )
        + (40 if not hidden.empty else 0),
        bargap=0.3,
        hovermode="closest",
        margin={"t": 70},
    )
    _legend_top(fig)
    if not hidden.empty:
        _more_note(
            fig,
            brand,
            len(hidden),
            "earlier role",
            holding=_plural(int(hidden["projects"].sum()), "project"),
            detail=i18n.current()(
                "note.at-most", n=i18n.current().number(int(hidden["projects"].max()))
            ),
        )
    return fig


def describe(table: pd.DataFrame, without: pd.DataFrame | None = None) -> tuple[str, str]:
    w = i18n.current()
    if table.empty:
        return w("empty.projects"), w("empty-alt.projects")
    total, bullets = int(table["projects"].sum()), int(table["contributions"].sum())
    shown, hidden = _shown(table)
    caption = w(
        "projects.caption",
        projects=_plural(total, "project"),
        contributions=_plural(bullets, "contribution"),
        roles=_plural(int(table["role_id"].notna().sum()), "role"),
    )
    if not hidden.empty:
        caption += w(
            "projects.caption-cut",
            shown=w.number(int(shown["role_id"].notna().sum())),
            hidden=w.number(len(hidden)),
            projects=_plural(int(hidden["projects"].sum()), "project"),
        )
    if without is not None and not without.empty:
        caption += w("projects.caption-without", roles=_plural(len(without), "role"))
    caption += w("punct.end")
    top = shown.sort_values("projects", ascending=False, kind="stable").head(3)
    cut = (
        w(
            "projects.alt-cut",
            hidden=w.number(len(hidden)),
            projects=w.number(int(hidden["projects"].sum())),
        )
        if not hidden.empty
        else ""
    )
    alt = w(
        "projects.alt",
        bars=w.number(len(shown)),
        cut=cut,
        top=", ".join(f"{r.label} {w.number(r.projects)}" for r in top.itertuples()),
    )
    return caption, alt


def draw(cv: CV, *, brand: Brand | None = None, top: int | None = PROJECT_ROLES) -> Drawn:
    """Projects and contribution bullets per role, the ``top`` most recent roles."""
    t = table(cv, top=top)
    return Drawn(figure(t, brand=brand), *describe(t, roles_without_projects(cv)))
