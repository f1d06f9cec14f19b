"""``ledelsesrum followup remind | export``: reminders for cron and the XLSX export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

followup_app = typer.Typer(
    help="Opfølgning på direktionens beslutninger og handlinger.", no_args_is_help=True, add_completion=False
)


def register(app: typer.Typer) -> None:
    app.add_typer(followup_app, name="followup")


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)


@followup_app.command("remind", help="Send påmindelser om handlinger med overskredet frist (højst én om ugen).")
def remind() -> None:
    from ledelsesrum.cli import prepare_database

    from .progress import send_overdue_reminders

    prepare_database()
    sent = send_overdue_reminders()
    typer.echo(f"Sendte {sent} påmindelse(r).", err=True)


@followup_app.command("export", help="Gem anbefalinger, beslutninger og handlinger som XLSX.")
def export(
    study: Annotated[int, typer.Option("--study", help="Undersøgelsens id.")],
    output: Annotated[Path, typer.Option("--output", help="Fil der skrives (.xlsx).")],
) -> None:
    from django.utils import timezone

    from ledelsesrum.accounts import audit
    from ledelsesrum.cli import prepare_database
    from ledelsesrum.studies.models import Study

    from .export import write_xlsx

    if output.suffix.lower() != ".xlsx":
        _fail("Uddatafilen skal ende på .xlsx.")
    if not output.parent.exists():
        _fail(f"Mappen {output.parent} findes ikke.")
    prepare_database()
    found = Study.objects.filter(pk=study).first()
    if found is None:
        _fail(f"Der findes ingen undersøgelse med id {study}. Se 'ledelsesrum study list'.")
    write_xlsx(found, output, timezone.localdate())
    audit.record("followup.export", study_id=found.pk, format="xlsx", channel="cli")
    typer.echo(f"Skrev opfølgningen for '{found.name}' til {output}.", err=True)
