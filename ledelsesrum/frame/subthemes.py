"""The six themes and 19 sub-themes of seed 004: read from ``data/subthemes.yaml``, validated on
load, immutable and cached. No Django here, so every layer (coding, knowledge, surveys, reports,
follow-up, the demo, the CLI) may read it.

This is the one place a sub-theme's code, label and theme are written. Other data files name
sub-themes by code only and check those codes with :func:`unknown_codes`; a file that names a
code the frame lacks is refused with a Danish message (see the loaders in ``coding.codebook``,
``knowledge.base`` and ``surveys.bank``).

File shape (``format: ledelsesrum-frame/1``)::

    version: "2025.1"
    source: {document: "004_….txt", lines: [355, 424]}
    themes:
      - {code: "1", label: "…", citation: {document: "004_….txt", lines: [371, 371]}}
    subthemes:
      - {code: "1a", theme: "1", label: "…", description: "…",
         citation: {document: "004_….txt", lines: [374, 374]}}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ledelsesrum.lib import safe_yaml
from ledelsesrum.lib.schema import Items, Record, Span, Text, check

FRAME_PATH = Path(__file__).resolve().parent / "data" / "subthemes.yaml"
FORMAT = "ledelsesrum-frame/1"

THEME_CODE = re.compile(r"^[1-9]$")
SUBTHEME_CODE = re.compile(r"^[1-9][a-z]$")


class FrameError(ValueError):
    """The frame file cannot be used; ``problems`` lists every problem as a Danish sentence."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("Rammen (temaer og undertemaer) er ugyldig:\n- " + "\n- ".join(self.problems))


@dataclass(frozen=True)
class Citation:
    document: str
    first: int
    last: int

    @property
    def lines(self) -> str:
        """``"374"`` for one line, ``"355-424"`` for a span (the codebook's citation form)."""
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True)
class Theme:
    code: str
    label: str
    citation: Citation


@dataclass(frozen=True)
class SubTheme:
    code: str
    theme: str
    label: str
    description: str
    citation: Citation


@dataclass(frozen=True)
class Frame:
    version: str
    source: Citation
    themes: tuple[Theme, ...]
    subthemes: tuple[SubTheme, ...]

    def __iter__(self) -> Iterator[SubTheme]:
        return iter(self.subthemes)

    def __contains__(self, code: object) -> bool:
        return any(s.code == code for s in self.subthemes)

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.subthemes]

    @property
    def theme_codes(self) -> list[str]:
        return [t.code for t in self.themes]

    def subtheme(self, code: str) -> SubTheme:
        for s in self.subthemes:
            if s.code == code:
                return s
        raise KeyError(code)

    def theme(self, code: str) -> Theme:
        for t in self.themes:
            if t.code == code:
                return t
        raise KeyError(code)

    def subthemes_of(self, theme_code: str) -> list[SubTheme]:
        return [s for s in self.subthemes if s.theme == theme_code]

    def theme_labels(self) -> dict[str, str]:
        """Theme code → label, in frame order (a new dict: callers may not change the frame)."""
        return {t.code: t.label for t in self.themes}

    def subtheme_labels(self) -> dict[str, str]:
        """Sub-theme code → label, themes in order and each theme's sub-themes in file order."""
        return {s.code: s.label for t in self.themes for s in self.subthemes_of(t.code)}

    def unknown_codes(self, codes: Iterable[str], *, themes: bool = False) -> list[str]:
        """The codes in ``codes`` that are not sub-themes of the frame (nor themes, with
        ``themes=True``), in order of first appearance."""
        known = set(self.codes) | (set(self.theme_codes) if themes else set())
        out: list[str] = []
        for code in codes:
            if code not in known and code not in out:
                out.append(code)
        return out


def unknown_code_message(code: str, where: str) -> str:
    """The Danish sentence the loaders use for a sub-theme code the frame lacks."""
    return (f"{where}: ukendt undertema '{code}' (rammen, ledelsesrum/frame/data/{FRAME_PATH.name}, "
            f"har {', '.join(load_frame().codes)}).")


