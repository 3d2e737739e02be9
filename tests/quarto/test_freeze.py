"""Which page read which table (cvdata.quarto.freeze): an explicit record per page."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from cvdata import CV
from cvdata.quarto.freeze import Reads, TrackedCV, reads_path, tables_read, track_reads


def test_a_tracked_cv_notes_each_table_read_in_its_own_record(cv: CV, tmp_path: Path) -> None:
    page = tmp_path / "notebooks" / "skills.py"
    one = track_reads(cv, tmp_path, page, "html")
    other = TrackedCV(**{f.name: getattr(cv, f.name) for f in dataclasses.fields(CV)})
    assert one.skills is cv.skills and one.as_of == cv.as_of and one.owner["name"]
    other.papers  # noqa: B018 (a read of another page's CV)
    assert one.reads.tables == {"skills", "person"}  # owner reads person
    record = reads_path(tmp_path, page, "html")
    assert json.loads(record.read_text()) == ["person", "skills"]
    assert tables_read(tmp_path, "notebooks/skills") == {"person", "skills"}
    assert other.reads is None  # made without a record: reads nothing into any


def test_a_copy_reads_its_fields_from_the_tracked_cv(cv: CV, tmp_path: Path) -> None:
    tracked = track_reads(cv, tmp_path, tmp_path / "cv.qmd", "typst")
    copy = dataclasses.replace(tracked, talks=cv.talks.head(1))
    assert len(copy.talks) == 1 and copy.reads is None
    # replace read every table it kept from the tracked CV: all noted, but talks.
    assert tracked.reads.tables == set(CV.table_names()) - {"talks"}


def test_a_record_is_written_whole_and_only_for_a_new_table(tmp_path: Path) -> None:
    reads = Reads(tmp_path / "reads" / "cv.html.json")
    reads.add("skills")
    stamp = reads.path.stat().st_mtime_ns
    reads.add("skills")
    assert reads.path.stat().st_mtime_ns == stamp and not list(reads.path.parent.glob("*.part"))
    Reads().add("papers")  # no path: kept in memory only
    assert tables_read(tmp_path, "missing") is None
