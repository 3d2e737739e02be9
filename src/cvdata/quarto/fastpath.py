"""The pre-render step's fast path: nothing changed since its last run, so nothing to do.

A render where no page runs (every result frozen) pays for the pre-render step all the
same: Python's start, pandas' import, the validation of ``data/`` and the metadata written.
That is about a second of a five-second render. Here, before anything heavy is imported
(standard library only, like :mod:`cvdata.quarto.postrender`), ``scripts/prerender.py``
asks :func:`skip`, which compares a fingerprint of everything the step reads with the one
:func:`record` kept at the end of the last run that went through:

- the data folder, every file of it by its bytes (the tables, the descriptor, the words
  file, the photo, anything else), read the checked way (:func:`cvdata._files.read_bytes`:
  no link out of the folder, no pipe or device is read; those count by their metadata);
- the data folder's path, the as-of date and ``CVDATA_PLOTLYJS``;
- the project's configuration (``_brand.yml``, every ``_quarto*.yml``) by its bytes;
- cvdata's own code and the installed plotly.js (by size and time changed), the Python.

When they are the same, every file the step wrote (``_cvdata/*``, ``assets/*``,
``_freeze``'s stamp) is still there byte for byte, and no page will run (a whole-project
render, every page frozen: :func:`pages_will_execute`), the step would write the same bytes
again and find the same data valid: it prints what it printed then and stops, leaving every
generated file untouched (Quarto sees no change either). When anything differs, a page will
run, or a PDF pass will run whose charts the step draws ahead
(:mod:`cvdata.quarto.prefetch`), the whole step runs: changed data is always validated.

The fingerprint is taken before the whole step reads anything (:func:`taken`), so an edit
made while it runs is seen by the next render.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import stat
import sys
from pathlib import Path

from .. import env
from .._files import FileRefused, read_bytes
from .._paths import (
    KERNELS_LOG,
    META_DIR,
    PREVIEW_STAMP,
    PREVIEW_TIMINGS,
    find_project_root,
    project_data_dir,
)
from ..problems import DataDirError

#: What :func:`record` keeps (inside ``_cvdata/``, which only the pre-render step writes).
STAMP = f"{META_DIR}/prerender.json"
#: Changes when what the stamp means changes: an older stamp is never trusted.
VERSION = 1
#: The largest data file hashed by its bytes; a larger one counts by its metadata.
MAX_HASHED_BYTES = 64 * 1024 * 1024
#: The files the pre-render step writes: ``(folder, pattern)``, both from the project.
FREEZE_DIR = "_freeze"
#: What the frozen pages were made from (:func:`cvdata.quarto.prerender.refresh_freeze`).
FREEZE_STAMP = ".cvdata-data.json"
OUTPUTS = ((META_DIR, "*"), ("assets", "*"), (FREEZE_DIR, FREEZE_STAMP))
#: Files in ``_cvdata/`` that other steps write while a render runs: not the step's
#: outputs, and they change on every render, which would switch the fast path off for good.
NOT_OUTPUTS = (
    KERNELS_LOG,
    f"{META_DIR}/{PREVIEW_STAMP}",
    f"{META_DIR}/{PREVIEW_TIMINGS}",
)
#: The project's own files the step reads (its configuration).
CONFIG = ("_brand.yml", "_quarto*.yml")

#: The fingerprint :func:`skip` took for a project, for the whole step that follows.
_TAKEN: dict[Path, str] = {}


def _metadata(st: os.stat_result) -> str:
    return f"{stat.S_IFMT(st.st_mode):o} {st.st_size} {st.st_mtime_ns} {st.st_ino}"


def _data_entry(path: Path, root: Path) -> str:
    """One file of the data folder: its bytes' hash, or (a link out, a pipe, a device, a
    file too big to hash) its metadata and why it is not read."""
    try:
        st = path.lstat()
    except OSError as e:
        return f"gone: {e.strerror}"
    if stat.S_ISREG(st.st_mode) and st.st_size > MAX_HASHED_BYTES:
        return "large " + _metadata(st)
    try:
        return hashlib.sha256(read_bytes(path, root, MAX_HASHED_BYTES)).hexdigest()
    except (FileNotFoundError, FileRefused) as e:
        # A link is also told by where it points (its target's bytes are not read).
        target = os.readlink(path) if stat.S_ISLNK(st.st_mode) else ""
        followed = ""
        with contextlib.suppress(OSError):
            followed = _metadata(path.stat())
        return f"unread ({type(e).__name__}: {e}) {_metadata(st)} {target!r} {followed}"


def _walk(folder: Path, root: Path, h: hashlib._Hash) -> None:
    """Every entry below ``folder``, in name order; a folder is entered, a link never."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as e:
        h.update(f"unlisted {folder}: {e.strerror}\n".encode())
        return
    for entry in entries:
        path = Path(entry.path)
        name = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
        if entry.is_dir(follow_symlinks=False):
            h.update(b"dir\0" + name + b"\n")
            _walk(path, root, h)
        else:
            h.update(b"file\0" + name + b"\0" + _data_entry(path, root).encode() + b"\n")


