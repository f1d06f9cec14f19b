"""``ledelsesrum import-leaders FILE --column FELT=KOLONNE``: the same recognition as the web
preview, columns chosen by hand, and Danish errors (issue 12, item 14)."""

import pytest
from typer.testing import CliRunner

from ledelsesrum.cli import _register_context_commands, app
from ledelsesrum.jobs.models import Job
from ledelsesrum.organisation.models import Leader, Unit

from .helpers import csv_bytes

_register_context_commands()
runner = CliRunner()

HR_HEADER = "Medarbejder;Fornavn;Efternavn;Arbejdsmail;Afdeling"
HR_ROWS = ("Mette H.;Mette;Hansen;mette@kommune.dk;Skolen", "Jens Ø.;Jens;Ørsted;jens@kommune.dk;Skolen")


def _run(*args):
    return runner.invoke(app, ["import-leaders", *map(str, args), "--quiet"])


@pytest.fixture
def hr_file(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(*HR_ROWS, header=HR_HEADER, encoding="cp1252"))
    return path


@pytest.fixture
def school(db):
    return Unit.objects.create(name="Skolen", parent=Unit.objects.create(name="Kommunen"))


@pytest.mark.django_db
def test_hr_headings_are_recognised_and_the_name_put_together(hr_file, school):
    result = _run(hr_file)
    assert result.exit_code == 0, result.output
    assert "Kolonner: navn ← Fornavn + Efternavn · e-mail ← Arbejdsmail · enhed ← Afdeling" in result.output
    assert "Ignorerede kolonner: Medarbejder" in result.output
    assert "Importeret: 2 nye, 0 opdateret, 0 uændrede, 0 nye enheder." in result.output
    assert sorted(Leader.objects.values_list("name", "email", "unit")) == [
        ("Jens Ørsted", "jens@kommune.dk", school.pk), ("Mette Hansen", "mette@kommune.dk", school.pk),
    ]


@pytest.mark.django_db
def test_column_options_choose_the_columns_and_the_job_uses_them(hr_file, school):
    result = _run(hr_file, "--column", "navn=medarbejder", "-c", "email=Arbejdsmail", "--column", "enhed=")
    assert result.exit_code == 0, result.output
    assert "Kolonner: navn ← Medarbejder · e-mail ← Arbejdsmail" in result.output
    job = Job.objects.get()
    assert job.params["columns"] == {"name": "Medarbejder", "email": "Arbejdsmail"}
    assert sorted(Leader.objects.values_list("name", "unit")) == [("Jens Ø.", None), ("Mette H.", None)]


@pytest.mark.django_db
def test_a_dry_run_with_columns_saves_nothing(hr_file, school):
    result = _run(hr_file, "--dry-run", "--column", "name=Medarbejder")
    assert result.exit_code == 0, result.output
    assert "Prøvekørsel – intet er gemt. Filen er i orden: 2 nye" in result.output
    assert not Leader.objects.exists() and not Job.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("option", "message"), [
    ("navn", "Fejl: --column skal skrives FELT=KOLONNE, fx --column email=Arbejdsmail (fik 'navn')."),
    ("kaldenavn=Fornavn", "Fejl: Feltet 'kaldenavn' i --column kendes ikke. Brug et af: navn, fornavn"),
    ("navn=Medarbejdr", "Fejl: Kolonnen 'Medarbejdr' (i --column navn=Medarbejdr) findes ikke i filen. "
                        "Filens kolonner: Medarbejder, Fornavn, Efternavn, Arbejdsmail, Afdeling."),
])
def test_a_column_option_that_cannot_be_used_is_refused_in_danish(hr_file, school, option, message):
    result = _run(hr_file, "--column", option)
    assert result.exit_code == 2
    assert message in result.output and "Intet er importeret." in result.output
    assert "Traceback" not in result.output
    assert not Leader.objects.exists() and not Job.objects.exists()


@pytest.mark.django_db
def test_a_file_without_an_email_column_asks_for_column(tmp_path, school):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes("Mette;Hansen;mette@kommune.dk", header="Fornavn;Efternavn;Kontakt"))
    result = _run(path)
    assert result.exit_code == 1
    assert ("Filen mangler kolonnen/kolonnerne 'e-mail'. Fundne kolonner: Fornavn, Efternavn, Kontakt."
            in result.output)
    assert "Vælg kolonnerne med --column FELT=KOLONNE" in result.output
    assert not Leader.objects.exists()
    result = _run(path, "--column", "e-mail=kontakt")
    assert result.exit_code == 0, result.output
    assert Leader.objects.get().name == "Mette Hansen"


@pytest.mark.django_db
def test_the_option_is_documented_in_the_help():
    result = runner.invoke(app, ["import-leaders", "--help"])
    assert result.exit_code == 0
    assert "--column" in result.output and "FELT=KOLONNE" in result.output
