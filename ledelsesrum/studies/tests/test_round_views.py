import pytest
from django.urls import reverse

from ledelsesrum.accounts.models import AuditEvent
from ledelsesrum.studies.models import Round
from ledelsesrum.studies.rounds import create_round, launch_round
from ledelsesrum.surveys.models import Invitation, Response

from .factories import make_leader, make_leaders


@pytest.mark.django_db
def test_an_analyst_creates_and_launches_a_round(analyst_client, org, ready_study):
    make_leaders(6, org["skole_a"])
    detail = reverse("studies:detail", kwargs={"pk": ready_study.pk})

    created = analyst_client.post(reverse("studies:round_create", kwargs={"pk": ready_study.pk}))
    round_ = Round.objects.get()
    launched = analyst_client.post(
        reverse("studies:round_launch", kwargs={"pk": ready_study.pk, "round_id": round_.pk}), follow=True
    )

    assert created.url == detail
    assert "6 ledere er inviteret" in launched.content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.COLLECTING
    assert Invitation.objects.filter(round=round_).count() == 6
    assert list(AuditEvent.objects.without_account_events().order_by("id").values_list("action", flat=True)) == [
        "round.create", "round.launch",
    ]
    assert AuditEvent.objects.get(action="round.launch").detail["invitations"] == 6


@pytest.mark.django_db
def test_a_refused_launch_shows_the_reason_and_changes_nothing(analyst_client, org, study):
    make_leader(org["skole_a"])
    round_ = create_round(study)  # no questionnaire
    response = analyst_client.post(
        reverse("studies:round_launch", kwargs={"pk": study.pk, "round_id": round_.pk}), follow=True
    )
    assert "intet spørgeskema" in response.content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT
    assert not AuditEvent.objects.filter(action="round.launch").exists()


@pytest.mark.django_db
def test_closing_asks_for_confirmation_first(analyst_client, org, ready_study):
    make_leaders(5, org["skole_a"])
    round_ = create_round(ready_study)
    launch_round(round_)
    url = reverse("studies:round_close", kwargs={"pk": ready_study.pk, "round_id": round_.pk})

    page = analyst_client.get(url)
    unconfirmed = analyst_client.post(url, {})

    assert "Det kan ikke fortrydes" in page.content.decode()
    assert unconfirmed.status_code == 200
    assert "Bekræft, at runden skal afsluttes" in unconfirmed.content.decode()
    round_.refresh_from_db()
    assert round_.status == Round.Status.COLLECTING
    assert Invitation.objects.filter(round=round_, token__isnull=False).count() == 5


@pytest.mark.django_db
def test_an_analyst_closes_a_round_and_it_is_audit_logged(analyst_client, org, ready_study):
    make_leaders(5, org["skole_a"])
    round_ = create_round(ready_study)
    launch_round(round_)
    invitation = Invitation.objects.filter(round=round_).first()
    Response.objects.create(round=round_, invitation=invitation, unit=invitation.unit)

    response = analyst_client.post(
        reverse("studies:round_close", kwargs={"pk": ready_study.pk, "round_id": round_.pk}),
        {"confirm": "on"},
    )

    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    assert not Invitation.objects.filter(token__isnull=False).exists()
    assert not Response.objects.filter(invitation__isnull=False).exists()
    assert AuditEvent.objects.get(action="round.close").study_id == ready_study.pk


@pytest.mark.django_db
def test_a_pilot_is_created_for_chosen_leaders_by_email(analyst_client, org, ready_study):
    chosen = make_leader(org["skole_a"])
    make_leaders(3, org["skole_b"])
    url = reverse("studies:pilot_create", kwargs={"pk": ready_study.pk})

    unknown = analyst_client.post(url, {"emails": "ukendt@example.dk"})
    response = analyst_client.post(url, {"emails": chosen.email.upper()})

    assert "ukendt@example.dk" in unknown.content.decode()
    assert response.status_code == 302
    pilot = Round.objects.get()
    assert (pilot.kind, pilot.status) == (Round.Kind.PILOT, Round.Status.COLLECTING)
    assert list(Invitation.objects.values_list("leader", flat=True)) == [chosen.pk]
    assert AuditEvent.objects.get(action="round.launch").detail["kind"] == "pilot"


@pytest.mark.django_db
def test_a_refused_pilot_leaves_no_round_behind(analyst_client, org, study):
    chosen = make_leader(org["skole_a"])
    response = analyst_client.post(
        reverse("studies:pilot_create", kwargs={"pk": study.pk}), {"emails": chosen.email}
    )
    assert response.status_code == 200
    assert "intet spørgeskema" in response.content.decode()
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_a_board_reader_cannot_launch_or_close(board_client, org, ready_study):
    make_leaders(5, org["skole_a"])
    draft = create_round(ready_study)
    launch = reverse("studies:round_launch", kwargs={"pk": ready_study.pk, "round_id": draft.pk})
    close = reverse("studies:round_close", kwargs={"pk": ready_study.pk, "round_id": draft.pk})
    assert board_client.post(launch).status_code == 403
    assert board_client.post(close, {"confirm": "on"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Round.Status.DRAFT


@pytest.mark.django_db
def test_the_detail_page_polls_the_response_overview_while_collecting(board_client, org, ready_study):
    make_leaders(6, org["skole_a"])
    round_ = create_round(ready_study)
    launch_round(round_)
    invitations = list(Invitation.objects.filter(round=round_)[:5])
    for invitation in invitations:
        Response.objects.create(round=round_, invitation=invitation, unit=invitation.unit,
                                submitted_at=invitation.round.launched_at)
    invitation = invitations[0]
    overview_url = reverse("studies:round_overview", kwargs={"pk": ready_study.pk, "round_id": round_.pk})

    detail = board_client.get(reverse("studies:detail", kwargs={"pk": ready_study.pk})).content.decode()
    fragment = board_client.get(overview_url)

    assert f'hx-get="{overview_url}"' in detail and 'hx-trigger="every 10s"' in detail
    assert fragment.status_code == 200
    assert "83 %" in fragment.content.decode()  # 5 of 6 (a count under k is never shown)
    assert invitation.leader.name not in fragment.content.decode()
