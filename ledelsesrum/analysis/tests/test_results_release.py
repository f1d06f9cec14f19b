"""Results are released when the round closes; during collection nothing but rates."""

from __future__ import annotations

import pytest
import typer
from django.urls import reverse
from typer.testing import CliRunner

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.analysis.cli import register
from ledelsesrum.analysis.results import ResultsNotReleased, compute_results
from ledelsesrum.studies.models import Round

from .factories import add_responses, answers, make_round, make_study


@pytest.fixture
def collecting(db):
    study = make_study()
    rnd = make_round(study, status=Round.Status.COLLECTING)
    add_responses(rnd, None, answers(2, 12), area="A")
    return study, rnd


def test_compute_results_refuses_a_collecting_round(collecting):
    _study, rnd = collecting
    with pytest.raises(ResultsNotReleased, match="frigives, når runden er afsluttet"):
        compute_results(rnd)
    rnd.refresh_from_db()
    assert rnd.status == Round.Status.COLLECTING


def test_the_results_page_says_results_come_when_the_round_closes(collecting, board_client):
    study, _rnd = collecting
    response = board_client.get(reverse("analysis:results", args=[study.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Resultaterne frigives, når runden er afsluttet." in html
    assert "indsamler stadig svar" in html
    assert "Gennemsnit" not in html and "<svg" not in html
    assert AuditEvent.objects.filter(action="results.view", detail__released=False).count() == 1


def test_exports_are_refused_while_collecting(collecting, board_client):
    study, _rnd = collecting
    for fmt in ("csv", "xlsx", "json"):
        response = board_client.get(reverse("analysis:export", args=[study.pk, fmt]))
        assert response.status_code == 409
        assert "frigives, når runden er afsluttet" in response.content.decode()
    assert not AuditEvent.objects.filter(action="results.export").exists()


def test_the_cli_explains_in_danish_that_there_is_no_closed_round(collecting):
    study, _rnd = collecting
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    res = CliRunner().invoke(app, ["results", "--study", str(study.pk), "--format", "json"])
    assert res.exit_code == 1
    assert "ingen afsluttet runde" in res.stderr
    assert res.stdout == ""


def test_roles_without_results_access_are_refused(collecting, client, interviewer):
    study, _rnd = collecting
    client.force_login(interviewer)
    assert client.get(reverse("analysis:results", args=[study.pk])).status_code == 403
    assert client.get(reverse("analysis:export", args=[study.pk, "csv"])).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="results.").exists()


def test_a_pilot_round_is_not_the_released_main_round(db, board_client):
    study = make_study()
    pilot = Round.objects.create(study=study, kind=Round.Kind.PILOT, status=Round.Status.CLOSED)
    add_responses(pilot, None, answers(2, 12), area="A")
    response = board_client.get(reverse("analysis:results", args=[study.pk]))
    assert "Der er endnu ingen afsluttet runde" in response.content.decode()
    assert pilot.responses.count() == 12
