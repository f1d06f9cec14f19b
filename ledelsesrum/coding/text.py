"""Danish text handling for meaning condensation: normalising, sentences, meaning units, key terms.

Everything here is deterministic and offline: a regular-expression sentence splitter that knows
Danish abbreviations, the Snowball Danish stemmer (PyStemmer) and a stop-word list written for
interview notes (function words plus the filler words of spoken summaries).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# PDF extraction glitches seen in the seed documents ("eƯektivitet" for "effektivitet").
_GLITCHES = {
    "\u01af": "ff",  # Ư
    "\u01b0": "ff",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\u00ad": "",  # soft hyphen
    "\u200b": "",
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2022": "-",
    "\uf0b7": "-",
    "\u00a0": " ",
}
_GLITCH_RE = re.compile("|".join(re.escape(k) for k in _GLITCHES))

# Abbreviations after which a full stop never ends a sentence.
NON_FINAL_ABBREVIATIONS = frozenset(
    """bl.a f.eks fx ca jf jvf dvs evt hhv inkl ekskl nr kl pga p.g.a vedr iht i.h.t ift i.f.t
    mht m.h.t pr stk tlf dr hr fr mr prof cand mag lic ph.d sdr gl ang bl fhv s ff sml
    jan feb mar apr jun jul aug sep sept okt nov dec ms mrk kr mio mia""".split()
)
# Abbreviations that often close a sentence ("… møder osv. Derfor …"): split when a capital follows.
FINAL_ABBREVIATIONS = frozenset("osv mv m.v m.m o.l etc mfl m.fl o.a".split())

DANISH_STOP_WORDS = frozenset(
    """af alle alt anden andet andre at bare begge blev blive bliver da de dem den denne dens der
    deres derfor deri derefter dermed derpå derudover det dette dig din dine disse dit dog du efter
    eller en end ene eneste enhver ens er et ethvert fem fik fire flere fleste for fordi forhold
    fra få får gik god godt gør gøre gjorde har havde have hele hen hende hendes her hos hun hvad
    hvem hver hvilke hvilken hvilket hvis hvor hvordan hvorfor hvornår i igen ikke ind ingen intet
    ja jeg jer jeres jo kan kom komme kommer kun kunne lad lidt lige man mange med meget men mens
    mere mest mig min mine mit mod måske nej nogen nogle noget nok nu når og også om op os otte over
    på samme sat selv sig sin sine sit skal skulle som stadig så sådan to tre ud under var vi vil
    ville vor vore være været været sådanne hvorledes henne ad anden andres altså egentlig faktisk
    bl.a f.eks fx ca jf mv osv dvs evt blandt eksempel eksempelvis fortæller siger nævner oplever
    synes mener giver fremhæver beskriver peger lederen leder lederne ledere hun han vedkommende
    interviewpersonen informanten respondenten både enten hverken mellem uden inden indenfor
    udenfor gennem omkring ved til sammen lidt meget rigtig helt ret især typisk gerne også dag
    år gang gange ting noget nogen sted steder kommer komme kunne skulle bør burde må måtte""".split()
)

_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)
_SPACE_RE = re.compile(r"[ \t\f\v]+")
_HYPHEN_BREAK_RE = re.compile(r"(\w)-\s*\n\s*([a-zæøå])")
# A candidate sentence end: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY_RE = re.compile(r"([.!?…]+)([\"')\]]*)(\s+)")
_TOKEN_BEFORE_RE = re.compile(r"(\S+)$")
_BULLET_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)]|[a-zæøå][.)])\s+", re.IGNORECASE)


def normalise(text: str) -> str:
    """Unicode NFC, repair PDF glitches, join words hyphenated across lines, tidy whitespace."""
    text = unicodedata.normalize("NFC", text or "")
    text = _GLITCH_RE.sub(lambda m: _GLITCHES[m.group(0)], text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HYPHEN_BREAK_RE.sub(r"\1\2", text)
    lines = [_SPACE_RE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def paragraphs(text: str) -> list[str]:
    """Blocks separated by blank lines; bullet lines are blocks of their own."""
    blocks: list[str] = []
    current: list[str] = []
    for line in normalise(text).split("\n"):
        if not line:
            if current:
                blocks.append(" ".join(current))
                current = []
            continue
        if _BULLET_RE.match(line) and current:
            blocks.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        blocks.append(" ".join(current))
    return blocks


def _is_protected(before: str, following: str) -> bool:
    """True when the full stop ending ``before`` does not end a sentence."""
    token = before.lower().rstrip(".").lstrip("(\"'")
    if not token:
        return False
    # An acronym in capitals ("… slå alt op hos HR. Lederen …") is not the abbreviation it spells in
    # lower case ("hr." = herr).
    raw = before.rstrip(".").lstrip("(\"'")
    if len(raw) > 1 and raw.isalpha() and raw.isupper():
        return False
    if token in NON_FINAL_ABBREVIATIONS:
        return True
    if token in FINAL_ABBREVIATIONS:
        return not following[:1].isupper()
    # Single letters ("H. C. Andersen", "a. b. c.") and inner-dotted abbreviations ("m.v.", "d.v.s.").
    if len(token) == 1 and token.isalpha():
        return True
    if re.fullmatch(r"(?:[a-zæøå]\.)+[a-zæøå]", token):
        return True
    # Ordinals and dates: "den 3. marts", "1. Motivation" is a heading, but "3. marts" is not.
    if token.isdigit():
        return not (following[:1].isupper() and len(token) > 2)
    return False


def split_sentences(text: str) -> list[str]:
    """Split Danish text into sentences, aware of abbreviations, ordinals and bullet lines."""
    sentences: list[str] = []
    for block in paragraphs(text):
        start = 0
        for match in _BOUNDARY_RE.finditer(block):
            end_punct = match.end(2)
            following = block[match.end() :]
            if not following:
                continue
            if not (following[0].isupper() or following[0].isdigit() or following[0] in "\"'(-"):
                continue
            if match.group(1).startswith("."):
                before = _TOKEN_BEFORE_RE.search(block[start : match.start(1)])
                if before and _is_protected(before.group(1), following):
                    continue
            sentence = block[start:end_punct].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end()
        rest = block[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("danish")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters only; numbers and punctuation dropped)."""
    return [w.lower() for w in _WORD_RE.findall(normalise(text))]


