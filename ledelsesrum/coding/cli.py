"""``ledelsesrum code --codebook CODEBOOK --input UNITS.jsonl [--labelled L.jsonl] --output OUT.jsonl``;
``ledelsesrum export-qdpx --study ID --output F.qdpx``; ``ledelsesrum import-qdpx F.qdpx --study ID [--dry-run]``."""

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

        from .batch import code_units, write_jsonl

        if embedder not in {"auto", "e5", "char"}:
            _fail(f"Ukendt --embedder {embedder!r}: brug 'auto', 'e5' eller 'char'.")
        book, units, known = _read_inputs(codebook, input, labelled)
        if not output.parent.exists():
            _fail(f"Mappen {output.parent} findes ikke.")
        engine = _embedder(embedder, book, [u.text for u in units] + [u.text for u in known])
        if not quiet:
            typer.echo(f"Tekstmodel: {engine.name}", err=True)
        with cli_progress("Koder", quiet=quiet) as callback:
            records = code_units(book, units, known, embedder=engine, progress=callback)
        write_jsonl(output, records)
        typer.echo(f"Skrev forslag for {len(records)} enheder til {output}.", err=True)

    @app.command("export-qdpx")
    def export_qdpx_command(
        study: Annotated[int, typer.Option("--study", help="Undersøgelsens id.")],
        output: Annotated[Path, typer.Option("--output", help="Projektfilen, der skrives (.qdpx).")],
    ) -> None:
        """Eksportér undersøgelsens noter, kodebog og kodninger som REFI-QDA-projekt (.qdpx)."""
        from ledelsesrum.accounts import audit

        from .refi_qda import export_study

        if not output.parent.exists():
            _fail(f"Mappen {output.parent} findes ikke.")
        found = _study(study)
        data, plan = export_study(found)
        tmp = output.with_name(output.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(output)
        audit.record("coding.exchange.export", study_id=study, format="qdpx", via="cli", sources=plan.sources,
                     segments=plan.segments, memos=plan.memos, held_back_notes=plan.held_back,
                     unplaced_units=plan.unplaced)
        for line in _export_warnings(plan):
            typer.echo(line, err=True)
        typer.echo(f"Skrev {plan.sources} noter og {plan.segments} kodede enheder til {output}.", err=True)

    @app.command("import-qdpx")
    def import_qdpx_command(
        file: Annotated[Path, typer.Argument(help="REFI-QDA-projekt (.qdpx) fra NVivo, ATLAS.ti, MAXQDA eller QualCoder.")],
        study: Annotated[int, typer.Option("--study", help="Undersøgelsens id.")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Kontrollér filen uden at gemme noget.")] = False,
    ) -> None:
        """Importér kodninger fra et REFI-QDA-projekt (alt eller intet; se docs/coding.md)."""
        from ledelsesrum.accounts import audit

        from .refi_qda import ImportRefused, QdpxError, import_into_study

        if not file.is_file():
            _fail(f"Filen {file} findes ikke.")
        found = _study(study)
        try:
            outcome = import_into_study(found, file.read_bytes(), dry_run=dry_run)
        except QdpxError as exc:
            _fail(f"{file}: {exc}")
        except ImportRefused as exc:
            for line in exc.problems:
                typer.echo(line, err=True)
            audit.record("coding.exchange.import_refused", study_id=study, format="qdpx", via="cli",
                         problems=len(exc.problems))
            _fail(f"Intet er importeret: {len(exc.problems)} konflikter.")
        for what in outcome.skipped:
            typer.echo(f"Ikke importeret (ingen plads i Ledelsesrum): {what}", err=True)
        summary = _import_summary(outcome)
        if dry_run:
            typer.echo(f"Prøvekørsel – intet er gemt. {summary}")
            return
        audit.record("coding.exchange.import", study_id=study, format="qdpx", via="cli", sources=outcome.sources,
                     segments=outcome.segments, coded=outcome.coded, created=outcome.created,
                     unchanged=outcome.unchanged, new_codes=outcome.new_codes, memos=outcome.memos,
                     unit_ids=outcome.unit_ids)
        typer.echo(f"Importeret: {summary}")


def _read_inputs(codebook: str, input: Path, labelled: Path | None):
    """(codebook, units to code, coded units) for ``code``; fails in Danish on a bad file."""
    from .batch import InputError, read_units
    from .codebook import CodebookError, load_codebook

    try:
        book = load_codebook(codebook)
        units = read_units(input)
        known = read_units(labelled, labelled=True, codebook=book) if labelled else []
    except (CodebookError, InputError) as exc:
        _fail(str(exc))
    return book, units, known


def _embedder(kind: str, book, texts: list[str]):
    """The text model asked for: ``char``, ``e5``, or ``auto`` (e5 when it can be loaded)."""
    from .embeddings import CharNgramEmbedder, auto_embedder, default_embedder

    if kind == "char":
        return CharNgramEmbedder()
    if kind == "e5":
        return default_embedder()
    anchors = [t for sub in book.subthemes for t in sub.anchor_texts]
    return auto_embedder(texts + anchors)


def _study(study_id: int):
    """The study with this id, after preparing the database; fails in Danish without one."""
    from ledelsesrum.cli import prepare_database
    from ledelsesrum.studies.models import Study

    prepare_database()
    found = Study.objects.filter(pk=study_id).first()
    if found is None:
        _fail(f"Undersøgelse {study_id} findes ikke.")
    return found


def _import_summary(outcome) -> str:
    return (f"{outcome.segments} kodede markeringer fra {outcome.sources} kilder: {outcome.coded} enheder kodet, "
            f"{outcome.created} nye enheder, {outcome.unchanged} kodet i forvejen"
            + (f"; nye koder: {', '.join(outcome.new_codes)}" if outcome.new_codes else "") + ".")


def _export_warnings(plan) -> list[str]:
    out = []
    if plan.held_back:
        out.append(f"Holdt uden for filen (navn eller e-mail på en leder fra registret): noterne {', '.join(map(str, plan.held_back))}.")
    if plan.unplaced:
        out.append(f"Kan ikke findes i notens tekst og kommer ikke med: enhederne {', '.join(map(str, plan.unplaced))}.")
    if plan.open_answers:
        out.append(f"{plan.open_answers} kodede enheder fra åbne svar kommer ikke med (åbne svar forlader ikke Ledelsesrum).")
    return out


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)
