"""Write what the document's writers and the exports make of every shipped CV into a folder.

    .venv/bin/python scripts/document-snapshot.py OUT

Run it before and after a change that should not change the CV (a refactoring), into two
folders, and compare them (``diff -r before after``): for the seed (``data/``), each
example under ``examples/`` and two synthetic CVs, the header and every section of the
full CV and of the résumé in HTML (whole, and shortened as a web page shows it) and in
Typst, and the BibTeX, CSL-JSON and JSON Resume exports. The as-of date is fixed, so two
runs on the same code write the same bytes.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from cvdata import document, synth
from cvdata.document import (
    HTML_SECTION_LIMIT,
    TYPST_PREAMBLE,
    TYPST_RESUME,
    html_header,
    html_section,
    typst_header,
    typst_section,
)
from cvdata.formats import export
from cvdata.load import CV, load

PROJECT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 26)


def _document(cv: CV, resume: bool) -> dict[str, str]:
    """The files one document (the CV or the résumé) makes: name -> text."""
    head, sections = document.build_resume(cv) if resume else document.build(cv)
    head = document.header_of(cv, resume=resume)
    out = {"header.html": html_header(head), "header.typ": typst_header(head)}
    # Files named by section id, the order in a file of its own: a section added or left
    # out changes that list and its own files, not the name of every section after it.
    out["sections.txt"] = "".join(f"{s.id}\n" for s in sections)
    for s in sections:
        out[f"{s.id}.html"] = html_section(s)
        out[f"{s.id}.web.html"] = html_section(s, HTML_SECTION_LIMIT, "cv.pdf")
        out[f"{s.id}.typ"] = typst_section(s)
    return out


def _exports(cv: CV) -> dict[str, str]:
    return {
        "papers.bib": export.bibtex(cv),
        "papers.csl.json": export.to_json(export.csl(cv)),
        "resume.json": export.to_json(export.jsonresume(cv)),
        "resume-private.json": export.to_json(export.jsonresume(cv, include_private=True)),
    }


def _cvs() -> dict[str, CV]:
    cvs = {"seed": load(PROJECT / "data", as_of=AS_OF)}
    for folder in sorted((PROJECT / "examples").iterdir()):
        if (folder / "person.csv").is_file():
            cvs[folder.name] = load(folder, as_of=AS_OF)
    # Many papers and projects: sections long enough to be shortened on a web page.
    cvs["synth-large"] = synth.make_cv(n_papers=400, n_roles=30, n_projects=400, seed=3)
    cvs["synth-ongoing"] = synth.make_cv(all_ongoing=True, seed=5)
    return cvs


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    (out / "preamble.typ").write_text(TYPST_PREAMBLE + TYPST_RESUME, encoding="utf-8")
    files = 1
    for name, cv in _cvs().items():
        parts = {
            "cv": _document(cv, resume=False),
            "resume": _document(cv, resume=True),
            "export": _exports(cv),
        }
        for part, texts in parts.items():
            folder = out / name / part
            folder.mkdir(parents=True, exist_ok=True)
            for file, text in texts.items():
                (folder / file).write_text(text, encoding="utf-8")
                files += 1
    print(f"{files} files written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
