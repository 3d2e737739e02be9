"""Reading the export safely: the ZIP in memory (safe names, size caps) or its folder
through the checked opener; one CSV file by its column names."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..._files import MAX_INPUT_BYTES, MAX_TABLE_BYTES, FileRefused, read_bytes, read_input
from ..._files import shown_input as _shown

MAX_MEMBERS = 10_000
#: Largest member, uncompressed: as large as a table may be.
MAX_MEMBER_BYTES = MAX_TABLE_BYTES
#: Largest export in all, uncompressed: a ZIP bomb stops here.
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# ---------------------------------------------------------------- reading the export


class ExportError(Exception):
    """An export cvdata will not read (not a ZIP, unsafe names, too large)."""


@dataclass
class _Export:
    """The export's files, by name relative to its root (``Positions.csv``)."""

    shown: str
    files: dict[str, bytes] = field(default_factory=dict)
    #: Names of members or files not read, and why.
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _root(names: Sequence[str]) -> str:
    """The folder the CSV files are in: the archive's root, else its one folder."""
    if any("/" not in n and n.lower().endswith(".csv") for n in names):
        return ""
    folders = {n.split("/", 1)[0] for n in names if n.lower().endswith(".csv") and "/" in n}
    return folders.pop() + "/" if len(folders) == 1 else ""


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, stopping at the member cap or what is left of the total cap
    (the sizes in the archive's directory may lie)."""
    cap = min(MAX_MEMBER_BYTES, budget)
    out = bytearray()
    with zf.open(info) as f:
        while chunk := f.read(1 << 16):
            out += chunk
            if len(out) > cap:
                if cap == budget:
                    raise ExportError(
                        f"uncompresses to more than {MAX_TOTAL_BYTES:,} bytes in all; a "
                        "LinkedIn export is far smaller (a ZIP bomb?)"
                    )
                raise ExportError(
                    f"member {info.filename!r} uncompresses to more than "
                    f"{MAX_MEMBER_BYTES:,} bytes, the most a file may be"
                )
    return bytes(out)


def _check_name(name: str) -> None:
    parts = PurePosixPath(name).parts
    if name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        raise ExportError(
            f"member {name!r} has an absolute or Windows path; a LinkedIn export has none"
        )
    if ".." in parts:
        raise ExportError(f"member {name!r} climbs out of the archive ('..')")


def _from_zip(shown: str, data: bytes) -> _Export:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ExportError(
            "is not a ZIP archive; give the export as downloaded (a .zip) or its folder"
        ) from None
    export = _Export(shown)
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise ExportError(f"holds {len(infos):,} files; a LinkedIn export has about 60")
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise ExportError(
                f"says it uncompresses to more than {MAX_TOTAL_BYTES:,} bytes; a LinkedIn "
                "export is far smaller (a ZIP bomb?)"
            )
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise ExportError("names one file twice; a LinkedIn export never does")
        for name in names:
            _check_name(name)
        root = _root(names)
        budget = MAX_TOTAL_BYTES
        for info in infos:
            name = info.filename
            if not name.startswith(root) or name.count("/") - root.count("/") > 1:
                why = "outside the export's folder" if not name.startswith(root) else ""
                export.skipped.append((name, why or "more than one folder deep: not read"))
                continue
            if info.flag_bits & 0x1:
                raise ExportError(f"member {name!r} is encrypted; export it again")
            try:
                export.files[name[len(root) :]] = content = _read_member(zf, info, budget)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as e:
                raise ExportError(f"member {name!r} cannot be read: {e}") from None
            budget -= len(content)
    return export


def _from_folder(shown: str, folder: Path) -> _Export:
    export = _Export(shown)
    real = Path(os.path.realpath(folder))
    top = sorted(os.listdir(folder))
    names = top + [
        f"{d}/{n}"
        for d in top
        if _real_dir(folder / d, real)
        for n in sorted(os.listdir(folder / d))
    ]
    root = _root(names)
    budget = MAX_TOTAL_BYTES
    for name in names:
        path = folder / name
        if os.path.isdir(path) and not os.path.islink(path):
            continue
        if not name.startswith(root) or name.count("/") - root.count("/") > 1:
            export.skipped.append((name, "outside the export's folder: not read"))
            continue
        try:
            content = read_bytes(path, folder, min(MAX_MEMBER_BYTES, budget))
        except FileNotFoundError:
            export.skipped.append((name, "a link to nothing: not read"))
            continue
        except FileRefused as e:
            reason = e.reason.replace("the data folder", "the export's folder")
            raise ExportError(f"{name}: {reason}") from None
        budget -= len(content)
        export.files[name[len(root) :]] = content
    return export


def _real_dir(path: Path, root: Path) -> bool:
    """A folder that really is inside the export folder (a link out is not descended)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and os.path.realpath(path).startswith(str(root) + os.sep)


def read_export(name: str) -> _Export:
    """The export's files: from a ZIP file (or ``-``, standard input) or an unzipped folder.

    Raises
    ------
    ExportError
        Saying what is wrong with the archive or folder, in words.
    FileNotFoundError
        When nothing is at ``name``.
    """
    shown = _shown(name)
    if name != "-" and os.path.isdir(name):
        return _from_folder(shown, Path(name))
    try:
        data = read_input(name, MAX_INPUT_BYTES)
    except FileRefused as e:
        raise ExportError(e.reason) from None
    return _from_zip(shown, data)


# ---------------------------------------------------------------- reading one CSV file


def _key(header: str) -> str:
    """A header as compared: ``Started On`` / ``startedon``; ``Phone Numbers``."""
    return re.sub(r"[^a-z0-9]", "", header.casefold())


@dataclass
class _Row:
    line: int
    cells: dict[str, str]

    def get(self, *names: str) -> str:
        """The first of ``names`` (header spellings of the vintages) the file has."""
        for n in names:
            value = self.cells.get(_key(n))
            if value is not None:
                return value
        return ""


@dataclass
class _Table:
    name: str
    where: str
    header: list[str]
    rows: list[_Row]
    #: The header as written, by its compared form.
    written: dict[str, str] = field(default_factory=dict)


def _parse(name: str, where: str, data: bytes) -> _Table:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ExportError(f"{name}:{line}: not UTF-8 (a LinkedIn export is)") from None
    reader = csv.reader(io.StringIO(content, newline=""))
    header: list[str] = []
    rows: list[_Row] = []
    written: dict[str, str] = {}
    preamble = False
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue  # blank lines and rows of only commas
            if not header:
                if len(cells) == 1 and cells[0].strip().lower().startswith("notes"):
                    preamble = True  # Connections.csv: a note, a blank line, the header
                    continue
                if preamble and rows == [] and start and len(cells) == 1:
                    continue
                header = [_key(c) for c in cells]
                written = {_key(c): c.strip() for c in cells}
                continue
            row = {h: c for h, c in zip(header, cells, strict=False) if h}
            extra = [c for c in cells[len(header) :] if c.strip()]
            if extra:
                row["(extra cells)"] = ", ".join(extra)
            rows.append(_Row(line, row))
    except csv.Error as e:
        raise ExportError(
            f"{name}:{reader.line_num}: not a CSV file LinkedIn writes: {e}"
        ) from None
    return _Table(name, where, header, rows, written)
