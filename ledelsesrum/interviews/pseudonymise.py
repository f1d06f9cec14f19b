"""Pseudonymise interview notes: replace persons with stable pseudonyms and keep the key apart.

Pure Python, no Django. The caller loads the study's existing key into a :class:`PseudonymTable`
and the leader register into a :class:`Register`, calls :func:`pseudonymise` per note, and stores
``result.new_entries``. The same real value always gets the same pseudonym within a study.

What is replaced, in this order (earlier rules win where spans overlap):

1. Text already in square brackets (``[Leder A]``) is left alone, so saving a note twice, or
   saving text that holds pseudonyms, never re-pseudonymises it.
2. E-mail addresses → ``[E-mail n]``.
3. CPR-like numbers, ``ddmmyy-xxxx``, ``ddmmyy xxxx`` and ``ddmmyyxxxx`` whose first six digits are
   a real calendar date (day valid for the month, 29 February always allowed) → ``[CPR n]``.
4. Danish phone numbers: eight digits starting with 2–9, written ``12345678``, ``12 34 56 78``
   (space, dot or hyphen), or ``1234 5678``, optionally after ``+45``/``0045`` → ``[Telefon n]``.
   Not: an amount (followed by "kr", "mio" or "%"), two years ("2019 2020").
5. Leaders from the register (any leader of the organisation, active or not):
   the full name and "first last" → that leader's ``[Leder X]``; a single capitalised part of a
   name (first, middle or last name, two letters or more) → the leader's pseudonym when exactly
   one leader has that part, otherwise ``[Person n]`` for that word. Register names count
   everywhere, also at the start of a sentence.
6. Other persons, found among runs of capitalised words:
   - a first name from the Danish first-name list followed by one to three capitalised words
     ("Kirsten Holm") is a full name → ``[Person n]`` for the whole run;
   - a first name on its own is a name, except at the start of a sentence when the name is also an
     everyday Danish word (``COMMON_WORD_NAMES``: "Bo", "Mark", "Sol", "Hans", "Tage" …). Danish
     does not capitalise nouns, so a capitalised "Mark" mid-sentence is a name, but "Mark og eng"
     opening a sentence is not. A sentence starts at the start of the text or a line, after
     ``. ! ? :`` and after a list bullet;
   - a common Danish surname ("Jensen", "Nielsen" …) anywhere, and a capitalised word ending in
     "-sen" that is not at the start of a sentence ("Kragsen") → ``[Person n]``;
   - a capitalised word after a title ("fru", "hr.", "frk.") → ``[Person n]``.
   A possessive "s" stays after the pseudonym: "Hannes" → "[Leder A]s".

Limits (documented in docs/interviews.md): names not on the list and without a clue (a foreign
first name alone, a nickname, a surname not ending in -sen), lowercase names, and indirect
identification ("skolelederen på Nordskolen") are not caught: an analyst reads the notes.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ledelsesrum.lib.redact import DANISH_FIRST_NAMES

NAME = "name"
EMAIL = "email"
PHONE = "phone"
CPR = "cpr"
KINDS = (NAME, EMAIL, PHONE, CPR)

# Common first names in Denmark that are missing from lib.redact's list, among them names of
# other origins and newer names that are also words ("Sol", "Ask", "Storm").
EXTRA_FIRST_NAMES: frozenset[str] = frozenset(
    """
    Ahmed Ali Aisha Amina Fatima Hassan Hussein Ibrahim Khalid Layla Leila Mohamed Mohammad
    Mohammed Muhammad Mustafa Omar Yusuf Zainab Zeynep Ask Birk Storm Sol Lærke Alberte Karoline
    Kamilla Dorthea Marius Mie Mille Sebastian Tobias Vilma Aya Ellie Olivia Alba Agnete Signe
    Jannie Susanne Gry Majbritt Pernille Rikke Ditte Kristoffer Jesper Brian Kenneth Torben
    Ejnar Arne Asbjørn Sune Ulf Søs Mads Jimmi Jimmy Jonna Bettina Karsten Tonni Gunner
    """.split()
)
FIRST_NAMES: frozenset[str] = DANISH_FIRST_NAMES | EXTRA_FIRST_NAMES

# First names that are also everyday Danish words (capitalised at the start of a sentence).
COMMON_WORD_NAMES: frozenset[str] = frozenset(
    """
    Bo Mark Sol Per Hans Tom Tage Kaj Line Tine Stig Ebbe Iris Rosa August Frank Rune Helle Storm
    Ask Birk Lærke Sten Bjørn Bent Dan Gert Lis Else Sine Mie Tue Vagn Ulla Klara Kim Jan Karl
    Ellen Tim Gry Ulf Mille Alba Søs Vera Leo Otto Maja Lea Liva Malou Ida Alma Ella
    """.split()
)

# The most frequent surnames in Denmark (Danmarks Statistik); they are names wherever they stand.
COMMON_SURNAMES: frozenset[str] = frozenset(
    """
    Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen
    Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen Møller Mortensen
    Knudsen Jakobsen Jacobsen Mikkelsen Olesen Frederiksen Laursen Henriksen Lund Schmidt
    Eriksen Holm Kristiansen Clausen Simonsen Svendsen Andreasen Iversen Jeppesen Mogensen
    Jespersen Nissen Lauridsen Frandsen Østergaard Jepsen Kjær Carlsen Vestergaard Jessen
    Nørgaard Dahl Christoffersen Skov Søndergaard Bertelsen Bruun Lassen Bach Gregersen
    Friis Johnsen Steffensen Kjeldsen Bech Krogh Lauritsen Danielsen Mathiesen Andresen Brandt
    Winther Toft Ravn Mathiasen Dam Holst Nilsson Lind Berg Schou Overgaard Kristoffersen
    Schultz Klausen Karlsen Paulsen Hermansen Thorsen Koch Thygesen
    """.split()
)
# Surnames above that are also ordinary words at the start of a sentence ("Skov og natur …").
_SURNAME_WORDS: frozenset[str] = frozenset({"Lund", "Holm", "Skov", "Dam", "Berg", "Bach", "Toft", "Ravn", "Dahl"})

TITLES: frozenset[str] = frozenset({"fru", "frk.", "hr.", "Fru", "Frk.", "Hr."})

_UPPER = "A-ZÆØÅÄÖÜÉÈÁÍÓÚ"
_LOWER = "a-zæøåäöüéèáíóúñß"
_LETTERS = _UPPER + _LOWER
_NAME_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)*"
_WORD_RE = re.compile(rf"(?<![{_LETTERS}\d]){_NAME_WORD}(?![{_LETTERS}\d])")
_BRACKETED_RE = re.compile(r"\[[^\[\]\n]{1,40}\]")
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_CPR_RE = re.compile(r"(?<![\w\d])(\d{2})(\d{2})(\d{2})[- ]?(\d{4})(?![\w\d])")
_PHONE_DIGITS = (
    # One separator style per number, so a date (23.03.2020) is not a phone number.
    r"(?:{first}\d{{7}}|{first}\d(?P<sep{n}>[ .-])\d\d(?P=sep{n})\d\d(?P=sep{n})\d\d|{first}\d{{3}} \d{{4}})"
)
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)45[ ]?" + _PHONE_DIGITS.format(first=r"\d", n=1) + "|"
    + _PHONE_DIGITS.format(first="[2-9]", n=2) + ")"
    r"(?![\w])(?![.,]?\d)(?!\s*(?:kr\b|kroner|mio|mia|%|procent))",
)
_YEAR_PAIR_RE = re.compile(r"^(19|20)\d\d (19|20)\d\d$")
# What may stand between the end of a sentence and its first word.
_OPENERS = frozenset(" \t\"'“”„«»([")
_BULLET_RE = re.compile(r"[-*•–]|\d{1,3}[.)]")


def normalise(value: str) -> str:
    """The lookup form of a real value: NFC, single spaces, case-folded."""
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()


@dataclass(frozen=True)
class KeyEntry:
    """One line of a study's key: ``pseudonym`` stands for ``real_value`` (a name, e-mail …)."""

    pseudonym: str
    real_value: str
    kind: str