def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower())


def stems(text: str, *, drop_stop_words: bool = True) -> list[str]:
    """Stems of the content words of ``text`` (stop words and one-letter words dropped)."""
    tokens = words(text)
    if drop_stop_words:
        tokens = [w for w in tokens if w not in DANISH_STOP_WORDS and len(w) > 1]
    return _stemmer().stemWords(tokens)


def stemmed_text(text: str) -> str:
    return " ".join(stems(text))


# --- meaning units ----------------------------------------------------------------------------

# Openings that announce a new topic in interview summaries.
_SHIFT_OPENINGS = (
    "derudover",
    "desuden",
    "et andet",
    "en anden",
    "hvad angår",
    "med hensyn til",
    "når det gælder",
    "når det kommer til",
    "i forhold til",
    "om ",
    "angående",
    "til gengæld",
    "endelig",
    "sidst",
    "til sidst",
    "et tredje",
    "på et andet",
)
# Openings that lean on the previous sentence and so continue its meaning.
_CONTINUATION_OPENINGS = (
    "det ",
    "det betyder",
    "derfor",
    "dermed",
    "så ",
    "fordi",
    "men ",
    "og ",
    "samtidig",
    "her ",
    "hun ",
    "han ",
    "de ",
    "den ",
    "dette",
    "disse",
    "eksempelvis",
    "for eksempel",
    "f.eks.",
    "fx ",
    "blandt andet",
    "bl.a.",
    "især",
    "ikke mindst",
    "heller ikke",
    "også",
)


