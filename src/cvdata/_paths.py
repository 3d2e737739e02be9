"""Where the pre-render step, the pages and the post-render step meet, relative to the
project root. Standard library only (see :mod:`cvdata.postrender`)."""

import fcntl
import os
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
