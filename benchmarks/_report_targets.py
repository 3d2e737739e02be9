"""The report's helpers, its head and its targets' sections (see _report.py)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from functools import partial
from typing import Any

from _jobs import _ok
from _settings import (
    AS_OF,
    DOCUMENTS,
    PAIRS,
    SIZES,
    TARGET23_COLD_FLOOR,
    TARGET23_FROZEN_FLOOR,
    TARGET23_PREVIEW_S,
    TARGET23_RENDERCV,
    TARGET_COLD_S,
    TARGET_EDIT_S,
    TARGET_FLOOR_RATIO,
    TARGET_L_OVER_S,
    TARGET_MEM_L_MIB,
    TARGET_PAGE_L,
    TARGET_PAGE_S,
    TARGET_RENDERCV_RATIO,
)

# --- report -----------------------------------------------------------------------------------


def _s(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _kb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1024:,.0f} KB"


RENDERS = (
    ("cold", "cold: `quarto render` (site + PDF), fresh project"),
    ("frozen", "frozen: the same again, _freeze/ kept, nothing changed"),
    ("edit", "after editing one table four pages read (skills.csv), _freeze/ kept"),
    (
        "edit1",
        "after editing one table two pages read (talks.csv: cv.qmd, dashboard), _freeze/ kept",
    ),
    ("typst", "cold: `quarto render cv.qmd --to typst` (the PDF alone)"),
    ("resume", "cold: `quarto render --profile resume`"),
)


def _wall(r: dict[str, Any] | None) -> float | None:
    return r["wall_s"] if _ok(r) else None


def _failed(r: dict[str, Any] | None) -> str:
    if not r:
        return "not run"
    if r.get("timed_out"):
        return f"timed out after {r['timeout_s']} s"
    return f"failed (exit {r.get('rc')}, log `{r.get('log')}`)"


def _why_not(r: dict[str, Any] | None, what: str) -> str:
    """Why a measurement of ``what`` is missing: its failure, or why it was not run."""
    if r and (r.get("skipped") or r.get("error")) and "rc" not in r:
        return f"{what}: {r.get('skipped') or r.get('error')}"
    return f"{what} {_failed(r)}"


def _load(r: dict[str, Any] | None) -> str:
    """The one-minute load average when ``r`` started, or ''."""
    value = (r or {}).get("load_before")
    return f"{value:.1f}" if isinstance(value, int | float) else ""


def targets_23(res: dict[str, Any]) -> list[tuple[str, str, str, float | None, str]]:
    """Issue #23's targets from one run: (what, measured, target, ratio or None, verdict);
    the ratio is the measured value over the reference, PASS below the limit; a value not
    measured says why ("not measured: ...")."""
    s = res.get("sizes", {}).get("S", {})
    floor, rcv = res.get("floor", {}), res.get("rendercv", {})
    cold, frozen, typst = _wall(s.get("cold")), _wall(s.get("frozen")), _wall(s.get("typst"))
    edit1, preview = _wall(s.get("edit1")), (s.get("preview") or {}).get("latency_s")
    fs, ff, rmed = _wall(floor.get("site")), _wall(floor.get("site_frozen")), rcv.get("median_s")
    why = {
        "cold": _why_not(s.get("cold"), "the cold render of S"),
        "floor": _why_not(floor.get("site"), "Quarto's floor"),
        "typst": _why_not(s.get("typst"), "`cv.qmd --to typst`"),
        "rcv": f"RenderCV: {rcv.get('skipped') or 'not run'}",
        "frozen": _why_not(s.get("frozen"), "the nothing-changed render"),
        "floor_frozen": _why_not(floor.get("site_frozen"), "Quarto's floor again"),
        "preview": _why_not(s.get("preview"), "the preview"),
        "edit1": _why_not(s.get("edit1"), "the render after the edit"),
    }
    load = {k: _load(r) for k, r in (("cold", s.get("cold")), ("fs", floor.get("site")),
            ("typst", s.get("typst")), ("frozen", s.get("frozen")),
            ("ff", floor.get("site_frozen")), ("preview", s.get("preview")),
            ("edit1", s.get("edit1")))}  # fmt: skip
    # The two ratios measured in pairs, each side right after the other (bench_pairs).
    paired = res.get("pairs") or {}
    specs = (
        ("cold render of S / Quarto's floor (plain ipykernel)", cold, fs, TARGET23_COLD_FLOOR,
         "floor", why["cold"] if cold is None else why["floor"], (load["cold"], load["fs"]),
         []),
        ("`cv.qmd --to typst` / RenderCV's PDF", typst, rmed, TARGET23_RENDERCV, "RenderCV",
         why["typst"] if typst is None else why["rcv"], (load["typst"], ""),
         paired.get("typst", [])),
        ("nothing-changed render / the floor again", frozen, ff, TARGET23_FROZEN_FLOOR,
         "floor", why["frozen"] if frozen is None else why["floor_frozen"],
         (load["frozen"], load["ff"]), paired.get("frozen", [])),
        ("preview: save talks.csv -> cv.html served", preview, TARGET23_PREVIEW_S, 1.0,
         "target", why["preview"], (load["preview"], ""), []),
        ("preview / `make render` after the same edit", preview, edit1, 1.0, "render",
         why["preview"] if preview is None else why["edit1"],
         (load["preview"], load["edit1"]), []),
    )  # fmt: skip
    rows: list[tuple[str, str, str, float | None, str]] = []
    for what, num, den, limit, ref, missing, loads, pairs in specs:
        target = f"< {TARGET23_PREVIEW_S:g} s" if ref == "target" else f"< {limit:g}× {ref}"
        if pairs:  # each side right after the other: the median of the pairs' ratios
            ratios = [a / b for a, b in pairs]
            ratio = statistics.median(ratios)
            measured = (
                f"pairs: {', '.join(f'{a:.1f} s / {b:.1f} s' for a, b in pairs)} "
                f"(ratios {', '.join(f'{x:.2f}' for x in ratios)}: the median)"
            )
            rows.append((what, measured, target, ratio, "PASS" if ratio < limit else "MISS"))
            continue
        if num is None or den is None:
            rows.append((what, f"not measured: {missing}", target, None, "n/a"))
            continue
        measured = f"{num:.1f} s" if ref == "target" else f"{num:.1f} s / {den:.1f} s"
        if any(loads):
            measured += f" (load {' / '.join(x for x in loads if x)})"
        ratio = num / den
        rows.append((what, measured, target, ratio, "PASS" if ratio < limit else "MISS"))
    return rows


def _get(res: dict[str, Any], s: str, *keys: str) -> Any:
    """``res["sizes"][s][keys[0]][keys[1]]...``, or None where a key is missing."""
    v: Any = res["sizes"].get(s, {})
    for k in keys:
        v = v.get(k) if isinstance(v, dict) else None
    return v


def _context(res: dict[str, Any]) -> tuple[list[str], dict, dict, Callable[..., Any]]:
    """The sizes run, the floor's and RenderCV's results, and a getter into the sizes'."""
    sizes = [s for s in res["sizes"] if s in SIZES]
    return sizes, res.get("floor", {}), res.get("rendercv", {}), partial(_get, res)


