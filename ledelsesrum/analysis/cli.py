"""``ledelsesrum results --study ID …`` and ``ledelsesrum results change --study ID …``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

FORMATS = ("json", "csv", "xlsx")


def _format_and_study(format: str, output, study: int):
    """Check --format/--output, prepare the database and find the study; exit 1 with a Danish
    message otherwise. Shared by ``results`` and ``results change``."""
    from ledelsesrum.cli import prepare_database
    from ledelsesrum.studies.models import Study

    fmt = format.lower()
    if fmt not in FORMATS:
        typer.echo(f"Ukendt format '{format}'. Vælg json, csv eller xlsx.", err=True)
        raise typer.Exit(1)
    if fmt == "xlsx" and output is None:
        typer.echo("Excel-formatet (xlsx) skal skrives til en fil: brug --output FIL.xlsx.", err=True)
        raise typer.Exit(1)
    prepare_database()
    study_obj = Study.objects.filter(pk=study).first()
    if study_obj is None:
        typer.echo(f"Der findes ingen undersøgelse med id {study}.", err=True)
        raise typer.Exit(1)
    return fmt, study_obj


def _check_csv_style(value: str) -> None:
    from .exports import CSV_STYLES

    if value not in CSV_STYLES:
        typer.echo(f"Ukendt CSV-stil '{value}'. Vælg da eller international.", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    # A group so that ``results change`` can live beside the plain ``results --study ID``.
    results_app = typer.Typer(no_args_is_help=False)
    app.add_typer(results_app, name="results")
    register_change(results_app)

    @results_app.callback(invoke_without_command=True)
    def results_command(
        ctx: typer.Context,
        study: Annotated[int | None, typer.Option("--study", help="Undersøgelsens id.")] = None,
        format: Annotated[str, typer.Option("--format", help="json, csv eller xlsx.")] = "json",
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Skriv til denne fil (krævet for xlsx)."),
        ] = None,
        csv_stil: Annotated[
            str, typer.Option("--csv-stil", help="CSV: da (semikolon, decimalkomma; standard) "
                              "eller international (komma, decimalpunktum).")
        ] = "da",
    ) -> None:
        """De samlede resultater af undersøgelsens seneste afsluttede hovedrunde, med
        diskretionering præcis som på resultatsiden (formater i docs/results-format.md).
        Underkommandoen »change« giver udviklingen mellem to runder."""
        if ctx.invoked_subcommand is not None:
            return
        if study is None:
            typer.echo("Angiv undersøgelsen med --study ID.", err=True)
            raise typer.Exit(1)
        from ledelsesrum.accounts import audit

        from . import exports
        from .release import release, stored_release
        from .results import DisclosureError, latest_closed_round

        fmt, study_obj = _format_and_study(format, output, study)
        _check_csv_style(csv_stil)
        round_ = latest_closed_round(study_obj)
        if round_ is None:
            typer.echo(
                f"Undersøgelsen »{study_obj.name}« har ingen afsluttet runde. Resultaterne "
                "frigives, når runden er afsluttet.",
                err=True,
            )
            raise typer.Exit(1)
        try:
            current = stored_release(round_)
            if current is None:
                from ledelsesrum.lib.progress import cli_progress

                with cli_progress("Beregner resultater") as callback:
                    current = release(round_, progress=callback)
            result = dict(current.payload)
        except DisclosureError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        if fmt == "json":
            data: bytes = (exports.to_json(result) + "\n").encode("utf-8")
        elif fmt == "csv":
            data = exports.to_csv(result, csv_stil).encode("utf-8")
            if output is not None:
                data = "\ufeff".encode() + data  # a file for Excel: BOM marks it as UTF-8
        else:
            data = exports.to_xlsx(result)
        audit.record("results.export", study_id=study_obj.pk, round_id=round_.pk, format=fmt,
                     channel="cli")
        _write(data, output, f"Resultaterne er skrevet til {output}.")


def _write(data: bytes, output: Path | None, message: str) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        typer.echo(f"Kunne ikke skrive {output}: {exc.strerror}.", err=True)
        raise typer.Exit(1) from exc
    typer.echo(message, err=True)


def register_change(results_app: typer.Typer) -> None:
    @results_app.command("change")
    def change_command(
        study: Annotated[int, typer.Option("--study", help="Undersøgelsens id.")],
        from_round: Annotated[
            int | None, typer.Option("--from", help="Fra hovedrunde nr. (standard: næstsidste).")
        ] = None,
        to_round: Annotated[
            int | None, typer.Option("--to", help="Til hovedrunde nr. (standard: seneste).")
        ] = None,
        format: Annotated[str, typer.Option("--format", help="json, csv eller xlsx.")] = "json",
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Skriv til denne fil (krævet for xlsx)."),
        ] = None,
        csv_stil: Annotated[
            str, typer.Option("--csv-stil", help="CSV: da (semikolon, decimalkomma; standard) "
                              "eller international (komma, decimalpunktum).")
        ] = "da",
    ) -> None:
        """Udviklingen mellem to afsluttede hovedrunder pr. skala og gruppe.

        Beregnes alene ud fra de to runders frigivne resultater (docs/results-format.md)."""
        from ledelsesrum.accounts import audit

        from . import change_exports
        from .change import ChangeError, change_for_rounds, rounds_for
        from .results import DisclosureError

        fmt, study_obj = _format_and_study(format, output, study)
        _check_csv_style(csv_stil)
        try:
            earlier, later = rounds_for(study_obj, from_round, to_round)
            table = change_for_rounds(earlier, later)
        except (ChangeError, DisclosureError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from exc
        if fmt == "json":
            data = (change_exports.to_json(table) + "\n").encode("utf-8")
        elif fmt == "csv":
            data = change_exports.to_csv(table, csv_stil).encode("utf-8")
            if output is not None:
                data = "\ufeff".encode() + data
        else:
            data = change_exports.to_xlsx(table)
        audit.record("results.change.export", study_id=study_obj.pk, from_round_id=earlier.pk,
                     to_round_id=later.pk, format=fmt, channel="cli")
        _write(data, output, f"Udviklingen er skrevet til {output}.")
