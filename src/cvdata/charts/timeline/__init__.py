"""The career timeline: every role as a bar in lanes by kind, papers and awards below.

Its table (:func:`table`, with :func:`markers` for the papers and awards), its figure
(:func:`figure`, put together from its parts: :mod:`._sizing`, :mod:`._lanes`,
:mod:`._markers`) and its caption and alt text (:func:`describe`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._chart import Drawn
from . import _table
from ._describe import describe
from ._figure import figure
from ._table import TIMELINE_ROLES, markers, markers_per_year, table

if TYPE_CHECKING:
    from ...load import CV
    from ...theme import Brand

__all__ = ["TIMELINE_ROLES", "describe", "draw", "figure", "markers", "markers_per_year", "table"]


def draw(
    cv: CV,
    *,
    brand: Brand | None = None,
    markers: bool = True,
    compact: bool = False,
) -> Drawn:
    """The timeline of ``cv`` as of its as-of date; ``markers``: with its papers and awards
    below the roles; ``compact``: sized for print (see :func:`figure`)."""
    roles = table(cv)
    dots = _table.markers(cv) if markers else None
    caption, alt = describe(roles, cv.as_of, dots)
    return Drawn(
        figure(roles, as_of=cv.as_of, markers=dots, brand=brand, compact=compact), caption, alt
    )