def _row(add: Callable[[str], None], what: str, measured: str, target: str,
         num: float | None, den: float | None,
         limit: float = 1.0, ref: str = "target", missing: str = "") -> None:  # fmt: skip
    """A target row: ratio = num / den, PASS when it is below ``limit``."""
    if num is None or den is None:
        add(f"| {what} | not measured: {missing or 'see below'} | {target} | — | n/a |")
        return
    r = num / den
    verdict = "PASS" if r < limit else "MISS"
    add(f"| {what} | {measured} | {target} | {r:.2f}× {ref} | {verdict} |")


def _reason(res: dict[str, Any], s: str, key: str) -> str:
    """Why a size's render has no measurement."""
    if s not in res["sizes"]:
        return f"size {s} not run (--sizes)"
    return _failed(_get(res, s, key))


def _head(info: dict, res: dict[str, Any], elapsed: float, add: Callable[[str], None]) -> None:
    """The title, the machine and the data sizes."""
    sizes, _floor, rcv, g = _context(res)
    add("# Benchmarks\n")
    add(
        f"Written by `make bench` (`benchmarks/bench.py`) on "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; the benchmark took "
        f"{elapsed / 60:.1f} min. As-of date {AS_OF}. Every render is the real "
        "`quarto render`, once each (renders are expensive; the machine is noisy: a few "
        "seconds either way between runs are not a change).\n"
    )
    add("## Machine\n")
    add("| | |\n|---|---|")
    for k, v in info.items():
        add(f"| {k} | {v} |")
    if rcv.get("version"):
        add(f"| RenderCV | {rcv['version']} ({rcv.get('python')}, in a venv of its own) |")
    add("")
    add("## Data sizes\n")
    add(
        "S is the CV in `data/`; M and L are `cvdata.synth.write_cv(..., seed=0)` "
        "(M: 500 papers, 50 roles, 200 projects, 300 skills; L: 5,000 papers, 200 roles, "
        "1,000 projects, 1,000 skills).\n"
    )
    tables = ["papers", "paper_authors", "roles", "projects", "project_contributions", "skills"]
    add("| size | " + " | ".join(tables) + " |")
    add("|---|" + "---|" * len(tables))
    for s in sizes:
        rows = g(s, "worker", "rows") or {}
        add(f"| {s} | " + " | ".join(str(rows.get(t, "—")) for t in tables) + " |")
    add("")


