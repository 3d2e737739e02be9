"""cvdata's engine, Python side (cvdata.quarto.runner): a page's notebook run as a Jupyter
kernel would run it (streams, results, options, errors), and the launcher's ``--run`` mode:
forked from the project's server when it runs, else in a process of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, copy_project

from cvdata import env
from cvdata.quarto import kernel_launcher, kernels, runner


@pytest.fixture(autouse=True)
def _forking_on_unless_a_test_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about forked kernels and runs: the suite may run with them switched
    off (``CVDATA_WARM_KERNELS=0``); a test that means them off says so itself."""
    monkeypatch.delenv(env.WARM_KERNELS, raising=False)


def _nb(*cells: str, markdown: str = "Some text.") -> dict:
    return {
        "cells": [{"cell_type": "markdown", "source": [markdown], "metadata": {}}]
        + [
            {"cell_type": "code", "source": c, "metadata": {}, "outputs": [], "id": str(i)}
            for i, c in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "cvdata", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _outputs(nb: dict) -> list[list[dict]]:
    return [c["outputs"] for c in nb["cells"] if c["cell_type"] == "code"]


def test_cells_share_a_namespace_and_each_keeps_its_own_streams() -> None:
    nb = runner.run_notebook(
        _nb(
            "#| output: asis\nx = 2\nprint('**a**')\nprint('b')",
            "import sys\nprint(x * 21)\nprint('careful', file=sys.stderr)\nprint('c')",
        ),
        "page.qmd",
        quiet=True,
    )
    first, second = _outputs(nb)
    assert first == [{"output_type": "stream", "name": "stdout", "text": "**a**\nb\n"}]
    assert [(o["name"], o["text"]) for o in second] == [
        ("stdout", "42\n"),
        ("stderr", "careful\n"),
        ("stdout", "c\n"),
    ]
    assert [c.get("execution_count") for c in nb["cells"][1:]] == [1, 2]


def test_a_last_expression_is_the_cells_result_with_its_html() -> None:
    shown = (
        "class Shown:\n"
        "    def _repr_html_(self):\n        return '<b>shown</b>'\n"
        "    def __repr__(self):\n        return 'Shown()'\n"
    )
    nb = runner.run_notebook(_nb(shown, "Shown()"), "p.qmd", quiet=True)
    assert _outputs(nb) == [
        [],
        [
            {
                "output_type": "execute_result",
                "data": {"text/plain": "Shown()", "text/html": "<b>shown</b>"},
                "metadata": {},
                "execution_count": None,
            }
        ],
    ]


def test_a_none_result_and_a_statement_show_nothing() -> None:
    nb = runner.run_notebook(_nb("None", "y = 3", "y"), "p.qmd", quiet=True)
    assert _outputs(nb)[:2] == [[], []]
    assert _outputs(nb)[2][0]["data"] == {"text/plain": "3"}


def test_eval_false_skips_a_cell_or_the_whole_document() -> None:
    nb = runner.run_notebook(_nb("#| eval: false\nprint('no')", "print('yes')"), "p", quiet=True)
    assert _outputs(nb) == [[], [{"output_type": "stream", "name": "stdout", "text": "yes\n"}]]
    nb = runner.run_notebook(_nb("print('no')"), "p", execute={"eval": False}, quiet=True)
    assert _outputs(nb) == [[]]


def test_an_error_stops_the_page_with_its_document_cell_and_line() -> None:
    with pytest.raises(runner.CellError) as caught:
        runner.run_notebook(
            _nb("print('fine')", "#| label: broken\n\nraise ValueError('no such table')"),
            "cv.qmd",
            quiet=True,
        )
    message = str(caught.value)
    assert message.startswith("cv.qmd, cell 2 (broken):")
    assert "ValueError: no such table" in message and "<cv.qmd, cell 2>" in message
    assert "raise ValueError('no such table')" in message  # the line, as IPython shows it
    assert "runner.py" not in message  # the page's frames, not the runner's


def test_a_syntax_error_is_the_cells_error_with_its_line() -> None:
    with pytest.raises(runner.CellError) as caught:
        runner.run_notebook(_nb("x = 1", "y = (2 +"), "cv.qmd", quiet=True)
    message = str(caught.value)
    assert message.startswith("cv.qmd, cell 2:") and "SyntaxError" in message
    assert "y = (2 +" in message and "runner.py" not in message


def test_an_error_allowed_by_the_cell_or_the_document_is_an_output() -> None:
    nb = runner.run_notebook(_nb("#| error: true\n1/0", "print('after')"), "p", quiet=True)
    error, after = _outputs(nb)
    assert error[0]["output_type"] == "error" and error[0]["ename"] == "ZeroDivisionError"
    assert after[0]["text"] == "after\n"
    nb = runner.run_notebook(_nb("1/0"), "p", execute={"error": True}, quiet=True)
    assert _outputs(nb)[0][0]["ename"] == "ZeroDivisionError"


_DRAWS = (
    "from pathlib import Path\n"
    "import plotly.graph_objects as go\n"
    "from cvdata.quarto import static\n"
    "static.static_export(go.Figure(), Path('fig.svg'), 300, 200)\n"
    "print(Path('fig.svg').exists())"
)


def test_the_page_goes_on_while_its_chart_is_drawn_and_is_handed_back_drawn(
    monkeypatch, tmp_path
) -> None:
    from cvdata.quarto import static

    class SlowBrowser:
        def image(self, spec: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
            time.sleep(0.5)
            return b"<svg></svg>"

    monkeypatch.setattr(static, "_start_browser", SlowBrowser)
    monkeypatch.chdir(tmp_path)
    nb = runner.run_notebook(_nb(_DRAWS, "print('after')"), "cv.qmd", quiet=True)
    drawn, after = _outputs(nb)
    assert drawn[0]["text"] == "False\n" and after[0]["text"] == "after\n"  # went on
    assert (tmp_path / "fig.svg").read_bytes() == b"<svg></svg>"  # and waited before returning


def test_a_chart_that_could_not_be_drawn_stops_the_page_naming_it(monkeypatch, tmp_path) -> None:
    from cvdata.quarto import static

    class BrokenBrowser:
        def image(self, spec: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
            raise RuntimeError("Chromium closed")

    monkeypatch.setattr(static, "_start_browser", BrokenBrowser)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(runner.CellError) as caught:
        runner.run_notebook(_nb(_DRAWS), "cv.qmd", quiet=True)
    assert str(caught.value) == (
        "cv.qmd: a chart could not be drawn for the PDF: fig.svg: RuntimeError: Chromium closed"
    )


def test_an_inline_expression_is_refused_with_a_way_out() -> None:
    with pytest.raises(runner.CellError, match="CVDATA_ENGINE=jupyter"):
        runner.run_notebook(_nb("x = 1", markdown="x is `{python} x`"), "p.qmd", quiet=True)


def test_ipython_display_adds_a_display_output() -> None:
    pytest.importorskip("IPython")
    nb = runner.run_notebook(
        _nb("from IPython.display import HTML, display\ndisplay(HTML('<i>x</i>'))"),
        "p",
        quiet=True,
    )
    (shown,) = _outputs(nb)[0]
    assert shown["output_type"] == "display_data"
    assert shown["data"]["text/html"] == "<i>x</i>"


def test_progress_is_written_as_quartos_jupyter_engine_writes_it(capsys) -> None:
    runner.run_notebook(_nb("#| label: one\nx = 1", "y = 2"), "cv.qmd")
    err = capsys.readouterr().err
    assert "Executing 'cv.qmd'" in err
    assert "Cell 1/2: 'one'...Done" in err and "Cell 2/2: ''...Done" in err


# ------------------------------------------------------------ the runner as a process


def _request(folder: Path, nb: dict, document: str = "page.qmd") -> tuple[Path, Path]:
    request, result = folder / "request.json", folder / "result.json"
    payload = {"notebook": nb, "document": document, "execute": {}, "quiet": True}
    request.write_text(json.dumps(payload), encoding="utf-8")
    return request, result


def _clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("QUARTO_", "CVDATA_"))}
    return environ | (extra or {})


def _runner(request: Path, result: Path) -> subprocess.CompletedProcess:
    """``python -m cvdata.quarto.runner REQUEST RESULT``, as the launcher's plain run."""
    return subprocess.run(
        [sys.executable, "-m", "cvdata.quarto.runner", str(request), str(result)],
        capture_output=True,
        text=True,
        env=_clean_env(),
        check=False,
    )


def test_main_writes_the_executed_notebook_and_a_write_to_fd_1_cannot_spoil_it(
    tmp_path,
) -> None:
    request, result = _request(tmp_path, _nb("import os\nos.write(1, b'not json')\nprint('kept')"))
    done = _runner(request, result)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # fd 1 went to standard error
    assert "not json" in done.stderr
    nb = json.loads(result.read_text(encoding="utf-8"))
    assert _outputs(nb)[0][0]["text"] == "kept\n"


def test_main_exits_1_with_the_error_and_writes_no_result(tmp_path) -> None:
    request, result = _request(tmp_path, _nb("raise KeyError('talks.csv')"), "cv.qmd")
    done = _runner(request, result)
    assert done.returncode == 1
    assert "An error in cv.qmd, cell 1:" in done.stderr and "KeyError: 'talks.csv'" in done.stderr
    assert not result.exists()


# ------------------------------------------------------------ the launcher's --run mode

_WHO = "import os, sys\nprint(os.getppid(), 'pandas' in sys.modules, os.getcwd(), os.getpid())"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, int]]:
    if not kernel_launcher.supported():
        pytest.skip("Linux only")
    project = tmp_path_factory.mktemp("runner") / "project"
    project.mkdir()
    (project / "_quarto.yml").write_text("project:\n  type: default\n", encoding="utf-8")
    shutil.copytree(DATA_DIR, project / "data")  # which the server reads ahead
    project = project.resolve()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(env.WARM_KERNELS, raising=False)  # the suite may run with it off
        server = kernels.start(project)
    assert server is not None
    deadline = time.monotonic() + 120
    # ready once warm (its imports and the data read ahead: a test may look at both)
    while not (answer := kernels.ask(project, "ping", timeout=60)) or answer["warming"]:
        assert time.monotonic() < deadline, (project / kernels.LOG).read_text()
        time.sleep(0.1)
    yield project, int(answer["pong"])
    kernels.stop(project)
    server.wait(timeout=30)


