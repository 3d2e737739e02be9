"""The preview's latency, step by step, from one run (issue #23's target: < 6 s).

    .venv/bin/python benchmarks/preview_latency.py [PROJECT] [--no-render] [--no-floor]

Starts ``cvdata.quarto.preview`` in PROJECT (default: a scratch copy of this project),
appends a talk to ``talks.csv`` once it watches, and times the save until the preview's
server answers ``cv.html`` with the talk. The preview's timings of that edit
(``_cvdata/preview-timings.json``: the poll noticing it, the settle wait, the validation,
the pre-render work, each ``quarto render`` with Quarto's own split of it) say where the
time went. Then, unless told not to, the same edit rendered by ``quarto render`` as ``make
render`` runs it (from the frozen site of the data before the edit), and Quarto's floor:
a one-cell page of a one-page website rendered to HTML with a warm kernel daemon.

``make bench`` calls :func:`measure_preview_latency`; the numbers are seconds of wall
clock on a machine others share, so the one-minute load average is given with each.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 6.0
#: The preview pages' poll of the status file (``_quarto-preview.yml``): the reload of an
#: open page comes this long after the status bump at most.
PAGE_POLL_S = 0.2
TALK = "preview-latency,Timing the preview,invited-talk,Bench,2026-01-01,,,,"
MARKER = b"Timing the preview"
#: Not copied into a scratch project: outputs, caches, environments.
SKIP = {".git", ".venv", ".cache", ".quarto", "_site", "_freeze", "_cvdata", "_resume"}


def load() -> float:
    """The one-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def _quarto() -> str:
    found = os.environ.get("CVDATA_QUARTO") or shutil.which("quarto")
    if not found:
        raise SystemExit("preview_latency: set CVDATA_QUARTO or put quarto on PATH")
    return found


