"""Where the pre-render step, the pages and the post-render step meet, relative to the
project root. Standard library only (see :mod:`cvdata.postrender`)."""

import fcntl
import os
import re
from pathlib import Path

#: The pre-render step's files: the pages' metadata, what each page read, the figure cache.
META_DIR = "_cvdata"
#: The website's pages (notebooks), relative to the project root.
PAGES_DIR = "notebooks"
#: Static figures drawn before, named by what they draw (see ``cvdata.page._figure_key``):
#: the pre-render step draws a document's figures ahead, in parallel with Quarto's work
#: (:mod:`cvdata._prefetch`), and an unchanged figure is not drawn again.
FIGURE_CACHE = f"{META_DIR}/figures"
#: Held (flock) by the process drawing figures ahead while it runs.
PREFETCH_LOCK = ".prefetch.lock"
#: Where the pre-render step puts plotly.js.
PLOTLY_JS = "assets/plotly.min.js"

#: Names the format a page renders to, instead of Quarto (tests, the drawing ahead).
FORMAT_ENV = "CVDATA_FORMAT"
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
PREFETCH_ENV = "CVDATA_PREFETCH"


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
