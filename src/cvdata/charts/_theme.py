"""The charts' theme: the brand as a plotly template, and one colour per meaning."""

from __future__ import annotations

import plotly.graph_objects as go

from ..theme import Brand, load_brand


def plotly_template(brand: Brand | None = None) -> go.layout.Template:
    """A plotly template in the brand's colours and font."""
    b = brand or load_brand()
    # Fallbacks so that a browser without the brand font still shows a sans-serif.
    font = f"{b.font_family}, Noto Sans CJK SC, Arial, sans-serif"
    axis = {
        "automargin": True,
        "gridcolor": "#E5E7EB",
        "linecolor": "#9CA3AF",
        "zerolinecolor": "#E5E7EB",
        "tickfont": {"color": b.foreground},
        "title": {"font": {"color": b.foreground}},
    }
    return go.layout.Template(
        layout={
            "colorway": b.colorway,
            "font": {"family": font, "color": b.foreground, "size": 13},
            "paper_bgcolor": b.background,
            "plot_bgcolor": b.background,
            "title": {"font": {"size": 16}, "x": 0, "xanchor": "left"},
            "xaxis": axis,
            "yaxis": axis,
            "legend": {"bgcolor": "rgba(0,0,0,0)"},
            "hoverlabel": {"font": {"family": font}, "align": "left"},
            "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        }
    )


#: Palette names (``_brand.yml``) per kind of role; other kinds take the remaining colours.
KIND_COLOR_NAMES = {
    "industry": "blue",
    "internship": "orange",
    "research": "green",
    "education": "purple",
    "work": "ink",
    "other": "grey",
}


#: Palette names per paper status (ordered from settled to not yet placed).
STATUS_COLOR_NAMES = {
    "published": "blue",
    "accepted": "sky",
    "submitted": "orange",
    "under-review": "vermillion",
    "preprint": "purple",
    "forthcoming": "grey",
}


AWARD_COLOR_NAME = "yellow"


def kind_color(brand: Brand, kind: str) -> str:
    """The colour of a kind of role, the same in every chart."""
    name = KIND_COLOR_NAMES.get(kind)
    if name and name in brand.palette:
        return brand.palette[name]
    spare = [c for c in brand.colorway if c not in _named(brand, KIND_COLOR_NAMES)]
    return (spare or brand.colorway)[sum(map(ord, kind)) % len(spare or brand.colorway)]


def status_color(brand: Brand, status: str) -> str:
    """The colour of a paper status, the same in every chart."""
    name = STATUS_COLOR_NAMES.get(status, "grey")
    return brand.palette.get(name, brand.muted)


def _named(brand: Brand, names: dict[str, str]) -> set[str]:
    return {brand.palette[n] for n in names.values() if n in brand.palette}
