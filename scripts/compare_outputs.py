"""Record what the project renders and exports, and compare two such records.

Behaviour must not change while the package is reshaped (issue 20): this script renders,
with the real Quarto, a scratch copy of the project for the seed (``data/``) and for every
example under ``examples/``, in both formats (the website and the PDF CV) and the résumé
profile, and writes into one folder

- every rendered HTML page (and ``search.json``), with its volatile parts normalised,
- the text of every PDF page (``pdftotext -layout``, one file a page),
- every export of the CLI (``cvdata export bibtex|csl|jsonresume``, also ``--resume``).

Usage::

    scripts/compare_outputs.py record OUT [--project DIR] [--only seed,minimal]
    scripts/compare_outputs.py compare A B
    scripts/compare_outputs.py normalise OUT   # again, from the raw pages kept in OUT/raw

``record`` renders with ``$CVDATA_QUARTO`` (else ``scripts/quarto.sh``) and the Python it
runs under (the project's ``.venv``). The scratch copy's own ``src/`` is put first on
``PYTHONPATH``, so the copy renders with the code it was copied with, whatever the
editable install points at. The renders run one after another (they are slow).
``compare`` prints every file that differs, then ``compared N files, P PDF pages:
identical`` (exit 0) or how many differ (exit 1).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
#: The as-of date the tests render with (tests/conftest.py), so "today" never differs.
AS_OF = "2026-11-26"
#: Never copied into a scratch project (as tests/conftest.py's copy_project).
NOT_SOURCE = {
    ".git", ".venv", ".cache", ".quarto", "_site", "_resume", "_freeze", "_figures",
    "_cvdata", "assets", "bench-out", ".pytest_cache", ".ruff_cache", "__pycache__",
}  # fmt: skip
#: Environment variables of cvdata that the shell must not leak into a render.
CVDATA_ENV = ("CVDATA_DIR", "CVDATA_AS_OF", "QUARTO_PROJECT_ROOT", "QUARTO_PROFILE")
EXPORTS = {"bibtex": "bib", "csl": "json", "jsonresume": "json"}
#: Where a record keeps the raw pages (for ``normalise``) and what it rendered.
RAW, MANIFEST = "raw", "manifest.json"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# ------------------------------------------------------------------------ normalising


def normalise(text: str, scratch: str) -> str:
    """``text`` with what differs between two renders of the same tree replaced.

    Parameters
    ----------
    text : str
        A rendered page, ``search.json`` or an export's summary.
    scratch : str
        The absolute path of the scratch project it was rendered in.

    Returns
    -------
    str
        The text with the scratch path written ``<PROJECT>`` and every UUID (plotly's div
        ids) numbered in order of first appearance, so that the structure still compares.
    """
    text = text.replace(scratch, "<PROJECT>")
    seen: dict[str, str] = {}

    def number(m: re.Match[str]) -> str:
        return seen.setdefault(m.group(0), f"<UUID-{len(seen) + 1}>")

    return _UUID.sub(number, text)


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``, as ``pdftotext -layout`` lays it out."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    pages = []
    for n in range(1, count + 1):
        out = subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        pages.append(out.stdout)
    return pages


# ------------------------------------------------------------------------ recording


def data_sets(project: Path) -> dict[str, str]:
    """Name -> data folder (relative to the project): the seed and every example."""
    found = {"seed": "data"}
    for folder in sorted((project / "examples").iterdir()):
        if folder.is_dir() and any(folder.glob("*.csv")):
            found[folder.name] = f"examples/{folder.name}"
    return found


def copy_project(source: Path, target: Path) -> None:
    """A copy as a fresh clone has it: sources, data and examples, no outputs or caches."""
    shutil.copytree(
        source,
        target,
        ignore=lambda _, names: [n for n in names if n in NOT_SOURCE or n.endswith(".egg-info")],
        symlinks=True,
    )


def find_quarto() -> str:
    if os.environ.get("CVDATA_QUARTO"):
        return os.environ["CVDATA_QUARTO"]
    out = subprocess.run([str(PROJECT / "scripts" / "quarto.sh")], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"compare_outputs: no Quarto to render with\n{out.stderr}")
    return out.stdout.strip()


def environment(scratch: Path, data: Path) -> dict[str, str]:
    """As ``make render`` runs Quarto (tests/conftest.py render), with the copy's code."""
    base = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    bindir = str(Path(sys.executable).parent)
    return {
        **base,
        "PATH": bindir + os.pathsep + base.get("PATH", ""),
        "QUARTO_PYTHON": sys.executable,
        "PYTHONPATH": str(scratch / "src"),
        "CVDATA_AS_OF": AS_OF,
        "CVDATA_DIR": str(data),
    }


def run(cmd: list[str], cwd: Path, env: dict[str, str], what: str) -> str:
    started = time.monotonic()
    done = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace"
    )
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"compare_outputs: {what} failed ({done.returncode})\n{log[-4000:]}")
    print(f"  {what}: {time.monotonic() - started:.0f} s", flush=True)
    return log


