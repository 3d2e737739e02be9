"""Quarto's dart-sass with its output kept from one render to the next.

Every HTML render compiles the site's Bootstrap theme with dart-sass, about 0.7 s of each
``make render`` and of each render of ``make preview``. Quarto keeps compiled themes across
renders only when the theme has no ``@import``; Bootstrap's has, so Quarto's cache lasts
one render (``compileSass`` in Quarto's ``src/core/sass.ts``: the hash of the input cannot
see the imported files). Here those files are part of the key.

``make`` sets ``QUARTO_DART_SASS`` (Quarto's own switch for another dart-sass) to
``scripts/dart-sass``, which runs :func:`main` with Quarto's arguments. A compile
(``INPUT OUTPUT`` with ``--style``, ``--quiet`` and ``--load-path=`` options, as Quarto
calls it) is keyed by the input's bytes, the options, the output's file name (dart-sass
names it in the CSS) and the bytes of every file the load paths hold; a key seen before
in this project (``_cvdata/sass/``) is copied to OUTPUT instead of compiled. Anything
else runs the real dart-sass (Quarto's, from ``QUARTO_BIN_PATH``) unchanged: another
command (``--version``), an input outside a project's ``.quarto`` folder, an import by
absolute path or URL, a load path that is not a folder of at most :data:`MAX_FILES`
files. The source map dart-sass writes beside the CSS is not kept: Quarto removes the
CSS's link to it and never reads it.

Standard library only: it runs once per render, before any page.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from .. import env
from .._files import keep_newest, write_whole
from .._paths import META_DIR

#: The cache, in the project (a copy of the project starts without it).
CACHE_DIR = f"{META_DIR}/sass"
#: Compiled themes kept (the most recently used): a theme edit makes a new one.
KEEP = 8
#: A load path with more files than this is not hashed: the real dart-sass compiles.
MAX_FILES = 2000
_OPTIONS = re.compile(r"--style=(expanded|compressed)|--quiet|--load-path=.+")
# An import the load paths cannot account for: an absolute path or a URL to a file.
_ABSOLUTE_IMPORT = re.compile(rb"""@(?:import|use|forward)\s+(?:url\()?["']?(?:/|file:)""")


def real_sass() -> Path | None:
    """Quarto's own dart-sass (``QUARTO_BIN_PATH/tools/<arch>/dart-sass/sass``)."""
    bin_path = env.get(env.QUARTO_BIN_PATH)
    if not bin_path:
        return None
    tools = Path(bin_path) / "tools"
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower())
    for folder in (tools / (arch or platform.machine()), tools):
        sass = folder / "dart-sass" / "sass"
        if sass.is_file():
            return sass
    return None


def _compile_args(args: list[str]) -> tuple[Path, Path, list[str]] | None:
    """``(input, output, options)`` for a compile as Quarto calls it, else None."""
    files, options, rest = [], [], list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--style" and rest:
            arg = f"--style={rest.pop(0)}"
        if arg.startswith("-"):
            if not _OPTIONS.fullmatch(arg):
                return None
            options.append(arg)
        else:
            files.append(arg)
    if len(files) != 2 or not files[0].endswith(".scss"):
        return None
    return Path(files[0]), Path(files[1]), options


def _project_of(source: Path) -> Path | None:
    """The project whose ``.quarto`` folder holds ``source`` (Quarto's session files)."""
    for parent in source.resolve().parents:
        if parent.name == ".quarto":
            return parent.parent
    return None


def _folder_digest(folder: Path, h: hashlib._Hash) -> bool:
    """Adds every file under ``folder`` (name and bytes) to ``h``; False when it is not a
    folder or holds more than :data:`MAX_FILES` files."""
    if not folder.is_dir():
        return False
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if len(files) > MAX_FILES:
        return False
    for path in files:
        h.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return True


def cache_key(source: Path, output: Path, options: list[str], sass: Path) -> str | None:
    """What the compiled CSS is a function of, hashed; None when that cannot be said."""
    text = source.read_bytes()
    if _ABSOLUTE_IMPORT.search(text):
        return None
    h = hashlib.sha256(text)
    stat = sass.stat()  # another dart-sass, another key
    h.update(f"\0{sass}\0{stat.st_size}\0{stat.st_mtime_ns}\0{output.name}\0".encode())
    for option in options:
        h.update(option.encode("utf-8", "surrogateescape") + b"\0")
        if option.startswith("--load-path=") and not _folder_digest(
            Path(option.removeprefix("--load-path=")), h
        ):
            return None
    return h.hexdigest()[:32]


def main(args: list[str]) -> int:
    sass = real_sass()
    if sass is None:
        print(
            "cvdata's dart-sass (QUARTO_DART_SASS): Quarto's own dart-sass was not found "
            f"under QUARTO_BIN_PATH={env.get(env.QUARTO_BIN_PATH)!r}; unset QUARTO_DART_SASS "
            "to let Quarto use it directly",
            file=sys.stderr,
        )
        return 1
    parsed = _compile_args(args)
    project = _project_of(parsed[0]) if parsed else None
    key = None
    if parsed and project:
        with contextlib.suppress(OSError):
            key = cache_key(*parsed, sass)
    if key is None:
        return subprocess.run([str(sass), *args]).returncode
    output = parsed[1]
    cache = project / CACHE_DIR
    kept = cache / f"{key}.css"
    with contextlib.suppress(OSError):
        css = kept.read_bytes()
        os.utime(kept)  # in use: kept longest
        output.write_bytes(css)
        return 0
    done = subprocess.run([str(sass), *args])
    if done.returncode == 0:
        with contextlib.suppress(OSError):
            write_whole(kept, output.read_bytes())
            keep_newest(cache, "*.css", KEEP)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
