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
from ledelsesrum.lib.schema import Items, Record, Span, Text, check, model_max_length

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


def _words(value: Any) -> Any:
    """A lone tag, link or sub-theme may be written without the list around it."""
    return [value] if isinstance(value, str | int) and not isinstance(value, bool) else value


@lru_cache(maxsize=1)
def _schema() -> Record:
    # Read lazily: the id's length is the stored one (a chosen entry keeps its id), from the model.
    from ledelsesrum.knowledge.models import ChosenEntry

    words = Items(required=False, coerce=_words, of=Text())
    return Record(fields={"entries": Items(
        item="post '{key}'", numbered="post {n}", key="id",
        of=Record(fields={
            "id": Text(max_length=model_max_length(ChosenEntry, "entry_id")),
            "title": Text(), "summary": Text(fold=True), "body": Text(),
            "kind": Text(choices=KINDS, noun="type"),
            "tags": words, "related": words, "subthemes": words,
            # A missing citation list is reported by validate() with the other citation problems.
            "citations": Items(required=False, numbered="kildehenvisning nr. {n}", of=Record(fields={
                "document": Text(), "lines": Span(coerce=lambda n: [n, n] if isinstance(n, int) else n),
            })),
        }),
    )})


def parse_file(path: Path, problems: list[str]) -> list[Entry]:
    """Read one YAML file of entries; structural problems are appended to ``problems``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: kan ikke læses som YAML ({exc}).")
        return []
    checked = check(_schema(), data, root=path.name)
    problems.extend(checked.problems)
    return [
        Entry(
            id=raw["id"], title=raw["title"], summary=raw["summary"], body=raw["body"], kind=raw["kind"],
            tags=tuple(raw["tags"]), related=tuple(raw["related"]), subthemes=tuple(raw["subthemes"]),
            citations=tuple(Citation(c["document"], *c["lines"]) for c in raw["citations"] if c["lines"]),
            source_file=path.name,
        )
        for raw in checked.value["entries"]
        if raw["id"]  # an entry without an id is reported above and cannot be checked further
    ]


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
