"""Snapshots of every figure's JSON on the shipped data, as of 2026-11-26.

A figure that changes on purpose is re-recorded with ``UPDATE_SNAPSHOTS=1 pytest
tests/charts/test_snapshots.py``; review the diff of ``tests/charts/snapshots/`` like
code. The template (the theme, tested elsewhere) is left out to keep the files small;
arrays plotly would encode as base64 are written as plain lists, so a diff reads as data.
"""

from __future__ import annotations

import base64
import difflib
import json
import os
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from chart_helpers import FIGURE_NAMES, all_figures

import cvdata

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS", "") not in ("", "0")
NAMES = FIGURE_NAMES


def _plain(value: object) -> object:
    """JSON with plotly's typed arrays ({"dtype", "bdata"}) decoded to lists."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                shape = [int(n) for n in str(value["shape"]).split(",")]
                arr = arr.reshape(shape)
            return arr.tolist()
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def snapshot_json(fig: go.Figure, caption: str, alt: str) -> str:
    data = _plain(json.loads(fig.to_json()))
    data["layout"].pop("template", None)
    data["caption"], data["alt"] = caption, alt
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def built(cv: cvdata.CV) -> dict:
    return all_figures(cv)


@pytest.mark.parametrize("name", NAMES)
def test_figure_matches_its_snapshot(built: dict, name: str) -> None:
    fig, (caption, alt) = built[name]
    actual = snapshot_json(fig, caption, alt)
    path = SNAPSHOTS / f"{name}.json"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path.name}; record it with UPDATE_SNAPSHOTS=1")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "snapshot", "now", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(
            f"{name} differs from tests/charts/snapshots/{path.name} (UPDATE_SNAPSHOTS=1 "
            f"re-records it if the change is wanted):\n{shown}"
        )


def test_every_figure_has_a_snapshot(built: dict) -> None:
    assert set(built) == set(NAMES)
    if not UPDATE:
        assert {p.stem for p in SNAPSHOTS.glob("*.json")} == set(NAMES)


def test_snapshots_stay_small() -> None:
    sizes = {p.name: p.stat().st_size for p in SNAPSHOTS.glob("*.json")}
    assert sizes and max(sizes.values()) < 200_000, sizes
