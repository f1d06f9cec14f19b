"""``ledelsesrum import-notes --study ID FILE... [--interview ID] [--dry-run]``."""

import pytest
import typer
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.interviews.cli import register
from ledelsesrum.interviews.models import InterviewNote
from ledelsesrum.jobs.models import Job

from .helpers import docx_bytes, make_interview

app = typer.Typer()


@app.callback()
def _root() -> None:
    """A group, so the command is called by its name as under ``ledelsesrum``."""


register(app)
runner = CliRunner()


def _run(*args):
    return runner.invoke(app, ["import-notes", *map(str, args), "--quiet"])


@pytest.fixture
def files(tmp_path):
    hanne = tmp_path / "hanne_boegh_madsen.docx"
    hanne.write_bytes(docx_bytes(("h1", "Økonomi"), ("p", "Hanne har styr på budgettet.")))
    jens = tmp_path / "jens-oersted.txt"
    jens.write_bytes("Tid til ledelse\nJens savner tid.".encode("cp1252"))
    return hanne, jens


@pytest.mark.django_db
def test_the_cli_imports_files_matched_by_name_through_a_job(study, hanne, jens, files):
    a, b = make_interview(study, hanne), make_interview(study, jens)
    result = _run("--study", study.pk, *files)
    assert result.exit_code == 0, result.output
    assert "Importeret: 2 filer, 2 noter/resuméer, 2 navne m.m. pseudonymiseret." in result.output
    assert InterviewNote.objects.get(interview=a, theme_id="2e").text == "[Leder A] har styr på budgettet."
    assert InterviewNote.objects.get(interview=b, theme_id="3b").text == "[Leder B] savner tid."
    assert Job.objects.get().status == Job.Status.DONE
    assert AuditEvent.objects.filter(action="interviews.import.cli").count() == 1


@pytest.mark.django_db
def test_a_dry_run_checks_and_saves_nothing(study, hanne, jens, files):
    make_interview(study, hanne), make_interview(study, jens)
    result = _run("--study", study.pk, *files, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Prøvekørsel – intet er gemt. 2 filer er i orden." in result.output
    assert "hanne_boegh_madsen.docx → interview" in result.output
    assert not InterviewNote.objects.exists() and not Job.objects.exists()


@pytest.mark.django_db
def test_an_unmatched_file_stops_everything_unless_the_interview_is_given(study, hanne, jens, files, tmp_path):
    make_interview(study, hanne), make_interview(study, jens)
    other = tmp_path / "interview_17.md"
    other.write_text("# Noter\nGod samtale.", encoding="utf-8")
    result = _run("--study", study.pk, files[0], other)
    assert result.exit_code == 1
    assert "interview_17.md: intet interview passer på filnavnet" in result.output
    assert "Intet er importeret." in result.output and "Traceback" not in result.output
    assert not InterviewNote.objects.exists()
    target = make_interview(study, jens)
    result = _run("--study", study.pk, other, "--interview", target.pk)
    assert result.exit_code == 0, result.output
    assert InterviewNote.objects.get().interview == target


@pytest.mark.django_db
def test_bad_input_gets_a_danish_message_and_exit_code_1(study, tmp_path, files):
    assert "findes ikke" in _run("--study", study.pk, tmp_path / "nej.txt").output
    result = _run("--study", 999, files[0])
    assert result.exit_code == 1 and "Undersøgelse 999 findes ikke." in result.output
    broken = tmp_path / "hanne_boegh_madsen2.docx"
    broken.write_bytes(b"ikke word")
    result = _run("--study", study.pk, broken)
    assert result.exit_code == 1 and "kunne ikke læses som Word-dokument" in result.output
    result = _run("--study", study.pk, *files, "--interview", 1)
    assert result.exit_code == 1 and "--interview kan kun bruges med én fil." in result.output
    assert not InterviewNote.objects.exists()
