"""What the chart tests share: reading a figure as data, and edge-case CVs (fixtures)."""

from __future__ import annotations

import shutil

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import AS_OF, PROJECT, edit_cell

import cvdata
from cvdata import charts, synth
from cvdata.theme import load_brand

BRAND = load_brand()

# --------------------------------------------------------------------------- helpers


def traces(fig: go.Figure, part: str) -> list:
    """The traces of a figure that draw one part (``meta.part``): roles, paper, award."""
    return [t for t in fig.data if isinstance(t.meta, dict) and t.meta.get("part") == part]


def count(fig: go.Figure, part: str) -> int:
    return sum(len(t.x) for t in traces(fig, part))


def bar_ends(fig: go.Figure) -> dict[str, pd.Timestamp]:
    """Role id -> where its bar ends (base + length)."""
    ends = {}
    for t in traces(fig, "roles"):
        for rid, base, ms in zip(t.ids, t.base, t.x, strict=True):
            ends[rid] = pd.Timestamp(base) + pd.Timedelta(milliseconds=ms)
    return ends


def hover_of(fig: go.Figure, part: str) -> dict[str, str]:
    return {i: h for t in traces(fig, part) for i, h in zip(t.ids, t.hovertext, strict=True)}


def notes(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def bars(fig: go.Figure) -> list[go.Bar]:
    return [t for t in fig.data if isinstance(t, go.Bar) and t.x and t.x[0] is not None]


def timeline_of(cv: cvdata.CV) -> tuple[go.Figure, pd.DataFrame, pd.DataFrame]:
    roles = charts.timeline.table(cv)
    markers = charts.timeline.markers(cv)
    return (
        charts.timeline.figure(roles, as_of=cv.as_of, markers=markers, brand=BRAND),
        roles,
        markers,
    )


def cv_with_one_role(tmp_path, start: str, end: str) -> cvdata.CV:
    """examples/minimal with its one role from ``start`` to ``end``."""
    data = tmp_path / "cv"
    shutil.copytree(PROJECT / "examples" / "minimal", data)
    edit_cell(data / "roles.csv", "example-lab", "start", start)
    edit_cell(data / "roles.csv", "example-lab", "end", end)
    return cvdata.load(data, as_of=AS_OF)


# --------------------------------------------------------------------------- edge-case CVs


@pytest.fixture(scope="module")
def one_role() -> cvdata.CV:
    return synth.make_cv(n_papers=3, n_roles=1, n_projects=2, n_skills=5, seed=1)


@pytest.fixture(scope="module")
def all_ongoing() -> cvdata.CV:
    return synth.make_cv(n_papers=10, n_roles=8, n_projects=5, n_skills=10, all_ongoing=True)


@pytest.fixture(scope="module")
def no_papers() -> cvdata.CV:
    return synth.make_cv(n_papers=0, n_roles=6, n_projects=4, n_skills=12, seed=2)


@pytest.fixture(scope="module")
def many_roles() -> cvdata.CV:
    return synth.make_cv(n_papers=60, n_roles=100, n_projects=150, n_skills=40, seed=3)


@pytest.fixture(scope="module")
def many_papers() -> cvdata.CV:
    return synth.make_cv(n_papers=5000, n_roles=20, n_projects=60, n_skills=300, seed=4)


@pytest.fixture(scope="module")
def nothing() -> cvdata.CV:
    return synth.make_cv(n_papers=0, n_roles=1, n_projects=0, n_skills=0, seed=5)
