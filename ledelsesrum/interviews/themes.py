"""The themes interview summaries are written under: ids and labels from the codebook.

The built-in codebook (``coding.codebook``, seed 004's six themes and 19 sub-themes) is the one
source of theme labels; this module only looks them up and matches headings against them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ledelsesrum.coding.codebook import Codebook, load_codebook


@dataclass(frozen=True)
class ThemeRef:
    id: str
    label: str
    is_subtheme: bool

    @property
    def display(self) -> str:
        return f"{self.id}. {self.label}" if not self.is_subtheme else f"{self.id}) {self.label}"


def default_codebook() -> Codebook:
    return load_codebook("default")


def all_themes(codebook: Codebook | None = None) -> list[ThemeRef]:
    """Themes and their sub-themes in codebook order: 1, 1a, 1b, …, 2, 2a, …"""
    codebook = codebook or default_codebook()
    out: list[ThemeRef] = []
    for theme in codebook.themes:
        out.append(ThemeRef(theme.id, theme.label, False))
        out.extend(ThemeRef(s.id, s.label, True) for s in theme.subthemes)
    return out


def main_themes(codebook: Codebook | None = None) -> list[ThemeRef]:
    return [t for t in all_themes(codebook) if not t.is_subtheme]


def theme_index(codebook: Codebook | None = None) -> dict[str, ThemeRef]:
    return {t.id: t for t in all_themes(codebook)}


def themes_for_guide(linked_ids: Iterable[str], codebook: Codebook | None = None) -> list[ThemeRef]:
    """The themes a summary is written under: those the guide's questions link to, in codebook
    order; all six main themes when the guide links to none."""
    wanted = {str(i) for i in linked_ids}
    chosen = [t for t in all_themes(codebook) if t.id in wanted]
    return chosen or main_themes(codebook)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[\"'“”„«»*_#:.]+", " ", text)
    return " ".join(text.split())


_NUMBERING = re.compile(r"^\s*(?:tema\s+)?(?P<id>\d{1,2}[a-zæøå]?)\s*[.):]?\s+(?P<rest>.*)$", re.I)
_ID_ONLY = re.compile(r"^\s*(?:tema\s+)?(?P<id>\d{1,2}[a-zæøå]?)\s*[.):]?\s*$", re.I)
_LETTER = re.compile(r"^\s*(?P<letter>[a-zæøå])\)\s+(?P<rest>.*)$", re.I)


def match_heading(heading: str, codebook: Codebook | None = None) -> str | None:
    """The theme id a heading names, or None.

    Accepted: the label ("Tid til ledelse"), the label with its number ("3. Organisering og
    ledelsesspænd", "3b Tid til ledelse", "b) Tid til ledelse"), or the id alone ("Tema 3",
    "1b"). Case, quotes and trailing colons do not matter.
    """
    index = theme_index(codebook)
    by_label: dict[str, list[str]] = {}
    for ref in index.values():
        by_label.setdefault(_key(ref.label), []).append(ref.id)
    only = _ID_ONLY.match(heading)
    if only and only.group("id").lower() in index:
        return only.group("id").lower()
    numbered = _NUMBERING.match(heading)
    if numbered:
        ids = by_label.get(_key(numbered.group("rest")), [])
        given = numbered.group("id").lower()
        if given in ids:
            return given
        if len(ids) == 1:
            return ids[0]
    lettered = _LETTER.match(heading)
    rest = lettered.group("rest") if lettered else heading
    ids = by_label.get(_key(rest), [])
    if lettered:
        ids = [i for i in ids if i.endswith(lettered.group("letter").lower())] or ids
    return ids[0] if len(ids) == 1 else None
