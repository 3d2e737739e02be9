"""Which plotly.js the site serves and kaleido loads: the basic bundle when it fits."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest
from chart_helpers import all_figures

from cvdata import _plotlyjs, page, synth


def test_bundles_carry_their_version() -> None:
    basic, full = _plotlyjs._version(_plotlyjs.BASIC), _plotlyjs._version(_plotlyjs.full_bundle())
    assert re.fullmatch(r"\d+\.\d+\.\d+", basic or ""), basic
    assert re.fullmatch(r"\d+\.\d+\.\d+", full or ""), full
    assert _plotlyjs.BASIC.stat().st_size < _plotlyjs.full_bundle().stat().st_size / 3


def test_basic_bundle_only_for_the_same_plotly_js_version(monkeypatch) -> None:
    monkeypatch.delenv(_plotlyjs.ENV, raising=False)
    same = _plotlyjs._version(_plotlyjs.BASIC) == _plotlyjs._version(_plotlyjs.full_bundle())
    assert _plotlyjs.uses_basic() is same
    assert _plotlyjs.bundle() == (_plotlyjs.BASIC if same else _plotlyjs.full_bundle())


def test_older_basic_bundle_falls_back_to_the_full_one(monkeypatch, tmp_path) -> None:
    old = tmp_path / "plotly-basic.min.js"
    old.write_text("/**\n* plotly.js (basic - minified) v0.0.1\n*/\n", encoding="utf-8")
    monkeypatch.setattr(_plotlyjs, "BASIC", old)
    _plotlyjs._basic_matches.cache_clear()
    try:
        assert _plotlyjs.bundle() == _plotlyjs.full_bundle()
    finally:
        _plotlyjs._basic_matches.cache_clear()


def test_full_bundle_on_request(monkeypatch) -> None:
    monkeypatch.setenv(_plotlyjs.ENV, "full")
    assert _plotlyjs.bundle() == _plotlyjs.full_bundle()
    assert _plotlyjs.unsupported_traces({"heatmap"}) == set()


@pytest.mark.parametrize("sizes", [{}, {"n_papers": 300, "n_roles": 60, "n_skills": 200}])
def test_every_chart_the_pages_draw_is_in_the_basic_bundle(cv, sizes) -> None:
    data = cv if not sizes else synth.make_cv(seed=0, **sizes)
    used = {t.type for fig, _ in all_figures(data).values() for t in fig.data}
    assert used and used <= _plotlyjs.BASIC_TRACES, used


def test_a_trace_the_bundle_cannot_draw_is_a_clear_error(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(_plotlyjs.ENV, raising=False)
    if not _plotlyjs.uses_basic():
        pytest.skip("the installed plotly's plotly.js is not the shipped basic bundle's version")
    p = page.Page(cv=None, format="html", brand=None, project_root=tmp_path)
    fig = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    with pytest.raises(ValueError, match=r"'fig-heat' has heatmap traces, .*CVDATA_PLOTLYJS=full"):
        p.figure(fig, label="fig-heat", caption="c", alt="a")