def _launch_run(
    project: Path, folder: Path, code: str, extra: dict[str, str] | None = None
) -> tuple[str, int]:
    """A one-cell page run as the engine runs it (``kernel_launcher --run`` in ``folder``):
    what the cell printed, and the launcher's pid."""
    request, result = _request(folder, _nb(code))
    launcher = subprocess.Popen(
        [sys.executable, "-m", "cvdata.quarto.kernel_launcher", "--run", str(request), str(result)],
        cwd=folder,
        stderr=subprocess.PIPE,
        text=True,
        env=_clean_env({env.PROJECT_ROOT: str(project), **(extra or {})}),
    )
    _, err = launcher.communicate(timeout=120)
    assert launcher.returncode == 0, err
    return _outputs(json.loads(result.read_text(encoding="utf-8")))[0][0]["text"], launcher.pid


def _launch(project: Path, folder: Path, extra: dict[str, str] | None = None):
    text, launcher_pid = _launch_run(project, folder, _WHO, extra)
    parent, preloaded, cwd, pid = text.split()
    return int(parent), preloaded == "True", Path(cwd), int(pid) == launcher_pid


def test_a_run_is_forked_from_the_server_in_the_launchers_folder(served, tmp_path) -> None:
    project, server_pid = served
    parent, preloaded, cwd, in_launcher = _launch(project, tmp_path)
    assert parent == server_pid and preloaded  # a child of the server, pandas imported
    assert cwd == tmp_path.resolve() and not in_launcher
    assert "runner" in (project / kernels.LOG).read_text(encoding="utf-8")


