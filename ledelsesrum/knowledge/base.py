"""The knowledge base: cited entries on Danish welfare leadership, loaded from YAML and validated.

Entries live in ``data/entries/*.yaml`` (one file per source document), each file shaped as::

    version: 3
    source: "001_8d322ce7fd8c94ab.txt"
    entries:
      - id: relationel-koordinering
        title: "Relationel koordinering"
        summary: "…"                      # one or two sentences
        body: "…"                         # a paragraph or three
        kind: framework                   # see KINDS
        tags: [samarbejde, sygehus]
        related: [polyfon-ledelse]        # ids of other entries
        subthemes: ["4b"]                 # sub-theme codes of the frame (ledelsesrum/frame)
        citations:
          - {document: "001_8d322ce7fd8c94ab.txt", lines: [1471, 1501]}

Validation is strict and reports every problem at once, in Danish: unique ids, known kind and
sub-themes, every ``related`` id exists, at least one citation per entry, every cited document is
one of the seed documents and (when the seeds folder is present) every cited line exists.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ledelsesrum.frame.subthemes import load_frame, unknown_code_message

ENTRIES_DIR = Path(__file__).resolve().parent / "data" / "entries"

KINDS: dict[str, str] = {
    "concept": "Begreb",
    "framework": "Model",
    "strategy": "Strategi",
    "tool": "Værktøj",
    "method": "Metode",
    "case": "Eksempel",
    "figure": "Tal",
    "dilemma": "Dilemma",
}

# The five seed documents (see ../shared/seeds/README.md); names are fixed so data can be checked
# even on a machine without the seeds folder.
SEED_DOCUMENTS: dict[str, str] = {
    "000_efa71da88f1121bb.txt": "Bæredygtig og regenerativ ledelse i velfærdssektoren (artikel)",
    "001_8d322ce7fd8c94ab.txt": "Videncenter for Velfærdsledelse: ti udviklingsprojekter",
    "002_1d92c93b64e8f929.txt": "FOA: Hvad mener FOA om velfærdsledelse?",
    "003_fadf601d31f635a8.txt": "Væksthus for Ledelse: 20 år med fokus på bedre ledelse",
    "004_a484d8f613306441.txt": "Holstebro Kommune: Vilkår for ledelse – som de opleves af ledere",
}

_REQUIRED = ("id", "title", "summary", "body", "kind", "citations")


class KnowledgeError(ValueError):
    """The knowledge data cannot be used; ``problems`` lists every Danish message."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("Vidensbasen er ugyldig:\n- " + "\n- ".join(self.problems))


