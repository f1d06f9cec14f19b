"""Redact identifying details from free text before anyone but its author reads it.

Open answers are personal data of their authors, and a name, an e-mail address, a phone number or
a CPR number in them can point at a person (the author, a colleague, a citizen). ``redact`` replaces

- names from the leader register (``known_names``: full names and each part of them),
- common Danish first names (a built-in list, case-sensitive: "Per" is redacted, "per" is not),
- e-mail addresses, phone numbers and CPR-like numbers (``ddmmyy-xxxx``)

with ``[navn]``, ``[e-mail]``, ``[telefon]`` and ``[cpr]``. Redaction is deliberately greedy:
a false positive costs a word, a false negative can cost an author's anonymity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

NAME = "[navn]"
EMAIL = "[e-mail]"
PHONE = "[telefon]"
CPR = "[cpr]"

# About 300 common Danish first names (Danmarks Statistik's most frequent names, both sexes,
# several generations). Names that are also everyday Danish words in capitalised form
# (e.g. "Mark", "Bo", "Per") are kept: a capitalised word in the middle of a sentence is more
# often a name than not.
DANISH_FIRST_NAMES: frozenset[str] = frozenset(
    """
    Aage Adam Agnes Albert Alberte Alexander Alfred Alice Allan Alma Amalie Amanda Anders Andrea
    Andreas Anette Ane Anita Anja Ann Anna Anne Anneli Annette Anni Annie Ansgar Anton Arne Arthur
    Asger Asta Astrid August Axel Bent Benjamin Bente Berit Birgit Birgitte Birthe Bjarke Bjarne
    Bjørn Bo Britt Brian Bodil Børge Camilla Carina Carl Carla Carsten Caroline Cecilie Charlotte
    Christian Christina Christine Christoffer Clara Claus Conny Dagmar Dan Daniel David Dennis Dina
    Ditte Dorte Dorthe Ebbe Edith Egon Eigil Ejner Elias Elin Elisabeth Ella Ellen Elna Else Emil
    Emilie Emma Erik Erling Esben Esther Eva Ferdinand Filippa Finn Flemming Frank Freja Frederik
    Frederikke Frida Frode Gert Gitte Grethe Gudrun Gunnar Gustav Hanne Hans Harald Harry Heidi
    Helene Helga Helle Helmer Henning Henrik Henriette Herdis Hjalte Holger Ib Ida Inge Inger Ingrid
    Irene Iris Isabella Ivan Ivar Jacob Jakob Jan Jane Janne Jannik Jens Jeppe Jesper Jette Jonas
    Jonathan Johan Johanne Johannes John Jon Josefine Julie Julius Jytte Jørgen Jørn Kaj Karen Kari
    Karin Karina Karl Karla Karsten Kasper Katrine Kenneth Kim Kirsten Kirstine Kjeld Klara Klaus
    Knud Kristian Kristina Kristine Kurt Laila Lars Lasse Laura Lea Leif Lena Lene Leo Lilly Line
    Linda Lis Lisa Lise Lisbeth Liva Lone Lotte Louise Lucas Lukas Ludvig Magnus Maja Malene Malou
    Malthe Marcus Margit Margrethe Maria Marianne Marie Mark Marlene Martin Mathias Mathilde Mads
    Mette Michael Michelle Mikael Mikkel Mona Morten Naja Nanna Natasja Nicolai Niels Nikolaj Nina
    Noah Nora Ole Olga Oliver Oscar Oskar Otto Palle Pernille Per Peter Philip Pia Poul Preben
    Rasmus Rebecca Rikke Rita Robert Rolf Rosa Rune Ruth Sanne Sara Sarah Sebastian Signe Sigrid
    Silas Simon Sine Sofia Sofie Solveig Sonja Steen Sten Stefan Steffen Stig Susanne Svend Sven
    Sørine Søren Tage Theo Thomas Thor Thorkild Tim Tina Tine Tobias Tom Tommy Tonny Tove Trine
    Troels Tue Ulla Ulrik Valdemar Vagn Vera Verner Victor Victoria Viggo Viktor Villads Vibeke
    Vilhelm Villy William Winnie Yvonne Zenia Åse Ole-Johan Anne-Mette Anne-Marie Hans-Henrik
    Jens-Peter Karl-Johan Lise-Lotte Mette-Marie Per-Ole Signe-Marie
    """.split()
)

_WORD_CHARS = "A-Za-zÆØÅæøåÄÖÜäöüÉéÈèÁáÍíÓóÚúÑñ"
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# CPR: ddmmyy-xxxx or ddmmyyxxxx with a plausible day and month.
_CPR_RE = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[- ]?\d{4}(?!\d)")
# Danish phone numbers: optional +45/0045, then 8 digits, possibly grouped in 2s or 4s.
_PHONE_RE = re.compile(
    r"(?<![\d\w])(?:(?:\+|00)45[ -]?)?(?:\d{2}[ .-]?){3}\d{2}(?![\d\w])"
)


def _word_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    if not unique:
        return None
    alternation = "|".join(re.escape(w) for w in unique)
    # Whole words only, and the possessive "s" ("Hanss" is unlikely; "Hans's" rarely Danish).
    return re.compile(rf"(?<![{_WORD_CHARS}])(?:{alternation})(?:s)?(?![{_WORD_CHARS}])")


@lru_cache(maxsize=1)
def _first_name_pattern() -> re.Pattern[str]:
    pattern = _word_pattern(DANISH_FIRST_NAMES)
    assert pattern is not None
    return pattern


def _name_parts(known_names: Iterable[str]) -> list[str]:
    """Full names first, then each part of at least two letters, so "Hanne Bøgh Madsen" also
    catches "Bøgh" and "Madsen" on their own."""
    full: list[str] = []
    parts: list[str] = []
    for name in known_names:
        name = " ".join((name or "").split())
        if not name:
            continue
        full.append(name)
        # Capitalised parts only: particles such as "de" or "von" are ordinary lowercase words.
        parts.extend(p for p in name.split(" ") if len(p.strip(".")) >= 2 and p[0].isupper())
    return full + parts


def redact(text: str, known_names: Iterable[str] = ()) -> str:
    """Return ``text`` with names, e-mail addresses, phone numbers and CPR numbers replaced."""
    if not text:
        return text
    # Order matters: e-mail before names (an address holds a name), CPR before phone numbers
    # (both are runs of digits).
    out = _EMAIL_RE.sub(EMAIL, text)
    out = _CPR_RE.sub(CPR, out)
    out = _PHONE_RE.sub(PHONE, out)
    known = _word_pattern(_name_parts(known_names))
    if known is not None:
        out = known.sub(NAME, out)
    out = _first_name_pattern().sub(NAME, out)
    # "[navn] [navn]" from a first and last name reads better as one placeholder.
    out = re.sub(r"\[navn\](?:[ -]\[navn\])+", NAME, out)
    return out
