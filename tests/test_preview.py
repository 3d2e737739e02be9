"""The offline preview harness (cvdata.preview): renders Quarto projects as Quarto would,
up to Quarto's boundary. Runs real Jupyter kernels, pandoc and Typst."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from cvdata.preview import PreviewError, document_formats, render_project

pytestmark = pytest.mark.render

FIXTURE = Path(__file__).parent / "fixtures" / "preview" / "site"
BANNER = "Preview rendered without Quarto — for testing; publish with quarto render"


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "cvdata.preview", "--project", str(project), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = tmp_path_factory.mktemp("preview") / "site"
    shutil.copytree(FIXTURE, project)
    log: list[str] = []
    outputs = render_project(project, "_preview", log=log.append)
    out = project / "_preview"
    return SimpleNamespace(
        project=project,
        out=out,
        outputs=outputs,
        log="\n".join(log),
        index=(out / "index.html").read_text(encoding="utf-8"),
        notebook=(out / "notebooks" / "nb.html").read_text(encoding="utf-8"),
        pdf=pdf_text(out / "index.pdf"),
    )


def test_fixture_renders_every_document_and_format(site):
    out = site.out
    assert sorted(p.relative_to(out).as_posix() for p in site.outputs) == [
        "index.html",
        "index.pdf",
        "notebooks/nb.html",
    ]
    assert (out / "assets" / "note.txt").is_file()  # project.resources
    assert (out / "assets" / "dot.svg").is_file()  # an image the page refers to
    assert (out / "index_files" / "figure-html" / "fig-dot-output-1.svg").is_file()
    assert (out / ".build" / "index.typst.typ").is_file()
    assert (out / ".build" / "index.html.md").is_file()
    assert "done: 2 document(s), 3 output(s)" in site.log
    for page in (site.index, site.notebook):
        assert BANNER in page


def test_pre_render_ran_first_with_quarto_environment(site):
    seen = json.loads((site.project / "prerender-ran.json").read_text())
    assert seen == {
        "QUARTO_PROJECT_RENDER_ALL": "1",
        "QUARTO_PROJECT_OUTPUT_DIR": "_preview",
        "cwd": str(site.project),
    }
    assert "prerender: ok" in site.log


def test_kernel_sees_the_format_being_rendered(site):
    assert "<p>base-format: html</p>" in site.index
    assert "base-format: typst" not in site.index
    assert "base-format: typst" in site.pdf
    assert "base-format: html" not in site.pdf
    assert "<p>base-format: html</p>" in site.notebook
    info = json.loads((site.out / ".build" / "index.typst.execute-info.json").read_text())
    assert info["document-path"] == str(site.project / "index.qmd")
    assert info["format"]["identifier"]["target-format"] == "typst"
    assert info["format"]["execute"]["echo"] is True


def test_kernel_environment_and_working_directory(site):
    assert "cwd-is-doc-dir: True" in site.index
    assert "cwd-is-doc-dir: True" in site.pdf
    assert "<p>document-file: nb.ipynb</p>" in site.notebook


def test_plotly_renderer_is_notebook_connected_for_every_format(site):
    for text in (site.index, site.pdf):
        assert "plotly-renderer: notebook_connected" in text
        assert "plotly-renderer-after: svg" in text  # the document's own code may change it


def test_asis_output_lands_verbatim(site):
    md = (site.out / ".build" / "index.html.md").read_text(encoding="utf-8")
    assert "\n**asis-bold** and [asis-link](https://example.org/asis)\n" in md
    assert '<strong>asis-bold</strong> and <a\nhref="https://example.org/asis">' in site.index
    assert "**asis-bold**" not in site.index


def test_cell_options(site):
    index = site.index
    assert "secret_code_token" not in index  # echo: false
    assert "visible-stdout" in index
    assert "hidden-warning" not in index  # warning: false
    assert "shown-warning" in index  # warning: true (from _quarto.yml)
    assert "hidden-include" not in index  # include: false
    assert "never-executed" in index  # eval: false: shown ...
    assert "RuntimeError: never-executed" not in index  # ... and not run
    assert 'alt="A blue dot on white"' in index  # fig-alt
    assert "<figcaption>A generated dot</figcaption>" in index  # fig-cap
    assert "<pre><code>42</code></pre>" in index  # text/plain result


def test_html_only_output_per_format(site):
    assert "<p>html-only-output</p>" in site.index
    assert "html-only-output" not in site.pdf
    assert "Unable to display output for mime type(s): text/html" in site.pdf


def test_notebook_is_executed_not_read(site):
    assert "STALE-STORED-OUTPUT" not in site.notebook
    assert "stored outputs are ignored" in site.notebook
    assert "Notebook section" in site.notebook


def test_pdf_has_the_text_including_chinese(site):
    assert "Fixture Home" in site.pdf
    assert "用户态应用" in site.pdf
    assert BANNER in site.pdf.replace("\n", " ")


class Loads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if tag in ("script", "link", "img") and name in ("src", "href"):
                self.urls.append((tag, value or ""))
            if tag == "a" and name == "href":
                self.links.append(value or "")


def test_html_loads_nothing_from_the_network(site):
    checked = 0
    for page in [p for p in site.outputs if p.suffix == ".html"]:
        parser = Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, url in parser.urls:
            checked += 1
            assert not url.lower().startswith(("http:", "https:", "//")), (page, tag, url)
    assert checked >= 2  # the image the page refers to, and the figure a cell made


def test_nav_bar_and_document_links(site):
    parser = Loads()
    parser.feed(site.notebook)
    assert parser.links[:3] == ["../index.html", "../index.html", "nb.html"]
    assert "https://example.org/elsewhere" in parser.links
    assert 'href="nb.html" aria-current="page"' in site.notebook
    assert '<a href="../index.html">link home</a>' in site.notebook  # ../index.qmd rewritten
    assert "<title>Fixture Notebook – Fixture Site</title>" in site.notebook


def test_format_options_and_allowed_errors(tmp_path):
    project = write_project(
        tmp_path,
        {
            "_quarto.yml": """\
                project:
                  type: default
                """,
            "page.qmd": """\
                ---
                title: Options
                format:
                  html:
                    plotly-connected: false
                ---

                ```{python}
                #| output: asis
                import plotly.io as pio
                print("plotly-renderer:", pio.renderers.default)
                ```

                ```{python}
                #| error: true
                1 / 0
                ```

                ```{python}
                print("after-the-error")
                ```
                """,
        },
    )
    outputs = render_project(project, "out", formats=["html"])
    assert outputs == [project / "out" / "page.html"]
    page = outputs[0].read_text(encoding="utf-8")
    assert "<p>plotly-renderer: notebook</p>" in page
    assert "ZeroDivisionError: division by zero" in page
    assert "after-the-error" in page
    assert "Preview rendered without Quarto" in page
    assert 'class="preview-nav"' not in page  # not a website: no nav bar


def test_failing_cell_aborts_with_exit_code_1_and_a_short_message(tmp_path):
    project = write_project(
        tmp_path,
        {
            "_quarto.yml": "project:\n  type: website\n",
            "index.qmd": """\
                ---
                title: Fails
                ---

                ```{python}
                print("first cell runs")
                ```

                ```{python}
                #| label: boom
                raise ValueError("kaputt")
                ```

                ```{python}
                open("after-boom.marker", "w").write("ran")
                ```
                """,
        },
    )
    done = run_cli(project, "--out", "_preview", "--formats", "html")
    assert done.returncode == 1
    assert "index.qmd [html]: cell 'boom' (code cell 2) raised ValueError: kaputt" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (project / "after-boom.marker").exists()
    assert not (project / "_preview" / "index.html").exists()


def test_pre_render_failure_renders_nothing(tmp_path):
    project = write_project(
        tmp_path,
        {
            "_quarto.yml": """\
                project:
                  type: website
                  pre-render:
                    - echo shell-step > shell-ran.txt
                    - broken.py
                """,
            "broken.py": """\
                import sys
                print("prerender-broke: no data")
                sys.exit(3)
                """,
            "index.qmd": """\
                ```{python}
                open("executed.marker", "w").write("ran")
                ```
                """,
        },
    )
    done = run_cli(project, "--out", "_preview")
    assert done.returncode == 1
    assert (project / "shell-ran.txt").read_text().strip() == "shell-step"  # ran, in order
    assert "pre-render 'broken.py' failed with exit code 3" in done.stderr
    assert "prerender-broke: no data" in done.stderr
    assert not (project / "executed.marker").exists()
    assert not (project / "_preview").exists()


def test_document_formats_follow_quarto():
    project = {"format": {"html": {"toc": True}}}
    assert document_formats(project, {}) == ["html"]
    # A document that declares formats declares the complete list (formats are not merged).
    assert document_formats(project, {"format": "typst"}) == ["typst"]
    assert document_formats(project, {"format": {"html": None, "typst": None}}) == [
        "html",
        "typst",
    ]
    assert document_formats({}, {}) == ["html"]


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    project = write_project(tmp_path, {"_quarto.yml": "project:\n  type: default\n"})
    (project / "keep").mkdir()
    (project / "keep" / "precious.txt").write_text("mine")
    with pytest.raises(PreviewError, match="not made by the preview"):
        render_project(project, "keep")
    assert (project / "keep" / "precious.txt").read_text() == "mine"


def _small_site(root: Path, failing: tuple[str, ...] = ()) -> Path:
    files = {"_quarto.yml": "project:\n  type: website\n"}
    for name in ("a", "b", "c", "d"):
        body = f'raise ValueError("{name} is broken")' if name in failing else f'print("{name}")'
        files[f"{name}.qmd"] = f"---\ntitle: {name.upper()}\n---\n\n```{{python}}\n{body}\n```\n"
    return write_project(root, files)


def test_parallel_jobs_give_the_same_site_in_document_order(tmp_path):
    one = _small_site(tmp_path / "one")
    two = _small_site(tmp_path / "two")
    seq = render_project(one, "out", formats=["html"], jobs=1)
    par = render_project(two, "out", formats=["html"], jobs=3)
    names = ["a.html", "b.html", "c.html", "d.html"]
    assert [p.name for p in seq] == names
    assert [p.name for p in par] == names  # document order, not finishing order
    for name in names:
        assert (one / "out" / name).read_bytes() == (two / "out" / name).read_bytes()


def test_parallel_jobs_report_the_first_failing_document(tmp_path):
    # c and d both fail; whatever finishes first, the error is c's (render order), as a
    # one-at-a-time render would meet it.
    project = _small_site(tmp_path, failing=("c", "d"))
    done = run_cli(project, "--out", "_preview", "--formats", "html", "--jobs", "2")
    assert done.returncode == 1
    assert "c.qmd [html]: code cell 1 raised ValueError: c is broken" in done.stderr
    assert "d is broken" not in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_jobs_from_the_environment_must_be_a_number(tmp_path, monkeypatch):
    from cvdata.preview import default_jobs

    monkeypatch.setenv("CVDATA_PREVIEW_JOBS", "3")
    assert default_jobs() == 3
    monkeypatch.setenv("CVDATA_PREVIEW_JOBS", "many")
    with pytest.raises(PreviewError, match="CVDATA_PREVIEW_JOBS='many' is not a whole number"):
        default_jobs()