def test_a_server_that_ran_only_pages_never_imported_ipykernel(served, tmp_path) -> None:
    # cvdata's engine needs no Jupyter kernel: the server is ready without ipykernel, and
    # imports it before the first kernel it forks (tests/quarto/test_kernels.py).
    project, _ = served
    text, _ = _launch_run(project, tmp_path, "import sys\nprint('ipykernel' in sys.modules)")
    assert text.strip() == "False"
    assert "ipykernel imported" not in (project / kernels.LOG).read_text(encoding="utf-8")


def test_a_runs_first_load_takes_the_data_the_server_read_ahead(served, tmp_path) -> None:
    project, _ = served
    assert "data loaded ahead" in (project / kernels.LOG).read_text(encoding="utf-8")
    cell = (
        "from cvdata import load as L\n"
        "kept = L._ahead\n"
        "first = L.load(kept[0], as_of=kept[1])\n"
        "again = L.load(kept[0], as_of=kept[1])\n"
        "print(first.papers is kept[3].papers, again.papers is first.papers, len(again.papers))"
    )
    text, _ = _launch_run(project, tmp_path, cell)
    taken, shared, papers = text.split()
    assert taken == "True" and shared == "False" and int(papers) > 0
    # each run forks the server as it was: the next run takes it too, not its leftover
    text, _ = _launch_run(project, tmp_path, cell)
    assert text.split()[:2] == ["True", "False"]


