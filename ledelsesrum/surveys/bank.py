"""The item bank: Danish questions grouped in scales, each scale mapped to a sub-theme of the frame.

The default bank is the data file ``surveys/data/item_bank.yaml``. Its scales name sub-themes by
code only; the themes and sub-themes (codes and labels) come from the frame
(``ledelsesrum/frame/data/subthemes.yaml``), and the default bank may not carry a copy of them.
A customer's licensed instrument
is imported in the same format with :func:`load_instrument`. Both are validated the same way and a
broken file is refused with every problem listed in Danish, so an analyst can fix it in one go.

Public API:

- :func:`load_bank` — the default bank (cached) or a bank from a path.
- :func:`load_instrument` — a customer's instrument from a path, bytes or an uploaded file.
- :class:`BankError` — raised with ``.errors`` (list of Danish messages) when validation fails.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from ledelsesrum.frame.subthemes import load_frame
from ledelsesrum.lib import safe_yaml
from ledelsesrum.lib.schema import (
    Flag,
    Integer,
    Items,
    Record,
    Span,
    Table,
    Text,
    check,
    model_max_length,
)

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "item_bank.yaml"
# The source documents live beside the repository (../shared/seeds); when they are not there
# (an installed package, a customer's server) only the line-range check of citations is skipped.
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

FORMAT = "ledelsesrum-item-bank/1"
KINDS = ("scale", "choice", "number", "open")
OPTIONS_FROM = ("areas", "levels")
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")  # the length is Question.code's
SUBTHEME_RE = re.compile(r"^[1-9][a-z]$")
MAX_INSTRUMENT_BYTES = 1024 * 1024


class BankError(ValueError):
    """The bank or instrument file is invalid; ``errors`` lists every problem in Danish."""

    def __init__(self, errors: list[str], *, source: str = "") -> None:
        self.errors = list(errors)
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(self.errors))


@dataclass(frozen=True)
class Citation:
    document: str
    lines: tuple[int, int] | None = None
    note: str = ""


@dataclass(frozen=True)
class ResponseScale:
    key: str
    title: str
    labels: list[str]  # values 1..5; 1 is the most positive end of the wording
    dont_know_label: str

    def choices(self, *, dont_know: bool = True) -> list[tuple[int, str]]:
        pairs = [(i + 1, label) for i, label in enumerate(self.labels)]
        if dont_know and self.dont_know_label:
            pairs.append((0, self.dont_know_label))
        return pairs


@dataclass(frozen=True)
class BankItem:
    """A question in the bank: a scale item, a fact or an open question."""

    code: str
    text: str
    kind: str = "scale"
    help_text: str = ""
    response_scale: str = ""
    reverse: bool = False
    sensitive: bool = False
    scale_code: str = ""
    subtheme: str = ""
    options: list[dict] = field(default_factory=list)  # [{"key": ..., "label": ...}] for choices
    options_from: str = ""  # "areas" / "levels": filled from the organisation at build time
    min_value: int | None = None
    max_value: int | None = None
    unit: str = ""


@dataclass(frozen=True)
class BankScale:
    code: str
    title: str
    subtheme: str
    description: str
    response_scale: str
    items: list[BankItem]
    sources: list[Citation] = field(default_factory=list)

    @property
    def sensitive(self) -> bool:
        return any(item.sensitive for item in self.items)


@dataclass(frozen=True)
class Page:
    """A page of the default questionnaire: facts, a list of scales, or the open questions."""

    title: str
    intro: str = ""
    scales: list[str] = field(default_factory=list)
    facts: bool = False
    open_questions: bool = False


@dataclass
class ItemBank:
    version: str
    title: str
    sources: list[Citation]
    themes: dict[str, str]
    subthemes: dict[str, str]
    response_scales: dict[str, ResponseScale]
    facts: list[BankItem]
    scales: list[BankScale]
    open_questions: list[BankItem]
    pages: list[Page]
    path: str = ""

    def scale(self, code: str) -> BankScale | None:
        return next((s for s in self.scales if s.code == code), None)

    def item(self, code: str) -> BankItem | None:
        """Any question of the bank by code: scale item, fact or open question."""
        return next((i for i in self.all_items() if i.code == code), None)

    def all_items(self) -> list[BankItem]:
        return [*self.facts, *(i for s in self.scales for i in s.items), *self.open_questions]

    def scale_item_count(self) -> int:
        return sum(len(s.items) for s in self.scales)


# --------------------------------------------------------------------------------------------
# Loading


def load_bank(path: str | Path | None = None) -> ItemBank:
    """The default item bank (parsed and validated once per process) or the bank at ``path``."""
    if path is None:
        return _default_bank()
    path = Path(path)
    return parse_bank(_read_mapping(path.read_bytes(), path.name), source=path.name, path=str(path))


@functools.lru_cache(maxsize=1)
def _default_bank() -> ItemBank:
    raw = _read_mapping(DEFAULT_PATH.read_bytes(), DEFAULT_PATH.name)
    copies = [key for key in ("themes", "subthemes") if key in raw]
    if copies:
        # A second list of labels would drift from the frame's (issue 14: it did, for 1a, 1d, 4b).
        raise BankError([f"Feltet '{key}' hører ikke hjemme i spørgebanken: temaer og undertemaer står i "
                         "rammen (ledelsesrum/frame/data/subthemes.yaml)." for key in copies],
                        source=DEFAULT_PATH.name)
    return parse_bank(raw, source=DEFAULT_PATH.name, path=str(DEFAULT_PATH))


def load_instrument(file: str | Path | bytes | IO) -> ItemBank:
    """A customer's instrument in the bank format (YAML or JSON), validated like the default bank.

    An instrument may leave out ``subthemes``, ``themes`` and ``response_scales``; it then uses
    the frame's themes and sub-themes and the default bank's standard Danish scales.
    """
    name = ""
    if isinstance(file, (str, Path)):
        name = Path(file).name
        data = Path(file).read_bytes()
    elif isinstance(file, bytes):
        data = file
    else:
        name = getattr(file, "name", "") or ""
        data = file.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > MAX_INSTRUMENT_BYTES:
        raise BankError(["Filen er for stor til et spørgeskema (højst 1 MB)."], source=name)
    if not data.strip():
        raise BankError(["Filen er tom."], source=name)
    raw = _read_mapping(data, name)
    default = load_bank()
    raw.setdefault(
        "response_scales",
        {
            key: {"title": rs.title, "labels": list(rs.labels), "dont_know": rs.dont_know_label}
            for key, rs in default.response_scales.items()
        },
    )
    return parse_bank(raw, source=name, require_sources=False)


def _read_mapping(data: bytes, name: str) -> dict:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BankError(["Filen er ikke gemt som UTF-8."], source=name) from None
    try:
        if name.lower().endswith(".json"):
            raw = json.loads(text)
        else:
            # YAML is a superset of JSON, so a JSON file without the extension loads too.
            raw = safe_yaml.load(text)
    except safe_yaml.UnsafeYAML as exc:
        raise BankError([str(exc)], source=name) from None
    except RecursionError:  # JSON nested thousands of levels deep
        raise BankError(["Filen er indlejret for dybt til at kunne læses."], source=name) from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" (linje {mark.line + 1})"
        elif isinstance(exc, json.JSONDecodeError):
            where = f" (linje {exc.lineno})"
        raise BankError([f"Filen kan ikke læses som YAML eller JSON{where}."], source=name) from None
    if not isinstance(raw, dict):
        raise BankError(["Filen skal indeholde en samling af nøgler (version, scales …)."], source=name)
    return raw


# --------------------------------------------------------------------------------------------
# Validation


def _option(value: Any) -> Any:
    """An option may be written as just its text: ``[Ja, Nej]``."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return {"key": str(value), "label": str(value)}
    return value


