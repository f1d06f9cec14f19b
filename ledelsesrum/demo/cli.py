"""``ledelsesrum demo``: build the demo municipality and serve it."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    app.command()(demo)


def demo(
    no_serve: bool = typer.Option(False, "--no-serve", help="Byg kun demoen; start ikke serveren."),
    host: str = typer.Option("127.0.0.1", help="Adresse der lyttes på."),
    port: int = typer.Option(8000, help="Port der lyttes på."),
    reset: bool = typer.Option(False, "--reset", help="Slet demo-kommunen og byg den forfra."),
    seed: int = typer.Option(2026, help="Startværdi for de tilfældige data (samme tal, samme demo)."),
    size: int = typer.Option(0, hidden=True, help="Antal ledere (0: hele demo-kommunen, ca. 120)."),
) -> None:
    """Byg en demokommune med ca. 120 ledere og svar, og start webappen."""
    from django.utils.translation import gettext as _

    from ..cli import prepare_database, serve_forever
    from ..lib.progress import cli_progress
    from . import build

    if size < 0 or size > 5000:
        typer.echo(_("--size skal være mellem 1 og 5000."), err=True)
        raise typer.Exit(1)
    prepare_database()
    try:
        with cli_progress(_("Bygger demo")) as progress:
            result = build.build_demo(seed=seed, size=size or None, reset=reset, progress=progress)
    except build.DemoError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc

    if result.created:
        typer.echo(_("Demoen er bygget på %(s).1f sekunder.") % {"s": result.seconds})
    else:
        typer.echo(_("Demoen findes allerede og genbruges (brug --reset for at bygge den forfra)."))
    typer.echo(
        _("Demo Kommune: %(leaders)s ledere i %(units)s enheder; %(submitted)s af %(invited)s har svaret.")
        % {"leaders": result.leaders, "units": result.units, "submitted": result.submitted,
           "invited": result.invitations}
    )
    typer.echo(_("Undersøgelse: %(name)s (id %(id)s)") % {"name": build.STUDY_NAME, "id": result.study_id})
    if result.interviews:
        typer.echo(_("Interviews: %(n)d (%(done)d gennemført); kodede meningsenheder: %(coded)d af %(units)d")
                   % {"n": result.interviews, "done": result.interviews_done,
                      "coded": result.coded_units, "units": result.note_units})
    typer.echo(_("Log ind med (adgangskoden står også i %(path)s):") % {"path": build.credentials_path()})
    for username, (_role, description) in build.DEMO_USERS.items():
        typer.echo(f"  {username} / {result.password}   ({description})")
    if no_serve:
        typer.echo(_("Start serveren med: ledelsesrum serve"))
        # Scripts read the study id from the last line.
        typer.echo(str(result.study_id))
        return
    if result.note_units:
        # The worker embeds the demo's units while the user logs in, so the first coding and
        # synthesis pages answer at once (build_demo itself stays fast and model-free).
        from django.db import transaction

        from ..coding.workspace import WARM_JOB
        from ..jobs.runner import enqueue

        with transaction.atomic():
            enqueue(WARM_JOB, {"study_id": result.study_id}, study_id=result.study_id)
    typer.echo(f"Ledelsesrum kører på http://{host}:{port}/")
    serve_forever(host, port)