def _code(h: hashlib._Hash) -> None:
    """cvdata's own files and plotly's bundle, by their metadata (an edit or an upgrade
    changes it), and the Python that runs the step."""
    h.update(f"python {sys.executable} {sys.version}\n".encode())
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*")):
        if "__pycache__" not in path.parts and path.is_file():
            h.update(f"{path.relative_to(package)} {_metadata(path.stat())}\n".encode())
    spec = importlib.util.find_spec("plotly")  # found, not imported
    for folder in (spec.submodule_search_locations or []) if spec else []:
        with contextlib.suppress(OSError):
            bundle = Path(folder) / "package_data" / "plotly.min.js"
            h.update(f"plotly.js {_metadata(bundle.stat())}\n".encode())


def inputs(project: Path) -> str:
    """The fingerprint of everything the pre-render step reads (see the module's text).

    Raises
    ------
    DataDirError, ValueError
        No data folder, or a bad as-of date: the whole step says so.
    """
    data_dir = project_data_dir(project)
    h = hashlib.sha256(f"cvdata pre-render {VERSION}\n".encode())
    h.update(f"data {data_dir.resolve()}\nas of {env.resolve_as_of()}\n".encode())
    h.update(f"plotly.js {env.get(env.PLOTLYJS, '')}\n".encode())
    for pattern in CONFIG:
        for path in sorted(project.glob(pattern)):
            h.update(f"config {path.name} ".encode() + _data_entry(path, project).encode())
    _code(h)
    _walk(data_dir, data_dir, h)
    return h.hexdigest()


def outputs(project: Path) -> dict[str, str]:
    """Every file the pre-render step writes, as it is now: path -> hash of its bytes."""
    found: dict[str, str] = {}
    for folder, pattern in OUTPUTS:
        for path in sorted((project / folder).glob(pattern)):
            rel = path.relative_to(project).as_posix()
            if rel.startswith(STAMP) or not path.is_file() or path.is_symlink():
                continue  # the stamp itself (and a half-written one), folders, links
            if rel in NOT_OUTPUTS:
                continue
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def input_files() -> list[str]:
    """The files Quarto is about to render, relative to the project (from the variables
    Quarto hands its pre-render scripts)."""
    listed = env.get(env.PROJECT_INPUT_FILES)
    named = env.get(env.USE_FILE_FOR_INPUT_FILES)
    if listed is None and named:
        with contextlib.suppress(OSError):
            listed = Path(named).read_text(encoding="utf-8")
    return [line for line in (listed or "").splitlines() if line.strip()]


def executes_typst(project: Path, document: str) -> bool:
    """Whether ``document``'s Typst pass will run its cells: always in a render of some
    files (Quarto uses ``_freeze/`` only when it renders the whole project), else when no
    frozen Typst result is left for it."""
    if not env.get(env.PROJECT_RENDER_ALL):
        return True
    stem = Path(document).with_suffix("").as_posix()
    return not (project / FREEZE_DIR / stem / "execute-results" / "typ.json").is_file()


def _hidden(project: Path, document: str) -> bool:
    """Whether the page is left out (``draft: true`` in ``_cvdata/<page>.yml``, written by
    :mod:`cvdata.quarto.site`, as :mod:`cvdata.quarto.postrender` reads it)."""
    try:
        meta = (project / META_DIR / f"{Path(document).stem}.yml").read_text(encoding="utf-8")
    except OSError:
        return False
    return "draft: true" in meta