@functools.lru_cache(maxsize=1)
def _schema() -> Record:
    """The shape of a bank file. Built on first use: the lengths are the questionnaire's own
    (``surveys.models``), which cannot be imported before Django has set up its apps."""
    from .models import Question, Questionnaire, Section

    def code(model_field: str) -> Text:
        return Text(pattern=CODE_RE, hint="bogstaver A–Z, tal og _, med et bogstav først",
                    max_length=model_max_length(Question, model_field))

    citation = Record(fields={"document": Text(required=False), "note": Text(required=False),
                              "lines": Span(required=False)})
    sources = Items(required=False, numbered="kilde nr. {n}", of=citation)
    optional = Text(required=False)
    response_scale = Text(required=False, max_length=model_max_length(Question, "response_scale"))
    return Record(fields={
        "format": optional,
        "version": Text(max_length=model_max_length(Questionnaire, "bank_version")),
        "title": Text(required=False, max_length=model_max_length(Questionnaire, "title")),
        "sources": sources,
        "themes": Table(item="tema {key}"),
        "subthemes": Table(item="undertema {key}", non_empty=True, key_pattern=SUBTHEME_RE,
                           key_hint="tal+bogstav (f.eks. '1d')"),
        "response_scales": Table(item="svarskalaen '{key}'", non_empty=True, of=Record(fields={
            # The number of labels is checked by parse_bank, which says how many there are.
            "labels": Items(required=False, numbered="svarmulighed nr. {n}"),
            "title": optional, "dont_know": Text(),
        })),
        "facts": Items(required=False, item="faktaspørgsmål {key}", numbered="faktaspørgsmål nr. {n}",
                       key="code", of=Record(fields={
                           "code": code("code"), "text": Text(), "help": optional, "unit": optional,
                           "kind": Text(choices=("choice", "number", "open"), noun="type"),
                           "options": Items(required=False, numbered="svarmulighed nr. {n}", unique="key",
                                            duplicate="%(where)s: svarmuligheden '%(value)s' står to gange",
                                            of=Record(from_scalar=_option,
                                                      fields={"key": Text(), "label": Text()})),
                           "options_from": Text(required=False, choices=OPTIONS_FROM),
                           "min": Integer(required=False), "max": Integer(required=False),
                       })),
        "scales": Items(item="skala {key}", numbered="skala nr. {n}", key="code", non_empty=True,
                        of=Record(fields={
                            "code": code("scale_code"), "title": Text(), "subtheme": Text(),
                            "description": optional, "response_scale": response_scale,
                            "items": Items(item="spørgsmål {key}", numbered="spørgsmål nr. {n}", key="code",
                                           non_empty=True, of=Record(fields={
                                               "code": code("code"), "text": Text(), "help": optional,
                                               "response_scale": response_scale,
                                               "reverse": Flag(), "sensitive": Flag(),
                                           })),
                            "sources": sources,
                        })),
        "open_questions": Items(required=False, item="åbent spørgsmål {key}",
                                numbered="åbent spørgsmål nr. {n}", key="code", of=Record(fields={
                                    "code": code("code"), "text": Text(), "help": optional,
                                    "sensitive": Flag(),
                                })),
        "pages": Items(required=False, numbered="side nr. {n}", of=Record(fields={
            "title": Text(max_length=model_max_length(Section, "title")), "intro": optional,
            "scales": Items(required=False), "facts": Flag(), "open_questions": Flag(),
        })),
    })


