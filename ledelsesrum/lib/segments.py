"""The one banding of each breakdown variable.

ANONYMITY.md: one fixed banding per variable — two bandings of the same variable would leak a
one-person band. Every breakdown, import and export uses these functions and nothing else.
"""

from __future__ import annotations

# (upper bound inclusive, label). The last band is open-ended.
SENIORITY_BANDS: list[tuple[int | None, str]] = [
    (2, "0-2 år"),
    (5, "3-5 år"),
    (10, "6-10 år"),
    (None, "over 10 år"),
]
SPAN_BANDS: list[tuple[int | None, str]] = [
    (10, "1-10"),
    (25, "11-25"),
    (50, "26-50"),
    (None, "over 50"),
]

SENIORITY_LABELS = [label for _, label in SENIORITY_BANDS]
SPAN_LABELS = [label for _, label in SPAN_BANDS]


def _band(value: int | None, bands: list[tuple[int | None, str]]) -> str:
    if value is None:
        return ""
    for upper, label in bands:
        if upper is None or value <= upper:
            return label
    raise AssertionError("the last band is open-ended")


def seniority_band(years_as_leader: int | None) -> str:
    """Band for years as leader; '' when unknown."""
    return _band(years_as_leader, SENIORITY_BANDS)


def span_band(span_of_control: int | None) -> str:
    """Band for span of control (number of employees led); '' when unknown."""
    return _band(span_of_control, SPAN_BANDS)


# The breakdown variables of a round, as (field on Response, Danish label).
BREAKDOWNS: list[tuple[str, str]] = [
    ("area", "Område"),
    ("level", "Ledelsesniveau"),
    ("seniority_band", "Erfaring som leder"),
    ("span_band", "Ledelsesspænd"),
]
