"""The Python side of cvdata's execution engine: run a page's notebook, keep its outputs.

Quarto 1.9+ loads the engine extension ``_extensions/cvdata/cvdata-engine.js`` for the
pages that name the ``cvdata`` kernel. For each execution it turns the page into a
notebook with Quarto's own converter (as its Jupyter engine does), writes it to a file and
runs ``python -m cvdata.quarto.kernel_launcher --run NOTEBOOK RESULT``; the launcher asks
the project's fork server (:mod:`cvdata.quarto.kernels`) for a child that has already
imported pandas, plotly and cvdata and runs :func:`main` there, else runs it itself. The
extension turns the executed notebook into Markdown with Quarto's converter again, with
the options its Jupyter engine uses: the page's Markdown is the same either way, without a
Jupyter kernel, its client or Quarto's Python helper for each page (``CVDATA_ENGINE=jupyter``
switches back to them).

What a Jupyter kernel would give these pages, this gives: each cell's ``print`` (the
``output: asis`` Markdown cvdata's pages write) and warnings as stream outputs, the value
of a cell's last expression as its result (``text/plain``, ``text/html`` or
``text/markdown`` from IPython-style ``_repr_*_`` methods), ``display()`` through IPython
when it is imported, a cell's error as an error output. A cell marked ``eval: false`` is
not run; an error stops the page unless ``error: true`` (the cell's or the document's).
Each run is a process of its own (a fork): nothing is shared between pages or formats.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import linecache
import os
import re
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

#: A cell option line (``#| key: value``).
_OPTION = re.compile(r"^#\|\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")
#: An inline expression in Markdown (``\`{python} x\```), which this engine does not run.
_INLINE = re.compile(r"`\{python\}\s")
#: The MIME types taken from a value's ``_repr_*_`` methods, in Jupyter's order.
_REPRS = (("text/html", "_repr_html_"), ("text/markdown", "_repr_markdown_"))


class CellError(Exception):
    """A cell raised and errors are not allowed: the page's render stops."""


def cell_options(source: str) -> dict[str, str]:
    """The ``#|`` option lines at the top of a cell, as text (``eval: false`` -> 'false')."""
    options: dict[str, str] = {}
    for line in source.splitlines():
        m = _OPTION.match(line)
        if not m:
            break
        options[m.group(1)] = m.group(2).strip("'\"")
    return options


def _flag(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("false", "no", "0")


class _Streams:
    """One cell's standard output and error, as Jupyter's stream outputs (consecutive
    writes to the same stream are one output, as a kernel's are)."""

    def __init__(self) -> None:
        self.outputs: list[dict[str, Any]] = []

    def writer(self, name: str) -> io.TextIOBase:
        streams = self

        class _Writer(io.TextIOBase):
            encoding = "utf-8"

            def writable(self) -> bool:
                return True

            def write(self, text: str) -> int:
                streams.add(name, text)
                return len(text)

        return _Writer()

    def add(self, name: str, text: str) -> None:
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last and last.get("output_type") == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})


def _bundle(value: object) -> dict[str, Any]:
    """A value's MIME bundle, as a kernel's display formatter would give it."""
    data: dict[str, Any] = {"text/plain": repr(value)}
    for mime, method in _REPRS:
        make = getattr(value, method, None)
        if callable(make):
            with contextlib.suppress(Exception):
                shown = make()
                if isinstance(shown, str):
                    data[mime] = shown
    return data


def _ipython_display(streams: _Streams) -> contextlib.AbstractContextManager[None]:
    """While a cell runs, ``IPython.display.display`` (when IPython is imported) adds a
    ``display_data`` output to the cell, as in a kernel."""
    display_mod = sys.modules.get("IPython.core.display_functions")
    if display_mod is None:
        return contextlib.nullcontext()

    def display(*objs: object, **kwargs: object) -> None:
        for obj in objs:
            streams.outputs.append(
                {"output_type": "display_data", "data": _bundle(obj), "metadata": {}}
            )

    @contextlib.contextmanager
    def patched() -> Any:
        saved = display_mod.display
        display_mod.display = display
        ipd = sys.modules.get("IPython.display")
        saved_ipd = getattr(ipd, "display", None)
        if ipd is not None:
            ipd.display = display
        try:
            yield
        finally:
            display_mod.display = saved
            if ipd is not None:
                ipd.display = saved_ipd

    return patched()


