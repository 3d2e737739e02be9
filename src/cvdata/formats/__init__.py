"""Every way in and out of a data folder: the import and export formats.

One module per format and one line in :data:`IMPORTS` or the exports; the command line's
choices and help come from here (CONTRIBUTING.md, "Add an import format"). Every import
lands through :mod:`cvdata.formats._land`: all or nothing, a second import adds nothing.
"""

from ._format import ExportFormat, ImportFormat

#: Every import format: ``cvdata import NAME`` runs ``cvdata.formats.<module>.read``.
IMPORTS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat(
            "bibtex",
            "bibtex",
            "papers from a BibTeX file (DBLP, Google Scholar, Zotero, al-folio)",
            "FILE.bib",
            description=(
                "Each entry not in the CV yet becomes a row of papers.csv with its authors "
                "in paper_authors.csv (DOI, ISBN and arXiv ids in paper_identifiers.csv, a "
                "url in paper_links.csv). Entries with the same x-cvdata-id, the same DOI, "
                "or the same title and year as a paper of the CV are merged (not added "
                "again); existing ids are kept. Venues are matched to venues.csv by name or "
                "acronym, else written to venue_display. DATA_DIR must hold a CV already."
            ),
        ),
        ImportFormat(
            "jsonresume",
            "jsonresume",
            "a whole JSON Resume document (jsonresume.org)",
            "RESUME.json",
            description=(
                "The document is validated against the official schema first, then becomes "
                "rows of every table; into DATA_DIR when it exists (rows whose id is there "
                "already are merged; person.csv is kept), else into a new data folder. "
                "Phone and street address come in private."
            ),
        ),
        ImportFormat(
            "linkedin",
            "linkedin",
            "a LinkedIn data export: the ZIP as downloaded, or its folder",
            "EXPORT",
            folders=True,
            description=(
                "Settings & Privacy -> Data privacy -> Get a copy of your data. Profile, "
                "positions, education, skills, languages, certifications, courses, projects, "
                "publications (kind guessed, flagged), honors, organizations, volunteering, "
                "emails, phones and recommendations become rows; phones, the street address, "
                "other emails and recommendations are private. The report names every other "
                "file. person.csv is written only when DATA_DIR has none."
            ),
        ),
        ImportFormat(
            "orcid",
            "orcid",
            "an ORCID record (/v3.0/<iD>/record as JSON) and any works' full records",
            "RECORD.json",
            many=True,
            description=(
                "RECORD.json: https://pub.orcid.org/v3.0/<ORCID iD>/record fetched with "
                "'Accept: application/json'; WORKS: full records of works "
                "(/v3.0/<iD>/works/<put-code>,...), which name the authors. Works already in "
                "DATA_DIR (same DOI, else the same title and year) are merged, not added."
            ),
        ),
    )
}

#: Every export format: ``cvdata export NAME`` writes ``cvdata.formats.export.<function>``'s.
EXPORTS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "bibtex",
            "the papers as BibTeX (.bib, UTF-8; biblatex types for patents and blog posts)",
            "write_bibtex",
        ),
        ExportFormat(
            "csl",
            "the papers as CSL-JSON (for pandoc --citeproc, Zotero, citeproc-js)",
            "write_csl",
        ),
        ExportFormat(
            "jsonresume",
            "the whole CV as JSON Resume (jsonresume.org; themes, resume-cli)",
            "write_jsonresume",
        ),
    )
}

#: The landing path's public names, imported on first use (``cvdata --help`` reads the
#: registry above without loading the landing path's dependencies).
_LANDING = ("Landed", "init_data_dir", "land")


def __getattr__(name: str) -> object:
    if name in _LANDING:
        from . import _land

        return getattr(_land, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXPORTS",
    "IMPORTS",
    "ExportFormat",
    "ImportFormat",
    "Landed",
    "init_data_dir",
    "land",
]
