"""The CV in its own language: the words cvdata writes, and dates and numbers through CLDR.

One setting says the language: the ``language`` column of ``meta.csv`` (a BCP 47 tag:
``fr``, ``de-CH``, ``pt-BR``; English when empty). It picks

- the words cvdata writes itself (section headings, "Present", labels, notes), from the
  catalogue of the language (``locales/<language>.json``; a tag such as ``fr-CA`` uses
  ``fr``'s, a language without a catalogue English's);
- how dates, numbers and lengths of time are printed: Babel, with the Unicode CLDR's
  month names, date patterns, unit names and plural rules, never a table of our own.

Any word can be changed for one CV in ``words.json`` in the data folder: an object of
catalogue keys and their text (``{"section.skills": "Outils"}``). It is read the one
checked way (:mod:`cvdata._files`) and checked by ``cvdata validate``: an unknown key,
text that is not a string, or a placeholder (``{shown}``) that the word does not have is
reported with the file and the JSON path.

The builders and charts ask :func:`current` for the words: :func:`use` (a ``with``
block) or :func:`activate` (a page's kernel, for good) sets them from a CV.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import Problem, display_path

if TYPE_CHECKING:
    import pandas as pd
    from babel import Locale

    from .load import CV

#: The languages with a catalogue; English is also the fallback for every word.
LANGUAGES = ("en", "fr", "de", "es", "pt", "it", "zh", "ja")
DEFAULT = "en"
#: The file of a data folder that overrides words of the catalogue.
WORDS_FILE = "words.json"
#: The largest ``words.json`` read: a catalogue is a few kilobytes.
MAX_WORDS_BYTES = 1024 * 1024
#: The column of ``meta.csv`` that holds the CV's language.
LANGUAGE_COLUMN = "language"


@cache
def catalogue(language: str) -> Mapping[str, str]:
    """The shipped words of ``language`` (one of :data:`LANGUAGES`), by key."""
    text = resources.files("cvdata").joinpath("locales", f"{language}.json").read_text("utf-8")
    return json.loads(text)


def _fields(text: str) -> set[str]:
    """The placeholders of a word (``{shown}``): an override must keep to them."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@lru_cache(maxsize=64)
def _locale(tag: str) -> Locale:
    from babel import Locale

    return Locale.parse(tag.replace("-", "_"))


def parse_tag(tag: str) -> Locale:
    """The CLDR locale of a BCP 47 tag.

    Raises
    ------
    ValueError
        When Babel knows no such language (``'xx'``, ``'english'``).
    """
    from babel import UnknownLocaleError

    try:
        return _locale(tag.strip())
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(
            f"{tag!r} is not a language tag cvdata knows (a BCP 47 tag such as fr, de-CH, "
            "pt-BR or zh-Hans)"
        ) from None


def catalogue_language(tag: str) -> str:
    """The catalogue a tag uses: its language's (``fr-CA`` -> ``fr``), else English's."""
    base = tag.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT


@dataclass(frozen=True)
class Words:
    """The words and the CLDR formats of one language. ``words("section.skills")``."""

    tag: str = DEFAULT
    overrides: Mapping[str, str] = field(default_factory=dict)

    @property
    def locale(self) -> Locale:
        return _locale(self.tag)

    @property
    def lang(self) -> str:
        """The tag as HTML's ``lang`` and Quarto's ``lang`` write it (``pt-BR``)."""
        return self.tag.replace("_", "-")

    def __call__(self, key: str, **values: object) -> str:
        """The word for ``key`` (the override, the catalogue's, English's), with
        ``values`` put into its placeholders.

        Raises
        ------
        KeyError
            For a key no catalogue has (a bug in cvdata, not in the data).
        """
        text = self.overrides.get(key)
        if text is None:
            text = catalogue(catalogue_language(self.tag)).get(key)
        if text is None:
            text = catalogue(DEFAULT)[key]
        return text.format(**values) if values else text

    def get(self, key: str, default: str) -> str:
        """The word for ``key``, or ``default`` when no catalogue has the key (a value
        the data brings, such as a kind of service of a fork's own)."""
        return self(key) if key in catalogue(DEFAULT) or key in self.overrides else default

    def has(self, key: str) -> bool:
        """Whether some catalogue (or the override file) has ``key``."""
        return key in self.overrides or key in catalogue(DEFAULT)

    def count(self, noun: str, n: int) -> str:
        """``n`` things as the language says it: ``1 paper``, ``3,526 papers``, ``2 articles``,
        ``3 篇论文``. The words are ``count.<noun>.<form>``, ``form`` the CLDR plural
        category of ``n`` in the language (``one``, ``few``, ``many``...), else ``other``;
        the number is Babel's."""
        form = self.locale.plural_form(n)
        key = f"count.{noun}.{form}"
        if not self.has(key):
            key = f"count.{noun}.other"
        return self(key, n=self.number(n))

    # ------------------------------------------------------------ CLDR: numbers, dates

    def stat(self, value: float) -> str:
        """A headline number (``9.3`` years, ``22`` papers): ``9.3`` as English always
        printed it, Babel's decimal elsewhere (``9,3`` in French)."""
        return f"{value:g}" if self._en else self.number(value)

    def month_year(self, day: dt.date) -> str:
        """A month in full, in a sentence: ``March 2025``, ``mars 2025``, ``2025年3月``."""
        if self._en:
            return f"{day:%B %Y}"
        return _formatted(self.tag, "skeleton", "yMMMM", day)

    def full_date(self, day: dt.date) -> str:
        """A day in full, in a sentence: ``07 March 2025``, ``7 mars 2025``, ``2025年3月7日``."""
        if self._en:
            return f"{day:%d %B %Y}"
        return _formatted(self.tag, "skeleton", "yMMMMd", day)

    def number(self, n: float) -> str:
        """``3,526`` in English, ``3 526`` in French, ``3.526`` in German."""
        from babel.numbers import format_decimal

        return format_decimal(n, locale=self.locale)

    def date(self, day: dt.date, precision: str) -> str:
        """A date at its precision: ``2019``; ``Mar 2019``, ``mars 2019``, ``2019年3月``;
        ``21 Mar 2019``, ``21 mars 2019``, ``2019年3月21日``. The patterns are CLDR's
        (``yMMM``, ``yMMMd``); English keeps the CV's day-month-year order (CLDR's ``en`` is
        month-day-year). A ``date.month`` or ``date.day`` override is a CLDR pattern."""
        if precision == "year":
            return _formatted(self.tag, "skeleton", "y", day)
        key = "date.month" if precision == "month" else "date.day"
        pattern = self.overrides.get(key) or (_ENGLISH_PATTERNS.get(key) if self._en else None)
        if pattern:
            return _formatted(self.tag, "pattern", pattern, day)
        return _formatted(self.tag, "skeleton", "yMMM" if key == "date.month" else "yMMMd", day)

    @property
    def _en(self) -> bool:
        return catalogue_language(self.tag) == "en"

    def day_span(self, start: dt.date, end: dt.date) -> str:
        """Two days as one span, in CLDR's interval format: ``Apr 24 – 28, 2025``,
        ``24–28 avr. 2025``, ``2025年4月24日至28日``."""
        from babel.dates import format_interval

        text = format_interval(start, end, "yMMMd", locale=self.locale)
        # CLDR puts thin spaces around the dash; the rest of the CV uses plain ones.
        return text.replace("\u2009", " ")

    def span(self, start: str, end: str) -> str:
        """Two printed dates as a range (``Mar 2019 – Present``); an open one ends in
        the word for the present."""
        return f"{start} – {end or self('word.present')}"

    def duration(self, months: int) -> str:
        """Whole months as people say them, in CLDR's unit names and list pattern:
        ``1 year 3 months``, ``1 an 3 mois``, ``1 Jahr 3 Monate``, ``1年3个月``."""
        from babel.lists import format_list
        from babel.units import format_unit

        years, rest = divmod(int(months), 12)
        parts = [
            format_unit(n, unit, length="long", locale=self.locale)
            for n, unit in ((years, "duration-year"), (rest, "duration-month"))
            if n
        ]
        if not parts:
            return self("duration.under-a-month")
        return format_list(parts, style="unit-narrow", locale=self.locale)

    def years_short(self, n: int) -> str:
        """A skill's years: ``6 yrs``, ``6 ans``, ``6 J.``, ``6年``."""
        from babel.units import format_unit

        return format_unit(int(n), "duration-year", length="short", locale=self.locale)


@lru_cache(maxsize=8192)
def _formatted(tag: str, kind: str, form: str, day: dt.date) -> str:
    # Cached: a CV repeats few distinct dates, and Babel takes tens of microseconds a date.
    from babel.dates import format_date, format_skeleton

    if kind == "pattern":
        return format_date(day, form, locale=_locale(tag))
    return format_skeleton(form, day, locale=_locale(tag))


#: English's date patterns: day month year, as the CV always printed them.
_ENGLISH_PATTERNS = {"date.month": "MMM y", "date.day": "d MMM y"}

ENGLISH = Words()
_active: contextvars.ContextVar[Words] = contextvars.ContextVar("cvdata_words", default=ENGLISH)


def current() -> Words:
    """The words of the CV being built (English outside :func:`use`/:func:`activate`)."""
    return _active.get()


@contextlib.contextmanager
def use(words: Words | CV) -> Iterator[Words]:
    """Within the block, :func:`current` is ``words`` (or the words of a CV)."""
    chosen = words if isinstance(words, Words) else words_of(words)
    token = _active.set(chosen)
    try:
        yield chosen
    finally:
        _active.reset(token)