def _targets_23(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Issue #23's targets: the edit loop."""
    _sizes, _floor, _rcv, _g = _context(res)
    add("## Targets (issue #23: the edit loop)\n")
    add(
        "From the same run (`make bench-23` runs only what this table needs, at S): the "
        "cold render and the nothing-changed render (every page frozen: the pre-render step "
        "finds nothing changed and stops before importing pandas, `cvdata.quarto.fastpath`) "
        "over Quarto's floor (the same documents, one trivial cell each, plain ipykernel); "
        "the PDF alone over RenderCV's (median of 3); the preview's latency, measured by "
        "`benchmarks/preview_latency.py` (`make preview` on a fresh project, from saving a "
        "talk to talks.csv to the preview serving `cv.html` with it), and its ratio to the "
        "render after the same edit (edit1, under Renders). In brackets, the one-minute load "
        "average as each measurement started."
        + (
            f" The PDF alone and the nothing-changed render are measured in {PAIRS} pairs, "
            "each side right after the other (a fresh project for each PDF, RenderCV once), "
            "and the median of the pairs' ratios is the ratio: the machine's speed drifts "
            "between measurements minutes apart. The renders of the other tables are the "
            "run's first."
            if res.get("pairs", {}).get("typst") or res.get("pairs", {}).get("frozen")
            else ""
        )
        + "\n"
    )
    add("| what | measured | target | ratio | verdict |")
    add("|---|---|---|---|---|")
    for what, measured, target, ratio, verdict in targets_23(res):
        add(f"| {what} | {measured} | {target} | {_s(ratio, 2) if ratio else '—'} | {verdict} |")
    add("")


def _targets_15(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Issue #15's targets: the renders' wall clock against their limits."""
    _sizes, floor, _rcv, g = _context(res)
    row, reason = partial(_row, add), partial(_reason, res)
    add("## Targets (issue #15)\n")
    add(
        "Ratio: the measured value over the target's limit, or over the reference the target "
        "names (Quarto's floor, RenderCV, S). PASS when below the target. Wall clock, once "
        "each; the floor once; RenderCV's median of 3. These 2 cores are shared with other "
        "work (see the load column under Renders): a ratio within about 20% of its limit "
        "can come out either way from one run to the next.\n"
    )
    add("| what | measured | target | ratio | verdict |")
    add("|---|---|---|---|---|")

    cold_s, edit_s = _wall(g("S", "cold")), _wall(g("S", "edit1"))
    fs, floor_edit1 = _wall(floor.get("site")), _wall(floor.get("site_edit1"))
    row(
        "cold render of S (site + PDF), wall clock",
        f"{_s(cold_s, 1)} s",
        f"< {TARGET_COLD_S:.0f} s",
        cold_s,
        TARGET_COLD_S,
        missing=reason("S", "cold"),
    )
    row(
        f"cold render of S / Quarto's floor (a website of {len(DOCUMENTS)} one-cell documents)",
        f"{_s(cold_s, 1)} s / {_s(fs, 1)} s",
        f"< {TARGET_FLOOR_RATIO}× floor",
        cold_s,
        fs,
        TARGET_FLOOR_RATIO,
        "floor",
        missing=reason("S", "cold") if not cold_s else _failed(floor.get("site")),
    )
    row(
        "render of S after editing a table two pages read (talks.csv: cv.qmd, dashboard), "
        "_freeze kept",
        f"{_s(edit_s, 1)} s",
        f"< {TARGET_EDIT_S:.0f} s",
        edit_s,
        TARGET_EDIT_S,
        missing=reason("S", "edit1"),
    )
    row(
        "the same / Quarto's floor rendered again with cv.qmd re-run (HTML and Typst)",
        f"{_s(edit_s, 1)} s / {_s(floor_edit1, 1)} s",
        f"< {TARGET_FLOOR_RATIO}× floor",
        edit_s,
        floor_edit1,
        TARGET_FLOOR_RATIO,
        "floor",
        missing=reason("S", "edit1") if not edit_s else _failed(floor.get("site_edit1")),
    )


def _targets_15_against_references(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Issue #15's targets: the frozen render, the PDF alone and L, over their references."""
    _sizes, floor, rcv, g = _context(res)
    row, reason = partial(_row, add), partial(_reason, res)
    cold_s, typst_s = _wall(g("S", "cold")), _wall(g("S", "typst"))
    frozen_s, floor_frozen = _wall(g("S", "frozen")), _wall(floor.get("site_frozen"))
    cold_l = _wall(g("L", "cold"))
    ft = _wall(floor.get("typst"))
    rmed = rcv.get("median_s")
    row(
        "render of S with nothing changed (no cell runs) / Quarto's floor rendered again",
        f"{_s(frozen_s, 1)} s / {_s(floor_frozen, 1)} s",
        f"< {TARGET_FLOOR_RATIO}× floor",
        frozen_s,
        floor_frozen,
        TARGET_FLOOR_RATIO,
        "floor",
        missing=reason("S", "frozen") if not frozen_s else _failed(floor.get("site_frozen")),
    )
    row(
        "`cv.qmd --to typst` cold (S) / one-page Typst floor",
        f"{_s(typst_s, 1)} s / {_s(ft, 1)} s",
        f"< {TARGET_FLOOR_RATIO}× floor",
        typst_s,
        ft,
        TARGET_FLOOR_RATIO,
        "floor",
        missing=reason("S", "typst") if not typst_s else _failed(floor.get("typst")),
    )
    row(
        "`cv.qmd --to typst` cold (S) / RenderCV PDF only (median of 3)",
        f"{_s(typst_s, 1)} s / {_s(rmed, 2)} s",
        f"< {TARGET_RENDERCV_RATIO:.0f}× RenderCV",
        typst_s,
        rmed,
        TARGET_RENDERCV_RATIO,
        "RenderCV",
        missing=reason("S", "typst") if not typst_s else rcv.get("skipped", "RenderCV not run"),
    )
    row(
        "cold render of L / cold render of S",
        f"{_s(cold_l, 1)} s / {_s(cold_s, 1)} s",
        f"< {TARGET_L_OVER_S:.0f}× S",
        cold_l,
        cold_s,
        TARGET_L_OVER_S,
        "S",
        missing=reason("L", "cold") if not cold_l else reason("S", "cold"),
    )


def _targets_15_outputs(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Issue #15's targets on page size and memory, then what the floor explains."""
    _sizes, floor, _rcv, g = _context(res)
    row, reason = partial(_row, add), partial(_reason, res)
    fs, floor_edit1 = _wall(floor.get("site")), _wall(floor.get("site_edit1"))
    for s, limit, label in (("S", TARGET_PAGE_S, "300 KB"), ("L", TARGET_PAGE_L, "1 MB")):
        pages = g(s, "sizes", "pages")
        name, biggest = max(pages.items(), key=lambda kv: kv[1]) if pages else ("", None)
        row(
            f"largest page HTML at {s}, without plotly.js ({name or '—'})",
            _kb(biggest),
            f"< {label}",
            biggest,
            limit,
            missing=reason(s, "cold"),
        )
    mems = [(k, g("L", k, "peak_pss_mib")) for k, _ in RENDERS if _ok(g("L", k))]
    worst = max(mems, key=lambda kv: kv[1]) if mems else (None, None)
    row(
        f"peak memory of the whole render's process tree at L (PSS; largest: {worst[0] or '—'})",
        f"{_s(worst[1], 0)} MiB",
        "< 1 GiB",
        worst[1],
        TARGET_MEM_L_MIB,
        missing=reason("L", "cold"),
    )
    add("")
    if fs is not None and fs >= TARGET_COLD_S:
        add(
            f"Quarto's floor alone, {len(DOCUMENTS)} documents of one trivial cell each, took "
            f"{fs:.1f} s here: above the {TARGET_COLD_S:.0f} s target for the cold render, "
            "which no site of this many executed documents meets on this machine.\n"
        )
    if floor_edit1 is not None and floor_edit1 >= TARGET_EDIT_S:
        add(
            "Quarto's floor again with one document re-run in both formats (its HTML and its "
            f"Typst), the others frozen, took {floor_edit1:.1f} s here: above the "
            f"{TARGET_EDIT_S:.0f} s target for a render after an edit. Every table of ours "
            "feeds the full CV, which is that document, so no edit of ours can meet it on "
            "this machine.\n"
        )
    add(
        "A render after a data edit re-executes the pages that read the edited table: "
        "`scripts/prerender.py` clears their frozen results (each page's kernel records the "
        "tables it reads; `freeze: auto` only sees a page's own source), the other pages "
        "come from `_freeze/`. Every table feeds the full CV (cv.qmd, executed for HTML and "
        "for the PDF), so the smallest edit re-runs those two; its charts, unchanged, come "
        "from the figure cache. The edits: "
        f"{g('S', 'edit1_what') or '—'} (the target's); {g('S', 'edit_what') or '—'}.\n"
    )
