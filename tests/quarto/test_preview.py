"""make preview (cvdata.quarto.preview): Quarto's preview that follows edits of data/."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import AS_OF, PROJECT, copy_project, quarto

from cvdata.quarto import prerendered, preview


def _project_with_records(tmp_path: Path) -> Path:
    project = tmp_path / "p"
    reads = project / "_cvdata" / "reads"
    (reads / "notebooks").mkdir(parents=True)
    for stem, tables in {
        "cv.html": ["person", "talks", "skills"],
        "cv.typst": ["person", "papers"],
        "index.html": ["person", "skills"],
        "notebooks/skills.html": ["skills"],
        "notebooks/gone.html": ["talks"],  # a record of a page whose source is gone
    }.items():
        (reads / f"{stem}.json").write_text(json.dumps(tables))
    (project / "notebooks").mkdir()
    for source in ("cv.qmd", "index.qmd", "notebooks/skills.py"):
        (project / source).write_text("")
    return project


def test_an_edit_renders_the_pages_that_read_the_table(tmp_path: Path) -> None:
    project = _project_with_records(tmp_path)
    assert preview.pages_to_render(project, {"talks"}) == ["cv.qmd"]
    assert preview.pages_to_render(project, {"papers"}) == ["cv.qmd"]  # its PDF pass read it
    assert preview.pages_to_render(project, {"skills"}) == [
        "cv.qmd",
        "index.qmd",
        "notebooks/skills.py",
    ]
    assert preview.pages_to_render(project, {"awards"}) == []
    every = ["cv.qmd", "index.qmd", "notebooks/skills.py"]
    assert preview.pages_to_render(project, None) == every  # the descriptor changed
    assert preview.pages_to_render(tmp_path / "empty", {"talks"}) is None  # nothing known


def test_each_page_is_rendered_in_its_web_format_the_full_cv_first(tmp_path: Path) -> None:
    project = _project_with_records(tmp_path)
    (project / "dashboard.qmd").write_text("")
    reads = project / "_cvdata" / "reads"
    (reads / "dashboard.dashboard.json").write_text('["talks", "skills"]')
    # ``--to html`` would make the dashboard a plain HTML page: it is rendered on its own.
    assert preview.render_batches(project, ["dashboard.qmd", "cv.qmd"]) == [
        ("html", ["cv.qmd"]),
        ("dashboard", ["dashboard.qmd"]),
    ]
    pages = preview.pages_to_render(project, {"skills"})
    assert preview.render_batches(project, pages) == [
        ("html", ["cv.qmd"]),
        ("dashboard", ["dashboard.qmd"]),
        ("html", ["index.qmd", "notebooks/skills.py"]),
    ]
    assert preview.web_format(project, "notebooks/new.py") == "html"  # no record yet
    (reads / "dashboard.html.json").write_text('["talks"]')  # left by an older preview
    assert preview.web_format(project, "dashboard.qmd") == "dashboard"


def test_an_edit_no_page_reads_renders_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CVDATA_AS_OF", AS_OF.isoformat())
    project = _project_with_records(tmp_path)
    copy_project(project / "data", PROJECT / "data")
    renders = _Renders()
    said: list[str] = []
    watcher = preview.Watcher(project, project / "data", renders, say=said.append)
    _append(project / "data" / "awards.csv", "preview-award,Previewing,Here,2026,,,,,,,")
    assert watcher.poll()
    assert renders.calls == []  # not the whole project: no page shows awards
    assert "no page shows it" in said[-1]


class _Renders:
    """Stands in for quarto render: records the pages it was asked for (and, in
    :attr:`asked`, the format and the pre-render stamp too)."""

    def __init__(self) -> None:
        self.calls: list[list[str] | None] = []
        self.asked: list[tuple[list[str] | None, str | None, Path | None]] = []

    def __call__(
        self, pages: list[str] | None, to: str | None = None, stamp: Path | None = None
    ) -> str | None:
        self.calls.append(pages)
        self.asked.append((pages, to, stamp))
        return None


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_a_table_that_no_longer_validates_is_reported_and_its_fix_renders(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CVDATA_AS_OF", AS_OF.isoformat())
    project = _project_with_records(tmp_path)
    data = project / "data"
    copy_project(data, PROJECT / "data")
    said: list[str] = []
    renders = _Renders()
    watcher = preview.Watcher(project, data, renders, say=said.append)
    assert not watcher.poll()  # nothing changed
    talks = data / "talks.csv"
    good = talks.read_text(encoding="utf-8")
    _append(talks, "preview-edit,Previewing,invited-talk,Here,2026-01-01,,,,")
    assert watcher.poll()
    assert renders.calls == [["cv.qmd"]]
    # For HTML, with the pre-render step's work done ahead, as the stamp says.
    ((_, to, stamp),) = renders.asked
    assert to == "html" and stamp is not None
    monkeypatch.setenv("CVDATA_PRERENDERED", str(stamp))
    assert prerendered.done_ahead()
    status = json.loads(watcher.status_path.read_text())
    assert status == {"rendered": 1, "problems": []}
    timings = json.loads((project / "_cvdata" / preview.TIMINGS).read_text())
    assert timings["noticed"] <= timings["settled"] <= timings["validated"]
    assert timings["validated"] <= timings["renders"][0]["start"] <= timings["renders"][0]["end"]
    # A broken row: reported (file, row, column), nothing rendered, the status says so.
    _append(talks, "preview-bad,Broken,invited-talk,Here,20x6,,,,")
    assert not prerendered.done_ahead()  # the data changed: the render's step works
    monkeypatch.delenv("CVDATA_PRERENDERED")
    assert watcher.poll()
    assert len(renders.calls) == 1
    report = "\n".join(json.loads(watcher.status_path.read_text())["problems"])
    assert "talks.csv:" in report and "20x6" in report and "talks.csv:" in said[-1]
    # An edit of another table while the folder does not validate waits for the fix.
    _append(data / "skills.csv", "preview-skill,Development Tools & Libraries,Previewing,1,,,")
    assert watcher.poll() and len(renders.calls) == 1
    talks.write_text(good, encoding="utf-8")  # fixed (and the edit taken back)
    assert watcher.poll()
    # The full CV on its own first, then the other pages that read the edited tables.
    assert renders.calls[1:] == [["cv.qmd"], ["index.qmd", "notebooks/skills.py"]]
    assert json.loads(watcher.status_path.read_text()) == {"rendered": 3, "problems": []}


def test_the_pre_render_work_takes_the_validation_the_watcher_just_made(
    tmp_path: Path, monkeypatch
) -> None:
    from cvdata.quarto import prerender

    monkeypatch.setenv("CVDATA_AS_OF", AS_OF.isoformat())
    checks: list[Path] = []
    real = prerender.check
    monkeypatch.setattr(
        prerender, "check", lambda folder, as_of: checks.append(folder) or real(folder, as_of)
    )
    project = _project_with_records(tmp_path)
    data = project / "data"
    copy_project(data, PROJECT / "data")
    renders = _Renders()
    watcher = preview.Watcher(project, data, renders, say=lambda _: None)
    talks = data / "talks.csv"
    _append(talks, "preview-one,Previewing,invited-talk,Here,2026-01-01,,,,")
    assert watcher.poll()
    assert checks == [] and len(renders.calls) == 1  # validated once, by the watcher
    # Saved again between the watcher's validation and the pre-render work: the step
    # validates the folder as it now is.
    validated = watcher._changed_tables

    def then_saved_again() -> set[str] | None:
        changed = validated()
        _append(talks, "preview-two,Previewing again,invited-talk,Here,2026-01-02,,,,")
        return changed

    monkeypatch.setattr(watcher, "_changed_tables", then_saved_again)
    _append(talks, "preview-three,Previewing,invited-talk,Here,2026-01-03,,,,")
    assert watcher.poll()
    assert checks == [data] and len(renders.calls) == 2


def test_an_edit_of_a_page_or_the_configuration_renders_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CVDATA_AS_OF", AS_OF.isoformat())
    project = _project_with_records(tmp_path)
    copy_project(project / "data", PROJECT / "data")
    (project / "_quarto.yml").write_text("project: {type: website}\n")
    renders = _Renders()
    watcher = preview.Watcher(project, project / "data", renders, say=lambda _: None)
    _append(project / "notebooks" / "skills.py", "# edited")
    assert watcher.poll()
    assert renders.calls == [["notebooks/skills.py"]]
    _append(project / "_quarto.yml", "# edited")  # every page may change
    assert watcher.poll()
    assert renders.calls[1] is None
    assert not watcher.poll()
    # A page's first reads record (written by a render) is no edit of its source.
    (project / "notebooks" / "new.py").write_text("")
    (project / "_cvdata" / "reads" / "notebooks" / "new.html.json").write_text('["talks"]')
    watcher.poll()
    assert len(renders.calls) == 2


def test_a_preview_started_on_a_broken_table_renders_once_it_is_fixed(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CVDATA_AS_OF", AS_OF.isoformat())
    project = _project_with_records(tmp_path)
    data = project / "data"
    copy_project(data, PROJECT / "data")
    talks = data / "talks.csv"
    good = talks.read_text(encoding="utf-8")
    _append(talks, "preview-bad,Broken,invited-talk,Here,20x6,,,,")
    said: list[str] = []
    renders = _Renders()
    watcher = preview.Watcher(project, data, renders, say=said.append)
    first: list[int] = []
    watcher.first_render(lambda: first.append(1))
    assert not first and not renders.calls  # nothing rendered, the problem shown
    assert "20x6" in "\n".join(json.loads(watcher.status_path.read_text())["problems"])
    assert "does not validate" in said[-1]
    talks.write_text(good, encoding="utf-8")
    assert watcher.poll()
    assert renders.calls == [None]  # every page: none was rendered for this data
    assert json.loads(watcher.status_path.read_text()) == {"rendered": 1, "problems": []}


def test_the_server_holds_pages_back_while_a_render_writes_them(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    site.mkdir()
    (site / "cv.html").write_text("old")
    (site / preview.STATUS).write_text('{"rendered": 0, "problems": []}')
    hold = preview.Hold()
    hold.hold(None)  # the whole site: a render of the project
    server = preview.serve(site, _free_port(), hold)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        got: list[bytes | None] = []
        asker = threading.Thread(target=lambda: got.append(_get(f"{base}/cv.html")))
        asker.start()
        # The status file is served during a render; the page is not.
        assert json.loads(_get(f"{base}/{preview.STATUS}")) == {"rendered": 0, "problems": []}
        asker.join(1.0)
        assert asker.is_alive() and not got
        (site / "cv.html").write_text("new")
        hold.release()  # the render is done
        asker.join(5.0)
        assert got == [b"new"]
    finally:
        hold.release()
        server.shutdown()
        server.server_close()


def test_a_render_of_some_pages_holds_back_those_pages_alone(tmp_path: Path) -> None:
    site = tmp_path / "_site"
    site.mkdir()
    for name in ("cv.html", "dashboard.html", "index.html"):
        (site / name).write_text(name)
    hold = preview.Hold()
    server = preview.serve(site, _free_port(), hold)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # The dashboard renders after the full CV: the CV is served meanwhile.
        hold.hold([preview.site_path("dashboard.qmd"), "search.json"])
        assert _get(f"{base}/cv.html") == b"cv.html"
        assert _get(f"{base}/") == b"index.html"
        got: list[bytes | None] = []
        asker = threading.Thread(target=lambda: got.append(_get(f"{base}/dashboard.html")))
        asker.start()
        asker.join(1.0)
        assert asker.is_alive() and not got
        hold.release()
        asker.join(5.0)
        assert got == [b"dashboard.html"]
    finally:
        hold.release()
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read()
    except OSError:
        return None


def _wait(what, timeout: float, log: Path) -> float:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if what():
            return time.monotonic() - began
        time.sleep(0.2)
    pytest.fail(f"not seen in {timeout} s; the preview said:\n{log.read_text()[-4000:]}")


@pytest.mark.render
def test_make_preview_follows_edits_of_the_data(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for link in (".venv", ".cache"):  # the checkout's environment: make finds it set up
        (project / link).symlink_to((PROJECT / link).resolve())
    port, log = _free_port(), tmp_path / "preview.log"
    env = {
        **os.environ,
        "CVDATA_AS_OF": AS_OF.isoformat(),
        "QUARTO": quarto(),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("CVDATA_DIR", None)
    args = "PREVIEW_ARGS=--no-browser --daemon 60"
    with log.open("w") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "preview", f"PORT={port}", args],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    site = project / "_site"
    try:
        _wait(lambda: "preview: watching" in log.read_text(), 900, log)
        assert b"cvdata-preview.json" in (_get(f"{base}/cv.html") or b"")  # the script
        # 1. A talk: the full CV shows it.
        _append(
            project / "data" / "talks.csv",
            "preview-talk,Previewing a CV,invited-talk,Here,2026-01-01,,,,",
        )
        cv_html = lambda: b"Previewing a CV" in (_get(f"{base}/cv.html") or b"")  # noqa: E731
        talk_s = _wait(cv_html, 300, log)
        # 2. A skill: the skills page shows it too.
        _append(
            project / "data" / "skills.csv",
            "preview-skill,Development Tools & Libraries,Previewkeeping,1,,,",
        )
        _wait(lambda: b"Previewkeeping" in (_get(f"{base}/notebooks/skills.html") or b""), 300, log)
        assert b"Previewkeeping" in (site / "cv.html").read_bytes()
        # 3. A broken row: reported in the terminal and to the page; the preview runs on.
        rendered = json.loads(_get(f"{base}/cvdata-preview.json"))["rendered"]
        _append(project / "data" / "talks.csv", "preview-bad,Broken,invited-talk,Here,20x6,,,,")
        status = lambda: json.loads(_get(f"{base}/cvdata-preview.json") or b"{}")  # noqa: E731
        _wait(lambda: status().get("problems"), 60, log)
        assert "talks.csv:" in "\n".join(status()["problems"])
        assert "does not validate" in log.read_text() and make.poll() is None
        # Fixed: rendered again, the problems gone.
        talks = project / "data" / "talks.csv"
        lines = talks.read_text(encoding="utf-8").splitlines(keepends=True)
        talks.write_text("".join(lines[:-1]), encoding="utf-8")
        _wait(lambda: status().get("rendered", 0) > rendered and not status()["problems"], 300, log)
        print(f"preview: save -> updated full-CV HTML in {talk_s:.1f} s")
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)
