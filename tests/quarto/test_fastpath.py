"""The pre-render step's fast path (cvdata.quarto.fastpath): skipped when nothing it reads
changed, and run whole, validating, after any edit of the data, the configuration or what
it wrote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DATA_DIR, PROJECT, append_row, edit_cell, read_csv

from cvdata import identity
from cvdata.quarto import fastpath, prefetch, prerender

AS_OF = "2026-11-26"
BRAND = "color:\n  palette:\n    blue: '{}'\n  primary: blue\n"
TALK = {"id": "fast-edit", "title": "Fast", "kind": "invited-talk", "event": "E", "date": "2026"}


def png(colour: bytes = b"\xff\x00\x00") -> bytes:
    """A real one-pixel PNG image of ``colour``."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" + colour)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a copy of the seed's data, as the pre-render step sees it."""
    proj = tmp_path / "project"
    proj.mkdir()
    (proj / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    (proj / "_brand.yml").write_text(BRAND.format("#0072B2"), encoding="utf-8")
    shutil.copytree(DATA_DIR, proj / "data")
    monkeypatch.chdir(proj)
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(proj))
    monkeypatch.setenv("CVDATA_AS_OF", AS_OF)
    monkeypatch.setenv(prefetch.OFF_ENV, "1")
    monkeypatch.setenv("QUARTO_PROJECT_RENDER_ALL", "1")  # the whole project, no page in it
    for name in ("QUARTO_PROJECT_INPUT_FILES", "CVDATA_PLOTLYJS"):
        monkeypatch.delenv(name, raising=False)
    return proj


def step(project: Path) -> tuple[str, int]:
    """The pre-render step as ``scripts/prerender.py`` runs it: skipped, or whole (with its
    exit code)."""
    if fastpath.skip(project):
        return "skipped", 0
    return "whole", prerender.main(project)


