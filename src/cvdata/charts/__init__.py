"""The charts: one module per chart, each holding its table, its figure and its description.

A chart module has ``table(cv, ...)`` (the tidy DataFrame it draws, testable as data),
``figure(table, *, brand, ...)`` (a ``go.Figure``), ``describe(table, ...)`` (its caption
and alt text, from the same data) and ``draw(cv, *, brand, ...)``, which runs the three.
:data:`CHARTS` names every chart, one line each: pages draw a chart by its name
(:meth:`cvdata.page.Page.chart`), and the tests, the snapshots and the benchmark loop over
it. Importing this package draws nothing and imports no plotly: a chart's module is
imported when it is drawn. Adding a chart: see ``CONTRIBUTING.md``.

Colours are fixed per meaning, not per chart (:mod:`._theme`): a kind of role and a paper
status have the same colour wherever they appear. The palette is Okabe–Ito (colour-blind
safe); ongoing roles are also hatched and paper statuses also named, so no reading depends
on colour alone.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._chart import ITEMS, Chart, Drawn

if TYPE_CHECKING:
    from ..load import CV
    from ..theme import Brand

#: Every chart by name: one line per chart (its snapshot is ``tests/charts/snapshots/<name>.json``).
CHARTS: dict[str, Chart] = {
    "timeline": Chart("timeline", "fig-timeline"),
    "career_time": Chart("career_time", "fig-career-time"),
    "venues": Chart("venues", "fig-venues"),
    "years": Chart("years", "fig-years"),
    "authorship": Chart("authorship", "fig-authorship"),
    "coauthors": Chart("coauthors", "fig-coauthors"),
    "skills": Chart("skills", "fig-skills"),
    "skills_top": Chart("skills", "fig-skills", {"per_category": 3, "columns": 2}),
    "skills_overview": Chart("skills_overview", "fig-skills-overview"),
    "projects": Chart("projects", "fig-projects"),
}


def chart(name: str) -> Chart:
    """The chart registered as ``name``.

    Raises
    ------
    KeyError
        Naming the charts there are, when none is registered as ``name``.
    """
    try:
        return CHARTS[name]
    except KeyError:
        raise KeyError(f"no chart named {name!r}; the charts are: {', '.join(CHARTS)}") from None


def draw(name: str, cv: CV, *, brand: Brand | None = None, **options: Any) -> Drawn:
    """Draw the chart ``name`` from ``cv``: its figure, caption and alt text."""
    return chart(name)(cv, brand=brand, **options)


__all__ = ["CHARTS", "ITEMS", "Chart", "Drawn", "chart", "draw"]


def __getattr__(name: str) -> Any:
    """A chart's module as an attribute (``charts.timeline``), imported on first use."""
    if name.startswith("_") or name == "numbers" or name in {c.module for c in CHARTS.values()}:
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":  # the module is there; something it needs is not
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
