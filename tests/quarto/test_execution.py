"""Which format and document an execution is for (cvdata.quarto.execution): from what
Quarto sends each execution, not from the environment a reused kernel keeps."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import DATA_DIR, PROJECT, copy_project, render

from cvdata import page
from cvdata._paths import EnvNameError, project_data_dir
from cvdata.quarto import execution


@pytest.fixture(autouse=True)
def _no_execution_told(monkeypatch):
    """Each test starts as a kernel that no execution has told anything yet."""
    monkeypatch.setattr(execution, "_latest", execution._Latest())
    for name in ("QUARTO_EXECUTE_INFO", "QUARTO_DOCUMENT_PATH", "QUARTO_DOCUMENT_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(page.FORMAT_ENV, raising=False)
    monkeypatch.delenv("CVDATA_DIR", raising=False)


def _setup_message(base: str, name: str = "cv.qmd") -> dict:
    """The comm_open Quarto's notebook.py sends before each execution (the parts read)."""
    options = {"format": {"identifier": {"base-format": base}}, "input": name, "quiet": True}
    return {"content": {"target_name": execution.SETUP_COMM, "data": {"options": options}}}


def _environment(monkeypatch, tmp_path: Path, base: str, document: Path) -> None:
    """The environment Quarto gave the kernel for its first execution."""
    info = tmp_path / "execute-info.json"
    info.write_text(json.dumps({"format": {"identifier": {"base-format": base}}}))
    monkeypatch.setenv("QUARTO_EXECUTE_INFO", str(info))
    monkeypatch.setenv("QUARTO_DOCUMENT_PATH", str(document.parent))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", document.name)


def test_a_kernels_first_execution_is_named_by_its_environment(monkeypatch, tmp_path) -> None:
    _environment(monkeypatch, tmp_path, "typst", PROJECT / "cv.qmd")
    now = execution.current()
    assert (now.format, now.document, now.by_quarto, now.source) == (
        "typst",
        PROJECT / "cv.qmd",
        True,
        "environment",
    )
    assert now.project_root == PROJECT and now.data_dir == PROJECT / "data"


def test_a_later_execution_is_named_by_its_own_options_not_the_kept_environment(
    monkeypatch, tmp_path
) -> None:
    # The daemon's kernel ran cv.qmd for HTML first and keeps that environment; Quarto's
    # setup comm of the Typst pass names Typst.
    _environment(monkeypatch, tmp_path, "html", PROJECT / "cv.qmd")
    monkeypatch.chdir(PROJECT / "notebooks")  # the kernel's folder: the document's
    execution._on_setup(object(), _setup_message("typst", "skills.py"))
    now = execution.current()
    assert (now.format, now.document, now.source) == (
        "typst",
        PROJECT / "notebooks" / "skills.py",
        "comm",
    )
    assert page.output_format() == "typst" and now.project_root == PROJECT
    execution._on_setup(object(), _setup_message("html", "skills.py"))
    assert page.output_format() == "html"  # the latest execution's, each time


def test_a_message_that_cannot_be_read_leaves_the_environment_to_answer(
    monkeypatch, tmp_path
) -> None:
    _environment(monkeypatch, tmp_path, "typst", PROJECT / "cv.qmd")
    for bad in ({}, {"content": {"data": "x"}}, {"content": {"data": {"options": [1]}}}):
        execution._on_setup(object(), bad)
    assert execution.current().source == "environment"
    assert execution.current().format == "typst"


def test_the_override_and_the_name_check_hold_for_a_comm_format(monkeypatch) -> None:
    execution._on_setup(object(), _setup_message("typst"))
    monkeypatch.setenv(page.FORMAT_ENV, "html")
    assert execution.current().format == "html"  # the drawing ahead and tests say
    monkeypatch.delenv(page.FORMAT_ENV)
    execution._on_setup(object(), _setup_message("../x"))
    with pytest.raises(EnvNameError, match=r"base-format='\.\./x' is not a format name"):
        execution.current()


