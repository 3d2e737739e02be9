"""The one theme: colours and fonts from ``_brand.yml``.

Quarto applies ``_brand.yml`` to the HTML pages and to the Typst PDF; this module reads
the same file for the charts (:mod:`cvdata.charts._theme` makes it a plotly template) so
that all three agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ._paths import find_project_root

BRAND_FILE = "_brand.yml"

#: The key of ``_brand.yml``'s ``meta`` that chooses the PDF's design.
PDF_DESIGN_KEY = "cvdata-pdf-design"

# Okabe–Ito, used when no _brand.yml is found (e.g. a figure built outside the project).
_DEFAULT_PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "ink": "#1F2933",
    "grey": "#6B7280",
}
# Hue order chosen so the first four (timeline lanes) are far apart.
_COLORWAY = ("blue", "orange", "green", "purple", "vermillion", "sky", "yellow")


@dataclass(frozen=True)
class Brand:
    """Colours and fonts shared by the site, the PDF and the charts."""

    palette: dict[str, str]
    foreground: str
    background: str
    muted: str
    font_family: str
    #: The PDF's design (``meta: cvdata-pdf-design:``; :data:`cvdata.document.typst.DESIGNS`).
    pdf_design: str = "default"

    @property
    def colorway(self) -> list[str]:
        """Categorical colours in a fixed order (colour-blind safe by default)."""
        return [self.palette[c] for c in _COLORWAY if c in self.palette]


def _resolve(value: str | None, palette: dict[str, str], default: str) -> str:
    if not value:
        return default
    return palette.get(value, value)


def load_brand(path: Path | None = None) -> Brand:
    """Read ``_brand.yml`` (found from the project root when ``path`` is omitted)."""
    if path is None:
        root = find_project_root()
        path = root / BRAND_FILE if root else None
    data: dict = {}
    if path is not None and path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    color = data.get("color", {}) or {}
    palette = {**_DEFAULT_PALETTE, **(color.get("palette") or {})}
    typo = data.get("typography", {}) or {}
    base = typo.get("base", {}) or {}
    family = base.get("family") if isinstance(base, dict) else None
    return Brand(
        palette=palette,
        foreground=_resolve(color.get("foreground"), palette, palette["ink"]),
        background=_resolve(color.get("background"), palette, "#FFFFFF"),
        muted=_resolve(color.get("secondary"), palette, palette["grey"]),
        font_family=family or "Liberation Sans",
        pdf_design=str((data.get("meta") or {}).get(PDF_DESIGN_KEY) or "default"),
    )
