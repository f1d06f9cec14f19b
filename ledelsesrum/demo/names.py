"""Synthetic Danish leader names and e-mail addresses.

Names are composed from lists of common Danish first and last names, so no generated person is
meant to be a real one. E-mail addresses are ``fornavn.efternavn@demo-kommune.dk``, transliterated
to ASCII and made unique with a number when a combination repeats.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

DEMO_DOMAIN = "demo-kommune.dk"

FEMALE_FIRST_NAMES = [
    "Anne", "Mette", "Kirsten", "Hanne", "Helle", "Susanne", "Lene", "Marianne", "Camilla",
    "Louise", "Charlotte", "Pia", "Tina", "Maria", "Karina", "Bente", "Lone", "Rikke", "Line",
    "Heidi", "Trine", "Dorte", "Gitte", "Signe", "Julie", "Sanne", "Stine", "Maja", "Birgitte",
    "Malene", "Ida", "Jette", "Anja", "Christina", "Mia", "Katrine", "Lotte", "Sofie", "Inge",
    "Merete", "Ulla", "Vibeke", "Tove", "Anette", "Nanna", "Søs", "Åse", "Bodil",
]
MALE_FIRST_NAMES = [
    "Peter", "Jens", "Lars", "Michael", "Henrik", "Thomas", "Søren", "Jan", "Niels", "Christian",
    "Martin", "Anders", "Morten", "Jesper", "Mads", "Rasmus", "Per", "Kim", "Hans", "Jørgen",
    "Ole", "Torben", "Klaus", "Steen", "Brian", "Jakob", "Kasper", "Mikkel", "Nikolaj", "Bo",
    "Frederik", "Kenneth", "Allan", "Flemming", "Carsten", "Bjarne", "Poul", "René", "Kristian",
    "Emil", "Jonas", "Simon", "Erik", "Ebbe", "Anker", "Thorkild", "Preben", "Uffe",
]
LAST_NAMES = [
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen",
    "Olesen", "Frederiksen", "Laursen", "Henriksen", "Lund", "Schmidt", "Eriksen", "Holm",
    "Kristiansen", "Clausen", "Simonsen", "Svendsen", "Andreasen", "Iversen", "Jeppesen",
    "Mogensen", "Jacobsen", "Vestergaard", "Nissen", "Lauridsen", "Kjær", "Jepsen", "Skov",
    "Østergaard", "Dahl", "Bertelsen", "Bach", "Lassen", "Overgaard", "Kjeldsen", "Søndergaard",
    "Nørgaard", "Krogh", "Bækgaard", "Gregersen", "Winther", "Frandsen",
]

# Danish letters in e-mail local parts are still rare in practice; the usual transliteration.
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u", "ö": "oe", "ä": "ae"})


def email_local_part(name: str) -> str:
    """``"Søren Kjær Østergaard"`` → ``"soeren.kjaer.oestergaard"``."""
    parts = [p.lower().translate(_ASCII) for p in name.split()]
    return ".".join("".join(ch for ch in p if ch.isalnum() or ch == "-") for p in parts if p)


class NameGenerator:
    """Draws unique synthetic leader names and e-mail addresses from a seeded random source."""

    def __init__(
        self, rng: random.Random, domain: str = DEMO_DOMAIN, taken_emails: Iterable[str] = ()
    ) -> None:
        self.rng = rng
        self.domain = domain
        self._names: set[str] = set()
        self._emails: set[str] = {e.lower() for e in taken_emails}

    def name(self) -> str:
        """A full name; about one in five has a middle surname, as many Danes do."""
        for _ in range(1000):
            first = self.rng.choice(FEMALE_FIRST_NAMES if self.rng.random() < 0.6 else MALE_FIRST_NAMES)
            last = self.rng.choice(LAST_NAMES)
            if self.rng.random() < 0.2:
                middle = self.rng.choice(LAST_NAMES)
                if middle != last:
                    last = f"{middle} {last}"
            full = f"{first} {last}"
            if full not in self._names:
                self._names.add(full)
                return full
        raise RuntimeError("name lists exhausted")  # unreachable for a few thousand names

    def email(self, name: str) -> str:
        """``fornavn.efternavn@domain`` for the first and last part of the name, numbered if taken."""
        parts = name.split()
        local = email_local_part(f"{parts[0]} {parts[-1]}")
        candidate = f"{local}@{self.domain}"
        number = 2
        while candidate in self._emails:
            candidate = f"{local}{number}@{self.domain}"
            number += 1
        self._emails.add(candidate)
        return candidate

    def person(self) -> tuple[str, str]:
        name = self.name()
        return name, self.email(name)