def written(project: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the project but the data: its time changed and its bytes."""
    return {
        p.relative_to(project).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(project.rglob("*"))
        if p.is_file() and "data" not in p.relative_to(project).parts
    }


def test_nothing_changed_nothing_is_read_again_or_rewritten(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert step(project) == ("whole", 0)
    said = capsys.readouterr().out
    assert "678 rows valid" in said
    before = written(project)
    assert fastpath.STAMP in before and "assets/plotly.min.js" in before
    assert step(project) == ("skipped", 0)
    again = capsys.readouterr().out
    assert again.startswith(said.strip()) and "unchanged since the last render" in again
    assert written(project) == before  # not one byte, not one time of change
    assert step(project) == ("skipped", 0)


def _same_size_and_time(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (as long) in ``path``, keeping its size and time changed:
    the edit is seen by the bytes alone."""
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def test_a_table_made_invalid_is_validated_even_with_its_size_and_time_kept(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert step(project) == ("whole", 0)
    assert step(project) == ("skipped", 0)
    _same_size_and_time(project / "data" / "papers.csv", ",2024,", ",20x4,")
    capsys.readouterr()
    assert step(project) == ("whole", 1)
    err = capsys.readouterr().err
    assert "year: '20x4' is not a year" in err and "nothing was rendered" in err
    # Still not valid: never skipped while it stays so.
    assert step(project) == ("whole", 1)
    _same_size_and_time(project / "data" / "papers.csv", ",20x4,", ",2024,")
    assert step(project) == ("skipped", 0)  # back to what was validated and written


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _set_image(project: Path, name: str) -> None:
    path = project / "data" / "person.csv"
    edit_cell(path, read_csv(path)[1][0][0], "image", name)


EDITS: dict[str, Callable[[Path, pytest.MonkeyPatch], object]] = {
    "a table": lambda p, _: append_row(p / "data" / "talks.csv", TALK),
    "the descriptor": lambda p, _: _replace(
        p / "data" / "datapackage.json", '"title": "', '"title": "My '
    ),
    "the words file": lambda p, _: (p / "data" / "words.json").write_text(
        '{"section.skills": "Abilities"}', encoding="utf-8"
    ),
    "another file of the data folder": lambda p, _: (p / "data" / "notes.txt").write_text("n"),
    "the brand": lambda p, _: (p / "_brand.yml").write_text(BRAND.format("#D55E00")),
    "the project's configuration": lambda p, _: (p / "_quarto.yml").write_text(
        "project:\n  type: website\n  output-dir: _site\n"
    ),
    "the as-of date": lambda _, mp: mp.setenv("CVDATA_AS_OF", "2026-11-27"),
    "the data folder": lambda p, mp: mp.setenv(
        "CVDATA_DIR", str(shutil.copytree(p / "data", p.parent / "other-data"))
    ),
    "a file written by the step": lambda p, _: (p / "_cvdata" / "site.yml").write_text("{}\n"),
    "a file written by the step, removed": lambda p, _: (p / "assets" / "favicon.svg").unlink(),
    "the frozen pages' stamp, removed": lambda p, _: shutil.rmtree(p / "_freeze"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_any_edit_runs_the_whole_step(
    project: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    assert step(project) == ("whole", 0)
    reference = written(project)
    assert step(project) == ("skipped", 0)
    EDITS[edit](project, monkeypatch)
    assert step(project) == ("whole", 0)
    assert step(project) == ("skipped", 0)
    if edit.startswith("a file written by the step"):  # put back as it was
        assert {k: v[1] for k, v in written(project).items() if k != fastpath.STAMP} == {
            k: v[1] for k, v in reference.items() if k != fastpath.STAMP
        }


def test_a_words_file_that_does_not_validate_stops_the_render(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words = project / "data" / "words.json"
    words.write_text('{"section.skills": "Abilities"}', encoding="utf-8")
    assert step(project) == ("whole", 0)
    assert step(project) == ("skipped", 0)
    words.write_text('{"section.nope": "x"}', encoding="utf-8")
    capsys.readouterr()
    assert step(project) == ("whole", 1)
    assert 'words.json: $["section.nope"]: is not a word cvdata writes' in capsys.readouterr().err


def test_a_new_photo_is_copied(project: Path) -> None:
    (project / "data" / "me.png").write_bytes(png(b"\xff\x00\x00"))
    _set_image(project, "me.png")
    assert step(project) == ("whole", 0)
    assert (project / "assets" / "photo.png").read_bytes() == png(b"\xff\x00\x00")
    assert step(project) == ("skipped", 0)
    (project / "data" / "me.png").write_bytes(png(b"\x00\x00\xff"))
    assert step(project) == ("whole", 0)
    assert (project / "assets" / "photo.png").read_bytes() == png(b"\x00\x00\xff")


def test_the_brand_colour_reaches_the_favicon(project: Path) -> None:
    assert step(project) == ("whole", 0)
    favicon = (project / identity.FAVICON).read_text(encoding="utf-8")
    assert "#0072B2" in favicon
    (project / "_brand.yml").write_text(BRAND.format("#D55E00"), encoding="utf-8")
    assert step(project) == ("whole", 0)
    assert "#D55E00" in (project / identity.FAVICON).read_text(encoding="utf-8")


def test_the_reasons_a_photo_is_not_shown_are_said_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _set_image(project, "https://example.org/me.jpg")
    assert step(project) == ("whole", 0)
    first = capsys.readouterr().err
    assert "is a web address; the site never fetches a photo" in first
    assert step(project) == ("skipped", 0)
    assert capsys.readouterr().err == first


def test_an_edit_made_while_the_step_runs_is_seen_by_the_next(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fingerprint is taken before the step reads anything: a table saved after the
    # validation read it is not taken for validated.
    real = prerender.write_page_metadata

    def edit_then_write(*args: object) -> list[str]:
        append_row(project / "data" / "talks.csv", TALK)
        return real(*args)

    monkeypatch.setattr(prerender, "write_page_metadata", edit_then_write)
    assert step(project) == ("whole", 0)
    monkeypatch.setattr(prerender, "write_page_metadata", real)
    assert step(project) == ("whole", 0)
    assert step(project) == ("skipped", 0)


def _freeze(project: Path, document: str, *formats: str) -> None:
    """Frozen results of ``document`` (written after its source: up to date)."""
    results = project / "_freeze" / Path(document).with_suffix("") / "execute-results"
    results.mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        (results / f"{fmt}.json").write_text("{}")


def _newer(path: Path) -> None:
    """Make ``path`` newer than anything written so far (a page's source edited)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def test_a_page_that_will_run_runs_the_whole_step(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole step starts what running pages use (warm kernels); a render where every
    # page is frozen, and only such a render, skips it.
    (project / "notebooks").mkdir()
    monkeypatch.setenv("QUARTO_PROJECT_INPUT_FILES", "index.qmd\nnotebooks/skills.py")
    for document in ("index.qmd", "notebooks/skills.py"):
        (project / document).write_text("# a page\n")
    assert step(project) == ("whole", 0)  # (which drops frozen pages it knows nothing of)
    for document in ("index.qmd", "notebooks/skills.py"):
        _freeze(project, document, "html")  # the pages run by that render
    assert step(project) == ("skipped", 0)
    _newer(project / "index.qmd")  # its source edited: Quarto runs it again
    assert step(project) == ("whole", 0)
    assert step(project) == ("whole", 0)
    _freeze(project, "index.qmd", "html")
    _newer(project / "_freeze" / "index" / "execute-results" / "html.json")
    assert step(project) == ("skipped", 0)  # run and frozen again
    shutil.rmtree(project / "_freeze" / "notebooks")  # no frozen result: it runs
    assert step(project) == ("whole", 0)
    _freeze(project, "notebooks/skills.py", "html")
    _newer(project / "_freeze" / "notebooks" / "skills" / "execute-results" / "html.json")
    assert step(project) == ("skipped", 0)
    # A page left out (nothing to show) runs nothing, frozen or not.
    (project / "notebooks" / "publications.py").write_text("# a page\n")
    monkeypatch.setenv("QUARTO_PROJECT_INPUT_FILES", "index.qmd\nnotebooks/publications.py")
    assert fastpath.pages_will_execute(project)
    (project / "_cvdata" / "publications.yml").write_text("draft: true\n")  # as site.py does
    assert not fastpath.pages_will_execute(project)
    monkeypatch.delenv("QUARTO_PROJECT_RENDER_ALL")  # `quarto render index.qmd`: it runs
    assert step(project) == ("whole", 0)


def test_a_pdf_pass_that_will_run_runs_the_whole_step(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole step draws the PDF's charts ahead when its Typst pass runs (no frozen
    # result of it): never skipped then.
    shutil.copy(PROJECT / "cv.qmd", project / "cv.qmd")
    started: list[list[str]] = []
    monkeypatch.setattr(prefetch, "start", lambda p, docs: started.append(docs))
    monkeypatch.delenv(prefetch.OFF_ENV)
    monkeypatch.setenv("QUARTO_PROJECT_INPUT_FILES", "cv.qmd")
    assert step(project) == ("whole", 0)
    _freeze(project, "cv.qmd", "html")  # the HTML pass frozen, the Typst pass not
    assert step(project) == ("whole", 0)
    assert started and {tuple(docs) for docs in started} == {("cv.qmd",)}
    monkeypatch.setenv(prefetch.OFF_ENV, "1")  # nothing drawn ahead: nothing to start
    assert step(project) == ("skipped", 0)
    monkeypatch.delenv(prefetch.OFF_ENV)
    _freeze(project, "cv.qmd", "typ")
    assert step(project) == ("skipped", 0)  # frozen now: nothing to draw


def test_links_pipes_and_devices_in_the_data_folder_are_never_read(
    project: Path, tmp_path: Path
) -> None:
    data = project / "data"
    os.mkfifo(data / "pipe")  # opened, it would wait for a writer
    (data / "zero").symlink_to("/dev/zero")  # read, it would never end
    outside = tmp_path / "outside.txt"
    outside.write_text("private")
    (data / "outside").symlink_to(outside)
    before = fastpath.inputs(project)
    assert fastpath.inputs(project) == before
    outside.write_text("private, changed")  # told by its metadata, never by its bytes
    assert fastpath.inputs(project) != before


def test_the_script_skips_without_pandas_and_says_so(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CVDATA_", "QUARTO_"))}
    env.update(CVDATA_AS_OF=AS_OF, CVDATA_NO_PREFETCH="1", QUARTO_PROJECT_ROOT=str(project))
    env["QUARTO_PROJECT_RENDER_ALL"] = "1"
    run = (
        "import runpy, sys\n"
        "try:\n"
        f"    runpy.run_path({str(PROJECT / 'scripts' / 'prerender.py')!r}, run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    print(json.dumps(['pandas' in sys.modules, e.code]))\n"
    )

    def script() -> tuple[list[object], str]:
        done = subprocess.run(
            [sys.executable, "-c", "import json\n" + run],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        return json.loads(done.stdout.splitlines()[-1]), done.stdout

    assert script()[0] == [True, 0]
    (imported, code), out = script()
    assert (imported, code) == (False, 0), out
    assert "678 rows valid (as of 2026-11-26); unchanged since the last render" in out


def test_files_other_steps_write_in_the_meta_folder_are_not_outputs(tmp_path) -> None:
    """The warm kernels' log and the preview's files change on every render: counted as the
    step's outputs, they switched the fast path off for good (a nothing-changed render of
    a fresh clone ran the whole step)."""
    from cvdata.quarto import kernels, preview

    meta = tmp_path / "_cvdata"
    meta.mkdir()
    (meta / "site.yml").write_text("x", encoding="utf-8")
    for name in (kernels.LOG, f"_cvdata/{preview.STAMP}", f"_cvdata/{preview.TIMINGS}"):
        (tmp_path / name).write_text("changes every render", encoding="utf-8")
    assert list(fastpath.outputs(tmp_path)) == ["_cvdata/site.yml"]
