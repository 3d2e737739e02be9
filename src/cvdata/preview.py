"""Offline preview of the Quarto project: a test harness, not a second Quarto.

Quarto cannot be installed on these machines. This renders the project the way
``quarto render`` would, up to Quarto's boundary, so that everything on our side of it is
tested: ``_quarto.yml`` (render list, pre-render scripts, resources, website nav bar, execute
defaults, formats), every document executed in a real Jupyter kernel with the environment,
execute-info file and setup cell Quarto gives it (see ``_preview_engine``), outputs turned
into Markdown as Quarto does, then pandoc (HTML) and Typst (PDF) with small templates of ours
(``_preview_pandoc``). Every page says it is a preview.

    python -m cvdata.preview --out _preview [--project DIR] [--formats html,typst]
                             [--profile NAME] [--jobs N]

Project profiles as Quarto has them: ``--profile NAME`` (else ``QUARTO_PROFILE``, else
``profile.default`` of _quarto.yml, plus the first of each ``profile.group`` none of whose
names is active) merges ``_quarto-NAME.yml`` over ``_quarto.yml`` and sets
``QUARTO_PROFILE`` for the pre-render scripts and the kernels.

Not Quarto: no themes, no Quarto templates or Lua filters, no search, sitemap, listings,
cross-references, freeze or cache. Publish with ``quarto render``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from . import _preview_engine as engine
from . import _preview_pandoc as assemble

JOBS_ENV = "CVDATA_PREVIEW_JOBS"
_COPY_LOCK = threading.Lock()
SUPPORTED = tuple(engine.FORMATS)  # ("html", "typst")
MARKER = ".cvdata-preview"  # marks an output folder as ours, so it may be replaced
DOC_SUFFIXES = (".qmd", ".ipynb")


class PreviewError(Exception):
    """The render failed; the message says why, for a person (no traceback needed)."""


Log = Callable[[str], None]


def render_project(
    project_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    formats: Iterable[str] = ("html", "typst"),
    *,
    log: Log | None = None,
    timeout: int = 600,
    profile: str | None = None,
    jobs: int | None = None,
) -> list[Path]:
    """Render the project into ``out_dir`` (relative paths are taken from the project, like
    Quarto's output-dir); returns the output files (.html and .pdf). Raises PreviewError.
    ``timeout`` bounds each cell, in seconds. ``profile``: the project profile(s) to
    activate, comma-separated (default: ``QUARTO_PROFILE``, else ``profile.default``).
    ``jobs``: documents executed at once, each in its own kernel (default: one per CPU,
    see :func:`default_jobs`); quarto render runs them one after another."""
    started = time.monotonic()
    say = log or (lambda _msg: None)
    project = Path(project_dir).resolve()
    out = (project / out_dir).resolve()
    wanted = [f.strip() for f in formats if f.strip()]
    unknown = [f for f in wanted if f not in SUPPORTED]
    if unknown:
        raise PreviewError(f"unknown format(s) {unknown}; the preview knows {list(SUPPORTED)}")

    config = load_config(project, profile)
    profiles = config[ACTIVE_PROFILES]
    if profiles:
        say(f"preview: profile: {','.join(profiles)}")
    for name in profiles:
        if not _profile_file(project, name):
            say(f"preview: note: profile {name!r} has no _quarto-{name}.yml; it adds nothing")
    run_pre_render(project, config, out, input_files(project, config, out, strict=False), say)
    config = load_config(project, profile)  # Quarto 1.5+ re-reads the project after pre-render
    docs = input_files(project, config, out)
    _prepare_output(project, out)
    build = out / ".build"
    assemble.write_templates(build)

    site = Site(project, config)
    jobs_todo: list[tuple[engine.Document, Path, str]] = []
    for doc_path in docs:
        rel = doc_path.relative_to(project)
        try:
            doc = engine.read_document(doc_path)
        except engine.EngineError as exc:
            raise PreviewError(str(exc)) from None
        for warning in _warnings(rel, doc, config):
            say(f"preview: warning: {warning}")
        for name in document_formats(config, doc.front_matter):
            base = engine.base_format(name)
            if base not in SUPPORTED:
                say(f"preview: note: {rel}: format '{name}' is not previewed (only html, typst)")
                continue
            if base in wanted:
                jobs_todo.append((doc, rel, name))

    def one(job: tuple[engine.Document, Path, str]) -> Path:
        doc, rel, name = job
        t0 = time.monotonic()
        target = _render_one(project, out, build, site, doc, rel, name, timeout, say)
        say(f"preview: {rel} [{name}] -> {_show(target)} ({time.monotonic() - t0:.1f} s)")
        return target

    outputs = _run_all(jobs_todo, one, jobs or default_jobs())
    for copied in copy_resources(project, config, out):
        say(f"preview: resource {copied.relative_to(out)}")
    kinds = sorted({p.suffix.lstrip(".") for p in outputs})
    say(
        f"preview: done: {len(docs)} document(s), {len(outputs)} output(s) "
        f"({', '.join(kinds) or 'none'}) in {time.monotonic() - started:.1f} s -> {_show(out)}"
    )
    return outputs


def default_jobs() -> int:
    """One kernel per CPU (``CVDATA_PREVIEW_JOBS`` overrides), at most 4: a document's
    kernel, pandoc and Typst are separate processes, so documents overlap well."""
    value = os.environ.get(JOBS_ENV, "")
    if value.strip():
        try:
            return max(1, int(value))
        except ValueError:
            raise PreviewError(f"{JOBS_ENV}={value!r} is not a whole number") from None
    return max(1, min(4, os.cpu_count() or 1))


def _run_all(
    todo: list[tuple[engine.Document, Path, str]],
    one: Callable[[tuple[engine.Document, Path, str]], Path],
    jobs: int,
) -> list[Path]:
    """Run every (document, format) job; outputs in document order whatever finishes first.

    With several workers, static formats (the PDF: the most work) start first. On a failure
    no new job starts, the running ones finish, and the error of the earliest failing
    document (in render order, as Quarto would meet it) is raised.
    """
    if jobs <= 1 or len(todo) <= 1:
        return [one(job) for job in todo]
    from concurrent.futures import ThreadPoolExecutor, as_completed

    order = sorted(range(len(todo)), key=lambda i: engine.base_format(todo[i][2]) == "html")
    results: dict[int, Path] = {}
    errors: dict[int, BaseException] = {}
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="preview") as pool:
        futures = {pool.submit(one, todo[i]): i for i in order}
        # As they finish, so that a failure stops the jobs not started yet at once.
        for future in as_completed(futures):
            i = futures[future]
            if future.cancelled():
                continue
            try:
                results[i] = future.result()
            except BaseException as exc:  # re-raised below, in render order
                errors[i] = exc
                for other in futures:
                    other.cancel()
    if errors:
        raise errors[min(errors)]
    return [results[i] for i in range(len(todo))]


# --- the project -----------------------------------------------------------------------------


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PreviewError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(config, dict):
        raise PreviewError(f"{path.name} is not a YAML mapping")
    return config


#: Key under which :func:`load_config` records the active profiles (not a Quarto option).
ACTIVE_PROFILES = "_active-profiles"
PROFILE_ENV = "QUARTO_PROFILE"


def _profile_file(project: Path, name: str) -> Path | None:
    return next(
        (
            p
            for p in (project / f"_quarto-{name}.yml", project / f"_quarto-{name}.yaml")
            if p.is_file()
        ),
        None,
    )


def active_profiles(config: dict[str, Any], requested: str | None = None) -> list[str]:
    """Quarto's project-profile.ts: the requested profiles (comma-separated; default
    ``QUARTO_PROFILE``), else ``profile.default``; then, for each ``profile.group`` with
    no active member, its first name."""
    settings = config.get("profile") if isinstance(config.get("profile"), dict) else {}
    names = os.environ.get(PROFILE_ENV, "") if requested is None else requested
    active = [n.strip() for n in names.split(",") if n.strip()]
    if not active:
        default = settings.get("default")
        active = [str(d) for d in _as_list(default)]
    groups = settings.get("group") or []
    if groups and all(isinstance(g, str) for g in groups):
        groups = [groups]
    for group in groups:
        if isinstance(group, list) and group and not any(str(g) in active for g in group):
            active.append(str(group[0]))
    return active


def merge_config(base: Any, overlay: Any) -> Any:
    """Quarto's mergeConfigs (lodash mergeWith): mappings merge key by key, the overlay's
    scalars win, and lists are concatenated without repeats (a later repeat is kept)."""
    if isinstance(base, list) or isinstance(overlay, list):
        if overlay is None:
            return base
        if base is None:
            return overlay
        combined = _as_items(base) + _as_items(overlay)
        seen: set[str] = set()
        kept = []
        for item in reversed(combined):
            key = json.dumps(item, sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                kept.append(item)
        return kept[::-1]
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = merge_config(base.get(key), value) if key in base else value
        return merged
    return overlay


def _as_items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def load_config(project: Path, profile: str | None = None) -> dict[str, Any]:
    """``_quarto.yml`` with the active profiles' ``_quarto-NAME.yml`` merged over it (the
    first named profile wins), as Quarto does; the names are under ``ACTIVE_PROFILES``."""
    path = project / "_quarto.yml"
    if not path.is_file():
        raise PreviewError(f"no _quarto.yml in {project}")
    config = _read_yaml(path)
    active = active_profiles(config, profile)
    config.pop("profile", None)
    for name in reversed(active):
        found = _profile_file(project, name)
        if found:
            config = merge_config(config, _read_yaml(found))
    config[ACTIVE_PROFILES] = active
    return config


def _project(config: dict[str, Any]) -> dict[str, Any]:
    return config.get("project") or {}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def input_files(
    project: Path, config: dict[str, Any], out: Path, *, strict: bool = True
) -> list[Path]:
    """``project.render`` (files and globs, ``!`` excludes), else every .qmd/.ipynb whose
    path has no part starting with ``_`` or ``.``; an .ipynb beside a same-named .qmd is
    left out, as Quarto does."""
    patterns = _as_list(_project(config).get("render"))
    if patterns:
        found = _glob(project, [p for p in patterns if not p.startswith("!")], strict)
        dropped = set(_glob(project, [p[1:] for p in patterns if p.startswith("!")], False))
        files = [f for f in found if f not in dropped and f.suffix in DOC_SUFFIXES]
    else:
        files = sorted(
            f
            for f in project.rglob("*")
            if f.suffix in DOC_SUFFIXES
            and f.is_file()
            and not any(part.startswith(("_", ".")) for part in f.relative_to(project).parts)
            and not f.is_relative_to(out)
        )
    files = [f for f in files if not (f.suffix == ".ipynb" and f.with_suffix(".qmd") in files)]
    return list(dict.fromkeys(files))


def _glob(project: Path, patterns: list[str], strict: bool = True) -> list[Path]:
    found: list[Path] = []
    for pattern in patterns:
        matches = sorted(project.glob(pattern)) if pattern else []
        if not matches and strict:
            raise PreviewError(f"_quarto.yml: '{pattern}' matches no file in {project}")
        for match in matches:
            found.extend(
                sorted(p for p in match.rglob("*") if p.is_file()) if match.is_dir() else [match]
            )
    return [f.resolve() for f in found]


def document_formats(config: dict[str, Any], front: dict[str, Any]) -> list[str]:
    """The formats a document renders to. Quarto: "If the document-level YAML defines a
    format, it must define the complete list of formats to be rendered" (formats are the one
    key not merged); otherwise the project's ``format:``; otherwise html."""
    return (
        engine.declared_formats(front.get("format"))
        or engine.declared_formats(config.get("format"))
        or ["html"]
    )


