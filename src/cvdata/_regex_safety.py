"""Refusing regular expressions that can backtrack for ever (catastrophic backtracking).

Python's ``re`` tries every way a repetition inside a repetition can split a string:
``^(a+)+$`` against thirty ``a`` and a ``!`` takes minutes, and ``re`` cannot be
interrupted. A fork's ``datapackage.json`` may declare patterns, so each is checked when
the descriptor is read: a repetition whose body holds another variable repetition (or an
alternation whose branches can match the same characters) is refused, unless every
iteration is pinned by a first or last character the inner parts cannot match, as in the
shipped id pattern ``^[a-z0-9]+(?:-[a-z0-9]+)*$``.

The walk goes into every kind of node ``re``'s parser makes: groups, alternations,
lookaheads and lookbehinds, atomic groups, possessive repetitions, and case-insensitive
parts (where ``a`` and ``A`` are the same character). Backreferences and conditional
groups are refused outright (matching with them is hard in general), and so is any node
this module does not know. The check is conservative: it may refuse a harmless pattern,
never passes one of the exponential shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

try:  # Python 3.11+
    from re import _constants as c
    from re import _parser as parser
except ImportError:  # pragma: no cover
    import sre_constants as c  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

try:
    from re._casefix import _EXTRA_CASES  # characters like 's' and 'ſ' that fold together
except ImportError:  # pragma: no cover
    _EXTRA_CASES = {}

Chars = frozenset[int] | None  # None: any character
_ATOMIC = getattr(c, "ATOMIC_GROUP", None)
_POSSESSIVE = getattr(c, "POSSESSIVE_REPEAT", None)
_REPEATS = tuple(op for op in (c.MAX_REPEAT, c.MIN_REPEAT, _POSSESSIVE) if op is not None)
_LOOKAROUNDS = (c.ASSERT, c.ASSERT_NOT)
_ONE_CHAR = (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN)
_WIDE = 512  # a class range wider than this is treated as "any character"
#: Optional or repeated parts one pattern may hold: ``a?`` written 25 times in a row
#: tries 2**25 ways without any repetition around it.
MAX_VARIABLE_PARTS = 12

EXPONENTIAL = (
    "can take exponential time on some cells (a repetition inside a repetition, like "
    "(a+)+); pin each repetition with a character the inner one cannot match, like "
    "^[a-z0-9]+(?:-[a-z0-9]+)*$"
)
BACKREFERENCE = (
    "uses a backreference (like \\1 or (?P=name)), which can take exponential time; "
    "cvdata does not run such patterns"
)
CONDITIONAL = (
    "uses a conditional group (like (?(1)a|b)), which can take exponential time; "
    "cvdata does not run such patterns"
)
TOO_MANY = (
    f"has more than {MAX_VARIABLE_PARTS} optional or repeated parts, which can take "
    "exponential time; write it with fewer"
)
UNCHECKED = "cannot be checked for exponential time (too deeply nested or an unknown construct)"


class _Refused(Exception):
    """A pattern cvdata will not run; ``args[0]`` says why."""


def _fold(chars: Chars, icase: bool) -> Chars:
    """``chars`` with every character a case-insensitive match treats as the same."""
    if chars is None or not icase:
        return chars
    out = set(chars)
    for ch in chars:
        for variant in (chr(ch).lower(), chr(ch).upper(), chr(ch).casefold()):
            if len(variant) == 1:
                out.add(ord(variant))
    for ch in list(out):
        out.update(_EXTRA_CASES.get(ch, ()))
    return frozenset(out)


def _icase(icase: bool, av: tuple) -> bool:
    """Whether a group ``(?i:...)`` / ``(?-i:...)`` matches case-insensitively."""
    _, add, remove, _ = av
    return (icase or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE


def _item_chars(op: object, av: object, icase: bool) -> Chars:
    """The characters one parsed item can consume."""
    if op is c.LITERAL:
        return _fold(frozenset((av,)), icase)  # type: ignore[arg-type]
    if op is c.IN:
        out: set[int] = set()
        for o, a in av:  # type: ignore[attr-defined]
            if o is c.LITERAL:
                out.add(a)
            elif o is c.RANGE and a[1] - a[0] <= _WIDE:
                out.update(range(a[0], a[1] + 1))
            else:  # NEGATE, CATEGORY (\d, \s, ...), wide ranges
                return None
        return _fold(frozenset(out), icase)
    if op in _REPEATS:
        return _chars(av[2], icase)  # type: ignore[index]
    if op is c.SUBPATTERN:
        return _chars(av[3], _icase(icase, av))  # type: ignore[arg-type,index]
    if op is _ATOMIC:
        return _chars(av, icase)
    if op is c.BRANCH:
        return _union(_chars(b, icase) for b in av[1])  # type: ignore[index]
    if op is c.AT or op in _LOOKAROUNDS:
        return frozenset()  # consume nothing
    return None  # ANY, NOT_LITERAL, GROUPREF, ...


def _chars(items: object, icase: bool) -> Chars:
    return _union(_item_chars(op, av, icase) for op, av in items)  # type: ignore[attr-defined]


def _union(sets: Iterable[Chars]) -> Chars:
    out: set[int] = set()
    for s in sets:
        if s is None:
            return None
        out |= s
    return frozenset(out)


def _disjoint(a: Chars, b: Chars) -> bool:
    return a is not None and b is not None and not (a & b)


def _hazards(items: object, icase: bool) -> list[Chars]:
    """The characters of every ambiguous part nested in ``items``: variable repetitions,
    alternations whose branches overlap, and lookarounds holding either.

    None stands for a part no character can pin: an alternation with two ways to match the
    same text (``(a|a)*`` retries both in every iteration), a lookaround (it reads past the
    iteration it sits in). A nested repetition of more than one iteration counts as one
    part: :func:`_check` looks into it on its own.
    """
    found: list[Chars] = []
    for op, av in items:  # type: ignore[attr-defined]
        if op in _REPEATS:
            if av[0] != av[1]:
                found.append(_chars(av[2], icase))
            if av[1] <= 1:
                found += _hazards(av[2], icase)
        elif op is c.SUBPATTERN:
            found += _hazards(av[3], _icase(icase, av))
        elif op is _ATOMIC:
            found += _hazards(av, icase)
        elif op in _LOOKAROUNDS:
            if _hazards(av[1], icase):
                found.append(None)
        elif op is c.BRANCH:
            branches = [_chars(b, icase) for b in av[1]]
            # Overlapping branches, or an empty one (``a|aa`` is parsed as ``a(?:|a)``).
            if any(b == frozenset() for b in branches) or any(
                not _disjoint(x, y) for i, x in enumerate(branches) for y in branches[i + 1 :]
            ):
                found.append(None)
            for b in av[1]:
                found += _hazards(b, icase)
    return found


def _edge(items: list, index: int, icase: bool) -> Chars:
    """The characters of the single-character item at the start (0) or end (-1) of a
    sequence, looking into groups; None when that item is not one mandatory character."""
    while items:
        op, av = items[index]
        if op is c.SUBPATTERN:
            icase = _icase(icase, av)
            items = list(av[3])
            continue
        if op in (c.LITERAL, c.IN):
            return _item_chars(op, av, icase)
        return None
    return None


def _check(items: object, icase: bool) -> int:
    """Raise :class:`_Refused` for the first unsafe part of ``items``; else the number of
    optional or repeated parts in it."""
    parts = 0
    for op, av in items:  # type: ignore[attr-defined]
        if op in _ONE_CHAR or op is c.AT:
            continue
        if op in _REPEATS:
            body = list(av[2])
            hazards = _hazards(body, icase)
            if av[1] > 1 and hazards:
                # Pinned: an iteration starts (or ends) with a character no ambiguous part
                # can match, and those parts cannot trade characters with one another
                # (``(?:-a?a?)+`` matches each "-a" two ways).
                pinned = all(
                    _disjoint(x, y) for i, x in enumerate(hazards) for y in hazards[i + 1 :]
                ) and any(
                    (edge := _edge(body, i, icase)) is not None
                    and all(_disjoint(edge, h) for h in hazards)
                    for i in (0, -1)
                )
                if not pinned:
                    raise _Refused(EXPONENTIAL)
            parts += (av[0] != av[1]) + _check(body, icase)
        elif op is c.SUBPATTERN:
            parts += _check(av[3], _icase(icase, av))
        elif op is _ATOMIC:
            parts += _check(av, icase)
        elif op in _LOOKAROUNDS:
            parts += _check(av[1], icase)
        elif op is c.BRANCH:
            parts += len(av[1]) - 1 + sum(_check(b, icase) for b in av[1])
        elif op is c.GROUPREF:
            raise _Refused(BACKREFERENCE)
        elif op is c.GROUPREF_EXISTS:
            raise _Refused(CONDITIONAL)
        else:  # a construct of a later Python: refused rather than trusted
            raise _Refused(UNCHECKED)
    return parts


def refusal(pattern: str) -> str | None:
    """Why ``pattern`` (a valid regular expression) may take exponential time, in words
    that follow "pattern '...' "; None when it is safe to run."""
    try:
        parsed = parser.parse(pattern)
        if _check(parsed, bool(parsed.state.flags & re.IGNORECASE)) > MAX_VARIABLE_PARTS:
            return TOO_MANY
    except _Refused as e:
        return str(e)
    except (re.error, RecursionError, TypeError, ValueError, OverflowError):
        return UNCHECKED
    return None


def backtracks(pattern: str) -> bool:
    """Whether ``pattern`` (a valid regular expression) may take exponential time."""
    return refusal(pattern) is not None
