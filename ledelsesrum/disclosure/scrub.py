"""Scrub identifying details from free text before anyone but its author reads it.

Open answers are personal data of their authors, and a name, a unit, an e-mail address, a phone
number or a CPR number in them can point at a person. :func:`scrub` (and :class:`Scrubber`, the
precompiled form for many texts) replaces

- e-mail addresses → ``[e-mail]``,
- CPR numbers in every common form (``010180-1234``, ``0101801234``, ``01.01.80-1234``,
  ``01 01 80 1234``, ``01/01/1980-1234`` …) → ``[cpr]``, always the whole number,
- Danish phone numbers (8 digits, grouped 2-2-2-2 with one separator, 4-4 or 4-2-2, optional
  +45/0045) → ``[telefon]``; dates (``12.03.2020``) and times (``08.00-16.00``) are not phones,
- unit names given by the caller (``unit_names``) in full, and their distinctive words on their own
  ("Solsikken" from "Børnehuset Solsikken"; not generic words such as "Børnehuset" or "Nord")
  → ``[enhed]``,
- names → ``[navn]``: register names (``known_names``: full names and each capitalised part),
  Danish first names and surnames from ``data/danish_names.json``, any capitalised word right
  after a name or a title word ("fru Kragh", "Lars Nørgaard"), and capitalised words that look like
  Danish surnames ("-sen" mid-sentence, "-gaard" anywhere).

Matching is case-insensitive and allows the genitive ("Mettes", "METTES", "Mette's", "Hanses").
Redaction is deliberately greedy: a false positive costs a word, a false negative can cost an
author's anonymity. Two deliberate limits keep ordinary text readable:

- lowercase words in :data:`LOWERCASE_STOP_WORDS` ("per", "bo", "hans", "tage", "skov" …) are
  everyday Danish words and are left alone; their capitalised and ALL-CAPS forms are names;
- surnames from the list count only when capitalised ("Jensen", "NIELSEN"), since many are words.

Spelling variants (æ/ø/å written ae/oe/o, aa/a and the reverse):

- list names match the spellings an author may type for them: "Søren" also as "Soren", "Soeren",
  "Sören"; "Åse" also as "Aase", "Ase"; "Aase" also as "Åse". Not the other way round for plain
  letters, so "Målene …" (the goals) is not "Malene";
- register and unit names are compared on a folded form (lowercase, accents dropped, æ→ae,
  ø/ö→o, å→a, aa→a, oe→o), both ways: a register that lost its æøå ("Soren") still catches
  "Søren". These are real people and units of the study, so collisions are accepted.

The module is pure Python (no Django) so it can run anywhere answers are shown or exported.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = [
    "CPR",
    "EMAIL",
    "NAME",
    "PHONE",
    "UNIT",
    "DanishNames",
    "GENERIC_UNIT_WORDS",
    "LOWERCASE_STOP_WORDS",
    "NameListError",
    "Scrubber",
    "TITLE_WORDS",
    "danish_names",
    "fold",
    "load_danish_names",
    "scrub",
]

NAME = "[navn]"
UNIT = "[enhed]"
EMAIL = "[e-mail]"
PHONE = "[telefon]"
CPR = "[cpr]"

# --- the name lists ----------------------------------------------------------------------------

_REQUIRED_KEYS = ("source", "licence", "retrieved", "first_names", "last_names")


class NameListError(ValueError):
    """The bundled name list is missing, malformed or empty."""


@dataclass(frozen=True)
class DanishNames:
    """First names and surnames with their provenance (see ``data/danish_names.json``)."""

    first_names: frozenset[str]
    last_names: frozenset[str]
    source: str
    licence: str
    retrieved: str


def load_danish_names(path: str | Path | None = None) -> DanishNames:
    """Load and validate a name list; the bundled ``data/danish_names.json`` by default."""
    if path is None:
        raw = resources.files(__package__ or "ledelsesrum.disclosure").joinpath(
            "data/danish_names.json"
        ).read_text(encoding="utf-8")
        where = "data/danish_names.json"
    else:
        raw = Path(path).read_text(encoding="utf-8")
        where = str(path)
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise NameListError(f"{where}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise NameListError(f"{where}: expected a JSON object")
    missing = [key for key in _REQUIRED_KEYS if key not in doc]
    if missing:
        raise NameListError(f"{where}: missing keys {', '.join(missing)}")
    lists: dict[str, frozenset[str]] = {}
    for key in ("first_names", "last_names"):
        values = doc[key]
        if not isinstance(values, list) or not values:
            raise NameListError(f"{where}: {key} must be a non-empty list")
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise NameListError(f"{where}: {key} must hold non-empty strings only")
        lists[key] = frozenset(unicodedata.normalize("NFC", v.strip()) for v in values)
    for key in ("source", "licence", "retrieved"):
        if not isinstance(doc[key], str) or not doc[key].strip():
            raise NameListError(f"{where}: {key} must be a non-empty string")
    return DanishNames(
        first_names=lists["first_names"],
        last_names=lists["last_names"],
        source=doc["source"],
        licence=doc["licence"],
        retrieved=doc["retrieved"],
    )


@lru_cache(maxsize=1)
def danish_names() -> DanishNames:
    """The bundled name list, loaded once."""
    return load_danish_names()


# --- policy word lists -------------------------------------------------------------------------

# Lowercase forms of names that are everyday Danish words (checked against the Danish wordlist
# DSDO: every first name and surname of the list whose lowercase form, with or without a
# genitive -s, is a word; rare words dropped). Also common words that are register names in
# practice ("sol", "storm", "skov") and words that fold onto a name ("tøve" ~ Tove, "målene" ~
# Malene, "øve" ~ Ove), because register names are compared folded. Only lowercase tokens are
# spared: "Per", "PER", "Skov" are names. Not here on purpose: "lis" and "tove" (not words),
# "by" (not a name).
LOWERCASE_STOP_WORDS: frozenset[str] = frozenset(
    """
    per bo hans sine tage tom mark line tine trine kim stig sten kaj karl frank iris rosa rune
    ebbe august ane iver helle lise lærke bjørn bøje svend ester aksel palle frede kåre borge
    dans jeans miks viola
    roen målene øve vågn tøve tåge tøm dån
    sol storm ask birk liv lykke vilde maj juni juli ben gry
    skov lund holm dam møller nissen ravn toft lind berg bonde fisker smed skytte busk strand
    sand bjerg vang have due kok hvid brun bak krog
    """.split()
)

# Words after which a capitalised word is a name: forms of address and the roles leaders write
# about ("kollega Kragh", "chefen Bøgh").
TITLE_WORDS: frozenset[str] = frozenset(
    """
    fru frk hr herr dr doktor leder lederen kollega kollegaen chef chefen direktør direktøren
    souschef souschefen borgmester borgmesteren rådmand rådmanden formand formanden
    afdelingsleder afdelingslederen skoleleder skolelederen kontorchef kontorchefen
    """.split()
)

# Capitalised function words are not names even right after a name or a title: a heading or a
# lost full stop ("Lederen Når …", "talte med Mette Det var …"), or the formal "De".
_NOT_NAMES_AFTER = frozenset(
    """
    at af alle da de dem den denne der deres det dette disse du efter eller en er et for fra
    han har her hun hvad hvem hvis hvor hvordan hvorfor i ikke jeg kan man mange med men mens
    nogle nu når og også om os på sig skal som så til var ved vi vil
    """.split()
)

# Words of unit names that say what kind of unit it is rather than which one: "Hjemmeplejen"
# alone in an answer is not "Hjemmeplejen Nord". Inflected forms are derived below.
_GENERIC_UNIT_STEMS = """
    børnehus børnehave vuggestue dagtilbud dagpleje institution skole folkeskole specialskole
    fritidshjem sfo klub ungdomsklub fritidsklub ungdomsskole plejecenter plejehjem hjemmepleje
    sygepleje pleje omsorg center centret centeret team afdeling område distrikt enhed sektion
    gruppe kommune region forvaltning sekretariat stab administration direktion ledelse job
    jobcenter borgerservice bibliotek tandpleje sundhedspleje sundhed rehabilitering træning
    myndighed handicap psykiatri misbrug socialpsykiatri bosted botilbud værested aktivitetshus
    daghjem ældre børn unge familie familier social teknik miljø kultur fritid beskæftigelse
    økonomi personale hr it drift service senior voksen voksne hus huset gård skolen
    nord syd øst vest midt centrum city by land
    og i på for af til ved med den det de sct skt sankt st nr ny nye gl gamle lille store