def run_pre_render(
    project: Path, config: dict[str, Any], out: Path, inputs: list[Path], say: Log
) -> None:
    """Each ``project.pre-render`` entry, in order, in the project folder: ``.py`` scripts
    with this Python, anything else as a shell command. A failure stops everything."""
    env = dict(os.environ)
    env[PROFILE_ENV] = ",".join(config.get(ACTIVE_PROFILES) or [])
    env["QUARTO_PROJECT_RENDER_ALL"] = "1"
    env["QUARTO_PROJECT_OUTPUT_DIR"] = os.path.relpath(out, project)
    env["QUARTO_PROJECT_INPUT_FILES"] = "\n".join(str(p.relative_to(project)) for p in inputs)
    for script in _as_list(_project(config).get("pre-render")):
        tokens = shlex.split(script)
        is_py = bool(tokens) and tokens[0].endswith(".py")
        command: list[str] | str = [sys.executable, *tokens] if is_py else script
        say(f"preview: pre-render: {script}")
        done = subprocess.run(
            command,
            cwd=project,
            env=env,
            shell=not is_py,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise PreviewError(
                f"pre-render '{script}' failed with exit code {done.returncode}; "
                f"nothing was rendered. Its output:\n{done.stdout.rstrip()}"
            )
        if done.stdout.strip():
            say(done.stdout.rstrip())


def copy_resources(project: Path, config: dict[str, Any], out: Path) -> list[Path]:
    patterns = _as_list(_project(config).get("resources"))
    files = _glob(project, [p for p in patterns if not p.startswith("!")])
    dropped = set(_glob(project, [p[1:] for p in patterns if p.startswith("!")], False))
    copied = []
    for src in files:
        if src in dropped:
            continue
        dest = out / src.relative_to(project)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
        copied.append(dest)
    return copied


def _stylesheets(project: Path, doc_dir: Path, css: Any, out: Path, target: Path) -> list[str]:
    """format.html.css: copy each file into the output; links relative to the page.
    A document's own css is relative to it, the project's to the project (tried in turn)."""
    hrefs = []
    for name in _as_list(css):
        src = next((d / name for d in (doc_dir, project) if (d / name).is_file()), None)
        if src is None:
            raise PreviewError(f"stylesheet {name!r} not found")
        dest = out / src.resolve().relative_to(project)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
        hrefs.append(os.path.relpath(dest, target.parent))
    return hrefs


def _prepare_output(project: Path, out: Path) -> None:
    if out == project or project.is_relative_to(out):
        raise PreviewError(f"refusing to write the preview into {out}: it holds the project")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise PreviewError(f"refusing to replace {out}: it was not made by the preview")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by python -m cvdata.preview; replaced on each run\n")


def _warnings(rel: Path, doc: engine.Document, config: dict[str, Any]) -> list[str]:
    """Where quarto render would behave differently from the preview."""
    execute = {**(config.get("execute") or {}), **(doc.front_matter.get("execute") or {})}
    notes = []
    if rel.suffix == ".ipynb" and execute.get("enabled") is not True:
        notes.append(
            f"{rel}: execute: enabled is not true, so quarto render would show the outputs "
            "stored in the notebook instead of running it; the preview runs it"
        )
    if execute.get("freeze"):
        notes.append(
            f"{rel}: freeze: {execute['freeze']!r}: quarto render may reuse _freeze/ results "
            "for unchanged pages; the preview always executes"
        )
    kernel = doc.front_matter.get("jupyter")
    if kernel not in (None, engine.KERNEL):
        notes.append(f"{rel}: jupyter: {kernel!r}: the preview always uses {engine.KERNEL}")
    return notes


# --- one document, one format ----------------------------------------------------------------


def _render_one(
    project: Path,
    out: Path,
    build: Path,
    site: Site,
    doc: engine.Document,
    rel: Path,
    name: str,
    timeout: int,
    say: Log,
) -> Path:
    base = engine.base_format(name)
    ext = engine.FORMATS[base]["ext"]
    target = out / rel.with_suffix(f".{ext}")
    fmt = engine.resolve_format(site.config, doc.front_matter, name, doc.path, target)
    fmt.pop("extension")
    stem = build / rel.parent / f"{rel.stem}.{name}"
    stem.parent.mkdir(parents=True, exist_ok=True)
    info = stem.with_name(stem.name + ".execute-info.json")
    info.write_text(
        json.dumps({"document-path": str(doc.path), "format": fmt}, default=str, indent=1),
        encoding="utf-8",
    )
    label = f"{rel} [{name}]"
    env = engine.kernel_environment(project, doc.path, info, fmt["execute"])
    env[PROFILE_ENV] = ",".join(site.profiles)
    try:
        outputs = engine.execute(doc, fmt["execute"], env, label, timeout)
    except engine.EngineError as exc:
        raise PreviewError(str(exc)) from None

    figures = f"{rel.stem}_files/figure-{base}"
    page_dir = (out if base == "html" else build) / rel.parent
    ctx = engine.MarkdownContext(base, page_dir / figures, figures)
    if base != "html":
        ctx.html_to_markdown = assemble.html_to_markdown
    body = engine.to_markdown(doc, outputs, fmt["execute"], ctx)
    md = stem.with_name(stem.name + ".md")
    md.write_text(_pandoc_front_matter({**fmt["metadata"], **fmt["pandoc"]}) + body, "utf-8")

    try:
        if base == "html":
            meta = fmt["metadata"]
            title = str(meta.get("pagetitle") or meta.get("title") or rel.stem)
            pagetitle = f"{title} – {site.title}" if site.title and site.title != title else title
            css = _stylesheets(project, doc.path.parent, fmt["pandoc"].get("css"), out, target)
            assemble.html_page(md, target, build, pagetitle, site.nav(rel), label, css)
            text = target.read_text(encoding="utf-8")
            refs = [v for _, _, v in assemble.html_refs(text)]
            with _COPY_LOCK:  # pages share files (CSS, images): one copy at a time
                assemble.copy_local(refs, doc.path.parent, project, out)
            for url in assemble.external_resources(text):
                say(f"preview: warning: {rel} [{name}] loads {url} from the network")
        else:
            typ = stem.with_name(stem.name + ".typ")
            source = assemble.typst_source(md, typ, build, label)
            with _COPY_LOCK:
                assemble.copy_local(assemble.typst_images(source), doc.path.parent, project, build)
            assemble.compile_typst(typ, target, build, label)
    except assemble.AssemblyError as exc:
        raise PreviewError(str(exc)) from None
    return target


def _pandoc_front_matter(metadata: dict[str, Any]) -> str:
    """Title block and page settings our templates use (papersize, margin, fontsize: typst)."""
    names = ("title", "subtitle", "author", "date", "lang", "papersize", "margin", "fontsize")
    keep = {k: metadata[k] for k in names if metadata.get(k) is not None}
    if not keep:
        return ""
    return "---\n" + yaml.safe_dump(keep, allow_unicode=True, sort_keys=False) + "---\n\n"


class Site:
    """``website.title`` and ``website.navbar`` (left/right items: href/file + text)."""

    def __init__(self, project: Path, config: dict[str, Any]) -> None:
        self.profiles: list[str] = list(config.get(ACTIVE_PROFILES) or [])
        self.project = project
        self.config = {k: v for k, v in config.items() if k != ACTIVE_PROFILES}
        website = config.get("website") or {}
        self.is_website = _project(config).get("type") == "website" or bool(website)
        self.title = str(website.get("title") or "")
        navbar = website.get("navbar") or {}
        self.left = navbar.get("left") or []
        self.right = navbar.get("right") or []

    def nav(self, page: Path) -> str:
        if not self.is_website:
            return ""
        here = page.parent

        def entries(items: list) -> list[tuple[str, str, bool]]:
            result = []
            for item in items:
                item = {"href": item} if isinstance(item, str) else dict(item or {})
                href = str(item.get("href") or item.get("file") or "")
                if not href:
                    continue
                text = str(item.get("text") or self._title_of(href) or href)
                result.append((self._link(href, here), text, Path(href) == page))
            return result

        index = os.path.relpath("index.html", here)
        return assemble.nav_html(self.title, index, entries(self.left), entries(self.right))

    def _link(self, href: str, here: Path) -> str:
        if "://" in href or href.startswith(("mailto:", "#", "/")):
            return href
        path = Path(href)
        if path.suffix in DOC_SUFFIXES:
            path = path.with_suffix(".html")
        return os.path.relpath(path, here)

    def _title_of(self, href: str) -> str:
        src = self.project / href
        if src.suffix not in DOC_SUFFIXES or not src.is_file():
            return ""
        try:
            return str(engine.read_document(src).front_matter.get("title") or "")
        except engine.EngineError:
            return ""


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cvdata.preview",
        description="Render the Quarto project offline into a preview folder "
        "(a test harness, not Quarto; publish with quarto render).",
    )
    parser.add_argument("--out", default="_preview", help="output folder (default _preview)")
    parser.add_argument("--project", default=".", help="project folder (default .)")
    parser.add_argument("--formats", default="html,typst", help="e.g. html or html,typst")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="project profile(s) to activate, comma-separated, as quarto render --profile "
        "(merges _quarto-NAME.yml; default: $QUARTO_PROFILE, else profile.default)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help=f"documents to execute at once (default: ${JOBS_ENV}, else one per CPU, at "
        "most 4; quarto render runs them one after another)",
    )
    args = parser.parse_args(argv)
    try:
        render_project(
            args.project,
            args.out,
            args.formats.split(","),
            log=print,
            profile=args.profile,
            jobs=args.jobs,
        )
    except PreviewError as exc:
        sys.stdout.flush()
        print(f"preview: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
