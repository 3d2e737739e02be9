"""Refusing regular expressions that can backtrack for ever (catastrophic backtracking).

Python's ``re`` tries every way a repetition inside a repetition can split a string:
``^(a+)+$`` against thirty ``a`` and a ``!`` takes minutes, and ``re`` cannot be
interrupted. A fork's ``datapackage.json`` may declare patterns, so each is checked when
the descriptor is read: a repetition whose body holds another variable repetition (or an
alternation whose branches can match the same characters) is refused, unless every
iteration is pinned by a first or last character the inner parts cannot match, as in the
shipped id pattern ``^[a-z0-9]+(?:-[a-z0-9]+)*$``. The check is conservative: it may
refuse a harmless pattern, never passes one of the classic exponential shapes.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as c
    from re import _parser as parser
except ImportError:  # pragma: no cover
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

Chars = frozenset[int] | None  # None: any character
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT)
_WIDE = 512  # a class range wider than this is treated as "any character"


def _item_chars(op: object, av: object) -> Chars:
    """The characters one parsed item can consume."""
    if op is c.LITERAL:
        return frozenset((av,))  # type: ignore[arg-type]
    if op is c.IN:
        out: set[int] = set()
        for o, a in av:  # type: ignore[attr-defined]
            if o is c.LITERAL:
                out.add(a)
            elif o is c.RANGE and a[1] - a[0] <= _WIDE:
                out.update(range(a[0], a[1] + 1))
            else:  # NEGATE, CATEGORY (\d, \s, ...), wide ranges
                return None
        return frozenset(out)
    if op in _REPEATS or op is getattr(c, "POSSESSIVE_REPEAT", None):
        return _chars(av[2])  # type: ignore[index]
    if op is c.SUBPATTERN:
        return _chars(av[3])  # type: ignore[index]
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _chars(av)  # type: ignore[arg-type]
    if op is c.BRANCH:
        return _union(_chars(b) for b in av[1])  # type: ignore[index]
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return frozenset()  # consume nothing
    return None  # ANY, NOT_LITERAL, GROUPREF, ...


def _chars(items: object) -> Chars:
    return _union(_item_chars(op, av) for op, av in items)  # type: ignore[attr-defined]


def _union(sets) -> Chars:
    out: set[int] = set()
    for s in sets:
        if s is None:
            return None
        out |= s
    return frozenset(out)


def _disjoint(a: Chars, b: Chars) -> bool:
    return a is not None and b is not None and not (a & b)


def _hazards(items: object) -> list[Chars]:
    """The characters of every ambiguous part nested in ``items``: variable repetitions,
    and alternations whose branches overlap."""
    found: list[Chars] = []
    for op, av in items:  # type: ignore[attr-defined]
        if op in _REPEATS:
            if av[0] != av[1]:
                found.append(_chars(av[2]))
            found += _hazards(av[2])
        elif op is c.SUBPATTERN:
            found += _hazards(av[3])
        elif op is c.BRANCH:
            branches = [_chars(b) for b in av[1]]
            # Overlapping branches, or an empty one (``a|aa`` is parsed as ``a(?:|a)``).
            if any(b == frozenset() for b in branches) or any(
                not _disjoint(x, y) for i, x in enumerate(branches) for y in branches[i + 1 :]
            ):
                found.append(_union(branches))
            for b in av[1]:
                found += _hazards(b)
    return found


def _edge(items: list, index: int) -> Chars:
    """The characters of the single-character item at the start (0) or end (-1) of a
    sequence, looking into groups; None when that item is not one mandatory character."""
    while items:
        op, av = items[index]
        if op is c.SUBPATTERN:
            items = list(av[3])
            continue
        if op in (c.LITERAL, c.IN):
            return _item_chars(op, av)
        return None
    return None


def _groups(op: object, av: object) -> list:
    """The sequences nested directly in a group, an alternation or an atomic group."""
    if op is c.SUBPATTERN:
        return [av[3]]  # type: ignore[index]
    if op is c.BRANCH:
        return list(av[1])  # type: ignore[index]
    if op is getattr(c, "ATOMIC_GROUP", None):
        return [av]
    return []


def _first_unsafe(items: object) -> bool:
    for op, av in items:  # type: ignore[attr-defined]
        if op in _REPEATS:
            body = list(av[2])
            hazards = _hazards(body)
            if av[1] > 1 and hazards:
                pinned = any(
                    (edge := _edge(body, i)) is not None
                    and all(_disjoint(edge, h) for h in hazards)
                    for i in (0, -1)
                )
                if not pinned:
                    return True
            if _first_unsafe(body):
                return True
        elif any(_first_unsafe(g) for g in _groups(op, av)):
            return True
    return False


def backtracks(pattern: str) -> bool:
    """Whether ``pattern`` (a valid regular expression) may take exponential time."""
    try:
        return _first_unsafe(parser.parse(pattern))
    except (re.error, RecursionError, TypeError):
        return True
