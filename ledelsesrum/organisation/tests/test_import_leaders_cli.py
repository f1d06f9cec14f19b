"""``ledelsesrum import-leaders FILE [--dry-run]``."""

import pytest
from typer.testing import CliRunner

from ledelsesrum.cli import _register_context_commands, app
from ledelsesrum.jobs.models import Job
from ledelsesrum.organisation.models import Leader

from .helpers import GOOD_ROWS, csv_bytes

_register_context_commands()
runner = CliRunner()


def _run(*args):
    return runner.invoke(app, ["import-leaders", *map(str, args), "--quiet"])


@pytest.mark.django_db
def test_cli_imports_a_good_file_through_a_job(tmp_path):
    path = tmp_path / "ledere.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS, encoding="cp1252"))
    result = _run(path)
    assert result.exit_code == 0, result.output
    assert "Importeret: 2 nye, 0 opdateret, 0 uændrede, 3 nye enheder." in result.output
    assert Leader.objects.count() == 2
    assert Job.objects.get().status == Job.Status.DONE


@pytest.mark.django_db
def test_cli_dry_run_checks_without_saving(tmp_path):
    path = tmp_path / "ledere.csv"
    path.write_bytes(csv_bytes(*GOOD_ROWS))
    result = _run(path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Prøvekørsel – intet er gemt. Filen er i orden: 2 nye" in result.output
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_cli_prints_every_row_error_and_exits_1(tmp_path):
    path = tmp_path / "ledere.csv"
    path.write_bytes(csv_bytes("A;a@k.dk", "B;forkert", "C;a@k.dk", header="navn;e-mail"))
    result = _run(path)
    assert result.exit_code == 1
    assert "Række 3: 'forkert' er ikke en gyldig e-mailadresse" in result.output
    assert "Række 4: e-mailen a@k.dk står også i række 2" in result.output
    assert "Intet er importeret: 3 rækker med fejl." in result.output
    assert "Traceback" not in result.output
    assert not Leader.objects.exists()


@pytest.mark.django_db
def test_cli_explains_a_missing_file_and_a_broken_one(tmp_path):
    result = _run(tmp_path / "findes-ikke.csv")
    assert result.exit_code == 1 and "findes ikke" in result.output
    path = tmp_path / "ledere.csv"
    path.write_bytes(b'navn;e-mail\n"A;a@k.dk\n')
    result = _run(path)
    assert result.exit_code == 1 and "anførselstegn" in result.output
    assert not Leader.objects.exists()
