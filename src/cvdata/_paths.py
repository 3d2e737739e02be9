"""Where the pre-render step, the pages and the post-render step meet, relative to the
project root. Standard library only (see :mod:`cvdata.postrender`)."""

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