def test_switched_off_the_run_is_the_launchers_own(served, tmp_path) -> None:
    project, server_pid = served
    parent, preloaded, _, in_launcher = _launch(project, tmp_path, {env.WARM_KERNELS: "0"})
    assert parent != server_pid and not preloaded
    assert in_launcher  # run in the launcher's own process (no exec, no other process)


def test_the_server_runs_only_a_kernel_or_the_runner(monkeypatch) -> None:
    from cvdata.quarto import _forkserver

    monkeypatch.setattr(_forkserver.threading, "active_count", lambda: 1)
    request = kernel_launcher.kernel_request(["x"], kernel_launcher.RUNNER_MODULE)
    request["env"] = dict(os.environ)
    assert _forkserver.refusal(request) == ""
    assert "a child runs only" in _forkserver.refusal(request | {"module": "os"})


def test_a_forked_run_ends_what_its_page_started_once_its_result_is_written(
    served, tmp_path
) -> None:
    project, _ = served
    start = "import subprocess\nchild = subprocess.Popen(['sleep', '120'])\nprint(child.pid)"
    text, _ = _launch_run(project, tmp_path, start)
    pid = int(text)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and "Z" not in _state(pid):
        assert time.monotonic() < deadline, f"the page's child {pid} outlived its run"
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