def _env(data_dir: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QUARTO_PROFILE", "CVDATA_DIR")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("QUARTO_PYTHON", sys.executable)
    if data_dir is not None:
        env["CVDATA_DIR"] = str(data_dir)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read()
    except OSError:
        return b""


def _append(path: Path, line: str) -> bytes:
    old = path.read_bytes()
    sep = b"" if not old or old.endswith(b"\n") else b"\n"
    path.write_bytes(old + sep + line.encode("utf-8") + b"\n")
    return old


def _wait(what: Any, timeout: float, why: str) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            raise TimeoutError(why)
        time.sleep(0.05)


def quarto_split(render: dict[str, Any]) -> dict[str, float]:
    """One ``quarto render`` of the preview, in parts: Deno's start, the project's set-up
    (with the pre-render step), executing the page, pandoc and the HTML's post-processing,
    and what follows the pages (the website's indexes, the post-render step, the exit)."""
    q = render.get("quarto") or {}
    wall = render["end"] - render["start"]
    out = {"wall_s": wall}
    pre = next((t for t, line in q.get("lines", []) if line.startswith("pre-render:")), None)
    if pre is not None:
        out["pre_render_line_s"] = pre
    profile = q.get("profile")
    if not profile:
        return out
    nodes = profile.get("children", [])
    deno = next((n["elapsed"] for n in nodes if n["name"] == "deno-init"), 0.0) / 1000
    contexts = [n for n in nodes if n["name"] == "render-context"]

    def total(name: str) -> float:
        return sum(c["elapsed"] for n in contexts for c in n["children"] if c["name"] == name)

    first = min((n["start"] for n in contexts), default=deno * 1000) / 1000
    out.update(
        deno_start_s=deno,
        project_setup_and_pre_render_s=first - deno,
        execute_s=total("render-execute") / 1000,
        pandoc_and_html_s=total("render-pandoc") / 1000,
        pages_s=sum(n["elapsed"] for n in contexts) / 1000,
        after_pages_s=wall - profile["end"] / 1000,
    )
    return out


def _preview(project: Path, quarto: str, data_dir: Path, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "cvdata.quarto.preview", "--quarto", quarto]
    cmd += ["--port", str(_free_port()), "--no-browser", "--daemon", "120"]
    with log.open("w") as out:
        return subprocess.Popen(
            cmd,
            cwd=project,
            env=_env(data_dir if data_dir != project / "data" else None),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _edit_latency(project: Path, data_dir: Path, proc: subprocess.Popen, log: Path) -> dict:
    """Once the preview watches: the talk saved, the time to cv.html served with it."""
    said = lambda: log.read_text(errors="replace")  # noqa: E731
    _wait(lambda: "preview: watching" in said() or proc.poll() is not None, 1800, "no start")
    if proc.poll() is not None:
        raise RuntimeError(f"the preview ended:\n{said()[-3000:]}")
    port = next(w.rsplit(":", 1)[1].strip("/") for w in said().split() if "127.0.0.1:" in w)
    base = f"http://127.0.0.1:{port}"
    timings = project / "_cvdata" / "preview-timings.json"
    timings.unlink(missing_ok=True)
    time.sleep(1.0)  # the watcher's first look after the first render
    out: dict[str, Any] = {"load_before": load()}
    talks = data_dir / "talks.csv"
    old = _append(talks, TALK)
    t0 = time.time()
    try:
        _wait(lambda: MARKER in _get(f"{base}/cv.html"), 600, "cv.html never showed the talk")
        out["latency_s"] = time.time() - t0
        out["load_after"] = load()

        def done() -> bool:
            with contextlib.suppress(OSError, ValueError):
                t = json.loads(timings.read_text())
                return bool(t.get("renders")) and all("status" in r for r in t["renders"])
            return False

        _wait(done, 600, "the edit's renders did not end")
        out["all_pages_s"] = time.time() - t0
    finally:
        talks.write_bytes(old)
    t = json.loads(timings.read_text())
    first = t["renders"][0]
    out["steps"] = {
        "poll_noticed_s": t["noticed"] - t0,
        "settle_s": t["settled"] - t["noticed"],
        "validate_s": t["validated"] - t["settled"],
        "pre_render_in_preview_s": t.get("prerendered", t["validated"]) - t["validated"],
        "quarto_render_cv_s": first["end"] - first["start"],
        "status_bump_s": first["status"] - first["end"],
        "page_poll_s (at most)": PAGE_POLL_S,
    }
    out["renders"] = [{"to": r["to"], "pages": r["pages"], **quarto_split(r)} for r in t["renders"]]
    return out


def render_after_edit(project: Path, quarto: str, data_dir: Path) -> dict[str, Any]:
    """``make render``'s ``quarto render`` of the same edit, from the site of the data
    before it (rendered first, untimed)."""
    env = _env(data_dir if data_dir != project / "data" else None)
    run = lambda: subprocess.run(  # noqa: E731
        [quarto, "render"], cwd=project, env=env, capture_output=True, check=True
    )
    run()
    talks = data_dir / "talks.csv"
    old = _append(talks, TALK)
    try:
        began, before = time.time(), load()
        run()
        return {"wall_s": time.time() - began, "load_before": before, "load_after": load()}
    finally:
        talks.write_bytes(old)


def floor(quarto: str) -> dict[str, Any]:
    """Quarto's floor for the preview: a website of one page with one Python cell,
    rendered to HTML with a warm kernel daemon (the best of three after a first)."""
    proj = Path(tempfile.mkdtemp(prefix="cvdata-preview-floor-"))
    (proj / "_quarto.yml").write_text(
        'project:\n  type: website\nwebsite:\n  title: "Floor"\n'
        "execute:\n  echo: false\nformat:\n  html:\n    toc: true\n",
        encoding="utf-8",
    )
    (proj / "index.qmd").write_text(
        '---\ntitle: "One cell"\n---\n\n```{python}\n1 + 1\n```\n', encoding="utf-8"
    )
    args = [quarto, "render", "index.qmd", "--to", "html", "--execute-daemon", "120"]
    times, loads = [], []
    try:
        for i in range(4):
            began, before = time.time(), load()
            subprocess.run(args, cwd=proj, env=_env(None), capture_output=True, check=True)
            if i:  # the first starts the kernel
                times.append(time.time() - began)
                loads.append(before)
    finally:
        shutil.rmtree(proj, ignore_errors=True)
    return {"wall_s": min(times), "runs_s": times, "loads": loads}


def scratch_project() -> Path:
    """A copy of this project's sources and data (no outputs), outside it."""
    target = Path(tempfile.mkdtemp(prefix="cvdata-preview-latency-")) / "project"
    shutil.copytree(ROOT, target, ignore=lambda _d, names: [n for n in names if n in SKIP])
    return target


def measure_preview_latency(
    project_dir: Path,
    *,
    data_dir: Path | None = None,
    quarto: str | None = None,
    with_render: bool = True,
    with_floor: bool = True,
) -> dict[str, Any]:
    """The preview's latency after one edit of ``talks.csv``, in ``project_dir`` (a
    scratch project: the preview renders it, the edit is taken back after), with the steps
    it took; ``make render``'s time for the same edit and Quarto's floor, and the ratios.

    Returns
    -------
    dict
        ``latency_s`` (the save to cv.html served with the talk), ``all_pages_s`` (every
        page of the edit rendered), ``steps`` and ``renders`` (see :func:`quarto_split`),
        ``load_before``/``load_after``; ``render_after_edit`` and ``floor`` with their
        ``wall_s``; ``ratios`` of the latency to the target, to the render and to the floor.
    """
    project_dir = Path(project_dir).resolve()
    data_dir = (data_dir or project_dir / "data").resolve()
    quarto = quarto or _quarto()
    log = project_dir.parent / f"{project_dir.name}-preview.log"
    proc = _preview(project_dir, quarto, data_dir, log)
    try:
        out = _edit_latency(project_dir, data_dir, proc, log)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    out["log"] = str(log)
    ratios = {"latency / target": out["latency_s"] / TARGET_S}
    if with_render:
        out["render_after_edit"] = r = render_after_edit(project_dir, quarto, data_dir)
        ratios["latency / make render after the same edit"] = out["latency_s"] / r["wall_s"]
    if with_floor:
        out["floor"] = f = floor(quarto)
        ratios["latency / Quarto's one-cell floor"] = out["latency_s"] / f["wall_s"]
    out["ratios"] = ratios
    return out


def _print(res: dict[str, Any]) -> None:
    loads = f"load {res['load_before']:.1f}-{res['load_after']:.1f}"
    print(f"save -> cv.html served: {res['latency_s']:.2f} s ({loads}); target < {TARGET_S} s")
    print(f"every page of the edit rendered: {res['all_pages_s']:.2f} s")
    for step, value in res["steps"].items():
        print(f"  {step}: {value:.2f}")
    for r in res["renders"]:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in r.items() if isinstance(v, float))
        print(f"  quarto render {' '.join(r['pages'] or [])} --to {r['to']}: {parts}")
    for key in ("render_after_edit", "floor"):
        if key in res:
            print(f"{key}: {res[key]['wall_s']:.2f} s")
    for name, ratio in res["ratios"].items():
        print(f"ratio {name}: {ratio:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("project", nargs="?", type=Path, help="a scratch project (default: a copy)")
    ap.add_argument("--no-render", action="store_true", help="skip make render's time")
    ap.add_argument("--no-floor", action="store_true", help="skip Quarto's floor")
    ap.add_argument("--json", type=Path, help="write the numbers here too")
    args = ap.parse_args(argv)
    project = args.project or scratch_project()
    res = measure_preview_latency(
        project, with_render=not args.no_render, with_floor=not args.no_floor
    )
    _print(res)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
