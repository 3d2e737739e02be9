"""People's names as papers write them: one person across spellings.

The rule (used by ``cvdata import bibtex`` to find the owner among the authors, and by the
co-authors chart to count one person once):

- A name is read as given names and a family name: ``"Doe, Jane Q."`` and ``"Jane Q. Doe"``
  alike; lower-case particles before the last word belong to the family name
  (``"Ludwig van Beethoven"``: family ``van Beethoven``).
- Family names are compared with case, accents, hyphens and spaces set aside
  (``García-López`` is ``Garcia Lopez``).
- Given names are *compatible* when the first ones agree, a word with an initial counting as
  agreeing (``J.`` and ``Jane``), and so does each later one that both names have
  (``Jane Q.`` and ``Jane Quinn``; ``Jane`` and ``Jane Q.``, since one gives no middle name).
- Two spellings are one person when their family names are equal and their given names are
  compatible. Merging is conservative: spellings are merged only when every pair of them is
  compatible, so ``J. Doe`` stays apart when both ``Jane Doe`` and ``John Doe`` are there.
- The owner may also be written family name first without a comma (``"Doe Jane Q"``), as
  some sites do: the owner's name is tried both ways.

Pure Python; no table is read here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

#: Marks written after a name in author lists: equal contribution (``*``, ``†``, ``‡``,
#: ``#``), corresponding author; removed from the name.
MARKERS = "*†‡#§¶"
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
#: DBLP tells namesakes apart with a number after the name (``Jane Doe 0002``).
_DBLP_NUMBER = re.compile(r"\s+\d{4}$")


def fold(s: str) -> str:
    """Case and accents set aside; ``ß`` as ``ss``, ``ø`` as ``o``."""
    s = unicodedata.normalize("NFKD", s.casefold().replace("ø", "o").replace("ł", "l"))
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def strip_markers(name: str) -> tuple[str, bool]:
    """The name without the marks after it (``"Jane Doe*"``, ``"Doe*, Jane"``) and whether
    there was one."""
    parts = [p.strip() for p in name.split(",")]
    cleaned = [p.rstrip(MARKERS + " ") for p in parts]
    marked = any(c != p for c, p in zip(cleaned, parts, strict=True))
    return ", ".join(cleaned), marked


@dataclass(frozen=True)
class Person:
    """A name read as given names (folded words) and a family name (folded, letters only)."""

    given: tuple[str, ...]
    family: str


def _words(s: str) -> list[str]:
    return [w for w in re.split(r"[\s.\-‐]+", fold(s)) if w]


def _family(s: str) -> str:
    return "".join(ch for ch in fold(s) if ch.isalnum())


def parse(name: str) -> Person:
    """``"Doe, Jane Q."``, ``"Jane Q. Doe"``, ``"Doe, Jr, Jane"`` as a :class:`Person`."""
    name, _ = strip_markers(" ".join(name.split()))
    name = _DBLP_NUMBER.sub("", name)
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) >= 2:
        return Person(tuple(_words(parts[-1])), _family(parts[0]))
    words = name.split()
    while len(words) > 1 and words[-1].strip(".").casefold() in _SUFFIXES:
        words = words[:-1]
    if not words:
        return Person((), "")
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].casefold() in _PARTICLES:
        cut -= 1
    return Person(tuple(_words(" ".join(words[:cut]))), _family(" ".join(words[cut:])))


def _agree(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return a == b


def compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Given names that may be one person's: the words both have agree, an initial agreeing
    with any word of its letter; a name without given names agrees with none."""
    if not a or not b:
        return False
    return all(_agree(x, y) for x, y in zip(a, b, strict=False))


def same_person(a: str, b: str) -> bool:
    """Whether two spellings are one person by the rule of this module."""
    pa, pb = parse(a), parse(b)
    return bool(pa.family) and pa.family == pb.family and compatible(pa.given, pb.given)


def is_owner_name(owner: str, name: str) -> bool:
    """Whether ``name`` (an author as written) is the owner ``owner``: :func:`same_person`,
    also with the author's first word read as the family name (``"Doe Jane Q"``)."""
    if not owner.strip() or not name.strip():
        return False
    if same_person(owner, name):
        return True
    plain, _ = strip_markers(name)
    words = plain.split()
    if "," in plain or len(words) < 2:
        return False
    return same_person(owner, f"{words[0]}, {' '.join(words[1:])}")


def near_names(owner: str, names: Iterable[str], limit: int = 5) -> list[str]:
    """Authors who may be the owner written otherwise: the same family name, or a family
    name that is the owner's with its accents or a letter changed; most likely first."""
    target = parse(owner)
    scored: dict[str, int] = {}
    for name in names:
        p = parse(name)
        if not p.family or name in scored:
            continue
        if p.family == target.family:
            scored[name] = 0
        elif (
            target.given
            and p.given
            and _agree(p.given[0], target.given[0])
            and (_close(p.family, target.family) or p.family in target.given)
        ):
            scored[name] = 1
    return sorted(scored, key=lambda n: (scored[n], n))[:limit]


def _close(a: str, b: str) -> bool:
    """One letter changed, added or dropped."""
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 3:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def person_keys(names: Iterable[str]) -> dict[str, str]:
    """Each spelling's person, named by their fullest spelling (the longest given names):
    spellings of one person (by the rule above) share it; every pair in a merged group
    must be compatible."""
    spellings = list(dict.fromkeys(" ".join(n.split()) for n in names))
    people = {n: parse(n) for n in spellings}
    by_family: dict[str, list[str]] = {}
    for n, p in people.items():
        by_family.setdefault(p.family or fold(n), []).append(n)
    keys: dict[str, str] = {}
    for group in by_family.values():
        for cluster in _clusters(group, people):
            fullest = max(cluster, key=lambda n: (sum(len(w) for w in people[n].given), n))
            for n in cluster:
                keys[n] = fullest
    return keys


def _clusters(group: list[str], people: dict[str, Person]) -> list[list[str]]:
    """Spellings of one family name, joined where compatible; a joined group in which some
    pair is not compatible is split back into its spellings."""
    parent = {n: n for n in group}

    def root(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    for i, a in enumerate(group):
        for b in group[i + 1 :]:
            same_given = people[a].given == people[b].given
            if same_given or compatible(people[a].given, people[b].given):
                parent[root(a)] = root(b)
    joined: dict[str, list[str]] = {}
    for n in group:
        joined.setdefault(root(n), []).append(n)
    out = []
    for cluster in joined.values():
        whole = all(
            people[a].given == people[b].given or compatible(people[a].given, people[b].given)
            for i, a in enumerate(cluster)
            for b in cluster[i + 1 :]
        )
        out.extend([cluster] if whole else [[n] for n in cluster])
    return out


__all__ = [
    "MARKERS",
    "Person",
    "compatible",
    "fold",
    "is_owner_name",
    "near_names",
    "parse",
    "person_keys",
    "same_person",
    "strip_markers",
]
