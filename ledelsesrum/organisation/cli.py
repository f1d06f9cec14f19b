"""``ledelsesrum import-leaders FILE [--dry-run] [--column FELT=KOLONNE …]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

IMPORT_JOB = "ledelsesrum.organisation.importer:import_leaders_job"

COLUMN_HELP = (
    "Vælg selv kolonnen til et felt: FELT=KOLONNE, fx --column navn=Medarbejder "
    "--column email=Arbejdsmail. Kan gentages. Felter: navn, fornavn, mellemnavn, efternavn, "
    "e-mail, enhed, forvaltning, område, ledelsesniveau, stillingsbetegnelse, ledelsesspænd, "
    "'år som leder', lederuddannelse. FELT= uden kolonne: feltet bruges ikke. Uden --column "
    "genkendes kolonnerne på overskrifterne (se docs/file-formats.md)."
)


def register(app: typer.Typer) -> None:
    @app.command("import-leaders")
    def import_leaders_command(
        file: Annotated[Path, typer.Argument(help="CSV- eller Excel-fil (.xlsx) med ledere.")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Kontrollér filen uden at gemme noget.")] = False,
        column: Annotated[
            list[str] | None, typer.Option("--column", "-c", metavar="FELT=KOLONNE", help=COLUMN_HELP)
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Ingen fremdriftslinje.")] = False,
    ) -> None:
        """Importér ledere og enheder fra CSV/XLSX (alt eller intet; se docs/file-formats.md)."""
        from ledelsesrum.cli import prepare_database
        from ledelsesrum.jobs import runner
        from ledelsesrum.jobs.models import Job
        from ledelsesrum.lib.progress import cli_progress

        from .columns import ColumnOptionError, describe, parse_column_options, suggest_mapping
        from .importer import LeaderImportFailed, import_leaders, read_leader_file

        if not file.is_file():
            typer.echo(f"Filen {file} findes ikke.", err=True)
            raise typer.Exit(1)
        prepare_database()
        try:
            table = read_leader_file(file, file.name)
        except LeaderImportFailed as exc:
            _report_errors(exc.plan)
            raise typer.Exit(1) from exc
        try:
            mapping = suggest_mapping(table.headers).with_choices(parse_column_options(column or [], table.headers))
        except ColumnOptionError as exc:
            typer.echo(f"Fejl: {exc}", err=True)
            typer.echo("Intet er importeret.", err=True)
            raise typer.Exit(2) from exc
        typer.echo("Kolonner: " + describe(mapping), err=True)
        # Validate first so that every error is reported, not only the first few.
        try:
            with cli_progress("Kontrollerer", quiet=quiet) as callback:
                plan = import_leaders(table, file.name, dry_run=True, progress=callback, columns=mapping)
        except LeaderImportFailed as exc:
            _report_errors(exc.plan)
            raise typer.Exit(1) from exc
        counts = plan.counts
        if plan.ignored_columns:
            typer.echo("Ignorerede kolonner: " + ", ".join(plan.ignored_columns), err=True)
        if dry_run:
            typer.echo(
                f"Prøvekørsel – intet er gemt. Filen er i orden: {counts['create']} nye, "
                f"{counts['update']} opdateres, {counts['unchanged']} uændrede, "
                f"{counts['units']} nye enheder."
            )
            return
        with cli_progress("Importerer", quiet=quiet) as callback:
            job = runner.run_inline(
                IMPORT_JOB,
                {"path": str(file.resolve()), "filename": file.name, "columns": mapping.to_data()},
                callback,
            )
        if job.status != Job.Status.DONE:
            typer.echo(job.error, err=True)
            raise typer.Exit(1)
        r = job.result
        typer.echo(
            f"Importeret: {r['created']} nye, {r['updated']} opdateret, {r['unchanged']} uændrede, "
            f"{r['units_created']} nye enheder."
        )


def _report_errors(plan) -> None:
    for line in plan.report_lines():
        typer.echo(line, err=True)
    if plan.needs_columns:
        typer.echo("Vælg kolonnerne med --column FELT=KOLONNE, fx --column navn=Medarbejder "
                   "--column email=Arbejdsmail (se ledelsesrum import-leaders --help).", err=True)
    n = len(plan.row_errors)
    if n:
        typer.echo(f"Intet er importeret: {n} {'række' if n == 1 else 'rækker'} med fejl.", err=True)
    else:
        typer.echo("Intet er importeret.", err=True)
