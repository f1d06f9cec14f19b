"""Gender-neutral quotes for the report: pronouns and gendered nouns that could point to one leader.

Pure Python, no Django. A quote in the report carries no pseudonym, but "hun sagde …" in a
municipality with three women among its school leaders still narrows it down. :func:`neutralise_gender`
rewrites, minimally and word by word:

- ``han``, ``hun``, ``ham``, ``hende`` → ``vedkommende``; ``hans``, ``hendes`` → ``vedkommendes``;
- ``manden``, ``kvinden`` → ``personen``; ``mandens``, ``kvindens`` → ``personens``;
- the titles ``fru``, ``frk.``, ``hr.`` are dropped;
- "vedkommende eller vedkommende" (from "han eller hun") and "vedkommende/vedkommende" collapse
  to one "vedkommende".

Whole words only ("handle", "hunde", "Hansen", "hamre" stay). Case follows the original: "Han" →
"Vedkommende", "HUN" → "VEDKOMMENDE". A capitalised "Hans" inside a sentence is a first name, not
"his", and is left to the pseudonymiser. Not handled (on purpose, the words are rarely
identifying or too ambiguous): family words (mor, far, datter), "mand" as in "12 mand".
"""

from __future__ import annotations

import re

from ledelsesrum.interviews.pseudonymise import is_sentence_start

NEUTRAL: dict[str, str] = {
    "han": "vedkommende",
    "hun": "vedkommende",
    "ham": "vedkommende",
    "hende": "vedkommende",
    "hans": "vedkommendes",
    "hendes": "vedkommendes",
    "manden": "personen",
    "kvinden": "personen",
    "mandens": "personens",
    "kvindens": "personens",
}

_WORD_RE = re.compile(r"(?<![\w-])(" + "|".join(sorted(NEUTRAL, key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)
# Titles before a name or a placeholder; not "HR." (human resources) at the end of a sentence.
_TITLE_RE = re.compile(r"(?<![\w-])(?:[fF]ru|[fF]rk\.|[hH]r\.)[ \t]+(?=[A-ZÆØÅ\[])")
# "han eller hun", "han/hun": one person either way. ("ham og hende" are two and stay two.)
_DOUBLE_RE = re.compile(r"\b(vedkommendes?)(?: eller |/)\1\b", re.IGNORECASE)


def _with_case(original: str, replacement: str) -> str:
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def neutralise_gender(text: str) -> str:
    """``text`` with gendered pronouns, nouns and titles replaced (see the module docstring)."""
    if not text:
        return text or ""

    def title(match: re.Match[str]) -> str:
        # "Fru [person] sagde" opening a sentence: the next word takes the capital.
        return "" if not match.group(0)[0].isupper() else "\0"

    text = _TITLE_RE.sub(title, text)
    text = re.sub(r"\0(\S)", lambda m: m.group(1).upper(), text)

    def word(match: re.Match[str]) -> str:
        found = match.group(1)
        if found == "Hans" and not is_sentence_start(text, match.start()):
            return found  # a first name mid-sentence, not the pronoun
        return _with_case(found, NEUTRAL[found.lower()])

    text = _WORD_RE.sub(word, text)
    return _DOUBLE_RE.sub(lambda m: m.group(1), text)