def pages_will_execute(project: Path) -> bool:
    """Whether some page of this render will likely run its cells: always in a render of
    some files (Quarto uses ``_freeze/`` only for the whole project); in a whole-project
    render, when a page has no frozen result or its source is newer than them. The whole
    step then runs: what it starts for the pages that run (the charts drawn ahead, warm
    kernels) is worth its second, and a render that runs nothing does not need it."""
    if not env.get(env.PROJECT_RENDER_ALL):
        return True
    for document in input_files():
        if _hidden(project, document):
            continue  # left out (draft): Quarto writes an empty stand-in, runs nothing
        results = project / FREEZE_DIR / Path(document).with_suffix("") / "execute-results"
        try:
            frozen = max(p.stat().st_mtime_ns for p in results.iterdir())
            if (project / document).stat().st_mtime_ns > frozen:
                return True
        except (OSError, ValueError):  # no results (the max of nothing), or no source
            return True
    return False


def drawing_ahead_wanted() -> bool:
    """Whether this render draws the PDF's charts ahead (:mod:`cvdata.quarto.prefetch`):
    a whole-project render does, where the drawing overlaps the other pages; a render of
    some files (``quarto render cv.qmd --to typst``) does not, where it would only repeat
    the page's own work beside it (the page starts its browser at once instead:
    :func:`cvdata.quarto.static.start_browser_if_needed`). ``CVDATA_NO_PREFETCH``: ``1``
    never, ``0`` in every render."""
    switch = env.get(env.NO_PREFETCH)
    return switch == "0" or (switch != "1" and bool(env.get(env.PROJECT_RENDER_ALL)))


def _draws_ahead(project: Path) -> bool:
    """Whether the whole step would start drawing a PDF's charts: a Typst pass will run
    the cells of a document that draws (:func:`cvdata.quarto.prefetch.draws_static_figures`,
    asked only of a ``.qmd`` that names Typst at all: it imports a YAML parser)."""
    if not drawing_ahead_wanted():
        return False
    for document in input_files():
        path = project / document
        if path.suffix != ".qmd" or not executes_typst(project, document):
            continue
        with contextlib.suppress(OSError):
            if b"typst" in path.read_bytes():
                from .prefetch import draws_static_figures

                if draws_static_figures(path):
                    return True
    return False


def _stamp(project: Path) -> dict[str, object] | None:
    try:
        kept = json.loads((project / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return kept if isinstance(kept, dict) and kept.get("version") == VERSION else None


def skip(project: Path | None = None) -> bool:
    """Whether the pre-render step has nothing to do (see the module's text); when so,
    what the last run said is said again (the data's rows, the pages left out, why a
    photo is not shown). The fingerprint taken is kept for :func:`taken`."""
    project = (project or find_project_root(step=True) or Path.cwd()).resolve()
    try:
        now = inputs(project)
    except (DataDirError, ValueError, OSError):
        return False  # the whole step says what is wrong
    _TAKEN[project] = now
    kept = _stamp(project)
    if kept is None or kept.get("inputs") != now:
        return False
    if pages_will_execute(project) or _draws_ahead(project):
        return False
    if kept.get("outputs") != outputs(project):
        return False
    for line in kept.get("stderr", []):
        print(line, file=sys.stderr)
    print(f"{kept.get('said', 'pre-render')}; unchanged since the last render, not read again")
    return True


def taken(project: Path) -> str | None:
    """The fingerprint :func:`skip` took for ``project``, else one taken now; taken before
    the whole step reads anything. None when there is none to take (the step fails)."""
    project = project.resolve()
    if project in _TAKEN:
        return _TAKEN.pop(project)
    try:
        return inputs(project)
    except (DataDirError, ValueError, OSError):
        return None


def record(project: Path, fingerprint: str | None, said: str, stderr: list[str]) -> None:
    """Keep ``fingerprint`` (:func:`taken` at the step's start), the files the step wrote
    and what it said (``said``: the data's rows and the pages left out; ``stderr``: the
    lines printed there), once it went through; written whole or not at all."""
    if fingerprint is None:
        return
    kept = {
        "version": VERSION,
        "inputs": fingerprint,
        "outputs": outputs(project),
        "said": said,
        "stderr": stderr,
    }
    path = project / STAMP
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(kept, indent=1) + "\n", encoding="utf-8")
    part.replace(path)


__all__ = [
    "STAMP",
    "executes_typst",
    "input_files",
    "inputs",
    "outputs",
    "pages_will_execute",
    "record",
    "skip",
    "taken",
]
