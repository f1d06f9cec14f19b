"""``ledelsesrum import-notes --study ID FILE... [--interview ID] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("import-notes")
    def import_notes_command(
        files: Annotated[list[Path], typer.Argument(help="Filer med interviewnoter (.txt, .md, .docx).")],
        study: Annotated[int, typer.Option("--study", help="Undersøgelsens id.")],
        interview: Annotated[
            int | None,
            typer.Option("--interview", help="Interviewets id (kun med én fil; ellers findes det ud fra filnavnet)."),
        ] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Kontrollér filerne uden at gemme noget.")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Ingen fremdriftslinje.")] = False,
    ) -> None:
        """Importér interviewnoter (alle filer eller ingen); navne pseudonymiseres (docs/interviews.md)."""
        from ledelsesrum.accounts import audit
        from ledelsesrum.jobs import runner
        from ledelsesrum.jobs.models import Job
        from ledelsesrum.lib.progress import cli_progress

        from .importer import IMPORT_JOB, plan_import

        _check_arguments(files, study, interview)
        with cli_progress("Kontrollerer", quiet=quiet) as callback:
            contents = []
            for n, f in enumerate(files, start=1):
                callback(n, len(files), f.name)
                contents.append((f.name, f.read_bytes()))
            plan = plan_import(study, contents)
        problems = _match_interviews(plan, interview)
        if problems:
            for line in problems:
                typer.echo(line, err=True)
            typer.echo("Intet er importeret.", err=True)
            raise typer.Exit(1)
        for fp in plan.files:
            themes = ", ".join(fp.parsed.theme_ids) or "ingen temaer"
            typer.echo(f"{fp.filename} → interview {fp.interview_id} ({themes}; {fp.replacements} pseudonymiseringer)")
        if dry_run:
            typer.echo(f"Prøvekørsel – intet er gemt. {len(plan.files)} filer er i orden.")
            return
        params = {
            "study_id": study, "user_id": None,
            "files": [
                {"index": fp.index, "filename": fp.filename, "interview_id": fp.interview_id,
                 "path": str(files[fp.index].resolve())}
                for fp in plan.files
            ],
        }
        with cli_progress("Importerer", quiet=quiet) as callback:
            job = runner.run_inline(IMPORT_JOB, params, callback, study_id=study)
        if job.status != Job.Status.DONE:
            typer.echo(job.error, err=True)
            raise typer.Exit(1)
        audit.record("interviews.import.cli", study_id=study, job_id=job.pk, files=len(files))
        r = job.result
        typer.echo(
            f"Importeret: {r['files']} filer, {r['notes']} noter/resuméer, "
            f"{r['replacements']} navne m.m. pseudonymiseret."
        )


def _check_arguments(files: list[Path], study: int, interview: int | None) -> None:
    """Exit with a Danish message unless every file, the study and the interview exist."""
    from ledelsesrum.cli import prepare_database
    from ledelsesrum.studies.models import Study

    from .models import Interview

    missing = [f for f in files if not f.is_file()]
    if missing:
        for f in missing:
            typer.echo(f"Filen {f} findes ikke.", err=True)
        raise typer.Exit(1)
    if interview is not None and len(files) != 1:
        typer.echo("--interview kan kun bruges med én fil.", err=True)
        raise typer.Exit(1)
    prepare_database()
    if not Study.objects.filter(pk=study).exists():
        typer.echo(f"Undersøgelse {study} findes ikke.", err=True)
        raise typer.Exit(1)
    if interview is not None and not Interview.objects.filter(pk=interview, study_id=study).exists():
        typer.echo(f"Interview {interview} findes ikke i undersøgelse {study}.", err=True)
        raise typer.Exit(1)


def _match_interviews(plan, interview: int | None) -> list[str]:
    """The plan's problems, and one per file that matches no interview or several; with
    ``--interview`` the one file goes to that interview."""
    problems = list(plan.errors)
    for fp in plan.files:
        if fp.parsed is None:
            continue
        if interview is not None:
            fp.matches = [interview]
        elif fp.ambiguous:
            problems.append(f"{fp.filename}: filnavnet passer på flere interviews ({', '.join(map(str, fp.matches))}); brug --interview.")
        elif fp.interview_id is None:
            problems.append(f"{fp.filename}: intet interview passer på filnavnet (lederens navn eller e-mail); brug --interview.")
    return problems
