"""The import formats' registry makes the command line: a format registered in a test is
one of ``cvdata import``'s choices, has its help and metavar, and lands through the one
handler; the real formats' modules provide ``read``."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
import types
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import AS_OF

from cvdata import cli, formats
from cvdata.formats._format import ImportFormat, Incoming, Report

FAKE = ImportFormat(
    "fakecv", "fake_registry_format", "rows from a fake CV export", "EXPORT.fake",
    description="Read by a module the test registers.",
)  # fmt: skip


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("cvdata.formats.fake_registry_format")

    def read(
        inputs: Sequence[str], options: argparse.Namespace, existing, as_of: dt.date
    ) -> Incoming:
        report = Report(lines=[f"{inputs[0]}: 1 entry read"])
        got = report.section("things")
        got.came_in = 2
        # A format says what is in the CV already (merged), from the CV it is given.
        if existing is not None and "fake-award" in set(existing.awards["id"]):
            got.merged = 1
        else:
            got.stored = 1
        got.set_aside.append(("EXPORT.fake:2", "not a thing cvdata keeps"))
        report.warnings.append("the owner's name was guessed")
        row = {"id": "fake-award", "name": "A fake award", "year": "2020"}
        return Incoming(tables={"awards": [row]}, report=report)

    module.read = read  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(formats.IMPORTS, FAKE.name, FAKE)
    return module


def test_every_registered_module_provides_read() -> None:
    for fmt in formats.IMPORTS.values():
        module = importlib.import_module(f"cvdata.formats.{fmt.module}")
        assert callable(module.read), fmt.name


def test_a_registered_format_is_a_choice_with_its_help(registered, capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["import", "--help"])
    out = capsys.readouterr().out
    assert "fakecv" in out and "rows from a fake CV export" in out
    assert "bibtex" in out and "jsonresume" in out
    with pytest.raises(SystemExit):
        cli.main(["import", "fakecv", "--help"])
    out = capsys.readouterr().out
    assert "EXPORT.fake" in out and "Read by a module the test registers." in out


def test_a_format_not_registered_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["import", "fakecv", "x.fake"])
    assert stop.value.code == 2
    assert "invalid choice: 'fakecv'" in capsys.readouterr().err


def test_a_registered_format_lands_and_its_report_is_printed(
    registered, broken_copy, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = broken_copy()
    source = tmp_path / "cv.fake"
    source.write_text("x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["import", "fakecv", "cv.fake", "data", "--as-of", AS_OF.isoformat()]
    assert cli.main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "cv.fake: 1 entry read",
        "  things: 2 came in, 1 stored, 1 set aside",
        "    set aside EXPORT.fake:2: not a thing cvdata keeps",
        "  warning: the owner's name was guessed",
        "data: 1 to add, 1 skipped; wrote awards.csv (+1 row); the data validates",
    ]
    assert "fake-award" in (folder / "awards.csv").read_text(encoding="utf-8")
    assert cli.main(args) == 0  # again: the row is there, nothing is written
    assert capsys.readouterr().out.splitlines()[-1] == (
        "data: nothing to add (0 to add, 2 skipped; 1 row already there); no file changed"
    )


def test_a_format_of_many_files_takes_them_all(
    registered, broken_copy, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``many=True``: every file is handed to ``read``; the folder is ``--data-dir``."""
    many = ImportFormat("fakemany", FAKE.module, "rows from several files", "PART", many=True)
    monkeypatch.setitem(formats.IMPORTS, many.name, many)
    seen: list[Sequence[str]] = []
    real = registered.read
    monkeypatch.setattr(registered, "read", lambda i, *a: seen.append(i) or real(i, *a))
    folder = broken_copy()
    for name in ("a.part", "b.part"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        cli.main(["import", "fakemany", "--help"])
    assert "--data-dir" in capsys.readouterr().out
    args = ["import", "fakemany", "a.part", "b.part", "--data-dir", "data"]
    assert cli.main([*args, "--as-of", AS_OF.isoformat()]) == 0
    assert seen == [["a.part", "b.part"]]
    assert "fake-award" in (folder / "awards.csv").read_text(encoding="utf-8")


def test_the_landing_path_is_public_from_the_package() -> None:
    # Tests and tools outside formats/ reach the landing path by its public names,
    # loaded on first use; an unknown name is still an AttributeError.
    import cvdata.formats as formats
    from cvdata.formats import _land

    assert formats.init_data_dir is _land.init_data_dir and formats.land is _land.land
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = formats.no_such_name
