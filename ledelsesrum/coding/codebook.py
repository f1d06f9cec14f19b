"""Codebooks: themes with sub-themes, loaded from YAML/JSON/REFI-QDA and validated.

Formats:
- built-in YAML (``data/codebook_default.yaml``): name, themes with id, label, description,
  citation and sub-themes with examples;
- the CLI JSON format ``[{"id","label","description"?,"subthemes":[{"id","label","description"?,
  "examples"?}]}]`` (``examples`` is an optional extension);
- REFI-QDA codebook ``.qdc`` (XML, namespace ``urn:QDA-XML:codebook:1.0``) as exchanged by NVivo,
  ATLAS.ti and MAXQDA. A code's ``name`` is written as ``"<id>) <label>"`` so ids survive the round
  trip; names without such a prefix get generated ids on import.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ledelsesrum.lib import safe_yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "codebook_default.yaml"
QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
# Deterministic GUIDs: the same code id always gets the same guid, so re-exports diff cleanly.
_GUID_NAMESPACE = uuid.UUID("6f1c1d0e-3b7a-4c55-9a43-2a7c2f0c9e11")
_NAME_WITH_ID = re.compile(r"^(?P<id>[0-9A-Za-zÆØÅæøå][0-9A-Za-zÆØÅæøå._-]{0,15})\)\s+(?P<label>.+)$")


class CodebookError(ValueError):
    """A codebook that cannot be used; the message is Danish and names the problem."""


@dataclass(frozen=True)
class Citation:
    document: str
    lines: str

    def as_dict(self) -> dict[str, str]:
        return {"document": self.document, "lines": self.lines}


@dataclass(frozen=True)
class SubTheme:
    id: str
    label: str
    description: str = ""
    examples: tuple[str, ...] = ()
    citation: Citation | None = None
    theme_id: str = ""

    @property
    def anchor_texts(self) -> list[str]:
        """Texts that describe the code for zero-shot matching (label+description, examples)."""
        head = f"{self.label}. {self.description}".strip()
        return [head, *self.examples]


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str = ""
    subthemes: tuple[SubTheme, ...] = ()
    citation: Citation | None = None


@dataclass(frozen=True)
class Codebook:
    themes: tuple[Theme, ...]
    name: str = ""
    _index: dict[str, SubTheme] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        validate(self)
        self._index.update({s.id: s for t in self.themes for s in t.subthemes})

    @property
    def subthemes(self) -> list[SubTheme]:
        return [s for t in self.themes for s in t.subthemes]

    @property
    def code_ids(self) -> list[str]:
        return [s.id for s in self.subthemes]

    def get(self, code_id: str) -> SubTheme:
        try:
            return self._index[code_id]
        except KeyError:
            raise CodebookError(f"Ukendt undertema: {code_id!r}.") from None

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._index

    def theme_of(self, code_id: str) -> Theme:
        sub = self.get(code_id)
        return next(t for t in self.themes if t.id == sub.theme_id)


def validate(codebook: Codebook) -> None:
    """Raise :class:`CodebookError` for empty codebooks, missing labels or duplicate ids."""
    if not codebook.themes:
        raise CodebookError("Kodebogen har ingen temaer.")
    seen: set[str] = set()
    for theme in codebook.themes:
        if not theme.id.strip():
            raise CodebookError(f"Et tema mangler id (etiket {theme.label!r}).")
        if not theme.label.strip():
            raise CodebookError(f"Tema {theme.id!r} mangler en etiket.")
        if theme.id in seen:
            raise CodebookError(f"Id {theme.id!r} bruges mere end én gang.")
        seen.add(theme.id)
        if not theme.subthemes:
            raise CodebookError(f"Tema {theme.id!r} ({theme.label}) har ingen undertemaer.")
        for sub in theme.subthemes:
            if not sub.id.strip():
                raise CodebookError(f"Et undertema i tema {theme.id!r} mangler id.")
            if not sub.label.strip():
                raise CodebookError(f"Undertema {sub.id!r} mangler en etiket.")
            if sub.id in seen:
                raise CodebookError(f"Id {sub.id!r} bruges mere end én gang.")
            seen.add(sub.id)


# --- dict formats (YAML and CLI JSON) ---------------------------------------------------------


def _text(value: Any, where: str, *, required: bool = False) -> str:
    if value is None:
        if required:
            raise CodebookError(f"{where} mangler.")
        return ""
    if not isinstance(value, str | int | float):
        raise CodebookError(f"{where} skal være tekst.")
    return str(value).strip()


def _citation(value: Any) -> Citation | None:
    if not isinstance(value, dict):
        return None
    return Citation(str(value.get("document", "")), str(value.get("lines", "")))


def from_data(data: Any, *, name: str = "") -> Codebook:
    """Build a codebook from the CLI JSON list or the YAML mapping (``{"themes": [...]}``)."""
    if isinstance(data, dict):
        name = str(data.get("name") or name)
        data = data.get("themes")
    if not isinstance(data, list):
        raise CodebookError("Kodebogen skal være en liste af temaer med 'id', 'label' og 'subthemes'.")
    themes = []
    for i, raw in enumerate(data, start=1):
        if not isinstance(raw, dict):
            raise CodebookError(f"Tema nr. {i} er ikke et objekt.")
        theme_id = _text(raw.get("id"), f"Tema nr. {i}: 'id'", required=True)
        subs_raw = raw.get("subthemes")
        if subs_raw is None:
            subs_raw = []
        if not isinstance(subs_raw, list):
            raise CodebookError(f"Tema {theme_id!r}: 'subthemes' skal være en liste.")
        subs = []
        for j, sraw in enumerate(subs_raw, start=1):
            if not isinstance(sraw, dict):
                raise CodebookError(f"Tema {theme_id!r}: undertema nr. {j} er ikke et objekt.")
            examples = sraw.get("examples") or []
            if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
                raise CodebookError(f"Undertema {sraw.get('id')!r}: 'examples' skal være en liste af tekster.")
            subs.append(
                SubTheme(
                    id=_text(sraw.get("id"), f"Tema {theme_id!r}, undertema nr. {j}: 'id'", required=True),
                    label=_text(sraw.get("label"), f"Undertema {sraw.get('id')!r}: 'label'", required=True),
                    description=_text(sraw.get("description"), "description"),
                    examples=tuple(e.strip() for e in examples if e.strip()),
                    citation=_citation(sraw.get("citation")),
                    theme_id=theme_id,
                )
            )
        themes.append(
            Theme(
                id=theme_id,
                label=_text(raw.get("label"), f"Tema {theme_id!r}: 'label'", required=True),
                description=_text(raw.get("description"), "description"),
                subthemes=tuple(subs),
                citation=_citation(raw.get("citation")),
            )
        )
    return Codebook(themes=tuple(themes), name=name)


def to_data(codebook: Codebook, *, examples: bool = True) -> list[dict[str, Any]]:
    """The CLI JSON structure (descriptions and, optionally, examples included when present)."""
    out = []
    for theme in codebook.themes:
        t: dict[str, Any] = {"id": theme.id, "label": theme.label}
        if theme.description:
            t["description"] = theme.description
        subs = []
        for sub in theme.subthemes:
            s: dict[str, Any] = {"id": sub.id, "label": sub.label}
            if sub.description:
                s["description"] = sub.description
            if examples and sub.examples:
                s["examples"] = list(sub.examples)
            subs.append(s)
        t["subthemes"] = subs
        out.append(t)
    return out


def to_json(codebook: Codebook, *, examples: bool = True) -> str:
    return json.dumps(to_data(codebook, examples=examples), ensure_ascii=False, indent=2)


def load_codebook(source: str | Path = "default") -> Codebook:
    """Load ``"default"`` (the built-in frame, read once per process: a Codebook is immutable) or
    a ``.json``, ``.yaml``/``.yml`` or ``.qdc`` file."""
    if str(source) == "default":
        return _default_codebook()
    return _load_file(Path(source))


@lru_cache(maxsize=1)
def _default_codebook() -> Codebook:
    return _load_file(DEFAULT_PATH)


def _load_file(path: Path) -> Codebook:
    if not path.is_file():
        raise CodebookError(f"Kodebogen {path} findes ikke.")
    suffix = path.suffix.lower()
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodebookError(f"Kodebogen {path} er ikke UTF-8-tekst.") from exc
    if suffix == ".qdc":
        return from_qdc(raw)
    try:
        data = safe_yaml.load(raw) if suffix in {".yaml", ".yml"} else json.loads(raw)
    except RecursionError:
        raise CodebookError(f"Kodebogen {path} er indlejret for dybt til at kunne læses.") from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise CodebookError(f"Kodebogen {path} kan ikke læses: {exc}") from exc
    return from_data(data, name=path.stem)


# --- REFI-QDA codebook (.qdc) ------------------------------------------------------------------


def _guid(code_id: str) -> str:
    return str(uuid.uuid5(_GUID_NAMESPACE, code_id))


def to_qdc(codebook: Codebook, *, origin: str = "Ledelsesrum") -> str:
    """Serialise as a REFI-QDA codebook (themes are codes, sub-themes their child codes)."""
    ET.register_namespace("", QDC_NAMESPACE)
    ns = f"{{{QDC_NAMESPACE}}}"
    root = ET.Element(f"{ns}CodeBook", {"origin": origin})
    codes = ET.SubElement(root, f"{ns}Codes")
    for theme in codebook.themes:
        t = ET.SubElement(
            codes, f"{ns}Code", {"guid": _guid(theme.id), "name": f"{theme.id}) {theme.label}", "isCodable": "true"}
        )
        if theme.description:
            ET.SubElement(t, f"{ns}Description").text = theme.description
        for sub in theme.subthemes:
            s = ET.SubElement(
                t, f"{ns}Code", {"guid": _guid(sub.id), "name": f"{sub.id}) {sub.label}", "isCodable": "true"}
            )
            description = sub.description
            if sub.examples:
                # REFI-QDA has no field for examples; keep them readable in the description.
                description = (description + "\n\nEksempler:\n" + "\n".join(f"- {e}" for e in sub.examples)).strip()
            if description:
                ET.SubElement(s, f"{ns}Description").text = description
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _split_examples(description: str) -> tuple[str, tuple[str, ...]]:
    head, sep, tail = description.partition("\n\nEksempler:\n")
    if not sep:
        return description.strip(), ()
    examples = tuple(line[2:].strip() for line in tail.splitlines() if line.startswith("- "))
    return head.strip(), examples


MAX_QDC_DEPTH = 12  # levels of codes below a theme; real codebooks use two or three


def from_qdc(xml_text: str) -> Codebook:
    """Read a REFI-QDA codebook. Top-level codes become themes; all deeper codes become their
    sub-themes (labels joined with " › " below the second level); a top-level code without
    children becomes a theme with one sub-theme of the same label."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise CodebookError(f"REFI-QDA-filen er ikke gyldig XML: {exc}") from exc
    ns = f"{{{QDC_NAMESPACE}}}"
    if root.tag != f"{ns}CodeBook":
        raise CodebookError("REFI-QDA-filen har ikke en <CodeBook> i navnerummet urn:QDA-XML:codebook:1.0.")
    codes_el = root.find(f"{ns}Codes")
    if codes_el is None:
        raise CodebookError("REFI-QDA-filen indeholder ingen koder.")

    def parse_name(el: ET.Element) -> tuple[str | None, str]:
        name = (el.get("name") or "").strip()
        m = _NAME_WITH_ID.match(name)
        return (m.group("id"), m.group("label").strip()) if m else (None, name)

    def description_of(el: ET.Element) -> str:
        d = el.find(f"{ns}Description")
        return (d.text or "").strip() if d is not None else ""

    used: set[str] = set()

    def unique(candidate: str) -> str:
        result, n = candidate, 2
        while result in used:
            result = f"{candidate}-{n}"
            n += 1
        used.add(result)
        return result

    themes = []
    for t_index, t_el in enumerate(codes_el.findall(f"{ns}Code"), start=1):
        t_id, t_label = parse_name(t_el)
        theme_id = unique(t_id or str(t_index))
        subs: list[SubTheme] = []

        def walk(el: ET.Element, prefix: str, depth: int = 1, theme_id: str = theme_id,
                 subs: list[SubTheme] = subs) -> None:
            if depth > MAX_QDC_DEPTH:
                # A hostile file nests thousands of levels: refuse it before the recursion fails.
                raise CodebookError(f"REFI-QDA-filen har koder i mere end {MAX_QDC_DEPTH} niveauer; "
                                    "så dybe kodetræer kan ikke indlæses.")
            for child in el.findall(f"{ns}Code"):
                c_id, c_label = parse_name(child)
                label = f"{prefix} › {c_label}" if prefix else c_label
                generated = f"{theme_id}{_letters(len(subs))}"
                description, examples = _split_examples(description_of(child))
                subs.append(
                    SubTheme(unique(c_id or generated), label, description, examples, None, theme_id)
                )
                walk(child, label, depth + 1)

        walk(t_el, "")
        if not subs:
            subs.append(SubTheme(unique(f"{theme_id}a"), t_label, description_of(t_el), (), None, theme_id))
        themes.append(Theme(theme_id, t_label, description_of(t_el), tuple(subs)))
    return Codebook(themes=tuple(themes), name=root.get("origin", ""))


def _letters(n: int) -> str:
    """0 → a, 25 → z, 26 → aa …"""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


def load_default() -> Codebook:
    """The built-in frame (seed 004), read once per call; cheap enough not to cache."""
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    return from_data(data, name=str(data.get("name", "")))
