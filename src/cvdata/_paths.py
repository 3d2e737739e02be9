"""Where the pre-render step, the pages and the post-render step meet, relative to the
project root; the one place that finds that root (:func:`find_project_root`) and the data
folder (:func:`find_data_dir`). Standard library only (see :mod:`cvdata.quarto.postrender`)."""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path

from . import env
from .problems import DataDirError

#: The file that makes a folder a Quarto project.
PROJECT_FILE = "_quarto.yml"

#: The pre-render step's files: the pages' metadata, what each page read, the figure cache.
META_DIR = "_cvdata"
#: The website's pages (notebooks), relative to the project root.
PAGES_DIR = "notebooks"
#: Static figures drawn before, named by what they draw (see ``cvdata.quarto.static._figure_key``):
#: the pre-render step draws a document's figures ahead, in parallel with Quarto's work
#: (:mod:`cvdata.quarto.prefetch`), and an unchanged figure is not drawn again.
FIGURE_CACHE = f"{META_DIR}/figures"
#: Files other steps write in the meta folder while a render runs (not the pre-render
#: step's outputs, :mod:`cvdata.quarto.fastpath`): the warm kernels' server log, and the
#: preview's stamp of the pre-render work it did ahead and its timings (names in it).
KERNELS_LOG = f"{META_DIR}/kernels.log"
PREVIEW_STAMP = "preview-prerendered.json"
PREVIEW_TIMINGS = "preview-timings.json"
#: Held (flock) by the process drawing figures ahead while it runs.
PREFETCH_LOCK = ".prefetch.lock"
#: Where the pre-render step puts plotly.js.
PLOTLY_JS = "assets/plotly.min.js"

#: Names the format a page renders to, instead of Quarto (tests, the drawing ahead).
FORMAT_ENV = env.FORMAT
#: A name given in the environment (a format): letters, digits, ``-`` and ``_``, as Quarto's
#: format names are; it becomes part of a file name, so no ``/``, ``..`` or dot.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class EnvNameError(ValueError):
    """An environment variable that must hold a name holds something else."""


def checked_name(variable: str, value: str) -> str:
    """``value`` (of the environment variable ``variable``) when it is a plain name, such
    as a format's (``html``, ``typst``): it is used in file names (the pages' reads
    records), so anything with a separator, a dot or a control character is refused.

    Raises
    ------
    EnvNameError
        Naming the variable, what it holds and what a name may hold.
    """
    if not _NAME.fullmatch(value):
        raise EnvNameError(
            f"{variable}={value!r} is not a format name: use letters, digits, '-' and '_' "
            "only (at most 64), e.g. html or typst"
        )
    return value


#: Set in the process drawing figures ahead: it draws, it does not wait for itself.
PREFETCH_ENV = env.PREFETCH


def find_project_root(start: Path | None = None, *, step: bool = False) -> Path | None:
    """The Quarto project being rendered: the one place that works it out.

    Parameters
    ----------
    start : Path, optional
        Where to look from when Quarto does not say (default: the working folder).
    step : bool
        For Quarto's pre- and post-render steps: Quarto sets ``QUARTO_PROJECT_ROOT`` for
        them, so it is taken as it is, else the working folder (never a folder above).

    Returns
    -------
    Path or None
        ``QUARTO_PROJECT_ROOT`` when it holds a ``_quarto.yml``, else the nearest folder at
        or above ``start`` with one; None outside any project (never with ``step``).
    """
    root = env.get(env.PROJECT_ROOT)
    if step:
        return Path(root or Path.cwd()).resolve()
    if root and Path(root, PROJECT_FILE).is_file():
        return Path(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


def prefetch_running(cache: Path) -> bool:
    """Whether a process drawing figures ahead holds ``cache``'s lock (a probe: a shared
    lock taken and let go at once, which fails while the drawing's exclusive one holds)."""
    try:
        fd = os.open(cache / PREFETCH_LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # lets go of the lock just taken, if any
    return False


def find_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Locate the folder that holds the CV tables.

    Looks, in order, at ``data_dir``, the ``CVDATA_DIR`` environment variable, ``data/``
    under Quarto's ``QUARTO_PROJECT_ROOT``, and ``data/`` in the working folder or any
    folder above it (so a notebook in ``notebooks/`` finds the project's ``data/``).

    Raises
    ------
    DataDirError
        When no such folder exists.
    """
    given = data_dir if data_dir is not None else env.get(env.DATA_DIR) or None
    if given is not None:
        path = Path(given).expanduser()
        if not path.is_dir():
            raise DataDirError(f"data folder {str(path)!r} does not exist")
        return path
    root = env.get(env.PROJECT_ROOT)
    if root and (Path(root) / "data" / "datapackage.json").is_file():
        return Path(root) / "data"
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "data" / "datapackage.json").is_file():
            return folder / "data"
    raise DataDirError(
        f"no data/ folder with a datapackage.json in {here} or above it; "
        f"pass the folder or set {env.DATA_DIR}"
    )


def project_data_dir(project: str | os.PathLike[str]) -> Path:
    """The data folder a render of ``project`` reads: ``CVDATA_DIR`` when set, else the
    project's ``data/``, with or without a ``datapackage.json`` of its own (the package's
    descriptor then describes it). The pre-render step, the preview and every page use this
    one rule, so a folder the pre-render step validated is the folder the pages read.

    Raises
    ------
    DataDirError
        When that folder does not exist.
    """
    return find_data_dir(None if env.get(env.DATA_DIR) else Path(project) / "data")