_IMPORTS_AFTER_PRELOAD = """
import json, re, sys
from pathlib import Path
from cvdata.quarto import _forkserver
_forkserver.preload(_forkserver.PRELOAD + _forkserver.WARM_IMPORTS)
from cvdata.quarto.runner import run_notebook  # run as __main__ in a child: not preloaded
before = set(sys.modules)
text = Path("cv.qmd").read_text(encoding="utf-8")
cells = re.findall(r"```\\{python\\}\\n(.*?)```", text, re.S)
run_notebook({"cells": [{"cell_type": "code", "source": c} for c in cells]}, "cv.qmd", quiet=True)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_server_imports_what_the_full_cv_imports_on_the_web(tmp_path) -> None:
    # A module a page imports on first use costs every page its import (0.15-0.4 s a page
    # here): the server imports them (_forkserver.WARM_IMPORTS). Plotly's graph objects load
    # their classes lazily, each on first use, and are left to the pages.
    project = copy_project(tmp_path / "project")
    run = subprocess.run(
        [sys.executable, "-c", _IMPORTS_AFTER_PRELOAD],
        cwd=project,
        capture_output=True,
        text=True,
        env=_clean_env({env.AS_OF: AS_OF.isoformat()}),
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    imported = json.loads(run.stdout.splitlines()[-1])
    watched = ("cvdata", "IPython", "nbformat", "babel", "plotly", "_plotly_utils", "pandas")
    late = [
        name
        for name in imported
        if name.split(".")[0] in watched and not name.startswith("plotly.graph_objs.")
    ]
    assert late == [], f"imported by the page, not by the server (add to WARM_IMPORTS): {late}"


_SLOW_WARMUP = """
import sys, time
from functools import partial
from pathlib import Path
from cvdata.quarto import _forkserver, kernel_launcher
path = kernel_launcher.socket_path(Path(sys.argv[1]))
try:
    _forkserver.Server(path, None, warmup=[partial(time.sleep, 0.3)] * 100).run()
except _forkserver.Forked as forked:  # in a child: the page's run
    _forkserver.become_kernel(forked.job)
"""


def test_the_server_answers_while_it_warms_up_and_stops_without_finishing(tmp_path) -> None:
    # A page asking while the server warms up waits one step at most, not the warm-up.
    if not kernel_launcher.supported():
        pytest.skip("Linux only")
    project = tmp_path.resolve()
    server = subprocess.Popen([sys.executable, "-c", _SLOW_WARMUP, str(project)])
    try:
        deadline = time.monotonic() + 60
        while not (answer := kernels.ask(project, "ping", timeout=5)):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.05)
        asked = time.monotonic()
        assert kernels.ask(project, "ping", timeout=5) is not None
        assert time.monotonic() - asked < 2  # one step is 0.3 s; the warm-up 30 s
        assert answer["warming"] > 50
        assert kernels.stop(project)
        assert server.wait(timeout=10) == 0  # the rest of the warm-up is dropped
    finally:
        server.kill()
        server.wait()


def test_the_warm_up_waits_while_a_page_runs_and_goes_on_after(tmp_path) -> None:
    # Not to compete with the page (and its browser) for two cores: Quarto runs pages one
    # after the other, and the warm-up goes on between two.
    if not kernel_launcher.supported():
        pytest.skip("Linux only")
    project = tmp_path.resolve()
    (project / "_quarto.yml").write_text("project:\n  type: default\n", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-c", _SLOW_WARMUP, str(project)])
    try:
        deadline = time.monotonic() + 60
        while not kernels.ask(project, "ping", timeout=5):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.05)
        request, result = _request(project, _nb("import time\ntime.sleep(4)"))
        launcher = subprocess.Popen(
            [sys.executable, "-m", "cvdata.quarto.kernel_launcher", "--run", str(request),
             str(result)],
            cwd=project,
            stderr=subprocess.PIPE,
            text=True,
            env=_clean_env({env.PROJECT_ROOT: str(project)}),
        )  # fmt: skip
        while (answer := kernels.ask(project, "ping", timeout=5)) and not answer["kernels"]:
            assert time.monotonic() < deadline and launcher.poll() is None, launcher.stderr.read()
            time.sleep(0.05)
        time.sleep(0.5)  # a step begun before the page came may end meanwhile
        during = kernels.ask(project, "ping", timeout=5)["warming"]
        time.sleep(1.5)  # five steps' time
        assert kernels.ask(project, "ping", timeout=5)["warming"] == during
        _, err = launcher.communicate(timeout=60)
        assert launcher.returncode == 0, err
        time.sleep(1.5)
        assert kernels.ask(project, "ping", timeout=5)["warming"] < during
    finally:
        kernels.stop(project)
        server.kill()
        server.wait()
