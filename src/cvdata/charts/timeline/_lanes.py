"""The timeline's lanes: a bar per role on its own row, rows grouped by kind of role."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ... import i18n
from ...theme import Brand
from .._common import _esc
from .._theme import kind_color
from ._markers import _iso
from ._sizing import _Rows, _TimelineSize


def _role_hover(r: pd.Series) -> str:
    lines = [f"<b>{_esc(r['title'])}</b>", _esc(r["organisation"]), _esc(r["dates"])]
    if r["location"]:
        lines.append(_esc(r["location"]))
    if r["advisors"]:
        people = str(r["advisors"]).split("; ")
        label = i18n.current()("label.advisor" if len(people) == 1 else "label.advisors")
        lines.append(f"{label}: " + "<br>".join(_esc(p) for p in people))
    ongoing = f" · {_esc(i18n.current()('chart.ongoing'))}" if r["ongoing"] else ""
    lines.append(f"<i>{_esc(r['kind_label'])}{ongoing}</i>")
    return "<br>".join(lines)


def _ms(delta: pd.Series) -> list[float]:
    return [d.total_seconds() * 1000 for d in delta]


def _hatch(ongoing: bool) -> dict[str, object]:
    """The bars' pattern: hatched when the role is ongoing (so not by colour alone)."""
    return {
        "shape": "/" if ongoing else "",
        "fillmode": "overlay",
        "fgcolor": "#FFFFFF",
        "fgopacity": 0.9,
        "size": 7,
        "solidity": 0.35,
    }


def _role_bars(
    fig: go.Figure, roles: pd.DataFrame, centres: pd.Series, size: _TimelineSize, brand: Brand
) -> None:
    """One trace per kind and state (ended / ongoing), lanes in the given order; a legend
    entry for "ongoing (hatched)" when a role is."""
    for kind in dict.fromkeys(roles["kind"]):
        first_of_kind = True
        for ongoing in (False, True):
            part = roles[(roles["kind"] == kind) & (roles["ongoing"] == ongoing)]
            if part.empty:
                continue
            color = kind_color(brand, kind)
            label = str(part["kind_label"].iloc[0])
            fig.add_trace(
                go.Bar(
                    name=_esc(label),
                    legendgroup=_esc(kind),  # not drawn, but kept free of markup like the rest
                    showlegend=first_of_kind,
                    orientation="h",
                    base=_iso(part["start"]),
                    x=_ms(part["end"] - part["start"]),
                    y=[float(c) for c in centres[part.index]],
                    width=[size.bar] * len(part),
                    ids=list(part["role_id"]),
                    hovertext=[_role_hover(r) for _, r in part.iterrows()],
                    hovertemplate="%{hovertext}<extra></extra>",
                    marker={
                        "color": color,
                        "line": {"width": 1 if ongoing else 0, "color": color},
                        "pattern": _hatch(ongoing),
                    },
                    meta={"part": "roles"},
                ),
                row=1,
                col=1,
            )
            first_of_kind = False
    if roles["ongoing"].any():
        pattern = _hatch(True)
        del pattern["fgopacity"]  # as it always was: the legend's swatch at full white
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                name=i18n.current()("chart.ongoing-hatched"),
                marker={
                    "color": brand.muted,
                    "line": {"width": 1, "color": brand.muted},
                    "pattern": pattern,
                },
                showlegend=True,
                hoverinfo="skip",
                meta={"part": "legend"},
            ),
            row=1,
            col=1,
        )


def _lane_axis(fig: go.Figure, roles: pd.DataFrame, rows: _Rows, size: _TimelineSize) -> None:
    """The rows' labels as the y axis (first row on top), and thin rules between lanes."""
    fig.update_yaxes(
        type="linear",
        range=[rows.roles_h, 0],  # first row on top
        tickmode="array",
        tickvals=[float(c) for c in rows.centres],
        ticktext=rows.labels,
        tickfont={"size": size.font},
        automargin=True,
        title=None,
        showgrid=False,
        zeroline=False,
        row=1,
        col=1,
    )
    lane = roles["kind"].tolist()
    for i in range(1, len(lane)):
        if lane[i] != lane[i - 1]:
            edge = float(rows.bottoms.iloc[i - 1])
            fig.add_shape(
                type="line",
                xref="x domain",
                x0=0,
                x1=1,
                yref="y",
                y0=edge,
                y1=edge,
                line={"color": "#9CA3AF", "width": 1},
            )