def parse_bank(
    raw: dict, *, source: str = "", path: str = "", require_sources: bool = True,
) -> ItemBank:
    """Validate a parsed bank file and build the :class:`ItemBank`; raise :class:`BankError`.

    ``require_sources`` is on for the default bank: it must cite its sources, and every cited
    document must be one of the seed documents. An instrument may cite anything; only citations
    of seed documents are checked against the documents' length.

    A file without ``themes`` or ``subthemes`` uses the frame's (``ledelsesrum.frame``); an
    instrument may bring its own instead, for a codebook of its own.
    """
    frame = load_frame()
    raw = {"themes": frame.theme_labels(), "subthemes": frame.subtheme_labels(), **raw}
    checked = check(_schema(), raw)
    errors = checked.problems
    data = checked.value
    fmt = raw.get("format")
    if fmt is not None and fmt != FORMAT:
        errors.insert(0, f"Ukendt format '{fmt}' (forventet '{FORMAT}').")

    seen_docs: dict[str, int | None] = {}

    def citation(entry: dict, where: str) -> Citation:
        return _citation(entry, where, seen_docs, errors, strict=require_sources)

    sources = [citation(entry, f"Kilde nr. {n}") for n, entry in enumerate(data["sources"], start=1)]
    if require_sources and not sources:
        errors.append("Feltet 'sources' mangler: spørgebanken skal angive sine kilder.")
    subthemes: dict[str, str] = data["subthemes"]

    response_scales = _response_scales(data["response_scales"], errors)
    default_scale = "grad5" if "grad5" in response_scales else next(iter(response_scales), "")

    # Codes are unique across facts, scales and questions: answers are stored by code.
    codes: dict[str, str] = {}

    def claim(code: str, where: str) -> None:
        if code in codes:
            errors.append(f"Koden '{code}' er brugt mere end én gang ({codes[code]} og {where}).")
        elif code:
            codes[code] = where

    facts = []
    for n, entry in enumerate(data["facts"], start=1):
        where = f"faktaspørgsmålet {entry['code'] or n}"
        claim(entry["code"], where)
        if entry["kind"] == "choice" and not entry["options"] and not entry["options_from"]:
            errors.append(f"{where.capitalize()} er et valg, men har ingen svarmuligheder ('options').")
        facts.append(BankItem(
            code=entry["code"], kind=entry["kind"], text=entry["text"], help_text=entry["help"],
            options=entry["options"], options_from=entry["options_from"], min_value=entry["min"],
            max_value=entry["max"], unit=entry["unit"],
        ))

    scales = []
    for n, entry in enumerate(data["scales"], start=1):
        code, subtheme = entry["code"], entry["subtheme"]
        where = f"skalaen {code or n}"
        claim(code, where)
        if subtheme and subthemes and subtheme not in subthemes:
            errors.append(f"Ukendt undertema '{subtheme}' i {where}.")
        rs = entry["response_scale"] or default_scale
        if rs and response_scales and rs not in response_scales:
            errors.append(f"Ukendt svarskala '{rs}' i {where}.")
        items = _scale_items(entry, where, rs, response_scales, claim, errors)
        # A scale score mixing sensitive and ordinary items would publish the sensitive answers
        # under the ordinary (lower) threshold: keep sensitive items in scales of their own.
        if items and 0 < sum(i.sensitive for i in items) < len(items):
            errors.append(f"{where.capitalize()} blander følsomme og almindelige spørgsmål; "
                          "læg de følsomme i en skala for sig.")
        scales.append(BankScale(
            code=code, title=entry["title"], subtheme=subtheme, description=entry["description"],
            response_scale=rs, items=items,
            sources=[citation(s, f"En kilde i {where}") for s in entry["sources"]],
        ))

    open_questions = []
    for n, entry in enumerate(data["open_questions"], start=1):
        claim(entry["code"], f"det åbne spørgsmål {entry['code'] or n}")
        open_questions.append(BankItem(code=entry["code"], kind="open", text=entry["text"],
                                       help_text=entry["help"], sensitive=entry["sensitive"]))

    pages = _pages(data["pages"], {s.code for s in scales}, errors)

    if errors:
        raise BankError(errors, source=source)
    return ItemBank(
        version=data["version"], title=data["title"], sources=sources, themes=data["themes"],
        subthemes=subthemes, response_scales=response_scales, facts=facts, scales=scales,
        open_questions=open_questions, pages=pages, path=path,
    )


