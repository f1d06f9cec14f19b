"""``ledelsesrum study list | launch | close``: the round life cycle from the command line."""

from __future__ import annotations

import typer

study_app = typer.Typer(
    help="Undersøgelser og deres runder.", no_args_is_help=True, add_completion=False
)


def register(app: typer.Typer) -> None:
    app.add_typer(study_app, name="study")


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(1)


def _study(study_id: int):
    from .models import Study

    study = Study.objects.filter(pk=study_id).first()
    if study is None:
        _fail(f"Der findes ingen undersøgelse med id {study_id}. Se 'ledelsesrum study list'.")
    return study


def _main_round(study, number: int):
    from .models import Round

    found = study.rounds.filter(kind=Round.Kind.MAIN, number=number).first()
    if found is None:
        _fail(f"Undersøgelsen '{study.name}' har ingen runde {number}.")
    return found


@study_app.command("list", help="Vis undersøgelserne med runder og svarprocenter.")
def list_studies() -> None:
    """Vis undersøgelserne med runder og svarprocenter."""
    from ledelsesrum.cli import prepare_database

    from . import rounds
    from .models import Study

    prepare_database()
    studies = list(Study.objects.all().order_by("pk"))
    if not studies:
        typer.echo("Ingen undersøgelser endnu.")
        return
    for study in studies:
        typer.echo(f"{study.pk}\t{study.name}")
        for round_ in study.rounds.order_by("kind", "number"):
            line = f"\t{round_.get_kind_display()} {round_.number}: {round_.get_status_display()}"
            if round_.status != round_.Status.DRAFT:
                overview = rounds.response_overview(round_)
                line += f", {overview['invited']} inviteret"
                if overview["rate"] is not None:
                    line += f", svarprocent {overview['rate']} %"
            typer.echo(line)


@study_app.command(
    "launch", help="Start en runde: populationen fastfryses, og de personlige links oprettes."
)
def launch(
    study_id: int = typer.Argument(..., help="Undersøgelsens id."),
    round_number: int | None = typer.Option(
        None, "--round", help="Rundens nummer; uden: den næste runde (oprettes om nødvendigt)."
    ),
) -> None:
    """Start en hovedrunde: fastfrys populationen og opret de personlige links."""
    from django.db import transaction

    from ledelsesrum.accounts import audit
    from ledelsesrum.cli import prepare_database

    from . import rounds
    from .models import Round

    prepare_database()
    study = _study(study_id)
    try:
        with transaction.atomic():  # a refused launch leaves no new empty round behind
            if round_number is not None:
                round_ = _main_round(study, round_number)
            else:
                round_ = (
                    study.rounds.filter(kind=Round.Kind.MAIN, status=Round.Status.DRAFT)
                    .order_by("-number")
                    .first()
                ) or rounds.create_round(study, Round.Kind.MAIN)
            count = rounds.launch_round(round_)
    except rounds.RoundError as exc:
        _fail(str(exc))
    audit.record(
        "round.launch", obj=round_, study_id=study.pk, kind=round_.kind, number=round_.number,
        invitations=count, channel="cli",
    )
    typer.echo(f"Runde {round_.number} af '{study.name}' er startet: {count} ledere er inviteret.")


@study_app.command(
    "close",
    help="Afslut en runde: linkene holder op med at virke, og svarene mister forbindelsen til "
    "personerne. Kan ikke fortrydes.",
)
def close(
    study_id: int = typer.Argument(..., help="Undersøgelsens id."),
    round_number: int | None = typer.Option(
        None, "--round", help="Rundens nummer; uden: den runde der indsamler svar."
    ),
    yes: bool = typer.Option(False, "--yes", help="Spring bekræftelsen over."),
) -> None:
    """Afslut en hovedrunde: links holder op med at virke, og svar kobles fra personer. Kan ikke fortrydes."""
    from ledelsesrum.accounts import audit
    from ledelsesrum.cli import prepare_database

    from . import rounds
    from .models import Round

    prepare_database()
    study = _study(study_id)
    if round_number is not None:
        round_ = _main_round(study, round_number)
    else:
        round_ = (
            study.rounds.filter(kind=Round.Kind.MAIN, status=Round.Status.COLLECTING)
            .order_by("-number")
            .first()
        )
        if round_ is None:
            _fail(f"Undersøgelsen '{study.name}' har ingen runde, der indsamler svar.")
    if not yes and not typer.confirm(
        f"Afslut runde {round_.number} af '{study.name}'? Linkene holder op med at virke, og det "
        "kan ikke fortrydes."
    ):
        _fail("Afbrudt; intet er ændret.")
    try:
        rounds.close_round(round_)
    except rounds.RoundError as exc:
        _fail(str(exc))
    audit.record(
        "round.close", obj=round_, study_id=study.pk, kind=round_.kind, number=round_.number,
        channel="cli",
    )
    typer.echo(f"Runde {round_.number} af '{study.name}' er afsluttet; resultaterne er frigivet.")


@study_app.command("delete", help="Slet en undersøgelse med alle dens data. Kan ikke fortrydes.")
def delete(
    study_id: int = typer.Argument(..., help="Undersøgelsens id."),
    yes: bool = typer.Option(False, "--yes", help="Bekræft uden at spørge."),
) -> None:
    from ledelsesrum.cli import prepare_database

    from .retention import delete_study

    prepare_database()
    study = _study(study_id)
    if not yes and not typer.confirm(
        f"Slet '{study.name}' med alle svar, interviews og noter? Det kan ikke fortrydes."
    ):
        _fail("Intet er slettet.")
    counts = delete_study(study, reason="cli")
    typer.echo(f"Slettet: undersøgelse {study_id} ({sum(counts.values())} poster i alt).")


@study_app.command(
    "purge-expired", help="Slet undersøgelser, hvis opbevaringsfrist ('slettes senest') er passeret."
)
def purge_expired_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="Vis kun, hvad der ville blive slettet."),
) -> None:
    from ledelsesrum.cli import prepare_database

    from .retention import expired_studies, purge_expired

    prepare_database()
    if dry_run:
        for study in expired_studies():
            typer.echo(f"{study.pk}\t{study.name}\tslettes senest {study.retention_until}")
        return
    deleted = purge_expired()
    typer.echo(f"Slettede {len(deleted)} undersøgelse(r) efter opbevaringsfristen.")