def record_outputs(scratch: Path, out: Path, name: str) -> None:
    """Copy the raw pages, PDF page texts and exports of one rendered scratch copy."""
    raw = out / RAW / name
    for folder in ("_site", "_resume"):
        root = scratch / folder
        if not root.is_dir():
            continue
        listing = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        target = out / name / folder.lstrip("_")
        target.mkdir(parents=True, exist_ok=True)
        (target / "FILES.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
        for rel in listing:
            path = root / rel
            if path.suffix == ".html" or path.name == "search.json":
                keep = raw / folder.lstrip("_") / rel
                keep.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, keep)
            elif path.suffix == ".pdf":
                for n, text in enumerate(pdf_pages(path), 1):
                    page = target / "pdf" / rel / f"page-{n:03d}.txt"
                    page.parent.mkdir(parents=True, exist_ok=True)
                    page.write_text(text, encoding="utf-8")


def record(project: Path, out: Path, only: list[str] | None) -> None:
    """Render every data set of ``project`` in a scratch copy and record it into ``out``."""
    quarto = find_quarto()
    sets = data_sets(project)
    unknown = set(only or ()) - set(sets)
    if unknown:
        raise SystemExit(f"compare_outputs: no data set {sorted(unknown)}; there are {list(sets)}")
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {"project": str(project), "quarto": quarto, "sets": {}}
    with tempfile.TemporaryDirectory(prefix="cvdata-compare-") as tmp:
        for name, rel in sets.items():
            if only and name not in only:
                continue
            print(f"{name} ({rel})", flush=True)
            scratch = Path(tmp) / name / "project"
            copy_project(project, scratch)
            data = scratch / rel
            env = environment(scratch, data)
            run([quarto, "render"], scratch, env, "quarto render (site + PDF)")
            if (scratch / "_quarto-resume.yml").is_file():
                run([quarto, "render", "--profile", "resume"], scratch, env, "résumé profile")
            record_outputs(scratch, out, name)
            exports = out / RAW / name / "export"
            exports.mkdir(parents=True, exist_ok=True)
            for fmt, ext in EXPORTS.items():
                for resume in (False, True):
                    stem = f"{fmt}{'-resume' if resume else ''}"
                    target = exports / f"{stem}.{ext}"
                    cmd = [sys.executable, "-m", "cvdata", "export", fmt, str(data)]
                    cmd += ["-o", str(target), *(["--resume"] if resume else [])]
                    log = run(cmd, scratch, env, f"cvdata export {stem}")
                    (exports / f"{stem}.log").write_text(log, encoding="utf-8")
            manifest["sets"][name] = {  # type: ignore[index]
                "data": rel,
                "scratch": str(scratch),
                "exports": str(exports),
            }
            (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    normalise_record(out)


def normalise_record(out: Path) -> None:
    """Write the normalised pages and exports of ``out`` from the raw ones it keeps."""
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for name, entry in manifest["sets"].items():
        raw = out / RAW / name
        for path in sorted(p for p in raw.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8")
            # The exports were written to raw/NAME/export/, a path that names the record.
            text = text.replace(entry.get("exports", str(raw / "export")), "<EXPORTS>")
            target = out / name / path.relative_to(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(normalise(text, entry["scratch"]), encoding="utf-8")


# ------------------------------------------------------------------------ comparing


def files(record_dir: Path) -> Iterator[str]:
    for path in sorted(record_dir.rglob("*")):
        rel = path.relative_to(record_dir)
        if path.is_file() and rel.parts[0] not in (RAW, MANIFEST):
            yield str(rel)


def compare(a: Path, b: Path) -> int:
    """Print every file that differs between two records; 0 when none does."""
    left, right = set(files(a)), set(files(b))
    differ = 0
    for rel in sorted(left - right):
        print(f"only in {a}: {rel}")
        differ += 1
    for rel in sorted(right - left):
        print(f"only in {b}: {rel}")
        differ += 1
    both = sorted(left & right)
    for rel in both:
        x, y = (a / rel).read_bytes(), (b / rel).read_bytes()
        if x == y:
            continue
        differ += 1
        print(f"differs: {rel}")
        lines = difflib.unified_diff(
            x.decode("utf-8", "replace").splitlines(),
            y.decode("utf-8", "replace").splitlines(),
            lineterm="",
            n=1,
        )
        for line in list(lines)[2:14]:
            print(f"    {line[:200]}")
    pages = sum(1 for rel in both if "/pdf/" in rel)
    verdict = "identical" if not differ else f"{differ} differ"
    print(f"compared {len(both)} files, {pages} PDF pages: {verdict}")
    return 0 if not differ else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("record", help="render every data set and record the outputs into OUT")
    r.add_argument("out", type=Path)
    r.add_argument("--project", type=Path, default=PROJECT, help="the tree to render")
    r.add_argument("--only", help="comma-separated data sets (seed, or an example's name)")
    c = sub.add_parser("compare", help="compare two records")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    n = sub.add_parser("normalise", help="normalise a record again from its raw pages")
    n.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        only = args.only.split(",") if args.only else None
        record(args.project.resolve(), args.out.resolve(), only)
        return 0
    if args.command == "normalise":
        normalise_record(args.out.resolve())
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    raise SystemExit(main())
