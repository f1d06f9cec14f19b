"""Short Danish dates: "23. sep. 2026" (Retskrivningsordbogen's month abbreviations).

Django's ``M`` gives "Sept" and ``N`` gives AP-style "sept." — neither is Danish. Registered as a
built-in template library (settings.TEMPLATES), so every template has ``|kort_dato``.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()

MONTHS = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def short_date(value: dt.date | dt.datetime | None, with_time: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        text = f"{value.day}. {MONTHS[value.month - 1]} {value.year}"
        return f"{text} {value:%H:%M}" if with_time else text
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


@register.filter(name="kort_dato")
def kort_dato(value: dt.date | dt.datetime | None, arg: str = "") -> str:
    """``{{ d|kort_dato }}`` → "23. sep. 2026"; ``{{ d|kort_dato:"tid" }}`` adds "14:05"."""
    return short_date(value, with_time=arg == "tid")
