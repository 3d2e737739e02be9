"""The numbers of the CV's opening (``cvdata.charts.numbers``): what they count."""

from __future__ import annotations

import pytest

from cvdata.charts.numbers import _experience_label


@pytest.mark.parametrize(
    ("kinds", "label"),
    [
        ({"industry", "research", "education"}, "years of industry and research experience"),
        ({"internship", "research"}, "years of industry and research experience"),
        ({"research", "education"}, "years of research experience"),
        ({"industry", "education"}, "years of experience"),
        ({"internship"}, "years of experience"),
    ],
)
def test_the_years_say_what_they_count(kinds: set[str], label: str) -> None:
    assert _experience_label(kinds) == label
