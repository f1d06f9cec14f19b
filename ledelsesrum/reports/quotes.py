"""Quotes as the report and the dialogue edition print them: whole sentences, each said once.

Pure text work (no database): ``compose`` hands in the candidate statements of each sub-theme,
already cleaned of pseudonyms and gendered words, and a :class:`QuoteBook` shared by the whole
report gives each one out at most once.

The rules (issue 12, item 8):

- **Never cut mid-sentence without a mark.** A quote longer than its budget keeps as many whole
  sentences as fit (:func:`fit_quote`). Only when the first sentence alone is too long is it cut,
  at the last clause boundary (comma, semicolon, colon, dash) that fits – or, failing that, at the
  last word boundary – and the cut is marked with " …". A word is never split.
- **Never repeat.** Two quotes are the same when their words are (case, punctuation, whitespace and
  bracketed pseudonyms ignored: :func:`quote_key`), when one is contained in the other, or when they
  share a sentence – counting as the same sentence one contained in the other and the same
  statement with a word or two swapped (notes often repeat a sentence with another place or group
  in it). A sentence quoted once is left out of every later quote; the rest of that statement is
  quoted only when it is one contiguous run of new sentences and at least half of the statement.
- **A condensed meaning that is only the unit's opening** (the offered ``shorten`` of the unit,
  accepted unchanged) is no condensation: the unit's own text is quoted instead, so the reader gets
  the whole sentence rather than a clipped first line (:func:`quote_source`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ledelsesrum.coding.text import split_sentences

ELLIPSIS = "…"
# Budgets in characters: a report quote is a few sentences, a dialogue finding one or two.
REPORT_QUOTE_CHARS = 300
DIALOGUE_QUOTE_CHARS = 200
# Repeats: a quoted sentence of at least this many words is not quoted again inside a longer one;
# sentences of at least MIN_SIMILAR_WORDS words sharing this share of their words are one statement.
MIN_CONTAINED_WORDS = 3
MIN_SIMILAR_WORDS = 6
SIMILAR_WORDS_SHARE = 0.75
# … and a sentence of at least MIN_OVERLAP_WORDS words nearly all of whose words are in another.
MIN_OVERLAP_WORDS = 8
OVERLAP_SHARE = 0.85
# A clause cut shorter than this share of the budget says too little; cut at a word instead.
_MIN_CUT_SHARE = 0.4

_BRACKETED = re.compile(r"\[[^\]]*\]")
_NON_WORD = re.compile(r"[\W_]+")
_TRAILING_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)\s*$")
# Where a clause may end: after a comma, semicolon or colon, or before a free-standing dash.
_CLAUSE_END = re.compile(r"[,;:](?=\s)|(?=\s[-–—]\s)")
# A sentence end: terminal punctuation, then any closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?][\"'»«”’›‹)\]]*$")
_QUOTE_CHARS = "\"»«„“”›‹"


def quote_key(text: str) -> str:
    """The words of ``text``: case, punctuation, whitespace and bracketed pseudonyms ignored."""
    text = _TRAILING_ELLIPSIS.sub("", text or "")
    return " ".join(_NON_WORD.sub(" ", _BRACKETED.sub(" ", text)).casefold().split())


def _contains(outer: str, inner: str) -> bool:
    """Whether the words ``inner`` occur in ``outer`` as whole words (both are quote keys)."""
    return bool(inner) and f" {inner} " in f" {outer} "


def ends_a_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.rstrip()))


def quote_source(text: str, condensed: str = "") -> str:
    """What to quote of a meaning unit: the analyst's condensed meaning, unless it is empty or only
    the opening of the unit's own text (the offered shortening, accepted as it was)."""
    condensed = " ".join((condensed or "").split())
    if not condensed:
        return text
    short, full = quote_key(condensed), quote_key(text)
    if not short or full.startswith(short):
        return text
    return condensed


def _cut_sentence(sentence: str, max_chars: int) -> str:
    """``sentence`` cut to at most ``max_chars`` at a clause boundary (else a word), marked " …"."""
    room = max_chars - len(ELLIPSIS) - 1
    floor = int(max_chars * _MIN_CUT_SHARE)
    clause = [m.start() for m in _CLAUSE_END.finditer(sentence) if floor <= m.start() <= room]
    if clause:
        head = sentence[: clause[-1]]
    else:
        # The last whole word that fits; a single word longer than the budget is kept whole.
        head = sentence[: room + 1].rsplit(" ", 1)[0] if " " in sentence[: room + 1] else sentence.split(" ", 1)[0]
    head = head.rstrip(" ,;:-–—")
    return f"{head} {ELLIPSIS}"


def fit_sentences(sentences: list[str], max_chars: int) -> tuple[str, int]:
    """As many whole leading ``sentences`` as fit in ``max_chars`` (at least part of the first).

    Returns the quote and how many sentences it used whole (0 when the first had to be cut).
    """
    if not sentences:
        return "", 0
    taken: list[str] = []
    length = 0
    for sentence in sentences:
        extra = len(sentence) + (1 if taken else 0)
        if length + extra > max_chars:
            break
        taken.append(sentence)
        length += extra
    if taken:
        return " ".join(taken), len(taken)
    return _cut_sentence(sentences[0], max_chars), 0


def fit_quote(text: str, max_chars: int = REPORT_QUOTE_CHARS) -> str:
    """``text`` shortened to at most ``max_chars`` at a sentence boundary; a first sentence that is
    too long alone is cut at a clause (or word) boundary and ends with " …"."""
    text = " ".join((text or "").split())
    if len(text) <= max_chars:
        return text
    return fit_sentences(split_sentences(text), max_chars)[0]


