"""Codebooks: themes with sub-themes, loaded from YAML/JSON/REFI-QDA and validated.

Formats:
- the built-in codebook (``data/codebook_default.yaml``): codes, labels, themes and citations
  come from the frame (``ledelsesrum/frame``, seed 004's six themes and 19 sub-themes); the file
  adds a description per theme and sub-theme and the examples zero-shot coding uses, keyed by
  code (:func:`from_frame_data`);
- the CLI JSON format ``[{"id","label","description"?,"subthemes":[{"id","label","description"?,
  "examples"?}]}]`` (``examples`` is an optional extension);
- REFI-QDA codebook ``.qdc`` (XML, namespace ``urn:QDA-XML:codebook:1.0``) as exchanged by NVivo,
  ATLAS.ti and MAXQDA. A code's ``name`` is written as ``"<id>) <label>"`` so ids survive the round
  trip; names without such a prefix get generated ids on import. GUIDs are uuid5 of a scope (the
  study, see ``refi_qda.study_key``) and the code id: stable for the same study and code, different
  between studies.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ledelsesrum.frame.subthemes import Citation as FrameCitation
from ledelsesrum.frame.subthemes import Frame, load_frame, unknown_code_message
from ledelsesrum.lib import safe_yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "codebook_default.yaml"
QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
# Deterministic GUIDs: the same (scope, code id) always gets the same guid, so re-exports diff
# cleanly; the scope (a study) keeps "1a" of one study apart from "1a" of another.
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
    try:
        data = safe_yaml.load(DEFAULT_PATH.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CodebookError(f"Kodebogen {DEFAULT_PATH} kan ikke læses: {exc}") from exc
    return from_frame_data(data)


_FRAME_EXTRA_KEYS = {"theme": {"description"}, "subtheme": {"description", "examples"}}


def _frame_extras(data: dict, key: str, kind: str, known: list[str],
                  problems: list[str]) -> dict[str, dict[str, Any]]:
    """``data[key]`` (code → description and examples) for the frame's ``known`` codes of this
    ``kind``; each problem (unknown or missing code, a label, an unknown field) goes to
    ``problems``."""
    raw = data.get(key)
    if not isinstance(raw, dict):
        problems.append(f"Standardkodebogen: '{key}' skal være et objekt med koder som nøgler.")
        return {}
    out: dict[str, dict[str, Any]] = {}
    for code, value in raw.items():
        code = str(code)
        where = f"Standardkodebogen, {'tema' if kind == 'theme' else 'undertema'} {code}"
        if code not in known:
            problems.append(unknown_code_message(code, "Standardkodebogen") if kind == "subtheme"
                            else f"{where}: temaet findes ikke i rammen (ledelsesrum/frame/data/subthemes.yaml).")
            continue
        if not isinstance(value, dict):
            problems.append(f"{where}: skal være et objekt med {', '.join(sorted(_FRAME_EXTRA_KEYS[kind]))}.")
            continue
        if "label" in value:
            problems.append(f"{where}: etiketten står i rammen (ledelsesrum/frame/data/subthemes.yaml), "
                            "ikke i kodebogen.")
        unknown = sorted(str(k) for k in value if k not in _FRAME_EXTRA_KEYS[kind] | {"label"})
        if unknown:
            problems.append(f"{where}: ukendte felter {', '.join(unknown)}.")
        out[code] = value
    present = {str(k) for k in raw}
    for code in known:
        if code not in present:
            problems.append(f"Standardkodebogen mangler {'tema' if kind == 'theme' else 'undertema'} {code} "
                            "fra rammen (beskrivelse og eksempler).")
    return out


def from_frame_data(data: Any, frame: Frame | None = None) -> Codebook:
    """The built-in codebook: every theme and sub-theme of the frame, in the frame's order, with
    its code, label, theme and citation from the frame and the description and examples from
    ``data`` (``{"name", "themes": {code: {description}}, "subthemes": {code: {description,
    examples}}}``). Refused, with every problem named in Danish: a code the frame lacks, a frame
    code ``data`` does not describe, and a label (it would be a second copy of the frame's)."""
    frame = frame or load_frame()
    if not isinstance(data, dict):
        raise CodebookError("Standardkodebogen skal være et objekt med 'name', 'themes' og 'subthemes'.")
    problems: list[str] = []
    extra = sorted(str(k) for k in data if k not in {"name", "themes", "subthemes"})
    if extra:
        problems.append(f"Standardkodebogen har ukendte felter: {', '.join(extra)}.")

    theme_extras = _frame_extras(data, "themes", "theme", frame.theme_codes, problems)
    sub_extras = _frame_extras(data, "subthemes", "subtheme", frame.codes, problems)
    if problems:
        raise CodebookError("\n".join(problems))

    def cite(c: FrameCitation) -> Citation:
        return Citation(c.document, c.lines)

    themes = []
    for t in frame.themes:
        subs = []
        for s in frame.subthemes_of(t.code):
            extra_s = sub_extras[s.code]
            examples = extra_s.get("examples") or []
            if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
                raise CodebookError(f"Undertema {s.code!r}: 'examples' skal være en liste af tekster.")
            subs.append(SubTheme(
                id=s.code, label=s.label, description=_text(extra_s.get("description"), "description"),
                examples=tuple(e.strip() for e in examples if e.strip()), citation=cite(s.citation),
                theme_id=t.code,
            ))
        themes.append(Theme(id=t.code, label=t.label,
                            description=_text(theme_extras[t.code].get("description"), "description"),
                            subthemes=tuple(subs), citation=cite(t.citation)))
    return Codebook(themes=tuple(themes), name=_text(data.get("name"), "name"))


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


def code_guid(code_id: str, scope: str = "") -> str:
    """The REFI-QDA GUID of a code: uuid5 over ``scope`` (the study, ``refi_qda.study_key``) and
    the code id. Without a scope (a codebook outside any study) it depends on the id alone."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"{scope}\x1f{code_id}" if scope else code_id))


def _guid(code_id: str) -> str:
    return code_guid(code_id)


def code_name(code_id: str, label: str) -> str:
    """A code's REFI-QDA ``name``: ``"<id>) <label>"``, so the id survives a round trip."""
    return f"{code_id}) {label}"


def split_code_name(name: str) -> tuple[str | None, str]:
    """``"3b) Tid til ledelse"`` → ``("3b", "Tid til ledelse")``; a name without an id → ``(None, name)``."""
    name = (name or "").strip()
    m = _NAME_WITH_ID.match(name)
    return (m.group("id"), m.group("label").strip()) if m else (None, name)


def qdc_description(sub: SubTheme | Theme) -> str:
    """The description written to REFI-QDA: a sub-theme's examples go under an ``Eksempler:``
    heading (REFI-QDA has no field for them) and are read back by ``split_examples``."""
    description = sub.description
    examples = getattr(sub, "examples", ())
    if examples:
        description = (description + "\n\nEksempler:\n" + "\n".join(f"- {e}" for e in examples)).strip()
    return description


def write_codes(parent: ET.Element, codebook: Codebook, ns: str, *, scope: str = "",
                themes_codable: bool = True, note_refs: dict[str, list[str]] | None = None) -> None:
    """The ``<Code>`` tree of ``codebook`` under ``parent`` (a ``<Codes>`` element), in namespace
    ``ns`` (``"{urn:…}"``): the same shape in a ``.qdc`` and in a ``.qdpx`` project. ``note_refs``
    maps a code id to the GUIDs of notes (memos) on it (project files only)."""
    for theme in codebook.themes:
        t = ET.SubElement(parent, f"{ns}Code", {
            "guid": code_guid(theme.id, scope), "name": code_name(theme.id, theme.label),
            "isCodable": "true" if themes_codable else "false",
        })
        if theme.description:
            ET.SubElement(t, f"{ns}Description").text = theme.description
        for target in (note_refs or {}).get(theme.id, []):
            ET.SubElement(t, f"{ns}NoteRef", {"targetGUID": target})
        for sub in theme.subthemes:
            s = ET.SubElement(t, f"{ns}Code", {
                "guid": code_guid(sub.id, scope), "name": code_name(sub.id, sub.label), "isCodable": "true",
            })
            description = qdc_description(sub)
            if description:
                ET.SubElement(s, f"{ns}Description").text = description
            for target in (note_refs or {}).get(sub.id, []):
                ET.SubElement(s, f"{ns}NoteRef", {"targetGUID": target})


def to_qdc(codebook: Codebook, *, origin: str = "Ledelsesrum", scope: str = "") -> str:
    """Serialise as a REFI-QDA codebook (themes are codes, sub-themes their child codes).

    ``scope`` makes the GUIDs the study's own (pass ``refi_qda.study_key(study)``); without it
    they depend on the code id alone, as before."""
    ET.register_namespace("", QDC_NAMESPACE)
    ns = f"{{{QDC_NAMESPACE}}}"
    root = ET.Element(f"{ns}CodeBook", {"origin": origin})
    codes = ET.SubElement(root, f"{ns}Codes")
    write_codes(codes, codebook, ns, scope=scope)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def split_examples(description: str) -> tuple[str, tuple[str, ...]]:
    head, sep, tail = description.partition("\n\nEksempler:\n")
    if not sep:
        return description.strip(), ()
    examples = tuple(line[2:].strip() for line in tail.splitlines() if line.startswith("- "))
    return head.strip(), examples


MAX_QDC_DEPTH = 12  # levels of codes below a theme; real codebooks use two or three


def from_qdc(xml_text: str, *, reserved: Collection[str] = ()) -> Codebook:
    """Read a REFI-QDA codebook. Top-level codes become themes; all deeper codes become their
    sub-themes (labels joined with " › " below the second level); a top-level code without
    children becomes a theme with one sub-theme of the same label.

    ``reserved``: ids a generated id must not take (the study's codes, above all those already
    coded), so a code from another tool never silently gets the id of a code with another
    meaning. Ids written in the names (``"3b) …"``) are kept as they are."""
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
        return split_code_name(el.get("name") or "")

    def description_of(el: ET.Element) -> str:
        d = el.find(f"{ns}Description")
        return (d.text or "").strip() if d is not None else ""

    used: set[str] = set()

    written = {i for i, _label in (parse_name(el) for el in root.iter(f"{ns}Code")) if i}
    taken = set(reserved) - written

    def unique(candidate: str, generated: bool = False) -> str:
        result, n = candidate, 2
        while result in used or (generated and result in taken):
            result = f"{candidate}-{n}"
            n += 1
        used.add(result)
        return result

    themes = []
    for t_index, t_el in enumerate(codes_el.findall(f"{ns}Code"), start=1):
        t_id, t_label = parse_name(t_el)
        theme_id = unique(t_id) if t_id else unique(str(t_index), generated=True)
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
                description, examples = split_examples(description_of(child))
                subs.append(
                    SubTheme(unique(c_id) if c_id else unique(generated, generated=True),
                             label, description, examples, None, theme_id)
                )
                walk(child, label, depth + 1)

        walk(t_el, "")
        if not subs:
            subs.append(SubTheme(unique(f"{theme_id}a", generated=True), t_label, description_of(t_el), (), None,
                                 theme_id))
        themes.append(Theme(theme_id, t_label, description_of(t_el), tuple(subs)))
    return Codebook(themes=tuple(themes), name=root.get("origin", ""))


def meaning_clashes(current: Codebook, new: Codebook, used: Collection[str]) -> list[str]:
    """Codes in ``used`` (ids with coded units) that ``new`` keeps under the same id but with
    another label: importing ``new`` would silently give coded units another meaning. One Danish
    line per code; empty when there is no clash."""
    out = []
    for code in sorted(used):
        if code in current and code in new:
            old, fresh = current.get(code).label, new.get(code).label
            if " ".join(old.casefold().split()) != " ".join(fresh.casefold().split()):
                out.append(f"{code}: »{old}« her, »{fresh}« i filen")
    return out


def _letters(n: int) -> str:
    """0 → a, 25 → z, 26 → aa …"""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out
