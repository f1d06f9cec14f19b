"""``ledelsesrum results --study ID --format json|csv|xlsx [--output FILE]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

FORMATS = ("json", "csv", "xlsx")


def register(app: typer.Typer) -> None:
    @app.command("results")
    def results_command(
        study: Annotated[int, typer.Option("--study", help="Undersøgelsens id.")],
        format: Annotated[str, typer.Option("--format", help="json, csv eller xlsx.")] = "json",
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Skriv til denne fil (krævet for xlsx)."),
        ] = None,
    ) -> None:
        """De samlede resultater af undersøgelsens seneste afsluttede hovedrunde, med
        diskretionering præcis som på resultatsiden (formater i docs/results-format.md)."""
        from ledelsesrum.accounts import audit
        from ledelsesrum.cli import prepare_database
        from ledelsesrum.studies.models import Study

        from . import exports
        from .release import release, stored_release
        from .results import DisclosureError, latest_closed_round

        fmt = format.lower()
        if fmt not in FORMATS:
            typer.echo(f"Ukendt format '{format}'. Vælg json, csv eller xlsx.", err=True)
            raise typer.Exit(1)
        if fmt == "xlsx" and output is None:
            typer.echo("Excel-formatet (xlsx) skal skrives til en fil: brug --output FIL.xlsx.",
                       err=True)
            raise typer.Exit(1)
        prepare_database()
        study_obj = Study.objects.filter(pk=study).first()
        if study_obj is None:
            typer.echo(f"Der findes ingen undersøgelse med id {study}.", err=True)
            raise typer.Exit(1)
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
            data = exports.to_csv(result).encode("utf-8")
            if output is not None:
                data = "\ufeff".encode() + data  # a file for Excel: BOM marks it as UTF-8
        else:
            data = exports.to_xlsx(result)
        audit.record("results.export", study_id=study_obj.pk, round_id=round_.pk, format=fmt,
                     channel="cli")
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        try:
            output.write_bytes(data)
        except OSError as exc:
            typer.echo(f"Kunne ikke skrive {output}: {exc.strerror}.", err=True)
            raise typer.Exit(1) from exc
        typer.echo(f"Resultaterne er skrevet til {output}.", err=True)
