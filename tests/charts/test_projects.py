"""The projects chart.

Figures are checked as data: how many bars and markers, where ongoing roles end, what the
hover text says, what is left out and whether the figure says so.
"""

from __future__ import annotations

import pandas as pd
from figure_checks import BRAND, bars

from cvdata import charts

# --------------------------------------------------------------------------- projects


def test_projects_per_role(cv) -> None:
    table = charts.projects.table(cv)
    assert table["projects"].sum() == len(cv.projects)
    assert table["contributions"].sum() == len(cv.project_contributions)
    fig = charts.projects.figure(table, brand=BRAND)
    assert sum(len(t.x) for t in bars(fig)) == len(table)
    without = charts.projects.roles_without_projects(cv)
    caption, _ = charts.projects.describe(table, without)
    assert f"{len(without)} roles list no projects" in caption
    hover = " ".join(h for t in bars(fig) for h in t.hovertext)
    assert "Ladder-Residual" in hover
    # Most recent role first, projects without a role last.
    assert table.iloc[0]["role_id"] == "together-ai"
    assert pd.isna(table.iloc[-1]["role_id"])