# --- parsing ------------------------------------------------------------------------------------

_CITATION = Record(closed=True, fields={"document": Text(fold=True), "lines": Span()})
_SCHEMA = Record(closed=True, fields={
    "format": Text(required=False),
    "version": Text(fold=True),
    "source": _CITATION,
    "themes": Items(item="tema {key}", numbered="tema nr. {n}", key="code", non_empty=True,
                    unique="code", duplicate="Temaet '%(value)s' står mere end én gang",
                    of=Record(closed=True, fields={
                        "code": Text(fold=True, pattern=THEME_CODE, hint="ét ciffer (1–9)"),
                        "label": Text(fold=True), "citation": _CITATION})),
    "subthemes": Items(item="undertema {key}", numbered="undertema nr. {n}", key="code", non_empty=True,
                       unique="code", duplicate="Undertemaet '%(value)s' står mere end én gang",
                       of=Record(closed=True, fields={
                           "code": Text(fold=True, pattern=SUBTHEME_CODE,
                                        hint="tema-ciffer + bogstav (f.eks. '1d')"),
                           "theme": Text(fold=True), "label": Text(fold=True),
                           "description": Text(fold=True), "citation": _CITATION})),
})


def _citation(raw: Mapping[str, Any]) -> Citation:
    first, last = raw["lines"] or (0, 0)
    return Citation(raw["document"], first, last)


def parse_frame(raw: Any) -> Frame:
    """Build and validate a frame from the parsed file; raise :class:`FrameError` with every
    problem at once."""
    if not isinstance(raw, Mapping):
        raise FrameError(["Filen skal være et objekt med 'format', 'version', 'source', 'themes' og 'subthemes'."])
    checked = check(_SCHEMA, raw)
    problems = checked.problems
    if raw.get("format") != FORMAT:
        problems.insert(0, f"Ukendt format {raw.get('format')!r} (forventet '{FORMAT}').")
    data = checked.value
    themes = [Theme(t["code"], t["label"], _citation(t["citation"])) for t in data["themes"]]
    theme_codes = {t.code for t in themes}
    subthemes: list[SubTheme] = []
    for n, s in enumerate(data["subthemes"], start=1):
        code, theme = s["code"], s["theme"]
        where = f"Undertema {code or n}"
        if theme and theme not in theme_codes:
            problems.append(f"{where}: temaet '{theme}' findes ikke under 'themes'.")
        elif theme and code and not code.startswith(theme):
            problems.append(f"{where}: koden skal begynde med temaets kode '{theme}'.")
        subthemes.append(SubTheme(code, theme, s["label"], s["description"], _citation(s["citation"])))

    named: list[Theme | SubTheme] = [*themes, *subthemes]
    labels = [x.label.casefold() for x in named if x.label]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problems.append(f"Etiketten »{label}« bruges mere end én gang.")
    for t in themes:
        if t.code and not any(s.theme == t.code for s in subthemes):
            problems.append(f"Tema {t.code} ({t.label}) har ingen undertemaer.")
    if problems:
        raise FrameError(problems)
    return Frame(version=data["version"], source=_citation(data["source"]), themes=tuple(themes),
                 subthemes=tuple(subthemes))


def read_frame(path: Path) -> Frame:
    """Parse and validate the frame file at ``path`` (not cached: for tests and checks)."""
    try:
        raw = safe_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameError([f"Rammen {path} kan ikke læses: {exc}"]) from exc
    except yaml.YAMLError as exc:
        raise FrameError([f"Rammen {path} er ikke gyldig YAML: {exc}"]) from exc
    return parse_frame(raw)


@lru_cache(maxsize=1)
def load_frame() -> Frame:
    """The shipped frame, read and validated once per process (a :class:`Frame` is immutable)."""
    return read_frame(FRAME_PATH)


def theme_labels() -> dict[str, str]:
    """Theme code → label of the shipped frame."""
    return load_frame().theme_labels()


def subtheme_labels() -> dict[str, str]:
    """Sub-theme code → label of the shipped frame."""
    return load_frame().subtheme_labels()
