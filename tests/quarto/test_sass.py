"""Quarto's dart-sass with the compiled theme kept between renders (cvdata.quarto.sass)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_project, render

from cvdata import env
from cvdata.quarto import sass

PROJECT = Path(__file__).resolve().parents[2]

# A stand-in for Quarto's dart-sass: it notes each call and "compiles" the input (with the
# load paths' files appended, as an import would); it fails on an input saying "broken".
FAKE_SASS = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls"
case "$1" in --version) echo 1.0.0; exit 0;; esac
grep -q broken "$1" && { echo "Error: broken" >&2; exit 65; }
cat "$1" > "$2"
for a in "$@"; do
  case "$a" in --load-path=*) for f in "${a#--load-path=}"/*; do
    if [ -f "$f" ]; then cat "$f" >> "$2"; fi; done;; esac
done
"""


@pytest.fixture
def quarto_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Quarto folder whose dart-sass is FAKE_SASS; QUARTO_BIN_PATH names it."""
    folder = tmp_path / "quarto-bin" / "tools" / platform.machine() / "dart-sass"
    folder.mkdir(parents=True)
    (folder / "sass").write_text(FAKE_SASS)
    (folder / "sass").chmod(0o755)
    monkeypatch.setenv(env.QUARTO_BIN_PATH, str(tmp_path / "quarto-bin"))
    return folder


def _calls(quarto_bin: Path) -> list[str]:
    calls = quarto_bin / "calls"
    return calls.read_text().splitlines() if calls.is_file() else []


def _compile(tmp_path: Path, scss: str, out: str = "a1b2.css") -> tuple[int, Path, list[str]]:
    """Quarto's call: a session file of the project's .quarto, to a CSS file of its own."""
    session = tmp_path / "project" / ".quarto" / "quarto-session-temp1"
    session.mkdir(parents=True, exist_ok=True)
    source = session / "theme.scss"
    source.write_text(scss)
    output = session / "sass" / out
    output.parent.mkdir(exist_ok=True)
    output.unlink(missing_ok=True)
    load = tmp_path / "bootstrap"
    load.mkdir(exist_ok=True)
    args = [str(source), str(output), "--style", "compressed", "--quiet", f"--load-path={load}"]
    return sass.main(args), output, args


def test_a_theme_compiled_once_is_copied_the_next_time(tmp_path: Path, quarto_bin: Path) -> None:
    (tmp_path / "bootstrap").mkdir()
    (tmp_path / "bootstrap" / "_mixins.scss").write_text("mixins v1\n")
    code, output, _ = _compile(tmp_path, '@import "mixins";\n')
    assert code == 0 and len(_calls(quarto_bin)) == 1
    first = output.read_bytes()
    assert b"mixins v1" in first
    code, output, _ = _compile(tmp_path, '@import "mixins";\n')
    assert code == 0 and len(_calls(quarto_bin)) == 1  # no second compile
    assert output.read_bytes() == first
    assert len(list((tmp_path / "project" / sass.CACHE_DIR).glob("*.css"))) == 1


def test_what_the_css_depends_on_is_in_the_key(tmp_path: Path, quarto_bin: Path) -> None:
    (tmp_path / "bootstrap").mkdir()
    mixins = tmp_path / "bootstrap" / "_mixins.scss"
    mixins.write_text("mixins v1\n")
    _compile(tmp_path, '@import "mixins";\n')
    # An imported file changed (same input): compiled again, with the new file.
    mixins.write_text("mixins v2\n")
    _, output, _ = _compile(tmp_path, '@import "mixins";\n')
    assert len(_calls(quarto_bin)) == 2 and b"mixins v2" in output.read_bytes()
    # Another input, another output name: compiled again.
    _compile(tmp_path, '@import "mixins";\n$x: 1;\n')
    _compile(tmp_path, '@import "mixins";\n', out="other.css")
    assert len(_calls(quarto_bin)) == 4


def test_anything_unusual_runs_dart_sass_as_it_is(tmp_path: Path, quarto_bin: Path) -> None:
    assert sass.main(["--version"]) == 0
    # An import by absolute path: the load paths do not say what it reads.
    for _ in range(2):
        assert _compile(tmp_path, '@import "/etc/theme";\n')[0] == 0
    # An input outside a project's .quarto folder (a lone file rendered).
    lone = tmp_path / "lone.scss"
    lone.write_text("$x: 1;\n")
    for _ in range(2):
        assert sass.main([str(lone), str(tmp_path / "lone.css")]) == 0
    # An option Quarto does not give.
    for _ in range(2):
        assert sass.main([str(lone), str(tmp_path / "lone.css"), "--embed-sources"]) == 0
    assert len(_calls(quarto_bin)) == 7  # every one ran the real dart-sass
    assert not (tmp_path / "project" / sass.CACHE_DIR).exists()


def test_a_failed_compile_fails_and_keeps_nothing(tmp_path: Path, quarto_bin: Path) -> None:
    for _ in range(2):
        code, output, _ = _compile(tmp_path, "broken\n")
        assert code == 65 and not output.exists()
    assert len(_calls(quarto_bin)) == 2
    assert not list((tmp_path / "project" / sass.CACHE_DIR).glob("*.css"))


def test_without_quartos_dart_sass_it_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(env.QUARTO_BIN_PATH, str(tmp_path / "nowhere"))
    assert sass.main(["--version"]) == 1
    assert "unset QUARTO_DART_SASS" in capsys.readouterr().err


def test_only_the_most_recent_themes_are_kept(tmp_path: Path, quarto_bin: Path) -> None:
    (tmp_path / "bootstrap").mkdir()
    for i in range(sass.KEEP + 3):
        _compile(tmp_path, f"$x: {i};\n")
    kept = list((tmp_path / "project" / sass.CACHE_DIR).glob("*.css"))
    assert len(kept) == sass.KEEP


def test_the_script_make_names_runs_it(tmp_path: Path, quarto_bin: Path) -> None:
    # scripts/dart-sass, as Quarto runs it: QUARTO_PYTHON's Python, Quarto's arguments.
    (tmp_path / "bootstrap").mkdir()
    _, output, args = _compile(tmp_path, "$x: 1;\n")
    output.unlink()
    environ = {**os.environ, "QUARTO_PYTHON": sys.executable}
    done = subprocess.run([PROJECT / "scripts" / "dart-sass", *args], env=environ, check=False)
    assert done.returncode == 0 and output.read_text() == "$x: 1;\n"
    assert len(_calls(quarto_bin)) == 1  # the second time, from the project's cache


@pytest.mark.render
def test_a_render_keeps_the_theme_and_makes_the_same_css(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    css = {}
    for way, sass_env in (("kept", None), ("quarto", {"QUARTO_DART_SASS": ""})):
        done = render(project, "index.qmd", "--to", "html", env=sass_env)
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        [theme] = (project / "_site" / "site_libs" / "bootstrap").glob("bootstrap-*.min.css")
        css[way] = theme.read_bytes()
        if way == "kept":
            [kept] = (project / sass.CACHE_DIR).glob("*.css")
            assert kept.stat().st_size > 100_000  # Bootstrap, compiled
    assert css["kept"] == css["quarto"]  # Quarto's own dart-sass: the same theme