def _response_scales(specs: dict[str, dict], errors: list[str]) -> dict[str, ResponseScale]:
    response_scales: dict[str, ResponseScale] = {}
    for key, spec in specs.items():
        if len(spec["labels"]) != 5:
            errors.append(f"Svarskalaen '{key}' skal have præcis 5 svarmuligheder, men har {len(spec['labels'])}.")
        response_scales[key] = ResponseScale(key=key, title=spec["title"] or key, labels=spec["labels"],
                                             dont_know_label=spec["dont_know"])
    return response_scales


def _scale_items(entry: dict, where: str, rs: str, response_scales: dict[str, ResponseScale],
                 claim: Callable[[str, str], None], errors: list[str]) -> list[BankItem]:
    """The questions of the scale ``entry`` (``where`` in messages); ``rs`` is the scale's
    response scale, which a question may override."""
    items = []
    for m, item in enumerate(entry["items"], start=1):
        iwhere = f"spørgsmålet {item['code'] or m} i {where}"
        claim(item["code"], iwhere)
        irs = item["response_scale"] or rs
        if irs and response_scales and irs not in response_scales:
            errors.append(f"Ukendt svarskala '{irs}' i {iwhere}.")
        items.append(BankItem(
            code=item["code"], kind="scale", text=item["text"], help_text=item["help"],
            response_scale=irs, reverse=item["reverse"], sensitive=item["sensitive"],
            scale_code=entry["code"], subtheme=entry["subtheme"],
        ))
    return items


def _pages(entries: list[dict], scale_codes: set[str], errors: list[str]) -> list[Page]:
    """The questionnaire's pages; each known scale on one page at most."""
    placed: dict[str, str] = {}
    pages = []
    for n, entry in enumerate(entries, start=1):
        for s in entry["scales"]:
            if s not in scale_codes:
                errors.append(f"Side nr. {n} nævner en ukendt skala '{s}'.")
            elif s in placed:
                errors.append(f"Skalaen '{s}' står på både {placed[s]} og side nr. {n}.")
            else:
                placed[s] = f"side nr. {n}"
        pages.append(Page(title=entry["title"], intro=entry["intro"], scales=entry["scales"],
                          facts=entry["facts"], open_questions=entry["open_questions"]))
    return pages


def _citation(entry: dict, where: str, seen: dict[str, int | None], errors: list[str], *,
              strict: bool) -> Citation:
    document, note, lines = entry["document"], entry["note"], entry["lines"]
    if not document:
        if not note:
            errors.append(f"{where} skal have et dokument ('document') eller en note ('note').")
        return Citation(document="", note=note)
    if lines is not None and SEEDS_DIR.is_dir():
        if document not in seen:
            doc_path = SEEDS_DIR / Path(document).name
            seen[document] = (
                len(doc_path.read_text(encoding="utf-8").splitlines()) if doc_path.is_file() else None
            )
        count = seen[document]
        if count is None and strict:
            errors.append(f"{where}: kildedokumentet '{document}' findes ikke blandt kildedokumenterne.")
        elif count is not None and lines[1] > count:
            errors.append(f"{where}: linje {lines[1]} findes ikke i '{document}', som kun har {count} linjer.")
    return Citation(document=document, lines=lines, note=note)