def run_cell(source: str, namespace: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """Run one cell's code in ``namespace``; its outputs (an exception becomes an error
    output: the caller decides whether the page stops)."""
    streams = _Streams()
    # The cell's lines for its traceback, as IPython shows them.
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    with (
        contextlib.redirect_stdout(streams.writer("stdout")),
        contextlib.redirect_stderr(streams.writer("stderr")),
        _ipython_display(streams),
    ):
        try:
            tree = ast.parse(source, filename=name, mode="exec")
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            exec(compile(tree, name, "exec"), namespace)
            if last is not None:
                value = eval(compile(last, name, "eval"), namespace)
                if value is not None:
                    namespace["_"] = value
                    streams.outputs.append(
                        {
                            "output_type": "execute_result",
                            "data": _bundle(value),
                            "metadata": {},
                            "execution_count": None,
                        }
                    )
        except Exception as e:
            # The runner's own frame is not the page's: left out of what the person reads.
            tb = e.__traceback__.tb_next if e.__traceback__ else None
            lines = traceback.format_exception(type(e), e, tb)
            streams.outputs.append(
                {
                    "output_type": "error",
                    "ename": type(e).__name__,
                    "evalue": str(e),
                    "traceback": lines,
                }
            )
    return streams.outputs


def run_notebook(
    nb: dict[str, Any], document: str, *, execute: dict[str, Any] | None = None, quiet: bool = False
) -> dict[str, Any]:
    """Run ``nb``'s code cells in order, in one namespace; ``nb`` with their outputs.

    ``execute`` is the document's ``execute`` options (``eval``, ``error``); progress goes
    to standard error as Quarto's Jupyter engine writes it (``Cell 1/3: ''...Done``).

    Raises
    ------
    CellError
        When a cell raised and neither the cell nor the document allows errors.
    """
    execute = execute or {}
    eval_default = _flag(execute.get("eval"), True)
    error_default = _flag(execute.get("error"), False)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    cells = nb.get("cells", [])
    code = [c for c in cells if c.get("cell_type") == "code"]
    for cell in cells:
        if cell.get("cell_type") == "markdown" and _INLINE.search(_source(cell)):
            raise CellError(
                f"{document}: inline `{{python}}` expressions are not run by cvdata's engine; "
                "compute the value in a cell, or render with CVDATA_ENGINE=jupyter"
            )
    if not quiet:  # after the engine's "Starting cvdata runner...", as Jupyter's kernels
        print(f"Done\n\nExecuting '{document}'", file=sys.stderr, flush=True)
    # The PDF's charts are drawn while the cells go on; the page is handed back drawn.
    from . import static

    try:
        with static.drawing_in_background():
            _run_cells(code, namespace, document, eval_default, error_default, quiet)
    except static.DrawingError as e:
        raise CellError(f"{document}: a chart could not be drawn for the PDF: {e}") from e
    return nb


def _run_cells(
    code: list[dict[str, Any]],
    namespace: dict[str, Any],
    document: str,
    eval_default: bool,
    error_default: bool,
    quiet: bool,
) -> None:
    for number, cell in enumerate(code, start=1):
        source = _source(cell)
        options = cell_options(source)
        cell["execution_count"] = number
        cell["outputs"] = []
        if not _flag(options.get("eval"), eval_default):
            continue
        label = options.get("label", "")
        if not quiet:
            print(f"  Cell {number}/{len(code)}: '{label}'...", end="", file=sys.stderr)
            sys.stderr.flush()
        cell["outputs"] = run_cell(source, namespace, f"<{document}, cell {number}>")
        if not quiet:
            print("Done", file=sys.stderr, flush=True)
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        if errors and not _flag(options.get("error"), error_default):
            raise CellError(
                f"{document}, cell {number}{f' ({label})' if label else ''}:\n"
                + "".join(errors[0]["traceback"])
            )


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def main(argv: list[str]) -> int:
    """``python -m cvdata.quarto.runner NOTEBOOK RESULT``: run the notebook (JSON:
    ``{"notebook": ..., "document": ..., "execute": ..., "quiet": ...}``) and write the
    executed notebook to RESULT; 1 with the error on standard error when a cell failed."""
    if len(argv) != 2:
        print("usage: python -m cvdata.quarto.runner NOTEBOOK RESULT", file=sys.stderr)
        return 2
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    # A page's print goes to its cell; anything written to the descriptor itself (a
    # library's child process) goes to standard error, never into the result.
    sys.stdout.flush()
    os.dup2(2, 1)
    try:
        nb = run_notebook(
            request["notebook"],
            str(request.get("document") or "page"),
            execute=request.get("execute") or {},
            quiet=bool(request.get("quiet")),
        )
    except CellError as e:
        print(f"\nAn error in {e}", file=sys.stderr, flush=True)
        return 1
    result = Path(argv[1])
    tmp = result.with_name(result.name + ".part")
    tmp.write_text(json.dumps(nb), encoding="utf-8")
    tmp.replace(result)
    _leave_now()
    return 0


def _leave_now() -> None:
    """End a forked run as soon as its result is written: Python's shutdown (its modules,
    kaleido closing its Chromium) takes about half a second the render would wait for. Only
    in a session of its own (the fork server's child): its group is the run and what it
    started, never Quarto's."""
    if os.getpgrp() != os.getpid():
        return  # a plain run, in Quarto's process group: the ordinary exit
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.killpg(os.getpgrp(), signal.SIGTERM)  # what the page started (a browser)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
