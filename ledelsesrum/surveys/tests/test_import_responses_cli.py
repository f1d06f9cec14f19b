"""``ledelsesrum import-responses FILE --study ID [--round N] [--dry-run]``."""

import pytest
from typer.testing import CliRunner

from ledelsesrum.cli import _register_context_commands, app
from ledelsesrum.surveys.models import Response

from .test_import_responses import csv, make_study_with_round

_register_context_commands()
runner = CliRunner()


def _run(*args):
    return runner.invoke(app, ["import-responses", *map(str, args), "--quiet"])


@pytest.mark.django_db
def test_cli_imports_a_good_file(tmp_path):
    study, round = make_study_with_round()
    path = tmp_path / "svar.csv"
    path.write_bytes(csv("mette@kommune.dk;1;2;;;", "jens@kommune.dk;3;;;;"))
    result = _run(path, "--study", study.pk, "--round", 1)
    assert result.exit_code == 0, result.output
    assert "2 nye besvarelser" in result.output
    assert Response.objects.filter(round=round).count() == 2


@pytest.mark.django_db
def test_cli_dry_run_saves_nothing(tmp_path):
    study, _round = make_study_with_round()
    path = tmp_path / "svar.csv"
    path.write_bytes(csv("mette@kommune.dk;1;2;;;"))
    result = _run(path, "--study", study.pk, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Prøvekørsel" in result.output
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_cli_reports_errors_and_exits_1(tmp_path):
    study, _round = make_study_with_round()
    path = tmp_path / "svar.csv"
    path.write_bytes(csv("mette@kommune.dk;1;9;;;"))
    result = _run(path, "--study", study.pk)
    assert result.exit_code == 1
    assert "Række 2: RAAD02: 9 ligger uden for 1–5" in result.output
    assert "Traceback" not in result.output
    assert not Response.objects.exists()


@pytest.mark.django_db
def test_cli_explains_an_unknown_study_or_round(tmp_path):
    study, _round = make_study_with_round()
    path = tmp_path / "svar.csv"
    path.write_bytes(csv("mette@kommune.dk;1;2;;;"))
    result = _run(path, "--study", 9999)
    assert result.exit_code == 1 and "ingen undersøgelse med id 9999" in result.output
    result = _run(path, "--study", study.pk, "--round", 3)
    assert result.exit_code == 1 and "ingen runde 3" in result.output
    assert not Response.objects.exists()
