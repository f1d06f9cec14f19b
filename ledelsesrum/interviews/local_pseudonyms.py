"""What an interviewer sees instead of the study-wide pseudonyms: labels local to one interview.

Pure Python, no Django. Stored note and unit text keeps the study-wide pseudonyms that
``pseudonymise.py`` hands out (``[Leder A]``, ``[Person 3]``, ``[E-mail 1]`` …); the key behind
them is for analysts only. Everyone else sees the text of an interview through that interview's
:class:`LocalKey`: every study-wide pseudonym becomes a label numbered in the order it first
appears in that interview (``[Navn 1]``, ``[Navn 2]``, ``[E-mailadresse 1]`` …). Why: an interviewer
who writes a leader's name in their own notes and reads the study-wide pseudonym back would learn
one line of the key with every name they try, and could then read other interviewers' units (second
coding) by name. With local labels, what they learn is where a name stands in their own interview,
which they knew; the same person has unrelated labels in two interviews.

- :func:`localise` turns stored text into what a non-analyst sees;
- :func:`delocalise` turns what a non-analyst typed back into stored text: a local label of the
  interview becomes its study-wide pseudonym again; a study-wide pseudonym the interviewer typed
  (a guess, "[Leder A]") loses its brackets, so it can never be compared with the key; an unknown
  local-looking label ("[Navn 9]" when the interview has three names) loses its brackets too and
  stays plain text.

Labels distinguish names, e-mail addresses, phone and CPR numbers, never "leader from the register"
from "other person" (that would tell who is in the register). They are Danish words written into
the text, like the study-wide pseudonyms, so they are not translated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NAME = "name"
EMAIL = "email"
PHONE = "phone"
CPR = "cpr"

# The study-wide pseudonyms PseudonymTable writes: "[Leder A]", "[Leder AB]", "[Person 12]" …
STUDY_PSEUDONYM_RE = re.compile(r"\[(?:Leder [A-Z]{1,4}|Person \d{1,6}|E-mail \d{1,6}|Telefon \d{1,6}|CPR \d{1,6})\]")
_STUDY_KIND = {"Leder": NAME, "Person": NAME, "E-mail": EMAIL, "Telefon": PHONE, "CPR": CPR}

# Local labels: words the study-wide pseudonyms never use, so the two cannot be confused.
LABEL_PREFIX = {NAME: "Navn", EMAIL: "E-mailadresse", PHONE: "Telefonnummer", CPR: "CPR-nummer"}
_PREFIX_KIND = {prefix: kind for kind, prefix in LABEL_PREFIX.items()}
LOCAL_LABEL_RE = re.compile(r"\[(Navn|E-mailadresse|Telefonnummer|CPR-nummer) (\d{1,6})\]")

_EITHER_RE = re.compile(f"{STUDY_PSEUDONYM_RE.pattern}|{LOCAL_LABEL_RE.pattern}")


def kind_of(pseudonym: str) -> str:
    """The kind (name, email, phone, cpr) of a study-wide pseudonym such as ``[Leder A]``."""
    return _STUDY_KIND[pseudonym[1:].split(" ", 1)[0]]


def study_pseudonyms(texts: Iterable[str]) -> list[str]:
    """Every study-wide pseudonym in ``texts``, once, in the order of first appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in STUDY_PSEUDONYM_RE.finditer(text or ""):
            seen.setdefault(match.group(0), None)
    return list(seen)


def _unbracketed(label: str) -> str:
    return label[1:-1]


class LocalKey:
    """One interview's labels: study-wide pseudonym ↔ local label, a bijection."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.to_local: dict[str, str] = {}
        self.to_study: dict[str, str] = {}
        self._last: dict[str, int] = {}
        for pseudonym, label in pairs:
            self._add(pseudonym, label)

    def _add(self, pseudonym: str, label: str) -> None:
        self.to_local[pseudonym] = label
        self.to_study[label] = pseudonym
        match = LOCAL_LABEL_RE.fullmatch(label)
        if match:
            kind = _PREFIX_KIND[match.group(1)]
            self._last[kind] = max(self._last.get(kind, 0), int(match.group(2)))

    def __len__(self) -> int:
        return len(self.to_local)

    def pairs(self) -> list[tuple[str, str]]:
        return list(self.to_local.items())

    def extend(self, texts: Iterable[str]) -> list[tuple[str, str]]:
        """Give every study-wide pseudonym of ``texts`` without a label the next label of its kind,
        in order of first appearance; returns the new (pseudonym, label) pairs."""
        new: list[tuple[str, str]] = []
        for pseudonym in study_pseudonyms(texts):
            if pseudonym in self.to_local:
                continue
            kind = kind_of(pseudonym)
            n = self._last.get(kind, 0) + 1
            label = f"[{LABEL_PREFIX[kind]} {n}]"
            while label in self.to_study:  # only when stored labels were numbered oddly
                n += 1
                label = f"[{LABEL_PREFIX[kind]} {n}]"
            self._add(pseudonym, label)
            new.append((pseudonym, label))
        return new

    def covers(self, texts: Iterable[str]) -> bool:
        return all(p in self.to_local for p in study_pseudonyms(texts))


def localise(text: str, key: LocalKey) -> str:
    """``text`` as a non-analyst sees it: study-wide pseudonyms replaced by the key's labels.

    A pseudonym the key lacks (the caller should have extended it) becomes the label's word
    without a number ("[Navn]"), never itself. A local-looking label that is literally in the
    stored text loses its brackets, so it cannot pass for a label of the interview.
    """
    if not text:
        return text or ""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.group(1) is not None:  # literal "[Navn 3]" in stored text
            return _unbracketed(token)
        return key.to_local.get(token) or f"[{LABEL_PREFIX[kind_of(token)]}]"

    return _EITHER_RE.sub(replace, text)


def delocalise(text: str, key: LocalKey) -> str:
    """What a non-analyst typed, as it is stored: the key's labels back to study-wide pseudonyms.

    A study-wide pseudonym typed by hand and a local-looking label the key does not know both lose
    their brackets: kept as plain words, never read as a pseudonym.
    """
    if not text:
        return text or ""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.group(1) is not None:
            return key.to_study.get(token) or _unbracketed(token)
        return _unbracketed(token)

    return _EITHER_RE.sub(replace, text)