""".split()
_GENERIC_SUFFIXES = ("", "en", "n", "et", "t", "er", "erne", "ene", "ne", "e", "s", "ens", "ets")
GENERIC_UNIT_WORDS: frozenset[str] = frozenset(
    stem + suffix for stem in _GENERIC_UNIT_STEMS for suffix in _GENERIC_SUFFIXES
)

# --- folding and spelling variants -------------------------------------------------------------

_FOLD_TABLE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "ae", "ö": "o", "ü": "u"})


def fold(word: str) -> str:
    """Comparison form of a word for register and unit names: "Søren", "Soeren" and "SOREN" all
    fold to "soren", "Åse" and "Aase" to "ase"."""
    low = unicodedata.normalize("NFC", word).casefold().translate(_FOLD_TABLE)
    if not low.isascii():
        # Drop accents ("René" → "rene") after æøå are gone, so those survive as letters.
        low = "".join(
            ch for ch in unicodedata.normalize("NFKD", low) if not unicodedata.combining(ch)
        )
    return low.replace("aa", "a").replace("oe", "o")


# How an author may write each special letter of a correctly spelt name.
_VARIANTS: dict[str, tuple[str, ...]] = {
    "ø": ("ø", "o", "oe", "ö"),
    "ö": ("ö", "ø", "o", "oe"),
    "æ": ("æ", "ae", "ä"),
    "ä": ("ä", "æ", "ae"),
    "å": ("å", "aa", "a"),
    "aa": ("aa", "å"),
}
_VARIANT_SPLIT = re.compile(r"aa|[øöæäå]|[^øöæäå]+")


def _spellings(name: str) -> set[str]:
    """Casefolded spellings an author may use for a list name: "søren" → søren, soren, soeren …"""
    low = unicodedata.normalize("NFC", name).casefold()
    pieces = _VARIANT_SPLIT.findall(low)
    options = [_VARIANTS.get(p, (p,)) for p in pieces]
    # A name with many special letters would multiply out; three of them is already 64 forms.
    return {"".join(combo) for combo in itertools.islice(itertools.product(*options), 64)}


# --- patterns ----------------------------------------------------------------------------------

_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# A CPR number: day, month, 2- or 4-digit year and 4 digits, each part optionally separated by a
# space, ".", "-" or "/" (with optional spaces around it). Tried before phone numbers, so
# "01.01.80-1234" is one [cpr] and never "01.[telefon]".
_CPR_SEP = r"(?:[ \t]?[-./][ \t]?|[ \t])?"
_CPR_RE = re.compile(
    rf"(?<![\w])(?:0[1-9]|[12]\d|3[01]){_CPR_SEP}(?:0[1-9]|1[0-2]){_CPR_SEP}"
    rf"(?:(?:19|20)\d\d|\d\d){_CPR_SEP}\d{{4}}(?![\d])"
)
# Ten digits in CPR shape whose date part is not a valid day/month: still a personal number.
_CPR_SHAPE_RE = re.compile(r"(?<![\w])\d{6}(?:[ \t]?-[ \t]?)?\d{4}(?![\d])")

# Danish phone numbers: one separator style per number, so dates ("12.03.2020") and times
# ("08.00-16.00") are not phones.
_PHONE_RE = re.compile(
    r"(?<![\w+(])(?:\(?(?:\+|00)45\)?[ ]?)?"
    r"(?:\d{8}|\d\d(?P<sep>[ .-])\d\d(?P=sep)\d\d(?P=sep)\d\d|\d{4} \d{4}|\d{4} \d\d \d\d)"
    r"(?![\w])(?![.,]\d)"
)
_YEAR_PAIR_RE = re.compile(r"^(?:19|20)\d\d (?:19|20)\d\d$")

# Words (letters and digits; digits matter for unit names such as "Team 3"). Names are only
# looked for in tokens of letters.
_TOKEN_RE = re.compile(r"[^\W_]+")
_APOSTROPHE_S = ("'s", "’s", "´s")
# What may separate the words of a multi-word unit or register name in running text.
_SEP_RE = re.compile(r"[ \t\u00a0\-./&,']{1,3}")
_SPACE_SEP_RE = re.compile(r"[ \t\u00a0]+|-")
_SENTENCE_LEAD = frozenset(" \t\u00a0\"'“”„«»‘’([*•–-")
_SENTENCE_END = frozenset(".!?:\n\r")
_MERGE_RE = re.compile(r"\[(navn|enhed)\](?:[ -]\[\1\])+")


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    text: str


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]


def _is_lower(word: str) -> bool:
    return word == word.lower()


def _is_title(word: str) -> bool:
    return word[0].isupper() and (len(word) == 1 or not word[1:].isupper())


def _is_caps(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


def _genitive_bases(low: str, capitalised: bool) -> tuple[str, ...]:
    """The word and what it may be the genitive of: "mettes" → mettes, mette."""
    bases = [low]
    if len(low) > 2 and low.endswith("s"):
        bases.append(low[:-1])
        # "-es" ("Hanses", "Larses") is a genitive of names ending in a hissing sound; capitalised
        # words get it for any name (greedy), lowercase words only there ("dans" is a dance).
        if len(low) > 4 and low.endswith("es") and (capitalised or low[-3] in "sxz"):
            bases.append(low[:-2])
    return tuple(bases)


def _patronymic(low: str) -> bool:
    """Shaped like a Danish "-sen" surname ("Kragsen", "Bentzen" is not needed: the list has the
    common ones). The letter before "-sen" must be a consonant other than s, and "-elsen"/"-ensen"
    are out: those are definite nouns ("Undersøgelsen", "Turbulensen", "Processen", "Krisen")."""
    return (
        len(low) >= 6
        and low.endswith("sen")
        and low[-4] not in "aeiouyæøås"
        and not low.endswith(("elsen", "ensen"))
    )


def _split_word(text: str, tok: _Tok) -> bool:
    """A lowercase word cut by a hyphen: "sam- og modspil", "hvor- dan" (line breaks in pasted
    text). Neither half is a name."""
    after = text[tok.end:tok.end + 2]
    if after in ("- ", "-\n"):
        return True
    before = text[max(0, tok.start - 3):tok.start]
    return len(before) == 3 and before[0].islower() and before[1:] in ("- ", "-\n")


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _SENTENCE_LEAD:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


class Scrubber:
    """A scrubber compiled once for a register and a set of units; call it on each text.

    >>> s = Scrubber(["Hanne Bøgh Madsen"], ["Børnehuset Solsikken"])
    >>> s("Bøgh og Mette fra Solsikken")
    '[navn] og [navn] fra [enhed]'
    """

    def __init__(self, known_names: Iterable[str] = (), unit_names: Iterable[str] = ()) -> None:
        names = danish_names()
        self._first: frozenset[str] = frozenset(
            spelling for name in names.first_names for part in _TOKEN_RE.findall(name)
            if len(part) >= 2 for spelling in _spellings(part)
        )
        self._last: frozenset[str] = frozenset(
            spelling for name in names.last_names for part in _TOKEN_RE.findall(name)
            if len(part) >= 2 for spelling in _spellings(part)
        )
        # Register: folded parts, and full names as folded token sequences (for particles such
        # as "de la" that are not names on their own).
        register_parts: set[str] = set()
        self._sequences: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for raw in known_names:
            parts = _TOKEN_RE.findall(unicodedata.normalize("NFC", raw or ""))
            if not parts:
                continue
            # Capitalised parts only: "de" or "von" are ordinary lowercase words.
            register_parts.update(fold(p) for p in parts if len(p) >= 2 and p[0].isupper() and p.isalpha())
            if len(parts) > 1:
                self._add_sequence(parts, NAME)
        unit_parts: set[str] = set()
        for raw in unit_names:
            parts = _TOKEN_RE.findall(unicodedata.normalize("NFC", raw or ""))
            if not parts:
                continue
            if len(parts) > 1:
                self._add_sequence(parts, UNIT)
            else:
                # A one-word unit name is distinctive by definition: the caller named it.
                unit_parts.add(fold(parts[0]))
            unit_parts.update(
                fold(p) for p in parts
                if len(p) >= 3 and not p.isdigit() and p.casefold() not in GENERIC_UNIT_WORDS
            )
        self._register: frozenset[str] = frozenset(register_parts)
        self._units: frozenset[str] = frozenset(unit_parts)
        for candidates in self._sequences.values():
            candidates.sort(key=lambda c: len(c[0]), reverse=True)
        self._folding = bool(self._register or self._units or self._sequences)

    def _add_sequence(self, parts: Sequence[str], placeholder: str) -> None:
        key = tuple(fold(p) for p in parts)
        bucket = self._sequences.setdefault(key[0], [])
        if (key, placeholder) not in bucket:
            bucket.append((key, placeholder))

    # --- the pipeline ---------------------------------------------------------------------

    def __call__(self, text: str) -> str:
        """Return ``text`` with names, units, e-mail addresses, phone and CPR numbers replaced."""
        if not text:
            return text
        text = unicodedata.normalize("NFC", text)
        spans: list[tuple[int, int, str]] = []
        masked = self._digits_and_addresses(text, spans)
        self._words(masked, spans)
        if not spans:
            return text
        spans.sort()
        out: list[str] = []
        pos = 0
        for start, end, placeholder in spans:
            out.append(text[pos:start])
            out.append(placeholder)
            pos = end
        out.append(text[pos:])
        # "[navn] [navn]" from a first and last name reads better as one placeholder.
        return _MERGE_RE.sub(lambda m: f"[{m.group(1)}]", "".join(out))

    def scrub_many(self, texts: Iterable[str]) -> list[str]:
        return [self(t) for t in texts]

    @staticmethod
    def _digits_and_addresses(text: str, spans: list[tuple[int, int, str]]) -> str:
        """Find e-mails, CPR and phone numbers (in that order: an address can hold digits, a CPR
        holds a phone-like run) and return the text with them masked out for the word pass."""
        chars = list(text)

        def claim(start: int, end: int, placeholder: str) -> None:
            spans.append((start, end, placeholder))
            chars[start:end] = "\0" * (end - start)

        for regex, placeholder in ((_EMAIL_RE, EMAIL), (_CPR_RE, CPR), (_CPR_SHAPE_RE, CPR)):
            current = "".join(chars)
            for m in regex.finditer(current):
                claim(m.start(), m.end(), placeholder)
        current = "".join(chars)
        for m in _PHONE_RE.finditer(current):
            if not _YEAR_PAIR_RE.match(m.group()):
                claim(m.start(), m.end(), PHONE)
        return "".join(chars) if spans else text

    def _words(self, text: str, spans: list[tuple[int, int, str]]) -> None:
        toks = _tokens(text)
        folded: list[str] | None = [fold(t.text) for t in toks] if self._folding else None
        i = 0
        # How many more capitalised words may follow as part of the current name: "Anne Mette
        # Bøgh Larsen" is one person, a run longer than that is more likely a heading.
        chain = 0
        placeholder: str | None
        while i < len(toks):
            tok = toks[i]
            # Multi-word unit and register names first: they are the strongest evidence.
            if folded is not None and folded[i] in self._sequences:
                hit = self._match_sequence(text, toks, folded, i)
                if hit is not None:
                    j, placeholder = hit
                    end = self._end_with_apostrophe(text, toks[j].end)
                    spans.append((tok.start, end, placeholder))
                    chain = 3 if placeholder == NAME else 0
                    i = j + 1
                    continue
            placeholder = None
            if len(tok.text) >= 2 and tok.text.isalpha():
                placeholder = self._classify(text, tok, folded[i] if folded is not None else None)
                if placeholder == NAME:
                    chain = 3
                elif placeholder is None and chain and self._follows_name(text, toks, i):
                    placeholder = NAME
                    chain -= 1
                elif placeholder is None and i > 0 and self._after_title(text, toks, i):
                    placeholder = NAME
                    chain = 3
            if placeholder is None or placeholder == UNIT:
                chain = 0
            if placeholder is not None:
                spans.append((tok.start, self._end_with_apostrophe(text, tok.end), placeholder))
            i += 1

    def _classify(self, text: str, tok: _Tok, folded: str | None) -> str | None:
        word = tok.text
        low = word.casefold()
        lower = _is_lower(word)
        if lower and (low in LOWERCASE_STOP_WORDS or _split_word(text, tok)):
            return None
        bases = _genitive_bases(low, not lower)
        if lower and any(b in LOWERCASE_STOP_WORDS for b in bases[1:]):
            return None
        if folded is not None:
            fbases = _genitive_bases(folded, not lower)
            if any(b in self._register for b in fbases):
                return NAME
            if any(b in self._units for b in fbases):
                return UNIT
        if any(b in self._first for b in bases):
            return NAME
        if lower:
            return None
        if any(b in self._last for b in bases):
            return NAME
        if _is_title(word) and len(low) >= 6:
            if any(b.endswith("gaard") for b in bases):
                return NAME
            if not _sentence_initial(text, tok.start) and any(
                b.endswith("gård") or _patronymic(b) for b in bases
            ):
                return NAME
        return None

    def _follows_name(self, text: str, toks: list[_Tok], i: int) -> bool:
        """Is token i a capitalised word right after the previous (name) token, with only a
        space or a hyphen between? "Lars Nørgaard", "Anne-Mette Bøgh"."""
        word = toks[i].text
        if not (word.isalpha() and word[0].isupper() and _is_title(word)):
            return False
        if word.casefold() in _NOT_NAMES_AFTER:
            return False
        gap = text[toks[i - 1].end:toks[i].start]
        return bool(_SPACE_SEP_RE.fullmatch(gap))

    def _after_title(self, text: str, toks: list[_Tok], i: int) -> bool:
        prev, word = toks[i - 1], toks[i].text
        if prev.text.casefold() not in TITLE_WORDS or word.casefold() in _NOT_NAMES_AFTER:
            return False
        gap = text[prev.end:toks[i].start]
        if not re.fullmatch(r"\.?[ \t\u00a0]+", gap):
            return False
        if _is_title(word) and word[0].isupper():
            return True
        # "fru KRISTENSEN", but in ALL-CAPS text ("LEDER ER …") a title proves nothing.
        return _is_caps(word) and not _is_caps(prev.text)

    def _match_sequence(
        self, text: str, toks: list[_Tok], folded: list[str], i: int
    ) -> tuple[int, str] | None:
        for key, placeholder in self._sequences[folded[i]]:
            last = i + len(key) - 1
            if last >= len(toks):
                continue
            ok = True
            for k in range(1, len(key)):
                gap = text[toks[i + k - 1].end:toks[i + k].start]
                if not _SEP_RE.fullmatch(gap):
                    ok = False
                    break
                got = folded[i + k]
                if got != key[k] and not (k == len(key) - 1 and got in (key[k] + "s", key[k] + "es")):
                    ok = False
                    break
            if ok:
                return last, placeholder
        return None

    @staticmethod
    def _end_with_apostrophe(text: str, end: int) -> int:
        """Include a genitive "'s" ("Mette's") in the replaced span."""
        for suffix in _APOSTROPHE_S:
            if text.startswith(suffix, end) and not (
                end + 2 < len(text) and (text[end + 2].isalnum())
            ):
                return end + 2
        return end


@lru_cache(maxsize=8)
def _cached_scrubber(known_names: tuple[str, ...], unit_names: tuple[str, ...]) -> Scrubber:
    return Scrubber(known_names, unit_names)


def scrub(text: str, *, known_names: Iterable[str] = (), unit_names: Iterable[str] = ()) -> str:
    """Scrub one text; the compiled scrubber is cached per (register, units)."""
    if not text:
        return text
    return _cached_scrubber(tuple(known_names), tuple(unit_names))(text)
