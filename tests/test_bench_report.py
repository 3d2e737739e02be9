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


def test_issue_23_ratios_measured_in_pairs_are_the_median_of_the_pairs() -> None:
    results = json.loads((FIXTURES / "results.json").read_text(encoding="utf-8"))
    results["pairs"] = {
        "typst": [[7.7, 2.6], [8.0, 2.4], [7.5, 2.8]],
        "frozen": [[9.0, 8.0], [12.0, 8.5], [8.5, 9.0]],
    }
    section = _write_report(results).split("## Targets (issue #23", 1)[1].split("\n## ", 1)[0]
    assert "measured in 3 pairs, each side right after the other" in section
    rows = {line.split(" | ")[0].lstrip("| "): line for line in section.splitlines()[4:] if line}
    typst = rows["`cv.qmd --to typst` / RenderCV's PDF"].split(" | ")
    assert typst[1] == (
        "pairs: 7.7 s / 2.6 s, 8.0 s / 2.4 s, 7.5 s / 2.8 s (ratios 2.96, 3.33, 2.68: the median)"
    )
    assert typst[3:] == ["2.96", "PASS |"]
    frozen = rows["nothing-changed render / the floor again"].split(" | ")
    assert frozen[3:] == ["1.12", "PASS |"]  # 0.94, 1.12, 1.41: the median
    # A single slow pair does not decide: two of three over the limit do.
    results["pairs"]["frozen"] = [[9.0, 8.0], [12.0, 8.5], [11.0, 9.0]]
    section = _write_report(results).split("## Targets (issue #23", 1)[1].split("\n## ", 1)[0]
    frozen = next(ln for ln in section.splitlines() if ln.startswith("| nothing-changed"))
    assert frozen.split(" | ")[3:] == ["1.22", "MISS |"]
