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
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml

from ledelsesrum.frame.subthemes import load_frame
from ledelsesrum.lib import safe_yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "item_bank.yaml"
# The source documents live beside the repository (../shared/seeds); when they are not there
# (an installed package, a customer's server) only the line-range check of citations is skipped.
SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

FORMAT = "ledelsesrum-item-bank/1"
KINDS = ("scale", "choice", "number", "open")
OPTIONS_FROM = ("areas", "levels")
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
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


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.strict_documents = True

    def add(self, message: str) -> None:
        self.errors.append(message)

    def text(self, value: Any, where: str, *, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                self.add(f"{where} mangler.")
            return ""
        if not isinstance(value, (str, int, float)):
            self.add(f"{where} skal være en tekst.")
            return ""
        return str(value).strip()

    def flag(self, value: Any, where: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(f"{where} skal være true eller false.")
            return False
        return value

    def mapping(self, value: Any, where: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(f"{where} skal være en samling af nøgler.")
            return {}
        return value

    def listing(self, value: Any, where: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(f"{where} skal være en liste.")
            return []
        return value


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
    c = _Checker()
    c.strict_documents = require_sources
    fmt = raw.get("format")
    if fmt is not None and fmt != FORMAT:
        c.add(f"Ukendt format '{fmt}' (forventet '{FORMAT}').")
    version = c.text(raw.get("version"), "Feltet 'version'")
    title = c.text(raw.get("title"), "Feltet 'title'", required=False)

    seen_docs: dict[str, int | None] = {}
    sources = [
        _citation(c, entry, f"Kilde nr. {n}", seen_docs)
        for n, entry in enumerate(c.listing(raw.get("sources"), "Feltet 'sources'"), start=1)
    ]
    if require_sources and not sources:
        c.add("Feltet 'sources' mangler: spørgebanken skal angive sine kilder.")

    themes = {str(k): c.text(v, f"Tema {k}") for k, v in c.mapping(raw.get("themes"), "'themes'").items()}
    subthemes: dict[str, str] = {}
    for key, label in c.mapping(raw.get("subthemes"), "Feltet 'subthemes'").items():
        key = str(key)
        if not SUBTHEME_RE.match(key):
            c.add(f"Undertemaet '{key}' har ikke formen tal+bogstav (f.eks. '1d').")
        subthemes[key] = c.text(label, f"Undertema {key}")
    if not subthemes:
        c.add("Feltet 'subthemes' mangler eller er tomt.")

    response_scales: dict[str, ResponseScale] = {}
    for key, spec in c.mapping(raw.get("response_scales"), "Feltet 'response_scales'").items():
        key = str(key)
        spec = c.mapping(spec, f"Svarskalaen '{key}'")
        labels = [c.text(v, f"En svarmulighed i svarskalaen '{key}'") for v in c.listing(
            spec.get("labels"), f"Svarmulighederne i svarskalaen '{key}'")]
        if len(labels) != 5:
            c.add(f"Svarskalaen '{key}' skal have præcis 5 svarmuligheder, men har {len(labels)}.")
        response_scales[key] = ResponseScale(
            key=key,
            title=c.text(spec.get("title"), f"Titlen på svarskalaen '{key}'", required=False) or key,
            labels=labels,
            dont_know_label=c.text(spec.get("dont_know"), f"'dont_know' i svarskalaen '{key}'"),
        )
    if not response_scales:
        c.add("Feltet 'response_scales' mangler eller er tomt.")
    default_scale = "grad5" if "grad5" in response_scales else next(iter(response_scales), "")

    codes: dict[str, str] = {}

    def claim(code: str, where: str) -> None:
        if not code:
            return
        if not CODE_RE.match(code):
            c.add(f"Koden '{code}' ({where}) må kun indeholde bogstaver A–Z, tal og _ og højst være 40 tegn.")
        if code in codes:
            c.add(f"Koden '{code}' er brugt mere end én gang ({codes[code]} og {where}).")
        else:
            codes[code] = where

    facts = []
    for n, entry in enumerate(c.listing(raw.get("facts"), "Feltet 'facts'"), start=1):
        entry = c.mapping(entry, f"Faktaspørgsmål nr. {n}")
        code = c.text(entry.get("code"), f"Koden på faktaspørgsmål nr. {n}")
        where = f"faktaspørgsmålet {code or n}"
        claim(code, where)
        kind = c.text(entry.get("kind"), f"Typen ('kind') på {where}")
        if kind and kind not in ("choice", "number", "open"):
            c.add(f"Typen '{kind}' på {where} er ukendt (brug choice, number eller open).")
        options = _options(c, entry.get("options"), where)
        options_from = c.text(entry.get("options_from"), f"'options_from' på {where}", required=False)
        if options_from and options_from not in OPTIONS_FROM:
            c.add(f"'options_from' på {where} skal være 'areas' eller 'levels'.")
        if kind == "choice" and not options and not options_from:
            c.add(f"{where.capitalize()} er et valg, men har ingen svarmuligheder ('options').")
        facts.append(BankItem(
            code=code, kind=kind, text=c.text(entry.get("text"), f"Teksten på {where}"),
            help_text=c.text(entry.get("help"), "", required=False), options=options,
            options_from=options_from, min_value=_int_or_none(c, entry.get("min"), where),
            max_value=_int_or_none(c, entry.get("max"), where),
            unit=c.text(entry.get("unit"), "", required=False),
        ))

    scales = []
    for n, entry in enumerate(c.listing(raw.get("scales"), "Feltet 'scales'"), start=1):
        entry = c.mapping(entry, f"Skala nr. {n}")
        code = c.text(entry.get("code"), f"Koden på skala nr. {n}")
        where = f"skalaen {code or n}"
        claim(code, where)
        subtheme = c.text(entry.get("subtheme"), f"Undertemaet ('subtheme') på {where}")
        if subtheme and subthemes and subtheme not in subthemes:
            c.add(f"Ukendt undertema '{subtheme}' i {where}.")
        rs = c.text(entry.get("response_scale"), "", required=False) or default_scale
        if rs and response_scales and rs not in response_scales:
            c.add(f"Ukendt svarskala '{rs}' i {where}.")
        items = []
        for m, item in enumerate(c.listing(entry.get("items"), f"Spørgsmålene i {where}"), start=1):
            item = c.mapping(item, f"Spørgsmål nr. {m} i {where}")
            icode = c.text(item.get("code"), f"Koden på spørgsmål nr. {m} i {where}")
            iwhere = f"spørgsmålet {icode or m} i {where}"
            claim(icode, iwhere)
            irs = c.text(item.get("response_scale"), "", required=False) or rs
            if irs and response_scales and irs not in response_scales:
                c.add(f"Ukendt svarskala '{irs}' i {iwhere}.")
            items.append(BankItem(
                code=icode, kind="scale", text=c.text(item.get("text"), f"Teksten på {iwhere}"),
                help_text=c.text(item.get("help"), "", required=False), response_scale=irs,
                reverse=c.flag(item.get("reverse"), f"'reverse' på {iwhere}"),
                sensitive=c.flag(item.get("sensitive"), f"'sensitive' på {iwhere}"),
                scale_code=code, subtheme=subtheme,
            ))
        if not items:
            c.add(f"{where.capitalize()} har ingen spørgsmål.")
        # A scale score mixing sensitive and ordinary items would publish the sensitive answers
        # under the ordinary (lower) threshold: keep sensitive items in scales of their own.
        if items and 0 < sum(i.sensitive for i in items) < len(items):
            c.add(f"{where.capitalize()} blander følsomme og almindelige spørgsmål; "
                  "læg de følsomme i en skala for sig.")
        scales.append(BankScale(
            code=code, title=c.text(entry.get("title"), f"Titlen på {where}"), subtheme=subtheme,
            description=c.text(entry.get("description"), "", required=False), response_scale=rs,
            items=items,
            sources=[_citation(c, s, f"En kilde i {where}", seen_docs)
                     for s in c.listing(entry.get("sources"), f"Kilderne i {where}")],
        ))
    if not scales:
        c.add("Feltet 'scales' mangler eller er tomt.")

    open_questions = []
    for n, entry in enumerate(c.listing(raw.get("open_questions"), "Feltet 'open_questions'"), start=1):
        entry = c.mapping(entry, f"Åbent spørgsmål nr. {n}")
        code = c.text(entry.get("code"), f"Koden på åbent spørgsmål nr. {n}")
        where = f"det åbne spørgsmål {code or n}"
        claim(code, where)
        open_questions.append(BankItem(
            code=code, kind="open", text=c.text(entry.get("text"), f"Teksten på {where}"),
            help_text=c.text(entry.get("help"), "", required=False),
            sensitive=c.flag(entry.get("sensitive"), f"'sensitive' på {where}"),
        ))

    scale_codes = {s.code for s in scales}
    placed: dict[str, str] = {}
    pages = []
    for n, entry in enumerate(c.listing(raw.get("pages"), "Feltet 'pages'"), start=1):
        entry = c.mapping(entry, f"Side nr. {n}")
        ptitle = c.text(entry.get("title"), f"Overskriften på side nr. {n}")
        listed = [str(s) for s in c.listing(entry.get("scales"), f"Skalaerne på side nr. {n}")]
        for s in listed:
            if s not in scale_codes:
                c.add(f"Side nr. {n} nævner en ukendt skala '{s}'.")
            elif s in placed:
                c.add(f"Skalaen '{s}' står på både {placed[s]} og side nr. {n}.")
            else:
                placed[s] = f"side nr. {n}"
        pages.append(Page(
            title=ptitle, intro=c.text(entry.get("intro"), "", required=False), scales=listed,
            facts=c.flag(entry.get("facts"), f"'facts' på side nr. {n}"),
            open_questions=c.flag(entry.get("open_questions"), f"'open_questions' på side nr. {n}"),
        ))

    if c.errors:
        raise BankError(c.errors, source=source)
    return ItemBank(
        version=version, title=title, sources=sources, themes=themes, subthemes=subthemes,
        response_scales=response_scales, facts=facts, scales=scales,
        open_questions=open_questions, pages=pages, path=path,
    )


def _options(c: _Checker, value: Any, where: str) -> list[dict]:
    options = []
    keys: set[str] = set()
    for n, opt in enumerate(c.listing(value, f"Svarmulighederne på {where}"), start=1):
        if isinstance(opt, (str, int)):
            opt = {"key": str(opt), "label": str(opt)}
        opt = c.mapping(opt, f"Svarmulighed nr. {n} på {where}")
        key = c.text(opt.get("key"), f"Nøglen på svarmulighed nr. {n} på {where}")
        label = c.text(opt.get("label"), f"Teksten på svarmulighed nr. {n} på {where}")
        if key in keys:
            c.add(f"Svarmuligheden '{key}' står to gange på {where}.")
        keys.add(key)
        options.append({"key": key, "label": label})
    return options


def _int_or_none(c: _Checker, value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        c.add(f"Grænserne (min/max) på {where} skal være hele tal.")
        return None
    return value


def _citation(c: _Checker, entry: Any, where: str, seen: dict[str, int | None]) -> Citation:
    entry = c.mapping(entry, where)
    document = c.text(entry.get("document"), "", required=False)
    note = c.text(entry.get("note"), "", required=False)
    if not document:
        if not note:
            c.add(f"{where} skal have et dokument ('document') eller en note ('note').")
        return Citation(document="", note=note)
    lines_raw = entry.get("lines")
    lines: tuple[int, int] | None = None
    if lines_raw is not None:
        if (not isinstance(lines_raw, list) or len(lines_raw) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in lines_raw)):
            c.add(f"{where}: 'lines' skal være [første, sidste] linjenummer.")
        elif not 1 <= lines_raw[0] <= lines_raw[1]:
            c.add(f"{where}: linjerne {lines_raw[0]}–{lines_raw[1]} er ikke et gyldigt interval.")
        else:
            lines = (lines_raw[0], lines_raw[1])
    if lines is not None and SEEDS_DIR.is_dir():
        if document not in seen:
            doc_path = SEEDS_DIR / Path(document).name
            seen[document] = (
                len(doc_path.read_text(encoding="utf-8").splitlines()) if doc_path.is_file() else None
            )
        count = seen[document]
        if count is None and c.strict_documents:
            c.add(f"{where}: kildedokumentet '{document}' findes ikke blandt kildedokumenterne.")
        elif lines[1] > count:
            c.add(f"{where}: linje {lines[1]} findes ikke i '{document}', som kun har {count} linjer.")
    return Citation(document=document, lines=lines, note=note)
