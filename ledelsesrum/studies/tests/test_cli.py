import pytest
import typer
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.studies.cli import register
from ledelsesrum.studies.models import Round
from ledelsesrum.studies.rounds import create_round, launch_round
from ledelsesrum.surveys.models import Invitation

from .factories import make_leaders


@pytest.fixture
def cli():
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:  # keeps "study" a sub-command even when it is the only one
        pass

    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(app, ["study", *map(str, args)], **kw)


@pytest.mark.django_db
def test_study_list_shows_studies_rounds_and_rates(cli, org, ready_study):
    make_leaders(5, org["skole_a"])
    launch_round(create_round(ready_study))
    result = cli("list")
    assert result.exit_code == 0, result.output
    assert f"{ready_study.pk}\tVilkår for ledelse 2026" in result.output
    assert "Runde 1: Indsamler svar, 5 inviteret, svarprocent 0 %" in result.output


@pytest.mark.django_db
def test_study_launch_creates_and_launches_the_next_round(cli, org, ready_study):
    make_leaders(4, org["skole_a"])
    result = cli("launch", ready_study.pk)
    assert result.exit_code == 0, result.output
    assert "4 ledere er inviteret" in result.output
    round_ = Round.objects.get()
    assert round_.status == Round.Status.COLLECTING
    assert Invitation.objects.filter(round=round_).count() == 4
    assert AuditEvent.objects.get(action="round.launch").detail["channel"] == "cli"


@pytest.mark.django_db
def test_study_launch_refusal_is_a_danish_message_and_leaves_no_round(cli, org, study):
    make_leaders(2, org["skole_a"])
    result = cli("launch", study.pk)
    assert result.exit_code == 1
    assert "intet spørgeskema" in result.output
    assert "Traceback" not in result.output
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_unknown_study_or_round_is_a_clear_error(cli, ready_study):
    assert "ingen undersøgelse med id 999" in cli("launch", 999).output
    missing = cli("close", ready_study.pk, "--round", 3, "--yes")
    assert missing.exit_code == 1
    assert "ingen runde 3" in missing.output


@pytest.mark.django_db
def test_study_close_asks_first_and_closes_with_yes(cli, org, ready_study):
    make_leaders(5, org["skole_a"])
    round_ = create_round(ready_study)
    launch_round(round_)

    declined = cli("close", ready_study.pk, input="n\n")
    round_.refresh_from_db()
    assert declined.exit_code == 1
    assert round_.status == Round.Status.COLLECTING

    closed = cli("close", ready_study.pk, "--round", 1, "--yes")
    round_.refresh_from_db()
    assert closed.exit_code == 0, closed.output
    assert round_.status == Round.Status.CLOSED
    assert not Invitation.objects.filter(token__isnull=False).exists()
    assert AuditEvent.objects.filter(action="round.close").count() == 1
