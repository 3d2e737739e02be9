"""The chart registry: one line per chart, each a module with its table, figure and
description; pages call charts by name; the package holds its size limits."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest
from conftest import PROJECT

import cvdata
from cvdata import charts

CHARTS_DIR = Path(charts.__file__).parent
#: Issue 20: no module over about 500 lines, no function over about 80.
MODULE_LINES, FUNCTION_LINES = 500, 80


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_is_a_module_with_its_table_figure_and_description(name: str) -> None:
    chart = charts.chart(name)
    module = getattr(charts, chart.module)
    for part in ("table", "figure", "describe", "draw"):
        assert callable(getattr(module, part, None)), f"charts.{chart.module} has no {part}()"
    assert chart.draw is module.draw
    assert re.fullmatch(r"fig-[a-z0-9-]+", chart.label), chart.label


def test_an_entry_draws_with_its_options_and_a_page_can_override_them(cv: cvdata.CV) -> None:
    top = charts.draw("skills_top", cv)
    same = charts.skills.draw(cv, per_category=3, columns=2)
    assert top.figure.to_json() == same.figure.to_json()
    assert (top.caption, top.alt) == (same.caption, same.alt)
    one_column = charts.draw("skills_top", cv, columns=1)
    assert one_column.figure.to_json() == charts.skills.draw(cv, per_category=3).figure.to_json()
    assert one_column.figure.to_json() != top.figure.to_json()
    assert isinstance(top.figure, go.Figure) and top.caption and top.alt


def test_an_unknown_chart_is_refused_with_the_names_there_are() -> None:
    with pytest.raises(KeyError, match=r"no chart named 'timelines'; the charts are: timeline,"):
        charts.chart("timelines")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = charts.nope


def test_the_registry_imports_no_plotly_until_a_chart_is_drawn() -> None:
    # The pre-render step reads the co-authors' rows (cvdata.quarto.site) and must stay light.
    code = (
        "import sys, cvdata.charts, cvdata.quarto.site; print('plotly' in sys.modules);"
        "cvdata.charts.chart('venues').draw; print('plotly' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "True"]


def _pages() -> list[Path]:
    return sorted([*PROJECT.glob("*.qmd"), *(PROJECT / "notebooks").glob("*.py")])


def test_pages_call_registered_charts_by_name() -> None:
    called = set()
    for path in _pages():
        text = path.read_text(encoding="utf-8")
        # No page builds a figure by hand any more: the registry's recipe draws it.
        assert not re.search(r"\bfigures\.|\bshape\.|\.figure\(", text), path.name
        called |= set(re.findall(r"\.chart\(\s*\"(\w+)\"", text))
    assert called <= set(charts.CHARTS), called - set(charts.CHARTS)
    # Every registered chart is on some page.
    assert called == set(charts.CHARTS), set(charts.CHARTS) - called


def _functions(tree: ast.AST) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_chart_module_or_function_is_too_long_to_read() -> None:
    too_long = []
    for path in sorted(CHARTS_DIR.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(CHARTS_DIR)
        if text.count("\n") > MODULE_LINES:
            too_long.append(f"{name}: {text.count(chr(10))} lines")
        for fn in _functions(ast.parse(text)):
            lines = fn.end_lineno - fn.lineno + 1
            if lines > FUNCTION_LINES:
                too_long.append(f"{name}:{fn.lineno} {fn.name}(): {lines} lines")
    assert not too_long, too_long
