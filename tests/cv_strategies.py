"""Hypothesis strategies for whole CVs, derived from ``datapackage.json``.

Each column's values come from its descriptor: its type, ``enum``, ``pattern`` (drawn
with ``from_regex``), ``minimum``/``maximum``, ``required``; keys are unique and foreign
keys name rows of their parent table (tables are drawn in the descriptor's order, parents
first). The rules across columns that validation adds are then kept (start before end,
a published paper not after the as-of year, a GPA within its scale, an email contact
that is an address), so most CVs drawn validate.

Now and then a value is drawn from the whole of its type instead of the range cvdata
takes (any four-digit year, any date, a whole number of 20 digits, a number that
overflows, text with a control character): the property tests keep the CVs that
validate, so whatever validation lets through of these must render too. Free text mixes
markup of every kind the outputs read (HTML, plotly, Typst, Markdown, Quarto shortcodes),
quotes, commas, line breaks, CJK and emoji.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
from importlib import resources
from pathlib import Path

from hypothesis import strategies as st

from cvdata.schema import DESCRIPTOR, Field, Table, default_package
from cvdata.validate import FALSE_VALUES, TRUE_VALUES

# The range cvdata takes (the whole type's range where cvdata has no such rule). The
# module, not cvdata.validate: that name is the function.
_rules = importlib.import_module("cvdata.validate")
MIN_YEAR = getattr(_rules, "MIN_YEAR", 1)
FUTURE_YEARS = getattr(_rules, "FUTURE_YEARS", 9999)

PACKAGE = default_package()
MAX_ROWS = 4

#: Characters a cell may hold: no control characters, no surrogates (not UTF-8).
CHARS = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs"),
    include_characters="\n\t",
    exclude_characters="\ufffe\uffff\r",
)
#: Pieces that mean something to one of the outputs.
TRICKY = [
    '<a href="https://evil.example/">x</a>',
    '<span style="font-size:99px">big</span>',
    "<b>b</b><br>",
    "&amp; &lt;",
    "{{< pagebreak >}}",
    "#set page(fill: red)",
    "$x^2$",
    "@ref <lbl>",
    "\\",
    '"',
    "`",
    "*bold* _it_",
    "[x](https://e.example/)",
    ", ; |",
    "中文",
    "🎓",
    "\u200b",
    "\u202e",
    "a\nb",
    "%{y}",
    "x" * 300,
]
TEXT = (
    st.one_of(
        st.text(CHARS, min_size=1, max_size=24),
        st.lists(
            st.one_of(st.sampled_from(TRICKY), st.text(CHARS, max_size=8)), min_size=1, max_size=4
        ).map(" ".join),
    )
    .map(str.strip)
    .filter(bool)
)
#: Characters of the type ``string`` that cvdata refuses (see ``_read._CONTROL``).
CONTROL = st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\x85", "\ufffe"])
ODD_TEXT = st.tuples(TEXT, CONTROL, TEXT).map("".join)


class _Odd:
    """How many more values of a CV may come from the edge of their type: one CV in two
    may get one, so that most CVs drawn still validate."""

    def __init__(self, left: int):
        self.left = left


def _rarely(draw, odd: _Odd, usual, edge):
    """``usual``, or (while ``odd`` allows, one time in 60: any column may be the one)
    ``edge``."""
    if odd.left and draw(st.integers(0, 59)) == 0:
        odd.left -= 1
        return draw(edge)
    return draw(usual)


def _ym(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _value(draw, f: Field, as_of: dt.date, odd: _Odd) -> str:
    """One cell of field ``f`` (not a key), as text."""
    if f.enum is not None:
        return draw(st.sampled_from(f.enum))
    if f.pattern is not None:
        return draw(st.from_regex(f.pattern, fullmatch=True, alphabet=CHARS).filter(_plain))
    if f.type == "string":
        return _rarely(draw, odd, TEXT, ODD_TEXT)
    if f.type == "integer":
        lo = int(f.minimum) if f.minimum is not None else -(10**15) + 1
        hi = int(f.maximum) if f.maximum is not None else 10**15 - 1
        usual = st.one_of(st.integers(lo, min(hi, lo + 40)), st.integers(lo, hi))
        return str(_rarely(draw, odd, usual, st.integers(-(10**20), 10**20)))
    if f.type == "number":
        lo = f.minimum if f.minimum is not None else -1e300
        hi = f.maximum if f.maximum is not None else 1e300
        usual = st.one_of(
            st.floats(lo, min(hi, lo + 10), allow_nan=False),
            st.floats(lo, hi, allow_nan=False, allow_infinity=False),
        ).map(repr)
        return _rarely(draw, odd, usual, st.sampled_from(["1e999", "-1e400", "1e308", "0e0"]))
    if f.type == "boolean":
        return draw(st.sampled_from(TRUE_VALUES + FALSE_VALUES))
    if f.type == "year":
        usual = st.integers(max(MIN_YEAR, 1800), min(9999, as_of.year + FUTURE_YEARS))
        return f"{_rarely(draw, odd, usual, st.integers(0, 9999)):04d}"
    usual_day = st.dates(dt.date(max(MIN_YEAR, 1800), 1, 1), as_of)
    day = _rarely(draw, odd, usual_day, st.dates(dt.date(1, 1, 1), as_of))
    if f.type == "yearmonth":
        return _ym(day)
    if f.type == "date":
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    raise AssertionError(f.type)


def _plain(text: str) -> bool:
    return text == text.strip() and "\r" not in text


def _keep_rules(table: Table, row: dict[str, str], as_of: dt.date, draw) -> None:
    """Make ``row`` keep the rules across its columns."""
    for a, b in (("start", "end"), ("start_date", "end_date")):
        if row.get(a) and row.get(b) and row[b] < row[a]:
            row[a], row[b] = row[b], row[a]
    if table.name == "papers" and row.get("status") == "published" and row.get("year"):
        row["year"] = str(min(int(row["year"]), as_of.year))
    if table.name == "education" and row.get("gpa") and row.get("gpa_scale"):
        gpa, scale = float(row["gpa"]), float(row["gpa_scale"])
        if gpa > scale:
            row["gpa"], row["gpa_scale"] = row["gpa_scale"], row["gpa"]
    if table.name == "contacts" and row.get("kind") == "email":
        row["value"] = draw(st.emails())
    if table.name == "meta" and row.get("language"):
        # A tag CLDR knows (the pattern alone allows 'xq-0'), in every shipped catalogue
        # and one without a catalogue.
        row["language"] = draw(st.sampled_from(["en", "fr", "de-CH", "pt-BR", "zh", "ja", "nl"]))


@st.composite
def cv_tables(draw, as_of: dt.date, max_rows: int = MAX_ROWS) -> dict[str, list[dict[str, str]]]:
    """Every table of a CV that validates, as rows of text cells by column name."""
    tables: dict[str, list[dict[str, str]]] = {}
    odd = _Odd(draw(st.integers(0, 1)))
    for table in PACKAGE.tables:
        parents = {}
        for fk in table.foreign_keys:
            (column,), (ref,) = fk.fields, fk.reference_fields  # one-column keys only
            parents[column] = [r[ref] for r in tables[fk.resource] if r.get(ref)]
        pk = table.primary_key
        # A row needs a parent for each required or key column that refers to one.
        needed = [c for c in parents if c in pk or table.field(c).required]
        if any(not parents[c] for c in needed):
            tables[table.name] = []
            continue
        n = 1 if table.name == "person" else draw(st.integers(0, max_rows))
        rows: list[dict[str, str]] = []
        keys: set[tuple[str, ...]] = set()
        for _ in range(n * 3):  # a few tries for unique keys
            if len(rows) == n:
                break
            row: dict[str, str] = {}
            for f in table.fields:
                if f.name in parents:
                    optional = f.name not in needed
                    choices = parents[f.name]
                    empty = not choices or (optional and draw(st.booleans()))
                    row[f.name] = "" if empty else draw(st.sampled_from(choices))
                elif f.required or f.name in pk or draw(st.integers(0, 3)) > 0:
                    row[f.name] = _value(draw, f, as_of, odd)
                else:
                    row[f.name] = ""
            key = tuple(row[c] for c in pk)
            if key in keys or any(
                f.unique and any(r[f.name] == row[f.name] for r in rows) for f in table.fields
            ):
                continue
            _keep_rules(table, row, as_of, draw)
            keys.add(key)
            rows.append(row)
        tables[table.name] = rows
    return tables


def write_tables(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    """The tables as CSV files (and the shipped descriptor) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in PACKAGE.tables:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.field_names)
        for row in tables[table.name]:
            writer.writerow([row.get(c, "") for c in table.field_names])
        (folder / table.path).write_text(out.getvalue(), encoding="utf-8")
    (folder / DESCRIPTOR).write_bytes(resources.files("cvdata").joinpath(DESCRIPTOR).read_bytes())
    return folder
