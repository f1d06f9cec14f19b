"""Batch coding for the command line: read JSONL units, suggest sub-themes, write JSONL.

Formats (the exact contract of ``ledelsesrum code``):
- units: one JSON object per line, ``{"id", "text"}``;
- labelled units: ``{"id", "text", "subtheme"}`` with a sub-theme id of the codebook;
- output: one line per input unit in input order, ``{"id", "suggestions": [{"code", "score"}, …]}``
  with every sub-theme of the codebook, best first.
Blank lines are skipped; every other problem is an :class:`InputError` naming file and line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .codebook import Codebook
from .embeddings import Embedder
from .suggest import Suggester

Progress = Callable[[int, int, str], None]


class InputError(ValueError):
    """Bad input file; the message is Danish and names the file and line."""


@dataclass(frozen=True)
class Unit:
    id: str
    text: str
    subtheme: str | None = None


def read_units(path: Path, *, labelled: bool = False, codebook: Codebook | None = None) -> list[Unit]:
    """Parse a JSONL file of units (or labelled units, checked against ``codebook``)."""
    name = str(path)
    if not path.is_file():
        raise InputError(f"Filen {name} findes ikke.")
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: filen er ikke UTF-8-tekst.") from exc
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{name}, linje {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: ugyldig JSON ({exc.msg}).") from exc
        if not isinstance(data, dict):
            raise InputError(f'{where}: forventede et objekt som {{"id": ..., "text": ...}}.')
        unit_id = data.get("id")
        if isinstance(unit_id, int | float) and not isinstance(unit_id, bool):
            unit_id = str(unit_id)
        if not isinstance(unit_id, str) or not unit_id.strip():
            raise InputError(f'{where}: feltet "id" mangler eller er tomt.')
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f'{where}: feltet "text" mangler eller er tomt.')
        if unit_id in seen:
            raise InputError(f'{where}: id "{unit_id}" findes allerede i linje {seen[unit_id]}.')
        seen[unit_id] = number
        subtheme = None
        if labelled:
            subtheme = data.get("subtheme")
            if not isinstance(subtheme, str) or not subtheme.strip():
                raise InputError(f'{where}: feltet "subtheme" mangler eller er tomt.')
            if codebook is not None and subtheme not in codebook:
                raise InputError(f'{where}: undertemaet "{subtheme}" findes ikke i kodebogen.')
        units.append(Unit(unit_id, text, subtheme))
    if not units and not labelled:
        raise InputError(f"{name}: filen indeholder ingen enheder.")
    return units


def code_units(
    codebook: Codebook,
    units: Sequence[Unit],
    labelled: Sequence[Unit] = (),
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    batch_size: int = 256,
) -> list[dict[str, object]]:
    """Suggestions for every unit, in input order, as the output records of the CLI."""
    report = progress or (lambda done, total, message: None)
    total = len(units)
    report(0, total, "Indlejrer tekster")
    suggester = Suggester(codebook, embedder)

    def embed_progress(done: int, all_: int, message: str) -> None:
        # Embedding is most of the work: map it onto the first 90 % of the bar.
        report(int(0.9 * total * done / max(all_, 1)), total, "Indlejrer tekster")

    suggester.fit(
        [(u.id, u.text, str(u.subtheme)) for u in labelled],
        corpus=[u.text for u in units],
        progress=embed_progress,
    )
    out: list[dict[str, object]] = []
    for start in range(0, total, batch_size):
        chunk = units[start : start + batch_size]
        ranked = suggester.suggest([u.text for u in chunk], reasons=False)
        for unit, suggestions in zip(chunk, ranked, strict=True):
            out.append(
                {
                    "id": unit.id,
                    "suggestions": [{"code": s.code, "score": round(s.score, 6)} for s in suggestions],
                }
            )
        report(int(0.9 * total) + int(0.1 * (start + len(chunk))), total, "Rangerer forslag")
    report(total, total, "Færdig")
    return out


def write_jsonl(path: Path, records: Sequence[dict[str, object]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)  # never leave a half-written output behind
