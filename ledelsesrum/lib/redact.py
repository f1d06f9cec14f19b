"""Redact identifying details from free text: a compatibility wrapper around the scrubber.

The rules live in :mod:`ledelsesrum.disclosure.scrub` (names from the register and the bundled
Danish name lists in any case and spelling, unit names, e-mail addresses, phone and CPR numbers).
This module keeps the old entry point and the first-name set that
``ledelsesrum.interviews.pseudonymise`` builds on.
"""

from __future__ import annotations

from collections.abc import Iterable

from ledelsesrum.disclosure.scrub import CPR, EMAIL, NAME, PHONE, UNIT, danish_names, scrub

__all__ = ["CPR", "DANISH_FIRST_NAMES", "EMAIL", "NAME", "PHONE", "UNIT", "redact"]

# The full first-name list of data/danish_names.json (Faker da_DK merged with the ~300 most
# frequent names this module used to list), capitalised as written.
DANISH_FIRST_NAMES: frozenset[str] = danish_names().first_names


def redact(text: str, known_names: Iterable[str] = (), unit_names: Iterable[str] = ()) -> str:
    """Return ``text`` with names, units, e-mail addresses, phone numbers and CPR numbers replaced."""
    return scrub(text, known_names=known_names, unit_names=unit_names)
