"""Every way in and out of a data folder: the import and export formats.

One module per format and one line in :data:`IMPORTS` or the exports; the command line's
choices and help come from here (CONTRIBUTING.md, "Add an import format"). Every import
lands through :mod:`cvdata.formats._land`: all or nothing, a second import adds nothing.
"""

from ._format import ImportFormat

#: Every import format: ``cvdata import NAME`` runs ``cvdata.formats.<module>.read``.
IMPORTS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat(
            "bibtex",
            "bibtex",
            "papers from a BibTeX file (DBLP, Google Scholar, Zotero, al-folio)",
            "FILE.bib",
        ),
        ImportFormat("jsonresume", "jsonresume", "a whole JSON Resume document", "RESUME.json"),
        ImportFormat(
            "linkedin",
            "linkedin",
            "a LinkedIn data export: the ZIP as downloaded, or its folder",
            "EXPORT",
        ),
        ImportFormat(
            "orcid",
            "orcid",
            "an ORCID record (/v3.0/<iD>/record as JSON) and any works' full records",
            "RECORD.json",
            many=True,
        ),
    )
}

__all__ = ["IMPORTS", "ImportFormat"]