def activate(cv: CV) -> Words:
    """The CV's words for the rest of this process (a page's kernel renders one CV)."""
    chosen = words_of(cv)
    _active.set(chosen)
    return chosen


# ---------------------------------------------------------------- reading the setting


def language_of(meta: pd.DataFrame | None) -> str:
    """The tag in ``meta.csv``'s ``language`` column, or English when it says none."""
    from .cells import text

    if meta is None or LANGUAGE_COLUMN not in meta or meta.empty:
        return DEFAULT
    return text(meta[LANGUAGE_COLUMN].iloc[0]).strip() or DEFAULT


def words_of(cv: CV) -> Words:
    """The words of a CV: its language and its data folder's overrides. A language or a
    ``words.json`` that does not validate is not used (validation reports it)."""
    tag = language_of(cv.meta)
    try:
        parse_tag(tag)
    except ValueError:
        tag = DEFAULT
    overrides, problems = read_overrides(Path(cv.data_dir)) if cv.data_dir else ({}, [])
    return Words(tag, {} if problems else overrides)


def read_overrides(data_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    """The words of ``words.json`` in ``data_dir`` (none when there is no such file),
    and what is wrong with it, each problem naming the file and the JSON path."""
    from ._files import FileRefused, read_bytes

    path = data_dir / WORDS_FILE
    where = display_path(path)
    try:
        raw = read_bytes(path, data_dir, MAX_WORDS_BYTES)
    except FileNotFoundError:
        return {}, []
    except FileRefused as e:
        return {}, [Problem(where, None, None, e.reason)]
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        return {}, [Problem(where, None, None, f"is not UTF-8 text (byte {e.start})")]
    except json.JSONDecodeError as e:
        return {}, [Problem(where, e.lineno, None, f"is not JSON: {e.msg} (column {e.colno})")]
    if not isinstance(data, dict):
        return {}, [Problem(where, None, None, "must be a JSON object of words by key")]
    return _checked(data, where)


def _checked(data: dict[str, Any], where: str) -> tuple[dict[str, str], list[Problem]]:
    english = catalogue(DEFAULT)
    words, problems = {}, []
    for key, text in data.items():
        at = f"$[{json.dumps(key, ensure_ascii=False)}]"
        if key in _ENGLISH_PATTERNS:
            known: set[str] = set()
        elif key not in english:
            problems.append(Problem(where, None, at, "is not a word cvdata writes"))
            continue
        else:
            known = _fields(english[key])
        if not isinstance(text, str):
            problems.append(Problem(where, None, at, f"must be text, not {type(text).__name__}"))
            continue
        try:
            extra = _fields(text) - known
        except ValueError as e:  # an unmatched brace
            problems.append(Problem(where, None, at, f"is not a valid word: {e}"))
            continue
        if extra:
            has = ", ".join(f"{{{f}}}" for f in sorted(known)) or "none"
            problems.append(
                Problem(
                    where,
                    None,
                    at,
                    f"uses {', '.join(f'{{{f}}}' for f in sorted(extra))}; "
                    f"this word's placeholders: {has}",
                )
            )
            continue
        words[key] = text
    return words, problems


def problems(data_dir: Path, meta: pd.DataFrame | None) -> list[Problem]:
    """What ``cvdata validate`` reports about the language: a tag Babel does not know
    (``meta.csv``, line 2, ``language``) and what is wrong with ``words.json``."""
    found: list[Problem] = []
    tag = language_of(meta)
    if tag != DEFAULT:
        try:
            parse_tag(tag)
        except ValueError as e:
            path = display_path(data_dir / "meta.csv")
            found.append(Problem(path, 2, LANGUAGE_COLUMN, str(e)))
    found += read_overrides(data_dir)[1]
    return found


#: The metadata file every page includes (``metadata-files``), written by the pre-render
#: step: Quarto's own words (the table of contents, search, "Figure") follow ``lang``.
QUARTO_METADATA = "language.yml"


def write_quarto_metadata(folder: Path, cv: CV) -> Path:
    """Write ``lang`` (the CV's language as a BCP 47 tag) into ``folder/language.yml``;
    rewritten only when it changes, so an unchanged CV leaves Quarto's view as it was."""
    path = folder / QUARTO_METADATA
    text = (
        "# Written by the pre-render step (cvdata.i18n): the CV's language (meta.csv).\n"
        f"lang: {json.dumps(words_of(cv).lang)}\n"
    )
    folder.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


__all__ = [
    "DEFAULT",
    "ENGLISH",
    "LANGUAGES",
    "WORDS_FILE",
    "Words",
    "activate",
    "catalogue",
    "current",
    "language_of",
    "parse_tag",
    "problems",
    "read_overrides",
    "use",
    "words_of",
    "write_quarto_metadata",
]
