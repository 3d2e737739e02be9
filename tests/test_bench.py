"""`make bench` keeps working: the benchmark run at S only, into a scratch folder.

It renders with the real Quarto (cold, frozen, after a data edit, the PDF alone, the
résumé, and Quarto's floor), so it needs Quarto: ``CVDATA_QUARTO`` (``make test`` sets it)
or a ``quarto`` on PATH. L and RenderCV are left out to keep it to a few minutes. The
numbers themselves are not asserted (these machines are noisy); that every part ran and
the report states each target with a number and a verdict (or, for what was left out,
why not) is.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, quarto

from cvdata.charts import CHARTS


def bench_documents() -> dict[str, tuple[str, ...]]:
    """The benchmark's list of the project's documents (benchmarks/bench.py)."""
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    return bench.DOCUMENTS


pytestmark = pytest.mark.render

#: What the project's own render writes; the benchmark must leave all of it alone.
OUTPUTS = ("_site", "_freeze", "assets", "_figures", "_resume", ".quarto")
RENDERS = ("cold", "frozen", "edit", "edit1", "typst", "resume")


def _build_outputs() -> dict[str, int]:
    """Every file under the project's render outputs, with its modification time."""
    return {
        str(path): path.stat().st_mtime_ns
        for folder in OUTPUTS
        for path in (PROJECT / folder).rglob("*")
        if path.is_file()
    }


def _data() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((PROJECT / "data").iterdir()) if p.is_file()}


def _section(text: str, heading: str) -> str:
    """The part of the report from ``heading`` to the next heading of its level."""
    part = text.split(heading, 1)
    assert len(part) == 2, f"no section {heading!r}"
    return part[1].split("\n## ", 1)[0]


def _row(text: str, start: str) -> list[str]:
    line = next((ln for ln in text.splitlines() if ln.startswith(f"| {start}")), None)
    assert line, f"no row starting {start!r}"
    return [cell.strip() for cell in line.strip("|").split("|")]


def _frozen_pairs_without_rendercv(pairs: dict) -> None:
    assert len(pairs["frozen"]) == 3 and pairs["frozen_kernels"] == [[0, 0]] * 3
    assert pairs["typst"] == []


def test_benchmark_at_s_writes_a_report_with_every_target(tmp_path: Path) -> None:
    out, report = tmp_path / "bench-out", tmp_path / "BENCHMARKS.md"
    before = _build_outputs()
    tops = {name: (PROJECT / name).exists() for name in OUTPUTS}
    data = _data()
    env = {
        **os.environ,
        "CVDATA_BENCH_OUT": str(out),
        "CVDATA_BENCH_REPORT": str(report),
        "CVDATA_BENCH_RENDERCV": "0",
        "CVDATA_QUARTO": quarto(),  # a missing Quarto fails the test, never skips it
    }
    for name in ("CVDATA_DIR", "CVDATA_AS_OF", "QUARTO_PROFILE", "QUARTO_PROJECT_ROOT"):
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
    res = json.loads((out / "results.json").read_text())
    s = res["sizes"]["S"]

    # Every part ran: load + every registered chart, each render (exit 0), sizes, the floor.
    assert not [k for k in s if k.endswith("_error")], s
    assert s["worker"]["load_median_s"] > 0 and len(s["worker"]["figures"]) == len(CHARTS)
    for key in RENDERS:
        r = s[key]
        assert r["rc"] == 0 and not r["timed_out"], (key, r.get("error"))
        assert r["wall_s"] > 0 and r["peak_pss_mib"] > 0, key
    cold_docs = [d["doc"] for d in s["cold"]["docs"]]
    documents = len(bench_documents())
    assert "cv.qmd" in cold_docs and len(cold_docs) == s["cold"]["docs"][0]["of"] == documents
    cv = next(d for d in s["cold"]["docs"] if d["doc"] == "cv.qmd")
    assert set(cv["parts"]) == {"html", "typst"}  # executed twice, split at the second kernel
    # One kernel a document, cv.qmd two (HTML and Typst).
    assert s["cold"]["kernels"] == documents + 1 and s["frozen"]["kernels"] == 0
    assert s["edit"]["kernels"] == 5  # the edit is seen: index, dashboard, cv (twice), skills
    assert s["edit1"]["kernels"] == 3  # talks.csv: cv.qmd (HTML and PDF), the dashboard
    assert s["sizes"]["titles_missing_n"] == 0 and s["sizes"]["pdf_pages"] > 1
    assert s["resume_pdf"]["pages"] >= 1
    assert res["floor"]["site_frozen"]["kernels"] == 0
    assert res["floor"]["site_edit1"]["kernels"] == 2  # cv.qmd, HTML and Typst
    for key in ("site", "typst", "site_frozen", "site_edit1"):
        assert res["floor"][key]["rc"] == 0, res["floor"][key].get("error")
    assert "skipped" in res["rendercv"]
    # Issue #23's nothing-changed ratio from pairs, each side right after the other, both
    # frozen (no kernel); without RenderCV, no pair for the PDF alone.
    _frozen_pairs_without_rendercv(res["pairs"])
    # ... in scratch projects: the shipped data and the project's outputs are untouched.
    assert (out / "S-site" / "_site" / "cv.pdf").is_file()
    assert _build_outputs() == before
    assert {name: (PROJECT / name).exists() for name in OUTPUTS} == tops
    assert _data() == data

    # Issue #23's targets come first, each a ratio of one run with a verdict (RenderCV's
    # is not measured in this run: its row says so).
    issue23 = _section(text, "## Targets (issue #23")
    for start in (
        "cold render of S / Quarto's floor",
        "nothing-changed render / the floor again",
    ):
        _, value, target, ratio, verdict = _row(issue23, start)
        assert re.search(r"\d", value) and target.startswith("<"), (start, value)
        assert verdict in ("PASS", "MISS", "n/a"), (start, verdict)
    # Each target of S is a row with a measured number and a verdict; those that need L
    # or RenderCV say they were not measured, and why.
    issue15 = _section(text, "## Targets (issue #15)")
    measured = (
        "cold render of S (site + PDF)",
        "cold render of S / Quarto's floor",
        "render of S after editing a table two pages read",
        "the same / Quarto's floor rendered again with cv.qmd re-run",
        "render of S with nothing changed",
        "`cv.qmd --to typst` cold (S) / one-page Typst floor",
        "largest page HTML at S",
    )
    for start in measured:
        _, value, target, ratio, verdict = _row(issue15, start)
        assert re.search(r"\d", value) and target.startswith("<"), (start, value)
        assert re.fullmatch(r"[\d.]+× \w+", ratio), (start, ratio)
        assert verdict in ("PASS", "MISS"), (start, verdict)
    for start in (
        "`cv.qmd --to typst` cold (S) / RenderCV",
        "cold render of L / cold render of S",
        "largest page HTML at L",
        "peak memory of the whole render's process tree at L",
    ):
        _, value, _, ratio, verdict = _row(issue15, start)
        assert value.startswith("not measured: ") and len(value) > 20, (start, value)
        assert (ratio, verdict) == ("—", "n/a"), start
    for heading in ("## Renders", "## Quarto's floor and RenderCV", "## Output sizes"):
        assert heading in text
    assert "not comparable" in text  # benchmarks/history.md, appended to the report
