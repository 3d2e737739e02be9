"""scripts/compare_outputs.py, without rendering: what it normalises and how it compares.
(Its renders are the real ones; issue 20's before/after comparison runs it by hand.)"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import PROJECT

_spec = importlib.util.spec_from_file_location(
    "compare_outputs", PROJECT / "scripts" / "compare_outputs.py"
)
assert _spec and _spec.loader
co = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(co)


def test_normalise_names_the_scratch_path_and_numbers_the_uuids() -> None:
    a, b = "0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    page = f'<div id="{a}"></div><script>Plotly.newPlot("{a}")</script><div id="{b}">/tmp/x/p/cv'
    assert co.normalise(page, "/tmp/x/p") == (
        '<div id="<UUID-1>"></div><script>Plotly.newPlot("<UUID-1>")</script>'
        '<div id="<UUID-2>"><PROJECT>/cv'
    )


def test_every_example_is_a_data_set() -> None:
    sets = co.data_sets(PROJECT)
    assert sets["seed"] == "data"
    examples = [p.name for p in (PROJECT / "examples").iterdir() if p.is_dir()]
    assert sorted(sets) == sorted(["seed", *examples])


def _record(root: Path, pages: dict[str, str], scratch: str = "/s/p") -> Path:
    raw = root / co.RAW / "seed"
    for rel, text in pages.items():
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(text, encoding="utf-8")
    (root / "seed" / "site" / "pdf" / "cv.pdf").mkdir(parents=True)
    (root / "seed" / "site" / "pdf" / "cv.pdf" / "page-001.txt").write_text("Jane\n")
    manifest = {"sets": {"seed": {"data": "data", "scratch": scratch}}}
    (root / co.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    co.normalise_record(root)
    return root


def test_two_records_of_the_same_render_compare_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _record(tmp_path / "a", {"site/cv.html": "/s/p/data 0f8fad5b-d9cb-469f-a165-70867728950e"})
    b = _record(
        tmp_path / "b",
        {"site/cv.html": "/t/q/data 7c9e6679-7425-40de-944b-e07fc1f90ae7"},
        scratch="/t/q",
    )
    assert co.compare(a, b) == 0
    assert capsys.readouterr().out == "compared 2 files, 1 PDF pages: identical\n"


def test_a_changed_page_and_a_missing_one_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = _record(tmp_path / "a", {"site/cv.html": "Jane Doe\n", "site/index.html": "x"})
    b = _record(tmp_path / "b", {"site/cv.html": "Jane Roe\n"})
    assert co.compare(a, b) == 1
    out = capsys.readouterr().out
    assert "only in" in out and "seed/site/index.html" in out
    assert "differs: seed/site/cv.html" in out and "-Jane Doe" in out and "+Jane Roe" in out
    assert out.endswith("compared 2 files, 1 PDF pages: 2 differ\n")
