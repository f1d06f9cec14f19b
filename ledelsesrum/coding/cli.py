"""``ledelsesrum code --codebook CODEBOOK --input UNITS.jsonl [--labelled L.jsonl] --output OUT.jsonl``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer


def register(app: typer.Typer) -> None:
    @app.command("code")
    def code_command(
        codebook: Annotated[
            str, typer.Option("--codebook", help="'default' (den indbyggede ramme) eller en JSON-kodebog.")
        ],
        input: Annotated[Path, typer.Option("--input", help="JSONL med {\"id\", \"text\"} pr. linje.")],
        output: Annotated[Path, typer.Option("--output", help="JSONL med forslag pr. enhed.")],
        labelled: Annotated[
            Path | None,
            typer.Option("--labelled", help="JSONL med kodede enheder {\"id\", \"text\", \"subtheme\"}."),
        ] = None,
        embedder: Annotated[
            str,
            typer.Option(
                "--embedder",
                help="auto (e5 når modellen kan indlæses, ellers char), e5 eller char.",
            ),
        ] = "auto",
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Ingen fremdriftslinje.")] = False,
    ) -> None:
        """Foreslå undertemaer til meningsenheder (offline; se docs/coding.md)."""
        from ledelsesrum.lib.progress import cli_progress

        from .batch import InputError, code_units, read_units, write_jsonl
        from .codebook import CodebookError, load_codebook
        from .embeddings import CharNgramEmbedder, auto_embedder, default_embedder

        if embedder not in {"auto", "e5", "char"}:
            _fail(f"Ukendt --embedder {embedder!r}: brug 'auto', 'e5' eller 'char'.")
        try:
            book = load_codebook(codebook)
            units = read_units(input)
            known = read_units(labelled, labelled=True, codebook=book) if labelled else []
        except (CodebookError, InputError) as exc:
            _fail(str(exc))
        if not output.parent.exists():
            _fail(f"Mappen {output.parent} findes ikke.")
        if embedder == "char":
            engine = CharNgramEmbedder()
        elif embedder == "e5":
            engine = default_embedder()
        else:
            anchors = [t for sub in book.subthemes for t in sub.anchor_texts]
            engine = auto_embedder([u.text for u in units] + [u.text for u in known] + anchors)
        if not quiet:
            typer.echo(f"Tekstmodel: {engine.name}", err=True)
        with cli_progress("Koder", quiet=quiet) as callback:
            records = code_units(book, units, known, embedder=engine, progress=callback)
        write_jsonl(output, records)
        typer.echo(f"Skrev forslag for {len(records)} enheder til {output}.", err=True)


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)
