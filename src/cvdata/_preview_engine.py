"""The preview's stand-in for Quarto's Jupyter engine: read, execute, turn outputs into Markdown.

What is emulated, and where it comes from in quarto-cli (read for this module, not copied):

- ``src/execute/environment.ts``: before executing, Quarto sets ``QUARTO_PROJECT_ROOT``,
  ``QUARTO_DOCUMENT_PATH`` (the document's folder), ``QUARTO_DOCUMENT_FILE`` and, from 1.8,
  ``QUARTO_EXECUTE_INFO``: the path of a JSON file ``{"document-path": ..., "format": <the
  resolved format: identifier, execute, render, pandoc, language, metadata>}``.
- ``src/resources/jupyter/notebook.py``: ``set_env_vars`` (``QUARTO_FIG_WIDTH/HEIGHT/DPI/
  FORMAT``; ``retina`` becomes ``png`` at twice the dpi), a setup cell inserted before the
  document's cells, cells run one by one with ``NotebookClient.execute_cell``, ``#|`` option
  lines parsed as YAML and stripped before execution, ``eval``, and the error rule
  (``cell_allows_errors = execute.error or cell option error``).
- ``src/resources/jupyter/lang/python/setup.py``: the setup cell: matplotlib figure size, dpi
  and format; ``plotly.io.renderers.default = "notebook_connected"`` (``"notebook"`` when
  ``plotly-connected: false``) for every format, and the plotly template margin; pandas LaTeX
  repr when ``fig-format`` is pdf; shell interactivity; ``os.chdir`` to the run path; ``%reset``.
- ``src/core/jupyter/jupyter.ts`` and ``display-data.ts``: cell and output Markdown
  (``.cell``/``.cell-output-*`` divs, ``output: asis`` without enclosures, stdout verbatim),
  the mime priority per format (HTML prefers text/html; other formats take markdown, svg,
  png, jpeg, text/html only when it holds a table, then text/plain), the "Unable to display
  output for mime type(s)" notice, stderr kept only with ``warning: true``, errors shown as
  ``ename: evalue``, and the matplotlib ``<matplotlib...>`` results dropped.

Knowingly not emulated: the kernel daemon and its restart checks, jupyter-cache and freeze,
papermill parameters, inline ``{python} expr`` expressions, cell tags (``remove-cell``...),
widgets, OJS (``ojs_define``), shiny, cross-references and figure/table layout options.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

KERNEL = "python3"  # the venv's ipykernel (its kernel.json says "python": the current Python)

# Quarto's execute defaults, and the per-format ones (format-html / format-typst in quarto-cli).
EXECUTE_DEFAULTS: dict[str, Any] = {
    "eval": True,
    "echo": True,
    "output": True,
    "warning": True,
    "error": False,
    "include": True,
    "fig-dpi": 96,
    "plotly-connected": True,
    "ipynb-shell-interactivity": None,
}
FORMATS: dict[str, dict[str, Any]] = {
    "html": {
        "display-name": "HTML",
        "ext": "html",
        "execute": {"fig-width": 7, "fig-height": 5, "fig-format": "retina"},
    },
    "typst": {
        "display-name": "Typst",
        "ext": "pdf",
        "execute": {"fig-width": 5.5, "fig-height": 3.5, "fig-format": "svg"},
    },
}
EXECUTE_KEYS = {
    *EXECUTE_DEFAULTS,
    *("enabled", "freeze", "cache", "daemon", "fig-width", "fig-height", "fig-format"),
    *("df-print", "keep-ipynb", "kernel-keepalive", "engine"),
}
PANDOC_KEYS = {
    *("to", "from", "output-file", "standalone", "toc", "toc-depth", "number-sections"),
    *("css", "template", "wrap", "shift-heading-level-by", "highlight-style"),
    *("html-math-method", "include-in-header", "include-before-body", "include-after-body"),
    *("papersize", "columns", "section-divs", "default-image-extension"),
}
RENDER_KEYS = {"keep-md", "keep-typ", "keep-ipynb", "fig-align", "code-fold", "code-tools"}
RENDER_KEYS |= {"code-overflow", "page-layout", "format-links", "embed-resources", "brand"}


class EngineError(Exception):
    """A document could not be read or executed; the message is meant for a person."""


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    source: str  # for code cells: without the "#|" option lines
    options: dict[str, Any] = field(default_factory=dict)
    number: int = 0  # 1-based among code cells


@dataclass
class Document:
    path: Path
    front_matter: dict[str, Any]
    cells: list[Cell]


# --- reading ---------------------------------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_EXEC_OPEN = re.compile(r"^(`{3,})\s*\{python(?:[\s,][^}]*)?\}\s*$")
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})")
_OPTION = re.compile(r"^#\s*\| ?")


def read_document(path: Path) -> Document:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return _read_ipynb(path, text)
    front, body = _split_front_matter(path, text)
    return Document(path, front, _qmd_cells(path, body))


def _split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT.match(text)
    if not match:
        return {}, text
    try:
        front = yaml.safe_load(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        raise EngineError(f"{path.name}: front matter is not valid YAML: {exc}") from None
    if not isinstance(front, dict):
        raise EngineError(f"{path.name}: front matter is not a YAML mapping")
    return front, text[match.end() :]


def _qmd_cells(path: Path, body: str) -> list[Cell]:
    """Markdown and ```{python} cells; other fenced blocks stay Markdown, whatever they hold."""
    cells: list[Cell] = []
    markdown: list[str] = []
    lines = body.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = _EXEC_OPEN.match(line.rstrip("\r\n"))
        fence = _FENCE_OPEN.match(line)
        if opened or fence:
            ticks = (opened or fence).group(1)
            close = re.compile(rf"^{re.escape(ticks[0])}{{{len(ticks)},}}\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j].rstrip("\r\n")):
                j += 1
            if opened:
                if markdown:
                    cells.append(Cell("markdown", "".join(markdown)))
                    markdown = []
                cells.append(_code_cell(path, "".join(lines[i + 1 : j])))
            else:
                markdown.extend(lines[i : j + 1])
            i = j + 1
            continue
        markdown.append(line)
        i += 1
    if markdown:
        cells.append(Cell("markdown", "".join(markdown)))
    return _number(cells)


def _read_ipynb(path: Path, text: str) -> Document:
    nb = nbformat.reads(text, as_version=4)  # stored outputs are ignored: we execute
    cells: list[Cell] = []
    front: dict[str, Any] = {}
    for index, nb_cell in enumerate(nb.cells):
        source = nb_cell.source
        if index == 0 and nb_cell.cell_type in ("raw", "markdown") and _FRONT.match(source):
            front, rest = _split_front_matter(path, source)
            if rest.strip():
                cells.append(Cell("markdown", rest))
        elif nb_cell.cell_type == "code":
            cells.append(_code_cell(path, source))
        else:  # markdown, and raw cells (Quarto passes raw cells without a mime type through)
            cells.append(Cell("markdown", source.rstrip("\n") + "\n"))
    return Document(path, front, _number(cells))


def _code_cell(path: Path, source: str) -> Cell:
    """Split the leading ``#|`` YAML option lines from the code, as Quarto does."""
    lines = source.splitlines()
    yaml_lines = []
    for line in lines:
        match = _OPTION.match(line)
        if not match:
            break
        yaml_lines.append(re.sub(r":\s+$", ":", line[match.end() :]))
    try:
        options = yaml.safe_load("\n".join(yaml_lines)) if yaml_lines else {}
    except yaml.YAMLError as exc:
        raise EngineError(f"{path.name}: cell options are not valid YAML: {exc}") from None
    if not isinstance(options, dict):
        raise EngineError(f"{path.name}: cell options are not a YAML mapping: {yaml_lines}")
    code = "\n".join(lines[len(yaml_lines) :]).strip("\n")
    return Cell("code", code, options)


def _number(cells: list[Cell]) -> list[Cell]:
    code_cells = [c for c in cells if c.kind == "code"]
    for n, cell in enumerate(code_cells, start=1):
        cell.number = n
    return cells


# --- formats and execute-info ----------------------------------------------------------------


def declared_formats(value: Any) -> list[str]:
    """Format names declared by a ``format:`` value (a name, a list or a mapping)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        return [str(k) for k in value]
    return []


def base_format(name: str) -> str:
    """``html``, ``typst``, ``acm-typst`` (an extension format) or ``html+x`` -> base format."""
    name = name.split("+")[0]
    return name.rsplit("-", 1)[-1] if "-" in name else name


def resolve_format(
    project: dict[str, Any], front: dict[str, Any], name: str, doc: Path, output: Path
) -> dict[str, Any]:
    """The ``format`` object Quarto resolves for one document and format, partitioned like
    Quarto's (execute / render / pandoc / metadata). Later layers win: format defaults,
    _quarto.yml (top level, ``execute:``, ``format: <name>:``), then the document's front
    matter in the same order."""
    base = base_format(name)
    spec = FORMATS[base]
    parts: dict[str, dict[str, Any]] = {
        "execute": {**EXECUTE_DEFAULTS, **spec["execute"]},
        "render": {},
        "pandoc": {"to": base, "output-file": output.name, "standalone": True},
        "metadata": {},
    }
    skip = {"project", "website", "book", "format", "execute", "jupyter", "profile"}
    layers = [
        {k: v for k, v in project.items() if k not in skip},
        {"execute": project.get("execute") or {}},
        _format_options(project.get("format"), name),
        {k: v for k, v in front.items() if k not in skip},
        {"execute": front.get("execute") or {}},
        _format_options(front.get("format"), name),
    ]
    for layer in layers:
        for key, value in layer.items():
            if key == "execute" and isinstance(value, dict):
                parts["execute"].update(value)
            elif key in EXECUTE_KEYS:
                parts["execute"][key] = value
            elif key in PANDOC_KEYS:
                parts["pandoc"][key] = value
            elif key in RENDER_KEYS:
                parts["render"][key] = value
            else:
                parts["metadata"][key] = value
    identifier = {"display-name": spec["display-name"], "target-format": name, "base-format": base}
    return {"identifier": identifier, **parts, "language": {}, "extension": spec["ext"]}


def _format_options(value: Any, name: str) -> dict[str, Any]:
    options = value.get(name) if isinstance(value, dict) else None
    return options if isinstance(options, dict) else {}


def kernel_environment(
    project_dir: Path, doc: Path, info_path: Path, execute: dict[str, Any]
) -> dict[str, str]:
    """The environment the kernel starts with: environment.ts plus notebook.py set_env_vars."""
    env = dict(os.environ)
    env.update(
        QUARTO_PROJECT_ROOT=str(project_dir),
        QUARTO_DOCUMENT_PATH=str(doc.parent),
        QUARTO_DOCUMENT_FILE=doc.name,
        QUARTO_EXECUTE_INFO=str(info_path),
        QUARTO_FIG_WIDTH=str(execute["fig-width"]),
        QUARTO_FIG_HEIGHT=str(execute["fig-height"]),
    )
    retina = execute["fig-format"] == "retina"
    env["QUARTO_FIG_DPI"] = str(execute["fig-dpi"] * (2 if retina else 1))
    env["QUARTO_FIG_FORMAT"] = "png" if retina else str(execute["fig-format"])
    return env


def setup_source(execute: dict[str, Any], run_path: Path) -> str:
    """The setup cell Quarto runs before a document's cells (lang/python/setup.py), in our
    words. ``%reset -f`` is what Quarto's ``%reset`` amounts to in a kernel without stdin."""
    values = {
        "fig_width": execute["fig-width"],
        "fig_height": execute["fig-height"],
        "fig_format": str(execute["fig-format"]),
        "fig_dpi": execute["fig-dpi"],
        "plotly_connected": bool(execute["plotly-connected"]),
        "interactivity": execute.get("ipynb-shell-interactivity") or "",
        "run_path": str(run_path),
    }
    assignments = "".join(f"{k} = {v!r}\n" for k, v in values.items())
    return assignments + _SETUP_BODY


_SETUP_BODY = """\
import os
try:
    import matplotlib.pyplot as plt
    plt.rcParams["figure.figsize"] = (fig_width, fig_height)
    plt.rcParams["figure.dpi"] = fig_dpi
    plt.rcParams["savefig.dpi"] = fig_dpi
    from matplotlib_inline.backend_inline import set_matplotlib_formats
    set_matplotlib_formats(fig_format)
except Exception:
    pass
try:
    import plotly.io as pio
    pio.renderers.default = "notebook_connected" if plotly_connected else "notebook"
    pio.templates["plotly"].layout.margin = dict(t=30, r=0, b=0, l=0)
except Exception:
    pass
try:
    import pandas as pd
    if fig_format == "pdf":
        pd.set_option("display.latex.repr", True)
except Exception:
    pass
if interactivity:
    from IPython.core.interactiveshell import InteractiveShell
    InteractiveShell.ast_node_interactivity = interactivity
if run_path:
    os.chdir(run_path)
%reset -f
"""


# --- execution -------------------------------------------------------------------------------


def execute(
    doc: Document, execute_opts: dict[str, Any], env: dict[str, str], label: str, timeout: int
) -> dict[int, list[dict[str, Any]]]:
    """Run the setup cell, then every code cell with ``eval`` true, in one fresh kernel.
    Returns the outputs by code-cell number. An error in a cell that does not allow errors
    raises EngineError naming the document, the cell and the error."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    run_path = doc.path.parent
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "language": "python", "display_name": KERNEL}
    nb.cells.append(nbformat.v4.new_code_cell(setup_source(execute_opts, run_path)))
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=timeout,
        allow_errors=True,  # we apply Quarto's error rule ourselves, per cell
        record_timing=False,
        resources={"metadata": {"path": str(run_path)}},
    )
    outputs: dict[int, list[dict[str, Any]]] = {}
    # The kernel process's own stderr (start-up warnings, and ipykernel's occasional zmq
    # traceback while shutting down after a failed cell) is not the document's output:
    # keep it aside and show its end only if the kernel dies. Cell output comes over
    # Jupyter's channels and is unaffected.
    kernel_log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in finally)
    try:
        with client.setup_kernel(env=env, cwd=str(run_path), stderr=kernel_log):
            setup = client.execute_cell(nb.cells[0], 0, store_history=False)
            _raise_on_error(setup.outputs, f"{label}: the setup cell")
            for cell in doc.cells:
                if cell.kind != "code" or not _option(cell, execute_opts, "eval"):
                    continue
                nb.cells.append(nbformat.v4.new_code_cell(cell.source))
                done = client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
                outputs[cell.number] = done.outputs
                if not (execute_opts.get("error") or cell.options.get("error", False)):
                    _raise_on_error(done.outputs, f"{label}: {_cell_name(cell)}")
    except (DeadKernelError, CellTimeoutError) as exc:
        kernel_log.seek(0)
        tail = "".join(kernel_log.readlines()[-5:]).strip()
        detail = f"\n{tail}" if tail else ""
        raise EngineError(f"{label}: kernel failed: {_first_line(str(exc))}{detail}") from None
    finally:
        kernel_log.close()
    return outputs


def _raise_on_error(outputs: list[dict[str, Any]], where: str) -> None:
    for out in outputs:
        if out.get("output_type") == "error":
            message = _strip_ansi(f"{out.get('ename', 'Error')}: {out.get('evalue', '')}")
            raise EngineError(f"{where} raised {message}")


def _cell_name(cell: Cell) -> str:
    label = cell.options.get("label")
    return f"cell '{label}' (code cell {cell.number})" if label else f"code cell {cell.number}"


def _option(cell: Cell, execute_opts: dict[str, Any], key: str) -> Any:
    return cell.options.get(key, execute_opts.get(key))


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


# --- outputs to Markdown ---------------------------------------------------------------------


@dataclass
class MarkdownContext:
    base: str  # "html" or "typst"
    figure_dir: Path  # where image outputs are written
    figure_ref: str  # how the Markdown refers to figure_dir (relative to the final file)
    html_to_markdown: Any = None  # callable(html) -> markdown, for HTML tables in typst


_IMAGES = {"image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpg"}


def to_markdown(
    doc: Document,
    outputs: dict[int, list[dict[str, Any]]],
    execute_opts: dict[str, Any],
    ctx: MarkdownContext,
) -> str:
    parts = []
    for cell in doc.cells:
        if cell.kind == "markdown":
            parts.append(cell.source.rstrip("\n") + "\n\n")
        else:
            parts.append(_code_cell_md(cell, outputs.get(cell.number, []), execute_opts, ctx))
    return "".join(parts)


def _code_cell_md(
    cell: Cell, outputs: list[dict[str, Any]], opts: dict[str, Any], ctx: MarkdownContext
) -> str:
    if _option(cell, opts, "include") is False:
        return ""
    echo, output = _option(cell, opts, "echo"), _option(cell, opts, "output")
    asis = output == "asis"
    label = cell.options.get("label")
    md = []
    if echo:
        code = cell.source
        if echo == "fenced":
            code = "```{python}\n" + code + "\n```"
        md.append(_fenced(code, "{.python .cell-code}"))
    if output is not False:
        captions = _as_list(cell.options.get("fig-cap"))
        alts = _as_list(cell.options.get("fig-alt"))
        kept = [o for o in outputs if _keep(o, _option(cell, opts, "warning"))]
        for n, out in enumerate(kept, start=1):
            stem = f"{label or f'cell-{cell.number}'}-output-{n}"
            text, css = _output_md(out, asis, ctx, stem, captions, alts)
            md.append(text if asis else f"::: {{.cell-output {css}}}\n{text}:::\n")
    if not md:
        return ""
    if asis:
        return "\n".join(md) + "\n"
    ident = f"#{label} " if label else ""
    return f"::: {{{ident}.cell}}\n" + "\n".join(md) + ":::\n\n"


def _keep(out: dict[str, Any], warning: Any) -> bool:
    if out.get("output_type") == "stream" and out.get("name") == "stderr":
        return bool(warning)
    if out.get("output_type") == "execute_result" and list(out.get("data", {})) == ["text/plain"]:
        text = out["data"]["text/plain"]
        return not text.startswith(("[<matplotlib", "<matplotlib", "<seaborn.", "<ggplot:"))
    return True


def _output_md(
    out: dict[str, Any],
    asis: bool,
    ctx: MarkdownContext,
    stem: str,
    captions: list[str],
    alts: list[str],
) -> tuple[str, str]:
    kind = out.get("output_type")
    if kind == "stream":
        text = _strip_ansi(out.get("text", ""))
        if out.get("name") == "stdout":
            return (text if asis else _fenced(text)), ".cell-output-stdout"
        text = re.sub(r"^<ipython-input.*?>:\d+:\s+", "", text)
        return _fenced(text), ".cell-output-stderr"
    if kind == "error":
        return _fenced(
            _strip_ansi(f"{out.get('ename')}: {out.get('evalue')}")
        ), ".cell-output-error"
    data = out.get("data", {})
    mime = _pick_mime(data, ctx.base)
    css = ".cell-output-display"
    if mime in _IMAGES:
        return _image_md(data[mime], mime, ctx, stem, captions, alts), css
    if mime == "text/markdown":
        return data[mime].rstrip("\n") + "\n", css
    if mime == "text/html":
        if ctx.base != "html" and ctx.html_to_markdown:  # an HTML table, read as Markdown
            return ctx.html_to_markdown(data[mime]), css
        return _fenced(data[mime], "{=html}"), css
    if mime == "application/javascript":
        script = f'<script type="application/javascript">\n{data[mime]}\n</script>'
        return _fenced(script, "{=html}"), css
    if mime == "text/plain":
        return _fenced(_strip_ansi(data[mime])), css
    notice = "Unable to display output for mime type(s): " + ", ".join(data)
    return _fenced(notice), ".cell-output-stderr"


def _pick_mime(data: dict[str, Any], base: str) -> str | None:
    """display-data.ts displayDataMimeType, without the widget mime types."""
    priority = ["text/markdown", "image/svg+xml", "image/png", "image/jpeg"]
    if base == "html":
        priority = ["application/javascript", "text/html", *priority]
    elif _has_html_table(data.get("text/html")):
        priority.append("text/html")
    priority.append("text/plain")
    return next((m for m in priority if m in data), None)


def _has_html_table(html: Any) -> bool:
    return (
        isinstance(html, str)
        and bool(re.search(r"<table", html, re.I))
        and "</table" in html.lower()
    )


def _image_md(
    payload: str, mime: str, ctx: MarkdownContext, stem: str, captions: list[str], alts: list[str]
) -> str:
    name = f"{stem}.{_IMAGES[mime]}"
    ctx.figure_dir.mkdir(parents=True, exist_ok=True)
    target = ctx.figure_dir / name
    if mime == "image/svg+xml":
        target.write_text(payload, encoding="utf-8")
    else:
        target.write_bytes(base64.b64decode(payload))
    caption = captions.pop(0) if captions else ""
    alt = alts.pop(0) if alts else ""
    attrs = '{alt="' + alt.replace("\\", "\\\\").replace('"', '\\"') + '"}' if alt else ""
    return f"![{caption}]({ctx.figure_ref}/{name}){attrs}\n"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _fenced(text: str, info: str = "") -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    ticks = "`" * (longest + 1)
    return f"{ticks}{info}\n{text.rstrip(chr(10))}\n{ticks}\n"