class PseudonymTable:
    """The pseudonyms of one study, and new ones handed out as they are needed."""

    def __init__(self, entries: Iterable[KeyEntry] = ()) -> None:
        self._by_value: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()
        self.new_entries: list[KeyEntry] = []
        for entry in entries:
            self._by_value[(entry.kind, normalise(entry.real_value))] = entry.pseudonym
            self._used.add(entry.pseudonym)

    def copy(self) -> PseudonymTable:
        """A copy to try a pseudonymisation (a preview) without handing out pseudonyms for real."""
        clone = PseudonymTable()
        clone._by_value = dict(self._by_value)
        clone._used = set(self._used)
        clone.new_entries = list(self.new_entries)
        return clone

    def get(self, kind: str, real_value: str) -> str | None:
        return self._by_value.get((kind, normalise(real_value)))

    def pseudonym_for(self, kind: str, real_value: str, *, leader: bool = False) -> str:
        """The pseudonym of ``real_value``; a new one is made (and recorded) the first time."""
        found = self.get(kind, real_value)
        if found is not None:
            return found
        pseudonym = self._next(kind, leader)
        self._by_value[(kind, normalise(real_value))] = pseudonym
        self._used.add(pseudonym)
        self.new_entries.append(KeyEntry(pseudonym, " ".join(real_value.split()), kind))
        return pseudonym

    def _next(self, kind: str, leader: bool) -> str:
        if kind == NAME and leader:
            n = 1
            while f"[Leder {letters(n)}]" in self._used:
                n += 1
            return f"[Leder {letters(n)}]"
        prefix = {NAME: "Person", EMAIL: "E-mail", PHONE: "Telefon", CPR: "CPR"}[kind]
        n = 1
        while f"[{prefix} {n}]" in self._used:
            n += 1
        return f"[{prefix} {n}]"


def letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA (spreadsheet column style)."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


class Register:
    """The leader register compiled for look-ups: full names, "first last", and single parts."""

    def __init__(self, names: Iterable[str]) -> None:
        self.full_names: list[str] = []
        # Sequence of name words → the canonical full name it stands for.
        self._sequences: dict[tuple[str, ...], str] = {}
        # A single name word → the full names that contain it.
        self._parts: dict[str, set[str]] = {}
        for raw in names:
            full = " ".join(unicodedata.normalize("NFC", raw or "").split())
            if not full:
                continue
            self.full_names.append(full)
            words = tuple(w for w in full.split(" ") if _is_name_word(w))
            if not words:
                continue
            self._sequences.setdefault(words, full)
            if len(words) > 2:
                self._sequences.setdefault((words[0], words[-1]), full)
            for word in words:
                self._parts.setdefault(word, set()).add(full)
        self.max_sequence = max((len(s) for s in self._sequences), default=0)
        unique = sorted(set(self.full_names), key=len, reverse=True)
        # Full names with lowercase particles ("Jens de Lange") cannot be found word by word.
        self._full_re = (
            re.compile(
                rf"(?<![{_LETTERS}])(?:{'|'.join(re.escape(n) for n in unique)})(?![{_LETTERS}])"
            )
            if unique else None
        )

    def sequence(self, words: Sequence[str]) -> str | None:
        return self._sequences.get(tuple(words))

    def part(self, word: str) -> set[str]:
        return self._parts.get(word, set())

    def is_part(self, word: str) -> bool:
        return word in self._parts

    def full_name_spans(self, text: str) -> Iterable[tuple[int, int, str]]:
        if self._full_re is None:
            return []
        return ((m.start(), m.end(), m.group(0)) for m in self._full_re.finditer(text))


def _is_name_word(word: str) -> bool:
    return len(word) >= 2 and word[0].isupper() and bool(re.fullmatch(_NAME_WORD, word))


@dataclass
class Pseudonymised:
    text: str
    replacements: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    new_entries: list[KeyEntry] = field(default_factory=list)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str
    real_value: str
    leader: bool = False
    suffix: str = ""  # the possessive "s", kept after the pseudonym


def _valid_cpr_date(dd: str, mm: str) -> bool:
    day, month = int(dd), int(mm)
    if not 1 <= month <= 12:
        return False
    # The year is ambiguous (the century comes from the 7th digit): allow 29 February always.
    last = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    return 1 <= day <= last


def is_sentence_start(text: str, pos: int) -> bool:
    """True when the word at ``pos`` opens the text, a line, a sentence or a list item."""
    i = pos - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    if i < 0 or text[i] == "\n" or text[i] in ".!?:;":
        return True
    line_start = text.rfind("\n", 0, i) + 1
    return bool(_BULLET_RE.fullmatch(text[line_start:i + 1].strip()))


