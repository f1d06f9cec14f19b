"""``ledelsesrum import-leaders FILE [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

IMPORT_JOB = "ledelsesrum.organisation.importer:import_leaders_job"


def register(app: typer.Typer) -> None:
    @app.command("import-leaders")
    def import_leaders_command(
        file: Annotated[Path, typer.Argument(help="CSV- eller Excel-fil (.xlsx) med ledere.")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Kontrollér filen uden at gemme noget.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Ingen fremdriftslinje.")] = False,
    ) -> None:
        """Importér ledere og enheder fra CSV/XLSX (alt eller intet; se docs/file-formats.md)."""
        from ledelsesrum.cli import prepare_database
        from ledelsesrum.jobs import runner
        from ledelsesrum.jobs.models import Job
        from ledelsesrum.lib.progress import cli_progress

        from .importer import LeaderImportFailed, import_leaders

        if not file.is_file():
            typer.echo(f"Filen {file} findes ikke.", err=True)
            raise typer.Exit(1)
        prepare_database()
        # Validate first so that every error is reported, not only the first few.
        try:
            with cli_progress("Kontrollerer", quiet=quiet) as callback:
                plan = import_leaders(file, file.name, dry_run=True, progress=callback)
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
                IMPORT_JOB, {"path": str(file.resolve()), "filename": file.name}, callback
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
    n = len(plan.row_errors)
    if n:
        typer.echo(f"Intet er importeret: {n} {'række' if n == 1 else 'rækker'} med fejl.", err=True)
    else:
        typer.echo("Intet er importeret.", err=True)
