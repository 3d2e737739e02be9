"""What kind of venue a publication's text names: shared by the imports (a JSON Resume's
publisher, a BibTeX ``journal`` that is a conference's name)."""

from __future__ import annotations

import re

#: Conferences a publisher or venue text may name (matched as whole words, any case).
CONFERENCES = (
    "NeurIPS", "NIPS", "ICML", "ICLR", "CVPR", "ICCV", "ECCV", "ACL", "EMNLP", "NAACL",
    "COLING", "AAAI", "IJCAI", "KDD", "SIGGRAPH", "CHI", "UIST", "SIGIR", "WWW", "WSDM",
    "AISTATS", "UAI", "COLT", "CoRL", "RSS", "ICRA", "IROS", "INTERSPEECH", "ICASSP",
    "OSDI", "SOSP", "NSDI", "SIGMOD", "VLDB", "ICSE", "FSE", "PLDI", "POPL", "STOC", "FOCS",
    "SODA", "CCS", "USENIX", "MICCAI",
)  # fmt: skip
_CONFERENCE = re.compile(r"\b(" + "|".join(CONFERENCES) + r")\b", re.IGNORECASE)
_CONFERENCE_WORDS = re.compile(r"\b(conference|proceedings|symposium|workshop)\b", re.I)
_PREPRINT = re.compile(r"\b(arxiv|corr|biorxiv|medrxiv|ssrn|preprint)\b", re.IGNORECASE)
_JOURNAL = re.compile(r"\b(journal|transactions|letters|review|magazine)\b", re.IGNORECASE)


def paper_kind(venue: str) -> tuple[str, str, bool]:
    """``(type, status, sure)`` of a publication from its publisher or venue text:
    a known conference or the words conference, proceedings, symposium, workshop: a
    conference paper; arXiv, CoRR, bioRxiv, a preprint; a journal word: a journal paper;
    else a journal paper, not sure (the report asks the owner to check)."""
    if _PREPRINT.search(venue):
        return "preprint", "preprint", True
    if _CONFERENCE.search(venue) or _CONFERENCE_WORDS.search(venue):
        return "conference", "published", True
    if _JOURNAL.search(venue):
        return "journal", "published", True
    return "journal", "published", False


#: A text that is only a known conference's name, with its year: ``ICML``, ``{NeurIPS} 2022``.
_ONLY_CONFERENCE = re.compile(
    r"^\W*(?:" + "|".join(CONFERENCES) + r")\W*(?:\d{4})?\W*$", re.IGNORECASE
)


def only_a_conference(text: str) -> bool:
    """Whether ``text`` is nothing but a known conference's name (and a year)."""
    return bool(_ONLY_CONFERENCE.match(text))
