"""What a chart is to the registry and to a page: a module that draws it from a CV.

No plotly here: the registry is read without drawing (``import cvdata.charts`` stays cheap
for the pre-render step); a chart's module is imported when it is drawn.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..load import CV
    from ..theme import Brand


class Drawn(NamedTuple):
    """A chart drawn from a CV: the figure, its caption and its alt text."""

    figure: go.Figure
    caption: str
    alt: str


#: How many things a figure draws (rows, bars, skills with years, skill tiles), in
#: ``layout.meta``: :meth:`cvdata.page.Page.figure` leaves a chart of fewer than two out of
#: the PDF.
ITEMS = "items"


@dataclass(frozen=True)
class Chart:
    """One chart of the registry.

    Attributes
    ----------
    module
        The chart's module in :mod:`cvdata.charts`, whose ``draw(cv, *, brand=None,
        **options) -> Drawn`` runs its table, its description and its figure.
    label
        The Quarto cross-reference label a page gives it unless it names another.
    options
        Options this entry always passes to ``draw`` (a page's own win): one module can
        back several entries, e.g. the skills chart and its top-3-per-category variant.
    """

    module: str
    label: str
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def draw(self) -> Callable[..., Drawn]:
        """The module's ``draw`` (the module imported on first use)."""
        return importlib.import_module(f"{__package__}.{self.module}").draw

    def __call__(self, cv: CV, *, brand: Brand | None = None, **options: Any) -> Drawn:
        drawn = self.draw(cv, brand=brand, **{**self.options, **options})
        return _in_language(self.module, drawn)


def _in_language(module: str, drawn: Drawn) -> Drawn:
    """The chart's caption and alt text, as its module states them from the data in the
    CV's language (``describe``), unless the data folder's ``words.json`` gives its own
    (``caption.<module>``, ``alt.<module>``: a sentence of the person's for this chart)."""
    from .. import i18n

    overrides = i18n.current().overrides
    return drawn._replace(
        caption=overrides.get(f"caption.{module}", drawn.caption),
        alt=overrides.get(f"alt.{module}", drawn.alt),
    )
