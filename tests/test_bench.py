"""`make bench` keeps working: the benchmark run at S only, into a scratch folder.

The numbers themselves are not asserted (these machines are noisy); that every part ran
and the report states each measured figure against its target is.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from conftest import PROJECT


def _build_outputs() -> dict[str, int]:
    """Every file the project's own render writes, with its modification time."""
    return {
        str(path): path.stat().st_mtime_ns
        for folder in ("_preview", "_figures", "_freeze", "assets")
        for path in (PROJECT / folder).rglob("*")
        if path.is_file()
    }


def test_benchmark_at_s_writes_a_report_with_every_target(tmp_path) -> None:
    out, report = tmp_path / "bench-out", tmp_path / "BENCHMARKS.md"
    before = _build_outputs()
    env = {**os.environ, "CVDATA_BENCH_OUT": str(out), "CVDATA_BENCH_REPORT": str(report)}
    for name in ("CVDATA_DIR", "CVDATA_AS_OF", "QUARTO_PROFILE"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, str(PROJECT / "benchmarks" / "bench.py"), "--sizes", "S"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    results = json.loads((out / "results.json").read_text())["S"]

    assert not [k for k in results if k.endswith("_error")], results
    for key in ("render_seq", "render"):
        assert results[key]["rc"] == 0 and not results[key]["timed_out"]
        assert len(results[key]["docs"]) == 8  # 7 documents, the CV twice (HTML, PDF)
    assert results["render_seq"]["jobs"] == 1
    assert results["make_render"]["rc"] == 0  # the literal make render
    # ... in the scratch project: the user's own _preview/ is not replaced by the bench's.
    assert (out / "project-S" / "_preview" / "cv.pdf").is_file()
    assert _build_outputs() == before
    assert results["sizes"]["titles_missing_n"] == 0
    assert set(results["memory"]) == {"cv.qmd [html]", "cv.qmd [typst]", "index.qmd [html]"}

    # Each target of S is a row with a measured number and a verdict.
    rows = {
        "whole offline render of S < 20 s",
        "static export after the first figure < 0.3 s/figure (S)",
        "HTML of S < 300 KB per page without plotly.js",
    }
    for row in rows:
        line = next((ln for ln in text.splitlines() if ln.startswith(f"| {row}")), None)
        assert line, f"no row for {row!r}"
        assert re.search(r"\d", line.split("|")[2]), line
        assert re.search(r"\| [\d.]+× (PASS|MISS) \|$", line), line
    assert "## Where a document's time goes" in text
    assert "## How the numbers got here" in text
