"""Benchmark of cvdata with the real Quarto; writes BENCHMARKS.md at the project root.

    make bench            # or: .venv/bin/python benchmarks/bench.py [--sizes S,M,L] [--no-rendercv]

Sizes: S is the CV in data/; M and L come from :func:`cvdata.synth.write_cv` with seed 0
(M: 500 papers, 50 roles; L: 5,000 papers, 200 roles; ``--sizes S`` for S alone). For each
size, each part in a fresh process:

1. import time and load + validate (median of several runs after the first);
2. every figure the pages build (shape -> describe -> figure), per figure, and its static
   SVG export through kaleido with one browser (first vs. the rest);
3. ``quarto render`` of a scratch copy of the project (OUT/SIZE-site: the real
   project's _site/, _freeze/, assets/ are never rendered into): cold (no _freeze/,
   .quarto/), again with _freeze/ kept and nothing changed (frozen), and after editing one
   table (a row appended to skills.csv); per document from the times at which Quarto's log
   lines appear (``[n/N] file`` starts a document);
4. ``quarto render cv.qmd --to typst`` (the PDF alone) and ``quarto render --profile
   resume``, each cold in a scratch project of its own;
5. peak memory of each render's whole process tree (Quarto, its Python, the kernels,
   kaleido's Chromium, Typst): the sum of Pss from /proc/PID/smaps_rollup, sampled every
   0.2 s;
6. bytes per HTML page (without and with plotly.js), the site, the PDF (its pages, and
   whether it keeps every paper title).

Once per run: Quarto's own floor (a website with as many documents as ours, one trivial
Python cell each; a one-page Typst document with one Python cell), and RenderCV 2.8 on the
same CV, PDF only, median of 3 (Python 3.12 and PyPI needed; skipped with the reason where
missing, or with ``--no-rendercv`` / ``CVDATA_BENCH_RENDERCV=0``).

Quarto is ``$CVDATA_QUARTO`` (``make bench`` sets it from scripts/quarto.sh), else the
``quarto`` on PATH. Scratch files go to ``$CVDATA_BENCH_OUT`` (``make bench``: a folder
outside the project, which Quarto would walk on every render of the project), else
``cvdata-bench/`` in the system's temporary folder. Plain Python, no test framework.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from _jobs import (
    _copy_data,
    _ok,
    _run_json,
    _show,
    edit_one_table,
    machine,
    make_project,
    quarto_command,
    quarto_render,
    worker,
)
from _peers import make_floor_site, make_floor_typst, pdf_pages, rendercv, sizes_and_pdf
from _report import write_report
from _report_targets import _failed, _s, targets_23
from _settings import (
    DEFAULT_SIZES,
    DOCUMENTS,  # noqa: F401 (bench.DOCUMENTS: the project's documents, read by test_bench)
    OUT,
    PAIRS,
    RENDER_TIMEOUT,
    REPORT,
    SIZES,
)

# --- driver ------------------------------------------------------------------------------------


def _save(res: dict[str, Any]) -> None:
    (OUT / "results.json").write_text(json.dumps(res, indent=1, default=str))


def _log(msg: str) -> None:
    print(f"bench: {msg}", flush=True)


def _said(r: dict[str, Any]) -> str:
    return f"{r['wall_s']:.1f} s" if _ok(r) else _failed(r)


def bench_floor(quarto: str, res: dict[str, Any]) -> None:
    floor: dict[str, Any] = {}
    res["floor"] = floor
    for key, make, args in (
        ("site", make_floor_site, []),
        ("typst", make_floor_typst, ["doc.qmd", "--to", "typst"]),
    ):
        try:
            proj = make()
            if key == "site":
                floor["site_dir"] = str(proj)  # for the pairs (bench_pairs)
            floor[key] = r = quarto_render(
                quarto, proj, args, None, f"floor-{key}", RENDER_TIMEOUT["floor"], "doc.qmd"
            )
            _log(f"Quarto's floor, {key}: {_said(r)}")
            if key == "site" and _ok(r):  # again, every result frozen: no cell runs
                floor["site_frozen"] = again = quarto_render(
                    quarto, proj, args, None, "floor-site-frozen", RENDER_TIMEOUT["floor"]
                )
                _log(f"Quarto's floor, site again (frozen): {_said(again)}")
                # And with cv.qmd's results dropped, as an edit of a table only it reads
                # does to ours: that one document runs again, in both formats.
                shutil.rmtree(proj / "_freeze" / "cv", ignore_errors=True)
                floor["site_edit1"] = one = quarto_render(
                    quarto, proj, args, None, "floor-site-edit1", RENDER_TIMEOUT["floor"]
                )
                _log(f"Quarto's floor, site again, cv.qmd re-run: {_said(one)}")
        except Exception as exc:  # reported, not fatal
            floor[f"{key}_error"] = repr(exc)


def bench_preview(quarto: str, data_dir: Path, tag: str) -> dict[str, Any]:
    """``make preview``'s latency on a fresh project at S, from saving a talk to
    ``talks.csv`` to the preview serving ``cv.html`` with it: measured by
    ``benchmarks/preview_latency.py`` (the preview's own measurement, its steps
    included); without that module, not measured, and the report says why."""
    try:
        from preview_latency import measure_preview_latency
    except ImportError as exc:
        return {"skipped": f"benchmarks/preview_latency.py is not there ({exc})"}
    try:
        return measure_preview_latency(
            make_project(tag), data_dir=data_dir, quarto=quarto, with_render=False,
            with_floor=False,
        )  # fmt: skip
    except Exception as exc:  # reported, not fatal
        return {"error": f"the preview's measurement failed: {exc!r}"}


def bench_pairs(quarto: str, res: dict[str, Any], with_rendercv: bool) -> dict[str, Any]:
    """Issue #23's two ratios of a short render, each side right after the other, PAIRS
    times: our nothing-changed render of S, then the floor's (both projects as the run left
    them: every page frozen); our cold `cv.qmd --to typst` (a fresh project each time), then
    RenderCV once. A side that failed or was not run leaves its pair out."""
    pairs: dict[str, Any] = {"frozen": [], "typst": []}
    s = res["sizes"].get("S", {})
    site, floor_site = s.get("site_dir"), res.get("floor", {}).get("site_dir")
    data_dir, timeout = s.get("data_dir"), RENDER_TIMEOUT["S"]
    if not (site and floor_site and data_dir):
        return {"skipped": "the S site, the floor's site or the S data was not made"}
    # The S site's last render was of the edited talks.csv: once more with the data as it
    # is, so that every page is frozen for the pairs (not measured).
    quarto_render(quarto, Path(site), [], Path(data_dir), "S-settle", timeout)
    for i in range(PAIRS):
        ours = quarto_render(quarto, Path(site), [], Path(data_dir), f"S-frozen-{i}", timeout)
        ref = quarto_render(
            quarto, Path(floor_site), [], None, f"floor-frozen-{i}", RENDER_TIMEOUT["floor"]
        )
        if _ok(ours) and _ok(ref):
            pairs["frozen"].append([ours["wall_s"], ref["wall_s"]])
            # Each frozen indeed: no kernel (the test checks).
            pairs.setdefault("frozen_kernels", []).append([ours["kernels"], ref["kernels"]])
        _log(f"pair {i + 1}: nothing changed {_said(ours)}, the floor's {_said(ref)}")
        if not with_rendercv:
            continue
        proj = make_project(f"S-typst-{i}")
        args = ["cv.qmd", "--to", "typst"]
        ours = quarto_render(quarto, proj, args, Path(data_dir), f"S-typst-{i}", timeout, "cv.qmd")
        ref = rendercv(runs=1)
        if _ok(ours) and ref.get("runs_s") and not ref.get("skipped"):
            pairs["typst"].append([ours["wall_s"], ref["runs_s"][0]])
        said = f"{ref['median_s']:.1f} s" if "median_s" in ref else ref.get("skipped")
        _log(f"pair {i + 1}: cv.qmd --to typst {_said(ours)}, RenderCV {said}")
    return pairs


def bench_size(s: str, quarto: str | None, r: dict[str, Any]) -> None:
    _log(f"{s}: data")
    data_dir = _copy_data(s)
    _log(f"{s}: import, load + validate, figures, static export")
    try:
        w = _run_json(["--worker", str(data_dir), str(OUT / f"svg-{s}")], timeout=600)
        r["worker"] = w
        ex = [e["export_s"] for e in w["exports"] if e.get("export_s") is not None]
        r["export_first_s"] = ex[0] if ex else None
        r["export_rest_mean_s"] = statistics.mean(ex[1:]) if len(ex) > 1 else None
        r["export_rest_median_s"] = statistics.median(ex[1:]) if len(ex) > 1 else None
        again = [e["export_s"] for e in w["exports_back_to_back"] if e.get("export_s")]
        r["export_b2b_mean_s"] = statistics.mean(again) if again else None
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        r["worker_error"] = str(exc)
    if quarto is None:
        r["render_error"] = "no Quarto (set CVDATA_QUARTO or put quarto on PATH)"
        return
    timeout = RENDER_TIMEOUT[s]
    site = make_project(f"{s}-site")
    r["site_dir"], r["data_dir"] = str(site), str(data_dir)  # for the pairs (bench_pairs)
    _log(f"{s}: cold quarto render (timeout {timeout} s)")
    r["cold"] = quarto_render(quarto, site, [], data_dir, f"{s}-cold", timeout)
    _log(f"{s}: cold: {_said(r['cold'])}")
    if _ok(r["cold"]):
        r["sizes"] = sizes_and_pdf(site / "_site", data_dir)
    r["frozen"] = quarto_render(quarto, site, [], data_dir, f"{s}-frozen", timeout)
    _log(f"{s}: frozen: {_said(r['frozen'])}")
    for key, table in (("edit", "skills"), ("edit1", "talks")):
        path, old, r[f"{key}_what"] = edit_one_table(data_dir, table)
        try:
            r[key] = quarto_render(quarto, site, [], data_dir, f"{s}-{key}", timeout)
        finally:
            path.write_bytes(old)
        _log(f"{s}: after editing {table}.csv: {_said(r[key])}")
        if key == "edit":  # back to the data as it was: the next edit is one table's alone
            quarto_render(quarto, site, [], data_dir, f"{s}-{key}-undo", timeout)
    if s == "S":
        _log(f"{s}: make preview, then the talks.csv edit")
        r["preview"] = bench_preview(quarto, data_dir, f"{s}-preview")
        p = r["preview"]
        _log(f"{s}: preview: {p.get('latency_s') or p.get('error') or p.get('skipped')}")
    proj = make_project(f"{s}-typst")
    args = ["cv.qmd", "--to", "typst"]
    r["typst"] = quarto_render(quarto, proj, args, data_dir, f"{s}-typst", timeout, "cv.qmd")
    _log(f"{s}: cv.qmd --to typst: {_said(r['typst'])}")
    proj = make_project(f"{s}-resume")
    args = ["--profile", "resume"]
    r["resume"] = quarto_render(quarto, proj, args, data_dir, f"{s}-resume", timeout, "resume.qmd")
    _log(f"{s}: --profile resume: {_said(r['resume'])}")
    pdf = proj / "_resume" / "resume.pdf"
    if pdf.is_file():
        r["resume_pdf"] = {"bytes": pdf.stat().st_size, "pages": pdf_pages(pdf)}


def run(sizes: list[str], with_rendercv: bool) -> None:
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    quarto = quarto_command()
    info = machine(quarto)
    res: dict[str, Any] = {"sizes": {}, "floor": {}, "rendercv": {}}
    if quarto:
        _log("Quarto's floor")
        bench_floor(quarto, res)
    else:
        res["floor"]["site_error"] = "no Quarto (set CVDATA_QUARTO or put quarto on PATH)"
    _save(res)
    for s in sizes:
        res["sizes"][s] = {}
        bench_size(s, quarto, res["sizes"][s])
        _save(res)
    if with_rendercv:
        _log("RenderCV")
        try:
            res["rendercv"] = rendercv()
        except Exception as exc:  # reported, not fatal
            res["rendercv"] = {"skipped": f"RenderCV failed: {exc!r}"}
        _log(f"RenderCV: {res['rendercv'].get('median_s') or res['rendercv'].get('skipped')}")
    else:
        res["rendercv"] = {"skipped": "not run (--no-rendercv or CVDATA_BENCH_RENDERCV=0)"}
    if quarto and "S" in res["sizes"]:
        _log(f"issue #23's ratios: each side right after the other, {PAIRS} times")
        res["pairs"] = bench_pairs(quarto, res, with_rendercv and "median_s" in res["rendercv"])
        _save(res)
    res["elapsed_s"] = time.perf_counter() - started
    _save(res)
    REPORT.write_text(write_report(info, res, res["elapsed_s"]), encoding="utf-8")
    for what, measured, target, ratio, verdict in targets_23(res):
        _log(f"{verdict}: {what}: {measured} ({target}; ratio {_s(ratio, 2) if ratio else '—'})")
    _log(f"wrote {_show(REPORT)} in {res['elapsed_s']:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated: S,M,L")
    parser.add_argument(
        "--no-rendercv",
        action="store_true",
        help="skip RenderCV (also CVDATA_BENCH_RENDERCV=0)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("DATA", "SVG_DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--report-only", action="store_true", help="rewrite from results")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
    elif args.report_only:
        res = json.loads((OUT / "results.json").read_text())
        info = machine(quarto_command())
        REPORT.write_text(write_report(info, res, res.get("elapsed_s", 0.0)), encoding="utf-8")
    else:
        sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
        unknown = [s for s in sizes if s not in SIZES]
        if unknown:
            parser.error(f"unknown sizes {unknown}; known: {', '.join(SIZES)}")
        with_rendercv = not args.no_rendercv and os.environ.get("CVDATA_BENCH_RENDERCV") != "0"
        run(sizes, with_rendercv)


if __name__ == "__main__":
    main()
