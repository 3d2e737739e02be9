"""The benchmark's report writer (benchmarks/_report.py), split into one function per
section (issue 20), writes what the one long ``write_report`` wrote for the same results.

``fixtures/bench/results.json`` holds fixed measurements (sizes S and L, the floor,
RenderCV, a failed render, errors); ``fixtures/bench/report.md`` is the report the code
before the split wrote for them, its date and benchmarks/history.md replaced by
placeholders (the history is appended as it is, and grows)."""

from __future__ import annotations

import json
import re
import sys

from conftest import PROJECT

FIXTURES = PROJECT / "tests" / "fixtures" / "bench"


def _write_report(results: dict) -> str:
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    try:
        import _report
    finally:
        sys.path.remove(str(PROJECT / "benchmarks"))
    info = {"CPU": "test cpu", "Quarto": "1.8"}
    text = _report.write_report(info, results, results["elapsed_s"])
    history = (PROJECT / "benchmarks" / "history.md").read_text(encoding="utf-8").rstrip()
    text = text.replace(history, "<benchmarks/history.md>")
    return re.sub(r"on \d{4}-\d\d-\d\d \d\d:\d\d UTC", "on DATE", text)


def test_the_report_for_fixed_results_is_the_one_recorded() -> None:
    results = json.loads((FIXTURES / "results.json").read_text(encoding="utf-8"))
    expected = (FIXTURES / "report.md").read_text(encoding="utf-8")
    assert _write_report(results) == expected


def test_the_report_says_what_changed_results_show() -> None:
    """The comparison can fail: a render that failed is reported as failed, not timed."""
    results = json.loads((FIXTURES / "results.json").read_text(encoding="utf-8"))
    results["sizes"]["S"]["cold"].update(rc=2, log="S-cold.log")
    text = _write_report(results)
    assert text != (FIXTURES / "report.md").read_text(encoding="utf-8")
    assert "failed (exit 2, log `S-cold.log`)" in text


def test_issue_23_targets_not_measured_say_why() -> None:
    results = json.loads((FIXTURES / "results.json").read_text(encoding="utf-8"))
    results["sizes"]["S"]["preview"] = {"skipped": "benchmarks/preview_latency.py is not there"}
    results["rendercv"] = {"skipped": "not run (--no-rendercv or CVDATA_BENCH_RENDERCV=0)"}
    section = _write_report(results).split("## Targets (issue #23", 1)[1].split("\n## ", 1)[0]
    rows = {line.split(" | ")[0].lstrip("| "): line for line in section.splitlines()[4:] if line}
    assert rows["`cv.qmd --to typst` / RenderCV's PDF"].split(" | ")[1:] == [
        "not measured: RenderCV: not run (--no-rendercv or CVDATA_BENCH_RENDERCV=0)",
        "< 3× RenderCV",
        "—",
        "n/a |",
    ]
    for what in ("preview: save talks.csv", "preview / `make render`"):
        line = next(v for k, v in rows.items() if k.startswith(what))
        assert "not measured: the preview: benchmarks/preview_latency.py is not there" in line
    assert "(load 1.8 / 1.7)" in rows["nothing-changed render / the floor again"]