@dataclass(frozen=True)
class Citation:
    document: str
    first: int
    last: int

    @property
    def lines(self) -> tuple[int, int]:
        return (self.first, self.last)

    @property
    def document_title(self) -> str:
        return SEED_DOCUMENTS.get(self.document, self.document)

    @property
    def label(self) -> str:
        span = f"linje {self.first}" if self.first == self.last else f"linje {self.first}–{self.last}"
        return f"{self.document}, {span}"

    def as_dict(self) -> dict[str, Any]:
        return {"document": self.document, "lines": [self.first, self.last]}


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    summary: str
    body: str
    kind: str
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    subthemes: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    source_file: str = ""

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def themes(self) -> list[str]:
        """Sub-theme ids plus the themes they belong to ("2b" → "2"), sorted, no duplicates."""
        ids = set(self.subthemes) | {s[0] for s in self.subthemes}
        return sorted(ids, key=lambda x: (x[0], len(x), x))

    @property
    def documents(self) -> list[str]:
        return sorted({c.document for c in self.citations})

    def subtheme_labels(self) -> list[tuple[str, str]]:
        labels = load_frame().subtheme_labels()
        return [(s, labels.get(s, s)) for s in self.subthemes]

    def search_text(self) -> str:
        """The text that semantic search embeds for this entry."""
        return f"{self.title}. {self.summary} {' '.join(self.tags)}. {self.body}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "summary": self.summary,
            "themes": self.themes,
            "citations": [c.as_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    version: str
    _index: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({e.id: e for e in self.entries})

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._index

    def get(self, entry_id: str) -> Entry | None:
        return self._index.get(entry_id)

    def related(self, entry: Entry) -> list[Entry]:
        """Entries linked from ``entry`` plus those linking to it (links work both ways)."""
        ids = list(entry.related) + [e.id for e in self.entries if entry.id in e.related]
        seen: dict[str, Entry] = {}
        for entry_id in ids:
            if entry_id != entry.id and entry_id in self._index:
                seen.setdefault(entry_id, self._index[entry_id])
        return list(seen.values())


# --- seeds ------------------------------------------------------------------------------------


def seeds_dir() -> Path | None:
    """The folder holding the seed documents, or None when it is not on this machine.

    ``LEDELSESRUM_SEEDS_DIR`` overrides; otherwise ``<repo>/../shared/seeds`` (the repo root is the
    parent of the ``ledelsesrum`` package, i.e. ``settings.BASE_DIR.parent``).
    """
    env = os.environ.get("LEDELSESRUM_SEEDS_DIR")
    if env:
        path = Path(env)
    else:
        try:
            from django.conf import settings

            base = Path(settings.BASE_DIR)
        except Exception:  # noqa: BLE001 - outside Django: fall back to this file's location
            base = Path(__file__).resolve().parent.parent
        path = base.parent.parent / "shared" / "seeds"
    return path if path.is_dir() else None


@lru_cache(maxsize=16)
def _seed_lines(path: str) -> tuple[str, ...]:
    text = Path(path).read_text(encoding="utf-8")
    return tuple(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n"))


def seed_line_count(document: str, folder: Path | None = None) -> int | None:
    folder = folder if folder is not None else seeds_dir()
    if folder is None or not (folder / document).is_file():
        return None
    return len(_seed_lines(str(folder / document)))


def cited_passage(citation: Citation, folder: Path | None = None) -> str:
    """The cited lines, tidied for display (PDF glitches repaired); "" when seeds are absent."""
    folder = folder if folder is not None else seeds_dir()
    if folder is None or not (folder / citation.document).is_file():
        return ""
    lines = _seed_lines(str(folder / citation.document))[citation.first - 1 : citation.last]
    from ledelsesrum.coding.text import normalise

    return normalise("\n".join(lines))


def reflow(passage: str) -> str:
    """Join the PDF's hard-wrapped lines into paragraphs (blank lines separate paragraphs)."""
    import re

    paragraphs = re.split(r"\n\s*\n", passage.strip())
    joined = [re.sub(r"-\n(?=[a-zæøå])", "", p) for p in paragraphs]  # "for-\nløb" → "forløb"
    return "\n\n".join(" ".join(line.strip() for line in p.split("\n") if line.strip()) for p in joined)


# --- loading ----------------------------------------------------------------------------------


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _parse_citation(raw: Any, where: str, problems: list[str]) -> Citation | None:
    if not isinstance(raw, dict) or "document" not in raw or "lines" not in raw:
        problems.append(f"{where}: en kildehenvisning skal have 'document' og 'lines'.")
        return None
    lines = raw["lines"]
    if isinstance(lines, int):
        lines = [lines, lines]
    if (
        not isinstance(lines, list | tuple)
        or len(lines) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
    ):
        problems.append(f"{where}: 'lines' skal være [første, sidste] som hele tal.")
        return None
    return Citation(document=str(raw["document"]), first=lines[0], last=lines[1])


def parse_file(path: Path, problems: list[str]) -> list[Entry]:
    """Read one YAML file of entries; structural problems are appended to ``problems``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: kan ikke læses som YAML ({exc}).")
        return []
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        problems.append(f"{path.name}: filen skal have en liste 'entries'.")
        return []
    entries: list[Entry] = []
    for n, raw in enumerate(data["entries"], start=1):
        where = f"{path.name}, post {n}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: en post skal være en ordbog.")
            continue
        # A missing citation list is reported by validate() with the other citation problems.
        missing = [k for k in _REQUIRED if k != "citations" and not raw.get(k)]
        if raw.get("id"):
            where = f"{path.name}, post '{raw['id']}'"
        if missing:
            problems.append(f"{where}: mangler {', '.join(missing)}.")
            if "id" in missing:
                continue
        citations = tuple(
            c
            for c in (_parse_citation(r, where, problems) for r in (raw.get("citations") or []))
            if c is not None
        )
        entries.append(
            Entry(
                id=str(raw["id"]),
                title=str(raw.get("title", "")).strip(),
                summary=" ".join(str(raw.get("summary", "")).split()),
                body=str(raw.get("body", "")).strip(),
                kind=str(raw.get("kind", "")),
                tags=_as_tuple(raw.get("tags")),
                related=_as_tuple(raw.get("related")),
                subthemes=_as_tuple(raw.get("subthemes")),
                citations=citations,
                source_file=path.name,
            )
        )
    return entries


def validate(entries: Sequence[Entry], folder: Path | None) -> list[str]:
    """Every problem with ``entries`` as a Danish sentence; empty when the base is sound."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for e in entries:
        if e.id in seen:
            problems.append(f"Id'et '{e.id}' bruges to gange ({seen[e.id]} og {e.source_file}).")
        seen.setdefault(e.id, e.source_file)
    ids = set(seen)
    for e in entries:
        where = f"{e.source_file}, post '{e.id}'"
        if e.kind not in KINDS:
            problems.append(f"{where}: ukendt type '{e.kind}' (brug en af {', '.join(KINDS)}).")
        problems.extend(unknown_code_message(s, where) for s in load_frame().unknown_codes(e.subthemes))
        for r in e.related:
            if r not in ids:
                problems.append(f"{where}: henviser til '{r}', som ikke findes.")
            elif r == e.id:
                problems.append(f"{where}: henviser til sig selv.")
        if not e.citations:
            problems.append(f"{where}: posten har ingen kildehenvisning.")
        for c in e.citations:
            if c.document not in SEED_DOCUMENTS:
                problems.append(f"{where}: ukendt kildedokument '{c.document}'.")
                continue
            if c.first < 1 or c.first > c.last:
                problems.append(
                    f"{where}: linjerne [{c.first}, {c.last}] i {c.document} er ikke et gyldigt "
                    "interval (første skal være mindst 1 og højst sidste)."
                )
                continue
            count = seed_line_count(c.document, folder) if folder is not None else None
            if folder is not None and count is None:
                problems.append(f"{where}: kildedokumentet {c.document} findes ikke i {folder}.")
            elif count is not None and c.last > count:
                problems.append(
                    f"{where}: linje {c.last} findes ikke i {c.document}, som kun har {count} linjer."
                )
    return problems


def _version(paths: Iterable[Path]) -> str:
    digest = hashlib.sha1()
    for p in sorted(paths):
        digest.update(p.name.encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()[:12]


def load_from(directory: Path, folder: Path | None) -> KnowledgeBase:
    """Load and validate every ``*.yaml`` in ``directory``; raise :class:`KnowledgeError`."""
    paths = sorted(directory.glob("*.yaml"))
    problems: list[str] = []
    if not paths:
        problems.append(f"Der er ingen datafiler (*.yaml) i {directory}.")
    entries: list[Entry] = []
    for path in paths:
        entries.extend(parse_file(path, problems))
    problems.extend(validate(entries, folder))
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(entries=tuple(entries), version=_version(paths))


@lru_cache(maxsize=1)
def _load_default(folder: str | None) -> KnowledgeBase:
    return load_from(ENTRIES_DIR, Path(folder) if folder else None)


def load_entries() -> KnowledgeBase:
    """The shipped knowledge base, validated once per process (and per seeds folder)."""
    folder = seeds_dir()
    return _load_default(str(folder) if folder else None)