class _Finder:
    def __init__(self, text: str, register: Register) -> None:
        self.text = text
        self.register = register
        self.spans: list[_Span] = []
        self.taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in _BRACKETED_RE.finditer(text)]

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.taken)

    def add(self, span: _Span) -> None:
        self.spans.append(span)
        self.taken.append((span.start, span.end))

    def run(self) -> list[_Span]:
        text = self.text
        for m in _EMAIL_RE.finditer(text):
            if self.free(m.start(), m.end()):
                self.add(_Span(m.start(), m.end(), EMAIL, m.group(0).lower()))
        for m in _CPR_RE.finditer(text):
            if self.free(m.start(), m.end()) and _valid_cpr_date(m.group(1), m.group(2)):
                digits = "".join(m.groups())
                self.add(_Span(m.start(), m.end(), CPR, f"{digits[:6]}-{digits[6:]}"))
        for m in _PHONE_RE.finditer(text):
            if not self.free(m.start(), m.end()) or _YEAR_PAIR_RE.match(m.group(0)):
                continue
            digits = re.sub(r"\D", "", m.group(0))[-8:]
            self.add(_Span(m.start(), m.end(), PHONE, digits))
        for start, end, full in self.register.full_name_spans(text):
            if self.free(start, end):
                self.add(_Span(start, end, NAME, full, leader=True))
        self._names()
        return sorted(self.spans, key=lambda s: s.start)

    # --- names from runs of capitalised words -------------------------------------------------

    def _runs(self) -> list[list[re.Match[str]]]:
        runs: list[list[re.Match[str]]] = []
        current: list[re.Match[str]] = []
        for m in _WORD_RE.finditer(self.text):
            if not self.free(m.start(), m.end()):
                if current:
                    runs.append(current)
                current = []
                continue
            if current and self.text[current[-1].end():m.start()] == " ":
                current.append(m)
            else:
                if current:
                    runs.append(current)
                current = [m]
        if current:
            runs.append(current)
        return runs

    def _names(self) -> None:
        for run in self._runs():
            i = 0
            while i < len(run):
                i = self._take(run, i)

    def _base(self, word: str) -> tuple[str, str]:
        """Split a possessive "s" off a name: "Hannes" → ("Hanne", "s")."""
        if self._known(word):
            return word, ""
        if word.endswith("s") and len(word) > 2 and self._known(word[:-1]):
            return word[:-1], "s"
        return word, ""

    def _known(self, word: str) -> bool:
        return (
            self.register.is_part(word) or _is_first_name(word) or word in COMMON_SURNAMES
            or _is_sen_name(word)
        )

    def _take(self, run: list[re.Match[str]], i: int) -> int:
        """Look at the run from word ``i``; record a name if there is one; return the next index."""
        text = self.text
        words = [m.group(0) for m in run]
        # Longest register sequence first ("Hanne Bøgh Madsen", "Hanne Madsen").
        for length in range(min(self.register.max_sequence, len(run) - i), 1, -1):
            seq = words[i:i + length]
            last, suffix = self._base(seq[-1])
            full = self.register.sequence([*seq[:-1], last])
            if full is not None:
                self._add_name(run[i].start(), run[i + length - 1].end(), full, True, suffix)
                return i + length
        word, suffix = self._base(words[i])
        start = run[i].start()
        at_start = is_sentence_start(text, start)
        first_name = _is_first_name(word) or bool(self.register.part(word))
        follow = i + 1 < len(run)
        if first_name and follow:
            # A first name and capitalised words after it: one person ("Kirsten Holm").
            j = min(len(run), i + 4)
            last_word, last_suffix = self._base(words[j - 1])
            real = " ".join([*words[i:j - 1], last_word])
            self._add_name(start, run[j - 1].end(), real, False, last_suffix)
            return j
        if self.register.part(word):
            owners = self.register.part(word)
            if len(owners) == 1:
                self._add_name(start, run[i].end(), next(iter(owners)), True, suffix)
            else:
                self._add_name(start, run[i].end(), word, False, suffix)
            return i + 1
        if _is_first_name(word):
            if not (at_start and word in COMMON_WORD_NAMES):
                self._add_name(start, run[i].end(), word, False, suffix)
            return i + 1
        if word in COMMON_SURNAMES and not (at_start and word in _SURNAME_WORDS):
            self._add_name(start, run[i].end(), word, False, suffix)
            return i + 1
        if _is_sen_name(word) and not at_start:
            self._add_name(start, run[i].end(), word, False, suffix)
            return i + 1
        if _after_title(text, start):
            self._add_name(start, run[i].end(), words[i], False, "")
            return i + 1
        return i + 1

    def _add_name(self, start: int, end: int, real: str, leader: bool, suffix: str) -> None:
        self.add(_Span(start, end, NAME, real, leader=leader, suffix=suffix))


def _is_first_name(word: str) -> bool:
    if word in FIRST_NAMES:
        return True
    # "Anne-Sofie": every part of a hyphenated word a first name.
    parts = word.split("-")
    return len(parts) > 1 and all(p in FIRST_NAMES for p in parts)


def _is_sen_name(word: str) -> bool:
    return len(word) >= 6 and word.endswith("sen") and "-" not in word


def _after_title(text: str, start: int) -> bool:
    before = text[max(0, start - 6):start].rstrip()
    return any(before.endswith(t) and (len(before) == len(t) or not before[-len(t) - 1].isalpha())
               for t in TITLES)


def pseudonymise(text: str, register: Register, table: PseudonymTable) -> Pseudonymised:
    """Replace persons in ``text`` with the study's pseudonyms (see the module docstring)."""
    if not text:
        return Pseudonymised(text or "")
    text = unicodedata.normalize("NFC", text)
    before = len(table.new_entries)
    spans = _Finder(text, register).run()
    out: list[str] = []
    pos = 0
    by_kind: dict[str, int] = {}
    for span in spans:
        out.append(text[pos:span.start])
        pseudonym = table.pseudonym_for(span.kind, span.real_value, leader=span.leader)
        out.append(pseudonym + span.suffix)
        by_kind[span.kind] = by_kind.get(span.kind, 0) + 1
        pos = span.end
    out.append(text[pos:])
    return Pseudonymised(
        text="".join(out), replacements=len(spans), by_kind=by_kind,
        new_entries=list(table.new_entries[before:]),
    )