def _balance_quote_marks(text: str) -> str:
    """Straight quotation marks inside a quote become Danish inner quotes (›…‹), since the quote
    itself is printed in »…«; a mark left without its partner (the other one was in a sentence
    that was not quoted) is dropped."""
    text = re.sub(f"[{_QUOTE_CHARS}]", '"', text)
    if text.count('"') % 2:
        if text.startswith('"'):
            text = text[1:]
        else:
            i = text.rfind('"')
            text = text[:i] + text[i + 1:]
    out, inside = [], False
    for ch in text:
        if ch == '"':
            out.append("‹" if inside else "›")
            inside = not inside
        else:
            out.append(ch)
    return " ".join("".join(out).split())


class QuoteBook:
    """The quotes given out so far (one book per report), so none is given out twice."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._sentences: set[str] = set()
        self._sentence_words: list[tuple[str, frozenset[str]]] = []

    def said(self, sentence: str) -> bool:
        """Whether ``sentence`` was quoted already: the same words, contained in (or containing) a
        quoted sentence of at least three words, or the same statement with a word or two swapped
        (the demo's and many notes' "… der rammer eleverne" / "… der rammer borgerne")."""
        key = quote_key(sentence)
        if not key or key in self._sentences:
            return bool(key)
        words = frozenset(key.split())
        n = len(key.split())
        for other, other_words in self._sentence_words:
            m = len(other_words)
            if min(n, other.count(" ") + 1) >= MIN_CONTAINED_WORDS and (_contains(other, key) or _contains(key, other)):
                return True
            shared = len(words & other_words)
            if min(len(words), m) >= MIN_SIMILAR_WORDS and shared / len(words | other_words) >= SIMILAR_WORDS_SHARE:
                return True
            # The same statement behind a lead-in ("Kort om dette tema: Der efterspørges …").
            if min(len(words), m) >= MIN_OVERLAP_WORDS and shared / min(len(words), m) >= OVERLAP_SHARE:
                return True
        return False

    def _spend(self, sentence: str) -> None:
        key = quote_key(sentence)
        if key and key not in self._sentences:
            self._sentences.add(key)
            self._sentence_words.append((key, frozenset(key.split())))

    def is_new(self, quote: str) -> bool:
        key = quote_key(quote)
        if not key:
            return False
        return not any(_contains(k, key) or _contains(key, k) for k in self.keys)

    def remember(self, text: str) -> None:
        """Count ``text`` (an essence, a quote printed elsewhere) as said."""
        key = quote_key(text)
        if key:
            self.keys.append(key)
        for sentence in split_sentences(text):
            self._spend(sentence)

    def take(self, text: str, max_chars: int = REPORT_QUOTE_CHARS) -> str | None:
        """The quote to print of ``text`` (cleaned), or None when it was, in the main, quoted already.

        Sentences already quoted are left out; of the rest, the first contiguous run is quoted (a
        gap in the middle would need a mark of its own), shortened by :func:`fit_sentences`. A
        statement of which half or more was quoted already is left out altogether: what is new in
        it is mostly a lead-in ("Adspurgt om temaet svarer lederen uddybende.").
        """
        sentences = [" ".join(s.split()) for s in split_sentences(text)]
        flags = [self.said(s) for s in sentences]
        total = sum(len(s) for s in sentences)
        if not total or sum(len(s) for s, f in zip(sentences, flags, strict=True) if f) * 2 >= total:
            return None
        run: list[str] = []
        for sentence, said in zip(sentences, flags, strict=True):
            if said:
                if run:
                    break
                continue
            run.append(sentence)
        quote, whole = fit_sentences(run, max_chars)
        if not quote:
            return None
        quote = _balance_quote_marks(quote)
        if not self.is_new(quote):
            return None
        self.keys.append(quote_key(quote))
        # A sentence that was cut is still spent: quoting its other half later would repeat it.
        for sentence in run[: max(whole, 1)]:
            self._spend(sentence)
        return quote

    def take_first(self, texts: Iterable[str], max_chars: int = REPORT_QUOTE_CHARS) -> str | None:
        for text in texts:
            quote = self.take(text, max_chars)
            if quote is not None:
                return quote
        return None


# --- checks (used by the tests of every channel that prints quotes) ------------------------------


def is_whole_or_marked(quote: str, source: str | None = None) -> bool:
    """Whether ``quote`` ends a sentence, or ends with " …" where it was cut.

    With ``source`` (the cleaned text it was taken from), a marked cut must also fall between two
    words of it: the quoted part is the source's beginning, followed there by a space or a mark.
    """
    quote = quote.rstrip()
    if ends_a_sentence(quote):
        return True
    if not quote.endswith(f" {ELLIPSIS}"):
        return False
    head = _balance_back(quote.removesuffix(f" {ELLIPSIS}"))
    if not head:
        return False
    if source is None:
        return True
    source = _balance_back(" ".join(source.split()))
    at = source.find(head)
    return at >= 0 and (at + len(head) == len(source) or not source[at + len(head)].isalnum())


def _balance_back(text: str) -> str:
    return re.sub(f"[{_QUOTE_CHARS}]", "", text).strip()


def find_repeats(quotes: list[str]) -> list[tuple[str, str]]:
    """Pairs (earlier, later) of ``quotes`` where the later one repeats the earlier one: the same
    words, one inside the other, or a sentence of it said before (``QuoteBook.said``)."""
    out = []
    for i, later in enumerate(quotes):
        for earlier in quotes[:i]:
            book = QuoteBook()
            book.remember(earlier)
            if not book.is_new(later) or any(book.said(s) for s in split_sentences(later)):
                out.append((earlier, later))
    return out
