"""``ledelsesrum report --study ID --format html|pdf|docx --output FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

FORMATS = ("html", "pdf", "docx")
EDITIONS = ("full", "dialogue")
DIALOGUE_FORMATS = ("html", "pdf")


def _write_dialogue(study, fmt: str, target: Path, quiet: bool) -> None:
    """The dialogue edition is short, so it is rendered directly rather than as a job."""
    from ledelsesrum.accounts import audit
    from ledelsesrum.lib.progress import cli_progress

    from .dialogue import compose_dialogue, render_dialogue

    with cli_progress(f"Dialogudgave ({fmt.upper()})", quiet=quiet) as callback:
        data = render_dialogue(compose_dialogue(study, progress=callback), fmt)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)  # never half a file under the real name
    audit.record("report.download", study_id=study.pk, format=fmt, channel="cli",
                 edition="dialogue")
    typer.echo(f"Dialogudgaven er skrevet til {target} ({len(data):,} bytes).".replace(",", "."))


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report_command(
        study: Annotated[int, typer.Option("--study", help="Undersøgelsens id.")],
        output: Annotated[Path, typer.Option("--output", "-o", help="Filen, rapporten skrives til.")],
        format: Annotated[str, typer.Option("--format", help="html, pdf eller docx.")] = "pdf",
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Ingen statuslinje.")] = False,
        edition: Annotated[str, typer.Option(
            "--edition", help="full (hele rapporten) eller dialogue (dialogudgaven).")] = "full",
    ) -> None:
        """Undersøgelsens rapport som HTML, PDF eller Word (DOCX), med de frigivne
        resultater og analytikerens redigerede tekster (se docs/reports.md)."""
        from ledelsesrum.accounts import audit
        from ledelsesrum.cli import prepare_database
        from ledelsesrum.jobs.runner import run_inline
        from ledelsesrum.lib.progress import cli_progress
        from ledelsesrum.studies.models import Study

        from .jobs import KIND

        fmt = format.lower()
        edition_key = edition.lower()
        if edition_key not in EDITIONS:
            typer.echo(f"Ukendt udgave '{edition}'. Vælg full eller dialogue.", err=True)
            raise typer.Exit(1)
        if edition_key == "dialogue" and fmt not in DIALOGUE_FORMATS:
            typer.echo(f"Dialogudgaven findes som html eller pdf, ikke '{format}'.", err=True)
            raise typer.Exit(1)
        if fmt not in FORMATS:
            typer.echo(f"Ukendt format '{format}'. Vælg html, pdf eller docx.", err=True)
            raise typer.Exit(1)
        target = output.expanduser().resolve()
        if not target.parent.is_dir():
            typer.echo(f"Mappen {target.parent} findes ikke.", err=True)
            raise typer.Exit(1)
        prepare_database()
        study_obj = Study.objects.filter(pk=study).first()
        if study_obj is None:
            typer.echo(f"Der findes ingen undersøgelse med id {study}.", err=True)
            raise typer.Exit(1)
        if edition_key == "dialogue":
            _write_dialogue(study_obj, fmt, target, quiet)
            return
        with cli_progress(f"Rapport ({fmt.upper()})", quiet=quiet) as callback:
            job = run_inline(KIND, {"study_id": study_obj.pk, "format": fmt, "path": str(target)},
                             callback, study_id=study_obj.pk)
        if job.status != job.Status.DONE:
            typer.echo(job.error or "Rapporten kunne ikke laves.", err=True)
            raise typer.Exit(1)
        audit.record("report.download", study_id=study_obj.pk, format=fmt, channel="cli")
        typer.echo(f"Rapporten er skrevet til {target} ({job.result.get('bytes', 0):,} bytes).".replace(",", "."))