def test_outside_quarto_the_format_is_html_and_nothing_is_tracked() -> None:
    now = execution.current()
    assert (now.format, now.document, now.by_quarto, now.source) == ("html", None, False, "default")
    assert now.project_root is None and now.data_dir is None


def test_a_data_folder_without_its_own_descriptor_is_the_pages_as_the_pre_render_steps(
    monkeypatch, tmp_path
) -> None:
    """Tables copied into data/ without a datapackage.json (an example's folder): the
    pre-render step validates that folder with the package's descriptor, so the pages
    read it too (they once looked elsewhere and failed with a traceback)."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    (project / "cv.qmd").write_text("", encoding="utf-8")
    _environment(monkeypatch, tmp_path, "html", project / "cv.qmd")
    monkeypatch.delenv("CVDATA_DIR", raising=False)
    assert execution.current().data_dir == project / "data" == project_data_dir(project)


def test_the_data_folder_the_person_chose_wins(monkeypatch, tmp_path) -> None:
    _environment(monkeypatch, tmp_path, "html", PROJECT / "cv.qmd")
    monkeypatch.setenv("CVDATA_DIR", str(tmp_path / "mine"))
    assert execution.current().data_dir == tmp_path / "mine"


def test_listen_takes_the_comm_in_a_kernel_and_nowhere_else(monkeypatch) -> None:
    registered: dict[str, object] = {}
    manager = types.SimpleNamespace(register_target=registered.__setitem__)
    shell = types.SimpleNamespace(kernel=types.SimpleNamespace(comm_manager=manager))
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    assert execution.listen()
    assert registered == {"quarto_kernel_setup": execution._on_setup}
    plain = types.SimpleNamespace(get_ipython=lambda: None)  # IPython, no kernel
    monkeypatch.setitem(sys.modules, "IPython", plain)
    assert not execution.listen()


def test_a_page_takes_its_format_and_document_from_the_execution(monkeypatch, tmp_path) -> None:
    _environment(monkeypatch, tmp_path, "html", tmp_path / "elsewhere.qmd")
    monkeypatch.chdir(PROJECT)
    execution._on_setup(object(), _setup_message("typst", "cv.qmd"))
    p = page.setup(DATA_DIR, as_of="2026-11-26")
    assert (p.format, p.document, p.project_root) == ("typst", PROJECT / "cv.qmd", PROJECT)


def test_importing_it_outside_a_kernel_imports_no_ipython() -> None:
    code = "import sys, cvdata.quarto.execution; print('IPython' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


@pytest.mark.render
def test_with_the_daemon_the_pdf_pass_of_cv_is_drawn_for_typst(tmp_path: Path) -> None:
    # One kernel for both passes of cv.qmd (the HTML page, then the PDF), kept alive by
    # Quarto's daemon: its environment names the HTML pass throughout.
    project = copy_project(tmp_path / "project")
    # "--execute-daemon" takes the seconds a kernel waits for its next execution: without a
    # number Quarto drops the flag. Without cvdata.quarto.execution this PDF has no entries.
    done = render(project, "cv.qmd", "--execute-daemon", "30", env={"CVDATA_NO_PREFETCH": "1"})
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    reads = project / "_cvdata" / "reads"
    assert sorted(p.name for p in reads.glob("cv.*.json")) == ["cv.html.json", "cv.typst.json"]
    # The PDF pass wrote Typst: its figures are SVGs of its own, and the PDF holds the CV.
    assert len(list((project / "_figures" / "cv").glob("fig-*.svg"))) >= 2
    text = subprocess.run(
        ["pdftotext", str(project / "_site" / "cv.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert re.search(r"Figure 1", text) and "Publications" in text
    html = (project / "_site" / "cv.html").read_text(encoding="utf-8")
    assert 'class="cvdata-plot"' in html  # and the page pass drew for HTML
