"""``ledelsesrum import-responses FILE --study ID [--round N] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

IMPORT_JOB = "ledelsesrum.surveys.importer:import_responses_job"


def register(app: typer.Typer) -> None:
    @app.command("import-responses")
    def import_responses_command(
        file: Annotated[Path, typer.Argument(help="CSV- eller Excel-fil (.xlsx) med svar, én række pr. besvarelse.")],
        study: Annotated[int, typer.Option("--study", help="Undersøgelsens id.")],
        round_number: Annotated[
            int | None, typer.Option("--round", help="Rundens nummer (standard: den seneste hovedrunde).")
        ] = None,
        pilot: Annotated[bool, typer.Option("--pilot", help="Importér i en pilotrunde.")] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Kontrollér filen uden at gemme noget.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Ingen fremdriftslinje.")] = False,
    ) -> None:
        """Importér svar indsamlet andetsteds i en runde (alt eller intet; se docs/file-formats.md)."""
        from ledelsesrum.cli import prepare_database
        from ledelsesrum.jobs import runner
        from ledelsesrum.jobs.models import Job
        from ledelsesrum.lib.progress import cli_progress
        from ledelsesrum.studies.models import Round, Study

        from .importer import ResponseImportFailed, RoundNotFound, import_responses, resolve_round

        if not file.is_file():
            typer.echo(f"Filen {file} findes ikke.", err=True)
            raise typer.Exit(1)
        prepare_database()
        study_obj = Study.objects.filter(pk=study).first()
        if study_obj is None:
            typer.echo(f"Der findes ingen undersøgelse med id {study}.", err=True)
            raise typer.Exit(1)
        try:
            round = resolve_round(
                study_obj, round_number, kind=Round.Kind.PILOT if pilot else Round.Kind.MAIN
            )
        except RoundNotFound as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        try:
            with cli_progress("Kontrollerer", quiet=quiet) as callback:
                plan = import_responses(file, round, file.name, dry_run=True, progress=callback)
        except ResponseImportFailed as exc:
            for line in exc.plan.report_lines():
                typer.echo(line, err=True)
            n = len(exc.plan.row_errors)
            rows = "række" if n == 1 else "rækker"
            typer.echo(f"Intet er importeret: {n} {rows} med fejl." if n else "Intet er importeret.", err=True)
            raise typer.Exit(1) from exc
        counts = plan.counts
        if plan.ignored_columns:
            typer.echo("Ignorerede kolonner: " + ", ".join(plan.ignored_columns), err=True)
        if dry_run:
            typer.echo(
                f"Prøvekørsel – intet er gemt. Filen er i orden: {counts['create']} nye besvarelser, "
                f"{counts['replace']} erstatter tidligere import, {counts['linked']} knyttet til en leder."
            )
            return
        with cli_progress("Importerer", quiet=quiet) as callback:
            job = runner.run_inline(
                IMPORT_JOB,
                {"path": str(file.resolve()), "filename": file.name, "round_id": round.pk},
                callback, study_id=study_obj.pk,
            )
        if job.status != Job.Status.DONE:
            typer.echo(job.error, err=True)
            raise typer.Exit(1)
        r = job.result
        typer.echo(
            f"Importeret i {round}: {r['created']} nye besvarelser, {r['replaced']} erstattet, "
            f"{r['linked']} knyttet til en leder."
        )