@dataclass(frozen=True)
class UnitSplitConfig:
    """Tuning for :func:`split_meaning_units` (defaults suit interview summaries)."""

    min_words: int = 12  # a unit shorter than this always takes the next sentence
    max_words: int = 110  # a unit longer than this is closed at the next sentence end
    min_overlap: float = 0.08  # Jaccard overlap of content stems below which the topic shifted


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def split_meaning_units(text: str, config: UnitSplitConfig | None = None) -> list[str]:
    """Group consecutive sentences that carry one meaning; start a new unit on a topic shift.

    Paragraph breaks and bullet lines always end a unit. Inside a paragraph a sentence joins the
    current unit when the unit is still short, when the sentence opens with a continuation word
    ("Det betyder …", "Derfor …", "Men …"), or when it shares enough content stems with the unit;
    it starts a new unit when it opens with a topic-shift phrase ("Derudover …", "Hvad angår …"),
    when the unit has grown long, or when the lexical overlap is low.
    """
    cfg = config or UnitSplitConfig()
    units: list[str] = []
    for block in paragraphs(text):
        current: list[str] = []
        current_stems: set[str] = set()
        current_words = 0
        for sentence in split_sentences(block):
            sentence_stems = set(stems(sentence))
            n_words = len(sentence.split())
            opening = sentence.lower()
            if current:
                shift = opening.startswith(_SHIFT_OPENINGS)
                leans = opening.startswith(_CONTINUATION_OPENINGS)
                overlap = _jaccard(current_stems, sentence_stems)
                join = (
                    not shift
                    and current_words + n_words <= cfg.max_words
                    and (current_words < cfg.min_words or leans or overlap >= cfg.min_overlap)
                )
                if not join:
                    units.append(" ".join(current))
                    current, current_stems, current_words = [], set(), 0
            current.append(sentence)
            current_stems |= sentence_stems
            current_words += n_words
        if current:
            units.append(" ".join(current))
    return units


# --- key terms ----------------------------------------------------------------------------------


class KeyTerms:
    """tf-idf over stems, fitted on a corpus; maps stems back to their most frequent surface word."""

    def __init__(self, corpus: Iterable[str] = ()) -> None:
        self.doc_freq: Counter[str] = Counter()
        self.n_docs = 0
        self._surface: dict[str, Counter[str]] = {}
        self.add(corpus)

    def add(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.n_docs += 1
            seen = set()
            for word in words(text):
                if word in DANISH_STOP_WORDS or len(word) < 3:
                    continue
                s = stem(word)
                self._surface.setdefault(s, Counter())[word] += 1
                seen.add(s)
            self.doc_freq.update(seen)

    def idf(self, stem_: str) -> float:
        return math.log((1 + self.n_docs) / (1 + self.doc_freq.get(stem_, 0))) + 1.0

    def surface(self, stem_: str) -> str:
        forms = self._surface.get(stem_)
        return forms.most_common(1)[0][0] if forms else stem_

    def weights(self, text: str) -> dict[str, float]:
        """tf-idf weight per content stem of ``text`` (sub-linear tf)."""
        counts = Counter(s for s in stems(text) if len(s) > 2)
        return {s: (1 + math.log(c)) * self.idf(s) for s, c in counts.items()}

    def top(self, text: str, k: int = 5) -> list[str]:
        """The ``k`` strongest key terms of ``text`` as readable words."""
        ranked = sorted(self.weights(text).items(), key=lambda kv: (-kv[1], kv[0]))
        return [self.surface(s) for s, _ in ranked[:k]]

    def top_of_group(self, texts: Sequence[str], k: int = 6) -> list[str]:
        """Key terms of a group of texts (summed weights, so shared terms win)."""
        total: dict[str, float] = {}
        for text in texts:
            for s, w in self.weights(text).items():
                total[s] = total.get(s, 0.0) + w
        ranked = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
        return [self.surface(s) for s, _ in ranked[:k]]


def shorten(text: str, max_chars: int = 140) -> str:
    """A shortened sentence to offer as a first condensed meaning (first sentence, clipped)."""
    sentences = split_sentences(text)
    first = sentences[0] if sentences else normalise(text)
    if len(first) <= max_chars:
        return first
    cut = first[:max_chars].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"
