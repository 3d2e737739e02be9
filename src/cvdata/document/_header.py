"""The CV's header: the person's name, headline, public contacts and quote."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from ..cells import text as _s
from ..dates import show as _show_date
from ..load import CV
from ._model import Header, Run


def _bare_address(url: str) -> str:
    """An address without its scheme, ``www.`` and trailing slash: what two spellings of
    one web address share (``https://www.x.org/`` and ``x.org``)."""
    bare = re.sub(r"^(?:https?://|mailto:)", "", url.strip(), flags=re.I)
    return re.sub(r"^www\.", "", bare, flags=re.I).rstrip("/").lower()


def person_location(person: pd.Series) -> str:
    """Where the person lives, as written: 'Portland, Oregon 97214, US' (city, region
    and postal code, country); '' when ``person.csv`` says nothing. The street address is
    a private contact, never part of it."""
    region = " ".join(x for x in (_s(person.get("region")), _s(person.get("postal_code"))) if x)
    return ", ".join(
        x for x in (_s(person.get("city")), region, _s(person.get("country_code"))) if x
    )


def header(cv: CV) -> Header:
    p = cv.owner
    contacts, kinds = [], []
    where = person_location(p)
    if where:
        contacts.append((Run(where),))
        kinds.append("location")
    for c in cv.contacts[cv.contacts["visibility"] == "public"].itertuples():
        url = _s(c.url)
        if not (_s(c.value) or url):
            continue  # a profile whose address is unknown has nothing to show
        text = _s(c.value) or _s(c.label)
        same = _s(c.value) == _s(c.label) or (
            bool(url) and _bare_address(_s(c.value)) == _bare_address(url)
        )
        if c.kind != "email" and _s(c.value) and _s(c.label) and not same:
            # "GitHub: ytberg"; but a value that is the address itself is shown once,
            # not after a label that only says what it is ("Website: https://x.org").
            text = f"{c.label}: {c.value}"
        if url:
            contacts.append((Run(text, href=url),))
        else:
            contacts.append((Run(text),))
        kinds.append(_s(c.kind))
    return Header(
        name=_s(p["name"]),
        headline=_s(p["headline"]),
        contacts=tuple(contacts),
        quote=_s(p["quote"]),
        quote_author=_s(p["quote_author"]),
        kinds=tuple(kinds),
        updated=_show_date(cv.as_of, "day"),
    )


def header_of(cv: CV, *, resume: bool = False) -> Header:
    """The header of the CV, or of the résumé (which has no quote)."""
    head = header(cv)
    return dataclasses.replace(head, quote="", quote_author="") if resume else head
